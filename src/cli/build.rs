//! `communique build`: the portal for one audience, written atomically.

use super::RootArg;
use crate::build::{self, Outcome, Request};
use crate::diagnostics::{self, Format};
use crate::model::Audience;
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
    #[command(flatten)]
    pub now: super::NowArg,
    /// Also write one mail-ready message per communique to DIR/<slug>/<group>.eml
    #[arg(long, value_name = "DIR")]
    pub emails: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AudienceArg {
    Public,
    Internal,
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let now = match args.now.resolve() {
        Ok(now) => now,
        Err(usage) => return Ok(usage),
    };
    if let Some(url) = &args.base_url {
        if let Err(problem) = crate::config::check_base_url(url) {
            return Ok(super::usage_error(&format!("--base-url {problem}")));
        }
    }
    // An explicit folder that would overwrite the site is a usage error, said before
    // anything is read.
    for folder in [&args.output, &args.emails].into_iter().flatten() {
        if let Err(message) = crate::output::check_output_dir(&args.root.root, folder) {
            return Ok(super::usage_error(&message));
        }
    }
    let request = Request {
        root: &args.root.root,
        output: args.output.clone(),
        base_url: args.base_url.clone(),
        mode: Mode::Publish { drafts: args.drafts, future: args.future },
        audience: match args.audience {
            AudienceArg::Public => Audience::Public,
            AudienceArg::Internal => Audience::Internal,
        },
        now,
        emails: args.emails.clone(),
        keep_sources: false,
    };
    match build::build(&request) {
        Ok(built) => {
            let s = &built.stats;
            if !s.groups_without_email.is_empty() {
                crate::errln!(
                    "note: no e-mails for {} (no `email` in their group file)",
                    s.groups_without_email.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", ")
                );
            }
            let emails = match &args.emails {
                Some(dir) => format!(", {} e-mails → {}", s.emails, dir.display()),
                None => String::new(),
            };
            let note = match built.warnings {
                0 => String::new(),
                n => format!(" ({n} warning{}: run `communique check`)", super::check::plural(n)),
            };
            let count = |n: usize, what: &str| format!("{n} {what}{}", super::check::plural(n));
            let look = local_look(args.base_url.as_deref());
            crate::outln!(
                "{}, {}, {}, {}, {} in {} ms → {}{emails}{look}{note}",
                count(s.groups, "group"),
                count(s.releases, "release"),
                count(s.communiques, "communique"),
                count(s.feeds, "feed"),
                count(s.files, "file"),
                started.elapsed().as_millis(),
                // `./public` reads better as `public`, as the user would type it.
                built.output.strip_prefix(".").unwrap_or(&built.output).display()
            );
            super::leave_to_exit(built);
            Ok(ExitCode::SUCCESS)
        }
        Err(failed) => {
            let n = failed.errors.len();
            let errors = format!("{n} error{}", super::check::plural(n));
            match failed.outcome {
                Outcome::Refused => {
                    for error in &failed.errors {
                        crate::errln!("error: {}", error.message);
                    }
                    crate::errln!("build refused: nothing was written");
                    return Ok(ExitCode::from(2));
                }
                Outcome::Untouched => {
                    diagnostics::print(&failed.errors, Format::Text);
                    crate::errln!("build failed: {errors}; the output was not touched");
                }
                Outcome::PartlyWritten => {
                    diagnostics::print(&failed.errors, Format::Text);
                    crate::errln!(
                        "build failed: {errors}; the output was partly updated (see above), and the next build that succeeds brings all of it up to date"
                    );
                }
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// How to look at the output on this machine: its links are absolute to `base_url`, so
/// opening its files shows pages whose links lead to the live site. Nothing to say when
/// the build was made for a local address.
fn local_look(base_url: Option<&str>) -> &'static str {
    let local = base_url.and_then(|u| url::Url::parse(u).ok()).is_some_and(|u| {
        matches!(u.host(), Some(url::Host::Domain("localhost")))
            || matches!(u.host(), Some(url::Host::Ipv4(ip)) if ip.is_loopback())
            || matches!(u.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
    });
    if local {
        ""
    } else {
        " (links point at base_url; to look at it here: `communique serve --audience public`, or build with `--base-url http://localhost:8000/` and serve the folder)"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_summary_says_how_to_look_unless_the_build_is_for_this_machine() {
        for (base_url, says) in [
            (None, true),
            (Some("https://releases.example.com/"), true),
            (Some("http://localhost:8000/"), false),
            (Some("http://127.0.0.1:1111/"), false),
            (Some("http://[::1]:8000/"), false),
            (Some("http://localhost.example.com/"), true),
        ] {
            assert_eq!(!super::local_look(base_url).is_empty(), says, "{base_url:?}");
        }
    }
}
