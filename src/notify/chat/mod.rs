//! Chat channels (SPEC §10): a communique as each platform's webhook takes it, and its
//! delivery over HTTP(S).
//!
//! `payload` is pure: one file per platform (`slack` — also Mattermost —, `teams`,
//! `discord`, `webhook`) made from the same [`sections`], each cut within its platform's
//! limits by [`text`]. `deliver` posts it, tried again through `retry`. A webhook URL is a
//! secret: no failure, message or log names it or any part of it.

mod delivery;
mod discord;
mod sections;
mod slack;
mod teams;
mod text;
mod webhook;

use crate::model::ChatKind;
use crate::notify::message::Message;

pub use delivery::deliver;

/// The JSON body a `kind` webhook is sent for `message`.
pub fn payload(kind: ChatKind, message: &Message) -> serde_json::Value {
    match kind {
        ChatKind::Slack => slack::payload(message),
        ChatKind::Mattermost => slack::mattermost_payload(message),
        ChatKind::Teams => teams::payload(message),
        ChatKind::Discord => discord::payload(message),
        ChatKind::Webhook => webhook::payload(message),
    }
}
