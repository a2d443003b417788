//! The review and the plan for a terminal.

use super::layout::{left, right, table, wrap, Column};
use super::model::Review;
use super::plan::Plan;
use super::summary::{
    action_rows, approval_sentence, audience_sentence, audience_str, channel_label, group_rows, plan_heading,
    release_warnings, row_cells, status_rows, summary_line,
};
use crate::urls;

const STATUS_COLUMNS: [Column; 5] =
    [left("STATUS", usize::MAX), right("RELEASES"), right("COMMUNIQUES"), right("WORDS"), right("WITH WARNINGS")];

const GROUP_COLUMNS: [Column; 9] = [
    left("GROUP", 8),
    left("ID", 8),
    left("AUDIENCE", usize::MAX),
    right("COMMUNIQUES"),
    right("DRAFT"),
    right("REVIEW"),
    right("APPROVED"),
    right("WORDS"),
    right("WITH WARNINGS"),
];

/// The review for a terminal: aligned columns, no line wider than [`TEXT_WIDTH`](super::TEXT_WIDTH).
pub(crate) fn to_text(review: &Review) -> String {
    let mut lines = Vec::new();
    lines.extend(wrap("", "", &format!("Review: {}", review.site_title)));
    lines.extend(wrap("", "", &format!("Now {} ({}); dates are in that timezone.", review.now_local, review.timezone)));
    lines.extend(wrap("", "", &summary_line(review)));
    lines.push(String::new());
    if review.rows.is_empty() {
        lines.push("No releases.".into());
    } else {
        let columns = [
            left("PUBLISH", usize::MAX),
            left("RELEASE", 12),
            left("PRODUCT", 8),
            left("VERSION", 7),
            left("GROUP", 8),
            left("STATUS", usize::MAX),
            right("WORDS"),
            right("EASE"),
            right("WARN"),
        ];
        let rows: Vec<Vec<String>> = review.rows.iter().map(|r| row_cells(r, r.release_title.clone())).collect();
        lines.extend(table("", &columns, &rows));
    }

    lines.push(String::new());
    lines.push("Totals by status".into());
    lines.extend(table("", &STATUS_COLUMNS, &status_rows(review)));
    lines.push(String::new());
    lines.push("Totals by group".into());
    lines.extend(table("", &GROUP_COLUMNS, &group_rows(review)));
    lines.push(String::new());
    lines.push("Actions and breaking changes by group".into());
    let columns = [left("GROUP", 8), left("ID", 8), right("COMMUNIQUES"), right("ACTIONS"), right("BREAKING CHANGES")];
    lines.extend(table("", &columns, &action_rows(review)));

    lines.push(String::new());
    lines.push("Warnings".into());
    let warnings = release_warnings(&review.rows);
    if warnings.is_empty() {
        lines.push("  None.".into());
    }
    for w in &warnings {
        lines.extend(wrap("  ", "  ", &format!("{} ({})", w.title, w.slug)));
        if !w.all.is_empty() {
            lines.extend(wrap("    ", "    ", "All its communiques:"));
            for message in &w.all {
                lines.extend(wrap("    - ", "      ", message));
            }
        }
        for (group, messages) in &w.by_group {
            lines.extend(wrap("    ", "    ", &format!("{group} only:")));
            for message in messages {
                lines.extend(wrap("    - ", "      ", message));
            }
        }
    }

    lines.push(String::new());
    lines.push("Groups that no release reaches".into());
    if review.unreached_groups.is_empty() {
        lines.push("  None.".into());
    }
    for g in &review.unreached_groups {
        lines.extend(wrap("  - ", "    ", &format!("{} ({}, {})", g.group_name, g.group_id, audience_str(g.audience))));
    }
    lines.push(String::new());
    lines.push("Affected groups that no feature reaches".into());
    if review.affected_unreached.is_empty() {
        lines.push("  None.".into());
    }
    for a in &review.affected_unreached {
        lines.extend(wrap(
            "  - ",
            "    ",
            &format!(
                "{} ({}) changes {} used by {} ({})",
                a.release_title,
                a.slug,
                a.components.join(", "),
                a.group_name,
                a.group_id
            ),
        ));
    }
    let plain = |s: &str| s.to_string();
    lines.push(String::new());
    lines.push("Approvals".into());
    if review.approvals.is_empty() {
        lines.push("  None.".into());
    }
    for a in &review.approvals {
        lines.extend(wrap("  - ", "    ", &approval_sentence(a, &plain, &plain)));
    }
    lines.push(String::new());
    lines.push("Changed stakeholders (since the product's previous release)".into());
    if review.audience_changes.is_empty() {
        lines.push("  None.".into());
    }
    for c in &review.audience_changes {
        lines.extend(wrap("  - ", "    ", &audience_sentence(c, &plain, &plain)));
    }
    for c in &review.translations {
        lines.push(String::new());
        lines.push(format!("Translations into {}", c.language));
        for sentence in super::summary::coverage_sentences(c, &plain, &plain) {
            lines.extend(wrap("  - ", "    ", &sentence));
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

impl Plan {
    /// The URL of the communique of release `slug` for group `group`.
    fn communique_url(&self, group: &str, slug: &str) -> String {
        urls::communique_url(&self.base_url, slug, group)
    }
}

/// The distribution plan for a terminal.
pub(crate) fn plan_to_text(plan: &Plan) -> String {
    let mut lines = Vec::new();
    lines.extend(wrap("", "", &format!("Distribution plan: {}", plan.site_title)));
    lines.extend(wrap("", "", &format!("Now {} ({}); dates are in that timezone.", plan.now_local, plan.timezone)));
    for g in &plan.groups {
        lines.push(String::new());
        lines.extend(wrap("", "  ", &plan_heading(g)));
        let mut field = |label: &str, value: &str| lines.extend(wrap(&format!("  {label:<12} "), "    ", value));
        for c in &g.channels {
            field(&format!("{}:", channel_label(c.kind)), &c.url);
        }
        field("Communiques:", &plan.communique_url(&g.group_id, "<release>"));
        if let Some(email) = &g.email {
            field("Email:", email);
        }
        for chat in &g.chat {
            field("Chat:", &chat.shown());
        }
        if g.contacts.is_empty() {
            field("Contacts:", "none");
        }
        for contact in &g.contacts {
            field("Contact:", contact);
        }
        if g.communiques.is_empty() {
            lines.push("  No communiques.".into());
            continue;
        }
        let columns = [
            left("PUBLISH", usize::MAX),
            left("STATE", usize::MAX),
            left("STATUS", usize::MAX),
            left("RELEASE", 12),
            left("VERSION", 7),
            left("COMMUNIQUE", 12),
        ];
        let rows: Vec<Vec<String>> = g
            .communiques
            .iter()
            .map(|c| {
                vec![
                    c.publish_local.clone(),
                    c.state.as_str().into(),
                    c.status.as_str().into(),
                    c.slug.clone(),
                    c.version.clone(),
                    c.title.clone(),
                ]
            })
            .collect();
        lines.extend(table("  ", &columns, &rows));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}
