//! communique: a static-site generator for release communications. Release plans and
//! stakeholder groups written as Markdown + YAML become a portal with one page and one
//! feed per stakeholder group.
//!
//! The pipeline reads in one direction: `content` (files → [`model::Site`]) →
//! [`select`] (what a build shows) → `render` (pages, feeds) → `output` (the one writer).
//!
//! Only what the command, the tests and the fuzz targets use is `pub`; the rest is
//! `pub(crate)`, and `unreachable_pub` keeps it so.

#![warn(unreachable_pub)]

pub mod build;
pub mod cli;
pub(crate) mod clock;
pub(crate) mod config;
pub mod console;
pub(crate) mod content;
pub(crate) mod cycle;
pub(crate) mod diagnostics;
pub(crate) mod fingerprint;
#[doc(hidden)]
pub mod fuzz;
pub(crate) mod hierarchy;
pub(crate) mod lint;
pub mod model;
pub mod notify;
pub(crate) mod output;
pub(crate) mod profile;
pub(crate) mod progress;
pub(crate) mod render;
pub(crate) mod review;
pub(crate) mod scaffold;
pub mod select;
pub(crate) mod serve;
pub(crate) mod slug;
pub(crate) mod urls;

/// The direction of the pipeline, checked on the source: shared vocabulary at the
/// bottom imports nothing of the crate, loading imports nothing downstream of it, and
/// only the command line imports the command line.
#[cfg(test)]
mod layers {
    use std::path::Path;

    /// Every `.rs` file under `src/`, as (path from `src/`, text).
    fn sources() -> Vec<(String, String)> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        walkdir::WalkDir::new(&src)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
            .map(|e| {
                let rel = e.path().strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
                (rel, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect()
    }

    /// The files among `files` that name `crate::<module>`.
    fn importing<'a>(files: &'a [(String, String)], module: &str) -> Vec<&'a str> {
        let needle = format!("crate::{module}");
        files
            .iter()
            .filter(|(_, text)| {
                text.match_indices(&needle)
                    .any(|(at, _)| !text[at + needle.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
            })
            .map(|(rel, _)| rel.as_str())
            .collect()
    }

    #[test]
    fn nothing_imports_upward() {
        let files = sources();
        let not_cli: Vec<_> = files.iter().filter(|(rel, _)| !rel.starts_with("cli/")).cloned().collect();
        let cli = importing(&not_cli, "cli");
        assert!(cli.is_empty(), "only the command line imports `cli`: {cli:?}");

        let content: Vec<_> = files.iter().filter(|(rel, _)| rel.starts_with("content/")).cloned().collect();
        for downstream in ["select", "render", "lint", "review", "output", "build", "serve", "notify", "cli"] {
            let found = importing(&content, downstream);
            assert!(found.is_empty(), "loading imports `{downstream}`: {found:?}");
        }

        let leaves: Vec<_> = files
            .iter()
            .filter(|(rel, _)| ["clock.rs", "urls.rs", "slug.rs"].contains(&rel.as_str()))
            .cloned()
            .collect();
        assert_eq!(leaves.len(), 3);
        for (rel, text) in &leaves {
            assert!(!text.contains("crate::"), "`{rel}` is shared vocabulary and imports nothing of the crate");
        }
    }
}
