//! The review and the plan as Markdown, to paste into a wiki page or a pull request;
//! content is escaped so that it makes no markup of its own.

use super::layout::Align;
use super::model::Review;
use super::plan::Plan;
use super::summary::{
    action_rows, approval_sentence, audience_sentence, audience_str, channel_label, group_rows, plan_heading,
    release_warnings, row_cells, status_rows, summary_line,
};
use std::fmt::Write as _;

/// A Markdown table cell: no line breaks, `|` escaped.
fn cell(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

/// Content (a title, a name, a warning) as Markdown text that makes no markup of its
/// own: one line (so it can start no heading, list or table row), the characters that
/// make markup within a line backslash-escaped (so no HTML comment can hide the rows
/// after it, no link, image, emphasis, code or math), and a word joiner after `@` so that
/// no team is mentioned. `|` is [`cell`]'s to escape.
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '@' => out.push_str("@\u{2060}"),
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '&' | '~' | '#' | '$' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }
    out
}

fn md_table(out: &mut String, headers: &[&str], align: &[Align], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let rule: Vec<&str> = align.iter().map(|a| if *a == Align::Right { "--:" } else { "---" }).collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

/// The review as Markdown, to paste into a wiki page or a pull request.
pub(crate) fn to_markdown(review: &Review) -> String {
    use Align::{Left as L, Right as R};
    let mut out = String::new();
    let _ = writeln!(out, "# Review: {}\n", md_text(&review.site_title));
    let _ = writeln!(
        out,
        "Now {} ({}); dates are in that timezone. {}\n",
        review.now_local,
        review.timezone,
        summary_line(review)
    );
    if review.rows.is_empty() {
        out.push_str("No releases.\n\n");
    } else {
        let rows: Vec<Vec<String>> = review
            .rows
            .iter()
            .map(|r| {
                let mut cells = row_cells(r, format!("[{}]({})", md_text(&r.release_title), r.url));
                // Product, version and group come from content.
                for content in &mut cells[2..5] {
                    *content = md_text(content);
                }
                cells
            })
            .collect();
        md_table(
            &mut out,
            &["Publish", "Release", "Product", "Version", "Group", "Status", "Words", "Reading ease", "Warnings"],
            &[L, L, L, L, L, L, R, R, R],
            &rows,
        );
        out.push('\n');
    }
    out.push_str("## Totals by status\n\n");
    md_table(
        &mut out,
        &["Status", "Releases", "Communiques", "Words", "With warnings"],
        &[L, R, R, R, R],
        &status_rows(review),
    );
    out.push_str("\n## Totals by group\n\n");
    md_table(
        &mut out,
        &["Group", "Id", "Audience", "Communiques", "Draft", "Review", "Approved", "Words", "With warnings"],
        &[L, L, L, R, R, R, R, R, R],
        &group_rows(review)
            .into_iter()
            .map(|mut row| {
                row[0] = md_text(&row[0]);
                row
            })
            .collect::<Vec<_>>(),
    );
    out.push_str("\n## Actions and breaking changes by group\n\n");
    md_table(
        &mut out,
        &["Group", "Id", "Communiques", "Actions", "Breaking changes"],
        &[L, L, R, R, R],
        &action_rows(review)
            .into_iter()
            .map(|mut row| {
                row[0] = md_text(&row[0]);
                row
            })
            .collect::<Vec<_>>(),
    );
    out.push_str("\n## Warnings\n\n");
    let warnings = release_warnings(&review.rows);
    if warnings.is_empty() {
        out.push_str("None.\n\n");
    }
    for w in &warnings {
        let _ = writeln!(out, "### {} (`{}`)\n", md_text(w.title), w.slug);
        for message in &w.all {
            let _ = writeln!(out, "- All its communiques: {}", md_text(message));
        }
        for (group, messages) in &w.by_group {
            for message in messages {
                let _ = writeln!(out, "- {} only: {}", md_text(group), md_text(message));
            }
        }
        out.push('\n');
    }
    out.push_str("## Groups that no release reaches\n\n");
    if review.unreached_groups.is_empty() {
        out.push_str("None.\n");
    }
    for g in &review.unreached_groups {
        let _ = writeln!(out, "- {} (`{}`, {})", md_text(&g.group_name), g.group_id, audience_str(g.audience));
    }
    out.push_str("\n## Affected groups that no feature reaches\n\n");
    if review.affected_unreached.is_empty() {
        out.push_str("None.\n");
    }
    for a in &review.affected_unreached {
        let components: Vec<String> = a.components.iter().map(|c| format!("`{c}`")).collect();
        let _ = writeln!(
            out,
            "- {} (`{}`) changes {} used by {} (`{}`)",
            md_text(&a.release_title),
            a.slug,
            components.join(", "),
            md_text(&a.group_name),
            a.group_id
        );
    }
    let escaped = |s: &str| md_text(s);
    let code = |s: &str| format!("`{s}`");
    out.push_str("\n## Approvals\n\n");
    if review.approvals.is_empty() {
        out.push_str("None.\n");
    }
    for a in &review.approvals {
        let _ = writeln!(out, "- {}", approval_sentence(a, &escaped, &code));
    }
    out.push_str("\n## Changed stakeholders (since the product's previous release)\n\n");
    if review.audience_changes.is_empty() {
        out.push_str("None.\n");
    }
    for c in &review.audience_changes {
        let _ = writeln!(out, "- {}", audience_sentence(c, &escaped, &code));
    }
    for c in &review.translations {
        let _ = writeln!(out, "\n## Translations into {}\n", md_text(&c.language));
        for sentence in super::summary::coverage_sentences(c, &escaped, &code) {
            let _ = writeln!(out, "- {sentence}");
        }
    }
    out
}

/// The distribution plan as Markdown.
pub(crate) fn plan_to_markdown(plan: &Plan) -> String {
    use Align::Left as L;
    let mut out = String::new();
    let _ = writeln!(out, "# Distribution plan: {}\n", md_text(&plan.site_title));
    let _ = writeln!(out, "Now {} ({}); dates are in that timezone.", plan.now_local, plan.timezone);
    for g in &plan.groups {
        let _ = writeln!(out, "\n## {}\n", md_text(&plan_heading(g)));
        for c in &g.channels {
            let _ = writeln!(out, "- {}: <{}>", channel_label(c.kind), c.url);
        }
        if let Some(email) = &g.email {
            let _ = writeln!(out, "- Email: <{email}>");
        }
        for chat in &g.chat {
            let _ = writeln!(out, "- Chat: {} (`{}`)", chat.kind.as_str(), chat.webhook_env);
        }
        if g.contacts.is_empty() {
            out.push_str("- Contacts: none\n");
        }
        for contact in &g.contacts {
            let _ = writeln!(out, "- Contact: {}", md_text(contact));
        }
        out.push('\n');
        if g.communiques.is_empty() {
            out.push_str("No communiques.\n");
            continue;
        }
        let rows: Vec<Vec<String>> = g
            .communiques
            .iter()
            .map(|c| {
                vec![
                    c.publish_local.clone(),
                    c.state.as_str().into(),
                    c.status.as_str().into(),
                    format!("[{}]({})", md_text(&c.title), c.url),
                    md_text(&c.product),
                    md_text(&c.version),
                ]
            })
            .collect();
        md_table(
            &mut out,
            &["Publish", "State", "Status", "Communique", "Product", "Version"],
            &[L, L, L, L, L, L],
            &rows,
        );
    }
    out
}
