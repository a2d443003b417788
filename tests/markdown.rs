//! Markdown, through a build: GitHub-flavoured extensions, heading ids, raw HTML
//! escaped unless `[markdown] unsafe_html = true` (and sanitized then), and
//! script-carrying URLs neutralised whatever the setting.

mod common;

use common::{group, Site, Tree, SITE_TOML};

const BODY: &str = "## Rollout plan

| Region | Date |
|--------|------|
| EU     | 21 November |

~~Manual refunds~~ are gone.

- [x] Settlement engine switched
- [ ] Brazil

Refunds settle in seconds.[^speed]

[^speed]: Measured over the pilot.

## Rollout plan

## Questions {#faq}

Some <b>bold</b> words and a <span class=\"x\">span</span>.

<script>alert('body')</script>

[click-js](javascript:alert(1)) [click-js-case](JaVaScRiPt:alert(1)) [click-entity](jav&#x61;script:alert(1))
[click-vb](vbscript:msgbox(1)) [click-data](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(2)>
![image-data](data:image/svg+xml;base64,PHN2Zz4=) [click-ok](https://docs.acme.example/refunds)
[ref-js][bad]

[bad]: javascript:alert(3)
";

fn site(unsafe_html: bool) -> Site {
    let toml = if unsafe_html { format!("{SITE_TOML}[markdown]\nunsafe_html = true\n") } else { SITE_TOML.to_string() };
    let release = format!(
        "---
title: Payments 4.2
product: Payments
status: approved
deployed_at: 2026-11-01T09:00:00Z
features:
  - title: Instant refunds
    summary: \"Inline <i>raw</i> ~~old~~ and [feature-js](javascript:alert(4)).\"
    groups: [customers]
    value: {{ customers: \"[value-vb](vbscript:x) <b>value</b>\" }}
access:
  customers: {{ how: \"[access-data](data:text/html,x)\" }}
---
{BODY}"
    );
    Site::new(&[
        ("site.toml", &toml),
        ("content/stakeholders/customers.md", &group("Customers", "")),
        ("content/releases/payments/index.md", &release),
        ("content/releases/payments/customers.md", "Hand-written [hand-js](javascript:alert(5)) and <em>raw</em>.\n"),
    ])
}

/// Every `href` and `src` value of an HTML text.
fn urls(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\"", "href='", "src='"] {
        let quote = attr.chars().last().unwrap();
        for rest in html.split(attr).skip(1) {
            found.push(rest.split(quote).next().unwrap().to_string());
        }
    }
    found
}

fn assert_no_script_urls(tree: &Tree) {
    for page in tree.pages() {
        for url in urls(&tree.text(page)) {
            let squashed: String =
                url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                assert!(!squashed.starts_with(scheme), "{page}: `{url}` kept its {scheme} scheme");
            }
        }
    }
    for feed in ["feed.xml", "groups/customers/feed.xml"] {
        let xml = tree.text(feed).to_lowercase();
        for scheme in ["href=\"javascript:", "href=\"vbscript:", "href=\"data:", "src=\"data:"] {
            assert!(!xml.contains(scheme), "{feed} has {scheme}");
        }
    }
}

#[test]
fn github_flavoured_markdown_renders() {
    let tree = site(false).build(&[]);
    let html = tree.text("releases/payments/index.html");
    assert!(html.contains("<table>"), "tables");
    assert!(html.contains("<th>Region</th>") && html.contains("<td>21 November</td>"), "table cells");
    assert!(html.contains("<del>Manual refunds</del>"), "strikethrough");
    assert!(html.contains("<input disabled=\"\" type=\"checkbox\" checked=\"\"/>"), "a checked task");
    assert!(html.contains("<input disabled=\"\" type=\"checkbox\"/>"), "an open task");
    assert!(html.contains("class=\"footnote-reference\"") && html.contains("href=\"#speed\""), "footnote reference");
    assert!(html.contains("class=\"footnote-definition\" id=\"speed\""), "footnote definition");
    assert!(html.contains("Measured over the pilot."));
    // Inline Markdown in a feature summary too.
    assert!(html.contains("<del>old</del>"));
}

#[test]
fn headings_get_unique_ids() {
    let tree = site(false).build(&[]);
    let html = tree.text("releases/payments/index.html");
    assert!(html.contains("<h2 id=\"rollout-plan\">Rollout plan</h2>"), "{html}");
    assert!(html.contains("<h2 id=\"rollout-plan-1\">Rollout plan</h2>"), "the second one is made unique");
    assert!(html.contains("<h2 id=\"faq\">Questions</h2>"), "an explicit id is kept");
}

#[test]
fn raw_html_is_escaped_by_default() {
    let tree = site(false).build(&[]);
    let release = tree.text("releases/payments/index.html");
    assert!(release.contains("&lt;b&gt;bold&lt;/b&gt;"), "inline HTML is shown as text");
    assert!(release.contains("&lt;script&gt;"), "a script block is shown as text");
    assert!(!release.contains("<script"), "no script element");
    assert!(!release.contains("<b>bold</b>") && !release.contains("<span class=\"x\">"));
    assert!(release.contains("&lt;i&gt;raw&lt;/i&gt;") && !release.contains("<i>raw</i>"), "in a feature summary");
    assert!(!release.contains("<b>value</b>"), "in a value");
    let communique = tree.text("releases/payments/customers/index.html");
    assert!(communique.contains("&lt;em&gt;raw&lt;/em&gt;") && !communique.contains("<em>raw</em>"), "hand-written");
    for page in tree.pages() {
        let html = common::without_theme_scripts(page, &tree.text(page));
        assert!(!html.contains("<script"), "{page} has a script element");
    }
}

#[test]
fn raw_html_is_kept_when_the_site_allows_it() {
    let tree = site(true).build(&[]);
    let release = tree.text("releases/payments/index.html");
    assert!(release.contains("<b>bold</b>") && release.contains("<span class=\"x\">span</span>"));
    // Sanitized all the same: no script survives, not even as text.
    assert!(!release.contains("<script>alert('body')") && !release.contains("alert('body')"));
    assert!(release.contains("<i>raw</i>") && release.contains("<b>value</b>"));
    assert!(tree.text("releases/payments/customers/index.html").contains("<em>raw</em>"));
}

#[test]
fn script_urls_are_neutralised_in_both_modes() {
    for unsafe_html in [false, true] {
        let tree = site(unsafe_html).build(&[]);
        assert_no_script_urls(&tree);
        let release = tree.text("releases/payments/index.html");
        for text in
            ["click-js", "click-js-case", "click-entity", "click-vb", "click-data", "ref-js", "feature-js", "value-vb"]
        {
            assert!(
                release.contains(&format!(">{text}</a>")),
                "the link text `{text}` stays (unsafe_html = {unsafe_html})"
            );
        }
        assert!(release.contains("href=\"https://docs.acme.example/refunds\""), "safe links are kept");
        let communique = tree.text("releases/payments/customers/index.html");
        assert!(communique.contains(">hand-js</a>") && communique.contains(">access-data</a>"));
    }
}
