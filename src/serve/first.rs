//! Pages first: which pages the preview makes before the rest of a rebuild, and serving
//! them as soon as they are made. The pages are those open tabs look at, as the preview
//! learns from the requests it answers: the newest few page requests, and the page of
//! each live-reload stream when it opens. While a rebuild runs, a request for one of
//! the pages it has made first is answered with them; a request for any other page
//! waits for the rebuild, as before: no page is served stale.

use super::lock;
use std::collections::{HashMap, VecDeque};
use std::io;
use std::sync::{Arc, Condvar, Mutex, RwLock, TryLockError};
use std::time::Duration;

/// How many of the newest page requests are made first: a few tabs, each with the pages
/// its reader moved between.
const RECENT: usize = 16;

#[derive(Default)]
pub(crate) struct Pages {
    /// Output paths of the newest page requests, newest first, each once.
    recent: Mutex<VecDeque<String>>,
    /// The pages the running rebuild has made first, by output path: empty between
    /// rebuilds.
    made: Mutex<HashMap<String, Arc<[u8]>>>,
    /// The number of the last rebuild begun.
    rebuilds: std::sync::atomic::AtomicU64,
    /// Told when pages are made first and when a rebuild ends.
    changed: Condvar,
}

/// A page as [`Pages::read`] found it.
pub(crate) enum Read {
    /// Made first by the running rebuild (its number): the bytes it will commit.
    First(Arc<[u8]>, u64),
    /// From the output on disk, with no rebuild running.
    Disk(io::Result<Vec<u8>>),
}

impl Pages {
    /// Notes a request for the page at output path `rel` (HTML pages only: feeds and
    /// style sheets are not what a tab is looking at).
    pub(crate) fn requested(&self, rel: &str) {
        if !rel.ends_with(".html") {
            return;
        }
        let mut recent = lock(&self.recent);
        recent.retain(|r| r != rel);
        recent.push_front(rel.to_string());
        recent.truncate(RECENT);
    }

    /// A rebuild begins: its number.
    pub(crate) fn begin(&self) -> u64 {
        self.rebuilds.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
    }

    /// The number of the last rebuild begun.
    pub(crate) fn latest(&self) -> u64 {
        self.rebuilds.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The pages to make first in the next rebuild.
    pub(crate) fn wanted(&self) -> Vec<String> {
        lock(&self.recent).iter().cloned().collect()
    }

    /// Pages the running rebuild has made first.
    pub(crate) fn publish(&self, pages: Vec<(String, Vec<u8>)>) {
        let mut made = lock(&self.made);
        made.extend(pages.into_iter().map(|(rel, bytes)| (rel, Arc::from(bytes))));
        self.changed.notify_all();
    }

    /// Ends a rebuild: its pages are on disk now (or it failed and the old ones still
    /// are). `writing` is the rebuild's hold on the output, let go here, so that no
    /// request falls between the pages made first and the output.
    pub(crate) fn finish<T>(&self, writing: T) {
        let mut made = lock(&self.made);
        made.clear();
        drop(writing);
        self.changed.notify_all();
    }

    /// The page at output path `rel`: made first by the running rebuild, or read from
    /// disk with `read` once no rebuild holds `output`.
    pub(crate) fn read(&self, rel: &str, output: &RwLock<()>, read: impl FnOnce() -> io::Result<Vec<u8>>) -> Read {
        let mut made = lock(&self.made);
        loop {
            if let Some(bytes) = made.get(rel) {
                return Read::First(Arc::clone(bytes), self.rebuilds.load(std::sync::atomic::Ordering::Relaxed));
            }
            let reading = match output.try_read() {
                Ok(reading) => reading,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => {
                    // Woken by `publish` or `finish`; the time-out is a safety net only.
                    made = self
                        .changed
                        .wait_timeout(made, Duration::from_millis(200))
                        .map_or_else(|poisoned| poisoned.into_inner().0, |(made, _)| made);
                    continue;
                }
            };
            drop(made);
            let bytes = read();
            drop(reading);
            return Read::Disk(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn the_newest_requests_are_wanted_first_each_once() {
        let pages = Pages::default();
        for rel in ["a/index.html", "b/index.html", "style.css", "a/index.html"] {
            pages.requested(rel);
        }
        assert_eq!(pages.wanted(), ["a/index.html", "b/index.html"]);
        for n in 0..2 * RECENT {
            pages.requested(&format!("p{n}/index.html"));
        }
        assert_eq!(pages.wanted().len(), RECENT);
        assert_eq!(pages.wanted()[0], format!("p{}/index.html", 2 * RECENT - 1));
    }

    /// During a rebuild, a page made first is served from what the rebuild made; any
    /// other page waits for the rebuild to end, and is then read from disk.
    #[test]
    fn a_rebuild_serves_its_first_pages_and_holds_the_others() {
        let pages = Arc::new(Pages::default());
        let output = Arc::new(RwLock::new(()));
        let on_disk = Arc::new(Mutex::new("old"));
        let writing = output.write().unwrap();

        // A request for a page that is not made first: it waits.
        let (tx, rx) = mpsc::channel();
        let waiting = {
            let (pages, output, on_disk) = (Arc::clone(&pages), Arc::clone(&output), Arc::clone(&on_disk));
            std::thread::spawn(move || {
                let read = pages.read("other/index.html", &output, || Ok(on_disk.lock().unwrap().as_bytes().to_vec()));
                tx.send(match read {
                    Read::First(..) => "served from the rebuild".to_string(),
                    Read::Disk(bytes) => String::from_utf8(bytes.unwrap()).unwrap(),
                })
                .unwrap();
            })
        };

        // The page made first is served while the rebuild still holds the output.
        pages.publish(vec![("seen/index.html".into(), b"new".to_vec())]);
        match pages.read("seen/index.html", &output, || panic!("read from disk during the rebuild")) {
            Read::First(bytes, _) => assert_eq!(&*bytes, b"new"),
            Read::Disk(_) => panic!("not served from the rebuild"),
        }
        assert!(rx.try_recv().is_err(), "a page not made first was served during the rebuild");

        // The rebuild commits, then ends: the waiting request reads the new output.
        *on_disk.lock().unwrap() = "committed";
        pages.finish(writing);
        assert_eq!(rx.recv().unwrap(), "committed");
        waiting.join().unwrap();
        match pages.read("seen/index.html", &output, || Ok(b"from disk".to_vec())) {
            Read::Disk(bytes) => assert_eq!(bytes.unwrap(), b"from disk"),
            Read::First(..) => panic!("a finished rebuild's pages are read from disk"),
        }
    }
}
