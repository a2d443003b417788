//! Texts within a platform's limits: escape content for the platform's markup, measure it
//! the way the platform counts, and cut what is too long with a "read the rest" link to the
//! communique page — never reject it.
//!
//! A text is a list of [`Span`]s: markup we write (bold markers, line breaks, headings),
//! which is kept whole, around content from the site, which is escaped and may be cut.
//! Content is cut before it is escaped, between grapheme clusters, so that a cut never
//! splits a character, an emoji sequence, an escape (`&amp;`, `\*`) or a link: links are
//! ours and are added whole after the cut.

use unicode_segmentation::UnicodeSegmentation;

/// The markup a platform reads in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    /// Slack mrkdwn: only `&`, `<` and `>` are control characters (Slack's "Escaping text").
    SlackMrkdwn,
    /// Markdown as Discord and Mattermost read it: backslash escapes (CommonMark §2.4) for
    /// the ASCII punctuation that starts markup (`(` needs none once `[` and `]` are
    /// escaped: no link can form); Mattermost's `@` mentions are broken
    /// up by a word joiner, since its server finds `@channel` even behind a backslash.
    Markdown,
    /// The Markdown subset of Adaptive Cards' TextBlock (bold, italic, lists, links).
    CardMarkdown,
    /// No markup (Slack's `plain_text`, Discord's embed title).
    Plain,
}

/// How a platform counts a text against its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Measure {
    /// UTF-16 code units. Slack and Discord state their limits in "characters"; Discord
    /// counts code points (a Python `len`), and a UTF-16 count is never smaller than a
    /// count of code points, so a text within it is within the limit whichever way the
    /// platform counts (an emoji outside the BMP counts two).
    Utf16,
    /// Bytes of the text once written in a JSON string (serde_json escapes `"`, `\` and
    /// control characters; it writes other characters as UTF-8): Teams limits a message's
    /// size, not its characters.
    JsonBytes,
}

impl Measure {
    pub(super) fn of(self, text: &str) -> usize {
        match self {
            Measure::Utf16 => text.encode_utf16().count(),
            Measure::JsonBytes => text
                .chars()
                .map(|c| match c {
                    '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
                    c if (c as u32) < 0x20 => 6,
                    c => c.len_utf8(),
                })
                .sum(),
        }
    }
}

/// What a text is written in and how it is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Format {
    pub syntax: Syntax,
    pub measure: Measure,
}

/// The ellipsis that ends every cut text.
pub(super) const ELLIPSIS: &str = "…";
/// The words of the link that ends a cut text.
pub(super) const READ_THE_REST: &str = "Read the rest";

impl Format {
    pub(super) fn escape(self, content: &str) -> String {
        let mut out = String::with_capacity(content.len());
        for c in content.chars() {
            match (self.syntax, c) {
                (Syntax::SlackMrkdwn, '&') => out.push_str("&amp;"),
                (Syntax::SlackMrkdwn, '<') => out.push_str("&lt;"),
                (Syntax::SlackMrkdwn, '>') => out.push_str("&gt;"),
                (Syntax::Markdown, '@') => out.push_str("@\u{2060}"),
                (Syntax::Markdown, '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '<' | '>' | '#')
                | (Syntax::CardMarkdown, '\\' | '*' | '_' | '[' | ']') => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        out
    }

    /// What opens and closes bold text.
    pub(super) fn bold_mark(self) -> &'static str {
        match self.syntax {
            Syntax::SlackMrkdwn => "*",
            Syntax::Markdown | Syntax::CardMarkdown => "**",
            Syntax::Plain => "",
        }
    }

    /// Bold markup around already escaped text.
    pub(super) fn bold(self, escaped: &str) -> String {
        format!("{0}{escaped}{0}", self.bold_mark())
    }

    /// A link with our own words to a URL of the site.
    pub(super) fn link(self, url: &str, words: &str) -> String {
        match self.syntax {
            // Slack reads a link up to `|` or `>`; `&` is escaped in links too.
            Syntax::SlackMrkdwn => {
                let url = url.replace('&', "&amp;").replace('|', "%7C").replace('<', "%3C").replace('>', "%3E");
                format!("<{url}|{words}>")
            }
            Syntax::Markdown | Syntax::CardMarkdown => {
                let url = url.replace('(', "%28").replace(')', "%29").replace(' ', "%20");
                format!("[{words}]({url})")
            }
            Syntax::Plain => words.to_string(),
        }
    }

    pub(super) fn measure(self, text: &str) -> usize {
        self.measure.of(text)
    }
}

/// A piece of a text: our `before` and `after` markup, kept whole, around `content`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Span {
    pub before: String,
    pub content: String,
    pub after: String,
}

impl Span {
    pub(super) fn content(content: impl Into<String>) -> Span {
        Span { content: content.into(), ..Span::default() }
    }

    pub(super) fn markup(markup: impl Into<String>) -> Span {
        Span { before: markup.into(), ..Span::default() }
    }

    pub(super) fn around(before: impl Into<String>, content: impl Into<String>, after: impl Into<String>) -> Span {
        Span { before: before.into(), content: content.into(), after: after.into() }
    }
}

/// A text that fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fitted {
    pub text: String,
    /// Whether something was left out (the text then ends with the "read the rest" link).
    pub cut: bool,
}

/// `spans` written in `format`, within `budget` as `format` measures it. What does not fit
/// is left out; the text then ends with `…` and a "read the rest" link to `url` (only `…`
/// if `url` is empty or the format is plain).
pub(super) fn fit(spans: &[Span], budget: usize, format: Format, url: &str) -> Fitted {
    let whole: String = spans.iter().map(|s| format!("{}{}{}", s.before, format.escape(&s.content), s.after)).collect();
    if format.measure(&whole) <= budget {
        return Fitted { text: whole, cut: false };
    }
    // Plain text cannot hold a link, nor a title (no `url`): the page is linked beside it.
    let tail = format!("{ELLIPSIS} {}", format.link(url, READ_THE_REST));
    let linked = format.syntax != Syntax::Plain && !url.is_empty() && format.measure(&tail) <= budget;
    let tail = if linked { tail } else { ELLIPSIS.into() };
    let room = budget.saturating_sub(format.measure(&tail));
    let mut text = String::new();
    let mut used = 0;
    for span in spans {
        let escaped = format.escape(&span.content);
        let markup = format.measure(&span.before) + format.measure(&span.after);
        let size = markup + format.measure(&escaped);
        if used + size <= room {
            text.push_str(&span.before);
            text.push_str(&escaped);
            text.push_str(&span.after);
            used += size;
            continue;
        }
        if used + markup < room {
            let part = prefix(&span.content, room - used - markup, format);
            if !part.is_empty() {
                text.push_str(&span.before);
                text.push_str(&part);
                text.push_str(&span.after);
            }
        }
        break;
    }
    let kept = text.trim_end().len();
    text.truncate(kept);
    if budget >= format.measure(&text) + format.measure(&tail) {
        text.push_str(&tail);
    }
    Fitted { text, cut: true }
}

/// The escaped form of the longest start of `content` that measures at most `room`, ending
/// between words where a word boundary is near, else between grapheme clusters (CJK text has
/// no spaces).
fn prefix(content: &str, room: usize, format: Format) -> String {
    /// How far back (in grapheme clusters) a cut looks for a space to end on.
    const NEAR: usize = 40;
    let mut end = 0;
    let mut used = 0;
    let mut last_space: Option<(usize, usize)> = None; // (byte end, clusters counted then)
    let mut clusters = 0;
    for (at, cluster) in content.grapheme_indices(true) {
        let size = format.measure(&format.escape(cluster));
        if used + size > room {
            break;
        }
        used += size;
        clusters += 1;
        if cluster.chars().all(char::is_whitespace) {
            last_space = Some((at, clusters));
        }
        end = at + cluster.len();
    }
    if end < content.len() {
        if let Some((space, at)) = last_space {
            if clusters - at < NEAR && space > 0 {
                end = space;
            }
        }
    }
    format.escape(content[..end].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLACK: Format = Format { syntax: Syntax::SlackMrkdwn, measure: Measure::Utf16 };
    const MARKDOWN: Format = Format { syntax: Syntax::Markdown, measure: Measure::Utf16 };
    const CARD: Format = Format { syntax: Syntax::CardMarkdown, measure: Measure::JsonBytes };
    const URL: &str = "https://releases.acme.example/groups/customers/payments-2-4/";

    #[test]
    fn measures_count_what_the_platforms_count() {
        assert_eq!(Measure::Utf16.of("abc"), 3);
        assert_eq!(Measure::Utf16.of("日本"), 2);
        assert_eq!(Measure::Utf16.of("🎉"), 2);
        assert_eq!(Measure::JsonBytes.of("a\"b\n"), 6);
        assert_eq!(Measure::JsonBytes.of("é🎉\u{1}"), 2 + 4 + 6);
        let s = "x\"\\\u{1}é🎉\t";
        assert_eq!(Measure::JsonBytes.of(s), serde_json::to_string(s).unwrap().len() - 2);
    }

    #[test]
    fn slack_control_characters_are_escaped_and_nothing_else() {
        assert_eq!(SLACK.escape("a & b <!channel> *x*"), "a &amp; b &lt;!channel&gt; *x*");
    }

    #[test]
    fn markdown_is_escaped_and_mentions_broken_up() {
        assert_eq!(MARKDOWN.escape("**x** [a](b) @everyone #1"), "\\*\\*x\\*\\* \\[a\\](b) @\u{2060}everyone \\#1");
        assert_eq!(CARD.escape("*x* [a](b) #1"), "\\*x\\* \\[a\\](b) #1");
    }

    #[test]
    fn a_text_that_fits_is_whole() {
        let spans = [Span::around("*", "Title & co", "*"), Span::content(" rest")];
        assert_eq!(fit(&spans, 100, SLACK, URL), Fitted { text: "*Title &amp; co* rest".into(), cut: false });
    }

    #[test]
    fn a_long_text_is_cut_with_a_link_to_the_rest() {
        let long = "word ".repeat(2_000);
        let fitted = fit(&[Span::content(&long)], 3_000, SLACK, URL);
        assert!(fitted.cut);
        assert!(SLACK.measure(&fitted.text) <= 3_000);
        assert!(fitted.text.ends_with(&format!("word… <{URL}|Read the rest>")), "{}", &fitted.text[2900..]);
    }

    #[test]
    fn a_cut_never_splits_an_escape() {
        // Every budget from 60 to 100 ends the cut between whole `&amp;`s.
        let spans = [Span::content("&".repeat(500))];
        for budget in 60..100 {
            let fitted = fit(&spans, budget, Format { syntax: Syntax::SlackMrkdwn, measure: Measure::Utf16 }, "u");
            let cut = fitted.text.strip_suffix("… <u|Read the rest>").unwrap();
            assert!(cut.split("&amp;").all(str::is_empty), "{cut}");
            assert!(SLACK.measure(&fitted.text) <= budget);
        }
    }

    #[test]
    fn a_cut_never_splits_a_character_or_an_emoji_sequence() {
        let family = "👨\u{200d}👩\u{200d}👧";
        let text = format!("{}{}", "日本語のテキスト".repeat(300), family.repeat(300));
        for budget in [100, 2_399, 2_400, 2_401, 2_500, 2_501, 3_000] {
            let fitted = fit(&[Span::content(&text)], budget, SLACK, URL);
            assert!(SLACK.measure(&fitted.text) <= budget, "{budget}");
            let cut = fitted.text.strip_suffix(&format!("… <{URL}|Read the rest>")).unwrap();
            assert!(text.starts_with(cut));
            let rest = cut.trim_start_matches("日本語のテキスト");
            assert!(rest.split(family).all(str::is_empty) || "日本語のテキスト".starts_with(rest), "{rest}");
        }
    }

    #[test]
    fn markup_is_kept_whole_or_left_out() {
        let spans = [Span::around("**", "A title that is long", "**"), Span::content(" and more text")];
        let tail = "… [Read the rest](u)";
        let fitted = fit(&spans, MARKDOWN.measure(tail) + 12, MARKDOWN, "u");
        assert_eq!(fitted.text, format!("**A title**{tail}"));
        let fitted = fit(&spans, MARKDOWN.measure(tail) + 3, MARKDOWN, "u");
        assert_eq!(fitted.text, tail);
    }

    #[test]
    fn a_budget_smaller_than_the_link_still_holds() {
        let fitted = fit(&[Span::content("x".repeat(100))], 10, SLACK, URL);
        assert!(SLACK.measure(&fitted.text) <= 10);
        assert!(fitted.text.ends_with(ELLIPSIS));
    }
}
