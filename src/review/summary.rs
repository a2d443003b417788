//! The cells and lines that the text and Markdown renderers both show: table rows,
//! the warnings of each release, the summary line, plan headings.

use super::model::{Review, Row};
use super::plan::PlanGroup;
use crate::model::Audience;

/// One row of the review table, in column order; `title` as the format shows it.
pub(super) fn row_cells(r: &Row, title: String) -> Vec<String> {
    vec![
        r.publish_local.clone(),
        title,
        r.product.clone(),
        r.version.clone(),
        r.group_name.clone(),
        r.status.as_str().into(),
        r.words.to_string(),
        ease_text(r.reading_ease),
        r.warnings.len().to_string(),
    ]
}

pub(super) fn ease_text(ease: Option<f64>) -> String {
    ease.map_or("—".to_string(), |e| format!("{e:.1}"))
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The warnings of each release: those all its communiques share, then those of single
/// communiques. Releases without warnings are left out.
pub(super) struct ReleaseWarnings<'r> {
    pub(super) slug: &'r str,
    pub(super) title: &'r str,
    pub(super) all: Vec<&'r str>,
    /// (group name, warnings)
    pub(super) by_group: Vec<(&'r str, Vec<&'r str>)>,
}

pub(super) fn release_warnings(rows: &[Row]) -> Vec<ReleaseWarnings<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let slug = &rows[i].slug;
        let end = i + rows[i..].iter().take_while(|r| &r.slug == slug).count();
        let of = &rows[i..end];
        let all: Vec<&str> = of[0]
            .warnings
            .iter()
            .map(String::as_str)
            .filter(|w| of.iter().all(|r| r.warnings.iter().any(|x| x == w)))
            .collect();
        let by_group: Vec<(&str, Vec<&str>)> = of
            .iter()
            .map(|r| {
                let own: Vec<&str> = r.warnings.iter().map(String::as_str).filter(|w| !all.contains(w)).collect();
                (r.group_name.as_str(), own)
            })
            .filter(|(_, own)| !own.is_empty())
            .collect();
        if !all.is_empty() || !by_group.is_empty() {
            out.push(ReleaseWarnings { slug, title: &of[0].release_title, all, by_group });
        }
        i = end;
    }
    out
}

pub(super) fn summary_line(review: &Review) -> String {
    let t = &review.totals;
    format!(
        "{} in {}; {} with warnings.",
        plural(t.communiques, "communique", "communiques"),
        plural(t.releases, "release", "releases"),
        t.with_warnings
    )
}

pub(super) fn status_rows(review: &Review) -> Vec<Vec<String>> {
    let t = &review.totals;
    let mut rows: Vec<Vec<String>> = t
        .by_status
        .iter()
        .map(|s| {
            vec![
                s.status.as_str().to_string(),
                s.releases.to_string(),
                s.communiques.to_string(),
                s.words.to_string(),
                s.with_warnings.to_string(),
            ]
        })
        .collect();
    rows.push(vec![
        "total".into(),
        t.releases.to_string(),
        t.communiques.to_string(),
        t.words.to_string(),
        t.with_warnings.to_string(),
    ]);
    rows
}

pub(super) fn audience_str(a: Audience) -> &'static str {
    match a {
        Audience::Public => "public",
        Audience::Internal => "internal",
    }
}

pub(super) fn group_rows(review: &Review) -> Vec<Vec<String>> {
    review
        .totals
        .by_group
        .iter()
        .map(|g| {
            vec![
                g.group_name.clone(),
                g.group_id.clone(),
                audience_str(g.audience).into(),
                g.communiques.to_string(),
                g.draft.to_string(),
                g.review.to_string(),
                g.approved.to_string(),
                g.words.to_string(),
                g.with_warnings.to_string(),
            ]
        })
        .collect()
}

/// Per group with a communique: what it must do and what may break for it (SPEC §11).
pub(super) fn action_rows(review: &Review) -> Vec<Vec<String>> {
    review
        .totals
        .by_group
        .iter()
        .filter(|g| g.communiques > 0)
        .map(|g| {
            vec![
                g.group_name.clone(),
                g.group_id.clone(),
                g.communiques.to_string(),
                g.actions.to_string(),
                g.breaking.to_string(),
            ]
        })
        .collect()
}

pub(super) fn plan_heading(g: &PlanGroup) -> String {
    match g.audience {
        Audience::Public => format!("{} ({}, public)", g.group_name, g.group_id),
        Audience::Internal => format!("{} ({}, internal: internal build only)", g.group_name, g.group_id),
    }
}

pub(super) fn channel_label(kind: &str) -> &'static str {
    match kind {
        "page" => "Group page",
        _ => "RSS feed",
    }
}

/// One approval as a sentence, from its parts; `text` makes content safe for the format
/// (identity for a terminal, escaping for Markdown), `id` an id (code, in Markdown).
pub(super) fn approval_sentence(
    a: &crate::cycle::approval::ApprovalView,
    text: &dyn Fn(&str) -> String,
    id: &dyn Fn(&str) -> String,
) -> String {
    use crate::cycle::approval::ApprovalState;
    let who = match (&a.approved_by, &a.approved_at) {
        (Some(by), Some(at)) => format!(" by {} at {}", text(by), text(at)),
        (Some(by), None) => format!(" by {}", text(by)),
        _ => String::new(),
    };
    let what = match a.state {
        ApprovalState::Current => format!("approved{who}"),
        ApprovalState::Stale => format!(
            "STALE: approved{who}, but the texts for {} changed since; not published until approved again",
            // A public preview's review names no internal group, even here.
            if a.changed_groups.is_empty() {
                "groups not shown here".to_string()
            } else {
                a.changed_groups.iter().map(|g| id(g)).collect::<Vec<_>>().join(", ")
            }
        ),
        state => format!("{}{who}", state.words()),
    };
    format!("{} ({}): {what}", text(&a.release_title), id(&a.slug))
}

/// One change of audience as a sentence (see [`approval_sentence`] for `text` and `id`).
pub(super) fn audience_sentence(
    c: &crate::cycle::audience::AudienceChange,
    text: &dyn Fn(&str) -> String,
    id: &dyn Fn(&str) -> String,
) -> String {
    format!(
        "{} ({}), after {}: {} ({}): {}",
        text(&c.release_title),
        id(&c.slug),
        id(&c.previous_slug),
        text(&c.group_name),
        id(&c.group_id),
        c.words
    )
}

/// What one language lacks, as sentences: one per release without a translation (with the
/// groups whose communiques it makes), then the groups without one; "Every communique and
/// group is translated." when nothing is missing.
pub(super) fn coverage_sentences(
    c: &super::model::Coverage,
    text: &dyn Fn(&str) -> String,
    id: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let mut sentences: Vec<String> = c
        .communiques_missing
        .iter()
        .map(|u| {
            let groups: Vec<String> = u.group_ids.iter().map(|g| id(g)).collect();
            format!(
                "{} ({}) has no translation: {} of its communiques ({}) are shown in the default language",
                text(&u.release_title),
                id(&u.slug),
                u.group_ids.len(),
                groups.join(", ")
            )
        })
        .collect();
    if !c.groups_missing.is_empty() {
        let groups: Vec<String> = c.groups_missing.iter().map(|g| id(&g.group_id)).collect();
        sentences.push(format!("Groups without a translation: {}", groups.join(", ")));
    }
    if sentences.is_empty() {
        sentences.push("Every communique and group is translated.".into());
    } else {
        let missing: usize = c.communiques_missing.iter().map(|u| u.group_ids.len()).sum();
        sentences.insert(0, format!("{missing} of {} communiques lack a translation", c.communiques));
    }
    sentences
}
