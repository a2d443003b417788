//! Which releases and groups a build shows (SPEC §5): one pure function of the site,
//! the build mode, the audience and "now".

use crate::hierarchy::Hierarchy;
use crate::model::{Audience, Release, Site, StakeholderGroup, Status};
use jiff::Timestamp;
use rayon::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `build`, optionally with `--drafts` and/or `--future`.
    Publish { drafts: bool, future: bool },
    /// `serve`: everything, marked.
    Preview,
}

/// Why a shown page is not (yet) public: it gets a banner and `noindex`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Marker {
    Draft,
    Scheduled,
}

/// None: hidden. Some(None): shown as published. Some(Some(m)): shown, marked.
pub fn shows(status: Status, publish_at: Timestamp, mode: Mode, now: Timestamp) -> Option<Option<Marker>> {
    let due = publish_at <= now;
    match (status, mode) {
        (Status::Approved, _) if due => Some(None),
        (Status::Approved, Mode::Publish { future: true, .. } | Mode::Preview) => Some(Some(Marker::Scheduled)),
        (Status::Approved, Mode::Publish { future: false, .. }) => None,
        (Status::Draft | Status::Review, Mode::Publish { drafts: true, .. } | Mode::Preview) => {
            Some(Some(Marker::Draft))
        }
        (Status::Draft | Status::Review, Mode::Publish { drafts: false, .. }) => None,
    }
}

/// What one build shows.
pub struct Selection<'a> {
    pub site: &'a Site,
    pub hierarchy: Hierarchy<'a>,
    pub audience: Audience,
    /// Groups of this audience, in portal order.
    pub groups: Vec<&'a StakeholderGroup>,
    /// Shown releases, newest first (publish_at, then slug).
    pub releases: Vec<ShownRelease<'a>>,
}

pub struct ShownRelease<'a> {
    pub release: &'a Release,
    pub marker: Option<Marker>,
    /// The release's groups that this audience may see, in portal order.
    pub groups: Vec<&'a StakeholderGroup>,
}

pub fn visible(audience: Audience, group: &StakeholderGroup) -> bool {
    audience == Audience::Internal || group.audience == Audience::Public
}

pub fn select(site: &Site, mode: Mode, audience: Audience, now: Timestamp) -> Selection<'_> {
    let hierarchy = Hierarchy::new(&site.groups);
    let groups: Vec<_> = site.groups.iter().filter(|g| visible(audience, g)).collect();
    // In parallel: the preview server selects again after every edit.
    let mut releases: Vec<ShownRelease> = site
        .releases
        .par_iter()
        .filter_map(|release| {
            let marker = shows(release.status, release.publish_at, mode, now)?;
            let groups: Vec<_> = hierarchy
                .release_groups(release)
                .into_iter()
                .filter_map(|id| hierarchy.get(id))
                .filter(|g| visible(audience, g))
                .collect();
            // A release that reaches no group of this audience does not exist in this build.
            (!groups.is_empty()).then_some(ShownRelease { release, marker, groups })
        })
        .collect();
    releases.par_sort_by(|a, b| newest_first(a.release, b.release));
    Selection { site, hierarchy, audience, groups, releases }
}

/// Newest first by publish date, then by slug so that equal dates keep a stable order.
pub fn newest_first(a: &Release, b: &Release) -> std::cmp::Ordering {
    b.publish_at.cmp(&a.publish_at).then_with(|| a.slug.cmp(&b.slug))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_of_spec_section_5() {
        let now: Timestamp = "2026-11-26T12:00:00Z".parse().unwrap();
        let past: Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        let future: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        let build = Mode::Publish { drafts: false, future: false };
        let drafts = Mode::Publish { drafts: true, future: false };
        let futur = Mode::Publish { drafts: false, future: true };
        let both = Mode::Publish { drafts: true, future: true };
        let serve = Mode::Preview;
        use Status::*;
        const D: Option<Option<Marker>> = Some(Some(Marker::Draft));
        const S: Option<Option<Marker>> = Some(Some(Marker::Scheduled));
        let cases: &[(Status, Timestamp, Mode, Option<Option<Marker>>)] = &[
            (Approved, past, build, Some(None)),
            (Approved, past, drafts, Some(None)),
            (Approved, past, futur, Some(None)),
            (Approved, past, serve, Some(None)),
            (Approved, now, build, Some(None)),
            (Approved, future, build, None),
            (Approved, future, drafts, None),
            (Approved, future, futur, S),
            (Approved, future, serve, S),
            (Draft, past, build, None),
            (Review, past, build, None),
            (Draft, past, drafts, D),
            (Review, future, drafts, D),
            (Draft, past, futur, None),
            (Draft, future, serve, D),
            (Review, past, serve, D),
            (Draft, past, both, D),
            (Approved, future, both, S),
        ];
        for (status, at, mode, expected) in cases {
            assert_eq!(shows(*status, *at, *mode, now), *expected, "{status:?} {at} {mode:?}");
        }
    }
}
