//! Reading a front matter's fields: its one parse, unknown fields, type errors, numbers
//! that lose digits, and the small rules every field shares (required, one of a list of
//! names, a date), each problem a diagnostic at the key or value it is about.

use super::dates;
use super::source::Source;
use super::yaml::{self, kind_of};
use crate::diagnostics::{hint, Diagnostic};
use serde::Deserialize;
use serde_yaml::{Mapping, Value};
use std::borrow::Cow;

/// Parses the front matter, reports unknown keys (all of them), wrong types, and numbers
/// whose digits YAML would not keep.
pub(super) fn front_matter<T: for<'de> Deserialize<'de>>(
    source: &Source,
    known: &[&str],
    nested: impl Fn(&Mapping, &mut Vec<Diagnostic>),
    out: &mut Vec<Diagnostic>,
) -> Option<T> {
    let read = match yaml::read(source.yaml()) {
        Ok(read) => read,
        Err(e) => {
            out.push(Diagnostic::error(&source.path, source.in_file(e.pos), e.code, e.message));
            return None;
        }
    };
    source.set_locator(read.locator);
    check_keys(source, &read.map, "", known, out);
    nested(&read.map, out);
    let mut value = Value::Mapping(read.map);
    yaml::scalars_to_text(&mut value, None);
    let typed = match yaml::typed::<T>(&value) {
        Ok(raw) => Some(raw),
        Err(errors) => {
            for (path, error) in errors {
                let message = format!("`{}`: {error}{}", display_path(&path), quote_hint(source, &path, &error));
                let d = source.error_at_value(&path, "invalid-value", message);
                // `nested` may have explained this very value already, in better words.
                if !out.iter().any(|o| (&o.path, o.line, o.column) == (&d.path, d.line, d.column)) {
                    out.push(d);
                }
            }
            None
        }
    };
    // A number that is also the wrong type is explained once, by its error.
    for lossy in &read.lossy {
        let d = lossy_number(source, lossy);
        if !out.iter().any(|o| (&o.path, o.line, o.column) == (&d.path, d.line, d.column)) {
            out.push(d);
        }
    }
    typed
}

/// A mapping where text belongs, written on the field's line (`- Note: x` in a list of
/// texts), is most often text with `: ` in it.
pub(super) fn quote_hint(source: &Source, path: &str, error: &yaml::TypeError) -> &'static str {
    let yaml::TypeError::Mismatch { found: yaml::Found::Kind(_), expected: yaml::Expected::Text } = error else {
        return "";
    };
    let at = source.value(path);
    let line = source.text.lines().nth(at.line.saturating_sub(1)).unwrap_or("");
    let before: String = line.chars().take(at.column.saturating_sub(1)).collect();
    let rest: String = line.chars().skip(at.column.saturating_sub(1)).collect();
    let in_flow = before.trim_end().ends_with(['{', '[', ',']);
    let block_mapping = !in_flow && !rest.starts_with(['{', '[', '-']) && rest.contains(": ");
    if block_mapping {
        "; if it is text with `: ` in it, put the value in quotes"
    } else {
        ""
    }
}

/// `version: 2.10` is the number 2.1 to YAML: the text is kept as written, and the
/// author told to quote it, so that every tool reads the same.
pub(super) fn lossy_number(source: &Source, lossy: &yaml::Lossy) -> Diagnostic {
    let name = lossy.path.rsplit('.').next().unwrap_or(&lossy.path);
    let quoted = if name.parse::<usize>().is_ok() {
        format!("- \"{}\"", lossy.written)
    } else {
        format!("{name}: \"{}\"", lossy.written)
    };
    Diagnostic::warning(
        &source.path,
        source.in_file(lossy.pos),
        "lossy-number",
        match &lossy.read {
            Some(read) => format!(
                "`{}`: YAML reads `{}` as the number {read}, which loses digits; it is kept as written here, but put it in quotes so that every tool reads it so: `{quoted}`",
                display_path(&lossy.path),
                lossy.written,
            ),
            None => format!(
                "`{}`: YAML reads `{}` as a whole number too large to hold; it is kept as written here, but put it in quotes so that every tool reads it so: `{quoted}`",
                display_path(&lossy.path),
                lossy.written,
            ),
        },
    )
}

/// `features.0.title` → `features[0].title`, as an author reads it.
pub(crate) fn display_path(path: &str) -> String {
    let mut shown = String::new();
    for part in path.split('.') {
        if part.parse::<usize>().is_ok() {
            shown.push_str(&format!("[{part}]"));
        } else {
            if !shown.is_empty() {
                shown.push('.');
            }
            shown.push_str(part);
        }
    }
    shown
}

pub(super) fn check_keys(source: &Source, map: &Mapping, prefix: &str, known: &[&str], out: &mut Vec<Diagnostic>) {
    for key in map.keys() {
        let name: Cow<str> = match key {
            Value::String(s) => Cow::Borrowed(s),
            // A list or mapping as a key (`? [a, b]`) is shown by kind: written out, a
            // large one would fill the message.
            Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => Cow::Owned(format!("<{}>", kind_of(key))),
            other => Cow::Owned(serde_yaml::to_string(other).unwrap_or_default().trim().to_string()),
        };
        if !known.contains(&name.as_ref()) {
            let path = if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
            let place = if prefix.is_empty() { String::new() } else { format!(" in `{}`", display_path(prefix)) };
            out.push(source.error_at_key(
                &path,
                "unknown-field",
                format!("unknown field `{name}`{place}{}", hint(&name, known)),
            ));
        }
    }
}

/// Checks the keys of each mapping in a list field (`features`, `constraints`, `windows`).
pub(super) fn check_list_items(source: &Source, map: &Mapping, field: &str, known: &[&str], out: &mut Vec<Diagnostic>) {
    if let Some(Value::Sequence(items)) = map.get(field) {
        for (i, item) in items.iter().enumerate() {
            if let Value::Mapping(m) = item {
                check_keys(source, m, &format!("{field}.{i}"), known, out);
            }
        }
    }
}

pub(super) fn text(value: Option<String>) -> String {
    value.map(trimmed).unwrap_or_default()
}

pub(super) fn non_empty(value: Option<String>) -> Option<String> {
    value.map(trimmed).filter(|s| !s.is_empty())
}

/// `text` without the spaces around it, copied only when it has some: nearly no text
/// has, and a release has dozens of texts.
pub(super) fn trimmed(text: String) -> String {
    if text.trim().len() == text.len() {
        text
    } else {
        text.trim().to_string()
    }
}

pub(super) fn require(
    source: &Source,
    value: Option<String>,
    field: &str,
    example: &str,
    out: &mut Vec<Diagnostic>,
) -> String {
    match non_empty(value) {
        Some(v) => v,
        None => {
            let parent = field.rsplit_once('.').map_or("", |(p, _)| p);
            let name = field.rsplit('.').next().unwrap_or(field);
            out.push(source.error_at_key(
                if parent.is_empty() { field } else { parent },
                "missing-field",
                format!("`{}` is required: add `{name}: {example}`", display_path(field)),
            ));
            String::new()
        }
    }
}

pub(super) fn one_of<T: Copy>(
    source: &Source,
    value: &str,
    field: &str,
    names: &[&str],
    variants: &[T],
    out: &mut Vec<Diagnostic>,
) -> Option<T> {
    match names.iter().position(|n| *n == value) {
        Some(i) => Some(variants[i]),
        None => {
            out.push(source.error_at_value(
                field,
                "invalid-value",
                format!("`{}` cannot be `{value}`{}", display_path(field), hint(value, names)),
            ));
            None
        }
    }
}

pub(super) fn date(
    source: &Source,
    value: &str,
    field: &str,
    tz: &jiff::tz::TimeZone,
    out: &mut Vec<Diagnostic>,
) -> Option<jiff::Timestamp> {
    match dates::parse(value, tz) {
        Ok(parsed) => {
            if let Some(note) = parsed.note {
                out.push(source.warning_at_value(
                    field,
                    note.code,
                    format!("`{}`: {}", display_path(field), note.message),
                ));
            }
            Some(parsed.at)
        }
        Err(message) => {
            out.push(source.error_at_value(field, "invalid-date", format!("`{}`: {message}", display_path(field))));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths() {
        assert_eq!(display_path("features.0.groups.1"), "features[0].groups[1]");
        assert_eq!(display_path("access.customers.how"), "access.customers.how");
    }
}
