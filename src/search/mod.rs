//! The search index a build writes (SPEC §13): one record per communique the build
//! shows, made into Pagefind's static index (chunked, so a reader downloads only the
//! parts a search needs) with its filters by group and product, and Pagefind's search
//! UI beside it. The index holds what the build's pages hold and nothing else: a
//! public build shows public communiques only, so its index is public too (SPEC §5).
//!
//! The records are split into [`shards`] by release, each its own Pagefind bundle in
//! `search/<n>/`, which the search box merges: the shards are indexed in parallel, and
//! the preview indexes again only the shard of a release that changed. Which shard a
//! release is in depends on its slug and the count of communiques alone, so a rebuild
//! makes the same shards, with the same bytes, as a full build.
//!
//! Pagefind stays behind this module: the renderer hands it [`Record`]s and gets
//! files back, which it hands to the output writer like any page.

use std::collections::BTreeMap;

/// The folder of the index and the search UI, in the output (and in `urls.search`).
pub(crate) const FOLDER: &str = crate::urls::SEARCH;

/// The list of the shards' bundles (their folders, relative to [`FOLDER`]), which the
/// search box reads before it starts.
pub(crate) const BUNDLES: &str = "bundles.json";

/// Files of Pagefind's bundle that the search box does not use: its other two UIs and
/// the highlighter of found words. Left out, they would add 300 kB to every build.
const UNUSED: [&str; 5] = [
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
];

/// The search UI's own files: kept in the first shard's folder only.
const UI: [&str; 2] = ["pagefind-ui.js", "pagefind-ui.css"];

/// About how many communiques a shard holds: a preview rebuild indexes one shard again,
/// and a reader's browser loads one small bundle per shard.
const SHARD_SIZE: usize = 2_000;

/// The most shards: each one is a bundle a reader's browser loads.
const MAX_SHARDS: usize = 16;

/// One communique, as the index holds it.
#[derive(Hash)]
pub(crate) struct Record {
    /// The communique's absolute URL: a result links to it.
    pub url: String,
    pub title: String,
    /// The group's name: the `group` filter.
    pub group: String,
    /// The release's product: the `product` filter.
    pub product: String,
    /// What a search finds: the communique's words as its page shows them, as plain
    /// text (no markup, no HTML from its Markdown).
    pub content: String,
}

/// How many shards a build of `communiques` communiques has.
pub(crate) fn shards(communiques: usize) -> usize {
    communiques.div_ceil(SHARD_SIZE).clamp(1, MAX_SHARDS)
}

/// The shard of the release with `slug`, out of `shards`: the same on every run.
pub(crate) fn shard_of(slug: &str, shards: usize) -> usize {
    (crate::fingerprint::of(slug) % shards as u64) as usize
}

/// The folder of shard `n` in [`FOLDER`].
pub(crate) fn shard_folder(n: usize) -> String {
    format!("{n}/")
}

/// [`BUNDLES`] for `shards` shards: a JSON list of their folders' URLs under `base`
/// (the URL of [`FOLDER`]).
pub(crate) fn bundles(base: &str, shards: usize) -> Vec<u8> {
    let list: Vec<String> = (0..shards).map(|n| format!("{base}{}", shard_folder(n))).collect();
    serde_json::to_vec(&list).expect("a list of strings is JSON")
}

/// The bundle of shard `n`'s `records` in `language` (the site's), as files under the
/// shard's folder (paths relative to it). The same records give the same bytes.
pub(crate) fn index_shard(language: &str, n: usize, records: &[Record]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    // Pagefind reads the working folder when it starts, and would panic without one.
    std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(language.to_string())
            .build();
        let mut pagefind = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
        for record in records {
            let escape = crate::render::templates::escape_html;
            // Pagefind shows a record's content and meta as HTML (its excerpts mark the
            // words found): the text goes in escaped.
            let meta = BTreeMap::from([("title".to_string(), escape(&record.title).to_string())]);
            let filters = BTreeMap::from([
                ("Group".to_string(), vec![escape(&record.group).to_string()]),
                ("Product".to_string(), vec![escape(&record.product).to_string()]),
            ]);
            pagefind
                .add_custom_record(
                    record.url.clone(),
                    escape(&record.content).to_string(),
                    language.to_string(),
                    Some(meta),
                    Some(filters),
                    None,
                )
                .await
                .map_err(|e| format!("cannot index {}: {e}", record.url))?;
        }
        let files = pagefind.get_files().await.map_err(|e| format!("cannot build the search index: {e}"))?;
        files
            .into_iter()
            .filter(|file| !UNUSED.iter().any(|unused| file.filename.as_os_str() == *unused))
            .filter(|file| n == 0 || !UI.iter().any(|ui| file.filename.as_os_str() == *ui))
            .map(|file| {
                // Paths in the bundle, which the output writer checks again.
                let rel = file.filename.to_str().ok_or("the search index made a file whose name is not UTF-8")?;
                Ok((rel.replace('\\', "/"), file.contents))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(title: &str, group: &str, text: &str) -> Record {
        Record {
            url: format!("https://releases.example/releases/{title}/{group}/"),
            title: title.to_string(),
            group: group.to_string(),
            product: "Ledger".to_string(),
            content: text.to_string(),
        }
    }

    #[test]
    fn a_shard_is_a_pagefind_bundle_under_its_folder() {
        let files = index_shard("en", 0, &[record("one", "customers", "Instant payouts")]).unwrap();
        for name in ["pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"] {
            assert!(files.contains_key(name), "{name} in {:?}", files.keys());
        }
        assert!(files.keys().any(|f| f.starts_with("fragment/")), "{:?}", files.keys());
        assert!(files.keys().any(|f| f.starts_with("filter/")), "a filter index: {:?}", files.keys());
        assert!(files.keys().all(|f| !f.starts_with('/') && !f.contains("..")));
        assert!(UNUSED.iter().all(|unused| !files.contains_key(*unused)), "{:?}", files.keys());
        // The folders of the bundle are declared where the site's paths are.
        for file in files.keys().filter(|f| f.contains('/')) {
            let folder = file.split('/').next().unwrap();
            assert!(crate::urls::SEARCH_FOLDERS.contains(&folder), "{file}");
        }
        // The UI is the first shard's only.
        let other = index_shard("en", 1, &[record("one", "customers", "Instant payouts")]).unwrap();
        assert!(other.contains_key("pagefind.js") && UI.iter().all(|ui| !other.contains_key(*ui)));
    }

    #[test]
    fn the_same_records_give_the_same_bytes() {
        let records = [record("one", "customers", "Instant payouts"), record("two", "partners", "Refunds")];
        assert_eq!(index_shard("en", 0, &records).unwrap(), index_shard("en", 0, &records).unwrap());
    }

    #[test]
    fn shards_grow_with_the_site_and_a_release_keeps_its_shard() {
        assert_eq!(shards(0), 1);
        assert_eq!(shards(SHARD_SIZE), 1);
        assert_eq!(shards(SHARD_SIZE + 1), 2);
        assert_eq!(shards(usize::MAX / 2), MAX_SHARDS);
        assert_eq!(shard_of("payments-4-2", 7), shard_of("payments-4-2", 7));
        assert!(shard_of("payments-4-2", 7) < 7);
        assert_eq!(
            bundles("https://r.example/search/", 2),
            br#"["https://r.example/search/0/","https://r.example/search/1/"]"#
        );
    }
}
