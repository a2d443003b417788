//! One way to build a site, for `build` and for the preview server alike: load, check,
//! render into staging, swap in. Errors leave the previous output untouched.

use crate::diagnostics::Diagnostic;
use crate::model::{Audience, Site};
use crate::output::{self, Staging};
use crate::render::memo::Memo;
use crate::render::{self, Options, Stats};
use crate::select::Mode;
use std::path::{Path, PathBuf};

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
    reach: crate::select::Reach,
    /// The manifest of the last build's output.
    manifest: Option<output::Manifest>,
    /// The most URLs a sitemap file holds; None: the protocol's 50,000. Smaller only in
    /// tests, to see a sitemap of several files come and go without 50,000 pages.
    #[doc(hidden)]
    pub sitemap_limit: Option<usize>,
}

/// Builds the site; on failure returns every error (and writes nothing).
pub fn build(request: &Request) -> Result<Built, Vec<Diagnostic>> {
    build_in(request, None)
}

/// [`build`] again, reusing what `session` kept of the last build: only changed files
/// are parsed, only pages whose inputs changed are made. The result is the same, byte
/// for byte, except that `warnings` is not counted (0). The output must be the
/// caller's own: changed files are written over the old ones, so nothing may read
/// them while this runs.
pub fn rebuild(request: &Request, session: &mut Session) -> Result<Built, Vec<Diagnostic>> {
    build_in(request, Some(session))
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

fn build_in(request: &Request, mut session: Option<&mut Session>) -> Result<Built, Vec<Diagnostic>> {
    let (mut site, sources, warnings) = load(request, session.as_deref_mut())?;
    if let Some(url) = &request.base_url {
        site.config.base_url = crate::config::with_trailing_slash(url);
    }
    let output = request.output.clone().unwrap_or_else(|| {
        request.root.join(match request.audience {
            Audience::Public => &site.config.output_dir,
            Audience::Internal => &site.config.internal_output_dir,
        })
    });
    let fail = |message: String| vec![Diagnostic::error("site.toml", crate::diagnostics::Pos::START, "io", message)];
    output::check_output_dir(request.root, &output).map_err(fail)?;
    if request.output.is_none() && !output::absolute(&output).starts_with(output::absolute(request.root)) {
        // site.toml names a folder inside the site (checked as it is read); a symbolic
        // link there must not carry the output, and hidden files from `static/`, elsewhere.
        return Err(fail(format!(
            "the output folder `{}` is a symbolic link out of the site; remove the link, or name the folder with `communique build --output`",
            output.display()
        )));
    }
    let phase = crate::profile::Phase::start("prepare output");
    let last = session.as_deref_mut().and_then(|s| s.manifest.take());
    // The preview server's output is read by it alone, and not while it rebuilds.
    let in_place = session.is_some();
    let staging = Staging::begin_after(&output, last, in_place)
        .map_err(|e| fail(format!("cannot prepare `{}`: {e}", output.display())))?;
    phase.end();
    let emails = match &request.emails {
        Some(dir) => {
            output::check_output_dir(request.root, dir).map_err(fail)?;
            Some(Staging::begin(dir).map_err(|e| fail(format!("cannot prepare `{}`: {e}", dir.display())))?)
        }
        None => None,
    };
    let sitemap_limit = session.as_ref().and_then(|s| s.sitemap_limit).unwrap_or(render::sitemap::URL_LIMIT);
    let options = Options { mode: request.mode, audience: request.audience, now: request.now, sitemap_limit };
    let round = session.as_deref_mut().map(|s| {
        let phase = crate::profile::Phase::start("what the last build made");
        let round = std::mem::take(&mut s.memo).round(request.root, &site, request.mode, request.audience);
        phase.end();
        round
    });
    let mut no_reach = crate::select::Reach::default();
    let reach = session.as_deref_mut().map_or(&mut no_reach, |s| &mut s.reach);
    let rendered = render::build(request.root, &site, &options, &staging, emails.as_ref(), round.as_ref(), reach);
    let mut stats = match rendered {
        Ok(stats) => stats,
        Err(errors) => {
            // Nothing was written: what the last build made is still the output.
            if let (Some(session), Some(round)) = (session, round) {
                session.memo = round.abandon();
            }
            return Err(errors);
        }
    };
    let phase = crate::profile::Phase::start("commit");
    let committed = staging.commit();
    phase.end();
    let (files, manifest) = match committed {
        Ok(committed) => committed,
        Err(e) => {
            if let Some(session) = session {
                // The output is uncertain: reuse nothing.
                session.memo = Memo::default();
            }
            return Err(fail(format!("cannot write `{}`: {e}", output.display())));
        }
    };
    stats.files = files;
    if let (Some(session), Some(round)) = (session, round) {
        let phase = crate::profile::Phase::start("what this build made");
        session.memo = round.finish(&manifest);
        phase.end();
        session.manifest = Some(manifest);
    }
    if let (Some(emails), Some(dir)) = (emails, &request.emails) {
        emails.commit().map_err(|e| fail(format!("cannot write `{}`: {e}", dir.display())))?;
    }
    Ok(Built { stats, output, warnings, site, sources })
}
