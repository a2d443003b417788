//! Every page and channel of a build (SPEC §6, §9), from the selection: release pages
//! and communiques (in parallel, capturing the texts feeds and e-mails carry), group
//! pages with their feeds and calendars, product pages, lists, the site feed, the sitemap.
//!
//! Each output file is made from one input value (the types of [`inputs`]) by a plain
//! `fn` that sees nothing but that input and the renderer. A `fn` cannot capture
//! anything, so a page can show only what its input carries or what every page shares
//! (site.toml, the groups, the templates: the memo's global key), and the preview's memo
//! keys each file by the hash of its input ([`Renderer::once`]). A view that gains a
//! field is made from the same input, and whatever a page needs besides must be added to
//! its input, which hashes it: no key is written by hand beside the page it guards.
//! (The views can still reach the whole selection; a view method that reads more than
//! its arguments, another release or a list, would step around this, and the
//! print-all theme in `tests/incremental.rs` would catch it.)

use super::context::*;
use super::email;
use super::memo::{key, release_key};
use super::sitemap::{self, SitemapEntry};
use super::{Renderer, Stats};
use crate::model::StakeholderGroup;
use crate::select::{Selection, ShownRelease};
use crate::slug::product_slug;
use crate::urls::{communique_path, group_path, page_path, product_path, release_path};
use inputs::*;
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

mod channels;
mod inputs;
mod reader;
mod search;

use channels::*;

/// Where each shown release appears: per group and per product, newest first.
struct Index<'s, 'a> {
    selection: &'s Selection<'a>,
    group_index: crate::fingerprint::FastMap<&'a str, usize>,
    /// Per group (selection order): indexes into `selection.releases`.
    per_group: Vec<Vec<usize>>,
    /// Product name → (slug, indexes), by product name.
    per_product: BTreeMap<&'a str, Vec<usize>>,
    /// Per shown release: its [`release_key`].
    versions: Vec<u64>,
}

impl<'s, 'a> Index<'s, 'a> {
    fn new(selection: &'s Selection<'a>) -> Self {
        let group_index: crate::fingerprint::FastMap<&str, usize> =
            selection.groups.iter().enumerate().map(|(i, g)| (g.id.as_str(), i)).collect();
        // The lists on one core, the keys on the others: a preview rebuild does this for
        // every release.
        let lists = || {
            // By address: the groups a release reaches are the selection's own.
            let by_address: crate::fingerprint::FastMap<*const StakeholderGroup, usize> =
                selection.groups.iter().enumerate().map(|(i, g)| (*g as *const StakeholderGroup, i)).collect();
            let mut per_group = vec![Vec::new(); selection.groups.len()];
            let mut per_product: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (ri, shown) in selection.releases.iter().enumerate() {
                for g in &shown.groups {
                    per_group[by_address[&(*g as *const StakeholderGroup)]].push(ri);
                }
                per_product.entry(shown.release.product.as_str()).or_default().push(ri);
            }
            (per_group, per_product)
        };
        let keys = || selection.releases.par_iter().map(release_key).collect();
        let ((per_group, per_product), versions) = rayon::join(lists, keys);
        Index { selection, group_index, per_group, per_product, versions }
    }

    fn shown(&self, ri: usize) -> Shown<'s, 'a> {
        Shown { shown: &self.selection.releases[ri], key: self.versions[ri] }
    }

    fn shown_all(&self, releases: &[usize]) -> Vec<Shown<'s, 'a>> {
        releases.iter().map(|&ri| self.shown(ri)).collect()
    }
}

/// Texts captured while rendering pages, for the feeds that carry them in full.
#[derive(Default)]
struct Captured {
    communiques: Mutex<HashMap<(usize, usize), String>>,
    releases: Mutex<HashMap<usize, String>>,
}

pub(super) fn render_all(r: &Renderer, first: Option<&super::first::First>) -> Stats {
    let selection = r.views.selection;
    let phase = crate::profile::Phase::start;
    let p = phase("index");
    let index = Index::new(selection);
    let group_views: Vec<OnceLock<Value>> = selection.groups.iter().map(|_| OnceLock::new()).collect();
    let groups: Vec<GroupInput> = selection
        .groups
        .iter()
        .zip(&group_views)
        .enumerate()
        .map(|(gi, (g, view))| GroupInput {
            group: Group(g),
            communique_count: index.per_group[gi].len(),
            view: Shared(view),
        })
        .collect();
    p.end();
    let captured = Captured::default();
    let p = phase("release and communique pages");
    release_pages(r, &index, &groups, &captured, first);
    p.end();
    let communique_texts = captured.communiques.into_inner().expect("lock");
    let release_texts = captured.releases.into_inner().expect("lock");
    let p = phase("group pages, feeds, calendars");
    group_pages(r, &index, &groups, &communique_texts);
    p.end();
    let p = phase("product pages and feeds");
    product_pages(r, &index, &release_texts);
    p.end();
    let p = phase("lists, site feed, sitemap");
    list_pages(r, &index, &groups);
    site_feed(r, &index, &release_texts);
    write_sitemap(r, &index);
    p.end();
    let p = phase("subscribe and catch-up pages");
    reader::render(r, &index, &groups);
    p.end();
    // Last, once the texts captured for the feeds are freed: the index's memory comes on
    // top of what the build still holds.
    drop((communique_texts, release_texts));
    let p = phase("search index");
    search::render(r, &index);
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
        languages: Vec::new(),
    }
}

fn release_pages(
    r: &Renderer,
    index: &Index,
    groups: &[GroupInput],
    captured: &Captured,
    first: Option<&super::first::First>,
) {
    let limit = r.views.config.feed_limit;
    // The communiques feeds carry in full: the newest `feed_limit` of each group.
    let in_feed: HashSet<(usize, usize)> = index
        .per_group
        .iter()
        .enumerate()
        .flat_map(|(gi, rs)| rs.iter().take(limit).map(move |&ri| (ri, gi)))
        .collect();
    let in_product_feed: HashSet<usize> =
        index.per_product.values().flat_map(|rs| rs.iter().take(limit).copied()).collect();
    // Per release: whether a feed carries the text of one of its pages.
    let mut in_a_feed = vec![false; index.selection.releases.len()];
    for &ri in in_product_feed.iter().chain(in_feed.iter().map(|(ri, _)| ri)) {
        in_a_feed[ri] = true;
    }
    let pages = index.selection.releases.iter().map(|s| s.groups.len() as u64 + 1).sum();
    let progress = crate::progress::Progress::start(pages, "Rendering communiques");
    let one = |ri: usize| {
        let shown = &index.selection.releases[ri];
        // The release's view, made only if one of its pages is made.
        let view = OnceLock::new();
        let release = ReleaseInput { shown: index.shown(ri), view: Shared(&view) };
        let group_of = |g: &StakeholderGroup| index.group_index[g.id.as_str()];
        let own = ReleasePages { release, groups: shown.groups.iter().map(|g| groups[group_of(g)]).collect() };
        let own_key = key(&own);
        let keep = ri < limit || in_product_feed.contains(&ri);
        let slug = &shown.release.slug;
        // Pages whose text no feed carries are reused, if they can be, all in one go.
        if !keep && !in_a_feed[ri] && r.reuse_release_pages(slug, own_key) {
            progress.inc(shown.groups.len() as u64 + 1);
            return;
        }
        progress.inc(1);
        let mut files = Vec::with_capacity(shown.groups.len() + 1);
        files.push(format!("{}index.html", release_path(slug)));
        let text = r.once(&files[0], "release.html", &release, keep, |r, release, keep| {
            let shown = release.shown.shown;
            let path = release_path(&shown.release.slug);
            let page = r
                .page_view(&shown.release.title, &path, shown.marker, vec![])
                .describe(&shown.release.summary)
                .planned(shown.release, r.views.config);
            r.page("release.html", &path, page, context! { release => release.view(r) }, keep)
        });
        if let Some(text) = text {
            captured.releases.lock().expect("lock").insert(ri, text);
        }
        for &group in &own.groups {
            progress.inc(1);
            let gi = group_of(group.group.0);
            let file = format!("{}index.html", communique_path(slug, &group.group.0.id));
            let feed = in_feed.contains(&(ri, gi));
            let template = r.communique_template(group.group.0);
            let text = r.once(&file, &template, &CommuniquePage { release, group }, feed, communique_page);
            if let (true, Some(text)) = (feed, text) {
                captured.communiques.lock().expect("lock").insert((ri, gi), text);
            }
            files.push(file);
        }
        r.record_release_pages(slug, own_key, files);
    };
    // The releases whose pages the preview's open tabs look at first, handed over as
    // soon as they are made; then the others.
    let (wanted, rest) = super::first::release_order(index.selection, first);
    wanted.into_par_iter().for_each(one);
    super::first::publish(r, first);
    rest.into_par_iter().for_each(one);
    progress.finish();
}

/// A communique page (and, with `--emails`, its e-mail); its text when `feed` or an
/// e-mail needs it.
fn communique_page(r: &Renderer, input: &CommuniquePage, feed: bool) -> Option<String> {
    let (shown, g) = (input.release.shown.shown, input.group.group.0);
    let cpath = communique_path(&shown.release.slug, &g.id);
    let mail_to = r.emails.and(g.email.as_deref()).filter(|_| r.speaks(g));
    let communique = r.views.communique(shown, g);
    let vars = context! {
        release => input.release.view(r),
        group => input.group.view(r),
        communique => Value::from_serialize(&communique),
    };
    let page = r
        .page_view(communique.title, &cpath, shown.marker, r.views.group_alternates(g))
        .describe(communique.summary)
        .planned(shown.release, r.views.config);
    let template = r.communique_template(g);
    let text = r.page(&template, &cpath, page, vars.clone(), feed || mail_to.is_some())?;
    if let (Some(to), Some(out)) = (mail_to, r.emails) {
        if let Some(plain) = r.render_text("communique.txt", vars) {
            write_email(r, out, shown, g, to, &communique, &plain, &text);
        }
    }
    Some(text)
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
    let message = email::communique_message(
        r.views.config,
        &email::Communique {
            release_slug: &shown.release.slug,
            release_title: &shown.release.title,
            group: &g.id,
            publish_at: shown.release.publish_at,
            to,
            title: communique.title,
            text: plain,
            html,
        },
    );
    match message {
        Ok(bytes) => r.write_to(out, &format!("{}/{}.eml", shown.release.slug, g.id), &bytes),
        Err(e) => r.fail(crate::diagnostics::Diagnostic::error(
            &shown.release.path,
            crate::diagnostics::Pos::START,
            "io",
            format!("cannot build the e-mail for `{}`: {e}", g.id),
        )),
    }
}

fn group_pages(r: &Renderer, index: &Index, groups: &[GroupInput], texts: &HashMap<(usize, usize), String>) {
    let config = r.views.config;
    index.selection.groups.par_iter().enumerate().for_each(|(gi, g)| {
        let base = group_path(&g.id);
        let releases = &index.per_group[gi];
        let chunks = pages_of(releases, config.paginate_by);
        for (n, chunk) in chunks.iter().enumerate() {
            let page = GroupPage {
                group: groups[gi],
                communiques: index.shown_all(chunk),
                number: n + 1,
                pages: chunks.len(),
                // The group's upcoming deadlines (SPEC §11), on its first page: from every
                // release of the group, as of the build's "now".
                deadlines: if n == 0 { Some((index.shown_all(releases), r.now)) } else { None },
            };
            r.once(&format!("{}index.html", page_path(&base, n + 1)), "group.html", &page, false, |r, page, _| {
                let g = page.group.group.0;
                let base = group_path(&g.id);
                let path = page_path(&base, page.number);
                let communiques: Vec<_> = page.communiques.iter().map(|s| r.views.communique_ref(s.shown, g)).collect();
                let deadlines = match &page.deadlines {
                    Some((releases, now)) => {
                        Value::from_serialize(r.views.deadlines(releases.iter().map(|s| s.shown), g, *now))
                    }
                    None => Value::from(Vec::<Value>::new()),
                };
                let vars = context! {
                    deadlines => deadlines,
                    group => page.group.view(r),
                    communiques => Value::from_serialize(&communiques),
                    paginator => Value::from_serialize(r.views.paginator(&base, page.number, page.pages)),
                };
                let about = if g.summary.is_empty() {
                    super::strings::fill(r.word("describe_group"), &[("group", &g.name)])
                } else {
                    g.summary.clone()
                };
                let view = r.page_view(&g.name, &path, None, r.views.group_alternates(g)).describe(&about);
                r.page("group.html", &path, view, vars, false)
            });
        }
        let newest: Vec<_> = releases[..releases.len().min(config.feed_limit)]
            .iter()
            .map(|&ri| (index.shown(ri), PageText(texts.get(&(ri, gi)))))
            .collect();
        let entries = OnceLock::new();
        for (file, _) in GROUP_FEEDS {
            let feed = GroupFeed { group: groups[gi], file, newest: &newest, entries: Shared(&entries) };
            // The feeds carry the texts of the group's communique format.
            r.once(&format!("{base}{file}"), &r.communique_template(g), &feed, false, group_feed);
        }
        let calendar = GroupCalendar { group: Group(g), releases: index.shown_all(releases) };
        r.once(&format!("{base}calendar.ics"), "", &calendar, false, group_calendar);
    });
}

#[derive(Serialize)]
struct ProductView<'a> {
    name: &'a str,
    slug: String,
    url: String,
    feed: FeedLink,
    /// Every way to follow the product: its subscribe page.
    subscribe_url: String,
    release_count: usize,
    latest: Option<ReleaseCard<'a>>,
}

fn product_view<'a>(r: &Renderer<'_, 'a>, product: &ProductInput<'_, 'a>) -> ProductView<'a> {
    let slug = product_slug(product.name);
    let base = product_path(&slug);
    ProductView {
        name: product.name,
        url: r.views.url(&base),
        feed: product_feed_link(r, product.name, &base),
        subscribe_url: r.views.url(&crate::urls::product_subscribe_path(&slug)),
        slug,
        release_count: product.release_count,
        latest: product.latest.map(|s| r.views.release_card(s.shown)),
    }
}

fn product_pages(r: &Renderer, index: &Index, texts: &HashMap<usize, String>) {
    let config = r.views.config;
    let products: Vec<(ProductInput, &Vec<usize>)> = index
        .per_product
        .iter()
        .map(|(name, releases)| {
            let latest = releases.first().map(|&ri| index.shown(ri));
            (ProductInput { name, release_count: releases.len(), latest }, releases)
        })
        .collect();
    products.par_iter().for_each(|(product, releases)| {
        let base = product_path(&product_slug(product.name));
        let chunks = pages_of(releases, config.paginate_by);
        for (n, chunk) in chunks.iter().enumerate() {
            let page = ProductPage { product, releases: index.shown_all(chunk), number: n + 1, pages: chunks.len() };
            r.once(&format!("{}index.html", page_path(&base, n + 1)), "product.html", &page, false, |r, page, _| {
                let product = product_view(r, page.product);
                let base = product_path(&product.slug);
                let path = page_path(&base, page.number);
                let cards: Vec<_> = page.releases.iter().map(|s| r.views.release_card(s.shown)).collect();
                let vars = context! {
                    product => Value::from_serialize(&product),
                    releases => Value::from_serialize(&cards),
                    paginator => Value::from_serialize(r.views.paginator(&base, page.number, page.pages)),
                };
                let page = r
                    .page_view(product.name, &path, None, vec![product.feed.clone()])
                    .describe(&super::strings::fill(r.word("describe_product"), &[("product", product.name)]));
                r.page("product.html", &path, page, vars, false)
            });
        }
        let newest = releases[..releases.len().min(config.feed_limit)]
            .iter()
            .map(|&ri| (index.shown(ri), PageText(texts.get(&ri))))
            .collect();
        let feed = ReleaseFeed { product: Some(product.name), newest };
        r.once(&format!("{base}feed.xml"), "release.html", &feed, false, release_feed);
    });
    let all: Vec<&ProductInput> = products.iter().map(|(product, _)| product).collect();
    r.once("products/index.html", "products.html", &all, false, |r, all, _| {
        let all: Vec<ProductView> = all.iter().map(|product| product_view(r, product)).collect();
        let vars = context! { products => Value::from_serialize(&all) };
        let page = r.page_view(r.word("products"), "products/", None, vec![]).describe(r.word("describe_products"));
        r.page("products.html", "products/", page, vars, false)
    });
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

fn group_list(r: &Renderer, groups: &[GroupInput]) -> Value {
    Value::from(groups.iter().map(|g| g.view(r)).collect::<Vec<_>>())
}

fn list_pages(r: &Renderer, index: &Index, groups: &[GroupInput]) {
    let selection = index.selection;
    let per_page = r.views.config.paginate_by;
    let all: Vec<usize> = (0..selection.releases.len()).collect();
    let chunks = pages_of(&all, per_page);
    chunks.par_iter().enumerate().for_each(|(n, chunk)| {
        let page = ReleasesPage { releases: index.shown_all(chunk), number: n + 1, pages: chunks.len() };
        r.once(&format!("{}index.html", page_path("releases/", n + 1)), "releases.html", &page, false, |r, page, _| {
            let path = page_path("releases/", page.number);
            let cards: Vec<_> = page.releases.iter().map(|s| r.views.release_card(s.shown)).collect();
            let vars = context! {
                releases => Value::from_serialize(&cards),
                paginator => Value::from_serialize(r.views.paginator("releases/", page.number, page.pages)),
            };
            let view = r
                .page_view(r.word("releases"), &path, None, vec![site_feed_link(r)])
                .describe(r.word("describe_releases"));
            r.page("releases.html", &path, view, vars, false)
        });
    });
    let home = HomePage { groups, releases: index.shown_all(&all[..all.len().min(HOME_RELEASES)]) };
    r.once("index.html", "index.html", &home, false, |r, home, _| {
        let latest: Vec<_> = home
            .releases
            .iter()
            .flat_map(|s| s.shown.groups.iter().map(move |g| (s.shown, *g)))
            .take(10)
            .map(|(s, g)| r.views.communique_ref(s, g))
            .collect();
        let recent = r.views.home_releases(home.releases.iter().map(|s| s.shown));
        let vars = context! {
            groups => group_list(r, home.groups),
            latest => Value::from_serialize(&latest),
            releases => Value::from_serialize(&recent),
        };
        r.page("index.html", "", r.page_view(&r.views.config.title, "", None, vec![site_feed_link(r)]), vars, false)
    });
    r.once("groups/index.html", "groups.html", &groups, false, |r, groups, _| {
        let page = r.page_view(r.word("groups"), "groups/", None, vec![]).describe(r.word("describe_groups"));
        r.page("groups.html", "groups/", page, context! { groups => group_list(r, groups) }, false)
    });
    r.once("404.html", "404.html", &(), false, |r, (), _| {
        let html = r.render("404.html", r.page_view(r.word("not_found"), "404.html", None, vec![]), context! {})?;
        r.write("404.html", html.as_bytes());
        None
    });
}

/// The site feed: every release of this build, newest first.
fn site_feed(r: &Renderer, index: &Index, texts: &HashMap<usize, String>) {
    let newest = 0..index.selection.releases.len().min(r.views.config.feed_limit);
    let feed =
        ReleaseFeed { product: None, newest: newest.map(|ri| (index.shown(ri), PageText(texts.get(&ri)))).collect() };
    r.once("feed.xml", "release.html", &feed, false, release_feed);
}

/// The sitemap: one file, or an index and its parts past the protocol's limit. Each
/// file is its own entry in the memo, so that a rebuild keeps (or drops, when the count
/// of parts falls) each one; the entries are made only if one of them must be written.
fn write_sitemap(r: &Renderer, index: &Index) {
    let mut pages = Vec::new();
    sitemap_pages(r, index, |path, date| pages.push((path, date)));
    if r.language == 0 {
        every_language(r, &mut pages);
    }
    let files = OnceLock::new();
    for name in sitemap::file_names(pages.len(), r.sitemap_limit) {
        let sitemap = Sitemap { name: &name, pages: &pages, limit: r.sitemap_limit, files: Shared(&files) };
        r.once(&name, "", &sitemap, false, |r, sitemap, _| {
            let files = sitemap.files.0.get_or_init(|| {
                let entries: Vec<SitemapEntry> = sitemap
                    .pages
                    .iter()
                    .map(|(path, date)| SitemapEntry {
                        url: r.views.url(path),
                        lastmod: date.map(|d| d.strftime("%Y-%m-%d").to_string()),
                    })
                    .collect();
                sitemap::files(&entries, &r.views.config.base_url, sitemap.limit)
            });
            if let Some((_, xml)) = files.iter().find(|(n, _)| n == sitemap.name) {
                r.write(sitemap.name, xml.as_bytes());
            }
            None
        });
    }
}

/// The root sitemap of a site in several languages lists every language's pages too, so
/// that search engines find them all from the one file robots and Search Console know.
/// Translations change texts only, so each language has the default's pages, under its
/// `<lang>/`; the URL limit counts them all (past it, the index and its parts).
fn every_language(r: &Renderer, pages: &mut Vec<(String, Option<jiff::Timestamp>)>) {
    let own = pages.len();
    for language in &r.languages[1..] {
        for i in 0..own {
            let (path, date) = (format!("{}{}", language.prefix, pages[i].0), pages[i].1);
            pages.push((path, date));
        }
    }
}

/// Every indexable page, in sitemap order, as its path and date: not 404, not draft or
/// scheduled pages (they carry `noindex`).
fn sitemap_pages(r: &Renderer, index: &Index, mut page: impl FnMut(String, Option<jiff::Timestamp>)) {
    let views = &r.views;
    let selection = index.selection;
    let count = |n: usize| n.div_ceil(views.config.paginate_by).max(1);
    page(String::new(), None);
    for n in 1..=count(selection.releases.len()) {
        page(page_path("releases/", n), None);
    }
    page("groups/".into(), None);
    for (gi, g) in selection.groups.iter().enumerate() {
        for n in 1..=count(index.per_group[gi].len()) {
            page(page_path(&group_path(&g.id), n), None);
        }
        page(crate::urls::group_subscribe_path(&g.id), None);
        page(crate::urls::group_since_path(&g.id), None);
    }
    page("products/".into(), None);
    for (name, releases) in &index.per_product {
        let base = product_path(&product_slug(name));
        for n in 1..=count(releases.len()) {
            page(page_path(&base, n), None);
        }
        page(crate::urls::product_subscribe_path(&product_slug(name)), None);
    }
    page(crate::urls::SITE_SUBSCRIBE.into(), None);
    let mut releases: Vec<_> = selection.releases.iter().filter(|s| s.marker.is_none()).collect();
    releases.sort_by(|a, b| a.release.slug.cmp(&b.release.slug));
    for s in releases {
        let day = Some(s.release.publish_at);
        page(release_path(&s.release.slug), day);
        for g in &s.groups {
            page(communique_path(&s.release.slug, &g.id), day);
        }
    }
}
