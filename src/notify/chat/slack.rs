//! Slack's incoming webhooks: a Block Kit message — a header with the title, a section
//! for the summary, for each heading and for each entry, and a button to the communique
//! page — with a top-level `text` that Slack shows in notifications.
//!
//! Mattermost's incoming webhooks take Slack-compatible payloads but do not read
//! `blocks`: they show `text` (Markdown) and Slack's legacy `attachments`. Its payload
//! keeps the blocks and puts the whole communique, in Markdown, in `text`.

use super::sections::{self, Section};
use super::text::{fit, Format, Measure, Span, Syntax, ELLIPSIS, READ_THE_REST};
use crate::notify::message::Message;
use serde_json::{json, Value};

/// Slack's limits, in characters (counted as UTF-16 code units, see [`Measure::Utf16`]):
/// a section's text, a header's plain text, and the blocks of one message.
pub(super) const TEXT_LIMIT: usize = 3_000;
pub(super) const HEADER_LIMIT: usize = 150;
pub(super) const BLOCK_LIMIT: usize = 50;
/// Mattermost's longest post (16,383 characters since Mattermost 5.0; it counts runes).
pub(super) const MATTERMOST_LIMIT: usize = 16_383;

const MRKDWN: Format = Format { syntax: Syntax::SlackMrkdwn, measure: Measure::Utf16 };
const PLAIN: Format = Format { syntax: Syntax::Plain, measure: Measure::Utf16 };
const MARKDOWN: Format = Format { syntax: Syntax::Markdown, measure: Measure::Utf16 };

pub(super) fn payload(message: &Message) -> Value {
    let fallback = [Span::content(sections::title(message)), Span::markup("\n"), Span::content(&message.summary)];
    json!({
        "text": fit(&fallback, TEXT_LIMIT, MRKDWN, &message.url).text,
        "blocks": blocks(message),
    })
}

pub(super) fn mattermost_payload(message: &Message) -> Value {
    json!({
        "text": mattermost_text(message),
        "blocks": blocks(message),
    })
}

/// The whole communique in Mattermost's Markdown, within its post length.
fn mattermost_text(message: &Message) -> String {
    let heading = format!("### {}\n\n", MARKDOWN.escape(&sections::title(message)));
    let link = format!("\n\n{}", MARKDOWN.link(&message.url, "Read the communique"));
    let room = MATTERMOST_LIMIT.saturating_sub(MARKDOWN.measure(&heading) + MARKDOWN.measure(&link));
    let body = fit(&sections::document(message, MARKDOWN), room, MARKDOWN, &message.url);
    // A cut body ends with its own link to the page.
    let link = if body.cut { "" } else { link.trim_start_matches(|c| body.text.is_empty() && c == '\n') };
    format!("{heading}{}{link}", body.text)
}

fn blocks(message: &Message) -> Vec<Value> {
    let title = match sections::title(message) {
        title if title.trim().is_empty() => message.release.clone(),
        title => title,
    };
    let header = json!({
        "type": "header",
        "text": {"type": "plain_text", "text": fit(&[Span::content(title)], HEADER_LIMIT, PLAIN, "").text, "emoji": true},
    });
    // Each block with whether it is an entry (to count those left out) or a heading.
    let mut content: Vec<(Value, bool)> = Vec::new();
    let summary = fit(&[Span::content(message.summary.trim())], TEXT_LIMIT, MRKDWN, &message.url).text;
    if !summary.is_empty() {
        content.push((section(summary), false));
    }
    for Section { heading, entries } in sections::sections(message) {
        content.push((section(MRKDWN.bold(&heading)), false));
        for entry in entries {
            let text = fit(&entry.spans(MRKDWN, "\n"), TEXT_LIMIT, MRKDWN, &message.url).text;
            if !text.trim().is_empty() {
                content.push((section(text), true));
            }
        }
    }
    let button = json!({
        "type": "actions",
        "elements": [{
            "type": "button",
            "text": {"type": "plain_text", "text": "Read the communique"},
            "url": message.url,
        }],
    });

    // The header and the button always; what is left out is counted in a last section.
    let mut blocks = vec![header];
    if content.len() + 2 <= BLOCK_LIMIT {
        blocks.extend(content.into_iter().map(|(block, _)| block));
    } else {
        let mut kept = content;
        let rest = kept.split_off(BLOCK_LIMIT - 3);
        // A heading with nothing under it goes with what is left out.
        while kept.last().is_some_and(|(_, entry)| !entry) {
            kept.pop();
        }
        let left_out = rest.iter().filter(|(_, entry)| *entry).count();
        blocks.extend(kept.into_iter().map(|(block, _)| block));
        let link = MRKDWN.link(&message.url, READ_THE_REST);
        blocks.push(section(format!("{ELLIPSIS} {left_out} more: {link}")));
    }
    blocks.push(button);
    blocks
}

fn section(mrkdwn: String) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::chat::sections::tests::message;
    use crate::notify::message::FeatureNote;

    fn texts(payload: &Value) -> Vec<String> {
        payload["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|b| b["text"]["text"].as_str().map(String::from))
            .collect()
    }

    /// Every limit Slack sets on a message.
    fn assert_within_slack_limits(payload: &Value) {
        let blocks = payload["blocks"].as_array().unwrap();
        assert!(blocks.len() <= BLOCK_LIMIT, "{} blocks", blocks.len());
        assert_eq!(blocks[0]["type"], "header");
        let header = blocks[0]["text"]["text"].as_str().unwrap();
        assert!(!header.is_empty() && header.encode_utf16().count() <= HEADER_LIMIT);
        for block in blocks {
            match block["type"].as_str().unwrap() {
                "section" => {
                    assert_eq!(block["text"]["type"], "mrkdwn");
                    let text = block["text"]["text"].as_str().unwrap();
                    assert!(!text.is_empty() && text.encode_utf16().count() <= TEXT_LIMIT, "{}", text.len());
                }
                "header" => {}
                "actions" => assert_eq!(block["elements"][0]["url"], message().url),
                other => panic!("unexpected block {other}"),
            }
        }
        let text = payload["text"].as_str().unwrap();
        assert!(!text.is_empty() && text.encode_utf16().count() <= TEXT_LIMIT);
    }

    #[test]
    fn a_message_has_a_header_its_sections_and_a_button() {
        let payload = payload(&message());
        assert_within_slack_limits(&payload);
        let blocks = payload["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["text"]["text"], "Payments 2.4 for customers");
        assert_eq!(blocks.last().unwrap()["type"], "actions");
        let texts = texts(&payload);
        let at = |needle: &str| texts.iter().position(|t| t.contains(needle)).unwrap_or_else(|| panic!("{needle}"));
        assert!(at("*Action required*") < at("*What's new for you*"));
        assert!(at("*By 2026-11-11:* Map the new column.") < at("*Settlement-type column* (changed, breaking)"));
        assert!(texts.iter().any(|t| t.ends_with("*What it means for you:* Reconcile in one step.")));
        assert!(texts.iter().any(|t| t == "*Limitation*\n• CSV only.\n• No PDF."));
        assert!(texts.contains(&"*How:* Enabled for everyone.\n*When:* From 1 December.".to_string()));
        assert!(payload["text"].as_str().unwrap().starts_with("Payments 2.4 for customers\n"));
    }

    #[test]
    fn content_is_escaped_for_mrkdwn() {
        let mut m = message();
        m.features[0].title = "<!channel> & <https://evil.example|click>".into();
        let texts = texts(&payload(&m));
        assert!(texts.contains(&"Faster settlement &amp; a new &lt;column&gt;.".to_string()));
        assert!(texts.iter().any(|t| t.starts_with("*&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;*")));
        assert!(texts.iter().all(|t| !t.contains("<!channel>")));
    }

    #[test]
    fn a_correction_is_marked_in_the_header_and_the_notification() {
        let payload = payload(&crate::notify::message::Message { correction: true, ..message() });
        assert_eq!(payload["blocks"][0]["text"]["text"], "Correction: Payments 2.4 for customers");
        assert!(payload["text"].as_str().unwrap().starts_with("Correction: "));
    }

    #[test]
    fn a_value_of_ten_thousand_characters_is_cut_with_a_link() {
        let mut m = message();
        m.features[0].value = Some("lorem ipsum ".repeat(834));
        m.title = "T".repeat(400);
        let payload = payload(&m);
        assert_within_slack_limits(&payload);
        let texts = texts(&payload);
        let cut = texts.iter().find(|t| t.contains("What it means for you")).unwrap();
        assert!(cut.ends_with(&format!("… <{}|Read the rest>", m.url)), "{cut}");
        assert!(payload["blocks"][0]["text"]["text"].as_str().unwrap().ends_with("T…"));
    }

    #[test]
    fn sixty_features_are_cut_at_fifty_blocks() {
        let mut m = message();
        m.features = (0..60)
            .map(|i| FeatureNote {
                title: format!("Feature {i}"),
                labels: vec![],
                summary: "s".repeat(2_000),
                value: Some("v".repeat(2_000)),
            })
            .collect();
        let payload = payload(&m);
        assert_within_slack_limits(&payload);
        let blocks = payload["blocks"].as_array().unwrap();
        assert_eq!(blocks.len(), BLOCK_LIMIT);
        let more = blocks[BLOCK_LIMIT - 2]["text"]["text"].as_str().unwrap();
        // 47 blocks of content: the summary, two headings, one action and 43 features;
        // 17 features, the access and two kinds of constraints are left out.
        assert_eq!(more, format!("… 20 more: <{}|Read the rest>", m.url));
        assert!(texts(&payload).iter().any(|t| t.starts_with("*Feature 42*")));
        assert!(!texts(&payload).iter().any(|t| t.starts_with("*Feature 43*")));
    }

    #[test]
    fn multibyte_text_is_cut_between_characters() {
        let mut m = message();
        m.summary = "🎉日本語".repeat(2_000);
        m.title = "🎉".repeat(200);
        let payload = payload(&m);
        assert_within_slack_limits(&payload);
        let summary = texts(&payload)[1].clone();
        let cut = summary.strip_suffix(&format!("… <{}|Read the rest>", m.url)).unwrap();
        assert!(m.summary.starts_with(cut));
        let header = payload["blocks"][0]["text"]["text"].as_str().unwrap();
        assert_eq!(header, format!("{}…", "🎉".repeat(74)));
    }

    #[test]
    fn mattermost_gets_the_whole_communique_in_markdown() {
        let payload = mattermost_payload(&message());
        let text = payload["text"].as_str().unwrap();
        assert!(
            text.starts_with("### Payments 2.4 for customers\n\nFaster settlement & a new \\<column\\>."),
            "{text}"
        );
        assert!(text.contains("**Action required**\n• **By 2026-11-11:** Map the new column."));
        assert!(text.contains("**What it means for you:** Reconcile in one step."));
        assert!(text.ends_with(&format!("\n\n[Read the communique]({})", message().url)));
        assert!(payload["blocks"].as_array().is_some_and(|b| !b.is_empty()));
        let correction = mattermost_payload(&crate::notify::message::Message { correction: true, ..message() });
        assert!(correction["text"].as_str().unwrap().starts_with("### Correction: Payments 2.4"));
    }

    #[test]
    fn mattermost_text_is_cut_within_a_post_and_mentions_do_not_notify() {
        let mut m = message();
        m.features[0].value = Some("@channel ".repeat(3_000));
        let payload = mattermost_payload(&m);
        let text = payload["text"].as_str().unwrap();
        assert!(text.encode_utf16().count() <= MATTERMOST_LIMIT);
        assert!(text.ends_with(&format!("… [Read the rest]({})", m.url)));
        assert!(!text.contains("@channel"));
    }
}
