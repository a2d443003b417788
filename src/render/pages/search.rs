//! The search index of the communiques a build shows (SPEC §13): one record per
//! communique, made from the communique's view (the words its page shows, as plain
//! text), in the shards of [`crate::search`], indexed in parallel. A shard is made from
//! its releases alone (their keys, as for their pages), so the preview keeps every shard
//! whose releases did not change, as it keeps their pages.

use super::super::describe::plain_words;
use super::super::Renderer;
use super::inputs::Shown;
use super::Index;
use crate::model::StakeholderGroup;
use crate::search::{self, Record, FOLDER};
use crate::select::ShownRelease;
use rayon::prelude::*;

/// What a shard is made from: its number, of how many, and its releases in the
/// selection's order.
#[derive(Hash)]
struct Shard<'s, 'a> {
    n: usize,
    of: usize,
    releases: Vec<Shown<'s, 'a>>,
}

pub(super) fn render(r: &Renderer, index: &Index) {
    let selection = index.selection;
    let communiques = selection.releases.iter().map(|s| s.groups.len()).sum();
    let shards = search::shards(communiques);
    let mut per_shard = vec![Vec::new(); shards];
    for (ri, shown) in selection.releases.iter().enumerate() {
        per_shard[search::shard_of(&shown.release.slug, shards)].push(ri);
    }
    let base = r.views.config.url(FOLDER);
    r.write(&format!("{FOLDER}{}", search::BUNDLES), &search::bundles(&base, shards));
    per_shard.into_par_iter().enumerate().for_each(|(n, releases)| {
        let shard = Shard { n, of: shards, releases: index.shown_all(&releases) };
        let key = super::key(&shard);
        let name = format!("{FOLDER}{}", search::shard_folder(n));
        if r.reuse_release_pages(&name, key) {
            return;
        }
        let records: Vec<Record> = shard
            .releases
            .iter()
            .flat_map(|shown| shown.shown.groups.iter().map(|g| record(r, shown.shown, g)))
            .collect();
        match search::index_shard(&r.views.config.language, n, &records) {
            Ok(bundle) => {
                let mut files = Vec::with_capacity(bundle.len());
                for (rel, bytes) in bundle {
                    let file = format!("{name}{rel}");
                    r.write(&file, &bytes);
                    if let Some(memo) = r.memo {
                        memo.record(&file, key, None);
                    }
                    files.push(file);
                }
                r.record_release_pages(&name, key, files);
            }
            Err(message) => r.fail(crate::diagnostics::Diagnostic::error(
                "site.toml",
                crate::diagnostics::Pos::START,
                "io",
                message,
            )),
        }
    });
}

/// The record of release `shown`'s communique for group `g`: the words of its page.
fn record(r: &Renderer, shown: &ShownRelease, g: &StakeholderGroup) -> Record {
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
        title: view.title.to_string(),
        group: g.name.clone(),
        product: shown.release.product.clone(),
        content,
    }
}
