//! Mail-ready communiques (SPEC §9): one RFC 5322 message per communique, MIME
//! multipart/alternative with a text and an HTML part, UTF-8, built with mail-builder.
//! Nothing in a message depends on the clock: the same input gives the same bytes.

use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;

pub(crate) struct Email<'a> {
    pub from_name: Option<&'a str>,
    pub from_address: String,
    pub to: &'a str,
    pub subject: &'a str,
    pub date: jiff::Timestamp,
    /// Without angle brackets: `payments-4-2.customers@releases.example.com`.
    pub message_id: String,
    pub text: &'a str,
    pub html: &'a str,
    /// A correction's original Message-ID: mail clients show the two in one thread.
    pub corrects: Option<String>,
}

/// One communique (release, group) as the message `build --emails` writes and `notify`
/// sends: the same function for both, so that the two never differ.
pub(crate) struct Communique<'a> {
    pub release_slug: &'a str,
    pub release_title: &'a str,
    pub group: &'a str,
    pub publish_at: jiff::Timestamp,
    /// The group's `email`.
    pub to: &'a str,
    /// The communique's title (the HTML document's title).
    pub title: &'a str,
    /// The text part: `communique.txt` rendered.
    pub text: &'a str,
    /// The `content` block of `communique.html`.
    pub html: &'a str,
}

/// The Message-ID of a communique's message (without angle brackets): stable, so that a
/// message written twice is recognised as one.
pub(crate) fn message_id(config: &crate::config::SiteConfig, release_slug: &str, group: &str) -> String {
    format!("{release_slug}.{group}@{}", host(&config.base_url))
}

/// The communique's message: from `[notify] from` when the site has one, else from the
/// site's title at `noreply@` the site's host.
pub(crate) fn communique_message(config: &crate::config::SiteConfig, c: &Communique) -> std::io::Result<Vec<u8>> {
    let host = host(&config.base_url);
    let (from_name, from_address) = match &config.notify.from {
        Some(sender) => (sender.name.as_deref(), sender.address.clone()),
        None => (Some(config.title.as_str()), format!("noreply@{host}")),
    };
    message(&Email {
        from_name,
        from_address,
        to: c.to,
        subject: c.release_title,
        date: c.publish_at,
        message_id: message_id(config, c.release_slug, c.group),
        text: c.text,
        html: &html_document(c.title, &config.language, c.html),
        corrects: None,
    })
}

/// A correction of a communique's message (`notify --corrections`): the subject says so,
/// the text opens with a line that says so, and the message has a Message-ID of its own
/// (one per corrected text) that refers to the original. Its `Date:` is `sent`, when it
/// goes out: dated at `publish_at` like the original, a correction made weeks later would
/// be sorted among old mail, where nobody sees it.
pub(crate) fn correction_message(
    config: &crate::config::SiteConfig,
    c: &Communique,
    fingerprint: &str,
    sent: jiff::Timestamp,
) -> std::io::Result<Vec<u8>> {
    let host = host(&config.base_url);
    let (from_name, from_address) = match &config.notify.from {
        Some(sender) => (sender.name.as_deref(), sender.address.clone()),
        None => (Some(config.title.as_str()), format!("noreply@{host}")),
    };
    let text = format!("{CORRECTION_NOTE}\n\n{}", c.text);
    let html = format!("<p><strong>{CORRECTION_NOTE}</strong></p>\n{}", c.html);
    message(&Email {
        from_name,
        from_address,
        to: c.to,
        subject: &format!("Correction: {}", c.release_title),
        date: sent,
        message_id: correction_id(config, c.release_slug, c.group, fingerprint),
        text: &text,
        html: &html_document(c.title, &config.language, &html),
        corrects: Some(message_id(config, c.release_slug, c.group)),
    })
}

/// The Message-ID of a correction: one per corrected text, so that each correction is a
/// message of its own.
pub(crate) fn correction_id(
    config: &crate::config::SiteConfig,
    release_slug: &str,
    group: &str,
    fingerprint: &str,
) -> String {
    let digits = fingerprint.rsplit(':').next().unwrap_or(fingerprint);
    let short: String = digits.chars().filter(char::is_ascii_alphanumeric).take(16).collect();
    format!("{release_slug}.{group}.correction-{short}@{}", host(&config.base_url))
}

/// What a correction says first.
pub(crate) const CORRECTION_NOTE: &str =
    "Correction: this communique changed after it was sent. This is the current text.";

/// The longest MIME boundary RFC 2046 allows.
const BOUNDARY_MAX: usize = 70;

pub(crate) fn message(email: &Email) -> std::io::Result<Vec<u8>> {
    // A fixed boundary derived from the Message-ID: mail-builder would otherwise make
    // one from the clock.
    // Only letters, digits and `-`: a boundary may not hold the `[` of an address literal.
    // At most 70 characters (RFC 2046 §5.1.1): mail-builder encodes a longer value as an
    // RFC 2047 word, which no longer matches the delimiter lines, and a mail client then
    // finds no parts in the message.
    let id = email.message_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' });
    let boundary: String = "communique-".chars().chain(id).take(BOUNDARY_MAX).collect();
    let body = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", boundary),
        vec![
            MimePart::new(ContentType::new("text/plain").attribute("charset", "utf-8"), email.text),
            MimePart::new(ContentType::new("text/html").attribute("charset", "utf-8"), email.html),
        ],
    );
    let mut builder = MessageBuilder::new();
    if let Some(original) = &email.corrects {
        builder = builder.in_reply_to(original.as_str()).references(original.as_str());
    }
    builder
        .from(Address::new_address(email.from_name, email.from_address.as_str()))
        .to(email.to)
        .subject(email.subject)
        .date(email.date.as_second())
        .message_id(email.message_id.as_str())
        .header("Auto-Submitted", mail_builder::headers::raw::Raw::new("auto-generated"))
        .body(body)
        .write_to_vec()
}

/// The domain of `base_url`, as the right-hand side of Message-IDs and of the sender
/// address: a name or IPv4 address as it is, an IPv6 address as an address literal
/// (`[IPv6:::1]`, RFC 5321 §4.1.3), since its colons are not allowed in a domain.
pub(crate) fn host(base_url: &str) -> String {
    match url::Url::parse(base_url).ok().and_then(|url| url.host().map(|h| h.to_owned())) {
        Some(url::Host::Ipv6(address)) => format!("[IPv6:{address}]"),
        Some(host) if !host.to_string().is_empty() => host.to_string(),
        _ => "localhost".to_string(),
    }
}

/// The HTML part: the communique's text in a minimal document that mail clients render
/// without the site's stylesheet.
pub(crate) fn html_document(title: &str, language: &str, body: &str) -> String {
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
        assert_eq!(host("http://[::1]:1111/"), "[IPv6:::1]");
        assert_eq!(host("https://[2001:DB8::1]/sub/"), "[IPv6:2001:db8::1]");
        assert_eq!(host("https://Releases.Example.COM/"), "releases.example.com");
        assert_eq!(host("not a url"), "localhost");
    }

    #[test]
    fn messages_from_an_ipv6_site_parse() {
        let host = host("http://[::1]:1111/");
        let email = Email {
            from_name: Some("Acme releases"),
            from_address: format!("noreply@{host}"),
            to: "customers@x.example",
            subject: "Payments 4.2",
            date: "2026-11-21T08:00:00Z".parse().unwrap(),
            message_id: format!("payments-4-2.customers@{host}"),
            text: "Hello\n",
            html: "<p>Hello</p>",
            corrects: None,
        };
        let bytes = message(&email).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("Message-ID: <payments-4-2.customers@[IPv6:::1]>\r\n"), "{text}");
        assert!(text.contains("From: \"Acme releases\" <noreply@[IPv6:::1]>\r\n"), "{text}");
        let parsed = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        assert_eq!(parsed.message_id(), Some("payments-4-2.customers@[IPv6:::1]"));
        assert_eq!(parsed.from().and_then(|f| f.first()).and_then(|a| a.address()), Some("noreply@[IPv6:::1]"));
        assert_eq!(parsed.body_text(0).as_deref().map(str::trim_end), Some("Hello"));
    }

    /// The boundary named in the Content-Type header, as written.
    fn written_boundary(text: &str) -> &str {
        let start = text.find("boundary=\"").expect("a boundary") + "boundary=\"".len();
        &text[start..start + text[start..].find('"').unwrap()]
    }

    #[test]
    fn a_long_message_id_keeps_the_boundary_of_the_parts() {
        // A correction's Message-ID of an ordinary site is over 70 characters.
        let email = Email {
            from_name: Some("Example releases"),
            from_address: "releases@example.com".into(),
            to: "customers@example.com",
            subject: "Correction: Payments 2.4",
            date: "2026-01-20T09:00:00Z".parse().unwrap(),
            message_id: "payments-2-4.enterprise-customers.correction-b7bb66172ade84b8@releases.example.com".into(),
            text: "Hello\n",
            html: "<p>Hello</p>",
            corrects: Some("payments-2-4.enterprise-customers@releases.example.com".into()),
        };
        let bytes = message(&email).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let boundary = written_boundary(&text);
        assert!(boundary.len() <= 70 && !boundary.contains("=?"), "{text}");
        assert!(text.contains(&format!("\r\n--{boundary}\r\nContent-Type: text/plain")), "{text}");
        assert!(text.contains(&format!("\r\n--{boundary}--")), "{text}");
        let parsed = mail_parser::MessageParser::default().parse(&bytes).unwrap();
        assert_eq!(parsed.body_text(0).as_deref().map(str::trim_end), Some("Hello"));
        assert!(parsed.body_html(0).unwrap().contains("<p>Hello</p>"));
    }

    #[test]
    fn messages_are_deterministic_and_parse() {
        let email = Email {
            from_name: Some("Acme releases"),
            from_address: "noreply@x.example".into(),
            to: "customers@x.example",
            subject: "Payments 4.2 — für alle",
            date: "2026-11-21T08:00:00Z".parse().unwrap(),
            message_id: "payments-4-2.customers@x.example".into(),
            text: "Hello\n",
            html: "<p>Hello</p>",
            corrects: None,
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
