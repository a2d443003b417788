//! File events → the changes that matter to a rebuild. Editor temp files, the output
//! folders and anything outside the site's sources are dropped here.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ChangeKind {
    Config,
    Content,
    Theme,
    Static,
}

/// What a changed path means for the site at `root`, or None if it does not matter.
pub(crate) fn classify(root: &Path, path: &Path) -> Option<ChangeKind> {
    let rel = path.strip_prefix(root).ok()?;
    let name = rel.file_name()?.to_string_lossy();
    if is_editor_temp_file(&name) {
        return None;
    }
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    match first.as_ref() {
        "site.toml" if rel.components().count() == 1 => Some(ChangeKind::Config),
        "content" => Some(ChangeKind::Content),
        "themes" => Some(ChangeKind::Theme),
        "static" => Some(ChangeKind::Static),
        _ => None,
    }
}

/// Swap, backup and lock files that editors write next to the file being saved.
pub(crate) fn is_editor_temp_file(name: &str) -> bool {
    name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with('~')
        || name == "4913" // vim's write test
        || [".swp", ".swx", ".swo", ".tmp", ".bak", ".crdownload"].iter().any(|ext| name.ends_with(ext))
        || (name.starts_with('.') && name.contains(".sw"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_changes_by_folder() {
        let root = Path::new("/site");
        let cases: &[(&str, Option<ChangeKind>)] = &[
            ("/site/site.toml", Some(ChangeKind::Config)),
            ("/site/content/releases/x.md", Some(ChangeKind::Content)),
            ("/site/content/stakeholders/a.md", Some(ChangeKind::Content)),
            ("/site/themes/default/templates/base.html", Some(ChangeKind::Theme)),
            ("/site/static/logo.svg", Some(ChangeKind::Static)),
            ("/site/public/index.html", None),
            ("/site/target/debug/x", None),
            ("/site/.git/index", None),
            ("/site/content/releases/.x.md.swp", None),
            ("/site/content/releases/x.md~", None),
            ("/site/content/releases/#x.md#", None),
            ("/site/content/releases/.#x.md", None),
            ("/site/content/releases/4913", None),
            ("/elsewhere/content/x.md", None),
            ("/site/nested/site.toml", None),
        ];
        for (path, expected) in cases {
            assert_eq!(classify(root, Path::new(path)), *expected, "{path}");
        }
    }
}
