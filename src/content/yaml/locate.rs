//! Where each key and value of a front matter is, recorded by the one parse that reads
//! it (see `load`), so that a diagnostic about `features[2].groups[1]` points at that
//! very word in the file. Paths are dotted: `features.0.groups.1`.

use crate::diagnostics::Pos;

/// One node of the front matter: its parent, its name there, and where its key (or, in
/// a list, the item) and its value start. The root is entry 0.
#[derive(Debug, Clone)]
struct Entry {
    parent: u32,
    name: Name,
    key: Pos,
    value: Pos,
}

#[derive(Debug, Clone)]
enum Name {
    Root,
    Key(String),
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

    /// The `index`th item of the list at entry `parent`.
    pub(super) fn item(&mut self, parent: u32, index: usize, pos: Pos) -> u32 {
        self.push(parent, Name::Index(index as u32), pos, pos)
    }

    /// The value of `key` (None for a list or mapping as a key) in the mapping at `parent`.
    pub(super) fn field(&mut self, parent: u32, key: Option<String>, key_pos: Pos, pos: Pos) -> u32 {
        let name = key.map_or(Name::Complex, Name::Key);
        self.push(parent, name, key_pos, pos)
    }

    /// A block mapping starts at its first `:`; its first key is where an author looks,
    /// for the mapping and (in a list) for the item.
    pub(super) fn first_key(&mut self, entry: u32, pos: Pos) {
        if let Some(e) = self.entries.get_mut(entry as usize) {
            if e.key == e.value {
                e.key = pos;
            }
            e.value = pos;
        }
    }

    fn push(&mut self, parent: u32, name: Name, key: Pos, value: Pos) -> u32 {
        self.entries.push(Entry { parent, name, key, value });
        (self.entries.len() - 1) as u32
    }

    /// The dotted path of an entry (`features.0.title`).
    pub(super) fn path_of(&self, entry: u32) -> String {
        let mut parts = Vec::new();
        let mut at = entry;
        while let Some(e) = self.entries.get(at as usize) {
            match &e.name {
                Name::Root => break,
                Name::Key(k) => parts.push(k.clone()),
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
    pub fn key(&self, path: &str) -> Pos {
        self.find(path).map_or(Pos::START, |e| e.key)
    }

    /// The position of the value at `path`, or of the nearest enclosing node.
    pub fn value(&self, path: &str) -> Pos {
        self.find(path).map_or(Pos::START, |e| e.value)
    }

    /// Walks down from the root one name at a time; a key may itself hold dots.
    fn find(&self, path: &str) -> Option<&Entry> {
        let mut at = 0u32;
        let mut rest = path;
        let mut found = None;
        while !rest.is_empty() {
            let child = self.entries.iter().enumerate().skip(1).find(|(_, e)| {
                e.parent == at
                    && match &e.name {
                        Name::Key(k) => rest == k || rest.strip_prefix(k.as_str()).is_some_and(|r| r.starts_with('.')),
                        Name::Index(i) => {
                            let i = i.to_string();
                            rest == i || rest.strip_prefix(i.as_str()).is_some_and(|r| r.starts_with('.'))
                        }
                        _ => false,
                    }
            });
            let Some((index, entry)) = child else { break };
            let len = match &entry.name {
                Name::Key(k) => k.len(),
                Name::Index(i) => i.to_string().len(),
                _ => break,
            };
            rest = rest[len..].strip_prefix('.').unwrap_or("");
            at = index as u32;
            found = Some(entry);
        }
        found
    }
}
