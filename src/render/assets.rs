//! Static files: the theme's (built-in, then the site's theme folder), then the site's
//! own `static/` over them, each refused if it links outside the site.

use super::{templates, Renderer};
use crate::diagnostics::{Diagnostic, Pos};
use crate::model::Site;
use std::collections::BTreeMap;
use std::path::Path;

/// Theme assets, then the site's `static/` over them.
pub(super) fn copy(root: &Path, site: &Site, r: &Renderer) {
    let staging = r.staging;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (name, text) in templates::BUILT_IN_STATIC {
        files.insert(name.to_string(), text.as_bytes().to_vec());
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for dir in [root.join("themes").join(&site.config.theme).join("static"), root.join("static")] {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    r.fail(Diagnostic::error(
                        crate::content::relative(root, &dir),
                        Pos::START,
                        "io",
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            };
            let rel_site = crate::content::relative(root, entry.path());
            if entry.path_is_symlink() && !entry.path().canonicalize().is_ok_and(|t| t.starts_with(&canonical_root)) {
                r.fail(Diagnostic::error(
                    rel_site,
                    Pos::START,
                    "symlink-outside-site",
                    "this symbolic link points outside the site; copy the file into the site instead of linking to it",
                ));
                continue;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    files.insert(crate::content::relative(&dir, entry.path()), bytes);
                }
                Err(e) => r.fail(Diagnostic::error(rel_site, Pos::START, "io", format!("cannot read: {e}"))),
            }
        }
    }
    for (rel, bytes) in files {
        if let Err(e) = staging.write(&rel, &bytes) {
            r.fail(Diagnostic::error(rel, Pos::START, "io", format!("cannot write: {e}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::templates::BUILT_IN_STATIC;
    use crate::urls::{made_at, Names};

    /// A site with every name at once: whatever the site, no built-in asset lands on a
    /// page, a feed or a folder the build makes.
    struct Any;

    impl Names for Any {
        fn is_release(&self, _: &str) -> bool {
            true
        }
        fn is_group(&self, _: &str) -> bool {
            true
        }
        fn is_product(&self, _: &str) -> bool {
            true
        }
    }

    #[test]
    fn built_in_assets_never_replace_what_the_build_makes() {
        for (name, _) in BUILT_IN_STATIC {
            assert_eq!(made_at(name, &Any), None, "{name}");
        }
    }
}
