//! `communique serve`: the live-reloading preview for teams and the deployment manager.

use super::RootArg;
use crate::model::Audience;
use crate::serve::{self, ServeError};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub root: RootArg,
    /// The address to listen on; loopback unless you mean to share the preview
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: String,
    /// Also answer requests addressed to this name (`my-laptop.lan`, or `.team.example`
    /// for it and its subdomains); repeatable. Loopback names, the `--interface` address
    /// and, with `--interface 0.0.0.0`, any IP address are always answered
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// The port to listen on
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the preview in the default browser
    #[arg(long)]
    pub open: bool,
    /// Preview the internal portal (every group, the default) or only what the public build shows
    #[arg(long, value_enum, default_value_t = super::build::AudienceArg::Internal)]
    pub audience: super::build::AudienceArg,
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = serve::Options {
        root: args.root.root,
        interface: args.interface,
        port: args.port,
        audience: match args.audience {
            super::build::AudienceArg::Public => Audience::Public,
            super::build::AudienceArg::Internal => Audience::Internal,
        },
        open: args.open,
        allowed_hosts: args.allow_host,
    };
    match serve::serve(options) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e @ (ServeError::PortBusy { .. } | ServeError::Bind { .. })) => {
            crate::errln!("error: {e}");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}
