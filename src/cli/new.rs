//! `communique new release <slug>` and `communique new group <id>` (SPEC §12).

use super::RootArg;
use crate::cycle::{self, new};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(clap::Subcommand, Debug)]
pub enum What {
    /// Start a release plan from the product's last release (or a commented skeleton)
    Release {
        /// The new release's slug: content/releases/<slug>.md
        slug: String,
        /// Carry over this release instead of the product's newest
        #[arg(long, value_name = "SLUG")]
        from: Option<String>,
        /// Carry over this product's newest release (by deployed_at); a product with
        /// no release yet gets a skeleton
        #[arg(long, value_name = "NAME")]
        product: Option<String>,
        #[command(flatten)]
        root: RootArg,
    },
    /// Start a stakeholder group from a commented skeleton
    Group {
        /// The group's id: content/stakeholders/<id>.md
        id: String,
        #[command(flatten)]
        root: RootArg,
    },
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let outcome = match &args.what {
        What::Release { slug, from, product, root } => {
            new::release(&root.root, &new::ReleaseRequest { slug, from: from.as_deref(), product: product.as_deref() })
        }
        What::Group { id, root } => new::group(&root.root, id),
    };
    Ok(report(outcome))
}

/// Prints what a release-cycle command did, or why it did nothing; the exit code.
pub(super) fn report(outcome: Result<cycle::Written, cycle::Refusal>) -> ExitCode {
    match outcome {
        Ok(written) => {
            crate::outln!("wrote {}: {}", written.path, written.note);
            ExitCode::SUCCESS
        }
        Err(cycle::Refusal::Usage(message)) => super::usage_error(&message),
        Err(cycle::Refusal::Content(message)) => {
            crate::errln!("error: {message}");
            ExitCode::from(1)
        }
        Err(cycle::Refusal::Errors(mut errors, message)) => {
            crate::diagnostics::sort(&mut errors);
            crate::diagnostics::print(&errors, crate::diagnostics::Format::Text);
            crate::errln!("error: {message}");
            ExitCode::from(1)
        }
    }
}
