//! The search index a build writes (SPEC §13): one record per communique the build
//! shows, made into Pagefind's static index (chunked, so a reader downloads only the
//! parts a search needs) with its filters by group and product, and Pagefind's search
//! UI beside it. The index holds what the build's pages hold and nothing else: a
//! public build shows public communiques only, so its index is public too (SPEC §5).
//!
//! Pagefind stays behind this module: the renderer hands it [`Record`]s and gets
//! files back, which it hands to the output writer like any page.

use std::collections::BTreeMap;

/// The folder of the index and the search UI, in the output (and in `urls.search`).
pub const FOLDER: &str = crate::urls::SEARCH;

/// Files of Pagefind's bundle that the search box does not use: its other two UIs and
/// the highlighter of found words. Left out, they would add 300 kB to every build.
const UNUSED: [&str; 5] = [
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
];

/// One communique, as the index holds it.
pub struct Record<'a> {
    /// The communique's absolute URL: a result links to it.
    pub url: String,
    pub title: String,
    /// The group's name: the `group` filter.
    pub group: &'a str,
    /// The release's product: the `product` filter.
    pub product: &'a str,
    /// The communique's text without the site's chrome (its `content` block), as the
    /// page shows it: what a search finds.
    pub content_html: &'a str,
}

/// The index of `records` in `language` (the site's), as files under [`FOLDER`]
/// (paths relative to it). The same records give the same bytes.
pub fn index(language: &str, records: &[Record]) -> Result<BTreeMap<String, Vec<u8>>, String> {
    // Pagefind reads the working folder when it starts, and would panic without one.
    std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder().keep_index_url(true).build();
        let mut pagefind = pagefind::api::PagefindIndex::new(Some(options)).map_err(|e| e.to_string())?;
        for record in records {
            pagefind
                .add_html_file(None, Some(record.url.clone()), document(language, record))
                .await
                .map_err(|e| format!("cannot index {}: {e}", record.url))?;
        }
        let files = pagefind.get_files().await.map_err(|e| format!("cannot build the search index: {e}"))?;
        files
            .into_iter()
            .filter(|file| !UNUSED.iter().any(|unused| file.filename.as_os_str() == *unused))
            .map(|file| {
                // Paths in the bundle, which the output writer checks again.
                let rel = file.filename.to_str().ok_or("the search index made a file whose name is not UTF-8")?;
                Ok((rel.replace('\\', "/"), file.contents))
            })
            .collect()
    })
}

/// The page Pagefind reads for `record`: the communique's text, its title as the
/// result's title, and its group and product as filters. Filters and title sit in an
/// element Pagefind does not index as text, so that filtering by a group does not
/// make every communique of that group match its name.
fn document(language: &str, record: &Record) -> String {
    let escape = crate::render::templates::escape_html;
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"></head><body>\
         <div data-pagefind-ignore>\
         <span data-pagefind-meta=\"title\">{title}</span>\
         <span data-pagefind-filter=\"Group\">{group}</span>\
         <span data-pagefind-filter=\"Product\">{product}</span>\
         </div>\
         <main>{content}</main></body></html>",
        lang = escape(language),
        title = escape(&record.title),
        group = escape(record.group),
        product = escape(record.product),
        content = record.content_html,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(title: &'a str, group: &'a str, text: &'a str) -> Record<'a> {
        Record {
            url: format!("https://releases.example/releases/{title}/{group}/"),
            title: title.to_string(),
            group,
            product: "Ledger",
            content_html: text,
        }
    }

    #[test]
    fn the_index_is_a_pagefind_bundle_under_its_folder() {
        let files = index("en", &[record("one", "customers", "<p>Instant payouts</p>")]).unwrap();
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
    }

    #[test]
    fn the_same_records_give_the_same_bytes() {
        let records =
            [record("one", "customers", "<p>Instant payouts</p>"), record("two", "partners", "<p>Refunds</p>")];
        assert_eq!(index("en", &records).unwrap(), index("en", &records).unwrap());
    }

    #[test]
    fn text_in_a_record_is_markup_only_where_it_is_html() {
        let html = document("en", &record("<b>one</b>", "a & b", "<p>text</p>"));
        assert!(html.contains("&lt;b&gt;one&lt;/b&gt;") && html.contains("a &amp; b") && html.contains("<p>text</p>"));
    }
}
