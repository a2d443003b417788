//! Data safety: a build reads only the site and writes only its output folder. Links out
//! of the site are refused and named; an output folder over the site's sources is
//! refused before anything is touched; files the build did not write are kept; and a
//! build that fails, or is killed halfway, leaves the previous output exactly as it was.

mod common;

use common::{release, Site, Tree, NOW, SITE_TOML};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

const CUSTOMERS: &str = "---\nname: Customers\n---\n";

fn small_site() -> Site {
    Site::new(&[
        ("site.toml", SITE_TOML),
        ("content/stakeholders/customers.md", CUSTOMERS),
        ("content/releases/payments-4-2.md", &release("Payments 4.2", "approved", "2026-11-20", &["customers"])),
    ])
}

/// Every file under the site folder, with its bytes: the whole state a build could touch.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::tree(dir)
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_refused_and_named() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "---\nname: Secret\n---\nTOP SECRET\n").unwrap();
    std::fs::write(outside.path().join("secret.html"), "TOP SECRET {{ site.title }}").unwrap();
    std::fs::create_dir_all(outside.path().join("dir")).unwrap();
    std::fs::write(outside.path().join("dir/key.txt"), "TOP SECRET").unwrap();

    let cases = [
        ("content/stakeholders/secret.md", outside.path().join("secret.md")),
        ("content/releases/linked", outside.path().join("dir")),
        ("themes/default/templates/index.html", outside.path().join("secret.html")),
        ("themes/default/static/keys", outside.path().join("dir")),
        ("static/key.txt", outside.path().join("dir/key.txt")),
        ("static/etc", "/etc".into()),
    ];
    for (at, target) in &cases {
        let site = small_site();
        site.build(&[]);
        let before = snapshot(&site.path("public"));
        link(target, &site.path(at));
        for command in [&["check"][..], &["build", "--now", NOW]] {
            let run = site.run(command);
            run.code_is(1);
            assert_eq!(
                run.diagnostics(),
                [format!(
                    "{at}:1:1: error: this symbolic link points outside the site; copy the file into the site instead of linking to it [symlink-outside-site]"
                )],
                "`communique {}` with {at} → {}",
                command[0],
                target.display()
            );
        }
        assert_eq!(snapshot(&site.path("public")), before, "{at}: the output is untouched");
        assert!(!site.path("public").join("key.txt").exists() && !site.path("public/etc").exists());
    }
}

#[cfg(unix)]
#[test]
fn a_link_to_nothing_is_named() {
    let site = small_site();
    link(Path::new("/nonexistent/communique/key.txt"), &site.path("static/key.txt"));
    let run = site.run(&["check"]);
    run.code_is(1);
    assert_eq!(
        run.diagnostics(),
        ["static/key.txt:1:1: error: this symbolic link points to nothing: fix its target or remove it [io]"]
    );
}

#[cfg(unix)]
#[test]
fn links_inside_the_site_are_followed() {
    let site = small_site();
    site.write("assets/logo.svg", "<svg/>");
    link(Path::new("../assets/logo.svg"), &site.path("static/logo.svg"));
    link(Path::new("../../assets"), &site.path("content/releases/assets"));
    let tree = site.build(&[]);
    assert_eq!(tree.text("logo.svg"), "<svg/>");
}

#[test]
fn an_output_folder_over_the_sources_is_refused_before_anything_is_touched() {
    let site = small_site();
    site.write("static/robots.txt", "User-agent: *\n");
    site.write("themes/default/templates/404.html", "{% extends \"base.html\" %}");
    let root = site.root().to_string_lossy().into_owned();
    let parent = site.root().parent().unwrap().to_string_lossy().into_owned();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--output".into(), ".".into()], "contains the site itself"),
        (vec!["--output".into(), root.clone()], "contains the site itself"),
        (vec!["--output".into(), format!("{root}/content/..")], "contains the site itself"),
        (vec!["--output".into(), parent], "contains the site itself"),
        (vec!["--output".into(), "/".into()], "contains the site itself"),
        (vec!["--output".into(), "content".into()], "is inside the site's `content`"),
        (vec!["--output".into(), "content/releases/out".into()], "is inside the site's `content`"),
        (vec!["--output".into(), "themes".into()], "is inside the site's `themes`"),
        (vec!["--output".into(), "static/public".into()], "is inside the site's `static`"),
        (
            vec!["--output".into(), "public".into(), "--emails".into(), "content/mail".into()],
            "is inside the site's `content`",
        ),
    ];
    let before = snapshot(site.root());
    // On the command line: a usage error, before anything is read.
    for (args, expected) in &cases {
        let mut all = vec!["build", "--now", NOW];
        all.extend(args.iter().map(String::as_str));
        let run = site.run(&all);
        run.code_is(2);
        assert!(run.stderr.starts_with("error: the output folder `"), "{args:?}\n{}", run.transcript());
        assert!(run.stderr.contains(expected), "{args:?}: {}", run.stderr);
        assert_eq!(snapshot(site.root()), before, "{args:?}: nothing was touched");
    }
    // In site.toml: a diagnostic at the setting, and a build that writes nothing.
    for (dir, expected) in [
        (".", "the site's own folder cannot be its output"),
        ("", "the site's own folder cannot be its output"),
        ("..", "must stay inside the site"),
        ("content", "must not be inside the site's `content`"),
        ("static", "must not be inside the site's `static`"),
        ("themes/x", "must not be inside the site's `themes`"),
    ] {
        site.write("site.toml", &format!("{SITE_TOML}output_dir = \"{dir}\"\n"));
        let before = snapshot(site.root());
        let run = site.run(&["build", "--now", NOW]);
        run.code_is(1);
        let line = run.diagnostic("site.toml:3:1: error: `output_dir` ");
        assert!(line.contains(expected), "output_dir = {dir:?}: {line}");
        assert_eq!(snapshot(site.root()), before, "output_dir = {dir:?}: nothing was touched");
    }
}

#[test]
fn files_the_build_did_not_write_are_kept() {
    let site = small_site();
    site.build(&[]);
    site.write("public/CNAME", "releases.acme.example\n");
    site.write("public/.well-known/security.txt", "Contact: mailto:security@acme.example\n");
    site.write("content/releases/payouts-3-1.md", &release("Payouts 3.1", "approved", "2026-11-21", &["customers"]));
    let tree = site.build(&[]);
    assert_eq!(tree.text("CNAME"), "releases.acme.example\n");
    assert!(tree.has(".well-known/security.txt"));
    assert!(tree.has("releases/payouts-3-1/index.html"));
    // A page the build no longer writes goes; the foreign files stay.
    site.remove("content/releases/payouts-3-1.md");
    let tree = site.build(&[]);
    assert!(!tree.has("releases/payouts-3-1/index.html"));
    assert_eq!(tree.text("CNAME"), "releases.acme.example\n");
}

#[test]
fn a_failed_build_leaves_the_previous_output_as_it_was() {
    let site = small_site();
    let before = site.build(&[]);
    // A site file over a generated page, then a file that cannot be written: the build
    // fails after writing the first. Unchanged pages are hard-linked from the previous
    // output, so writing over one must not write through to the live site.
    site.write("static/index.html", "<p>from static</p>");
    #[cfg(unix)]
    site.write("static/z\\bad.txt", "x");
    #[cfg(not(unix))]
    site.write("content/releases/broken.md", "---\ntitle: x\n");
    site.write("site.toml", SITE_TOML); // unchanged, so pages are hard-linked
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(1);
    assert_eq!(Tree::read(&site.path("public")), before, "the previous output is intact");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder is left behind");
}

/// A site with `n` releases for three groups: thousands of pages.
fn large_site(site: &Site, n: usize) {
    for g in ["partners", "support"] {
        site.write(&format!("content/stakeholders/{g}.md"), &format!("---\nname: {g}\n---\n"));
    }
    for i in 0..n {
        site.write(
            &format!("content/releases/r{i}.md"),
            &release(&format!("Release {i}"), "approved", "2026-11-20", &["customers", "partners", "support"]),
        );
    }
}

#[cfg(unix)]
#[test]
fn a_build_killed_halfway_leaves_the_previous_output_intact() {
    let site = small_site();
    site.write("public/CNAME", "releases.acme.example\n");
    site.build(&[]);
    let before = snapshot(&site.path("public"));
    assert!(before.len() > 10);

    large_site(&site, 3000);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_communique"))
        .args(["build", "--now", NOW])
        .current_dir(site.root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the build is writing its pages, then SIGKILL it.
    let staging = site.path(".public.communique-staging");
    let started = Instant::now();
    let mut written = 0;
    while written < 2000 && started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(50));
        if child.try_wait().unwrap().is_some() {
            break;
        }
        written = walkdir::WalkDir::new(&staging).into_iter().filter_map(Result::ok).count();
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(status.code().is_none(), "the build was killed, not finished (it wrote {written} files)");
    assert!(written >= 2000, "killed while writing ({written} files staged)");

    assert_eq!(snapshot(&site.path("public")), before, "the previous output is exactly as it was");

    // The next build clears what the killed one left.
    for i in 0..3000 {
        site.remove(&format!("content/releases/r{i}.md"));
    }
    site.build(&[]);
    assert!(!staging.exists(), "the killed build's staging folder is gone");
    assert_eq!(Tree::read(&site.path("public")).text("CNAME"), "releases.acme.example\n");
}
