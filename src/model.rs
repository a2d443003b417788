//! The site as the rest of the program sees it: plain, validated data, no I/O.

use crate::config::SiteConfig;
use jiff::Timestamp;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Public,
    Internal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Review,
    Approved,
}

impl Status {
    pub const NAMES: &'static [&'static str] = &["draft", "review", "approved"];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Approved => "approved",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ConstraintKind {
    Availability,
    Geographic,
    Capacity,
    Regulatory,
    Other,
}

impl ConstraintKind {
    pub const NAMES: &'static [&'static str] = &["availability", "geographic", "capacity", "regulatory", "other"];
    pub const ALL: [ConstraintKind; 5] = [
        ConstraintKind::Availability,
        ConstraintKind::Geographic,
        ConstraintKind::Capacity,
        ConstraintKind::Regulatory,
        ConstraintKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The heading a reader sees for constraints of this kind.
    pub fn label(self) -> &'static str {
        match self {
            ConstraintKind::Availability => "Availability",
            ConstraintKind::Geographic => "Geography",
            ConstraintKind::Capacity => "Capacity",
            ConstraintKind::Regulatory => "Regulation",
            ConstraintKind::Other => "Other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WindowKind {
    Maintenance,
    Availability,
}

impl WindowKind {
    pub const NAMES: &'static [&'static str] = &["maintenance", "availability"];
}

/// What a feature does, in Keep a Changelog's words (SPEC §11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FeatureKind {
    #[default]
    Added,
    Changed,
    Deprecated,
    Removed,
    Fixed,
    Security,
}

impl FeatureKind {
    pub const NAMES: &'static [&'static str] = &["added", "changed", "deprecated", "removed", "fixed", "security"];
    pub const ALL: [FeatureKind; 6] = [
        FeatureKind::Added,
        FeatureKind::Changed,
        FeatureKind::Deprecated,
        FeatureKind::Removed,
        FeatureKind::Fixed,
        FeatureKind::Security,
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The words a reader sees on the kind's label.
    pub fn text(self) -> &'static str {
        ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"][self as usize]
    }
}

/// A label a reader sees beside a feature or a release, always as text (never colour
/// alone): `key` is a feature kind or `breaking`, `text` the words shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Label {
    pub key: &'static str,
    pub text: &'static str,
}

impl Label {
    pub const BREAKING: Label = Label { key: "breaking", text: "Breaking" };

    pub fn of_kind(kind: FeatureKind) -> Label {
        Label { key: kind.as_str(), text: kind.text() }
    }

    /// A feature's labels: "Breaking" first when it is, then its kind.
    pub fn of_feature(feature: &Feature) -> Vec<Label> {
        let mut labels = Vec::with_capacity(2);
        if feature.breaking {
            labels.push(Label::BREAKING);
        }
        labels.push(Label::of_kind(feature.kind));
        labels
    }

    /// The labels of a release (or of a communique) made of `features`: "Breaking" if any
    /// feature is, then each kind present, in the order of [`FeatureKind::ALL`].
    pub fn of_features<'f>(features: impl IntoIterator<Item = &'f Feature>) -> Vec<Label> {
        let mut breaking = false;
        let mut kinds = [false; 6];
        for f in features {
            breaking |= f.breaking;
            kinds[f.kind as usize] = true;
        }
        let mut labels: Vec<Label> = breaking.then_some(Label::BREAKING).into_iter().collect();
        labels.extend(FeatureKind::ALL.iter().filter(|k| kinds[**k as usize]).map(|k| Label::of_kind(*k)));
        labels
    }
}

/// A stakeholder group: `content/stakeholders/<id>.md`.
#[derive(Debug, Clone)]
pub struct StakeholderGroup {
    pub id: String,
    pub name: String,
    pub summary: String,
    pub audience: Audience,
    pub parent: Option<String>,
    pub order: Option<i64>,
    pub contacts: Vec<String>,
    pub components: Vec<String>,
    pub email: Option<String>,
    /// The sign-up page of the group's mailing list, for its subscribe page (SPEC §11).
    pub subscribe_url: Option<String>,
    /// Chat channels this group's communiques are posted to (SPEC §10).
    pub chat: Vec<ChatChannel>,
    /// `template: <name>`: its communiques render with `communique-<name>.html` when
    /// the theme has it (SPEC §11).
    pub template: Option<String>,
    /// `language: de`: the language of the group's e-mails and chat messages (SPEC §13),
    /// one of the site's `languages`; None: the site's default.
    pub language: Option<String>,
    /// Markdown.
    pub body: String,
    /// Site-relative path of the file, for diagnostics.
    pub path: String,
}

/// The platforms `notify` posts to (SPEC §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChatKind {
    Slack,
    Teams,
    Mattermost,
    Discord,
    Webhook,
}

impl ChatKind {
    pub const NAMES: &'static [&'static str] = &["slack", "teams", "mattermost", "discord", "webhook"];
    pub const ALL: [ChatKind; 5] =
        [ChatKind::Slack, ChatKind::Teams, ChatKind::Mattermost, ChatKind::Discord, ChatKind::Webhook];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn from_name(name: &str) -> Option<ChatKind> {
        Self::NAMES.iter().position(|n| *n == name).map(|i| Self::ALL[i])
    }
}

/// One chat channel of a group: where to post, the webhook URL read at delivery time from
/// the environment variable `webhook_env` (never written in a file).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChatChannel {
    pub kind: ChatKind,
    pub webhook_env: String,
}

/// Entries by group id, in id order, as a release's access and a feature's value hold
/// them: a sorted list, not a tree. A site holds tens of thousands of these maps of two
/// or three entries, and a `BTreeMap` node is half a kilobyte and more whatever it holds.
pub type GroupMap<V> = litemap::LiteMap<String, V>;

/// A release plan: `content/releases/<slug>.md` or `<slug>/index.md`.
#[derive(Debug, Clone)]
pub struct Release {
    pub slug: String,
    pub title: String,
    pub product: String,
    pub version: String,
    pub status: Status,
    pub deployed_at: Timestamp,
    pub publish_at: Timestamp,
    pub summary: String,
    pub components: Vec<String>,
    pub features: Vec<Feature>,
    /// Group id → how, when, where and with what permissions.
    pub access: GroupMap<Access>,
    pub constraints: Vec<Constraint>,
    pub windows: Vec<Window>,
    /// What groups must do, and by when (SPEC §11), in the order written.
    pub actions: Vec<Action>,
    /// Markdown: notes about the release as a whole.
    pub body: String,
    /// Group id → hand-written text for that group.
    pub handwritten: GroupMap<Handwritten>,
    pub path: String,
    /// Who approved which texts, when (SPEC §12): written by `communique approve`.
    pub approval: ApprovalRecord,
    /// A hash of the text of the release's file and of its hand-written pages: pages
    /// made from an unchanged release need not be made again (the preview's rebuilds).
    pub fingerprint: u64,
}

/// `approved_by`, `approved_at`, `approved_fingerprint` as written in the release's
/// front matter; each may be missing (a release approved by hand, or a partial record).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApprovalRecord {
    pub by: Option<String>,
    pub at: Option<String>,
    pub fingerprint: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Feature {
    pub id: String,
    pub title: String,
    /// Markdown.
    pub summary: String,
    pub groups: Vec<String>,
    /// Group id → business value for that group (Markdown).
    pub value: GroupMap<String>,
    pub kind: FeatureKind,
    /// This change can break what a group does today.
    pub breaking: bool,
}

/// Something a group must do for a release, maybe by a deadline (SPEC §11).
#[derive(Debug, Clone)]
pub struct Action {
    /// Markdown.
    pub text: String,
    pub due: Option<Timestamp>,
    /// None: every group of the release.
    pub groups: Option<Vec<String>>,
}

impl Action {
    /// Where the action comes among a group's: soonest deadline first, undated last
    /// (with a stable sort, ties keep the order written).
    pub fn order(&self) -> (bool, Option<Timestamp>) {
        (self.due.is_none(), self.due)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Access {
    pub how: Option<String>,
    pub when: Option<String>,
    pub r#where: Option<String>,
    pub permissions: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Constraint {
    pub kind: ConstraintKind,
    /// Markdown.
    pub text: String,
    /// None: every group of the release.
    pub groups: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Window {
    /// The author's name for the window, which its calendar events keep when it is
    /// retitled or moved; None: its position in the list stands in for it (SPEC §9).
    pub id: Option<String>,
    pub title: String,
    pub kind: WindowKind,
    pub start: Timestamp,
    pub end: Timestamp,
    /// None: every group of the release.
    pub groups: Option<Vec<String>>,
}

/// `content/releases/<slug>/<group>.md`: words written by hand for one group.
#[derive(Debug, Clone)]
pub struct Handwritten {
    pub group: String,
    pub title: Option<String>,
    pub summary: Option<String>,
    /// Markdown.
    pub body: String,
    pub path: String,
    /// A hash of the file's text (see [`Release::fingerprint`]).
    pub fingerprint: u64,
}

/// Everything a build starts from. Groups are in portal order (see `hierarchy`),
/// releases by slug.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub groups: Vec<StakeholderGroup>,
    /// Shared, so that the preview server's rebuilds reuse the releases an edit did not touch.
    pub releases: Vec<std::sync::Arc<Release>>,
    /// The texts of every language but the default (SPEC §13), by language code.
    pub translations: BTreeMap<String, Translated>,
}

/// What one language's translation files make: each translated group and release whole,
/// its texts in that language and what a translation left out in the default's. Nothing
/// but texts differs from the default language's (loading refuses anything else), so
/// what a build shows, and to which audience, is the same in every language.
#[derive(Debug, Clone, Default)]
pub struct Translated {
    pub groups: BTreeMap<String, StakeholderGroup>,
    /// By slug; a release whose only translation is a hand-written page is here too.
    pub releases: BTreeMap<String, std::sync::Arc<Release>>,
    /// Releases with a translation file of their own, by slug (not only a hand-written page's).
    pub release_files: std::collections::BTreeSet<String>,
}

impl Site {
    pub fn group(&self, id: &str) -> Option<&StakeholderGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The default language first, then the others, as `languages` lists them.
    pub fn languages(&self) -> &[String] {
        &self.config.languages
    }

    /// The site in language `lang`: its groups and releases in that language where a
    /// translation has them, in the default language elsewhere; its URLs under `/<lang>/`.
    /// The default language (or one the site does not have) gives the site as it is.
    pub fn in_language(&self, lang: &str) -> Site {
        let Some(translated) = self.translations.get(lang) else { return self.clone() };
        let mut config = self.config.clone();
        config.base_url = crate::urls::language_url(&self.config.base_url, lang);
        config.language = lang.to_string();
        let groups = self.groups.iter().map(|g| translated.groups.get(&g.id).unwrap_or(g).clone()).collect();
        let releases = self
            .releases
            .iter()
            .map(|r| translated.releases.get(&r.slug).map_or_else(|| std::sync::Arc::clone(r), std::sync::Arc::clone))
            .collect();
        Site { config, groups, releases, translations: BTreeMap::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature(kind: FeatureKind, breaking: bool) -> Feature {
        Feature {
            id: "f".into(),
            title: "F".into(),
            summary: String::new(),
            groups: vec![],
            value: GroupMap::new(),
            kind,
            breaking,
        }
    }

    #[test]
    fn release_labels_are_breaking_first_then_kinds_in_order() {
        let keys = |features: &[Feature]| Label::of_features(features).iter().map(|l| l.key).collect::<Vec<_>>();
        assert_eq!(keys(&[]), Vec::<&str>::new());
        assert_eq!(keys(&[feature(FeatureKind::Added, false)]), ["added"]);
        assert_eq!(
            keys(&[
                feature(FeatureKind::Security, false),
                feature(FeatureKind::Added, false),
                feature(FeatureKind::Removed, true),
                feature(FeatureKind::Added, false),
            ]),
            ["breaking", "added", "removed", "security"]
        );
        let labels = Label::of_feature(&feature(FeatureKind::Changed, true));
        assert_eq!(labels, [Label { key: "breaking", text: "Breaking" }, Label { key: "changed", text: "Changed" }]);
    }

    #[test]
    fn a_site_in_another_language_has_its_texts_and_its_urls_under_the_language() {
        let config =
            SiteConfig::parse("title = \"T\"\nbase_url = \"https://x.example/\"\nlanguages = [\"en\", \"de\"]\n")
                .unwrap();
        let group = |name: &str| crate::hierarchy::tests::group(name, None);
        let mut translated = Translated::default();
        translated.groups.insert("a".into(), StakeholderGroup { name: "A auf Deutsch".into(), ..group("a") });
        let site = Site {
            config,
            groups: vec![group("a"), group("b")],
            releases: vec![],
            translations: [("de".to_string(), translated)].into(),
        };
        let de = site.in_language("de");
        assert_eq!((de.config.base_url.as_str(), de.config.language.as_str()), ("https://x.example/de/", "de"));
        let names: Vec<&str> = de.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["A auf Deutsch", "b"], "a group without a translation keeps its texts");
        assert!(de.translations.is_empty());
        // The default language is the site itself.
        assert_eq!(site.in_language("en").config.base_url, "https://x.example/");
        assert_eq!(site.in_language("en").groups[0].name, "a");
    }

    #[test]
    fn actions_sort_soonest_deadline_first_and_undated_last() {
        let at = |d: Option<&str>| Action {
            text: d.unwrap_or("none").into(),
            due: d.map(|d| d.parse().unwrap()),
            groups: None,
        };
        let mut actions = [
            at(None),
            at(Some("2026-12-01T00:00:00Z")),
            at(Some("2026-11-11T00:00:00Z")),
            Action { text: "none 2".into(), ..at(None) },
        ];
        actions.sort_by_key(Action::order);
        let texts: Vec<&str> = actions.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["2026-11-11T00:00:00Z", "2026-12-01T00:00:00Z", "none", "none 2"]);
    }
}
