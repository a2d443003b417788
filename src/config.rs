//! `site.toml` → [`SiteConfig`]: every key, its default, and the errors an author can make.

use crate::diagnostics::{hint, Diagnostic, Pos};
use serde::Deserialize;
use std::collections::BTreeMap;

pub(crate) mod brand;
pub(crate) mod languages;
pub(crate) mod notify;
pub(crate) use brand::BrandConfig;
pub(crate) use notify::NotifyConfig;

pub(crate) const FILE: &str = "site.toml";

/// The site's description when `site.toml` has none; each language says it in its own
/// words (`site_description`).
pub(crate) const DEFAULT_DESCRIPTION: &str = "What each release means for you.";

#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub description: String,
    pub language: String,
    /// Every language of the site, the default (`language`) first (SPEC §13).
    pub languages: Vec<String>,
    /// The words of people's dates, when they are not the built-in English ones (a
    /// language's strings, see `render::strings`).
    pub date_words: Option<std::sync::Arc<languages::DateWords>>,
    pub timezone: String,
    pub tz: jiff::tz::TimeZone,
    pub theme: String,
    pub output_dir: String,
    pub internal_output_dir: String,
    pub paginate_by: usize,
    pub feed_limit: usize,
    pub markdown: MarkdownConfig,
    pub lint: LintConfig,
    pub notify: NotifyConfig,
    pub brand: BrandConfig,
    pub review: ReviewConfig,
    pub search: SearchConfig,
}

/// `[search]` (SPEC §13): how the search index is cut into shards.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// About how many releases each shard of the index holds (docs/publishing.md): an
    /// edit indexes one shard again; a reader's browser loads one bundle per shard.
    #[serde(default = "default_releases_per_shard")]
    pub releases_per_shard: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { releases_per_shard: default_releases_per_shard() }
    }
}

fn default_releases_per_shard() -> usize {
    250
}

/// `[review]` (SPEC §12).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// An approved release without `approved_by`, `approved_at` and
    /// `approved_fingerprint` (written by `communique approve`) is an error.
    #[serde(default)]
    pub require_approval_record: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    #[serde(default)]
    pub unsafe_html: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    #[serde(default = "default_summary_max_words")]
    pub summary_max_words: usize,
    /// Discouraged term → preferred term.
    #[serde(default)]
    pub terms: BTreeMap<String, String>,
}

impl Default for LintConfig {
    fn default() -> Self {
        LintConfig { summary_max_words: default_summary_max_words(), terms: BTreeMap::new() }
    }
}

fn default_summary_max_words() -> usize {
    60
}

/// site.toml as written; defaults are applied in [`SiteConfig::from_raw`].
#[derive(Debug, Deserialize)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<String>,
    description: Option<String>,
    language: Option<String>,
    /// Read in [`languages::parse`], which says what to type instead.
    languages: Option<toml::Value>,
    timezone: Option<String>,
    theme: Option<String>,
    output_dir: Option<String>,
    internal_output_dir: Option<String>,
    paginate_by: Option<i64>,
    feed_limit: Option<i64>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    lint: LintConfig,
    #[serde(default)]
    review: ReviewConfig,
    #[serde(default)]
    search: SearchConfig,
    /// Read in [`notify::parse`], which says where each problem is.
    notify: Option<toml::Value>,
    #[serde(default)]
    brand: brand::RawBrand,
}

const TOP_KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "language",
    "languages",
    "timezone",
    "theme",
    "output_dir",
    "internal_output_dir",
    "paginate_by",
    "feed_limit",
    "markdown",
    "lint",
    "notify",
    "review",
    "brand",
    "search",
];
const MARKDOWN_KEYS: &[&str] = &["unsafe_html"];
const LINT_KEYS: &[&str] = &["summary_max_words", "terms"];
const REVIEW_KEYS: &[&str] = &["require_approval_record"];
const SEARCH_KEYS: &[&str] = &["releases_per_shard"];

/// The tables of site.toml whose keys are checked, with their keys ([notify] has its own
/// rules).
const SECTIONS: [(&str, &[&str]); 5] = [
    ("markdown", MARKDOWN_KEYS),
    ("lint", LINT_KEYS),
    ("review", REVIEW_KEYS),
    ("brand", brand::KEYS),
    ("search", SEARCH_KEYS),
];

impl SiteConfig {
    /// Parses site.toml, reporting every problem found, not only the first.
    pub fn parse(text: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        let err = |pos: Pos, code: &'static str, msg: String| Diagnostic::error(FILE, pos, code, msg);
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let pos = e.span().map_or(Pos::START, |s| pos_at(text, s.start));
            vec![err(pos, "toml-syntax", format!("invalid TOML: {}", e.message()))]
        })?;

        let mut diagnostics = Vec::new();
        check_keys(text, &table, None, TOP_KEYS, &mut diagnostics);
        for (section, keys) in SECTIONS {
            match table.get(section) {
                Some(toml::Value::Table(t)) => check_keys(text, t, Some(section), keys, &mut diagnostics),
                Some(_) => diagnostics.push(err(
                    key_pos(text, None, section),
                    "invalid-value",
                    format!("`{section}` must be a table: write `[{section}]` on its own line, then its keys"),
                )),
                None => {}
            }
        }
        // Report unknown keys together with every other problem: drop them and go on.
        let mut table = table;
        table.retain(|key: &str, _| TOP_KEYS.contains(&key));
        for (section, keys) in SECTIONS {
            match table.get_mut(section) {
                Some(toml::Value::Table(t)) => t.retain(|key: &str, _| keys.contains(&key)),
                Some(_) => {
                    table.remove(section);
                }
                None => {}
            }
        }
        let result = typed(text, table).and_then(|raw| Self::from_raw(text, raw));
        match result {
            Ok(config) if diagnostics.is_empty() => Ok(config),
            Ok(_) => Err(diagnostics),
            Err(more) => {
                diagnostics.extend(more);
                Err(diagnostics)
            }
        }
    }

    fn from_raw(text: &str, raw: RawConfig) -> Result<SiteConfig, Vec<Diagnostic>> {
        let mut diagnostics = Vec::new();
        let mut fail = |key: &str, code: &'static str, msg: String| {
            diagnostics.push(Diagnostic::error(FILE, key_pos(text, None, key), code, msg));
        };
        let title = raw.title.unwrap_or_default();
        if title.trim().is_empty() {
            fail("title", "missing-field", "`title` is required: add `title = \"Acme release communications\"`".into());
        }
        let base_url = match raw.base_url {
            None => {
                fail(
                    "base_url",
                    "missing-field",
                    "`base_url` is required: add `base_url = \"https://releases.example.com/\"`".into(),
                );
                String::new()
            }
            Some(url) => match check_base_url(&url) {
                Ok(()) => with_trailing_slash(&url),
                Err(problem) => {
                    fail("base_url", "invalid-value", format!("`base_url` {problem}"));
                    String::new()
                }
            },
        };
        let timezone = raw.timezone.unwrap_or_else(|| "UTC".into());
        let tz = match jiff::tz::TimeZone::get(&timezone) {
            Ok(tz) => tz,
            Err(_) => {
                fail("timezone", "invalid-value", format!("`{timezone}` is not an IANA time zone; write a name such as `UTC`, `Europe/Paris` or `America/New_York`"));
                jiff::tz::TimeZone::UTC
            }
        };
        let mut positive = |key: &str, value: Option<i64>, default: usize| match value {
            None => default,
            Some(n) if n >= 1 => n as usize,
            Some(n) => {
                fail(key, "invalid-value", format!("`{key}` must be a whole number of at least 1, not {n}"));
                default
            }
        };
        let paginate_by = positive("paginate_by", raw.paginate_by, 25);
        let feed_limit = positive("feed_limit", raw.feed_limit, 50);
        let theme = raw.theme.unwrap_or_else(|| "default".into());
        if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
            fail(
                "theme",
                "invalid-value",
                format!("`theme` must be a folder name under `themes/`, such as `default`, not `{theme}`"),
            );
        }
        let output_dir = raw.output_dir.unwrap_or_else(|| "public".into());
        let internal_output_dir = raw.internal_output_dir.unwrap_or_else(|| "internal".into());
        for (key, folder) in [("output_dir", &output_dir), ("internal_output_dir", &internal_output_dir)] {
            if let Err(problem) = check_output_folder(folder) {
                fail(key, "invalid-value", format!("`{key}` {problem}"));
            }
        }
        let notify = match &raw.notify {
            Some(value) => notify::parse(text, value, &tz, &mut diagnostics),
            None => NotifyConfig::default(),
        };
        let brand = brand::parse(text, raw.brand, &mut diagnostics);
        if raw.search.releases_per_shard == 0 {
            diagnostics.push(Diagnostic::error(
                FILE,
                key_pos(text, Some("search"), "releases_per_shard"),
                "invalid-value",
                "`releases_per_shard` must be a whole number of at least 1, such as `releases_per_shard = 250`",
            ));
        }
        let languages = languages::parse(text, raw.language.as_deref(), raw.languages.as_ref(), &mut diagnostics);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        Ok(SiteConfig {
            title,
            base_url,
            description: raw.description.unwrap_or_else(|| DEFAULT_DESCRIPTION.into()),
            language: languages[0].clone(),
            languages,
            date_words: None,
            timezone,
            tz,
            theme,
            output_dir,
            internal_output_dir,
            paginate_by,
            feed_limit,
            markdown: raw.markdown,
            lint: raw.lint,
            notify,
            review: raw.review,
            search: raw.search,
            brand,
        })
    }

    /// An absolute URL for a path relative to the site root (`groups/x/`).
    pub fn url(&self, path: &str) -> String {
        crate::urls::url(&self.base_url, &[path])
    }
}

/// The rule for the URL a site is served from, in site.toml and on the command line:
/// `http` or `https`, with a host, and no space or control character (a line break in
/// it would become a header of its own in an e-mail, or a line of its own in a
/// calendar). The error completes a sentence that starts with the URL's name.
pub(crate) fn check_base_url(url: &str) -> Result<(), String> {
    const EXAMPLE: &str = "such as `https://releases.example.com/`";
    if let Some(c) = url.chars().find(|c| c.is_control() || c.is_whitespace()) {
        let shown: String = url.chars().flat_map(char::escape_debug).collect();
        return Err(format!(
            "must be a URL without spaces or control characters ({EXAMPLE}); `{shown}` has {}",
            match c {
                '\n' => "a line break".to_string(),
                '\r' => "a carriage return".to_string(),
                ' ' => "a space".to_string(),
                c => format!("the character U+{:04X}", u32::from(c)),
            }
        ));
    }
    // The URL parser forgives `https:x.example` and `https:///x.example`; a base URL is
    // written out as it stands, so it must be well-formed as written.
    let authority = url.split_once("://").map(|(_, rest)| rest);
    let written_out = authority.is_some_and(|rest| !rest.is_empty() && !rest.starts_with(['/', '\\']));
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() && written_out => Ok(()),
        Ok(parsed) if !matches!(parsed.scheme(), "http" | "https") => {
            Err(format!("must start with `https://` or `http://` ({EXAMPLE}), not `{}:`: `{url}`", parsed.scheme()))
        }
        _ => Err(format!("must be an absolute URL {EXAMPLE}, not `{url}`")),
    }
}

/// The rule for `output_dir` and `internal_output_dir`: a folder inside the site, named
/// relative to its root, and not one of the site's own sources. (`build --output`
/// names any folder: there the user says explicitly where to write.)
pub(crate) fn check_output_folder(folder: &str) -> Result<(), String> {
    use std::path::{Component, Path};
    let example = "such as `public`";
    let path = Path::new(folder);
    if folder.trim().is_empty() || path.components().all(|c| c == Component::CurDir) {
        return Err(format!(
            "must name a folder inside the site, {example}: the site's own folder cannot be its output"
        ));
    }
    if path.is_absolute() || folder.starts_with(['/', '\\']) || folder.contains(':') {
        return Err(format!(
            "must be a folder inside the site, relative to it ({example}), not `{folder}`; to write elsewhere, use `communique build --output <folder>`"
        ));
    }
    if folder.split(['/', '\\']).any(|part| part == "..") {
        return Err(format!(
            "must stay inside the site ({example}), without `..`: not `{folder}`; to write elsewhere, use `communique build --output <folder>`"
        ));
    }
    // A hidden folder holds a tool's settings, read as instructions: `.git/commondir` or
    // `.cargo/config.toml` written by a build can make git or cargo run a command.
    if folder.split(['/', '\\']).any(|part| part.starts_with('.') && part != ".") {
        return Err(format!(
            "must not be a hidden folder or inside one, as `{folder}` is: hidden folders hold tools' settings (`.git`, `.cargo`); choose a visible folder, {example}"
        ));
    }
    let first = path.components().find(|c| *c != Component::CurDir);
    if let Some(Component::Normal(first)) = first {
        // Case-insensitive: on such a file system (macOS, Windows) `Content` is `content`.
        let first = first.to_string_lossy().to_lowercase();
        if let Some(source) = ["content", "themes", "static", FILE].into_iter().find(|s| first == *s) {
            return Err(format!(
                "must not be inside the site's `{source}`, as `{folder}` is: choose a folder of its own, {example}"
            ));
        }
    }
    Ok(())
}

pub(crate) fn with_trailing_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

fn check_keys(text: &str, table: &toml::Table, section: Option<&str>, known: &[&str], out: &mut Vec<Diagnostic>) {
    for key in table.keys() {
        if !known.contains(&key.as_str()) {
            let place = section.map_or(String::new(), |s| format!(" in `[{s}]`"));
            out.push(Diagnostic::error(
                FILE,
                key_pos(text, section, key),
                "unknown-field",
                format!("unknown key `{key}`{place}{}", hint(key, known)),
            ));
        }
    }
}

/// The table as [`RawConfig`], with every value of the wrong type reported at its key:
/// a bad key is set aside and the rest read again, so that one run reports them all.
fn typed(text: &str, mut table: toml::Table) -> Result<RawConfig, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    // Each round removes one key, so the rounds are bounded by the number of keys.
    loop {
        match serde_path_to_error::deserialize::<_, RawConfig>(toml::Value::Table(table.clone())) {
            Ok(raw) if errors.is_empty() => return Ok(raw),
            Ok(_) => return Err(errors),
            Err(e) => {
                let path: Vec<String> = e
                    .path()
                    .iter()
                    .filter_map(|s| match s {
                        serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                        _ => None,
                    })
                    .collect();
                let pos = match path.as_slice() {
                    [key] => key_pos(text, None, key),
                    [section, key, ..] => key_pos(text, Some(section), key),
                    [] => Pos::START,
                };
                let message = e
                    .inner()
                    .message()
                    .replace("invalid type: ", "found ")
                    .replace("invalid value: ", "found ")
                    .replace("expected i64", "expected a whole number")
                    .replace("expected usize", "expected a whole number, 0 or more")
                    .replace("expected a string", "expected text")
                    .replace("expected a boolean", "expected true or false")
                    .replace("found sequence", "found a list")
                    .replace("expected a map", "expected a table");
                errors.push(Diagnostic::error(FILE, pos, "invalid-value", format!("`{}`: {message}", path.join("."))));
                let removed = match path.as_slice() {
                    [key] => table.remove(key).is_some(),
                    [section, key, ..] => {
                        table.get_mut(section).and_then(|t| t.as_table_mut()).and_then(|t| t.remove(key)).is_some()
                    }
                    [] => false,
                };
                if !removed {
                    return Err(errors);
                }
            }
        }
    }
}

/// Finds `key = …` (inside `[section]` if given) to point a diagnostic at it.
pub(crate) fn key_pos(text: &str, section: Option<&str>, key: &str) -> Pos {
    let mut in_section = section.is_none();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            let name = trimmed.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            in_section = Some(name) == section;
            if section.is_none() && name == key {
                return Pos::new(i + 1, line.len() - trimmed.len() + 1);
            }
            continue;
        }
        if in_section {
            let name = trimmed.split('=').next().unwrap_or("").trim().trim_matches('"');
            if name == key && trimmed.contains('=') {
                return Pos::new(i + 1, line.len() - trimmed.len() + 1);
            }
        }
    }
    Pos::START
}

fn pos_at(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos::new(line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_every_optional_key() {
        let c = SiteConfig::parse("title = \"T\"\nbase_url = \"https://x.example\"\n").unwrap();
        assert_eq!(c.base_url, "https://x.example/");
        assert_eq!((c.paginate_by, c.feed_limit, c.theme.as_str()), (25, 50, "default"));
        assert_eq!((c.output_dir.as_str(), c.internal_output_dir.as_str()), ("public", "internal"));
        assert_eq!(c.lint.summary_max_words, 60);
        assert!(!c.markdown.unsafe_html);
    }

    #[test]
    fn every_unknown_key_is_reported_with_a_hint() {
        let errs =
            SiteConfig::parse("titel = \"T\"\nbase_url = \"https://x.example\"\n[markdown]\nunsafe_htm = true\n")
                .unwrap_err();
        // The misspelt `title` is also missing: both are said in the same run.
        let codes: Vec<_> = errs.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["unknown-field", "unknown-field", "missing-field"]);
        assert!(errs[0].message.contains("did you mean `title`"), "{}", errs[0].message);
        assert_eq!((errs[0].line, errs[0].column), (1, 1));
        assert!(errs[1].message.contains("`unsafe_html`"));
        assert_eq!(errs[1].line, 4);
    }

    #[test]
    fn required_keys_and_bad_values() {
        let errs = SiteConfig::parse("base_url = \"/relative\"\ntimezone = \"Mars/Base\"\n").unwrap_err();
        let codes: Vec<_> = errs.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["missing-field", "invalid-value", "invalid-value"]);
    }

    #[test]
    fn syntax_error_has_a_position() {
        let errs = SiteConfig::parse("title = \"T\"\nbase_url = \n").unwrap_err();
        assert_eq!(errs[0].code, "toml-syntax");
        assert_eq!(errs[0].line, 2);
    }
}
