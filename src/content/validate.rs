//! Rules that span files: group ids that must exist, the parent hierarchy, and
//! hand-written pages that must belong to one of their release's groups.

use super::fields::display_path;
use super::Source;
use crate::diagnostics::{hint, Diagnostic, Pos};
use crate::hierarchy::Hierarchy;
use crate::model::{Audience, Release, StakeholderGroup};
use rayon::prelude::*;

/// What each release's rules found, by the release's path, with a key of what they
/// were worked out from (the release's text and the groups): the preview server's
/// loads check again only the releases an edit changed.
pub(crate) type Checked = crate::fingerprint::FastMap<String, (u64, Vec<Diagnostic>)>;

/// `group_files`: the id of every group file, including those that failed to load.
pub(crate) fn site(
    groups: &[StakeholderGroup],
    group_files: &[String],
    releases: &[std::sync::Arc<Release>],
    sources: &super::Sources,
    out: &mut Vec<Diagnostic>,
) {
    site_checked(groups, group_files, releases, sources, out, None);
}

/// [`site`], reusing what `checked` found for unchanged releases.
pub(crate) fn site_checked(
    groups: &[StakeholderGroup],
    group_files: &[String],
    releases: &[std::sync::Arc<Release>],
    sources: &super::Sources,
    out: &mut Vec<Diagnostic>,
    mut checked: Option<&mut Checked>,
) {
    let mut ids: Vec<&str> = group_files.iter().map(String::as_str).collect();
    ids.extend(groups.iter().map(|g| g.id.as_str()));
    ids.sort_unstable();
    ids.dedup();
    let hierarchy = Hierarchy::new(groups);
    hierarchy_rules(groups, &hierarchy, &ids, sources, out);
    let groups_key = crate::fingerprint::of((&ids, groups.iter().map(|g| (&g.id, &g.parent)).collect::<Vec<_>>()));
    // In parallel, then in order: the preview server checks every release of every
    // rebuild, if only to find that it checked it already.
    let known = checked.as_deref();
    let results: Vec<Option<(bool, u64, Vec<Diagnostic>)>> = releases
        .par_iter()
        .map(|release| {
            let release_key = crate::fingerprint::of((release.fingerprint, groups_key));
            if let Some((_, found)) = known.and_then(|c| c.get(&release.path)).filter(|(k, _)| *k == release_key) {
                return Some((false, release_key, found.clone()));
            }
            let source = sources.get(&release.path)?;
            let mut found = Vec::new();
            release_rules(release, &hierarchy, &ids, source, &mut found);
            Some((true, release_key, found))
        })
        .collect();
    for (release, (fresh, release_key, found)) in releases.iter().zip(results).filter_map(|(r, x)| Some((r, x?))) {
        out.extend(found.iter().cloned());
        if let (true, Some(checked)) = (fresh, checked.as_deref_mut()) {
            checked.insert(release.path.clone(), (release_key, found));
        }
    }
}

fn unknown_group(source: &Source, path: &str, id: &str, ids: &[&str]) -> Diagnostic {
    let help = if ids.is_empty() {
        "; there are no groups yet: add `content/stakeholders/<id>.md`".to_string()
    } else {
        hint(id, ids)
    };
    source.error_at_value(path, "unknown-group", format!("`{}`: unknown group `{id}`{help}", display_path(path)))
}

fn hierarchy_rules(
    groups: &[StakeholderGroup],
    h: &Hierarchy,
    ids: &[&str],
    sources: &super::Sources,
    out: &mut Vec<Diagnostic>,
) {
    for group in groups {
        let Some(parent) = &group.parent else {
            continue;
        };
        let Some(source) = sources.get(&group.path) else {
            continue;
        };
        let Some(parent_group) = h.get(parent) else {
            if !ids.contains(&parent.as_str()) {
                out.push(unknown_group(source, "parent", parent, ids));
            }
            continue;
        };
        // Walk up from the parent; coming back to this group means a cycle.
        let mut seen = vec![group.id.as_str()];
        let mut current = Some(parent_group);
        while let Some(g) = current {
            if g.id == group.id {
                out.push(source.error_at_value(
                    "parent",
                    "parent-cycle",
                    format!(
                        "parent cycle: {} → {}; remove `parent` from one of these groups",
                        seen.join(" → "),
                        group.id
                    ),
                ));
                break;
            }
            if seen.contains(&g.id.as_str()) {
                break; // a cycle above this group, reported on its own members
            }
            seen.push(&g.id);
            current = g.parent.as_deref().and_then(|p| h.get(p));
        }
        // Any internal ancestor, not only the parent: a public group under a public
        // group under an internal one would publish what the internal one receives.
        let internal_ancestor =
            h.chain(&group.id).into_iter().skip(1).find(|a| h.get(a).is_some_and(|g| g.audience == Audience::Internal));
        if let (Audience::Public, Some(ancestor)) = (group.audience, internal_ancestor) {
            out.push(Diagnostic::error(
                &group.path,
                source.key("parent"),
                "public-under-internal",
                format!(
                    "the public group `{}` is under the internal group `{ancestor}`, so it would publish internal communiques: add `audience: internal` or choose a public parent",
                    group.id
                ),
            ));
        }
    }
}

/// A release without features reaches no group: no page, feed or e-mail would carry it,
/// so it would be left out of the site without a word. (A feature without groups, or
/// with unknown ones, has an error of its own.)
fn no_group(release: &Release, ids: &[&str], source: &Source) -> Option<Diagnostic> {
    if !release.features.is_empty() {
        return None;
    }
    let group = ids.first().copied().unwrap_or("customers");
    Some(source.error_at_key(
        "features",
        "no-group",
        format!(
            "release `{}` reaches no group, so no page, feed or e-mail would carry it: add a feature that names its groups, such as `features:` then `  - title: Instant refunds` and `    groups: [{group}]`",
            release.slug
        ),
    ))
}

fn release_rules(release: &Release, h: &Hierarchy, ids: &[&str], source: &Source, out: &mut Vec<Diagnostic>) {
    // `ids` is sorted; a release names groups dozens of times, and there are thousands.
    let known = |id: &str| ids.binary_search(&id).is_ok();
    out.extend(no_group(release, ids, source));
    for (i, feature) in release.features.iter().enumerate() {
        for (j, g) in feature.groups.iter().enumerate() {
            if !known(g) {
                out.push(unknown_group(source, &format!("features.{i}.groups.{j}"), g, ids));
            }
        }
        for g in feature.value.keys() {
            let path = || format!("features.{i}.value.{g}");
            if !known(g) {
                let path = path();
                out.push(source.error_at_key(
                    &path,
                    "unknown-group",
                    format!("`{}`: unknown group `{g}`{}", display_path(&path), hint(g, ids)),
                ));
            } else if !feature.groups.is_empty() && h.get(g).is_some() && !h.feature_reaches(feature, g) {
                // (A feature without groups reaches none; its `missing-field` says why.)
                out.push(source.error_at_key(
                    &path(),
                    "unknown-group",
                    format!("a value for `{g}`, which feature `{}` does not reach: add `{g}` to its `groups` or remove this value", feature.id),
                ));
            }
        }
    }
    for g in release.access.keys() {
        if !known(g) {
            let path = format!("access.{g}");
            out.push(source.error_at_key(
                &path,
                "unknown-group",
                format!("`access`: unknown group `{g}`{}", hint(g, ids)),
            ));
        }
    }
    for (i, c) in release.constraints.iter().enumerate() {
        for (j, g) in c.groups.iter().flatten().enumerate() {
            if !known(g) {
                out.push(unknown_group(source, &format!("constraints.{i}.groups.{j}"), g, ids));
            }
        }
    }
    for (i, w) in release.windows.iter().enumerate() {
        for (j, g) in w.groups.iter().flatten().enumerate() {
            if !known(g) {
                out.push(unknown_group(source, &format!("windows.{i}.groups.{j}"), g, ids));
            }
        }
    }
    action_rules(release, h, ids, source, out);
    if release.handwritten.is_empty() {
        return;
    }
    let release_groups = h.release_groups(release);
    for (group, page) in &release.handwritten {
        if !known(group) {
            out.push(Diagnostic::error(
                &page.path,
                Pos::START,
                "unknown-group",
                format!(
                    "this hand-written page is for `{group}`, which is not a group{}; the file name must be a group id",
                    hint(group, ids)
                ),
            ));
        } else if h.get(group).is_some() && !release_groups.contains(&group.as_str()) {
            out.push(Diagnostic::error(
                &page.path,
                Pos::START,
                "handwritten-outside-release",
                format!(
                    "`{group}` is not among the groups of release `{}` ({}): add it to a feature's `groups` or remove this page",
                    release.slug,
                    if release_groups.is_empty() { "none".to_string() } else { release_groups.join(", ") }
                ),
            ));
        }
    }
}

/// An action's `groups` must be groups of its release (SPEC §11): an action for a group
/// that gets no communique of the release would never be read.
fn action_rules(release: &Release, h: &Hierarchy, ids: &[&str], source: &Source, out: &mut Vec<Diagnostic>) {
    if release.actions.iter().all(|a| a.groups.is_none()) {
        return;
    }
    let release_groups = h.release_groups(release);
    for (i, action) in release.actions.iter().enumerate() {
        for (j, g) in action.groups.iter().flatten().enumerate() {
            let path = format!("actions.{i}.groups.{j}");
            if ids.binary_search(&g.as_str()).is_err() {
                out.push(unknown_group(source, &path, g, ids));
            } else if h.get(g).is_some() && !release_groups.contains(&g.as_str()) {
                out.push(source.error_at_value(
                    &path,
                    "action-outside-release",
                    format!(
                        "`{}`: `{g}` is not a group of this release, so it gets no communique to read this action in; name one of the release's groups ({}) or add `{g}` to a feature's `groups`",
                        display_path(&path),
                        if release_groups.is_empty() { "none yet".to_string() } else { release_groups.join(", ") }
                    ),
                ));
            }
        }
    }
}
