//! What a chat message says, in the order a reader needs it (SPEC §11), before any
//! platform writes it: actions with their deadlines first, then the features with the
//! group's value, access, and constraints by kind. Each platform turns an [`Entry`] into
//! its own markup with [`Entry::spans`].

use super::text::{Format, Span};
use crate::notify::message::Message;

/// A heading and what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Section {
    pub heading: String,
    pub entries: Vec<Entry>,
}

/// One action, one feature, the access, or one kind of constraint: lines of parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    pub lines: Vec<Vec<Part>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
    /// Content shown in bold (a feature's title, a deadline).
    Strong(String),
    /// Content.
    Plain(String),
    /// Our own words in bold (`What it means for you:`).
    Label(String),
    /// A list item's mark.
    Bullet,
}

/// The communique's title as the message shows it.
pub(super) fn title(message: &Message) -> String {
    if message.correction {
        format!("{}: {}", message.words.correction, message.title)
    } else {
        message.title.clone()
    }
}

pub(super) fn sections(message: &Message) -> Vec<Section> {
    let mut sections = Vec::new();
    if !message.actions.is_empty() {
        let entries = message
            .actions
            .iter()
            .map(|action| {
                let mut line = vec![Part::Bullet];
                if let Some(due) = &action.due {
                    line.push(Part::Strong(format!("{} {due}:", message.words.due_by)));
                    line.push(Part::Plain(" ".into()));
                }
                line.push(Part::Plain(action.text.clone()));
                Entry { lines: vec![line] }
            })
            .collect();
        sections.push(Section { heading: message.words.action_required.clone(), entries });
    }
    if !message.features.is_empty() {
        let entries = message
            .features
            .iter()
            .map(|feature| {
                let mut first = vec![Part::Strong(feature.title.clone())];
                if !feature.labels.is_empty() {
                    first.push(Part::Plain(format!(" ({})", feature.labels.join(", "))));
                }
                let mut lines = vec![first];
                if !feature.summary.is_empty() {
                    lines.push(vec![Part::Plain(feature.summary.clone())]);
                }
                if let Some(value) = feature.value.as_ref().filter(|v| !v.is_empty()) {
                    let label = Part::Label(message.words.what_it_means.clone());
                    lines.push(vec![label, Part::Plain(format!(" {value}"))]);
                }
                Entry { lines }
            })
            .collect();
        sections.push(Section { heading: message.words.whats_new.clone(), entries });
    }
    if !message.access.is_empty() {
        let lines = message
            .access
            .iter()
            .map(|(label, text)| vec![Part::Strong(format!("{label}:")), Part::Plain(format!(" {text}"))])
            .collect();
        sections.push(Section { heading: message.words.how_when_where.clone(), entries: vec![Entry { lines }] });
    }
    if !message.constraints.is_empty() {
        // Constraints by kind, kinds in the order they first appear.
        let mut entries: Vec<(String, Entry)> = Vec::new();
        for (kind, text) in &message.constraints {
            let item = vec![Part::Bullet, Part::Plain(text.clone())];
            match entries.iter_mut().find(|(k, _)| k == kind) {
                Some((_, entry)) => entry.lines.push(item),
                None => entries.push((kind.clone(), Entry { lines: vec![vec![Part::Strong(kind.clone())], item] })),
            }
        }
        let entries = entries.into_iter().map(|(_, e)| e).collect();
        sections.push(Section { heading: message.words.keep_in_mind.clone(), entries });
    }
    sections
}

/// The summary and every section as one text (Discord's description, Mattermost's post):
/// headings in bold, each section's entries set apart by blank lines if any has more
/// than one line.
pub(super) fn document(message: &Message, format: Format) -> Vec<Span> {
    let mut spans = vec![Span::content(message.summary.trim())];
    for section in sections(message) {
        spans.push(Span::markup(format!("\n\n{}", format.bold(&section.heading))));
        // A list of one-line entries stays a list; longer entries are set apart.
        let apart = section.entries.iter().any(|e| e.lines.len() > 1);
        for (i, entry) in section.entries.iter().enumerate() {
            spans.push(Span::markup(if i > 0 && apart { "\n\n" } else { "\n" }));
            spans.extend(entry.spans(format, "\n"));
        }
    }
    if message.summary.trim().is_empty() {
        // No blank lines before the first heading.
        spans.remove(0);
        if let Some(first) = spans.first_mut() {
            first.before = first.before.trim_start().to_string();
        }
    }
    spans
}

impl Entry {
    /// The entry in `format`, lines separated by `newline`.
    pub(super) fn spans(&self, format: Format, newline: &str) -> Vec<Span> {
        let mut spans = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                spans.push(Span::markup(newline));
            }
            for part in line {
                spans.push(match part {
                    Part::Strong(content) => Span::around(format.bold_mark(), content.clone(), format.bold_mark()),
                    Part::Plain(content) => Span::content(content.clone()),
                    Part::Label(words) => Span::markup(format.bold(words)),
                    Part::Bullet => Span::markup("• "),
                });
            }
        }
        spans
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::notify::message::{ActionNote, FeatureNote};

    /// A communique with a little of everything.
    pub(crate) fn message() -> Message {
        Message {
            release: "payments-2-4".into(),
            group: "customers".into(),
            title: "Payments 2.4 for customers".into(),
            summary: "Faster settlement & a new <column>.".into(),
            url: "https://releases.acme.example/groups/customers/payments-2-4/".into(),
            published_at: "2026-11-21T08:00:00Z".parse().unwrap(),
            actions: vec![ActionNote { text: "Map the new column.".into(), due: Some("2026-11-11".into()) }],
            features: vec![FeatureNote {
                title: "Settlement-type column".into(),
                labels: vec!["changed".into(), "breaking".into()],
                summary: "Exports gain a column.".into(),
                value: Some("Reconcile in one step.".into()),
            }],
            access: vec![("How".into(), "Enabled for everyone.".into()), ("When".into(), "From 1 December.".into())],
            constraints: vec![
                ("Limitation".into(), "CSV only.".into()),
                ("Known issue".into(), "Slow on Mondays.".into()),
                ("Limitation".into(), "No PDF.".into()),
            ],
            text: "Payments 2.4 for customers\n\nFaster settlement.".into(),
            html: "<h1>Payments 2.4 for customers</h1>".into(),
            correction: false,
            words: Default::default(),
        }
    }

    #[test]
    fn actions_come_first_and_constraints_are_grouped_by_kind() {
        let sections = sections(&message());
        let headings: Vec<_> = sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(headings, ["Action required", "What's new for you", "How, when and where", "Keep in mind"]);
        let constraints = &sections[3].entries;
        assert_eq!(constraints.len(), 2);
        assert_eq!(constraints[0].lines.len(), 3, "Limitation, then its two items");
    }

    #[test]
    fn a_document_without_a_summary_opens_with_its_first_heading() {
        let format =
            Format { syntax: super::super::text::Syntax::Markdown, measure: super::super::text::Measure::Utf16 };
        let spans = document(&Message { summary: " ".into(), ..message() }, format);
        assert_eq!(spans[0], Span::markup("**Action required**"));
    }

    #[test]
    fn a_correction_says_so_in_its_title() {
        assert_eq!(title(&Message { correction: true, ..message() }), "Correction: Payments 2.4 for customers");
        assert_eq!(title(&message()), "Payments 2.4 for customers");
    }
}
