//! `[brand]` of site.toml (SPEC §11): the site's logo (a file of `static/`) and its accent
//! colour. The colour goes into the pages' CSS, so only what a CSS colour parser accepts
//! gets through, and it is written back in one form (`#rrggbb` or `#rrggbbaa`) that
//! cannot carry anything else.

use super::{key_pos, FILE};
use crate::diagnostics::{Diagnostic, Pos};
use serde::Deserialize;
use std::path::Path;

pub(crate) const KEYS: &[&str] = &["logo", "accent"];

/// `[brand]` as written.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RawBrand {
    logo: Option<String>,
    accent: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct BrandConfig {
    /// The logo's path under `static/`, with `/` between folders (as it is published).
    pub logo: Option<String>,
    /// Where `logo = …` is written, for [`BrandConfig::check_files`].
    pub logo_pos: Pos,
    /// A CSS colour, normalised to hex.
    pub accent: Option<String>,
}

pub(crate) fn parse(text: &str, raw: RawBrand, out: &mut Vec<Diagnostic>) -> BrandConfig {
    let at = |key: &str| key_pos(text, Some("brand"), key);
    let mut brand = BrandConfig { logo_pos: at("logo"), ..BrandConfig::default() };
    if let Some(logo) = raw.logo {
        match logo_path(&logo) {
            Ok(path) => brand.logo = Some(path),
            Err(problem) => out.push(Diagnostic::error(FILE, at("logo"), "invalid-value", format!("`logo` {problem}"))),
        }
    }
    if let Some(accent) = raw.accent {
        match accent_colour(&accent) {
            Ok(colour) => brand.accent = Some(colour),
            Err(problem) => {
                out.push(Diagnostic::error(FILE, at("accent"), "invalid-value", format!("`accent` {problem}")))
            }
        }
    }
    brand
}

/// The rule for `logo`: a file under `static/`, named relative to it, that a URL can name
/// as it stands. The error completes a sentence that starts with the key's name.
pub(crate) fn logo_path(logo: &str) -> Result<String, String> {
    const EXAMPLE: &str = "such as `logo = \"images/logo.svg\"` for `static/images/logo.svg`";
    let path = logo.trim().replace('\\', "/");
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    if parts.is_empty() {
        return Err(format!("must name a file under `static/`, {EXAMPLE}"));
    }
    if path.starts_with('/') || path.contains(':') || parts.contains(&"..") {
        return Err(format!("must be a path relative to `static/` that stays inside it, {EXAMPLE}; not `{logo}`"));
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if parts.iter().any(|p| p.starts_with('.') || !p.chars().all(plain)) {
        return Err(format!(
            "must be a path of letters, digits, `-`, `_` and `.`, without hidden folders or spaces, {EXAMPLE}; not `{logo}`"
        ));
    }
    Ok(parts.join("/"))
}

/// The rule for `accent`: any colour CSS takes (`#0b5fff`, `rgb(11 95 255)`, `teal`…),
/// as hex.
pub(crate) fn accent_colour(accent: &str) -> Result<String, String> {
    match csscolorparser::parse(accent.trim()) {
        Ok(colour) if !accent.trim().is_empty() => Ok(colour.to_css_hex().to_string()),
        _ => Err(format!(
            "must be a CSS colour, such as `accent = \"#0b5fff\"`, `\"rgb(11 95 255)\"` or `\"teal\"`; not `{accent}`"
        )),
    }
}

impl BrandConfig {
    /// The problems only the site's files show: a logo that is not in `static/`.
    pub fn check_files(&self, root: &Path) -> Option<Diagnostic> {
        let logo = self.logo.as_deref()?;
        let file = root.join("static").join(logo);
        (!file.is_file()).then(|| {
            Diagnostic::error(
                FILE,
                self.logo_pos,
                "missing-file",
                format!("`logo`: there is no file `static/{logo}`; put the logo there, or write its path relative to `static/`"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logos_are_plain_paths_inside_static() {
        for (written, path) in
            [("logo.svg", "logo.svg"), ("images/logo.png", "images/logo.png"), ("./a//b.svg", "a/b.svg")]
        {
            assert_eq!(logo_path(written).as_deref(), Ok(path), "{written}");
        }
        for bad in [
            "",
            "/etc/logo.svg",
            "../logo.svg",
            "a/../../b.svg",
            "C:/logo.svg",
            ".git/config",
            "my logo.svg",
            "a\"b.svg",
            "logo.svg?x",
        ] {
            assert!(logo_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn accents_are_css_colours_written_back_as_hex() {
        for (written, hex) in
            [("#0b5fff", "#0b5fff"), ("teal", "#008080"), ("rgb(255 0 0)", "#ff0000"), (" #ABC ", "#aabbcc")]
        {
            assert_eq!(accent_colour(written).as_deref(), Ok(hex), "{written}");
        }
        for bad in ["", "red; } body { display: none", "url(x)", "</style>", "nocolour"] {
            assert!(accent_colour(bad).is_err(), "{bad}");
        }
    }
}
