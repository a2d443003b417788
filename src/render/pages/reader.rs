//! The pages that help a reader follow and catch up (SPEC §11): each group's and each
//! product's subscribe page (every way to follow it, each with a copy button), the
//! site's subscribe page, and each group's catch-up page ("what changed since the
//! version I run?"), whose data the page carries as JSON for its script.

use super::inputs::{GroupInput, ProductInput, Shown};
use super::{product_view, Index};
use crate::model::StakeholderGroup;
use crate::render::context::{CommuniqueRef, FeedLink};
use crate::render::strings::fill;
use crate::render::Renderer;
use crate::urls;
use minijinja::{context, Value};
use rayon::prelude::*;
use serde::Serialize;

/// One way to follow a group or a product.
#[derive(Serialize, Clone)]
pub(super) struct Channel {
    /// `rss`, `atom`, `json`, `webcal`, `calendar`, `signup` or `email`: the template
    /// picks the how-to line by it.
    pub kind: &'static str,
    pub label: String,
    /// Where the link goes (`mailto:` for an e-mail address).
    pub url: String,
    /// What the page shows and the copy button copies: the URL, or the address.
    pub text: String,
}

/// What a group's catch-up page is made from: the group, and every release it reaches.
#[derive(Hash)]
struct SincePage<'x, 's, 'a> {
    group: GroupInput<'x, 'a>,
    releases: Vec<Shown<'s, 'a>>,
}

/// What the site's subscribe page is made from: the groups (with their counts) and the
/// products (with their latest releases).
#[derive(Hash)]
struct SiteSubscribe<'x, 's, 'a> {
    groups: &'x [GroupInput<'x, 'a>],
    products: &'x [ProductInput<'s, 'a>],
}

pub(super) fn render(r: &Renderer, index: &Index, groups: &[GroupInput]) {
    groups.par_iter().enumerate().for_each(|(gi, &group)| {
        let path = urls::group_subscribe_path(&group.group.0.id);
        r.once(&format!("{path}{}", urls::INDEX), "subscribe.html", &group, false, group_subscribe_page);
        let since = SincePage { group, releases: index.shown_all(&index.per_group[gi]) };
        let path = urls::group_since_path(&group.group.0.id);
        r.once(&format!("{path}{}", urls::INDEX), "since.html", &since, false, since_page);
    });
    let products: Vec<ProductInput> = index
        .per_product
        .iter()
        .map(|(name, releases)| ProductInput {
            name,
            release_count: releases.len(),
            latest: releases.first().map(|&ri| index.shown(ri)),
        })
        .collect();
    products.par_iter().for_each(|product| {
        let path = urls::product_subscribe_path(&crate::slug::product_slug(product.name));
        r.once(&format!("{path}{}", urls::INDEX), "subscribe.html", product, false, product_subscribe_page);
    });
    let site = SiteSubscribe { groups, products: &products };
    let file = format!("{}{}", urls::SITE_SUBSCRIBE, urls::INDEX);
    r.once(&file, "subscribe.html", &site, false, site_subscribe_page);
}

/// `calendar.ics` over `webcal://`, which calendar apps open as a subscription.
fn webcal(url: &str) -> String {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or(url);
    format!("webcal://{rest}")
}

fn feed_channel(feed: &FeedLink, kind: &'static str, label: &str) -> Channel {
    Channel { kind, label: label.to_string(), url: feed.url.clone(), text: feed.url.clone() }
}

/// Every way to follow group `g`: its feeds, its calendar twice, its mailing list.
pub(super) fn group_channels(r: &Renderer, g: &StakeholderGroup) -> Vec<Channel> {
    let mut channels = Vec::new();
    for feed in r.views.group_feeds(g) {
        match feed.mime {
            "application/rss+xml" => channels.push(feed_channel(&feed, "rss", "RSS")),
            "application/atom+xml" => channels.push(feed_channel(&feed, "atom", "Atom")),
            "application/feed+json" => channels.push(feed_channel(&feed, "json", "JSON Feed")),
            "text/calendar" => {
                let webcal = webcal(&feed.url);
                channels.push(Channel {
                    kind: "webcal",
                    label: "Calendar subscription".into(),
                    url: webcal.clone(),
                    text: webcal,
                });
                channels.push(feed_channel(&feed, "calendar", "Calendar file (iCalendar)"));
            }
            _ => {}
        }
    }
    if let Some(signup) = &g.subscribe_url {
        channels.push(Channel { kind: "signup", label: "E-mail".into(), url: signup.clone(), text: signup.clone() });
    } else if let Some(address) = &g.email {
        channels.push(Channel {
            kind: "email",
            label: "E-mail".into(),
            url: format!("mailto:{address}"),
            text: address.clone(),
        });
    }
    channels
}

fn group_subscribe_page(r: &Renderer, group: &GroupInput, _: bool) -> Option<String> {
    let g = group.group.0;
    let path = urls::group_subscribe_path(&g.id);
    let vars = context! { group => group.view(r), channels => Value::from_serialize(group_channels(r, g)) };
    let title = fill(r.word("subscribe_to_name"), &[("name", &g.name)]);
    let page = r
        .page_view(&title, &path, None, r.views.group_alternates(g))
        .describe(&fill(r.word("describe_subscribe_group"), &[("group", &g.name)]));
    r.page("subscribe.html", &path, page, vars, false)
}

fn product_subscribe_page(r: &Renderer, product: &ProductInput, _: bool) -> Option<String> {
    let name = product.name;
    let path = urls::product_subscribe_path(&crate::slug::product_slug(name));
    let product = product_view(r, product);
    let channels = vec![feed_channel(&product.feed, "rss", "RSS")];
    let vars = context! { product => Value::from_serialize(&product), channels => Value::from_serialize(channels) };
    let page = r
        .page_view(&fill(r.word("subscribe_to_name"), &[("name", name)]), &path, None, vec![product.feed.clone()])
        .describe(&fill(r.word("describe_subscribe_product"), &[("product", name)]));
    r.page("subscribe.html", &path, page, vars, false)
}

/// The site's subscribe page: the site feed, then the way to each group's and product's
/// subscribe page (a reader mostly wants one group's news, not every release).
fn site_subscribe_page(r: &Renderer, site: &SiteSubscribe, _: bool) -> Option<String> {
    let feed = super::site_feed_link(r);
    let channels = vec![feed_channel(&feed, "rss", "RSS")];
    let groups: Vec<Value> = site.groups.iter().map(|g| g.view(r)).collect();
    let products: Vec<_> = site.products.iter().map(|product| product_view(r, product)).collect();
    let vars = context! {
        channels => Value::from_serialize(channels),
        groups => Value::from(groups),
        products => Value::from_serialize(products),
    };
    let page = r
        .page_view(r.word("subscribe"), urls::SITE_SUBSCRIBE, None, vec![feed])
        .describe(r.word("describe_subscribe_site"));
    r.page("subscribe.html", urls::SITE_SUBSCRIBE, page, vars, false)
}

/// A communique on the catch-up page.
#[derive(Serialize)]
struct SinceItem<'a> {
    /// The card's own id on the page, for the script.
    key: String,
    #[serde(flatten)]
    communique: CommuniqueRef<'a>,
    /// What the group must do (SPEC §11), as its communique lists it.
    actions: Vec<crate::render::context::ActionView<'a>>,
    /// Whether a feature of the communique is `breaking` (SPEC §11).
    breaking: bool,
}

/// What the catch-up page's script reads: each product of the group's communiques with
/// its versions (newest first), and each communique's product, date and priority.
#[derive(Serialize)]
struct SinceData<'a> {
    products: Vec<SinceProduct<'a>>,
    communiques: Vec<SinceEntry<'a>>,
}

#[derive(Serialize)]
struct SinceProduct<'a> {
    name: &'a str,
    versions: Vec<SinceVersion<'a>>,
}

#[derive(Serialize)]
struct SinceVersion<'a> {
    version: &'a str,
    published: String,
}

#[derive(Serialize)]
struct SinceEntry<'a> {
    key: String,
    product: &'a str,
    published: String,
    /// Actions or a breaking change: listed first.
    first: bool,
}

fn since_page(r: &Renderer, since: &SincePage, _: bool) -> Option<String> {
    let g = since.group.group.0;
    let path = urls::group_since_path(&g.id);
    let group = since.group.view(r);
    let views = &r.views;
    let items: Vec<SinceItem> = since
        .releases
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let shown = s.shown;
            // The actions alone, not the whole communique's view: this page lists every
            // communique of the group.
            let communique = views.communique_ref(shown, g);
            SinceItem {
                key: format!("c{}", n + 1),
                breaking: communique.labels.iter().any(|l| l.key == "breaking"),
                communique,
                actions: views.actions(shown.release, &g.id),
            }
        })
        .collect();
    // Products by name; versions newest first, each once: a version released twice is
    // behind a reader from its last release on.
    let mut products: std::collections::BTreeMap<&str, Vec<SinceVersion>> = Default::default();
    for s in &since.releases {
        let release = s.shown.release;
        let versions = products.entry(release.product.as_str()).or_default();
        if !release.version.is_empty() && !versions.iter().any(|v| v.version == release.version) {
            versions.push(SinceVersion { version: &release.version, published: iso(release.publish_at) });
        }
    }
    let data = SinceData {
        products: products
            .into_iter()
            .filter(|(_, versions)| !versions.is_empty())
            .map(|(name, versions)| SinceProduct { name, versions })
            .collect(),
        communiques: items
            .iter()
            .map(|item| SinceEntry {
                key: item.key.clone(),
                product: item.communique.release.product,
                published: item.communique.publish_at.iso.clone(),
                first: item.breaking || !item.actions.is_empty(),
            })
            .collect(),
    };
    let vars = context! { group => group, communiques => Value::from_serialize(&items), since => Value::from_serialize(&data) };
    let page = r
        .page_view(&fill(r.word("since_title"), &[("group", &g.name)]), &path, None, views.group_alternates(g))
        .describe(&fill(r.word("describe_since"), &[("group", &g.name)]));
    r.page("since.html", &path, page, vars, false)
}

fn iso(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webcal_is_the_feed_url_with_its_scheme() {
        assert_eq!(webcal("https://x.example/groups/a/calendar.ics"), "webcal://x.example/groups/a/calendar.ics");
        assert_eq!(webcal("http://localhost:1111/c.ics"), "webcal://localhost:1111/c.ics");
    }
}
