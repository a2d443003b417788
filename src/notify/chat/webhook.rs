//! Any other receiver: the communique as one JSON object, whole and uncut — its texts
//! as plain text and HTML, and its parts as data, for a receiver to format as it likes.

use crate::notify::message::Message;
use serde_json::{json, Value};

pub(super) fn payload(message: &Message) -> Value {
    json!({
        "release": message.release,
        "group": message.group,
        "title": message.title,
        "summary": message.summary,
        "url": message.url,
        // RFC 3339, in UTC (`2026-11-21T08:00:00Z`).
        "published_at": message.published_at.to_string(),
        "correction": message.correction,
        "actions": message.actions.iter().map(|a| json!({"text": a.text, "due": a.due})).collect::<Vec<_>>(),
        "features": message
            .features
            .iter()
            .map(|f| json!({"title": f.title, "labels": f.labels, "summary": f.summary, "value": f.value}))
            .collect::<Vec<_>>(),
        "access": message.access.iter().map(|(label, text)| json!({"label": label, "text": text})).collect::<Vec<_>>(),
        "constraints": message
            .constraints
            .iter()
            .map(|(kind, text)| json!({"kind": kind, "text": text}))
            .collect::<Vec<_>>(),
        "text": message.text,
        "html": message.html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::chat::sections::tests::message;

    #[test]
    fn the_object_holds_the_communique_whole() {
        let mut m = message();
        m.correction = true;
        m.features[0].value = Some("x".repeat(10_000));
        let payload = payload(&m);
        assert_eq!(payload["release"], "payments-2-4");
        assert_eq!(payload["group"], "customers");
        assert_eq!(payload["title"], "Payments 2.4 for customers");
        assert_eq!(payload["summary"], "Faster settlement & a new <column>.");
        assert_eq!(payload["url"], m.url);
        assert_eq!(payload["published_at"], "2026-11-21T08:00:00Z");
        assert_eq!(payload["correction"], true);
        assert_eq!(payload["text"], m.text);
        assert_eq!(payload["html"], m.html);
        assert_eq!(payload["actions"][0], json!({"text": "Map the new column.", "due": "2026-11-11"}));
        assert_eq!(payload["features"][0]["value"].as_str().unwrap().len(), 10_000);
        assert_eq!(payload["constraints"][2], json!({"kind": "Limitation", "text": "No PDF."}));
        assert_eq!(payload["access"][1], json!({"label": "When", "text": "From 1 December."}));
    }
}
