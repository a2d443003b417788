//! No script through Markdown, in any output a build writes: heading attributes
//! (`# Notes {onfocus=…}`) keep only a safe id and safe classes, with the default
//! settings; and with `[markdown] unsafe_html = true`, raw HTML is sanitized with an
//! allow-list, so `javascript:` links, `on*` attributes, `<script>`, `<iframe>`,
//! `<svg>` and `<form>` are gone while `<details>`, `<summary>` and `<kbd>` stay.
//! Every page, every feed's HTML (`feed.xml`, `atom.xml`, `feed.json`) and the HTML
//! part of every e-mail is parsed with a real HTML parser and checked.

mod common;

use common::{Site, Tree, NOW, SITE_TOML};
use scraper::Html;

/// Heading attributes in a group's body, a release's body and a feature's value.
const HEADING_ATTRIBUTES_GROUP: &str = "---
name: Customers
email: customers-announce@acme.example
---
# Group about {tabindex=1 autofocus onfocus=alert(1)}

## Group contacts {#contacts .wide onmouseover=alert(2)}
";

const HEADING_ATTRIBUTES_RELEASE: &str = "---
title: Payments 4.2
product: Payments
status: approved
deployed_at: 2026-11-01T09:00:00Z
features:
  - title: Instant refunds
    groups: [customers]
    value: { customers: \"# Value heading {onmouseover=alert(3) tabindex=2}\" }
---
# Body notes {tabindex=1 autofocus onfocus=alert(4)}

## Body plan {#plan .wide style=color:red}
";

/// Every way raw HTML has been used to run a script, and what an author may write.
const RAW_HTML_BODY: &str = "Body start.

<a href=\"javascript:alert(1)\">js-link</a> <img src=x onerror=alert(2)> <svg onload=alert(3)><circle r=1 /></svg>

<a href=\" jav&#x09;ascript:alert(4)\">tab-link</a> <a href=\"VBScript:msgbox(5)\">vb-link</a> <img src=\"data:image/svg+xml,x\">

<iframe src=\"https://evil.example/\"></iframe>

<script>alert(6)</script>

<form action=javascript:alert(7)><button formaction=javascript:alert(8)>go</button><input type=password></form>

<details><summary>Body details</summary>

Press <kbd>Ctrl</kbd>+<kbd>K</kbd>.

</details>
";

const RAW_HTML_VALUE: &str =
    "<a href='javascript:alert(9)'>value-link</a> <b onmouseover=alert(10)>Value bold</b> <kbd>Esc</kbd>";

fn site(unsafe_html: bool, group: &str, release: &str) -> Site {
    let toml = if unsafe_html { format!("{SITE_TOML}[markdown]\nunsafe_html = true\n") } else { SITE_TOML.to_string() };
    Site::new(&[
        ("site.toml", &toml),
        ("content/stakeholders/customers.md", group),
        ("content/releases/payments/index.md", release),
    ])
}

/// Every HTML text a build with `--emails mail` wrote: each page, the HTML that each
/// RSS and Atom feed carries as escaped text, each JSON Feed item's `content_html`,
/// and the HTML part of each e-mail. Named by file, and by element within a feed.
fn html_outputs(site: &Site) -> Vec<(String, String)> {
    let run = site.run(&["build", "--now", NOW, "--emails", "mail"]);
    run.success();
    let mut found = Vec::new();
    for dir in ["public", "mail"] {
        for (path, bytes) in Tree::read(&site.path(dir)).files {
            let name = format!("{dir}/{path}");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if path.ends_with(".html") {
                // The theme's own scripts (copy buttons, the catch-up picker) are not content.
                found.push((name.clone(), common::without_theme_scripts(&name, &text)));
            } else if path.ends_with(".xml") {
                let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                for node in doc.descendants().filter(|n| n.is_element()) {
                    let element = node.tag_name().name();
                    let in_item = node.parent_element().is_some_and(|p| p.tag_name().name() == "item");
                    let is_html = (element == "description" && in_item)
                        || element == "encoded"
                        || (matches!(element, "content" | "summary") && node.attribute("type") == Some("html"));
                    if is_html {
                        let html: String = node.children().filter_map(|c| c.text()).collect();
                        found.push((format!("{name} <{element}>"), html));
                    }
                }
            } else if path.ends_with(".json") {
                let feed: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                for item in feed["items"].as_array().expect("items") {
                    found.push((format!("{name} content_html"), item["content_html"].as_str().unwrap().to_string()));
                }
            } else if path.ends_with(".eml") {
                let message = mail_parser::MessageParser::default().parse(&bytes).expect("a message");
                found.push((name, message.body_html(0).expect("an HTML part").into_owned()));
            }
        }
    }
    found
}

/// Where `html`, parsed as a browser would, can run a script: an `on*` attribute, a
/// `javascript:`, `vbscript:` or `data:` URL, or an element that runs or embeds code.
fn script_vectors(html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let mut found = Vec::new();
    for element in document.root_element().descendants().filter_map(scraper::ElementRef::wrap) {
        let tag = element.value().name();
        if matches!(tag, "script" | "iframe" | "frame" | "object" | "embed" | "form" | "svg" | "math" | "base") {
            found.push(format!("<{tag}>"));
        }
        for (name, value) in element.value().attrs() {
            let name = name.to_ascii_lowercase();
            if name.starts_with("on") {
                found.push(format!("<{tag} {name}=…>"));
            }
            if matches!(name.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href" | "poster" | "data") {
                // The parser has decoded entities; browsers skip spaces and controls too.
                let scheme: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .take(11)
                    .collect::<String>()
                    .to_ascii_lowercase();
                if ["javascript:", "vbscript:", "data:"].iter().any(|s| scheme.starts_with(s)) {
                    found.push(format!("<{tag} {name}=\"{value}\">"));
                }
            }
        }
    }
    found
}

/// The headings of `html` that carry an attribute other than `id` and `class`.
fn heading_attributes(html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let headings = scraper::Selector::parse("h1, h2, h3, h4, h5, h6").unwrap();
    document
        .select(&headings)
        .flat_map(|h| {
            h.value().attrs().filter(|(name, _)| !matches!(*name, "id" | "class")).map(|(name, _)| name.to_string())
        })
        .collect()
}

#[test]
fn heading_attributes_carry_no_script_into_any_output() {
    for unsafe_html in [false, true] {
        let site = site(unsafe_html, HEADING_ATTRIBUTES_GROUP, HEADING_ATTRIBUTES_RELEASE);
        let outputs = html_outputs(&site);
        for (name, html) in &outputs {
            let bad = [script_vectors(html), heading_attributes(html)].concat();
            assert!(bad.is_empty(), "{name} (unsafe_html = {unsafe_html}): {bad:?}\n{html}");
            for word in ["onfocus", "onmouseover", "autofocus", "tabindex", "alert("] {
                assert!(!html.contains(word), "{name} (unsafe_html = {unsafe_html}) has `{word}`");
            }
        }
        // Each text reached the outputs it belongs in, so each was checked there.
        let reached = |text: &str, output: &str| outputs.iter().any(|(n, h)| n.contains(output) && h.contains(text));
        for output in ["public/releases/payments/customers/index.html", "feed.xml", "atom.xml", "feed.json", ".eml"] {
            assert!(reached("Value heading", output), "the value's heading is in {output}");
        }
        assert!(reached("Body notes", "public/releases/payments/index.html") && reached("Body notes", "feed.xml"));
        assert!(reached("Group about", "public/groups/customers/index.html"));

        // Safe ids and classes stay, and anchors still work.
        let release = site.path("public/releases/payments/index.html");
        let release = std::fs::read_to_string(release).unwrap();
        assert!(release.contains("<h1 id=\"body-notes\">Body notes</h1>"), "{release}");
        assert!(release.contains("<h2 id=\"plan\" class=\"wide\">Body plan</h2>"), "{release}");
        let group = std::fs::read_to_string(site.path("public/groups/customers/index.html")).unwrap();
        assert!(group.contains("<h1 id=\"group-about\">Group about</h1>"), "{group}");
        assert!(group.contains("<h2 id=\"contacts\" class=\"wide\">Group contacts</h2>"), "{group}");
    }
}

#[test]
fn raw_html_allowed_is_sanitized_in_every_output() {
    let release = format!(
        "---
title: Payments 4.2
product: Payments
status: approved
deployed_at: 2026-11-01T09:00:00Z
features:
  - title: Instant refunds
    groups: [customers]
    value: {{ customers: {} }}
---
{RAW_HTML_BODY}",
        serde_json::to_string(RAW_HTML_VALUE).unwrap()
    );
    let group = format!("---\nname: Customers\nemail: customers-announce@acme.example\n---\n{RAW_HTML_BODY}");
    let site = site(true, &group, &release);
    let outputs = html_outputs(&site);
    for (name, html) in &outputs {
        let bad = script_vectors(html);
        assert!(bad.is_empty(), "{name}: {bad:?}\n{html}");
        assert!(!html.contains("alert(") && !html.contains("msgbox("), "{name}: a script's text is left\n{html}");
    }
    // What an author reasonably writes survives, and the texts reached every output.
    let reached = |text: &str, output: &str| outputs.iter().any(|(n, h)| n.contains(output) && h.contains(text));
    for page in ["public/releases/payments/index.html", "public/groups/customers/index.html"] {
        assert!(reached("<details><summary>Body details</summary>", page), "details and summary in {page}");
        assert!(reached("<kbd>Ctrl</kbd>+<kbd>K</kbd>", page), "kbd in {page}");
        assert!(reached(">js-link</a>", page) && reached(">tab-link</a>", page), "link texts in {page}");
    }
    assert!(reached("<details><summary>Body details</summary>", "feed.xml"));
    for output in ["public/releases/payments/customers/index.html", "feed.xml", "atom.xml", "feed.json", ".eml"] {
        assert!(reached("<b>Value bold</b>", output) && reached("<kbd>Esc</kbd>", output), "the value in {output}");
        assert!(reached(">value-link</a>", output), "the value's link text in {output}");
    }
}

#[test]
fn raw_html_stays_escaped_text_by_default() {
    let release = format!(
        "---
title: Payments 4.2
product: Payments
status: approved
deployed_at: 2026-11-01T09:00:00Z
features:
  - title: Instant refunds
    groups: [customers]
    value: {{ customers: {} }}
---
{RAW_HTML_BODY}",
        serde_json::to_string(RAW_HTML_VALUE).unwrap()
    );
    let site = site(false, HEADING_ATTRIBUTES_GROUP, &release);
    for (name, html) in html_outputs(&site) {
        let bad = script_vectors(&html);
        assert!(bad.is_empty(), "{name}: {bad:?}");
        assert!(!html.contains("<details>") && !html.contains("<kbd>"), "{name}: raw HTML is text by default");
    }
}
