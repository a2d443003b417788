//! Raw HTML in Markdown, when the site allows it (`[markdown] unsafe_html = true`):
//! the rendered text goes through ammonia with an allow-list of what an author
//! reasonably writes — `<details>`/`<summary>`, `<kbd>`, `<sup>`/`<sub>`, tables,
//! images and links — and of what the Markdown renderer itself writes (task-list
//! check boxes, footnotes, table alignment). Everything else goes: `<script>`,
//! `<style>`, `<iframe>`, `<form>`, `<svg>`, every `on*` attribute, `style` but for
//! a table cell's `text-align`, and every URL whose scheme is not `http`, `https` or
//! `mailto`. Relative URLs are handed to the caller, which makes them absolute.

use ammonia::{Builder, UrlRelative, UrlRelativeEvaluate};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Elements kept, with their content; any other element is dropped and its content
/// kept as text (`<script>` and `<style>` lose their content too).
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "input",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "var",
];

/// Attributes any kept element may carry; `id` and `class` only in a safe form
/// ([`safe_attribute`]).
const GENERIC_ATTRIBUTES: &[&str] = &["id", "class", "title", "lang", "dir"];

/// Attributes of particular elements. `href` and `src` are URLs, checked by ammonia.
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href"]),
    ("img", &["src", "alt", "width", "height"]),
    ("ol", &["start"]),
    ("td", &["colspan", "rowspan", "style"]),
    ("th", &["colspan", "rowspan", "style"]),
    ("col", &["span"]),
    ("colgroup", &["span"]),
    ("details", &["open"]),
    ("input", &["checked"]),
];

/// The schemes a kept link or image may have; a URL without a scheme is relative.
const URL_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// `html`, rendered from Markdown that holds raw HTML, with only the allow-listed
/// elements and attributes left. `resolve` turns a relative URL into the one to write,
/// or `None` to drop it.
pub(super) fn sanitize<'a>(html: &str, resolve: impl Fn(&str) -> Option<String> + Send + Sync + 'a) -> String {
    let tag_attributes: HashMap<&str, HashSet<&str>> =
        TAG_ATTRIBUTES.iter().map(|(tag, attributes)| (*tag, attributes.iter().copied().collect())).collect();
    // A task-list item's check box is the only `<input>` the renderer writes: any
    // other becomes one, disabled, so that no text field or button can be made.
    let input: HashMap<&str, &str> = [("type", "checkbox"), ("disabled", "")].into_iter().collect();
    Builder::empty()
        .tags(TAGS.iter().copied().collect())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(tag_attributes)
        .set_tag_attribute_values([("input", input)].into_iter().collect())
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .url_relative(UrlRelative::Custom(Box::new(ResolveWith(resolve))))
        .filter_style_properties(["text-align"].into_iter().collect())
        .attribute_filter(safe_attribute)
        .link_rel(None)
        .clean(html)
        .to_string()
}

/// The caller's rule for relative URLs, as ammonia asks for it.
struct ResolveWith<F>(F);

impl<'a, F: Fn(&str) -> Option<String> + Send + Sync + 'a> UrlRelativeEvaluate<'a> for ResolveWith<F> {
    fn evaluate<'url>(&self, url: &'url str) -> Option<Cow<'url, str>> {
        (self.0)(url).map(Cow::Owned)
    }
}

/// An `id` or `class` that could not be mistaken for anything but a name (see
/// [`is_safe_id`], [`is_safe_class`]); other attributes as they are.
fn safe_attribute<'a>(_element: &str, attribute: &str, value: &'a str) -> Option<Cow<'a, str>> {
    match attribute {
        "id" => is_safe_id(value).then_some(Cow::Borrowed(value)),
        "class" => {
            let words: Vec<&str> = value.split_ascii_whitespace().filter(|w| is_safe_class(w)).collect();
            (!words.is_empty()).then(|| Cow::Owned(words.join(" ")))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

/// An id an author may give a heading or an element: ASCII letters, digits, `-`, `_`
/// and `.`, starting with a letter or a digit (`faq`, `step-2`, `v4.2`). The ids the
/// renderer makes from heading texts are of this form too.
pub(super) fn is_safe_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// One class name: ASCII letters, digits, `-` and `_`, starting with a letter (`note`,
/// `footnote-reference`).
pub(super) fn is_safe_class(class: &str) -> bool {
    class.starts_with(|c: char| c.is_ascii_alphabetic())
        && class.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(html: &str) -> String {
        sanitize(html, |url| Some(format!("https://x.example/{url}")))
    }

    #[test]
    fn script_vectors_are_removed() {
        let html = clean(
            "<a href=\"javascript:alert(1)\">a</a><img src=x onerror=alert(2)><svg onload=alert(3)></svg>\
             <a href=\" jav&#x09;ascript:alert(4)\">b</a><iframe src=\"https://e.example/\"></iframe>\
             <script>alert(5)</script><form action=\"javascript:alert(6)\"><button formaction=\"javascript:alert(7)\">c</button></form>\
             <a href=\"vbscript:x\">d</a><img src=\"data:image/svg+xml,x\"><p style=\"color:red\" onclick=\"x()\">e</p>",
        );
        for bad in ["javascript", "vbscript", "data:", "onerror", "onload", "onclick", "<svg", "<iframe", "<script"] {
            assert!(!html.to_ascii_lowercase().contains(bad), "{bad} in {html}");
        }
        for bad in ["alert(5)", "<form", "<button", "style="] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains("<img src=\"https://x.example/x\">"), "{html}");
        assert!(html.contains(">a</a>") && html.contains(">b</a>") && html.contains("<p>e</p>"), "{html}");
    }

    #[test]
    fn what_authors_and_the_renderer_write_is_kept() {
        let input = "<details open=\"\"><summary>More</summary><p>Press <kbd>Ctrl</kbd>, x<sup>2</sup> \
             <a href=\"https://d.example/\" title=\"Docs\">docs</a> <a href=\"mailto:a@x.example\">mail</a></p></details>\
             <table><thead><tr><th style=\"text-align: center\">A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>\
             <ul><li><input disabled=\"\" type=\"checkbox\" checked=\"\">done</li></ul>\
             <h2 id=\"rollout-plan\" class=\"note\">R</h2>";
        let html = clean(input);
        for kept in [
            "<details open=\"\"><summary>More</summary>",
            "<kbd>Ctrl</kbd>",
            "<sup>2</sup>",
            "<a href=\"https://d.example/\" title=\"Docs\">docs</a>",
            "<a href=\"mailto:a@x.example\">mail</a>",
            "<th style=\"text-align:center\">A</th>",
            "<td>1</td>",
            "type=\"checkbox\"",
            "checked=\"\"",
            "<h2 id=\"rollout-plan\" class=\"note\">R</h2>",
        ] {
            assert!(html.contains(kept), "{kept} in {html}");
        }
    }

    #[test]
    fn an_input_can_only_be_a_disabled_check_box() {
        let html = clean("<input type=\"password\" name=\"p\" value=\"x\">");
        assert!(html.contains("type=\"checkbox\"") && html.contains("disabled"), "{html}");
        assert!(!html.contains("password") && !html.contains("value="), "{html}");
    }

    #[test]
    fn ids_and_classes_only_in_a_safe_form() {
        let html = clean("<p id=\"a b\" class=\"ok x&quot;y 9z\">t</p><span id=\"v4.2\" class=\"!\">u</span>");
        assert_eq!(html, "<p class=\"ok\">t</p><span id=\"v4.2\">u</span>");
        for id in ["faq", "step-2", "v4.2", "2026", "a_b"] {
            assert!(is_safe_id(id), "{id}");
        }
        for id in ["", "-a", "a b", "a\"", "<", "a:b", "é"] {
            assert!(!is_safe_id(id), "{id}");
        }
        for class in ["note", "footnote-reference", "a_b", "x2"] {
            assert!(is_safe_class(class), "{class}");
        }
        for class in ["", "2x", "-a", "a.b", "a\"", "on=x"] {
            assert!(!is_safe_class(class), "{class}");
        }
    }

    #[test]
    fn relative_urls_are_resolved_by_the_caller() {
        let html = sanitize("<a href=\"../x/\">a</a><a href=\"#top\">b</a><img src=\"drop.png\">", |url| {
            (!url.ends_with(".png")).then(|| format!("https://x.example/r/{url}"))
        });
        assert_eq!(html, "<a href=\"https://x.example/r/../x/\">a</a><a href=\"https://x.example/r/#top\">b</a><img>");
    }
}
