//! The one parse of a front matter: saphyr-parser's events, read once, build the value,
//! record where every key and value is, and keep the bounds (nesting depth, alias
//! expansion) as they go, so that nothing larger than allowed is ever built.

use super::bounds::{self, EXPANSION_FACTOR, MAX_DEPTH, MIN_EXPANDED};
use super::locate::{Locator, Place};
use super::{Lossy, YamlError};
use crate::diagnostics::Pos;
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};
use serde_yaml::{Mapping, Value};
use std::borrow::Cow;

/// What one parse found: the value, where its parts are, and the plain numbers whose
/// written digits YAML would not keep.
pub(super) struct Loaded {
    pub value: Value,
    pub locator: Locator,
    pub lossy: Vec<Lossy>,
}

enum Container {
    Seq(Vec<Value>),
    /// The mapping, and the key read whose value comes next (its text, if a scalar, and position).
    Map(Mapping, Option<(Value, Pos)>),
}

/// A list or mapping being read.
struct Open {
    container: Container,
    entry: u32,
    anchor: usize,
    /// `expanded` when it began, to measure what an anchor on it holds.
    start: usize,
    pos: Pos,
    fresh: bool,
}

struct Loader<'y> {
    yaml: &'y str,
    stack: Vec<Open>,
    locator: Locator,
    /// What each anchor holds, by anchor id, and its size in bytes of text.
    anchors: Vec<Option<(Value, usize)>>,
    /// What the value holds so far, in bytes of text (each node counts one more).
    expanded: usize,
    limit: usize,
    lossy: Vec<Lossy>,
    root: Option<Value>,
    documents: usize,
}

fn pos_of(mark: &Marker) -> Pos {
    Pos::new(mark.line(), mark.col() + 1)
}

pub(super) fn load(yaml: &str) -> Result<Loaded, YamlError> {
    let mut parser = Parser::new_from_str(yaml);
    let mut loader = Loader {
        yaml,
        stack: Vec::new(),
        locator: Locator::default(),
        anchors: Vec::new(),
        expanded: 0,
        limit: yaml.len().saturating_mul(EXPANSION_FACTOR).max(MIN_EXPANDED),
        lossy: Vec::new(),
        root: None,
        documents: 0,
    };
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| syntax_error(yaml, e.marker(), e.info()))?;
        let pos = pos_of(&span.start);
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                loader.documents += 1;
                if loader.documents > 1 {
                    return Err(YamlError {
                        pos,
                        code: "yaml-syntax",
                        message: "a second YAML document starts here; front matter is one document: remove this line, or end the front matter with a line `---` before it".into(),
                    });
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let size = text.len() + 1;
                loader.expanded = loader.expanded.saturating_add(size);
                let place = loader.place(pos);
                let value = loader.scalar(text, style, tag.as_deref(), place, pos);
                if anchor > 0 {
                    loader.anchor(anchor, &value, size);
                }
                loader.finish(value, pos)?;
            }
            Event::Alias(id) => {
                let (value, size) = loader.anchors.get(id).cloned().flatten().unwrap_or((Value::Null, 0));
                loader.expanded = loader.expanded.saturating_add(size);
                if loader.expanded > loader.limit {
                    return Err(YamlError {
                        pos,
                        code: "yaml-syntax",
                        message: format!(
                            "with this alias, aliases expand the front matter to more than {} (10 times its size, and at least 1 MB); write the value out once instead of repeating it with `*`",
                            bounds::size_text(loader.limit)
                        ),
                    });
                }
                loader.place(pos);
                loader.finish(value, pos)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let is_map = matches!(event, Event::MappingStart(..));
                if loader.stack.len() >= MAX_DEPTH {
                    let first_key =
                        is_map.then(|| parser.peek().and_then(Result::ok).map(|(_, s)| pos_of(&s.start))).flatten();
                    return Err(bounds::too_deep_at(first_key.unwrap_or(pos)));
                }
                let entry = loader.place(pos).unwrap_or(u32::MAX);
                let container = if is_map { Container::Map(Mapping::new(), None) } else { Container::Seq(Vec::new()) };
                loader.stack.push(Open { container, entry, anchor, start: loader.expanded, pos, fresh: true });
                loader.expanded = loader.expanded.saturating_add(1);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = loader.stack.pop() else { continue };
                let value = match open.container {
                    Container::Seq(items) => Value::Sequence(items),
                    Container::Map(map, _) => Value::Mapping(map),
                };
                if open.anchor > 0 {
                    let size = loader.expanded - open.start;
                    loader.anchor(open.anchor, &value, size);
                }
                loader.finish(value, open.pos)?;
            }
            _ => {}
        }
    }
    loader.locator.shrink();
    Ok(Loaded { value: loader.root.unwrap_or(Value::Null), locator: loader.locator, lossy: loader.lossy })
}

impl Loader<'_> {
    /// Records a node that starts at `pos`; its entry, or None when it is a mapping key.
    fn place(&mut self, pos: Pos) -> Place {
        let Some(top) = self.stack.last_mut() else {
            return Some(self.locator.root(pos));
        };
        match &mut top.container {
            Container::Seq(items) => Some(self.locator.item(top.entry, items.len(), pos)),
            Container::Map(_, None) => {
                if std::mem::take(&mut top.fresh) {
                    self.locator.first_key(top.entry, pos);
                }
                None
            }
            Container::Map(_, Some((key, key_pos))) => {
                let named = matches!(key, Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null);
                Some(self.locator.field(top.entry, named, *key_pos, pos))
            }
        }
    }

    fn anchor(&mut self, id: usize, value: &Value, size: usize) {
        if self.anchors.len() <= id {
            self.anchors.resize(id + 1, None);
        }
        self.anchors[id] = Some((value.clone(), size));
    }

    /// Puts a complete node where it belongs: the root, a list item, a key, or a key's value.
    fn finish(&mut self, value: Value, pos: Pos) -> Result<(), YamlError> {
        let Some(top) = self.stack.last_mut() else {
            self.root = Some(value);
            return Ok(());
        };
        match &mut top.container {
            Container::Seq(items) => items.push(value),
            Container::Map(_, pending @ None) => *pending = Some((value, pos)),
            Container::Map(map, pending @ Some(_)) => {
                let (key, key_pos) = pending.take().expect("a key is pending");
                // One look-up: the entry both finds a duplicate and inserts.
                let key = match map.entry(key) {
                    serde_yaml::mapping::Entry::Vacant(slot) => {
                        slot.insert(value);
                        return Ok(());
                    }
                    serde_yaml::mapping::Entry::Occupied(found) => found.key().clone(),
                };
                let mapping = self.locator.path_of(self.yaml, top.entry);
                let field = match key_name(&key) {
                    Some(name) if mapping.is_empty() => format!("`{name}`"),
                    Some(name) => format!("`{}`", crate::content::fields::display_path(&format!("{mapping}.{name}"))),
                    None => "a key".into(),
                };
                return Err(YamlError {
                    pos: key_pos,
                    code: "yaml-syntax",
                    message: format!("duplicate field {field}: each field may appear only once; remove one of them"),
                });
            }
        }
        Ok(())
    }

    /// A scalar as the front matter means it. Quoted text is text. A plain word is empty,
    /// true/false, a whole number (kept as one only when written as its digits: `order`
    /// needs it), or text: a number YAML would read with other digits than the written
    /// ones (`2.10` is 2.1, `007` is 7) stays the written text, and is noted.
    fn scalar(&mut self, text: Cow<str>, style: ScalarStyle, tag: Option<&Tag>, place: Place, pos: Pos) -> Value {
        let forced_text = tag.is_some_and(|t| t.suffix == "str");
        if style != ScalarStyle::Plain || forced_text {
            return Value::String(text.into_owned());
        }
        match &*text {
            "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
            "true" | "True" | "TRUE" => return Value::Bool(true),
            "false" | "False" | "FALSE" => return Value::Bool(false),
            _ => {}
        }
        let Some(read) = yaml_number(&text) else {
            return Value::String(text.into_owned());
        };
        if let Ok(n) = text.parse::<i64>() {
            if n.to_string() == *text {
                return Value::Number(n.into());
            }
        }
        if read.as_deref() != Some(&*text) {
            if let Some(entry) = place {
                self.lossy.push(Lossy {
                    path: self.locator.path_of(self.yaml, entry),
                    pos,
                    written: text.to_string(),
                    read,
                });
            }
        }
        Value::String(text.into_owned())
    }
}

/// A scalar key's text, as a path names it (`2024` for the number 2024).
fn key_name(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// How YAML (1.2, core schema) reads a plain word as a number, written out as a number
/// prints: `2.10` → `2.1`, `0x1F` → `31` (Some(None) for a whole number too large to
/// hold); None when the word is not a number.
fn yaml_number(text: &str) -> Option<Option<String>> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let negative = text.starts_with('-');
    if digits(unsigned) {
        return Some(text.parse::<i64>().ok().map(|n| n.to_string()));
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8)] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return i64::from_str_radix(rest, radix).ok().map(|n| Some(n.to_string()));
        }
    }
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(Some(if negative { "-infinity" } else { "infinity" }.into())),
        ".nan" | ".NaN" | ".NAN" => return Some(Some("not-a-number".into())),
        _ => {}
    }
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mantissa_ok = if mantissa.contains('.') {
        (digits(whole) || whole.is_empty())
            && (digits(fraction) || fraction.is_empty())
            && !(whole.is_empty() && fraction.is_empty())
    } else {
        digits(whole)
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    if !mantissa_ok || !exponent_ok {
        return None;
    }
    text.parse::<f64>().ok().filter(|f| f.is_finite()).map(|f| Some(format!("{f:?}")))
}

/// The parser's own message, at its place; and where the line shows why (a value with
/// `: ` in it, which YAML takes for another field), what to write instead.
fn syntax_error(yaml: &str, mark: &Marker, info: &str) -> YamlError {
    let pos = pos_of(mark);
    let line = yaml.lines().nth(pos.line.saturating_sub(1)).unwrap_or("");
    if let Some((key, value)) = value_with_colon(line) {
        return YamlError {
            pos,
            code: "yaml-syntax",
            message: format!(
                "the value of `{key}` has `: ` in it, which YAML reads as the start of another field: put the value in quotes: `{key}: \"{}\"`",
                value.replace('\\', "\\\\").replace('"', "\\\"")
            ),
        };
    }
    if let Some((open, bracket)) = unclosed_flow(yaml, pos) {
        let (what, close) = if bracket == '[' { ("list", ']') } else { ("mapping", '}') };
        return YamlError {
            pos: open,
            code: "yaml-syntax",
            message: format!(
                "invalid YAML: this `{bracket}` starts a {what} that is not closed: end it with `{close}` on this line"
            ),
        };
    }
    YamlError { pos, code: "yaml-syntax", message: format!("invalid YAML: {info}") }
}

/// The `[` or `{` (and where) that opens a flow list or mapping still open at `upto`, on
/// an earlier line than `upto`: the parser reports an unclosed one where it gives up,
/// often lines below. Quoted text and comments are skipped; a bracket opens a flow
/// only where a value starts.
fn unclosed_flow(yaml: &str, upto: Pos) -> Option<(Pos, char)> {
    let mut open: Vec<(Pos, char)> = Vec::new();
    for (i, line) in yaml.lines().enumerate().take(upto.line.saturating_sub(1)) {
        let chars: Vec<char> = line.chars().collect();
        let mut quote: Option<char> = None;
        // At the start of a line, after `: `, `- `, `, ` and inside a flow, a value starts.
        let mut value_starts = true;
        for (column, &c) in chars.iter().enumerate() {
            if let Some(q) = quote {
                if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '"' | '\'' if value_starts => quote = Some(c),
                '#' if column == 0 || chars[column - 1] == ' ' => break,
                '[' | '{' if value_starts || !open.is_empty() => open.push((Pos::new(i + 1, column + 1), c)),
                ']' | '}' if !open.is_empty() => {
                    open.pop();
                }
                _ => {}
            }
            let after_separator = column > 0 && matches!(chars[column - 1], ':' | '-' | ',');
            value_starts = match c {
                ' ' => value_starts || after_separator,
                '[' | '{' | ',' => !open.is_empty(),
                _ => false,
            };
        }
    }
    open.first().copied()
}

/// `key: some: text` (or `- key: some: text`) → (`key`, `some: text`): a plain value
/// with `: ` in it, on the line the parser stopped at.
fn value_with_colon(line: &str) -> Option<(&str, &str)> {
    let text = line.trim_start_matches(' ');
    let text = text.strip_prefix("- ").map_or(text, |t| t.trim_start_matches(' '));
    let (key, value) = text.split_once(": ")?;
    let value = value.trim();
    let plain = !value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!', '#']);
    let key_ok = !key.is_empty() && !key.contains(['"', '\'', '#', '{', '[']);
    (plain && key_ok && (value.contains(": ") || value.ends_with(':'))).then_some((key.trim(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_yaml_reads_them() {
        let read = |text: &str| yaml_number(text).map(|n| n.unwrap_or_else(|| "too large".into()));
        assert_eq!(read("2.10").as_deref(), Some("2.1"));
        assert_eq!(read("4.2").as_deref(), Some("4.2"));
        assert_eq!(read("1.0").as_deref(), Some("1.0"));
        assert_eq!(read("007").as_deref(), Some("7"));
        assert_eq!(read("0x1F").as_deref(), Some("31"));
        assert_eq!(read("1e3").as_deref(), Some("1000.0"));
        assert_eq!(read("99999999999999999999999").as_deref(), Some("too large"));
        for text in ["1.2.3", "2026-11-01", "v2", "1.", ".", "e3", "1e", "inf", "-", "1.0e999"] {
            let expected = if text == "1." { Some("1.0") } else { None };
            assert_eq!(read(text).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn unclosed_lists_are_found_where_they_open() {
        let yaml = "title: x\ncomponents: [a, b\nfeatures:\n  - title: y\n";
        assert_eq!(unclosed_flow(yaml, Pos::new(3, 9)), Some((Pos::new(2, 13), '[')));
        assert_eq!(unclosed_flow("a: [b, c]\nd: e [f\ng: \"[\"\n", Pos::new(4, 1)), None);
        let err = load(yaml).err().unwrap();
        assert_eq!(err.pos, Pos::new(2, 13));
        assert!(err.message.contains("not closed: end it with `]`"), "{}", err.message);
    }

    #[test]
    fn values_with_colons() {
        assert_eq!(value_with_colon("summary: Builders: all of them"), Some(("summary", "Builders: all of them")));
        assert_eq!(value_with_colon("  - title: Note: this"), Some(("title", "Note: this")));
        assert_eq!(value_with_colon("summary: \"Builders: all\""), None);
        assert_eq!(value_with_colon("summary: plain"), None);
    }
}
