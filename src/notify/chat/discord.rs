//! Discord's webhooks: one embed, its title linked to the communique page, the summary and
//! every section in its description (Markdown), the publication time as its timestamp.
//! Mentions in content never notify anyone (`allowed_mentions` is empty).
//!
//! Discord's limits, in characters (counted as UTF-16 code units, see
//! [`Measure::Utf16`]): a title of 256, a description of 4,096, 6,000 across the embed;
//! the title and the description together stay under 6,000 by construction.

use super::sections;
use super::text::{fit, Format, Measure, Span, Syntax};
use crate::notify::message::Message;
use serde_json::{json, Value};

pub(super) const TITLE_LIMIT: usize = 256;
pub(super) const DESCRIPTION_LIMIT: usize = 4_096;
pub(super) const EMBED_LIMIT: usize = 6_000;
// The embed holds a title and a description only, so its total holds whatever they say.
const _: () = assert!(TITLE_LIMIT + DESCRIPTION_LIMIT <= EMBED_LIMIT);

/// Discord reads Markdown in an embed's title and description alike.
const MARKDOWN: Format = Format { syntax: Syntax::Markdown, measure: Measure::Utf16 };

pub(super) fn payload(message: &Message) -> Value {
    json!({
        "embeds": [{
            // The title links to the page: no "read the rest" in it.
            "title": fit(&[Span::content(sections::title(message))], TITLE_LIMIT, MARKDOWN, "").text,
            "url": message.url,
            "description": description(message),
            "timestamp": message.published_at.to_string(),
        }],
        "allowed_mentions": {"parse": []},
    })
}

fn description(message: &Message) -> String {
    let link = MARKDOWN.link(&message.url, "Read the communique");
    let room = DESCRIPTION_LIMIT.saturating_sub(MARKDOWN.measure(&link) + 2);
    let body = fit(&sections::document(message, MARKDOWN), room, MARKDOWN, &message.url);
    match (body.cut, body.text.is_empty()) {
        // A cut body ends with its own link to the page.
        (true, _) => body.text,
        (false, true) => link,
        (false, false) => format!("{}\n\n{link}", body.text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::chat::sections::tests::message;
    use crate::notify::message::FeatureNote;

    fn chars(value: &Value) -> usize {
        value.as_str().map_or(0, |s| s.encode_utf16().count())
    }

    fn assert_within_discord_limits(payload: &Value) {
        let embed = &payload["embeds"][0];
        assert!(chars(&embed["title"]) <= TITLE_LIMIT);
        assert!(chars(&embed["description"]) <= DESCRIPTION_LIMIT);
        assert!(chars(&embed["title"]) + chars(&embed["description"]) <= EMBED_LIMIT);
        assert_eq!(payload["embeds"].as_array().unwrap().len(), 1);
        assert!(payload.get("content").is_none_or(|c| chars(c) <= 2_000));
        assert_eq!(payload["allowed_mentions"]["parse"], json!([]));
        assert_eq!(embed["url"], message().url);
    }

    #[test]
    fn an_embed_has_the_title_the_sections_and_a_link() {
        let payload = payload(&message());
        assert_within_discord_limits(&payload);
        let embed = &payload["embeds"][0];
        assert_eq!(embed["title"], "Payments 2.4 for customers");
        assert_eq!(embed["timestamp"], "2026-11-21T08:00:00Z");
        let description = embed["description"].as_str().unwrap();
        assert!(description.starts_with("Faster settlement & a new \\<column\\>.\n\n**Action required**\n"));
        assert!(description.contains("**Settlement-type column** (changed, breaking)\nExports gain a column.\n"));
        assert!(
            description.contains("**Keep in mind**\n**Limitation**\n• CSV only.\n• No PDF.\n\n**Known issue**"),
            "{description}"
        );
        assert!(description.ends_with(&format!("\n\n[Read the communique]({})", message().url)));
    }

    #[test]
    fn markdown_and_mentions_in_content_do_nothing() {
        let mut m = message();
        m.summary = "@everyone **now** [x](https://evil.example) # big".into();
        m.title = "__Payments__ 2.4".into();
        m.correction = true;
        let payload = payload(&m);
        let description = payload["embeds"][0]["description"].as_str().unwrap();
        assert!(description.starts_with("@\u{2060}everyone \\*\\*now\\*\\* \\[x\\](https://evil.example) \\# big"));
        assert_eq!(payload["embeds"][0]["title"], "Correction: \\_\\_Payments\\_\\_ 2.4");
    }

    #[test]
    fn long_and_many_are_cut_within_every_limit() {
        let mut m = message();
        m.title = "T".repeat(300);
        m.features[0].value = Some("lorem ipsum ".repeat(834));
        let first = payload(&m);
        assert_within_discord_limits(&first);
        let description = first["embeds"][0]["description"].as_str().unwrap();
        assert!(description.ends_with(&format!("… [Read the rest]({})", m.url)));
        assert_eq!(chars(&first["embeds"][0]["title"]), TITLE_LIMIT);

        m.features = (0..60)
            .map(|i| FeatureNote {
                title: format!("Feature {i}"),
                labels: vec![],
                summary: "🎉日本".repeat(50),
                value: None,
            })
            .collect();
        let second = payload(&m);
        assert_within_discord_limits(&second);
        let description = second["embeds"][0]["description"].as_str().unwrap();
        assert!(description
            .strip_suffix(&format!("… [Read the rest]({})", m.url))
            .is_some_and(|kept| kept.len() > 4_000));
        assert!(second["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .ends_with("Read the rest](https://releases.acme.example/groups/customers/payments-2-4/)"));
    }
}
