//! The canary (SPEC §5, Audiences): nothing that reaches only internal groups may
//! appear anywhere in a public build. The fixture `tests/fixtures/canary/` marks every
//! such text with a token `CANARY-7f3a-<n>` (ids and slugs in lowercase).

mod common;

use common::{group, release, Site, SITE_TOML};

/// The tokens of the fixture: CANARY-7f3a-01 to CANARY-7f3a-40.
const TOKENS: std::ops::RangeInclusive<u32> = 1..=40;

fn token(n: u32) -> String {
    format!("canary-7f3a-{n:02}")
}

/// Every file of the output, lowercased, so one search finds `CANARY-…` and `canary-…`;
/// gzipped files (the parts of the search index) unpacked, so that their text is searched.
fn lowercase_files(tree: &common::Tree) -> Vec<(String, String)> {
    tree.files.iter().map(|(path, bytes)| (path.to_lowercase(), common::unpacked(bytes).to_lowercase())).collect()
}

#[test]
fn a_public_build_contains_no_internal_text() {
    let site = Site::fixture("canary");
    let run = site.run(&["build", "--now", common::NOW, "--emails", "mail"]);
    run.success();
    assert!(site.path("www/index.html").exists(), "the public build goes to output_dir");
    assert!(!site.path("staff-only").exists(), "a public build does not touch internal_output_dir");
    let tree = common::Tree::read(&site.path("www"));
    let mail = common::Tree::read(&site.path("mail"));
    // Every file is searched, whatever it is: pages, feeds, sitemap, manifest, assets, e-mails.
    // The reader's pages too: the site's and each public group's subscribe page, and the
    // catch-up page with the data its script reads.
    for expected in [
        "feed.xml",
        "sitemap.xml",
        ".communique-manifest",
        "style.css",
        "404.html",
        "subscribe/index.html",
        "groups/customers/subscribe/index.html",
        "groups/customers/since/index.html",
        "search/bundles.json",
        "search/pagefind-ui.js",
    ] {
        assert!(tree.has(expected), "{expected} is in the output, and searched");
    }
    // The search index's parts are searched unpacked: the public communique's text is there.
    let index: Vec<(String, String)> =
        lowercase_files(&tree).into_iter().filter(|(path, _)| path.ends_with(".pf_fragment")).collect();
    assert!(index.iter().any(|(_, text)| text.contains("public-ok-feature")), "the index is read: {index:?}");
    let mut leaks = Vec::new();
    for (path, text) in lowercase_files(&tree).into_iter().chain(lowercase_files(&mail)) {
        if path.contains("canary-7f3a") {
            leaks.push(format!("file name {path}"));
        }
        for n in TOKENS {
            if text.contains(&token(n)) {
                leaks.push(format!("{} in {path}", token(n)));
            }
        }
        if text.contains("canary-7f3a") {
            leaks.push(format!("a token in {path}"));
        }
    }
    assert!(leaks.is_empty(), "internal text in the public build: {leaks:#?}");
    // The groups themselves are not there either.
    for id in ["support", "key-accounts"] {
        assert!(!tree.has(&format!("groups/{id}/index.html")), "internal group {id} has a public page");
        for page in ["subscribe", "since"] {
            assert!(
                !tree.has(&format!("groups/{id}/{page}/index.html")),
                "internal group {id} has a public {page} page"
            );
        }
        assert!(!tree.has(&format!("releases/mixed/{id}/index.html")), "internal communique for {id}");
    }
}

#[test]
fn a_public_build_still_shows_everything_public() {
    let site = Site::fixture("canary");
    let tree = site.build(&[]);
    let release = tree.text("releases/mixed/index.html");
    for public in [
        "PUBLIC-OK-summary",
        "PUBLIC-OK-feature",
        "PUBLIC-OK-value",
        "PUBLIC-OK-access",
        "PUBLIC-OK-constraint",
        "PUBLIC-OK-body",
    ] {
        assert!(release.contains(public), "{public} on the public release page");
    }
    // Labels of public features only: the internal feature is the only `security` one.
    assert!(release.contains("label-added") && !release.contains("label-security") && !release.contains("Breaking"));
    let communique = tree.text("releases/mixed/customers/index.html");
    for public in [
        "PUBLIC-OK-summary",
        "PUBLIC-OK-feature",
        "PUBLIC-OK-value",
        "PUBLIC-OK-access",
        "PUBLIC-OK-constraint",
        "PUBLIC-OK-action",
    ] {
        assert!(communique.contains(public), "{public} in the customers' communique");
    }
    assert!(tree.text("groups/customers/index.html").contains("PUBLIC-OK-group"));
    assert_eq!(
        tree.paths().into_iter().filter(|p| p.starts_with("releases/") && p.ends_with("/index.html")).count(),
        3,
        "releases/, the mixed release and its one public communique: {:?}",
        tree.paths()
    );
}

#[test]
fn an_internal_build_contains_every_internal_text_and_goes_to_internal_output_dir() {
    let site = Site::fixture("canary");
    let run = site.run(&["build", "--audience", "internal", "--now", common::NOW, "--emails", "mail"]);
    run.success();
    assert!(run.stdout.contains("staff-only"), "the summary line names the output folder: {}", run.stdout);
    assert!(!site.path("www").exists(), "an internal build does not touch output_dir");
    let tree = common::Tree::read(&site.path("staff-only"));
    let files: Vec<(String, String)> =
        lowercase_files(&tree).into_iter().chain(lowercase_files(&common::Tree::read(&site.path("mail")))).collect();
    let missing: Vec<String> =
        TOKENS.map(token).filter(|t| !files.iter().any(|(path, text)| text.contains(t) || path.contains(t))).collect();
    assert!(missing.is_empty(), "internal text missing from the internal build: {missing:?}");
    for page in [
        "groups/support/index.html",
        "groups/support/feed.xml",
        "groups/support/subscribe/index.html",
        "groups/support/since/index.html",
        "groups/key-accounts/index.html",
        "groups/canary-7f3a-06/index.html",
        "releases/canary-7f3a-21/index.html",
        "releases/canary-7f3a-21/support/index.html",
        "releases/mixed/support/index.html",
        "releases/mixed/key-accounts/index.html",
    ] {
        assert!(tree.has(page), "{page} in the internal build");
    }
    // The internal search index holds the internal texts too.
    let index: Vec<&(String, String)> = files.iter().filter(|(path, _)| path.ends_with(".pf_fragment")).collect();
    let unindexed: Vec<String> =
        [8, 9, 11, 12].into_iter().map(token).filter(|t| !index.iter().any(|(_, text)| text.contains(t))).collect();
    assert!(unindexed.is_empty(), "internal text missing from the internal search index: {unindexed:?}");
    // The hand-written page for support reaches support's communique and its feed.
    assert!(tree.text("releases/mixed/support/index.html").contains("CANARY-7f3a-20"));
    assert!(tree.text("groups/support/feed.xml").contains("CANARY-7f3a-18"));
    // The internal group's list is on its subscribe page, and its communiques on its catch-up page.
    assert!(tree
        .text("groups/support/subscribe/index.html")
        .contains("https://lists.acme.example/join/canary-7f3a-40"));
    assert!(tree.text("groups/support/since/index.html").contains("releases/canary-7f3a-21/support/"));
}

#[test]
fn public_and_internal_builds_of_one_site_live_side_by_side() {
    let site = Site::fixture("canary");
    site.build(&[]);
    site.run(&["build", "--audience", "internal", "--now", common::NOW]).success();
    let public = common::Tree::read(&site.path("www"));
    assert!(public.containing("CANARY-7f3a").is_empty(), "the internal build did not write into the public one");
    assert!(!common::Tree::read(&site.path("staff-only")).containing("CANARY-7f3a").is_empty());
}

#[test]
fn a_public_group_under_an_internal_parent_is_an_error() {
    let site = Site::new(&[
        ("site.toml", SITE_TOML),
        ("content/stakeholders/support.md", &group("Support", "audience: internal\n")),
        ("content/stakeholders/tier-two.md", &group("Tier two", "parent: support\n")),
        ("content/releases/console.md", &release("Console", "approved", "2026-11-01", &["support"])),
    ]);
    let check = site.run(&["check", "--now", common::NOW]);
    check.code_is(1);
    let line = check.diagnostic("content/stakeholders/tier-two.md:3:1: error: ");
    assert!(line.contains("public-under-internal"), "{line}");
    assert!(line.contains("tier-two") && line.contains("support"), "{line}");
    let build = site.run(&["build", "--now", common::NOW]);
    build.code_is(1);
    assert!(build.stderr.contains("public-under-internal"), "{}", build.stderr);
    assert!(!site.path("public").exists(), "nothing is written");
    // The same group made internal is fine.
    site.write("content/stakeholders/tier-two.md", &group("Tier two", "parent: support\naudience: internal\n"));
    site.run(&["check", "--now", common::NOW]).success();
}

#[test]
fn every_public_group_with_an_internal_ancestor_is_an_error() {
    let site = Site::new(&[
        ("site.toml", SITE_TOML),
        ("content/stakeholders/ops.md", &group("Operations", "audience: internal\n")),
        ("content/stakeholders/support.md", &group("Support", "parent: ops\n")),
        ("content/stakeholders/tier-two.md", &group("Tier two", "parent: support\n")),
        ("content/releases/console.md", &release("Console", "approved", "2026-11-01", &["ops"])),
    ]);
    let check = site.run(&["check", "--now", common::NOW]);
    check.code_is(1);
    for path in ["content/stakeholders/support.md", "content/stakeholders/tier-two.md"] {
        let line = check.diagnostic(&format!("{path}:3:1: error: "));
        assert!(line.contains("public-under-internal"), "{line}");
    }
}
