//! One content file through parsing, validation, lint and Markdown, as a group, a
//! release and a hand-written page.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = communique::fuzz::content_file(data);
});
