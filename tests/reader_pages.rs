//! SPEC §11 as a reader meets it: subscribe pages whose every way to follow resolves,
//! the catch-up page with and without JavaScript (in real Chromium, through
//! chromedriver), sharing metadata on every page, `[brand]`, the release page's fixes,
//! the preview banner's words, and `init`'s `.gitignore`.
//!
//! The browser tests need Debian's `chromium` and `chromium-driver`; set
//! COMMUNIQUE_SKIP_BROWSER=1 to skip them on a machine without.

mod common;
mod driver;
mod static_host;

use common::{group, run_in, Site, Tree, NOW, SITE_TOML};
use driver::Driver;
use scraper::{Html, Selector};
use serde_json::json;
use static_host::StaticHost;
use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

const BASE: &str = common::BASE_URL;

/// A release of `product` at `version`, published on `day`, for `groups`.
fn release(title: &str, product: &str, version: &str, day: &str, groups: &[&str], extra: &str) -> String {
    let list = groups.join(", ");
    format!(
        "---\ntitle: {title}\nproduct: {product}\nversion: \"{version}\"\nstatus: approved\ndeployed_at: {day}\nsummary: What {title} brings, in **one** sentence.\nfeatures:\n  - title: {title} feature\n    groups: [{list}]\n{extra}---\n"
    )
}

/// Customers (with a mailing list address), partners (with a sign-up page), and the
/// internal support desk; Payments 4.0 to 4.2, Ledger 7.0, and a release only support sees.
fn site() -> Site {
    Site::new(&[
        ("site.toml", &format!("{SITE_TOML}timezone = \"Europe/Paris\"\n")),
        ("content/stakeholders/customers.md", &group("Customers", "email: customers-announce@acme.example\n")),
        ("content/stakeholders/partners.md", &group("Partners", "subscribe_url: https://lists.acme.example/join/partners\n")),
        ("content/stakeholders/support.md", &group("Support desk SECRET-GROUP", "audience: internal\n")),
        ("content/releases/payments-4-0.md", &release("Payments 4.0", "Payments", "4.0", "2026-08-01", &["customers", "partners"], "")),
        ("content/releases/payments-4-1.md", &release("Payments 4.1", "Payments", "4.1", "2026-09-01", &["customers"], "")),
        ("content/releases/ledger-7-0.md", &release("Ledger 7.0", "Ledger", "7.0", "2026-10-01", &["customers"], "")),
        (
            "content/releases/payments-4-2.md",
            &release(
                "Payments 4.2",
                "Payments",
                "4.2",
                "2026-11-01",
                &["customers", "support"],
                "components: [settlement-core-svc]\nwindows:\n  - title: Switch-over\n    kind: maintenance\n    start: 2026-11-10T17:00:00Z\n    end: 2026-11-10T18:00:00Z\nconstraints:\n  - kind: regulatory\n    text: Only in the EEA.\n",
            ),
        ),
        ("content/releases/console.md", &release("Console SECRET-RELEASE", "Console", "1.0", "2026-10-15", &["support"], "")),
    ])
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

/// The output file a URL of the site names, if it is one of the site's.
fn file_of(url: &str, base: &str) -> Option<String> {
    let rel = url.strip_prefix(base)?.split('#').next().unwrap_or("");
    Some(if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() })
}

// ---------------------------------------------------------------------------------------
// Subscribe pages

#[test]
fn a_group_subscribe_page_lists_every_way_to_follow_and_each_resolves() {
    let tree = site().build(&[]);
    let page = Html::parse_document(&tree.text("groups/customers/subscribe/index.html"));
    let texts: Vec<String> = page.select(&selector("code.copy-text")).map(|c| c.text().collect()).collect();
    let feed = |file: &str| format!("{BASE}groups/customers/{file}");
    let calendar = feed("calendar.ics");
    let webcal = calendar.replacen("https://", "webcal://", 1);
    assert_eq!(
        texts,
        [
            feed("feed.xml"),
            feed("atom.xml"),
            feed("feed.json"),
            webcal.clone(),
            calendar,
            "customers-announce@acme.example".into()
        ],
        "RSS, Atom, JSON Feed, the calendar twice, e-mail"
    );
    // Each has a copy button (shown by its script) and one line of how-to.
    assert_eq!(page.select(&selector("button.copy-button[data-copy][hidden]")).count(), texts.len());
    assert_eq!(page.select(&selector(".subscribe-channel p.howto")).count(), texts.len());
    for how in page.select(&selector("p.howto")) {
        assert!(how.text().collect::<String>().trim().len() > 20, "a line of how-to: {}", how.html());
    }
    // Every link of a channel resolves: a file of the output, the webcal form of one, or the list.
    for link in page.select(&selector(".subscribe-channel a")) {
        let href = link.value().attr("href").unwrap();
        if let Some(https) = href.strip_prefix("webcal://") {
            assert!(tree.has(&file_of(&format!("https://{https}"), BASE).unwrap()), "{href}");
        } else if href.starts_with("mailto:") {
            assert_eq!(href, "mailto:customers-announce@acme.example");
        } else {
            let file = file_of(href, BASE).unwrap_or_else(|| panic!("{href} is the site's"));
            assert!(tree.has(&file), "{href} resolves to {file}");
        }
    }
    // A group with a sign-up page: the page, not an address.
    let partners = tree.text("groups/partners/subscribe/index.html");
    assert!(partners.contains("href=\"https://lists.acme.example/join/partners\""), "{partners}");
    assert!(!partners.contains("mailto:"));
}

#[test]
fn every_subscribe_link_of_the_portal_leads_to_a_subscribe_page() {
    let tree = site().build(&[]);
    let mut seen = BTreeSet::new();
    for path in tree.pages() {
        let page = Html::parse_document(&tree.text(path));
        for link in page.select(&selector("a")) {
            let words: String = link.text().collect();
            let subscribe =
                words.to_lowercase().contains("subscribe") || link.value().classes().any(|c| c == "subscribe");
            if !subscribe {
                continue;
            }
            let href = link.value().attr("href").unwrap();
            let file = file_of(href, BASE).unwrap_or_else(|| panic!("{path}: `{words}` leads off the site: {href}"));
            assert!(file.ends_with("subscribe/index.html"), "{path}: `{words}` leads to {href}, not a subscribe page");
            assert!(tree.has(&file), "{path}: {href} is not in the output");
            seen.insert(file);
        }
    }
    // The footer's link leads to the site's page; group and product pages to their own.
    for expected in
        ["subscribe/index.html", "groups/customers/subscribe/index.html", "products/payments/subscribe/index.html"]
    {
        assert!(seen.contains(expected), "a link to {expected}: {seen:?}");
    }
    let site_page = tree.text("subscribe/index.html");
    for link in [
        format!("{BASE}feed.xml"),
        format!("{BASE}groups/partners/subscribe/"),
        format!("{BASE}products/ledger/subscribe/"),
    ] {
        assert!(site_page.contains(&format!("href=\"{link}\"")), "the site's subscribe page links {link}");
    }
}

#[test]
fn public_subscribe_and_catch_up_pages_hold_nothing_internal() {
    let site = site();
    let public = site.build(&[]);
    // Every file, the search index's gzipped parts unpacked.
    for (path, bytes) in &public.files {
        let text = common::unpacked(bytes);
        assert!(!text.contains("SECRET-") && !text.contains("groups/support/"), "internal text in {path}");
    }
    assert!(!public.has("groups/support/subscribe/index.html") && !public.has("groups/support/since/index.html"));
    let internal = site.build(&["--audience", "internal"]);
    assert!(internal.text("subscribe/index.html").contains("Support desk SECRET-GROUP"));
    assert!(internal.text("groups/support/since/index.html").contains("Console SECRET-RELEASE"));
}

#[test]
fn a_bad_subscribe_url_is_an_error_that_says_what_to_write() {
    let site = site();
    site.write("content/stakeholders/partners.md", &group("Partners", "subscribe_url: javascript:alert(1)\n"));
    let run = site.run(&["check", "--now", NOW]);
    run.code_is(1);
    let line = run.diagnostic("content/stakeholders/partners.md:3:");
    assert!(line.contains("`subscribe_url`") && line.contains("https://"), "{line}");
}

// ---------------------------------------------------------------------------------------
// Sharing metadata

#[test]
fn every_page_carries_open_graph_and_twitter_card_metadata() {
    let site = site();
    let tree = site.build(&[]);
    let pages = tree.pages();
    for kind in [
        "index.html",
        "releases/payments-4-2/index.html",
        "releases/payments-4-2/customers/index.html",
        "groups/customers/index.html",
        "groups/customers/subscribe/index.html",
        "groups/customers/since/index.html",
        "products/payments/index.html",
        "products/payments/subscribe/index.html",
        "subscribe/index.html",
        "404.html",
    ] {
        assert!(pages.contains(&kind), "{kind} is a page of the build: {pages:?}");
    }
    let meta = |page: &Html, key: &str| -> Option<String> {
        let css = format!("meta[property=\"{key}\"], meta[name=\"{key}\"]");
        page.select(&selector(&css)).next().and_then(|m| m.value().attr("content").map(String::from))
    };
    for path in &pages {
        let page = Html::parse_document(&tree.text(path));
        for key in [
            "og:title",
            "og:description",
            "og:url",
            "og:site_name",
            "og:type",
            "twitter:card",
            "twitter:title",
            "twitter:description",
            "description",
        ] {
            let value = meta(&page, key).unwrap_or_else(|| panic!("{path}: no {key}"));
            assert!(!value.trim().is_empty(), "{path}: empty {key}");
            assert!(!value.contains("**") && !value.contains('<'), "{path}: {key} is plain text: {value}");
        }
        assert_eq!(meta(&page, "og:site_name").unwrap(), "Acme releases");
        let url = meta(&page, "og:url").unwrap();
        assert_eq!(file_of(&url, BASE).as_deref(), Some(*path), "{path}: og:url is the page's own absolute URL");
        assert_eq!(meta(&page, "og:description"), meta(&page, "description"), "{path}");
        assert!(meta(&page, "og:image").is_none(), "{path}: no image without a logo");
    }
    let release = Html::parse_document(&tree.text("releases/payments-4-2/index.html"));
    assert_eq!(meta(&release, "og:description").unwrap(), "What Payments 4.2 brings, in one sentence.");
    assert_eq!(meta(&release, "og:title").unwrap(), "Payments 4.2");

    // With a logo, every page shares it.
    site.write("site.toml", &format!("{SITE_TOML}[brand]\nlogo = \"img/logo.svg\"\naccent = \"teal\"\n"));
    site.write("static/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    let tree = site.build(&[]);
    let logo = format!("{BASE}img/logo.svg");
    assert!(tree.has("img/logo.svg"));
    for path in tree.pages() {
        let page = Html::parse_document(&tree.text(path));
        assert_eq!(meta(&page, "og:image").as_deref(), Some(logo.as_str()), "{path}");
        assert_eq!(meta(&page, "twitter:image").as_deref(), Some(logo.as_str()), "{path}");
    }
}

// ---------------------------------------------------------------------------------------
// [brand]

#[test]
fn brand_values_reach_templates_validated() {
    let site = site();
    site.write("site.toml", &format!("{SITE_TOML}[brand]\nlogo = \"logo.png\"\naccent = \"rgb(11 95 255)\"\n"));
    site.write_bytes("static/logo.png", b"\x89PNG");
    site.write("themes/default/templates/404.html", "LOGO={{ site.brand.logo }} ACCENT={{ site.brand.accent }}");
    let tree = site.build(&[]);
    assert_eq!(tree.text("404.html"), format!("LOGO={BASE}logo.png ACCENT=#0b5fff"));
    // Without [brand], both are none.
    site.write("site.toml", SITE_TOML);
    site.write("themes/default/templates/404.html", "{{ site.brand.logo is none }} {{ site.brand.accent is none }}");
    assert_eq!(site.build(&[]).text("404.html"), "True True");
}

#[test]
fn brand_errors_point_at_site_toml_and_say_what_to_write() {
    let site = site();
    let toml = format!("{SITE_TOML}[brand]\nlogo = \"images/logo.svg\"\naccent = \"red; }} body {{ display: none\"\n");
    site.write("site.toml", &toml);
    let run = site.run(&["check", "--now", NOW]);
    run.code_is(1);
    let accent = run.diagnostic("site.toml:5:1: error: ");
    assert!(accent.contains("`accent` must be a CSS colour") && accent.contains("#0b5fff"), "{accent}");
    // The colour is fixed; now the logo is missing from static/.
    site.write("site.toml", &toml.replace("red; } body { display: none", "#0b5fff"));
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(1);
    let logo = run.diagnostic("site.toml:4:1: error: ");
    assert!(logo.contains("static/images/logo.svg"), "{logo}");
    assert!(!site.path("public").exists(), "nothing was built");
    // A logo outside static/ is refused for what it is.
    site.write(
        "site.toml",
        &toml.replace("images/logo.svg", "../secret.png").replace("red; } body { display: none", "teal"),
    );
    let run = site.run(&["check", "--now", NOW]);
    let logo = run.diagnostic("site.toml:4:1: error: ");
    assert!(logo.contains("relative to `static/`"), "{logo}");
}

// ---------------------------------------------------------------------------------------
// The release page and the banner

#[test]
fn the_release_page_reads_well_to_the_public() {
    let site = site();
    let tree = site.build(&[]);
    let release = tree.text("releases/payments-4-2/index.html");
    assert!(!release.contains("settlement-core-svc"), "no component slugs in the public build");
    assert!(site
        .build(&["--audience", "internal"])
        .text("releases/payments-4-2/index.html")
        .contains("settlement-core-svc"));
    // A same-day window says its day once (Europe/Paris: 18:00 to 19:00 CET).
    let same_day = "10 November 2026, 18:00–19:00 CET";
    assert!(release.contains(same_day), "{release}");
    assert!(tree.text("releases/payments-4-2/customers/index.html").contains(same_day));
    // A table of contents whose every link lands on the page.
    let page = Html::parse_document(&release);
    let toc: Vec<&str> = page.select(&selector(".toc a")).map(|a| a.value().attr("href").unwrap()).collect();
    assert!(toc.len() >= 3, "{toc:?}");
    for href in toc {
        // Absolute, as feeds carry the page's text: the page's own URL and a fragment.
        let id = href.strip_prefix(&format!("{BASE}releases/payments-4-2/#")).unwrap_or_else(|| panic!("{href}"));
        assert_eq!(page.select(&selector(&format!("[id=\"{id}\"]"))).count(), 1, "{href} lands once");
    }
    // A constraint kind with one item is a line, not a heading over a one-item list.
    let communique = tree.text("releases/payments-4-2/customers/index.html");
    assert!(communique.contains("<strong>Regulation:</strong> Only in the EEA."), "{communique}");
    assert!(!communique.contains("<h3>Regulation</h3>"));
}

#[test]
fn the_preview_banner_says_when_a_release_is_planned() {
    let site = site();
    let review = release("Payments 5.0", "Payments", "5.0", "2026-12-01T09:00:00Z", &["customers"], "")
        .replace("approved", "review");
    site.write("content/releases/payments-5-0.md", &review);
    let later = release("Payments 4.3", "Payments", "4.3", "2026-12-10T09:00:00Z", &["customers"], "");
    site.write("content/releases/payments-4-3.md", &later);
    let tree = site.build(&["--drafts", "--future"]);
    for page in ["releases/payments-5-0/index.html", "releases/payments-5-0/customers/index.html"] {
        let text = tree.text(page);
        assert!(
            text.contains(
                "In review — planned for <time datetime=\"2026-12-01T09:00:00Z\">1 December 2026, 10:00 CET</time>."
            ),
            "{page}: {text}"
        );
        assert!(!text.contains("Published") || !text.contains("banner-scheduled"));
    }
    for page in ["releases/payments-4-3/index.html", "releases/payments-4-3/customers/index.html"] {
        let text = tree.text(page);
        assert!(
            text.contains("Scheduled for <time datetime=\"2026-12-10T09:00:00Z\">10 December 2026, 10:00 CET</time>."),
            "{page}: {text}"
        );
    }
    let draft = release("Payments 6.0", "Payments", "6.0", "2027-01-05T09:00:00Z", &["customers"], "")
        .replace("approved", "draft");
    site.write("content/releases/payments-6-0.md", &draft);
    let text = site.build(&["--drafts"]).text("releases/payments-6-0/index.html");
    assert!(text.contains("Draft — planned for <time"), "{text}");
}

// ---------------------------------------------------------------------------------------
// init

#[test]
fn init_keeps_the_output_folders_out_of_git() {
    let dir = tempfile::TempDir::new().unwrap();
    run_in(dir.path(), &["init", "site"], &[]).success();
    let root = dir.path().join("site");
    run_in(&root, &["build", "--drafts", "--now", NOW], &[]).success();
    run_in(&root, &["build", "--audience", "internal", "--now", NOW], &[]).success();
    assert!(root.join("public/index.html").is_file() && root.join("internal/index.html").is_file());
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(&root).output().expect("git is installed");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q"]);
    let status = git(&["status", "--porcelain", "--untracked-files=all"]);
    assert!(status.contains("site.toml") && status.contains(".gitignore"), "{status}");
    assert!(!status.contains("public/") && !status.contains("internal/"), "output is ignored:\n{status}");
    // The site stays valid with the file there.
    run_in(&root, &["check", "--strict", "--now", NOW], &[]).success();
}

// ---------------------------------------------------------------------------------------
// In a real browser

/// The site built for a static host on this machine, and the host.
fn served() -> (Site, StaticHost) {
    let site = site();
    let host = StaticHost::start(site.path("out"));
    site.build(&["--output", "out", "--base-url", &host.url]);
    (site, host)
}

const NEWEST_FIRST: [&str; 4] = ["Payments 4.2", "Ledger 7.0", "Payments 4.1", "Payments 4.0"];

#[test]
fn the_catch_up_page_without_javascript_lists_every_communique_newest_first() {
    let Some(driver) = Driver::start_with(false) else { return };
    let (_site, host) = served();
    driver.open(&format!("{}groups/customers/since/", host.url));
    assert_eq!(driver.shown("#since-list .card-title"), NEWEST_FIRST);
    assert!(driver.shown("#since-picker").is_empty(), "no picker that cannot work");
    assert_eq!(driver.shown("#since-status"), ["Every communique for Customers, newest first."]);
}

#[test]
fn the_catch_up_page_speaks_the_pages_language() {
    let Some(driver) = Driver::start_with(true) else { return };
    let site = site();
    site.write("site.toml", &format!("{SITE_TOML}timezone = \"Europe/Paris\"\nlanguages = [\"en\", \"de\"]\n"));
    let host = StaticHost::start(site.path("out"));
    site.build(&["--output", "out", "--base-url", &host.url]);
    driver.open(&format!("{}de/groups/customers/since/", host.url));
    let start = Instant::now();
    while driver.shown("#since-picker").is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20), "the script shows the picker");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(driver.shown("#since-status"), ["Alle Mitteilungen für Customers, die neuesten zuerst."]);
    driver.choose("#since-product", "Payments");
    driver.choose("#since-version", "4.1");
    assert_eq!(driver.shown("#since-status"), ["2 Mitteilungen seit Payments 4.1."]);
    driver.choose("#since-version", "4.2");
    assert_eq!(driver.shown("#since-status"), ["Nichts Neues seit Payments 4.2: Sie sind auf dem neuesten Stand."]);
    driver.choose("#since-version", "Alle Mitteilungen zeigen");
    assert_eq!(driver.shown("#since-list .card-title"), NEWEST_FIRST);
}

#[test]
fn the_catch_up_page_lists_what_came_after_the_version_a_reader_runs() {
    let Some(driver) = Driver::start_with(true) else { return };
    let (_site, host) = served();
    driver.open(&format!("{}groups/customers/since/", host.url));
    let start = Instant::now();
    while driver.shown("#since-picker").is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20), "the script shows the picker");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Before a choice: everything, newest first.
    assert_eq!(driver.shown("#since-list .card-title"), NEWEST_FIRST);
    driver.choose("#since-product", "Payments");
    driver.choose("#since-version", "4.1");
    assert_eq!(driver.shown("#since-list .card-title"), ["Payments 4.2", "Ledger 7.0"], "released after Payments 4.1");
    assert_eq!(driver.shown("#since-status"), ["2 communiques since Payments 4.1."]);
    driver.choose("#since-version", "4.0");
    assert_eq!(driver.shown("#since-list .card-title"), NEWEST_FIRST[..3]);
    driver.choose("#since-version", "4.2");
    assert!(driver.shown("#since-list .card-title").is_empty());
    assert_eq!(driver.shown("#since-status"), ["Nothing new since Payments 4.2: you are up to date."]);
    driver.choose("#since-product", "Ledger");
    driver.choose("#since-version", "7.0");
    assert_eq!(driver.shown("#since-list .card-title"), ["Payments 4.2"]);
}

#[test]
fn a_copy_button_copies_the_address_and_without_javascript_the_address_stays_to_select() {
    let (_site, host) = served();
    let page = format!("{}groups/customers/subscribe/", host.url);
    let rss = format!("{}groups/customers/feed.xml", host.url);
    if let Some(driver) = Driver::start_with(false) {
        driver.open(&page);
        assert!(driver.shown("button.copy-button").is_empty(), "no button that cannot work");
        assert!(driver.shown("code.copy-text").contains(&rss), "the address is on the page");
    }
    let Some(driver) = Driver::start_with(true) else { return };
    driver.open(&page);
    let start = Instant::now();
    while driver.shown("button.copy-button").len() != 6 {
        assert!(start.elapsed() < Duration::from_secs(20), "the script shows a button per channel");
        std::thread::sleep(Duration::from_millis(50));
    }
    let button = driver.element("button[data-copy=\"copy-rss\"]");
    driver.command(&format!("element/{button}/click"), json!({}));
    let start = Instant::now();
    loop {
        let said = driver.script("return document.querySelector('.copy-status').textContent");
        if said.as_str().is_some_and(|s| !s.is_empty()) {
            assert!(
                said == json!(format!("Copied: {rss}")) || said.as_str().unwrap().starts_with("Selected"),
                "{said}"
            );
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "the button says what it did");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(driver.script("return window.getSelection().toString()"), json!(rss), "the address is selected");
}

/// Every group and product page of a build has its subscribe page, and the tree checks
/// itself: the output's pages are the ones the sitemap lists, subscribe and since included.
#[test]
fn the_sitemap_lists_the_reader_pages() {
    let tree: Tree = site().build(&[]);
    let sitemap = tree.text("sitemap.xml");
    for page in ["subscribe/", "groups/customers/subscribe/", "groups/customers/since/", "products/payments/subscribe/"]
    {
        assert!(sitemap.contains(&format!("<loc>{BASE}{page}</loc>")), "{page} in the sitemap");
        assert!(tree.has(&format!("{page}index.html")));
    }
}

/// The order `since.js` gives, on a page written by hand: releases do not carry actions or
/// breaking changes yet in this model, so the data marks one communique `first` itself.
#[test]
fn the_catch_up_script_lists_actions_and_breaking_changes_first() {
    let Some(driver) = Driver::start_with(true) else { return };
    let site = site();
    let data = json!({
        "products": [{"name": "P", "versions": [{"version": "2", "published": "2026-03-01T00:00:00Z"},
                                               {"version": "1", "published": "2026-01-01T00:00:00Z"}]}],
        "communiques": [
            {"key": "c1", "product": "P", "published": "2026-04-01T00:00:00Z", "first": false},
            {"key": "c2", "product": "Q", "published": "2026-03-15T00:00:00Z", "first": true},
            {"key": "c3", "product": "P", "published": "2026-03-01T00:00:00Z", "first": false},
            {"key": "c4", "product": "Q", "published": "2026-02-01T00:00:00Z", "first": true},
            {"key": "c5", "product": "P", "published": "2026-01-01T00:00:00Z", "first": false}
        ]
    });
    let items: String = (1..=5).map(|n| format!("<li id=\"c{n}\"><h2 class=\"card-title\">C{n}</h2></li>")).collect();
    let page = format!(
        "<!doctype html><title>t</title><script src=\"/since.js\" defer></script>\
         <form id=\"since-picker\" hidden><select id=\"since-product\"><option value=\"P\">P</option></select>\
         <select id=\"since-version\"></select></form><p id=\"since-status\">All.</p><ol id=\"since-list\">{items}</ol>\
         <script type=\"application/json\" id=\"since-data\">{data}</script>"
    );
    site.write("static/check/index.html", &page);
    let host = StaticHost::start(site.path("out"));
    site.build(&["--output", "out", "--base-url", &host.url]);
    driver.open(&format!("{}check/", host.url));
    let start = Instant::now();
    while driver.shown("#since-picker").is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20), "the script shows the picker");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(driver.shown("#since-list .card-title"), ["C1", "C2", "C3", "C4", "C5"], "all, newest first");
    driver.choose("#since-version", "1");
    assert_eq!(driver.shown("#since-list .card-title"), ["C2", "C4", "C1", "C3"], "the group's to-dos first");
    assert_eq!(driver.shown("#since-status"), ["4 communiques since P 1, 2 with actions or breaking changes first."]);
    driver.choose("#since-version", "2");
    assert_eq!(driver.shown("#since-list .card-title"), ["C2", "C1"]);
    // Back to everything: newest first again, as without the script.
    driver.choose("#since-version", "Show every communique");
    assert_eq!(driver.shown("#since-list .card-title"), ["C1", "C2", "C3", "C4", "C5"]);
    assert_eq!(driver.shown("#since-status"), ["All."]);
}
