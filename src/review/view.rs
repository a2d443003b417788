//! Computes the [`Review`] of a site at "now": a row per release × group with its
//! status, publish date, size and reading ease, and the totals.

use super::audience::audience_view;
use super::model::{
    AffectedUnreached, Coverage, GroupInfo, GroupTotal, Review, Row, State, StatusTotal, Totals, Untranslated,
};
use super::readability::Readability;
use super::warnings::row_warnings;
use crate::hierarchy::Hierarchy;
use crate::lint;
use crate::model::{Audience, Release, Site, Status};
use crate::render::context::date_view;
use crate::urls;
use jiff::Timestamp;
use std::collections::HashSet;

/// Releases by `publish_at`, then slug.
pub(super) fn by_publish_date(site: &Site) -> Vec<&Release> {
    let mut releases: Vec<&Release> = site.releases.iter().map(|r| &**r).collect();
    releases.sort_by(|a, b| a.publish_at.cmp(&b.publish_at).then_with(|| a.slug.cmp(&b.slug)));
    releases
}

/// `2026-11-21 09:00` in the site's timezone.
pub(super) fn local(ts: Timestamp, site: &Site) -> String {
    ts.to_zoned(site.config.tz.clone()).strftime("%Y-%m-%d %H:%M").to_string()
}

/// Per language but the default: the communiques and groups it has no translation of.
fn coverage(site: &Site, rows: &[Row]) -> Vec<Coverage> {
    let languages = site.languages().get(1..).unwrap_or_default();
    languages
        .iter()
        .map(|lang| {
            let translated = site.translations.get(lang);
            let mut communiques_missing: Vec<Untranslated> = Vec::new();
            for row in rows {
                if translated.is_some_and(|t| t.release_files.contains(&row.slug)) {
                    continue;
                }
                match communiques_missing.last_mut() {
                    Some(last) if last.slug == row.slug => last.group_ids.push(row.group_id.clone()),
                    _ => communiques_missing.push(Untranslated {
                        slug: row.slug.clone(),
                        release_title: row.release_title.clone(),
                        group_ids: vec![row.group_id.clone()],
                    }),
                }
            }
            let groups_missing = site
                .groups
                .iter()
                .filter(|g| !translated.is_some_and(|t| t.groups.contains_key(&g.id)))
                .map(|g| GroupInfo { group_id: g.id.clone(), group_name: g.name.clone(), audience: g.audience })
                .collect();
            Coverage { language: lang.clone(), communiques_missing, communiques: rows.len(), groups_missing }
        })
        .collect()
}

/// The review of what a build for `audience` shows: for `internal`, everything; for
/// `public` (`serve --audience public`), the review of the site as the public build sees
/// it, so that nothing that reaches only internal groups appears in it (SPEC §5): not
/// their rows, nor their names in totals, nor in the warnings of public rows (a product
/// spelled like an internal-only release's, an internal group that a release affects).
pub(crate) fn review_for(site: &Site, sources: &crate::content::Sources, now: Timestamp, audience: Audience) -> Review {
    match audience {
        Audience::Internal => review(site, sources, now),
        Audience::Public => {
            let narrowed = audience_view(site, audience);
            let mut review = review(&narrowed, sources, now);
            // Whether an approval still holds is judged on the whole release: the
            // narrowed one lacks the internal groups' texts the fingerprint covers.
            let shown: HashSet<&str> = narrowed.releases.iter().map(|r| r.slug.as_str()).collect();
            let visible: HashSet<&str> = narrowed.groups.iter().map(|g| g.id.as_str()).collect();
            let releases: Vec<&Release> =
                by_publish_date(site).into_iter().filter(|r| shown.contains(r.slug.as_str())).collect();
            review.approvals = crate::cycle::approval::views(&site.config, &site.groups, &releases, &site.translations);
            for approval in &mut review.approvals {
                approval.changed_groups.retain(|g| visible.contains(g.as_str()));
            }
            review
        }
    }
}

pub(crate) fn review(site: &Site, sources: &crate::content::Sources, now: Timestamp) -> Review {
    let h = Hierarchy::new(&site.groups);
    let config = &site.config;
    let mut warnings = lint::warnings(site, sources, now);
    lint::sort(&mut warnings);

    let mut rows = Vec::new();
    let mut affected_unreached = Vec::new();
    let mut reached: HashSet<&str> = HashSet::new();
    for r in by_publish_date(site) {
        let groups = h.release_groups(r);
        reached.extend(groups.iter().copied());
        for &g in &groups {
            let Some(group) = h.get(g) else { continue };
            let reading = Readability::of(&prose(&h, r, g));
            rows.push(Row {
                slug: r.slug.clone(),
                release_title: r.title.clone(),
                url: urls::communique_url(&config.base_url, &r.slug, g),
                product: r.product.clone(),
                version: r.version.clone(),
                status: r.status,
                state: State::of(r.status, r.publish_at, now),
                group_id: group.id.clone(),
                group_name: group.name.clone(),
                audience: group.audience,
                publish_at: date_view(r.publish_at, config),
                words: reading.words,
                reading_ease: reading.ease(),
                warnings: row_warnings(&h, r, g, &warnings),
                actions: r.actions.iter().filter(|a| a.groups.as_ref().is_none_or(|t| h.receives(g, t))).count(),
                breaking: r.features.iter().filter(|f| f.breaking && h.feature_reaches(f, g)).count(),
                publish_local: local(r.publish_at, site),
            });
        }
        for (group, shared) in lint::affected_unreached(site, r, &groups) {
            affected_unreached.push(AffectedUnreached {
                slug: r.slug.clone(),
                release_title: r.title.clone(),
                group_id: group.id.clone(),
                group_name: group.name.clone(),
                components: shared.into_iter().map(String::from).collect(),
            });
        }
    }
    let unreached_groups = site
        .groups
        .iter()
        .filter(|g| !reached.contains(g.id.as_str()))
        .map(|g| GroupInfo { group_id: g.id.clone(), group_name: g.name.clone(), audience: g.audience })
        .collect();
    let totals = totals(site, &rows);
    let releases = by_publish_date(site);
    Review {
        translations: coverage(site, &rows),
        approvals: crate::cycle::approval::views(config, &site.groups, &releases, &site.translations),
        audience_changes: crate::cycle::audience::changes(site, &releases),
        site_title: config.title.clone(),
        base_url: config.base_url.clone(),
        timezone: config.timezone.clone(),
        now: date_view(now, config),
        rows,
        totals,
        unreached_groups,
        affected_unreached,
        now_local: local(now, site),
    }
}

/// The Markdown texts of the communique for release `r` and group `g`, in the order a
/// reader meets them (SPEC §6): the summary (the hand-written one if any), each feature's
/// summary and `g`'s value, `g`'s access entry, the constraints that apply to `g`, and the
/// hand-written text. Entries inherit from ancestors as on the page; titles are left out.
pub(crate) fn prose<'m, 'a>(h: &Hierarchy<'a>, r: &'m Release, g: &'a str) -> Vec<&'m str> {
    let page = h.inherited(&r.handwritten, g);
    let mut texts = vec![page.and_then(|p| p.summary.as_deref()).unwrap_or(&r.summary)];
    for f in r.features.iter().filter(|f| h.feature_reaches(f, g)) {
        texts.push(&f.summary);
        texts.extend(h.inherited(&f.value, g).map(String::as_str));
    }
    if let Some(a) = h.inherited(&r.access, g) {
        texts.extend([&a.how, &a.when, &a.r#where, &a.permissions].into_iter().flatten().map(String::as_str));
    }
    texts.extend(r.constraints.iter().filter(|c| h.constraint_applies(c, g)).map(|c| c.text.as_str()));
    texts.extend(page.map(|p| p.body.as_str()));
    texts
}

fn totals(site: &Site, rows: &[Row]) -> Totals {
    let mut totals = Totals::default();
    let mut releases: HashSet<&str> = HashSet::new();
    for status in [Status::Draft, Status::Review, Status::Approved] {
        let of: Vec<&Row> = rows.iter().filter(|r| r.status == status).collect();
        let slugs: HashSet<&str> = of.iter().map(|r| r.slug.as_str()).collect();
        totals.by_status.push(StatusTotal {
            status,
            releases: slugs.len(),
            communiques: of.len(),
            words: of.iter().map(|r| r.words).sum(),
            with_warnings: of.iter().filter(|r| !r.warnings.is_empty()).count(),
        });
        releases.extend(slugs);
    }
    totals.releases = releases.len();
    totals.communiques = rows.len();
    totals.words = rows.iter().map(|r| r.words).sum();
    totals.with_warnings = rows.iter().filter(|r| !r.warnings.is_empty()).count();
    for g in &site.groups {
        let of: Vec<&Row> = rows.iter().filter(|r| r.group_id == g.id).collect();
        let count = |s: Status| of.iter().filter(|r| r.status == s).count();
        totals.by_group.push(GroupTotal {
            group_id: g.id.clone(),
            group_name: g.name.clone(),
            audience: g.audience,
            communiques: of.len(),
            draft: count(Status::Draft),
            review: count(Status::Review),
            approved: count(Status::Approved),
            words: of.iter().map(|r| r.words).sum(),
            with_warnings: of.iter().filter(|r| !r.warnings.is_empty()).count(),
            actions: of.iter().map(|r| r.actions).sum(),
            breaking: of.iter().map(|r| r.breaking).sum(),
        });
    }
    totals
}
