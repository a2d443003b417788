//! What the review holds: one row per release × group, totals by status and by group,
//! and the groups no release reaches. Plain data, serialized as is for JSON and for the
//! preview's `review.html`.

use crate::model::{Audience, Status};
use crate::render::context::DateView;
use crate::select::{self, Marker, Mode};
use jiff::Timestamp;
use serde::Serialize;

/// Where a communique stands relative to "now", as the preview marks it (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum State {
    /// `draft` or `review`: goes out only once approved.
    Draft,
    /// Approved, `publish_at` still ahead: goes out with the first build after it.
    Scheduled,
    /// Approved, `publish_at` passed: in the published build.
    Published,
}

impl State {
    pub(crate) fn of(status: Status, publish_at: Timestamp, now: Timestamp) -> State {
        match select::shows(status, publish_at, Mode::Preview, now) {
            Some(None) => State::Published,
            Some(Some(Marker::Scheduled)) => State::Scheduled,
            _ => State::Draft,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Scheduled => "scheduled",
            State::Published => "published",
        }
    }
}

/// The consolidated program view.
#[derive(Serialize, Clone)]
pub(crate) struct Review {
    pub site_title: String,
    pub base_url: String,
    /// The site's timezone (IANA name): publish dates in text and Markdown are in it.
    pub timezone: String,
    pub now: DateView,
    /// One per release × group, by `publish_at`, then slug, then portal order.
    pub rows: Vec<Row>,
    pub totals: Totals,
    /// Groups that no release reaches.
    pub unreached_groups: Vec<GroupInfo>,
    /// Groups affected by a release (their `components` meet its) that no feature reaches.
    pub affected_unreached: Vec<AffectedUnreached>,
    /// Who approved which release, when, and whether its texts changed since (SPEC §12).
    pub approvals: Vec<crate::cycle::approval::ApprovalView>,
    /// Groups a release reaches that the product's previous release did not, and the
    /// reverse (SPEC §12).
    pub audience_changes: Vec<crate::cycle::audience::AudienceChange>,
    /// Per language but the default (SPEC §13): what has no translation into it. Left
    /// out of the JSON for a site in one language.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Coverage>,
    #[serde(skip)]
    pub(super) now_local: String,
}

/// What readers of one language see in the default language instead.
#[derive(Serialize, Clone)]
pub(crate) struct Coverage {
    pub language: String,
    /// Communiques whose release has no translation into the language, in row order.
    pub communiques_missing: Vec<Untranslated>,
    /// Communiques in all.
    pub communiques: usize,
    /// Groups without a translation, in portal order.
    pub groups_missing: Vec<GroupInfo>,
}

/// A release without a translation, and the groups whose communiques it makes.
#[derive(Serialize, Clone)]
pub(crate) struct Untranslated {
    pub slug: String,
    pub release_title: String,
    pub group_ids: Vec<String>,
}

/// One communique: release `slug` for group `group_id`.
#[derive(Serialize, Clone)]
pub(crate) struct Row {
    pub slug: String,
    pub release_title: String,
    /// The communique's absolute URL.
    pub url: String,
    pub product: String,
    pub version: String,
    pub status: Status,
    pub state: State,
    pub group_id: String,
    pub group_name: String,
    pub audience: Audience,
    pub publish_at: DateView,
    /// Words of the communique's prose (see [`prose`]).
    pub words: usize,
    /// Flesch reading ease of that prose, one decimal; `None` when it has no words.
    pub reading_ease: Option<f64>,
    /// `message [code]` of each warning that concerns this communique.
    pub warnings: Vec<String>,
    /// What the group must do (SPEC §11): the release's actions for it.
    pub actions: usize,
    /// The breaking features that reach the group.
    pub breaking: usize,
    #[serde(skip)]
    pub(super) publish_local: String,
}

#[derive(Serialize, Clone, Default)]
pub(crate) struct Totals {
    pub releases: usize,
    pub communiques: usize,
    pub words: usize,
    /// Communiques with at least one warning.
    pub with_warnings: usize,
    /// `draft`, `review`, `approved`, always all three.
    pub by_status: Vec<StatusTotal>,
    /// Every group, in portal order.
    pub by_group: Vec<GroupTotal>,
}

#[derive(Serialize, Clone)]
pub(crate) struct StatusTotal {
    pub status: Status,
    pub releases: usize,
    pub communiques: usize,
    pub words: usize,
    pub with_warnings: usize,
}

#[derive(Serialize, Clone)]
pub(crate) struct GroupTotal {
    pub group_id: String,
    pub group_name: String,
    pub audience: Audience,
    pub communiques: usize,
    pub draft: usize,
    pub review: usize,
    pub approved: usize,
    pub words: usize,
    pub with_warnings: usize,
    /// Actions for the group, over its communiques.
    pub actions: usize,
    /// Breaking features that reach the group, over its communiques.
    pub breaking: usize,
}

#[derive(Serialize, Clone)]
pub(crate) struct GroupInfo {
    pub group_id: String,
    pub group_name: String,
    pub audience: Audience,
}

#[derive(Serialize, Clone)]
pub(crate) struct AffectedUnreached {
    pub slug: String,
    pub release_title: String,
    pub group_id: String,
    pub group_name: String,
    /// The components the group uses and the release changes.
    pub components: Vec<String>,
}
