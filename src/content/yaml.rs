//! The one module that parses YAML. serde_yaml reads the values; yaml-rust2's marked
//! events give every key and value its line and column, which serde_yaml cannot, so
//! that a diagnostic about `features[2].groups[1]` points at that very word in the file.

use crate::diagnostics::Pos;
use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A YAML problem, positioned relative to the start of the YAML text.
#[derive(Debug)]
pub(crate) struct YamlError {
    pub pos: Pos,
    /// `yaml-syntax` (the text is not YAML) or `invalid-value` (YAML, but not front matter).
    pub code: &'static str,
    pub message: String,
}

/// Parses front matter into a mapping. An empty front matter is an empty mapping.
pub(crate) fn parse_mapping(yaml: &str) -> Result<Mapping, YamlError> {
    if yaml.contains('\t') {
        if let Some((line, col)) = leading_tab(yaml) {
            return Err(YamlError {
                pos: Pos::new(line, col),
                code: "yaml-syntax",
                message: "a tab indents this line; YAML indents with spaces only, so replace the tab with spaces"
                    .into(),
            });
        }
    }
    if let Some(pos) = too_deep(yaml) {
        return Err(bounds::too_deep_at(pos));
    }
    if let Some(map) = common_shape::read(yaml) {
        return Ok(map);
    }
    // serde_yaml builds the whole value, every alias copied out in full, before anything
    // can look at it: what it would build is measured first.
    bounds::check(yaml)?;
    let value: Value = serde_yaml::from_str(yaml).map_err(|e| {
        let (code, message) = explain_syntax_error(&e.to_string());
        let reported = offset_position(yaml, &e).or_else(|| e.location().map(|l| Pos::new(l.line(), l.column())));
        let reported = reported.unwrap_or(Pos::START);
        YamlError { pos: duplicate_position(yaml, &message, reported).unwrap_or(reported), code, message }
    })?;
    match value {
        Value::Null => Ok(Mapping::new()),
        Value::Mapping(m) => Ok(m),
        other => Err(YamlError {
            pos: Pos::START,
            code: "invalid-value",
            message: format!(
                "the front matter is {}, but it must be `field: value` lines, such as `title: Payments 4.2`",
                kind_of(&other)
            ),
        }),
    }
}

/// Front matter as nearly every author writes it (`field: value` lines, lists of
/// `- field: value` items, `[a, b]` lists, double-quoted or plain text) read directly:
/// libyaml costs more than the rest of loading a release together. Anything outside
/// that shape, and anything that would be an error, is left to serde_yaml, which
/// reads it (and reports it) as before; where both read a text, they agree.
mod common_shape {
    use serde_yaml::{Mapping, Value};

    /// Mappings and lists nested deeper than this are rare enough to leave to serde_yaml.
    const MAX_NESTING: usize = 32;

    /// The mapping serde_yaml would read from `yaml`, or None when `yaml` is not in the
    /// common shape.
    pub(super) fn read(yaml: &str) -> Option<Mapping> {
        let printable_ascii = yaml.bytes().all(|b| b == b'\n' || (b' '..=b'~').contains(&b));
        if !printable_ascii && !yaml.chars().all(is_plain_char) {
            return None;
        }
        let mut lines = Vec::new();
        for line in yaml.split('\n') {
            let text = line.trim_start_matches(' ');
            // Document markers and directives start a new document or say how to read it.
            if line.starts_with("---") || line.starts_with("...") || line.starts_with('%') {
                return None;
            }
            if !text.is_empty() && !text.starts_with('#') {
                lines.push(Line { indent: line.len() - text.len(), text: text.trim_end_matches(' ') });
            }
        }
        let mut reader = Reader { lines, at: 0, nesting: 0 };
        if reader.lines.is_empty() {
            return Some(Mapping::new());
        }
        let map = reader.mapping(0)?;
        (reader.at == reader.lines.len()).then_some(map)
    }

    /// Line breaks other than `\n`, tabs, control characters and byte-order marks all
    /// change how YAML reads a text, or make it invalid.
    fn is_plain_char(c: char) -> bool {
        matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
            && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
    }

    /// A line that is neither blank nor a comment: its indentation and its text
    /// without the spaces around it.
    #[derive(Clone, Copy)]
    struct Line<'y> {
        indent: usize,
        text: &'y str,
    }

    struct Reader<'y> {
        lines: Vec<Line<'y>>,
        at: usize,
        nesting: usize,
    }

    impl<'y> Reader<'y> {
        fn peek(&self) -> Option<Line<'y>> {
            self.lines.get(self.at).copied()
        }

        /// `field: value` lines at `indent`, up to the first line indented less.
        fn mapping(&mut self, indent: usize) -> Option<Mapping> {
            self.nesting += 1;
            if self.nesting > MAX_NESTING {
                return None;
            }
            let mut map = Mapping::new();
            while let Some(line) = self.peek().filter(|l| l.indent >= indent) {
                // Deeper lines belong to a field's value, and an item needs a list.
                if line.indent > indent || is_item(line.text) {
                    return None;
                }
                let (key, rest) = split_key(line.text)?;
                let key = plain(key)?;
                self.at += 1;
                let value = if rest.is_empty() { self.nested(indent)? } else { inline(rest)? };
                if map.insert(key, value).is_some() {
                    return None; // serde_yaml explains duplicates
                }
            }
            self.nesting -= 1;
            Some(map)
        }

        /// `- item` lines at `indent`.
        fn sequence(&mut self, indent: usize) -> Option<Vec<Value>> {
            self.nesting += 1;
            if self.nesting > MAX_NESTING {
                return None;
            }
            let mut items = Vec::new();
            while let Some(line) = self.peek().filter(|l| l.indent == indent && is_item(l.text)) {
                let after_dash = line.text.get(2..)?;
                let rest = after_dash.trim_start_matches(' ');
                if rest.is_empty() || is_item(rest) || rest.starts_with('#') {
                    return None;
                }
                let item = if split_key(rest).is_some() {
                    // `- title: A`: a mapping whose fields align with `title`.
                    let fields = indent + 2 + after_dash.len() - rest.len();
                    self.lines[self.at] = Line { indent: fields, text: rest };
                    Value::Mapping(self.mapping(fields)?)
                } else {
                    self.at += 1;
                    inline(rest)?
                };
                items.push(item);
                if self.peek().is_some_and(|l| l.indent > indent) {
                    return None;
                }
            }
            self.nesting -= 1;
            Some(items)
        }

        /// The value of a field with nothing after its colon: what the lines below hold.
        fn nested(&mut self, indent: usize) -> Option<Value> {
            match self.peek() {
                Some(next) if next.indent > indent && is_item(next.text) => {
                    Some(Value::Sequence(self.sequence(next.indent)?))
                }
                Some(next) if next.indent > indent => Some(Value::Mapping(self.mapping(next.indent)?)),
                // A list may sit at its field's own indent.
                Some(next) if next.indent == indent && is_item(next.text) => {
                    Some(Value::Sequence(self.sequence(indent)?))
                }
                _ => Some(Value::Null),
            }
        }
    }

    fn is_item(text: &str) -> bool {
        text == "-" || text.starts_with("- ")
    }

    /// `field: rest` → (`field`, `rest`); None unless the field is a plain word.
    fn split_key(text: &str) -> Option<(&str, &str)> {
        let colon = text.find(':')?;
        let (key, after) = (&text[..colon], &text[colon + 1..]);
        let key_chars = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        let key_ok =
            key.len() <= 100 && key.starts_with(|c: char| c.is_ascii_alphanumeric()) && key.chars().all(key_chars);
        (key_ok && (after.is_empty() || after.starts_with(' '))).then(|| (key, after.trim_start_matches(' ')))
    }

    /// A value written on its field's (or item's) line.
    fn inline(text: &str) -> Option<Value> {
        if let Some(quoted) = text.strip_prefix('"') {
            let (content, after) = quoted.split_once('"')?;
            return (!content.contains('\\') && is_comment_or_nothing(after)).then(|| Value::String(content.into()));
        }
        if let Some(list) = text.strip_prefix('[') {
            return flow_list(list);
        }
        // Quotes, anchors, aliases, tags, block scalars, flow mappings, reserved
        // characters: left to serde_yaml.
        if text.starts_with(['\'', '{', '&', '*', '!', '|', '>', '%', '@', '`', '?', '-', ':', ',', ']', '}', '#']) {
            return None;
        }
        let text = match text.find(" #") {
            Some(comment) => text[..comment].trim_end_matches(' '),
            None => text,
        };
        if text.contains(": ") || text.ends_with(':') {
            return None;
        }
        plain(text)
    }

    fn is_comment_or_nothing(text: &str) -> bool {
        text.is_empty() || (text.starts_with(' ') && text.trim_start_matches(' ').starts_with('#'))
    }

    /// `[a, b, c]`: plain words only, on one line.
    fn flow_list(text: &str) -> Option<Value> {
        let (inner, after) = text.split_once(']')?;
        if !is_comment_or_nothing(after) || inner.contains(['[', '{', '}', '"', '\'', '#', ':', '&', '*', '!', '?']) {
            return None;
        }
        if inner.trim_matches(' ').is_empty() {
            return Some(Value::Sequence(Vec::new()));
        }
        let items = inner.split(',').map(|item| {
            let item = item.trim_matches(' ');
            if item.is_empty() || item.starts_with(['-', '|', '>', '%', '@', '`']) {
                return None;
            }
            plain(item)
        });
        items.collect::<Option<Vec<_>>>().map(Value::Sequence)
    }

    /// What serde_yaml makes of an unquoted word: empty, true/false, or text. None for
    /// anything that could be a number, which serde_yaml reads by rules of its own.
    fn plain(text: &str) -> Option<Value> {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
            "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
            _ => {}
        }
        // Numbers are digits, signs, dots, `_`, letters (`0x1f`, `1e5`, `.inf`); a text that
        // starts with a letter, or has any other character, cannot be read as one (`inf`
        // and `nan` can, but serde_yaml keeps only finite numbers).
        let number_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_');
        let text_only = text.starts_with(|c: char| c.is_ascii_alphabetic()) || !text.chars().all(number_char);
        text_only.then(|| Value::String(text.into()))
    }
}

/// What a front matter may cost once read: how deep its lists and mappings nest, and how
/// much text its aliases (`*name`, a copy of what `&name` marks) expand to. A small file
/// must not become a large value: 200 copies of a 1 MB anchor are 200 MB of text, and
/// every later step (checks, pages, feeds) copies that again.
mod bounds {
    use super::YamlError;
    use crate::diagnostics::Pos;
    use yaml_rust2::parser::{Event, Parser};

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

    /// Refuses a text that would nest deeper than [`MAX_DEPTH`], or whose aliases would
    /// expand past its limit, at the place where it crosses the line. One pass over the
    /// text's events, before anything is built; texts that can do neither are let through
    /// without it (see [`may_exceed`]).
    pub(super) fn check(yaml: &str) -> Result<(), YamlError> {
        if !may_exceed(yaml) {
            return Ok(());
        }
        let limit = yaml.len().saturating_mul(EXPANSION_FACTOR).max(MIN_EXPANDED);
        let mut parser = Parser::new_from_str(yaml);
        // What the value would hold so far, in bytes of text (each node counts one more),
        // and what each anchor's node holds, by anchor id.
        let mut expanded = 0usize;
        let mut anchored: Vec<usize> = Vec::new();
        // The open lists and mappings: their anchor id and `expanded` where they began.
        let mut open: Vec<(usize, usize)> = Vec::new();
        let record = |anchored: &mut Vec<usize>, id: usize, size: usize| {
            if anchored.len() <= id {
                anchored.resize(id + 1, 0);
            }
            anchored[id] = size;
        };
        loop {
            let (event, mark) = match parser.next_token() {
                Ok(next) => next,
                Err(e) => {
                    // Without a complete pass the text cannot be bounded, so it is not
                    // read at all: the YAML error is reported instead.
                    let mark = e.marker();
                    return Err(YamlError {
                        pos: Pos::new(mark.line(), mark.col() + 1),
                        code: "yaml-syntax",
                        message: format!("invalid YAML: {}", e.info()),
                    });
                }
            };
            let pos = Pos::new(mark.line(), mark.col() + 1);
            match event {
                Event::StreamEnd => return Ok(()),
                Event::Scalar(text, _, anchor, _) => {
                    expanded = expanded.saturating_add(text.len() + 1);
                    if anchor > 0 {
                        record(&mut anchored, anchor, text.len() + 1);
                    }
                }
                Event::Alias(id) => {
                    expanded = expanded.saturating_add(anchored.get(id).copied().unwrap_or(0));
                    if expanded > limit {
                        return Err(YamlError {
                            pos,
                            code: "yaml-syntax",
                            message: format!(
                                "with this alias, aliases expand the front matter to more than {} (10 times its size, and at least 1 MB); write the value out once instead of repeating it with `*`",
                                size_text(limit)
                            ),
                        });
                    }
                }
                Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                    if open.len() >= MAX_DEPTH {
                        // A block mapping starts at its first `:`; its first key is
                        // where an author looks.
                        let first_key = matches!(event, Event::MappingStart(..))
                            .then(|| parser.peek().ok().map(|(_, m)| Pos::new(m.line(), m.col() + 1)))
                            .flatten();
                        return Err(too_deep_at(first_key.unwrap_or(pos)));
                    }
                    open.push((anchor, expanded));
                    expanded = expanded.saturating_add(1);
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    if let Some((anchor, start)) = open.pop() {
                        if anchor > 0 {
                            record(&mut anchored, anchor, expanded - start);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// `1 MB`, `10.5 MB`.
    fn size_text(bytes: usize) -> String {
        let mb = bytes as f64 / (1 << 20) as f64;
        if mb.fract() == 0.0 {
            format!("{mb} MB")
        } else {
            format!("{mb:.1} MB")
        }
    }

    /// Whether a text could cross either bound, cheaply, erring on the side of yes.
    /// Aliases need an anchor: an `&` that starts a node, so after a space, a line
    /// break, `[`, `{`, `,` or `:` (or at the very start), and before a name. An `&`
    /// inside a word (`R&D`) or standing alone (`Q & A`) is no anchor. Nesting: a flow list or mapping opens
    /// with `[` or `{`; a block one starts a line, or follows `- `, `? ` or `: ` at its
    /// start, and each two levels take at least one more column (a list may sit at its
    /// key's own column, its items may not), so the block levels are at most twice the
    /// widest run of spaces, `-`, `?` and `:` that starts a line, plus two.
    pub(super) fn may_exceed(yaml: &str) -> bool {
        let bytes = yaml.as_bytes();
        let starts_node =
            |at: usize| at == 0 || matches!(bytes[at - 1], b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':');
        let names = |at: usize| bytes.get(at + 1).is_some_and(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        if bytes.iter().enumerate().any(|(at, b)| *b == b'&' && starts_node(at) && names(at)) {
            return true;
        }
        let brackets = bytes.iter().filter(|b| matches!(b, b'[' | b'{')).count();
        let lead = bytes
            .split(|b| *b == b'\n')
            .map(|line| line.iter().take_while(|b| matches!(b, b' ' | b'-' | b'?' | b':')).count())
            .max()
            .unwrap_or(0);
        brackets + 2 * lead + 2 > MAX_DEPTH
    }
}

/// Errors of the YAML reader (a control character, say) carry a byte offset instead of a
/// line and column: "… at position 10".
fn offset_position(yaml: &str, e: &serde_yaml::Error) -> Option<Pos> {
    let offset: usize = e.to_string().rsplit_once(" at position ")?.1.trim().parse().ok()?;
    let before = yaml.get(..offset.min(yaml.len()))?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some(Pos::new(before.matches('\n').count() + 1, before[line_start..].chars().count() + 1))
}

/// The YAML reader takes time in proportion to the nesting depth for every token it reads,
/// so 100,000 `[` (or `{a: `) would keep it busy for minutes before it reports its own
/// recursion limit. Counting brackets, even inside quotes, is cheap and errs on the safe
/// side: no real front matter has 64 unclosed brackets.
use bounds::MAX_DEPTH;

fn too_deep(yaml: &str) -> Option<Pos> {
    // Fewer brackets than the limit in all cannot nest past it; counting is cheaper.
    if yaml.bytes().filter(|b| matches!(b, b'[' | b'{')).count() <= MAX_DEPTH {
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
            return Some(Pos::new(line, yaml[line_start..i].chars().count() + 1));
        }
    }
    None
}

fn leading_tab(yaml: &str) -> Option<(usize, usize)> {
    yaml.lines().enumerate().find_map(|(i, line)| {
        let indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        indent.find('\t').map(|col| (i + 1, col + 1))
    })
}

/// serde_yaml reports a duplicate key at its mapping (`features[0]: duplicate entry…`
/// when nested); point at the second occurrence of the key at or after that place.
fn duplicate_position(yaml: &str, message: &str, reported: Pos) -> Option<Pos> {
    let key = message.split("duplicate entry with key \"").nth(1)?.split('"').next()?;
    yaml.lines()
        .enumerate()
        .skip(reported.line.saturating_sub(1))
        .filter_map(|(i, line)| {
            let trimmed = line.trim_start().trim_start_matches("- ");
            let name = trimmed.split(':').next()?.trim().trim_matches(['"', '\'']);
            (name == key && trimmed.contains(':')).then(|| Pos::new(i + 1, line.len() - trimmed.len() + 1))
        })
        .nth(1)
}

/// serde_yaml's message in the author's words, with the diagnostic code it deserves.
fn explain_syntax_error(raw: &str) -> (&'static str, String) {
    // serde_yaml appends " at line L column C"; the position is ours to print.
    let message = raw.split(" at line ").next().unwrap_or(raw);
    let message = message.split(" at position ").next().unwrap_or(message).trim();
    if message.contains("duplicate entry") {
        ("yaml-syntax", format!("{message}: each field may appear only once; remove one of them"))
    } else if message.contains("recursion limit") {
        ("yaml-syntax", format!("{message}: lists and mappings nest too deep; front matter needs a few levels at most"))
    } else if message.contains("repetition limit") {
        ("yaml-syntax", format!("{message}: aliases expand too far; write the values out instead of nesting aliases"))
    } else if let Some(number) = too_large_number(message) {
        (
            "invalid-value",
            format!(
                "the number {number} is out of range (whole numbers go from {} to {}); quote it if it is text: \"{number}\"",
                i64::MIN,
                i64::MAX
            ),
        )
    } else {
        ("yaml-syntax", format!("invalid YAML: {message}"))
    }
}

/// serde_yaml cannot hold integers beyond 64 bits: "invalid type: integer `…` as i128".
fn too_large_number(message: &str) -> Option<&str> {
    let rest = message.split("invalid type: integer `").nth(1)?;
    let (number, tail) = rest.split_once('`')?;
    (tail.starts_with(" as i128") || tail.starts_with(" as u128")).then_some(number)
}

pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a true/false value",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping of `field: value` lines",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Front matter text fields accept any scalar: `version: 4.2` means "4.2", as it would to
/// the person who wrote it. Only `order` stays a number.
pub(crate) fn scalars_to_text(value: &mut Value, key: Option<&str>) {
    match value {
        Value::Number(n) if key != Some("order") => *value = Value::String(n.to_string()),
        Value::Bool(b) => *value = Value::String(b.to_string()),
        Value::Sequence(items) => items.iter_mut().for_each(|v| scalars_to_text(v, None)),
        Value::Mapping(map) => {
            // Keys too: `access: { 2024: … }` names the group `2024`.
            if map.keys().any(|k| matches!(k, Value::Number(_) | Value::Bool(_))) {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| match k {
                        Value::Number(n) => (Value::String(n.to_string()), v),
                        Value::Bool(b) => (Value::String(b.to_string()), v),
                        k => (k, v),
                    })
                    .collect();
            }
            for (k, v) in map.iter_mut() {
                scalars_to_text(v, k.as_str());
            }
        }
        Value::Tagged(tagged) => {
            let inner = std::mem::replace(&mut tagged.value, Value::Null);
            *value = inner;
            scalars_to_text(value, key);
        }
        _ => {}
    }
}

/// Deserializes a mapping into `T`. On type errors returns, for every bad field, its
/// dotted path (`features.0.title`) and a message in the author's words: a bad field is
/// set aside and the rest tried again, so that one run reports them all.
pub(crate) fn typed<T: DeserializeOwned>(map: Mapping) -> Result<T, Vec<(String, String)>> {
    let mut value = Value::Mapping(map);
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut attempts: HashMap<String, usize> = HashMap::new();
    // Each round sets one node aside, so this ends; the cap keeps a hostile file cheap.
    for _ in 0..150 {
        match typed_once::<T>(&value) {
            Ok(raw) if errors.is_empty() => return Ok(raw),
            Ok(_) => return Err(errors),
            Err((path, message)) => {
                let attempt = attempts.entry(path.clone()).or_default();
                if *attempt == 0 {
                    errors.push((path.clone(), message));
                }
                let set_aside = set_aside(&mut value, &path, *attempt);
                *attempt += 1;
                if !set_aside || errors.len() >= 50 {
                    break;
                }
            }
        }
    }
    Err(errors)
}

/// Sets aside the node at a dotted path so that the next round reads past it: a field is
/// removed; a list item is replaced by an empty mapping, then by empty text (whichever
/// its list holds), and removed only as a last resort, since that shifts the indexes of
/// the items after it. False when there is nothing left to try.
fn set_aside(value: &mut Value, path: &str, attempt: usize) -> bool {
    let (parents, last) = path.rsplit_once('.').unwrap_or(("", path));
    if last.is_empty() {
        return false;
    }
    let mut node = value;
    for part in parents.split('.').filter(|p| !p.is_empty()) {
        let next = match node {
            Value::Mapping(m) => m.get_mut(part),
            Value::Sequence(items) => part.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None => return false,
        }
    }
    match node {
        Value::Mapping(m) => attempt == 0 && m.remove(last).is_some(),
        Value::Sequence(items) => match (last.parse::<usize>(), attempt) {
            (Ok(i), 0) if i < items.len() => {
                items[i] = Value::Mapping(Mapping::new());
                true
            }
            (Ok(i), 1) if i < items.len() => {
                items[i] = Value::String(String::new());
                true
            }
            (Ok(i), 2) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

fn typed_once<T: DeserializeOwned>(value: &Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(".");
        let message = e.into_inner().to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_string();
        (path, humanize_type_error(&message))
    })
}

fn humanize_type_error(message: &str) -> String {
    let mut message = message
        .replace("invalid type: ", "found ")
        .replace("a sequence", "a list")
        .replace("sequence", "a list")
        .replace("expected a string", "expected text")
        .replace("expected i64", "expected a whole number")
        .replace("struct ", "")
        .replace("a map", "a mapping of `field: value` lines")
        .replace("expected map", "expected a mapping of `field: value` lines")
        .replace("found map", "found a mapping of `field: value` lines");
    // serde names the Rust type it wanted (`RawFeature`); to an author that is a mapping.
    while let Some(at) = message.find("expected Raw") {
        let name = at + "expected ".len();
        let end = message[name..].find(|c: char| !c.is_ascii_alphanumeric()).map_or(message.len(), |e| name + e);
        message.replace_range(at..end, "expected a mapping of `field: value` lines");
    }
    message
}

/// Where each key and value of a YAML text is. Paths are dotted: `features.0.groups.1`.
#[derive(Debug, Default)]
pub(crate) struct Locator {
    spots: HashMap<String, Spot>,
}

#[derive(Debug, Clone, Copy)]
struct Spot {
    key: Pos,
    value: Pos,
}

impl Locator {
    pub(crate) fn new(yaml: &str) -> Self {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(yaml);
        // A YAML error was already reported by `parse_mapping`; keep what was located.
        let _ = parser.load(&mut builder, false);
        Locator { spots: builder.spots }
    }

    /// The position of the key of `path` (or of the item, in a list), or of the
    /// nearest enclosing node that exists.
    pub(crate) fn key(&self, path: &str) -> Pos {
        self.find(path).map_or(Pos::START, |s| s.key)
    }

    /// The position of the value at `path`, or of the nearest enclosing node.
    pub(crate) fn value(&self, path: &str) -> Pos {
        self.find(path).map_or(Pos::START, |s| s.value)
    }

    fn find(&self, mut path: &str) -> Option<Spot> {
        loop {
            if let Some(spot) = self.spots.get(path) {
                return Some(*spot);
            }
            path = &path[..path.rfind('.')?];
        }
    }
}

enum Frame {
    /// `fresh`: no key seen yet, so the map's own position is still its start marker,
    /// which the parser puts at the first `:`; the first key is a better place.
    Map {
        path: String,
        key: Option<(String, Pos)>,
        fresh: bool,
    },
    Seq {
        path: String,
        index: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    spots: HashMap<String, Spot>,
}

fn join(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}.{child}")
    }
}

impl Builder {
    /// Registers a node; returns its path, or None when the node is a mapping key.
    fn node(&mut self, scalar: Option<&str>, pos: Pos) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { path, key, fresh }) => match key.take() {
                None => {
                    *key = Some((scalar.unwrap_or("?").to_string(), pos));
                    if std::mem::take(fresh) {
                        if let Some(spot) = self.spots.get_mut(path.as_str()) {
                            if spot.key == spot.value {
                                spot.key = pos;
                            }
                            spot.value = pos;
                        }
                    }
                    None
                }
                Some((k, key_pos)) => {
                    let p = join(path, &k);
                    self.spots.insert(p.clone(), Spot { key: key_pos, value: pos });
                    Some(p)
                }
            },
            Some(Frame::Seq { path, index }) => {
                let p = join(path, &index.to_string());
                *index += 1;
                self.spots.insert(p.clone(), Spot { key: pos, value: pos });
                Some(p)
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let pos = Pos::new(mark.line(), mark.col() + 1);
        match event {
            Event::Scalar(s, ..) => {
                self.node(Some(&s), pos);
            }
            Event::Alias(_) => {
                self.node(Some("*"), pos);
            }
            Event::SequenceStart(..) => {
                let path = self.node(None, pos).unwrap_or_else(|| "?".into());
                self.stack.push(Frame::Seq { path, index: 0 });
            }
            Event::MappingStart(..) => {
                let path = self.node(None, pos).unwrap_or_else(|| "?".into());
                self.stack.push(Frame::Map { path, key: None, fresh: true });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "title: Payments\nfeatures:\n  - title: A\n    groups: [customers, suport]\n  - title: B\n    groups:\n      - sales\n";

    #[test]
    fn locates_keys_values_and_list_items() {
        let loc = Locator::new(YAML);
        assert_eq!(loc.key("title"), Pos::new(1, 1));
        assert_eq!(loc.value("title"), Pos::new(1, 8));
        assert_eq!(loc.key("features.0.groups"), Pos::new(4, 5));
        assert_eq!(loc.value("features.0.groups.1"), Pos::new(4, 25));
        assert_eq!(loc.value("features.1.groups.0"), Pos::new(7, 9));
        // Missing paths fall back to the nearest enclosing node.
        assert_eq!(loc.key("features.1.value"), Pos::new(5, 5));
        assert_eq!(loc.key("nothing"), Pos::START);
    }

    #[test]
    fn syntax_errors_are_positioned() {
        let err = parse_mapping("title: x\nsummary: [a, b\n").unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{}", err.message);
        assert!(err.pos.line >= 2);
    }

    #[test]
    fn tabs_and_duplicates_are_explained() {
        let err = parse_mapping("title: x\nfeatures:\n\t- a\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(3, 1));
        assert!(err.message.contains("tab"));
        let err = parse_mapping("title: x\ntitle: y\n").unwrap_err();
        assert!(err.message.contains("only once"), "{}", err.message);
        assert_eq!(err.pos.line, 2);
    }

    #[test]
    fn non_mappings_are_rejected() {
        assert!(parse_mapping("- a\n- b\n").unwrap_err().message.contains("a list"));
        assert!(parse_mapping("").unwrap().is_empty());
    }

    #[test]
    fn alias_bombs_fail_fast() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
            bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(parse_mapping(&bomb).is_err());
    }

    #[test]
    fn only_texts_that_could_cross_a_bound_get_the_checking_pass() {
        for light in ["title: R&D\n", "title: \"Q & A\"\nversion: 4.2\n", "a:\n  - b: [c, d]\n"] {
            assert!(!bounds::may_exceed(light), "{light:?}");
        }
        let nested = format!("a:\n{}x\n", "- ".repeat(40));
        let flow = format!("a: {}\n", "[".repeat(70));
        for heavy in ["a: &x b\nc: *x\n", "a: [&x b, *x]\n", "a: {\"k\":&x b}\n", "&x a: b\n", &nested, &flow] {
            assert!(bounds::may_exceed(heavy), "{heavy:?}");
        }
    }

    #[test]
    fn depth_and_alias_expansion_are_bounded() {
        let deep = format!("a:\n{}x\n", "- ".repeat(64));
        let err = parse_mapping(&deep).unwrap_err();
        assert_eq!((err.pos, err.code), (Pos::new(2, 127), "yaml-syntax"));
        assert!(parse_mapping(&format!("a:\n{}x\n", "- ".repeat(63))).is_ok());
        // Ten copies of a 100 kB anchor are 1 MB: allowed; eleven are not.
        let anchor = format!("a: &a \"{}\"\n", "x".repeat(100 << 10));
        let copies = |n: usize| (0..n).map(|i| format!("c{i}: *a\n")).collect::<String>();
        assert!(parse_mapping(&format!("{anchor}{}", copies(8))).is_ok());
        let err = parse_mapping(&format!("{anchor}{}", copies(11))).unwrap_err();
        assert_eq!(err.pos, Pos::new(11, 5), "{}", err.message);
        assert!(err.message.contains("more than 1 MB"), "{}", err.message);
    }

    #[test]
    fn type_errors_use_the_authors_words() {
        assert_eq!(
            humanize_type_error("invalid type: string \"a\", expected struct RawFeature"),
            "found string \"a\", expected a mapping of `field: value` lines"
        );
        assert_eq!(
            humanize_type_error("invalid type: map, expected a sequence"),
            "found a mapping of `field: value` lines, expected a list"
        );
    }

    /// Where the direct reader reads a text, it must read what serde_yaml reads.
    fn agrees_with_serde_yaml(yaml: &str) -> bool {
        let Some(fast) = common_shape::read(yaml) else { return false };
        match serde_yaml::from_str::<Value>(yaml) {
            Ok(Value::Null) => assert!(fast.is_empty(), "{yaml:?}"),
            Ok(Value::Mapping(slow)) => assert_eq!(fast, slow, "{yaml:?}"),
            other => panic!("read {yaml:?} as {fast:?}, serde_yaml as {other:?}"),
        }
        true
    }

    #[test]
    fn the_common_shape_reads_as_serde_yaml_does() {
        let common = [
            YAML,
            "",
            "# only a comment\n\n",
            "title: \"Checkout 0.4\"\nstatus: approved\ndeployed_at: 2021-01-05T02:31:00Z\n",
            "features:\n  - title: \"A\"\n    groups: [group-10, group-12]\n    value:\n      group-10: \"x `y` **z**\"\n",
            "features:\n- title: A\n  groups:\n  - a\n  - b\n- title: B\n",
            "features:\n  -   title: A\n      summary: b\n",
            "access:\n  customers:\n    how: \"x\"\n    when:\n  sales:\n",
            "a: true\nb: False\nc: ~\nd: null\ne:\nf: yes\ng: inf\nh: nan\ni: Infinity\n",
            "a: x # comment\nb: \"y\" # comment\nc: [a, b] # comment\nd: a#b\n",
            "a: http://x.example/a?b=c\nb: Hello, world [beta] {x}\nc: 2026-11-20 18:00:00\n",
            "a: []\nb: [ ]\nc: [one two, three]\nd: \"\"\ne: \"a 'b' c\"\n",
            "a: Ünïcode — text\nb: \"ü\"\n",
            "list:\n  - one\n  - \"two\"\n  - [a, b]\n",
        ];
        for yaml in common {
            assert!(agrees_with_serde_yaml(yaml), "not read directly: {yaml:?}");
        }
        let left_to_serde_yaml = [
            "version: 4.2\n",
            "order: 3\n",
            "a: -5\n",
            "a: .inf\n",
            "a: 0x1f\n",
            "2024: x\n",
            "a: 'single'\n",
            "a: \"esc\\n\"\n",
            "a: \"two\n  lines\"\n",
            "a: plain\n  continued\n",
            "a: |\n  block\n",
            "a: &x b\nc: *x\n",
            "a: !tag b\n",
            "a: {b: c}\n",
            "a: x\na: y\n",
            "a: b: c\n",
            "a: [b, c\n",
            "a: [b,]\n",
            "a: [b: c]\n",
            "- a\n- b\n",
            "  a: indented\n",
            "a:\n  b: x\n c: y\n",
            "a:\n  - x\n  b: y\n",
            "a: x\n  - y\n",
            "---\na: b\n",
            "a: b\n...\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: \u{85}b\n",
            "? a\n: b\n",
            "a : b\n",
            "a:b\n",
            "- \n",
        ];
        for yaml in left_to_serde_yaml {
            assert!(!agrees_with_serde_yaml(yaml), "read directly: {yaml:?}");
        }
    }

    #[test]
    fn the_sites_content_reads_as_serde_yaml_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["content", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
                if let Ok(doc) = super::super::front_matter::split(&text, true) {
                    agrees_with_serde_yaml(doc.yaml);
                }
            }
        }
    }

    #[test]
    fn scalars_become_text_except_order() {
        let mut v: Value = serde_yaml::from_str("version: 4.2\norder: 3\nflag: true").unwrap();
        scalars_to_text(&mut v, None);
        assert_eq!(v["version"], Value::String("4.2".into()));
        assert_eq!(v["order"], Value::Number(3.into()));
        assert_eq!(v["flag"], Value::String("true".into()));
    }
}
