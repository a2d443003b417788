//! One communique as a channel delivers it: the texts every channel is made from, already
//! chosen for the group's audience (nothing internal-only in a public group's message).

/// A communique (release, group) ready to be delivered. Texts are plain text (Markdown
/// turned into readable text), except `html`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The release's slug.
    pub release: String,
    /// The group's id.
    pub group: String,
    pub title: String,
    pub summary: String,
    /// The communique page's absolute URL.
    pub url: String,
    pub published_at: jiff::Timestamp,
    /// What the group must do, soonest deadline first (SPEC §11).
    pub actions: Vec<ActionNote>,
    /// Every feature reaching the group, with the group's value.
    pub features: Vec<FeatureNote>,
    /// How, when, where, permissions: (label, text), only those given.
    pub access: Vec<(String, String)>,
    /// The constraints that apply to the group: (kind label, text).
    pub constraints: Vec<(String, String)>,
    /// The whole communique as plain text (the e-mail's text part).
    pub text: String,
    /// The whole communique as HTML (the e-mail's HTML part, absolute links).
    pub html: String,
    /// Sent again because its text changed after it was delivered (`--corrections`).
    pub correction: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureNote {
    pub title: String,
    /// Labels a reader sees in text, such as `changed` or `breaking` (SPEC §11); may be empty.
    pub labels: Vec<String>,
    pub summary: String,
    /// The business value for this group, if the release gives one.
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionNote {
    pub text: String,
    /// The deadline as a reader sees it (`2026-11-11`), if any.
    pub due: Option<String>,
}
