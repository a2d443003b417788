//! The YAML parsing floor (docs/benchmarks.md): reads every front matter of a site with
//! saphyr-parser, the one parser `communique` uses, and only reads its events: no value
//! is built, nothing is checked. Loading a site cannot take less CPU than this, whatever
//! the code around the parser does.
//!
//! ```sh
//! cargo bench --bench parse_floor -- SITE [RUNS]
//! ```
//!
//! SITE is a site folder; every `.md` file under its `content/` that starts with a
//! front matter (`---` lines) is read into memory first, untimed. Each run parses them
//! all on one core, then on every core (as `communique` loads them), and prints the wall
//! time and the process's CPU time for each.

mod common;

use common::cpu_seconds;
use rayon::prelude::*;
use std::time::Instant;

/// The allocator `communique` itself uses (src/main.rs): the parser allocates each scalar.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A file's front matter: the text between its first two `---` lines.
fn front_matter(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n").map(|at| at + 1).or_else(|| rest.strip_suffix("\n---").map(str::len))?;
    Some(&rest[..end])
}

/// How many events the parser reads from one front matter.
fn events(yaml: &str) -> usize {
    let mut parser = saphyr_parser::Parser::new_from_str(yaml);
    let mut count = 0;
    while let Some(event) = parser.next_event() {
        event.expect("a front matter that parses");
        count += 1;
    }
    count
}

/// Runs `parse` and prints what it cost.
fn timed(label: &str, parse: impl FnOnce() -> usize) {
    let (user, system) = cpu_seconds();
    let started = Instant::now();
    let count = parse();
    let wall = started.elapsed().as_secs_f64();
    let (user_after, system_after) = cpu_seconds();
    println!(
        "  {label}: {count} events in {wall:.3} s (user {:.2} s, system {:.2} s)",
        user_after - user,
        system_after - system
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let Some(site) = args.first() else {
        eprintln!("usage: cargo bench --bench parse_floor -- SITE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1);
    let texts: Vec<String> = walkdir::WalkDir::new(std::path::Path::new(site).join("content"))
        .into_iter()
        .map(|entry| entry.expect("a readable content folder"))
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "md"))
        .filter_map(|entry| front_matter(&std::fs::read_to_string(entry.path()).ok()?).map(str::to_owned))
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("{} front matters, {:.1} MB", texts.len(), bytes as f64 / 1e6);
    for run in 1..=runs {
        println!("run {run}:");
        timed("one core", || texts.iter().map(|t| events(t)).sum());
        timed("every core", || texts.par_iter().map(|t| events(t)).sum());
    }
}
