//! sitemap.xml: every indexable HTML page, absolute URLs, in a stable order. Past the
//! protocol's 50,000 URLs a file (sitemaps.org), `sitemap.xml` becomes a sitemap index
//! of `sitemap-1.xml`, `sitemap-2.xml`…, each within the limit.

use crate::urls::{sitemap_part, SITEMAP};

/// The most URLs one sitemap file may list (sitemaps.org, "Sitemap file location").
pub(crate) const URL_LIMIT: usize = 50_000;

const XMLNS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

pub(crate) struct SitemapEntry {
    pub url: String,
    /// `YYYY-MM-DD`, when the page has a date of its own.
    pub lastmod: Option<String>,
}

/// The names of the sitemap's files for `count` entries: `sitemap.xml`, then the parts
/// it points at when there are more than `limit`.
pub(crate) fn file_names(count: usize, limit: usize) -> Vec<String> {
    let mut names = vec![SITEMAP.to_string()];
    if count > limit {
        names.extend((1..=count.div_ceil(limit)).map(sitemap_part));
    }
    names
}

/// The sitemap's files, named as [`file_names`] names them: one `urlset` up to `limit`
/// entries, else a `sitemapindex` (its `loc`s under `base_url`) and the parts.
pub(crate) fn files(entries: &[SitemapEntry], base_url: &str, limit: usize) -> Vec<(String, String)> {
    if entries.len() <= limit {
        return vec![(SITEMAP.to_string(), sitemap(entries))];
    }
    let parts: Vec<&[SitemapEntry]> = entries.chunks(limit).collect();
    let mut index = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"{XMLNS}\">\n");
    for (n, part) in parts.iter().enumerate() {
        index.push_str("  <sitemap>\n    <loc>");
        index.push_str(&escape(&crate::urls::url(base_url, &[&sitemap_part(n + 1)])));
        index.push_str("</loc>\n");
        // The newest page of the part: dates are `YYYY-MM-DD`, so the greatest text is the latest.
        if let Some(date) = part.iter().filter_map(|e| e.lastmod.as_deref()).max() {
            index.push_str("    <lastmod>");
            index.push_str(date);
            index.push_str("</lastmod>\n");
        }
        index.push_str("  </sitemap>\n");
    }
    index.push_str("</sitemapindex>\n");
    let mut files = vec![(SITEMAP.to_string(), super::xml_safe(&index))];
    files.extend(parts.iter().enumerate().map(|(n, part)| (sitemap_part(n + 1), sitemap(part))));
    files
}

/// One `urlset`.
pub(crate) fn sitemap(entries: &[SitemapEntry]) -> String {
    let mut xml = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{XMLNS}\">\n");
    for e in entries {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape(&e.url));
        xml.push_str("</loc>\n");
        if let Some(date) = &e.lastmod {
            xml.push_str("    <lastmod>");
            xml.push_str(date);
            xml.push_str("</lastmod>\n");
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    super::xml_safe(&xml)
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_urls() {
        let xml =
            sitemap(&[SitemapEntry { url: "https://x.example/?a=1&b=<2>".into(), lastmod: Some("2026-11-21".into()) }]);
        assert!(xml.contains("<loc>https://x.example/?a=1&amp;b=&lt;2&gt;</loc>"));
        assert!(xml.contains("<lastmod>2026-11-21</lastmod>"));
    }

    fn entries(n: usize) -> Vec<SitemapEntry> {
        (0..n)
            .map(|i| SitemapEntry {
                url: format!("https://x.example/releases/r{i}/"),
                lastmod: (i % 2 == 1).then(|| format!("2026-11-{:02}", 1 + i % 28)),
            })
            .collect()
    }

    /// The root element's name and the texts of `<loc>` of each child, checking the shape
    /// sitemaps.org gives: children of one kind, each with one `loc` and at most one `lastmod`.
    fn shape(xml: &str) -> (String, Vec<String>) {
        let doc = roxmltree::Document::parse(xml).expect("well-formed");
        let root = doc.root_element();
        assert_eq!(root.tag_name().namespace(), Some(XMLNS));
        let child = match root.tag_name().name() {
            "urlset" => "url",
            "sitemapindex" => "sitemap",
            other => panic!("unexpected root {other}"),
        };
        let mut locs = Vec::new();
        for element in root.children().filter(|n| n.is_element()) {
            assert_eq!(element.tag_name().name(), child);
            let names: Vec<&str> = element.children().filter(|n| n.is_element()).map(|n| n.tag_name().name()).collect();
            assert!(names == ["loc"] || names == ["loc", "lastmod"], "{names:?}");
            let loc = element.children().find(|n| n.has_tag_name("loc")).and_then(|n| n.text()).unwrap();
            assert!(loc.starts_with("https://x.example/"), "absolute: {loc}");
            locs.push(loc.to_string());
        }
        (root.tag_name().name().to_string(), locs)
    }

    #[test]
    fn up_to_the_limit_one_urlset_as_before() {
        let all = entries(5);
        let files = files(&all, "https://x.example/", 5);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0], ("sitemap.xml".to_string(), sitemap(&all)), "the same bytes as a single sitemap");
        assert_eq!(file_names(5, 5), ["sitemap.xml"]);
        assert_eq!(shape(&files[0].1).1.len(), 5);
    }

    #[test]
    fn past_the_limit_an_index_of_parts_each_within_it() {
        let all = entries(12);
        let files = files(&all, "https://x.example/", 5);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]);
        assert_eq!(file_names(12, 5), names, "the names are known before the entries are made");
        let (root, parts) = shape(&files[0].1);
        assert_eq!(root, "sitemapindex");
        assert_eq!(
            parts,
            ["https://x.example/sitemap-1.xml", "https://x.example/sitemap-2.xml", "https://x.example/sitemap-3.xml"]
        );
        // Each part's newest date, and every URL once, in order.
        assert!(files[0].1.contains("<loc>https://x.example/sitemap-1.xml</loc>\n    <lastmod>2026-11-04</lastmod>"));
        let mut urls = Vec::new();
        for (_, xml) in &files[1..] {
            let (root, locs) = shape(xml);
            assert_eq!(root, "urlset");
            assert!(locs.len() <= 5);
            urls.extend(locs);
        }
        assert_eq!(urls, all.iter().map(|e| e.url.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn the_limit_is_the_protocols() {
        assert_eq!(URL_LIMIT, 50_000);
        assert_eq!(file_names(50_000, URL_LIMIT).len(), 1);
        assert_eq!(file_names(50_001, URL_LIMIT), ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]);
    }
}
