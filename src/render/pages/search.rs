//! The search index of the communiques a build shows (SPEC §13): one record per
//! communique, made from the communique's view (the words its page shows, as plain
//! text), in the shards of [`crate::search`], indexed in parallel.
//!
//! A shard is kept as the previous build wrote it while the hash of its inputs (its
//! releases' keys, as for their pages, and what every record shares) is the one in
//! its key file: a build into the previous output indexes only the shards an edit
//! touched. The preview does not wait for them: a rebuild keeps the last index as it
//! was, tells open pages to reload, and only then indexes what changed
//! ([`crate::search::Deferred`], finished by `build::finish_deferred`), to the same
//! bytes a full build writes.
//!
//! [`render`] writes one index: the default language's at `search/`; each other
//! language's at `<lang>/search/`, from its own views.

use super::super::describe::plain_words;
use super::super::Renderer;
use super::inputs::Shown;
use super::Index;
use crate::model::StakeholderGroup;
use crate::search::{self, Deferred, PendingShard, Record, FOLDER, KEY_FILE};
use crate::select::ShownRelease;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Writes the index of every communique the build shows in `r`'s language, in its
/// folder (`search/`, or `<lang>/search/`): once per language of the site. Shards whose
/// inputs did not change are kept; in the preview, the others are indexed after the
/// reload (see the module's comment).
pub(super) fn render(r: &Renderer, index: &Index) {
    // Oldest first: new releases join the last shard, and the others stay as they are.
    let releases: Vec<Shown> = (0..index.selection.releases.len()).rev().map(|ri| index.shown(ri)).collect();
    let prefix = r.prefix.as_str();
    let folder = format!("{prefix}{FOLDER}");
    let word = |key: &str, english: &str| r.words.words.get(key).cloned().unwrap_or_else(|| english.to_string());
    let language = &search::Language {
        code: r.views.config.language.clone(),
        group_filter: word("search_group", "Group"),
        product_filter: word("search_product", "Product"),
    };
    let config = &r.views.config;
    let mut shards =
        search::shards(releases.iter().copied(), config.search.releases_per_shard, |s| s.shown.release.slug.as_str());
    if shards.is_empty() {
        // An empty index, so that the search box has a bundle to load.
        shards.push((search::shard_id(""), Vec::new()));
    }
    // What every record of this index is made from besides its release.
    let shared = (
        language,
        prefix,
        format!("{config:?}"),
        format!("{:?}", r.views.selection.site.groups),
        format!("{:?}", r.views.selection.audience),
    );
    let previous = previous_shards(r, &folder);
    // `config` is the language's: its URLs are under the language's folder already.
    let bundles = search::bundles(&config.url(FOLDER), shards.iter().map(|(id, _)| id.as_str()));
    let fail = |message: String| {
        r.fail(crate::diagnostics::Diagnostic::error("site.toml", crate::diagnostics::Pos::START, "io", message))
    };
    // The preview makes the changed shards' records now, and indexes them after the
    // reload; a build indexes each one as soon as its records are made, so that only
    // the shards being indexed are in memory.
    // Only the preview keeps records between builds (a build's saved memo does not).
    let memo = r.memo.filter(|m| m.preview());
    let preview = memo.is_some();
    let plan: Vec<(String, Planned)> = shards
        .into_par_iter()
        .map(|(id, releases)| {
            let key = search::key_text((&shared, &id, &releases));
            let dir = format!("{folder}{id}/");
            let kept_files = previous.get(&dir).cloned().unwrap_or_default();
            // Kept when the previous build wrote this key and all its files are there.
            let records_key = |s: &Shown| crate::fingerprint::of((s.key, &language.code, prefix));
            if r.staging.wrote(&format!("{dir}{KEY_FILE}"), key.as_bytes()) && r.staging.keep_all(&kept_files) {
                if let Some(memo) = memo {
                    memo.keep_search_records(releases.iter().map(records_key));
                }
                return (dir, Planned::Kept);
            }
            let of_release =
                |s: &Shown| -> Vec<Record> { s.shown.groups.iter().map(|g| record(r, s.shown, g)).collect() };
            let records: Vec<Record> = match memo {
                // The preview keeps each release's records: an edit makes its own again.
                Some(memo) => releases
                    .iter()
                    .flat_map(|s| memo.search_records(records_key(s), || of_release(s)).to_vec())
                    .collect(),
                None => releases.iter().flat_map(of_release).collect(),
            };
            if preview {
                return (dir.clone(), Planned::Index(PendingShard { dir, key, records }.into()));
            }
            match search::write_shard(r.staging, language, &dir, &key, &records) {
                Ok(ui) => (dir, Planned::Indexed(ui)),
                Err(message) => {
                    fail(message);
                    (dir, Planned::Indexed(Default::default()))
                }
            }
        })
        .collect();
    let (mut kept, mut pending, mut ui) = (Vec::new(), Vec::new(), None);
    for (dir, planned) in plan {
        match planned {
            Planned::Kept => kept.push(dir),
            Planned::Index(shard) => pending.push(shard),
            Planned::Indexed(made) => ui = ui.or(Some(made)),
        }
    }
    match memo {
        // The preview: the last index stays until this one is made, after the reload.
        Some(memo) if !pending.is_empty() => {
            for file in previous.values().flatten().chain(&previous_loose(r, &folder)) {
                r.staging.keep(file);
            }
            memo.defer_search(Deferred { folder, language: language.clone(), bundles, kept, pending });
        }
        _ => {
            if let Err(message) = search::write_rest(r.staging, &folder, language, &bundles, ui) {
                fail(message);
            }
        }
    }
}

/// A shard, as the build found it.
enum Planned {
    Kept,
    /// To index after the reload (the preview).
    Index(std::sync::Arc<PendingShard>),
    /// Indexed and written (a build), with the search UI's files.
    Indexed(search::Ui),
}

/// The previous build's files in each shard's folder of `folder`, by folder.
fn previous_shards(r: &Renderer, folder: &str) -> BTreeMap<String, Vec<String>> {
    let mut by_shard: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in r.staging.previous_under(folder) {
        if let Some((shard, _)) = file[folder.len()..].split_once('/') {
            by_shard.entry(format!("{folder}{shard}/")).or_default().push(file);
        }
    }
    by_shard
}

/// The previous build's files of `folder` itself, not in a shard (the UI, the list of
/// bundles).
fn previous_loose(r: &Renderer, folder: &str) -> Vec<String> {
    r.staging.previous_under(folder).into_iter().filter(|f| !f[folder.len()..].contains('/')).collect()
}

/// The record of release `shown`'s communique for group `g`: the words of its page.
fn record<'a>(r: &Renderer<'_, 'a>, shown: &ShownRelease<'a>, g: &'a StakeholderGroup) -> Record {
    let view = r.views.communique(shown, g);
    let mut texts: Vec<&str> = vec![view.summary];
    texts.extend(view.handwritten);
    for feature in &view.features {
        texts.extend([feature.title, feature.summary, feature.value]);
    }
    if let Some(access) = &view.access {
        texts.extend([&access.how, &access.when, &access.r#where, &access.permissions].map(String::as_str));
    }
    texts.extend(view.actions.iter().map(|a| a.text));
    texts.extend(view.windows.iter().map(|w| w.title));
    texts.extend(view.constraints.iter().flat_map(|c| c.texts.iter().copied()));
    // Raw HTML shows on the page as text unless the site allows it (then it is markup).
    let raw_html_as_text = !r.views.config.markdown.unsafe_html;
    let words = texts.iter().map(|t| plain_words(t, raw_html_as_text)).filter(|t| !t.is_empty());
    let content = std::iter::once(view.title.to_string()).chain(words).collect::<Vec<_>>().join(" ");
    Record {
        url: view.url,
        // The group's name too: a release's communiques share its title (unless the
        // communique's own title names the group already).
        title: if view.title.contains(g.name.as_str()) {
            view.title.to_string()
        } else {
            format!("{} — {}", view.title, g.name)
        },
        group: g.name.clone(),
        product: shown.release.product.clone(),
        content,
    }
}
