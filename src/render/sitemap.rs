//! sitemap.xml: every indexable HTML page, absolute URLs, in a stable order.

pub struct SitemapEntry {
    pub url: String,
    /// `YYYY-MM-DD`, when the page has a date of its own.
    pub lastmod: Option<String>,
}

pub fn sitemap(entries: &[SitemapEntry]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
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

pub fn escape(text: &str) -> String {
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
}
