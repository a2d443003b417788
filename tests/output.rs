//! SPEC §6–8, the output folder: every page where the spec puts it, determinism,
//! atomicity, foreign files, refused output folders, `--base-url`, static files,
//! theme overrides, and a quiet, one-line `build`.

mod common;

use common::{group, release, Site, Tree, BASE_URL, NOW, SITE_TOML};
use std::collections::BTreeSet;
use std::path::Path;

fn site() -> Site {
    Site::new(&[
        ("site.toml", &format!("{SITE_TOML}paginate_by = 1\n")),
        ("content/stakeholders/customers.md", &group("Customers", "summary: People who pay.\n")),
        ("content/stakeholders/developers.md", &group("Developers", "")),
        (
            "content/releases/payments-4-2.md",
            &release("Payments 4.2", "approved", "2026-11-10T09:00:00Z", &["customers"]),
        ),
        (
            "content/releases/ledger-7/index.md",
            &release("Ledger 7", "approved", "2026-11-12T09:00:00Z", &["customers", "developers"]),
        ),
        ("content/releases/ledger-7/developers.md", "Hand-written for developers.\n"),
    ])
}

/// The repository's own sample site: the richest input there is.
fn sample_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_page_of_spec_section_6_exists() {
    let tree = site().build(&[]);
    for page in [
        "index.html",
        "feed.xml",
        "releases/index.html",
        "releases/page/2/index.html",
        "releases/payments-4-2/index.html",
        "releases/payments-4-2/customers/index.html",
        "releases/ledger-7/index.html",
        "releases/ledger-7/customers/index.html",
        "releases/ledger-7/developers/index.html",
        "groups/index.html",
        "groups/customers/index.html",
        "groups/customers/page/2/index.html",
        "groups/customers/feed.xml",
        "groups/developers/index.html",
        "groups/developers/feed.xml",
        "sitemap.xml",
        "404.html",
        "style.css",
    ] {
        assert!(tree.has(page), "{page} is missing; the output has {:?}", tree.paths());
    }
    // paginate_by = 1: two releases make two pages, not three.
    assert!(!tree.has("releases/page/3/index.html"));
    assert!(!tree.has("groups/developers/page/2/index.html"), "developers have one communique");
    let second = tree.text("releases/page/2/index.html");
    assert!(second.contains("Payments 4.2") && !second.contains("Ledger 7"), "page 2 has the older release");
    assert!(tree.text("releases/index.html").contains("href=\"https://releases.acme.example/releases/page/2/\""));
    assert!(tree.text("groups/customers/page/2/index.html").contains("/releases/payments-4-2/customers/"));
    assert!(tree.text("404.html").contains("Page not found"));
}

#[test]
fn lists_are_newest_first_and_the_home_page_links_every_feed() {
    let site = site();
    site.write("site.toml", SITE_TOML);
    let tree = site.build(&[]);
    for page in ["releases/index.html", "groups/customers/index.html", "index.html"] {
        let html = tree.text(page);
        let ledger = html.find("/releases/ledger-7/").unwrap_or_else(|| panic!("{page} lists ledger-7"));
        let payments = html.find("/releases/payments-4-2/").unwrap_or_else(|| panic!("{page} lists payments-4-2"));
        assert!(ledger < payments, "{page}: the newer release comes first");
    }
    let home = tree.text("index.html");
    for id in ["customers", "developers"] {
        assert!(
            home.contains(&format!("href=\"{BASE_URL}groups/{id}/subscribe/\"")),
            "the home page subscribes to {id}"
        );
        assert!(home.contains(&format!("href=\"{BASE_URL}groups/{id}/\"")), "the home page links {id}");
    }
    let group = tree.text("groups/developers/index.html");
    assert!(group.contains(&format!("href=\"{BASE_URL}groups/developers/feed.xml\"")), "a group page names its feed");
    assert!(
        group.contains(&format!("href=\"{BASE_URL}groups/developers/subscribe/\"")),
        "and links its subscribe page"
    );
}

#[test]
fn a_communique_answers_in_the_order_of_spec_section_6() {
    let site = Site::new(&[
        ("site.toml", SITE_TOML),
        (
            "content/stakeholders/customers.md",
            &group("Customers", "contacts: [\"Accounts <accounts@acme.example>\"]\n"),
        ),
        (
            "content/releases/payments/index.md",
            "---
title: Payments 4.2
product: Payments API
version: \"4.2.0\"
status: approved
deployed_at: 2026-11-10T09:00:00Z
summary: SUMMARY-TEXT
features:
  - title: Instant refunds
    summary: FEATURE-TEXT
    groups: [customers]
    value: { customers: VALUE-TEXT }
access:
  customers: { how: ACCESS-TEXT }
constraints:
  - kind: regulatory
    text: CONSTRAINT-TEXT
---
",
        ),
        ("content/releases/payments/customers.md", "HANDWRITTEN-TEXT\n"),
    ]);
    let html = site.build(&[]).text("releases/payments/customers/index.html");
    let order = [
        "<h1>Payments 4.2</h1>",
        "4.2.0",
        "Payments API",
        "10 November 2026",
        "SUMMARY-TEXT",
        "What's new for you",
        "FEATURE-TEXT",
        "VALUE-TEXT",
        "How, when and where",
        "ACCESS-TEXT",
        "Keep in mind",
        "CONSTRAINT-TEXT",
        "HANDWRITTEN-TEXT",
        "accounts@acme.example",
    ];
    // Each part after the previous one, starting from the page's title (the summary
    // is also in the <head>, as the page description).
    let mut from = 0;
    for part in order {
        match html[from..].find(part) {
            Some(at) => from += at + part.len(),
            None => panic!("`{part}` is missing from the communique, or comes too early:\n{html}"),
        }
    }
}

#[test]
fn the_sitemap_lists_every_html_page_with_its_absolute_url() {
    let tree = site().build(&[]);
    let sitemap = tree.text("sitemap.xml");
    common::assert_well_formed("sitemap.xml", &sitemap);
    let listed: BTreeSet<&str> = sitemap.split("<loc>").skip(1).map(|s| s.split("</loc>").next().unwrap()).collect();
    let pages: BTreeSet<String> = tree
        .pages()
        .into_iter()
        .filter(|p| *p != "404.html")
        .map(|p| format!("{BASE_URL}{}", p.trim_end_matches("index.html")))
        .collect();
    assert_eq!(listed, pages.iter().map(String::as_str).collect::<BTreeSet<_>>());
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let out = tempfile::TempDir::new().unwrap();
    let root = sample_root().to_str().unwrap();
    for name in ["one", "two"] {
        let dest = out.path().join(name);
        common::run_in(out.path(), &["build", "--root", root, "--now", NOW, "--output", dest.to_str().unwrap()], &[])
            .success();
    }
    let one = Tree::read(&out.path().join("one"));
    let two = Tree::read(&out.path().join("two"));
    assert!(one.files.len() > 20, "the sample site builds many files: {:?}", one.paths());
    assert_eq!(one.paths(), two.paths());
    for (path, bytes) in &one.files {
        assert!(bytes == &two.files[path], "{path} differs between two builds");
    }
    // A rebuild into the same folder changes nothing either.
    let dest = out.path().join("one");
    common::run_in(out.path(), &["build", "--root", root, "--now", NOW, "--output", dest.to_str().unwrap()], &[])
        .success();
    assert_eq!(Tree::read(&dest), one);
}

/// How many files a build made again, as `COMMUNIQUE_PROFILE` reports it: "N of M".
fn made_again(site: &Site) -> (usize, usize) {
    let run = site.run_with_env(&["build", "--now", NOW], &[("COMMUNIQUE_PROFILE", "1")]);
    run.success();
    let line = run.stderr.lines().find(|l| l.ends_with("files made again")).expect("the profile says what was made");
    let words: Vec<&str> = line.split_whitespace().collect();
    (words[1].parse().unwrap(), words[3].parse().unwrap())
}

/// A build into the previous output makes only the files whose inputs changed, from
/// the memo the last build saved beside the output, and writes what a build into a
/// new folder writes.
#[test]
fn a_build_into_the_previous_output_makes_only_what_changed() {
    let site = site();
    let (made, all) = made_again(&site);
    assert_eq!(made, all, "the first build makes every file");
    assert!(site.path(".public.communique-memo").is_file(), "the memo is beside the output");
    let published = Tree::read(&site.path("public"));
    assert!(published.paths().iter().all(|p| !p.contains("memo")), "and not in it: {:?}", published.paths());
    assert_eq!(made_again(&site), (0, all), "nothing changed: nothing is made again");

    site.write(
        "content/releases/payments-4-2.md",
        &release("Payments 4.3", "approved", "2026-11-10T09:00:00Z", &["customers"]),
    );
    let (made, _) = made_again(&site);
    assert!(made > 0 && made < all / 2, "an edit makes its own pages and lists again: {made} of {all}");
    let fresh = site.build(&["--output", "fresh"]);
    assert_eq!(Tree::read(&site.path("public")), fresh, "the same bytes as a build into a new folder");
    assert!(fresh.text("releases/payments-4-2/index.html").contains("Payments 4.3"));
}

/// A page that is no longer in the output (deleted by hand, say) is made again, even
/// though nothing it is made from changed.
#[test]
fn a_page_removed_from_the_output_by_hand_is_made_again() {
    let site = site();
    let before = site.build(&[]);
    site.remove("public/releases/ledger-7/developers/index.html");
    site.remove("public/groups/customers/feed.xml");
    assert_eq!(site.build(&[]), before);
}

/// A memo that is damaged, or saved with another output, is not used: the build makes
/// every file, as a build into a new folder does.
#[test]
fn a_damaged_or_foreign_memo_is_not_used() {
    let site = site();
    let before = site.build(&[]);
    let memo = site.path(".public.communique-memo");
    let saved = std::fs::read(&memo).unwrap();
    site.write_bytes(".public.communique-memo", &saved[..saved.len() / 2]);
    let (made, all) = made_again(&site);
    assert_eq!(made, all, "a cut memo: every file made again");
    assert_eq!(Tree::read(&site.path("public")), before);
    // The memo of another output (this one before a page of it changed).
    let other = std::fs::read(&memo).unwrap();
    site.write(
        "content/releases/payments-4-2.md",
        &release("Payments 4.3", "approved", "2026-11-10T09:00:00Z", &["customers"]),
    );
    made_again(&site);
    site.write_bytes(".public.communique-memo", &other);
    let (made, all) = made_again(&site);
    assert_eq!(made, all, "a memo saved with another manifest: every file made again");
}

/// Files of the folder that holds the output, to see that a failed build left nothing beside it.
fn siblings(site: &Site) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_build_that_fails_on_content_leaves_the_previous_output_as_it_was() {
    let site = site();
    let before = site.build(&[]);
    let names = siblings(&site);
    site.write("content/releases/payments-4-2.md", "---\ntitle: [unclosed\n---\n");
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(1);
    assert!(run.stdout.is_empty(), "no summary line for a failed build: {}", run.stdout);
    let line = run.diagnostic("content/releases/payments-4-2.md:");
    assert!(line.ends_with("[yaml-syntax]"), "{line}");
    assert_eq!(Tree::read(&site.path("public")), before, "the output changed");
    assert_eq!(siblings(&site), names, "a failed build leaves no staging folder behind");
}

#[test]
fn a_build_that_fails_on_a_template_leaves_the_previous_output_as_it_was() {
    let site = site();
    let before = site.build(&[]);
    site.write("themes/default/templates/.keep", "");
    let names = siblings(&site);
    // A syntax error, found when the template is compiled.
    site.write(
        "themes/default/templates/release.html",
        "{% extends \"base.html\" %}{% block content %}{% if %}{% endblock %}",
    );
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(1);
    let line = run.diagnostic("themes/default/templates/release.html:1:");
    assert!(line.contains("error") && line.contains("[template]"), "{line}");
    assert_eq!(Tree::read(&site.path("public")), before);
    // An error found only while rendering, after other pages were written to staging.
    site.write(
        "themes/default/templates/release.html",
        "{% extends \"base.html\" %}{% block content %}{% include \"missing.html\" %}{% endblock %}",
    );
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(1);
    assert!(run.stderr.contains("[template]"), "{}", run.stderr);
    assert_eq!(Tree::read(&site.path("public")), before);
    assert_eq!(siblings(&site), names);
}

#[test]
fn a_build_never_rewrites_a_file_of_the_previous_output_in_place() {
    // Whoever reads the previous output during a build (a web server, a sync job) keeps
    // reading its bytes: a build replaces files, it does not write into them.
    let site = site();
    site.build(&[]);
    let kept = site.path("kept-404.html");
    std::fs::hard_link(site.path("public/404.html"), &kept).unwrap();
    let generated = std::fs::read(&kept).unwrap();
    // The site's static 404.html now replaces the generated one, which is otherwise unchanged.
    site.write("static/404.html", "<h1>Lost?</h1>");
    let tree = site.build(&[]);
    assert_eq!(tree.text("404.html"), "<h1>Lost?</h1>");
    assert!(std::fs::read(&kept).unwrap() == generated, "the previous output's 404.html was written into");
}

#[test]
fn foreign_files_stay_and_stale_pages_go() {
    let site = site();
    site.build(&[]);
    site.write("public/CNAME", "releases.acme.example\n");
    site.write("public/.well-known/security.txt", "Contact: mailto:security@acme.example\n");
    site.remove("content/releases/payments-4-2.md");
    let tree = site.build(&[]);
    assert_eq!(tree.text("CNAME"), "releases.acme.example\n", "a file the build did not write is kept");
    assert!(tree.has(".well-known/security.txt"));
    assert!(tree.paths().iter().all(|p| !p.contains("payments-4-2")), "stale pages are gone: {:?}", tree.paths());
    assert!(!tree.has("releases/page/2/index.html"), "one release left, one page");
    assert!(!tree.text("sitemap.xml").contains("payments-4-2"));
    // And the foreign file survives yet another build.
    assert_eq!(site.build(&[]).text("CNAME"), "releases.acme.example\n");
}

#[test]
fn output_folders_over_the_sources_are_refused_before_anything_is_written() {
    let site = site();
    let before = Tree::read(site.root());
    for output in [".", "..", "content", "content/out", "themes/x", "static"] {
        let run = site.run(&["build", "--now", NOW, "--output", output]);
        // A flag naming the wrong folder is a usage error (SPEC §7: exit 2).
        run.code_is(2);
        assert!(run.stderr.contains("error") && run.stderr.contains("output folder"), "{output}: {}", run.stderr);
        assert!(run.stdout.is_empty());
        assert_eq!(Tree::read(site.root()), before, "--output {output} wrote something");
    }
    // The same with the site's own output_dir setting: a content error (exit 1).
    site.write("site.toml", &format!("{SITE_TOML}output_dir = \"content/site\"\n"));
    let before = Tree::read(site.root());
    site.run(&["build", "--now", NOW]).code_is(1);
    assert_eq!(Tree::read(site.root()), before);
}

#[test]
fn base_url_changes_every_url() {
    let site = site();
    let run = site.run(&["build", "--now", NOW, "--base-url", "https://preview-42.acme.example/sub"]);
    run.success();
    let tree = Tree::read(&site.path("public"));
    let old: Vec<&str> = tree.containing("releases.acme.example");
    assert!(old.is_empty(), "site.toml's base_url is still in {old:?}");
    let sitemap = tree.text("sitemap.xml");
    assert!(sitemap.contains("<loc>https://preview-42.acme.example/sub/</loc>"), "{sitemap}");
    assert!(sitemap.contains("<loc>https://preview-42.acme.example/sub/releases/ledger-7/developers/</loc>"));
    let feed = tree.text("groups/customers/feed.xml");
    assert!(feed.contains(
        "<guid isPermaLink=\"true\">https://preview-42.acme.example/sub/releases/ledger-7/customers/</guid>"
    ));
    assert!(feed.contains("href=\"https://preview-42.acme.example/sub/groups/customers/feed.xml\""));
    assert!(tree.text("index.html").contains("href=\"https://preview-42.acme.example/sub/style.css\""));
    // Not an absolute URL: a usage error, nothing written.
    site.remove("public");
    site.run(&["build", "--now", NOW, "--base-url", "/relative/"]).code_is(2);
    assert!(!site.path("public").exists());
}

#[test]
fn static_files_are_copied_and_the_sites_win_over_the_themes() {
    let site = site();
    site.write("themes/default/static/style.css", "/* theme */");
    site.write("themes/default/static/js/theme.js", "// theme script");
    site.write("static/style.css", "/* site */");
    site.write("static/images/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.write("static/robots.txt", "User-agent: *\n");
    let tree = site.build(&[]);
    assert_eq!(tree.text("style.css"), "/* site */");
    assert_eq!(tree.text("js/theme.js"), "// theme script");
    assert_eq!(tree.text("images/logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    assert_eq!(tree.text("robots.txt"), "User-agent: *\n");
    // Without the site's file, the theme's wins over the built-in one.
    site.remove("static/style.css");
    assert_eq!(site.build(&[]).text("style.css"), "/* theme */");
    site.remove("themes");
    let built_in = site.build(&[]).text("style.css");
    assert!(built_in.len() > 100 && !built_in.contains("/* theme */"), "the built-in style sheet");
}

#[test]
fn a_site_template_replaces_one_built_in_template_only() {
    let site = site();
    site.write(
        "themes/default/templates/group.html",
        "{% extends \"base.html\" %}{% block content %}<p>CUSTOM-GROUP {{ group.name }} ({{ communiques|length }})</p>{% endblock %}",
    );
    let tree = site.build(&[]);
    let group = tree.text("groups/customers/index.html");
    assert!(group.contains("<p>CUSTOM-GROUP Customers (1)</p>"), "{group}");
    assert!(group.contains("<link rel=\"stylesheet\""), "the built-in base.html still wraps it");
    for page in ["index.html", "releases/index.html", "releases/ledger-7/index.html", "groups/index.html"] {
        assert!(!tree.text(page).contains("CUSTOM-GROUP"), "{page}");
    }
    assert!(
        tree.text("releases/ledger-7/index.html").contains("What it means for your group"),
        "built-in release.html"
    );
}

#[test]
fn the_theme_named_in_site_toml_is_the_one_used() {
    let site = site();
    site.write("site.toml", &format!("{SITE_TOML}theme = \"brand\"\n"));
    site.write("themes/brand/templates/404.html", "BRAND-404 {{ site.title }}");
    site.write("themes/brand/static/brand.css", "/* brand */");
    site.write("themes/default/templates/404.html", "DEFAULT-DIR-404");
    let tree = site.build(&[]);
    assert_eq!(tree.text("404.html"), "BRAND-404 Acme releases");
    assert_eq!(tree.text("brand.css"), "/* brand */");
}

#[test]
fn build_prints_one_line_and_nothing_else() {
    let site = site();
    let run = site.run(&["build", "--now", NOW]);
    run.success();
    assert_eq!(run.stderr, "", "nothing on stderr");
    assert_eq!(run.stdout.lines().count(), 1, "one line: {}", run.stdout);
    let line = run.stdout.trim_end();
    assert!(line.starts_with("2 groups, 2 releases, 3 communiques, "), "groups, releases, communiques: {line}");
    assert!(line.contains(" feeds, ") && line.contains(" files in ") && line.contains(" ms"), "{line}");
    assert!(line.contains(" → public"), "{line}");
    // Every link is absolute to base_url: the line says how to look at the output here.
    assert!(line.ends_with("`communique serve --audience public`, or build with `--base-url http://localhost:8000/` and serve the folder)"), "{line}");
    let local = site.run(&["build", "--now", NOW, "--base-url", "http://localhost:8000/"]);
    assert!(local.stdout.trim_end().ends_with("public"), "a build for this machine needs no advice: {}", local.stdout);
}
