//! A real headless Chromium, driven through chromedriver's WebDriver API, with the
//! flags of `tests/browser.rs`; and a static file server on 127.0.0.1 that serves a
//! built site the way any web host does (no code of ours runs in it). Needs Debian's
//! `chromium` and `chromium-driver`; set COMMUNIQUE_SKIP_BROWSER=1 to skip.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
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

impl Driver {
    /// None when COMMUNIQUE_SKIP_BROWSER is set.
    pub fn start() -> Option<Driver> {
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
                Err(_) if start.elapsed() < Duration::from_secs(30) => std::thread::sleep(Duration::from_millis(200)),
                Err(e) => panic!("chromedriver did not start a session: {e}"),
            }
        };
        Some(Driver { child, url, session, _profile: profile })
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

    pub fn script(&self, source: &str) -> Value {
        self.command("execute/sync", json!({ "script": source, "args": [] }))
    }

    /// The element `css` selects, waiting up to 20 s for it to appear.
    pub fn element(&self, css: &str) -> String {
        let start = Instant::now();
        loop {
            let found = ureq::post(&format!("{}/session/{}/element", self.url, self.session))
                .send_json(json!({ "using": "css selector", "value": css }));
            if let Ok(response) = found {
                let value: Value = response.into_json::<Value>().unwrap()["value"].clone();
                if let Some(id) = value.as_object().and_then(|o| o.values().next()).and_then(Value::as_str) {
                    return id.to_string();
                }
            }
            assert!(start.elapsed() < Duration::from_secs(20), "no element {css} appeared");
            std::thread::sleep(Duration::from_millis(50));
        }
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

    pub fn set_window_size(&self, width: u32, height: u32) {
        self.command("window/rect", json!({ "width": width, "height": height }));
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
}

/// A static file server for `root` on 127.0.0.1, stopped when dropped.
pub struct StaticServer {
    pub url: String,
    server: std::sync::Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A port free on 127.0.0.1 now (to build a site for before serving it there).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl StaticServer {
    pub fn start(root: &Path, port: u16) -> StaticServer {
        let server = std::sync::Arc::new(tiny_http::Server::http(("127.0.0.1", port)).expect("a free port"));
        let url = format!("http://127.0.0.1:{port}/");
        let root: PathBuf = root.to_path_buf();
        let serving = std::sync::Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let path = request.url().split(['?', '#']).next().unwrap_or("/").trim_start_matches('/').to_string();
                let mut file = root.join(&path);
                if path.is_empty() || path.ends_with('/') {
                    file = file.join("index.html");
                }
                let response = match (path.contains(".."), std::fs::read(&file)) {
                    (false, Ok(bytes)) => {
                        let kind = match file.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("css") => "text/css",
                            Some("js") => "text/javascript",
                            Some("json") => "application/json",
                            _ => "application/octet-stream",
                        };
                        let header = tiny_http::Header::from_bytes("Content-Type", kind).unwrap();
                        tiny_http::Response::from_data(bytes).with_header(header).boxed()
                    }
                    _ => tiny_http::Response::from_string("not found").with_status_code(404).boxed(),
                };
                let _ = request.respond(response);
            }
        });
        StaticServer { url, server, thread: Some(thread) }
    }
}
