//! Every output path of a site (SPEC §6, §9), in one place: the folders and files a
//! build writes, and the names the site itself uses beside the ones authors choose.
//! `check` reads the same names to refuse an id or a static file that would land on
//! one of them, so a new file added here is refused there too.

/// The page of a folder: `releases/<slug>/index.html`.
pub(crate) const INDEX: &str = "index.html";
/// The folder of a list's further pages: `releases/page/2/`.
pub(crate) const PAGES: &str = "page";
/// The release list, and the folder of every release.
pub(crate) const RELEASES: &str = "releases/";
/// The group list, and the folder of every group.
pub(crate) const GROUPS: &str = "groups/";
/// The product list, and the folder of every product.
pub(crate) const PRODUCTS: &str = "products/";
pub(crate) const SITE_FEED: &str = "feed.xml";
pub(crate) const SITEMAP: &str = "sitemap.xml";
pub(crate) const NOT_FOUND: &str = "404.html";
/// A product's RSS feed, in its folder.
pub(crate) const PRODUCT_FEED: &str = "feed.xml";
/// The folder of a group's (or a product's) subscribe page: every way to follow it.
pub(crate) const SUBSCRIBE: &str = "subscribe";
/// The folder of a group's catch-up page: what changed since the version a reader runs.
pub(crate) const SINCE: &str = "since";
/// The site's subscribe page: the site feed, and the way to each group's and product's.
pub(crate) const SITE_SUBSCRIBE: &str = "subscribe/";
/// The built-in theme's scripts (theme assets, like `style.css`): the copy buttons of
/// subscribe pages, and the picker of the catch-up page.
pub(crate) const COPY_SCRIPT: &str = "copy.js";
pub(crate) const SINCE_SCRIPT: &str = "since.js";
/// A group's RSS feed, in its folder: the first of its channels.
pub(crate) const GROUP_FEED: &str = "feed.xml";
/// The search index and the search UI's files (SPEC §13), all the build's own.
pub(crate) const SEARCH: &str = "search/";
/// The folders each shard of the search index has in its folder, `SEARCH/<id>/`; every
/// other name there is a file.
pub(crate) const SEARCH_FOLDERS: [&str; 3] = ["fragment", "index", "filter"];
/// The longest file or folder name most file systems take, in bytes.
pub(crate) const NAME_MAX: usize = 255;

/// File, label and type of each channel a group has, in its folder.
pub(crate) const GROUP_CHANNELS: [(&str, &str, &str); 4] = [
    (GROUP_FEED, "RSS", "application/rss+xml"),
    ("atom.xml", "Atom", "application/atom+xml"),
    ("feed.json", "JSON Feed", "application/feed+json"),
    ("calendar.ics", "Calendar", "text/calendar"),
];

/// What the site writes in `releases/` beside the release folders: the list and its pages.
pub(crate) const BESIDE_RELEASES: [&str; 2] = [INDEX, PAGES];
/// What the site writes in `releases/<slug>/` beside the communique folders.
pub(crate) const BESIDE_COMMUNIQUES: [&str; 1] = [INDEX];
/// What the site writes in `groups/` beside the group folders.
pub(crate) const BESIDE_GROUPS: [&str; 1] = [INDEX];
/// What the site writes in `products/` beside the product folders.
pub(crate) const BESIDE_PRODUCTS: [&str; 1] = [INDEX];

// Each path is written once, as the parts it is made of: its path joins them, and its
// URL joins the base URL and them, without building the path first (a build makes a
// URL for every card of every list).

fn release_parts(slug: &str) -> [&str; 3] {
    [RELEASES, slug, "/"]
}

fn communique_parts<'a>(slug: &'a str, group: &'a str) -> [&'a str; 5] {
    [RELEASES, slug, "/", group, "/"]
}

fn feature_parts<'a>(slug: &'a str, feature: &'a str) -> [&'a str; 4] {
    [RELEASES, slug, "/#", feature]
}

fn group_parts(id: &str) -> [&str; 3] {
    [GROUPS, id, "/"]
}

fn group_file_parts<'a>(id: &'a str, file: &'a str) -> [&'a str; 4] {
    [GROUPS, id, "/", file]
}

fn product_parts(slug: &str) -> [&str; 3] {
    [PRODUCTS, slug, "/"]
}

/// `releases/<slug>/`
pub(crate) fn release_path(slug: &str) -> String {
    release_parts(slug).concat()
}

/// `releases/<slug>/<group>/`
pub(crate) fn communique_path(slug: &str, group: &str) -> String {
    communique_parts(slug, group).concat()
}

/// `products/<slug>/`
pub(crate) fn product_path(slug: &str) -> String {
    product_parts(slug).concat()
}

/// `groups/<id>/`
pub(crate) fn group_path(id: &str) -> String {
    group_parts(id).concat()
}

/// The folder of language `lang`'s pages, feeds and calendars (SPEC §13): `de/`, or ""
/// for the default language, whose output is the site's root.
pub(crate) fn language_prefix(default: &str, lang: &str) -> String {
    if lang == default {
        String::new()
    } else {
        format!("{lang}/")
    }
}

/// The base URL of language `lang`'s pages: `base_url` (ending in `/`) and `<lang>/`.
pub(crate) fn language_url(base_url: &str, lang: &str) -> String {
    format!("{base_url}{lang}/")
}

/// The absolute URL of the site path that `parts` make together: `base_url` (which
/// ends in `/`), then the parts, less a leading `/` of the first.
pub(crate) fn url(base_url: &str, parts: &[&str]) -> String {
    let first = parts.first().map_or("", |p| p.trim_start_matches('/'));
    let rest = parts.iter().skip(1);
    let mut url = String::with_capacity(base_url.len() + first.len() + rest.clone().map(|p| p.len()).sum::<usize>());
    url.push_str(base_url);
    url.push_str(first);
    rest.for_each(|p| url.push_str(p));
    url
}

/// The URL of release `slug`'s page.
pub(crate) fn release_url(base_url: &str, slug: &str) -> String {
    url(base_url, &release_parts(slug))
}

/// The URL of the communique of release `slug` for group `group`.
pub(crate) fn communique_url(base_url: &str, slug: &str, group: &str) -> String {
    url(base_url, &communique_parts(slug, group))
}

/// The URL of feature `feature` on release `slug`'s page.
pub(crate) fn feature_url(base_url: &str, slug: &str, feature: &str) -> String {
    url(base_url, &feature_parts(slug, feature))
}

/// The URL of group `id`'s page.
pub(crate) fn group_url(base_url: &str, id: &str) -> String {
    url(base_url, &group_parts(id))
}

/// The URL of `file` (one of [`GROUP_CHANNELS`]) in group `id`'s folder.
pub(crate) fn group_file_url(base_url: &str, id: &str, file: &str) -> String {
    url(base_url, &group_file_parts(id, file))
}

/// `groups/<id>/subscribe/`
pub(crate) fn group_subscribe_path(id: &str) -> String {
    format!("groups/{id}/{SUBSCRIBE}/")
}

/// `groups/<id>/since/`
pub(crate) fn group_since_path(id: &str) -> String {
    format!("groups/{id}/{SINCE}/")
}

/// `products/<product>/subscribe/`
pub(crate) fn product_subscribe_path(slug: &str) -> String {
    format!("products/{slug}/{SUBSCRIBE}/")
}

/// `base/`, `base/page/2/`, …
pub(crate) fn page_path(base: &str, page: usize) -> String {
    if page <= 1 {
        base.to_string()
    } else {
        format!("{base}{PAGES}/{page}/")
    }
}

/// `sitemap-1.xml`, `sitemap-2.xml`…: the parts a sitemap index points at.
pub(crate) fn sitemap_part(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// The ids and slugs of a site, as the output paths use them.
pub(crate) trait Names {
    fn is_release(&self, slug: &str) -> bool;
    fn is_group(&self, id: &str) -> bool;
    fn is_product(&self, slug: &str) -> bool;
    /// Whether `code` is a language of the site but the default: its pages are in `<code>/`.
    fn is_language(&self, _code: &str) -> bool {
        false
    }
}

/// What a build may make at `rel` (a path in the output), whatever its mode and
/// audience: a file (`Some("the release page of `x`")`), or a folder it writes into.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Made {
    File(String),
    Folder(String),
}

/// What a build of a site with `names` may make at `rel`, if anything.
pub(crate) fn made_at(rel: &str, names: &impl Names) -> Option<Made> {
    // Each language but the default is the whole site again, in its folder.
    let (first, rest) = rel.split_once('/').unwrap_or((rel, ""));
    if names.is_language(first) {
        let in_language = |what: String| format!("{what} in `{first}`");
        return match made_at(rest, names) {
            Some(Made::File(what)) => Some(Made::File(in_language(what))),
            Some(Made::Folder(what)) => Some(Made::Folder(in_language(what))),
            None => None,
        };
    }
    let parts: Vec<&str> = rel.split('/').collect();
    if let Some(what) = folder(&parts, names) {
        return Some(Made::Folder(what));
    }
    let (name, dir) = parts.split_last()?;
    let file = match dir {
        [] if *name == SITE_FEED => Some("the site's feed".to_string()),
        [] if *name == SITEMAP || is_sitemap_part(name) => Some("the sitemap".to_string()),
        [] if *name == NOT_FOUND => Some("the page-not-found page".to_string()),
        ["groups", g] if names.is_group(g) && GROUP_CHANNELS.iter().any(|(f, _, _)| f == name) => {
            Some(format!("a feed of group `{g}`"))
        }
        ["products", p] if names.is_product(p) && *name == PRODUCT_FEED => Some(format!("the feed of product `{p}`")),
        [] if *name == INDEX => Some("the home page".to_string()),
        [s, ..] if *s == search_folder() => Some("a file of the search index".to_string()),
        _ if *name == INDEX => {
            folder(dir, names).filter(|_| dir.last() != Some(&PAGES)).map(|f| format!("the page of {f}"))
        }
        _ => None,
    };
    file.map(Made::File)
}

/// [`SEARCH`] as a path segment.
fn search_folder() -> &'static str {
    SEARCH.trim_end_matches('/')
}

/// A shard's folder in [`SEARCH`]: sixteen hex digits (`search::shard_id`).
pub(crate) fn is_shard(name: &str) -> bool {
    name.len() == 16 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_sitemap_part(name: &str) -> bool {
    name.strip_prefix("sitemap-").and_then(|n| n.strip_suffix(".xml")).is_some_and(is_page_number)
}

fn is_page_number(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0')
}

/// The folder a build may write at `parts`, described.
fn folder(parts: &[&str], names: &impl Names) -> Option<String> {
    let paged = |base: &[&str], what: String| -> Option<String> {
        match parts.get(base.len()..)? {
            [] => Some(what),
            [p] if *p == PAGES => Some(format!("the further pages of {what}")),
            [p, n] if *p == PAGES && is_page_number(n) => Some(format!("page {n} of {what}")),
            _ => None,
        }
    };
    match parts {
        [] | [""] => Some("the site".into()),
        [s] if *s == SUBSCRIBE => Some("the site's subscribe page".into()),
        ["groups", g, s] if names.is_group(g) && *s == SUBSCRIBE => Some(format!("the subscribe page of group `{g}`")),
        ["groups", g, s] if names.is_group(g) && *s == SINCE => Some(format!("the catch-up page of group `{g}`")),
        ["products", p, s] if names.is_product(p) && *s == SUBSCRIBE => {
            Some(format!("the subscribe page of product `{p}`"))
        }
        ["releases", ..] if paged(&parts[..1], String::new()).is_some() => {
            paged(&parts[..1], "the release list".into())
        }
        ["releases", slug] if names.is_release(slug) => Some(format!("release `{slug}`")),
        ["releases", slug, g] if names.is_release(slug) && names.is_group(g) => {
            Some(format!("the communique of release `{slug}` for group `{g}`"))
        }
        [s] if *s == search_folder() => Some("the search index".into()),
        [s, n] if *s == search_folder() && is_shard(n) => Some("a part of the search index".into()),
        [s, n, f] if *s == search_folder() && is_shard(n) && SEARCH_FOLDERS.contains(f) => {
            Some("a part of the search index".into())
        }
        ["groups"] => Some("the group list".into()),
        ["groups", g, ..] if names.is_group(g) => paged(&parts[..2], format!("group `{g}`")),
        ["products"] => Some("the product list".into()),
        ["products", p, ..] if names.is_product(p) => paged(&parts[..2], format!("product `{p}`")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Site;

    impl Names for Site {
        fn is_release(&self, slug: &str) -> bool {
            slug == "payments"
        }
        fn is_group(&self, id: &str) -> bool {
            id == "customers"
        }
        fn is_product(&self, slug: &str) -> bool {
            slug == "ledger"
        }
    }

    #[test]
    fn the_names_beside_authored_ones_are_those_the_paths_use() {
        assert!(page_path("releases/", 2).starts_with(&format!("releases/{}/", BESIDE_RELEASES[1])));
        let bases = [release_path("payments"), group_path("customers"), product_path("ledger"), RELEASES.into()];
        for base in bases {
            assert_eq!(page_path(&base, 1), base);
            assert!(matches!(made_at(&format!("{base}{INDEX}"), &Site), Some(Made::File(_))), "{base}");
        }
        let reader_pages =
            [group_subscribe_path("customers"), group_since_path("customers"), product_subscribe_path("ledger")];
        for base in reader_pages.iter().chain([&SITE_SUBSCRIBE.to_string()]) {
            assert!(matches!(made_at(&format!("{base}{INDEX}"), &Site), Some(Made::File(_))), "{base}");
        }
        let communique = communique_path("payments", "customers");
        assert!(matches!(made_at(&format!("{communique}{INDEX}"), &Site), Some(Made::File(_))));
    }

    /// A URL is its path under the base URL, and the build may make what it points at.
    #[test]
    fn urls_are_their_paths_under_the_base_url() {
        let base = "https://x.example/news/";
        let under = |path: &str| format!("{base}{path}");
        assert_eq!(release_url(base, "payments"), under(&release_path("payments")));
        assert_eq!(communique_url(base, "payments", "customers"), under(&communique_path("payments", "customers")));
        assert_eq!(group_url(base, "customers"), under(&group_path("customers")));
        assert_eq!(feature_url(base, "payments", "refunds"), under("releases/payments/#refunds"));
        assert_eq!(url(base, &["/releases/", "x/"]), under("releases/x/"));
        for (file, _, _) in GROUP_CHANNELS {
            let url = group_file_url(base, "customers", file);
            let rel = url.strip_prefix(base).unwrap();
            assert!(matches!(made_at(rel, &Site), Some(Made::File(_))), "{rel}");
        }
    }

    #[test]
    fn what_a_build_makes_where() {
        let file = |rel: &str| matches!(made_at(rel, &Site), Some(Made::File(_)));
        let folder = |rel: &str| matches!(made_at(rel, &Site), Some(Made::Folder(_)));
        for rel in [
            "index.html",
            "feed.xml",
            "sitemap.xml",
            "sitemap-3.xml",
            "404.html",
            "releases/index.html",
            "releases/page/2/index.html",
            "releases/payments/index.html",
            "releases/payments/customers/index.html",
            "groups/index.html",
            "groups/customers/index.html",
            "groups/customers/page/3/index.html",
            "groups/customers/calendar.ics",
            "products/index.html",
            "products/ledger/index.html",
            "products/ledger/feed.xml",
            "search/bundles.json",
            "search/pagefind-ui.js",
            "search/0123456789abcdef/pagefind.js",
            "search/0123456789abcdef/key.txt",
            "search/fedcba9876543210/fragment/en_1234567.pf_fragment",
            "subscribe/index.html",
            "groups/customers/subscribe/index.html",
            "groups/customers/since/index.html",
            "products/ledger/subscribe/index.html",
        ] {
            assert!(file(rel), "{rel}");
        }
        for rel in [
            "search",
            "search/0123456789abcdef",
            "search/fedcba9876543210",
            "search/0123456789abcdef/index",
            "search/0123456789abcdef/filter",
            "search/fedcba9876543210/fragment",
            "releases",
            "releases/page",
            "releases/payments",
            "groups/customers",
            "products/ledger/page/2",
            "subscribe",
            "groups/customers/since",
        ] {
            assert!(folder(rel), "{rel}");
        }
        for rel in [
            "style.css",
            "logo.png",
            "sitemap-0.xml",
            "releases/payments/logo.png",
            "releases/page/index.html",
            "releases/other/index.html",
            "groups/customers/logo.png",
            "groups/others/feed.xml",
            "products/other/index.html",
            "images/index.html",
            "groups/others/subscribe/index.html",
            "products/ledger/since/index.html",
            "groups/customers/subscribe/feed.xml",
        ] {
            assert_eq!(made_at(rel, &Site), None, "{rel}");
        }
    }
}
