//! Syndication feeds (SPEC §6, §9): RSS 2.0 (rss crate), Atom 1.0 (atom_syndication)
//! and JSON Feed 1.1, all from the same entries, so every format carries the same items
//! with the same permanent ids.

use atom_syndication as atom;
use rss::extension::atom::{AtomExtension, Link};
use rss::{Category, Channel, Guid, Item};
use serde::Serialize;

/// One entry of a feed, already rendered.
pub(crate) struct Entry {
    pub title: String,
    /// The absolute permalink: `link`, RSS `guid`, Atom `id` and JSON Feed `id`, so that
    /// editing a release never changes it.
    pub url: String,
    pub published: jiff::Timestamp,
    pub summary_html: String,
    pub content_html: String,
    /// The product, then the labels' words ("Breaking", "Changed", …; SPEC §11).
    pub categories: Vec<String>,
}

pub(crate) struct FeedInfo<'a> {
    pub title: String,
    /// The page the feed belongs to.
    pub link: String,
    /// The feed's own URL, without extension: `…/groups/x/feed` gets `.xml`, `…/atom`
    /// gets `.xml`; the caller gives each format's full URL.
    pub self_url: String,
    pub description: String,
    pub language: &'a str,
}

/// Entries must come newest first and already capped at `feed_limit`.
pub(crate) fn rss(info: &FeedInfo, entries: &[Entry]) -> String {
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
            item.set_categories(
                e.categories.iter().map(|c| Category { name: c.clone(), domain: None }).collect::<Vec<_>>(),
            );
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
    channel.set_last_build_date(newest(entries).map(rfc822));
    channel.set_atom_ext(AtomExtension {
        links: vec![Link {
            href: info.self_url.clone(),
            rel: "self".into(),
            mime_type: Some("application/rss+xml".into()),
            ..Default::default()
        }],
    });
    channel.set_items(items);
    // RSS's default is a permalink guid, so the rss crate leaves the attribute out;
    // SPEC §6 (and some readers) want it spelled out. Item texts are HTML in which a
    // literal `<` is escaped, so `<guid>` only ever opens a guid element.
    let xml = channel.to_string().replace("<guid>", "<guid isPermaLink=\"true\">");
    xml_document(&xml)
}

pub(crate) fn atom(info: &FeedInfo, entries: &[Entry]) -> String {
    let link = |href: &str, rel: &str, mime: Option<&str>| atom::Link {
        href: href.to_string(),
        rel: rel.to_string(),
        mime_type: mime.map(str::to_string),
        ..Default::default()
    };
    let text = |s: &str| atom::Text::plain(s.to_string());
    let html = |s: &str| atom::Text::html(s.to_string());
    let feed = atom::Feed {
        title: text(&info.title),
        id: info.self_url.clone(),
        // Atom requires `updated`; an empty feed takes the Unix epoch rather than the clock.
        updated: fixed(newest(entries).unwrap_or(jiff::Timestamp::UNIX_EPOCH)),
        links: vec![
            link(&info.link, "alternate", Some("text/html")),
            link(&info.self_url, "self", Some("application/atom+xml")),
        ],
        subtitle: (!info.description.is_empty()).then(|| text(&info.description)),
        generator: Some(atom::Generator {
            value: "communique".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        lang: Some(info.language.to_string()),
        // RFC 4287 §4.1.1: a feed names an author unless each of its entries does.
        authors: vec![atom::Person { name: info.title.clone(), ..Default::default() }],
        entries: entries
            .iter()
            .map(|e| atom::Entry {
                title: text(&e.title),
                id: e.url.clone(),
                updated: fixed(e.published),
                published: Some(fixed(e.published)),
                links: vec![link(&e.url, "alternate", Some("text/html"))],
                summary: Some(html(&e.summary_html)),
                content: Some(atom::Content {
                    value: Some(e.content_html.clone()),
                    content_type: Some("html".into()),
                    ..Default::default()
                }),
                categories: e
                    .categories
                    .iter()
                    .map(|c| atom::Category { term: c.clone(), ..Default::default() })
                    .collect(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    xml_document(&feed.to_string())
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    language: &'a str,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    /// Plain text: JSON Feed 1.1 has `content_html` for HTML, `summary` is text.
    summary: String,
    content_html: &'a str,
    date_published: String,
    tags: &'a [String],
}

pub(crate) fn json_feed(info: &FeedInfo, entries: &[Entry]) -> String {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &info.title,
        home_page_url: &info.link,
        feed_url: &info.self_url,
        description: &info.description,
        language: info.language,
        items: entries
            .iter()
            .map(|e| JsonItem {
                id: &e.url,
                url: &e.url,
                title: &e.title,
                summary: plain_text(&e.summary_html),
                content_html: &e.content_html,
                date_published: e.published.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                tags: &e.categories,
            })
            .collect(),
    };
    let mut json = serde_json::to_string_pretty(&feed).expect("a feed serializes");
    json.push('\n');
    json
}

/// The text of an HTML fragment: tags dropped, entities decoded.
fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(['<', '&']) {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
            continue;
        }
        let entity = rest.find(';').filter(|&end| end <= 10).map(|end| &rest[1..end]);
        let decoded = match entity {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("apos") => Some('\''),
            Some(e) if e.starts_with("#x") || e.starts_with("#X") => {
                u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32)
            }
            Some(e) if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match (decoded, entity) {
            (Some(c), Some(e)) => {
                text.push(c);
                rest = &rest[e.len() + 2..];
            }
            _ => {
                text.push('&');
                rest = &rest[1..];
            }
        }
    }
    text.push_str(rest);
    text
}

fn newest(entries: &[Entry]) -> Option<jiff::Timestamp> {
    entries.iter().map(|e| e.published).max()
}

fn fixed(ts: jiff::Timestamp) -> atom::FixedDateTime {
    atom::FixedDateTime::parse_from_rfc3339(&ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()).expect("an RFC 3339 date")
}

/// The feed as a document: an XML declaration, and no characters XML 1.0 cannot carry.
/// No `<?xml-stylesheet?>`: browsers are removing XSLT, and a person who clicks
/// "subscribe" lands on a subscribe page, not on the feed (SPEC §9).
fn xml_document(xml: &str) -> String {
    let xml = super::xml_safe(xml);
    let xml = xml.trim();
    if xml.starts_with("<?xml") {
        format!("{xml}\n")
    } else {
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{xml}\n")
    }
}

/// RFC 822 date as RSS wants it, in UTC: `Sat, 21 Nov 2026 08:00:00 +0000`.
pub(crate) fn rfc822(ts: jiff::Timestamp) -> String {
    ts.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (FeedInfo<'static>, Vec<Entry>) {
        let info = FeedInfo {
            title: "Acme — Customers".into(),
            link: "https://x.example/groups/customers/".into(),
            self_url: "https://x.example/groups/customers/feed.xml".into(),
            description: "What each release means for customers.".into(),
            language: "en",
        };
        let entries = vec![Entry {
            title: "Payments <4.2> & more".into(),
            url: "https://x.example/releases/p/customers/".into(),
            published: "2026-11-21T08:00:00Z".parse().unwrap(),
            summary_html: "<p>Refunds]]> settle</p>".into(),
            content_html: "<h1>x</h1>".into(),
            categories: vec!["Payments".into(), "Breaking".into()],
        }];
        (info, entries)
    }

    #[test]
    fn plain_text_of_html() {
        assert_eq!(plain_text("<strong>R&amp;D</strong> &lt;3 &#39;x&#x27; a & b"), "R&D <3 'x' a & b");
        assert_eq!(plain_text("<a href=\"https://x.example/?a=1&amp;b=2\">link</a>"), "link");
    }

    /// The characters XML 1.0 cannot carry go, wherever they fall, and nothing else does.
    #[test]
    fn control_characters_are_dropped() {
        let reference = |xml: &str| -> String {
            xml.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect()
        };
        for padding in [0, 1, 254, 255, 256, 300] {
            for c in
                ['\u{0}', '\u{8}', '\u{1f}', '\u{7f}', '\u{80}', '\u{85}', '\u{9f}', '\u{a0}', '·', '—', '\t', '\n']
            {
                let xml = format!("{}{c}é{c}", "a".repeat(padding));
                assert_eq!(crate::render::xml_safe(&xml), reference(&xml), "{padding} {c:?}");
            }
        }
    }

    #[test]
    fn rfc822_dates() {
        let ts: jiff::Timestamp = "2026-11-21T08:00:00Z".parse().unwrap();
        assert_eq!(rfc822(ts), "Sat, 21 Nov 2026 08:00:00 +0000");
    }

    #[test]
    fn every_format_parses_with_the_same_ids() {
        let (info, entries) = sample();
        for (name, body) in
            [("rss", rss(&info, &entries)), ("atom", atom(&info, &entries)), ("json", json_feed(&info, &entries))]
        {
            let feed = feed_rs::parser::parse(body.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}\n{body}"));
            assert_eq!(feed.entries.len(), 1, "{name}");
            assert_eq!(feed.entries[0].id, "https://x.example/releases/p/customers/", "{name}");
            assert_eq!(feed.entries[0].title.as_ref().unwrap().content, "Payments <4.2> & more", "{name}");
        }
        let xml = rss(&info, &entries);
        assert!(!xml.contains("xml-stylesheet") && xml.starts_with("<?xml "), "{xml}");
        assert!(xml.contains("<guid isPermaLink=\"true\">https://x.example/releases/p/customers/</guid>"), "{xml}");
    }
}
