//! Every page and channel of a build (SPEC §6, §9), from the selection: release pages
//! and communiques (in parallel, capturing the texts feeds and e-mails carry), group
//! pages with their feeds and calendars, product pages, lists, the site feed, the sitemap.

use super::calendar::{self, CalendarEvent};
use super::context::*;
use super::email;
use super::feeds::{self, Entry, FeedInfo};
use super::memo::{key, release_key, GroupIds};
use super::sitemap::{self, SitemapEntry};
use super::{Renderer, Stats};
use crate::model::StakeholderGroup;
use crate::select::{Selection, ShownRelease};
use crate::slug::product_slug;
use crate::urls::{communique_path, group_path, page_path, product_path, release_path};
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

mod reader;

/// Where each shown release appears: per group and per product, newest first.
struct Index<'s, 'a> {
    selection: &'s Selection<'a>,
    group_index: HashMap<&'a str, usize>,
    /// Per group (selection order): indexes into `selection.releases`.
    per_group: Vec<Vec<usize>>,
    /// Product name → (slug, indexes), by product name.
    per_product: BTreeMap<&'a str, Vec<usize>>,
    /// Per shown release: what it brings to the key of any file that shows it.
    versions: Vec<u64>,
    /// Per shown release: what its entries in the sitemap say.
    sitemap: Vec<u64>,
}

impl<'s, 'a> Index<'s, 'a> {
    fn new(selection: &'s Selection<'a>) -> Self {
        let group_index: HashMap<&str, usize> =
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
        let keys = || {
            selection
                .releases
                .par_iter()
                .map(|s| {
                    let sitemap = (&s.release.slug, s.release.publish_at, s.marker.is_none(), GroupIds(&s.groups));
                    (release_key(s), key(sitemap))
                })
                .unzip()
        };
        let ((per_group, per_product), (versions, sitemap)) = rayon::join(lists, keys);
        Index { selection, group_index, per_group, per_product, versions, sitemap }
    }

    fn release(&self, ri: usize) -> &'s ShownRelease<'a> {
        &self.selection.releases[ri]
    }

    /// The key of a list of releases (a page of a list, a feed, a calendar).
    fn versions_of(&self, releases: &[usize]) -> Vec<u64> {
        releases.iter().map(|&ri| self.versions[ri]).collect()
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
    let p = phase("index");
    let index = Index::new(selection);
    p.end();
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
    site_feed(r, &index, &release_texts);
    write_sitemap(r, &index);
    p.end();
    let p = phase("subscribe and catch-up pages");
    reader::render(r, &index);
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
    // Per release: whether a feed carries the text of one of its pages.
    let mut in_a_feed = vec![false; index.selection.releases.len()];
    for &ri in in_product_feed.iter().chain(in_feed.iter().map(|(ri, _)| ri)) {
        in_a_feed[ri] = true;
    }
    let pages = index.selection.releases.iter().map(|s| s.groups.len() as u64 + 1).sum();
    let progress = crate::progress::Progress::start(pages, "Rendering communiques");
    index.selection.releases.par_iter().enumerate().for_each(|(ri, shown)| {
        let version = index.versions[ri];
        let keep = ri < limit || in_product_feed.contains(&ri);
        let slug = &shown.release.slug;
        // Pages whose text no feed carries are reused, if they can be, all in one go.
        if !keep && !in_a_feed[ri] && r.reuse_release_pages(slug, version) {
            progress.inc(shown.groups.len() as u64 + 1);
            return;
        }
        progress.inc(1);
        // The release's view, made only if one of its pages is made.
        let view = std::sync::OnceLock::new();
        let release = || view.get_or_init(|| Value::from_serialize(views.release(shown))).clone();
        let path = release_path(slug);
        let mut files = Vec::with_capacity(shown.groups.len() + 1);
        files.push(format!("{path}index.html"));
        let text = r.once(&files[0], "release.html", version, keep, || {
            let page = r
                .page_view(&shown.release.title, &path, shown.marker, vec![])
                .describe(&shown.release.summary)
                .planned(shown.release, views.config);
            r.page("release.html", &path, page, context! { release => release() }, keep)
        });
        if let Some(text) = text {
            captured.releases.lock().expect("lock").insert(ri, text);
        }
        for g in &shown.groups {
            progress.inc(1);
            let gi = index.group_index[g.id.as_str()];
            let cpath = communique_path(slug, &g.id);
            let mail_to = r.emails.and(g.email.as_deref());
            let feed = in_feed.contains(&(ri, gi));
            let file = format!("{cpath}index.html");
            let template = r.communique_template(g);
            let text = r.once(&file, &template, key((version, &g.id)), feed, || {
                let communique = views.communique(shown, g);
                let vars = context! {
                    release => release(),
                    group => group_values[gi].clone(),
                    communique => Value::from_serialize(&communique),
                };
                let page = r
                    .page_view(communique.title, &cpath, shown.marker, views.group_alternates(g))
                    .describe(communique.summary)
                    .planned(shown.release, views.config);
                let text = r.page(&template, &cpath, page, vars.clone(), feed || mail_to.is_some())?;
                if let (Some(to), Some(out)) = (mail_to, r.emails) {
                    if let Some(plain) = r.render_text("communique.txt", vars) {
                        write_email(r, out, shown, g, to, &communique, &plain, &text);
                    }
                }
                Some(text)
            });
            if let (true, Some(text)) = (feed, text) {
                captured.communiques.lock().expect("lock").insert((ri, gi), text);
            }
            files.push(file);
        }
        r.record_release_pages(slug, version, files);
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

fn feed_entry(r: &Renderer, shown: &ShownRelease, g: &StakeholderGroup, text: Option<&String>) -> Entry {
    let card = r.views.communique_ref(shown, g);
    Entry {
        title: card.title.to_string(),
        url: card.url,
        published: shown.release.publish_at,
        summary_html: card.summary_html,
        content_html: text.cloned().unwrap_or_default(),
        categories: categories(&shown.release.product, &card.labels),
    }
}

/// A feed item's categories: the product, then the words of its labels (SPEC §11).
fn categories(product: &str, labels: &[crate::model::Label]) -> Vec<String> {
    std::iter::once(product).chain(labels.iter().map(|l| l.text)).map(str::to_string).collect()
}

/// Writes one feed format.
type Channel = fn(&FeedInfo, &[Entry]) -> String;

fn group_pages(r: &Renderer, index: &Index, texts: &HashMap<(usize, usize), String>) {
    let views = &r.views;
    let config = views.config;
    index.selection.groups.par_iter().enumerate().for_each(|(gi, g)| {
        let base = group_path(&g.id);
        let releases = &index.per_group[gi];
        let group = Value::from_serialize(views.group(g, releases.len()));
        let chunks = pages_of(releases, config.paginate_by);
        // The group's upcoming deadlines (SPEC §11), on its first page.
        let deadlines = Value::from_serialize(views.deadlines(releases.iter().map(|&ri| index.release(ri)), g, r.now));
        for (n, chunk) in chunks.iter().enumerate() {
            let path = page_path(&base, n + 1);
            let shown_deadlines = if n == 0 { deadlines.clone() } else { Value::from(Vec::<Value>::new()) };
            let page_key =
                key((n, chunks.len(), releases.len(), index.versions_of(chunk), shown_deadlines.to_string()));
            r.once(&format!("{path}index.html"), "group.html", page_key, false, || {
                let communiques: Vec<_> = chunk.iter().map(|&ri| views.communique_ref(index.release(ri), g)).collect();
                let vars = context! {
                    deadlines => shown_deadlines.clone(),
                    group => group.clone(),
                    communiques => Value::from_serialize(&communiques),
                    paginator => Value::from_serialize(views.paginator(&base, n + 1, chunks.len())),
                };
                let about = if g.summary.is_empty() {
                    format!("What each release means for {}.", g.name)
                } else {
                    g.summary.clone()
                };
                let page = r.page_view(&g.name, &path, None, views.group_alternates(g)).describe(&about);
                r.page("group.html", &path, page, vars, false)
            });
        }
        let newest = &releases[..releases.len().min(config.feed_limit)];
        let feed_key = key(index.versions_of(newest));
        let entries = std::sync::OnceLock::new();
        let entries = || {
            entries.get_or_init(|| -> Vec<Entry> {
                newest.iter().map(|&ri| feed_entry(r, index.release(ri), g, texts.get(&(ri, gi)))).collect()
            })
        };
        let description =
            if g.summary.is_empty() { format!("Release communications for {}", g.name) } else { g.summary.clone() };
        let info = |file: &str| FeedInfo {
            title: format!("{} — {}", config.title, g.name),
            link: views.url(&base),
            self_url: views.url(&format!("{base}{file}")),
            description: description.clone(),
            language: &config.language,
        };
        let channels: [(&str, Channel); 3] =
            [("feed.xml", feeds::rss), ("atom.xml", feeds::atom), ("feed.json", feeds::json_feed)];
        // The feeds carry the texts of the group's communique format.
        let template = r.communique_template(g);
        for (file, channel) in channels {
            let path = format!("{base}{file}");
            r.once(&path, &template, feed_key, false, || {
                r.write(&path, channel(&info(file), entries()).as_bytes());
                None
            });
        }
        let path = format!("{base}calendar.ics");
        r.once(&path, "", key(index.versions_of(releases)), false, || {
            // Oldest first; each release's events as the last build wrote them, if it did.
            let events = releases.iter().rev().map(|&ri| {
                r.fragment(key((index.versions[ri], &g.id)), || {
                    release_events(r, index, g, ri).iter().map(calendar::event).collect()
                })
            });
            let ics = calendar::calendar(&format!("{} — {}", config.title, g.name), &description, events);
            r.write(&path, ics.as_bytes());
            None
        });
    });
}

/// A release's events in a group's calendar: its communique's go-live, and one per
/// window that concerns the group.
fn release_events(r: &Renderer, index: &Index, g: &StakeholderGroup, ri: usize) -> Vec<CalendarEvent> {
    let views = &r.views;
    let host = email::host(&views.config.base_url);
    let release = index.release(ri).release;
    let mut events = Vec::new();
    // What the communique's card says, without its rendered summary: a calendar
    // has every release of the group, and needs only plain text.
    let page = index.selection.hierarchy.inherited(&release.handwritten, &g.id);
    let title = page.and_then(|p| p.title.as_deref()).unwrap_or(&release.title);
    let url = views.url(&communique_path(&release.slug, &g.id));
    events.push(CalendarEvent {
        uid: format!("{}.{}@{host}", release.slug, g.id),
        summary: format!("{title} goes live"),
        description: format!("{}\n\n{url}", release.summary),
        url: url.clone(),
        start: release.deployed_at,
        end: None,
        stamp: release.publish_at,
        category: "Go-live",
        reminder: None,
    });
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
            uid: window_uid(&release.slug, w.id.as_deref(), i, &g.id, &host),
            summary: format!("{kind}: {} ({})", w.title, release.title),
            description: format!("{}\n\n{url}", release.summary),
            url: url.clone(),
            start: w.start,
            end: Some(w.end),
            stamp: release.publish_at,
            category: kind,
            reminder: None,
        });
    }
    events.extend(deadline_events(release, g, index, &url, &host));
    events
}

/// A group's action deadlines in a release, each an event with a reminder a week before
/// (SPEC §11). The UID comes from the release, the action's place in the list (from 1)
/// and the group, so rewording an action or moving its deadline updates the event.
fn deadline_events(
    release: &crate::model::Release,
    g: &StakeholderGroup,
    index: &Index,
    url: &str,
    host: &str,
) -> Vec<CalendarEvent> {
    let h = &index.selection.hierarchy;
    release
        .actions
        .iter()
        .enumerate()
        .filter(|(_, a)| a.groups.as_ref().is_none_or(|t| h.receives(&g.id, t)))
        .filter_map(|(i, a)| {
            let due = a.due?;
            let text = a.text.trim();
            Some(CalendarEvent {
                uid: format!("{}/action-{}/{}@{host}", release.slug, i + 1, g.id),
                summary: format!("Due: {text} ({})", release.title),
                description: format!("{text}\n\n{url}"),
                url: url.to_string(),
                start: due,
                end: None,
                stamp: release.publish_at,
                category: "Deadline",
                reminder: Some(format!("Due in a week: {text} ({})", release.title)),
            })
        })
        .collect()
}

/// A window's event in a group's calendar: from the release, the window's `id` (else
/// its position, from 1) and the group, so that retitling a window, or moving it, updates
/// the event in place (SPEC §9). Ids cannot hold `/`, so no two of these read alike, nor
/// like a go-live's (`<release>.<group>@host`).
fn window_uid(release: &str, id: Option<&str>, index: usize, group: &str, host: &str) -> String {
    match id {
        Some(id) => format!("{release}/window/{id}/{group}@{host}"),
        None => format!("{release}/window-{}/{group}@{host}", index + 1),
    }
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

fn product_view<'a>(r: &Renderer<'_, 'a>, index: &Index<'_, 'a>, name: &'a str, releases: &[usize]) -> ProductView<'a> {
    let slug = product_slug(name);
    let base = product_path(&slug);
    ProductView {
        name,
        url: r.views.url(&base),
        feed: FeedLink {
            title: format!("{} — {name} (RSS)", r.views.config.title),
            url: r.views.url(&format!("{base}feed.xml")),
            mime: "application/rss+xml",
        },
        subscribe_url: r.views.url(&crate::urls::product_subscribe_path(&slug)),
        slug,
        release_count: releases.len(),
        latest: releases.first().map(|&ri| r.views.release_card(index.release(ri))),
    }
}

fn product_pages(r: &Renderer, index: &Index, texts: &HashMap<usize, String>) {
    let views = &r.views;
    let config = views.config;
    let products: Vec<(&str, &Vec<usize>)> = index.per_product.iter().map(|(k, v)| (*k, v)).collect();
    // A product's pages show its latest release as well as their own.
    let product_key = |name: &str, releases: &[usize]| key((name, releases.len(), index.versions_of(&releases[..1])));
    products.par_iter().for_each(|(name, releases)| {
        let product = product_view(r, index, name, releases);
        let base = product_path(&product.slug);
        let chunks = pages_of(releases, config.paginate_by);
        let product_value = Value::from_serialize(&product);
        for (n, chunk) in chunks.iter().enumerate() {
            let path = page_path(&base, n + 1);
            let page_key = key((product_key(name, releases), n, chunks.len(), index.versions_of(chunk)));
            r.once(&format!("{path}index.html"), "product.html", page_key, false, || {
                let cards: Vec<_> = chunk.iter().map(|&ri| views.release_card(index.release(ri))).collect();
                let vars = context! {
                    product => product_value.clone(),
                    releases => Value::from_serialize(&cards),
                    paginator => Value::from_serialize(views.paginator(&base, n + 1, chunks.len())),
                };
                let page = r
                    .page_view(name, &path, None, vec![product.feed.clone()])
                    .describe(&format!("Every release of {name}, newest first."));
                r.page("product.html", &path, page, vars, false)
            });
        }
        let newest = &releases[..releases.len().min(config.feed_limit)];
        let path = format!("{base}feed.xml");
        r.once(&path, "release.html", key(index.versions_of(newest)), false, || {
            let entries: Vec<Entry> =
                newest.iter().map(|&ri| release_entry(r, index.release(ri), texts.get(&ri))).collect();
            let info = FeedInfo {
                title: format!("{} — {name}", config.title),
                link: product.url.clone(),
                self_url: product.feed.url.clone(),
                description: format!("Every release of {name}"),
                language: &config.language,
            };
            r.write(&path, feeds::rss(&info, &entries).as_bytes());
            None
        });
    });
    let all_key = key(products.iter().map(|(name, releases)| product_key(name, releases)).collect::<Vec<_>>());
    r.once("products/index.html", "products.html", all_key, false, || {
        let all: Vec<ProductView> =
            products.iter().map(|(name, releases)| product_view(r, index, name, releases)).collect();
        let vars = context! { products => Value::from_serialize(&all) };
        let page = r
            .page_view("Products", "products/", None, vec![])
            .describe("Every product, with its releases and its feed.");
        r.page("products.html", "products/", page, vars, false)
    });
}

fn release_entry(r: &Renderer, shown: &ShownRelease, text: Option<&String>) -> Entry {
    Entry {
        title: shown.release.title.clone(),
        url: r.views.url(&release_path(&shown.release.slug)),
        published: shown.release.publish_at,
        summary_html: r.views.texts.release(shown.release).summary.clone(),
        content_html: text.cloned().unwrap_or_default(),
        categories: categories(&shown.release.product, &r.views.release_labels(shown)),
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
    let per_page = views.config.paginate_by;
    let chunks = pages_of(&selection.releases, per_page);
    chunks.par_iter().enumerate().for_each(|(n, chunk)| {
        let path = page_path("releases/", n + 1);
        let first = n * per_page;
        let page_key = key((n, chunks.len(), &index.versions[first..first + chunk.len()]));
        r.once(&format!("{path}index.html"), "releases.html", page_key, false, || {
            let cards: Vec<_> = chunk.iter().map(|s| views.release_card(s)).collect();
            let vars = context! {
                releases => Value::from_serialize(&cards),
                paginator => Value::from_serialize(views.paginator("releases/", n + 1, chunks.len())),
            };
            let page = r
                .page_view("Releases", &path, None, vec![site_feed_link(r)])
                .describe("Every release, newest first, and what it means for each stakeholder group.");
            r.page("releases.html", &path, page, vars, false)
        });
    });
    let groups = || {
        let groups: Vec<_> =
            selection.groups.iter().enumerate().map(|(gi, g)| views.group(g, index.per_group[gi].len())).collect();
        Value::from_serialize(&groups)
    };
    let counts: Vec<usize> = index.per_group.iter().map(Vec::len).collect();
    // The home page shows the newest ten communiques, of at most ten releases.
    let home_key = key((&counts, &index.versions[..index.versions.len().min(10)]));
    r.once("index.html", "index.html", home_key, false, || {
        let latest: Vec<_> = selection
            .releases
            .iter()
            .flat_map(|s| s.groups.iter().map(move |g| (s, *g)))
            .take(10)
            .map(|(s, g)| views.communique_ref(s, g))
            .collect();
        let recent = views.home_releases();
        let home = context! {
            groups => groups(), latest => Value::from_serialize(&latest), releases => Value::from_serialize(&recent),
        };
        r.page("index.html", "", r.page_view(&views.config.title, "", None, vec![site_feed_link(r)]), home, false)
    });
    r.once("groups/index.html", "groups.html", key(&counts), false, || {
        let page = r
            .page_view("Groups", "groups/", None, vec![])
            .describe("Every stakeholder group, with its page and its feed.");
        r.page("groups.html", "groups/", page, context! { groups => groups() }, false)
    });
    r.once("404.html", "404.html", key(()), false, || {
        let html = r.render("404.html", r.page_view("Page not found", "404.html", None, vec![]), context! {})?;
        r.write("404.html", html.as_bytes());
        None
    });
}

/// The site feed: every release of this build, newest first.
fn site_feed(r: &Renderer, index: &Index, texts: &HashMap<usize, String>) {
    let config = r.views.config;
    let newest = &index.selection.releases[..index.selection.releases.len().min(config.feed_limit)];
    r.once("feed.xml", "release.html", key(&index.versions[..newest.len()]), false, || {
        site_feed_write(r, newest, texts);
        None
    });
}

fn site_feed_write(r: &Renderer, newest: &[ShownRelease], texts: &HashMap<usize, String>) {
    let config = r.views.config;
    let entries: Vec<Entry> = newest.iter().enumerate().map(|(ri, s)| release_entry(r, s, texts.get(&ri))).collect();
    let info = FeedInfo {
        title: config.title.clone(),
        link: config.url(""),
        self_url: config.url("feed.xml"),
        description: config.description.clone(),
        language: &config.language,
    };
    r.write("feed.xml", feeds::rss(&info, &entries).as_bytes());
}

/// What the sitemap is made from: the lists' lengths and, per release, what its entries
/// say (not its title or text, which most edits change).
fn sitemap_key(index: &Index) -> u64 {
    let products: Vec<_> = index.per_product.iter().map(|(name, rs)| (name, rs.len())).collect();
    key((index.per_group.iter().map(Vec::len).collect::<Vec<_>>(), products, &index.sitemap))
}

/// The sitemap: one file, or an index and its parts past the protocol's limit. Each
/// file is its own entry in the memo, so that a rebuild keeps (or drops, when the count
/// of parts falls) each one; the entries are made only if one of them must be written.
fn write_sitemap(r: &Renderer, index: &Index) {
    let sitemap_key = sitemap_key(index);
    let mut count = 0;
    sitemap_pages(r, index, |_, _| count += 1);
    let files = std::sync::OnceLock::new();
    for name in sitemap::file_names(count, r.sitemap_limit) {
        r.once(&name, "", sitemap_key, false, || {
            let files = files.get_or_init(|| {
                let mut entries = Vec::with_capacity(count);
                sitemap_pages(r, index, |path, date| {
                    let lastmod = date.map(|d| d.strftime("%Y-%m-%d").to_string());
                    entries.push(SitemapEntry { url: r.views.url(&path), lastmod })
                });
                sitemap::files(&entries, &r.views.config.base_url, r.sitemap_limit)
            });
            if let Some((_, xml)) = files.iter().find(|(n, _)| *n == name) {
                r.write(&name, xml.as_bytes());
            }
            None
        });
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
