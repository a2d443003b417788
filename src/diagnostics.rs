//! Diagnostics: what is wrong, where (`path:line:col`), and how to say it to a person,
//! a script (JSON) or a CI system (GitHub annotations).

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One finding about the site's files. `path` is relative to the site root, with `/`
/// separators, so the same site gives the same output on every machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, pos: Pos, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, pos, code, message)
    }

    pub fn warning(path: impl Into<String>, pos: Pos, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, pos, code, message)
    }

    fn new(
        severity: Severity,
        path: impl Into<String>,
        pos: Pos,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic { path: path.into(), line: pos.line, column: pos.column, severity, code, message: message.into() }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}: {} [{}]", self.path, self.line, self.column, self.severity, self.message, self.code)
    }
}

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };

    pub fn new(line: usize, column: usize) -> Self {
        Pos { line: line.max(1), column: column.max(1) }
    }
}

/// Codes that say something is absent: in a file that also has an unknown field, most
/// likely because that field is the absent one misspelt (`titel:` → `title` is
/// required; `feaures:` → the release reaches no group).
const ABSENCES: &[&str] = &["missing-field", "no-group"];

/// Diagnostics in a stable order: by file, then position, errors before warnings; and in
/// a file with an unknown field, what is absent after it, so that the root cause of a
/// typo is read first.
pub(crate) fn sort(diagnostics: &mut Vec<Diagnostic>) {
    let with_unknown_fields: std::collections::HashSet<String> =
        diagnostics.iter().filter(|d| d.code == "unknown-field").map(|d| d.path.clone()).collect();
    let consequence = |d: &Diagnostic| ABSENCES.contains(&d.code) && with_unknown_fields.contains(&d.path);
    diagnostics.sort_by(|a, b| {
        (&a.path, consequence(a), a.line, a.column, a.severity, a.code, &a.message).cmp(&(
            &b.path,
            consequence(b),
            b.line,
            b.column,
            b.severity,
            b.code,
            &b.message,
        ))
    });
    diagnostics.dedup();
}

pub(crate) fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
}

/// Prints diagnostics: text goes to stderr (it is for a person watching a build),
/// JSON and GitHub annotations go to stdout (they are for a program).
pub(crate) fn print(diagnostics: &[Diagnostic], format: Format) {
    match format {
        Format::Text => {
            for d in diagnostics {
                crate::errln!("{d}");
            }
        }
        Format::Json => crate::outln!("{}", to_json(diagnostics)),
        Format::Github => {
            for d in diagnostics {
                crate::outln!("{}", github_annotation(d));
            }
        }
    }
}

pub(crate) fn to_json(diagnostics: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(diagnostics).expect("diagnostics serialize")
}

/// `::error file=…,line=…,col=…,title=…::message`, with GitHub's escaping of `%`, CR, LF
/// (and `,` `:` in properties).
pub(crate) fn github_annotation(d: &Diagnostic) -> String {
    fn data(s: &str) -> String {
        s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    format!(
        "::{} file={},line={},col={},title={}::{}",
        d.severity,
        property(&d.path),
        d.line,
        d.column,
        property(d.code),
        data(&d.message)
    )
}

/// "did you mean `x`?" for the closest of `candidates`, if one is close enough to be a typo.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The hint sentence that follows a message: " (did you mean `x`?)" or " (expected one of …)".
pub(crate) fn hint(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates.iter().copied()) {
        Some(c) => format!("; did you mean `{c}`?"),
        None if candidates.len() <= 12 => {
            format!("; expected one of {}", candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("titel", ["title", "summary"]), Some("title"));
        assert_eq!(did_you_mean("aproved", ["draft", "review", "approved"]), Some("approved"));
        assert_eq!(did_you_mean("zzz", ["title", "summary"]), None);
    }

    #[test]
    fn github_annotations_escape_properties_and_data() {
        let d = Diagnostic::error("a,b.md", Pos::new(3, 4), "unknown-field", "50% done\nnext");
        assert_eq!(github_annotation(&d), "::error file=a%2Cb.md,line=3,col=4,title=unknown-field::50%25 done%0Anext");
    }

    #[test]
    fn what_a_typo_leaves_absent_comes_after_the_typo() {
        let missing = Diagnostic::error("r.md", Pos::new(1, 1), "missing-field", "`title` is required");
        let typo = Diagnostic::error("r.md", Pos::new(4, 1), "unknown-field", "unknown field `titel`");
        let other = Diagnostic::error("s.md", Pos::new(1, 1), "missing-field", "`name` is required");
        let mut found = vec![other.clone(), missing.clone(), typo.clone()];
        sort(&mut found);
        assert_eq!(found, [typo, missing.clone(), other.clone()]);
        // Without a typo in the file, by position.
        let late = Diagnostic::error("r.md", Pos::new(9, 1), "invalid-value", "x");
        let mut found = vec![late.clone(), missing.clone()];
        sort(&mut found);
        assert_eq!(found, [missing, late]);
    }

    #[test]
    fn text_form_is_path_line_col() {
        let d = Diagnostic::warning("content/x.md", Pos::new(2, 1), "long-summary", "too long");
        assert_eq!(d.to_string(), "content/x.md:2:1: warning: too long [long-summary]");
    }
}
