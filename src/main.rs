//! The `communique` command: parse the arguments, run the command, map the outcome to
//! an exit code (0 success, 1 content errors, 2 usage errors).

use clap::Parser;
use std::process::ExitCode;

/// glibc's allocator fragments over the hundreds of thousands of short-lived strings a
/// large build makes: with it, 30,000 releases took 3.1 times as long as 10,000, and
/// with mimalloc 2.7 times, a quarter faster overall (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = communique::cli::Cli::parse();
    match communique::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            communique::errln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
