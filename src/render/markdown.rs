//! Markdown → HTML with pulldown-cmark: GFM tables, strikethrough, task lists, footnotes,
//! heading ids; raw HTML escaped unless the site allows it, and sanitized when it does
//! ([`super::raw_html`]); dangerous URL schemes neutralised always; of a heading's
//! `{#id .class key=value}` attributes only a safe id and safe classes kept; relative
//! links made absolute — `/groups/x/` against the site's `base_url`, `../x/` against
//! the page the text belongs to — so that the same HTML works on a page, in a feed
//! reader and in an e-mail. The preview server keeps each text's HTML from one build to
//! the next ([`Kept`]).

use super::raw_html::{self, is_safe_class, is_safe_id};
use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::cell::{Cell, OnceCell};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

pub(crate) struct Markdown {
    unsafe_html: bool,
    base_url: String,
    /// The preview's: the HTML earlier builds made.
    kept: OnceLock<Arc<Kept>>,
}

/// Texts' HTML kept from one preview build to the next, by the fingerprint of all it is
/// made from (the text, the URL of the page it belongs to, the site's `base_url`, and
/// whether raw HTML is allowed), so that a template edit, which makes every release page
/// again, renders no Markdown again, and an edit renders only the texts it changed.
#[derive(Default)]
pub(crate) struct Kept {
    /// The last build's, read-only while this one runs.
    previous: crate::fingerprint::FastMap<u64, Arc<str>>,
    /// The texts this build used, kept or made.
    used: Mutex<crate::fingerprint::FastMap<u64, Arc<str>>>,
}

impl Kept {
    pub(crate) fn new(previous: crate::fingerprint::FastMap<u64, Arc<str>>) -> Self {
        Kept { previous, used: Mutex::default() }
    }

    /// What the next build may use: what this one used and, unless it used at least half
    /// of what it was given (a build that makes most pages), the rest too. Texts edited or
    /// deleted since are dropped by the next build that makes most pages, not kept forever.
    pub(crate) fn finish(self) -> crate::fingerprint::FastMap<u64, Arc<str>> {
        let mut used = self.used.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        if used.len() * 2 < self.previous.len() {
            for (key, html) in self.previous {
                used.entry(key).or_insert(html);
            }
        }
        used
    }

    /// The HTML under `key`: the last build's, this build's, or made now with `make`.
    fn get_or_make(&self, key: u64, make: impl FnOnce() -> String) -> String {
        let lock = || self.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(html) = self.previous.get(&key) {
            lock().insert(key, Arc::clone(html));
            return html.to_string();
        }
        if let Some(html) = lock().get(&key) {
            return html.to_string();
        }
        let html = make();
        lock().insert(key, html.as_str().into());
        html
    }
}

impl Markdown {
    pub(crate) fn new(unsafe_html: bool, base_url: &str) -> Self {
        Markdown { unsafe_html, base_url: base_url.to_string(), kept: OnceLock::new() }
    }

    /// Takes HTML from, and leaves it in, `kept` (the preview server's, across builds).
    pub(crate) fn keep_in(&self, kept: Arc<Kept>) {
        let _ = self.kept.set(kept);
    }

    /// A whole text: paragraphs, lists, tables…, with links relative to the site root.
    pub(crate) fn block(&self, text: &str) -> String {
        self.block_in(text, &self.base_url)
    }

    /// A short text, with links relative to the site root; see [`Markdown::inline_in`].
    pub(crate) fn inline(&self, text: &str) -> String {
        self.inline_in(text, &self.base_url)
    }

    /// A whole text that belongs to the page at `page_url`: its relative links are
    /// resolved against that page.
    pub(crate) fn block_in(&self, text: &str, page_url: &str) -> String {
        if text.trim().is_empty() {
            return String::new();
        }
        match self.kept.get() {
            Some(kept) => {
                let key = crate::fingerprint::of((text, page_url, &self.base_url, self.unsafe_html));
                kept.get_or_make(key, || self.render_block(text, page_url))
            }
            None => self.render_block(text, page_url),
        }
    }

    fn render_block(&self, text: &str, page_url: &str) -> String {
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_HEADING_ATTRIBUTES;
        // Most texts have no relative link: parse the page's URL only for the first one.
        let page = PageUrl::new(page_url);
        // Raw HTML kept: the whole text is sanitized once it is written.
        let has_raw_html = Cell::new(false);
        let events = Parser::new_ext(text, options).map(|e| {
            let e = self.make_safe(e, &page);
            if matches!(e, Event::Html(_) | Event::InlineHtml(_)) {
                has_raw_html.set(true);
            }
            e
        });
        let mut out = String::with_capacity(text.len() * 3 / 2);
        // A heading needs a `#` or, underlined, a second line: without either, nothing
        // needs an id and the events can be written as they come.
        if text.contains(['#', '\n', '\r']) {
            html::push_html(&mut out, with_heading_ids(events.collect()).into_iter());
        } else {
            html::push_html(&mut out, events);
        }
        if has_raw_html.get() {
            // Relative URLs in the raw HTML resolve as the Markdown links do; those are
            // absolute by now and left alone.
            let base_url = self.base_url.as_str();
            out = raw_html::sanitize(&out, move |url| {
                let absolute = absolute_url(base_url, CowStr::Borrowed(url), &PageUrl::new(page_url));
                (!is_dangerous_url(&absolute)).then(|| absolute.to_string())
            });
        }
        out
    }

    /// A short text shown inside a sentence or a list item: a single paragraph loses
    /// its `<p>`.
    pub(crate) fn inline_in(&self, text: &str, page_url: &str) -> String {
        if is_plain_words(text) {
            return text.to_string();
        }
        if let Some(html) = simple_inline(text) {
            return html;
        }
        let mut html = self.block_in(text, page_url);
        let end = html.trim_end().len();
        let single_paragraph = end >= "<p></p>".len()
            && html[..end].starts_with("<p>")
            && html[..end].ends_with("</p>")
            && !html[3..end - 4].contains("<p>");
        if single_paragraph {
            // Unwrapped in place: these short texts are many, a copy of each adds up.
            html.truncate(end - 4);
            html.replace_range(..3, "");
        }
        html
    }

    fn make_safe<'a>(&self, event: Event<'a>, page: &PageUrl) -> Event<'a> {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) if !self.unsafe_html => Event::Text(raw),
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                Event::Start(Tag::Link { link_type, dest_url: self.safe_url(dest_url, page), title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                Event::Start(Tag::Image { link_type, dest_url: self.safe_url(dest_url, page), title, id })
            }
            // `# Notes {#notes .wide}`: a safe id and safe classes are kept, any other
            // attribute (`onfocus=…`, `autofocus`, `style=…`) is dropped. A heading
            // whose id is not safe gets one made from its text, as if it had none.
            Event::Start(Tag::Heading { level, id, mut classes, attrs: _ }) => {
                classes.retain(|c| is_safe_class(c));
                Event::Start(Tag::Heading { level, id: id.filter(|id| is_safe_id(id)), classes, attrs: Vec::new() })
            }
            other => other,
        }
    }

    fn safe_url<'a>(&self, url: CowStr<'a>, page: &PageUrl) -> CowStr<'a> {
        if is_dangerous_url(&url) {
            return CowStr::Borrowed("#");
        }
        absolute_url(&self.base_url, url, page)
    }
}

/// `url` made absolute: `/x` against the site's `base_url`, `x` and `../x` against the
/// page. In-page anchors and URLs with a scheme (`https:`, `mailto:`) stay as written.
fn absolute_url<'a>(base_url: &str, url: CowStr<'a>, page: &PageUrl) -> CowStr<'a> {
    if url.starts_with('/') && !url.starts_with("//") {
        return CowStr::Boxed(format!("{}{}", base_url, &url[1..]).into_boxed_str());
    }
    let has_scheme = url.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if url.is_empty() || url.starts_with('#') || url.starts_with("//") || has_scheme {
        return url;
    }
    match page.parsed().and_then(|p| p.join(&url).ok()) {
        Some(absolute) => CowStr::Boxed(absolute.to_string().into_boxed_str()),
        None => url,
    }
}

/// Words and ordinary punctuation on one line (`From 5 January`, `All regions`): no
/// Markdown and nothing to escape, so the text is its own inline HTML. Short texts
/// like these are many, and skipping the parser for them is worth the check.
fn is_plain_words(text: &str) -> bool {
    let ordinary =
        |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b' ' | b',' | b'.' | b';' | b'?' | b'%' | b'(' | b')');
    text.starts_with(|c: char| c.is_ascii_alphabetic()) && !text.ends_with(' ') && text.bytes().all(|b| ordinary(&b))
}

/// The inline HTML of a one-line text of words, `` `code` `` and `**strong**` words
/// (`Fee rollout `payout` **notice** refund.`), written directly: summaries and values
/// are mostly like this, and the parser costs more than the rest of rendering them.
/// None for anything else, which the parser renders. Words are separated by single
/// spaces; a code or strong word holds letters and digits only, and only closing
/// punctuation may follow it.
fn simple_inline(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    // A text that starts with a digit or punctuation could start a list or a heading.
    if !bytes.first().is_some_and(|&b| b.is_ascii_alphabetic() || b == b'`' || b == b'*') {
        return None;
    }
    let mut html = String::with_capacity(text.len() + 64);
    // What of `text` is in `html` already: the words between spans are copied in one piece.
    let mut copied = 0;
    let mut at = 0;
    loop {
        at = match span_at(bytes, at) {
            Some((delimiter, tags)) => {
                let inner = at + delimiter.len();
                let end = inner + bytes[inner..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
                if end == inner || !bytes[end..].starts_with(delimiter) {
                    return None;
                }
                for part in [&text[copied..at], tags.0, &text[inner..end], tags.1] {
                    html.push_str(part);
                }
                copied = end + delimiter.len();
                copied + bytes[copied..].iter().take_while(|&&b| is_closing_punctuation(b)).count()
            }
            None => at + bytes[at..].iter().take_while(|&&b| is_plain_byte(b)).count(),
        };
        match bytes.get(at) {
            None => break,
            // One space, then another word.
            Some(b' ') if bytes.get(at + 1).is_some_and(|&b| b != b' ') => at += 1,
            Some(_) => return None,
        }
    }
    html.push_str(&text[copied..]);
    Some(html)
}

/// The words of a text that [`simple_inline`] writes, without its `` ` `` and `**`
/// marks: the text a parser's events of it carry. None for any other text. In such a
/// text, those marks are all the backticks and asterisks there are.
pub(crate) fn simple_plain_text(text: &str) -> Option<String> {
    simple_inline(text)?;
    Some(text.replace(['`', '*'], ""))
}

/// The delimiter and tags of the code or strong word starting at `at`, if one does.
fn span_at(bytes: &[u8], at: usize) -> Option<(&'static [u8], (&'static str, &'static str))> {
    match &bytes[at..] {
        [b'`', ..] => Some((b"`", ("<code>", "</code>"))),
        [b'*', b'*', ..] => Some((b"**", ("<strong>", "</strong>"))),
        _ => None,
    }
}

fn is_closing_punctuation(b: u8) -> bool {
    matches!(b, b',' | b'.' | b';' | b'?' | b')')
}

fn is_plain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b',' | b'.' | b';' | b'?' | b'%' | b'(' | b')')
}

/// The page a text belongs to, its URL parsed when a relative link first needs it.
struct PageUrl<'u> {
    text: &'u str,
    parsed: OnceCell<Option<url::Url>>,
}

impl<'u> PageUrl<'u> {
    fn new(text: &'u str) -> Self {
        PageUrl { text, parsed: OnceCell::new() }
    }

    fn parsed(&self) -> Option<&url::Url> {
        self.parsed.get_or_init(|| url::Url::parse(self.text).ok()).as_ref()
    }
}

/// `javascript:`, `vbscript:` and `data:` run code or smuggle content; browsers ignore
/// whitespace, control characters and case in the scheme, so do we.
pub(crate) fn is_dangerous_url(url: &str) -> bool {
    // Every link is checked: compare the first letters in place rather than collect them.
    let mut scheme = ['\0'; 12];
    let letters = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).map(|c| c.to_ascii_lowercase());
    let len = scheme.iter_mut().zip(letters).map(|(slot, c)| *slot = c).count();
    let scheme = &scheme[..len];
    ["javascript:", "vbscript:", "data:"].iter().any(|s| s.len() <= len && s.chars().zip(scheme).all(|(a, b)| a == *b))
}

/// Gives every heading without an explicit `{#id}` an id from its text, unique in the text.
fn with_heading_ids(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut used: HashSet<String> = HashSet::new();
    // The next suffix to try per base id: without it, n headings with the same text
    // would cost n² tries (100,000 `# Notes` would take minutes).
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = crate::slug::slugify(&text);
            let mut id = base.clone();
            let n = next_suffix.entry(base.clone()).or_insert(1);
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                *n += 1;
            }
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::Boxed(id.into_boxed_str()));
            }
        } else if let Event::Start(Tag::Heading { id: Some(id), .. }) = &events[i] {
            used.insert(id.to_string());
        }
        i += 1;
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md() -> Markdown {
        Markdown::new(false, "https://x.example/")
    }

    #[test]
    fn gfm_extensions() {
        let html =
            md().block("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n\nNote[^1]\n\n[^1]: Footnote.\n");
        for expected in ["<table>", "<del>old</del>", "type=\"checkbox\"", "footnote"] {
            assert!(html.contains(expected), "{expected} in {html}");
        }
    }

    #[test]
    fn heading_ids_are_unique() {
        let html = md().block("# Rollout plan\n\n## Rollout plan\n\n## Custom {#mine}\n");
        assert!(html.contains("<h1 id=\"rollout-plan\">"), "{html}");
        assert!(html.contains("<h2 id=\"rollout-plan-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"mine\">"), "{html}");
    }

    #[test]
    fn heading_attributes_keep_only_a_safe_id_and_safe_classes() {
        for unsafe_html in [false, true] {
            let m = Markdown::new(unsafe_html, "https://x.example/");
            let html = m.block(
                "# Notes {tabindex=1 autofocus onfocus=alert(1)}\n\n\
                 ## Plan {#faq .wide .x\"y onmouseover=alert(2) style=color:red}\n\n\
                 ## Steps {#bad\"id .2x}\n\n\
                 Underlined {onclick=alert(3)}\n---\n",
            );
            assert!(html.contains("<h1 id=\"notes\">Notes</h1>"), "{html}");
            assert!(html.contains("<h2 id=\"faq\" class=\"wide\">Plan</h2>"), "{html}");
            assert!(html.contains("<h2 id=\"steps\">Steps</h2>"), "an unsafe id is made from the text: {html}");
            assert!(html.contains("<h2 id=\"underlined\">Underlined</h2>"), "{html}");
            for bad in ["onfocus", "autofocus", "tabindex", "onmouseover", "onclick", "style", "alert"] {
                assert!(!html.contains(bad), "{bad} (unsafe_html = {unsafe_html}): {html}");
            }
        }
    }

    #[test]
    fn raw_html_allowed_is_sanitized_and_markdown_survives_it() {
        let m = Markdown::new(true, "https://x.example/");
        let html = m.block_in(
            "## Plan {#plan}\n\n| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n- [x] done\n\nNote[^n]\n\n[^n]: Foot.\n\n\
             <details><summary>More</summary>\n\nPress <kbd>Ctrl</kbd> [next](../next/) <a href=\"../raw/\">raw</a>\n\n</details>\n\n\
             <a href=\"javascript:alert(1)\">js</a> <img src=x onerror=alert(2)> <svg onload=alert(3)></svg>\n\n\
             <a href=\" jav&#x09;ascript:alert(4)\">tab</a> <iframe src=\"https://e.example/\"></iframe>\n\n\
             <script>alert(5)</script>\n\n<form action=javascript:alert(6)><input type=text></form>\n",
            "https://x.example/releases/r/",
        );
        for kept in [
            "<h2 id=\"plan\">Plan</h2>",
            "<th style=\"text-align:center\">a</th>",
            "<td style=\"text-align:right\">2</td>",
            "type=\"checkbox\"",
            "<sup class=\"footnote-reference\"><a href=\"#n\">1</a></sup>",
            "<div class=\"footnote-definition\" id=\"n\">",
            "<details><summary>More</summary>",
            "<kbd>Ctrl</kbd>",
            "<a href=\"https://x.example/releases/next/\">next</a>",
            "<a href=\"https://x.example/releases/raw/\">raw</a>",
            "<img src=\"https://x.example/releases/r/x\">",
            ">js</a>",
            ">tab</a>",
        ] {
            assert!(html.contains(kept), "{kept} in {html}");
        }
        let lower = html.to_ascii_lowercase();
        for bad in
            ["javascript", "script", "onerror", "onload", "<svg", "<iframe", "<form", "type=\"text\"", "alert(5)"]
        {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let text = "<script>alert(1)</script>\n\nHi <b>there</b>";
        let escaped = md().block(text);
        assert!(!escaped.contains("<script>") && escaped.contains("&lt;script&gt;"), "{escaped}");
        assert!(!escaped.contains("<b>"));
        let allowed = Markdown::new(true, "https://x.example/").block(text);
        assert!(allowed.contains("<b>there</b>"));
        assert!(!allowed.contains("script") && !allowed.contains("alert"), "{allowed}");
    }

    #[test]
    fn dangerous_urls_are_neutralised_either_way() {
        for unsafe_html in [false, true] {
            let m = Markdown::new(unsafe_html, "https://x.example/");
            for url in [
                "javascript:alert(1)",
                "JaVaScRiPt:alert(1)",
                " java\tscript:x",
                "vbscript:x",
                "data:text/html;base64,xx",
            ] {
                let html = m.block(&format!("[a](<{url}>) ![b](<{url}>)"));
                assert!(!html.to_lowercase().contains("script:") && !html.contains("data:"), "{url}: {html}");
            }
        }
        assert!(!is_dangerous_url("https://ok.example/javascript:"));
    }

    #[test]
    fn relative_links_resolve_against_their_page() {
        let html = md().inline_in(
            "[peer](../developers/) ![logo](logo.png) [top](#top) [mail](mailto:a@x.example)",
            "https://x.example/releases/r/customers/",
        );
        assert!(html.contains("href=\"https://x.example/releases/r/developers/\""), "{html}");
        assert!(html.contains("src=\"https://x.example/releases/r/customers/logo.png\""), "{html}");
        assert!(html.contains("href=\"#top\"") && html.contains("href=\"mailto:a@x.example\""), "{html}");
    }

    #[test]
    fn plain_words_render_as_the_parser_would() {
        let m = md();
        for text in
            ["US", "All regions", "From 05 January 2021", "Admin role", "Ends 2026 (maybe), or not; ok? 50% done."]
        {
            assert!(is_plain_words(text), "{text}");
            let parsed = m.block_in(text, "https://x.example/");
            assert_eq!(parsed, format!("<p>{text}</p>\n"));
            assert_eq!(m.inline(text), text);
        }
        for text in
            ["", " US", "US ", "a  b\n", "1. x", "- x", "a *b*", "a_b_", "x & y", "a <b>", "http://x", "a\nb", "é"]
        {
            assert!(!is_plain_words(text), "{text}");
        }
    }

    /// Texts of the words, code and strong words the direct writer handles, and of the
    /// near misses it must leave to the parser, rendered both ways.
    #[test]
    fn simple_inline_texts_render_as_the_parser_would() {
        let pieces = [
            "Fee",
            "rollout",
            "`payout`",
            "**notice**",
            "**notice**.",
            "`x`,",
            "a",
            "1.",
            "2)",
            "(see",
            "50%",
            "x?",
            "",
            "**",
            "`",
            "*a*",
            "**a b**",
            "`a b`",
            "**a**b",
            "`a`b",
            "_a_",
            "a_b",
            "-",
            "#",
            "<b>",
            "&",
            "**a**)",
            "(**a**",
            "`**a**`",
            "**`a`**",
            "1",
            "Ünï",
            "a\\",
            "[a]",
            "~~a~~",
            "\\*",
        ];
        let m = md();
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut direct = 0;
        for _ in 0..20_000 {
            let text = (0..1 + next(6)).map(|_| pieces[next(pieces.len())]).collect::<Vec<_>>().join(" ");
            if let Some(html) = simple_inline(&text) {
                direct += 1;
                let parsed = m.block_in(&text, "https://x.example/");
                assert_eq!(format!("<p>{html}</p>\n"), parsed, "{text:?}");
            }
        }
        assert!(direct > 1000, "{direct}");
    }

    /// A build that keeps texts' HTML writes what one that keeps none writes, and each
    /// text is kept apart from the same words on another page or under other settings.
    #[test]
    fn kept_html_is_what_rendering_makes() {
        let texts = ["[next](../next/) and *more*", "# Notes\n\n<b>raw</b>", "Plain words", "`a` **b**"];
        let pages = ["https://x.example/releases/a/", "https://x.example/releases/b/c/"];
        let mut kept = crate::fingerprint::FastMap::default();
        for round in 0..3 {
            for unsafe_html in [false, true] {
                let plain = Markdown::new(unsafe_html, "https://x.example/");
                let keeping = Markdown::new(unsafe_html, "https://x.example/");
                let round_kept = Arc::new(Kept::new(std::mem::take(&mut kept)));
                keeping.keep_in(Arc::clone(&round_kept));
                for text in texts {
                    for page in pages {
                        assert_eq!(keeping.block_in(text, page), plain.block_in(text, page), "{round} {text} {page}");
                        assert_eq!(keeping.inline_in(text, page), plain.inline_in(text, page), "{round} {text} {page}");
                    }
                }
                drop(keeping);
                kept = Arc::try_unwrap(round_kept).ok().unwrap().finish();
                // Each text on each page, under this round's setting: the other's are
                // not used by a build that uses all of these.
                assert_eq!(kept.len(), texts.len() * pages.len(), "{:?}", kept.values().collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn a_build_that_uses_most_kept_texts_drops_the_others() {
        let md = |kept: &Arc<Kept>| {
            let md = Markdown::new(false, "https://x.example/");
            md.keep_in(Arc::clone(kept));
            md
        };
        let texts = ["*a*", "*b*", "*c*", "*d*"];
        let all = Arc::new(Kept::default());
        texts.iter().for_each(|t| drop(md(&all).block(t)));
        let all = Arc::try_unwrap(all).ok().unwrap().finish();
        assert_eq!(all.len(), 4);
        // A rebuild that makes one page keeps what it did not use.
        let few = Arc::new(Kept::new(all.clone()));
        md(&few).block("*e*");
        let few = Arc::try_unwrap(few).ok().unwrap().finish();
        assert_eq!(few.len(), 5);
        // One that makes most pages keeps only what it used: edited texts do not pile up.
        let most = Arc::new(Kept::new(few));
        texts[..3].iter().for_each(|t| drop(md(&most).block(t)));
        let most = Arc::try_unwrap(most).ok().unwrap().finish();
        assert_eq!(most.len(), 3);
    }

    #[test]
    fn root_links_become_absolute() {
        let html = md().inline("See [the group](/groups/customers/) or [docs](https://d.example/).");
        assert!(html.contains("href=\"https://x.example/groups/customers/\""), "{html}");
        assert!(html.contains("href=\"https://d.example/\""));
        assert!(!html.starts_with("<p>"));
    }
}
