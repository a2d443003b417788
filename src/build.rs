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
    let loaded = crate::content::load(request.root);
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    let Some(mut site) = loaded.site.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let warnings = loaded.diagnostics.len();
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
    let options = Options { mode: request.mode, audience: request.audience, now: request.now };
    let stats = render::build(request.root, &site, &options, &staging)?;
    staging.commit().map_err(|e| fail(format!("cannot write `{}`: {e}", output.display())))?;
    Ok(Built { stats, output, warnings, site, sources: loaded.sources })
}
