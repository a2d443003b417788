//! Writing an index's shards once the build knows which ones changed: at once in a
//! build, or, in the preview, after the rebuilt pages are shown (see
//! `build::finish_deferred`). Either way the same records make the same files.

use super::{index_shard, Record, BUNDLES, KEY_FILE, UI};
use crate::output::Staging;
use rayon::prelude::*;

/// One index (one language's) as a build left it: which shards it keeps, and which it
/// must index again.
pub(crate) struct Deferred {
    /// `search/`, or `<lang>/search/`.
    pub folder: String,
    pub language: String,
    /// The bytes of its [`BUNDLES`].
    pub bundles: Vec<u8>,
    /// The folders of the shards kept as the previous build wrote them.
    pub kept: Vec<String>,
    pub pending: Vec<PendingShard>,
}

/// A shard to index: its folder, its key file's text, its records.
pub(crate) struct PendingShard {
    pub dir: String,
    pub key: String,
    pub records: Vec<Record>,
}

impl Deferred {
    /// Writes the index into `staging`: keeps the kept shards, indexes the others (in
    /// parallel), and writes the list of bundles and the search UI.
    pub(crate) fn write(&self, staging: &Staging) -> Result<(), String> {
        for dir in &self.kept {
            for file in staging.previous_under(dir) {
                staging.keep(&file);
            }
        }
        let written =
            |rel: &str, bytes: &[u8]| staging.write(rel, bytes).map_err(|e| format!("cannot write `{rel}`: {e}"));
        let uis = self
            .pending
            .par_iter()
            .map(|shard| {
                let (files, ui) = index_shard(&self.language, &shard.records)?;
                for (rel, bytes) in files {
                    written(&format!("{}{rel}", shard.dir), &bytes)?;
                }
                written(&format!("{}{KEY_FILE}", shard.dir), shard.key.as_bytes())?;
                Ok(ui)
            })
            .collect::<Result<Vec<_>, String>>()?;
        let ui_files: Vec<String> = UI.iter().map(|name| format!("{}{name}", self.folder)).collect();
        // The UI is the same bytes in every bundle: from a shard just indexed, or kept.
        let ui = match uis.into_iter().next() {
            Some(ui) => Some(ui),
            None if staging.keep_all(&ui_files) => None,
            None => Some(index_shard(&self.language, &[])?.1),
        };
        for (rel, bytes) in ui.into_iter().flatten() {
            written(&format!("{}{rel}", self.folder), &bytes)?;
        }
        written(&format!("{}{BUNDLES}", self.folder), &self.bundles)
    }
}
