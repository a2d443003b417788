//! Writing an index's shards once the build knows which ones changed: at once in a
//! build, or, in the preview, after the rebuilt pages are shown (see
//! `build::finish_deferred`). Either way the same records make the same files.

use super::{index_shard, Language, Record, BUNDLES, KEY_FILE, UI};
use crate::output::Staging;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// One index (one language's) as a build left it: which shards it keeps, and which it
/// must index again.
pub(crate) struct Deferred {
    /// `search/`, or `<lang>/search/`.
    pub folder: String,
    pub language: Language,
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
        let uis = self
            .pending
            .par_iter()
            .map(|shard| write_shard(staging, &self.language, &shard.dir, &shard.key, &shard.records))
            .collect::<Result<Vec<_>, String>>()?;
        write_rest(staging, &self.folder, &self.language, &self.bundles, uis.into_iter().next())
    }
}

/// The search UI's files, by name.
pub(crate) type Ui = BTreeMap<String, Vec<u8>>;

/// Indexes one shard's `records` and writes it into `staging` at `dir`, with its key
/// file (`key`); returns the search UI's files.
pub(crate) fn write_shard(
    staging: &Staging,
    language: &Language,
    dir: &str,
    key: &str,
    records: &[Record],
) -> Result<Ui, String> {
    let (files, ui) = index_shard(language, records)?;
    for (rel, bytes) in files {
        written(staging, &format!("{dir}{rel}"), &bytes)?;
    }
    written(staging, &format!("{dir}{KEY_FILE}"), key.as_bytes())?;
    Ok(ui)
}

/// Writes the list of bundles of the index at `folder`, and the search UI: `ui`, from a
/// shard just indexed, or else the previous build's (the same bytes in every bundle).
pub(crate) fn write_rest(
    staging: &Staging,
    folder: &str,
    language: &Language,
    bundles: &[u8],
    ui: Option<Ui>,
) -> Result<(), String> {
    let ui_files: Vec<String> = UI.iter().map(|name| format!("{folder}{name}")).collect();
    let ui = match ui {
        Some(ui) => Some(ui),
        None if staging.keep_all(&ui_files) => None,
        None => Some(index_shard(language, &[])?.1),
    };
    for (rel, bytes) in ui.into_iter().flatten() {
        written(staging, &format!("{folder}{rel}"), &bytes)?;
    }
    written(staging, &format!("{folder}{BUNDLES}"), bundles)
}

fn written(staging: &Staging, rel: &str, bytes: &[u8]) -> Result<(), String> {
    staging.write(rel, bytes).map_err(|e| format!("cannot write `{rel}`: {e}"))
}
