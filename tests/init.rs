//! SPEC §7, `communique init`: a working example site, never written over anything.

mod common;

use common::{run_in, Tree, NOW};
use tempfile::TempDir;

#[test]
fn init_writes_a_site_that_checks_strictly_and_builds_with_drafts() {
    let dir = TempDir::new().unwrap();
    let run = run_in(dir.path(), &["init", "my-site"], &[]);
    run.success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let site = dir.path().join("my-site");
    assert!(site.join("site.toml").is_file());
    let files = Tree::read(&site);
    assert!(files.paths().iter().any(|p| p.starts_with("content/stakeholders/")), "{:?}", files.paths());
    assert!(files.paths().iter().any(|p| p.starts_with("content/releases/")), "{:?}", files.paths());

    let check = run_in(&site, &["check", "--strict", "--now", NOW], &[]);
    check.success();
    assert_eq!(check.stderr.trim(), "0 errors, 0 warnings");

    let build = run_in(&site, &["build", "--drafts", "--now", NOW], &[]);
    build.success();
    let out = Tree::read(&site.join("public"));
    for page in ["index.html", "feed.xml", "sitemap.xml", "404.html", "groups/index.html", "releases/index.html"] {
        assert!(out.has(page), "{page}");
    }
    let communiques =
        out.paths().into_iter().filter(|p| p.starts_with("releases/") && p.matches('/').count() == 3).count();
    assert!(communiques >= 3, "the example has communiques: {:?}", out.paths());
    // The site it writes works from any folder, with --root.
    run_in(dir.path(), &["check", "--strict", "--now", NOW, "--root", "my-site"], &[]).success();
}

#[test]
fn init_without_a_folder_uses_the_current_one_when_it_is_empty() {
    let dir = TempDir::new().unwrap();
    run_in(dir.path(), &["init"], &[]).success();
    assert!(dir.path().join("site.toml").is_file());
    run_in(dir.path(), &["check", "--strict", "--now", NOW], &[]).success();
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine\n").unwrap();
    let before = Tree::read(dir.path());
    for args in [&["init"][..], &["init", "."]] {
        let run = run_in(dir.path(), args, &[]);
        // Naming a folder that is in use is a usage error (SPEC §7: exit 2).
        run.code_is(2);
        assert!(run.stderr.contains("not empty"), "{}", run.stderr);
        assert!(run.stdout.is_empty());
        assert_eq!(Tree::read(dir.path()), before, "{args:?} wrote something");
    }
    // A hidden file makes a folder non-empty too.
    let hidden = TempDir::new().unwrap();
    std::fs::create_dir(hidden.path().join(".git")).unwrap();
    run_in(hidden.path(), &["init"], &[]).code_is(2);
    assert!(!hidden.path().join("site.toml").exists());
}

#[test]
fn init_refuses_a_file() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("site"), "a file").unwrap();
    let run = run_in(dir.path(), &["init", "site"], &[]);
    run.code_is(2);
    assert_eq!(std::fs::read_to_string(dir.path().join("site")).unwrap(), "a file");
}

#[test]
fn init_creates_missing_parent_folders() {
    let dir = TempDir::new().unwrap();
    run_in(dir.path(), &["init", "a/b/site"], &[]).success();
    assert!(dir.path().join("a/b/site/site.toml").is_file());
}
