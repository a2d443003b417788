//! The preview server under hostile requests: it listens on loopback only unless told
//! otherwise, refuses path traversal in every encoding, answers unknown paths with 404,
//! and keeps answering a burst of thousands of concurrent requests.

mod preview;

use preview::{sample_site, Preview};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Sends raw bytes (clients normalise `..` away before sending; attackers do not) and
/// returns the status line and the whole response.
fn raw(address: &str, request: &str) -> (String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response).into_owned();
    (response.lines().next().unwrap_or("").to_string(), response)
}

fn address(preview: &Preview) -> String {
    preview.url.trim_start_matches("http://").trim_end_matches('/').to_string()
}

/// This machine's address on its default route, if it has one.
fn non_loopback_address() -> Option<std::net::IpAddr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?; // TEST-NET-1: nothing is sent
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[test]
fn listens_on_loopback_only_by_default() {
    let preview = Preview::start(sample_site(), &[]);
    assert!(preview.url.starts_with("http://127.0.0.1:"), "{}", preview.url);
    let port = preview.url.rsplit(':').next().unwrap().trim_end_matches('/').parse::<u16>().unwrap();
    if let Some(ip) = non_loopback_address() {
        let refused = TcpStream::connect_timeout(&SocketAddr::new(ip, port), Duration::from_secs(2)).is_err();
        assert!(refused, "the preview is not reachable on {ip}:{port}");
    }
}

#[test]
fn path_traversal_is_refused_in_every_encoding() {
    let preview = Preview::start(sample_site(), &[]);
    let address = address(&preview);
    // Targets outside the served folder: the site's sources and system files.
    let paths = [
        "/../site.toml",
        "/../../../../../../etc/passwd",
        "/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/.%2e/.%2e/.%2e/.%2e/etc/passwd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/..\\..\\..\\..\\etc\\passwd",
        "/..%5c..%5c..%5c..%5cetc%5cpasswd",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/%uff0e%uff0e/etc/passwd",
        "/releases/../../../../../etc/passwd",
        "/releases/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/index.html/../../../../etc/passwd",
        "/..;/..;/etc/passwd",
        "/%00../etc/passwd",
        "/etc/passwd%00.html",
        "//etc/passwd",
        "///etc/passwd",
        "/./.././../etc/passwd",
        "/....//....//etc/passwd",
        "/~/../../etc/passwd",
        "/%2fetc%2fpasswd",
        "/C:%5cWindows%5cwin.ini",
    ];
    for path in paths {
        for request in [
            format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
            format!("HEAD {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
            format!("GET http://{address}{path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
        ] {
            let (status, response) = raw(&address, &request);
            assert!(status.starts_with("HTTP/1.1 404") || status.starts_with("HTTP/1.1 400"), "{request:?} → {status}");
            for secret in ["root:x:", "root:*:", "base_url", "[fonts]"] {
                assert!(!response.contains(secret), "{request:?} leaked a file outside the site");
            }
        }
    }
    // A request line without a leading slash, and garbage.
    for request in ["GET ../site.toml HTTP/1.1\r\n\r\n", "GET\r\n\r\n", "\u{0}\u{1}\u{2}\r\n\r\n"] {
        let (status, response) = raw(&address, request);
        assert!(!response.contains("base_url"), "{request:?} → {status}");
    }
    // Still up.
    assert_eq!(preview.get("/").0, 200);
}

#[test]
fn unknown_paths_are_404_and_other_methods_405() {
    let preview = Preview::start(sample_site(), &[]);
    for path in
        ["/no/such/page/", "/releases/no-such-release/", "/groups/customers/nope.xml", "/.communique-manifest.x"]
    {
        let (status, body) = preview.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(body.contains("<html") || body.contains("Not found"), "{path}: the 404 page");
    }
    let address = address(&preview);
    for method in ["POST", "PUT", "DELETE"] {
        let (status, _) = raw(
            &address,
            &format!(
                "{method} /index.html HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ),
        );
        assert!(status.starts_with("HTTP/1.1 405"), "{method} → {status}");
    }
}

#[test]
fn keeps_serving_a_burst_of_two_thousand_concurrent_requests() {
    let preview = Preview::start(sample_site(), &[]);
    let threads = 64;
    let per_thread = 2000 / threads + 1;
    let ok = AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for t in 0..threads {
            let (url, ok, failures) = (&preview.url, &ok, &failures);
            scope.spawn(move || {
                // Half the threads keep their connection alive, half open one per request.
                let keep_alive = ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build();
                for n in 0..per_thread {
                    let agent = if t % 2 == 0 {
                        keep_alive.clone()
                    } else {
                        ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build()
                    };
                    let path = match (t + n) % 4 {
                        0 => "",
                        1 => "groups/customers/feed.xml",
                        2 => "releases/payments-4-2/",
                        _ => "no/such/page/",
                    };
                    let expected = if path.starts_with("no/") { 404 } else { 200 };
                    let status = match agent.get(&format!("{url}{path}")).call() {
                        Ok(r) => r.status(),
                        Err(ureq::Error::Status(code, _)) => code,
                        Err(e) => {
                            failures.lock().unwrap().push(format!("{path}: {e}"));
                            continue;
                        }
                    };
                    if status == expected {
                        ok.fetch_add(1, Ordering::Relaxed);
                    } else {
                        failures.lock().unwrap().push(format!("{path}: {status}"));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{} failed:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(ok.load(Ordering::Relaxed), threads * per_thread);
    // And it still answers afterwards.
    assert_eq!(preview.get("/").0, 200);
}

/// The status line of the answer to a request sent raw.
fn status_of(address: &str, request: &str) -> String {
    raw(address, request).0
}

#[test]
fn answers_only_requests_addressed_to_itself() {
    // DNS rebinding: a page on evil.example makes the browser resolve that name to
    // 127.0.0.1; its requests then reach the preview but still say `Host: evil.example`.
    let preview = Preview::start(sample_site(), &["--allow-host", "preview.test"]);
    let address = address(&preview);
    let port = address.rsplit(':').next().unwrap();
    for host in ["evil.example", &format!("evil.example:{port}"), "127.0.0.1.evil.example", "localhost.evil.example:80"]
    {
        for path in ["/", "/releases/payouts-3-1/", "/_review/", "/_livereload", "/no/such/page/"] {
            let (status, response) =
                raw(&address, &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
            assert!(status.starts_with("HTTP/1.1 403"), "Host: {host} {path} → {status}");
            assert!(response.contains("text/plain") && response.contains("--allow-host"), "{response}");
            assert!(!response.contains("Payouts"), "Host: {host} {path} read the preview");
        }
    }
    // An absolute request target names the host too, and wins over `Host`.
    let status = status_of(
        &address,
        &format!("GET http://evil.example/ HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"),
    );
    assert!(status.starts_with("HTTP/1.1 403"), "{status}");
    for host in [address.clone(), format!("localhost:{port}"), "127.0.0.1".into(), format!("preview.test:{port}")] {
        let status = status_of(&address, &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert!(status.starts_with("HTTP/1.1 200"), "Host: {host} → {status}");
    }
    // HTTP/1.1 requires Host; HTTP/1.0 comes from no browser, so it may go without.
    let status = status_of(&address, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");
    let status = status_of(&address, "GET / HTTP/1.0\r\n\r\n");
    assert!(status.starts_with("HTTP/1.0 200") || status.starts_with("HTTP/1.1 200"), "{status}");
    assert_eq!(preview.get("/").0, 200);
}

/// The server's memory (VmRSS), in kB.
fn rss(preview: &Preview) -> u64 {
    preview::proc_status(preview.pid(), "VmRSS")
}

#[test]
fn an_endless_request_head_is_cut_off() {
    let preview = Preview::start(sample_site(), &[]);
    let address = address(&preview);
    assert_eq!(preview.get("/").0, 200);
    let before = rss(&preview);
    let mut stream = TcpStream::connect(&address).unwrap();
    stream.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    stream.write_all(format!("GET / HTTP/1.1\r\nHost: {address}\r\n").as_bytes()).unwrap();
    let line = format!("X-Filler: {}\r\n", "a".repeat(1000));
    let limit = 50 * 1024 * 1024;
    let mut sent = 0;
    while sent < limit {
        if stream.write_all(line.as_bytes()).is_err() {
            break;
        }
        sent += line.len();
    }
    assert!(sent < limit, "the server read a {} MB request head", limit / 1024 / 1024);
    let grown = rss(&preview).saturating_sub(before);
    assert!(grown < 30 * 1024, "the server grew by {grown} kB reading one request head");
    assert_eq!(preview.get("/").0, 200, "still answering");
}

#[test]
fn a_client_that_stops_sending_its_request_is_dropped() {
    let preview = Preview::start(sample_site(), &[]);
    let address = address(&preview);
    // Half a request head, then nothing: the server must not wait for the rest forever.
    let mut stream = TcpStream::connect(&address).unwrap();
    stream.write_all(format!("GET / HTTP/1.1\r\nHost: {address}\r\nX-Slow: ").as_bytes()).unwrap();
    // A cut-off, not a speed: the server's limit is well below it.
    stream.set_read_timeout(Some(Duration::from_secs(90))).unwrap();
    let mut answer = Vec::new();
    let closed = stream.read_to_end(&mut answer);
    assert!(closed.is_ok(), "the connection is still open: {closed:?}");
    assert!(!String::from_utf8_lossy(&answer).contains("<html"), "a half request was answered with a page");
}

/// The sample site with a 24 MB file in `static/`: far more than the socket buffers of
/// both ends hold, so a client that does not read it keeps the server's write waiting.
fn site_with_a_large_file() -> tempfile::TempDir {
    let site = sample_site();
    std::fs::create_dir_all(site.path().join("static")).unwrap();
    let big: Vec<u8> = (0..24 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(site.path().join("static/big.bin"), &big).unwrap();
    site
}

/// Asks for the large file and reads only the start of the answer.
fn stall(address: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(stream, "GET /big.bin HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
    let mut start = [0u8; 12];
    stream.read_exact(&mut start).unwrap();
    assert_eq!(&start, b"HTTP/1.1 200");
    stream
}

#[test]
fn clients_that_never_read_a_large_page_do_not_block_others() {
    let preview = Preview::start(site_with_a_large_file(), &[]);
    let address = address(&preview);
    let stalled: Vec<TcpStream> = (0..8).map(|_| stall(&address)).collect();
    // A ninth client is answered while the eight hold their connections.
    let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(20)).build();
    for path in ["", "releases/payments-4-2/", "groups/customers/feed.xml"] {
        let response = agent.get(&format!("{}{path}", preview.url)).call();
        assert_eq!(response.map(|r| r.status()).ok(), Some(200), "/{path} while eight clients stall");
    }
    drop(stalled);
}

/// Whether the server still holds `client`'s connection open: the kernel's table of TCP
/// sockets has the server's end, from its port to the client's, as established.
fn server_holds(client: &TcpStream) -> bool {
    let (server, client) = (client.peer_addr().unwrap().port(), client.local_addr().unwrap().port());
    let port = |address: &str| u16::from_str_radix(address.rsplit(':').next().unwrap(), 16).unwrap();
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        port(fields[1]) == server && port(fields[2]) == client && fields[3] == "01"
    })
}

#[test]
fn a_client_that_stops_reading_is_dropped() {
    let preview = Preview::start(site_with_a_large_file(), &[]);
    let address = address(&preview);
    let stalled = stall(&address);
    assert!(server_holds(&stalled), "the connection is open");
    // Waits for the server to give up on it; the cut-off is far beyond its limit.
    let start = std::time::Instant::now();
    while server_holds(&stalled) {
        assert!(start.elapsed() < Duration::from_secs(150), "a client that reads nothing is kept forever");
        std::thread::sleep(Duration::from_millis(500));
    }
    drop(stalled);
    assert_eq!(preview.get("/").0, 200);
}

/// How many sockets this test may open: the process's soft limit on open files, less
/// room for the other tests of this file that run at the same time.
fn socket_budget() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
    let line = limits.lines().find(|l| l.starts_with("Max open files")).unwrap();
    let soft: usize = line.split_whitespace().nth(3).unwrap().parse().unwrap_or(1024);
    soft.saturating_sub(300) / 2
}

/// Reads from `stream` until what was read contains `needle`, for at most 20 s.
fn read_until(stream: &mut TcpStream, needle: &str) -> String {
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains(needle) {
        match stream.read(&mut buffer) {
            Ok(0) => panic!("closed before {needle:?}: {}", String::from_utf8_lossy(&seen)),
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
            Err(e) => panic!("no {needle:?} ({e}): {}", String::from_utf8_lossy(&seen)),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

#[test]
fn a_thousand_live_reload_streams_take_no_thread_each() {
    let preview = Preview::start(sample_site(), &[]);
    let address = address(&preview);
    let count = socket_budget().min(1000);
    assert!(count >= 100, "too few file descriptors for this test: {count}");
    let open = |address: &str| {
        let mut stream = TcpStream::connect(address).unwrap();
        write!(stream, "GET /_livereload HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
        let head = read_until(&mut stream, "retry: 500");
        assert!(head.starts_with("HTTP/1.1 200") && head.contains("text/event-stream"), "{head}");
        stream
    };
    let mut streams: Vec<TcpStream> = (0..count).map(|_| open(&address)).collect();
    let threads = preview::proc_status(preview.pid(), "Threads");
    assert!(threads < 50, "{threads} threads for {count} live-reload streams");
    // Pages still load, and an edit still reloads a new page and an old one.
    assert_eq!(preview.get("/").0, 200);
    let mut fresh = open(&address);
    preview.edit("content/releases/payments-4-2/index.md", |t| {
        t.replacen("title: Payments 4.2", "title: Payments 4.2 reloaded", 1)
    });
    read_until(&mut fresh, "data: reload");
    read_until(streams.last_mut().unwrap(), "data: reload");
    assert!(preview::proc_status(preview.pid(), "Threads") < 50);
}
