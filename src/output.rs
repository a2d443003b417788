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

mod journal;
pub(crate) mod nofollow;

use journal::{beside, bound, finish_commit, identity, recover, untrusted, JOURNAL};

use nofollow::{ancestors, Folders, Kind};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
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

/// The fingerprint of a file of ours whose bytes are not known (a commit stopped
/// halfway): it matches no bytes, so the next build writes the file again.
const UNKNOWN: Fingerprint = (u64::MAX, 0);

/// Why a build's files were not (all) written.
#[derive(Debug)]
pub enum Failure {
    /// The output holds something this build would have to write over (a file it did
    /// not write, a symbolic link), or a leftover it cannot trust: nothing was written.
    /// The person building must choose: the message says what to move or remove.
    InTheWay(String),
    /// An error; `touched` tells whether the output changed before it.
    Failed { message: String, touched: bool },
}

impl Failure {
    fn untouched(e: impl fmt::Display) -> Failure {
        Failure::Failed { message: e.to_string(), touched: false }
    }

    /// Whether the output changed.
    pub fn touched(&self) -> bool {
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

/// `paths` as a message names them: the first ten, and how many more.
fn listed(paths: &BTreeSet<String>) -> String {
    let mut text = paths.iter().take(10).map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ");
    if paths.len() > 10 {
        text.push_str(&format!(" and {} more", paths.len() - 10));
    }
    text
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
#[derive(Debug)]
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
        // Not through a link: a manifest is a file the build wrote.
        let Ok(text) = nofollow::read_to_string(path) else { return Manifest::default() };
        let mut manifest = Manifest::default();
        // Sized once: growing the map step by step over 100,000 paths costs more than reading them.
        let count = text.bytes().filter(|&b| b == b'\n').count();
        manifest.entries.reserve(count);
        manifest.lines.reserve(count);
        for line in text.lines() {
            let mut parts = line.splitn(3, ' ');
            let print = (|| Some((parts.next()?.parse().ok()?, u64::from_str_radix(parts.next()?, 16).ok()?)))();
            // A line naming a path outside the output (a manifest planted in a
            // repository, say) is not a file of ours: nothing is ever done with it.
            match (print, parts.next()) {
                (Some((len, hash)), Some(rel)) if rel != MANIFEST && check_relative(rel).is_ok() => {
                    manifest.set(rel, (len, hash));
                }
                _ => {}
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
    let text = nofollow::read_to_string(&folder.join(MANIFEST)).ok()?;
    Some((folder.to_path_buf(), fingerprint(text.as_bytes())))
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

/// Refuses two folders of one build, or of the site's two audiences, that are the same
/// folder or one inside the other: each build owns its folder, and deletes from it the
/// files it wrote before and no longer writes. `what` names the first folder, `other`
/// the second, as the message says them.
pub fn check_apart(folder: &Path, what: &str, other: &Path, other_what: &str, same_ok: bool) -> Result<(), String> {
    let (a, b) = (absolute(folder), absolute(other));
    let relation = if a == b {
        if same_ok {
            return Ok(());
        }
        "is"
    } else if a.starts_with(&b) {
        "is inside"
    } else if b.starts_with(&a) {
        "contains"
    } else {
        return Ok(());
    };
    Err(format!(
        "{what} `{}` {relation} {other_what} `{}`; give each a folder of its own, side by side, such as `public` and `mail`",
        folder.display(),
        other.display()
    ))
}

/// Refuses an output folder under `root` with a symbolic link on the way to it, or
/// that is one: `output_dir = "build/public"` with `build` a link out of the site, say.
/// (The output folder itself is checked again when the build begins.)
pub fn check_no_links(root: &Path, output: &Path) -> Result<(), String> {
    let Ok(rel) = output.strip_prefix(root) else { return Ok(()) };
    let mut at = root.to_path_buf();
    for part in rel.components() {
        let Component::Normal(part) = part else { return Ok(()) };
        at.push(part);
        match nofollow::kind(&at) {
            Ok(Kind::Link) => {
                return Err(format!(
                    "`{}`, on the way to the output folder `{}`, is a symbolic link; a build writes only into real folders: remove the link, or give the folder it points to with --output",
                    at.display(),
                    output.display()
                ))
            }
            Ok(Kind::Dir) => {}
            _ => return Ok(()),
        }
    }
    Ok(())
}

/// An absolute, lexically normalised path (the output folder may not exist yet, so
/// it cannot be canonicalised; its existing ancestors are).
fn absolute(path: &Path) -> PathBuf {
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
    pub fn begin(target: &Path) -> Result<Staging, Failure> {
        Staging::begin_after(target, None, false)
    }

    /// [`Staging::begin`], with the manifest the last build of this output committed,
    /// if the caller kept it (see [`Staging::commit`]) and it is still the one on disk.
    /// With `in_place`, for an output that no one else reads while it is committed,
    /// changed files are written over the old ones (if that manifest is the one on disk).
    pub fn begin_after(target: &Path, last: Option<Manifest>, in_place: bool) -> Result<Staging, Failure> {
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

    /// The previous build's files that this one neither kept nor wrote again: the
    /// slots of the previous manifest.
    fn stale(&self, kept: &[AtomicBool], written: &HashMap<String, (Fingerprint, bool)>) -> Vec<usize> {
        kept.iter()
            .enumerate()
            .filter(|(slot, kept)| {
                let line = &self.previous.lines[*slot];
                !kept.load(Ordering::Relaxed) && !line.is_empty() && !written.contains_key(path_of(line))
            })
            .map(|(slot, _)| slot)
            .collect()
    }

    /// Checks what the commit would change, before anything changes: see [`plan`].
    pub fn check(&self) -> Result<(), Failure> {
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
    fn plan(
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
    pub fn commit(mut self) -> Result<(usize, Manifest), Failure> {
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

/// A commit into the preview's own output: changed files written over the old ones.
/// `changes` counts what was changed, for the message if it stops halfway.
fn write_in_place(
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
fn overwrite(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut file = nofollow::open_to_write(path, false)?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)
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
            let _ = nofollow::remove(&self.staging);
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

    /// The first lines of a journal that `staging`, on this machine, is bound to.
    fn head(staging: &Path) -> String {
        format!("{JOURNAL}\n{}\n", identity(staging).unwrap())
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
    fn in_place_a_build_whose_paths_collide_writes_nothing() {
        let (_dir, out) = built(&[("a.html", b"one"), ("b.html", b"two")]);
        let manifest = fs::read(out.join(MANIFEST)).unwrap();
        let next = Staging::begin_after(&out, kept(&out), true).unwrap();
        next.write("b.html", b"changed").unwrap();
        assert!(next.keep("a.html"));
        // A folder where a file of the output is.
        next.write("a.html/index.html", b"x").unwrap();
        let failure = next.commit().unwrap_err();
        assert!(!failure.touched());
        assert!(failure.to_string().contains("`a.html` and `a.html/index.html`"), "{failure}");
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"two", "nothing written");
        assert_eq!(fs::read(out.join(MANIFEST)).unwrap(), manifest);
    }

    /// A path the file system refuses (a name over 255 bytes) in a new folder: nothing
    /// before the commit notices, and the commit stops there.
    fn too_long() -> String {
        format!("x/{}.html", "a".repeat(300))
    }

    #[test]
    fn in_place_a_commit_that_stops_halfway_lists_what_it_may_have_written() {
        let (_dir, out) = built(&[("a/index.html", b"one"), ("b.html", b"two")]);
        let next = Staging::begin_after(&out, kept(&out), true).unwrap();
        next.write("b.html", b"changed").unwrap();
        next.write(&too_long(), b"new").unwrap();
        let failure = next.commit().unwrap_err();
        assert!(failure.to_string().contains("partly updated") == failure.touched(), "{failure}");
        let listed = Manifest::read(&out.join(MANIFEST));
        assert_eq!(listed.get("b.html").map(|(print, _)| print), Some(UNKNOWN));
        assert_eq!(listed.get("a/index.html").map(|(print, _)| print), Some(UNKNOWN), "stale, maybe not deleted");
        // The next build knows every file as its own: it writes what differs, deletes
        // what it no longer makes.
        let next = Staging::begin_after(&out, None, false).unwrap();
        next.write("b.html", b"changed").unwrap();
        next.commit().unwrap();
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"changed");
        assert!(!out.join("a").exists());
    }

    #[test]
    fn a_commit_that_stops_halfway_says_so_and_the_next_build_recovers() {
        let (dir, out) = built(&[("a.html", b"one"), ("z.html", b"stale")]);
        let next = Staging::begin(&out).unwrap();
        next.write("a.html", b"two").unwrap();
        next.write(&too_long(), b"new").unwrap();
        let failure = next.commit().unwrap_err();
        // `a.html` was replaced (moves go in path order), then the long name failed.
        assert!(failure.touched(), "{failure}");
        assert!(failure.to_string().contains("partly updated (1 of 4 changes made)"), "{failure}");
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"two");
        assert!(!dir.path().join(".public.communique-journal").exists(), "recorded, so no journal is left");
        assert!(!dir.path().join(".public.communique-staging").exists());
        let listed = Manifest::read(&out.join(MANIFEST));
        assert_eq!(listed.get("a.html").map(|(print, _)| print), Some(UNKNOWN));
        assert!(listed.get("z.html").is_some());
        // The content is fixed: the next build works, and finds every file its own.
        let next = Staging::begin(&out).unwrap();
        next.write("a.html", b"two").unwrap();
        next.commit().unwrap();
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"two");
        assert!(!out.join("z.html").exists() && !out.join("x").exists());
    }

    #[test]
    fn a_journal_that_cannot_be_finished_is_recorded_and_the_build_goes_on() {
        let (dir, out) = built(&[("a.html", b"one")]);
        let staging = dir.path().join(".public.communique-staging");
        fs::create_dir_all(&staging).unwrap();
        fs::write(staging.join(flat_name("b.html")), b"two").unwrap();
        fs::write(staging.join(flat_name(&too_long())), b"never").unwrap();
        fs::write(
            dir.path().join(".public.communique-journal"),
            format!("{}{FLAT}\nmove b.html\nmove {}\nmove {MANIFEST}\n", head(&staging), too_long()),
        )
        .unwrap();
        let next = Staging::begin(&out).unwrap();
        assert!(!dir.path().join(".public.communique-journal").exists());
        next.write("c.html", b"three").unwrap();
        next.commit().unwrap();
        assert!(!out.join("b.html").exists(), "moved in by the journal, then stale: ours, so deleted");
        assert!(!out.join("a.html").exists());
        assert_eq!(fs::read(out.join("c.html")).unwrap(), b"three");
    }

    #[cfg(unix)]
    #[test]
    fn a_journal_this_machine_did_not_bind_is_never_acted_on() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("keep.txt"), "keep").unwrap();
        let (dir, out) = built(&[("a.html", b"one")]);
        let staging = dir.path().join(".public.communique-staging");
        fs::create_dir_all(&staging).unwrap();
        std::os::unix::fs::symlink(outside.path(), staging.join("groups")).unwrap();
        let journal = dir.path().join(".public.communique-journal");
        for text in [
            // As a repository would hold it: no binding, or another machine's.
            format!("{JOURNAL}\nmove groups/keep.txt\ndelete a.html\n"),
            format!("{JOURNAL}\nstaging 1 2\nmove groups/keep.txt\ndelete a.html\n"),
        ] {
            fs::write(&journal, text).unwrap();
            let Err(failure) = Staging::begin(&out) else { panic!("a journal that is not bound was acted on") };
            assert!(matches!(failure, Failure::InTheWay(_)), "{failure}");
            assert!(failure.to_string().contains("remove it and"), "{failure}");
            assert_eq!(fs::read(out.join("a.html")).unwrap(), b"one");
            assert!(!out.join("groups").exists());
            assert_eq!(fs::read_to_string(outside.path().join("keep.txt")).unwrap(), "keep");
        }
        // Bound, but its lines leave the output or go through links: refused line by line.
        for line in ["move ../escape", "delete ../../etc/passwd", "move groups/keep.txt"] {
            fs::create_dir_all(&staging).unwrap();
            let _ = std::os::unix::fs::symlink(outside.path(), staging.join("groups"));
            fs::write(&journal, format!("{}{line}\n", head(&staging))).unwrap();
            let _ = Staging::begin(&out);
            assert_eq!(fs::read_to_string(outside.path().join("keep.txt")).unwrap(), "keep", "{line}");
            assert!(!out.join("groups").exists() && !dir.path().join("escape").exists(), "{line}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_manifest_line_outside_the_output_or_through_a_link_deletes_nothing() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("keep.txt"), "keep").unwrap();
        let (dir, out) = built(&[("a.html", b"one")]);
        fs::write(dir.path().join("beside.txt"), "keep").unwrap();
        std::os::unix::fs::symlink(outside.path(), out.join("groups")).unwrap();
        fs::write(out.join(MANIFEST), "3 0 ../beside.txt\n4 0 groups/keep.txt\n4 0 /etc/hostname\n3 0 a.html\n")
            .unwrap();
        let next = Staging::begin(&out).unwrap();
        next.write("b.html", b"two").unwrap();
        next.commit().unwrap();
        assert_eq!(fs::read_to_string(outside.path().join("keep.txt")).unwrap(), "keep");
        assert_eq!(fs::read_to_string(dir.path().join("beside.txt")).unwrap(), "keep");
        assert!(!out.join("a.html").exists(), "a line of ours is still acted on");
        // Writing through the link is refused, naming it.
        let next = Staging::begin(&out).unwrap();
        next.write("groups/customers/index.html", b"x").unwrap();
        let failure = next.commit().unwrap_err();
        assert!(matches!(failure, Failure::InTheWay(_)) && failure.to_string().contains("`groups`"), "{failure}");
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 1);
    }

    #[test]
    fn files_the_build_did_not_write_are_never_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir_all(out.join("css")).unwrap();
        fs::write(out.join("index.html"), "mine").unwrap();
        fs::write(out.join("css/style.css"), "mine").unwrap();
        fs::write(out.join("CNAME"), "x.example").unwrap();
        fs::create_dir_all(out.join("page.html/empty")).unwrap();
        let build = Staging::begin(&out).unwrap();
        build.write("index.html", b"generated").unwrap();
        build.write("css/style.css", b"generated").unwrap();
        build.write("feed.xml", b"generated").unwrap();
        build.write("page.html", b"generated").unwrap();
        let failure = build.commit().unwrap_err();
        assert!(matches!(failure, Failure::InTheWay(_)), "{failure}");
        assert!(failure.to_string().contains("`css/style.css`, `index.html`, `page.html`; move them"), "{failure}");
        assert!(out.join("page.html/empty").is_dir(), "a folder it did not make is not deleted");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "mine");
        assert!(!out.join("feed.xml").exists() && !out.join(MANIFEST).exists(), "nothing written");
        // Beside them, a build writes and keeps them.
        let build = Staging::begin(&out).unwrap();
        build.write("feed.xml", b"generated").unwrap();
        build.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("CNAME")).unwrap(), "x.example");
    }

    #[test]
    fn a_stale_file_or_folder_of_ours_makes_way_for_a_new_one() {
        let (_dir, out) = built(&[("a", b"file"), ("b/index.html", b"page"), ("b/c/index.html", b"page")]);
        for in_place in [false, true] {
            let next = Staging::begin_after(&out, kept(&out), in_place).unwrap();
            if in_place {
                next.write("a", b"file again").unwrap();
                next.write("b", b"file").unwrap();
            } else {
                next.write("a/index.html", b"now a folder").unwrap();
                next.write("b", b"now a file").unwrap();
            }
            next.commit().unwrap();
        }
        assert_eq!(fs::read(out.join("a")).unwrap(), b"file again");
        assert_eq!(fs::read(out.join("b")).unwrap(), b"file");
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
            format!("{}{FLAT}\nmove b/index.html\ndelete a.html\nmove {MANIFEST}\n", head(&staging)),
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
            format!("{}move a.html\ndelete gone/index.html\nmove .communique-manifest\n", head(&staging)),
        )
        .unwrap();
        let next = Staging::begin(&out).unwrap();
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"two");
        assert!(!out.join("gone").exists(), "stale file and its emptied folder removed");
        drop(next);
    }
}
