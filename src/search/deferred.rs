//! Writing an index's shards once the build knows which ones changed: at once in a
//! build, or, in the preview, after the rebuilt pages are shown (see
//! `build::finish_deferred`), from shards indexed ahead by the preview's indexer
//! ([`Made`]). Either way the same records make the same files.

use super::{index_shard, Bundle, Language, Record, BUNDLES, KEY_FILE, UI};
use crate::output::Staging;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

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
    /// Shared with the preview's indexer, which indexes them without the build's session.
    pub pending: Vec<Arc<PendingShard>>,
}

/// A shard to index: its folder, its key file's text, its records.
pub(crate) struct PendingShard {
    pub dir: String,
    pub key: String,
    pub records: Vec<Record>,
}

impl Deferred {
    /// Writes the index into `staging`: keeps the kept shards, writes the others from
    /// `made` or indexes them (in parallel), and writes the list of bundles and the
    /// search UI.
    pub(crate) fn write(&self, staging: &Staging, made: &Made) -> Result<(), String> {
        for dir in &self.kept {
            for file in staging.previous_under(dir) {
                staging.keep(&file);
            }
        }
        let uis = self
            .pending
            .par_iter()
            .map(|shard| match made.get(&shard.key) {
                Some(bundle) => write_files(staging, &shard.dir, &shard.key, &bundle.0).map(|()| bundle.1.clone()),
                None => write_shard(staging, &self.language, &shard.dir, &shard.key, &shard.records),
            })
            .collect::<Result<Vec<_>, String>>()?;
        write_rest(staging, &self.folder, &self.language, &self.bundles, uis.into_iter().next())
    }
}

/// Shards indexed ahead of the commit that writes them, by their key: the preview's
/// indexer makes them without holding the build's session, so that an edit saved
/// meanwhile is rebuilt at once, and a shard made before the edit is not made again.
#[derive(Default)]
pub(crate) struct Made {
    shards: Mutex<HashMap<String, Arc<Bundle>>>,
}

impl Made {
    fn get(&self, key: &str) -> Option<Arc<Bundle>> {
        self.shards.lock().expect("made shards").get(key).cloned()
    }

    /// Whether the shard with this key is made.
    pub(crate) fn holds(&self, key: &str) -> bool {
        self.shards.lock().expect("made shards").contains_key(key)
    }

    /// Indexes `shard` in `language`, unless it is made already. An error is left for
    /// the commit, which indexes the shard again and reports it.
    pub(crate) fn make(&self, language: &Language, shard: &PendingShard) {
        if self.holds(&shard.key) {
            return;
        }
        if let Ok(bundle) = index_shard(language, &shard.records) {
            self.shards.lock().expect("made shards").insert(shard.key.clone(), Arc::new(bundle));
        }
    }

    /// Lets go of every shard but those with these keys.
    pub(crate) fn keep_only(&self, keys: &HashSet<&str>) {
        self.shards.lock().expect("made shards").retain(|key, _| keys.contains(key.as_str()));
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
    write_files(staging, dir, key, &files)?;
    Ok(ui)
}

/// Writes a shard's indexed `files` into `staging` at `dir`, with its key file.
fn write_files(staging: &Staging, dir: &str, key: &str, files: &BTreeMap<String, Vec<u8>>) -> Result<(), String> {
    for (rel, bytes) in files {
        written(staging, &format!("{dir}{rel}"), bytes)?;
    }
    written(staging, &format!("{dir}{KEY_FILE}"), key.as_bytes())
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
