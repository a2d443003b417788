//! Changed stakeholders (SPEC §12): the groups a release reaches that the previous
//! release of its product did not — a new audience needs more than an update — and the
//! groups that previous release reached and this one no longer does.

use crate::hierarchy::Hierarchy;
use crate::model::{Release, Site};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Change {
    /// Reached now, not by the previous release: "new audience: more than an update is needed".
    NewAudience,
    /// Reached by the previous release, not by this one.
    NoLongerReached,
}

impl Change {
    pub(crate) fn words(self) -> &'static str {
        match self {
            Change::NewAudience => "new audience: more than an update is needed",
            Change::NoLongerReached => "no longer reached",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct AudienceChange {
    pub slug: String,
    pub release_title: String,
    /// The product's previous release, by `deployed_at`.
    pub previous_slug: String,
    pub group_id: String,
    pub group_name: String,
    pub change: Change,
    /// [`Change::words`], for templates and readers of the JSON.
    pub words: &'static str,
}

/// The release of the same product deployed last before `release` (ties by slug).
pub(crate) fn previous<'s>(site: &'s Site, release: &Release) -> Option<&'s Release> {
    site.releases
        .iter()
        .map(|r| &**r)
        .filter(|r| r.product == release.product && r.slug != release.slug)
        .filter(|r| (r.deployed_at, &r.slug) < (release.deployed_at, &release.slug))
        .max_by(|a, b| (a.deployed_at, &a.slug).cmp(&(b.deployed_at, &b.slug)))
}

/// Every change of audience, release by release (in `releases` order), groups in
/// portal order.
pub(crate) fn changes(site: &Site, releases: &[&Release]) -> Vec<AudienceChange> {
    let h = Hierarchy::new(&site.groups);
    let mut out = Vec::new();
    for release in releases {
        let Some(previous) = previous(site, release) else { continue };
        let now = h.release_groups(release);
        let before = h.release_groups(previous);
        for group in &site.groups {
            let id = group.id.as_str();
            let change = match (now.contains(&id), before.contains(&id)) {
                (true, false) => Change::NewAudience,
                (false, true) => Change::NoLongerReached,
                _ => continue,
            };
            out.push(AudienceChange {
                slug: release.slug.clone(),
                release_title: release.title.clone(),
                previous_slug: previous.slug.clone(),
                group_id: group.id.clone(),
                group_name: group.name.clone(),
                change,
                words: change.words(),
            });
        }
    }
    out
}
