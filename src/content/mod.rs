//! Loading: walk `content/`, read each file once, parse and validate it, and build the
//! [`Site`] model — or every diagnostic that stands in the way.

mod collisions;
pub(crate) mod dates;
mod fields;
pub(crate) mod front_matter;
pub(crate) mod parse;
mod raw;
mod source;
pub(crate) mod translation;
pub(crate) mod validate;
pub(crate) mod yaml;

pub(crate) use source::Source;

use crate::config::{self, SiteConfig};
use crate::diagnostics::{self, Diagnostic, Pos};
use crate::hierarchy;
use crate::model::{Handwritten, Release, Site, StakeholderGroup};
use crate::slug;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// Every content file's text, by site-relative path, for the rules that point into it.
pub(crate) type Sources = crate::fingerprint::FastMap<String, Arc<Source>>;

/// What loading found. `site` is there whenever site.toml could be read, even when
/// there are errors (for warnings and for rules across files); build it only when
/// `diagnostics` has no error.
pub(crate) struct Loaded {
    pub site: Option<Site>,
    /// Every content file's front matter, by site-relative path, for later rules.
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

/// What the preview server keeps from one load to the next: each file's parse, reused
/// while the file is unchanged, so that an edit re-reads one file instead of all.
#[derive(Default)]
pub struct Cache {
    /// By site-relative path.
    files: crate::fingerprint::FastMap<String, Cached>,
    /// The time zone the cached files were parsed in: their dates depend on it.
    tz: Option<jiff::tz::TimeZone>,
    /// The languages the files were listed with: which file is a translation depends on them.
    languages: Vec<String>,
    /// The content files the last load found, and what finding them reported; None
    /// when files may have come or gone since, and `content/` must be walked again.
    listing: Option<Arc<Listing>>,
    checked: validate::Checked,
}

struct Listing {
    files: Vec<File>,
    rels: HashSet<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Listing {
    /// Whether a change at `rel` leaves the listing as it was: a file that a walk skips
    /// (not Markdown, or hidden: the temporary file an editor or `sed -i` saves through,
    /// a template, `site.toml`), that is neither a folder nor a link now, and that was not
    /// one either: nothing listed or reported lay under it. Anything else, a walk decides.
    fn unaffected_by(&self, rel: &str, path: &Path) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let skipped = !name.ends_with(".md") || name.starts_with('.');
        // Gone, or a plain file.
        let plain = std::fs::symlink_metadata(path).map_or(true, |meta| meta.is_file());
        let at_or_under =
            |other: &str| other.strip_prefix(rel).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        let held = self.rels.iter().any(|r| at_or_under(r)) || self.diagnostics.iter().any(|d| at_or_under(&d.path));
        !rel.is_empty() && skipped && plain && !held
    }
}

#[derive(Clone)]
struct Cached {
    stamp: Stamp,
    parsed: Parsed,
    source: Option<Arc<Source>>,
    diagnostics: Vec<Diagnostic>,
}

/// Length and modification time: a file whose stamp has not changed, and that no
/// file event named, is not read again.
type Stamp = (u64, SystemTime);

impl Cache {
    /// Takes note that the file or folder at `rel` (site-relative) changed: it is read
    /// again at the next load, whatever its stamp says (two saves within the file
    /// system's clock tick, with the same length, look alike). A change that may add or
    /// remove a content file means walking `content/` again and comparing every file's
    /// stamp; `""` (the site itself) says anything may have changed.
    pub fn changed(&mut self, root: &Path, rel: &str) {
        self.files.remove(rel);
        let path = root.join(rel);
        let kept = self.listing.as_ref().is_some_and(|l| {
            let edited = l.rels.contains(rel) && path.is_file();
            edited || l.unaffected_by(rel, &path)
        });
        if !kept {
            self.listing = None;
        }
    }

    fn clear(&mut self) {
        self.files.clear();
        self.listing = None;
        self.checked.clear();
    }
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

#[derive(Clone)]
pub(crate) enum Kind {
    Group {
        id: String,
    },
    Release {
        slug: String,
    },
    Handwritten {
        slug: String,
        group: String,
    },
    /// `<name>.<lang>.md`: the texts of file `<name>.md` (of kind `of`) in language `lang`.
    Translation {
        lang: String,
        of: Box<Kind>,
    },
}

struct File {
    kind: Kind,
    path: PathBuf,
    rel: String,
}

#[derive(Clone)]
pub(crate) enum Parsed {
    Group(StakeholderGroup),
    Release(Arc<Release>),
    Handwritten(String, Handwritten),
    Translation(Box<translation::TranslationFile>),
    Nothing,
}

pub(crate) fn load(root: &Path) -> Loaded {
    load_with(root, None)
}

/// [`load`], reusing the parse of every file that `cache` holds unchanged, and
/// keeping this load's for the next.
pub(crate) fn load_cached(root: &Path, cache: &mut Cache) -> Loaded {
    load_with(root, Some(cache))
}

fn load_with(root: &Path, mut cache: Option<&mut Cache>) -> Loaded {
    let mut diagnostics = Vec::new();
    let config = load_config(root, &mut diagnostics);
    let tz = config.as_ref().map_or(jiff::tz::TimeZone::UTC, |c| c.tz.clone());

    let languages = config.as_ref().map_or_else(Vec::new, |c| c.languages.clone());
    if let Some(cache) = cache.as_deref_mut() {
        if cache.tz.as_ref() != Some(&tz) || cache.languages != languages {
            cache.clear();
            cache.tz = Some(tz.clone());
            cache.languages = languages;
        }
    }
    let phase = crate::profile::Phase::start("  find content files");
    let listed = cache.as_deref().and_then(|c| c.listing.clone());
    let walked = listed.is_none();
    let listing = listed.unwrap_or_else(|| {
        let mut found = Vec::new();
        let languages = config.as_ref().map_or(&[][..], |c| &c.languages[..]);
        let files = discover(root, languages, &mut found);
        check_links(root, &mut found);
        let rels = files.iter().map(|f| f.rel.clone()).collect();
        Arc::new(Listing { files, rels, diagnostics: found })
    });
    diagnostics.extend(listing.diagnostics.iter().cloned());
    let files = &listing.files;
    phase.end();
    let phase = crate::profile::Phase::start("  read and parse");
    // With a cache, a file is read again if an event named it (it is no longer cached)
    // or, after a walk, if its stamp changed.
    let parsed: Vec<(Cached, bool)> = files
        .par_iter()
        .map(|file| {
            let cached = cache.as_deref().and_then(|c| c.files.get(&file.rel));
            let stamp = (cache.is_some() && (walked || cached.is_none())).then(|| stamp(&file.path)).flatten();
            if let Some(hit) = cached.filter(|hit| !walked || Some(hit.stamp) == stamp) {
                return (hit.clone(), false);
            }
            let mut diagnostics = Vec::new();
            let (parsed, source) = parse_file(file, &tz, &mut diagnostics);
            // Without a stamp (the file vanished meanwhile), never reuse this parse.
            let stamp = stamp.unwrap_or((u64::MAX, SystemTime::UNIX_EPOCH));
            (Cached { stamp, parsed, source: source.map(Arc::new), diagnostics }, true)
        })
        .collect();
    if let Some(cache) = cache.as_deref_mut() {
        if walked {
            cache.files = files.iter().zip(&parsed).map(|(f, (c, _))| (f.rel.clone(), c.clone())).collect();
        } else {
            for (f, (c, _)) in files.iter().zip(&parsed).filter(|(_, (_, fresh))| *fresh) {
                cache.files.insert(f.rel.clone(), c.clone());
            }
        }
        cache.listing = Some(Arc::clone(&listing));
    }

    phase.end();
    let phase = crate::profile::Phase::start("  assemble and validate");
    let mut groups = Vec::new();
    let mut releases = Vec::new();
    let mut handwritten: BTreeMap<String, Vec<Handwritten>> = BTreeMap::new();
    let mut translation_files = Vec::new();
    let mut sources = Sources::with_capacity_and_hasher(parsed.len(), Default::default());
    for (Cached { parsed, source, diagnostics: out, .. }, _) in parsed {
        diagnostics.extend(out);
        if let Some(source) = source {
            sources.insert(source.path.clone(), source);
        }
        match parsed {
            Parsed::Group(g) => groups.push(g),
            Parsed::Release(r) => releases.push(r),
            Parsed::Handwritten(slug, h) => handwritten.entry(slug).or_default().push(h),
            Parsed::Translation(t) => translation_files.push(*t),
            Parsed::Nothing => {}
        }
    }

    let groups = hierarchy::portal_order(groups);
    releases.sort_by(|a, b| a.slug.cmp(&b.slug));
    for release in &mut releases {
        for h in handwritten.remove(&release.slug).unwrap_or_default() {
            let release = Arc::make_mut(release);
            release.fingerprint = crate::fingerprint::of((release.fingerprint, h.fingerprint));
            release.handwritten.insert(h.group.clone(), h);
        }
    }
    for (slug, orphans) in handwritten {
        let has_file = |f: &File| matches!(&f.kind, Kind::Release { slug: s } if *s == slug);
        if files.iter().any(has_file) {
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
    let checks = crate::profile::Phase::start("    checks");
    let checked = cache.map(|c| &mut c.checked);
    validate::site_checked(&groups, &group_ids, &releases, &sources, &mut diagnostics, checked);
    let theme = config.as_ref().map(|c| c.theme.as_str());
    let other_languages = config.as_ref().map_or(&[][..], |c| c.languages.get(1..).unwrap_or_default());
    checks.end();
    let output_paths = crate::profile::Phase::start("    output paths");
    collisions::check(root, (theme, other_languages), &groups, &group_ids, &releases, &sources, &mut diagnostics);
    output_paths.end();
    let texts = crate::profile::Phase::start("    translations and approvals");
    if let Some(config) = &config {
        translation::check_group_languages(&groups, &config.languages, &sources, &mut diagnostics);
    }
    let translations = translation::assemble(&groups, &releases, translation_files, &sources, &mut diagnostics);
    // An approval whose texts (a translation's among them) changed since is an error:
    // nothing built from them is published.
    if let Some(config) = &config {
        diagnostics.extend(crate::cycle::approval::check(config, &groups, &releases, &translations, &sources));
    }
    texts.end();
    diagnostics::sort(&mut diagnostics);
    phase.end();
    // With errors the site is still returned, for warnings; it is never built.
    let site = config.map(|config| Site { config, groups, releases, translations });
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
    // A site.toml linked from outside the site would read (and, with errors, quote) a
    // file the site does not own: refused as content links are (SPEC §1).
    let is_link = std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink());
    if is_link {
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        if !path.canonicalize().is_ok_and(|target| target.starts_with(&canonical_root)) {
            diagnostics.push(Diagnostic::error(
                config::FILE,
                Pos::START,
                "symlink-outside-site",
                "site.toml is a symbolic link to a file outside the site; copy the file into the site instead of linking to it",
            ));
            return None;
        }
    }
    let text = match read_text(&path, config::FILE) {
        Ok(text) => text,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    match SiteConfig::parse(&text) {
        Ok(config) => {
            // Only the site's files tell whether `[brand] logo` is there.
            diagnostics.extend(config.brand.check_files(root));
            Some(config)
        }
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    }
}

/// Reads a text file: UTF-8 required, a byte-order mark accepted and dropped.
pub(crate) fn read_text(path: &Path, rel: &str) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::error(rel, Pos::START, "io", format!("cannot read the file: {e}")))?;
    decode_text(&bytes, rel)
}

/// A file's bytes as text: UTF-8 required, a byte-order mark accepted and dropped.
pub(crate) fn decode_text(bytes: &[u8], rel: &str) -> Result<String, Diagnostic> {
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
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A symbolic link that resolves outside the site (or nowhere): what it points at must
/// never be read into a build, let alone published.
fn link_outside(canonical_root: &Path, entry: &walkdir::DirEntry, rel: &str) -> Option<Diagnostic> {
    // Only links can lead out: what is under a followed link was checked with the link.
    let outside = entry.path_is_symlink() && !entry.path().canonicalize().is_ok_and(|t| t.starts_with(canonical_root));
    outside.then(|| {
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
            let rel = relative(root, entry.path());
            let found = link_outside(&canonical_root, &entry, &rel).or_else(|| git_in_static(&rel));
            if let Some(d) = found {
                diagnostics.push(d);
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
            }
        }
    }
}

/// A `.git` folder or file among the files a build publishes (`static/`, a theme's
/// `static/`): copied into an output that is a git checkout (a `gh-pages` worktree), its
/// `commondir`, or a `.git` file naming another git folder, makes git read a config from
/// the repository and run the command it names. Any case: file systems that ignore case
/// take `.GIT` for `.git`.
fn git_in_static(rel: &str) -> Option<Diagnostic> {
    let parts: Vec<&str> = rel.split('/').collect();
    let published = match parts.as_slice() {
        ["static", rest @ ..] => rest,
        ["themes", _, "static", rest @ ..] => rest,
        _ => return None,
    };
    published.last().filter(|name| name.eq_ignore_ascii_case(".git"))?;
    Some(Diagnostic::error(
        rel,
        Pos::START,
        "static-git",
        "a `.git` folder or file would be published into the output, where git would take it for its own (and could run a command it names); remove it from `static/`",
    ))
}

/// Finds every content file and what it is, reporting misplaced and unsafe ones.
fn discover(root: &Path, languages: &[String], diagnostics: &mut Vec<Diagnostic>) -> Vec<File> {
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
        let mut parts: Vec<&str> = rel.split('/').skip(1).collect();
        let stem = |s: &str| s.trim_end_matches(".md").to_string();
        // `name.<lang>.md`: the file it translates is `name.md`.
        let translated = parts.last().and_then(|name| translation::split_name(name.trim_end_matches(".md"), languages));
        let source_name = translated.map(|(name, _)| format!("{name}.md"));
        if let Some(name) = &source_name {
            *parts.last_mut().expect("a file name") = name;
        }
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
            Kind::Translation { .. } => unreachable!("made below"),
        };
        let id_ok = slug::is_valid_id(id);
        let slug_ok = match &kind {
            Kind::Handwritten { slug, .. } => slug::is_valid_id(slug),
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
                    slug::slugify(id)
                ),
            ));
            continue;
        }
        let kind = match translated {
            Some((_, lang)) if Some(lang) == languages.first().map(String::as_str) => {
                diagnostics.push(Diagnostic::error(
                    &rel,
                    Pos::START,
                    "translation-of-default",
                    format!(
                        "`{lang}` is the default language (the first of `languages`), whose texts are in `{}` itself: move this file's texts there and remove it",
                        source_name.as_deref().unwrap_or_default()
                    ),
                ));
                continue;
            }
            Some((_, lang)) => Kind::Translation { lang: lang.to_string(), of: Box::new(kind) },
            None => kind,
        };
        files.push(File { kind, path: entry.path().to_path_buf(), rel });
    }
    translation::warn_unlisted(&files, diagnostics);

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
pub(crate) fn parse_text(
    kind: &Kind,
    rel: &str,
    text: String,
    tz: &jiff::tz::TimeZone,
    out: &mut Vec<Diagnostic>,
) -> (Parsed, Option<Source>) {
    let required = match kind {
        Kind::Translation { of, .. } => !matches!(**of, Kind::Handwritten { .. }),
        kind => !matches!(kind, Kind::Handwritten { .. }),
    };
    let doc = match front_matter::split(&text, required) {
        Ok(doc) => doc,
        Err(e) => {
            out.push(Diagnostic::error(rel, e.pos, "front-matter", e.message));
            return (Parsed::Nothing, None);
        }
    };
    // The body ends the text: read it from the source rather than copy it once more.
    let (yaml, yaml_line, body_start) = (doc.yaml_range(&text), doc.yaml_line, text.len() - doc.body.len());
    let mut source = Source::new(rel.to_string(), text, yaml, yaml_line);
    let body = &source.text[body_start..];
    let parsed = match kind {
        Kind::Group { id } => parse::group(&source, id, body, out).map_or(Parsed::Nothing, Parsed::Group),
        Kind::Release { slug } => {
            parse::release(&source, slug, body, tz, out).map_or(Parsed::Nothing, |r| Parsed::Release(Arc::new(r)))
        }
        Kind::Handwritten { slug, group } => parse::handwritten(&source, group, body, out)
            .map_or(Parsed::Nothing, |h| Parsed::Handwritten(slug.clone(), h)),
        Kind::Translation { lang, of } => translation::read(&source, lang, (**of).clone(), body, out)
            .map_or(Parsed::Nothing, |t| Parsed::Translation(Box::new(t))),
    };
    // A later rule that points into the file parses its front matter again: the same
    // parse, for the few files that have more to say.
    source.drop_locator();
    (parsed, Some(source))
}
