//! A real headless Chromium driven through chromedriver's WebDriver API, for the tests
//! that look at pages the way a reader's browser shows them: at a given width, in the
//! light or the dark colour scheme, with scripts run in the page.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/test.sh` installs them).
//! [`Driver::start`] returns `None` only when COMMUNIQUE_SKIP_BROWSER is set; a machine
//! without the browser fails the test instead of passing it unseen.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Driver {
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

/// The colour scheme a page is looked at in (`prefers-color-scheme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Light,
    Dark,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

impl Driver {
    /// A browser session, or `None` when COMMUNIQUE_SKIP_BROWSER is set.
    pub fn start() -> Option<Driver> {
        Self::start_with(true)
    }

    /// [`Driver::start`], with JavaScript on or off (a reader who blocks scripts).
    pub fn start_with(javascript: bool) -> Option<Driver> {
        if std::env::var_os("COMMUNIQUE_SKIP_BROWSER").is_some() {
            eprintln!("COMMUNIQUE_SKIP_BROWSER is set: this browser test does not run");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (scripts/test.sh installs chromium and chromium-driver), or set COMMUNIQUE_SKIP_BROWSER=1");
        let url = format!("http://127.0.0.1:{port}");
        let profile = tempfile::tempdir().unwrap();
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--no-first-run", "--disable-dev-shm-usage", "--disable-component-update", "--disable-sync",
                     "--hide-scrollbars", "--window-size=1280,900",
                     format!("--user-data-dir={}", profile.path().display())]
        });
        if !javascript {
            options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
        }
        let capabilities =
            json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}});
        let start = Instant::now();
        let session = loop {
            match ureq::post(&format!("{url}/session")).send_json(capabilities.clone()) {
                Ok(response) => {
                    let body: Value = response.into_json().unwrap();
                    break body["value"]["sessionId"].as_str().expect("a WebDriver session").to_string();
                }
                Err(_) if start.elapsed() < Duration::from_secs(30) => std::thread::sleep(Duration::from_millis(200)),
                Err(e) => panic!("chromedriver did not start a session: {e}"),
            }
        };
        let driver = Driver { child, url, session, _profile: profile };
        // axe-core takes a few seconds on a long page of a busy machine.
        driver.command("timeouts", json!({ "script": 120_000, "pageLoad": 60_000 }));
        Some(driver)
    }

    pub fn command(&self, path: &str, body: Value) -> Value {
        let response = ureq::post(&format!("{}/session/{}/{path}", self.url, self.session))
            .send_json(body)
            .unwrap_or_else(|e| panic!("WebDriver {path}: {e}"));
        response.into_json::<Value>().unwrap()["value"].clone()
    }

    pub fn open(&self, url: &str) {
        self.command("url", json!({ "url": url }));
    }

    /// Runs `source` (a function body) in the page and returns what it returns.
    pub fn script(&self, source: &str) -> Value {
        self.command("execute/sync", json!({ "script": source, "args": [] }))
    }

    /// Runs `source` (a function body that calls `arguments[arguments.length - 1]` with
    /// its result) in the page and returns that result.
    pub fn script_async(&self, source: &str) -> Value {
        self.command("execute/async", json!({ "script": source, "args": [] }))
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.command("goog/cdp/execute", json!({ "cmd": cmd, "params": params }))
    }

    /// Looks at pages as in `scheme`, through the `prefers-color-scheme` media feature.
    pub fn color_scheme(&self, scheme: Scheme) {
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "media": "", "features": [{ "name": "prefers-color-scheme", "value": scheme.as_str() }] }),
        );
    }

    /// Makes the viewport `width` CSS pixels wide, as a phone (`mobile`) or a desktop.
    pub fn viewport(&self, width: u32, height: u32, mobile: bool) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
        );
    }

    /// The text of every element `css` selects that is shown, in page order.
    pub fn shown(&self, css: &str) -> Vec<String> {
        let found = self.command("elements", json!({"using": "css selector", "value": css}));
        found
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|element| {
                let id = element.as_object()?.values().next()?.as_str()?.to_string();
                let shown = self.get(&format!("element/{id}/displayed"));
                (shown == json!(true))
                    .then(|| self.get(&format!("element/{id}/text")).as_str().unwrap_or("").to_string())
            })
            .collect()
    }

    pub fn get(&self, path: &str) -> Value {
        let response = ureq::get(&format!("{}/session/{}/{path}", self.url, self.session))
            .call()
            .unwrap_or_else(|e| panic!("WebDriver {path}: {e}"));
        response.into_json::<Value>().unwrap()["value"].clone()
    }

    /// Types `text` into the element `css` selects, key by key, as a person does.
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.command(&format!("element/{id}/value"), json!({ "text": text }));
    }

    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.command(&format!("element/{id}/click"), json!({}));
    }

    /// Waits up to 20 s for `source` (a script returning a value) to return what
    /// `done` accepts; returns that value.
    pub fn wait_for(&self, what: &str, source: &str, done: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let value = self.script(source);
            if done(&value) {
                return value;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "{what}: last seen {value}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn element(&self, css: &str) -> String {
        let found = self.command("element", json!({"using": "css selector", "value": css}));
        found.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect(css).to_string()
    }

    /// Picks the option with `text` in the `<select>` `css`, as a person does.
    pub fn choose(&self, css: &str, text: &str) {
        let select = self.element(css);
        self.command(&format!("element/{select}/click"), json!({}));
        let option = self.command(
            &format!("element/{select}/element"),
            json!({"using": "xpath", "value": format!("./option[normalize-space(.)='{text}']")}),
        );
        let option =
            option.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect(text).to_string();
        self.command(&format!("element/{option}/click"), json!({}));
    }
}
