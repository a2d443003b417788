//! Markdown → HTML, with raw HTML escaped and with it allowed: whatever the text, the
//! HTML, parsed as a browser parses it, has no `on*` attribute, no URL attribute whose
//! scheme is `javascript:`, `vbscript:` or `data:`, and no element that runs or embeds
//! code (`<script>`, `<iframe>`, `<svg>`, `<form>`…).
#![no_main]

use libfuzzer_sys::fuzz_target;
use scraper::{ElementRef, Html};

/// Elements that run a script, embed another document or send a form.
const CODE_ELEMENTS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "svg", "math", "base", "meta",
    "link", "style", "template",
];

/// Attributes whose value a browser follows as a URL.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction", "xlink:href", "poster", "data", "background"];

fuzz_target!(|data: &[u8]| {
    for html in communique::fuzz::markdown_html(data) {
        if let Some(problem) = script_vector(&html) {
            panic!("{problem}\ninput: {:?}\nhtml: {html}", String::from_utf8_lossy(data));
        }
    }
});

/// The first place in `html` where a script could run, if any.
fn script_vector(html: &str) -> Option<String> {
    let fragment = Html::parse_fragment(html);
    for element in fragment.root_element().descendants().filter_map(ElementRef::wrap) {
        let tag = element.value().name();
        if CODE_ELEMENTS.contains(&tag) {
            return Some(format!("a <{tag}> element"));
        }
        for (name, value) in element.value().attrs() {
            // The parser lowercases attribute names, and has decoded entities in values.
            if name.starts_with("on") {
                return Some(format!("<{tag} {name}=…>"));
            }
            if URL_ATTRIBUTES.contains(&name) && is_script_url(value) {
                return Some(format!("<{tag} {name}={value:?}>"));
            }
        }
    }
    None
}

/// How a browser reads a URL's scheme: leading spaces and control characters skipped,
/// tabs and line breaks anywhere ignored, letters in any case.
fn is_script_url(url: &str) -> bool {
    let scheme: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"].iter().any(|s| scheme.starts_with(s))
}
