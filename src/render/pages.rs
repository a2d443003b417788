//! Every page and channel of a build (SPEC §6, §9), from the selection: release pages
//! and communiques (in parallel, capturing the texts feeds and e-mails carry), group
//! pages with their feeds and calendars, product pages, lists, the site feed, the sitemap.

use super::calendar::{self, CalendarEvent};
use super::context::*;
use super::email::{self, Email};
use super::feeds::{self, Entry, FeedInfo};
use super::sitemap::{self, SitemapEntry};
use super::{Renderer, Stats};
use crate::content::parse::slugify;
use crate::model::StakeholderGroup;
use crate::select::{Selection, ShownRelease};
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

/// Where each shown release appears: per group and per product, newest first.
struct Index<'s, 'a> {
    selection: &'s Selection<'a>,
    group_index: HashMap<&'a str, usize>,
    /// Per group (selection order): indexes into `selection.releases`.
    per_group: Vec<Vec<usize>>,
    /// Product name → (slug, indexes), by product name.
    per_product: BTreeMap<&'a str, Vec<usize>>,
}

impl<'s, 'a> Index<'s, 'a> {
    fn new(selection: &'s Selection<'a>) -> Self {
        let group_index: HashMap<&str, usize> =
            selection.groups.iter().enumerate().map(|(i, g)| (g.id.as_str(), i)).collect();
        let mut per_group = vec![Vec::new(); selection.groups.len()];
        let mut per_product: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (ri, shown) in selection.releases.iter().enumerate() {
            for g in &shown.groups {
                per_group[group_index[g.id.as_str()]].push(ri);
            }
            per_product.entry(shown.release.product.as_str()).or_default().push(ri);
        }
        Index { selection, group_index, per_group, per_product }
    }

    fn release(&self, ri: usize) -> &'s ShownRelease<'a> {
        &self.selection.releases[ri]
    }
}

/// Texts captured while rendering pages, for the feeds that carry them in full.
#[derive(Default)]
struct Captured {
    communiques: Mutex<HashMap<(usize, usize), String>>,
    releases: Mutex<HashMap<usize, String>>,
}

pub(super) fn render_all(r: &Renderer) -> Stats {
    let selection = r.views.selection;
    let phase = crate::profile::Phase::start;
    let index = Index::new(selection);
    let captured = Captured::default();
    let p = phase("release and communique pages");
    release_pages(r, &index, &captured);
    p.end();
    let communique_texts = captured.communiques.into_inner().expect("lock");
    let release_texts = captured.releases.into_inner().expect("lock");
    let p = phase("group pages, feeds, calendars");
    group_pages(r, &index, &communique_texts);
    p.end();
    let p = phase("product pages and feeds");
    product_pages(r, &index, &release_texts);
    p.end();
    let p = phase("lists, site feed, sitemap");
    list_pages(r, &index);
    site_feed(r, &release_texts);
    r.write("sitemap.xml", sitemap::sitemap(&sitemap_entries(r, &index)).as_bytes());
    p.end();

    let communiques = selection.releases.iter().map(|s| s.groups.len()).sum();
    let groups_without_email = match r.emails {
        None => vec![],
        Some(_) => selection
            .groups
            .iter()
            .enumerate()
            .filter(|(gi, g)| g.email.is_none() && !index.per_group[*gi].is_empty())
            .map(|(_, g)| g.id.clone())
            .collect(),
    };
    Stats {
        groups: selection.groups.len(),
        releases: selection.releases.len(),
        communiques,
        // Per group: RSS, Atom, JSON Feed; per product: RSS; the site feed.
        feeds: selection.groups.len() * 3 + index.per_product.len() + 1,
        files: 0,
        emails: 0,
        groups_without_email,
    }
}

fn release_pages(r: &Renderer, index: &Index, captured: &Captured) {
    let views = &r.views;
    let limit = views.config.feed_limit;
    // The communiques feeds carry in full: the newest `feed_limit` of each group.
    let in_feed: HashSet<(usize, usize)> = index
        .per_group
        .iter()
        .enumerate()
        .flat_map(|(gi, rs)| rs.iter().take(limit).map(move |&ri| (ri, gi)))
        .collect();
    let group_values: Vec<Value> = index
        .selection
        .groups
        .iter()
        .enumerate()
        .map(|(gi, g)| Value::from_serialize(views.group(g, index.per_group[gi].len())))
        .collect();
    let in_product_feed: HashSet<usize> =
        index.per_product.values().flat_map(|rs| rs.iter().take(limit).copied()).collect();
    let pages = index.selection.releases.iter().map(|s| s.groups.len() as u64 + 1).sum();
    let progress = crate::progress::Progress::start(pages, "Rendering communiques");
    index.selection.releases.par_iter().enumerate().for_each(|(ri, shown)| {
        progress.inc();
        let release = Value::from_serialize(views.release(shown));
        let path = release_path(&shown.release.slug);
        let page = r.page_view(&shown.release.title, &path, shown.marker, vec![]);
        let keep = ri < limit || in_product_feed.contains(&ri);
        if let Some(text) = r.page("release.html", &path, page, context! { release => release.clone() }, keep) {
            captured.releases.lock().expect("lock").insert(ri, text);
        }
        for g in &shown.groups {
            progress.inc();
            let gi = index.group_index[g.id.as_str()];
            let communique = views.communique(shown, g);
            let cpath = communique_path(&shown.release.slug, &g.id);
            let vars = context! {
                release => release.clone(),
                group => group_values[gi].clone(),
                communique => Value::from_serialize(&communique),
            };
            let page = r.page_view(communique.title, &cpath, shown.marker, views.group_alternates(g));
            let mail_to = r.emails.and(g.email.as_deref());
            let feed = in_feed.contains(&(ri, gi));
            let Some(text) = r.page("communique.html", &cpath, page, vars.clone(), feed || mail_to.is_some()) else {
                continue;
            };
            if let (Some(to), Some(out)) = (mail_to, r.emails) {
                if let Some(plain) = r.render_text("communique.txt", vars) {
                    write_email(r, out, shown, g, to, &communique, &plain, &text);
                }
            }
            if feed {
                captured.communiques.lock().expect("lock").insert((ri, gi), text);
            }
        }
    });
    progress.finish();
}

#[allow(clippy::too_many_arguments)]
fn write_email(
    r: &Renderer,
    out: &crate::output::Staging,
    shown: &ShownRelease,
    g: &StakeholderGroup,
    to: &str,
    communique: &CommuniqueView,
    plain: &str,
    html: &str,
) {
    let config = r.views.config;
    let host = email::host(&config.base_url);
    let message = Email {
        from_name: &config.title,
        from_address: format!("noreply@{host}"),
        to,
        subject: &shown.release.title,
        date: shown.release.publish_at,
        message_id: format!("{}.{}@{host}", shown.release.slug, g.id),
        text: plain,
        html: &email::html_document(communique.title, &config.language, html),
    };
    match email::message(&message) {
        Ok(bytes) => r.write_to(out, &format!("{}/{}.eml", shown.release.slug, g.id), &bytes),
        Err(e) => r.fail(crate::diagnostics::Diagnostic::error(
            &shown.release.path,
            crate::diagnostics::Pos::START,
            "io",
            format!("cannot build the e-mail for `{}`: {e}", g.id),
        )),
    }
}

fn feed_entry(r: &Renderer, shown: &ShownRelease, g: &StakeholderGroup, text: Option<&String>) -> Entry {
    let card = r.views.communique_ref(shown, g);
    Entry {
        title: card.title.to_string(),
        url: card.url,
        published: shown.release.publish_at,
        summary_html: card.summary_html,
        content_html: text.cloned().unwrap_or_default(),
        category: shown.release.product.clone(),
    }
}

fn group_pages(r: &Renderer, index: &Index, texts: &HashMap<(usize, usize), String>) {
    let views = &r.views;
    let config = views.config;
    index.selection.groups.par_iter().enumerate().for_each(|(gi, g)| {
        let base = group_path(&g.id);
        let releases = &index.per_group[gi];
        let group = Value::from_serialize(views.group(g, releases.len()));
        let chunks = pages_of(releases, config.paginate_by);
        for (n, chunk) in chunks.iter().enumerate() {
            let path = page_path(&base, n + 1);
            let communiques: Vec<_> = chunk.iter().map(|&ri| views.communique_ref(index.release(ri), g)).collect();
            let vars = context! {
                group => group.clone(),
                communiques => Value::from_serialize(&communiques),
                paginator => Value::from_serialize(views.paginator(&base, n + 1, chunks.len())),
            };
            r.page("group.html", &path, r.page_view(&g.name, &path, None, views.group_alternates(g)), vars, false);
        }
        let entries: Vec<Entry> = releases
            .iter()
            .take(config.feed_limit)
            .map(|&ri| feed_entry(r, index.release(ri), g, texts.get(&(ri, gi))))
            .collect();
        let description =
            if g.summary.is_empty() { format!("Release communications for {}", g.name) } else { g.summary.clone() };
        let stylesheet = config.url("feed.xsl");
        let info = |file: &str| FeedInfo {
            title: format!("{} — {}", config.title, g.name),
            link: views.url(&base),
            self_url: views.url(&format!("{base}{file}")),
            description: description.clone(),
            language: &config.language,
            stylesheet: &stylesheet,
        };
        r.write(&format!("{base}feed.xml"), feeds::rss(&info("feed.xml"), &entries).as_bytes());
        r.write(&format!("{base}atom.xml"), feeds::atom(&info("atom.xml"), &entries).as_bytes());
        r.write(&format!("{base}feed.json"), feeds::json_feed(&info("feed.json"), &entries).as_bytes());
        let events = calendar_events(r, index, g, releases);
        let ics = calendar::calendar(&format!("{} — {}", config.title, g.name), &description, &events);
        r.write(&format!("{base}calendar.ics"), ics.as_bytes());
    });
}

/// A go-live per communique and an event per window that concerns the group, oldest first.
fn calendar_events(r: &Renderer, index: &Index, g: &StakeholderGroup, releases: &[usize]) -> Vec<CalendarEvent> {
    let views = &r.views;
    let host = email::host(&views.config.base_url);
    let mut events = Vec::new();
    for &ri in releases.iter().rev() {
        let shown = index.release(ri);
        let release = shown.release;
        let card = views.communique_ref(shown, g);
        events.push(CalendarEvent {
            uid: format!("{}.{}@{host}", release.slug, g.id),
            summary: format!("{} goes live", card.title),
            description: format!("{}\n\n{}", release.summary, card.url),
            url: card.url.clone(),
            start: release.deployed_at,
            end: None,
            stamp: release.publish_at,
            category: "Go-live",
        });
        // A window's id is its title's slug; windows that share one (a nightly batch on two
        // nights) are numbered in file order, so that each keeps a UID of its own.
        let mut used = HashSet::new();
        let window_ids: Vec<String> = release
            .windows
            .iter()
            .map(|w| {
                let base = slugify(&w.title);
                let (mut id, mut n) = (base.clone(), 1);
                while !used.insert(id.clone()) {
                    n += 1;
                    id = format!("{base}-{n}");
                }
                id
            })
            .collect();
        for (i, w) in release
            .windows
            .iter()
            .enumerate()
            .filter(|(_, w)| w.groups.as_ref().is_none_or(|t| index.selection.hierarchy.receives(&g.id, t)))
        {
            let kind = match w.kind {
                crate::model::WindowKind::Maintenance => "Maintenance",
                crate::model::WindowKind::Availability => "Availability",
            };
            events.push(CalendarEvent {
                uid: format!("{}.window-{}.{}@{host}", release.slug, window_ids[i], g.id),
                summary: format!("{kind}: {} ({})", w.title, release.title),
                description: format!("{}\n\n{}", release.summary, card.url),
                url: card.url.clone(),
                start: w.start,
                end: Some(w.end),
                stamp: release.publish_at,
                category: kind,
            });
        }
    }
    events
}

#[derive(Serialize)]
struct ProductView<'a> {
    name: &'a str,
    slug: String,
    url: String,
    feed: FeedLink,
    release_count: usize,
    latest: Option<ReleaseCard<'a>>,
}

fn product_view<'a>(r: &Renderer<'_, 'a>, index: &Index<'_, 'a>, name: &'a str, releases: &[usize]) -> ProductView<'a> {
    let slug = slugify(name);
    let base = product_path(&slug);
    ProductView {
        name,
        url: r.views.url(&base),
        feed: FeedLink {
            title: format!("{} — {name} (RSS)", r.views.config.title),
            url: r.views.url(&format!("{base}feed.xml")),
            mime: "application/rss+xml",
        },
        slug,
        release_count: releases.len(),
        latest: releases.first().map(|&ri| r.views.release_card(index.release(ri))),
    }
}

fn product_pages(r: &Renderer, index: &Index, texts: &HashMap<usize, String>) {
    let views = &r.views;
    let config = views.config;
    let products: Vec<(&str, &Vec<usize>)> = index.per_product.iter().map(|(k, v)| (*k, v)).collect();
    products.par_iter().for_each(|(name, releases)| {
        let product = product_view(r, index, name, releases);
        let base = product_path(&product.slug);
        let chunks = pages_of(releases, config.paginate_by);
        let product_value = Value::from_serialize(&product);
        for (n, chunk) in chunks.iter().enumerate() {
            let path = page_path(&base, n + 1);
            let cards: Vec<_> = chunk.iter().map(|&ri| views.release_card(index.release(ri))).collect();
            let vars = context! {
                product => product_value.clone(),
                releases => Value::from_serialize(&cards),
                paginator => Value::from_serialize(views.paginator(&base, n + 1, chunks.len())),
            };
            r.page("product.html", &path, r.page_view(name, &path, None, vec![product.feed.clone()]), vars, false);
        }
        let entries: Vec<Entry> = releases
            .iter()
            .take(config.feed_limit)
            .map(|&ri| release_entry(r, index.release(ri), texts.get(&ri)))
            .collect();
        let stylesheet = config.url("feed.xsl");
        let info = FeedInfo {
            title: format!("{} — {name}", config.title),
            link: product.url.clone(),
            self_url: product.feed.url.clone(),
            description: format!("Every release of {name}"),
            language: &config.language,
            stylesheet: &stylesheet,
        };
        r.write(&format!("{base}feed.xml"), feeds::rss(&info, &entries).as_bytes());
    });
    let all: Vec<ProductView> =
        products.iter().map(|(name, releases)| product_view(r, index, name, releases)).collect();
    let vars = context! { products => Value::from_serialize(&all) };
    r.page("products.html", "products/", r.page_view("Products", "products/", None, vec![]), vars, false);
}

fn release_entry(r: &Renderer, shown: &ShownRelease, text: Option<&String>) -> Entry {
    Entry {
        title: shown.release.title.clone(),
        url: r.views.url(&release_path(&shown.release.slug)),
        published: shown.release.publish_at,
        summary_html: r.views.texts.release(shown.release).summary.clone(),
        content_html: text.cloned().unwrap_or_default(),
        category: shown.release.product.clone(),
    }
}

fn pages_of<T>(items: &[T], per_page: usize) -> Vec<&[T]> {
    if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(per_page).collect()
    }
}

fn site_feed_link(r: &Renderer) -> FeedLink {
    FeedLink {
        title: format!("{} (RSS)", r.views.config.title),
        url: r.views.url("feed.xml"),
        mime: "application/rss+xml",
    }
}

fn list_pages(r: &Renderer, index: &Index) {
    let views = &r.views;
    let selection = index.selection;
    let chunks = pages_of(&selection.releases, views.config.paginate_by);
    chunks.par_iter().enumerate().for_each(|(n, chunk)| {
        let path = page_path("releases/", n + 1);
        let cards: Vec<_> = chunk.iter().map(|s| views.release_card(s)).collect();
        let vars = context! {
            releases => Value::from_serialize(&cards),
            paginator => Value::from_serialize(views.paginator("releases/", n + 1, chunks.len())),
        };
        r.page("releases.html", &path, r.page_view("Releases", &path, None, vec![site_feed_link(r)]), vars, false);
    });
    let groups: Vec<_> =
        selection.groups.iter().enumerate().map(|(gi, g)| views.group(g, index.per_group[gi].len())).collect();
    let groups = Value::from_serialize(&groups);
    let latest: Vec<_> = selection
        .releases
        .iter()
        .flat_map(|s| s.groups.iter().map(move |g| (s, *g)))
        .take(10)
        .map(|(s, g)| views.communique_ref(s, g))
        .collect();
    let recent: Vec<_> = selection.releases.iter().take(5).map(|s| views.release_card(s)).collect();
    let home = context! {
        groups => groups.clone(), latest => Value::from_serialize(&latest), releases => Value::from_serialize(&recent),
    };
    r.page("index.html", "", r.page_view(&views.config.title, "", None, vec![site_feed_link(r)]), home, false);
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
}

/// The site feed: every release of this build, newest first.
fn site_feed(r: &Renderer, texts: &HashMap<usize, String>) {
    let config = r.views.config;
    let entries: Vec<Entry> = r
        .views
        .selection
        .releases
        .iter()
        .take(config.feed_limit)
        .enumerate()
        .map(|(ri, s)| release_entry(r, s, texts.get(&ri)))
        .collect();
    let stylesheet = config.url("feed.xsl");
    let info = FeedInfo {
        title: config.title.clone(),
        link: config.url(""),
        self_url: config.url("feed.xml"),
        description: config.description.clone(),
        language: &config.language,
        stylesheet: &stylesheet,
    };
    r.write("feed.xml", feeds::rss(&info, &entries).as_bytes());
}

/// Every indexable page: not 404, not draft or scheduled pages (they carry `noindex`).
fn sitemap_entries(r: &Renderer, index: &Index) -> Vec<SitemapEntry> {
    let views = &r.views;
    let selection = index.selection;
    let page = |path: &str, lastmod: Option<String>| SitemapEntry { url: views.url(path), lastmod };
    let count = |n: usize| n.div_ceil(views.config.paginate_by).max(1);
    let mut entries = vec![page("", None)];
    for n in 1..=count(selection.releases.len()) {
        entries.push(page(&page_path("releases/", n), None));
    }
    entries.push(page("groups/", None));
    for (gi, g) in selection.groups.iter().enumerate() {
        for n in 1..=count(index.per_group[gi].len()) {
            entries.push(page(&page_path(&group_path(&g.id), n), None));
        }
    }
    entries.push(page("products/", None));
    for (name, releases) in &index.per_product {
        for n in 1..=count(releases.len()) {
            entries.push(page(&page_path(&product_path(&slugify(name)), n), None));
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
