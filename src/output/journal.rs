//! The commit journal: what a commit over an existing output is about to do, written
//! whole before the first file moves, so that a build killed halfway is finished by the
//! next one. A journal is bound to the staging folder this machine made for it (its
//! device and inode): one that comes from a repository or a copied folder is never
//! acted on. A journal that cannot be finished is recorded instead: the manifest then
//! lists every file it may have moved in, and the next build rewrites them.

use super::nofollow::{self, Folders, Kind};
use super::{check_relative, flat_name, Failure, Manifest, FLAT, MANIFEST, UNKNOWN};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The first line of a commit journal.
pub(super) const JOURNAL: &str = "communique commit journal";

/// `path` with `suffix` after its file name.
pub(super) fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// The journal's second line: which folder its staged files are in (device and inode
/// of the staging folder this build made). A journal and staging folder that were not
/// made on this machine for this output, say ones checked out of a repository, do not
/// match, and are never acted on.
pub(super) fn identity(staging: &Path) -> Option<String> {
    let meta = fs::symlink_metadata(staging).ok().filter(fs::Metadata::is_dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(format!("staging {} {}", meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

pub(super) fn bound(journal: &str, staging: &Path) -> bool {
    let mut lines = journal.lines();
    lines.next() == Some(JOURNAL) && identity(staging).is_some_and(|id| lines.next() == Some(id.as_str()))
}

pub(super) fn untrusted(journal: &Path, staging: &Path) -> Failure {
    Failure::InTheWay(format!(
        "`{}` is not a commit journal a build of this output wrote here (it may come from a repository or a copied folder), so it is not acted on; remove it and `{}`, then build again",
        journal.display(),
        staging.display()
    ))
}

/// How far a commit journal got before it stopped.
pub(super) struct Stopped {
    pub changes: usize,
    pub of: usize,
    pub error: io::Error,
}

/// Applies a commit journal (bound to `staging`, see [`bound`]): moves staged files
/// into the output, deletes stale ones, then removes the journal and the staging
/// folder. Safe to run again after a kill: a move whose staged file is gone was
/// already done. Every line is checked first: a path must stay inside the output, a
/// staged file must be a file, and nothing is written or deleted through a link.
pub(super) fn finish_commit(target: &Path, staging: &Path, journal: &Path, text: &str) -> Result<(), Stopped> {
    let mut lines = text.lines().skip(2).peekable();
    let flat = lines.next_if_eq(&FLAT).is_some();
    let ops: Vec<&str> = lines.collect();
    let of = ops.len();
    let mut changes = 0;
    let mut folders = Folders::new(target);
    let mut staged = Folders::new(staging);
    for op in ops {
        let done = if let Some(rel) = op.strip_prefix("move ") {
            move_staged(&mut folders, &mut staged, rel, flat)
        } else if let Some(rel) = op.strip_prefix("delete ") {
            check_relative(rel).and_then(|()| folders.delete(rel)).map(|()| true)
        } else {
            Err(io::Error::new(io::ErrorKind::InvalidData, format!("a journal line that says nothing: `{op}`")))
        };
        match done {
            Ok(true) => changes += 1,
            Ok(false) => {}
            Err(error) => return Err(Stopped { changes, of, error }),
        }
    }
    fs::remove_file(journal).and_then(|()| nofollow::remove(staging)).map_err(|error| Stopped { changes, of, error })
}

/// One `move` of a journal; false when it was already done.
fn move_staged(folders: &mut Folders, staged: &mut Folders, rel: &str, flat: bool) -> io::Result<bool> {
    check_relative(rel)?;
    let from = if flat { staged.path(&flat_name(rel)) } else { staged.path(rel) };
    if !flat && !staged.reachable(rel)? {
        return Err(io::Error::other(format!("the staged `{}` is not in a real folder", from.display())));
    }
    match nofollow::kind(&from)? {
        Kind::Missing => return Ok(false),
        Kind::File => {}
        _ => return Err(io::Error::other(format!("the staged `{}` is not a file", from.display()))),
    }
    folders.make_parents(rel)?;
    let to = folders.path(rel);
    if nofollow::kind(&to)? == Kind::Dir {
        // Emptied of our stale files by the journal's first lines.
        folders.remove_empty(rel)?;
    }
    fs::rename(&from, &to)?;
    Ok(true)
}

/// Records a journal that cannot be finished: the output's manifest then lists every
/// file the journal may have moved in (bytes unknown) besides the ones it already
/// listed, so the next build knows them all as its own, writes them again and deletes
/// the ones it no longer makes. Then the journal and its staging folder go.
pub(super) fn recover(target: &Path, staging: &Path, journal: &Path, text: &str) -> io::Result<()> {
    let mut manifest = Manifest::read(&target.join(MANIFEST));
    let mut added = Vec::new();
    for line in text.lines().skip(2) {
        let (rel, print) = match (line.strip_prefix("move "), line.strip_prefix("delete ")) {
            (Some(rel), _) => (rel, UNKNOWN),
            // Still ours if it is still there; its bytes are the ones listed, if any.
            (_, Some(rel)) => (rel, manifest.get(rel).map_or(UNKNOWN, |(print, _)| print)),
            _ => continue,
        };
        if rel != MANIFEST && check_relative(rel).is_ok() {
            let (slot, new) = manifest.set(rel, print);
            if new {
                added.push(slot);
            }
        }
    }
    manifest.place(added);
    let temp = beside(journal, "-recovered");
    nofollow::write(&temp, manifest.text().as_bytes())?;
    fs::rename(&temp, target.join(MANIFEST))?;
    fs::remove_file(journal)?;
    nofollow::remove(staging)
}
