//! Which of the site's lint warnings concern which communique of the review.

use crate::hierarchy::Hierarchy;
use crate::lint::Warning;
use crate::model::Release;

/// The warnings about release `r` that concern its communique for `g`, as `message [code]`.
///
/// - A warning in the release's file concerns all its communiques, except the two that
///   name a group: `missing-access` concerns only the group it names; `missing-value`
///   concerns the group it names and its descendants that inherit no value for the
///   feature either (their communique shows the feature without a value).
/// - A warning in a hand-written page concerns the communiques that show that page (its
///   group, and descendants without a page of their own).
/// - Warnings in group files and `site.toml` concern no communique; `check` reports them,
///   and the review lists unreached groups separately.
pub(super) fn row_warnings<'a>(h: &Hierarchy<'a>, r: &Release, g: &'a str, warnings: &[Warning]) -> Vec<String> {
    let page = h.inherited(&r.handwritten, g).map(|p| p.path.as_str());
    warnings
        .iter()
        .filter(|w| w.release.as_deref() == Some(r.slug.as_str()))
        .filter(|w| {
            let path = w.diagnostic.path.as_str();
            if path == r.path {
                concerns(h, r, g, w)
            } else {
                Some(path) == page
            }
        })
        .map(|w| format!("{} [{}]", w.diagnostic.message, w.code()))
        .collect()
}

fn concerns<'a>(h: &Hierarchy<'a>, r: &Release, g: &'a str, w: &Warning) -> bool {
    match (w.code(), w.group.as_deref()) {
        ("missing-access", Some(named)) => named == g,
        ("missing-value", Some(named)) => {
            let feature = w.feature.as_deref().and_then(|id| r.features.iter().find(|f| f.id == id));
            h.chain(g).contains(&named) && feature.is_none_or(|f| h.inherited(&f.value, g).is_none())
        }
        _ => true,
    }
}
