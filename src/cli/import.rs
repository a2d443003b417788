//! `communique import changelog <CHANGELOG.md> --release <slug>` (SPEC §12).

use super::RootArg;
use crate::cycle::changelog;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(clap::Subcommand, Debug)]
pub enum What {
    /// One version's section of a Keep a Changelog file → a draft release
    Changelog {
        /// The changelog (Keep a Changelog: `## [1.2.0] - 2026-11-20`, `### Added`…)
        changelog: PathBuf,
        /// The new release's slug: content/releases/<slug>.md
        #[arg(long, value_name = "SLUG")]
        release: String,
        /// The version to import; default: the newest released one
        #[arg(long, value_name = "V")]
        version: Option<String>,
        /// The product the release belongs to
        #[arg(long, value_name = "NAME")]
        product: Option<String>,
        #[command(flatten)]
        root: RootArg,
    },
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let What::Changelog { changelog, release, version, product, root } = &args.what;
    let request =
        changelog::Request { changelog, slug: release, version: version.as_deref(), product: product.as_deref() };
    Ok(super::new::report(changelog::import(&root.root, &request)))
}
