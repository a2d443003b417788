//! Whether each approved release is still approved (SPEC §12): its texts must match the
//! fingerprint `communique approve` recorded, and, with `[review]
//! require_approval_record`, the record must be there at all.
//!
//! A finding is data (release, who, when, which groups); its words are made in
//! [`Finding::diagnostic`], where `check`, `build` and `review` print it.

use super::texts;
use crate::config::SiteConfig;
use crate::content::Sources;
use crate::diagnostics::{Diagnostic, Pos};
use crate::hierarchy::Hierarchy;
use crate::model::{Release, StakeholderGroup, Status};
use rayon::prelude::*;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Finding {
    /// The texts changed since the approval: these groups' communiques differ.
    Stale { slug: String, by: String, at: String, groups: Vec<String> },
    /// `status: approved` without a record, where the site requires one.
    NoRecord { slug: String },
    /// Part of a record: these fields are missing.
    Incomplete { slug: String, missing: Vec<&'static str> },
    /// `approved_fingerprint` is not one `approve` wrote.
    Unreadable { slug: String },
}

impl Finding {
    /// The error, pointed at the line of the record it is about.
    pub(crate) fn diagnostic(&self, release: &Release, sources: &Sources) -> Diagnostic {
        let slug = &release.slug;
        let again = format!("check the texts, then run `communique approve {slug} --by <name>` again");
        let (key, code, message) = match self {
            Finding::Stale { by, at, groups, .. } => (
                "approved_fingerprint",
                "stale-approval",
                format!(
                    "approved by {by} at {at}, but the texts for {} changed since: the release is not published until it is approved again; {again}",
                    groups.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", ")
                ),
            ),
            Finding::NoRecord { .. } => (
                "status",
                "missing-approval-record",
                format!("`status: approved` without a record of who approved which texts (site.toml requires one): run `communique approve {slug} --by <name>`, or set `status: review`"),
            ),
            Finding::Incomplete { missing, .. } => (
                "status",
                "incomplete-approval-record",
                format!(
                    "the approval record lacks {}: {again}",
                    missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                ),
            ),
            Finding::Unreadable { .. } => (
                "approved_fingerprint",
                "invalid-approval-record",
                format!("`approved_fingerprint` is not one `communique approve` wrote (do not edit it by hand): {again}"),
            ),
        };
        match sources.get(&release.path) {
            Some(source) => source.error_at_key(key, code, message),
            None => Diagnostic::error(&release.path, Pos::START, code, message),
        }
    }
}

/// The finding about one release, if any. Only approved releases are judged: a record
/// left on a draft is history, not a claim.
pub(crate) fn judge(
    config: &SiteConfig,
    h: &Hierarchy<'_>,
    release: &Release,
    translations: &texts::Translations,
) -> Option<Finding> {
    if release.status != Status::Approved {
        return None;
    }
    let record = &release.approval;
    let slug = release.slug.clone();
    let fields =
        [("approved_by", &record.by), ("approved_at", &record.at), ("approved_fingerprint", &record.fingerprint)];
    let missing: Vec<&'static str> = fields.iter().filter(|(_, v)| v.is_none()).map(|(k, _)| *k).collect();
    if missing.len() == fields.len() {
        return config.review.require_approval_record.then_some(Finding::NoRecord { slug });
    }
    if !missing.is_empty() {
        return Some(Finding::Incomplete { slug, missing });
    }
    let (by, at, recorded) = (record.by.clone()?, record.at.clone()?, record.fingerprint.as_deref()?);
    let Some(recorded) = texts::read(recorded) else {
        return Some(Finding::Unreadable { slug });
    };
    let groups = texts::changed_groups(&recorded, &texts::group_hashes(h, release, translations));
    (!groups.is_empty()).then_some(Finding::Stale { slug, by, at, groups })
}

/// Every finding of the site, as errors.
pub(crate) fn check(
    config: &SiteConfig,
    groups: &[StakeholderGroup],
    releases: &[Arc<Release>],
    translations: &texts::Translations,
    sources: &Sources,
) -> Vec<Diagnostic> {
    let h = Hierarchy::new(groups);
    // Every recorded approval is hashed again at each load: on every core, kept in order.
    releases
        .par_iter()
        .filter_map(|release| judge(config, &h, release, translations).map(|f| f.diagnostic(release, sources)))
        .collect()
}

/// The codes of [`check`]'s errors: `approve` sets them right, so they never stop it.
pub(crate) const CODES: &[&str] =
    &["stale-approval", "missing-approval-record", "incomplete-approval-record", "invalid-approval-record"];

/// Where a release's approval stands, as the review shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ApprovalState {
    /// Approved, and the texts are those approved.
    Current,
    /// Approved, but texts changed since: not published until approved again.
    Stale,
    /// `status: approved` written by hand, without a record.
    Unrecorded,
    /// A record with fields missing, or a fingerprint `approve` did not write.
    Invalid,
    /// A record left on a release that is no longer `approved`.
    Withdrawn,
}

impl ApprovalState {
    pub(crate) fn words(self) -> &'static str {
        match self {
            ApprovalState::Current => "approved",
            ApprovalState::Stale => "STALE: texts changed since the approval",
            ApprovalState::Unrecorded => "approved without a record",
            ApprovalState::Invalid => "the approval record is incomplete or edited",
            ApprovalState::Withdrawn => "approval withdrawn (status is no longer approved)",
        }
    }
}

/// Who approved which release, when, and whether the texts are still those approved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct ApprovalView {
    pub slug: String,
    pub release_title: String,
    pub status: Status,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub state: ApprovalState,
    /// [`ApprovalState::words`], for templates and readers of the JSON.
    pub words: &'static str,
    /// For a stale approval: the groups whose texts changed.
    pub changed_groups: Vec<String>,
}

/// The approvals of `releases` (in that order): every approved release, and every release
/// that carries a record.
pub(crate) fn views(
    config: &SiteConfig,
    groups: &[StakeholderGroup],
    releases: &[&Release],
    translations: &texts::Translations,
) -> Vec<ApprovalView> {
    let h = Hierarchy::new(groups);
    let strict = SiteConfig { review: crate::config::ReviewConfig { require_approval_record: true }, ..config.clone() };
    releases
        .iter()
        .filter(|r| r.status == Status::Approved || r.approval != Default::default())
        .map(|r| {
            let (state, changed_groups) = match judge(&strict, &h, r, translations) {
                _ if r.status != Status::Approved => (ApprovalState::Withdrawn, Vec::new()),
                None => (ApprovalState::Current, Vec::new()),
                Some(Finding::Stale { groups, .. }) => (ApprovalState::Stale, groups),
                Some(Finding::NoRecord { .. }) => (ApprovalState::Unrecorded, Vec::new()),
                Some(Finding::Incomplete { .. } | Finding::Unreadable { .. }) => (ApprovalState::Invalid, Vec::new()),
            };
            ApprovalView {
                slug: r.slug.clone(),
                release_title: r.title.clone(),
                status: r.status,
                approved_by: r.approval.by.clone(),
                approved_at: r.approval.at.clone(),
                state,
                words: state.words(),
                changed_groups,
            }
        })
        .collect()
}
