//! `import changelog` (SPEC §12): one version's section of a Keep a Changelog file → a
//! draft release, one feature per entry, its `kind` from the section it is under
//! (Added, Changed, Deprecated, Removed, Fixed, Security), its groups left for the author.
//!
//! The file is split into versions by the `parse-changelog` crate, and a version's notes
//! into sections and entries by pulldown-cmark: neither is read by hand here.

use super::{write, Refusal, Written};
use crate::diagnostics::{Diagnostic, Pos};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use serde_yaml::{Mapping, Value};
use std::path::Path;

/// The kinds of change Keep a Changelog names, as `kind` is written.
pub(crate) const KINDS: &[&str] = &["added", "changed", "deprecated", "removed", "fixed", "security"];

pub(crate) struct Request<'a> {
    /// The changelog, as named on the command line.
    pub changelog: &'a Path,
    pub slug: &'a str,
    pub version: Option<&'a str>,
    pub product: Option<&'a str>,
}

/// One entry of a version's section.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The section's kind, if it is one of [`KINDS`].
    pub kind: Option<String>,
    /// The section's heading as written.
    pub section: String,
    /// The entry's first paragraph as plain text.
    pub title: String,
    /// The entry as written (Markdown), without its list marker.
    pub text: String,
}

pub(crate) fn import(root: &Path, request: &Request) -> Result<Written, Refusal> {
    if !crate::slug::is_valid_id(request.slug) {
        return Err(Refusal::Usage(format!(
            "the release slug `{}` must match ^[a-z0-9][a-z0-9._-]*$: write `{}`",
            request.slug,
            crate::slug::slugify(request.slug)
        )));
    }
    if !root.join(crate::config::FILE).is_file() {
        return Err(Refusal::Usage(format!(
            "no site.toml in `{}`: pass `--root` with the site's folder",
            root.display()
        )));
    }
    let shown = request.changelog.display().to_string();
    let bytes = std::fs::read(request.changelog)
        .map_err(|e| Refusal::Usage(format!("cannot read the changelog `{shown}`: {e}")))?;
    let text = crate::content::decode_text(&bytes, &shown)
        .map_err(|d| Refusal::Errors(vec![d], "the changelog cannot be read".into()))?;
    let (version, entries) = section(&text, request.version).map_err(|message| {
        Refusal::Errors(
            vec![Diagnostic::error(&shown, Pos::START, "changelog", message)],
            "nothing was imported".into(),
        )
    })?;
    let rel = format!("content/releases/{}.md", request.slug);
    for taken in [rel.clone(), format!("content/releases/{}", request.slug)] {
        if root.join(&taken).exists() {
            return Err(super::in_file(
                &taken,
                "exists",
                "a release already has this slug: choose another with `--release`".into(),
            ));
        }
    }
    let release = front_matter(&version, request.product, &entries);
    let unknown: Vec<&str> = entries.iter().filter(|e| e.kind.is_none()).map(|e| e.section.as_str()).collect();
    write::create_new(&root.join(&rel), &release).map_err(Refusal::Content)?;
    let mut note = format!(
        "{} entr{} of version {version} from `{shown}`; name each feature's `groups`, then `communique check`",
        entries.len(),
        if entries.len() == 1 { "y" } else { "ies" }
    );
    if !unknown.is_empty() {
        note.push_str(&format!(
            " (entries under {} have no `kind`: that section is not one Keep a Changelog names)",
            unknown.join(", ")
        ));
    }
    Ok(Written { path: rel, note })
}

/// The version asked for (or the newest released one) and its entries.
pub(crate) fn section(text: &str, version: Option<&str>) -> Result<(String, Vec<Entry>), String> {
    let changelog = parse_changelog::parse(text).map_err(|e| {
        format!("this is not a Keep a Changelog file ({e}): versions are headings like `## [1.2.0] - 2026-11-20`")
    })?;
    let release = match version {
        Some(v) => changelog.get(v.trim_start_matches('v')).or_else(|| changelog.get(v)),
        None => changelog.values().find(|r| !r.version.eq_ignore_ascii_case("unreleased")),
    };
    let Some(release) = release else {
        let versions: Vec<&str> = changelog.keys().copied().collect();
        return Err(match version {
            Some(v) => format!(
                "there is no section for version `{v}`; the changelog has {}: pass one of them with `--version`",
                versions.join(", ")
            ),
            None => "the changelog has no released version yet (only `Unreleased`): pass `--version Unreleased` to import it".into(),
        });
    };
    let entries = entries(release.notes);
    if entries.is_empty() {
        return Err(format!(
            "version `{}` has no entries (list items under `### Added`, `### Fixed`…)",
            release.version
        ));
    }
    Ok((release.version.to_string(), entries))
}

/// The entries of a version's notes: each item of a top-level list, under the last
/// `###` heading before it.
fn entries(notes: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut in_heading = false;
    let mut lists = 0usize;
    // The entry being read: where it starts, its title so far, whether the title is done.
    let mut current: Option<(usize, String, bool)> = None;
    for (event, range) in Parser::new(notes).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H3, .. }) => {
                in_heading = true;
                section.clear();
            }
            Event::End(TagEnd::Heading(HeadingLevel::H3)) => in_heading = false,
            Event::Start(Tag::List(_)) => {
                if let Some((_, _, done)) = current.as_mut() {
                    *done = true;
                }
                lists += 1;
            }
            Event::End(TagEnd::List(_)) => lists -= 1,
            Event::Start(Tag::Item) if lists == 1 => current = Some((range.start, String::new(), false)),
            Event::End(TagEnd::Item) if lists == 1 => {
                if let Some((start, title, _)) = current.take() {
                    let kind = section.trim().to_lowercase();
                    out.push(Entry {
                        kind: KINDS.contains(&kind.as_str()).then_some(kind),
                        section: section.trim().to_string(),
                        title: title.split_whitespace().collect::<Vec<_>>().join(" "),
                        text: without_marker(&notes[start..range.end]),
                    });
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some((_, _, done)) = current.as_mut() {
                    *done = true;
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if in_heading {
                    section.push_str(&t);
                } else if let Some((_, title, false)) = current.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, title, false)) = current.as_mut() {
                    title.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

/// A list item's Markdown without its marker (`- `, `* `, `1. `), its other lines
/// brought back by the marker's width.
fn without_marker(item: &str) -> String {
    let first = item.lines().next().unwrap_or("");
    let marker = first.len()
        - first
            .trim_start_matches(['-', '*', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.', ')'])
            .trim_start()
            .len();
    let mut lines = item.lines();
    let mut text = lines.next().map_or("", |l| &l[marker.min(l.len())..]).to_string();
    for line in lines {
        text.push('\n');
        let indent = line.len() - line.trim_start_matches(' ').len();
        text.push_str(&line[indent.min(marker)..]);
    }
    text.trim_end().to_string()
}

/// The draft release: written by serde_yaml (every text quoted as it needs), under a
/// comment that says what is left to do.
fn front_matter(version: &str, product: Option<&str>, entries: &[Entry]) -> String {
    let mut map = Mapping::new();
    let put = |map: &mut Mapping, key: &str, value: Value| {
        map.insert(Value::String(key.into()), value);
    };
    if let Some(product) = product {
        put(&mut map, "title", Value::String(format!("{product} {version}")));
        put(&mut map, "product", Value::String(product.into()));
    }
    put(&mut map, "version", Value::String(version.into()));
    put(&mut map, "status", Value::String("draft".into()));
    let features = entries
        .iter()
        .map(|entry| {
            let mut feature = Mapping::new();
            put(&mut feature, "title", Value::String(entry.title.clone()));
            if let Some(kind) = &entry.kind {
                put(&mut feature, "kind", Value::String(kind.clone()));
            }
            if entry.text != entry.title {
                put(&mut feature, "summary", Value::String(entry.text.clone()));
            }
            put(&mut feature, "groups", Value::Sequence(Vec::new()));
            Value::Mapping(feature)
        })
        .collect();
    put(&mut map, "features", Value::Sequence(features));
    let yaml = serde_yaml::to_string(&map).expect("a mapping of texts serializes");
    let missing = if product.is_some() { "deployed_at" } else { "title, product, deployed_at" };
    format!(
        "---\n\
         # Imported from the changelog by `communique import changelog`. Still to write:\n\
         # {missing}, each feature's `groups` (who it is for), their `value` and `access`.\n\
         # `communique check` names each of them.\n\
         {yaml}---\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHANGELOG: &str = "# Changelog\n\n## [Unreleased]\n\n### Added\n- Not yet\n\n## [1.2.0] - 2026-11-20\n\n### Added\n\n- Instant refunds for **card** payments (#12).\n- PDF invoices:\n  - monthly\n  - yearly\n\n### Fixed\n* Settlement reports `rounding`\n  on two lines.\n\n### Notes\n- Something else\n\n## [1.1.0] - 2026-10-01\n\n### Removed\n- The old API\n";

    #[test]
    fn one_entry_per_item_with_its_kind() {
        let (version, entries) = section(CHANGELOG, Some("1.2.0")).unwrap();
        assert_eq!(version, "1.2.0");
        let shown: Vec<(Option<&str>, &str)> = entries.iter().map(|e| (e.kind.as_deref(), e.title.as_str())).collect();
        assert_eq!(
            shown,
            [
                (Some("added"), "Instant refunds for card payments (#12)."),
                (Some("added"), "PDF invoices:"),
                (Some("fixed"), "Settlement reports rounding on two lines."),
                (None, "Something else"),
            ]
        );
        assert_eq!(entries[1].text, "PDF invoices:\n- monthly\n- yearly");
        assert_eq!(entries[0].text, "Instant refunds for **card** payments (#12).");
    }

    #[test]
    fn the_newest_released_version_by_default_and_a_missing_one_is_named() {
        assert_eq!(section(CHANGELOG, None).unwrap().0, "1.2.0");
        assert_eq!(section(CHANGELOG, Some("v1.1.0")).unwrap().0, "1.1.0");
        let err = section(CHANGELOG, Some("9.9.9")).unwrap_err();
        assert!(err.contains("9.9.9") && err.contains("1.1.0"), "{err}");
    }
}
