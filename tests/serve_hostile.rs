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
            &format!("{method} /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
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
