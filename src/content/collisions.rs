//! Rules that keep every output path a build may write distinct, and writable: no id,
//! slug or product lands on a name the site writes itself (`releases/page/`,
//! `groups/index.html/`), no two products share a folder, no name is longer than a file
//! system takes, and no static file stands where the build makes a folder or a folder
//! where it writes a file. Without them the build would fail half-way with an I/O
//! error. A static file that replaces a page is a warning: it is how some sites put
//! in a page of their own, but it must not happen unnoticed. The names come
//! from [`crate::urls`], where the build's own paths are made.

use super::Sources;
use crate::diagnostics::{Diagnostic, Pos};
use crate::model::{Release, StakeholderGroup};
use crate::slug::product_slug;
use crate::urls::{self, Made, NAME_MAX};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// The site's ids and slugs, as the output paths use them.
struct Names<'a> {
    releases: HashSet<&'a str>,
    groups: HashSet<&'a str>,
    products: HashSet<String>,
    /// The site's languages but the default.
    languages: &'a [String],
}

impl urls::Names for Names<'_> {
    fn is_release(&self, slug: &str) -> bool {
        self.releases.contains(slug)
    }
    fn is_group(&self, id: &str) -> bool {
        self.groups.contains(id)
    }
    fn is_product(&self, slug: &str) -> bool {
        self.products.contains(slug)
    }
    fn is_language(&self, code: &str) -> bool {
        self.languages.iter().any(|l| l == code)
    }
}

/// `group_files`: the id of every group file, including those that failed to load.
/// `theme`: the site's theme, when site.toml could be read (its `static/` is checked too),
/// and `languages` its languages but the default (each is built in a folder of its own).
pub(super) fn check(
    root: &Path,
    (theme, languages): (Option<&str>, &[String]),
    groups: &[StakeholderGroup],
    group_files: &[String],
    releases: &[Arc<Release>],
    sources: &Sources,
    out: &mut Vec<Diagnostic>,
) {
    for r in releases {
        release_slug(r, out);
    }
    for g in groups {
        group_id(g, out);
    }
    let products = products(releases, sources, out);
    let theme_static = theme.map(|t| Path::new("themes").join(t).join("static"));
    let static_dirs: Vec<&Path> = theme_static.iter().map(|p| p.as_path()).chain([Path::new("static")]).collect();
    // Most sites have no static files: the names are gathered only for those that do
    // (the preview checks again after every edit).
    if static_dirs.iter().all(|dir| !root.join(dir).is_dir()) {
        return;
    }
    let names = Names {
        releases: releases.iter().map(|r| r.slug.as_str()).collect(),
        groups: group_files.iter().map(String::as_str).chain(groups.iter().map(|g| g.id.as_str())).collect(),
        products,
        languages,
    };
    for dir in static_dirs {
        static_files(root, dir, &names, out);
    }
}

/// A name that, with `tail` added to it, makes a file or folder name longer than file
/// systems take.
fn too_long(name: &str, tail: &str) -> bool {
    name.len() + tail.len() > NAME_MAX
}

fn release_slug(r: &Release, out: &mut Vec<Diagnostic>) {
    let slug = &r.slug;
    let error = |code, message: String| Diagnostic::error(&r.path, Pos::START, code, message);
    if urls::BESIDE_RELEASES.contains(&slug.as_str()) {
        out.push(error(
            "output-collision",
            format!(
                "the release slug `{slug}` would put the release at `releases/{slug}/`, where the site writes {}: rename this file to another slug, such as `{}`",
                site_writes(urls::RELEASES, slug),
                instead(slug, "release"),
            ),
        ));
    }
    if too_long(slug, "") {
        out.push(error(
            "name-too-long",
            format!("the release slug is {} bytes, and the folder `releases/<slug>/` can have at most {NAME_MAX}: rename this file to a shorter slug", slug.len()),
        ));
    }
}

fn group_id(g: &StakeholderGroup, out: &mut Vec<Diagnostic>) {
    let id = &g.id;
    let error = |code, message: String| Diagnostic::error(&g.path, Pos::START, code, message);
    if urls::BESIDE_GROUPS.contains(&id.as_str()) || urls::BESIDE_COMMUNIQUES.contains(&id.as_str()) {
        out.push(error(
            "output-collision",
            format!(
                "the group id `{id}` would put the group at `groups/{id}/` and its communiques at `releases/<slug>/{id}/`, where the site writes {} and the release pages: rename this file to another id, such as `{}`",
                site_writes(urls::GROUPS, id),
                instead(id, "group"),
            ),
        ));
    }
    // `build --emails DIR` writes `DIR/<slug>/<id>.eml`.
    if too_long(id, ".eml") {
        out.push(error(
            "name-too-long",
            format!(
                "the group id is {} bytes, and its e-mails, `<id>.eml`, can have at most {NAME_MAX} in all: rename this file to a shorter id",
                id.len()
            ),
        ));
    }
}

/// What the site writes in `folder` under a name it keeps for itself.
fn site_writes(folder: &str, name: &str) -> String {
    if name == urls::PAGES {
        format!("the list's further pages (`{}`…)", urls::page_path(folder, 2))
    } else {
        format!("the list's page (`{folder}{name}`)")
    }
}

/// A name to suggest instead of `name`.
fn instead(name: &str, what: &str) -> String {
    format!("{}-{what}", name.replace('.', "-"))
}

/// Products: a folder each, distinct, of a name file systems take. Returns the
/// products' folder names.
fn products(releases: &[Arc<Release>], sources: &Sources, out: &mut Vec<Diagnostic>) -> HashSet<String> {
    // A site has thousands of releases and a few products: each name is made a slug once.
    let mut by_name: HashMap<&str, Vec<(usize, &Release)>> = HashMap::new();
    for (i, r) in releases.iter().enumerate().filter(|(_, r)| !r.product.is_empty()) {
        by_name.entry(r.product.as_str()).or_default().push((i, r));
    }
    // Slug → the releases whose product makes it, in the order of `releases`.
    let mut by_slug: BTreeMap<String, Vec<(usize, &Release)>> = BTreeMap::new();
    for (name, named) in by_name {
        by_slug.entry(product_slug(name)).or_default().extend(named);
    }
    let by_slug: BTreeMap<String, Vec<&Release>> = by_slug
        .into_iter()
        .map(|(slug, mut named)| {
            named.sort_unstable_by_key(|(i, _)| *i);
            (slug, named.into_iter().map(|(_, r)| r).collect())
        })
        .collect();
    let mut error = |r: &Release, code, message: String| {
        let d = match sources.get(&r.path) {
            Some(source) => source.error_at_value("product", code, message),
            None => Diagnostic::error(&r.path, Pos::START, code, message),
        };
        out.push(d);
    };
    for (slug, releases) in &by_slug {
        let first = releases[0];
        if urls::BESIDE_PRODUCTS.contains(&slug.as_str()) {
            error(
                first,
                "output-collision",
                format!("the product `{}` would have its page at `products/{slug}/`, where the site writes the list of products: name the product otherwise", first.product),
            );
        }
        if too_long(slug, "") {
            error(
                first,
                "name-too-long",
                format!("the product's name makes a folder `products/<name>/` of {} bytes, and a folder name can have at most {NAME_MAX}: shorten the name", slug.len()),
            );
        }
        // The first release's spelling stands; every release that spells it otherwise is told.
        for other in releases.iter().filter(|r| r.product != first.product) {
            error(
                other,
                "output-collision",
                format!(
                    "the products `{}` (here) and `{}` (`{}`) would share the folder `products/{slug}/`: spell the product the same way in both releases, or name them so that they differ in more than case and punctuation",
                    other.product, first.product, first.path
                ),
            );
        }
    }
    by_slug.into_keys().collect()
}

/// Static files (`dir`, site-relative) that replace a page or feed the build makes
/// (a warning), or that stand where it needs a folder or it writes a file.
fn static_files(root: &Path, dir: &Path, names: &Names, out: &mut Vec<Diagnostic>) {
    let base = root.join(dir);
    if !base.is_dir() {
        return;
    }
    let mut seen_folders = HashSet::new();
    // Links out of the site, and unreadable entries, are reported where they are read.
    for entry in walkdir::WalkDir::new(&base).follow_links(true).sort_by_file_name().into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = super::relative(&base, entry.path());
        let path = super::relative(root, entry.path());
        let found = match urls::made_at(&rel, names) {
            // A page replaced on purpose (a 404 page of one's own) still builds; one
            // replaced by mistake must not go unnoticed, and fails `check --strict`.
            Some(Made::File(what)) => {
                out.push(Diagnostic::warning(
                    path,
                    Pos::START,
                    "static-over-page",
                    format!(
                        "this static file replaces {what} (`{rel}`), which the build makes: to change that page, override its template in `themes/<theme>/templates/` and remove this file"
                    ),
                ));
                continue;
            }
            Some(Made::Folder(what)) => Some(format!(
                "this static file stands where the build makes the folder of {what} (`{rel}/`): rename or move it"
            )),
            None => {
                // A folder of the static file's path where the build writes a file.
                let parts: Vec<&str> = rel.split('/').collect();
                (1..parts.len()).find_map(|n| {
                    let folder = parts[..n].join("/");
                    match urls::made_at(&folder, names) {
                        Some(Made::File(what)) if seen_folders.insert(folder.clone()) => Some(format!(
                            "this static file is in a folder `{folder}/`, where the build writes {what} as a file: move it out of that folder"
                        )),
                        _ => None,
                    }
                })
            }
        };
        if let Some(message) = found {
            out.push(Diagnostic::error(path, Pos::START, "output-collision", message));
        }
    }
}
