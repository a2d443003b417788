//! Mail-ready communiques (SPEC §9): one RFC 5322 message per communique, MIME
//! multipart/alternative with a text and an HTML part, UTF-8, built with mail-builder.
//! Nothing in a message depends on the clock: the same input gives the same bytes.

use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

pub struct Email<'a> {
    pub from_name: &'a str,
    pub from_address: String,
    pub to: &'a str,
    pub subject: &'a str,
    pub date: jiff::Timestamp,
    /// Without angle brackets: `payments-4-2.customers@releases.example.com`.
    pub message_id: String,
    pub text: &'a str,
    pub html: &'a str,
}

pub fn message(email: &Email) -> std::io::Result<Vec<u8>> {
    // A fixed boundary derived from the Message-ID: mail-builder would otherwise make
    // one from the clock.
    let boundary = format!("communique-{}", email.message_id.replace(['@', '.'], "-"));
    let body = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", boundary),
        vec![
            MimePart::new(ContentType::new("text/plain").attribute("charset", "utf-8"), email.text),
            MimePart::new(ContentType::new("text/html").attribute("charset", "utf-8"), email.html),
        ],
    );
    MessageBuilder::new()
        .from(Address::new_address(Some(email.from_name), email.from_address.as_str()))
        .to(email.to)
        .subject(email.subject)
        .date(email.date.as_second())
        .message_id(email.message_id.as_str())
        .header("Auto-Submitted", mail_builder::headers::raw::Raw::new("auto-generated"))
        .body(body)
        .write_to_vec()
}

/// The host of `base_url`, for Message-IDs and the sender address.
pub fn host(base_url: &str) -> &str {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or(host);
    if host.is_empty() {
        "localhost"
    } else {
        host
    }
}

/// The HTML part: the communique's text in a minimal document that mail clients render
/// without the site's stylesheet.
pub fn html_document(title: &str, language: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n</head>\n<body style=\"font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; line-height: 1.5; max-width: 40em; margin: 0 auto; padding: 1em;\">\n{body}\n</body>\n</html>\n",
        super::templates::escape_html(language),
        super::templates::escape_html(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(host("https://releases.example.com/"), "releases.example.com");
        assert_eq!(host("http://127.0.0.1:1111/"), "127.0.0.1");
        assert_eq!(host("https://user@x.example:8443/sub/"), "x.example");
    }

    #[test]
    fn messages_are_deterministic_and_parse() {
        let email = Email {
            from_name: "Acme releases",
            from_address: "noreply@x.example".into(),
            to: "customers@x.example",
            subject: "Payments 4.2 — für alle",
            date: "2026-11-21T08:00:00Z".parse().unwrap(),
            message_id: "payments-4-2.customers@x.example".into(),
            text: "Hello\n",
            html: "<p>Hello</p>",
        };
        let bytes = message(&email).unwrap();
        assert_eq!(bytes, message(&email).unwrap());
        let parsed = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        assert_eq!(parsed.subject(), Some("Payments 4.2 — für alle"));
        assert_eq!(parsed.message_id(), Some("payments-4-2.customers@x.example"));
        assert_eq!(parsed.body_text(0).as_deref().map(str::trim_end), Some("Hello"));
        assert!(parsed.body_html(0).unwrap().contains("<p>Hello</p>"));
        assert_eq!(parsed.date().unwrap().to_rfc3339(), "2026-11-21T08:00:00Z");
    }
}
