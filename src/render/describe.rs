//! Plain words for readers, made from the model: a page's description (for search
//! results and sharing cards), when an unpublished release is planned, and a window's
//! span written the way people write it ("10 November 2026, 18:00–19:00 CET").

use super::context::{date_view, DateView};
use crate::config::SiteConfig;
use crate::model::{Release, Status};
use jiff::Timestamp;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;

/// The longest description, in characters: what search results and sharing cards show.
const DESCRIPTION_MAX: usize = 200;

/// Markdown as one line of plain text (no markup, no HTML), cut at a word near
/// [`DESCRIPTION_MAX`] characters. Raw HTML in the source is dropped, not shown.
pub(super) fn plain_text(markdown: &str) -> String {
    // Most summaries are words, code and strong words: no parser needed.
    let text = super::markdown::simple_plain_text(markdown).unwrap_or_else(|| plain_words(markdown, false));
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    for word in words {
        if out.chars().count() + word.chars().count() + 1 > DESCRIPTION_MAX {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Markdown as plain text, every word of it (no markup): what the search index holds of
/// a text. Raw HTML in the source is dropped, or kept as words when `raw_html_as_text`
/// (as a page shows it when the site does not allow raw HTML).
pub(super) fn plain_words(markdown: &str, raw_html_as_text: bool) -> String {
    let mut text = String::new();
    let space = |text: &mut String| {
        if !text.is_empty() && !text.ends_with(' ') {
            text.push(' ');
        }
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::Html(t) | Event::InlineHtml(t) if raw_html_as_text => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Start(Tag::Item) | Event::End(TagEnd::Paragraph) => {
                space(&mut text)
            }
            _ => {}
        }
    }
    text
}

/// A release that is not public yet: whether it is still in review (or a draft), and
/// when it is planned to go out.
#[derive(Serialize, Clone)]
pub(super) struct Planned {
    /// `draft`, `review` or `approved`.
    pub status: &'static str,
    pub publish_at: DateView,
}

impl Planned {
    pub(super) fn of(release: &Release, config: &SiteConfig) -> Self {
        let status = match release.status {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Approved => "approved",
        };
        Planned { status, publish_at: date_view(release.publish_at, config) }
    }
}

/// From `start` to `end`, without saying the day twice when both fall on the same local
/// day in the same zone abbreviation.
pub(super) fn window_span(start: Timestamp, end: Timestamp, config: &SiteConfig) -> String {
    let (s, e) = (date_view(start, config), date_view(end, config));
    let zone = |ts: Timestamp| config.tz.to_offset_info(ts).abbreviation().to_ascii_uppercase();
    if s.date == e.date && zone(start) == zone(end) {
        let hm = |ts: Timestamp| config.tz.to_datetime(ts).strftime("%H:%M").to_string();
        format!("{}, {}–{} {}", s.date, hm(start), hm(end), zone(start))
    } else {
        format!("{} to {}", s.datetime, e.datetime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(tz: &str) -> SiteConfig {
        let toml = format!("title = \"T\"\nbase_url = \"https://x.example/\"\ntimezone = \"{tz}\"\n");
        SiteConfig::parse(&toml).unwrap()
    }

    /// Texts of words, code and strong words, and near misses, made plain without the
    /// parser and with it.
    #[test]
    fn simple_texts_are_made_plain_as_the_parser_would() {
        let pieces = [
            "Fee",
            "`payout`",
            "**notice**",
            "**notice**.",
            "a",
            "1.",
            "(see",
            "*a*",
            "**a b**",
            "`a b`",
            "_a_",
            "-",
            "#",
            "&amp;",
            "<b>",
            "[a]",
            "\\*",
            "Ünï",
            "",
        ];
        let mut seed = 11u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut direct = 0;
        for _ in 0..20_000 {
            let text = (0..1 + next(8)).map(|_| pieces[next(pieces.len())]).collect::<Vec<_>>().join(" ");
            if let Some(plain) = crate::render::markdown::simple_plain_text(&text) {
                direct += 1;
                let parsed = plain_words(&text, false);
                assert_eq!(
                    plain.split_whitespace().collect::<Vec<_>>(),
                    parsed.split_whitespace().collect::<Vec<_>>(),
                    "{text:?}"
                );
            }
        }
        assert!(direct > 1000, "{direct}");
    }

    #[test]
    fn descriptions_are_plain_text() {
        let cases = [
            ("Settlement **in hours**, not `days`.", "Settlement in hours, not days."),
            ("One\nline.\n\n- a\n- b", "One line. a b"),
            ("[Read](https://x.example/) <b>raw</b> &amp; more", "Read raw & more"),
            ("", ""),
        ];
        for (markdown, plain) in cases {
            assert_eq!(plain_text(markdown), plain, "{markdown}");
        }
        let long = "word ".repeat(100);
        let cut = plain_text(&long);
        assert!(cut.chars().count() <= DESCRIPTION_MAX + 1 && cut.ends_with("word…"), "{cut}");
    }

    #[test]
    fn a_same_day_window_says_its_day_once() {
        let paris = config("Europe/Paris");
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let cases = [
            ("2026-11-10T17:00:00Z", "2026-11-10T18:00:00Z", "10 November 2026, 18:00–19:00 CET"),
            (
                "2026-11-10T22:00:00Z",
                "2026-11-11T01:00:00Z",
                "10 November 2026, 23:00 CET to 11 November 2026, 02:00 CET",
            ),
            // The clocks change on the night of 25 October 2026: two abbreviations, said both.
            (
                "2026-10-25T00:00:00Z",
                "2026-10-25T02:00:00Z",
                "25 October 2026, 02:00 CEST to 25 October 2026, 03:00 CET",
            ),
        ];
        for (start, end, text) in cases {
            assert_eq!(window_span(at(start), at(end), &paris), text, "{start}");
        }
    }
}
