//! File operations on an output folder that never follow a symbolic link.
//!
//! An output folder may hold what a repository planted there (a `groups` link to a
//! folder elsewhere, say): a build must neither write nor delete through such a link.
//! Every folder on the way to a file of the output is looked at with `lstat` (once per
//! folder, so a build costs one look per folder, not per file) and must be a real
//! folder; files are opened with `O_NOFOLLOW`.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What a path of the output is, without following a link.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Missing,
    Dir,
    File,
    /// A symbolic link, whatever it points to.
    Link,
    /// A socket, a device, a FIFO.
    Other,
}

pub(crate) fn kind(path: &Path) -> io::Result<Kind> {
    match fs::symlink_metadata(path) {
        Ok(meta) => {
            let t = meta.file_type();
            Ok(if t.is_symlink() {
                Kind::Link
            } else if t.is_dir() {
                Kind::Dir
            } else if t.is_file() {
                Kind::File
            } else {
                Kind::Other
            })
        }
        // A name too long, or a file where a folder of the path should be: nothing
        // can be there.
        Err(e)
            if e.kind() == io::ErrorKind::NotFound
                || matches!(e.raw_os_error(), Some(libc::ENAMETOOLONG | libc::ENOTDIR)) =>
        {
            Ok(Kind::Missing)
        }
        Err(e) => Err(e),
    }
}

/// The folders a relative path `a/b/c.html` passes through: `a`, `a/b`.
pub(crate) fn ancestors(rel: &str) -> impl Iterator<Item = &str> {
    rel.match_indices('/').map(move |(at, _)| &rel[..at])
}

/// The folders of one output folder, as looked at so far (by path relative to it).
pub(crate) struct Folders {
    target: PathBuf,
    seen: HashMap<String, Kind>,
}

impl Folders {
    pub(crate) fn new(target: &Path) -> Folders {
        Folders { target: target.to_path_buf(), seen: HashMap::new() }
    }

    /// The output folder.
    pub(crate) fn root(&self) -> &Path {
        &self.target
    }

    /// Where `rel` is.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.target.join(rel)
    }

    /// What `rel` (a folder on the way to a file) is on disk.
    pub(crate) fn kind(&mut self, rel: &str) -> io::Result<Kind> {
        if let Some(kind) = self.seen.get(rel) {
            return Ok(*kind);
        }
        let kind = kind(&self.target.join(rel))?;
        self.seen.insert(rel.to_string(), kind);
        Ok(kind)
    }

    /// Whether every folder on the way to the file `rel` is a real folder.
    pub(crate) fn reachable(&mut self, rel: &str) -> io::Result<bool> {
        for dir in ancestors(rel) {
            if self.kind(dir)? != Kind::Dir {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Makes the folders on the way to the file `rel`, one at a time; a link or a file
    /// where a folder belongs is an error.
    pub(crate) fn make_parents(&mut self, rel: &str) -> io::Result<()> {
        for dir in ancestors(rel) {
            match self.kind(dir)? {
                Kind::Dir => {}
                Kind::Missing => {
                    match fs::create_dir(self.target.join(dir)) {
                        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                        _ => {}
                    }
                    // Made by us, or by a concurrent writer: either way, look again.
                    self.seen.remove(dir);
                    if self.kind(dir)? != Kind::Dir {
                        return Err(not_a_folder(&self.target, dir));
                    }
                }
                Kind::Link | Kind::File | Kind::Other => return Err(not_a_folder(&self.target, dir)),
            }
        }
        Ok(())
    }

    /// Deletes the file `rel` if it is a regular file reached through real folders
    /// (anything else is left as it is: it is not a file a build wrote), then the
    /// folders that leaves empty, up to the output itself.
    pub(crate) fn delete(&mut self, rel: &str) -> io::Result<()> {
        if !self.reachable(rel)? {
            return Ok(());
        }
        let path = self.target.join(rel);
        match kind(&path)? {
            Kind::File => match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            },
            // Gone already: the folders it leaves empty may not be.
            Kind::Missing => {}
            Kind::Dir | Kind::Link | Kind::Other => return Ok(()),
        }
        let dirs: Vec<&str> = ancestors(rel).collect();
        for dir in dirs.into_iter().rev() {
            // Fails on a folder that still holds something: then so would its parents.
            if fs::remove_dir(self.target.join(dir)).is_err() {
                break;
            }
            self.seen.insert(dir.to_string(), Kind::Missing);
        }
        Ok(())
    }

    /// Removes an empty folder at `rel` (where a file of the build goes).
    pub(crate) fn remove_empty(&mut self, rel: &str) -> io::Result<()> {
        // Folders left inside it that hold nothing: deepest first.
        let path = self.target.join(rel);
        let mut inner: Vec<PathBuf> = walkdir::WalkDir::new(&path)
            .min_depth(1)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_dir())
            .map(walkdir::DirEntry::into_path)
            .collect();
        inner.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
        for dir in inner {
            fs::remove_dir(dir)?;
        }
        fs::remove_dir(&path)?;
        self.seen.retain(|seen, _| !(seen == rel || seen.starts_with(&format!("{rel}/"))));
        Ok(())
    }
}

fn not_a_folder(target: &Path, rel: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "`{}` is not a real folder (a file or a symbolic link): refusing to write through it",
            target.join(rel).display()
        ),
    )
}

fn open_options() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// Opens `path` to write over it (created if missing); a symbolic link there is an error.
pub(crate) fn open_to_write(path: &Path, truncate: bool) -> io::Result<fs::File> {
    open_options().write(true).create(true).truncate(truncate).open(path)
}

/// Writes `bytes` as the whole of `path`; a symbolic link there is an error.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    open_to_write(path, true)?.write_all(bytes)
}

/// Opens `path` to read it; a symbolic link there is an error.
pub(crate) fn open_to_read(path: &Path) -> io::Result<fs::File> {
    open_options().read(true).open(path)
}

/// Reads `path` as text; a symbolic link there is an error.
pub(crate) fn read_to_string(path: &Path) -> io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    open_to_read(path)?.read_to_string(&mut text)?;
    Ok(text)
}

/// Removes what is at `path` (a folder with all it holds), never what a link there
/// points to.
pub(crate) fn remove(path: &Path) -> io::Result<()> {
    match kind(path)? {
        Kind::Missing => Ok(()),
        // `remove_dir_all` does not follow links inside the folder either.
        Kind::Dir => fs::remove_dir_all(path),
        Kind::File | Kind::Link | Kind::Other => fs::remove_file(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folders_on_the_way_to_a_file() {
        assert_eq!(ancestors("a/b/c.html").collect::<Vec<_>>(), ["a", "a/b"]);
        assert_eq!(ancestors("index.html").count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_written_or_deleted_through_a_link() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.txt"), "keep").unwrap();
        let out = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), out.path().join("groups")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), out.path().join("link.txt")).unwrap();
        let mut folders = Folders::new(out.path());
        assert!(!folders.reachable("groups/secret.txt").unwrap());
        folders.delete("groups/secret.txt").unwrap();
        folders.delete("link.txt").unwrap();
        assert!(folders.make_parents("groups/x/index.html").is_err());
        assert!(write(&out.path().join("link.txt"), b"over").is_err());
        assert!(read_to_string(&out.path().join("link.txt")).is_err());
        remove(&out.path().join("groups")).unwrap();
        assert_eq!(fs::read_to_string(outside.path().join("secret.txt")).unwrap(), "keep");
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 1);
    }
}
