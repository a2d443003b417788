//! The preview server: build in preview mode, serve over HTTP, rebuild on every change
//! to the site's sources, and tell open pages to reload. A broken edit keeps the last
//! good build on screen with the errors over it; the server never dies on bad content.

pub mod http;
pub mod watch;

use crate::build::{self, Request};
use crate::diagnostics::Diagnostic;
use crate::model::Audience;
use crate::select::Mode;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

pub struct Options {
    pub root: PathBuf,
    pub interface: String,
    pub port: u16,
    pub audience: Audience,
    pub open: bool,
}

struct LastGood {
    site: crate::model::Site,
    sources: crate::content::Sources,
}

/// What the request handlers share with the rebuild loop.
pub struct Shared {
    root: PathBuf,
    /// The last good build (canonical path).
    site_dir: PathBuf,
    base_url: String,
    audience: Audience,
    /// Errors of the last rebuild; empty when it succeeded.
    errors: RwLock<Vec<Diagnostic>>,
    /// Whether any build has succeeded yet.
    built: RwLock<bool>,
    /// The model of the last good build, for `/_review/`, which is computed when asked
    /// for: on a large program it costs more than the rest of a rebuild.
    last_good: RwLock<Option<Arc<LastGood>>>,
    /// What a rebuild reuses of the last: parsed files, and what each page was made from.
    session: Mutex<build::Session>,
    /// Held by a rebuild, which writes changed files over the old ones, and by a
    /// request while it reads one: a page is never served half-written.
    output: RwLock<()>,
    /// Bumped after every rebuild, good or bad; live-reload streams wait on it.
    generation: Mutex<u64>,
    changed: Condvar,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("port {port} on {interface} is already in use (another `communique serve`?); choose another one with `--port {next}`", next = port.wrapping_add(1).max(1024))]
    PortBusy { interface: String, port: u16 },
    #[error("cannot listen on {interface}:{port}: {message}")]
    Bind { interface: String, port: u16, message: String },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

pub fn serve(options: Options) -> Result<(), ServeError> {
    let server = bind(&options.interface, options.port)?;
    let port = server.server_addr().to_ip().map_or(options.port, |a| a.port());
    let host =
        if options.interface == "0.0.0.0" || options.interface == "::" { "127.0.0.1" } else { &options.interface };
    let host = if host.contains(':') { format!("[{host}]") } else { host.to_string() };
    let base_url = format!("http://{host}:{port}/");

    let temp = tempfile::Builder::new().prefix("communique-serve-").tempdir()?;
    let site_dir = temp.path().join("site");
    std::fs::create_dir_all(&site_dir)?;
    let shared = Arc::new(Shared {
        root: options.root.clone(),
        site_dir: site_dir.canonicalize()?,
        base_url: base_url.clone(),
        audience: options.audience,
        errors: RwLock::new(Vec::new()),
        built: RwLock::new(false),
        last_good: RwLock::new(None),
        session: Mutex::new(build::Session::default()),
        output: RwLock::new(()),
        generation: Mutex::new(0),
        changed: Condvar::new(),
    });

    // Watch before the first build, so that no save made after the URL is printed is missed.
    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = watch(&options.root, tx).map_err(|e| ServeError::Io(std::io::Error::other(e)))?;

    rebuild(&shared, "start", &[]);
    eprintln!(
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
        eprintln!("\nstopped");
        std::process::exit(0);
    });

    let watcher_shared = Arc::clone(&shared);
    std::thread::spawn(move || {
        let _watcher = watcher; // dropping it would stop the events
        rebuild_on_changes(&watcher_shared, rx);
    });

    let server = Arc::new(server);
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let server = Arc::clone(&server);
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    handle(request, &shared);
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.join();
    }
    drop(temp);
    Ok(())
}

fn bind(interface: &str, port: u16) -> Result<tiny_http::Server, ServeError> {
    tiny_http::Server::http((interface, port)).map_err(|e| {
        let busy = e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse);
        if busy {
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
        eprintln!("could not open a browser; open {url} yourself");
    }
}

/// Builds the preview; on failure keeps the last good build and records the errors.
/// `changed`: the files (site-relative) the watcher saw change, read again whatever
/// their timestamps say.
fn rebuild(shared: &Shared, reason: &str, changed: &[String]) {
    let started = Instant::now();
    let mut session = shared.session.lock().expect("session lock");
    for rel in changed {
        session.files.changed(&shared.root, rel);
    }
    let now = crate::cli::now(None).unwrap_or_else(|_| jiff::Timestamp::now());
    let request = Request {
        root: &shared.root,
        output: Some(shared.site_dir.clone()),
        base_url: Some(shared.base_url.clone()),
        mode: Mode::Preview,
        audience: shared.audience,
        now,
        emails: None,
        keep_sources: true,
    };
    let writing = shared.output.write().expect("output lock");
    let rebuilt = build::rebuild(&request, &mut session);
    drop(writing);
    match rebuilt {
        Ok(built) => {
            *shared.last_good.write().expect("last good lock") =
                Some(Arc::new(LastGood { site: built.site, sources: built.sources }));
            *shared.built.write().expect("built lock") = true;
            let had_errors = !std::mem::take(&mut *shared.errors.write().expect("errors lock")).is_empty();
            if reason != "start" || had_errors {
                eprintln!("rebuilt in {} ms ({reason})", started.elapsed().as_millis());
            }
        }
        Err(errors) => {
            for d in &errors {
                eprintln!("{d}");
            }
            if *shared.built.read().expect("built lock") {
                eprintln!("the site does not build ({reason}); still serving the last good build");
            } else {
                eprintln!("the site does not build yet ({reason}); the preview shows these errors until it does");
            }
            *shared.errors.write().expect("errors lock") = errors;
        }
    }
    *shared.generation.lock().expect("generation lock") += 1;
    shared.changed.notify_all();
}

type Events = std::sync::mpsc::Receiver<notify::Result<notify::Event>>;

fn watch(
    root: &std::path::Path,
    tx: std::sync::mpsc::Sender<notify::Result<notify::Event>>,
) -> notify::Result<impl Sized> {
    use notify::{RecursiveMode, Watcher};
    let mut watcher = notify::recommended_watcher(tx)?;
    watcher.watch(&root.canonicalize().unwrap_or_else(|_| root.to_path_buf()), RecursiveMode::Recursive)?;
    Ok(watcher)
}

/// Waits for changes, lets a burst settle (editors save in several steps, a rename is
/// two events), then rebuilds once.
fn rebuild_on_changes(shared: &Shared, rx: Events) {
    let root = shared.root.canonicalize().unwrap_or_else(|_| shared.root.clone());
    let relevant = |event: notify::Result<notify::Event>| -> Vec<PathBuf> {
        match event {
            // Events were lost (a queue overflowed): the site root itself stands for
            // "anything may have changed", and every file's stamp is checked again.
            Err(_) => vec![root.clone()],
            Ok(event) if event.need_rescan() => vec![root.clone()],
            Ok(event) if !matches!(event.kind, notify::EventKind::Access(_)) => {
                event.paths.into_iter().filter(|p| watch::classify(&root, p).is_some()).collect()
            }
            _ => Vec::new(),
        }
    };
    loop {
        let Ok(first) = rx.recv() else { return };
        let mut changed = relevant(first);
        if changed.is_empty() {
            continue;
        }
        // Short: a rebuild after an edit costs little, and an editor's save is done in
        // a few milliseconds; a save caught halfway is rebuilt again at its next event.
        while let Ok(more) = rx.recv_timeout(Duration::from_millis(10)) {
            changed.extend(relevant(more));
        }
        changed.sort();
        changed.dedup();
        let changed: Vec<String> = changed.iter().map(|p| crate::content::relative(&root, p)).collect();
        let reason = match changed.as_slice() {
            [one] if one.is_empty() => "file events were lost".to_string(),
            [one] => one.clone(),
            many => format!("{} files changed", many.len()),
        };
        rebuild(shared, &reason, &changed);
    }
}

fn handle(request: tiny_http::Request, shared: &Arc<Shared>) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/").to_string();
    if !matches!(request.method(), tiny_http::Method::Get | tiny_http::Method::Head) {
        let _ = request.respond(tiny_http::Response::from_string("method not allowed").with_status_code(405));
        return;
    }
    if path == "/_livereload" {
        let shared = Arc::clone(shared);
        std::thread::spawn(move || live_reload_stream(request, &shared));
        return;
    }
    let overlay = {
        let errors = shared.errors.read().expect("errors lock");
        (!errors.is_empty()).then(|| http::overlay(&errors))
    };
    if !*shared.built.read().expect("built lock") {
        let page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><h1>The site does not build yet</h1></body></html>";
        respond_html(request, 500, &http::inject(page, overlay.as_deref()));
        return;
    }
    if path == "/_review" || path == "/_review/" {
        let last = shared.last_good.read().expect("last good lock").clone();
        let page = match last {
            Some(last) => {
                let now = crate::cli::now(None).unwrap_or_else(|_| jiff::Timestamp::now());
                let mut review = crate::review::review(&last.site, &last.sources, now);
                if shared.audience == Audience::Public {
                    // Previewing the public portal: review only what it will show.
                    review.rows.retain(|row| row.audience == Audience::Public);
                }
                crate::render::review_page(&shared.root, &last.site, &review, now)
            }
            None => String::new(),
        };
        respond_html(request, 200, &http::inject(&page, overlay.as_deref()));
        return;
    }
    let Some(file) = http::resolve(&shared.site_dir, &path) else {
        return not_found(request, shared, overlay.as_deref());
    };
    // Read whole under the lock, answered after it: a slow client must not hold up a rebuild.
    let read = {
        let _reading = shared.output.read().expect("output lock");
        std::fs::read(&file)
    };
    match read {
        Ok(bytes) if file.extension().is_some_and(|e| e == "html") => {
            respond_html(request, 200, &http::inject(&String::from_utf8_lossy(&bytes), overlay.as_deref()))
        }
        Ok(bytes) => {
            let response = tiny_http::Response::from_data(bytes)
                .with_header(header("Content-Type", http::content_type(&file)))
                .with_header(header("Cache-Control", "no-store"));
            let _ = request.respond(response);
        }
        Err(_) => not_found(request, shared, overlay.as_deref()),
    }
}

fn not_found(request: tiny_http::Request, shared: &Shared, overlay: Option<&str>) {
    let page = {
        let _reading = shared.output.read().expect("output lock");
        std::fs::read_to_string(shared.site_dir.join("404.html"))
    }
    .unwrap_or_else(|_| "<!doctype html><title>Not found</title><h1>Not found</h1>".into());
    respond_html(request, 404, &http::inject(&page, overlay));
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

fn respond_html(request: tiny_http::Request, status: u16, html: &str) {
    let response = tiny_http::Response::from_string(html)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
}

/// A server-sent event stream: `data: reload` after every rebuild, a comment every
/// 15 s so that a closed tab is noticed and its thread ends.
fn live_reload_stream(request: tiny_http::Request, shared: &Shared) {
    let mut seen = *shared.generation.lock().expect("generation lock");
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    if writer.write_all(head.as_bytes()).and_then(|_| writer.flush()).is_err() {
        return;
    }
    loop {
        let generation = {
            let guard = shared.generation.lock().expect("generation lock");
            let (guard, _) = shared
                .changed
                .wait_timeout_while(guard, Duration::from_secs(15), |g| *g == seen)
                .expect("generation lock");
            *guard
        };
        let message = if generation != seen { "data: reload\n\n" } else { ": ping\n\n" };
        seen = generation;
        if writer.write_all(message.as_bytes()).and_then(|_| writer.flush()).is_err() {
            return;
        }
    }
}
