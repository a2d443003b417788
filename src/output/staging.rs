//! Writing a build aside: each file that differs from the previous output goes into a
//! staging folder (or, for the preview, into memory) until the commit.

use super::journal::{beside, bound, finish_commit, recover, untrusted};
use super::location::absolute;
use super::manifest::{path_of, stamp, Manifest, Slot, MANIFEST};
use super::nofollow::{self, Kind};
use super::{check_relative, fingerprint, Failure, Fingerprint, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

pub(crate) struct Staging {
    pub(super) target: PathBuf,
    pub(super) staging: PathBuf,
    pub(super) journal: PathBuf,
    /// What the previous build wrote.
    pub(super) previous: Manifest,
    /// By slot of the previous manifest: kept by [`Staging::keep`]. A flag, not an
    /// entry in `written`: a preview rebuild keeps tens of thousands of files and
    /// writes a few.
    pub(super) kept: Vec<AtomicBool>,
    /// What this build wrote; `true` when the file is staged (new or changed).
    pub(super) written: Mutex<HashMap<String, (Fingerprint, bool)>>,
    /// The paths staged at some point (a later write of the same bytes as before may
    /// unstage one).
    pub(super) staged: Mutex<Vec<String>>,
    pub(super) dirs: Mutex<std::collections::HashSet<PathBuf>>,
    /// Files are staged flat (see the module's comment), not at their paths.
    pub(super) flat: bool,
    /// Rewriting in place (see the module's comment): the files to write, by path.
    pub(super) held: Option<Mutex<HashMap<String, Vec<u8>>>>,
    pub(super) committed: bool,
}

/// The journal's second line when files are staged flat.
pub(super) const FLAT: &str = "layout flat";

/// A staged file's name in the flat layout: a hash of its path (FNV-1a, which is the
/// same in every version of the program, so that any build can finish a journal).
pub(super) fn flat_name(rel: &str) -> String {
    let hash = rel.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{hash:016x}")
}

impl Staging {
    pub(crate) fn begin(target: &Path) -> Result<Staging, Failure> {
        Staging::begin_after(target, None, false)
    }

    /// [`Staging::begin`], with the manifest the last build of this output committed,
    /// if the caller kept it (see [`Staging::commit`]) and it is still the one on disk.
    /// With `in_place`, for an output that no one else reads while it is committed,
    /// changed files are written over the old ones (if that manifest is the one on disk).
    pub(crate) fn begin_after(target: &Path, last: Option<Manifest>, in_place: bool) -> Result<Staging, Failure> {
        // The output folder itself may not be a link: the build would write wherever it
        // points (a repository can hold such a link).
        let given: PathBuf = target.components().collect();
        if nofollow::kind(&given).map_err(Failure::untouched)? == Kind::Link {
            let to = fs::read_link(&given).map(|t| t.display().to_string()).unwrap_or_default();
            return Err(Failure::InTheWay(format!(
                "the output folder `{}` is a symbolic link (to `{to}`); a build writes only into a real folder: remove the link, or give the folder itself with --output",
                target.display()
            )));
        }
        let target = absolute(target);
        match nofollow::kind(&target).map_err(Failure::untouched)? {
            Kind::Missing | Kind::Dir => {}
            _ => {
                return Err(Failure::InTheWay(format!(
                    "the output `{}` is a file, not a folder; remove it or choose another folder with --output",
                    target.display()
                )))
            }
        }
        let parent = target.parent().ok_or_else(|| Failure::untouched("the output folder has no parent"))?;
        fs::create_dir_all(parent).map_err(Failure::untouched)?;
        let name = target.file_name().map_or("output".into(), |n| n.to_string_lossy().into_owned());
        let staging = parent.join(format!(".{name}.communique-staging"));
        let journal = parent.join(format!(".{name}.communique-journal"));
        match nofollow::kind(&journal).map_err(Failure::untouched)? {
            Kind::Missing => {}
            Kind::File => {
                // A commit was interrupted: finish it before anything else, if it is one
                // this machine made for this output.
                let text = nofollow::read_to_string(&journal).map_err(Failure::untouched)?;
                if !bound(&text, &staging) {
                    return Err(untrusted(&journal, &staging));
                }
                if let Err(stopped) = finish_commit(&target, &staging, &journal, &text) {
                    // Not finished (a folder that cannot be written, say): record what it
                    // may have written as ours, so that this build replaces it.
                    recover(&target, &staging, &journal, &text).map_err(|e| Failure::Failed {
                        message: format!(
                            "the last build's commit into `{}` was interrupted, and can neither be finished ({}) nor recorded ({e}); remove `{}` and build into a new folder",
                            target.display(),
                            stopped.error,
                            journal.display()
                        ),
                        touched: stopped.changes > 0,
                    })?;
                }
            }
            _ => return Err(untrusted(&journal, &staging)),
        }
        // Left by a build that was killed while rendering (a link there is removed, not
        // followed).
        for leftover in [&staging, &beside(&journal, "-partial"), &beside(&journal, "-recovered")] {
            nofollow::remove(leftover).map_err(Failure::untouched)?;
        }
        let (previous, in_place) = match last {
            Some(last) if last.stamp.is_some() && last.stamp == stamp(&target) => (last, in_place),
            _ => (Manifest::read(&target.join(MANIFEST)), false),
        };
        if !in_place {
            fs::create_dir(&staging).map_err(Failure::untouched)?;
        }
        let kept = previous.lines.iter().map(|_| AtomicBool::new(false)).collect();
        let flat = fs::read_dir(&target).is_ok_and(|mut entries| entries.next().is_some());
        Ok(Staging {
            target,
            staging,
            journal,
            previous,
            kept,
            written: Mutex::new(HashMap::default()),
            staged: Mutex::new(Vec::new()),
            dirs: Mutex::new(std::collections::HashSet::new()),
            flat,
            held: in_place.then(|| Mutex::new(HashMap::default())),
            committed: false,
        })
    }

    pub(super) fn staged(&self, rel: &str) -> PathBuf {
        staged_path(&self.staging, rel, self.flat)
    }

    pub(crate) fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file of the build (the last write of a path wins). A file the previous
    /// build wrote with the same bytes, and that is still there, is not written again.
    pub(crate) fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_relative(rel)?;
        let print = fingerprint(bytes);
        let dest = self.staged(rel);
        let before = self.previous.get(rel).map(|(print, _)| print);
        // A file, not a link: a link is never a file this program wrote.
        let unchanged = before == Some(print) && nofollow::kind(&self.target.join(rel)).is_ok_and(|k| k == Kind::File);
        if unchanged {
            // An earlier write of the same path in this build may have staged other bytes
            // (asked first: a warm build leaves tens of thousands of files unchanged).
            let staged_before = self.written.lock().expect("written lock").get(rel).is_some_and(|(_, staged)| *staged);
            if staged_before {
                match &self.held {
                    Some(held) => drop(held.lock().expect("held lock").remove(rel)),
                    None => match fs::remove_file(&dest) {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                        _ => {}
                    },
                }
            }
        } else if let Some(held) = &self.held {
            held.lock().expect("held lock").insert(rel.to_string(), bytes.to_vec());
        } else {
            if let Some(dir) = dest.parent().filter(|_| !self.flat) {
                let known = self.dirs.lock().expect("dirs lock").contains(dir);
                if !known {
                    fs::create_dir_all(dir)?;
                    self.dirs.lock().expect("dirs lock").insert(dir.to_path_buf());
                }
            }
            fs::write(&dest, bytes)?;
            self.staged.lock().expect("staged lock").push(rel.to_string());
        }
        self.written.lock().expect("written lock").insert(rel.to_string(), (print, !unchanged));
        Ok(())
    }

    /// The bytes this build wrote at `rel` and holds for an in-place commit (see
    /// [`Staging::begin_after`]), if it wrote other bytes than the previous build's:
    /// the preview shows such a page before the rest of the build is made.
    pub(crate) fn held(&self, rel: &str) -> Option<Vec<u8>> {
        self.held.as_ref()?.lock().expect("held lock").get(rel).cloned()
    }

    /// Keeps the file the previous build wrote at `rel` as part of this build, without
    /// writing it: the preview server's rebuilds keep what an edit did not touch. False
    /// when the previous build wrote no such file.
    pub(crate) fn keep(&self, rel: &str) -> bool {
        let Some((_, slot)) = self.previous.get(rel) else { return false };
        self.keep_slot(slot, rel)
    }

    /// Keeps the file in `slot` of the previous manifest, if it is still there: a
    /// build's output may have been changed by hand since (the preview's is its own).
    fn keep_slot(&self, slot: usize, rel: &str) -> bool {
        if self.held.is_none() && !nofollow::kind(&self.target.join(rel)).is_ok_and(|k| k == Kind::File) {
            return false;
        }
        self.kept[slot].store(true, Ordering::Relaxed);
        true
    }

    /// [`Staging::keep`], told where the previous manifest had `rel` (a
    /// [`Manifest::slot`]): no look-up when the slot is of that manifest.
    pub(crate) fn keep_at(&self, slot: Option<Slot>, rel: &str) -> bool {
        match slot.filter(|s| s.lineage == self.previous.lineage && s.index < self.kept.len()) {
            Some(slot) => self.keep_slot(slot.index, rel),
            None => self.keep(rel),
        }
    }

    /// The length and hash of the previous build's manifest as it was read (None when
    /// there was none): what a memo saved beside the output is bound to.
    pub(crate) fn previous_stamp(&self) -> Option<(u64, u64)> {
        self.previous.print()
    }

    /// Where a build saves its memo for the next build into this output: beside the
    /// output, as the staging folder and journal are, never in it (see `render::memo`).
    pub(crate) fn memo_file(&self) -> PathBuf {
        let journal = self.journal.file_name().unwrap_or_default().to_string_lossy();
        let name = journal.strip_suffix("journal").unwrap_or(&journal);
        self.journal.with_file_name(format!("{name}memo"))
    }

    /// Whether the previous build wrote `bytes` at `rel`, and the file is still there:
    /// asked of a file that stands for others (the search index's key of a shard).
    pub(crate) fn wrote(&self, rel: &str, bytes: &[u8]) -> bool {
        self.previous.get(rel).is_some_and(|(print, _)| print == fingerprint(bytes))
            && nofollow::kind(&self.target.join(rel)).is_ok_and(|k| k == Kind::File)
    }

    /// The files the previous build wrote under `folder` (a path ending in `/`).
    pub(crate) fn previous_under(&self, folder: &str) -> Vec<String> {
        let order = &self.previous.order;
        let from = order.partition_point(|&slot| self.previous.path(slot) < folder);
        order[from..]
            .iter()
            .map(|&slot| self.previous.path(slot))
            .take_while(|path| path.starts_with(folder))
            .map(str::to_string)
            .collect()
    }

    /// Keeps all of `files` (the previous build's, see [`Staging::previous_under`]) if
    /// every one is still there as a file, and none of them otherwise.
    pub(crate) fn keep_all(&self, files: &[String]) -> bool {
        // The preview's output is its own (see the module's comment): what its manifest
        // lists is there, and a rebuild looks at none of it.
        let there =
            |rel: &String| self.held.is_some() || nofollow::kind(&self.target.join(rel)).is_ok_and(|k| k == Kind::File);
        if files.is_empty() || !files.iter().all(there) {
            return false;
        }
        files.iter().all(|rel| self.keep(rel))
    }

    /// Keeps every file of the previous build but those under `folders` (paths ending
    /// in `/`): a build that changes those folders of the output and nothing else.
    pub(crate) fn keep_all_but(&self, folders: &[&str]) {
        for (slot, kept) in self.kept.iter().enumerate() {
            let path = self.previous.path(slot);
            if !path.is_empty() && !folders.iter().any(|folder| path.starts_with(folder)) {
                kept.store(true, Ordering::Relaxed);
            }
        }
    }

    /// How many files this build has written or kept so far.
    pub(crate) fn count(&self) -> usize {
        let written = self.written.lock().expect("written lock");
        let kept_only = (0..self.kept.len()).filter(|&slot| self.kept_only(slot, &written)).count();
        written.len() + kept_only
    }

    /// Whether the previous build's file in `slot` is kept, and not also written again.
    pub(super) fn kept_only(&self, slot: usize, written: &HashMap<String, (Fingerprint, bool)>) -> bool {
        self.kept[slot].load(Ordering::Relaxed) && !written.contains_key(self.previous.path(slot))
    }

    /// The previous build's files that this one neither kept nor wrote again: the
    /// slots of the previous manifest.
    pub(super) fn stale(&self, kept: &[AtomicBool], written: &HashMap<String, (Fingerprint, bool)>) -> Vec<usize> {
        kept.iter()
            .enumerate()
            .filter(|(slot, kept)| {
                let line = &self.previous.lines[*slot];
                !kept.load(Ordering::Relaxed) && !line.is_empty() && !written.contains_key(path_of(line))
            })
            .map(|(slot, _)| slot)
            .collect()
    }
}

pub(super) fn staged_path(staging: &Path, rel: &str, flat: bool) -> PathBuf {
    if flat {
        staging.join(flat_name(rel))
    } else {
        staging.join(rel)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = nofollow::remove(&self.staging);
        }
    }
}
