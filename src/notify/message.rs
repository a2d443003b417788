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
    /// The headings and labels chat messages write, in the group's language (SPEC §13).
    pub words: ChatWords,
}

/// Our own words in a chat message, in the language of its group: the theme's strings
/// of that language (`themes/<theme>/i18n/<lang>.toml`); English by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatWords {
    pub action_required: String,
    pub whats_new: String,
    pub what_it_means: String,
    pub how_when_where: String,
    pub keep_in_mind: String,
    /// Before a deadline: `By` 2026-12-15.
    pub due_by: String,
    /// Before the title of a message sent again: `Correction`: Payments 4.2.
    pub correction: String,
}

impl Default for ChatWords {
    fn default() -> Self {
        ChatWords {
            action_required: "Action required".into(),
            whats_new: "What's new for you".into(),
            what_it_means: "What it means for you:".into(),
            how_when_where: "How, when and where".into(),
            keep_in_mind: "Keep in mind".into(),
            due_by: "By".into(),
            correction: "Correction".into(),
        }
    }
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
