//! The preview server: build in preview mode, serve over HTTP, rebuild on every change
//! to the site's sources, and tell open pages to reload. A broken edit keeps the last
//! good build on screen with the errors over it; the server never dies on bad content,
//! nor on a bug of its own: a panic in a rebuild or in answering a request is reported
//! and the last good build goes on being served.

mod first;
pub(crate) mod host;
pub(crate) mod http;
mod indexer;
mod listen;
mod rebuild;
pub(crate) mod watch;

use crate::diagnostics::Diagnostic;
use crate::model::Audience;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub(crate) struct Options {
    pub root: PathBuf,
    pub interface: String,
    pub port: u16,
    pub audience: Audience,
    pub open: bool,
    /// `--allow-host`: more names the preview answers to (see [`host`]).
    pub allowed_hosts: Vec<String>,
}

struct LastGood {
    site: crate::model::Site,
    sources: crate::content::Sources,
}

/// What the request handlers share with the rebuild loop. Every lock is taken through
/// [`read`], [`write`] or [`lock`], which look past poisoning: a panic is caught where
/// it happens and reported, and what it leaves behind is still the last good state.
pub(crate) struct Shared {
    root: PathBuf,
    /// The last good build (canonical path).
    site_dir: PathBuf,
    base_url: String,
    audience: Audience,
    /// Errors of the last rebuild; empty when it succeeded.
    errors: RwLock<Vec<Diagnostic>>,
    /// The model of the last good build, for `/_review/`, which is computed when asked
    /// for: on a large program it costs more than the rest of a rebuild. None until a
    /// build has succeeded.
    last_good: RwLock<Option<Arc<LastGood>>>,
    /// What a rebuild reuses of the last: parsed files, and what each page was made from.
    session: Mutex<crate::build::Session>,
    /// Held by a rebuild, which writes changed files over the old ones, and by a
    /// request while it reads one: a page is never served half-written.
    output: RwLock<()>,
    /// Told after every rebuild, good or bad, and when a rebuild has made the pages open
    /// tabs look at (see [`first`]); live-reload streams listen to it.
    reloads: Arc<listen::Reloads>,
    /// The pages a rebuild makes first, and those it has made.
    first: Arc<first::Pages>,
    /// Makes the search index a rebuild leaves to make, on its own thread.
    indexer: indexer::Indexer,
}

impl Shared {
    fn new(root: PathBuf, site_dir: PathBuf, base_url: String, audience: Audience) -> Shared {
        Shared {
            root,
            site_dir,
            base_url,
            audience,
            errors: RwLock::new(Vec::new()),
            last_good: RwLock::new(None),
            session: Mutex::new(crate::build::Session::default()),
            output: RwLock::new(()),
            reloads: Arc::default(),
            first: Arc::default(),
            indexer: indexer::Indexer::default(),
        }
    }
}

fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ServeError {
    #[error("port {port} on {interface} is already in use (another `communique serve`?); choose another one with `--port {next}`", next = port.wrapping_add(1).max(1024))]
    PortBusy { interface: String, port: u16 },
    #[error("cannot listen on {interface}:{port}: {message}")]
    Bind { interface: String, port: u16, message: String },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub(crate) fn serve(options: Options) -> Result<(), ServeError> {
    let listener = bind(&options.interface, options.port)?;
    let port = listener.local_addr()?.port();
    let interface = options.interface.trim_start_matches('[').trim_end_matches(']');
    let host = if interface == "0.0.0.0" || interface == "::" { "127.0.0.1" } else { interface };
    let host = if host.contains(':') { format!("[{host}]") } else { host.to_string() };
    let base_url = format!("http://{host}:{port}/");
    let allowed = host::Allowed::new(&options.interface, &options.allowed_hosts);

    let temp = tempfile::Builder::new().prefix("communique-serve-").tempdir()?;
    let site_dir = temp.path().join("site");
    std::fs::create_dir_all(&site_dir)?;
    let shared =
        Arc::new(Shared::new(options.root.clone(), site_dir.canonicalize()?, base_url.clone(), options.audience));

    // Watch before the first build, so that no save made after the URL is printed is missed.
    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = watch::SiteWatcher::start(&options.root, tx).map_err(|e| ServeError::Io(std::io::Error::other(e)))?;

    // The pages first: the address is printed once they are served, and the search
    // index, which takes longer than the pages on a large site, is made after, by the
    // indexer, while edits are rebuilt as they are saved.
    let first = rebuild::rebuild_pages(&shared, "start", &[]);
    crate::errln!(
        "Previewing {} at {base_url} (drafts and scheduled communiques shown and marked; review at {base_url}_review/). Ctrl-C to stop.",
        options.root.display()
    );
    if options.open {
        open_browser(&base_url);
    }

    // Ctrl-C (or SIGTERM): remove the preview build, then exit quietly.
    let temp_path = temp.path().to_path_buf();
    let _ = ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&temp_path);
        crate::errln!("\nstopped");
        std::process::exit(0);
    });

    let indexer_shared = Arc::clone(&shared);
    std::thread::spawn(move || indexer::Indexer::run(&indexer_shared));
    shared.indexer.after(first);
    let watcher_shared = Arc::clone(&shared);
    std::thread::spawn(move || {
        rebuild::rebuild_on_changes(&watcher_shared, rx, watcher);
    });

    listen::run(listener, shared, allowed)?;
    drop(temp);
    Ok(())
}

fn bind(interface: &str, port: u16) -> Result<std::net::TcpListener, ServeError> {
    let address = interface.trim_start_matches('[').trim_end_matches(']');
    std::net::TcpListener::bind((address, port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            ServeError::PortBusy { interface: interface.to_string(), port }
        } else {
            ServeError::Bind { interface: interface.to_string(), port, message: e.to_string() }
        }
    })
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        crate::errln!("could not open a browser; open {url} yourself");
    }
}

/// An answer to a GET or HEAD, before it is put on the wire.
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    fn html(status: u16, html: String) -> Reply {
        Reply { status, content_type: "text/html; charset=utf-8", body: html.into_bytes() }
    }
}

/// What the preview answers at `path` (the request target's path, not decoded).
fn page(shared: &Shared, path: &str) -> Reply {
    let overlay = {
        let errors = read(&shared.errors);
        (!errors.is_empty()).then(|| http::overlay(&errors))
    };
    let last = read(&shared.last_good).clone();
    let Some(last) = last else {
        let page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><h1>The site does not build yet</h1></body></html>";
        return Reply::html(500, http::inject(page, overlay.as_deref()));
    };
    if path == "/_review" || path == "/_review/" {
        let now = crate::clock::now(None).unwrap_or_else(|_| jiff::Timestamp::now());
        // Previewing the public portal: review only what it will show.
        let review = crate::review::review_for(&last.site, &last.sources, now, shared.audience);
        let page = crate::render::review_page(&shared.root, &last.site, &review, now);
        return Reply::html(200, http::inject(&page, overlay.as_deref()));
    }
    let Some(file) = http::resolve(&shared.site_dir, path) else {
        return not_found(shared, overlay.as_deref());
    };
    let rel = crate::content::relative(&shared.site_dir, &file);
    shared.first.requested(&rel);
    // Read whole under the lock, answered after it: a slow client must not hold up a rebuild.
    let bytes = match shared.first.read(&rel, &shared.output, || std::fs::read(&file)) {
        // Made first by the running rebuild, which has met no error so far.
        first::Read::First(bytes, rebuild) => {
            return Reply::html(200, http::inject_made(&String::from_utf8_lossy(&bytes), rebuild))
        }
        first::Read::Disk(bytes) => bytes,
    };
    match bytes {
        Ok(bytes) if file.extension().is_some_and(|e| e == "html") => {
            Reply::html(200, http::inject(&String::from_utf8_lossy(&bytes), overlay.as_deref()))
        }
        Ok(bytes) => Reply { status: 200, content_type: http::content_type(&file), body: bytes },
        Err(_) => not_found(shared, overlay.as_deref()),
    }
}

/// Notes that an open tab looks at `url` (a live-reload stream's `Referer`), if it is
/// a page of this preview; returns its output path.
fn looked_at(shared: &Shared, url: &str) -> Option<String> {
    let path = url.split_once("://").and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))?;
    let rel = crate::content::relative(&shared.site_dir, &http::resolve(&shared.site_dir, path)?);
    shared.first.requested(&rel);
    Some(rel)
}

fn not_found(shared: &Shared, overlay: Option<&str>) -> Reply {
    let page = {
        let _reading = read(&shared.output);
        std::fs::read_to_string(shared.site_dir.join("404.html"))
    }
    .unwrap_or_else(|_| "<!doctype html><title>Not found</title><h1>Not found</h1>".into());
    Reply::html(404, http::inject(&page, overlay))
}

/// The answer when making a page panicked: the error over an otherwise empty page, and
/// the same on the terminal. The next request is answered as usual.
fn internal_error(path: &str, message: &str) -> Reply {
    let diagnostic = rebuild::panic_diagnostic("site.toml", &format!("making the page {path}"), message);
    crate::errln!("{diagnostic}");
    let page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Internal error</title></head><body><h1>This page could not be made</h1></body></html>";
    let overlay = http::overlay_titled("This page could not be made: communique hit an internal error.", &[diagnostic]);
    Reply::html(500, http::inject(page, Some(&overlay)))
}
