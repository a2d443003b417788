//! A content file's text as read, kept so that any later rule can point at a key or
//! value in it. The position index comes from the one parse of its front matter.

use super::yaml::Locator;
use crate::diagnostics::{Diagnostic, Pos};
use std::sync::OnceLock;

pub struct Source {
    /// Site-relative path with `/` separators.
    pub path: String,
    /// The whole file, for rules that read the prose too (discouraged terms).
    pub text: String,
    /// Where the front matter is in `text` (see [`Source::yaml`]): a range, not a copy,
    /// since every file's source is held until the site is checked.
    yaml: std::ops::Range<usize>,
    /// The line of the file on which `yaml` starts.
    pub yaml_line: usize,
    locator: OnceLock<Locator>,
}

impl Source {
    /// `yaml`: where the front matter is in `text`.
    pub fn new(path: String, text: String, yaml: std::ops::Range<usize>, yaml_line: usize) -> Self {
        Source { path, text, yaml, yaml_line, locator: OnceLock::new() }
    }

    /// The front matter's YAML ("" when the file has none).
    pub fn yaml(&self) -> &str {
        self.text.get(self.yaml.clone()).unwrap_or_default()
    }

    /// A hash of the path and text: equal for an unchanged file, within one run of the
    /// program (the preview server compares its rebuilds with it).
    pub fn fingerprint(&self) -> u64 {
        crate::fingerprint::of((&self.path, &self.text))
    }

    /// Keeps where the front matter's keys and values are, as its parse found them.
    pub fn set_locator(&self, locator: Locator) {
        let _ = self.locator.set(locator);
    }

    /// Lets go of the position index once the file's own rules have run: most files get
    /// no later diagnostic, and a site's sources are held until every rule has run (a
    /// tenth of a large build's memory was their indexes).
    pub(crate) fn drop_locator(&mut self) {
        self.locator.take();
    }

    /// A source whose front matter was not parsed (a fuzz target's, one whose parse
    /// failed, or one whose index was let go) is parsed again on the first position
    /// asked; nothing is located in a text that is not YAML.
    fn locator(&self) -> &Locator {
        self.locator.get_or_init(|| super::yaml::read(self.yaml()).map(|f| f.locator).unwrap_or_default())
    }

    /// Converts a position inside the YAML into one inside the file.
    pub fn in_file(&self, pos: Pos) -> Pos {
        if self.yaml.is_empty() {
            return Pos::START;
        }
        Pos::new(pos.line + self.yaml_line - 1, pos.column)
    }

    /// The position of the key at a dotted path (`features.0.title`).
    pub fn key(&self, path: &str) -> Pos {
        if path.is_empty() {
            return Pos::START;
        }
        self.in_file(self.locator().key(self.yaml(), path))
    }

    /// The position of the value at a dotted path.
    pub fn value(&self, path: &str) -> Pos {
        if path.is_empty() {
            return Pos::START;
        }
        self.in_file(self.locator().value(self.yaml(), path))
    }

    pub fn error_at_key(&self, path: &str, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, self.key(path), code, message)
    }

    pub fn error_at_value(&self, path: &str, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.path, self.value(path), code, message)
    }

    pub fn warning_at_key(&self, path: &str, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.path, self.key(path), code, message)
    }

    pub fn warning_at_value(&self, path: &str, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(&self.path, self.value(path), code, message)
    }
}
