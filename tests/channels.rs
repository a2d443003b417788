//! SPEC §9, every channel a stakeholder uses: Atom and JSON Feed beside RSS, a calendar
//! per group, product pages and feeds, feeds without XSLT, and `build --emails`. Each output is
//! read with a parser that did not write it: feed-rs for the feeds, the `ical` crate for
//! calendars, mail-parser for e-mails. `tests/clients.rs` goes on to real clients.

mod common;

use common::{assert_well_formed, group, Site, Tree, BASE_URL, NOW};
use mail_parser::MimeHeaders;
use std::collections::{BTreeMap, BTreeSet};

const SITE: &str = "title = \"Acme releases\"
base_url = \"https://releases.acme.example/\"
description = \"What each Acme release means for you.\"
timezone = \"Europe/Amsterdam\"
";

/// The release every channel test reads: features for a public and an internal group,
/// windows for the whole release, for a public group and for internal groups only.
const PAYMENTS: &str = "---
title: Payments 4.2 — für alle
product: Payments API
version: \"4.2.0\"
status: approved
deployed_at: 2026-11-10T18:00:00Z
publish_at: 2026-11-11T09:00:00+01:00
summary: Refunds settle **instantly** for R&D and everyone else.
features:
  - id: instant-refunds
    title: Instant refunds
    summary: Refunds settle in seconds.
    groups: [customers, support]
    value:
      customers: Money back the same day.
      support: Fewer tickets.
  - id: refund-webhook
    title: Refund webhook
    summary: A webhook when a refund lands.
    groups: [developers]
    value:
      developers: No more polling.
access:
  customers:
    how: Nothing to do.
  developers:
    how: Subscribe to `refund.settled`.
windows:
  - title: Settlement engine switch-over
    kind: maintenance
    start: 2026-11-10T17:00:00Z
    end: 2026-11-10T19:00:00Z
    groups: [customers]
  - title: Refund sandbox open
    kind: availability
    start: 2026-11-09T09:00:00
    end: 2026-11-20
  - title: Nightly batch
    kind: maintenance
    start: 2026-11-12T01:00:00Z
    end: 2026-11-12T02:00:00Z
    groups: [customers]
  - title: Nightly batch
    kind: maintenance
    start: 2026-11-13T01:00:00Z
    end: 2026-11-13T02:00:00Z
    groups: [customers]
  - title: Nightly batch 2
    kind: maintenance
    start: 2026-11-14T01:00:00Z
    end: 2026-11-14T02:00:00Z
    groups: [customers]
  - title: Desk console freeze WINDOW-CANARY-1
    kind: maintenance
    start: 2026-11-10T16:00:00Z
    end: 2026-11-10T17:00:00Z
    groups: [support]
  - title: Key account callbacks WINDOW-CANARY-2
    kind: availability
    start: 2026-11-11T08:00:00Z
    end: 2026-11-11T18:00:00Z
    groups: [key-accounts]
---
Release notes.
";

fn release(title: &str, product: &str, at: &str, groups: &[&str], extra: &str) -> String {
    let list = groups.join(", ");
    let mut text = format!(
        "---\ntitle: {title}\nproduct: {product}\nstatus: approved\ndeployed_at: {at}\nsummary: {title} in one sentence.\nfeatures:\n  - title: {title} feature\n    groups: [{list}]\n    value:\n"
    );
    for g in groups {
        text.push_str(&format!("      {g}: Worth it for {g}.\n"));
    }
    text.push_str("access:\n");
    for g in groups {
        text.push_str(&format!("  {g}:\n    how: Nothing to do.\n"));
    }
    text.push_str(extra);
    text.push_str("---\n");
    text
}

fn site() -> Site {
    Site::new(&[
        ("site.toml", SITE),
        (
            "content/stakeholders/customers.md",
            &group(
                "Customers",
                "order: 1\nsummary: Everyone on a paid plan.\nemail: customers-announce@acme.example\ncontacts: [\"Accounts <accounts@acme.example>\"]\n",
            ),
        ),
        (
            "content/stakeholders/enterprise.md",
            &group("Enterprise customers", "parent: customers\nemail: enterprise-announce@acme.example\n"),
        ),
        ("content/stakeholders/developers.md", &group("Developers", "")),
        (
            "content/stakeholders/support.md",
            &group("Support", "audience: internal\nemail: support-team-mailcanary@acme.example\n"),
        ),
        (
            "content/stakeholders/key-accounts.md",
            &group(
                "Key accounts",
                "audience: internal\nparent: customers\nemail: key-accounts-mailcanary@acme.example\n",
            ),
        ),
        ("content/releases/payments-4-2.md", PAYMENTS),
        (
            "content/releases/payments-4-1.md",
            &release("Payments 4.1", "Payments API", "2026-09-01T08:00:00Z", &["customers"], ""),
        ),
        (
            "content/releases/ledger-7.md",
            &release("Ledger 7", "Ledger", "2026-10-01T08:00:00Z", &["customers", "developers"], ""),
        ),
        (
            "content/releases/desk-tools.md",
            &release(
                "Desk tools 2 WINDOW-CANARY-3",
                "Support tooling",
                "2026-10-15T08:00:00Z",
                &["support"],
                "windows:\n  - title: Desk tools cut-over WINDOW-CANARY-4\n    kind: maintenance\n    start: 2026-10-15T06:00:00Z\n    end: 2026-10-15T07:00:00Z\n",
            ),
        ),
    ])
}

fn url(path: &str) -> String {
    format!("{BASE_URL}{path}")
}

const PUBLIC_GROUPS: [&str; 3] = ["customers", "enterprise", "developers"];

// ---------------------------------------------------------------------------------------
// Feeds: RSS, Atom, JSON Feed

fn parse_feed(tree: &Tree, path: &str) -> feed_rs::model::Feed {
    let text = tree.text(path);
    if !path.ends_with(".json") {
        assert_well_formed(path, &text);
    }
    feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{path} does not parse as a feed: {e}\n{text}"))
}

/// What a reader shows of an entry, to compare formats.
#[derive(Debug, PartialEq)]
struct Item {
    id: String,
    title: String,
    link: String,
    published: String,
    category: String,
}

fn items(feed: &feed_rs::model::Feed) -> Vec<Item> {
    feed.entries
        .iter()
        .map(|e| Item {
            id: e.id.clone(),
            title: e.title.as_ref().map(|t| t.content.clone()).unwrap_or_default(),
            link: e.links.first().map(|l| l.href.clone()).unwrap_or_default(),
            published: e.published.map(|d| d.to_rfc3339()).unwrap_or_default(),
            category: e.categories.first().map(|c| c.term.clone()).unwrap_or_default(),
        })
        .collect()
}

fn full_text(entry: &feed_rs::model::Entry) -> String {
    entry.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default()
}

#[test]
fn every_group_has_rss_atom_and_json_feed_with_the_same_items_in_full() {
    use feed_rs::model::FeedType;
    let tree = site().build(&[]);
    for g in PUBLIC_GROUPS {
        let rss = parse_feed(&tree, &format!("groups/{g}/feed.xml"));
        let atom = parse_feed(&tree, &format!("groups/{g}/atom.xml"));
        let json = parse_feed(&tree, &format!("groups/{g}/feed.json"));
        assert_eq!(rss.feed_type, FeedType::RSS2, "{g}");
        assert_eq!(atom.feed_type, FeedType::Atom, "{g}");
        assert_eq!(json.feed_type, FeedType::JSON, "{g}");
        let expected = items(&rss);
        assert!(!expected.is_empty(), "{g} has communiques");
        assert_eq!(items(&atom), expected, "{g}: Atom carries the RSS items");
        assert_eq!(items(&json), expected, "{g}: JSON Feed carries the RSS items");
        for feed in [&rss, &atom, &json] {
            assert_eq!(feed.title.as_ref().unwrap().content, format!("Acme releases — {}", group_name(g)));
            for (entry, item) in feed.entries.iter().zip(&expected) {
                // The id is the communique's permalink, and the page is there.
                assert_eq!(entry.id, item.link);
                let rel = item.link.strip_prefix(BASE_URL).unwrap();
                assert!(tree.has(&format!("{rel}index.html")), "{rel} exists");
                assert!(entry.summary.is_some(), "{g}: a summary in {:?}", feed.feed_type);
                let body = full_text(entry);
                assert!(body.contains("What") && body.contains("new for you"), "{g}: the full communique: {body}");
                assert!(!body.contains("href=\"/"), "{g}: absolute links only: {body}");
            }
        }
    }
    // Newest first: 4.2 (11 Nov), Ledger 7 (1 Oct), 4.1 (1 Sep).
    let rss = parse_feed(&tree, "groups/customers/feed.xml");
    assert_eq!(
        items(&rss).iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        [
            url("releases/payments-4-2/customers/"),
            url("releases/ledger-7/customers/"),
            url("releases/payments-4-1/customers/")
        ]
    );
    let first = &items(&rss)[0];
    assert_eq!(first.title, "Payments 4.2 — für alle");
    assert_eq!(first.published, "2026-11-11T08:00:00+00:00", "publish_at, in UTC");
    assert_eq!(first.category, "Payments API");
    let value = full_text(&parse_feed(&tree, "groups/customers/atom.xml").entries[0]);
    assert!(value.contains("Money back the same day."), "{value}");
}

fn group_name(id: &str) -> &str {
    match id {
        "customers" => "Customers",
        "enterprise" => "Enterprise customers",
        "developers" => "Developers",
        _ => id,
    }
}

/// Atom 1.0 (RFC 4287) as written, beyond what a tolerant parser checks.
#[test]
fn atom_feeds_follow_rfc_4287() {
    const ATOM: &str = "http://www.w3.org/2005/Atom";
    let tree = site().build(&[]);
    let xml = tree.text("groups/customers/atom.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
        node.children().filter(|n| n.has_tag_name((ATOM, name))).collect()
    }
    for required in ["id", "title", "updated"] {
        assert_eq!(child(feed, required).len(), 1, "atom:feed has one atom:{required}");
    }
    assert_eq!(child(feed, "id")[0].text(), Some(url("groups/customers/atom.xml").as_str()));
    let self_link = child(feed, "link").into_iter().find(|l| l.attribute("rel") == Some("self")).expect("rel=self");
    assert_eq!(self_link.attribute("href"), Some(url("groups/customers/atom.xml").as_str()));
    let entries = child(feed, "entry");
    assert_eq!(entries.len(), 3);
    // RFC 4287 §4.1.1: a feed names an author unless every entry does.
    let feed_author = !child(feed, "author").is_empty();
    for entry in &entries {
        assert!(
            feed_author || !child(*entry, "author").is_empty(),
            "atom:feed without atom:author, and an entry without one (RFC 4287 §4.1.1)\n{xml}"
        );
        for required in ["id", "title", "updated"] {
            assert_eq!(child(*entry, required).len(), 1, "atom:entry has one atom:{required}");
        }
        assert_eq!(child(*entry, "content")[0].attribute("type"), Some("html"));
    }
    assert_eq!(child(feed, "updated")[0].text(), Some("2026-11-11T08:00:00+00:00"), "the newest item, not the clock");
}

/// JSON Feed 1.1 as written: its URL fields, and `summary` in plain text as the format says.
#[test]
fn json_feeds_follow_json_feed_1_1() {
    let tree = site().build(&[]);
    let json: serde_json::Value = serde_json::from_str(&tree.text("groups/customers/feed.json")).unwrap();
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["feed_url"], url("groups/customers/feed.json"));
    assert_eq!(json["home_page_url"], url("groups/customers/"));
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    for item in items {
        assert_eq!(item["id"], item["url"], "the permalink is the id");
        assert!(item["id"].is_string() && item["content_html"].is_string() && item["date_published"].is_string());
    }
    let summary = items[0]["summary"].as_str().unwrap();
    assert_eq!(summary, "Refunds settle instantly for R&D and everyone else.", "plain text, as JSON Feed 1.1 says");
}

fn ids(tree: &Tree, path: &str) -> Vec<String> {
    parse_feed(tree, path).entries.iter().map(|e| e.id.clone()).collect()
}

#[test]
fn editing_a_release_keeps_every_feeds_ids() {
    let site = site();
    let before = site.build(&[]);
    site.write(
        "content/releases/payments-4-2.md",
        &PAYMENTS
            .replace("title: Payments 4.2 — für alle", "title: Payments 4.2, refunds in seconds")
            .replace("Refunds settle **instantly**", "Refunds now settle at once")
            .replace("publish_at: 2026-11-11T09:00:00+01:00", "publish_at: 2026-11-12T09:00:00+01:00"),
    );
    let after = site.build(&[]);
    for g in PUBLIC_GROUPS {
        for file in ["feed.xml", "atom.xml", "feed.json"] {
            let path = format!("groups/{g}/{file}");
            assert_eq!(ids(&before, &path), ids(&after, &path), "{path}: ids survive an edit");
            assert_ne!(before.text(&path), after.text(&path), "{path} shows the edit");
        }
    }
    let atom = parse_feed(&after, "groups/customers/atom.xml");
    assert_eq!(atom.entries[0].title.as_ref().unwrap().content, "Payments 4.2, refunds in seconds");
}

// ---------------------------------------------------------------------------------------
// Advertised and offered on the pages

/// The attributes of every `<link>` element of an HTML page.
fn link_elements(html: &str) -> Vec<BTreeMap<String, String>> {
    html.match_indices("<link ")
        .map(|(at, _)| {
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            let mut attributes = BTreeMap::new();
            let mut rest = tag;
            while let Some(eq) = rest.find("=\"") {
                let name = rest[..eq].rsplit(' ').next().unwrap().to_string();
                let value_end = rest[eq + 2..].find('"').unwrap();
                attributes.insert(name, rest[eq + 2..eq + 2 + value_end].replace("&amp;", "&"));
                rest = &rest[eq + 2 + value_end + 1..];
            }
            attributes
        })
        .collect()
}

fn alternates(html: &str) -> Vec<(String, String)> {
    link_elements(html)
        .into_iter()
        .filter(|l| l.get("rel").map(String::as_str) == Some("alternate"))
        .map(|l| (l["type"].clone(), l["href"].clone()))
        .collect()
}

#[test]
fn group_pages_advertise_every_feed_and_offer_every_channel() {
    let tree = site().build(&[]);
    for g in PUBLIC_GROUPS {
        let page = tree.text(&format!("groups/{g}/index.html"));
        let advertised = alternates(&page);
        for (mime, file) in [
            ("application/rss+xml", "feed.xml"),
            ("application/atom+xml", "atom.xml"),
            ("application/feed+json", "feed.json"),
        ] {
            let href = url(&format!("groups/{g}/{file}"));
            assert!(
                advertised.contains(&(mime.to_string(), href.clone())),
                "{g}: <link rel=\"alternate\" type=\"{mime}\" href=\"{href}\"> in {advertised:?}"
            );
            assert!(tree.has(&format!("groups/{g}/{file}")));
        }
        // Subscribe options on the group's subscribe page, which the page links, the calendar among them.
        let body = &page[page.find("<body").unwrap()..];
        assert!(
            body.contains(&format!("href=\"{}\"", url(&format!("groups/{g}/subscribe/")))),
            "{g}: links its subscribe page"
        );
        let subscribe = tree.text(&format!("groups/{g}/subscribe/index.html"));
        for file in ["feed.xml", "atom.xml", "feed.json", "calendar.ics"] {
            let href = format!("href=\"{}\"", url(&format!("groups/{g}/{file}")));
            assert!(subscribe.contains(&href), "{g}: the subscribe page offers {file}");
        }
        // A communique page advertises its group's feeds too.
        let communique = tree.text(&format!("releases/ledger-7/{g}/index.html"));
        assert!(
            alternates(&communique).contains(&("application/atom+xml".into(), url(&format!("groups/{g}/atom.xml"))))
        );
    }
    // Every advertised feed of every page is a file of the build.
    for path in tree.pages() {
        for (_, href) in alternates(&tree.text(path)) {
            let rel = href.strip_prefix(BASE_URL).unwrap_or_else(|| panic!("{path}: {href} is absolute"));
            assert!(tree.has(rel), "{path} advertises {href}, which the build did not write");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Calendars

/// An event as a calendar app sees it: its properties, unfolded and unescaped.
#[derive(Debug, Clone)]
struct Event(BTreeMap<String, String>);

impl Event {
    fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Parses a calendar with the `ical` crate, checking what RFC 5545 asks of its form.
#[track_caller]
fn calendar(tree: &Tree, path: &str) -> (BTreeMap<String, String>, Vec<Event>) {
    let text = tree.text(path);
    assert!(text.ends_with("\r\n"), "{path}: lines end in CRLF");
    for line in text.split("\r\n") {
        assert!(!line.contains('\n'), "{path}: a bare LF in {line:?}");
        assert!(line.len() <= 75, "{path}: a line longer than 75 octets: {line:?}");
    }
    let mut parser = ical::IcalParser::new(text.as_bytes());
    let parsed = parser.next().expect("one VCALENDAR").unwrap_or_else(|e| panic!("{path}: {e}\n{text}"));
    assert!(parser.next().is_none(), "{path}: one VCALENDAR");
    let properties: BTreeMap<String, String> =
        parsed.properties.iter().map(|p| (p.name.clone(), unescape(p.value.as_deref().unwrap_or("")))).collect();
    assert_eq!(properties.get("VERSION").map(String::as_str), Some("2.0"), "{path}");
    assert!(properties.get("PRODID").is_some_and(|p| !p.is_empty()), "{path}: PRODID");
    let mut uids = BTreeSet::new();
    let events: Vec<Event> = parsed
        .events
        .iter()
        .map(|e| {
            let mut map = BTreeMap::new();
            for p in &e.properties {
                let value = unescape(p.value.as_deref().unwrap_or(""));
                assert!(map.insert(p.name.clone(), value).is_none(), "{path}: {} twice in an event", p.name);
            }
            Event(map)
        })
        .collect();
    for e in &events {
        for required in ["UID", "DTSTAMP", "DTSTART", "SUMMARY"] {
            assert!(!e.get(required).is_empty(), "{path}: {required} in {e:?}");
        }
        for time in ["DTSTAMP", "DTSTART", "DTEND"] {
            if let Some(v) = e.0.get(time) {
                assert!(v.len() == 16 && v.ends_with('Z') && v.as_bytes()[8] == b'T', "{path}: {time} in UTC: {v}");
            }
        }
        // RFC 5545 §3.8.2.2: DTEND MUST be later than DTSTART; a moment has no DTEND.
        if let Some(end) = e.0.get("DTEND") {
            assert!(end.as_str() > e.get("DTSTART"), "{path}: DTEND {end} not after DTSTART in {e:?}");
        }
        assert!(uids.insert(e.get("UID").to_string()), "{path}: UID {} twice", e.get("UID"));
    }
    (properties, events)
}

fn by_summary(events: &[Event]) -> BTreeMap<String, Vec<Event>> {
    let mut map: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    for e in events {
        map.entry(e.get("SUMMARY").to_string()).or_default().push(e.clone());
    }
    map
}

#[test]
fn a_group_calendar_has_each_go_live_and_each_window_that_concerns_the_group() {
    let tree = site().build(&[]);
    let (properties, events) = calendar(&tree, "groups/customers/calendar.ics");
    assert_eq!(properties.get("X-WR-CALNAME").map(String::as_str), Some("Acme releases — Customers"));
    let events = by_summary(&events);
    let summaries: Vec<&str> = events.keys().map(String::as_str).collect();
    assert_eq!(
        summaries,
        [
            "Availability: Refund sandbox open (Payments 4.2 — für alle)",
            "Ledger 7 goes live",
            "Maintenance: Nightly batch (Payments 4.2 — für alle)",
            "Maintenance: Nightly batch 2 (Payments 4.2 — für alle)",
            "Maintenance: Settlement engine switch-over (Payments 4.2 — für alle)",
            "Payments 4.1 goes live",
            "Payments 4.2 — für alle goes live",
        ],
        "customers: three go-lives, the release-wide window and their own four"
    );
    let go_live = &events["Payments 4.2 — für alle goes live"][0];
    assert_eq!(go_live.get("DTSTART"), "20261110T180000Z", "at deployed_at");
    assert_eq!(go_live.get("URL"), url("releases/payments-4-2/customers/"));
    assert!(go_live.get("DESCRIPTION").contains(&url("releases/payments-4-2/customers/")));
    let switch_over = &events["Maintenance: Settlement engine switch-over (Payments 4.2 — für alle)"][0];
    assert_eq!((switch_over.get("DTSTART"), switch_over.get("DTEND")), ("20261110T170000Z", "20261110T190000Z"));
    // A local time and a date are in the site's timezone (CET in November).
    let sandbox = &events["Availability: Refund sandbox open (Payments 4.2 — für alle)"][0];
    assert_eq!((sandbox.get("DTSTART"), sandbox.get("DTEND")), ("20261109T080000Z", "20261119T230000Z"));
    // Two windows with one title are two events, not one event twice.
    let nightly = &events["Maintenance: Nightly batch (Payments 4.2 — für alle)"];
    assert_eq!(nightly.len(), 2);
    // Without an `id`, a window is known by its place in the list (from 1).
    assert_eq!(nightly[0].get("UID"), "payments-4-2/window-3/customers@releases.acme.example");
    assert_ne!(nightly[0].get("UID"), nightly[1].get("UID"));
    // (`calendar` has checked that no UID appears twice, "Nightly batch 2" included.)

    // A child group gets its parent's windows; another group only the release-wide one.
    let (_, enterprise) = calendar(&tree, "groups/enterprise/calendar.ics");
    assert!(
        by_summary(&enterprise).contains_key("Maintenance: Settlement engine switch-over (Payments 4.2 — für alle)")
    );
    let (_, developers) = calendar(&tree, "groups/developers/calendar.ics");
    let developers: Vec<String> = by_summary(&developers).into_keys().collect();
    assert_eq!(
        developers,
        [
            "Availability: Refund sandbox open (Payments 4.2 — für alle)",
            "Ledger 7 goes live",
            "Payments 4.2 — für alle goes live"
        ]
    );
}

#[test]
fn calendar_events_keep_their_uids_when_a_release_changes_and_never_read_the_clock() {
    let site = site();
    let first = site.build(&[]);
    // Another "now" that shows the same releases gives the same bytes.
    site.run(&["build", "--now", "2027-06-01T00:00:00Z"]).success();
    let later = Tree::read(&site.path("public"));
    for g in PUBLIC_GROUPS {
        let path = format!("groups/{g}/calendar.ics");
        assert_eq!(first.text(&path), later.text(&path), "{path} does not depend on the clock");
    }
    // The release moves by a day, its switch-over by an hour.
    site.write(
        "content/releases/payments-4-2.md",
        &PAYMENTS
            .replace("deployed_at: 2026-11-10T18:00:00Z", "deployed_at: 2026-11-11T18:00:00Z")
            .replace("end: 2026-11-10T19:00:00Z", "end: 2026-11-10T20:00:00Z"),
    );
    let edited = site.build(&[]);
    let uid_map = |tree: &Tree| -> BTreeMap<String, Event> {
        let (_, events) = calendar(tree, "groups/customers/calendar.ics");
        events.into_iter().map(|e| (e.get("UID").to_string(), e)).collect()
    };
    let (before, after) = (uid_map(&first), uid_map(&edited));
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "the same events, by UID");
    let go_live = "payments-4-2.customers@releases.acme.example";
    assert_eq!(before[go_live].get("DTSTART"), "20261110T180000Z");
    assert_eq!(after[go_live].get("DTSTART"), "20261111T180000Z", "the event moved in place");
    let changed: Vec<&String> = before.keys().filter(|uid| before[*uid].0 != after[*uid].0).collect();
    assert_eq!(changed.len(), 2, "only the go-live and the switch-over changed: {changed:?}");
}

/// The UID of each window event in `groups/<group>/calendar.ics`, by summary.
fn window_uids(tree: &Tree, group: &str) -> BTreeMap<String, String> {
    let (_, events) = calendar(tree, &format!("groups/{group}/calendar.ics"));
    events
        .into_iter()
        .filter(|e| e.get("CATEGORIES") != "Go-live")
        .map(|e| (e.get("SUMMARY").to_string(), e.get("UID").to_string()))
        .collect()
}

#[test]
fn a_retitled_window_keeps_its_calendar_event() {
    let site = site();
    let with_id = PAYMENTS.replace(
        "  - title: Settlement engine switch-over\n",
        "  - id: switch-over\n    title: Settlement engine switch-over\n",
    );
    site.write("content/releases/payments-4-2.md", &with_id);
    let first = window_uids(&site.build(&[]), "customers");
    let uid = "payments-4-2/window/switch-over/customers@releases.acme.example";
    assert_eq!(first["Maintenance: Settlement engine switch-over (Payments 4.2 — für alle)"], uid, "{first:?}");
    let sandbox = "payments-4-2/window-2/customers@releases.acme.example";
    assert_eq!(first["Availability: Refund sandbox open (Payments 4.2 — für alle)"], sandbox);

    // Both retitled (a typo fixed), and the window with an id moved down the list.
    let edited = std::fs::read_to_string(site.path("content/releases/payments-4-2.md"))
        .unwrap()
        .replace("Refund sandbox open", "Refund sandbox opens");
    let (head, rest) = edited.split_once("windows:\n").unwrap();
    let (with_id, others) = rest.split_at(rest.find("  - title: Refund sandbox").unwrap());
    let (sandbox_window, tail) = others.split_at(others.find("  - title: Nightly").unwrap());
    let moved = format!(
        "{head}windows:\n{sandbox_window}{}{tail}",
        with_id.replace("Settlement engine switch-over", "Settlement-engine switch-over")
    );
    site.write("content/releases/payments-4-2.md", &moved);
    let after = window_uids(&site.build(&[]), "customers");
    assert_eq!(after["Maintenance: Settlement-engine switch-over (Payments 4.2 — für alle)"], uid, "{after:?}");
    // Without an id, its place stands in: the sandbox is now first.
    assert_eq!(
        after["Availability: Refund sandbox opens (Payments 4.2 — für alle)"],
        "payments-4-2/window-1/customers@releases.acme.example"
    );
    assert_eq!(first.len(), after.len(), "no event added: {after:?}");
}

#[test]
fn a_retitled_window_without_an_id_keeps_its_calendar_event() {
    let site = site();
    let before = window_uids(&site.build(&[]), "customers");
    site.write("content/releases/payments-4-2.md", &PAYMENTS.replace("Refund sandbox open", "Refund sandbox opens"));
    let after = window_uids(&site.build(&[]), "customers");
    assert_eq!(
        before["Availability: Refund sandbox open (Payments 4.2 — für alle)"],
        after["Availability: Refund sandbox opens (Payments 4.2 — für alle)"],
        "the same event, retitled"
    );
    assert_eq!(before.values().collect::<BTreeSet<_>>(), after.values().collect::<BTreeSet<_>>());
}

// ---------------------------------------------------------------------------------------
// Products

#[test]
fn each_product_has_a_page_and_a_feed_of_its_releases() {
    let tree = site().build(&[]);
    let products = tree.text("products/index.html");
    for (name, slug) in [("Payments API", "payments-api"), ("Ledger", "ledger")] {
        assert!(products.contains(name), "{name} on products/");
        assert!(products.contains(&format!("href=\"{}\"", url(&format!("products/{slug}/")))), "{slug} linked");
    }
    assert!(!tree.has("products/support-tooling/index.html"), "a product of internal releases only is not public");
    let page = tree.text("products/payments-api/index.html");
    assert!(page.contains("Payments 4.2") && page.contains("Payments 4.1") && !page.contains("Ledger 7"));
    assert!(alternates(&page).contains(&("application/rss+xml".into(), url("products/payments-api/feed.xml"))));
    let feed = parse_feed(&tree, "products/payments-api/feed.xml");
    assert_eq!(feed.title.unwrap().content, "Acme releases — Payments API");
    assert_eq!(
        feed.entries.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        [url("releases/payments-4-2/"), url("releases/payments-4-1/")],
        "the product's releases, newest first, each by its release page"
    );
    assert!(full_text(&feed.entries[0]).contains("Instant refunds"), "the full release");
    assert_eq!(ids(&tree, "products/ledger/feed.xml"), [url("releases/ledger-7/")]);
    // The portal leads to products.
    assert!(tree.text("index.html").contains(&url("products/")));
}

#[test]
fn products_whose_names_have_no_ascii_letters_get_a_folder_each() {
    let site = Site::new(&[
        ("site.toml", SITE),
        ("content/stakeholders/customers.md", &group("Customers", "")),
        ("content/releases/jp.md", &release("Release JP", "日本", "2026-09-01T08:00:00Z", &["customers"], "")),
        ("content/releases/kr.md", &release("Release KR", "한국", "2026-09-02T08:00:00Z", &["customers"], "")),
        ("content/releases/item.md", &release("Release Item", "Item", "2026-09-03T08:00:00Z", &["customers"], "")),
    ]);
    let tree = site.build(&[]);
    let mut folders: Vec<&str> =
        tree.paths().into_iter().filter_map(|p| p.strip_prefix("products/")?.strip_suffix("/index.html")).collect();
    folders.retain(|f| !f.contains('/'));
    folders.sort();
    assert_eq!(folders.len(), 3, "{folders:?}");
    assert!(folders.contains(&"item"), "an ASCII name keeps its slug: {folders:?}");
    for folder in &folders {
        let page = tree.text(&format!("products/{folder}/index.html"));
        let releases = ["Release JP", "Release KR", "Release Item"].into_iter().filter(|r| page.contains(r)).count();
        assert_eq!(releases, 1, "products/{folder}/ shows its own release only");
        assert_eq!(ids(&tree, &format!("products/{folder}/feed.xml")).len(), 1);
    }
}

// ---------------------------------------------------------------------------------------
// No XSLT: browsers are removing it; "subscribe" leads to a page instead (SPEC §9)

#[test]
fn feeds_are_plain_xml_without_a_stylesheet() {
    let site = site();
    let tree = site.build(&[]);
    assert!(!tree.has("feed.xsl"), "no stylesheet is published");
    let feeds: Vec<&str> = tree.paths().into_iter().filter(|p| p.ends_with(".xml") && *p != "sitemap.xml").collect();
    assert_eq!(feeds.len(), 3 * 2 + 2 + 1, "group (RSS, Atom), product and site feeds: {feeds:?}");
    for path in feeds {
        let text = tree.text(path);
        assert!(text.starts_with("<?xml "), "{path} opens with the XML declaration:\n{}", &text[..200.min(text.len())]);
        assert!(!text.contains("xml-stylesheet") && !text.contains("feed.xsl"), "{path} names no stylesheet");
        assert_well_formed(path, &text);
    }
}

// ---------------------------------------------------------------------------------------
// E-mail

fn emails(site: &Site, extra: &[&str]) -> (common::Run, Tree) {
    let mut args = vec!["build", "--now", NOW, "--emails", "mail"];
    args.extend_from_slice(extra);
    let run = site.run(&args);
    run.success();
    (run, Tree::read(&site.path("mail")))
}

/// The messages of an `--emails` folder (the build also keeps a hidden manifest there).
fn eml_paths(mail: &Tree) -> Vec<&str> {
    mail.paths().into_iter().filter(|p| p.ends_with(".eml")).collect()
}

fn parse_mail(bytes: &[u8]) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default().parse(bytes).expect("an RFC 5322 message")
}

#[test]
fn build_emails_writes_one_message_per_communique_for_groups_with_an_address() {
    let site = site();
    let (run, mail) = emails(&site, &[]);
    assert_eq!(
        eml_paths(&mail),
        [
            "ledger-7/customers.eml",
            "ledger-7/enterprise.eml",
            "payments-4-1/customers.eml",
            "payments-4-1/enterprise.eml",
            "payments-4-2/customers.eml",
            "payments-4-2/enterprise.eml",
        ],
        "developers have no `email`"
    );
    assert_eq!(run.stderr.matches("`developers`").count(), 1, "the build says once: {}", run.stderr);
    assert!(run.stdout.contains("6 e-mails"), "{}", run.stdout);

    let bytes = &mail.files["payments-4-2/customers.eml"];
    let raw = String::from_utf8(bytes.clone()).expect("7-bit or UTF-8 text");
    let message = parse_mail(bytes);
    let to = message.to().and_then(|a| a.first()).and_then(|a| a.address()).map(str::to_string);
    assert_eq!(to.as_deref(), Some("customers-announce@acme.example"));
    assert_eq!(message.subject(), Some("Payments 4.2 — für alle"), "a non-ASCII subject survives encoding");
    assert_eq!(message.date().unwrap().to_rfc3339(), "2026-11-11T08:00:00Z", "Date: publish_at");
    assert_eq!(message.message_id(), Some("payments-4-2.customers@releases.acme.example"));
    assert!(message.from().and_then(|a| a.first()).and_then(|a| a.address()).is_some_and(|a| a.contains('@')));
    assert!(raw.contains("MIME-Version: 1.0"), "{raw}");
    let content_type = message.content_type().expect("Content-Type");
    assert_eq!((content_type.ctype(), content_type.subtype()), ("multipart", Some("alternative")));
    let parts: Vec<String> = message
        .parts
        .iter()
        .filter_map(|p| p.content_type())
        .map(|c| format!("{}/{}; {}", c.ctype(), c.subtype().unwrap_or(""), c.attribute("charset").unwrap_or("")))
        .collect();
    assert_eq!(parts, ["multipart/alternative; ", "text/plain; utf-8", "text/html; utf-8"]);

    // The text part reads on its own.
    let text = message.body_text(0).expect("a text part").into_owned();
    for expected in [
        "Payments 4.2 — für alle",
        "What's new for you",
        "Instant refunds: Refunds settle in seconds.",
        "Money back the same day.",
        "How: Nothing to do.",
        "Settlement engine switch-over",
        "Accounts <accounts@acme.example>",
        &url("releases/payments-4-2/customers/"),
        &url("groups/customers/subscribe/"),
    ] {
        assert!(text.contains(expected), "the text part has `{expected}`:\n{text}");
    }
    assert!(
        !text.contains("<p>") && !text.contains("</") && !text.contains("&amp;"),
        "no HTML in the text part:\n{text}"
    );
    assert!(!text.contains("Refund webhook"), "only what reaches customers:\n{text}");
    let html = message.body_html(0).expect("an HTML part").into_owned();
    assert!(html.contains("<html") && html.contains("Money back the same day."), "{html}");
    assert!(!html.contains("href=\"/"), "absolute links in the HTML part");

    // The enterprise list hears what its parent hears.
    let enterprise = parse_mail(&mail.files["payments-4-2/enterprise.eml"]);
    assert_eq!(
        enterprise.to().and_then(|a| a.first()).and_then(|a| a.address()),
        Some("enterprise-announce@acme.example")
    );
    assert!(enterprise.body_text(0).unwrap().contains("Money back the same day."));

    // The same input gives the same bytes; an edit keeps the Message-ID.
    let (_, again) = emails(&site, &[]);
    assert_eq!(again, mail, "e-mails are deterministic");
    site.write("content/releases/payments-4-2.md", &PAYMENTS.replace("Money back the same day.", "Money back today."));
    let (_, edited) = emails(&site, &[]);
    let edited = parse_mail(&edited.files["payments-4-2/customers.eml"]);
    assert_eq!(edited.message_id(), Some("payments-4-2.customers@releases.acme.example"));
    assert!(edited.body_text(0).unwrap().contains("Money back today."));
}

#[test]
fn the_text_part_comes_from_the_communique_txt_template() {
    let site = site();
    site.write(
        "themes/default/templates/communique.txt",
        "Hello {{ group.name }}: {{ communique.title }}{% for f in communique.features %} / {{ f.title }}{% endfor %} & more\n",
    );
    let (_, mail) = emails(&site, &[]);
    let message = parse_mail(&mail.files["payments-4-2/customers.eml"]);
    assert_eq!(
        message.body_text(0).unwrap().trim_end(),
        "Hello Customers: Payments 4.2 — für alle / Instant refunds & more",
        "not HTML-escaped"
    );
}

// ---------------------------------------------------------------------------------------
// Validation of `windows` and `email`

fn check(site: &Site) -> common::Run {
    let run = site.run(&["check", "--now", NOW]);
    run.code_is(1);
    let build = site.run(&["build", "--now", NOW, "--emails", "mail"]);
    build.code_is(1);
    assert!(!site.path("public").exists() && !site.path("mail").exists(), "a failed build writes nothing");
    run
}

#[test]
fn a_window_that_ends_before_it_starts_is_an_error_at_its_end() {
    let site = site();
    site.write(
        "content/releases/payments-4-2.md",
        &PAYMENTS.replace("end: 2026-11-10T19:00:00Z", "end: 2026-11-10T16:00:00Z"),
    );
    let run = check(&site);
    // windows[0].end is on line 32, its value at column 10.
    let line = run.diagnostic("content/releases/payments-4-2.md:32:10: error: ");
    assert!(line.contains("windows[0].end") && line.contains("after") && line.ends_with("[invalid-date]"), "{line}");
    // A window of no length is no window either.
    site.write(
        "content/releases/payments-4-2.md",
        &PAYMENTS.replace("end: 2026-11-10T19:00:00Z", "end: 2026-11-10T17:00:00Z"),
    );
    check(&site).diagnostic("content/releases/payments-4-2.md:32:10: error: ");
}

#[test]
fn a_window_for_an_unknown_group_is_an_error_with_a_hint() {
    let site = site();
    site.write(
        "content/releases/payments-4-2.md",
        &PAYMENTS.replacen("groups: [customers]\n  - title: Refund", "groups: [custmers]\n  - title: Refund", 1),
    );
    let run = check(&site);
    let line = run.diagnostic("content/releases/payments-4-2.md:33:14: error: ");
    assert!(line.contains("custmers") && line.contains("customers") && line.ends_with("[unknown-group]"), "{line}");
}

#[test]
fn a_window_with_a_bad_date_or_kind_is_an_error() {
    let site = site();
    site.write(
        "content/releases/payments-4-2.md",
        &PAYMENTS.replace("kind: availability\n    start: 2026-11-09T09:00:00", "kind: outage\n    start: 9 November"),
    );
    let run = check(&site);
    assert!(run.diagnostic("content/releases/payments-4-2.md:35:11: error: ").ends_with("[invalid-value]"));
    assert!(run.diagnostic("content/releases/payments-4-2.md:36:12: error: ").ends_with("[invalid-date]"));
}

#[test]
fn an_email_that_is_not_one_address_is_an_error_that_shows_the_form() {
    for bad in [
        "not-an-address",
        "customers@localhost",
        "\"@acme.example\"",
        "a@b@acme.example",
        "\"Customers <customers@acme.example>\"",
        "\"customers@acme.example, sales@acme.example\"",
        "\"customers@acme.example\\nBcc: everyone@acme.example\"",
    ] {
        let site = site();
        site.write("content/stakeholders/customers.md", &group("Customers", &format!("order: 1\nemail: {bad}\n")));
        let run = check(&site);
        let line = run.diagnostic("content/stakeholders/customers.md:4:8: error: ");
        assert!(line.ends_with("[invalid-value]"), "{bad}: {line}");
        assert!(line.contains("`email`") && line.contains("email: customers-announce@acme.example"), "{bad}: {line}");
        if bad.contains('<') {
            assert!(line.contains("angle brackets") && line.contains("`contacts`"), "{bad}: {line}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Public and internal

const WINDOW_CANARIES: [&str; 4] = ["window-canary-1", "window-canary-2", "window-canary-3", "window-canary-4"];

fn leaks(trees: &[&Tree], needles: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for tree in trees {
        for (path, bytes) in &tree.files {
            let text = String::from_utf8_lossy(bytes).to_lowercase();
            for needle in needles {
                if text.contains(needle) || path.contains(needle) {
                    found.push(format!("{needle} in {path}"));
                }
            }
        }
    }
    found
}

#[test]
fn windows_for_internal_groups_stay_out_of_every_public_file() {
    let site = site();
    let (_, mail) = emails(&site, &[]);
    let public = Tree::read(&site.path("public"));
    assert!(public.text("groups/customers/calendar.ics").contains("Settlement engine switch-over"));
    assert!(public.text("releases/payments-4-2/index.html").contains("Settlement engine switch-over"));
    let found = leaks(&[&public, &mail], &WINDOW_CANARIES);
    assert!(found.is_empty(), "internal windows in the public build: {found:#?}");

    // The internal build has them, each in the calendar of the group it concerns.
    site.run(&["build", "--audience", "internal", "--now", NOW]).success();
    let internal = Tree::read(&site.path("internal"));
    let support = internal.text("groups/support/calendar.ics").to_lowercase();
    for canary in ["window-canary-1", "window-canary-4"] {
        assert!(support.contains(canary), "{canary} in support's calendar");
    }
    assert!(internal.text("groups/key-accounts/calendar.ics").contains("WINDOW-CANARY-2"));
    assert!(!internal.text("groups/customers/calendar.ics").contains("WINDOW-CANARY"), "not for the parent group");
}

#[test]
fn no_email_goes_to_an_internal_group_in_a_public_build() {
    let site = site();
    let (_, mail) = emails(&site, &[]);
    let public = Tree::read(&site.path("public"));
    assert!(eml_paths(&mail)
        .iter()
        .all(|p| !p.contains("support") && !p.contains("key-accounts") && !p.starts_with("desk-tools")));
    let found = leaks(&[&public, &mail], &["mailcanary"]);
    assert!(found.is_empty(), "internal addresses in the public build: {found:#?}");

    // `--audience internal --emails` writes them.
    let run = site.run(&["build", "--audience", "internal", "--now", NOW, "--emails", "staff-mail"]);
    run.success();
    let mail = Tree::read(&site.path("staff-mail"));
    for path in ["payments-4-2/support.eml", "payments-4-2/key-accounts.eml", "desk-tools/support.eml"] {
        assert!(mail.has(path), "{path} in {:?}", mail.paths());
    }
    let message = parse_mail(&mail.files["payments-4-2/key-accounts.eml"]);
    assert_eq!(
        message.to().and_then(|a| a.first()).and_then(|a| a.address()),
        Some("key-accounts-mailcanary@acme.example")
    );
}
