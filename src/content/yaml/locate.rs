//! Where each key and value of a front matter is, recorded by the one parse that reads
//! it (see `load`), so that a diagnostic about `features[2].groups[1]` points at that
//! very word in the file. Paths are dotted: `features.0.groups.1`.
//!
//! Every release keeps its index for as long as the site is loaded (any later rule may
//! point into it), so an entry is small: positions as `u32`, and a key's name read back
//! from the text at the key's position when a path is looked up, not copied.

use crate::diagnostics::Pos;

/// One node of the front matter: its parent, its name there, and where its key (or, in
/// a list, the item) and its value start. The root is entry 0.
#[derive(Debug, Clone, Copy)]
struct Entry {
    parent: u32,
    name: Name,
    key: At,
    value: At,
}

/// A line and column, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct At(u32, u32);

impl At {
    fn new(pos: Pos) -> Self {
        At(pos.line.try_into().unwrap_or(u32::MAX), pos.column.try_into().unwrap_or(u32::MAX))
    }

    fn pos(self) -> Pos {
        Pos::new(self.0 as usize, self.1 as usize)
    }
}

#[derive(Debug, Clone, Copy)]
enum Name {
    Root,
    /// A text, number or other scalar key: its text is at the entry's key position.
    Key,
    Index(u32),
    /// A key that is a list or a mapping (`? [a, b]`): no path names it.
    Complex,
}

#[derive(Debug, Default, Clone)]
pub struct Locator {
    entries: Vec<Entry>,
}

/// A node's place while the front matter is read: its entry, or none for a key.
pub(super) type Place = Option<u32>;

impl Locator {
    /// The root node, at `pos`.
    pub(super) fn root(&mut self, pos: Pos) -> u32 {
        self.push(u32::MAX, Name::Root, pos, pos)
    }

    /// Gives back what the index reserved while it grew.
    pub(super) fn shrink(&mut self) {
        self.entries.shrink_to_fit();
    }

    /// The `index`th item of the list at entry `parent`.
    pub(super) fn item(&mut self, parent: u32, index: usize, pos: Pos) -> u32 {
        self.push(parent, Name::Index(index as u32), pos, pos)
    }

    /// The value of a key (a scalar one, or not: a list or mapping) in the mapping at `parent`.
    pub(super) fn field(&mut self, parent: u32, scalar_key: bool, key_pos: Pos, pos: Pos) -> u32 {
        let name = if scalar_key { Name::Key } else { Name::Complex };
        self.push(parent, name, key_pos, pos)
    }

    /// A block mapping starts at its first `:`; its first key is where an author looks,
    /// for the mapping and (in a list) for the item.
    pub(super) fn first_key(&mut self, entry: u32, pos: Pos) {
        if let Some(e) = self.entries.get_mut(entry as usize) {
            if e.key == e.value {
                e.key = At::new(pos);
            }
            e.value = At::new(pos);
        }
    }

    fn push(&mut self, parent: u32, name: Name, key: Pos, value: Pos) -> u32 {
        self.entries.push(Entry { parent, name, key: At::new(key), value: At::new(value) });
        (self.entries.len() - 1) as u32
    }

    /// The dotted path of an entry (`features.0.title`) in `yaml`, the text it indexes.
    pub(super) fn path_of(&self, yaml: &str, entry: u32) -> String {
        let mut parts = Vec::new();
        let mut at = entry;
        while let Some(e) = self.entries.get(at as usize) {
            match e.name {
                Name::Root => break,
                Name::Key => parts.push(key_text(yaml, e.key).to_string()),
                Name::Index(i) => parts.push(i.to_string()),
                Name::Complex => parts.push("?".into()),
            }
            at = e.parent;
        }
        parts.reverse();
        parts.join(".")
    }

    /// The position of the key of `path` (or of the item, in a list), or of the
    /// nearest enclosing node that exists.
    pub fn key(&self, yaml: &str, path: &str) -> Pos {
        self.find(yaml, path).map_or(Pos::START, |e| e.key.pos())
    }

    /// The position of the value at `path`, or of the nearest enclosing node.
    pub fn value(&self, yaml: &str, path: &str) -> Pos {
        self.find(yaml, path).map_or(Pos::START, |e| e.value.pos())
    }

    /// Walks down from the root one name at a time; a key may itself hold dots.
    fn find(&self, yaml: &str, path: &str) -> Option<&Entry> {
        let mut at = 0u32;
        let mut rest = path;
        let mut found = None;
        while !rest.is_empty() {
            let named = |name: &str| rest == name || rest.strip_prefix(name).is_some_and(|r| r.starts_with('.'));
            let child = self.entries.iter().enumerate().skip(1).find_map(|(index, e)| {
                let name = match e.name {
                    _ if e.parent != at => return None,
                    Name::Key => key_text(yaml, e.key).to_string(),
                    Name::Index(i) => i.to_string(),
                    Name::Root | Name::Complex => return None,
                };
                named(&name).then_some((index, e, name.len()))
            });
            let Some((index, entry, len)) = child else { break };
            rest = rest[len..].strip_prefix('.').unwrap_or("");
            at = index as u32;
            found = Some(entry);
        }
        found
    }
}

/// The text of the scalar key that starts at `at`: quoted, up to its closing quote;
/// plain, up to the `:` that ends it.
fn key_text(yaml: &str, at: At) -> &str {
    let Some(line) = yaml.split('\n').nth((at.0 as usize).saturating_sub(1)) else { return "" };
    let start = line.char_indices().nth((at.1 as usize).saturating_sub(1)).map_or(line.len(), |(i, _)| i);
    let text = &line[start..];
    for quote in ['"', '\''] {
        if let Some(quoted) = text.strip_prefix(quote) {
            return quoted.split(quote).next().unwrap_or("");
        }
    }
    let end = text
        .char_indices()
        .find(|&(i, c)| c == ':' && text[i + 1..].chars().next().is_none_or(|n| n == ' ' || n == '\r' || n == ','))
        .map_or(text.len(), |(i, _)| i);
    text[..end].trim_end()
}
