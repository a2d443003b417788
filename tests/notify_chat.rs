//! Chat delivery against a real HTTP server on 127.0.0.1: what is posted, which failures
//! are tried again and how long apart, and that no failure names the webhook's URL.

use communique::model::ChatKind;
use communique::notify::chat::{deliver, payload};
use communique::notify::message::{ActionNote, FeatureNote, Message};
use communique::notify::retry::Policy;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The secret part of every webhook URL in these tests.
const SECRET: &str = "SECRETXYZ";
const PATH: &str = "/services/T000/B000/SECRETXYZ";

/// Quick retries, where the wait itself is not under test.
const QUICK: Policy = Policy { tries: 3, first_wait: Duration::from_millis(10), longest_wait: Duration::from_secs(60) };

/// What the server answers, one request after another (then 200).
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn answer(status: u16) -> Answer {
    Answer { status, headers: Vec::new(), body: String::new() }
}

struct Request {
    at: Instant,
    method: String,
    path: String,
    content_type: String,
    body: String,
}

/// A webhook receiver in a thread, recording every request.
struct Receiver {
    server: Arc<tiny_http::Server>,
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    thread: Option<JoinHandle<()>>,
}

impl Receiver {
    fn start(answers: Vec<Answer>) -> Receiver {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("a port on 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (server, requests) = (server.clone(), requests.clone());
            std::thread::spawn(move || {
                let mut answers = answers.into_iter();
                for mut request in server.incoming_requests() {
                    let at = Instant::now();
                    let mut body = String::new();
                    request.as_reader().read_to_string(&mut body).expect("a UTF-8 body");
                    let content_type = request
                        .headers()
                        .iter()
                        .find(|h| h.field.equiv("Content-Type"))
                        .map(|h| h.value.to_string())
                        .unwrap_or_default();
                    requests.lock().unwrap().push(Request {
                        at,
                        method: request.method().to_string(),
                        path: request.url().to_string(),
                        content_type,
                        body,
                    });
                    let Answer { status, headers, body } = answers.next().unwrap_or_else(|| answer(200));
                    let mut response = tiny_http::Response::from_string(body).with_status_code(status);
                    for (name, value) in headers {
                        response.add_header(tiny_http::Header::from_bytes(name, value).unwrap());
                    }
                    let _ = request.respond(response);
                }
            })
        };
        Receiver { server, port, requests, thread: Some(thread) }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}{PATH}", self.port)
    }

    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn message() -> Message {
    Message {
        release: "payments-2-4".into(),
        group: "customers".into(),
        title: "Payments 2.4 for customers".into(),
        summary: "Faster settlement & a new <column>.".into(),
        url: "https://releases.acme.example/groups/customers/payments-2-4/".into(),
        published_at: "2026-11-21T08:00:00Z".parse().unwrap(),
        actions: vec![ActionNote { text: "Map the new column.".into(), due: Some("2026-11-11".into()) }],
        features: vec![FeatureNote {
            title: "Settlement-type column".into(),
            labels: vec!["changed".into()],
            summary: "Exports gain a column.".into(),
            value: Some("Reconcile in one step.".into()),
        }],
        access: vec![("How".into(), "Enabled for everyone.".into())],
        constraints: vec![("Limitation".into(), "CSV only.".into())],
        text: "Payments 2.4 for customers".into(),
        html: "<h1>Payments 2.4 for customers</h1>".into(),
        correction: false,
        words: Default::default(),
    }
}

/// A failure's message names nothing of the webhook's URL.
fn assert_no_secret(message: &str) {
    for part in [SECRET, "T000", "B000", "/services", "127.0.0.1"] {
        assert!(!message.contains(part), "{part:?} in {message:?}");
    }
}

#[test]
fn every_kind_is_posted_as_its_json_payload() {
    let receiver = Receiver::start(Vec::new());
    let message = message();
    for kind in ChatKind::ALL {
        deliver(kind, &receiver.url(), &message, &QUICK).unwrap_or_else(|f| panic!("{kind:?}: {}", f.message));
    }
    let requests = receiver.requests.lock().unwrap();
    assert_eq!(requests.len(), ChatKind::ALL.len());
    for (request, kind) in requests.iter().zip(ChatKind::ALL) {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, PATH);
        assert!(request.content_type.starts_with("application/json"), "{}", request.content_type);
        let posted: serde_json::Value = serde_json::from_str(&request.body).expect("JSON");
        assert_eq!(posted, payload(kind, &message), "{kind:?}");
    }
}

#[test]
fn a_429_is_tried_again_after_the_wait_the_server_asks_for() {
    let receiver = Receiver::start(vec![Answer { headers: vec![("Retry-After", "1".into())], ..answer(429) }]);
    deliver(ChatKind::Slack, &receiver.url(), &message(), &QUICK).expect("delivered on the second try");
    let requests = receiver.requests.lock().unwrap();
    assert_eq!(requests.len(), 2);
    // A lower bound only: the second try waited at least the second asked for, not the 10 ms
    // of the policy.
    assert!(requests[1].at.duration_since(requests[0].at) >= Duration::from_secs(1));
}

#[test]
fn server_errors_are_tried_three_times() {
    let receiver = Receiver::start(vec![answer(500), answer(502), answer(503)]);
    let failure = deliver(ChatKind::Discord, &receiver.url(), &message(), &QUICK).unwrap_err();
    assert_eq!(receiver.count(), 3);
    assert!(failure.temporary);
    assert!(failure.message.starts_with("HTTP 503"), "{}", failure.message);
    assert!(failure.message.ends_with("(tried 3 times)"), "{}", failure.message);
    assert_no_secret(&failure.message);
}

#[test]
fn a_server_error_then_a_success_is_delivered() {
    let receiver = Receiver::start(vec![answer(500)]);
    deliver(ChatKind::Teams, &receiver.url(), &message(), &QUICK).expect("delivered on the second try");
    assert_eq!(receiver.count(), 2);
}

#[test]
fn a_404_is_not_tried_again_and_its_body_is_not_shown() {
    // The body echoes the request, as some servers do: it must not reach the message.
    let echo = format!("No webhook at {PATH}");
    let receiver = Receiver::start(vec![Answer { body: echo, ..answer(404) }]);
    let failure = deliver(ChatKind::Slack, &receiver.url(), &message(), &QUICK).unwrap_err();
    assert_eq!(receiver.count(), 1);
    assert!(!failure.temporary);
    assert!(failure.message.starts_with("HTTP 404"), "{}", failure.message);
    assert_no_secret(&failure.message);
}

#[test]
fn a_plain_reason_from_the_server_is_shown() {
    let receiver = Receiver::start(vec![Answer { body: "invalid_payload".into(), ..answer(400) }]);
    let failure = deliver(ChatKind::Slack, &receiver.url(), &message(), &QUICK).unwrap_err();
    assert_eq!(failure.message, "HTTP 400: the webhook refused the message (invalid_payload)");
    let receiver = Receiver::start(vec![Answer {
        body: r#"{"message": "Unknown Webhook", "code": 10015}"#.into(),
        ..answer(404)
    }]);
    let failure = deliver(ChatKind::Discord, &receiver.url(), &message(), &QUICK).unwrap_err();
    assert!(failure.message.ends_with("(Unknown Webhook)"), "{}", failure.message);
}

#[test]
fn a_redirect_is_not_followed() {
    let receiver = Receiver::start(Vec::new());
    let elsewhere = format!("{}-elsewhere", receiver.url());
    let redirecting = Receiver::start(vec![Answer { headers: vec![("Location", elsewhere)], ..answer(308) }]);
    let failure = deliver(ChatKind::Webhook, &redirecting.url(), &message(), &QUICK).unwrap_err();
    assert!(!failure.temporary);
    assert_eq!((redirecting.count(), receiver.count()), (1, 0));
    assert_no_secret(&failure.message);
}

#[test]
fn no_connection_is_temporary_and_does_not_name_the_webhook() {
    // A port just freed: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}{PATH}?token={SECRET}");
    let failure = deliver(ChatKind::Mattermost, &url, &message(), &QUICK).unwrap_err();
    assert!(failure.temporary);
    assert!(failure.message.ends_with("(tried 3 times)"), "{}", failure.message);
    assert_no_secret(&failure.message);
}

#[test]
fn an_invalid_url_is_permanent_and_not_shown() {
    for url in [format!("hooks.slack.com{PATH}"), format!("ftp://127.0.0.1{PATH}"), format!("http://[::1{PATH}")] {
        let failure = deliver(ChatKind::Slack, &url, &message(), &QUICK).unwrap_err();
        assert!(!failure.temporary, "{url}");
        assert_no_secret(&failure.message);
    }
}

#[test]
fn https_webhooks_are_reached_over_tls() {
    // A receiver that answers in plain HTTP: the client must open with a TLS handshake
    // record (0x16), and the handshake then fails, a temporary failure like any broken
    // connection. Without TLS in the client, the URL would be refused as unknown.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (opened, first_bytes) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(QUICK.tries as usize) {
            let mut stream = stream.unwrap();
            let mut first = [0u8; 1];
            let _ = stream.read_exact(&mut first);
            // Recorded before the answer, so before the client can give up on this try.
            let _ = opened.send(first[0]);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let url = format!("https://127.0.0.1:{port}{PATH}");
    let failure = deliver(ChatKind::Slack, &url, &message(), &QUICK).unwrap_err();
    assert!(failure.temporary, "{}", failure.message);
    assert_no_secret(&failure.message);
    let first_bytes: Vec<u8> = first_bytes.try_iter().collect();
    assert_eq!(first_bytes, [0x16; 3], "a TLS handshake, tried three times");
}
