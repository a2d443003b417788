//! A progress bar for long builds, on a terminal only: a build that is still running
//! after two seconds shows one on stderr; CI logs (not a terminal) keep their single
//! summary line.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub(crate) fn start(total: u64, message: &'static str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta} left)") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message);
        if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() {
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(2));
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(200));
                }
            });
        }
        Progress { bar }
    }

    pub(crate) fn inc(&self, pages: u64) {
        self.bar.inc(pages);
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
