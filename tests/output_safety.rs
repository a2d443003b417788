//! The output folder is the build's own, and only its own: files planted in a
//! repository (a commit journal, a manifest, links) cannot make `build` write or delete
//! outside it; a build never writes over a file it did not write; a build that fails
//! while committing says truthfully what it changed, and the next build works; and
//! `--emails` cannot point at an output folder.

mod common;

use common::{release, Site, Tree, NOW, SITE_TOML};
use std::collections::BTreeMap;
use std::path::Path;

fn small_site() -> Site {
    Site::new(&[
        ("site.toml", SITE_TOML),
        ("content/stakeholders/customers.md", "---\nname: Customers\n---\n"),
        ("content/releases/payments-4-2.md", &release("Payments 4.2", "approved", "2026-11-20", &["customers"])),
    ])
}

/// A folder outside the site, with a file in it, that no build may change.
struct Outside {
    dir: tempfile::TempDir,
}

impl Outside {
    fn new() -> Outside {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secret.txt"), "keep me").unwrap();
        Outside { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    #[track_caller]
    fn assert_untouched(&self) {
        let files = common::tree(self.path());
        let expected = BTreeMap::from([("secret.txt".to_string(), b"keep me".to_vec())]);
        assert_eq!(files, expected, "the folder outside the site changed");
    }
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[cfg(unix)]
#[test]
fn a_planted_journal_with_a_linked_staging_folder_writes_nothing_outside() {
    let outside = Outside::new();
    let site = small_site();
    let before = site.build(&[]);
    // As a repository can hold them: a journal that moves the staging folder's link over
    // the output's `groups` folder, then the next pages would be written through it.
    site.write(
        ".public.communique-journal",
        "communique commit journal\nmove groups\nmove groups/customers/index.html\ndelete index.html\n",
    );
    link(outside.path(), &site.path(".public.communique-staging/groups"));
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(2);
    assert!(
        run.stderr.contains(".public.communique-journal` is not a commit journal a build of this output wrote"),
        "{}",
        run.transcript()
    );
    assert!(run.stderr.contains("remove it and"), "it says what to do: {}", run.stderr);
    outside.assert_untouched();
    assert_eq!(Tree::read(&site.path("public")), before, "the output is as it was");
    // Even one that names this machine's numbers is not trusted without its staging folder.
    site.write(".public.communique-journal", "communique commit journal\nstaging 1 2\nmove groups\n");
    site.run(&["build", "--now", NOW]).code_is(2);
    outside.assert_untouched();
    // Once they are removed, builds work again.
    site.remove(".public.communique-journal");
    site.remove(".public.communique-staging");
    assert_eq!(site.build(&[]), before);
    outside.assert_untouched();
}

#[cfg(unix)]
#[test]
fn a_planted_manifest_beside_a_linked_folder_deletes_and_writes_nothing_outside() {
    let outside = Outside::new();
    let site = small_site();
    // As a repository can hold them: an output folder whose manifest lists files behind
    // a link, or outside the output altogether.
    site.write(
        "public/.communique-manifest",
        "8 0000000000000000 groups/secret.txt\n8 0000000000000000 assets/secret.txt\n8 0000000000000000 ../beside.txt\n",
    );
    site.write("beside.txt", "keep me too");
    link(outside.path(), &site.path("public/groups"));
    link(outside.path(), &site.path("public/assets"));
    let run = site.run(&["build", "--now", NOW]);
    // The build writes `groups/…` pages: the link is in the way, and named.
    run.code_is(2);
    assert!(run.stderr.contains("`groups`"), "{}", run.transcript());
    assert!(run.stderr.contains("build refused: nothing was written"), "{}", run.stderr);
    outside.assert_untouched();
    assert!(!site.path("public/index.html").exists(), "nothing written");
    // Without the link where pages go, the build runs, and deletes nothing behind the
    // other link nor outside the output.
    site.remove("public/groups");
    site.build(&[]);
    outside.assert_untouched();
    assert_eq!(std::fs::read_to_string(site.path("beside.txt")).unwrap(), "keep me too");
    assert!(std::fs::symlink_metadata(site.path("public/assets")).unwrap().file_type().is_symlink());
}

/// The memo a build saves beside its output, planted as a link (to a file outside) and
/// as a link where its partial copy is written: the build replaces the link, never
/// reads or writes through it.
#[cfg(unix)]
#[test]
fn a_planted_memo_link_is_replaced_not_followed() {
    let outside = Outside::new();
    let site = small_site();
    let before = site.build(&[]);
    site.remove(".public.communique-memo");
    link(&outside.path().join("secret.txt"), &site.path(".public.communique-memo"));
    assert_eq!(site.build(&[]), before);
    outside.assert_untouched();
    let memo = std::fs::symlink_metadata(site.path(".public.communique-memo")).unwrap();
    assert!(memo.is_file(), "the link is replaced by the build's own memo");
    // Where the memo is written before it is renamed into place.
    link(&outside.path().join("secret.txt"), &site.path(".public.communique-memo-partial"));
    site.write(
        "content/releases/payments-4-2.md",
        &release("Payments 4.3", "approved", "2026-11-10T09:00:00Z", &["customers"]),
    );
    site.run(&["build", "--now", NOW]).success();
    outside.assert_untouched();
    assert!(!site.path(".public.communique-memo-partial").exists(), "the planted link is gone");
    assert!(std::fs::symlink_metadata(site.path(".public.communique-memo")).unwrap().is_file());
}

#[test]
fn an_output_folder_that_is_a_link_is_refused() {
    let outside = Outside::new();
    let site = small_site();
    link(outside.path(), &site.path("public"));
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(2);
    assert!(run.stderr.contains("the output folder `") && run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    outside.assert_untouched();
    // With --output too.
    let run = site.run(&["build", "--now", NOW, "--output", "public"]);
    run.code_is(2);
    outside.assert_untouched();
    // A link on the way to site.toml's output folder.
    site.remove("public");
    site.write("site.toml", &format!("{SITE_TOML}output_dir = \"build/public\"\n"));
    link(outside.path(), &site.path("build"));
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(2);
    assert!(run.stderr.contains("on the way to the output folder"), "{}", run.stderr);
    outside.assert_untouched();
}

#[test]
fn a_build_into_a_folder_of_someone_elses_files_refuses_and_writes_nothing() {
    let site = small_site();
    site.write("userdir/index.html", "<p>my home page</p>");
    site.write("userdir/style.css", "body { color: red }");
    site.write("userdir/404.html/notes.txt", "a folder where a page goes");
    site.write("userdir/CNAME", "releases.acme.example\n");
    let before = common::tree(site.root());
    let run = site.run(&["build", "--now", NOW, "--output", "userdir"]);
    run.code_is(2);
    let message = run.stderr.lines().next().unwrap_or_default();
    assert!(message.starts_with("error: the output folder `"), "{}", run.transcript());
    assert!(
        message.contains(
            "this program did not write where this build writes: `404.html/notes.txt`, `index.html`, `style.css`"
        ),
        "{message}"
    );
    assert!(run.stdout.is_empty());
    assert_eq!(common::tree(site.root()), before, "nothing was written or deleted");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("communique"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder or journal left: {leftovers:?}");

    // Moved away, the build writes beside the files it does not touch.
    site.remove("userdir/index.html");
    site.remove("userdir/style.css");
    site.remove("userdir/404.html");
    let tree = site.build(&["--output", "userdir"]);
    assert_eq!(tree.text("CNAME"), "releases.acme.example\n");
    assert!(tree.has("index.html") && tree.has("404.html"));
}

#[test]
fn a_refusal_names_ten_files_and_counts_the_rest() {
    let site = small_site();
    let built = site.build(&["--output", "one"]);
    // Another tool's output, without our manifest: every file is someone else's.
    for (rel, bytes) in &built.files {
        if rel != ".communique-manifest" {
            site.write_bytes(&format!("other/{rel}"), bytes);
        }
    }
    let before = common::tree(&site.path("other"));
    let run = site.run(&["build", "--now", NOW, "--output", "other"]);
    run.code_is(2);
    let more = built.files.len() - 1 - 10;
    assert!(run.stderr.contains(&format!(" and {more} more; move them away")), "{}", run.stderr);
    assert_eq!(run.stderr.matches("`, `").count(), 9, "ten named: {}", run.stderr);
    assert_eq!(common::tree(&site.path("other")), before);
}

#[test]
fn a_first_build_into_an_empty_folder_and_builds_over_our_own_output_still_work() {
    let site = small_site();
    std::fs::create_dir_all(site.path("public")).unwrap();
    let first = site.build(&[]);
    assert!(first.has("index.html"));
    site.write("public/.nojekyll", "");
    site.write("content/releases/payouts-3-1.md", &release("Payouts 3.1", "approved", "2026-11-21", &["customers"]));
    let second = site.build(&[]);
    assert!(second.has("releases/payouts-3-1/index.html") && second.has(".nojekyll"));
    site.remove("content/releases/payouts-3-1.md");
    let third = site.build(&[]);
    assert!(!third.has("releases/payouts-3-1/index.html") && third.has(".nojekyll"));
}

#[test]
fn paths_that_collide_fail_the_build_and_leave_the_output_as_it_was() {
    let site = small_site();
    let before = site.build(&[]);
    // A release whose page would be `releases/index.html/index.html`, while the list of
    // releases is the file `releases/index.html`.
    site.write("content/releases/index.html.md", &release("Index", "approved", "2026-11-21", &["customers"]));
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(1);
    assert!(run.stderr.contains("the output was not touched"), "{}", run.transcript());
    assert_eq!(Tree::read(&site.path("public")), before, "not touched, truly");
    // Fixed, the next build works.
    site.remove("content/releases/index.html.md");
    site.write("content/releases/index-page.md", &release("Index", "approved", "2026-11-21", &["customers"]));
    assert!(site.build(&[]).has("releases/index-page/index.html"));
}

#[test]
fn a_build_that_stops_while_committing_says_so_and_the_next_build_recovers() {
    let site = small_site();
    site.build(&[]);
    // A page of the previous output that cannot be replaced (immutable, as `chattr +i`
    // makes it, which even root cannot write over): the build renders, starts replacing
    // files, and stops at that one. Content checks cannot foresee this.
    let stuck = site.path("public/releases/payments-4-2/index.html");
    let _unstick = Immutable::set(&stuck);
    site.write(
        "content/releases/payments-4-2.md",
        &release("Payments 4.2", "approved", "2026-11-20", &["customers"])
            .replace("title: Payments 4.2", "title: Payments 4.2.1"),
    );
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(1);
    assert!(!run.stderr.contains("not touched"), "{}", run.transcript());
    assert!(run.stderr.contains("was partly updated ("), "{}", run.stderr);
    assert!(run.stderr.contains("Operation not permitted"), "{}", run.stderr);
    assert!(!site.path(".public.communique-journal").exists(), "no journal to break the next build");
    // Writable again, the next build works, and its output is what a build into a new folder makes.
    drop(_unstick);
    let recovered = site.build(&[]);
    let fresh = site.build(&["--output", "fresh"]);
    assert_eq!(recovered, fresh);
}

/// A file made immutable (`chattr +i`) for as long as this lives.
struct Immutable(std::path::PathBuf);

impl Immutable {
    fn set(path: &std::path::Path) -> Immutable {
        let status = std::process::Command::new("chattr").arg("+i").arg(path).status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "this test needs `chattr +i` (e2fsprogs, run as root, on ext4 or a file system with the immutable flag)"
        );
        Immutable(path.to_path_buf())
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[test]
fn emails_into_an_output_folder_are_refused() {
    let site = small_site();
    site.write("content/stakeholders/customers.md", "---\nname: Customers\nemail: customers@acme.example\n---\n");
    site.build(&[]);
    site.build(&["--audience", "internal"]);
    let cases: &[(&[&str], &str)] = &[
        (&["--emails", "public"], "--emails `public` is `output_dir`"),
        (&["--emails", "public/mail"], "--emails `public/mail` is inside `output_dir`"),
        (&["--output", "out/site", "--emails", "out"], "--emails `out` contains the output folder"),
        (&["--emails", "internal"], "--emails `internal` is `internal_output_dir`"),
        (&["--output", "elsewhere", "--emails", "public"], "--emails `public` is `output_dir`"),
        (&["--audience", "internal", "--emails", "internal/mail"], "is inside `internal_output_dir`"),
    ];
    let before = common::tree(site.root());
    for (args, expected) in cases {
        let mut all = vec!["build", "--now", NOW];
        all.extend_from_slice(args);
        let run = site.run(&all);
        run.code_is(2);
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.transcript());
        assert!(!run.stderr.contains("not touched"), "{}", run.stderr);
        assert_eq!(common::tree(site.root()), before, "{args:?}: nothing was written");
    }
    // A folder of its own works.
    site.run(&["build", "--now", NOW, "--emails", "mail"]).success();
    assert!(site.path("mail/payments-4-2/customers.eml").exists());
}

#[test]
fn the_internal_portal_is_never_built_inside_the_public_one() {
    let site = small_site();
    site.write("site.toml", &format!("{SITE_TOML}internal_output_dir = \"public/internal\"\n"));
    for args in [&["build", "--now", NOW][..], &["build", "--now", NOW, "--audience", "internal"]] {
        let run = site.run(args);
        run.code_is(1);
        assert!(run.stderr.contains("`internal_output_dir` `"), "{}", run.transcript());
        assert!(!site.path("public").exists(), "nothing written");
    }
    let run = site.run(&["build", "--now", NOW, "--audience", "internal", "--output", "public/staff"]);
    run.code_is(2);
}
