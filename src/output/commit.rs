//! Checking a staged build against the output, then making it the output: renames
//! under a journal, or, for the preview, writes in place.

use super::in_place::{overwrite, write_in_place};
use super::journal::{beside, finish_commit, identity, recover, JOURNAL};
use super::manifest::{Manifest, MANIFEST};
use super::nofollow::{self, ancestors, Folders, Kind};
use super::staging::{Staging, FLAT};
use super::{fingerprint, Failure, Fingerprint, HashMap, UNKNOWN};
use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

impl Staging {
    /// Checks what the commit would change, before anything changes: see [`plan`].
    pub(crate) fn check(&self) -> Result<(), Failure> {
        let written = self.written.lock().expect("written lock");
        let stale = self.stale(&self.kept, &written);
        self.plan(&self.kept, &written, &stale).map(drop)
    }

    /// Looks at every path this build writes, before anything in the output changes.
    /// Its own paths must not collide (a file where another of its files needs a
    /// folder). Where it writes, the output must hold nothing, or a file the previous
    /// build wrote, reached through real folders: a file it did not write, a link, or
    /// anything in a folder that stands where a file goes, is in the way, and the build
    /// refuses, naming them. Returns the previous build's stale files that stand in the
    /// way (a file where a folder is now needed), which the commit deletes first, and
    /// what it found of the output's folders (so the commit need not look again).
    pub(super) fn plan(
        &self,
        kept: &[AtomicBool],
        written: &HashMap<String, (Fingerprint, bool)>,
        stale: &[usize],
    ) -> Result<(Vec<String>, Folders), Failure> {
        let in_build = |rel: &str| {
            written.contains_key(rel)
                || self.previous.get(rel).is_some_and(|(_, slot)| kept[slot].load(Ordering::Relaxed))
        };
        let stale: HashSet<&str> = stale.iter().map(|&slot| self.previous.path(slot)).collect();
        let mut staged: Vec<&str> =
            written.iter().filter(|(_, (_, staged))| *staged).map(|(rel, _)| rel.as_str()).collect();
        let mut collisions = BTreeSet::new();
        for rel in &staged {
            for dir in ancestors(rel) {
                if in_build(dir) {
                    collisions.insert(format!("`{dir}` and `{rel}`"));
                }
            }
        }
        let mut in_the_way = BTreeSet::new();
        let mut first = BTreeSet::new();
        let mut folders = Folders::new(&self.target);
        if nofollow::kind(&self.target).map_err(Failure::untouched)? == Kind::Dir {
            staged.sort_unstable();
            // The preview's own folder holds the files its manifest lists (no one else
            // writes there): a template edit rewrites thousands, and none needs a look.
            let private = self.held.is_some();
            for rel in staged.iter().filter(|rel| !(private && self.previous.get(rel).is_some())) {
                let mut reached = true;
                for dir in ancestors(rel) {
                    match folders.kind(dir).map_err(Failure::untouched)? {
                        Kind::Dir => continue,
                        Kind::Missing => {}
                        Kind::File if stale.contains(dir) => drop(first.insert(dir.to_string())),
                        // Written by this build too: a collision, found above.
                        Kind::File if in_build(dir) => {}
                        Kind::File | Kind::Link | Kind::Other => drop(in_the_way.insert(dir.to_string())),
                    }
                    reached = false;
                    break;
                }
                if !reached {
                    continue;
                }
                match nofollow::kind(&self.target.join(rel)).map_err(Failure::untouched)? {
                    Kind::Missing => {}
                    Kind::File if self.previous.get(rel).is_some() => {}
                    Kind::Dir => {
                        // A folder where a file goes: only if it holds stale files of ours and
                        // nothing else (an empty one was not left by a build: ours go with
                        // their last file).
                        let mut files = 0;
                        for entry in walkdir::WalkDir::new(self.target.join(rel)).min_depth(1) {
                            let entry = entry.map_err(Failure::untouched)?;
                            let inner = entry.path().strip_prefix(&self.target).unwrap_or(entry.path());
                            let inner = inner.to_string_lossy().into_owned();
                            let kind = entry.file_type();
                            files += usize::from(!kind.is_dir());
                            if kind.is_dir() {
                                continue;
                            } else if kind.is_file() && stale.contains(inner.as_str()) {
                                first.insert(inner);
                            } else if kind.is_file() && in_build(&inner) {
                                collisions.insert(format!("`{rel}` and `{inner}`"));
                            } else {
                                in_the_way.insert(inner);
                            }
                        }
                        if files == 0 {
                            in_the_way.insert(rel.to_string());
                        }
                    }
                    Kind::File | Kind::Link | Kind::Other => drop(in_the_way.insert(rel.to_string())),
                }
            }
        }
        if !collisions.is_empty() {
            let n = collisions.len();
            return Err(Failure::Failed {
                message: format!(
                    "this build would write a file where another of its files needs a folder: {}{}; give the release, group or static file that makes one of them another name",
                    collisions.iter().take(10).cloned().collect::<Vec<_>>().join(", "),
                    if n > 10 { format!(" and {} more", n - 10) } else { String::new() }
                ),
                touched: false,
            });
        }
        if !in_the_way.is_empty() {
            return Err(Failure::InTheWay(format!(
                "the output folder `{}` holds {} that this program did not write where this build writes: {}; move {} away, or build into an empty folder with --output",
                self.target.display(),
                if in_the_way.len() == 1 { "a file" } else { "files" },
                listed(&in_the_way),
                if in_the_way.len() == 1 { "it" } else { "them" }
            )));
        }
        Ok((first.into_iter().collect(), folders))
    }

    /// Makes the staged build the output. Returns the number of files and the new
    /// manifest, which the next build of this output may start from.
    pub(crate) fn commit(mut self) -> Result<(usize, Manifest), Failure> {
        let written = std::mem::take(&mut *self.written.lock().expect("written lock"));
        let kept = std::mem::take(&mut self.kept);
        let stale_slots = self.stale(&kept, &written);
        let (first, folders) = self.plan(&kept, &written, &stale_slots)?;
        // The manifest: the previous one, less the files neither kept nor written again,
        // with what this build wrote.
        let mut manifest = std::mem::take(&mut self.previous);
        let mut dropped = vec![false; manifest.lines.len()];
        let mut stale: Vec<String> = Vec::with_capacity(stale_slots.len());
        for slot in stale_slots {
            stale.push(manifest.path(slot).to_string());
            dropped[slot] = true;
        }
        manifest.order.retain(|&slot| !dropped[slot]);
        for (slot, _) in dropped.iter().enumerate().filter(|(_, d)| **d) {
            manifest.remove(slot);
        }
        let mut fresh: Vec<(&String, Fingerprint)> = written.iter().map(|(p, (f, _))| (p, *f)).collect();
        fresh.sort_unstable();
        let added: Vec<usize> = fresh
            .iter()
            .map(|(path, print)| manifest.set(path, *print))
            .filter(|(_, new)| *new)
            .map(|(s, _)| s)
            .collect();
        manifest.place(added);
        let count = manifest.len();
        let text = manifest.text();
        stale.sort_unstable();
        if let Some(held) = self.held.take() {
            let files: Vec<(String, Vec<u8>)> = held.into_inner().expect("held lock").into_iter().collect();
            let changes = AtomicUsize::new(0);
            if let Err(e) = write_in_place(folders, &files, &first, &stale, &text, &changes) {
                // Some files may be new: the manifest lists them as ours, bytes unknown,
                // and the files that were to go as well, so that the next build writes
                // each again and deletes what it no longer makes.
                let mut ours = manifest;
                let mut added = Vec::new();
                for rel in files.iter().map(|(rel, _)| rel).chain(&stale) {
                    if let (slot, true) = ours.set(rel, UNKNOWN) {
                        added.push(slot);
                    }
                }
                ours.place(added);
                let manifest = self.target.join(MANIFEST);
                if overwrite(&manifest, ours.text().as_bytes()).is_err() {
                    let _ = fs::remove_file(manifest);
                }
                return Err(stopped(&self.target, changes.into_inner(), files.len() + stale.len(), &e));
            }
            self.committed = true;
            manifest.stamp = Some((self.target.clone(), fingerprint(text.as_bytes())));
            return Ok((count, manifest));
        }
        nofollow::write(&self.staged(MANIFEST), text.as_bytes()).map_err(Failure::untouched)?;

        let fresh = match nofollow::kind(&self.target).map_err(Failure::untouched)? {
            Kind::Missing => true,
            _ => fs::read_dir(&self.target).map_err(Failure::untouched)?.next().is_none(),
        };
        if fresh && !self.flat {
            if self.target.exists() {
                fs::remove_dir(&self.target).map_err(Failure::untouched)?;
            }
            fs::rename(&self.staging, &self.target).map_err(Failure::untouched)?;
        } else {
            let identity = identity(&self.staging).ok_or_else(|| Failure::untouched("the staging folder is gone"))?;
            let mut journal = format!("{JOURNAL}\n{identity}\n");
            if self.flat {
                journal.push_str(FLAT);
                journal.push('\n');
            }
            // Stale files where a folder now goes first, then the new files, then the
            // rest of the stale ones.
            for path in &first {
                journal.push_str(&format!("delete {path}\n"));
            }
            let mut staged = std::mem::take(&mut *self.staged.lock().expect("staged lock"));
            staged.sort_unstable();
            staged.dedup();
            for path in staged.iter().filter(|p| written.get(*p).is_some_and(|(_, staged)| *staged)) {
                journal.push_str(&format!("move {path}\n"));
            }
            let first: HashSet<&String> = first.iter().collect();
            for path in stale.iter().filter(|p| !first.contains(p)) {
                journal.push_str(&format!("delete {path}\n"));
            }
            journal.push_str(&format!("move {MANIFEST}\n"));
            // Written whole, then renamed: a journal is either complete or absent.
            let partial = beside(&self.journal, "-partial");
            nofollow::write(&partial, journal.as_bytes()).map_err(Failure::untouched)?;
            fs::rename(&partial, &self.journal).map_err(Failure::untouched)?;
            if let Err(stop) = finish_commit(&self.target, &self.staging, &self.journal, &journal) {
                // Recorded now, if it can be; else the next build finishes or records it.
                let _ = recover(&self.target, &self.staging, &self.journal, &journal);
                self.committed = true; // the staging folder is the journal's now
                return Err(stopped(&self.target, stop.changes, stop.of, &stop.error));
            }
        }
        self.committed = true;
        manifest.stamp = Some((self.target.clone(), fingerprint(text.as_bytes())));
        Ok((count, manifest))
    }
}

/// `paths` as a message names them: the first ten, and how many more.
fn listed(paths: &BTreeSet<String>) -> String {
    let mut text = paths.iter().take(10).map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
    if paths.len() > 10 {
        text.push_str(&format!(" and {} more", paths.len() - 10));
    }
    text
}

/// What a commit that stopped halfway did, said truthfully.
fn stopped(target: &Path, changes: usize, of: usize, error: &io::Error) -> Failure {
    if changes == 0 {
        return Failure::Failed {
            message: format!("{error}; nothing in `{}` was changed", target.display()),
            touched: false,
        };
    }
    Failure::Failed {
        message: format!(
            "{error}; `{}` was partly updated ({changes} of {of} changes made): it holds files of this build and of the last one until a build succeeds",
            target.display()
        ),
        touched: true,
    }
}
