//! RSS 2.0 feeds (SPEC §6) with the rss crate: one per group, one for the whole site.

use rss::extension::atom::{AtomExtension, Link};
use rss::{Category, Channel, Guid, Item};

/// One entry of a feed, already rendered.
pub struct Entry {
    pub title: String,
    /// The absolute permalink: both `link` and the `guid`, so that editing a release
    /// never changes it.
    pub url: String,
    pub published: jiff::Timestamp,
    pub summary_html: String,
    pub content_html: String,
    pub category: String,
}

pub struct FeedInfo<'a> {
    pub title: String,
    pub link: String,
    pub self_url: String,
    pub description: String,
    pub language: &'a str,
}

/// Entries must come newest first and already capped at `feed_limit`.
pub fn rss(info: &FeedInfo, entries: &[Entry]) -> String {
    let items: Vec<Item> = entries
        .iter()
        .map(|e| {
            let mut item = Item::default();
            item.set_title(e.title.clone());
            item.set_link(e.url.clone());
            item.set_guid(Guid { value: e.url.clone(), permalink: true });
            item.set_pub_date(rfc822(e.published));
            item.set_description(e.summary_html.clone());
            item.set_content(e.content_html.clone());
            item.set_categories(vec![Category { name: e.category.clone(), domain: None }]);
            item
        })
        .collect();
    let mut channel = Channel::default();
    channel.set_title(info.title.clone());
    channel.set_link(info.link.clone());
    channel.set_description(if info.description.is_empty() { info.title.clone() } else { info.description.clone() });
    channel.set_language(info.language.to_string());
    channel.set_generator(format!("communique {}", env!("CARGO_PKG_VERSION")));
    // The newest item's date, never the clock: the same input gives the same bytes.
    channel.set_last_build_date(entries.iter().map(|e| e.published).max().map(rfc822));
    channel.set_atom_ext(AtomExtension {
        links: vec![Link {
            href: info.self_url.clone(),
            rel: "self".into(),
            mime_type: Some("application/rss+xml".into()),
            ..Default::default()
        }],
    });
    channel.set_items(items);
    let xml = channel.to_string();
    super::xml_safe(&xml)
}

/// RFC 822 date as RSS wants it, in UTC: `Sat, 21 Nov 2026 08:00:00 +0000`.
pub fn rfc822(ts: jiff::Timestamp) -> String {
    ts.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc822_dates() {
        let ts: jiff::Timestamp = "2026-11-21T08:00:00Z".parse().unwrap();
        assert_eq!(rfc822(ts), "Sat, 21 Nov 2026 08:00:00 +0000");
    }
}
