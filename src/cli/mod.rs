//! The command line (SPEC §7): one module per subcommand.

mod approve;
mod build;
mod check;
mod import;
mod init;
mod new;
mod notify;
mod review;
mod serve;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "communique",
    version,
    about = "Release communications for every stakeholder group: one page and one feed each."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scaffold a working example site (refuses a non-empty folder)
    Init(init::Args),
    /// Build the portal into the output folder
    Build(build::Args),
    /// Report every error and warning in the site's content
    Check(check::Args),
    /// The deployment manager's consolidated view of every release × group
    Review(review::Args),
    /// Deliver each due communique to its group's e-mail and chat channels, once (a plan
    /// by default: nothing is sent without --send)
    Notify(notify::Args),
    /// Preview the site with live reload: drafts and scheduled communiques shown, marked
    Serve(serve::Args),
    /// Start a release plan or a stakeholder group (never over an existing file)
    New(new::Args),
    /// Approve a release's texts: status, who, when and a fingerprint of what was approved
    Approve(approve::Args),
    /// Turn one version of a Keep a Changelog file into a draft release
    Import(import::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Review(args) => review::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Notify(args) => notify::run(args),
        Command::New(args) => new::run(args),
        Command::Approve(args) => approve::run(args),
        Command::Import(args) => import::run(args),
    }
}

/// `--root`: the site's folder, the current directory by default.
#[derive(clap::Args, Debug, Clone)]
pub struct RootArg {
    /// The site's folder (where site.toml is)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// `--now`: the moment a command acts for (what is published, scheduled, overdue).
#[derive(clap::Args, Debug, Clone)]
pub struct NowArg {
    /// The moment to act for (RFC 3339): what is published, scheduled or overdue;
    /// default SOURCE_DATE_EPOCH, else the clock
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

impl NowArg {
    /// The moment, or the usage error that says why there is none.
    pub fn resolve(&self) -> Result<jiff::Timestamp, ExitCode> {
        crate::clock::now(self.now.as_deref()).map_err(|message| usage_error(&message))
    }
}

/// Leaves a command's loaded site to the exit: the process ends right after, and the
/// kernel takes its memory back at once, where dropping 10,000 releases node by node
/// costs tens of milliseconds of a `check` or a build.
pub(super) fn leave_to_exit<T>(loaded: T) {
    std::mem::forget(loaded);
}

/// A usage error: printed like clap's, exit code 2.
pub fn usage_error(message: &str) -> ExitCode {
    crate::errln!("error: {message}");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
