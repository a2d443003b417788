//! What a front matter may cost once read: how deep its lists and mappings nest, and how
//! much text its aliases (`*name`, a copy of what `&name` marks) expand to. A small file
//! must not become a large value: 200 copies of a 1 MB anchor are 200 MB of text, and
//! every later step (checks, pages, feeds) copies that again. `load` keeps both bounds as
//! it reads; the checks here run before it, on the text alone.

use super::YamlError;
use crate::diagnostics::Pos;

/// The deepest lists and mappings may nest. Real front matter uses four or five levels.
pub(super) const MAX_DEPTH: usize = 64;
/// Aliases may expand a front matter to this many times its own size, or to
/// [`MIN_EXPANDED`] bytes, whichever is larger.
pub(super) const EXPANSION_FACTOR: usize = 10;
pub(super) const MIN_EXPANDED: usize = 1 << 20;

pub(super) fn too_deep_at(pos: Pos) -> YamlError {
    YamlError {
        pos,
        code: "yaml-syntax",
        message: format!(
            "lists and mappings nest more than {MAX_DEPTH} levels deep here; front matter needs a few at most: move what is nested this deep up to a level of its own"
        ),
    }
}

/// `1 MB`, `10.5 MB`.
pub(super) fn size_text(bytes: usize) -> String {
    let mb = bytes as f64 / (1 << 20) as f64;
    if mb.fract() == 0.0 {
        format!("{mb} MB")
    } else {
        format!("{mb:.1} MB")
    }
}

/// A YAML scanner does work in proportion to the open flow levels for every token it
/// reads, so 100,000 `[` (or `{a: `) would keep it busy long before the depth bound is
/// reached. Counting brackets, even inside quotes, is cheap and errs on the safe side:
/// no real front matter has 64 unclosed brackets.
pub(super) fn too_deep(yaml: &str) -> Option<Pos> {
    // Fewer brackets than the limit in all cannot nest past it; counting is cheaper.
    if opening_brackets(yaml.as_bytes()) <= MAX_DEPTH {
        return None;
    }
    let mut depth = 0usize;
    let (mut line, mut line_start) = (1, 0);
    for (i, b) in yaml.bytes().enumerate() {
        match b {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => (line, line_start) = (line + 1, i + 1),
            _ => {}
        }
        if depth > MAX_DEPTH {
            return Some(too_deep_at(Pos::new(line, yaml[line_start..i].chars().count() + 1)).pos);
        }
    }
    None
}

/// The first tab in a line's indentation: YAML indents with spaces only.
pub(super) fn leading_tab(yaml: &str) -> Option<YamlError> {
    if !yaml.contains('\t') {
        return None;
    }
    yaml.lines().enumerate().find_map(|(i, line)| {
        let indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        indent.find('\t').map(|col| YamlError {
            pos: Pos::new(i + 1, col + 1),
            code: "yaml-syntax",
            message: "a tab indents this line; YAML indents with spaces only, so replace the tab with spaces".into(),
        })
    })
}

/// The first character YAML does not allow in a text (control characters but tab and
/// line breaks, U+FFFE, U+FFFF), with its position. The parser would read past some.
pub(super) fn control_character(yaml: &str) -> Option<YamlError> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    if !may_hold_control_character(yaml.as_bytes()) {
        return None;
    }
    let (mut line, mut column) = (1, 1);
    for c in yaml.chars() {
        if !allowed(c) {
            return Some(YamlError {
                pos: Pos::new(line, column),
                code: "yaml-syntax",
                message: format!(
                    "invalid YAML: control characters are not allowed (U+{:04X} is here): remove it, or write it as `\\u{:04X}` inside double quotes",
                    c as u32, c as u32
                ),
            });
        }
        if c == '\n' {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    None
}

/// Whether the UTF-8 bytes may hold a character [`control_character`] refuses: an ASCII
/// control byte, or the lead byte of U+0080–U+009F (`C2`) or of U+FFFE/U+FFFF (`EF`).
/// Every front matter is screened, so this looks at bytes, not decoded characters, a
/// block at a time without stopping early (which lets the compiler test many bytes at
/// once); a rare false alarm only costs the exact look.
fn may_hold_control_character(bytes: &[u8]) -> bool {
    let suspect =
        |b: u8| (b < b' ' && b != b'\t' && b != b'\n' && b != b'\r') | (b == 0x7f) | (b == 0xc2) | (b == 0xef);
    bytes.chunks(BLOCK).any(|block| block.iter().fold(false, |found, &b| found | suspect(b)))
}

/// How many `[` and `{` the text holds, counted a block at a time as above.
fn opening_brackets(bytes: &[u8]) -> usize {
    bytes
        .chunks(BLOCK)
        .map(|block| block.iter().fold(0u8, |n, &b| n + u8::from((b == b'[') | (b == b'{'))) as usize)
        .sum()
}

/// Bytes looked at together; fewer than 256, so a block's count fits in a `u8`.
const BLOCK: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_screen_lets_through_every_refused_character() {
        for c in ['\u{0}', '\u{8}', '\u{1b}', '\u{7f}', '\u{80}', '\u{9f}', '\u{fffe}', '\u{ffff}'] {
            let yaml = format!("title: \"caf\u{e9} {c}\"\n");
            assert!(may_hold_control_character(yaml.as_bytes()), "{c:?}");
            assert!(control_character(&yaml).is_some(), "{c:?}");
        }
        for ok in ["title: caf\u{e9} \u{2014} \u{1f680}\tx\r\n", "a: \u{85}\u{a0}\u{fffd}"] {
            assert!(control_character(ok).is_none(), "{ok:?}");
        }
        assert!(!may_hold_control_character("title: caf\u{e9} \u{2014} \u{1f680}\n".as_bytes()));
    }

    #[test]
    fn brackets_are_counted_across_blocks() {
        let yaml = "a: [b, {c: d}]\n".repeat(100) + &"[".repeat(BLOCK * 2 + 3);
        assert_eq!(opening_brackets(yaml.as_bytes()), 200 + BLOCK * 2 + 3);
        assert!(too_deep(&yaml).is_some());
        assert!(too_deep(&"[a]".repeat(1000)).is_none());
    }
}
