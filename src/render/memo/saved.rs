//! A build's memo, saved beside its output for the next build into that output: with
//! it, a build into the previous output makes only the files whose inputs changed since,
//! as a preview rebuild does, instead of every page of the site.
//!
//! The file is the build's own, like the output's manifest. It holds only what the next
//! build needs to keep a file as it is: each file's key, and the text of the pages that
//! feeds carry (without it, those pages would be made again every build to fill the
//! feeds' keys). Not calendars' events, which the preview keeps: a calendar made again
//! after an edit costs less than loading them every build. It is used only when it was
//! written:
//! - by this very program (its version, and the length and modification time of its
//!   executable: a program built again, or another version, starts afresh), and
//! - together with the manifest now in the output (its length and hash): a build that
//!   failed halfway, an interrupted commit, or another program's build into the folder
//!   voids it.
//!
//! It lives beside the output folder (`.<name>.communique-memo`), not in it: its keys are
//! hashes of whole release files, internal parts included, and nothing derived from
//! internal text may be published with a public portal.

use super::{Made, Memo, Page};
use crate::fingerprint::FastMap;
use serde::{Deserialize, Serialize};
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

/// The file's first bytes, then a [`Header`]: a file of another kind, or of another
/// layout of this one, is never decoded.
const MAGIC: &[u8; 16] = b"communique-memo2";

/// What says whether the rest of the file is worth reading (40 bytes with [`MAGIC`]).
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Header {
    program: u64,
    manifest: (u64, u64),
}

impl Header {
    const LEN: usize = MAGIC.len() + 24;

    fn bytes(self) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        for n in [self.program, self.manifest.0, self.manifest.1] {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        bytes
    }

    fn parse(bytes: &[u8; Header::LEN]) -> Option<Header> {
        let (magic, rest) = bytes.split_at(MAGIC.len());
        let n = |i: usize| u64::from_le_bytes(rest[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        (magic == MAGIC).then(|| Header { program: n(0), manifest: (n(1), n(2)) })
    }
}

/// The memo as saved: what [`Memo`] holds that outlives the program, in plain lists.
#[derive(Deserialize)]
struct Saved {
    global: u64,
    /// Output path, key, and the page's text when a feed carries it.
    files: Vec<(String, u64, Option<String>)>,
    /// Release slug, key of its own pages, and their paths.
    releases: Vec<(String, u64, Vec<String>)>,
}

/// A list of the items `.0` gives, written as they come (see [`save`]).
struct List<F>(F);

impl<F, I> Serialize for List<F>
where
    F: Fn() -> I,
    I: ExactSizeIterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// Which program this is, as well as it can tell cheaply: a memo's keys are hashes that
/// only this build of the program is sure to make the same way, and its built-in theme
/// is part of every page. None when the executable cannot be looked at: no memo then.
fn program() -> Option<u64> {
    let meta = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(crate::fingerprint::of((env!("CARGO_PKG_VERSION"), meta.len(), modified.as_nanos())))
}

/// The memo saved at `file` for the output whose manifest has `manifest` as its length
/// and hash, if there is one that this program saved for that very output.
pub(crate) fn load(file: &Path, manifest: Option<(u64, u64)>) -> Option<Memo> {
    let expected = Header { program: program()?, manifest: manifest? };
    // Not through a link: the file is one a build wrote.
    let mut reader = io::BufReader::new(crate::output::nofollow::open_to_read(file).ok()?);
    let mut header = [0; Header::LEN];
    reader.read_exact(&mut header).ok()?;
    if Header::parse(&header)? != expected {
        return None;
    }
    let mut body = Vec::new();
    reader.read_to_end(&mut body).ok()?;
    let saved: Saved = postcard::from_bytes(&body).ok()?;
    Some(from_saved(saved))
}

/// Saves `memo` at `file` for the output whose manifest has `manifest` as its length and
/// hash. Written aside, then renamed over the last one: a build stopped while it writes
/// leaves the last memo, which the new manifest voids, never half a memo.
pub(crate) fn save(memo: &Memo, file: &Path, manifest: (u64, u64)) -> io::Result<()> {
    use std::io::Write;
    let Some(program) = program() else { return forget(file) };
    let partial = file.with_extension("communique-memo-partial");
    // Left by a build stopped while saving (or planted: a link is removed, not followed).
    crate::output::nofollow::remove(&partial)?;
    let mut out = io::BufWriter::new(crate::output::nofollow::open_to_write(&partial, true)?);
    out.write_all(&Header { program, manifest }.bytes())?;
    // [`Saved`]'s fields in their order (postcard writes a struct as its fields), read
    // from the memo as they are written, not copied into lists first: a large site's
    // memo is tens of MB.
    let saving = (
        memo.global,
        List(|| memo.files.iter().map(|(path, (made, _))| (path, made.key, made.text.as_deref()))),
        List(|| {
            memo.releases
                .iter()
                .map(|(slug, (key, pages))| (slug, key, pages.iter().map(|p| p.path.as_str()).collect::<Vec<_>>()))
        }),
    );
    postcard::to_io(&saving, &mut out).map_err(io::Error::other)?;
    out.into_inner().map_err(io::IntoInnerError::into_error)?;
    std::fs::rename(&partial, file)
}

/// Removes the memo at `file`: the output it described is no longer there as it was.
pub(crate) fn forget(file: &Path) -> io::Result<()> {
    crate::output::nofollow::remove(file)
}

fn from_saved(saved: Saved) -> Memo {
    let numbers = saved.files.len();
    let mut files = FastMap::with_capacity_and_hasher(numbers, Default::default());
    for (n, (path, key, text)) in saved.files.into_iter().enumerate() {
        files.insert(path, (Made { key, text: text.map(Arc::from) }, n));
    }
    let mut releases = FastMap::with_capacity_and_hasher(saved.releases.len(), Default::default());
    for (slug, key, paths) in saved.releases {
        // A page the files do not list is not one of the memo's: the release is made again.
        let pages = paths.into_iter().map(|path| Some(Page { number: files.get(&path)?.1, slot: None, path }));
        if let Some(pages) = pages.collect::<Option<Vec<_>>>() {
            releases.insert(slug, (key, pages));
        }
    }
    Memo { global: saved.global, files, numbers, releases, saved: true, ..Memo::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memo() -> Memo {
        let mut memo = Memo { global: 7, saved: true, ..Memo::default() };
        memo.files.insert("a/index.html".into(), (Made { key: 1, text: Some("<p>A</p>".into()) }, 0));
        memo.files.insert("b/index.html".into(), (Made { key: 2, text: None }, 1));
        memo.numbers = 2;
        let page = Page { path: "a/index.html".into(), number: 0, slot: None };
        memo.releases.insert("a".into(), (3, vec![page]));
        memo
    }

    #[test]
    fn a_saved_memo_loads_as_it_was_for_the_same_output() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".out.communique-memo");
        save(&memo(), &file, (10, 20)).unwrap();
        let loaded = load(&file, Some((10, 20))).expect("the memo loads");
        assert_eq!(loaded.global, 7);
        assert!(loaded.saved);
        let (made, _) = &loaded.files["a/index.html"];
        assert_eq!((made.key, made.text.as_deref()), (1, Some("<p>A</p>")));
        assert_eq!(loaded.files["b/index.html"].0.text, None);
        assert_eq!(loaded.releases["a"].0, 3);
    }

    #[test]
    fn a_memo_is_not_used_for_another_manifest_or_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".out.communique-memo");
        save(&memo(), &file, (10, 20)).unwrap();
        assert!(load(&file, Some((10, 21))).is_none(), "another manifest");
        assert!(load(&file, None).is_none(), "no manifest");
        let mut bytes = std::fs::read(&file).unwrap();
        bytes.truncate(bytes.len() - 3);
        std::fs::write(&file, &bytes).unwrap();
        assert!(load(&file, Some((10, 20))).is_none(), "a cut file");
        std::fs::write(&file, b"communique-memo1 and then some other bytes entirely").unwrap();
        assert!(load(&file, Some((10, 20))).is_none(), "another layout");
    }

    #[cfg(unix)]
    #[test]
    fn a_memo_is_not_read_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("elsewhere");
        save(&memo(), &real, (10, 20)).unwrap();
        let file = dir.path().join(".out.communique-memo");
        std::os::unix::fs::symlink(&real, &file).unwrap();
        assert!(load(&file, Some((10, 20))).is_none());
    }
}
