//! The front matters' fields as serde reads them (every field optional, so that one run
//! reports every problem), and the field names each file kind may have.

use serde::Deserialize;
use std::collections::BTreeMap;

pub(super) const GROUP_KEYS: &[&str] = &[
    "name",
    "summary",
    "audience",
    "parent",
    "order",
    "contacts",
    "components",
    "email",
    "subscribe_url",
    "chat",
    "template",
    "language",
];
pub(super) const CHAT_KEYS: &[&str] = &["kind", "webhook_env"];
pub(super) const RELEASE_KEYS: &[&str] = &[
    "title",
    "product",
    "version",
    "status",
    "deployed_at",
    "publish_at",
    "summary",
    "components",
    "features",
    "access",
    "constraints",
    "windows",
    "approved_by",
    "approved_at",
    "approved_fingerprint",
    "actions",
];
pub(super) const FEATURE_KEYS: &[&str] = &["id", "title", "summary", "groups", "value", "kind", "breaking"];
pub(super) const ACTION_KEYS: &[&str] = &["text", "due", "groups"];
pub(super) const ACCESS_KEYS: &[&str] = &["how", "when", "where", "permissions"];
pub(super) const CONSTRAINT_KEYS: &[&str] = &["kind", "text", "groups"];
pub(super) const WINDOW_KEYS: &[&str] = &["id", "title", "kind", "start", "end", "groups"];
pub(super) const HANDWRITTEN_KEYS: &[&str] = &["title", "summary"];
pub(super) const AUDIENCES: &[&str] = &["public", "internal"];

#[derive(Deserialize)]
pub(super) struct RawGroup {
    pub(super) name: Option<String>,
    pub(super) summary: Option<String>,
    pub(super) audience: Option<String>,
    pub(super) parent: Option<String>,
    pub(super) order: Option<i64>,
    pub(super) contacts: Option<Vec<String>>,
    pub(super) components: Option<Vec<String>>,
    pub(super) email: Option<String>,
    pub(super) subscribe_url: Option<String>,
    pub(super) chat: Option<Vec<RawChat>>,
    pub(super) template: Option<String>,
    pub(super) language: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawChat {
    pub(super) kind: Option<String>,
    pub(super) webhook_env: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawRelease {
    pub(super) title: Option<String>,
    pub(super) product: Option<String>,
    pub(super) version: Option<String>,
    pub(super) status: Option<String>,
    pub(super) deployed_at: Option<String>,
    pub(super) publish_at: Option<String>,
    pub(super) summary: Option<String>,
    pub(super) components: Option<Vec<String>>,
    pub(super) features: Option<Vec<RawFeature>>,
    pub(super) access: Option<BTreeMap<String, Option<RawAccess>>>,
    pub(super) constraints: Option<Vec<RawConstraint>>,
    pub(super) windows: Option<Vec<RawWindow>>,
    pub(super) approved_by: Option<String>,
    pub(super) approved_at: Option<String>,
    pub(super) approved_fingerprint: Option<String>,
    pub(super) actions: Option<Vec<RawAction>>,
}

#[derive(Deserialize)]
pub(super) struct RawFeature {
    pub(super) id: Option<String>,
    pub(super) title: Option<String>,
    pub(super) summary: Option<String>,
    pub(super) groups: Option<Vec<String>>,
    pub(super) value: Option<BTreeMap<String, String>>,
    pub(super) kind: Option<String>,
    pub(super) breaking: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawAction {
    pub(super) text: Option<String>,
    pub(super) due: Option<String>,
    pub(super) groups: Option<Vec<String>>,
}

#[derive(Deserialize)]
pub(super) struct RawAccess {
    pub(super) how: Option<String>,
    pub(super) when: Option<String>,
    pub(super) r#where: Option<String>,
    pub(super) permissions: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawConstraint {
    pub(super) kind: Option<String>,
    pub(super) text: Option<String>,
    pub(super) groups: Option<Vec<String>>,
}

#[derive(Deserialize)]
pub(super) struct RawWindow {
    pub(super) id: Option<String>,
    pub(super) title: Option<String>,
    pub(super) kind: Option<String>,
    pub(super) start: Option<String>,
    pub(super) end: Option<String>,
    pub(super) groups: Option<Vec<String>>,
}

#[derive(Deserialize)]
pub(super) struct RawHandwritten {
    pub(super) title: Option<String>,
    pub(super) summary: Option<String>,
}
