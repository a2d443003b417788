//! End to end in a real headless Chromium (driven through chromedriver's WebDriver
//! API): a person has a communique open, edits the release file, and the page shows the
//! edit by itself. Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them); set COMMUNIQUE_SKIP_BROWSER=1 to skip on a machine without them.

mod preview;

use preview::{sample_site, Preview};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Driver {
    child: Child,
    url: String,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.url, self.session)).call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start() -> Option<Driver> {
        if std::env::var_os("COMMUNIQUE_SKIP_BROWSER").is_some() {
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (apt-get install chromium chromium-driver), or set COMMUNIQUE_SKIP_BROWSER=1");
        let url = format!("http://127.0.0.1:{port}");
        let profile = tempfile::tempdir().unwrap();
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--no-first-run", "--disable-dev-shm-usage", "--disable-component-update", "--disable-sync",
                         format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let start = Instant::now();
        let session = loop {
            match ureq::post(&format!("{url}/session")).send_json(capabilities.clone()) {
                Ok(response) => {
                    let body: Value = response.into_json().unwrap();
                    break body["value"]["sessionId"].as_str().expect("a WebDriver session").to_string();
                }
                Err(e) if start.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => panic!("chromedriver did not start a session: {e}"),
            }
        };
        Some(Driver { child, url, session, _profile: profile })
    }

    fn command(&self, path: &str, body: Value) -> Value {
        let response = ureq::post(&format!("{}/session/{}/{path}", self.url, self.session))
            .send_json(body)
            .unwrap_or_else(|e| panic!("WebDriver {path}: {e}"));
        response.into_json::<Value>().unwrap()["value"].clone()
    }

    fn open(&self, url: &str) {
        self.command("url", json!({ "url": url }));
    }

    fn script(&self, source: &str) -> Value {
        self.command("execute/sync", json!({ "script": source, "args": [] }))
    }
}

#[test]
fn an_open_communique_updates_itself_after_an_edit() {
    let Some(driver) = Driver::start() else { return };
    let preview = Preview::start(sample_site(), &[]);
    driver.open(&format!("{}releases/payments-4-2/customers/", preview.url));
    let heading = driver.script("return document.querySelector('h1').textContent");
    assert!(heading.as_str().unwrap_or("").contains("Payments 4.2"), "{heading}");
    // Wait until the live-reload stream is connected, then mark this page: a reload
    // that we did not ask for clears the mark.
    let start = Instant::now();
    while driver.script("return document.documentElement.dataset.liveReload === 'connected'") != json!(true) {
        assert!(start.elapsed() < Duration::from_secs(10), "the page connects to /_livereload");
        std::thread::sleep(Duration::from_millis(50));
    }
    driver.script("window.__notReloaded = true; return true");

    preview.edit("content/releases/payments-4-2/index.md", |t| {
        t.replacen("title: Payments 4.2", "title: Payments 4.2 seen in a browser", 1)
    });
    let saved = Instant::now();
    loop {
        let text = driver.script("return document.querySelector('h1').textContent");
        if text.as_str().unwrap_or("").contains("seen in a browser") {
            break;
        }
        assert!(saved.elapsed() < Duration::from_secs(20), "the page did not update by itself: {text}");
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("the edit showed in the browser {} ms after saving", saved.elapsed().as_millis());
    assert_eq!(driver.script("return window.__notReloaded === true"), json!(false), "the page reloaded by itself");

    // A broken edit shows the overlay in the page; the next good edit clears it.
    preview.edit("content/releases/payments-4-2/index.md", |t| t.replacen("status: approved", "status: aproved", 1));
    let start = Instant::now();
    while driver.script("return !!document.getElementById('communique-errors')") != json!(true) {
        assert!(start.elapsed() < Duration::from_secs(20), "the error overlay appears");
        std::thread::sleep(Duration::from_millis(50));
    }
    let overlay = driver.script("return document.getElementById('communique-errors').textContent");
    assert!(overlay.as_str().unwrap().contains("index.md:"), "{overlay}");
    preview.edit("content/releases/payments-4-2/index.md", |t| t.replacen("status: aproved", "status: approved", 1));
    let start = Instant::now();
    while driver.script("return !!document.getElementById('communique-errors')") != json!(false) {
        assert!(start.elapsed() < Duration::from_secs(20), "the overlay clears after a good edit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// SPEC §11: a reader sees what they must do before what is new, and labels as words.
#[test]
fn action_required_comes_before_whats_new_and_labels_are_words_on_screen() {
    let Some(driver) = Driver::start() else { return };
    let preview = Preview::start(sample_site(), &[]);
    driver.open(&format!("{}releases/payments-4-2/enterprise-customers/", preview.url));
    let layout = driver.script(
        "const headings = [...document.querySelectorAll('main h2')];
         const top = (text) => {
           const h = headings.find((h) => h.innerText.trim() === text);
           return h ? h.getBoundingClientRect().top + window.scrollY : null;
         };
         const breaking = document.querySelector('main .label-breaking');
         const section = document.querySelector('main .action-required');
         return {
           action: top('Action required'),
           news: top(\"What's new for you\"),
           first: headings.length ? headings[0].innerText.trim() : null,
           items: section ? [...section.querySelectorAll('li')].map((li) => li.innerText) : [],
           breaking: breaking ? breaking.innerText.trim() : null,
           breakingShown: breaking ? breaking.getBoundingClientRect().width > 0 : false,
         };",
    );
    let (action, news) = (layout["action"].as_f64(), layout["news"].as_f64());
    assert!(action.is_some() && news.is_some(), "both sections are on the page: {layout}");
    assert!(action < news, "Action required is above What's new for you on screen: {layout}");
    assert_eq!(layout["first"], "Action required", "{layout}");
    let items = layout["items"].as_array().expect("the actions");
    assert!(items[0].as_str().unwrap().starts_with("By 15 December 2026:"), "{layout}");
    assert_eq!(layout["breaking"], "Breaking", "the label is a word, not a colour: {layout}");
    assert_eq!(layout["breakingShown"], true, "{layout}");
}
