//! Phase timings on stderr when `COMMUNIQUE_PROFILE` is set: where a build spends its
//! time, and the process's resident memory as each phase ends (on Linux), for the
//! benchmarks in docs/benchmarks.md. Silent otherwise.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("COMMUNIQUE_PROFILE").is_some())
}

/// A line of its own in the profile, such as how much a rebuild made again.
pub(crate) fn note(message: impl FnOnce() -> String) {
    if enabled() {
        crate::errln!("profile: {}", message());
    }
}

pub(crate) struct Phase {
    name: &'static str,
    started: Option<Instant>,
}

impl Phase {
    pub(crate) fn start(name: &'static str) -> Phase {
        Phase { name, started: enabled().then(Instant::now) }
    }

    pub(crate) fn end(self) {
        if let Some(started) = self.started {
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            crate::errln!("profile: {ms:>8.1} ms {:>5} MiB  {}", resident_mib().unwrap_or_default(), self.name);
        }
    }
}

/// The resident set as the kernel counts it (the second field of `/proc/self/statm`,
/// in pages of 4 KiB on the machines measured); None elsewhere.
fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some((pages * 4096) >> 20)
}
