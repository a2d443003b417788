//! The file-writing floor (docs/benchmarks.md): writes the files of a build's output
//! into a new folder, on every core, as a cold build writes them, and does nothing else.
//! A cold build cannot be faster than this on the same machine and disk.
//!
//! ```sh
//! cargo bench --bench write_floor -- FROM TO [RUNS]
//! ```
//!
//! FROM is the output of a cold build (its files are read into memory first, untimed);
//! each run writes them into a new folder `TO-<run>`, which must not exist, and prints
//! the wall time and the process's CPU time (user and system) it took. The folders are
//! left for the caller to delete: deleting them right away would slow the next run down
//! (see "Why new folders" in docs/benchmarks.md).

mod common;

use common::cpu_seconds;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let (Some(from), Some(to)) = (args.first(), args.get(1)) else {
        eprintln!("usage: cargo bench --bench write_floor -- FROM TO [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
    let from = Path::new(from);
    let files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(from)
        .into_iter()
        .map(|entry| entry.expect("a readable output folder"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let rel = entry.path().strip_prefix(from).expect("inside FROM").to_path_buf();
            (rel, std::fs::read(entry.path()).expect("a readable file"))
        })
        .collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    for run in 1..=runs {
        let target = PathBuf::from(format!("{to}-{run}"));
        assert!(!target.exists(), "{} exists: give a new folder", target.display());
        let (user, system) = cpu_seconds();
        let started = Instant::now();
        files.par_iter().for_each(|(rel, bytes)| {
            let path = target.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).expect("a folder");
            }
            std::fs::write(&path, bytes).expect("a file");
        });
        let wall = started.elapsed().as_secs_f64();
        let (user_after, system_after) = cpu_seconds();
        println!(
            "run {run}: {} files, {:.0} MiB in {wall:.2} s (user {:.2} s, system {:.2} s) -> {}",
            files.len(),
            bytes as f64 / f64::from(1 << 20),
            user_after - user,
            system_after - system,
            target.display()
        );
    }
}
