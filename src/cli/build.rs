//! `communique build`: the portal for one audience, written atomically.

use super::RootArg;
use crate::diagnostics::{self, Format};
use crate::model::Audience;
use crate::output::{self, Staging};
use crate::render::{self, Options};
use crate::select::Mode;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub root: RootArg,
    /// Where to write the site (default: output_dir, or internal_output_dir with --audience internal)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// The URL the site is served from, instead of site.toml's base_url
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include draft and review releases, marked as drafts
    #[arg(long)]
    pub drafts: bool,
    /// Include approved releases whose publish_at is still to come, marked as scheduled
    #[arg(long)]
    pub future: bool,
    /// Who the build is for: public (only public groups) or internal (all groups)
    #[arg(long, value_enum, default_value_t = AudienceArg::Public)]
    pub audience: AudienceArg,
    /// The moment to build for (RFC 3339); default SOURCE_DATE_EPOCH, else the clock
    #[arg(long)]
    pub now: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AudienceArg {
    Public,
    Internal,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let now = match super::now(args.now.as_deref()) {
        Ok(now) => now,
        Err(message) => return Ok(super::usage_error(&message)),
    };
    if let Some(url) = &args.base_url {
        if !crate::config::is_absolute_url(url) {
            return Ok(super::usage_error(&format!(
                "--base-url `{url}` must be an absolute URL such as `https://releases.example.com/`"
            )));
        }
    }
    let root = &args.root.root;
    let loaded = crate::content::load(root);
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    let Some(mut site) = loaded.site.filter(|_| errors.is_empty()) else {
        diagnostics::print(&errors, Format::Text);
        eprintln!(
            "build failed: {} error{}; the output was not touched",
            errors.len(),
            super::check::plural(errors.len())
        );
        return Ok(ExitCode::from(1));
    };
    let warnings = loaded.diagnostics.len() - errors.len();
    if let Some(url) = &args.base_url {
        site.config.base_url = crate::config::with_trailing_slash(url);
    }
    let audience = match args.audience {
        AudienceArg::Public => Audience::Public,
        AudienceArg::Internal => Audience::Internal,
    };
    let output_dir = args.output.clone().unwrap_or_else(|| {
        root.join(match audience {
            Audience::Public => &site.config.output_dir,
            Audience::Internal => &site.config.internal_output_dir,
        })
    });
    if let Err(message) = output::check_output_dir(root, &output_dir) {
        eprintln!("error: {message}");
        return Ok(ExitCode::from(1));
    }
    let staging = Staging::begin(&output_dir)?;
    let options = Options { mode: Mode::Publish { drafts: args.drafts, future: args.future }, audience, now };
    let stats = match render::build(root, &site, &options, &staging) {
        Ok(stats) => stats,
        Err(errors) => {
            diagnostics::print(&errors, Format::Text);
            eprintln!(
                "build failed: {} error{}; the output was not touched",
                errors.len(),
                super::check::plural(errors.len())
            );
            return Ok(ExitCode::from(1));
        }
    };
    staging.commit()?;
    let note = if warnings > 0 {
        format!(" ({warnings} warning{}: run `communique check`)", super::check::plural(warnings))
    } else {
        String::new()
    };
    println!(
        "{} groups, {} releases, {} communiques, {} feeds, {} files in {} ms → {}{note}",
        stats.groups,
        stats.releases,
        stats.communiques,
        stats.feeds,
        stats.files,
        started.elapsed().as_millis(),
        output_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
