//! Where an output folder may be: not over the site's sources, not inside another
//! build's folder, not behind a symbolic link.

use super::nofollow::{self, Kind};
use std::path::{Component, Path, PathBuf};

/// Refuses an output folder that would overwrite or swallow the site's sources.
pub(crate) fn check_output_dir(root: &Path, output: &Path) -> Result<(), String> {
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

/// Refuses two folders of one build, or of the site's two audiences, that are the same
/// folder or one inside the other: each build owns its folder, and deletes from it the
/// files it wrote before and no longer writes. `what` names the first folder, `other`
/// the second, as the message says them.
pub(crate) fn check_apart(
    folder: &Path,
    what: &str,
    other: &Path,
    other_what: &str,
    same_ok: bool,
) -> Result<(), String> {
    let (a, b) = (absolute(folder), absolute(other));
    let relation = if a == b {
        if same_ok {
            return Ok(());
        }
        "is"
    } else if a.starts_with(&b) {
        "is inside"
    } else if b.starts_with(&a) {
        "contains"
    } else {
        return Ok(());
    };
    Err(format!(
        "{what} `{}` {relation} {other_what} `{}`; give each a folder of its own, side by side, such as `public` and `mail`",
        folder.display(),
        other.display()
    ))
}

/// Refuses an output folder under `root` with a symbolic link on the way to it, or
/// that is one: `output_dir = "build/public"` with `build` a link out of the site, say.
/// (The output folder itself is checked again when the build begins.)
pub(crate) fn check_no_links(root: &Path, output: &Path) -> Result<(), String> {
    let Ok(rel) = output.strip_prefix(root) else { return Ok(()) };
    let mut at = root.to_path_buf();
    for part in rel.components() {
        let Component::Normal(part) = part else { return Ok(()) };
        at.push(part);
        match nofollow::kind(&at) {
            Ok(Kind::Link) => {
                return Err(format!(
                    "`{}`, on the way to the output folder `{}`, is a symbolic link; a build writes only into real folders: remove the link, or give the folder it points to with --output",
                    at.display(),
                    output.display()
                ))
            }
            Ok(Kind::Dir) => {}
            _ => return Ok(()),
        }
    }
    Ok(())
}

/// An absolute, lexically normalised path (the output folder may not exist yet, so
/// it cannot be canonicalised; its existing ancestors are).
pub(super) fn absolute(path: &Path) -> PathBuf {
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
