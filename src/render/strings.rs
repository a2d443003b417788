//! The theme's own words in each language (SPEC §13): headings such as "What's new for
//! you", the navigation, month names. The built-in theme ships `themes/default/i18n/<lang>.toml`
//! for English and German; a site changes any word in `themes/<theme>/i18n/<lang>.toml`
//! (the way Hugo's `i18n/<lang>.toml` does), key by key. A key no file of the language has
//! is the built-in English one, so a language the theme does not ship still renders.

use crate::config::languages::DateWords;
use crate::diagnostics::{hint, Diagnostic, Pos};
use std::collections::BTreeMap;
use std::path::Path;

/// The built-in theme's words, by language.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../../themes/default/i18n/en.toml")),
    ("de", include_str!("../../themes/default/i18n/de.toml")),
];

/// One language's words: every key of the built-in English file, as text.
#[derive(Debug, Clone)]
pub(crate) struct Strings {
    pub words: BTreeMap<String, String>,
    /// How dates are written; None: the built-in English way (the common case, kept fast).
    pub dates: Option<DateWords>,
}

/// The path of a site's file of words for `lang`, relative to the site.
pub(crate) fn site_file(theme: &str, lang: &str) -> String {
    format!("themes/{theme}/i18n/{lang}.toml")
}

/// Language `lang`'s words: the built-in English ones, then the built-in theme's for
/// `lang`, then the site's file, each key of a later one winning. Errors name the site's file.
pub(crate) fn load(root: &Path, theme: &str, lang: &str) -> Result<Strings, Vec<Diagnostic>> {
    let english = parse(BUILT_IN[0].1, "built-in en.toml").expect("the built-in English words are valid TOML");
    let keys: Vec<&str> = english.keys().map(String::as_str).collect();
    let mut table = english.clone();
    if let Some((_, text)) = BUILT_IN.iter().find(|(code, _)| *code == lang).filter(|(code, _)| *code != "en") {
        table.extend(parse(text, "built-in").expect("the built-in words are valid TOML"));
    }
    let rel = site_file(theme, lang);
    let path = root.join(&rel);
    if path.is_file() {
        let text = crate::content::read_text(&path, &rel).map_err(|d| vec![d])?;
        let site = parse(&text, &rel).map_err(|d| vec![d])?;
        let mut errors = Vec::new();
        for (key, value) in site {
            let at = crate::config::key_pos(&text, None, &key);
            if !keys.contains(&key.as_str()) {
                errors.push(Diagnostic::error(
                    &rel,
                    at,
                    "unknown-field",
                    format!("the theme has no words called `{key}`{}", hint(&key, &keys)),
                ));
            } else if check_value(&key, &value).is_err() {
                errors.push(Diagnostic::error(&rel, at, "invalid-value", check_value(&key, &value).unwrap_err()));
            } else {
                table.insert(key, value);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
    }
    Ok(strings(table, &english))
}

fn parse(text: &str, rel: &str) -> Result<toml::Table, Diagnostic> {
    toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(Pos::START, |s| {
            let before = &text[..s.start.min(text.len())];
            Pos::new(before.matches('\n').count() + 1, before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1)
        });
        Diagnostic::error(rel, at, "toml-syntax", format!("invalid TOML: {}", e.message()))
    })
}

/// What a key's value must be: text, or for `months` twelve names.
fn check_value(key: &str, value: &toml::Value) -> Result<(), String> {
    if key == "months" {
        let ok = value.as_array().is_some_and(|a| a.len() == 12 && a.iter().all(|m| m.is_str()));
        return if ok {
            Ok(())
        } else {
            Err("`months` must be the twelve month names, January first: `months = [\"Januar\", \"Februar\", …]`"
                .into())
        };
    }
    if value.is_str() {
        Ok(())
    } else {
        Err(format!("`{key}` must be text in quotes, such as `{key} = \"…\"`"))
    }
}

fn strings(table: toml::Table, english: &toml::Table) -> Strings {
    let list = |t: &toml::Table, key: &str| -> Vec<String> {
        t.get(key)
            .and_then(|v| v.as_array())
            .map_or_else(Vec::new, |a| a.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
    };
    let months = list(&table, "months");
    let day_suffix = table.get("day_suffix").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let english_dates = months == list(english, "months") && day_suffix.is_empty();
    let dates = (!english_dates)
        .then(|| DateWords { months: std::array::from_fn(|i| months.get(i).cloned().unwrap_or_default()), day_suffix });
    let words = table.into_iter().filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string()))).collect();
    Strings { words, dates }
}

/// The site's description in these words: the site's own, or when `site.toml` has none,
/// the language's `site_description`.
pub(crate) fn site_description<'a>(config: &'a crate::config::SiteConfig, words: &'a Strings) -> &'a str {
    match words.words.get("site_description") {
        Some(word) if config.description == crate::config::DEFAULT_DESCRIPTION => word,
        _ => &config.description,
    }
}

/// `word` with each `{name}` of `values` replaced by its value, in one pass: a value
/// that holds `{…}` itself is written as it is.
pub(crate) fn fill(word: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(word.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = word;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let found = after
            .find('}')
            .and_then(|close| values.iter().find(|(name, _)| *name == &after[..close]).map(|(_, v)| (close, v)));
        match found {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filling_a_word_replaces_each_name_once() {
        assert_eq!(fill("{title} goes live", &[("title", "Payments {x}")]), "Payments {x} goes live");
        assert_eq!(fill("Due: {text} ({release})", &[("text", "{release}"), ("release", "P")]), "Due: {release} (P)");
        assert_eq!(fill("{unknown} {", &[("title", "T")]), "{unknown} {");
    }

    #[test]
    fn every_built_in_language_has_every_english_word() {
        let english = parse(BUILT_IN[0].1, "en").unwrap();
        for (lang, text) in BUILT_IN {
            let table = parse(text, lang).unwrap();
            let mut missing: Vec<_> = english.keys().filter(|k| !table.contains_key(*k)).collect();
            missing.extend(table.keys().filter(|k| !english.contains_key(*k)));
            assert!(missing.is_empty(), "{lang}: {missing:?}");
            for (key, value) in &table {
                assert_eq!(check_value(key, value), Ok(()), "{lang}: {key}");
            }
        }
    }

    #[test]
    fn every_word_a_built_in_template_uses_exists() {
        let english = parse(BUILT_IN[0].1, "en").unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        for entry in walkdir::WalkDir::new(dir).into_iter().map(|e| e.unwrap()).filter(|e| e.file_type().is_file()) {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            for (at, _) in text.match_indices("strings.") {
                let key: String =
                    text[at + 8..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                assert!(english.contains_key(&key), "{}: strings.{key}", entry.path().display());
            }
        }
    }

    #[test]
    fn a_site_changes_words_key_by_key_and_a_wrong_key_is_an_error() {
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("themes/default/i18n");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("de.toml"), "whats_new = \"Neu für Sie\"\n").unwrap();
        let de = load(site.path(), "default", "de").unwrap();
        assert_eq!(de.words["whats_new"], "Neu für Sie");
        assert_eq!(de.words["keep_in_mind"], "Bitte beachten");
        assert_eq!(de.dates.as_ref().unwrap().months[2], "März");
        let en = load(site.path(), "default", "en").unwrap();
        assert_eq!(en.words["whats_new"], "What's new for you");
        assert!(en.dates.is_none());
        // A language the theme does not ship: English words until the site writes its own.
        assert_eq!(load(site.path(), "default", "fr").unwrap().words["whats_new"], "What's new for you");

        std::fs::write(dir.join("de.toml"), "\nwhats_neu = \"Neu\"\nmonths = [\"Jan\"]\n").unwrap();
        let errors = load(site.path(), "default", "de").unwrap_err();
        let found: Vec<_> = errors.iter().map(|d| (d.path.as_str(), d.line, d.code)).collect();
        assert_eq!(
            found,
            [("themes/default/i18n/de.toml", 3, "invalid-value"), ("themes/default/i18n/de.toml", 2, "unknown-field")]
        );
        assert!(errors[1].message.contains("did you mean `whats_new`"), "{}", errors[1].message);
    }
}
