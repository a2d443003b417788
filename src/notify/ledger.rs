//! The ledger (`[notify] ledger`, JSON lines in the site's repository): one line per
//! delivery made. What it holds is never delivered again. Each line is written, flushed
//! and synced to disk before the next delivery starts, so that a crash re-sends at most
//! the one delivery in flight; the line a crash tore is set aside, not fatal.
//!
//! The ledger is a file of the repository, which anyone with write access can plant as
//! a symbolic link (or put a link on the way to it): it is read and written only through
//! real folders under the site and opened with `O_NOFOLLOW`, never through a link.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::output::nofollow::{self, ancestors, Folders, Kind};

/// One line: one delivery of one communique (release, group) to one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub release: String,
    pub group: String,
    /// `email`, or the chat kind and the variable that holds its webhook
    /// (`slack:SLACK_CUSTOMERS_WEBHOOK`): never the URL.
    pub channel: String,
    /// Of the delivered text (see [`super::plan::fingerprint`]).
    pub fingerprint: String,
    pub delivered_at: jiff::Timestamp,
    /// The e-mail's Message-ID; none for chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Sent again because its text changed (`--corrections`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub correction: bool,
    /// Recorded by `--baseline`: counted as delivered, never sent.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baseline: bool,
}

/// A (release, group, channel).
pub type Key = (String, String, String);

impl Entry {
    pub fn key(&self) -> Key {
        (self.release.clone(), self.group.clone(), self.channel.clone())
    }
}

/// What the ledger holds: the last entry for each (release, group, channel).
#[derive(Debug, Default)]
pub struct Ledger {
    pub last: HashMap<Key, Entry>,
    /// The byte length of its complete lines: a torn last line (a crash while writing
    /// it) starts here.
    complete_len: u64,
    /// The 1-based number of a torn last line, if there is one.
    pub torn_line: Option<usize>,
    /// The last line is a whole entry without a newline.
    needs_newline: bool,
}

/// A line that is not an entry, in the middle of the file: the ledger cannot be trusted
/// (a merge conflict, an edit by hand), so nothing is sent until it is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Ledger {
    /// Reads the ledger's text (an absent file is an empty ledger).
    pub fn parse(text: &str) -> Result<Ledger, BadLine> {
        let mut ledger = Ledger::default();
        let mut offset = 0u64;
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            let complete = line.ends_with('\n');
            let content = line.trim_end_matches(['\n', '\r']);
            if content.trim().is_empty() {
                offset += line.len() as u64;
                if complete {
                    ledger.complete_len = offset;
                }
                continue;
            }
            match serde_json::from_str::<Entry>(content) {
                Ok(entry) => {
                    offset += line.len() as u64;
                    ledger.complete_len = offset;
                    // A whole entry without its newline (an edit by hand): the next
                    // append starts a new line.
                    ledger.needs_newline = !complete;
                    ledger.last.insert(entry.key(), entry);
                }
                // Only the last line can lack its newline: a crash tore it.
                Err(_) if !complete => ledger.torn_line = Some(i + 1),
                Err(e) => {
                    return Err(BadLine {
                        line: i + 1,
                        column: e.column().max(1),
                        message: format!("not a ledger entry: {e}"),
                    })
                }
            }
        }
        Ok(ledger)
    }

    /// A ledger holding `entries` (the last of each key counts).
    pub fn of(entries: impl IntoIterator<Item = Entry>) -> Ledger {
        Ledger { last: entries.into_iter().map(|e| (e.key(), e)).collect(), ..Ledger::default() }
    }

    pub fn get(&self, release: &str, group: &str, channel: &str) -> Option<&Entry> {
        self.last.get(&(release.to_string(), group.to_string(), channel.to_string()))
    }
}

/// The ledger file, open for appending, locked against a second `notify` run at the same
/// time (two runs would send the same communiques).
pub struct Writer {
    file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("another `communique notify` is delivering with this ledger; wait for it to finish")]
    Busy,
    #[error("cannot open the ledger `{path}`: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("the ledger `{path}` is a symbolic link or is reached through one (`{link}`): notify reads and writes only files inside the site; put the file itself there instead of a link")]
    Link { path: String, link: String },
}

/// Where the ledger `rel` (relative to `root`, `/`-separated) is, once every folder on
/// the way is a real folder or missing and the ledger itself is no link; None if a
/// missing folder means there is no ledger yet.
fn look(root: &Path, rel: &str) -> Result<Option<PathBuf>, OpenError> {
    let io = |source| OpenError::Io { path: rel.to_string(), source };
    let link = |at: &str| OpenError::Link { path: rel.to_string(), link: at.to_string() };
    let mut folders = Folders::new(root);
    for dir in ancestors(rel) {
        match folders.kind(dir).map_err(io)? {
            Kind::Dir => {}
            Kind::Missing => return Ok(None),
            Kind::Link | Kind::File | Kind::Other => return Err(link(dir)),
        }
    }
    match nofollow::kind(&root.join(rel)).map_err(io)? {
        Kind::Missing | Kind::File => Ok(Some(root.join(rel))),
        Kind::Dir | Kind::Link | Kind::Other => Err(link(rel)),
    }
}

/// The ledger's text (an absent ledger is empty), read only through real folders.
pub fn read(root: &Path, rel: &str) -> Result<String, OpenError> {
    let Some(path) = look(root, rel)? else { return Ok(String::new()) };
    match nofollow::read_to_string(&path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => Err(OpenError::Link { path: rel.into(), link: rel.into() }),
        Err(source) => Err(OpenError::Io { path: rel.to_string(), source }),
    }
}

impl Writer {
    /// Opens (or creates) the ledger `rel` under the site's folder `root`, through real
    /// folders only, drops a torn last line (see [`Ledger::torn_line`]), and takes the lock.
    pub fn open(root: &Path, rel: &str, ledger: &Ledger) -> Result<Writer, OpenError> {
        let io = |source| OpenError::Io { path: rel.to_string(), source };
        look(root, rel)?;
        Folders::new(root).make_parents(rel).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => OpenError::Link { path: rel.into(), link: e.to_string() },
            _ => io(e),
        })?;
        let path = root.join(rel);
        let path = path.as_path();
        let created = nofollow::kind(path).map_err(io)? == Kind::Missing;
        let mut file = nofollow::open_to_write(path, false).map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => OpenError::Link { path: rel.into(), link: rel.into() },
            _ => io(e),
        })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(OpenError::Busy),
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
        if ledger.torn_line.is_some() {
            file.set_len(ledger.complete_len).map_err(io)?;
        }
        file.seek(SeekFrom::End(0)).map_err(io)?;
        if ledger.needs_newline && ledger.torn_line.is_none() {
            file.write_all(b"\n").map_err(io)?;
        }
        if created {
            // The file's name must survive a crash too.
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
            }
        }
        Ok(Writer { file, path: path.to_path_buf() })
    }

    /// Appends one entry and waits until it is on disk.
    pub fn append(&mut self, entry: &Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
        line.push('\n');
        // One write of the whole line: a crash leaves it whole or torn at the end, never
        // mixed with another.
        self.file.write_all(line.as_bytes())?;
        self.file.flush()?;
        self.file.sync_data()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(release: &str, fingerprint: &str) -> Entry {
        Entry {
            release: release.into(),
            group: "customers".into(),
            channel: "email".into(),
            fingerprint: fingerprint.into(),
            delivered_at: "2026-12-01T09:00:00Z".parse().unwrap(),
            message_id: Some(format!("{release}.customers@x.example")),
            correction: false,
            baseline: false,
        }
    }

    fn line(e: &Entry) -> String {
        serde_json::to_string(e).unwrap() + "\n"
    }

    #[test]
    fn the_last_entry_of_a_key_wins() {
        let text = line(&entry("a", "sha256:1")) + &line(&entry("b", "sha256:2")) + &line(&entry("a", "sha256:3"));
        let ledger = Ledger::parse(&text).unwrap();
        assert_eq!(ledger.last.len(), 2);
        assert_eq!(ledger.get("a", "customers", "email").unwrap().fingerprint, "sha256:3");
        assert_eq!(ledger.torn_line, None);
    }

    #[test]
    fn a_torn_last_line_is_set_aside_and_cut_before_the_next_append() {
        let whole = line(&entry("a", "sha256:1"));
        let text = format!("{whole}{{\"release\":\"b\",\"gro");
        let ledger = Ledger::parse(&text).unwrap();
        assert_eq!((ledger.last.len(), ledger.torn_line), (1, Some(2)));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notified.jsonl");
        std::fs::write(&path, &text).unwrap();
        let mut writer = Writer::open(dir.path(), "notified.jsonl", &ledger).unwrap();
        writer.append(&entry("c", "sha256:3")).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(after, whole + &line(&entry("c", "sha256:3")));
        assert_eq!(Ledger::parse(&after).unwrap().last.len(), 2);
    }

    #[test]
    fn a_whole_last_line_without_newline_counts() {
        let text = line(&entry("a", "sha256:1"));
        let ledger = Ledger::parse(text.trim_end()).unwrap();
        assert_eq!((ledger.last.len(), ledger.torn_line), (1, None));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notified.jsonl");
        std::fs::write(&path, text.trim_end()).unwrap();
        Writer::open(dir.path(), "notified.jsonl", &ledger).unwrap().append(&entry("b", "sha256:2")).unwrap();
        assert_eq!(Ledger::parse(&std::fs::read_to_string(&path).unwrap()).unwrap().last.len(), 2);
    }

    #[test]
    fn a_bad_line_in_the_middle_is_an_error_with_its_place() {
        let text = line(&entry("a", "sha256:1")) + "<<<<<<< HEAD\n" + &line(&entry("b", "sha256:2"));
        let bad = Ledger::parse(&text).unwrap_err();
        assert_eq!(bad.line, 2);
    }

    #[test]
    fn a_second_writer_is_refused_while_the_first_holds_the_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let open = || Writer::open(dir.path(), "notified.jsonl", &Ledger::default());
        let first = open().unwrap();
        assert!(matches!(open(), Err(OpenError::Busy)));
        drop(first);
        assert!(open().is_ok());
    }
}
