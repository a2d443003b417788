//! One hash of everything something was made from, to tell whether it changed between
//! two builds of one run of the program: the preview server reuses the parses, checks
//! and pages whose inputs hash the same. Not stable across versions of the program, and
//! not meant to be.
//!
//! Also the fast map the hot paths use: keys here are short strings of our own (ids,
//! output paths), looked up tens of thousands of times per build, and need no
//! protection against crafted collisions.

use std::hash::{BuildHasher, Hash};

pub(crate) fn of(inputs: impl Hash) -> u64 {
    // foldhash's quality variant: a rebuild hashes tens of thousands of keys, and SipHash
    // spends most of its time on resistance to crafted collisions, which these do not need.
    foldhash::quality::FixedState::with_seed(0x636f_6d6d_756e_6971).hash_one(inputs)
}

/// A `HashMap` with a fast, non-cryptographic hash.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
