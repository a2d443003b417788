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
    /// The moment the build acts for: what is published, and which deadlines are still ahead.
    pub now: Timestamp,
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

/// Which groups each release reaches, kept by the preview server from one selection
/// to the next: working it out walks every feature's groups, and it changes only when
/// the release's file or the group hierarchy does.
#[derive(Default)]
pub struct Reach {
    /// The hierarchy the indexes are of.
    hierarchy: u64,
    /// By release fingerprint: indexes into the site's groups.
    releases: crate::fingerprint::FastMap<u64, Vec<usize>>,
}

pub fn select(site: &Site, mode: Mode, audience: Audience, now: Timestamp) -> Selection<'_> {
    select_reusing(site, mode, audience, now, &mut Reach::default())
}

/// [`select`], with each release's groups from `reach` when it has them, and added to it
/// when not.
pub fn select_reusing<'a>(
    site: &'a Site,
    mode: Mode,
    audience: Audience,
    now: Timestamp,
    reach: &mut Reach,
) -> Selection<'a> {
    let hierarchy = Hierarchy::new(&site.groups);
    let groups: Vec<_> = site.groups.iter().filter(|g| visible(audience, g)).collect();
    let shape = crate::fingerprint::of(site.groups.iter().map(|g| (&g.id, &g.parent)).collect::<Vec<_>>());
    // Edits leave the fingerprints of old versions behind: start again before they add up.
    if reach.hierarchy != shape || reach.releases.len() > 2 * site.releases.len() + 64 {
        *reach = Reach { hierarchy: shape, releases: Default::default() };
    }
    let known = &reach.releases;
    // In parallel: the preview server selects again after every edit.
    // Per release: shown or not, and its groups when they were worked out here.
    type Found<'a> = (Option<ShownRelease<'a>>, Option<(u64, Vec<usize>)>);
    let shown: Vec<Found> = site
        .releases
        .par_iter()
        .filter_map(|release| {
            let marker = shows(release.status, release.publish_at, mode, now)?;
            let (indexes, fresh) = match known.get(&release.fingerprint) {
                Some(indexes) => (indexes.as_slice(), None),
                None => (&[][..], Some(hierarchy.release_group_indexes(release).collect::<Vec<_>>())),
            };
            let groups: Vec<_> = fresh
                .as_deref()
                .unwrap_or(indexes)
                .iter()
                .map(|&i| &site.groups[i])
                .filter(|g| visible(audience, g))
                .collect();
            // A release that reaches no group of this audience does not exist in this build.
            let shown = (!groups.is_empty()).then_some(ShownRelease { release, marker, groups });
            Some((shown, fresh.map(|indexes| (release.fingerprint, indexes))))
        })
        .collect();
    let mut releases = Vec::with_capacity(shown.len());
    for (release, fresh) in shown {
        reach.releases.extend(fresh);
        releases.extend(release);
    }
    releases.par_sort_by(|a, b| newest_first(a.release, b.release));
    Selection { site, hierarchy, audience, now, groups, releases }
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
