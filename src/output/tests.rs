//! The writer's rules, on real folders: staging, commits, journals, in-place rewrites.

use super::journal::{identity, JOURNAL};
use super::manifest::{path_of, stamp};
use super::*;
use std::fs;
use std::path::PathBuf;

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
    fs::write(out.join(MANIFEST), "3 0 ../beside.txt\n4 0 groups/keep.txt\n4 0 /etc/hostname\n3 0 a.html\n").unwrap();
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
