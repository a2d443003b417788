//! Pages first, for the preview: a rebuild makes the pages that open tabs look at before
//! the rest, and hands them over as soon as they are made, so that the preview can show
//! them while it makes the rest of the site. An edit to `release.html` remakes every
//! release page (10,000 of them in a large history), but the one on screen is made
//! first.
//!
//! The pages handed over are the bytes the build commits: each output file is written
//! once per build, from its input alone, whatever the order in which files are made.

use super::Renderer;
use crate::select::Selection;
use std::collections::HashSet;
use std::sync::Arc;

/// Pages by output path, with their bytes.
pub type Pages = Vec<(String, Vec<u8>)>;

/// The pages to make first, and where to hand them once they are made.
#[derive(Clone)]
pub struct First {
    /// Output paths of the pages wanted first (`releases/<slug>/<group>/index.html`).
    pub wanted: Vec<String>,
    /// Takes those of the wanted pages that this build made again, with their bytes;
    /// not called when it made none again, nor after an error.
    pub publish: Arc<dyn Fn(Pages) + Send + Sync>,
}

impl First {
    /// The slugs of the releases one of whose own pages (its page, its communiques) is
    /// wanted.
    fn release_slugs(&self) -> HashSet<&str> {
        self.wanted
            .iter()
            .filter_map(|path| path.strip_prefix(crate::urls::RELEASES)?.split('/').next())
            .filter(|slug| !slug.is_empty())
            .collect()
    }
}

/// The shown releases (indexes into `selection.releases`) whose own pages are made
/// first, then all the others.
pub(super) fn release_order(selection: &Selection, first: Option<&First>) -> (Vec<usize>, Vec<usize>) {
    let all = 0..selection.releases.len();
    let Some(first) = first.filter(|first| !first.wanted.is_empty()) else { return (Vec::new(), all.collect()) };
    let slugs = first.release_slugs();
    all.partition(|&ri| slugs.contains(selection.releases[ri].release.slug.as_str()))
}

/// Hands the wanted pages made so far to `first`, unless the build has met an error.
pub(super) fn publish(r: &Renderer, first: Option<&First>) {
    let Some(first) = first else { return };
    if !r.errors.lock().expect("errors lock").is_empty() {
        return;
    }
    let made: Pages = first.wanted.iter().filter_map(|path| Some((path.clone(), r.staging.held(path)?))).collect();
    if !made.is_empty() {
        (first.publish)(made);
    }
}
