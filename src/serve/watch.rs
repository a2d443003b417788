//! What the preview watches, and file events → the changes that matter to a rebuild.
//! Only the site's sources are watched: `site.toml` and the [`SOURCES`] folders. A
//! built `public/` beside them holds a folder per page (39,439 for 10,000 releases):
//! watching the whole site's folder took an inotify watch for each, 0.73–0.89 s of the
//! preview's start-up (27–35 ms for the sources alone), and fails where the system
//! allows fewer watches than that. Editor temp files are dropped here too.

use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};

/// The folders of a site's sources, each watched with all it holds.
pub(crate) const SOURCES: [&str; 3] = ["content", "themes", "static"];

/// The watch on a site's sources. Events go to the channel given to [`SiteWatcher::start`];
/// dropping this stops them.
pub(crate) struct SiteWatcher {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
}

impl SiteWatcher {
    /// Watches the site's folder itself (for `site.toml`, and for a source folder made
    /// later) and each source folder there is.
    pub(crate) fn start(
        root: &Path,
        tx: std::sync::mpsc::Sender<notify::Result<notify::Event>>,
    ) -> notify::Result<SiteWatcher> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut watcher = notify::recommended_watcher(tx)?;
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        for folder in SOURCES {
            let path = root.join(folder);
            if path.is_dir() {
                watcher.watch(&path, RecursiveMode::Recursive)?;
            }
        }
        Ok(SiteWatcher { watcher, root })
    }

    /// When `path` is a source folder made since the watch began (`themes/`, for a
    /// site's first template of its own), watches it from now on and says so: what was
    /// written in it before is read by the rebuild this event starts.
    pub(crate) fn follow(&mut self, path: &Path) -> bool {
        let is_source = path.parent() == Some(self.root.as_path())
            && path.file_name().is_some_and(|name| SOURCES.iter().any(|s| name == *s));
        is_source && path.is_dir() && self.watcher.watch(path, RecursiveMode::Recursive).is_ok()
    }
}

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

    /// Waits up to `within` for an event on a path under `under`.
    fn event_under(rx: &std::sync::mpsc::Receiver<notify::Result<notify::Event>>, under: &Path, within: u64) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(within);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(Ok(event)) if event.paths.iter().any(|p| p.starts_with(under)) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    }

    #[test]
    fn only_the_sources_are_watched_and_a_source_folder_made_later_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for folder in ["content/releases", "public/releases/a/customers"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let mut watcher = SiteWatcher::start(&root, tx).unwrap();

        std::fs::write(root.join("public/releases/a/customers/index.html"), "built").unwrap();
        std::fs::write(root.join("content/releases/a.md"), "---\n").unwrap();
        assert!(event_under(&rx, &root.join("content"), 10_000), "a source is watched");
        // The write into public/ came first: had it been watched, its event would be in.
        assert!(!event_under(&rx, &root.join("public"), 200), "the output folder is not watched");

        std::fs::create_dir(root.join("themes")).unwrap();
        assert!(event_under(&rx, &root.join("themes"), 10_000), "the site's folder is watched");
        assert!(watcher.follow(&root.join("themes")));
        assert!(!watcher.follow(&root.join("public")), "only a source folder is followed");
        std::fs::write(root.join("themes/base.html"), "x").unwrap();
        assert!(event_under(&rx, &root.join("themes/base.html"), 10_000), "a followed folder is watched");
    }

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
