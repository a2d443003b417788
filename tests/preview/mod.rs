//! Shared by the preview-server tests: a copy of a site in a temporary folder and a
//! running `communique serve` on a free port, stopped when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Preview {
    pub site: tempfile::TempDir,
    pub url: String,
    child: Child,
    pub log: Arc<Mutex<String>>,
}

impl Drop for Preview {
    fn drop(&mut self) {
        // SIGTERM, as a person's Ctrl-C would: the server removes its preview build.
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies the repository's sample site (site.toml and content/) into a temporary folder.
pub fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("site.toml"), dir.path().join("site.toml")).unwrap();
    copy_tree(&repo.join("content"), &dir.path().join("content"));
    dir
}

/// Copies `tests/fixtures/<name>` into a temporary folder.
pub fn fixture_site(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

impl Preview {
    /// Starts `communique serve` on `site` with a port the OS picks.
    pub fn start(site: tempfile::TempDir, extra: &[&str]) -> Preview {
        let mut child = Command::new(env!("CARGO_BIN_EXE_communique"))
            .arg("serve")
            .arg("--root")
            .arg(site.path())
            .args(["--port", "0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.split(" at ").nth(1).and_then(|s| s.split_whitespace().next()) {
                    let _ = tx.send(url.to_string());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let url = rx.recv_timeout(Duration::from_secs(60)).expect("serve printed its URL");
        Preview { site, url, child, log }
    }

    /// The server's process id, to read its memory and threads in `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `host:port` of the server, as a `Host` header names it.
    pub fn address(&self) -> String {
        self.url.trim_start_matches("http://").trim_end_matches('/').to_string()
    }

    /// Waits until what the server printed satisfies `ok`, for at most 20 s: a line on
    /// its stderr reaches the log a moment after the server wrote it.
    pub fn wait_for_log(&self, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let log = self.log.lock().unwrap().clone();
            if ok(&log) {
                return log;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting on the log:\n{log}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.site.path().join(rel)
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        get(&format!("{}{}", self.url, path.trim_start_matches('/')))
    }

    /// Polls `path` until its body satisfies `ok`, for at most 20 s.
    pub fn wait_for(&self, path: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let (_, body) = self.get(path);
            if ok(&body) {
                return body;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting on {path}; last body:\n{body}\nlog:\n{}",
                self.log.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Rewrites a file of the site the way an editor saves it.
    pub fn edit(&self, rel: &str, change: impl Fn(&str) -> String) {
        let path = self.path(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let new = change(&text);
        assert_ne!(text, new, "the edit changes {rel}");
        std::fs::write(&path, new).unwrap();
    }
}

/// A field of `/proc/<pid>/status` (`VmRSS` in kB, `Threads`), as a number.
pub fn proc_status(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(&format!("{field}:"))).unwrap_or_else(|| panic!("no {field}"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

pub fn get(url: &str) -> (u16, String) {
    match ureq::get(url).timeout(Duration::from_secs(10)).call() {
        Ok(response) => (response.status(), response.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, response)) => (code, response.into_string().unwrap_or_default()),
        Err(e) => panic!("GET {url}: {e}"),
    }
}
