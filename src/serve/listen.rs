//! The preview on the wire: HTTP/1.1 (hyper on a small tokio runtime), with every
//! resource a client can take bounded. A request head may be at most [`MAX_HEAD`] bytes
//! and must arrive within [`HEAD_TIMEOUT`]; a client that stops reading its answer is
//! dropped after [`WRITE_STALL`]; at most [`MAX_CONNECTIONS`] are open at once. Slow and
//! idle clients, live-reload streams included, cost a task each, not a thread: the
//! server runs on a fixed number of threads whatever the clients do. Pages are made on a
//! small pool of blocking threads, and a panic while making one is answered with 500.

use super::{host, Reply, Shared};
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Response, StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Semaphore};

/// The longest request head (request line and headers) read; longer gets 431. Large
/// enough for the cookies a browser sends to `localhost` from every other local app.
pub(super) const MAX_HEAD: usize = 64 * 1024;
/// How long a client has to send a request head, also the longest an idle kept-alive
/// connection stays open.
pub(super) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a write may wait on a client that does not read before it is dropped.
pub(super) const WRITE_STALL: Duration = Duration::from_secs(30);
/// Connections open at once; one more is told 503 and closed.
pub(super) const MAX_CONNECTIONS: usize = 4096;
/// A live-reload stream says something this often, so that a closed tab is noticed.
const PING: Duration = Duration::from_secs(15);

type Body = UnsyncBoxBody<Bytes, Infallible>;

/// Tells live-reload streams that the site was rebuilt (well or not), or that a rebuild
/// has made the pages open tabs look at (see [`super::first`]): they tell their page to
/// reload. Rebuilds in a burst may be told as one.
#[derive(Default)]
pub(super) struct Reloads(watch::Sender<Told>);

/// What the streams were last told.
#[derive(Clone, Default)]
pub(super) struct Told {
    /// The rebuild's number ([`super::first::Pages::begin`]).
    rebuild: u64,
    /// The pages (output paths) it has made first.
    first: Arc<Vec<String>>,
    /// Whether it has ended, and then whether it succeeded.
    ended: Option<bool>,
}

impl Told {
    /// Whether a tab on `page` (an output path), showing the pages made first by rebuild
    /// `made` if it is one, must reload. A page made first is the page the rebuild
    /// commits: a tab that shows it need not reload when the rebuild succeeds.
    pub(super) fn reload(&self, page: Option<&str>, made: Option<u64>) -> bool {
        let shows_this = made == Some(self.rebuild);
        match self.ended {
            None => !shows_this && page.is_some_and(|page| self.first.iter().any(|p| p == page)),
            Some(succeeded) => !(succeeded && shows_this),
        }
    }
}

impl Reloads {
    /// Rebuild `rebuild` has ended, well or not.
    pub(super) fn tell(&self, rebuild: u64, succeeded: bool) {
        self.0.send_modify(|told| {
            let first = if told.rebuild == rebuild { Arc::clone(&told.first) } else { Arc::default() };
            *told = Told { rebuild, first, ended: Some(succeeded) };
        });
    }

    /// Rebuild `rebuild` has made `pages` first.
    pub(super) fn tell_first(&self, rebuild: u64, pages: Vec<String>) {
        self.0.send_modify(|told| *told = Told { rebuild, first: Arc::new(pages), ended: None });
    }

    /// A receiver that has seen every rebuild so far.
    pub(super) fn subscribe(&self) -> watch::Receiver<Told> {
        self.0.subscribe()
    }
}

/// Serves until the process is stopped.
pub(super) fn run(listener: std::net::TcpListener, shared: Arc<Shared>, allowed: host::Allowed) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .thread_name("communique-serve")
        .enable_io()
        .enable_time()
        .build()?;
    runtime.block_on(accept(listener, shared, Arc::new(allowed)))
}

async fn accept(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    allowed: Arc<host::Allowed>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let open = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection reset before it was accepted:
            // wait a little rather than spin, and go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            let _ = stream.try_write(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 63\r\nConnection: close\r\n\r\ntoo many open connections to this preview; close some and retry",
            );
            continue;
        };
        let (shared, allowed) = (Arc::clone(&shared), Arc::clone(&allowed));
        tokio::spawn(async move {
            let _permit = permit;
            let _ = stream.set_nodelay(true);
            let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
            stream.set_write_timeout(Some(WRITE_STALL));
            let service = hyper::service::service_fn(move |request| {
                let (shared, allowed) = (Arc::clone(&shared), Arc::clone(&allowed));
                async move { Ok::<_, Infallible>(answer(request, shared, &allowed).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(MAX_HEAD)
                .serve_connection(TokioIo::new(Box::pin(stream)), service)
                .await;
        });
    }
}

async fn answer(request: Request<Incoming>, shared: Arc<Shared>, allowed: &host::Allowed) -> Response<Body> {
    if let Some(refusal) = refusal(&request, allowed) {
        return refusal;
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n".into());
    }
    let path = request.uri().path().to_string();
    if path == "/_livereload" {
        // The stream's page is one an open tab looks at: a rebuild makes it first.
        let page = request.headers().get(hyper::header::REFERER).and_then(|r| r.to_str().ok());
        let page = page.and_then(|page| super::looked_at(&shared, page));
        // The rebuild whose page made first the tab shows, if it shows one.
        let made = request.uri().query().and_then(|q| q.strip_prefix("made=")).and_then(|n| n.parse().ok());
        return live_reload(&shared.reloads, page, made);
    }
    let made = tokio::task::spawn_blocking({
        let path = path.clone();
        move || super::page(&shared, &path)
    })
    .await;
    let reply = match made {
        Ok(reply) => reply,
        Err(e) => {
            let message =
                e.try_into_panic().map_or_else(|_| "cancelled".to_string(), |p| super::rebuild::panic_message(&*p));
            super::internal_error(&path, &message)
        }
    };
    respond(reply)
}

/// The answer to a request whose `Host` (or absolute request target's authority) does
/// not name this preview (see [`host`]), or None when it does. HTTP/1.1 requires `Host`; an HTTP/1.0 request without one comes from no
/// browser, so it cannot be a rebinding attack, and is answered.
fn refusal(request: &Request<Incoming>, allowed: &host::Allowed) -> Option<Response<Body>> {
    let mut hosts = request.headers().get_all(HOST).iter();
    let (header, another) = (hosts.next(), hosts.next());
    if another.is_some() {
        return Some(plain(StatusCode::BAD_REQUEST, "more than one Host header\n".into()));
    }
    if header.is_none() && request.version() != Version::HTTP_10 {
        return Some(plain(StatusCode::BAD_REQUEST, "an HTTP/1.1 request needs a Host header\n".into()));
    }
    let named = request.uri().authority().map(|a| a.as_str().to_string());
    for host in header.map(|h| h.to_str().unwrap_or("").to_string()).into_iter().chain(named) {
        if !allowed.allows(&host) {
            let shown: String = host.chars().filter(|c| c.is_ascii_graphic()).take(100).collect();
            let name = host::name_of(&host).unwrap_or_else(|| "NAME".into());
            return Some(plain(
                StatusCode::FORBIDDEN,
                format!(
                    "This preview answers only to localhost, 127.0.0.1, [::1] and the address it listens on, \
                     not to `{shown}` (a page elsewhere could use such a name to read the preview). \
                     To open it under that name, start it with `--allow-host {name}`.\n"
                ),
            ));
        }
    }
    None
}

/// A server-sent event stream: `data: reload` after every rebuild, a comment every
/// [`PING`] so that a closed tab is noticed and its task ends.
fn live_reload(reloads: &Reloads, page: Option<String>, made: Option<u64>) -> Response<Body> {
    let first = futures_util::stream::once(async { Ok(Frame::data(Bytes::from_static(b"retry: 500\n\n"))) });
    let rest = futures_util::stream::unfold((reloads.subscribe(), page), move |(mut rebuilt, page)| async move {
        let message: &'static [u8] = loop {
            match tokio::time::timeout(PING, rebuilt.changed()).await {
                Ok(Ok(())) => {
                    if rebuilt.borrow_and_update().reload(page.as_deref(), made) {
                        break b"data: reload\n\n";
                    }
                }
                Ok(Err(_)) => return None,
                Err(_) => break b": ping\n\n",
            }
        };
        Some((Ok(Frame::data(Bytes::from_static(message))), (rebuilt, page)))
    });
    let mut response = Response::new(StreamBody::new(first.chain(rest)).boxed_unsync());
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn respond(reply: Reply) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(reply.body)).boxed_unsync());
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn plain(status: StatusCode, text: String) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(text)).boxed_unsync());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tab on a page made first reloads once per rebuild: when its page is made (unless
    /// it shows that page already), not again when the rebuild succeeds; every other tab
    /// reloads when the rebuild ends.
    #[test]
    fn a_tab_reloads_once_for_a_page_made_first() {
        let reloads = Reloads::default();
        let page = Some("releases/a/index.html");
        let told = |reloads: &Reloads| reloads.subscribe().borrow().clone();

        reloads.tell_first(7, vec!["releases/a/index.html".into()]);
        let first = told(&reloads);
        assert!(first.reload(page, None), "the tab on the page made first reloads");
        assert!(!first.reload(page, Some(7)), "it then shows the page made first");
        assert!(!first.reload(Some("index.html"), None), "a tab on another page waits for the end");
        assert!(!first.reload(None, None), "a tab whose page is not known waits for the end");

        reloads.tell(7, true);
        let ended = told(&reloads);
        assert!(!ended.reload(page, Some(7)), "the page made first is the page committed");
        assert!(ended.reload(page, None), "a tab that missed the page made first reloads");
        assert!(ended.reload(Some("index.html"), None) && ended.reload(None, None));
        assert!(ended.reload(page, Some(6)), "a page made first by an earlier rebuild is old");

        reloads.tell_first(8, vec!["releases/a/index.html".into()]);
        reloads.tell(8, false);
        assert!(told(&reloads).reload(page, Some(8)), "a rebuild that failed shows its errors on every tab");

        // A rebuild that made nothing first: every tab reloads at its end.
        reloads.tell(9, true);
        let plain = told(&reloads);
        assert!(plain.reload(page, None) && plain.reload(page, Some(8)));
    }
}
