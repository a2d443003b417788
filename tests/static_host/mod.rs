//! A static host for the browser and feed-reader tests: serves a folder over HTTP on
//! 127.0.0.1 the way a static host does (an `index.html` for a folder, the usual types),
//! and remembers what was asked of it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Serves a folder over HTTP on a free loopback port, the way a static host does; stops
/// when dropped. Every requested path is kept in `log`.
pub struct StaticHost {
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl StaticHost {
    pub fn start(root: PathBuf) -> StaticHost {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (serving, requests) = (Arc::clone(&server), Arc::clone(&log));
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let path = request.url().split(['?', '#']).next().unwrap_or("/").to_string();
                requests.lock().unwrap().push(path.clone());
                let _ = request.respond(respond(&root, &path));
            }
        });
        StaticHost { server, thread: Some(thread), url: format!("http://127.0.0.1:{port}/"), log }
    }

    pub fn requested(&self, path: &str) -> bool {
        self.log.lock().unwrap().iter().any(|p| p == path)
    }
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn respond(root: &Path, path: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let rel = path.trim_start_matches('/');
    let mut file = root.join(rel);
    if rel.is_empty() || rel.ends_with('/') {
        file = file.join("index.html");
    }
    match std::fs::read(&file) {
        Ok(bytes) if !rel.split('/').any(|part| part == "..") => {
            // The types common static hosts send.
            let mime = match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
                "html" => "text/html; charset=utf-8",
                "xml" => "application/xml",
                "xsl" => "application/xslt+xml",
                "json" => "application/json",
                "ics" => "text/calendar; charset=utf-8",
                "css" => "text/css",
                "js" => "text/javascript; charset=utf-8",
                _ => "application/octet-stream",
            };
            let header = tiny_http::Header::from_bytes("Content-Type", mime).unwrap();
            tiny_http::Response::from_data(bytes).with_header(header)
        }
        _ => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
    }
}
