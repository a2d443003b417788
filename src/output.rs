//! The one place that writes a build's files. A build writes into a staging folder
//! beside the output; only when every page is written does the staging folder take the
//! output's place, in one atomic exchange. A build that fails, or is killed, leaves the
//! previous output exactly as it was. Files the build did not write (a `CNAME`, say) are
//! carried over; files a previous build wrote and this one does not are dropped.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Lists what a build wrote, so the next build can tell its own stale files from files
/// somebody else put in the output folder.
pub const MANIFEST: &str = ".communique-manifest";

pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
    written: Mutex<Vec<String>>,
    dirs: Mutex<HashSet<PathBuf>>,
    committed: bool,
}

/// Refuses an output folder that would overwrite or swallow the site's sources.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), String> {
    let root = absolute(root);
    let output = absolute(output);
    if root.starts_with(&output) {
        return Err(format!(
            "the output folder `{}` contains the site itself; choose a folder inside it such as `public`",
            output.display()
        ));
    }
    for source in ["content", "themes", "static", "site.toml"] {
        if output.starts_with(root.join(source)) {
            return Err(format!(
                "the output folder `{}` is inside the site's `{source}`; choose a folder of its own such as `public`",
                output.display()
            ));
        }
    }
    Ok(())
}

/// An absolute, lexically normalised path (the output folder may not exist yet, so
/// it cannot be canonicalised; its existing ancestors are).
pub fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut existing = joined.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        match Path::new(&part).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => out.push(part),
        }
    }
    out
}

fn check_relative(rel: &str) -> io::Result<()> {
    let ok = !rel.is_empty()
        && !rel.contains('\\')
        && Path::new(rel).components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to write `{rel}` outside the output folder")))
    }
}

impl Staging {
    pub fn begin(target: &Path) -> io::Result<Staging> {
        let target = absolute(target);
        if target.exists() && !target.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("the output `{}` is a file, not a folder", target.display()),
            ));
        }
        let parent = target.parent().ok_or_else(|| io::Error::other("the output folder has no parent"))?;
        fs::create_dir_all(parent)?;
        let name = target.file_name().map_or("output".into(), |n| n.to_string_lossy().into_owned());
        let staging = parent.join(format!(".{name}.communique-staging"));
        if staging.exists() {
            fs::remove_dir_all(&staging)?; // left by a build that was killed
        }
        fs::create_dir(&staging)?;
        Ok(Staging {
            target,
            staging,
            written: Mutex::new(Vec::new()),
            dirs: Mutex::new(HashSet::new()),
            committed: false,
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file of the build. Unchanged files are hard-linked from the previous
    /// output rather than written again: the bytes are the same, the disk does less.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_relative(rel)?;
        let dest = self.staging.join(rel);
        if let Some(dir) = dest.parent() {
            let known = self.dirs.lock().expect("dirs lock").contains(dir);
            if !known {
                fs::create_dir_all(dir)?;
                self.dirs.lock().expect("dirs lock").insert(dir.to_path_buf());
            }
        }
        let previous = self.target.join(rel);
        let unchanged = fs::metadata(&previous).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && fs::read(&previous).is_ok_and(|old| old == bytes);
        // A file written twice (a static file over a generated page) may be a hard link
        // to the previous output by now: writing through it would change the live site.
        // Unlink first, so every write makes a file of its own.
        match fs::remove_file(&dest) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        if !(unchanged && fs::hard_link(&previous, &dest).is_ok()) {
            fs::write(&dest, bytes)?;
        }
        self.written.lock().expect("written lock").push(rel.to_string());
        Ok(())
    }

    /// How many files this build wrote so far.
    pub fn count(&self) -> usize {
        self.written.lock().expect("written lock").len()
    }

    /// Makes the staged build the output, atomically.
    pub fn commit(mut self) -> io::Result<usize> {
        let mut written = std::mem::take(&mut *self.written.lock().expect("written lock"));
        written.sort();
        written.dedup(); // a site's static file may replace a generated one
        let count = written.len();
        let ours: HashSet<&str> = written.iter().map(String::as_str).collect();
        self.carry_foreign_files(&ours)?;
        let mut manifest = written.join("\n");
        manifest.push('\n');
        fs::write(self.staging.join(MANIFEST), manifest)?;
        if self.target.exists() {
            swap(&self.staging, &self.target)?;
            // The staging path now holds the previous output.
            fs::remove_dir_all(&self.staging)?;
        } else {
            fs::rename(&self.staging, &self.target)?;
        }
        self.committed = true;
        Ok(count)
    }

    /// Hard-links into staging every file of the current output that no build of ours wrote.
    fn carry_foreign_files(&self, ours: &HashSet<&str>) -> io::Result<()> {
        if !self.target.is_dir() {
            return Ok(());
        }
        let previous: HashSet<String> = fs::read_to_string(self.target.join(MANIFEST))
            .map(|m| m.lines().map(str::to_string).collect())
            .unwrap_or_default();
        for entry in walkdir::WalkDir::new(&self.target).min_depth(1) {
            let entry = entry.map_err(io::Error::other)?;
            if entry.file_type().is_dir() {
                continue;
            }
            let rel = crate::content::relative(&self.target, entry.path());
            if rel == MANIFEST || ours.contains(rel.as_str()) || previous.contains(&rel) {
                continue;
            }
            let dest = self.staging.join(&rel);
            if let Some(dir) = dest.parent() {
                fs::create_dir_all(dir)?;
            }
            if entry.path_is_symlink() {
                let link = fs::read_link(entry.path())?;
                symlink(&link, &dest)?;
            } else if fs::hard_link(entry.path(), &dest).is_err() {
                fs::copy(entry.path(), &dest)?;
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> io::Result<()> {
    Ok(())
}

/// Exchanges two folders in one step where the OS can (Linux `renameat2`), so there is
/// no moment at which the output is missing.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a_c = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let b_c = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc =
        unsafe { libc::renameat2(libc::AT_FDCWD, a_c.as_ptr(), libc::AT_FDCWD, b_c.as_ptr(), libc::RENAME_EXCHANGE) };
    if rc == 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error();
    // Filesystems without RENAME_EXCHANGE: fall back to two renames.
    if matches!(err.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
        return swap_by_rename(a, b);
    }
    Err(err)
}

#[cfg(not(target_os = "linux"))]
fn swap(a: &Path, b: &Path) -> io::Result<()> {
    swap_by_rename(a, b)
}

fn swap_by_rename(staging: &Path, target: &Path) -> io::Result<()> {
    let parked = staging.with_extension("previous");
    if parked.exists() {
        fs::remove_dir_all(&parked)?;
    }
    fs::rename(target, &parked)?;
    fs::rename(staging, target)?;
    fs::rename(&parked, staging)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_output() {
        for bad in ["", "../x", "/etc/passwd", "a/../../b", "a\\b", "./a"] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
        for ok in ["index.html", "groups/x/feed.xml", "releases/payments-4.2/index.html"] {
            assert!(check_relative(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_output_folders_over_sources() {
        let root = Path::new("/srv/site");
        assert!(check_output_dir(root, Path::new("/srv/site")).is_err());
        assert!(check_output_dir(root, Path::new("/srv")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/content/out")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/static")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/public")).is_ok());
        assert!(check_output_dir(root, Path::new("/srv/site-public")).is_ok());
    }

    #[test]
    fn staged_build_replaces_output_and_keeps_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("index.html", b"one").unwrap();
        first.write("old/index.html", b"stale").unwrap();
        first.commit().unwrap();
        fs::write(out.join("CNAME"), "x.example").unwrap();

        let second = Staging::begin(&out).unwrap();
        second.write("index.html", b"two").unwrap();
        // Nothing changes until the commit.
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        second.commit().unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"two");
        assert!(!out.join("old/index.html").exists(), "stale file of ours dropped");
        assert_eq!(fs::read_to_string(out.join("CNAME")).unwrap(), "x.example");
    }

    #[test]
    fn rewriting_a_staged_file_never_touches_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("index.html", b"generated").unwrap();
        first.commit().unwrap();
        // Unchanged, so hard-linked from the previous output; then a site's static file
        // replaces it. The previous output must not change through the shared file.
        let second = Staging::begin(&out).unwrap();
        second.write("index.html", b"generated").unwrap();
        second.write("index.html", b"from static/").unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"generated");
        drop(second);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"generated");
    }

    #[test]
    fn an_abandoned_build_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("index.html", b"one").unwrap();
        first.commit().unwrap();
        let second = Staging::begin(&out).unwrap();
        second.write("index.html", b"two").unwrap();
        drop(second);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folder left behind");
    }
}
