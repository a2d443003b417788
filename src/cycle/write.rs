//! The two ways the release cycle writes a content file, both through a temporary file
//! in the same folder so that no reader ever sees half of one: a new file that never
//! replaces an existing one (even one made a moment ago by someone else), and an edited
//! file swapped in whole.

use std::io::Write;
use std::path::Path;

/// Writes `text` to `path`, which must not exist: the finished file is linked into place,
/// which fails if anything took the name meanwhile.
pub(super) fn create_new(path: &Path, text: &str) -> Result<(), String> {
    let dir = path.parent().ok_or_else(|| format!("`{}` has no folder", path.display()))?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let mut file = tempfile::Builder::new()
        .prefix(".communique-new-")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot write in `{}`: {e}", dir.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    // Files made by hand are readable by the group and others; so are these.
    set_mode(file.path(), 0o644);
    file.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            format!("`{}` already exists; nothing was written", path.display())
        } else {
            format!("cannot write `{}`: {}", path.display(), e.error)
        }
    })?;
    Ok(())
}

/// Replaces the file at `path`, whose bytes were `expected` when it was read, with
/// `bytes`, in one rename. Refused if the file changed since it was read: that edit
/// would be lost.
pub(super) fn replace(path: &Path, expected: &[u8], bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().ok_or_else(|| format!("`{}` has no folder", path.display()))?;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let mut file = tempfile::Builder::new()
        .prefix(".communique-edit-")
        .tempfile_in(dir)
        .map_err(|e| format!("cannot write in `{}`: {e}", dir.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().set_permissions(meta.permissions()))
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    let now = std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    if now != expected {
        return Err(format!(
            "`{}` changed while it was being approved; nothing was written: run the command again",
            path.display()
        ));
    }
    file.persist(path).map_err(|e| format!("cannot write `{}`: {}", path.display(), e.error))?;
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_never_replaces_one_that_appeared_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        create_new(&path, "first").unwrap();
        let err = create_new(&path, "second").unwrap_err();
        assert!(err.contains("already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left");
    }

    #[test]
    fn an_edit_is_refused_when_the_file_changed_since_it_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "edited by someone else").unwrap();
        let err = replace(&path, b"as read", b"approved").unwrap_err();
        assert!(err.contains("changed while"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited by someone else");
        replace(&path, b"edited by someone else", b"approved").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "approved");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left");
    }
}
