//! The channels made from what the pages show: each group's feeds and calendar, each
//! product's feed and the site's, each made from its input (see [`super`]).

use super::super::calendar::{self, CalendarEvent};
use super::super::context::FeedLink;
use super::super::email;
use super::super::feeds::{self, Entry, FeedInfo};
use super::super::Renderer;
use super::inputs::*;
use crate::model::StakeholderGroup;
use crate::render::strings::fill;
use crate::select::ShownRelease;
use crate::slug::product_slug;
use crate::urls::{communique_path, group_path, product_path, release_path};

pub(super) fn feed_entry(r: &Renderer, shown: &ShownRelease, g: &StakeholderGroup, text: Option<&String>) -> Entry {
    let card = r.views.communique_ref(shown, g);
    Entry {
        title: card.title.to_string(),
        url: card.url,
        published: shown.release.publish_at,
        summary_html: card.summary_html,
        content_html: text.cloned().unwrap_or_default(),
        categories: categories(r, &shown.release.product, &card.labels),
    }
}

/// A feed item's categories: the product, then the words of its labels (SPEC §11), in
/// the feed's language.
fn categories(r: &Renderer, product: &str, labels: &[crate::model::Label]) -> Vec<String> {
    let word = |l: &crate::model::Label| r.words.words.get(&format!("label_{}", l.key)).map_or(l.text, String::as_str);
    std::iter::once(product).chain(labels.iter().map(word)).map(str::to_string).collect()
}

/// Writes one feed format.
pub(super) type Channel = fn(&FeedInfo, &[Entry]) -> String;

/// A group's feeds, by file name.
pub(super) const GROUP_FEEDS: [(&str, Channel); 3] =
    [("feed.xml", feeds::rss), ("atom.xml", feeds::atom), ("feed.json", feeds::json_feed)];

pub(super) fn group_description(r: &Renderer, g: &StakeholderGroup) -> String {
    if g.summary.is_empty() {
        fill(r.word("describe_group_feed"), &[("group", &g.name)])
    } else {
        g.summary.clone()
    }
}

pub(super) fn group_feed(r: &Renderer, feed: &GroupFeed, _: bool) -> Option<String> {
    let (config, g) = (r.views.config, feed.group.group.0);
    let entries = feed
        .entries
        .0
        .get_or_init(|| feed.newest.iter().map(|(shown, text)| feed_entry(r, shown.shown, g, text.0)).collect());
    let base = group_path(&g.id);
    let info = FeedInfo {
        title: format!("{} — {}", config.title, g.name),
        link: r.views.url(&base),
        self_url: r.views.url(&format!("{base}{}", feed.file)),
        description: group_description(r, g),
        language: &config.language,
    };
    let channel = GROUP_FEEDS.iter().find(|(file, _)| *file == feed.file).map(|(_, channel)| channel);
    if let Some(channel) = channel {
        r.write(&format!("{base}{}", feed.file), channel(&info, entries).as_bytes());
    }
    None
}

pub(super) fn group_calendar(r: &Renderer, calendar: &GroupCalendar, _: bool) -> Option<String> {
    let (config, g) = (r.views.config, calendar.group.0);
    // Oldest first; each release's events as the last build wrote them, if it did.
    let events = calendar.releases.iter().rev().map(|&release| {
        r.fragment(&ReleaseEvents { group: calendar.group, release }, |r, events| {
            let (g, release) = (events.group.0, events.release.shown.release);
            release_events(r, g, release).iter().map(calendar::event).collect()
        })
    });
    let ics = calendar::calendar(&format!("{} — {}", config.title, g.name), &group_description(r, g), events);
    r.write(&format!("{}calendar.ics", group_path(&g.id)), ics.as_bytes());
    None
}

/// A release's events in a group's calendar: its communique's go-live, and one per
/// window that concerns the group.
pub(super) fn release_events(
    r: &Renderer,
    g: &StakeholderGroup,
    release: &crate::model::Release,
) -> Vec<CalendarEvent> {
    let views = &r.views;
    let hierarchy = &views.selection.hierarchy;
    let host = email::host(&views.config.base_url);
    let mut events = Vec::new();
    // What the communique's card says, without its rendered summary: a calendar
    // has every release of the group, and needs only plain text.
    let page = hierarchy.inherited(&release.handwritten, &g.id);
    let title = page.and_then(|p| p.title.as_deref()).unwrap_or(&release.title);
    let url = views.url(&communique_path(&release.slug, &g.id));
    events.push(CalendarEvent {
        uid: format!("{}.{}@{host}", release.slug, g.id),
        summary: fill(r.word("calendar_go_live"), &[("title", title)]),
        description: format!("{}\n\n{url}", release.summary),
        url: url.clone(),
        start: release.deployed_at,
        end: None,
        stamp: release.publish_at,
        category: r.word("calendar_category_go_live").to_string(),
        reminder: None,
    });
    for (i, w) in release
        .windows
        .iter()
        .enumerate()
        .filter(|(_, w)| w.groups.as_ref().is_none_or(|t| hierarchy.receives(&g.id, t)))
    {
        let word = match w.kind {
            crate::model::WindowKind::Maintenance => "calendar_maintenance",
            crate::model::WindowKind::Availability => "calendar_availability",
        };
        events.push(CalendarEvent {
            uid: window_uid(&release.slug, w.id.as_deref(), i, &g.id, &host),
            summary: format!("{}: {} ({})", r.word(word), w.title, release.title),
            description: format!("{}\n\n{url}", release.summary),
            url: url.clone(),
            start: w.start,
            end: Some(w.end),
            stamp: release.publish_at,
            category: r.word(word).to_string(),
            reminder: None,
        });
    }
    events.extend(deadline_events(r, g, release, &url, &host));
    events
}

/// A group's action deadlines in a release, each an event with a reminder a week before
/// (SPEC §11). The UID comes from the release, the action's place in the list (from 1)
/// and the group, so rewording an action or moving its deadline updates the event.
fn deadline_events(
    r: &Renderer,
    g: &StakeholderGroup,
    release: &crate::model::Release,
    url: &str,
    host: &str,
) -> Vec<CalendarEvent> {
    let h = &r.views.selection.hierarchy;
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
                summary: fill(r.word("calendar_due"), &[("text", text), ("release", &release.title)]),
                description: format!("{text}\n\n{url}"),
                url: url.to_string(),
                start: due,
                end: None,
                stamp: release.publish_at,
                category: r.word("calendar_category_deadline").to_string(),
                reminder: Some(fill(r.word("calendar_reminder"), &[("text", text), ("release", &release.title)])),
            })
        })
        .collect()
}

/// A window's event in a group's calendar: from the release, the window's `id` (else
/// its position, from 1) and the group, so that retitling a window, or moving it, updates
/// the event in place (SPEC §9). Ids cannot hold `/`, so no two of these read alike, nor
/// like a go-live's (`<release>.<group>@host`).
pub(super) fn window_uid(release: &str, id: Option<&str>, index: usize, group: &str, host: &str) -> String {
    match id {
        Some(id) => format!("{release}/window/{id}/{group}@{host}"),
        None => format!("{release}/window-{}/{group}@{host}", index + 1),
    }
}

pub(super) fn release_entry(r: &Renderer, shown: &ShownRelease, text: Option<&String>) -> Entry {
    Entry {
        title: shown.release.title.clone(),
        url: r.views.url(&release_path(&shown.release.slug)),
        published: shown.release.publish_at,
        summary_html: r.views.texts.release(shown.release).summary.clone(),
        content_html: text.cloned().unwrap_or_default(),
        categories: categories(r, &shown.release.product, &r.views.release_labels(shown)),
    }
}

/// A product's feed, or the site's.
pub(super) fn release_feed(r: &Renderer, feed: &ReleaseFeed, _: bool) -> Option<String> {
    let config = r.views.config;
    let entries: Vec<Entry> = feed.newest.iter().map(|(s, text)| release_entry(r, s.shown, text.0)).collect();
    let (path, info) = match feed.product {
        Some(name) => {
            let base = product_path(&product_slug(name));
            let info = FeedInfo {
                title: format!("{} — {name}", config.title),
                link: r.views.url(&base),
                self_url: product_feed_link(r, name, &base).url,
                description: fill(r.word("describe_product_feed"), &[("product", name)]),
                language: &config.language,
            };
            (format!("{base}feed.xml"), info)
        }
        None => {
            let info = FeedInfo {
                title: config.title.clone(),
                link: config.url(""),
                self_url: config.url("feed.xml"),
                description: crate::render::strings::site_description(config, r.words).to_string(),
                language: &config.language,
            };
            ("feed.xml".to_string(), info)
        }
    };
    r.write(&path, feeds::rss(&info, &entries).as_bytes());
    None
}

pub(super) fn product_feed_link(r: &Renderer, name: &str, base: &str) -> FeedLink {
    FeedLink {
        title: format!("{} — {name} (RSS)", r.views.config.title),
        url: r.views.url(&format!("{base}feed.xml")),
        mime: "application/rss+xml",
    }
}
