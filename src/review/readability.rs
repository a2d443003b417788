//! Reading ease: words, sentences and syllables of a communique's prose, and its
//! Flesch score.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Word, sentence and syllable counts of some prose, for the Flesch reading ease.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Readability {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
}

impl Readability {
    /// Counts over Markdown texts, read as plain text (see [`plain_text`]). A word is a
    /// whitespace-separated token with a letter or digit in it. A sentence ends at a word
    /// ending in `.`, `!`, `?` or `…` (closing quotes and brackets aside), and at the end
    /// of each paragraph, list item, heading or table cell: an access entry such as
    /// "EU and US regions" counts as a sentence.
    pub(crate) fn of(markdown: &[&str]) -> Readability {
        let mut counts = Readability::default();
        for piece in markdown.iter().flat_map(|m| plain_text(m)) {
            let words: Vec<&str> = piece.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).collect();
            let Some(last) = words.last() else { continue };
            counts.words += words.len();
            counts.syllables += words.iter().map(|w| word_syllables(w)).sum::<usize>();
            counts.sentences += words.iter().filter(|w| ends_sentence(w)).count();
            if !ends_sentence(last) {
                counts.sentences += 1;
            }
        }
        counts
    }

    /// Flesch reading ease, `206.835 − 1.015 × words/sentences − 84.6 × syllables/words`,
    /// rounded to one decimal: 60–70 is plain English, below 30 is hard going. `None`
    /// without words.
    pub(crate) fn ease(&self) -> Option<f64> {
        if self.words == 0 || self.sentences == 0 {
            return None;
        }
        let (w, s, y) = (self.words as f64, self.sentences as f64, self.syllables as f64);
        let ease = 206.835 - 1.015 * (w / s) - 84.6 * (y / w);
        Some((ease * 10.0).round() / 10.0)
    }
}

fn ends_sentence(word: &str) -> bool {
    let word = word.trim_end_matches(['"', '\'', '”', '’', ')', ']', '*', '_']);
    word.ends_with(['.', '!', '?', '…'])
}

/// Markdown as plain text, one string per paragraph, list item, heading or table cell:
/// emphasis, links and inline code keep their text; code blocks, images and raw HTML
/// are dropped.
pub(crate) fn plain_text(markdown: &str) -> Vec<String> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut skipping = 0usize;
    let mut flush = |current: &mut String| {
        let text = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            pieces.push(text);
        }
        current.clear();
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. } | Tag::HtmlBlock) => skipping += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Image | TagEnd::HtmlBlock) => skipping = skipping.saturating_sub(1),
            _ if skipping > 0 => {}
            Event::Text(t) | Event::Code(t) => current.push_str(&t),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::Start(
                Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Superscript | Tag::Subscript | Tag::Link { .. },
            )
            | Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link,
            ) => {}
            Event::Start(_) | Event::End(_) | Event::Rule => flush(&mut current),
            _ => {}
        }
    }
    flush(&mut current);
    pieces
}

/// Syllables of a word token: the sum over its runs of letters (`refund.settled` is
/// `refund` + `settled`; apostrophes are dropped, so `don't` is one run); a token without
/// letters (`2026`, `1,000`) counts as one.
fn word_syllables(token: &str) -> usize {
    let letters: String = token.chars().filter(|c| !matches!(c, '\'' | '’')).collect();
    let total: usize = letters.split(|c: char| !c.is_alphabetic()).filter(|r| !r.is_empty()).map(syllables).sum();
    total.max(1)
}

/// An estimate of the syllables of an English word, good enough for a readability score:
/// groups of vowels (`y` counts after the first letter), less a silent final `e`
/// (`make`, but not `table`), and `-ed`/`-es` endings that add no syllable (`jumped`,
/// `makes`, but not `wanted`, `boxes`, `settled`). At least one.
pub(crate) fn syllables(word: &str) -> usize {
    let w: Vec<char> = word.to_lowercase().chars().filter(|c| c.is_alphabetic()).collect();
    let n = w.len();
    if n == 0 {
        return 0;
    }
    let vowel = |i: usize| "aeiouàáâäèéêëìíîïòóôöùúûü".contains(w[i]) || (w[i] == 'y' && i > 0);
    let mut count = 0;
    for i in 0..n {
        if vowel(i) && (i == 0 || !vowel(i - 1)) {
            count += 1;
        }
    }
    // `-le` after a consonant is a syllable of its own: table, little, settled, tables.
    let consonant_le = |l: usize| l >= 1 && w[l] == 'l' && !vowel(l - 1) && w[l - 1] != 'l';
    if count > 1 {
        let silent = if w[n - 1] == 'e' && !vowel(n - 2) {
            !consonant_le(n - 2)
        } else if n >= 4 && w[n - 1] == 'd' && w[n - 2] == 'e' && !vowel(n - 3) {
            !matches!(w[n - 3], 'd' | 't') && !consonant_le(n - 3)
        } else if n >= 4 && w[n - 1] == 's' && w[n - 2] == 'e' && !vowel(n - 3) {
            let sibilant =
                matches!(w[n - 3], 's' | 'x' | 'z' | 'c' | 'g') || (w[n - 3] == 'h' && matches!(w[n - 4], 'c' | 's'));
            !sibilant && !consonant_le(n - 3)
        } else {
            false
        };
        if silent {
            count -= 1;
        }
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_of_common_words() {
        let cases = [
            ("the", 1),
            ("cat", 1),
            ("you", 1),
            ("make", 1),
            ("makes", 1),
            ("whole", 1),
            ("jumped", 1),
            ("called", 1),
            ("roles", 1),
            ("types", 1),
            ("table", 2),
            ("tables", 2),
            ("settled", 2),
            ("wanted", 2),
            ("boxes", 2),
            ("changes", 2),
            ("refund", 2),
            ("payments", 2),
            ("reading", 2),
            ("people", 2),
            ("approved", 2),
            ("customers", 3),
            ("instantly", 3),
            ("settlement", 3),
            ("every", 3),
            ("invoices", 3),
            ("enabled", 3),
            ("available", 4),
            ("Refunds", 2),
        ];
        for (word, expected) in cases {
            assert_eq!(syllables(word), expected, "{word}");
        }
        assert_eq!(syllables(""), 0);
        assert_eq!(word_syllables("2026"), 1);
        assert_eq!(word_syllables("refund.settled"), 4);
        assert_eq!(word_syllables("don't"), 1);
        assert_eq!(word_syllables("(instantly)."), 3);
    }

    #[test]
    fn flesch_reading_ease() {
        // 6 words, 1 sentence, 6 syllables: 206.835 − 6.09 − 84.6.
        let simple = Readability::of(&["The cat sat on the mat."]);
        assert_eq!(simple, Readability { words: 6, sentences: 1, syllables: 6 });
        assert_eq!(simple.ease(), Some(116.1));
        // A paragraph without a full stop is a sentence; so is each list item.
        let pieces = Readability::of(&["EU and US regions", "- One item\n- Another item."]);
        assert_eq!(pieces.sentences, 3);
        assert_eq!(Readability::of(&["", "`→`"]).ease(), None);
    }

    #[test]
    fn markdown_is_read_as_plain_text() {
        let text = "## Before *your* shift\n\n1. Read [runbook RB-214](https://x.example/).\n2. Ask `#support`.\n\n\
                    ```\ncode is not prose\n```\n\n![a logo](logo.png) <b>raw</b>\n";
        assert_eq!(
            plain_text(text),
            ["Before your shift", "Read runbook RB-214.", "Ask #support.", "raw"].map(String::from)
        );
    }
}
