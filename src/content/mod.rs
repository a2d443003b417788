//! Loading: walk `content/`, read each file once, parse and validate it, and build the
//! [`Site`] model — or every diagnostic that stands in the way.

mod dates;
mod front_matter;
#[doc(hidden)]
pub mod fuzz;
pub mod parse;
mod source;
mod validate;
pub mod yaml;

pub use source::Source;

use crate::config::{self, SiteConfig};
use crate::diagnostics::{self, Diagnostic, Pos};
use crate::hierarchy;
use crate::model::{Handwritten, Release, Site, StakeholderGroup};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// What loading found. `site` is there whenever site.toml could be read, even when
/// there are errors (for warnings and for rules across files); build it only when
/// `diagnostics` has no error.
pub struct Loaded {
    pub site: Option<Site>,
    /// Every content file's front matter, by site-relative path, for later rules.
    pub sources: HashMap<String, Source>,
    pub diagnostics: Vec<Diagnostic>,
}

enum Kind {
    Group { id: String },
    Release { slug: String },
    Handwritten { slug: String, group: String },
}

struct File {
    kind: Kind,
    path: PathBuf,
    rel: String,
}

enum Parsed {
    Group(StakeholderGroup),
    Release(Release),
    Handwritten(String, Handwritten),
    Nothing,
}

pub fn load(root: &Path) -> Loaded {
    let mut diagnostics = Vec::new();
    let config = load_config(root, &mut diagnostics);
    let tz = config.as_ref().map_or(jiff::tz::TimeZone::UTC, |c| c.tz.clone());

    let files = discover(root, &mut diagnostics);
    check_links(root, &mut diagnostics);
    let release_files: std::collections::HashSet<String> = files
        .iter()
        .filter_map(|f| match &f.kind {
            Kind::Release { slug } => Some(slug.clone()),
            _ => None,
        })
        .collect();
    let parsed: Vec<(Parsed, Option<Source>, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|file| {
            let mut out = Vec::new();
            let (parsed, source) = parse_file(file, &tz, &mut out);
            (parsed, source, out)
        })
        .collect();

    let mut groups = Vec::new();
    let mut releases = Vec::new();
    let mut handwritten: BTreeMap<String, Vec<Handwritten>> = BTreeMap::new();
    let mut sources = HashMap::new();
    for (item, source, out) in parsed {
        diagnostics.extend(out);
        if let Some(source) = source {
            sources.insert(source.path.clone(), source);
        }
        match item {
            Parsed::Group(g) => groups.push(g),
            Parsed::Release(r) => releases.push(r),
            Parsed::Handwritten(slug, h) => handwritten.entry(slug).or_default().push(h),
            Parsed::Nothing => {}
        }
    }

    let groups = hierarchy::portal_order(groups);
    releases.sort_by(|a, b| a.slug.cmp(&b.slug));
    for release in &mut releases {
        for h in handwritten.remove(&release.slug).unwrap_or_default() {
            release.handwritten.insert(h.group.clone(), h);
        }
    }
    for (slug, orphans) in handwritten {
        if release_files.contains(&slug) {
            continue; // The release itself failed to load; its errors say why.
        }
        for h in orphans {
            diagnostics.push(Diagnostic::error(
                &h.path,
                Pos::START,
                "handwritten-outside-release",
                format!(
                    "there is no release `{slug}` for this hand-written page: add `content/releases/{slug}/index.md`"
                ),
            ));
        }
    }

    // Group files that failed to load still define their ids: one typo in a group file
    // must not turn every mention of that group into an error too.
    let group_ids: Vec<String> = files
        .iter()
        .filter_map(|f| match &f.kind {
            Kind::Group { id } => Some(id.clone()),
            _ => None,
        })
        .collect();
    validate::site(&groups, &group_ids, &releases, &sources, &mut diagnostics);
    diagnostics::sort(&mut diagnostics);
    // With errors the site is still returned, for warnings; it is never built.
    let site = config.map(|config| Site { config, groups, releases });
    Loaded { site, sources, diagnostics }
}

fn load_config(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<SiteConfig> {
    let path = root.join(config::FILE);
    if !path.is_file() {
        diagnostics.push(Diagnostic::error(
            config::FILE,
            Pos::START,
            "io",
            format!(
                "no site.toml in `{}`: run `communique init` to start a site, or pass `--root` with the site's folder",
                root.display()
            ),
        ));
        return None;
    }
    let text = match read_text(&path, config::FILE) {
        Ok(text) => text,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    match SiteConfig::parse(&text) {
        Ok(config) => Some(config),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    }
}

/// Reads a text file: UTF-8 required, a byte-order mark accepted and dropped.
pub fn read_text(path: &Path, rel: &str) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(rel, Pos::START, "io", format!("cannot read the file: {e}")))?;
    decode_text(&bytes, rel)
}

/// A file's bytes as text: UTF-8 required, a byte-order mark accepted and dropped.
pub fn decode_text(bytes: &[u8], rel: &str) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
            Err(Diagnostic::error(
                rel,
                Pos::new(line, column),
                "encoding",
                "the file is not UTF-8 text: save it as UTF-8 in your editor (it may be Latin-1 or UTF-16)",
            ))
        }
    }
}

/// Site-relative, `/`-separated: the same on every OS.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A symbolic link that resolves outside the site (or nowhere): what it points at must
/// never be read into a build, let alone published.
fn link_outside(canonical_root: &Path, entry: &walkdir::DirEntry, rel: &str) -> Option<Diagnostic> {
    let inside = entry.path().canonicalize().is_ok_and(|t| t.starts_with(canonical_root));
    (entry.path_is_symlink() && !inside).then(|| {
        Diagnostic::error(
            rel,
            Pos::START,
            "symlink-outside-site",
            "this symbolic link points outside the site; copy the file into the site instead of linking to it",
        )
    })
}

/// `themes/` and `static/` are read by the build too (templates, assets to publish):
/// refuse their links out of the site here, so that `check` reports them as well.
fn check_links(root: &Path, diagnostics: &mut Vec<Diagnostic>) {
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for top in ["themes", "static"] {
        let mut walker = walkdir::WalkDir::new(root.join(top)).follow_links(true).sort_by_file_name().into_iter();
        while let Some(entry) = walker.next() {
            let entry = match entry {
                Ok(entry) => entry,
                // A link to nothing would fail the build later; say so now. Anything else
                // unreadable is reported by whoever reads it (a missing folder is fine).
                Err(e) => {
                    if let Some(path) = e.path().filter(|p| p.is_symlink() && !p.exists()) {
                        diagnostics.push(Diagnostic::error(
                            relative(root, path),
                            Pos::START,
                            "io",
                            "this symbolic link points to nothing: fix its target or remove it",
                        ));
                    }
                    continue;
                }
            };
            if let Some(d) = link_outside(&canonical_root, &entry, &relative(root, entry.path())) {
                diagnostics.push(d);
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
            }
        }
    }
}

/// Finds every content file and what it is, reporting misplaced and unsafe ones.
fn discover(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<File> {
    let content = root.join("content");
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut files = Vec::new();
    let mut walker = walkdir::WalkDir::new(&content).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let rel = e.path().map_or("content".to_string(), |p| relative(root, p));
                if e.io_error().is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) && rel == "content" {
                    continue; // A site without content yet is a valid, empty site.
                }
                diagnostics.push(Diagnostic::error(rel, Pos::START, "io", format!("cannot read: {e}")));
                continue;
            }
        };
        let rel = relative(root, entry.path());
        if let Some(d) = link_outside(&canonical_root, &entry, &rel) {
            diagnostics.push(d);
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') {
            continue; // editor swap and lock files
        }
        let parts: Vec<&str> = rel.split('/').skip(1).collect();
        let stem = |s: &str| s.trim_end_matches(".md").to_string();
        let kind = match parts.as_slice() {
            ["stakeholders", file] => Kind::Group { id: stem(file) },
            ["releases", file] => Kind::Release { slug: stem(file) },
            ["releases", slug, "index.md"] => Kind::Release { slug: slug.to_string() },
            ["releases", slug, file] => Kind::Handwritten { slug: slug.to_string(), group: stem(file) },
            _ => {
                diagnostics.push(Diagnostic::warning(
                    &rel,
                    Pos::START,
                    "ignored-file",
                    "this file is not read: groups go in `content/stakeholders/<id>.md`, releases in `content/releases/<slug>.md` or `content/releases/<slug>/index.md`",
                ));
                continue;
            }
        };
        let (what, id) = match &kind {
            Kind::Group { id } => ("group id", id),
            Kind::Release { slug } => ("release slug", slug),
            Kind::Handwritten { group, .. } => ("group id", group),
        };
        let id_ok = parse::is_valid_id(id);
        let slug_ok = match &kind {
            Kind::Handwritten { slug, .. } => parse::is_valid_id(slug),
            _ => true,
        };
        if !id_ok || !slug_ok {
            let (what, id) = if !slug_ok {
                (
                    "release slug",
                    match &kind {
                        Kind::Handwritten { slug, .. } => slug,
                        _ => id,
                    },
                )
            } else {
                (what, id)
            };
            diagnostics.push(Diagnostic::error(
                &rel,
                Pos::START,
                "invalid-id",
                format!(
                    "the {what} `{id}` comes from this file's name and must match ^[a-z0-9][a-z0-9._-]*$ (lowercase, so pages never collide on case-insensitive hosts): rename it to `{}`",
                    parse::slugify(id)
                ),
            ));
            continue;
        }
        files.push(File { kind, path: entry.path().to_path_buf(), rel });
    }

    // The same slug as `x.md` and `x/index.md`.
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for file in &files {
        if let Kind::Release { slug } = &file.kind {
            if let Some(first) = seen.insert(slug, &file.rel) {
                diagnostics.push(Diagnostic::error(
                    &file.rel,
                    Pos::START,
                    "duplicate-slug",
                    format!("the release `{slug}` is also defined by `{first}`: keep one of the two files"),
                ));
            }
        }
    }
    let duplicates: Vec<String> =
        diagnostics.iter().filter(|d| d.code == "duplicate-slug").map(|d| d.path.clone()).collect();
    files.retain(|f| !duplicates.contains(&f.rel));
    files
}

fn parse_file(file: &File, tz: &jiff::tz::TimeZone, out: &mut Vec<Diagnostic>) -> (Parsed, Option<Source>) {
    match read_text(&file.path, &file.rel) {
        Ok(text) => parse_text(&file.kind, &file.rel, text, tz, out),
        Err(d) => {
            out.push(d);
            (Parsed::Nothing, None)
        }
    }
}

/// One file's text → its model value (or nothing), and its source for later rules.
fn parse_text(
    kind: &Kind,
    rel: &str,
    text: String,
    tz: &jiff::tz::TimeZone,
    out: &mut Vec<Diagnostic>,
) -> (Parsed, Option<Source>) {
    let required = !matches!(kind, Kind::Handwritten { .. });
    let doc = match front_matter::split(&text, required) {
        Ok(doc) => doc,
        Err(e) => {
            out.push(Diagnostic::error(rel, e.pos, "front-matter", e.message));
            return (Parsed::Nothing, None);
        }
    };
    let (yaml, yaml_line, body) = (doc.yaml.to_string(), doc.yaml_line, doc.body.to_string());
    let source = Source::new(rel.to_string(), text, yaml, yaml_line);
    let body = body.as_str();
    let parsed = match kind {
        Kind::Group { id } => parse::group(&source, id, body, out).map_or(Parsed::Nothing, Parsed::Group),
        Kind::Release { slug } => parse::release(&source, slug, body, tz, out).map_or(Parsed::Nothing, Parsed::Release),
        Kind::Handwritten { slug, group } => parse::handwritten(&source, group, body, out)
            .map_or(Parsed::Nothing, |h| Parsed::Handwritten(slug.clone(), h)),
    };
    (parsed, Some(source))
}
