//! Posting a payload to a webhook, and telling what a failure was without naming the
//! webhook: its URL (host, path and query alike) is a secret, so a failure says the HTTP
//! status and a short reason of ours, plus the server's own reason only when it is a few
//! plain words that hold no part of the URL.

use super::payload;
use crate::model::ChatKind;
use crate::notify::message::Message;
use crate::notify::retry::{with_retries, Failure, Policy};
use std::io::Read;
use std::time::{Duration, SystemTime};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of an error's body is read to find the server's reason.
const BODY_READ: u64 = 4 * 1024;
/// The longest server reason shown.
const REASON_LIMIT: usize = 100;

/// Posts `message` to `webhook_url` as `kind` takes it, tried again on temporary failures
/// as `policy` says (waiting with `std::thread::sleep`).
pub fn deliver(kind: ChatKind, webhook_url: &str, message: &Message, policy: &Policy) -> Result<(), Failure> {
    let url = webhook(webhook_url)?;
    let body = serde_json::to_vec(&payload(kind, message))
        .map_err(|_| Failure::permanent("the message could not be written as JSON"))?;
    // A webhook that redirects is not followed: the redirect would carry the message
    // (and, for some, the webhook's secret) somewhere not configured.
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(CONNECT_TIMEOUT)
        .timeout(TOTAL_TIMEOUT)
        .redirects(0)
        .user_agent(concat!("communique/", env!("CARGO_PKG_VERSION")))
        .build();
    with_retries(policy, std::thread::sleep, || post(&agent, &url, &body))
}

/// The webhook URL, checked before anything is sent.
fn webhook(text: &str) -> Result<url::Url, Failure> {
    let invalid = || Failure::permanent("the webhook URL is not a valid http:// or https:// URL");
    let url = url::Url::parse(text.trim()).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(invalid());
    }
    Ok(url)
}

fn post(agent: &ureq::Agent, url: &url::Url, body: &[u8]) -> Result<(), Failure> {
    let sent = agent.post(url.as_str()).set("Content-Type", "application/json; charset=utf-8").send_bytes(body);
    match sent {
        Ok(response) if (200..300).contains(&response.status()) => Ok(()),
        Ok(response) => Err(Failure::permanent(format!(
            "HTTP {} (the webhook redirects elsewhere: set the URL it points to)",
            response.status()
        ))),
        Err(ureq::Error::Status(status, response)) => {
            let retry_after = response.header("Retry-After").and_then(|v| retry_after(v, SystemTime::now()));
            let mut read = Vec::new();
            // A body that cannot be read only loses the server's reason.
            let _ = response.into_reader().take(BODY_READ).read_to_end(&mut read);
            Err(status_failure(status, retry_after, server_reason(&read, url)))
        }
        Err(ureq::Error::Transport(transport)) => Err(transport_failure(&transport)),
    }
}

/// What an HTTP error status means for the delivery: 429, 5xx (and 408, a time-out) are
/// temporary; any other status is permanent.
fn status_failure(status: u16, retry_after: Option<Duration>, reason: Option<String>) -> Failure {
    let ours = match status {
        400 => "the webhook refused the message",
        401 | 403 => "the webhook refused access: is the URL still valid?",
        404 | 410 => "no such webhook: was it removed?",
        408 => "the server timed out",
        413 => "the message is too large for the webhook",
        429 => "too many requests",
        500..=599 => "server error",
        _ => "the webhook refused the message",
    };
    let message = match reason {
        Some(reason) => format!("HTTP {status}: {ours} ({reason})"),
        None => format!("HTTP {status}: {ours}"),
    };
    let temporary = status == 429 || status == 408 || (500..=599).contains(&status);
    if temporary {
        Failure { retry_after, ..Failure::temporary(message) }
    } else {
        Failure::permanent(message)
    }
}

/// A failure before any answer. ureq's own messages name the URL, so none is shown.
fn transport_failure(transport: &ureq::Transport) -> Failure {
    use ureq::ErrorKind;
    match transport.kind() {
        ErrorKind::InvalidUrl | ErrorKind::UnknownScheme | ErrorKind::InsecureRequestHttpsOnly => {
            Failure::permanent("the webhook URL is not a valid http:// or https:// URL")
        }
        ErrorKind::TooManyRedirects => Failure::permanent("the webhook redirects elsewhere: set the URL it points to"),
        ErrorKind::Dns => Failure::temporary("no connection: the webhook's host name was not found"),
        ErrorKind::ConnectionFailed | ErrorKind::ProxyConnect => Failure::temporary("no connection to the webhook"),
        ErrorKind::Io if timed_out(transport) => Failure::temporary("the webhook did not answer in time"),
        ErrorKind::Io => Failure::temporary("the connection to the webhook broke"),
        ErrorKind::BadStatus | ErrorKind::BadHeader => Failure::temporary("the webhook's answer was not valid HTTP"),
        ErrorKind::InvalidProxyUrl | ErrorKind::ProxyUnauthorized | ErrorKind::HTTP => {
            Failure::temporary("the webhook could not be reached")
        }
    }
}

fn timed_out(transport: &ureq::Transport) -> bool {
    std::error::Error::source(transport)
        .and_then(|e| e.downcast_ref::<std::io::Error>())
        .is_some_and(|e| matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock))
}

/// `Retry-After` (RFC 9110 §10.2.3): a number of seconds, or an HTTP-date; a date in the
/// past asks for no wait.
fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The server's reason for an error, if it is short plain words that hold no part of the
/// webhook URL: the body as text, or the `message` or `error` of a JSON body (Discord,
/// Teams). Anything else — HTML pages, echoes of the request, long texts — is dropped.
fn server_reason(body: &[u8], url: &url::Url) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?.trim();
    let reason = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(object)) => {
            ["message", "error"].iter().find_map(|key| object.get(*key)?.as_str().map(str::to_string))?
        }
        Ok(_) => return None,
        Err(_) => text.to_string(),
    };
    let reason = reason.trim();
    let plain = |c: char| c.is_ascii_alphanumeric() || " _-.,:;'()".contains(c);
    if reason.is_empty() || reason.len() > REASON_LIMIT || !reason.chars().all(plain) {
        return None;
    }
    let lower = reason.to_ascii_lowercase();
    let holds_the_url = url_pieces(url).any(|piece| piece.len() >= 4 && lower.contains(&piece.to_ascii_lowercase()));
    (!holds_the_url).then(|| reason.to_string())
}

/// Every word of a URL a secret may be in: host labels, user, password, path segments,
/// query names and values, fragment.
fn url_pieces(url: &url::Url) -> impl Iterator<Item = String> + '_ {
    let split = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '-').map(str::to_string).collect()
    };
    let mut pieces = Vec::new();
    for part in [url.host_str().unwrap_or(""), url.username(), url.password().unwrap_or(""), url.path()] {
        pieces.extend(split(part));
        // Percent-decoded as well: a server may echo the decoded form.
        pieces.extend(split(&percent_encoding::percent_decode_str(part).decode_utf8_lossy()));
    }
    for (name, value) in url.query_pairs() {
        pieces.extend(split(&name));
        pieces.extend(split(&value));
    }
    pieces.extend(split(url.fragment().unwrap_or("")));
    pieces.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> url::Url {
        url::Url::parse("https://hooks.slack.com/services/T000/B000/SECRETXYZ?token=abcd1234").unwrap()
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        let now = httpdate::parse_http_date("Mon, 30 Nov 2026 16:00:00 GMT").unwrap();
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 1 ", now), Some(Duration::from_secs(1)));
        assert_eq!(retry_after("Mon, 30 Nov 2026 16:00:30 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after("Mon, 30 Nov 2026 15:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-1", now), None);
    }

    #[test]
    fn statuses_are_temporary_or_permanent() {
        for (status, temporary) in [(429, true), (500, true), (503, true), (408, true), (400, false), (404, false)] {
            assert_eq!(status_failure(status, None, None).temporary, temporary, "{status}");
        }
        let failure = status_failure(429, Some(Duration::from_secs(5)), None);
        assert_eq!(failure.retry_after, Some(Duration::from_secs(5)));
        assert_eq!(failure.message, "HTTP 429: too many requests");
    }

    #[test]
    fn a_short_plain_reason_is_kept() {
        assert_eq!(server_reason(b"invalid_payload", &url()).as_deref(), Some("invalid_payload"));
        assert_eq!(
            server_reason(br#"{"message": "Unknown Webhook", "code": 10015}"#, &url()).as_deref(),
            Some("Unknown Webhook")
        );
    }

    #[test]
    fn a_reason_with_any_part_of_the_url_is_dropped() {
        for body in [
            "no_service SECRETXYZ",
            "No webhook at /services/T000/B000/SECRETXYZ",
            "bad token abcd1234",
            "hooks down",
            r#"{"error": "secretxyz revoked"}"#,
            "<html><body>Not found</body></html>",
            &"long ".repeat(30),
        ] {
            assert_eq!(server_reason(body.as_bytes(), &url()), None, "{body}");
        }
    }

    #[test]
    fn an_invalid_url_is_a_permanent_failure_that_does_not_show_it() {
        for text in ["not a url SECRETXYZ", "ftp://example.com/SECRETXYZ", "mailto:SECRETXYZ@x"] {
            let failure = webhook(text).unwrap_err();
            assert!(!failure.temporary);
            assert!(!failure.message.contains("SECRETXYZ"), "{}", failure.message);
        }
        assert!(webhook(" https://hooks.slack.com/services/T000/B000/SECRETXYZ\n").is_ok());
    }
}
