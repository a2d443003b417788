//! Lines on standard output and standard error that never stop the program.
//!
//! `println!` panics when its reader has gone away (`communique notify | head -1`,
//! `communique check 2>&1 | head`): the panic would cut a build short, or stop
//! `notify --send` between deliveries. What is printed is a report of the work, not
//! the work, so a line nobody reads is dropped and the command goes on to its end and
//! exit status.

use std::io::Write;

/// `println!` that drops the line when standard output cannot take it.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => { $crate::console::out(format_args!($($arg)*)) };
}

/// `eprintln!` that drops the line when standard error cannot take it.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => { $crate::console::err(format_args!($($arg)*)) };
}

pub fn out(line: std::fmt::Arguments) {
    // The error is dropped on purpose: see the module's documentation.
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

pub fn err(line: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
