//! One hash of everything something was made from, to tell whether it changed between
//! two builds of one run of the program: the preview server reuses the parses, checks
//! and pages whose inputs hash the same. Not stable across versions of the program, and
//! not meant to be.

use std::hash::{Hash, Hasher};

pub fn of(inputs: impl Hash) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    inputs.hash(&mut hasher);
    hasher.finish()
}
