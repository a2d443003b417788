//! Microsoft Teams: an Adaptive Card in a `message`, the form both incoming webhooks and
//! Workflows ("Post to a channel when a webhook request is received") accept. A TextBlock
//! for the title, the summary, each heading and each entry, and an `Action.OpenUrl`
//! button to the communique page.
//!
//! Teams limits a message's size (28 KB), not its characters: blocks are added while the
//! whole payload stays within [`BUDGET`] bytes; the first that does not fit is cut with a
//! "read the rest" link, and the rest are left out.

use super::sections;
use super::text::{fit, Format, Measure, Span, Syntax, ELLIPSIS, READ_THE_REST};
use crate::notify::message::Message;
use serde_json::{json, Value};

/// Teams' limit on a message (28 KB) less room for what Teams wraps around the card.
pub(super) const BUDGET: usize = 24 * 1024;

const CARD: Format = Format { syntax: Syntax::CardMarkdown, measure: Measure::JsonBytes };

/// One TextBlock to be: its text and how it looks.
struct Block {
    spans: Vec<Span>,
    style: Style,
}

#[derive(Clone, Copy)]
enum Style {
    Title,
    Heading,
    Text,
}

pub(super) fn payload(message: &Message) -> Value {
    let mut wanted = vec![Block { spans: vec![Span::content(sections::title(message))], style: Style::Title }];
    if !message.summary.trim().is_empty() {
        wanted.push(Block { spans: vec![Span::content(message.summary.trim())], style: Style::Text });
    }
    for section in sections::sections(message) {
        wanted.push(Block { spans: vec![Span::markup(section.heading)], style: Style::Heading });
        for entry in &section.entries {
            // Teams' TextBlock starts a new line at a blank line.
            wanted.push(Block { spans: entry.spans(CARD, "\n\n"), style: Style::Text });
        }
    }

    let mut body = Vec::new();
    let mut size = serialized_len(&card(message, Vec::new()));
    // Room kept for the "read the rest" link, whichever block is cut.
    let tail = format!("{ELLIPSIS} {}", CARD.link(&message.url, READ_THE_REST));
    let reserve = serialized_len(&text_block(tail, Style::Heading)) + 1;
    for block in wanted {
        let whole = text_block(fit(&block.spans, usize::MAX, CARD, &message.url).text, block.style);
        // ",": the separator in the body's array.
        let cost = serialized_len(&whole) + 1;
        if size + cost + reserve <= BUDGET {
            body.push(whole);
            size += cost;
            continue;
        }
        let empty = serialized_len(&text_block(String::new(), block.style)) + 1;
        let room = BUDGET.saturating_sub(size + empty);
        let cut = fit(&block.spans, room, CARD, &message.url);
        if !cut.text.is_empty() {
            body.push(text_block(cut.text, block.style));
        }
        break;
    }
    card(message, body)
}

fn card(message: &Message, body: Vec<Value>) -> Value {
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
                "actions": [{"type": "Action.OpenUrl", "title": "Read the communique", "url": message.url}],
                "msteams": {"width": "Full"},
            },
        }],
    })
}

fn text_block(text: String, style: Style) -> Value {
    match style {
        Style::Title => json!({"type": "TextBlock", "text": text, "size": "Large", "weight": "Bolder", "wrap": true}),
        Style::Heading => {
            json!({"type": "TextBlock", "text": text, "size": "Medium", "weight": "Bolder", "spacing": "Medium", "wrap": true})
        }
        Style::Text => json!({"type": "TextBlock", "text": text, "wrap": true}),
    }
}

fn serialized_len(value: &Value) -> usize {
    serde_json::to_string(value).map_or(0, |s| s.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::chat::sections::tests::message;
    use crate::notify::message::FeatureNote;

    fn texts(payload: &Value) -> Vec<String> {
        payload["attachments"][0]["content"]["body"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["text"].as_str().unwrap().to_string())
            .collect()
    }

    fn assert_valid_card(payload: &Value) {
        assert_eq!(payload["type"], "message");
        let attachment = &payload["attachments"][0];
        assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
        let card = &attachment["content"];
        assert_eq!(card["type"], "AdaptiveCard");
        assert_eq!(card["version"], "1.4");
        assert_eq!(card["actions"][0]["type"], "Action.OpenUrl");
        assert_eq!(card["actions"][0]["url"], message().url);
        for block in card["body"].as_array().unwrap() {
            assert_eq!(block["type"], "TextBlock");
            assert_eq!(block["wrap"], true);
            assert!(!block["text"].as_str().unwrap().is_empty());
        }
        assert!(serde_json::to_string(payload).unwrap().len() <= BUDGET);
    }

    #[test]
    fn a_card_has_the_title_sections_and_a_button() {
        let payload = payload(&message());
        assert_valid_card(&payload);
        let texts = texts(&payload);
        assert_eq!(texts[0], "Payments 2.4 for customers");
        assert_eq!(texts[2], "Action required");
        assert_eq!(texts[3], "• **By 2026-11-11:** Map the new column.");
        assert!(texts.contains(
            &"**Settlement-type column** (changed, breaking)\n\nExports gain a column.\n\n**What it means for you:** Reconcile in one step."
                .to_string()
        ));
    }

    #[test]
    fn content_is_escaped_and_a_correction_marked() {
        let mut m = message();
        m.correction = true;
        m.summary = "**not bold** [link](https://evil.example)".into();
        let texts = texts(&payload(&m));
        assert_eq!(texts[0], "Correction: Payments 2.4 for customers");
        assert_eq!(texts[1], "\\*\\*not bold\\*\\* \\[link\\](https://evil.example)");
    }

    #[test]
    fn a_long_value_and_many_features_stay_within_the_size_limit() {
        let mut m = message();
        m.features[0].value = Some("lorem ipsum ".repeat(834));
        let long = payload(&m);
        assert_valid_card(&long);
        assert!(texts(&long).iter().any(|t| t.contains(&"lorem ipsum ".repeat(800))), "10,000 characters fit");

        m.features = (0..60)
            .map(|i| FeatureNote {
                title: format!("Feature {i} \"quoted\""),
                labels: vec!["breaking".into()],
                summary: "日本語".repeat(300),
                value: Some("🎉".repeat(300)),
            })
            .collect();
        let many = payload(&m);
        assert_valid_card(&many);
        let last = texts(&many).pop().unwrap();
        assert!(last.ends_with(&format!("… [Read the rest]({})", m.url)), "{last}");

        // 10,000 characters of 3 and 4 bytes each: over the size limit on their own.
        m.features.truncate(1);
        m.features[0].value = Some("日本語🎉".repeat(2_500));
        let wide = payload(&m);
        assert_valid_card(&wide);
        let cut = texts(&wide).into_iter().find(|t| t.contains("What it means for you")).unwrap();
        let kept = cut.strip_suffix(&format!("… [Read the rest]({})", m.url)).unwrap();
        let kept = kept.split_once("**What it means for you:** ").unwrap().1;
        assert!(m.features[0].value.as_ref().unwrap().starts_with(kept) && kept.len() > 10_000);
    }
}
