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
//! in one rename.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// Lists what a build wrote (`<length> <hash> <path>` per line), so the next build can
/// skip unchanged files and tell its own stale files from files somebody else put in
/// the output folder.
pub const MANIFEST: &str = ".communique-manifest";

/// Length and hash of a file's bytes. The hash need only be stable for one version of
/// the program: after an upgrade, a different hash just means the file is written again.
type Fingerprint = (u64, u64);

fn fingerprint(bytes: &[u8]) -> Fingerprint {
    use std::hash::Hasher;
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(bytes);
    (bytes.len() as u64, hasher.finish())
}

pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
    journal: PathBuf,
    /// What the previous build wrote, from its manifest.
    previous: HashMap<String, Fingerprint>,
    /// What this build wrote; `true` when the file is staged (new or changed).
    written: Mutex<HashMap<String, (Fingerprint, bool)>>,
    dirs: Mutex<std::collections::HashSet<PathBuf>>,
    committed: bool,
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
        fs::create_dir(&staging)?;
        let previous = read_manifest(&target.join(MANIFEST));
        Ok(Staging {
            target,
            staging,
            journal,
            previous,
            written: Mutex::new(HashMap::new()),
            dirs: Mutex::new(std::collections::HashSet::new()),
            committed: false,
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file of the build (the last write of a path wins). A file the previous
    /// build wrote with the same bytes, and that is still there, is not written again.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        check_relative(rel)?;
        let print = fingerprint(bytes);
        let dest = self.staging.join(rel);
        let unchanged = self.previous.get(rel) == Some(&print) && self.target.join(rel).is_file();
        if unchanged {
            // An earlier write of the same path in this build may have staged other bytes.
            match fs::remove_file(&dest) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        } else {
            if let Some(dir) = dest.parent() {
                let known = self.dirs.lock().expect("dirs lock").contains(dir);
                if !known {
                    fs::create_dir_all(dir)?;
                    self.dirs.lock().expect("dirs lock").insert(dir.to_path_buf());
                }
            }
            fs::write(&dest, bytes)?;
        }
        self.written.lock().expect("written lock").insert(rel.to_string(), (print, !unchanged));
        Ok(())
    }

    /// How many files this build has written so far.
    pub fn count(&self) -> usize {
        self.written.lock().expect("written lock").len()
    }

    /// Makes the staged build the output.
    pub fn commit(mut self) -> io::Result<usize> {
        let written = std::mem::take(&mut *self.written.lock().expect("written lock"));
        let count = written.len();
        let mut paths: Vec<&String> = written.keys().collect();
        paths.sort();
        let mut manifest = String::new();
        for path in &paths {
            let ((len, hash), _) = written[*path];
            manifest.push_str(&format!("{len} {hash:016x} {path}\n"));
        }
        fs::write(self.staging.join(MANIFEST), &manifest)?;

        let fresh = !self.target.exists() || fs::read_dir(&self.target)?.next().is_none();
        if fresh {
            if self.target.exists() {
                fs::remove_dir(&self.target)?;
            }
            fs::rename(&self.staging, &self.target)?;
        } else {
            let mut journal = String::from("communique commit journal\n");
            for path in paths.iter().filter(|p| written[**p].1) {
                journal.push_str(&format!("move {path}\n"));
            }
            let mut stale: Vec<&String> = self.previous.keys().filter(|p| !written.contains_key(*p)).collect();
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
        Ok(count)
    }
}

/// Applies a commit journal: moves staged files into the output, deletes stale ones,
/// then removes the journal and the staging folder. Safe to run again after a kill:
/// a move whose staged file is gone was already done.
fn finish_commit(target: &Path, staging: &Path, journal: &Path) -> io::Result<()> {
    let text = fs::read_to_string(journal)?;
    let mut made: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for line in text.lines().skip(1) {
        if let Some(rel) = line.strip_prefix("move ") {
            check_relative(rel)?;
            let from = staging.join(rel);
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
            let path = target.join(rel);
            match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            // Remove folders the deletion emptied, up to the output itself.
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != target && d.starts_with(target)) {
                if fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
    }
    fs::remove_file(journal)?;
    if staging.exists() {
        fs::remove_dir_all(staging)?;
    }
    Ok(())
}

fn read_manifest(path: &Path) -> HashMap<String, Fingerprint> {
    let Ok(text) = fs::read_to_string(path) else { return HashMap::new() };
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            let len = parts.next()?.parse().ok()?;
            let hash = u64::from_str_radix(parts.next()?, 16).ok()?;
            Some((parts.next()?.to_string(), (len, hash)))
        })
        .collect()
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
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("index.html", b"one").unwrap();
        first.write("old/index.html", b"stale").unwrap();
        first.commit().unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("index.html", b"generated").unwrap();
        first.commit().unwrap();
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
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("index.html", b"one").unwrap();
        first.commit().unwrap();
        let second = Staging::begin(&out).unwrap();
        second.write("index.html", b"two").unwrap();
        drop(second);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no staging folder left behind");
    }

    #[test]
    fn unchanged_files_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("a.html", b"same").unwrap();
        first.write("b.html", b"old").unwrap();
        first.commit().unwrap();
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
    fn an_interrupted_commit_is_finished_by_the_next_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let first = Staging::begin(&out).unwrap();
        first.write("a.html", b"one").unwrap();
        first.write("gone/index.html", b"stale").unwrap();
        first.commit().unwrap();
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
