//! The one place that writes a build's files.
//!
//! A build first writes every file that differs from the previous output into a
//! staging folder beside the output, comparing against the previous build's manifest
//! (path, length and hash of every file it wrote), so unchanged files are not written
//! at all. Nothing in the output changes until every page has been rendered: a build
//! that fails, or is killed while rendering, leaves the previous output exactly as it
//! was. The commit then moves each staged file into place (one atomic rename per file)
//! and removes the files the previous build wrote and this one did not. A journal
//! written before the first rename lets the next build finish a commit that was
//! interrupted. Files the build never wrote (a `CNAME`, say) are never touched.
//!
//! What a build may change is checked before it changes anything: it writes only where
//! the output holds nothing or a file of its own (one its manifest lists), and refuses
//! to write over anything else, naming it; two of its own files may not need the same
//! path as a file and as a folder. It never follows a symbolic link in the output
//! ([`nofollow`]), never acts on a manifest line or a journal line that leaves the
//! output folder, and finishes a journal only if it is bound to the staging folder this
//! machine made for it. A commit that fails halfway records every file it may have
//! written in the manifest, so the next build knows them as its own and rewrites them.
//!
//! Into a folder that does not exist yet, the staging folder simply becomes the output
//! in one rename: files are staged at their paths. Over an existing output they are
//! staged flat, one file each under a name made from its path, so that a rebuild that
//! changes a few pages creates a few files and no folders (creating inodes is what
//! costs most on a busy ext4 disk).
//!
//! The preview server's output is its own: a temporary folder that only it reads, and
//! only between rebuilds. There a rebuild holds its changed files in memory and the
//! commit writes them over the old ones, creating no inodes at all; rendering still
//! finishes before anything is written, so a failed rebuild changes nothing.
//!
//! The parts: [`manifest`] (what a build wrote), [`location`] (where an output folder
//! may be), [`staging`] (writing a build aside), [`commit`] (checking and making it the
//! output), [`journal`] (finishing an interrupted commit), [`in_place`] (the preview's
//! commit), and [`nofollow`] (file operations that never follow a link).

mod commit;
mod in_place;
mod journal;
mod location;
mod manifest;
pub(crate) mod nofollow;
mod staging;
#[cfg(test)]
mod tests;

pub(crate) use location::{check_apart, check_no_links, check_output_dir};
pub(crate) use manifest::{Manifest, Slot, MANIFEST};
pub(crate) use staging::Staging;

use staging::{flat_name, FLAT};
use std::fmt;
use std::io;
use std::path::{Component, Path};

/// Length and hash of a file's bytes. The hash need only be stable for one version of
/// the program: after an upgrade, a different hash just means the file is written again.
pub(super) type Fingerprint = (u64, u64);

/// By output path. A fast hash: a preview rebuild looks up every path of the site.
pub(super) type HashMap<K, V> = crate::fingerprint::FastMap<K, V>;

pub(super) fn fingerprint(bytes: &[u8]) -> Fingerprint {
    (bytes.len() as u64, crate::fingerprint::of(bytes))
}

/// The fingerprint of a file of ours whose bytes are not known (a commit stopped
/// halfway): it matches no bytes, so the next build writes the file again.
pub(super) const UNKNOWN: Fingerprint = (u64::MAX, 0);

/// Why a build's files were not (all) written.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The output holds something this build would have to write over (a file it did
    /// not write, a symbolic link), or a leftover it cannot trust: nothing was written.
    /// The person building must choose: the message says what to move or remove.
    InTheWay(String),
    /// An error; `touched` tells whether the output changed before it.
    Failed { message: String, touched: bool },
}

impl Failure {
    pub(super) fn untouched(e: impl fmt::Display) -> Failure {
        Failure::Failed { message: e.to_string(), touched: false }
    }

    /// Whether the output changed.
    pub(crate) fn touched(&self) -> bool {
        matches!(self, Failure::Failed { touched: true, .. })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::InTheWay(message) | Failure::Failed { message, .. } => f.write_str(message),
        }
    }
}

pub(super) fn check_relative(rel: &str) -> io::Result<()> {
    let ok = !rel.is_empty()
        && !rel.contains('\\')
        && Path::new(rel).components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to write `{rel}` outside the output folder")))
    }
}
