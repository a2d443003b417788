//! The template environment: the site's `themes/<theme>/templates/<name>.html` first,
//! template by template, then the built-in theme embedded in the binary.

use crate::diagnostics::{Diagnostic, Pos};
use minijinja::Environment;
use std::path::{Path, PathBuf};

/// The built-in theme, embedded so that a site needs no theme of its own.
pub(crate) const BUILT_IN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../themes/default/templates/base.html")),
    ("index.html", include_str!("../../themes/default/templates/index.html")),
    ("releases.html", include_str!("../../themes/default/templates/releases.html")),
    ("release.html", include_str!("../../themes/default/templates/release.html")),
    ("communique.html", include_str!("../../themes/default/templates/communique.html")),
    ("communique-brief.html", include_str!("../../themes/default/templates/communique-brief.html")),
    ("groups.html", include_str!("../../themes/default/templates/groups.html")),
    ("group.html", include_str!("../../themes/default/templates/group.html")),
    ("404.html", include_str!("../../themes/default/templates/404.html")),
    ("review.html", include_str!("../../themes/default/templates/review.html")),
    ("products.html", include_str!("../../themes/default/templates/products.html")),
    ("product.html", include_str!("../../themes/default/templates/product.html")),
    ("communique.txt", include_str!("../../themes/default/templates/communique.txt")),
    ("subscribe.html", include_str!("../../themes/default/templates/subscribe.html")),
    ("since.html", include_str!("../../themes/default/templates/since.html")),
];

/// The built-in theme's partials: pieces the page templates include (`{% include
/// "partials/…" %}`), each overridable on its own like a page template. Kept apart from
/// [`BUILT_IN`] because they are not pages: no page is rendered with one directly, so an
/// edit to one concerns every page (see `memo`).
pub(crate) const BUILT_IN_PARTIALS: &[(&str, &str)] = &[
    ("partials/release-cards.html", include_str!("../../themes/default/templates/partials/release-cards.html")),
    ("partials/communique-cards.html", include_str!("../../themes/default/templates/partials/communique-cards.html")),
    ("partials/group-list.html", include_str!("../../themes/default/templates/partials/group-list.html")),
    ("partials/labels.html", include_str!("../../themes/default/templates/partials/labels.html")),
    ("partials/pagination.html", include_str!("../../themes/default/templates/partials/pagination.html")),
    ("partials/action-required.html", include_str!("../../themes/default/templates/partials/action-required.html")),
];

/// The built-in theme's static files, copied to the output root.
pub(crate) const BUILT_IN_STATIC: &[(&str, &str)] = &[
    ("style.css", include_str!("../../themes/default/static/style.css")),
    ("copy.js", include_str!("../../themes/default/static/copy.js")),
    ("since.js", include_str!("../../themes/default/static/since.js")),
];

/// Joins a template name to the theme folder, refusing `..`, hidden segments and
/// backslashes (as minijinja's own path loader does).
fn safe_join(base: &Path, template: &str) -> Option<PathBuf> {
    let mut path = base.to_path_buf();
    for segment in template.split('/') {
        if segment.is_empty() || segment.starts_with('.') || segment.contains('\\') {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

/// Escapes text for HTML content and quoted attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    write_escaped(&mut out, text).expect("writing to a String cannot fail");
    out
}

/// Writes `text` escaped, copying the runs between special characters in one piece:
/// pages are mostly text that needs no escaping.
fn write_escaped(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut last = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[last..i])?;
        out.write_str(entity)?;
        last = i + 1;
    }
    out.write_str(&text[last..])
}

/// Where the site's own templates are, if it has any.
#[derive(Clone)]
pub(crate) struct Theme {
    pub name: String,
    pub dir: PathBuf,
    root: PathBuf,
}

impl Theme {
    pub(crate) fn new(root: &Path, name: &str) -> Self {
        Theme { name: name.to_string(), dir: root.join("themes").join(name), root: root.to_path_buf() }
    }

    /// The site's override of `template`, if it has one inside the site.
    fn override_path(&self, template: &str) -> Option<PathBuf> {
        let path = safe_join(&self.dir.join("templates"), template)?;
        if !path.is_file() {
            return None;
        }
        let root = self.root.canonicalize().ok()?;
        path.canonicalize().ok().filter(|p| p.starts_with(&root)).map(|_| path)
    }

    /// The path a diagnostic names for `template`.
    pub(crate) fn display_path(&self, template: &str) -> String {
        match self.override_path(template) {
            Some(_) => format!("themes/{}/templates/{template}", self.name),
            None => format!("themes/default/templates/{template} (built-in)"),
        }
    }

    /// Whether the theme (the site's or the built-in one) has `template`.
    pub(crate) fn has(&self, template: &str) -> bool {
        self.override_path(template).is_some() || BUILT_IN.iter().any(|(n, _)| *n == template)
    }

    /// The template group `g`'s communiques render with: `communique-<name>.html` for its
    /// `template: <name>` when the theme has it, else `communique.html` (SPEC §11).
    pub(crate) fn communique_template(&self, g: &crate::model::StakeholderGroup) -> String {
        match &g.template {
            Some(name) if self.has(&format!("communique-{name}.html")) => format!("communique-{name}.html"),
            _ => "communique.html".to_string(),
        }
    }

    /// The communique formats the theme has, by `template` name (`brief` for
    /// `communique-brief.html`), sorted.
    pub(crate) fn communique_formats(&self) -> Vec<String> {
        let own = std::fs::read_dir(self.dir.join("templates"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| self.override_path(name).is_some());
        let mut formats: Vec<String> = BUILT_IN
            .iter()
            .map(|(n, _)| n.to_string())
            .chain(own)
            .filter_map(|name| Some(name.strip_prefix("communique-")?.strip_suffix(".html")?.to_string()))
            .collect();
        formats.sort();
        formats.dedup();
        formats
    }

    /// A warning for each group whose `template` the theme does not have: its communiques
    /// fall back to `communique.html`.
    pub(crate) fn check_group_templates(
        &self,
        site: &crate::model::Site,
        sources: &crate::content::Sources,
    ) -> Vec<Diagnostic> {
        let formats = self.communique_formats();
        site.groups
            .iter()
            .filter_map(|g| {
                let name = g.template.as_deref().filter(|n| !formats.iter().any(|f| f == n))?;
                let source = sources.get(&g.path)?;
                let known: Vec<&str> = formats.iter().map(String::as_str).collect();
                let listed = if known.is_empty() {
                    "it has none".to_string()
                } else {
                    format!("it has {}", known.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "))
                };
                Some(source.warning_at_value(
                    "template",
                    "unknown-template",
                    format!(
                        "theme `{}` has no `communique-{name}.html`, so `{}`'s communiques use `communique.html`; {listed}{}",
                        self.name,
                        g.id,
                        crate::diagnostics::did_you_mean(name, known.iter().copied())
                            .map(|f| format!(": did you mean `template: {f}`?"))
                            .unwrap_or_else(|| format!(
                                ", or add `themes/{}/templates/communique-{name}.html`",
                                self.name
                            ))
                    ),
                ))
            })
            .collect()
    }

    pub(crate) fn environment(&self) -> Environment<'static> {
        let mut env = Environment::new();
        let theme = self.clone();
        env.set_loader(move |name| {
            if let Some(path) = theme.override_path(name) {
                return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("cannot read {}: {e}", path.display()),
                    )
                });
            }
            Ok(BUILT_IN.iter().chain(BUILT_IN_PARTIALS).find(|(n, _)| *n == name).map(|(_, text)| text.to_string()))
        });
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        env.set_formatter(|out, state, value| {
            // minijinja's HTML escaping also escapes `/`, which turns every URL into
            // `https:&#x2f;&#x2f;…`: valid, but unreadable in the page source. Escape
            // what HTML needs escaped, nothing more.
            match value.as_str() {
                Some(text) if state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe() => {
                    write_escaped(out, text).map_err(minijinja::Error::from)
                }
                _ => minijinja::escape_formatter(out, state, value),
            }
        });
        env
    }

    /// Compiles every template, so that `check` reports template errors without a build.
    pub(crate) fn check(&self, env: &Environment<'static>) -> Vec<Diagnostic> {
        BUILT_IN
            .iter()
            .chain(BUILT_IN_PARTIALS)
            .filter_map(|(name, _)| env.get_template(name).err().map(|e| self.diagnostic(&e)))
            .collect()
    }

    /// A template error as `path:line:col: error: …`.
    pub(crate) fn diagnostic(&self, error: &minijinja::Error) -> Diagnostic {
        let name = error.name().unwrap_or("template");
        let mut message = match error.detail() {
            Some(detail) => format!("{}: {detail}", error.kind()),
            None => error.kind().to_string(),
        };
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            message.push_str(&format!(" ({inner})"));
            source = inner.source();
        }
        Diagnostic::error(self.display_path(name), Pos::new(error.line().unwrap_or(1), 1), "template", message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn base_with(site: minijinja::Value) -> String {
        let theme = Theme::new(Path::new("/nonexistent"), "default");
        let env = theme.environment();
        let page = context! { title => "T", url => "https://x.example/", feeds => Vec::<String>::new() };
        let urls = context! { home => "https://x.example/" };
        let build = context! { preview => false };
        env.get_template("base.html").unwrap().render(context! { site, page, urls, build }).unwrap()
    }

    #[test]
    fn the_header_shows_the_brand_when_the_site_has_one() {
        let html = base_with(context! {
            title => "Acme", brand => context! { logo => "https://x.example/logo.svg", accent => "#0a7d5a" },
        });
        assert!(html.contains(r#"<img class="site-logo" src="https://x.example/logo.svg" alt="""#), "{html}");
        assert!(html.contains(r#"style="--brand: #0a7d5a""#), "{html}");
        assert!(!html.contains("site-mark"), "the logo replaces the built-in mark");
    }

    #[test]
    fn the_header_has_its_own_mark_without_a_brand() {
        for site in [context! { title => "Acme" }, context! { title => "Acme", brand => () }] {
            let html = base_with(site);
            assert!(html.contains("site-mark") && !html.contains("site-logo") && !html.contains("--brand"), "{html}");
        }
        // An accent cannot leave the style attribute it is written in.
        let html = base_with(context! { title => "Acme", brand => context! { accent => "red\" onload=\"x" } });
        assert!(html.contains(r#"style="--brand: red&quot; onload=&quot;x""#), "{html}");
    }
}
