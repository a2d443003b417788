//! The preview's commit: changed files written over the old ones in the preview's own
//! output folder, creating no inodes.

use super::manifest::MANIFEST;
use super::nofollow::{self, Folders};
use rayon::prelude::*;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// A commit into the preview's own output: changed files written over the old ones.
/// `changes` counts what was changed, for the message if it stops halfway.
pub(super) fn write_in_place(
    mut folders: Folders,
    files: &[(String, Vec<u8>)],
    first: &[String],
    stale: &[String],
    manifest: &str,
    changes: &AtomicUsize,
) -> io::Result<()> {
    let target = folders.root().to_path_buf();
    let target = target.as_path();
    for rel in first {
        folders.delete(rel)?;
        changes.fetch_add(1, Ordering::Relaxed);
    }
    for (rel, _) in files {
        folders.make_parents(rel)?;
    }
    // On every core: a template edit rewrites thousands of pages. A folder where a file
    // goes (emptied of stale files above) is removed afterwards, one at a time.
    let folders_in_the_way = Mutex::new(Vec::new());
    files.par_iter().try_for_each(|(rel, bytes)| match overwrite(&target.join(rel), bytes) {
        Ok(()) => {
            changes.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        Err(e) if e.raw_os_error() == Some(libc::EISDIR) => {
            folders_in_the_way.lock().expect("folders lock").push((rel, bytes));
            Ok(())
        }
        Err(e) => Err(e),
    })?;
    for (rel, bytes) in folders_in_the_way.into_inner().expect("folders lock") {
        folders.remove_empty(rel)?;
        overwrite(&target.join(rel), bytes)?;
        changes.fetch_add(1, Ordering::Relaxed);
    }
    for rel in stale {
        folders.delete(rel)?;
        changes.fetch_add(1, Ordering::Relaxed);
    }
    overwrite(&target.join(MANIFEST), manifest.as_bytes())
}

/// Writes `bytes` over the file at `path` in its own blocks, then cuts what is left of
/// the old text. Not `fs::write`: ext4 flushes a file that was truncated to nothing and
/// written again as it is closed, which costs a template edit seconds. Never through a
/// link.
pub(super) fn overwrite(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = nofollow::open_to_write(path, false)?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)
}
