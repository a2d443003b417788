//! The manifest: what a build wrote (length, hash and path of each file), so that the
//! next build skips unchanged files and tells its own stale files from files somebody
//! else put in the output folder.

use super::{check_relative, fingerprint, nofollow, Fingerprint, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

/// Lists what a build wrote (`<length> <hash> <path>` per line), so the next build can
/// skip unchanged files and tell its own stale files from files somebody else put in
/// the output folder.
pub(crate) const MANIFEST: &str = ".communique-manifest";

/// A build's manifest, as the next build works with it: each file's fingerprint and
/// line, and the files in path order. The preview server keeps it from one rebuild to
/// the next instead of reading the file again; a rebuild then updates the lines it
/// changed, and costs what it wrote, not what the site holds.
#[derive(Debug)]
pub(crate) struct Manifest {
    /// Which manifest this is: one read from disk is a new one, and slots (see
    /// [`Slot`]) are only meaningful within the one that gave them. Commits update a
    /// manifest in place, and a slot keeps its path until that file leaves the output.
    pub(super) lineage: u64,
    /// By path: fingerprint and slot.
    entries: HashMap<String, (Fingerprint, usize)>,
    /// By slot: the file's line, `<length> <hash> <path>\n`; empty for a free slot.
    pub(super) lines: Vec<String>,
    free: Vec<usize>,
    /// Slots in path order: the order of the file.
    pub(super) order: Vec<usize>,
    /// The manifest file this was written as: its folder and fingerprint. Anything else
    /// on disk means the file is read again. (Not its modification time: two builds in
    /// the same few milliseconds may well share one.)
    pub(super) stamp: Option<(PathBuf, Fingerprint)>,
}

/// Where a manifest holds a path: with it, [`Staging::keep_at`] needs no look-up.
#[derive(Clone, Copy)]
pub(crate) struct Slot {
    pub(super) lineage: u64,
    pub(super) index: usize,
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
    pub(super) fn read(path: &Path) -> Manifest {
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
        manifest.stamp = path.parent().map(|folder| (folder.to_path_buf(), fingerprint(text.as_bytes())));
        manifest.order = (0..manifest.lines.len()).collect();
        if !manifest.order.is_sorted_by(|a, b| manifest.path(*a) <= manifest.path(*b)) {
            // A manifest not of this program's making.
            let lines = &manifest.lines;
            manifest.order.sort_by(|a, b| path_of(&lines[*a]).cmp(path_of(&lines[*b])));
        }
        manifest
    }

    /// The length and hash of the manifest file this was read or written as.
    pub(crate) fn print(&self) -> Option<(u64, u64)> {
        self.stamp.as_ref().map(|(_, print)| *print)
    }

    /// Where `rel` is, for [`Staging::keep_at`].
    pub(crate) fn slot(&self, rel: &str) -> Option<Slot> {
        self.get(rel).map(|(_, index)| Slot { lineage: self.lineage, index })
    }

    pub(super) fn get(&self, rel: &str) -> Option<(Fingerprint, usize)> {
        self.entries.get(rel).copied()
    }

    pub(super) fn path(&self, slot: usize) -> &str {
        path_of(&self.lines[slot])
    }

    /// Records `rel`'s fingerprint; returns its slot, and whether it is new (not yet in
    /// `order`).
    pub(super) fn set(&mut self, rel: &str, (len, hash): Fingerprint) -> (usize, bool) {
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

    pub(super) fn remove(&mut self, slot: usize) {
        let line = std::mem::take(&mut self.lines[slot]);
        self.entries.remove(path_of(&line));
        self.free.push(slot);
    }

    /// Puts `added` (slots not yet in the order) in their places.
    pub(super) fn place(&mut self, mut added: Vec<usize>) {
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

    pub(super) fn text(&self) -> String {
        let mut text = String::with_capacity(self.order.iter().map(|&s| self.lines[s].len()).sum());
        for &slot in &self.order {
            text.push_str(&self.lines[slot]);
        }
        text
    }

    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The path on a manifest line.
pub(super) fn path_of(line: &str) -> &str {
    line.splitn(3, ' ').nth(2).unwrap_or("").trim_end_matches('\n')
}

pub(super) fn stamp(folder: &Path) -> Option<(PathBuf, Fingerprint)> {
    let text = nofollow::read_to_string(&folder.join(MANIFEST)).ok()?;
    Some((folder.to_path_buf(), fingerprint(text.as_bytes())))
}
