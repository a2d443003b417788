//! What the floor benchmarks share.

/// This process's CPU time so far, user and system, in seconds: fields 14 and 15 of
/// `/proc/self/stat`, in Linux's user-visible ticks (100 a second).
pub fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat (Linux)");
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let fields: Vec<&str> = stat[stat.rfind(')').expect("a stat line") + 2..].split(' ').collect();
    let ticks = |n: usize| fields[n - 3].parse::<f64>().expect("a tick count") / 100.0;
    (ticks(14), ticks(15))
}
