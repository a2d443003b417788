//! Phase timings on stderr when `COMMUNIQUE_PROFILE` is set: where a build spends its
//! time, for the benchmarks in docs/benchmarks.md. Silent otherwise.

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
            crate::errln!("profile: {:>8.1} ms  {}", started.elapsed().as_secs_f64() * 1000.0, self.name);
        }
    }
}
