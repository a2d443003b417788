//! The site as a build for one audience sees it, so that the review of a public
//! preview names nothing that reaches only internal groups (SPEC §5).

use crate::hierarchy::Hierarchy;
use crate::model::{Audience, Site};
use crate::select;
use std::collections::HashSet;

/// The site as a build for `audience` sees it: its groups only, the releases that reach
/// one of them, and in those only the features, values, access entries, constraints,
/// windows, actions and hand-written pages that reach one of them.
pub(super) fn audience_view(site: &Site, audience: Audience) -> Site {
    let h = Hierarchy::new(&site.groups);
    let visible: HashSet<&str> =
        site.groups.iter().filter(|g| select::visible(audience, g)).map(|g| g.id.as_str()).collect();
    let keep =
        |ids: &[String]| -> Vec<String> { ids.iter().filter(|id| visible.contains(id.as_str())).cloned().collect() };
    // `groups` left empty by the filter would mean "every group": drop the entry instead.
    let narrowed = |groups: &Option<Vec<String>>| -> Option<Option<Vec<String>>> {
        match groups {
            None => Some(None),
            Some(ids) => Some(keep(ids)).filter(|ids| !ids.is_empty()).map(Some),
        }
    };
    let releases = site
        .releases
        .iter()
        .filter(|r| h.release_groups(r).iter().any(|g| visible.contains(g)))
        .map(|r| {
            let mut r = (**r).clone();
            r.features.retain_mut(|f| {
                f.groups = keep(&f.groups);
                f.value.retain(|g, _| visible.contains(g.as_str()));
                !f.groups.is_empty()
            });
            r.access.retain(|g, _| visible.contains(g.as_str()));
            r.handwritten.retain(|g, _| visible.contains(g.as_str()));
            r.constraints.retain_mut(|c| narrowed(&c.groups).map(|groups| c.groups = groups).is_some());
            r.windows.retain_mut(|w| narrowed(&w.groups).map(|groups| w.groups = groups).is_some());
            r.actions.retain_mut(|a| narrowed(&a.groups).map(|groups| a.groups = groups).is_some());
            std::sync::Arc::new(r)
        })
        .collect();
    Site {
        config: site.config.clone(),
        groups: site.groups.iter().filter(|g| visible.contains(g.id.as_str())).cloned().collect(),
        releases,
        // Which releases and visible groups have a translation; no translated text.
        translations: site
            .translations
            .iter()
            .map(|(lang, t)| {
                let translated = crate::model::Translated {
                    groups: t
                        .groups
                        .iter()
                        .filter(|(id, _)| visible.contains(id.as_str()))
                        .map(|(id, g)| (id.clone(), g.clone()))
                        .collect(),
                    releases: Default::default(),
                    release_files: t.release_files.clone(),
                };
                (lang.clone(), translated)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::review_for;
    use crate::model::Audience;
    use jiff::Timestamp;

    #[test]
    fn the_public_review_names_nothing_that_reaches_only_internal_groups() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/public-review");
        let loaded = crate::content::load(&root);
        let site = loaded.site.expect("the fixture loads");
        let now: Timestamp = "2026-11-26T00:00:00Z".parse().unwrap();
        let json = |audience| serde_json::to_string(&review_for(&site, &loaded.sources, now, audience)).unwrap();
        // Everything the view holds, totals and lists of groups included, not only what
        // the built-in template shows.
        let public = json(Audience::Public).to_lowercase();
        for secret in ["canary-7f3a", "quokkaledger"] {
            assert!(!public.contains(secret), "`{secret}` in the public review: {public}");
        }
        assert!(public.contains("quokka-ledger") && public.contains("customers"));
        let internal = json(Audience::Internal).to_lowercase();
        // The feature's title and summary (55, 56) are in no review, public or not.
        for n in [50, 51, 52, 53, 54, 57, 58] {
            assert!(internal.contains(&format!("canary-7f3a-{n}")), "the internal review names canary-7f3a-{n}");
        }
        assert!(internal.contains("quokkaledger"));
    }
}
