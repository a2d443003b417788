//! Warnings (SPEC §7): what is valid but will surprise a stakeholder or the deployment
//! manager — a group nobody tells, a value or access entry missing, a summary too long,
//! an announcement before the deployment, inconsistent words.
//!
//! Each warning is data ([`Warning`]): what it is about (release, group, feature) beside
//! the diagnostic that says it to a person, so that the review decides which communique a
//! warning concerns without reading its words.

use crate::content::Source;
use crate::diagnostics::{Diagnostic, Pos};
use crate::hierarchy::Hierarchy;
use crate::model::{Release, Site, StakeholderGroup, Status};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One warning: its code, what it is about, and the diagnostic (place and message) that
/// `check` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Warning {
    /// The release it is about (its slug): a warning in its file or in one of its
    /// hand-written pages.
    pub release: Option<String>,
    /// The group it names: the one a value or access entry is missing for, the group no
    /// release or no feature reaches, the group of a hand-written page.
    pub group: Option<String>,
    /// The feature it is about (its id).
    pub feature: Option<String>,
    pub diagnostic: Diagnostic,
}

impl Warning {
    fn new(diagnostic: Diagnostic) -> Warning {
        Warning { release: None, group: None, feature: None, diagnostic }
    }

    fn of_release(diagnostic: Diagnostic, release: &Release) -> Warning {
        Warning { release: Some(release.slug.clone()), ..Warning::new(diagnostic) }
    }

    fn group(self, group: &str) -> Warning {
        Warning { group: Some(group.to_string()), ..self }
    }

    fn feature(self, feature: &str) -> Warning {
        Warning { feature: Some(feature.to_string()), ..self }
    }

    /// `missing-value`, `term`…: what kind of warning it is.
    pub(crate) fn code(&self) -> &'static str {
        self.diagnostic.code
    }
}

/// The warnings of `site`, as diagnostics: what `check` prints.
pub(crate) fn diagnostics(site: &Site, sources: &crate::content::Sources, now: jiff::Timestamp) -> Vec<Diagnostic> {
    warnings(site, sources, now).into_iter().map(|w| w.diagnostic).collect()
}

/// Warnings in a stable order (that of their diagnostics, see [`crate::diagnostics::sort`]),
/// each once.
pub(crate) fn sort(warnings: &mut Vec<Warning>) {
    warnings.sort_by(|a, b| {
        let (a, b) = (&a.diagnostic, &b.diagnostic);
        (&a.path, a.line, a.column, a.severity, a.code, &a.message)
            .cmp(&(&b.path, b.line, b.column, b.severity, b.code, &b.message))
    });
    warnings.dedup_by(|a, b| a.diagnostic == b.diagnostic);
}

pub(crate) fn warnings(site: &Site, sources: &crate::content::Sources, now: jiff::Timestamp) -> Vec<Warning> {
    let h = Hierarchy::new(&site.groups);
    // Release by release on every core (the build waits for the count), kept in order.
    let per_release: Vec<(Vec<&str>, Vec<Warning>)> = site
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
            out.push(
                Warning::new(Diagnostic::warning(
                    &group.path,
                    Pos::START,
                    "unreached-group",
                    format!("no release reaches `{}`: name it in a feature's `groups`, or remove the group", group.id),
                ))
                .group(&group.id),
            );
        }
        if let Some(d) = sources.get(&group.path).and_then(|s| long_summary(site, s, "summary", &group.summary)) {
            out.push(Warning::new(d).group(&group.id));
        }
    }
    out.extend(product_spelling(site, sources));
    // A term in a release's file or hand-written page is about that release (and page).
    let mut files: HashMap<&str, (&Release, Option<&str>)> = HashMap::new();
    for r in &site.releases {
        files.insert(&r.path, (r, None));
        files.extend(r.handwritten.iter().map(|(g, page)| (page.path.as_str(), (&**r, Some(g.as_str())))));
    }
    // The terms are the default language's words: translations are not held to them.
    let languages = &site.config.languages[1..];
    let sources: Vec<&Source> = sources
        .values()
        .map(|s| &**s)
        .filter(|s| !crate::content::translation::is_translation(&s.path, languages))
        .collect();
    let found: Vec<Diagnostic> =
        sources.par_iter().flat_map_iter(|source| terms(&site.config.lint.terms, source)).collect();
    out.extend(found.into_iter().map(|d| match files.get(d.path.as_str()) {
        Some((r, Some(g))) => Warning::of_release(d, r).group(g),
        Some((r, None)) => Warning::of_release(d, r),
        None => Warning::new(d),
    }));
    out
}

fn release_warnings(
    site: &Site,
    h: &Hierarchy,
    release: &Release,
    groups: &[&str],
    source: &Source,
    now: jiff::Timestamp,
    out: &mut Vec<Warning>,
) {
    let warning = |d: Diagnostic| Warning::of_release(d, release);
    for (i, feature) in release.features.iter().enumerate() {
        for (j, g) in feature.groups.iter().enumerate() {
            if h.get(g).is_some() && h.inherited(&feature.value, g).is_none() {
                let d = source.warning_at_value(
                    &format!("features.{i}.groups.{j}"),
                    "missing-value",
                    format!(
                        "feature `{}` has no `value` for `{g}`: add `value: {{ {g}: <what it is worth to them> }}`",
                        feature.id
                    ),
                );
                out.push(warning(d).group(g).feature(&feature.id));
            }
        }
        if let Some(d) = long_summary(site, source, &format!("features.{i}.summary"), &feature.summary) {
            out.push(warning(d).feature(&feature.id));
        }
    }
    for g in groups {
        if h.inherited(&release.access, g).is_none() {
            let at = if release.access.is_empty() { "title" } else { "access" };
            let d = source.warning_at_key(
                at,
                "missing-access",
                format!("no `access` entry for `{g}`: add `access: {{ {g}: {{ how: …, when: …, where: …, permissions: … }} }}`"),
            );
            out.push(warning(d).group(g));
        }
    }
    out.extend(long_summary(site, source, "summary", &release.summary).map(warning));
    for (g, page) in &release.handwritten {
        if let Some(summary) = &page.summary {
            let words = summary.split_whitespace().count();
            if words > site.config.lint.summary_max_words {
                let d = Diagnostic::warning(
                    &page.path,
                    Pos::START,
                    "long-summary",
                    format!(
                        "the summary has {words} words; keep it to {} or fewer",
                        site.config.lint.summary_max_words
                    ),
                );
                out.push(warning(d).group(g));
            }
        }
    }
    for (group, shared) in affected_unreached(site, release, groups) {
        let d = source.warning_at_key(
            "components",
            "unreached-affected-group",
            format!(
                "`{}` uses {} that this release changes, but no feature reaches it: add `{}` to a feature's `groups`",
                group.id,
                shared.join(", "),
                group.id
            ),
        );
        out.push(warning(d).group(&group.id));
    }
    if release.publish_at < release.deployed_at {
        out.push(warning(source.warning_at_value(
            "publish_at",
            "publish-before-deploy",
            "`publish_at` is before `deployed_at`: this announces what is not yet in production; publish at or after the deployment",
        )));
    }
    if release.status == Status::Review && release.publish_at <= now {
        out.push(warning(source.warning_at_value(
            "status",
            "overdue-approval",
            "this release is still in `review` but its `publish_at` has passed: approve it (`status: approved`) or move `publish_at`",
        )));
    }
}

/// The groups affected by `release` (SPEC §4: their `components` meet the release's) that
/// are not among `groups`, the release's groups; each with the components they share, in
/// the group's order.
pub(crate) fn affected_unreached<'s>(
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

fn long_summary(site: &Site, source: &Source, path: &str, summary: &str) -> Option<Diagnostic> {
    let max = site.config.lint.summary_max_words;
    let words = summary.split_whitespace().count();
    (words > max).then(|| {
        source.warning_at_value(
            path,
            "long-summary",
            format!("this summary has {words} words; keep it to {max} or fewer (the full text belongs in the body)"),
        )
    })
}

/// Product names that differ only slightly ("Payments" and "Payment") are one product
/// spelled two ways; the less used spelling is flagged.
fn product_spelling(site: &Site, sources: &crate::content::Sources) -> Vec<Warning> {
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
                    let d = source.warning_at_value(
                        "product",
                        "product-spelling",
                        format!("product `{rare}` looks like `{common}` used by other releases: write `product: {common}` so they roll up together"),
                    );
                    out.push(Warning::of_release(d, r));
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

    /// The review tells which communique a warning concerns from these fields alone: a
    /// `missing-value` for a group concerns that group's communique and not its siblings'.
    #[test]
    fn warnings_say_what_they_are_about() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/review");
        let loaded = crate::content::load(&root);
        let site = loaded.site.expect("the fixture loads");
        let now: jiff::Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
        let mut found = warnings(&site, &loaded.sources, now);
        sort(&mut found);
        let about: Vec<_> =
            found.iter().map(|w| (w.code(), w.release.as_deref(), w.group.as_deref(), w.feature.as_deref())).collect();
        assert_eq!(
            about,
            [
                ("term", Some("dashboard-3-0"), Some("enterprise"), None),
                ("overdue-approval", Some("dashboard-3-0"), None, None),
                ("missing-value", Some("dashboard-3-0"), Some("developers"), Some("home")),
                ("missing-access", Some("payments-2-4"), Some("support"), None),
                ("product-spelling", Some("payments-2-5"), None, None),
                ("unreached-affected-group", Some("payments-2-5"), Some("sales"), None),
                ("publish-before-deploy", Some("payments-2-6"), None, None),
                ("unreached-group", None, Some("sales"), None),
            ]
        );
        // What `check` prints is the same warnings, as diagnostics.
        let mut printed = diagnostics(&site, &loaded.sources, now);
        crate::diagnostics::sort(&mut printed);
        assert_eq!(printed, found.into_iter().map(|w| w.diagnostic).collect::<Vec<_>>());
    }

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
        let source =
            Source::new("x.md".into(), "---\ntitle: Log in faster\n---\nNo login here, but log in.\n".into(), 0..0, 2);
        let terms: BTreeMap<String, String> = [("log in".to_string(), "sign in".to_string())].into();
        let found: Vec<(usize, usize)> = super::terms(&terms, &source).iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(found, [(2, 8), (4, 20)]);
    }

    /// Lower-casing changes byte lengths: offsets in the lower-cased line must be mapped
    /// back, not used on the line as written (this panicked on `K ȺȺ`).
    #[test]
    fn terms_in_text_whose_lower_case_differs_in_length() {
        let text = "K ȺȺ\nKK ȺȺ, İx and ⱥⱥ.\nȺȺȺ\n";
        let source = Source::new("x.md".into(), text.into(), 0..0, 1);
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
        let source = Source::new("x.md".into(), "İ x\n".into(), 0..0, 1);
        let terms: BTreeMap<String, String> = [("\u{307} x".to_string(), "y".to_string())].into();
        assert!(super::terms(&terms, &source).is_empty());
    }
}
