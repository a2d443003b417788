//! `communique notify` (SPEC §10): deliver each due communique to each channel of its
//! group — e-mail over SMTP, chat through webhooks — exactly once, recorded in a ledger.
//!
//! Deciding what is due is pure (`plan`); delivery (network) stays in `smtp` and `chat`;
//! `retry` is the one place that decides whether and when a failed delivery is tried
//! again. Notify reads the model and the communique texts; it never writes the site's
//! output.

pub mod chat;
pub mod deliver;
pub mod ledger;
pub mod message;
pub mod plan;
pub mod retry;
pub mod smtp;
