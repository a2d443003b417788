//! `communique approve <slug> --by NAME` (SPEC §12).

use super::{NowArg, RootArg};
use crate::cycle::approve;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The release to approve
    pub slug: String,
    /// Who approves (recorded as `approved_by`)
    #[arg(long, value_name = "NAME")]
    pub by: String,
    #[command(flatten)]
    pub root: RootArg,
    #[command(flatten)]
    pub now: NowArg,
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let now = match args.now.resolve() {
        Ok(now) => now,
        Err(usage) => return Ok(usage),
    };
    let request = approve::Request { slug: &args.slug, by: &args.by, now };
    Ok(super::new::report(approve::approve(&args.root.root, &request)))
}
