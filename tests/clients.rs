//! SPEC §9 as a new user tries it: the build is served over HTTP on 127.0.0.1 and read by
//! real clients — newsboat subscribes to a group's RSS and Atom feeds, and Chromium opens
//! the subscribe page a person clicking "subscribe" lands on (feeds carry no XSLT).
//!
//! Needs Debian's `newsboat` and `chromium`. A missing client fails the test with what to
//! install, unless COMMUNIQUE_SKIP_CLIENTS=1 is set (COMMUNIQUE_SKIP_BROWSER=1 also skips
//! the Chromium test, as in tests/browser.rs).

mod common;
mod static_host;

use common::{group, release, Site, NOW};
use static_host::StaticHost;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------
// A static host on 127.0.0.1

// ---------------------------------------------------------------------------------------
// Clients

fn skipped(extra: &str) -> bool {
    ["COMMUNIQUE_SKIP_CLIENTS", extra].iter().any(|v| std::env::var(v).is_ok_and(|v| !v.is_empty() && v != "0"))
}

/// Whether `program` runs; if not, fails with what to install unless clients are skipped.
fn client(program: &str, package: &str, skip_variable: &str) -> bool {
    let found = Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if skipped(skip_variable) {
        eprintln!("skipped: the `{program}` test, as COMMUNIQUE_SKIP_CLIENTS or {skip_variable} asks");
        return false;
    }
    if found {
        return true;
    }
    panic!(
        "`{program}` is not installed, so this test cannot show that a real client reads the output: \
         run `apt-get install -y {package}`, or set COMMUNIQUE_SKIP_CLIENTS=1 to skip client tests"
    );
}

/// Runs a command, killing it after `limit`.
fn run(command: &mut Command, limit: Duration) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!("{command:?} did not finish in {limit:?}\n{}", String::from_utf8_lossy(&output.stderr));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

// ---------------------------------------------------------------------------------------
// The site

fn site() -> Site {
    Site::new(&[
        ("site.toml", common::SITE_TOML),
        ("content/stakeholders/customers.md", &group("Customers", "summary: Everyone on a paid plan.\n")),
        ("content/stakeholders/developers.md", &group("Developers", "")),
        (
            "content/releases/payments-4-1.md",
            &release("Payments 4.1", "approved", "2026-09-01T08:00:00Z", &["customers"]),
        ),
        (
            "content/releases/ledger-7.md",
            &release("Ledger 7 & more", "approved", "2026-10-01T08:00:00Z", &["customers", "developers"]),
        ),
        (
            "content/releases/payments-4-2.md",
            // A kind and `breaking`: feed items carry them as categories (SPEC §11).
            &release("Payments 4.2 — für alle", "approved", "2026-11-10T18:00:00Z", &["customers"]).replacen(
                "    groups: [customers]",
                "    kind: changed\n    breaking: true\n    groups: [customers]",
                1,
            ),
        ),
    ])
}

/// Builds `site` for `host`'s address, into the folder it serves.
fn build_for(site: &Site, host: &StaticHost) {
    site.run(&["build", "--now", NOW, "--base-url", &host.url]).success();
}

fn serve(site: &Site) -> StaticHost {
    StaticHost::start(site.path("public"))
}

const TITLES: [&str; 3] = ["Payments 4.2 — für alle", "Ledger 7 & more", "Payments 4.1"];

// ---------------------------------------------------------------------------------------
// feedparser

/// A Python that has feedparser (Debian's `python3-feedparser`, which scripts/test.sh
/// installs): the `python3` first found, else the system's.
fn feedparser_python() -> Option<&'static str> {
    if skipped("COMMUNIQUE_SKIP_FEEDPARSER") {
        eprintln!("skipped: the feedparser test, as COMMUNIQUE_SKIP_CLIENTS or COMMUNIQUE_SKIP_FEEDPARSER asks");
        return None;
    }
    let found = ["python3", "/usr/bin/python3"].into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import feedparser"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    assert!(
        found.is_some(),
        "feedparser is not installed, so this test cannot show that a real parser reads the feeds: \
         run `apt-get install -y python3-feedparser`, or set COMMUNIQUE_SKIP_CLIENTS=1 to skip client tests"
    );
    found
}

#[test]
fn feedparser_reads_each_item_with_its_labels_as_tags() {
    let Some(python) = feedparser_python() else { return };
    let site = site();
    site.run(&["build", "--now", NOW]).success();
    let script = "import feedparser, json, sys\n\
                  feed = feedparser.parse(sys.argv[1])\n\
                  print(json.dumps({'bozo': bool(feed.bozo), 'error': str(feed.get('bozo_exception', '')), \
                  'entries': [{'id': e.id, 'title': e.title, 'tags': [t.term for t in e.get('tags', [])]} \
                  for e in feed.entries]}))";
    for file in ["feed.xml", "atom.xml"] {
        let path = site.path(&format!("public/groups/customers/{file}"));
        let output = run(Command::new(python).args(["-c", script]).arg(&path), Duration::from_secs(60));
        assert!(output.status.success(), "feedparser: {}", String::from_utf8_lossy(&output.stderr));
        let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON from the script");
        assert_eq!(parsed["bozo"], false, "{file} is well-formed for feedparser: {}", parsed["error"]);
        let entries = parsed["entries"].as_array().expect("entries");
        let titles: Vec<&str> = entries.iter().map(|e| e["title"].as_str().unwrap()).collect();
        assert_eq!(titles, TITLES, "{file}");
        assert_eq!(
            entries[0]["id"],
            format!("{}releases/payments-4-2/customers/", common::BASE_URL),
            "{file}: the permalink is the id"
        );
        assert_eq!(entries[0]["tags"], serde_json::json!(["Payments", "Breaking", "Changed"]), "{file}");
        assert_eq!(entries[1]["tags"], serde_json::json!(["Payments", "Added"]), "{file}");
    }
}

// ---------------------------------------------------------------------------------------
// newsboat

/// A newsboat of its own: a home, a config, a URL list and a cache in a temporary folder.
struct Newsboat {
    dir: tempfile::TempDir,
}

impl Newsboat {
    fn new(urls: &[String]) -> Newsboat {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("urls"), urls.join("\n") + "\n").unwrap();
        std::fs::write(dir.path().join("config"), "download-timeout 20\nreload-threads 1\n").unwrap();
        std::fs::create_dir(dir.path().join("home")).unwrap();
        Newsboat { dir }
    }

    /// `newsboat -x reload print-unread`: fetches every feed and prints how many articles
    /// it now has unread. Returns that number.
    #[track_caller]
    fn reload(&self) -> usize {
        let d = self.dir.path();
        let output = run(
            Command::new("newsboat")
                .args(["-u", "urls", "-C", "config", "-c", "cache.db", "-x", "reload", "print-unread"])
                .current_dir(d)
                .env("HOME", d.join("home"))
                .env("XDG_CONFIG_HOME", d.join("home/.config"))
                .env("XDG_DATA_HOME", d.join("home/.local/share")),
            Duration::from_secs(120),
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "newsboat failed\n--- stdout\n{stdout}--- stderr\n{stderr}");
        assert!(
            !stdout.contains("Error") && !stderr.contains("Error"),
            "newsboat reported an error:\n{stdout}{stderr}"
        );
        let line = stdout.lines().find(|l| l.contains("unread articles")).unwrap_or_else(|| {
            panic!("newsboat printed no unread count:\n{stdout}{stderr}");
        });
        line.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("a count in {line:?}"))
    }

    /// Rows of newsboat's own cache (`feedurl|title|guid|url|content`), read with the
    /// `sqlite3` program or Python's standard library, whichever is there; None when neither is.
    fn articles(&self) -> Option<Vec<Vec<String>>> {
        let db = self.dir.path().join("cache.db");
        let sql = "SELECT feedurl, title, guid, url, content FROM rss_item ORDER BY pubDate DESC, guid";
        let script = format!(
            "import sqlite3, sys\nfor row in sqlite3.connect(sys.argv[1]).execute('{sql}'):\n    \
             print('\\x1f'.join(str(c).replace('\\n', ' ') for c in row))"
        );
        let attempts: [(&str, Vec<String>); 2] = [
            ("python3", vec!["-c".into(), script, db.display().to_string()]),
            (
                "sqlite3",
                vec![
                    "-separator".into(),
                    "\u{1f}".into(),
                    "-newline".into(),
                    "\n".into(),
                    db.display().to_string(),
                    sql.replace("content FROM", "replace(content, char(10), ' ') FROM"),
                ],
            ),
        ];
        for (program, args) in attempts {
            let Ok(output) = Command::new(program).args(&args).stderr(Stdio::null()).output() else { continue };
            if output.status.success() {
                let text = String::from_utf8(output.stdout).expect("UTF-8 from the cache");
                return Some(text.lines().map(|l| l.split('\u{1f}').map(str::to_string).collect()).collect());
            }
        }
        eprintln!("note: neither python3 nor sqlite3 can read newsboat's cache; only counts are checked");
        None
    }
}

#[test]
fn newsboat_subscribes_to_a_groups_rss_and_atom_feeds() {
    if !client("newsboat", "newsboat", "COMMUNIQUE_SKIP_CLIENTS") {
        return;
    }
    let site = site();
    let host = serve(&site);
    build_for(&site, &host);
    let communique = |slug: &str| format!("{}releases/{slug}/customers/", host.url);
    let permalinks = [communique("payments-4-2"), communique("ledger-7"), communique("payments-4-1")];

    for file in ["feed.xml", "atom.xml"] {
        let feed = format!("{}groups/customers/{file}", host.url);
        let reader = Newsboat::new(std::slice::from_ref(&feed));
        assert_eq!(reader.reload(), 3, "newsboat reads the three communiques of {file}");
        assert!(host.requested(&format!("/groups/customers/{file}")), "newsboat fetched {file} over HTTP");
        if let Some(rows) = reader.articles() {
            assert_eq!(rows.len(), 3, "{file}: {rows:?}");
            for (row, (title, permalink)) in rows.iter().zip(TITLES.iter().zip(&permalinks)) {
                assert_eq!(row[0], feed);
                assert_eq!(&row[1], title, "{file}: the title, decoded");
                assert_eq!(&row[2], permalink, "{file}: the permalink is the article's id");
                assert_eq!(&row[3], permalink, "{file}: the article's link");
                assert!(row[4].contains("feature") && row[4].contains("Worth it for customers."), "{file}: full text");
            }
        }
    }

    // Both formats in one reader: the same ids, so the same three articles, not six.
    let both = Newsboat::new(&[
        format!("{}groups/customers/feed.xml", host.url),
        format!("{}groups/customers/atom.xml", host.url),
    ]);
    assert_eq!(both.reload(), 3, "RSS and Atom items share their ids");

    // An edited release updates its article in place; a new one arrives.
    site.write(
        "content/releases/payments-4-2.md",
        &release("Payments 4.2, refunds in seconds", "approved", "2026-11-10T18:00:00Z", &["customers"]),
    );
    site.write(
        "content/releases/payments-4-3.md",
        &release("Payments 4.3", "approved", "2026-11-20T18:00:00Z", &["customers"]),
    );
    build_for(&site, &host);
    assert_eq!(both.reload(), 4, "one new article, and the edited one is not duplicated");
    if let Some(rows) = both.articles() {
        let titles: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
        assert_eq!(titles, ["Payments 4.3", "Payments 4.2, refunds in seconds", "Ledger 7 & more", "Payments 4.1"]);
    }
}

// ---------------------------------------------------------------------------------------
// A browser opening a feed

/// The page Chromium shows for `url`, after any XSLT, as HTML.
fn chromium_dom(url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = run(
        Command::new("chromium").args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // The DOM once the page has loaded, or after 30 s whatever is still loading
            // (the search box's script loads its index after the page).
            "--timeout=30000",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            url,
        ]),
        Duration::from_secs(120),
    );
    assert!(output.status.success(), "chromium failed on {url}\n{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 from chromium")
}

#[test]
fn a_subscribe_link_opened_in_a_browser_reads_as_a_page_that_explains_subscribing() {
    if !client("chromium", "chromium", "COMMUNIQUE_SKIP_BROWSER") {
        return;
    }
    let site = site();
    let host = serve(&site);
    build_for(&site, &host);
    for (page, feeds) in [
        ("groups/customers/subscribe/", &["groups/customers/feed.xml", "groups/customers/atom.xml"][..]),
        ("groups/developers/subscribe/", &["groups/developers/feed.json"][..]),
        ("products/payments/subscribe/", &["products/payments/feed.xml"][..]),
        ("subscribe/", &["feed.xml"][..]),
    ] {
        let dom = chromium_dom(&format!("{}{page}", host.url));
        assert!(
            dom.contains("<html") && dom.contains("feed reader"),
            "{page}: a page that says how to subscribe:\n{dom}"
        );
        for feed in feeds {
            let url = format!("{}{feed}", host.url);
            assert!(dom.contains(&format!(">{url}</code>")), "{page}: it shows {url} to copy:\n{dom}");
        }
    }
    assert!(!host.requested("/feed.xsl"), "no stylesheet is asked for");
}
