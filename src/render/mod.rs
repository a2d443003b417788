//! Rendering: the selection of a build → every page, feed and asset, handed to the
//! output writer. Pages are rendered in parallel; everything listed is sorted first, so
//! the output is the same bytes on every run.

mod assets;
pub(crate) mod calendar;
pub(crate) mod context;
mod describe;
pub(crate) mod email;
pub(crate) mod feeds;
pub(crate) mod first;
pub(crate) mod markdown;
pub(crate) mod memo;
pub(crate) mod messages;
mod pages;
mod raw_html;
pub(crate) mod sitemap;
pub(crate) mod strings;
pub(crate) mod templates;
mod texts;

use crate::diagnostics::{Diagnostic, Pos};
use crate::model::{Audience, Site};
use crate::output::Staging;
use crate::select::{Marker, Mode, Selection};
use crate::urls;
use context::{FeedLink, Views};
use minijinja::{context, Environment, Value};
use serde::Serialize;
use std::path::Path;
use std::sync::Mutex;
use templates::Theme;

/// How to render a selection (the audience and "now" are the selection's).
pub(crate) struct Options {
    pub mode: Mode,
    /// The most URLs one sitemap file lists ([`sitemap::URL_LIMIT`]).
    pub sitemap_limit: usize,
    /// The preview's pages to make first ([`first`]).
    pub first: Option<first::First>,
}

#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub groups: usize,
    pub releases: usize,
    pub communiques: usize,
    pub feeds: usize,
    pub files: usize,
    /// Messages written by `--emails`.
    pub emails: usize,
    /// Groups of this build that have communiques but no `email`, so got no messages.
    pub groups_without_email: Vec<String>,
    /// Every language this build wrote, the default first (SPEC §13).
    pub languages: Vec<BuiltLanguage>,
}

/// One language of a build: what a per-language output (such as a search index) needs.
#[derive(Debug, Clone, Serialize)]
pub struct BuiltLanguage {
    /// `en`, `de`: the site's code for it.
    pub code: String,
    /// The folder of its pages in the output: "" for the default language, else `<code>/`.
    pub prefix: String,
    /// The absolute URL of its home page.
    pub base_url: String,
    /// Its name in its own words (`Deutsch`), for a language switch.
    pub name: String,
}

/// A page in one language, as the page in every language links it (`hreflang`) and
/// offers it (the language switch).
#[derive(Serialize, Clone)]
struct PageTranslation {
    lang: String,
    name: String,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct PageView {
    title: String,
    url: String,
    noindex: bool,
    banner: Option<Marker>,
    feeds: Vec<FeedLink>,
    /// Plain text for `<meta name="description">` and the sharing cards: the page's own
    /// words where it has them (see [`PageView::describe`]), else the site's description.
    description: String,
    /// On a release's pages that are not public yet: its status and publish date, for
    /// the banner ("In review — planned for …", "Scheduled for …").
    planned: Option<describe::Planned>,
    /// The page in each language of the site, this one included; empty for a site in one.
    translations: Vec<PageTranslation>,
}

impl PageView {
    /// The page's description, from Markdown (a summary) made plain.
    fn describe(mut self, markdown: &str) -> Self {
        let text = describe::plain_text(markdown);
        if !text.is_empty() {
            self.description = text;
        }
        self
    }

    /// The page belongs to release `release`: the banner says when it is planned.
    fn planned(mut self, release: &crate::model::Release, config: &crate::config::SiteConfig) -> Self {
        if self.banner.is_some() {
            self.planned = Some(describe::Planned::of(release, config));
        }
        self
    }
}

/// Control characters other than tab and newlines are not allowed in XML 1.0; text that
/// carries them (pasted from a terminal, say) must not make a feed unreadable.
pub(crate) fn xml_safe(xml: &str) -> String {
    if !has_control_characters(xml) {
        return xml.to_string();
    }
    xml.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect()
}

/// C0 controls but tab and newlines, DEL, and C1 controls (U+0080–U+009F, which UTF-8
/// writes as 0xC2 0x80–0x9F), found byte by byte: each byte with the one after it, in
/// blocks without stopping early, which the compiler vectorises (feeds are large, and
/// nearly always clean).
fn has_control_characters(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some((&last, _)) = bytes.split_last() else { return false };
    let c0 = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0x7f);
    let c1 = |lead: u8, next: u8| (lead == 0xc2) & (0x80..=0x9f).contains(&next);
    let (leads, nexts) = (&bytes[..bytes.len() - 1], &bytes[1..]);
    c0(last)
        || leads
            .chunks(256)
            .zip(nexts.chunks(256))
            .any(|(leads, nexts)| leads.iter().zip(nexts).fold(false, |found, (&b, &next)| found | c0(b) | c1(b, next)))
}

struct Renderer<'s, 'a> {
    env: Environment<'static>,
    theme: Theme,
    base: Value,
    views: Views<'s, 'a>,
    staging: &'s Staging,
    /// `--emails DIR`: where mail-ready communiques go.
    emails: Option<&'s Staging>,
    /// The preview server's: what the last build made, to reuse.
    memo: Option<&'s memo::Round>,
    sitemap_limit: usize,
    /// The build's "now": which deadlines are still ahead.
    now: jiff::Timestamp,
    /// The site's description as plain text: every page's, unless it has its own words.
    site_description: String,
    /// Every communique format of the theme (`communique.html` first): a release's pages
    /// are kept only while none of them changed, since its groups may use any.
    communique_templates: Vec<String>,
    /// The folder of this language's output: "" for the default language, else `<lang>/`.
    prefix: String,
    /// Every language of the build, and which one this is.
    languages: &'s [BuiltLanguage],
    language: usize,
    /// The theme's words in this language.
    words: &'s strings::Strings,
    errors: Mutex<Vec<Diagnostic>>,
}

impl Renderer<'_, '_> {
    fn fail(&self, d: Diagnostic) {
        self.errors.lock().expect("errors lock").push(d);
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        if self.prefix.is_empty() {
            self.write_to(self.staging, rel, bytes);
        } else {
            self.write_to(self.staging, &format!("{}{rel}", self.prefix), bytes);
        }
    }

    fn write_to(&self, staging: &Staging, rel: &str, bytes: &[u8]) {
        if let Err(e) = staging.write(rel, bytes) {
            let path = staging.target().join(rel).display().to_string();
            self.fail(Diagnostic::error(path, Pos::START, "io", format!("cannot write: {e}")));
        }
    }

    /// Makes output `file` from `input` with `make`, which writes it (and returns the
    /// page's text when asked to), unless the last build made it from an input
    /// that hashed the same, with the same version of `template` (the site's template
    /// the file is made with or whose text it carries): then the file is kept as it is,
    /// and its text comes from the memo. `make` is a `fn`, not a closure: it can use
    /// nothing but `input` and what every page shares, so the hash of `input` is the key
    /// of everything the file is made from.
    fn once<I: std::hash::Hash>(
        &self,
        file: &str,
        template: &str,
        input: &I,
        need_text: bool,
        make: fn(&Self, &I, bool) -> Option<String>,
    ) -> Option<String> {
        let Some(memo) = self.memo else { return make(self, input, need_text) };
        let key = memo.with_template(template, memo::key(input));
        if let Some(text) = memo.reusable(file, key, need_text) {
            if self.staging.keep(file) {
                return text;
            }
        }
        let text = make(self, input, need_text);
        memo.record(file, key, text.as_ref());
        text
    }

    /// The theme's word `key` in this language (page titles the build writes itself).
    fn word<'w>(&'w self, key: &'w str) -> &'w str {
        self.words.words.get(key).map_or(key, String::as_str)
    }

    /// Whether group `g` hears in this language: its e-mails are written in it.
    fn speaks(&self, g: &crate::model::StakeholderGroup) -> bool {
        g.language.as_deref().unwrap_or(&self.languages[0].code) == self.languages[self.language].code
    }

    /// The template group `g`'s communiques render with (see [`Theme::communique_template`]).
    fn communique_template(&self, g: &crate::model::StakeholderGroup) -> String {
        self.theme.communique_template(g)
    }

    /// Keeps the pages of release `slug` (its page and communiques) as the last build
    /// made them, if it made them all from the same inputs: `inputs`, the hash of all
    /// their inputs, and the site's versions of the templates. False when any page must
    /// be made.
    fn reuse_release_pages(&self, slug: &str, inputs: u64) -> bool {
        let (Some(memo), None) = (self.memo, self.emails) else { return false };
        memo.reusable_pages(slug, release_pages_key(memo, &self.communique_templates, inputs))
            .is_some_and(|mut files| files.all(|(file, slot)| self.staging.keep_at(slot, file)))
    }

    /// What [`Renderer::reuse_release_pages`] looks for in the next build.
    fn record_release_pages(&self, slug: &str, inputs: u64, files: Vec<String>) {
        if let Some(memo) = self.memo {
            memo.record_pages(slug, release_pages_key(memo, &self.communique_templates, inputs), files);
        }
    }

    /// A part of a file that the preview server keeps from one build to the next by the
    /// hash of its `input`, such as a release's events in a group's calendar; made with
    /// `make` (a `fn`, as for [`Renderer::once`]) when the last build did not make it.
    fn fragment<I: std::hash::Hash>(&self, input: &I, make: fn(&Self, &I) -> String) -> std::sync::Arc<str> {
        match self.memo {
            Some(memo) => memo.fragment(memo::key(input), || make(self, input)),
            None => make(self, input).into(),
        }
    }

    fn page_view(&self, title: &str, path: &str, marker: Option<Marker>, feeds: Vec<FeedLink>) -> PageView {
        PageView {
            title: title.to_string(),
            url: self.views.url(path),
            noindex: marker.is_some(),
            banner: marker,
            feeds,
            description: self.site_description.clone(),
            planned: None,
            translations: self.translations(path),
        }
    }

    /// Page `path` in every language of the site (none for a site in one).
    fn translations(&self, path: &str) -> Vec<PageTranslation> {
        if self.languages.len() < 2 {
            return Vec::new();
        }
        self.languages
            .iter()
            .enumerate()
            .map(|(i, l)| PageTranslation {
                lang: l.code.clone(),
                name: l.name.clone(),
                url: urls::url(&l.base_url, &[path]),
                current: i == self.language,
            })
            .collect()
    }

    /// The common variables, the page's, then the template's own `vars`.
    fn context(&self, page: PageView, vars: Value) -> Value {
        let page = Value::from_serialize(&page);
        Value::from_object(context::PageContext { common: self.base.clone(), page, vars })
    }

    /// Renders a template that is not a page (the text of an e-mail), without escaping.
    fn render_text(&self, template: &str, vars: Value) -> Option<String> {
        match self
            .env
            .get_template(template)
            .and_then(|t| t.render(minijinja::value::merge_maps([vars, self.base.clone()])))
        {
            Ok(text) => Some(text),
            Err(e) => {
                self.fail(self.theme.diagnostic(&e));
                None
            }
        }
    }

    /// Renders `template` with the common variables plus `vars`.
    fn render(&self, template: &str, page: PageView, vars: Value) -> Option<String> {
        let ctx = self.context(page, vars);
        match self.env.get_template(template).and_then(|t| t.render(ctx)) {
            Ok(html) => Some(html),
            Err(e) => {
                self.fail(self.theme.diagnostic(&e));
                None
            }
        }
    }

    /// Renders a page to `<path>index.html`; with `keep_text`, also returns its `content`
    /// block (the page's text without chrome, for feeds) from the same evaluation.
    fn page(&self, template: &str, path: &str, page: PageView, vars: Value, keep_text: bool) -> Option<String> {
        let ctx = self.context(page, vars);
        let rendered = self.env.get_template(template).and_then(|t| {
            let mut captured = t.render_captured(ctx)?;
            let text =
                if keep_text { Some(captured.with_state_mut(|state| state.render_block("content"))?) } else { None };
            Ok((captured.into_output(), text))
        });
        match rendered {
            Ok((html, text)) => {
                self.write(&format!("{path}index.html"), html.as_bytes());
                text
            }
            Err(e) => {
                self.fail(self.theme.diagnostic(&e));
                None
            }
        }
    }
}

/// The key of a release's own pages: the hash of their inputs, with the site's versions
/// of the templates they are made with.
fn release_pages_key(memo: &memo::Round, communique_templates: &[String], inputs: u64) -> u64 {
    communique_templates.iter().fold(memo.with_template("release.html", inputs), |k, name| memo.with_template(name, k))
}

/// The variables every template receives: `site`, `build`, `urls`, `strings`
/// (docs/themes.md). Assets (`style.css`, scripts, the logo) are under `assets`, the
/// site's root URL, in every language.
fn base_context(
    config: &crate::config::SiteConfig,
    assets: &crate::config::SiteConfig,
    words: &strings::Strings,
    audience: Audience,
    preview: bool,
) -> Value {
    context! {
        strings => Value::from_serialize(&words.words),
        site => context! {
            title => config.title, description => strings::site_description(config, words), language => config.language,
            base_url => config.base_url, timezone => config.timezone,
            brand => context! {
                logo => config.brand.logo.as_ref().map(|logo| assets.url(logo)), accent => config.brand.accent,
            },
        },
        build => context! {
            audience => audience, preview => preview,
            generator => format!("communique {}", env!("CARGO_PKG_VERSION")),
        },
        urls => context! {
            home => config.url(""), releases => config.url(urls::RELEASES), groups => config.url(urls::GROUPS),
            products => config.url(urls::PRODUCTS), feed => config.url(urls::SITE_FEED), style => assets.url("style.css"),
            review => assets.url("_review/"), subscribe => config.url(urls::SITE_SUBSCRIBE),
            copy_script => assets.url(urls::COPY_SCRIPT), since_script => assets.url(urls::SINCE_SCRIPT),
            search => config.url(urls::SEARCH),
        },
    }
}

/// Renders the whole portal for what one build shows (`selection`) into `staging` (and,
/// with `emails`, one message per communique into that folder): the default language
/// at the root, each other language of the site under `<lang>/` (SPEC §13).
pub(crate) fn build(
    root: &Path,
    selection: &Selection,
    options: &Options,
    staging: &Staging,
    emails: Option<&Staging>,
    memo: Option<&memo::Round>,
) -> Result<Stats, Vec<Diagnostic>> {
    let site = selection.site;
    let (languages, words) = languages(root, site)?;
    let in_language = |i: usize| {
        let mut translated = site.in_language(&languages[i].code);
        translated.config.date_words = words[i].dates.clone().map(std::sync::Arc::new);
        translated
    };
    // The default language, from the selection as it is unless its dates are not English.
    let mut stats = if words[0].dates.is_none() {
        render_language(root, selection, options, staging, emails, memo, (&languages, 0, &words[0]))?
    } else {
        let site = in_language(0);
        let selection = crate::select::select(&site, options.mode, selection.audience, selection.now);
        render_language(root, &selection, options, staging, emails, memo, (&languages, 0, &words[0]))?
    };
    for (i, words) in words.iter().enumerate().skip(1) {
        let phase = crate::profile::Phase::start("another language");
        let site = in_language(i);
        let translated = crate::select::select(&site, options.mode, selection.audience, selection.now);
        // Only the default language's pages are kept from one preview build to the next.
        render_language(root, &translated, options, staging, emails, None, (&languages, i, words))?;
        phase.end();
    }
    stats.languages = languages;
    stats.emails = emails.map_or(0, Staging::count);
    Ok(stats)
}

/// Every language of the site, the default first, with its words.
fn languages(root: &Path, site: &Site) -> Result<(Vec<BuiltLanguage>, Vec<strings::Strings>), Vec<Diagnostic>> {
    let config = &site.config;
    let mut languages = Vec::new();
    let mut words = Vec::new();
    let mut errors = Vec::new();
    for code in &config.languages {
        match strings::load(root, &config.theme, code) {
            Ok(w) => {
                let prefix = urls::language_prefix(&config.language, code);
                languages.push(BuiltLanguage {
                    code: code.clone(),
                    base_url: urls::url(&config.base_url, &[&prefix]),
                    prefix,
                    name: w.words.get("language_name").cloned().unwrap_or_else(|| code.clone()),
                });
                words.push(w);
            }
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok((languages, words))
    } else {
        Err(errors)
    }
}

/// Renders one language of the portal; `language` is every language of the build, which
/// one this is, and its words.
fn render_language(
    root: &Path,
    selection: &Selection,
    options: &Options,
    staging: &Staging,
    emails: Option<&Staging>,
    memo: Option<&memo::Round>,
    language: (&[BuiltLanguage], usize, &strings::Strings),
) -> Result<Stats, Vec<Diagnostic>> {
    let (languages, index, words) = language;
    let site = selection.site;
    let phase = crate::profile::Phase::start("templates");
    let config = &site.config;
    let theme = Theme::new(root, &config.theme);
    let env = theme.environment();
    let template_errors = theme.check(&env);
    if !template_errors.is_empty() {
        return Err(template_errors);
    }
    phase.end();
    let phase = crate::profile::Phase::start("views");
    let assets = crate::config::SiteConfig { base_url: languages[0].base_url.clone(), ..config.clone() };
    let base = base_context(config, &assets, words, selection.audience, options.mode == Mode::Preview);
    let views = Views::new(selection, config);
    if let Some(memo) = memo.filter(|m| m.preview()) {
        // The preview keeps each text's HTML from one build to the next.
        views.texts.markdown().keep_in(memo.texts());
    }
    phase.end();
    let sitemap_limit = options.sitemap_limit;
    let now = selection.now;
    let communique_templates = std::iter::once("communique.html".to_string())
        .chain(theme.communique_formats().iter().map(|name| format!("communique-{name}.html")))
        .collect();
    let r = Renderer {
        env,
        theme,
        base,
        views,
        staging,
        emails,
        memo,
        sitemap_limit,
        now,
        site_description: describe::plain_text(strings::site_description(config, words)),
        communique_templates,
        prefix: languages[index].prefix.clone(),
        languages,
        language: index,
        words,
        errors: Mutex::new(Vec::new()),
    };

    // Pages first is a preview of the default language: other languages are made again
    // each rebuild, after it.
    let first = if index == 0 { options.first.as_ref() } else { None };
    let stats = pages::render_all(&r, first);
    if index == 0 {
        let phase = crate::profile::Phase::start("static files");
        assets::copy(root, site, &r);
        phase.end();
    }
    let mut errors = r.errors.into_inner().expect("errors lock");
    if !errors.is_empty() {
        crate::diagnostics::sort(&mut errors);
        return Err(errors);
    }
    // `files` is known once the output is committed, `emails` once every language is written.
    Ok(stats)
}

/// The deployment manager's `/_review/` page, rendered with the theme's `review.html`.
/// On a template error the page shows the error instead: the preview must stay up.
pub(crate) fn review_page(root: &Path, site: &Site, review: &impl Serialize, now: jiff::Timestamp) -> String {
    let config = &site.config;
    let theme = Theme::new(root, &config.theme);
    let env = theme.environment();
    let ctx = context! {
        page => PageView {
            title: "Review".into(), url: config.url("_review/"), noindex: true, banner: None, feeds: vec![],
            description: "What each release tells each group, before it is published.".into(), planned: None,
            translations: vec![],
        },
        review => Value::from_serialize(review),
        now => context::date_view(now, config),
    };
    // The review is in the default language; broken words are reported by the build.
    let words = strings::load(root, &config.theme, &config.language)
        .or_else(|_| strings::load(root, "default", "en"))
        .expect("the built-in words load");
    let ctx = minijinja::value::merge_maps([ctx, base_context(config, config, &words, Audience::Internal, true)]);
    match env.get_template("review.html").and_then(|t| t.render(ctx)) {
        Ok(html) => html,
        Err(e) => format!(
            "<!doctype html><title>Review</title><body><pre>{}</pre></body>",
            templates::escape_html(&theme.diagnostic(&e).to_string())
        ),
    }
}
