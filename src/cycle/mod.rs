//! The release cycle (SPEC §12): start a release from the last one, approve exactly the
//! texts that were reviewed, notice when they change, and import a changelog.
//!
//! - [`new`]: `new release` and `new group`, carried over or from a commented skeleton;
//! - [`texts`]: what an approval covers, group by group, and its fingerprint;
//! - [`approval`]: whether each approved release is still approved (`stale-approval`);
//! - [`approve`]: `approve`, which records the approval in the front matter;
//! - [`edit`]: the in-place front-matter edit `approve` makes;
//! - [`changelog`]: `import changelog`;
//! - [`audience`]: the groups a release reaches that the product's previous one did not;
//! - [`write`]: new files that never overwrite, edits swapped in whole.

pub(crate) mod approval;
pub(crate) mod approve;
pub(crate) mod audience;
pub(crate) mod changelog;
pub(crate) mod edit;
pub(crate) mod new;
pub(crate) mod texts;
mod write;

use crate::diagnostics::Diagnostic;

/// Why a release-cycle command did nothing. Nothing was written in any case.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The command line names what is not there, or asks for what cannot be (exit 2).
    Usage(String),
    /// The site or a file stands in the way (exit 1).
    Content(String),
    /// The site's files have these errors (exit 1); the message says what they stop.
    Errors(Vec<Diagnostic>, String),
}

/// What a command wrote: the site-relative path, and a sentence about it.
#[derive(Debug)]
pub(crate) struct Written {
    pub path: String,
    pub note: String,
}

/// A refusal about one file, as a `path:line:col: error:` diagnostic.
fn in_file(path: &str, code: &'static str, message: String) -> Refusal {
    let d = Diagnostic::error(path, crate::diagnostics::Pos::START, code, message);
    Refusal::Errors(vec![d], "nothing was written".into())
}

/// `did you mean` over a list of names, as a sentence ending.
fn hint(word: &str, names: &[&str]) -> String {
    if names.is_empty() {
        return String::new();
    }
    crate::diagnostics::hint(word, names)
}
