//! Text layout for a terminal: aligned columns and wrapped lines, no line wider than
//! [`TEXT_WIDTH`].

use std::fmt::Write as _;

/// Text output is at most this wide.
pub(crate) const TEXT_WIDTH: usize = 120;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Right,
}

/// A text column: its header, alignment, and the width it may shrink to (its full
/// width when it must not shrink).
pub(super) struct Column {
    header: &'static str,
    align: Align,
    min: usize,
}

pub(super) const fn left(header: &'static str, min: usize) -> Column {
    Column { header, align: Align::Left, min }
}

pub(super) const fn right(header: &'static str) -> Column {
    Column { header, align: Align::Right, min: usize::MAX }
}

pub(super) fn width(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `max` characters, ending in `…` when cut.
pub(super) fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        s.to_string()
    } else if max == 0 {
        String::new()
    } else {
        let mut cut: String = s.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

/// Aligned columns two spaces apart, every line at most [`TEXT_WIDTH`] wide: while too
/// wide, the widest column that may shrink loses a character; cut cells end in `…`.
pub(super) fn table(indent: &str, columns: &[Column], rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| rows.iter().map(|r| width(&r[i])).chain([width(c.header)]).max().unwrap_or(0))
        .collect();
    let total = |widths: &[usize]| width(indent) + widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    while total(&widths) > TEXT_WIDTH {
        let shrinkable = (0..columns.len()).filter(|&i| widths[i] > columns[i].min.max(1)).max_by_key(|&i| widths[i]);
        match shrinkable {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = indent.to_string();
        for (i, (cell, c)) in cells.iter().zip(columns).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let cell = fit(cell, widths[i]);
            let pad = " ".repeat(widths[i] - width(&cell));
            match c.align {
                Align::Left => write!(out, "{cell}{pad}"),
                Align::Right => write!(out, "{pad}{cell}"),
            }
            .expect("writing to a String");
        }
        out.trim_end().to_string()
    };
    let mut lines = vec![line(columns.iter().map(|c| c.header).collect())];
    lines.extend(rows.iter().map(|r| line(r.iter().map(String::as_str).collect())));
    lines
}

/// `text` wrapped at word boundaries to [`TEXT_WIDTH`]: the first line starts with
/// `first`, the others with `rest`; a word longer than a line is cut into pieces.
pub(super) fn wrap(first: &str, rest: &str, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut fresh = true; // no word on `line` yet
    for word in text.split_whitespace() {
        if !fresh && width(&line) + 1 + width(word) > TEXT_WIDTH {
            lines.push(std::mem::replace(&mut line, rest.to_string()));
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        let mut word = word.to_string();
        while width(&line) + width(&word) > TEXT_WIDTH {
            let room = TEXT_WIDTH.saturating_sub(width(&line)).max(1);
            let head: String = word.chars().take(room).collect();
            word = word.chars().skip(room).collect();
            line.push_str(&head);
            lines.push(std::mem::replace(&mut line, rest.to_string()));
        }
        line.push_str(&word);
        fresh = word.is_empty();
    }
    if !fresh || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_fit_the_width() {
        let columns = [left("A", 4), left("B", 4), right("N")];
        let rows = vec![vec!["x".repeat(100), "y".repeat(100), "12345".into()]];
        let lines = table("  ", &columns, &rows);
        assert!(lines.iter().all(|l| width(l) <= TEXT_WIDTH), "{lines:#?}");
        assert!(lines[1].ends_with("…  12345"), "{}", lines[1]);
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let text = format!("{} {}", "word ".repeat(60), "z".repeat(300));
        let lines = wrap("  - ", "    ", &text);
        assert!(lines.iter().all(|l| width(l) <= TEXT_WIDTH), "{lines:#?}");
        let joined: String = lines.iter().map(|l| l.trim_start_matches("  - ").trim()).collect::<Vec<_>>().join(" ");
        assert_eq!(joined.matches("word").count(), 60);
        assert_eq!(joined.chars().filter(|c| *c == 'z').count(), 300);
        assert_eq!(wrap("", "", ""), [""]);
    }
}
