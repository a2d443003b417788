//! One way to build a site, for `build` and for the preview server alike: load, check,
//! render into staging, swap in. Errors leave the previous output untouched.

use crate::diagnostics::Diagnostic;
use crate::model::{Audience, Site};
use crate::output::{self, Staging};
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
    pub sources: std::collections::HashMap<String, crate::content::Source>,
}

/// Builds the site; on failure returns every error (and writes nothing).
pub fn build(request: &Request) -> Result<Built, Vec<Diagnostic>> {
    let phase = crate::profile::Phase::start("load and validate");
    let loaded = crate::content::load(request.root);
    phase.end();
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    let Some(mut site) = loaded.site.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    // Warnings do not stop a build, but its summary line says how many `check` will show.
    let warnings = loaded.diagnostics.len() + crate::lint::warnings(&site, &loaded.sources, request.now).len();
    let sources = if request.keep_sources { loaded.sources } else { Default::default() };
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
    let staging = Staging::begin(&output).map_err(|e| fail(format!("cannot prepare `{}`: {e}", output.display())))?;
    let emails = match &request.emails {
        Some(dir) => {
            output::check_output_dir(request.root, dir).map_err(fail)?;
            Some(Staging::begin(dir).map_err(|e| fail(format!("cannot prepare `{}`: {e}", dir.display())))?)
        }
        None => None,
    };
    let options = Options { mode: request.mode, audience: request.audience, now: request.now };
    let stats = render::build(request.root, &site, &options, &staging, emails.as_ref())?;
    let phase = crate::profile::Phase::start("commit");
    let committed = staging.commit();
    phase.end();
    committed.map_err(|e| fail(format!("cannot write `{}`: {e}", output.display())))?;
    if let (Some(emails), Some(dir)) = (emails, &request.emails) {
        emails.commit().map_err(|e| fail(format!("cannot write `{}`: {e}", dir.display())))?;
    }
    Ok(Built { stats, output, warnings, site, sources })
}
