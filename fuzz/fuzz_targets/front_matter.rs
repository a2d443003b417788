//! Front matter: splitting a file, parsing its YAML, and locating keys and values in it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = communique::fuzz::front_matter(data);
});
