//! Which of the site's lint warnings concern which communique of the review.

use crate::diagnostics::Diagnostic;
use crate::hierarchy::Hierarchy;
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
pub(super) fn row_warnings<'a>(h: &Hierarchy<'a>, r: &Release, g: &'a str, warnings: &[Diagnostic]) -> Vec<String> {
    let page = h.inherited(&r.handwritten, g).map(|p| p.path.as_str());
    warnings
        .iter()
        .filter(|d| if d.path == r.path { concerns(h, r, g, d) } else { Some(d.path.as_str()) == page })
        .map(|d| format!("{} [{}]", d.message, d.code))
        .collect()
}

fn concerns<'a>(h: &Hierarchy<'a>, r: &Release, g: &'a str, d: &Diagnostic) -> bool {
    let named = quoted_after(&d.message, "for ");
    match (d.code, named) {
        ("missing-access", Some(named)) => named == g,
        ("missing-value", Some(named)) => {
            let feature = quoted_after(&d.message, "feature ").and_then(|id| r.features.iter().find(|f| f.id == id));
            h.chain(g).contains(&named) && feature.is_none_or(|f| h.inherited(&f.value, g).is_none())
        }
        _ => true,
    }
}

/// The first `` `x` `` right after `prefix` in `message` (lint messages quote ids so).
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let start = message.find(&format!("{prefix}`"))? + prefix.len() + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ids_are_read_from_lint_messages() {
        let message = "feature `instant-refunds` has no `value` for `support`: add `value: { support: <what> }`";
        assert_eq!(quoted_after(message, "for "), Some("support"));
        assert_eq!(quoted_after(message, "feature "), Some("instant-refunds"));
        assert_eq!(quoted_after("no `access` entry for `customers`: add", "for "), Some("customers"));
        assert_eq!(quoted_after("no quotes", "for "), None);
    }
}
