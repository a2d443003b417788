//! `languages` of site.toml (SPEC §13): the languages a site is written in, the default
//! first. Each code names a folder of the output (`/de/`) and the ending of translation
//! files (`customers.de.md`), so only a lowercase language tag gets through.

use super::{key_pos, FILE};
use crate::diagnostics::Diagnostic;

/// How people's dates are written in a language: `21. November 2026` is day, suffix,
/// month name, year.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateWords {
    pub months: [String; 12],
    pub day_suffix: String,
}

/// The languages of a site: `language` alone when `languages` is not written. The error
/// says what to type instead.
pub(crate) fn parse(
    text: &str,
    language: Option<&str>,
    raw: Option<&toml::Value>,
    out: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let fallback = vec![language.unwrap_or("en").to_string()];
    let Some(raw) = raw else { return fallback };
    let mut fail =
        |message: String| out.push(Diagnostic::error(FILE, key_pos(text, None, "languages"), "invalid-value", message));
    let Some(items) = raw.as_array() else {
        fail(
            "`languages` must be a list of language codes, the default first: write `languages = [\"en\", \"de\"]`"
                .into(),
        );
        return fallback;
    };
    let mut codes: Vec<String> = Vec::new();
    for item in items {
        let Some(code) = item.as_str() else {
            fail(format!("`languages` holds {item}, which is not a language code: write codes in quotes, such as `languages = [\"en\", \"de\"]`"));
            continue;
        };
        if let Err(problem) = check_code(code) {
            fail(format!("`languages`: {problem}"));
        } else if codes.iter().any(|c| c == code) {
            fail(format!("`languages` lists `{code}` twice: list each language once"));
        } else {
            codes.push(code.to_string());
        }
    }
    if items.is_empty() {
        fail("`languages` is empty: list the site's languages, the default first, such as `languages = [\"en\", \"de\"]`".into());
    }
    if let (Some(language), Some(first)) = (language, codes.first()) {
        if language != first {
            let mut rest: Vec<String> = codes.iter().filter(|c| *c != language).map(|c| format!("\"{c}\"")).collect();
            rest.insert(0, format!("\"{language}\""));
            fail(format!(
                "`language` is `{language}` but `languages` starts with `{first}`: the first of `languages` is the default language; remove `language`, or write `languages = [{}]`",
                rest.join(", ")
            ));
        }
    }
    if codes.is_empty() {
        fallback
    } else {
        codes
    }
}

/// The rule for a language code: a lowercase BCP 47 tag (`en`, `de`, `pt-br`, `zh-hant`),
/// since it names an output folder and a file ending. The error completes `languages: `.
pub(crate) fn check_code(code: &str) -> Result<(), String> {
    let lower = code.to_lowercase();
    let mut parts = lower.split('-');
    let primary = parts.next().unwrap_or("");
    let primary_ok = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let rest_ok = parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !(primary_ok && rest_ok) {
        return Err(format!(
            "`{code}` is not a language code: write a two- or three-letter code, maybe with a region, such as `de`, `fr` or `pt-br`"
        ));
    }
    if lower != code {
        return Err(format!(
            "`{code}` must be written in lowercase, `{lower}`: it names an output folder and the ending of translation files"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(toml_text: &str) -> (Vec<String>, Vec<Diagnostic>) {
        let table: toml::Table = toml::from_str(toml_text).unwrap();
        let mut out = Vec::new();
        let language = table.get("language").and_then(|v| v.as_str());
        let codes = parse(toml_text, language, table.get("languages"), &mut out);
        (codes, out)
    }

    #[test]
    fn without_the_key_the_site_has_its_one_language() {
        assert_eq!(parsed("").0, ["en"]);
        assert_eq!(parsed("language = \"fr\"").0, ["fr"]);
    }

    #[test]
    fn the_first_is_the_default() {
        let (codes, errors) = parsed("languages = [\"de\", \"en\"]");
        assert_eq!((codes, errors.len()), (vec!["de".to_string(), "en".to_string()], 0));
        assert!(parsed("language = \"de\"\nlanguages = [\"de\", \"en\"]").1.is_empty());
    }

    #[test]
    fn bad_values_say_what_to_type() {
        for (text, says) in [
            ("languages = \"de\"", "languages = [\"en\", \"de\"]"),
            ("languages = []", "is empty"),
            ("languages = [\"en\", \"de\", \"de\"]", "twice"),
            ("languages = [\"en\", \"DE\"]", "`de`"),
            ("languages = [\"en\", \"german\"]", "such as `de`"),
            ("languages = [\"en\", \"../x\"]", "not a language code"),
            ("languages = [\"en\", 3]", "in quotes"),
            ("language = \"fr\"\nlanguages = [\"en\", \"fr\"]", "languages = [\"fr\", \"en\"]"),
        ] {
            let (_, errors) = parsed(text);
            assert_eq!(errors.len(), 1, "{text}: {errors:?}");
            assert!(errors[0].message.contains(says), "{text}: {}", errors[0].message);
            assert_eq!(errors[0].line, text.lines().position(|l| l.starts_with("languages")).unwrap() + 1);
        }
        for ok in ["en", "de", "pt-br", "zh-hant", "gsw"] {
            assert_eq!(check_code(ok), Ok(()), "{ok}");
        }
    }
}
