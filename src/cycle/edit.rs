//! Sets a few top-level fields of a front matter in place, changing only their lines:
//! comments, order, quoting, line endings and every other byte of the file stay as they
//! were. What cannot be edited that way (a flow mapping, an anchor, a value over several
//! lines, a key written twice) is refused with the reason, and the result is parsed again
//! and compared with the original before it is returned: nothing else may have changed.

use crate::content::front_matter;
use serde_yaml::{Mapping, Value};

/// `text` (a whole content file, without a byte-order mark) with each `(key, value)` of
/// `fields` set: replaced where the key is, otherwise added after the first field's line
/// (or at the end of the front matter). Err: why the file cannot be edited safely.
pub(crate) fn set_fields(text: &str, fields: &[(&str, &str)]) -> Result<String, String> {
    let doc = front_matter::split(text, true).map_err(|e| e.message)?;
    let yaml_start = doc.yaml.as_ptr() as usize - text.as_ptr() as usize;
    let yaml = doc.yaml;
    let original = mapping(yaml)?;
    let mut lines: Vec<String> = yaml.split_inclusive('\n').map(str::to_string).collect();
    if let Some(first) = lines.iter().find(|l| is_content(l)) {
        if first.starts_with('{') {
            return Err("the front matter is one flow mapping `{ … }`: write each field on a line of its own (`key: value`), then approve again".into());
        }
    }
    let ending = lines.first().map_or("\n", |l| if l.ends_with("\r\n") { "\r\n" } else { "\n" }).to_string();
    let mut missing = Vec::new();
    for (key, value) in fields {
        let found: Vec<usize> = (0..lines.len()).filter(|&i| key_of(&lines[i]) == Some(key)).collect();
        match found.as_slice() {
            [] => missing.push((*key, *value)),
            [i] => {
                let next = lines.get(i + 1).map(String::as_str);
                lines[*i] = replace_value(&lines[*i], key, value, next)?;
            }
            _ => return Err(format!("`{key}` is written {} times: keep one of them, then approve again", found.len())),
        }
    }
    if !missing.is_empty() {
        let anchor = fields.first().and_then(|(key, _)| lines.iter().position(|l| key_of(l) == Some(key)));
        let at = anchor.map_or(lines.len(), |i| i + 1);
        let added: Vec<String> =
            missing.iter().map(|(key, value)| format!("{key}: {}{ending}", quoted(value))).collect();
        if at == lines.len() && lines.last().is_some_and(|l| !l.ends_with('\n')) {
            lines.last_mut().expect("a last line").push_str(&ending);
        }
        lines.splice(at..at, added);
    }
    let edited_yaml: String = lines.concat();
    verify(&original, &mapping(&edited_yaml)?, fields)?;
    let yaml_end = yaml_start + yaml.len();
    Ok(format!("{}{}{}", &text[..yaml_start], edited_yaml, &text[yaml_end..]))
}

fn mapping(yaml: &str) -> Result<Mapping, String> {
    match serde_yaml::from_str::<Value>(yaml) {
        Ok(Value::Mapping(map)) => Ok(map),
        Ok(_) => Err("the front matter is not a list of `key: value` fields".into()),
        Err(e) => Err(format!("the front matter is not valid YAML ({e}): run `communique check` and fix it first")),
    }
}

/// A line that holds YAML (not blank, not only a comment).
fn is_content(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// The top-level key a line starts, if any: `key:` at the start of the line.
pub(super) fn key_of(line: &str) -> Option<&str> {
    let (key, _) = line.split_once(':')?;
    let plain = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    plain.then_some(key)
}

/// The line with its value replaced, keeping the spaces, the quoting, a trailing comment
/// and the line ending.
fn replace_value(line: &str, key: &str, value: &str, next: Option<&str>) -> Result<String, String> {
    let body = line.trim_end_matches(['\n', '\r']);
    let ending = &line[body.len()..];
    let after = &body[key.len() + 1..];
    let rest = after.trim_start_matches([' ', '\t']);
    let lead = &body[..body.len() - rest.len()];
    let cannot =
        |why: &str| Err(format!("`{key}` {why}; write it as `{key}: <value>` on one line, then approve again"));
    match rest.chars().next() {
        None | Some('#') => return cannot("has its value on the following lines"),
        Some('|' | '>') => return cannot("is a text over several lines"),
        Some('&' | '*') => return cannot("uses a YAML anchor or alias"),
        Some('!') => return cannot("has a YAML tag"),
        Some('[' | '{') => return cannot("is a list or a mapping"),
        _ => {}
    }
    if next.is_some_and(|n| n.starts_with([' ', '\t']) && is_content(n)) {
        return cannot("continues on the next line");
    }
    let (token_len, replacement) = match rest.as_bytes()[0] {
        b'"' => (closing(rest, '"').ok_or_else(|| format!("`{key}` has an unclosed quote"))?, quoted(value)),
        b'\'' => (
            closing(rest, '\'').ok_or_else(|| format!("`{key}` has an unclosed quote"))?,
            format!("'{}'", value.replace('\'', "''")),
        ),
        _ => {
            let end = rest.find(" #").or_else(|| rest.find("\t#")).unwrap_or(rest.len());
            let token = rest[..end].trim_end();
            let replacement = if plain_safe(value) { value.to_string() } else { quoted(value) };
            (token.len(), replacement)
        }
    };
    let tail = &rest[token_len..];
    if is_content(tail) {
        return cannot("has more than one value on its line");
    }
    Ok(format!("{lead}{replacement}{tail}{ending}"))
}

/// The length of a quoted scalar at the start of `text`, closing quote included.
fn closing(text: &str, quote: char) -> Option<usize> {
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            c if c == quote => {
                if quote == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                    continue;
                }
                return Some(i + 1);
            }
            _ => {}
        }
    }
    None
}

/// A value that reads back as the same text when written without quotes.
fn plain_safe(value: &str) -> bool {
    !value.is_empty()
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && serde_yaml::from_str::<Value>(value).ok() == Some(Value::String(value.to_string()))
}

/// A double-quoted YAML scalar: JSON's string form is one (YAML is a superset of JSON).
pub(crate) fn quoted(value: &str) -> String {
    serde_json::to_string(value).expect("a string serializes")
}

/// The edit changed exactly the fields asked for: each reads back as its value, and the
/// rest of the mapping is what it was.
fn verify(original: &Mapping, edited: &Mapping, fields: &[(&str, &str)]) -> Result<(), String> {
    let mut before = original.clone();
    let mut after = edited.clone();
    for (key, value) in fields {
        let key = Value::String(key.to_string());
        if after.get(&key) != Some(&Value::String(value.to_string())) {
            return Err(format!("`{}` could not be set safely in this front matter", key.as_str().unwrap_or("?")));
        }
        before.remove(&key);
        after.remove(&key);
    }
    if before != after {
        return Err("setting the approval would have changed other fields of this front matter".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[(&str, &str)] = &[("status", "approved"), ("approved_by", "Dana Ops")];

    #[test]
    fn replaces_and_adds_only_those_lines() {
        let text = "---\r\ntitle: A # keep\r\nstatus: 'review'   # was review\r\nsummary: x\r\n---\r\nBody\r\n";
        let edited = set_fields(text, FIELDS).unwrap();
        assert_eq!(
            edited,
            "---\r\ntitle: A # keep\r\nstatus: 'approved'   # was review\r\napproved_by: \"Dana Ops\"\r\nsummary: x\r\n---\r\nBody\r\n"
        );
    }

    #[test]
    fn plain_values_stay_plain_and_existing_records_are_replaced() {
        let text = "---\nstatus: draft\napproved_by: \"Old\"\n---\n";
        assert_eq!(set_fields(text, FIELDS).unwrap(), "---\nstatus: approved\napproved_by: \"Dana Ops\"\n---\n");
    }

    #[test]
    fn refuses_what_it_cannot_edit_safely() {
        for (text, why) in [
            ("---\n{title: A, status: draft}\n---\n", "flow mapping"),
            ("---\nstatus: &s draft\nother: *s\n---\n", "anchor"),
            ("---\nstatus: >\n  draft\n---\n", "several lines"),
            ("---\nstatus:\n  draft\n---\n", "following lines"),
            ("---\nstatus: dr\n  aft\n---\n", "next line"),
            ("---\nstatus: draft\nstatus: review\n---\n", "duplicate"),
            ("---\nstatus: !!str draft\n---\n", "tag"),
        ] {
            let err = set_fields(text, FIELDS).unwrap_err();
            assert!(err.contains(why), "{text:?}: {err}");
        }
    }
}
