//! Warnings (SPEC §7): what is valid but will surprise a stakeholder or the deployment
//! manager — a group nobody tells, a value or access entry missing, a summary too long,
//! an announcement before the deployment, inconsistent words.

use crate::content::Source;
use crate::diagnostics::{Diagnostic, Pos};
use crate::hierarchy::Hierarchy;
use crate::model::{Release, Site, StakeholderGroup, Status};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};

pub fn warnings(site: &Site, sources: &crate::content::Sources, now: jiff::Timestamp) -> Vec<Diagnostic> {
    let h = Hierarchy::new(&site.groups);
    // Release by release on every core (the build waits for the count), kept in order.
    let per_release: Vec<(Vec<&str>, Vec<Diagnostic>)> = site
        .releases
        .par_iter()
        .filter_map(|release| {
            let source = sources.get(&release.path)?;
            let groups = h.release_groups(release);
            let mut out = Vec::new();
            release_warnings(site, &h, release, &groups, source, now, &mut out);
            Some((groups, out))
        })
        .collect();
    let mut out = Vec::new();
    let mut reached: HashSet<&str> = HashSet::new();
    for (groups, warnings) in per_release {
        reached.extend(groups);
        out.extend(warnings);
    }
    for group in &site.groups {
        if !reached.contains(group.id.as_str()) {
            out.push(Diagnostic::warning(
                &group.path,
                Pos::START,
                "unreached-group",
                format!("no release reaches `{}`: name it in a feature's `groups`, or remove the group", group.id),
            ));
        }
        if let Some(source) = sources.get(&group.path) {
            long_summary(site, source, "summary", &group.summary, &mut out);
        }
    }
    out.extend(product_spelling(site, sources));
    let sources: Vec<&Source> = sources.values().map(|s| &**s).collect();
    out.extend(sources.par_iter().flat_map_iter(|source| terms(&site.config.lint.terms, source)).collect::<Vec<_>>());
    out
}

fn release_warnings(
    site: &Site,
    h: &Hierarchy,
    release: &Release,
    groups: &[&str],
    source: &Source,
    now: jiff::Timestamp,
    out: &mut Vec<Diagnostic>,
) {
    for (i, feature) in release.features.iter().enumerate() {
        for (j, g) in feature.groups.iter().enumerate() {
            if h.get(g).is_some() && h.inherited(&feature.value, g).is_none() {
                out.push(source.warning_at_value(
                    &format!("features.{i}.groups.{j}"),
                    "missing-value",
                    format!(
                        "feature `{}` has no `value` for `{g}`: add `value: {{ {g}: <what it is worth to them> }}`",
                        feature.id
                    ),
                ));
            }
        }
        long_summary(site, source, &format!("features.{i}.summary"), &feature.summary, out);
    }
    for g in groups {
        if h.inherited(&release.access, g).is_none() {
            let at = if release.access.is_empty() { "title" } else { "access" };
            out.push(source.warning_at_key(
                at,
                "missing-access",
                format!("no `access` entry for `{g}`: add `access: {{ {g}: {{ how: …, when: …, where: …, permissions: … }} }}`"),
            ));
        }
    }
    long_summary(site, source, "summary", &release.summary, out);
    for page in release.handwritten.values() {
        if let Some(summary) = &page.summary {
            let words = summary.split_whitespace().count();
            if words > site.config.lint.summary_max_words {
                out.push(Diagnostic::warning(
                    &page.path,
                    Pos::START,
                    "long-summary",
                    format!(
                        "the summary has {words} words; keep it to {} or fewer",
                        site.config.lint.summary_max_words
                    ),
                ));
            }
        }
    }
    for (group, shared) in affected_unreached(site, release, groups) {
        out.push(source.warning_at_key(
            "components",
            "unreached-affected-group",
            format!(
                "`{}` uses {} that this release changes, but no feature reaches it: add `{}` to a feature's `groups`",
                group.id,
                shared.join(", "),
                group.id
            ),
        ));
    }
    if release.publish_at < release.deployed_at {
        out.push(source.warning_at_value(
            "publish_at",
            "publish-before-deploy",
            "`publish_at` is before `deployed_at`: this announces what is not yet in production; publish at or after the deployment",
        ));
    }
    if release.status == Status::Review && release.publish_at <= now {
        out.push(source.warning_at_value(
            "status",
            "overdue-approval",
            "this release is still in `review` but its `publish_at` has passed: approve it (`status: approved`) or move `publish_at`",
        ));
    }
}

/// The groups affected by `release` (SPEC §4: their `components` meet the release's) that
/// are not among `groups`, the release's groups; each with the components they share, in
/// the group's order.
pub fn affected_unreached<'s>(
    site: &'s Site,
    release: &Release,
    groups: &[&str],
) -> Vec<(&'s StakeholderGroup, Vec<&'s str>)> {
    site.groups
        .iter()
        .filter(|g| !groups.contains(&g.id.as_str()))
        .filter_map(|g| {
            let shared: Vec<&str> =
                g.components.iter().filter(|c| release.components.contains(c)).map(String::as_str).collect();
            (!shared.is_empty()).then_some((g, shared))
        })
        .collect()
}

fn long_summary(site: &Site, source: &Source, path: &str, summary: &str, out: &mut Vec<Diagnostic>) {
    let max = site.config.lint.summary_max_words;
    let words = summary.split_whitespace().count();
    if words > max {
        out.push(source.warning_at_value(
            path,
            "long-summary",
            format!("this summary has {words} words; keep it to {max} or fewer (the full text belongs in the body)"),
        ));
    }
}

/// Product names that differ only slightly ("Payments" and "Payment") are one product
/// spelled two ways; the less used spelling is flagged.
fn product_spelling(site: &Site, sources: &crate::content::Sources) -> Vec<Diagnostic> {
    let mut uses: BTreeMap<&str, Vec<&Release>> = BTreeMap::new();
    for r in &site.releases {
        uses.entry(r.product.as_str()).or_default().push(r);
    }
    let names: Vec<&str> = uses.keys().copied().collect();
    let mut out = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            if !near_duplicates(a, b) {
                continue;
            }
            let (rare, common) = if uses[a].len() < uses[b].len() || (uses[a].len() == uses[b].len() && a > b) {
                (a, b)
            } else {
                (b, a)
            };
            for r in &uses[rare] {
                if let Some(source) = sources.get(&r.path) {
                    out.push(source.warning_at_value(
                        "product",
                        "product-spelling",
                        format!("product `{rare}` looks like `{common}` used by other releases: write `product: {common}` so they roll up together"),
                    ));
                }
            }
        }
    }
    out
}

fn near_duplicates(a: &str, b: &str) -> bool {
    let (la, lb) = (a.to_lowercase(), b.to_lowercase());
    let squash = |s: &str| s.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    la == lb
        || squash(&la) == squash(&lb)
        || strsim::levenshtein(&la, &lb) <= 1
        || strsim::jaro_winkler(&la, &lb) > 0.95
}

/// Discouraged terms (`[lint] terms`), matched as whole words, case-insensitively.
fn terms(terms: &BTreeMap<String, String>, source: &Source) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if terms.is_empty() {
        return out;
    }
    for (n, line) in source.text.lines().enumerate() {
        let lower = Lowered::new(line);
        for (term, preferred) in terms {
            let needle = term.to_lowercase();
            if needle.is_empty() {
                continue;
            }
            let mut from = 0;
            while let Some(at) = lower.text[from..].find(&needle).map(|i| i + from) {
                let end = at + needle.len();
                // A match must begin and end with whole characters of the line as written.
                let (Some(start), Some(stop)) = (lower.original(at), lower.original(end)) else {
                    from = at + lower.text[at..].chars().next().map_or(1, char::len_utf8);
                    continue;
                };
                let boundary_before = lower.text[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
                let boundary_after = lower.text[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                if boundary_before && boundary_after {
                    let column = line[..start].chars().count() + 1;
                    out.push(Diagnostic::warning(
                        &source.path,
                        Pos::new(n + 1, column),
                        "term",
                        format!("write `{preferred}` instead of `{}`", &line[start..stop]),
                    ));
                }
                from = end;
            }
        }
    }
    out
}

/// A line in lower case, and where in the line each of its characters came from:
/// lower-casing changes lengths (the Kelvin sign `K` takes 3 bytes, its `k` one; `Ⱥ`
/// takes 2, its `ⱥ` 3; `İ` becomes two characters), so an offset in one is not an
/// offset in the other.
struct Lowered {
    text: String,
    /// For each byte offset of `text` (and its end), the offset in the line of the
    /// character whose lower case starts there; None inside one. Empty for ASCII lines,
    /// whose offsets are the same in both.
    original: Vec<Option<usize>>,
}

impl Lowered {
    fn new(line: &str) -> Lowered {
        if line.is_ascii() {
            return Lowered { text: line.to_ascii_lowercase(), original: Vec::new() };
        }
        let mut text = String::with_capacity(line.len());
        let mut original = Vec::with_capacity(line.len() + 1);
        for (at, c) in line.char_indices() {
            original.push(Some(at));
            text.extend(c.to_lowercase());
            original.resize(text.len(), None);
        }
        original.push(Some(line.len()));
        Lowered { text, original }
    }

    /// The offset in the line of the character whose lower case starts at `at`.
    fn original(&self, at: usize) -> Option<usize> {
        if self.original.is_empty() {
            Some(at)
        } else {
            self.original.get(at).copied().flatten()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_duplicate_products() {
        for (a, b, same) in [
            ("Payments", "Payment", true),
            ("Payments", "payments", true),
            ("Platform API", "Platform-API", true),
            ("Payments", "Payouts", false),
            ("Ledger", "Mobile", false),
        ] {
            assert_eq!(near_duplicates(a, b), same, "{a} / {b}");
        }
    }

    #[test]
    fn terms_match_whole_words_with_positions() {
        let source = Source::new(
            "x.md".into(),
            "---\ntitle: Log in faster\n---\nNo login here, but log in.\n".into(),
            String::new(),
            2,
        );
        let terms: BTreeMap<String, String> = [("log in".to_string(), "sign in".to_string())].into();
        let found: Vec<(usize, usize)> = super::terms(&terms, &source).iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(found, [(2, 8), (4, 20)]);
    }

    /// Lower-casing changes byte lengths: offsets in the lower-cased line must be mapped
    /// back, not used on the line as written (this panicked on `K ȺȺ`).
    #[test]
    fn terms_in_text_whose_lower_case_differs_in_length() {
        let text = "K ȺȺ\nKK ȺȺ, İx and ⱥⱥ.\nȺȺȺ\n";
        let source = Source::new("x.md".into(), text.into(), String::new(), 1);
        let terms: BTreeMap<String, String> =
            [("ȺȺ".to_string(), "AA".to_string()), ("i̇x".to_string(), "ix".to_string())].into();
        let found: Vec<(usize, usize, String)> =
            super::terms(&terms, &source).into_iter().map(|d| (d.line, d.column, d.message)).collect();
        assert_eq!(
            found,
            [
                // Line by line, then term by term (`i̇x` sorts first).
                (1, 3, "write `AA` instead of `ȺȺ`".to_string()),
                (2, 8, "write `ix` instead of `İx`".to_string()),
                (2, 4, "write `AA` instead of `ȺȺ`".to_string()),
                (2, 15, "write `AA` instead of `ⱥⱥ`".to_string()),
            ]
        );
    }

    #[test]
    fn a_match_inside_one_characters_lower_case_is_no_match() {
        // `İ` lower-cases to `i` and a combining dot: `i` alone starts inside it.
        let source = Source::new("x.md".into(), "İ x\n".into(), String::new(), 1);
        let terms: BTreeMap<String, String> = [("\u{307} x".to_string(), "y".to_string())].into();
        assert!(super::terms(&terms, &source).is_empty());
    }
}
