//! Rendering: the selection of a build → every page, feed and asset, handed to the
//! output writer. Pages are rendered in parallel; everything listed is sorted first, so
//! the output is the same bytes on every run.

pub mod context;
pub mod feeds;
pub mod markdown;
pub mod sitemap;
pub mod templates;

use crate::diagnostics::{Diagnostic, Pos};
use crate::model::{Audience, Site};
use crate::output::Staging;
use crate::select::{self, Marker, Mode, Selection};
use context::{communique_path, group_path, page_path, release_path, FeedLink, Views};
use feeds::{Entry, FeedInfo};
use minijinja::{context, Environment, Value};
use rayon::prelude::*;
use serde::Serialize;
use sitemap::SitemapEntry;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;
use templates::Theme;

pub struct Options {
    pub mode: Mode,
    pub audience: Audience,
    pub now: jiff::Timestamp,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub groups: usize,
    pub releases: usize,
    pub communiques: usize,
    pub feeds: usize,
    pub files: usize,
}

#[derive(Serialize)]
struct PageView {
    title: String,
    url: String,
    noindex: bool,
    banner: Option<Marker>,
    feeds: Vec<FeedLink>,
}

/// Control characters other than tab and newlines are not allowed in XML 1.0; text that
/// carries them (pasted from a terminal, say) must not make a feed unreadable.
pub fn xml_safe(xml: &str) -> String {
    if xml.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        xml.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect()
    } else {
        xml.to_string()
    }
}

struct Renderer<'s, 'a> {
    env: Environment<'static>,
    theme: Theme,
    base: Value,
    views: Views<'s, 'a>,
    staging: &'s Staging,
    errors: Mutex<Vec<Diagnostic>>,
}

impl Renderer<'_, '_> {
    fn fail(&self, d: Diagnostic) {
        self.errors.lock().expect("errors lock").push(d);
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        if let Err(e) = self.staging.write(rel, bytes) {
            self.fail(Diagnostic::error(
                crate::content::relative(Path::new(""), &self.staging.target().join(rel)),
                Pos::START,
                "io",
                format!("cannot write: {e}"),
            ));
        }
    }

    fn page_view(&self, title: &str, path: &str, marker: Option<Marker>, feeds: Vec<FeedLink>) -> PageView {
        PageView {
            title: title.to_string(),
            url: self.views.url(path),
            noindex: marker.is_some(),
            banner: marker,
            feeds,
        }
    }

    /// The common variables, the page's, then the template's own `vars`.
    fn context(&self, page: PageView, vars: Value) -> Value {
        minijinja::value::merge_maps([vars, context! { page => Value::from_serialize(&page) }, self.base.clone()])
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

/// The variables every template receives: `site`, `build`, `urls` (docs/themes.md).
fn base_context(config: &crate::config::SiteConfig, audience: Audience, preview: bool) -> Value {
    context! {
        site => context! {
            title => config.title, description => config.description, language => config.language,
            base_url => config.base_url, timezone => config.timezone,
        },
        build => context! {
            audience => audience, preview => preview,
            generator => format!("communique {}", env!("CARGO_PKG_VERSION")),
        },
        urls => context! {
            home => config.url(""), releases => config.url("releases/"), groups => config.url("groups/"),
            feed => config.url("feed.xml"), style => config.url("style.css"), review => config.url("_review/"),
        },
    }
}

/// Renders the whole portal for one build into `staging`.
pub fn build(root: &Path, site: &Site, options: &Options, staging: &Staging) -> Result<Stats, Vec<Diagnostic>> {
    let selection = select::select(site, options.mode, options.audience, options.now);
    let config = &site.config;
    let theme = Theme::new(root, &config.theme);
    let env = theme.environment();
    let template_errors = theme.check(&env);
    if !template_errors.is_empty() {
        return Err(template_errors);
    }
    let base = base_context(config, options.audience, options.mode == Mode::Preview);
    let views = Views {
        selection: &selection,
        config,
        markdown: markdown::Markdown::new(config.markdown.unsafe_html, &config.base_url),
    };
    let r = Renderer { env, theme, base, views, staging, errors: Mutex::new(Vec::new()) };

    let stats = render_all(&r, &selection);
    assets(root, site, staging, &r);
    let mut errors = r.errors.into_inner().expect("errors lock");
    if !errors.is_empty() {
        crate::diagnostics::sort(&mut errors);
        return Err(errors);
    }
    Ok(Stats { files: staging.count(), ..stats })
}

fn render_all(r: &Renderer, selection: &Selection) -> Stats {
    let views = &r.views;
    let config = views.config;
    let group_index: HashMap<&str, usize> =
        selection.groups.iter().enumerate().map(|(i, g)| (g.id.as_str(), i)).collect();
    // Each group's communiques, newest first: indexes into `selection.releases`.
    let mut per_group: Vec<Vec<usize>> = vec![Vec::new(); selection.groups.len()];
    for (ri, shown) in selection.releases.iter().enumerate() {
        for g in &shown.groups {
            per_group[group_index[g.id.as_str()]].push(ri);
        }
    }
    // The communiques that feeds carry in full; their text is captured while rendering.
    let in_feed: std::collections::HashSet<(usize, usize)> = per_group
        .iter()
        .enumerate()
        .flat_map(|(gi, rs)| rs.iter().take(config.feed_limit).map(move |&ri| (ri, gi)))
        .collect();
    let feed_texts: Mutex<HashMap<(usize, usize), String>> = Mutex::new(HashMap::new());
    let release_texts: Mutex<HashMap<usize, String>> = Mutex::new(HashMap::new());

    // Release pages and their communiques.
    selection.releases.par_iter().enumerate().for_each(|(ri, shown)| {
        let release = Value::from_serialize(views.release(shown));
        let path = release_path(&shown.release.slug);
        let page = r.page_view(&shown.release.title, &path, shown.marker, vec![]);
        let in_site_feed = ri < config.feed_limit;
        if let Some(text) = r.page("release.html", &path, page, context! { release => release.clone() }, in_site_feed) {
            release_texts.lock().expect("lock").insert(ri, text);
        }
        for g in &shown.groups {
            let gi = group_index[g.id.as_str()];
            let communique = views.communique(shown, g);
            let cpath = communique_path(&shown.release.slug, &g.id);
            let title = communique.title.to_string();
            let vars = context! {
                release => release.clone(),
                group => Value::from_serialize(views.group(g, per_group[gi].len())),
                communique => Value::from_serialize(&communique),
            };
            let page = r.page_view(&title, &cpath, shown.marker, views.group_feeds(g));
            if let Some(text) = r.page("communique.html", &cpath, page, vars, in_feed.contains(&(ri, gi))) {
                feed_texts.lock().expect("lock").insert((ri, gi), text);
            }
        }
    });
    let feed_texts = feed_texts.into_inner().expect("lock");
    let release_texts = release_texts.into_inner().expect("lock");

    // Group pages and feeds.
    selection.groups.par_iter().enumerate().for_each(|(gi, g)| {
        let base = group_path(&g.id);
        let group = Value::from_serialize(views.group(g, per_group[gi].len()));
        let chunks: Vec<&[usize]> =
            if per_group[gi].is_empty() { vec![&[]] } else { per_group[gi].chunks(config.paginate_by).collect() };
        for (n, chunk) in chunks.iter().enumerate() {
            let path = page_path(&base, n + 1);
            let communiques: Vec<_> =
                chunk.iter().map(|&ri| views.communique_ref(&selection.releases[ri], g)).collect();
            let vars = context! {
                group => group.clone(),
                communiques => Value::from_serialize(&communiques),
                paginator => Value::from_serialize(views.paginator(&base, n + 1, chunks.len())),
            };
            r.page("group.html", &path, r.page_view(&g.name, &path, None, views.group_feeds(g)), vars, false);
        }
        let entries: Vec<Entry> = per_group[gi]
            .iter()
            .take(config.feed_limit)
            .map(|&ri| {
                let shown = &selection.releases[ri];
                let card = views.communique_ref(shown, g);
                Entry {
                    title: card.title.to_string(),
                    url: card.url,
                    published: shown.release.publish_at,
                    summary_html: card.summary_html,
                    content_html: feed_texts.get(&(ri, gi)).cloned().unwrap_or_default(),
                    category: shown.release.product.clone(),
                }
            })
            .collect();
        let info = FeedInfo {
            title: format!("{} — {}", config.title, g.name),
            link: views.url(&base),
            self_url: views.url(&format!("{base}feed.xml")),
            description: if g.summary.is_empty() {
                format!("Release communications for {}", g.name)
            } else {
                g.summary.clone()
            },
            language: &config.language,
        };
        r.write(&format!("{base}feed.xml"), feeds::rss(&info, &entries).as_bytes());
    });

    // Release list, home, group list, 404.
    let release_chunks: Vec<&[select::ShownRelease]> =
        if selection.releases.is_empty() { vec![&[]] } else { selection.releases.chunks(config.paginate_by).collect() };
    release_chunks.par_iter().enumerate().for_each(|(n, chunk)| {
        let path = page_path("releases/", n + 1);
        let cards: Vec<_> = chunk.iter().map(|s| views.release_card(s)).collect();
        let vars = context! {
            releases => Value::from_serialize(&cards),
            paginator => Value::from_serialize(views.paginator("releases/", n + 1, release_chunks.len())),
        };
        r.page("releases.html", &path, r.page_view("Releases", &path, None, vec![site_feed(views)]), vars, false);
    });
    let groups: Vec<_> =
        selection.groups.iter().enumerate().map(|(gi, g)| views.group(g, per_group[gi].len())).collect();
    let groups = Value::from_serialize(&groups);
    let latest: Vec<_> = selection
        .releases
        .iter()
        .flat_map(|s| s.groups.iter().map(move |g| (s, *g)))
        .take(10)
        .map(|(s, g)| views.communique_ref(s, g))
        .collect();
    let recent: Vec<_> = selection.releases.iter().take(5).map(|s| views.release_card(s)).collect();
    let home_vars = context! {
        groups => groups.clone(), latest => Value::from_serialize(&latest), releases => Value::from_serialize(&recent),
    };
    r.page("index.html", "", r.page_view(&config.title, "", None, vec![site_feed(views)]), home_vars, false);
    r.page(
        "groups.html",
        "groups/",
        r.page_view("Groups", "groups/", None, vec![]),
        context! { groups => groups },
        false,
    );
    if let Some(html) = r.render("404.html", r.page_view("Page not found", "404.html", None, vec![]), context! {}) {
        r.write("404.html", html.as_bytes());
    }

    // The site feed: every release of this build.
    let entries: Vec<Entry> = selection
        .releases
        .iter()
        .take(config.feed_limit)
        .enumerate()
        .map(|(ri, s)| Entry {
            title: s.release.title.clone(),
            url: views.url(&release_path(&s.release.slug)),
            published: s.release.publish_at,
            summary_html: views.markdown.inline(&s.release.summary),
            content_html: release_texts.get(&ri).cloned().unwrap_or_default(),
            category: s.release.product.clone(),
        })
        .collect();
    let info = FeedInfo {
        title: config.title.clone(),
        link: views.url(""),
        self_url: views.url("feed.xml"),
        description: config.description.clone(),
        language: &config.language,
    };
    r.write("feed.xml", feeds::rss(&info, &entries).as_bytes());

    r.write("sitemap.xml", sitemap::sitemap(&sitemap_entries(selection, views, &per_group, &group_index)).as_bytes());

    let communiques: usize = selection.releases.iter().map(|s| s.groups.len()).sum();
    Stats {
        groups: selection.groups.len(),
        releases: selection.releases.len(),
        communiques,
        feeds: selection.groups.len() + 1,
        files: 0,
    }
}

fn site_feed(views: &Views) -> FeedLink {
    FeedLink { title: format!("{} (RSS)", views.config.title), url: views.url("feed.xml"), mime: "application/rss+xml" }
}

/// Every indexable page: not 404, not draft or scheduled pages (they carry `noindex`).
fn sitemap_entries(
    selection: &Selection,
    views: &Views,
    per_group: &[Vec<usize>],
    _index: &HashMap<&str, usize>,
) -> Vec<SitemapEntry> {
    let page = |path: &str, lastmod: Option<String>| SitemapEntry { url: views.url(path), lastmod };
    let pages_of = |n: usize| n.div_ceil(views.config.paginate_by).max(1);
    let mut entries = vec![page("", None)];
    for n in 1..=pages_of(selection.releases.len()) {
        entries.push(page(&page_path("releases/", n), None));
    }
    entries.push(page("groups/", None));
    for (gi, g) in selection.groups.iter().enumerate() {
        for n in 1..=pages_of(per_group[gi].len()) {
            entries.push(page(&page_path(&group_path(&g.id), n), None));
        }
    }
    let mut releases: Vec<_> = selection.releases.iter().filter(|s| s.marker.is_none()).collect();
    releases.sort_by(|a, b| a.release.slug.cmp(&b.release.slug));
    for s in releases {
        let day = s.release.publish_at.strftime("%Y-%m-%d").to_string();
        entries.push(page(&release_path(&s.release.slug), Some(day.clone())));
        for g in &s.groups {
            entries.push(page(&communique_path(&s.release.slug, &g.id), Some(day.clone())));
        }
    }
    entries
}

/// Theme assets, then the site's `static/` over them.
fn assets(root: &Path, site: &Site, staging: &Staging, r: &Renderer) {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (name, text) in templates::BUILT_IN_STATIC {
        files.insert(name.to_string(), text.as_bytes().to_vec());
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for dir in [root.join("themes").join(&site.config.theme).join("static"), root.join("static")] {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    r.fail(Diagnostic::error(
                        crate::content::relative(root, &dir),
                        Pos::START,
                        "io",
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            };
            let rel_site = crate::content::relative(root, entry.path());
            if entry.path_is_symlink() && !entry.path().canonicalize().is_ok_and(|t| t.starts_with(&canonical_root)) {
                r.fail(Diagnostic::error(
                    rel_site,
                    Pos::START,
                    "symlink-outside-site",
                    "this symbolic link points outside the site; copy the file into the site instead of linking to it",
                ));
                continue;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            match std::fs::read(entry.path()) {
                Ok(bytes) => {
                    files.insert(crate::content::relative(&dir, entry.path()), bytes);
                }
                Err(e) => r.fail(Diagnostic::error(rel_site, Pos::START, "io", format!("cannot read: {e}"))),
            }
        }
    }
    for (rel, bytes) in files {
        if let Err(e) = staging.write(&rel, &bytes) {
            r.fail(Diagnostic::error(rel, Pos::START, "io", format!("cannot write: {e}")));
        }
    }
}

/// The deployment manager's `/_review/` page, rendered with the theme's `review.html`.
/// On a template error the page shows the error instead: the preview must stay up.
pub fn review_page(root: &Path, site: &Site, review: &impl Serialize, now: jiff::Timestamp) -> String {
    let config = &site.config;
    let theme = Theme::new(root, &config.theme);
    let env = theme.environment();
    let ctx = context! {
        page => PageView { title: "Review".into(), url: config.url("_review/"), noindex: true, banner: None, feeds: vec![] },
        review => Value::from_serialize(review),
        now => context::date_view(now, config),
    };
    let ctx = minijinja::value::merge_maps([ctx, base_context(config, Audience::Internal, true)]);
    match env.get_template("review.html").and_then(|t| t.render(ctx)) {
        Ok(html) => html,
        Err(e) => format!(
            "<!doctype html><title>Review</title><body><pre>{}</pre></body>",
            templates::escape_html(&theme.diagnostic(&e).to_string())
        ),
    }
}
