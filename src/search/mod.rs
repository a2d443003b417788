//! The search index a build writes (SPEC §13): one record per communique the build
//! shows, made into Pagefind's static index (chunked, so a reader downloads only the
//! parts a search needs) with its filters by group and product, and Pagefind's search
//! UI beside it. The index holds what the build's pages hold and nothing else: a
//! public build shows public communiques only, so its index is public too (SPEC §5).
//!
//! The records are split into [`shards`] by release, in date order, each its own
//! Pagefind bundle in `search/<id>/`, which the search box merges. Where a shard ends
//! depends on its last release alone (its slug's hash, like the cut points of
//! content-defined chunking), and a shard is named after its first release, so an edit
//! to one release touches one shard, and a release added or removed touches the shard
//! it falls in, not the ones after it. A build keeps every shard whose inputs hash the
//! same as the previous build's (the hash is the shard's [`KEY_FILE`]): a build into
//! the previous output indexes only what changed.
//!
//! Pagefind stays behind this module: the renderer hands it [`Record`]s and gets
//! files back, which it hands to the output writer like any page.

use std::collections::BTreeMap;

mod deferred;

pub(crate) use deferred::{write_rest, write_shard, Deferred, Made, PendingShard, Ui};

/// The folder of the index and the search UI, in the output (and in `urls.search`).
pub(crate) const FOLDER: &str = crate::urls::SEARCH;

/// The list of the shards' bundles (their folders' URLs), which the search box reads
/// before it starts.
pub(crate) const BUNDLES: &str = "bundles.json";

/// In each shard's folder: the hash of everything the shard is made from. A build that
/// finds the same hash there keeps the shard as it is (see the module's comment).
pub(crate) const KEY_FILE: &str = "key.txt";

/// Raise when the records or the way they are indexed change, so that the next build
/// indexes every shard again instead of keeping ones made the old way.
const FORMAT: u32 = 2;

/// Files of Pagefind's bundle that the search box does not use: its other two UIs and
/// the highlighter of found words. Left out, they would add 300 kB to every build.
const UNUSED: [&str; 5] = [
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
];

/// The search UI's own files: once, in [`FOLDER`] itself, not in each shard.
pub(crate) const UI: [&str; 2] = ["pagefind-ui.js", "pagefind-ui.css"];

/// The most releases a shard holds, in shards of `releases_per_shard` on average: a
/// cut is forced after this many, so that no shard grows without bound.
fn most(releases_per_shard: usize) -> usize {
    releases_per_shard.saturating_mul(4)
}

/// An index's language: its code (for stemming, and the UI's own words) and the names of
/// its two filters in it ("Group" and "Product", "Gruppe" and "Produkt").
#[derive(Hash, Clone, Debug)]
pub(crate) struct Language {
    pub code: String,
    pub group_filter: String,
    pub product_filter: String,
}

/// One communique, as the index holds it.
#[derive(Hash, Clone)]
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

/// The releases of `releases` (in date order, oldest first) in shards of about
/// `releases_per_shard` (at least 1) each: a shard ends after a release whose slug's
/// hash says so (one in `releases_per_shard`), or after [`most`] releases. Each shard
/// has its id ([`shard_id`] of its first release) and its releases, in order.
pub(crate) fn shards<T>(
    releases: impl IntoIterator<Item = T>,
    releases_per_shard: usize,
    slug: impl Fn(&T) -> &str,
) -> Vec<(String, Vec<T>)> {
    let per_shard = releases_per_shard.max(1) as u64;
    let mut shards: Vec<(String, Vec<T>)> = Vec::new();
    let mut open = false;
    for release in releases {
        if !open {
            shards.push((shard_id(slug(&release)), Vec::new()));
            open = true;
        }
        let cut = crate::fingerprint::of(("search shard cut", slug(&release))).is_multiple_of(per_shard);
        let shard = &mut shards.last_mut().expect("a shard is open").1;
        shard.push(release);
        if cut || shard.len() >= most(releases_per_shard) {
            open = false;
        }
    }
    shards
}

/// The name of the shard whose first release has `slug`: its folder in [`FOLDER`].
/// Sixteen hex digits: no slug's text goes into the index's paths.
pub(crate) fn shard_id(slug: &str) -> String {
    format!("{:016x}", crate::fingerprint::of(("search shard", slug)))
}

/// The text of a shard's [`KEY_FILE`]: the hash of `inputs` (everything the shard's
/// records are made from) with this version of the program and of the index's format.
pub(crate) fn key_text(inputs: impl std::hash::Hash) -> String {
    let key = crate::fingerprint::of((FORMAT, env!("CARGO_PKG_VERSION"), inputs));
    format!("{key:016x}\n")
}

/// [`BUNDLES`]: a JSON list of the shards' folders' URLs under `base` (the URL of the
/// index's folder), in the order of `ids`.
pub(crate) fn bundles<'i>(base: &str, ids: impl IntoIterator<Item = &'i str>) -> Vec<u8> {
    let list: Vec<String> = ids.into_iter().map(|id| format!("{base}{id}/")).collect();
    serde_json::to_vec(&list).expect("a list of strings is JSON")
}

/// The bundle of one shard's `records` in `language`, as files under the shard's
/// folder (paths relative to it), and the search UI's files ([`UI`]) apart. The same
/// records give the same bytes.
pub(crate) type Bundle = (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>);

/// Indexes `records` in `language` (see [`Bundle`]).
pub(crate) fn index_shard(language: &Language, records: &[Record]) -> Result<Bundle, String> {
    // Pagefind reads the working folder when it starts, and would panic without one.
    std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(language.code.clone())
            .build();
        let mut pagefind = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
        for record in records {
            let escape = crate::render::templates::escape_html;
            // Pagefind shows a record's content and meta as HTML (its excerpts mark the
            // words found): the text goes in escaped.
            let meta = BTreeMap::from([("title".to_string(), escape(&record.title).to_string())]);
            let filters = BTreeMap::from([
                (escape(&language.group_filter).to_string(), vec![escape(&record.group).to_string()]),
                (escape(&language.product_filter).to_string(), vec![escape(&record.product).to_string()]),
            ]);
            pagefind
                .add_custom_record(
                    record.url.clone(),
                    escape(&record.content).to_string(),
                    language.code.clone(),
                    Some(meta),
                    Some(filters),
                    None,
                )
                .await
                .map_err(|e| format!("cannot index {}: {e}", record.url))?;
        }
        let files = pagefind.get_files().await.map_err(|e| format!("cannot build the search index: {e}"))?;
        let (mut shard, mut ui) = (BTreeMap::new(), BTreeMap::new());
        for file in files {
            // Paths in the bundle, which the output writer checks again.
            let rel = file.filename.to_str().ok_or("the search index made a file whose name is not UTF-8")?;
            let rel = rel.replace('\\', "/");
            if UNUSED.contains(&rel.as_str()) {
                continue;
            }
            let to = if UI.contains(&rel.as_str()) { &mut ui } else { &mut shard };
            to.insert(rel, file.contents);
        }
        Ok((shard, ui))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> Language {
        Language { code: "en".into(), group_filter: "Group".into(), product_filter: "Product".into() }
    }

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
        let (files, ui) = index_shard(&english(), &[record("one", "customers", "Instant payouts")]).unwrap();
        for name in ["pagefind.js", "pagefind-entry.json"] {
            assert!(files.contains_key(name), "{name} in {:?}", files.keys());
        }
        assert_eq!(ui.keys().map(String::as_str).collect::<Vec<_>>(), ["pagefind-ui.css", "pagefind-ui.js"]);
        assert!(files.keys().any(|f| f.starts_with("fragment/")), "{:?}", files.keys());
        assert!(files.keys().any(|f| f.starts_with("filter/")), "a filter index: {:?}", files.keys());
        assert!(files.keys().all(|f| !f.starts_with('/') && !f.contains("..")));
        assert!(UNUSED.iter().chain(&UI).all(|name| !files.contains_key(*name)), "{:?}", files.keys());
        assert!(!files.contains_key(KEY_FILE), "the key file is the build's, not Pagefind's");
        // The folders of the bundle are declared where the site's paths are.
        for file in files.keys().filter(|f| f.contains('/')) {
            let folder = file.split('/').next().unwrap();
            assert!(crate::urls::SEARCH_FOLDERS.contains(&folder), "{file}");
        }
        // The UI is the same whatever the shard holds: one copy serves them all.
        let (_, other) = index_shard(&english(), &[record("two", "partners", "Refunds")]).unwrap();
        assert_eq!(ui, other);
    }

    #[test]
    fn the_same_records_give_the_same_bytes() {
        let records = [record("one", "customers", "Instant payouts"), record("two", "partners", "Refunds")];
        assert_eq!(index_shard(&english(), &records).unwrap(), index_shard(&english(), &records).unwrap());
    }

    fn slugs(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("release-{i}")).collect()
    }

    fn cut(slugs: &[String], per_shard: usize) -> Vec<(String, Vec<String>)> {
        shards(slugs.iter().cloned(), per_shard, |s| s.as_str())
    }

    #[test]
    fn shards_hold_about_the_size_asked_and_never_more_than_four_times_it() {
        let all = slugs(20_000);
        let sharded = cut(&all, 200);
        assert!((60..=140).contains(&sharded.len()), "{} shards", sharded.len());
        assert!(sharded.iter().all(|(_, s)| !s.is_empty() && s.len() <= most(200)));
        let flat: Vec<String> = sharded.iter().flat_map(|(_, s)| s.iter().cloned()).collect();
        assert_eq!(flat, all, "every release once, in order");
        assert!(sharded.iter().all(|(id, s)| *id == shard_id(&s[0]) && crate::urls::is_shard(id)));
        // One release a shard, when asked: a small site can have several shards.
        assert_eq!(cut(&slugs(3), 1).len(), 3);
        assert_eq!(cut(&[], 5).len(), 0);
    }

    #[test]
    fn a_release_added_or_removed_changes_only_the_shard_it_falls_in() {
        let all = slugs(5_000);
        let before = cut(&all, 100);
        let mut fewer = all.clone();
        fewer.remove(2_500);
        let mut more = all.clone();
        more.insert(2_500, "a-new-release".to_string());
        for after in [cut(&fewer, 100), cut(&more, 100)] {
            let changed: Vec<_> = after.iter().filter(|s| !before.contains(s)).collect();
            // One shard changes, or two when the release was (or is) a cut.
            assert!((1..=2).contains(&changed.len()), "{} shards changed", changed.len());
        }
    }

    #[test]
    fn the_key_file_names_the_inputs() {
        assert_eq!(key_text(("a", 1)), key_text(("a", 1)));
        assert_ne!(key_text(("a", 1)), key_text(("a", 2)));
        assert_eq!(
            bundles("https://r.example/search/", ["00000000000000aa", "00000000000000bb"]),
            br#"["https://r.example/search/00000000000000aa/","https://r.example/search/00000000000000bb/"]"#
        );
    }
}
