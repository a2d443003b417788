//! Escaping everywhere: every field an author writes, filled with markup, entities,
//! quotes, `]]>` and control characters, gives well-formed XML in every feed and the
//! sitemap (checked with a real XML parser), valid JSON, one iCalendar property per line,
//! no injected e-mail header, and escaped HTML in every page. Links and images with
//! dangerous URL schemes are neutralised.

mod common;

use common::{assert_well_formed, Site, Tree, NOW};
use std::collections::BTreeSet;

/// Markup, an entity, both quotes, the end of a CDATA section, a would-be new line of a
/// calendar or mail header, and control characters (XML 1.0 forbids most of them).
fn hostile(n: u32) -> String {
    format!(
        "EVIL{n} <x-evil n=\"{n}\">&amp; & \"q\" 'a' ]]> <![CDATA[ \r\nX-EVIL: {n}\r\n\u{0}\u{1}\u{8}\u{b}\u{1b}[31m\u{7f} end"
    )
}

/// The YAML (or TOML) for a string: JSON's escapes are theirs too. JSON leaves DEL as
/// it is; YAML and TOML want it escaped.
fn q(text: &str) -> String {
    serde_json::to_string(text).unwrap().replace('\u{7f}', "\\u007f")
}

/// Every way to write a link to a `javascript:`, `vbscript:` or `data:` URL in Markdown.
const DANGEROUS_LINKS: &str = "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c]( java\tscript:alert(1)) \
[d](&#106;avascript:alert(1)) [e](&#x6A;avascript:alert(1)) [f](vbscript:msgbox(1)) \
[g](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <javascript:alert(2)> \
![h](javascript:alert(3)) ![i](data:image/svg+xml,<svg/onload=alert(1)>) [j][ref] \
<a href=\"javascript:alert(4)\">k</a> <img src=x onerror=alert(5)> <script>alert(6)</script>\n\n\
[ref]: javascript:alert(7)\n";

fn hostile_site() -> Site {
    let site_toml = format!(
        "title = {}\nbase_url = \"https://releases.acme.example/\"\ndescription = {}\n",
        toml_string(&hostile(1)),
        toml_string(&hostile(2))
    );
    let customers = format!(
        "---\nname: {}\nsummary: {}\ncontacts: [{}]\nemail: {}\n---\n{}\n\n{DANGEROUS_LINKS}",
        q(&hostile(3)),
        q(&hostile(4)),
        q(&hostile(5)),
        q("customers@acme.example"),
        hostile(6)
    );
    let support = format!(
        "---\nname: {}\naudience: internal\nemail: support@acme.example\n---\n{}\n",
        q(&hostile(7)),
        hostile(8)
    );
    let release = format!(
        "---\ntitle: {}\nproduct: {}\nversion: {}\nstatus: approved\ndeployed_at: 2026-11-20T18:00:00Z\n\
summary: {}\nfeatures:\n  - title: {}\n    summary: {}\n    groups: [customers, support]\n    value:\n      customers: {}\n      support: {}\n\
access:\n  customers:\n    how: {}\n    when: {}\n    where: {}\n    permissions: {}\n  support:\n    how: {}\n\
constraints:\n  - kind: regulatory\n    text: {}\n  - kind: other\n    text: {}\n    groups: [support]\n\
windows:\n  - title: {}\n    kind: maintenance\n    start: 2026-11-21T01:00:00Z\n    end: 2026-11-21T03:00:00Z\n---\n{}\n\n{DANGEROUS_LINKS}",
        q(&hostile(9)),
        q(&hostile(10)),
        q(&hostile(11)),
        q(&format!("{} {DANGEROUS_LINKS}", hostile(12))),
        q(&hostile(13)),
        q(&format!("{} {DANGEROUS_LINKS}", hostile(14))),
        q(&format!("{} {DANGEROUS_LINKS}", hostile(15))),
        q(&hostile(16)),
        q(&hostile(17)),
        q(&hostile(18)),
        q(&hostile(19)),
        q(&hostile(20)),
        q(&hostile(21)),
        q(&hostile(22)),
        q(&hostile(23)),
        q(&hostile(24)),
        hostile(25)
    );
    let handwritten = format!(
        "---\ntitle: {}\nsummary: {}\n---\n{}\n\n{DANGEROUS_LINKS}",
        q(&hostile(26)),
        q(&hostile(27)),
        hostile(28)
    );
    Site::new(&[
        ("site.toml", &site_toml),
        ("content/stakeholders/customers.md", &customers),
        ("content/stakeholders/support.md", &support),
        ("content/releases/payments-4-2/index.md", &release),
        ("content/releases/payments-4-2/customers.md", &handwritten),
    ])
}

/// TOML basic strings escape control characters as `\uXXXX`, as JSON does.
fn toml_string(text: &str) -> String {
    q(text)
}

/// Every output file of a public and an internal build, with the e-mails of each.
fn builds(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for (audience, out, mail) in [("public", "public", "mail-public"), ("internal", "internal", "mail-internal")] {
        let run = site.run(&["build", "--now", NOW, "--audience", audience, "--emails", mail]);
        run.success();
        for dir in [out, mail] {
            for (path, bytes) in Tree::read(&site.path(dir)).files {
                files.push((format!("{dir}/{path}"), bytes));
            }
        }
    }
    files
}

/// Elements whose text is HTML (feeds carry HTML as escaped text or CDATA): an item's
/// description and content, an Atom entry's html content or summary. (A channel's
/// description is plain text.)
fn holds_html(node: &roxmltree::Node) -> bool {
    let name = node.tag_name().name();
    let in_item = node.parent_element().is_some_and(|p| p.tag_name().name() == "item");
    (name == "description" && in_item)
        || name == "encoded"
        || (matches!(name, "content" | "summary") && node.attribute("type").is_some_and(|t| t == "html"))
}

fn assert_no_raw_markup(name: &str, html: &str) {
    let lower = html.to_ascii_lowercase();
    let context = |at: usize| {
        let start = lower[..at].char_indices().rev().nth(80).map_or(0, |(i, _)| i);
        let end = lower[at..].char_indices().nth(80).map_or(lower.len(), |(i, _)| at + i);
        html[start..end].to_string()
    };
    for bad in ["<x-evil", "<script", "<img src=x", "<a href=\"javascript"] {
        if let Some(at) = lower.find(bad) {
            panic!("{name}: `{bad}` is markup, not text: …{}…", context(at));
        }
    }
    for attr in ["href", "src"] {
        for quote in ["\"", "'", ""] {
            for scheme in ["javascript:", "vbscript:", "data:"] {
                let bad = format!("{attr}={quote}{scheme}");
                // Only inside a tag: as escaped text (`&lt;a href="javascript:…`) it is harmless.
                let in_tag = |at: &usize| lower[..*at].rfind('<') > lower[..*at].rfind('>');
                if let Some(at) = lower.match_indices(&bad).map(|(i, _)| i).find(in_tag) {
                    panic!("{name}: `{bad}` is a dangerous link: …{}…", context(at));
                }
            }
        }
    }
}

#[test]
fn every_field_is_escaped_in_every_output() {
    let site = hostile_site();
    let files = builds(&site);
    let mut kinds = BTreeSet::new();
    for (path, bytes) in &files {
        let text = String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("{path} is UTF-8"));
        let ext = path.rsplit('.').next().unwrap_or("");
        kinds.insert(ext.to_string());
        match ext {
            "html" => assert_no_raw_markup(path, &common::without_theme_scripts(path, &text)),
            "xml" | "xsl" => {
                assert_well_formed(path, &text);
                let doc = roxmltree::Document::parse(&text).unwrap();
                for node in doc.descendants().filter(|n| n.is_element() && holds_html(n)) {
                    let html: String = node.children().filter_map(|c| c.text()).collect();
                    assert_no_raw_markup(&format!("{path} <{}>", node.tag_name().name()), &html);
                }
            }
            "json" => {
                let feed: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
                // `content_html` is HTML; `title` and `summary` are plain text in JSON Feed.
                for item in feed["items"].as_array().unwrap() {
                    assert_no_raw_markup(&format!("{path} content_html"), item["content_html"].as_str().unwrap());
                }
            }
            "ics" => {
                // Unfolded, every line is one property: `NAME[;params]:value`.
                let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
                for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
                    let name = line.split([':', ';']).next().unwrap();
                    assert!(
                        !name.is_empty()
                            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'),
                        "{path}: `{line}` is not a property line"
                    );
                    assert!(!name.starts_with("X-EVIL"), "{path}: a field made a property of its own: {line:?}");
                }
            }
            "eml" => {
                let message = mail_parser::MessageParser::default().parse(bytes).unwrap();
                let names: Vec<String> = message.headers().iter().map(|h| h.name().to_ascii_lowercase()).collect();
                for bad in ["bcc", "x-evil"] {
                    assert!(!names.iter().any(|n| n == bad), "{path}: a field made a `{bad}` header: {names:?}");
                }
                assert_eq!(names.iter().filter(|n| *n == "to").count(), 1, "{path}: one `To`");
                // The text part is plain text; the HTML part must be escaped.
                assert_no_raw_markup(path, &message.body_html(0).expect("an HTML part"));
            }
            _ => {}
        }
    }
    for kind in ["html", "xml", "json", "ics", "eml"] {
        assert!(kinds.contains(kind), "the builds wrote .{kind} files: {kinds:?}");
    }
    // Every field reached some output, so each was checked somewhere.
    for n in 1..=28 {
        let marker = format!("EVIL{n} ");
        assert!(
            files.iter().any(|(_, bytes)| bytes.windows(marker.len()).any(|w| w == marker.as_bytes())),
            "field {n} appears in no output"
        );
    }
}

#[test]
fn every_field_is_escaped_text_in_the_pages() {
    let site = hostile_site();
    let tree = site.build(&["--audience", "internal"]);
    let communique = tree.text("releases/payments-4-2/customers/index.html");
    // Shown as text: the markup escaped, the rest intact.
    // Text fields: the group's name and contact, product, version, the feature's and the
    // hand-written page's title; Markdown fields: the feature's summary and value, the
    // access entry, the constraint, the hand-written summary and body.
    let missing: Vec<u32> = [3, 5, 10, 11, 13, 14, 15, 17, 18, 19, 20, 22, 26, 27, 28]
        .into_iter()
        .filter(|n| {
            let escaped = format!("EVIL{n} &lt;x-evil n=&quot;{n}&quot;&gt;&amp;amp; &amp; &quot;q&quot;");
            let in_markdown = format!("EVIL{n} &lt;x-evil n=\"{n}\"&gt;&amp; &amp; \"q\"");
            !communique.contains(&escaped) && !communique.contains(&in_markdown)
        })
        .collect();
    assert!(missing.is_empty(), "fields {missing:?} are not escaped text on the communique");
    // Titles end up in <title> and in attributes too.
    assert!(communique.contains("<title>EVIL26 &lt;x-evil"), "the hand-written title, escaped, in <title>");
    // Every dangerous link became a harmless one, and its text stayed.
    assert!(communique.contains("<a href=\"#\">a</a>"), "a neutralised link keeps its text");
    assert!(communique.contains("&lt;script&gt;alert(6)&lt;/script&gt;"), "raw HTML is shown, not run");
}

#[test]
fn dangerous_urls_are_neutralised_in_every_markdown_field() {
    let site = hostile_site();
    let tree = site.build(&[]);
    let mut links = 0;
    for page in tree.pages() {
        let html = tree.text(page);
        links += html.matches("<a href=\"#\">").count();
        assert_no_raw_markup(page, &common::without_theme_scripts(page, &html));
    }
    assert!(links > 20, "the dangerous links were rendered, harmlessly ({links})");
}

#[test]
fn an_email_address_with_a_line_break_is_refused() {
    // It would add a header to every message: `Bcc: evil@attacker.example`.
    let site = hostile_site();
    site.write(
        "content/stakeholders/customers.md",
        &format!("---\nname: Customers\nemail: {}\n---\n", q("customers@acme.example\r\nBcc: evil@attacker.example")),
    );
    let run = site.run(&["check"]);
    run.code_is(1);
    run.diagnostic(
        "content/stakeholders/customers.md:3:8: error: `email` is not one e-mail address: it contains a space or a line break",
    );
}
