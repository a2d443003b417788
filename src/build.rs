//! One way to build a site, for `build` and for the preview server alike: load, check,
//! render into staging, swap in. Errors leave the previous output untouched.

use crate::diagnostics::Diagnostic;
use crate::model::{Audience, Site};
use crate::output::{self, Staging};
pub use crate::render::first::{First, Pages};
use crate::render::memo::Memo;
use crate::render::{self, Options, Stats};
use crate::select::{self, Mode};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Request<'a> {
    pub root: &'a Path,
    /// None: `output_dir` (or `internal_output_dir`) from site.toml, under the root.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub mode: Mode,
    pub audience: Audience,
    pub now: jiff::Timestamp,
    /// `--emails DIR`: also write one `.eml` per communique there.
    pub emails: Option<PathBuf>,
    /// Keep the files' text in [`Built::sources`] (the preview server's review needs
    /// it); a plain build frees it before rendering.
    pub keep_sources: bool,
}

pub struct Built {
    pub stats: Stats,
    pub output: PathBuf,
    pub warnings: usize,
    pub site: Site,
    pub sources: crate::content::Sources,
}

/// What the preview server keeps from one build to the next, so that a rebuild costs
/// what the edit touched: each file's parse, and what each output file was made from.
#[derive(Default)]
pub struct Session {
    pub files: crate::content::Cache,
    memo: Memo,
    reach: select::Reach,
    /// The manifest of the last build's output.
    manifest: Option<output::Manifest>,
    /// The pages to make first and where to hand them (the preview's open tabs).
    #[doc(hidden)]
    pub first: Option<First>,
    /// The most URLs a sitemap file holds; None: the protocol's 50,000. Smaller only in
    /// tests, to see a sitemap of several files come and go without 50,000 pages.
    #[doc(hidden)]
    pub sitemap_limit: Option<usize>,
}

/// A build that did not succeed: every error, and what it did to the output.
#[derive(Debug)]
pub struct Failed {
    pub errors: Vec<Diagnostic>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was written: the previous output is as it was.
    Untouched,
    /// Refused before anything was written: the folders the request names overlap, or
    /// the output holds what the build would have to write over. The person building
    /// must choose another folder or move things: a usage error.
    Refused,
    /// The output was partly updated before an error (the errors say how far).
    PartlyWritten,
}

fn untouched(errors: Vec<Diagnostic>) -> Failed {
    Failed { errors, outcome: Outcome::Untouched }
}

/// Builds the site; on failure returns every error, and whether the output changed.
pub fn build(request: &Request) -> Result<Built, Failed> {
    build_in(request, None)
}

/// [`build`] again, reusing what `session` kept of the last build: only changed files
/// are parsed, only pages whose inputs changed are made. The result is the same, byte
/// for byte, except that `warnings` is not counted (0). The output must be the
/// caller's own: changed files are written over the old ones, so nothing may read
/// them while this runs.
pub fn rebuild(request: &Request, session: &mut Session) -> Result<Built, Vec<Diagnostic>> {
    let built = rebuild_before_search(request, session)?;
    finish_deferred(&built.output, session, || ())?;
    Ok(built)
}

/// [`rebuild`], but for the search index's shards the edit changed, which the output
/// keeps as they were until [`finish_deferred`] makes them: the preview shows the
/// rebuilt pages without waiting for the index.
pub fn rebuild_before_search(request: &Request, session: &mut Session) -> Result<Built, Vec<Diagnostic>> {
    build_in(request, Some(session)).map_err(|failed| failed.errors)
}

/// Makes what [`rebuild_before_search`] left to make in `output` (its [`Built::output`]):
/// the search index's changed shards, to the bytes a full build writes. Nothing to do
/// when nothing was left. On failure the output keeps the last index, which the next
/// rebuild makes again. The index is made aside; `commit_lock` is held while it is
/// written over the old one (the preview serves pages meanwhile, and not then).
pub fn finish_deferred<L>(
    output: &Path,
    session: &mut Session,
    commit_lock: impl FnOnce() -> L,
) -> Result<(), Vec<Diagnostic>> {
    finish_deferred_from(output, session, &crate::search::Made::default(), commit_lock)
}

/// The shards [`rebuild_before_search`] left to index, in their index's language, for
/// the preview's indexer to make ahead of [`finish_deferred_from`], without `session`.
pub(crate) fn deferred_shards(session: &Session) -> Vec<(crate::search::Language, Arc<crate::search::PendingShard>)> {
    let indexes = session.memo.deferred_search();
    indexes
        .iter()
        .flat_map(|index| index.pending.iter().map(|shard| (index.language.clone(), Arc::clone(shard))))
        .collect()
}

/// [`finish_deferred`], writing the shards found in `made` from there.
pub(crate) fn finish_deferred_from<L>(
    output: &Path,
    session: &mut Session,
    made: &crate::search::Made,
    commit_lock: impl FnOnce() -> L,
) -> Result<(), Vec<Diagnostic>> {
    let deferred = session.memo.take_deferred_search();
    if deferred.is_empty() {
        return Ok(());
    }
    let phase = crate::profile::Phase::start("search index, after the pages");
    let error = |message: String| vec![Diagnostic::error("site.toml", crate::diagnostics::Pos::START, "io", message)];
    let staging = Staging::begin_after(output, session.manifest.take(), true)
        .map_err(|e| error(format!("cannot prepare `{}`: {e}", output.display())))?;
    // Each language's index is its own folder; all else stays as the rebuild left it.
    staging.keep_all_but(&deferred.iter().map(|index| index.folder.as_str()).collect::<Vec<_>>());
    for index in &deferred {
        index.write(&staging, made).map_err(error)?;
    }
    let lock = commit_lock();
    let committed = staging.commit();
    drop(lock);
    match committed {
        Ok((_, manifest)) => session.manifest = Some(manifest),
        Err(e) => {
            // The output is uncertain: reuse nothing.
            session.memo = Memo::default();
            return Err(error(format!("cannot write `{}`: {e}", output.display())));
        }
    }
    phase.end();
    Ok(())
}

/// Loads and checks the site: the site, the files' text if the request keeps it, and the
/// number of warnings. Without `keep_sources` the text is freed when this returns, before
/// anything is rendered: it is a good part of what a large build holds.
fn load(
    request: &Request,
    session: Option<&mut Session>,
) -> Result<(Site, crate::content::Sources, usize), Vec<Diagnostic>> {
    let phase = crate::profile::Phase::start("load and validate");
    let preview = session.is_some();
    let loaded = match session {
        Some(session) => crate::content::load_cached(request.root, &mut session.files),
        None => crate::content::load(request.root),
    };
    phase.end();
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    let Some(site) = loaded.site.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    // Warnings do not stop a build, but its summary line says how many `check` will show.
    // The preview does not say, and its rebuilds must be quick.
    let warnings = if preview {
        0
    } else {
        loaded.diagnostics.len() + crate::lint::warnings(&site, &loaded.sources, request.now).len()
    };
    let sources = if request.keep_sources { loaded.sources } else { Default::default() };
    Ok((site, sources, warnings))
}

fn build_in(request: &Request, mut session: Option<&mut Session>) -> Result<Built, Failed> {
    let (mut site, sources, warnings) = load(request, session.as_deref_mut()).map_err(untouched)?;
    if let Some(url) = &request.base_url {
        site.config.base_url = crate::config::with_trailing_slash(url);
    }
    let configured = |audience| {
        request.root.join(match audience {
            Audience::Public => &site.config.output_dir,
            Audience::Internal => &site.config.internal_output_dir,
        })
    };
    let output = request.output.clone().unwrap_or_else(|| configured(request.audience));
    let error = |message: String| Diagnostic::error("site.toml", crate::diagnostics::Pos::START, "io", message);
    let fail = |message: String| untouched(vec![error(message)]);
    let refused = |message: String| Failed { errors: vec![error(message)], outcome: Outcome::Refused };
    output::check_output_dir(request.root, &output).map_err(fail)?;
    if request.output.is_none() {
        // A folder of site.toml's path (written by whoever writes the repository) may
        // not be a link either: the build would write wherever it points.
        output::check_no_links(request.root, &output).map_err(refused)?;
    }
    folders_apart(request, &output, &configured).map_err(
        |(message, usage)| {
            if usage {
                refused(message)
            } else {
                fail(message)
            }
        },
    )?;
    let prepare_failed = |dir: &Path, e: output::Failure| match e {
        output::Failure::InTheWay(message) => refused(message),
        e => Failed {
            errors: vec![error(format!("cannot prepare `{}`: {e}", dir.display()))],
            outcome: if e.touched() { Outcome::PartlyWritten } else { Outcome::Untouched },
        },
    };
    let phase = crate::profile::Phase::start("prepare output");
    let last = session.as_deref_mut().and_then(|s| s.manifest.take());
    // The preview server's output is read by it alone, and not while it rebuilds.
    let in_place = session.is_some();
    let staging = Staging::begin_after(&output, last, in_place).map_err(|e| prepare_failed(&output, e))?;
    phase.end();
    let emails = match &request.emails {
        Some(dir) => {
            output::check_output_dir(request.root, dir).map_err(fail)?;
            Some(Staging::begin(dir).map_err(|e| prepare_failed(dir, e))?)
        }
        None => None,
    };
    let sitemap_limit = session.as_ref().and_then(|s| s.sitemap_limit).unwrap_or(render::sitemap::URL_LIMIT);
    let first = session.as_ref().and_then(|s| s.first.clone());
    let options = Options { mode: request.mode, sitemap_limit, first };
    // A build saves its memo beside the output, and the next build into that output
    // makes only what changed since (not with `--emails`: every message is written).
    let memo_file = staging.memo_file();
    let saves = session.is_none() && request.emails.is_none();
    let phase = crate::profile::Phase::start("what the last build made");
    let memo = match session.as_deref_mut() {
        Some(s) => Some(std::mem::take(&mut s.memo)),
        None if saves => Some(Memo::load(&memo_file, staging.previous_stamp()).unwrap_or_else(Memo::for_build)),
        None => None,
    };
    let round = memo.map(|memo| memo.round(request.root, &site, request.mode, request.audience));
    phase.end();
    let mut no_reach = select::Reach::default();
    let reach = session.as_deref_mut().map_or(&mut no_reach, |s| &mut s.reach);
    let phase = crate::profile::Phase::start("select");
    let selection = select::select_reusing(&site, request.mode, request.audience, request.now, reach);
    phase.end();
    let rendered = render::build(request.root, &selection, &options, &staging, emails.as_ref(), round.as_ref());
    drop(selection);
    // What the e-mails would change is checked too before the portal is committed: a
    // refusal there must leave both folders as they were.
    let checked = match (&rendered, &emails, &request.emails) {
        (Ok(_), Some(emails), Some(dir)) => emails.check().map_err(|e| commit_failed(dir, e, &error, &refused)),
        _ => Ok(()),
    };
    let mut stats = match rendered.map_err(untouched).and_then(|stats| checked.map(|()| stats)) {
        Ok(stats) => stats,
        Err(failed) => {
            // Nothing was written: what the last build made is still the output.
            if let (Some(session), Some(round)) = (session, round) {
                session.memo = round.abandon();
            }
            return Err(failed);
        }
    };
    let phase = crate::profile::Phase::start("commit");
    let committed = staging.commit();
    phase.end();
    let (files, manifest) = match committed {
        Ok(committed) => committed,
        Err(e) => {
            // The output is uncertain: reuse nothing.
            match session {
                Some(session) => session.memo = Memo::default(),
                None => Memo::forget(&memo_file),
            }
            return Err(commit_failed(&output, e, &error, &refused));
        }
    };
    stats.files = files;
    let phase = crate::profile::Phase::start("what this build made");
    match (session, round) {
        (Some(session), Some(round)) => {
            session.memo = round.finish(&manifest);
            session.manifest = Some(manifest);
        }
        (None, Some(round)) => {
            let memo = round.finish(&manifest);
            // A memo that cannot be saved costs the next build time, not this one its output.
            if manifest.print().is_none_or(|print| memo.save(&memo_file, print).is_err()) {
                Memo::forget(&memo_file);
            }
        }
        (None, None) => Memo::forget(&memo_file),
        (Some(_), None) => {}
    }
    phase.end();
    if let (Some(emails), Some(dir)) = (emails, &request.emails) {
        emails.commit().map_err(|e| {
            let mut failed = commit_failed(dir, e, &error, &refused);
            // The portal is written, whatever happened to the e-mails.
            failed.outcome = Outcome::PartlyWritten;
            failed.errors[0].message.push_str(&format!(" (the site was written to `{}`)", output.display()));
            failed
        })?;
    }
    Ok(Built { stats, output, warnings, site, sources })
}

/// A commit's failure, as the build reports it.
fn commit_failed(
    dir: &Path,
    e: output::Failure,
    error: &dyn Fn(String) -> Diagnostic,
    refused: &dyn Fn(String) -> Failed,
) -> Failed {
    match e {
        output::Failure::InTheWay(message) => refused(message),
        e => Failed {
            errors: vec![error(format!("cannot write `{}`: {e}", dir.display()))],
            outcome: if e.touched() { Outcome::PartlyWritten } else { Outcome::Untouched },
        },
    }
}

/// Each folder a build writes is its own: `--emails` is not the output folder, nor
/// either audience's, nor inside or around one of them (a build deletes from its folder
/// what it wrote there before and no longer writes); and the two audiences' folders do
/// not nest (the internal portal would be published with the public one). The error
/// says whether it is a usage error (a folder named on the command line).
fn folders_apart(
    request: &Request,
    output: &Path,
    configured: &dyn Fn(Audience) -> PathBuf,
) -> Result<(), (String, bool)> {
    let other = match request.audience {
        Audience::Public => (Audience::Internal, "`internal_output_dir`"),
        Audience::Internal => (Audience::Public, "`output_dir`"),
    };
    let this = match request.audience {
        Audience::Public => "`output_dir`",
        Audience::Internal => "`internal_output_dir`",
    };
    let (what, usage) = if request.output.is_some() { ("the output folder", true) } else { (this, false) };
    output::check_apart(output, what, &configured(other.0), other.1, true).map_err(|m| (m, usage))?;
    if let Some(emails) = &request.emails {
        let this_configured = (configured(request.audience), this);
        for (folder, name) in [(output.to_path_buf(), what), this_configured, (configured(other.0), other.1)] {
            output::check_apart(emails, "--emails", &folder, name, false).map_err(|m| (m, true))?;
        }
    }
    Ok(())
}
