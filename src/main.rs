//! The `communique` command: parse the arguments, run the command, map the outcome to
//! an exit code (0 success, 1 content errors, 2 usage errors).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = communique::cli::Cli::parse();
    match communique::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
