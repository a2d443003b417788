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

use rayon::prelude::*;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Lists what a build wrote (`<length> <hash> <path>` per line), so the next build can
/// skip unchanged files and tell its own stale files from files somebody else put in
/// the output folder.
pub const MANIFEST: &str = ".communique-manifest";

/// Length and hash of a file's bytes. The hash need only be stable for one version of
/// the program: after an upgrade, a different hash just means the file is written again.
type Fingerprint = (u64, u64);

/// By output path. A fast hash: a preview rebuild looks up every path of the site.
type HashMap<K, V> = crate::fingerprint::FastMap<K, V>;

fn fingerprint(bytes: &[u8]) -> Fingerprint {
    (bytes.len() as u64, crate::fingerprint::of(bytes))
}

pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
    journal: PathBuf,
    /// What the previous build wrote.
    previous: Manifest,
    /// By slot of the previous manifest: kept by [`Staging::keep`]. A flag, not an
    /// entry in `written`: a preview rebuild keeps tens of thousands of files and
    /// writes a few.
    kept: Vec<AtomicBool>,
    /// What this build wrote; `true` when the file is staged (new or changed).
    written: Mutex<HashMap<String, (Fingerprint, bool)>>,
    /// The paths staged at some point (a later write of the same bytes as before may
    /// unstage one).
    staged: Mutex<Vec<String>>,
    dirs: Mutex<std::collections::HashSet<PathBuf>>,
    /// Files are staged flat (see the module's comment), not at their paths.
    flat: bool,
    /// Rewriting in place (see the module's comment): the files to write, by path.
    held: Option<Mutex<HashMap<String, Vec<u8>>>>,
    committed: bool,
}

/// The journal's second line when files are staged flat.
const FLAT: &str = "layout flat";

/// A staged file's name in the flat layout: a hash of its path (FNV-1a, which is the
/// same in every version of the program, so that any build can finish a journal).
fn flat_name(rel: &str) -> String {
    let hash = rel.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{hash:016x}")
}

/// A build's manifest, as the next build works with it: each file's fingerprint and
/// line, and the files in path order. The preview server keeps it from one rebuild to
/// the next instead of reading the file again; a rebuild then updates the lines it
/// changed, and costs what it wrote, not what the site holds.
pub struct Manifest {
    /// Which manifest this is: one read from disk is a new one, and slots (see
    /// [`Slot`]) are only meaningful within the one that gave them. Commits update a
    /// manifest in place, and a slot keeps its path until that file leaves the output.
    lineage: u64,
    /// By path: fingerprint and slot.
    entries: HashMap<String, (Fingerprint, usize)>,
    /// By slot: the file's line, `<length> <hash> <path>\n`; empty for a free slot.
    lines: Vec<String>,
    free: Vec<usize>,
    /// Slots in path order: the order of the file.
    order: Vec<usize>,
    /// The manifest file this was written as: its folder and fingerprint. Anything else
    /// on disk means the file is read again. (Not its modification time: two builds in
    /// the same few milliseconds may well share one.)
    stamp: Option<(PathBuf, Fingerprint)>,
}

/// Where a manifest holds a path: with it, [`Staging::keep_at`] needs no look-up.
#[derive(Clone, Copy)]
pub struct Slot {
    lineage: u64,
    index: usize,
}

impl Default for Manifest {
    fn default() -> Manifest {
        static LINEAGES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Manifest {
            lineage: LINEAGES.fetch_add(1, Ordering::Relaxed),
            entries: HashMap::default(),
            lines: Vec::new(),
            free: Vec::new(),
            order: Vec::new(),
            stamp: None,
        }
    }
}

impl Manifest {
    fn read(path: &Path) -> Manifest {
        let Ok(text) = fs::read_to_string(path) else { return Manifest::default() };
        let mut manifest = Manifest::default();
        // Sized once: growing the map step by step over 100,000 paths costs more than reading them.
        let count = text.bytes().filter(|&b| b == b'\n').count();
        manifest.entries.reserve(count);
        manifest.lines.reserve(count);
        for line in text.lines() {
            let mut parts = line.splitn(3, ' ');
            let print = (|| Some((parts.next()?.parse().ok()?, u64::from_str_radix(parts.next()?, 16).ok()?)))();
            if let (Some((len, hash)), Some(rel)) = (print, parts.next()) {
                manifest.set(rel, (len, hash));
            }
        }
        manifest.order = (0..manifest.lines.len()).collect();
        if !manifest.order.is_sorted_by(|a, b| manifest.path(*a) <= manifest.path(*b)) {
            // A manifest not of this program's making.
            let lines = &manifest.lines;
            manifest.order.sort_by(|a, b| path_of(&lines[*a]).cmp(path_of(&lines[*b])));
        }
        manifest
    }

    /// Where `rel` is, for [`Staging::keep_at`].
    pub fn slot(&self, rel: &str) -> Option<Slot> {
        self.get(rel).map(|(_, index)| Slot { lineage: self.lineage, index })
    }

    fn get(&self, rel: &str) -> Option<(Fingerprint, usize)> {
        self.entries.get(rel).copied()
    }

    fn path(&self, slot: usize) -> &str {
        path_of(&self.lines[slot])
    }

    /// Records `rel`'s fingerprint; returns its slot, and whether it is new (not yet in
    /// `order`).
    fn set(&mut self, rel: &str, (len, hash): Fingerprint) -> (usize, bool) {
        let line = format!("{len} {hash:016x} {rel}\n");
        if let Some((print, slot)) = self.entries.get_mut(rel) {
            *print = (len, hash);
            self.lines[*slot] = line;
            return (*slot, false);
        }
        let slot = match self.free.pop() {
            Some(slot) => {
                self.lines[slot] = line;
                slot
            }
            None => {
                self.lines.push(line);
                self.lines.len() - 1
            }
        };
        self.entries.insert(rel.to_string(), ((len, hash), slot));
        (slot, true)
    }

    fn remove(&mut self, slot: usize) {
        let line = std::mem::take(&mut self.lines[slot]);
        self.entries.remove(path_of(&line));
        self.free.push(slot);
    }

    /// Puts `added` (slots not yet in the order) in their places.
    fn place(&mut self, mut added: Vec<usize>) {
        let lines = &self.lines;
        added.sort_by(|a, b| path_of(&lines[*a]).cmp(path_of(&lines[*b])));
        if added.len() < 64 {
            // A rebuild adds a few files: each at its place, found by bisection.
            for slot in added {
                let at = self.order.partition_point(|&o| path_of(&lines[o]) < path_of(&lines[slot]));
                self.order.insert(at, slot);
            }
            return;
        }
        let old = std::mem::take(&mut self.order);
        let mut order = Vec::with_capacity(old.len() + added.len());
        let (mut a, mut b) = (old.into_iter().peekable(), added.into_iter().peekable());
        while let (Some(&x), Some(&y)) = (a.peek(), b.peek()) {
            order.push(if path_of(&lines[y]) < path_of(&lines[x]) { b.next() } else { a.next() }.expect("peeked"));
        }
        order.extend(a.chain(b));
        self.order = order;
    }

    fn text(&self) -> String {
        let mut text = String::with_capacity(self.order.iter().map(|&s| self.lines[s].len()).sum());
        for &slot in &self.order {
            text.push_str(&self.lines[slot]);
        }
        text
    }

    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The path on a manifest line.
fn path_of(line: &str) -> &str {
    line.splitn(3, ' ').nth(2).unwrap_or("").trim_end_matches('\n')
}

fn stamp(folder: &Path) -> Option<(PathBuf, Fingerprint)> {
    let bytes = fs::read(folder.join(MANIFEST)).ok()?;
    Some((folder.to_path_buf(), fingerprint(&bytes)))
}

/// Refuses an output folder that would overwrite or swallow the site's sources.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), String> {
    let root = absolute(root);
    let output = absolute(output);
    if root.starts_with(&output) {
        return Err(format!(
            "the output folder `{}` contains the site itself; choose a folder inside it such as `public`",
            output.display()
        ));
    }
    for source in ["content", "themes", "static", "site.toml"] {
        if output.starts_with(root.join(source)) {
            return Err(format!(
                "the output folder `{}` is inside the site's `{source}`; choose a folder of its own such as `public`",
                output.display()
            ));
        }
    }
    Ok(())
}

/// An absolute, lexically normalised path (the output folder may not exist yet, so
/// it cannot be canonicalised; its existing ancestors are).
pub fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut existing = joined.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        match Path::new(&part).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) | None => {}
            _ => out.push(part),
        }
    }
    out
}

fn check_relative(rel: &str) -> io::Result<()> {
    let ok = !rel.is_empty()
        && !rel.contains('\\')
        && Path::new(rel).components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refusing to write `{rel}` outside the output folder")))
    }
}

impl Staging {
    pub fn begin(target: &Path) -> io::Result<Staging> {
        Staging::begin_after(target, None, false)
    }

    /// [`Staging::begin`], with the manifest the last build of this output committed,
    /// if the caller kept it (see [`Staging::commit`]) and it is still the one on disk.
    /// With `in_place`, for an output that no one else reads while it is committed,
    /// changed files are written over the old ones (if that manifest is the one on disk).
    pub fn begin_after(target: &Path, last: Option<Manifest>, in_place: bool) -> io::Result<Staging> {
        let target = absolute(target);
        if target.exists() && !target.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("the output `{}` is a file, not a folder", target.display()),
            ));
        }
        let parent = target.parent().ok_or_else(|| io::Error::other("the output folder has no parent"))?;
        fs::create_dir_all(parent)?;
        let name = target.file_name().map_or("output".into(), |n| n.to_string_lossy().into_owned());
        let staging = parent.join(format!(".{name}.communique-staging"));
        let journal = parent.join(format!(".{name}.communique-journal"));
        if journal.exists() {
            // A commit was interrupted: finish it before anything else.
            finish_commit(&target, &staging, &journal)?;
        }
        if staging.exists() {
            fs::remove_dir_all(&staging)?; // left by a build that was killed while rendering
        }
        let (previous, in_place) = match last {
            Some(last) if last.stamp.is_some() && last.stamp == stamp(&target) => (last, in_place),
            _ => (Manifest::read(&target.join(MANIFEST)), false),
        };
        if !in_place {
            fs::create_dir(&staging)?;
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

    fn staged(&self, rel: &str) -> PathBuf {
        staged_path(&self.staging, rel, self.flat)
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file of the build (the last write of a path wins). A file the previous
    /// build wrote with the same bytes, and that is still there, is not written again.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_relative(rel)?;
        let print = fingerprint(bytes);
        let dest = self.staged(rel);
        let before = self.previous.get(rel).map(|(print, _)| print);
        let unchanged = before == Some(print) && self.target.join(rel).is_file();
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

    /// Keeps the file the previous build wrote at `rel` as part of this build, without
    /// writing it: the preview server's rebuilds keep what an edit did not touch. False
    /// when the previous build wrote no such file.
    pub fn keep(&self, rel: &str) -> bool {
        let Some((_, slot)) = self.previous.get(rel) else { return false };
        self.kept[slot].store(true, Ordering::Relaxed);
        true
    }

    /// [`Staging::keep`], told where the previous manifest had `rel` (a
    /// [`Manifest::slot`]): no look-up when the slot is of that manifest.
    pub fn keep_at(&self, slot: Option<Slot>, rel: &str) -> bool {
        match slot.filter(|s| s.lineage == self.previous.lineage).and_then(|s| self.kept.get(s.index)) {
            Some(kept) => {
                kept.store(true, Ordering::Relaxed);
                true
            }
            None => self.keep(rel),
        }
    }

    /// How many files this build has written or kept so far.
    pub fn count(&self) -> usize {
        let written = self.written.lock().expect("written lock");
        let kept_only = (0..self.kept.len()).filter(|&slot| self.kept_only(slot, &written)).count();
        written.len() + kept_only
    }

    /// Whether the previous build's file in `slot` is kept, and not also written again.
    fn kept_only(&self, slot: usize, written: &HashMap<String, (Fingerprint, bool)>) -> bool {
        self.kept[slot].load(Ordering::Relaxed) && !written.contains_key(self.previous.path(slot))
    }

    /// Makes the staged build the output. Returns the number of files and the new
    /// manifest, which the next build of this output may start from.
    pub fn commit(mut self) -> io::Result<(usize, Manifest)> {
        let written = std::mem::take(&mut *self.written.lock().expect("written lock"));
        // The manifest: the previous one, less the files neither kept nor written again,
        // with what this build wrote.
        let mut stale: Vec<String> = Vec::new();
        let kept = std::mem::take(&mut self.kept);
        let mut manifest = std::mem::take(&mut self.previous);
        let mut dropped = vec![false; manifest.lines.len()];
        for (slot, kept) in kept.iter().enumerate() {
            let line = &manifest.lines[slot];
            if !kept.load(Ordering::Relaxed) && !line.is_empty() && !written.contains_key(path_of(line)) {
                stale.push(path_of(line).to_string());
                dropped[slot] = true;
            }
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
        if let Some(held) = self.held.take() {
            let files: Vec<(String, Vec<u8>)> = held.into_inner().expect("held lock").into_iter().collect();
            let written = (|| {
                // On every core: a template edit rewrites thousands of pages.
                files.par_iter().try_for_each(|(rel, bytes)| {
                    let to = self.target.join(rel);
                    if let Some(dir) = to.parent() {
                        fs::create_dir_all(dir)?;
                    }
                    if to.is_dir() {
                        fs::remove_dir_all(&to)?;
                    }
                    overwrite(&to, bytes)
                })?;
                stale.sort();
                for rel in &stale {
                    delete(&self.target, rel)?;
                }
                overwrite(&self.target.join(MANIFEST), text.as_bytes())
            })();
            if let Err(e) = written {
                // Some files are new and the manifest is not: without it, the next build
                // trusts no file and writes each one again.
                let _ = fs::remove_file(self.target.join(MANIFEST));
                return Err(e);
            }
            self.committed = true;
            manifest.stamp = Some((self.target.clone(), fingerprint(text.as_bytes())));
            return Ok((count, manifest));
        }
        fs::write(self.staged(MANIFEST), &text)?;

        let fresh = !self.target.exists() || fs::read_dir(&self.target)?.next().is_none();
        if fresh && !self.flat {
            if self.target.exists() {
                fs::remove_dir(&self.target)?;
            }
            fs::rename(&self.staging, &self.target)?;
        } else {
            let mut journal = String::from("communique commit journal\n");
            if self.flat {
                journal.push_str(FLAT);
                journal.push('\n');
            }
            let mut staged = std::mem::take(&mut *self.staged.lock().expect("staged lock"));
            staged.sort_unstable();
            staged.dedup();
            for path in staged.iter().filter(|p| written.get(*p).is_some_and(|(_, staged)| *staged)) {
                journal.push_str(&format!("move {path}\n"));
            }
            stale.sort();
            for path in stale {
                journal.push_str(&format!("delete {path}\n"));
            }
            journal.push_str(&format!("move {MANIFEST}\n"));
            // Written whole, then renamed: a journal is either complete or absent.
            let partial = self.journal.with_extension("partial");
            fs::write(&partial, journal)?;
            fs::rename(&partial, &self.journal)?;
            finish_commit(&self.target, &self.staging, &self.journal)?;
        }
        self.committed = true;
        manifest.stamp = Some((self.target.clone(), fingerprint(text.as_bytes())));
        Ok((count, manifest))
    }
}

/// Applies a commit journal: moves staged files into the output, deletes stale ones,
/// then removes the journal and the staging folder. Safe to run again after a kill:
/// a move whose staged file is gone was already done.
fn finish_commit(target: &Path, staging: &Path, journal: &Path) -> io::Result<()> {
    let text = fs::read_to_string(journal)?;
    let flat = text.lines().nth(1) == Some(FLAT);
    let mut made: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for line in text.lines().skip(1) {
        if let Some(rel) = line.strip_prefix("move ") {
            check_relative(rel)?;
            let from = staged_path(staging, rel, flat);
            if !from.exists() {
                continue;
            }
            let to = target.join(rel);
            if let Some(dir) = to.parent() {
                if made.insert(dir.to_path_buf()) {
                    fs::create_dir_all(dir)?;
                }
            }
            if to.is_dir() {
                fs::remove_dir_all(&to)?;
            }
            fs::rename(&from, &to)?;
        } else if let Some(rel) = line.strip_prefix("delete ") {
            check_relative(rel)?;
            delete(target, rel)?;
        }
    }
    fs::remove_file(journal)?;
    if staging.exists() {
        fs::remove_dir_all(staging)?;
    }
    Ok(())
}

/// Writes `bytes` over the file at `path` in its own blocks, then cuts what is left of
/// the old text. Not `fs::write`: ext4 flushes a file that was truncated to nothing and
/// written again as it is closed, which costs a template edit seconds.
fn overwrite(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = fs::OpenOptions::new().write(true).create(true).truncate(false).open(path)?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)
}

/// Deletes a stale file of the output, and the folders that leaves empty up to the
/// output itself.
fn delete(target: &Path, rel: &str) -> io::Result<()> {
    let path = target.join(rel);
    match fs::remove_file(&path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != target && d.starts_with(target)) {
        if fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
    Ok(())
}

fn staged_path(staging: &Path, rel: &str, flat: bool) -> PathBuf {
    if flat {
        staging.join(flat_name(rel))
    } else {
        staging.join(rel)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output folder with a first build of `files` committed in it.
    fn built(files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        for (rel, bytes) in files {
            first.write(rel, bytes).unwrap();
        }
        first.commit().unwrap();
        (dir, out)
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        for bad in ["", "../x", "/etc/passwd", "a/../../b", "a\\b", "./a"] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
        for ok in ["index.html", "groups/x/feed.xml", "releases/payments-4.2/index.html"] {
            assert!(check_relative(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_output_folders_over_sources() {
        let root = Path::new("/srv/site");
        assert!(check_output_dir(root, Path::new("/srv/site")).is_err());
        assert!(check_output_dir(root, Path::new("/srv")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/content/out")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/static")).is_err());
        assert!(check_output_dir(root, Path::new("/srv/site/public")).is_ok());
        assert!(check_output_dir(root, Path::new("/srv/site-public")).is_ok());
    }

    #[test]
    fn staged_build_replaces_output_and_keeps_foreign_files() {
        let (_dir, out) = built(&[("index.html", b"one"), ("old/index.html", b"stale")]);
        fs::write(out.join("CNAME"), "x.example").unwrap();

        let second = Staging::begin(&out).unwrap();
        second.write("index.html", b"two").unwrap();
        // Nothing changes until the commit.
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        second.commit().unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"two");
        assert!(!out.join("old/index.html").exists(), "stale file of ours dropped");
        assert_eq!(fs::read_to_string(out.join("CNAME")).unwrap(), "x.example");
    }

    #[test]
    fn rewriting_a_staged_file_never_touches_the_previous_output() {
        let (_dir, out) = built(&[("index.html", b"generated")]);
        // Unchanged, so not staged; then a site's static file replaces it. The previous
        // output must not change before the commit.
        let second = Staging::begin(&out).unwrap();
        second.write("index.html", b"generated").unwrap();
        second.write("index.html", b"from static/").unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"generated");
        drop(second);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"generated");
    }

    #[test]
    fn an_abandoned_build_changes_nothing() {
        let (dir, out) = built(&[("index.html", b"one")]);
        let second = Staging::begin(&out).unwrap();
        second.write("index.html", b"two").unwrap();
        drop(second);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folder left behind");
    }

    #[test]
    fn unchanged_files_are_left_alone() {
        let (_dir, out) = built(&[("a.html", b"same"), ("b.html", b"old")]);
        let inode = |p: &str| std::os::unix::fs::MetadataExt::ino(&fs::metadata(out.join(p)).unwrap());
        let (a, b) = (inode("a.html"), inode("b.html"));
        let second = Staging::begin(&out).unwrap();
        second.write("a.html", b"same").unwrap();
        second.write("b.html", b"new").unwrap();
        second.commit().unwrap();
        assert_eq!(inode("a.html"), a, "an unchanged file is not rewritten");
        assert_ne!(inode("b.html"), b);
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"new");
    }

    #[test]
    fn a_kept_manifest_is_updated_in_path_order() {
        let odd: Vec<String> = (0..200).filter(|n| n % 2 == 1).map(|n| format!("p/{n:03}.html")).collect();
        let (_dir, out) = built(&odd.iter().map(|p| (p.as_str(), p.as_bytes())).collect::<Vec<_>>());
        let mut last = kept(&out);
        // A few files added, then many (two ways of putting them in order), some dropped.
        for (step, added) in [(0, 3), (1, 150)] {
            let staging = Staging::begin_after(&out, last.take(), false).unwrap();
            let mut expected = Vec::new();
            for rel in &odd {
                if !rel.ends_with("1.html") {
                    assert!(staging.keep(rel), "{rel}");
                    expected.push(rel.clone());
                }
            }
            for n in (0..200).filter(|n| n % 2 == 0).take(added) {
                let rel = format!("p/{n:03}.html");
                staging.write(&rel, format!("{step}").as_bytes()).unwrap();
                expected.push(rel);
            }
            let (count, manifest) = staging.commit().unwrap();
            assert_eq!(count, expected.len());
            expected.sort();
            let text = fs::read_to_string(out.join(MANIFEST)).unwrap();
            let paths: Vec<&str> = text.lines().map(path_of).collect();
            assert_eq!(paths, expected, "step {step}: every file once, in path order");
            assert_eq!(text, manifest.text());
            last = Some(manifest);
        }
    }

    #[test]
    fn a_kept_manifest_is_not_trusted_once_the_file_changed() {
        let (_dir, out) = built(&[("a.html", b"one")]);
        let staging = Staging::begin(&out).unwrap();
        staging.write("a.html", b"one").unwrap();
        let (_, kept) = staging.commit().unwrap();
        // Somebody else builds into the same folder.
        let other = Staging::begin(&out).unwrap();
        other.write("b.html", b"two").unwrap();
        other.commit().unwrap();
        let next = Staging::begin_after(&out, Some(kept), false).unwrap();
        assert!(next.keep("b.html"), "the manifest on disk lists b.html");
        assert!(!next.keep("a.html"));
    }

    /// The manifest of the last commit into `out`, as the preview server keeps it.
    fn kept(out: &Path) -> Option<Manifest> {
        let mut manifest = Manifest::read(&out.join(MANIFEST));
        manifest.stamp = stamp(out);
        Some(manifest)
    }

    #[cfg(unix)]
    #[test]
    fn in_place_a_commit_writes_over_the_old_files_and_a_failed_build_writes_nothing() {
        let (dir, out) = built(&[("index.html", b"one"), ("a/index.html", b"a"), ("b/index.html", b"b")]);
        let inode = |rel: &str| std::os::unix::fs::MetadataExt::ino(&fs::metadata(out.join(rel)).unwrap());
        let before = inode("index.html");

        let failed = Staging::begin_after(&out, kept(&out), true).unwrap();
        failed.write("index.html", b"never").unwrap();
        assert!(!dir.path().join(".public.communique-staging").exists(), "nothing staged on disk");
        drop(failed);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one", "a build that fails writes nothing");

        let next = Staging::begin_after(&out, kept(&out), true).unwrap();
        next.write("index.html", b"two").unwrap();
        next.write("c/d/index.html", b"new").unwrap();
        // Written with other bytes, then with its old ones again: the last write wins.
        next.write("b/index.html", b"other").unwrap();
        next.write("b/index.html", b"b").unwrap();
        assert!(next.keep("a/index.html"));
        let (count, manifest) = next.commit().unwrap();
        assert_eq!(count, 4);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"two");
        assert_eq!(inode("index.html"), before, "written over, not replaced");
        assert_eq!(fs::read(out.join("c/d/index.html")).unwrap(), b"new");
        assert_eq!(fs::read(out.join("b/index.html")).unwrap(), b"b");
        assert_eq!(fs::read_to_string(out.join(MANIFEST)).unwrap(), manifest.text());
        // A stale file goes, with the folders it leaves empty.
        let next = Staging::begin_after(&out, kept(&out), true).unwrap();
        for rel in ["index.html", "a/index.html", "b/index.html"] {
            assert!(next.keep(rel));
        }
        let (_, manifest) = next.commit().unwrap();
        assert!(!out.join("c").exists());
        assert_eq!(fs::read_to_string(out.join(MANIFEST)).unwrap(), manifest.text());
    }

    #[test]
    fn in_place_a_commit_that_fails_halfway_leaves_no_manifest_to_trust() {
        let (_dir, out) = built(&[("a.html", b"one"), ("b.html", b"two")]);
        let next = Staging::begin_after(&out, kept(&out), true).unwrap();
        next.write("b.html", b"changed").unwrap();
        assert!(next.keep("a.html"));
        // A folder where a file of the output is: this write fails.
        next.write("a.html/index.html", b"x").unwrap();
        assert!(next.commit().is_err());
        assert!(!out.join(MANIFEST).exists(), "the next build writes every file again");
    }

    #[test]
    fn in_place_only_over_the_output_the_kept_manifest_describes() {
        let (dir, out) = built(&[("index.html", b"one")]);
        // No kept manifest: staged as usual.
        let staging = Staging::begin_after(&out, None, true).unwrap();
        assert!(dir.path().join(".public.communique-staging").exists());
        drop(staging);
    }

    #[test]
    fn over_an_existing_output_files_are_staged_flat() {
        let (dir, out) = built(&[("index.html", b"one")]);
        let second = Staging::begin(&out).unwrap();
        second.write("releases/new/group/index.html", b"new").unwrap();
        let staging = dir.path().join(".public.communique-staging");
        let staged: Vec<_> = fs::read_dir(&staging).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(staged, [staging.join(flat_name("releases/new/group/index.html"))], "one file, no folders");
        second.commit().unwrap();
        assert_eq!(fs::read(out.join("releases/new/group/index.html")).unwrap(), b"new");
        assert!(!out.join("index.html").exists(), "not written by the second build, so stale");
    }

    #[test]
    fn an_interrupted_flat_commit_is_finished_by_the_next_build() {
        let (dir, out) = built(&[("a.html", b"one")]);
        let staging = dir.path().join(".public.communique-staging");
        fs::create_dir_all(&staging).unwrap();
        fs::write(staging.join(flat_name("b/index.html")), b"two").unwrap();
        fs::write(staging.join(flat_name(MANIFEST)), "3 0 b/index.html\n").unwrap();
        fs::write(
            dir.path().join(".public.communique-journal"),
            format!("communique commit journal\n{FLAT}\nmove b/index.html\ndelete a.html\nmove {MANIFEST}\n"),
        )
        .unwrap();
        drop(Staging::begin(&out).unwrap());
        assert_eq!(fs::read(out.join("b/index.html")).unwrap(), b"two");
        assert!(!out.join("a.html").exists());
        assert_eq!(fs::read_to_string(out.join(MANIFEST)).unwrap(), "3 0 b/index.html\n");
    }

    #[test]
    fn an_interrupted_commit_is_finished_by_the_next_build() {
        let (dir, out) = built(&[("a.html", b"one"), ("gone/index.html", b"stale")]);
        // A journal as a killed commit leaves it: written, nothing applied yet.
        let staging = dir.path().join(".public.communique-staging");
        fs::create_dir_all(&staging).unwrap();
        fs::write(staging.join("a.html"), b"two").unwrap();
        fs::write(staging.join(MANIFEST), "3 0 a.html\n").unwrap();
        fs::write(
            dir.path().join(".public.communique-journal"),
            "communique commit journal\nmove a.html\ndelete gone/index.html\nmove .communique-manifest\n",
        )
        .unwrap();
        let next = Staging::begin(&out).unwrap();
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"two");
        assert!(!out.join("gone").exists(), "stale file and its emptied folder removed");
        drop(next);
    }
}
