//! `communique review`: the deployment manager's consolidated view of every release ×
//! group, or with `--plan` the distribution plan (who is notified, how and when).

use super::RootArg;
use crate::diagnostics::{self, Format as DiagnosticFormat};
use crate::review;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal, at most 120 characters wide
    Text,
    /// Tables to paste into a wiki page or a pull request
    Markdown,
    /// For scripts
    Json,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub root: RootArg,
    /// How to print the review
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print the distribution plan instead: per group, each communique's date, state and
    /// channels, and the group's contacts
    #[arg(long)]
    pub plan: bool,
    #[command(flatten)]
    pub now: super::NowArg,
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let now = match args.now.resolve() {
        Ok(now) => now,
        Err(usage) => return Ok(usage),
    };
    let mut loaded = crate::content::load(&args.root.root);
    // A stale approval is an error for a build, but the review is where it is looked
    // into: it shows it among the approvals instead of refusing. Not the plan: that
    // would show the release going out, which it does not.
    if !args.plan {
        loaded.diagnostics.retain(|d| !crate::cycle::approval::CODES.contains(&d.code));
    }
    let Some(site) = loaded.site.as_ref().filter(|_| diagnostics::count_errors(&loaded.diagnostics) == 0) else {
        // The review needs a site without errors; say what stands in the way.
        diagnostics::print(&loaded.diagnostics, DiagnosticFormat::Text);
        let errors = diagnostics::count_errors(&loaded.diagnostics);
        crate::errln!(
            "{errors} error{}: fix them (see `communique check`) to review the site",
            super::check::plural(errors)
        );
        return Ok(ExitCode::from(1));
    };
    let text = if args.plan {
        let plan = review::plan(site, now);
        match args.format {
            Format::Text => review::plan_to_text(&plan),
            Format::Markdown => review::plan_to_markdown(&plan),
            Format::Json => review::to_json(&plan),
        }
    } else {
        let review = review::review(site, &loaded.sources, now);
        match args.format {
            Format::Text => review::to_text(&review),
            Format::Markdown => review::to_markdown(&review),
            Format::Json => review::to_json(&review),
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // `communique review | head`: the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}
