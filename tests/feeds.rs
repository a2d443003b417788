//! SPEC §6, Feeds: RSS 2.0 per group and for the whole site, read both with a feed
//! reader's parser (feed-rs) and as raw XML.

mod common;

use common::{assert_well_formed, group, Site, Tree};
use roxmltree::{Document, Node};

const SITE: &str = "title = \"Acme releases\"
base_url = \"https://releases.acme.example/\"
description = \"What each Acme release means for you.\"
language = \"en-GB\"
feed_limit = 3
";

/// A release for `groups`, product `product`, published at `publish_at`.
fn release(title: &str, product: &str, publish_at: &str, groups: &[&str]) -> String {
    let mut text = format!(
        "---\ntitle: {title}\nproduct: {product}\nversion: \"1.0\"\nstatus: approved\ndeployed_at: 2026-10-01T00:00:00Z\npublish_at: {publish_at}\nsummary: Summary of {title}.\nfeatures:\n  - title: {title} feature\n    summary: See [the release list](/releases/) and [your group](/groups/{}/).\n    groups: [{}]\n    value:\n",
        groups[0],
        groups.join(", ")
    );
    for g in groups {
        text.push_str(&format!("      {g}: Worth it.\n"));
    }
    text.push_str("access:\n");
    for g in groups {
        text.push_str(&format!("  {g}: {{ how: \"Nothing to do; read [the guide](/guide/).\" }}\n"));
    }
    text.push_str("---\nNotes with a [root link](/releases/) and an [absolute one](https://docs.acme.example/).\n");
    text
}

fn site() -> Site {
    Site::new(&[
        ("site.toml", SITE),
        (
            "content/stakeholders/customers.md",
            &group(
                "Customers",
                "summary: Everyone on a paid plan.\ncontacts: [\"Accounts <accounts@acme.example>\"]\n",
            ),
        ),
        ("content/stakeholders/developers.md", &group("Developers", "")),
        ("content/releases/r1.md", &release("Release one", "Payments", "2026-11-01T09:00:00Z", &["customers"])),
        (
            "content/releases/r2.md",
            &release("Release two", "Ledger", "2026-11-05T09:00:00+01:00", &["customers", "developers"]),
        ),
        ("content/releases/r3.md", &release("Release three", "Payments", "2026-11-10T09:00:00Z", &["customers"])),
        // r4 and r5 share a date: newest first, then by slug.
        ("content/releases/r4.md", &release("Release four", "Payments", "2026-11-20T09:00:00Z", &["customers"])),
        ("content/releases/r5.md", &release("Release five", "Dashboard", "2026-11-20T09:00:00Z", &["customers"])),
    ])
}

fn feed(tree: &Tree, path: &str) -> feed_rs::model::Feed {
    let xml = tree.text(path);
    assert_well_formed(path, &xml);
    feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{path} does not parse as a feed: {e}"))
}

fn channel<'a>(doc: &'a Document<'a>) -> Node<'a, 'a> {
    assert!(doc.root_element().has_tag_name("rss"), "the root is <rss>");
    assert_eq!(doc.root_element().attribute("version"), Some("2.0"));
    doc.root_element().children().find(|n| n.has_tag_name("channel")).expect("a <channel>")
}

fn child_text<'a>(node: Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name && n.tag_name().namespace().is_none())?
        .text()
}

fn items<'a>(channel: Node<'a, 'a>) -> Vec<Node<'a, 'a>> {
    channel.children().filter(|n| n.has_tag_name("item")).collect()
}

const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

fn content_encoded<'a>(item: Node<'a, 'a>) -> String {
    item.children()
        .find(|n| n.has_tag_name((CONTENT_NS, "encoded")))
        .expect("content:encoded")
        .text()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_group_feed_has_the_channel_of_spec_section_6() {
    let tree = site().build(&[]);
    let xml = tree.text("groups/customers/feed.xml");
    let doc = Document::parse(&xml).unwrap();
    let channel = channel(&doc);
    assert_eq!(child_text(channel, "title"), Some("Acme releases — Customers"));
    assert_eq!(child_text(channel, "link"), Some("https://releases.acme.example/groups/customers/"));
    assert_eq!(child_text(channel, "description"), Some("Everyone on a paid plan."));
    assert_eq!(child_text(channel, "language"), Some("en-GB"));
    let self_link = channel.children().find(|n| n.has_tag_name((ATOM_NS, "link"))).expect("atom:link");
    assert_eq!(self_link.attribute("rel"), Some("self"));
    assert_eq!(self_link.attribute("href"), Some("https://releases.acme.example/groups/customers/feed.xml"));
    assert_eq!(self_link.attribute("type"), Some("application/rss+xml"));
    // Newest item: r4 and r5 at 2026-11-20T09:00Z.
    assert_eq!(child_text(channel, "lastBuildDate"), Some("Fri, 20 Nov 2026 09:00:00 +0000"));

    let parsed = feed(&tree, "groups/customers/feed.xml");
    assert_eq!(parsed.title.unwrap().content, "Acme releases — Customers");
    assert_eq!(parsed.language.map(|l| l.to_lowercase()).as_deref(), Some("en-gb"));
    assert_eq!(parsed.updated.map(|d| d.to_rfc3339()).as_deref(), Some("2026-11-20T09:00:00+00:00"));
}

#[test]
fn a_group_feed_without_a_summary_still_has_a_description() {
    let tree = site().build(&[]);
    let xml = tree.text("groups/developers/feed.xml");
    let doc = Document::parse(&xml).unwrap();
    let description = child_text(channel(&doc), "description").unwrap_or_default();
    assert!(!description.trim().is_empty(), "RSS requires a channel description");
    assert!(description.contains("Developers"), "{description}");
}

#[test]
fn items_are_newest_first_capped_at_feed_limit_with_every_field() {
    let tree = site().build(&[]);
    let xml = tree.text("groups/customers/feed.xml");
    let doc = Document::parse(&xml).unwrap();
    let items = items(channel(&doc));
    let links: Vec<&str> = items.iter().map(|i| child_text(*i, "link").unwrap()).collect();
    assert_eq!(
        links,
        [
            "https://releases.acme.example/releases/r4/customers/",
            "https://releases.acme.example/releases/r5/customers/",
            "https://releases.acme.example/releases/r3/customers/",
        ],
        "feed_limit = 3, newest first, equal dates by slug"
    );
    let first = items[0];
    assert_eq!(child_text(first, "title"), Some("Release four"));
    let guid = first.children().find(|n| n.has_tag_name("guid")).expect("guid");
    assert_eq!(guid.attribute("isPermaLink"), Some("true"));
    assert_eq!(guid.text(), Some("https://releases.acme.example/releases/r4/customers/"));
    assert_eq!(child_text(first, "pubDate"), Some("Fri, 20 Nov 2026 09:00:00 +0000"));
    assert_eq!(child_text(first, "description"), Some("Summary of Release four."));
    assert_eq!(child_text(first, "category"), Some("Payments"));
    assert_eq!(child_text(items[1], "category"), Some("Dashboard"));
    for item in &items {
        let guid = item.children().find(|n| n.has_tag_name("guid")).unwrap();
        assert_eq!(guid.attribute("isPermaLink"), Some("true"));
        assert_eq!(guid.text(), child_text(*item, "link"), "guid = link");
    }

    let parsed = feed(&tree, "groups/customers/feed.xml");
    assert_eq!(parsed.entries.len(), 3);
    let entry = &parsed.entries[0];
    assert_eq!(entry.id, "https://releases.acme.example/releases/r4/customers/");
    assert_eq!(entry.links[0].href, entry.id);
    assert_eq!(entry.published.map(|d| d.to_rfc3339()).as_deref(), Some("2026-11-20T09:00:00+00:00"));
    assert_eq!(entry.summary.as_ref().unwrap().content, "Summary of Release four.");
    assert_eq!(entry.categories[0].term, "Payments");
    let body = entry.content.as_ref().and_then(|c| c.body.clone()).expect("content:encoded");
    assert!(body.contains("Release four feature"), "the full communique: {body}");
    assert!(body.contains("accounts@acme.example"), "with the group's contacts");
}

#[test]
fn pub_dates_are_rfc_822_in_utc_from_publish_at() {
    let tree = site().build(&[]);
    let xml = tree.text("groups/developers/feed.xml");
    let doc = Document::parse(&xml).unwrap();
    let items = items(channel(&doc));
    assert_eq!(items.len(), 1);
    // publish_at: 2026-11-05T09:00:00+01:00; deployed_at (2026-10-01) is not the feed date.
    assert_eq!(child_text(items[0], "pubDate"), Some("Thu, 05 Nov 2026 08:00:00 +0000"));
    assert_eq!(child_text(channel(&doc), "lastBuildDate"), Some("Thu, 05 Nov 2026 08:00:00 +0000"));
}

#[test]
fn full_text_uses_absolute_links_only() {
    let tree = site().build(&[]);
    for path in ["groups/customers/feed.xml", "groups/developers/feed.xml", "feed.xml"] {
        let xml = tree.text(path);
        let doc = Document::parse(&xml).unwrap();
        let items = items(channel(&doc));
        assert!(!items.is_empty(), "{path}");
        for item in items {
            let html = content_encoded(item);
            assert!(!html.trim().is_empty(), "{path}: empty content:encoded");
            assert!(!html.contains("href=\"/") && !html.contains("src=\"/"), "{path}: a root-relative link in\n{html}");
            for attr in ["href=\"", "src=\""] {
                for url in html.split(attr).skip(1).map(|s| s.split('"').next().unwrap()) {
                    assert!(
                        url.starts_with("https://") || url.starts_with("mailto:"),
                        "{path}: `{url}` is not an absolute URL"
                    );
                }
            }
            assert!(html.contains("href=\"https://releases.acme.example/releases/\""), "{path}: {html}");
            // The page's chrome (navigation, banners) stays out of the feed.
            assert!(!html.contains("<nav") && !html.contains("site-header"), "{path}: page chrome in the feed");
        }
    }
}

#[test]
fn the_site_feed_carries_every_release() {
    let tree = site().build(&[]);
    let xml = tree.text("feed.xml");
    let doc = Document::parse(&xml).unwrap();
    let channel = channel(&doc);
    assert_eq!(child_text(channel, "title"), Some("Acme releases"));
    assert_eq!(child_text(channel, "link"), Some("https://releases.acme.example/"));
    assert_eq!(child_text(channel, "description"), Some("What each Acme release means for you."));
    assert_eq!(child_text(channel, "language"), Some("en-GB"));
    let self_link = channel.children().find(|n| n.has_tag_name((ATOM_NS, "link"))).expect("atom:link");
    assert_eq!(self_link.attribute("href"), Some("https://releases.acme.example/feed.xml"));
    assert_eq!(self_link.attribute("rel"), Some("self"));
    let links: Vec<&str> = items(channel).iter().map(|i| child_text(*i, "link").unwrap()).collect();
    assert_eq!(
        links,
        [
            "https://releases.acme.example/releases/r4/",
            "https://releases.acme.example/releases/r5/",
            "https://releases.acme.example/releases/r3/",
        ]
    );
    for item in items(channel) {
        let guid = item.children().find(|n| n.has_tag_name("guid")).unwrap();
        assert_eq!(guid.attribute("isPermaLink"), Some("true"));
        assert_eq!(guid.text(), child_text(item, "link"));
    }
    assert_eq!(feed(&tree, "feed.xml").entries.len(), 3);
}

#[test]
fn every_group_feed_parses() {
    let tree = site().build(&[]);
    let feeds: Vec<&str> = tree.paths().into_iter().filter(|p| p.ends_with("feed.xml")).collect();
    let group_and_site: Vec<&str> = feeds.iter().copied().filter(|p| !p.starts_with("products/")).collect();
    assert_eq!(group_and_site, ["feed.xml", "groups/customers/feed.xml", "groups/developers/feed.xml"]);
    // Product feeds (SPEC §9) parse too.
    for path in feeds {
        feed(&tree, path);
    }
}

#[test]
fn last_build_date_follows_the_items_not_the_clock() {
    let site = site();
    let first = site.build(&["--output", "first"]);
    let run = site.run(&["build", "--now", "2027-03-01T12:34:56Z", "--output", "second"]);
    run.success();
    let second = Tree::read(&site.path("second"));
    for path in ["feed.xml", "groups/customers/feed.xml", "groups/developers/feed.xml"] {
        assert_eq!(first.text(path), second.text(path), "{path} depends on the clock");
    }
}

#[test]
fn editing_a_release_keeps_its_guids() {
    let site = site();
    let before = site.build(&[]);
    let guids = |tree: &Tree| -> Vec<String> {
        let xml = tree.text("groups/customers/feed.xml");
        let doc = Document::parse(&xml).unwrap();
        items(channel(&doc))
            .iter()
            .map(|i| i.children().find(|n| n.has_tag_name("guid")).unwrap().text().unwrap().to_string())
            .collect()
    };
    let edited = release("Release four, revised", "Payments API", "2026-11-20T09:00:00Z", &["customers"])
        .replace("Notes with", "Corrected notes with");
    site.write("content/releases/r4.md", &edited);
    let after = site.build(&[]);
    assert_eq!(guids(&before), guids(&after));
    assert!(after.text("groups/customers/feed.xml").contains("Release four, revised"), "the edit is in the feed");
}

#[test]
fn awkward_text_stays_well_formed_xml() {
    let awkward = "Tricky <b>bold</b> & \\\"quoted\\\" ]]> end \\x07 bell";
    let site = Site::new(&[
        ("site.toml", "title = \"Acme <&> \\\"releases\\\" ]]> \\u0001\"\nbase_url = \"https://releases.acme.example/\"\ndescription = \"A & B < C ]]>\"\n"),
        (
            "content/stakeholders/customers.md",
            &format!("---\nname: \"Customers & <partners> ]]>\"\nsummary: \"{awkward}\"\n---\n"),
        ),
        (
            "content/releases/tricky.md",
            &format!(
                "---\ntitle: \"{awkward}\"\nproduct: \"Pay & <ments>\"\nstatus: approved\ndeployed_at: 2026-11-01T09:00:00Z\nsummary: \"{awkward}\"\nfeatures:\n  - title: \"{awkward}\"\n    summary: \"{awkward}\"\n    groups: [customers]\n    value: {{ customers: \"{awkward}\" }}\naccess:\n  customers: {{ how: \"{awkward}\" }}\n---\nBody with ]]> and <i>raw</i> & more.\n\n```\ncode ]]> <tag>\n```\n"
            ),
        ),
    ]);
    for unsafe_html in [false, true] {
        if unsafe_html {
            let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
            site.write("site.toml", &format!("{toml}[markdown]\nunsafe_html = true\n"));
        }
        let tree = site.build(&[]);
        for path in ["feed.xml", "groups/customers/feed.xml", "sitemap.xml"] {
            assert_well_formed(path, &tree.text(path));
        }
        let parsed = feed(&tree, "groups/customers/feed.xml");
        assert_eq!(parsed.title.unwrap().content, "Acme <&> \"releases\" ]]>  — Customers & <partners> ]]>");
        let entry = &parsed.entries[0];
        assert_eq!(entry.title.as_ref().unwrap().content, "Tricky <b>bold</b> & \"quoted\" ]]> end  bell");
        assert_eq!(entry.categories[0].term, "Pay & <ments>");
        let body = entry.content.as_ref().and_then(|c| c.body.clone()).unwrap();
        assert!(body.contains("]]"), "the full text survives: {body}");
        let site_feed = feed(&tree, "feed.xml");
        assert_eq!(site_feed.description.unwrap().content, "A & B < C ]]>");
    }
}
