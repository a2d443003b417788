//! The preview server's rebuilds reuse what an edit did not touch: the parse of every
//! other file, and every page whose inputs did not change. Their output must be what a
//! full build of the same sources writes, byte for byte. Each step below edits a copy of
//! the sample site as an author would, rebuilds it the way `serve` does, builds it again
//! from scratch, and compares the two trees file by file.
//!
//! The same steps run with `communique build` into the previous output in place of the
//! preview's rebuild: a build saves what each file was made from beside its output, and
//! the next build into that output makes only the files whose inputs changed.
//!
//! Each scenario runs with the built-in theme and with the print-all theme
//! (`tests/fixtures/themes/print-all/`), whose every template prints every variable it
//! receives: a page kept from the last build with an input that changed shows up as a
//! difference even when the built-in theme does not print that input.

mod common;

use communique::build::{self, Request, Session};
use communique::model::Audience;
use communique::select::Mode;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const BASE_URL: &str = "http://127.0.0.1:1/";

/// The theme a scenario's site uses.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Theme {
    BuiltIn,
    /// `tests/fixtures/themes/print-all/`, as the site's `print-all` theme.
    PrintAll,
}

impl Theme {
    /// Where the site's own templates go.
    fn templates(self) -> &'static str {
        match self {
            Theme::BuiltIn => "themes/default/templates",
            Theme::PrintAll => "themes/print-all/templates",
        }
    }
}

/// A copy of the repository's sample site with a preview session over it.
struct Preview {
    site: tempfile::TempDir,
    out: tempfile::TempDir,
    session: Session,
    audience: Audience,
    now: jiff::Timestamp,
    /// The files written since the last rebuild, as the watcher would report them.
    changed: Vec<String>,
    theme: Theme,
    /// The pages the last rebuild made first and handed over, as `serve` shows them
    /// before the rest of the site is made (see [`WANTED`]).
    published: Arc<Mutex<build::Pages>>,
    /// Each rebuild is a build into the previous output (`communique build`, with the
    /// memo it saves beside the output), not the preview session's.
    builds: bool,
}

/// How a scenario's site is made again after each step.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rebuild {
    /// The preview server's session.
    Preview,
    /// `communique build` into the previous output.
    Build,
}

/// The pages every rebuild makes first, as if tabs were open on them: a release's page
/// and communique, which a rebuild hands over before it makes the rest, and pages that
/// are not a release's, which are made in their turn.
const WANTED: [&str; 4] = [
    "releases/payouts-3-0/index.html",
    "releases/payouts-3-0/customers/index.html",
    "releases/copy-3/index.html",
    "index.html",
];

impl Preview {
    fn new(audience: Audience, theme: Theme) -> Preview {
        Preview::rebuilt_by(audience, theme, Rebuild::Preview)
    }

    fn rebuilt_by(audience: Audience, theme: Theme, rebuild: Rebuild) -> Preview {
        let mut preview = Preview::unbuilt(audience, theme);
        preview.builds = rebuild == Rebuild::Build;
        preview.check("the first build");
        preview
    }

    /// A preview session that has built nothing yet.
    fn unbuilt(audience: Audience, theme: Theme) -> Preview {
        let site = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for (rel, bytes) in common::tree(&repo.join("content")) {
            write(&site.path().join("content").join(rel), &bytes);
        }
        // Feeds that carry a few communiques each: the pages of the other releases are
        // reused all together, and a release edit moves others in and out of feeds.
        let config = std::fs::read_to_string(repo.join("site.toml")).unwrap();
        assert!(config.contains("feed_limit = 50"), "the sample's site.toml changed; update this test");
        let mut config = config.replace("feed_limit = 50", "feed_limit = 3");
        if theme == Theme::PrintAll {
            for (rel, bytes) in common::tree(&common::fixtures().join("themes/print-all")) {
                write(&site.path().join("themes/print-all").join(rel), &bytes);
            }
            config = format!("theme = \"print-all\"\n{config}");
        }
        write(&site.path().join("site.toml"), config.as_bytes());
        let published = Arc::new(Mutex::new(Vec::new()));
        let mut session = Session::default();
        let handed = Arc::clone(&published);
        session.first = Some(build::First {
            wanted: WANTED.iter().map(|p| p.to_string()).collect(),
            publish: Arc::new(move |pages| handed.lock().unwrap().extend(pages)),
        });
        Preview {
            site,
            out: tempfile::tempdir().unwrap(),
            session,
            published,
            audience,
            now: common::NOW.parse().unwrap(),
            changed: vec![],
            theme,
            builds: false,
        }
    }

    /// A template of the site's own theme, as a site-relative path.
    fn template(&self, name: &str) -> String {
        format!("{}/{name}", self.theme.templates())
    }

    fn request(&self, output: PathBuf) -> Request<'_> {
        request(self.site.path(), output, self.audience, self.now)
    }

    fn preview_dir(&self) -> PathBuf {
        self.out.path().join("preview")
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.site.path().join(rel)).unwrap()
    }

    fn write(&mut self, rel: &str, text: &str) {
        write(&self.site.path().join(rel), text.as_bytes());
        self.changed.push(rel.to_string());
    }

    fn edit(&mut self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} has no `{from}`");
        self.write(rel, &text.replacen(from, to, 1));
    }

    fn remove(&mut self, rel: &str) {
        std::fs::remove_file(self.site.path().join(rel)).unwrap();
        self.changed.push(rel.to_string());
    }

    fn rename(&mut self, from: &str, to: &str) {
        std::fs::rename(self.site.path().join(from), self.site.path().join(to)).unwrap();
        self.changed.extend([from.to_string(), to.to_string()]);
    }

    /// Tells the session what changed, then rebuilds.
    fn rebuild(&mut self) -> Result<(), String> {
        if self.builds {
            self.changed.clear();
            let request = request(self.site.path(), self.preview_dir(), self.audience, self.now);
            return build::build(&request).map(drop).map_err(|failed| format!("{:?}", failed.errors));
        }
        for rel in std::mem::take(&mut self.changed) {
            self.session.files.changed(self.site.path(), &rel);
        }
        let request = request(self.site.path(), self.preview_dir(), self.audience, self.now);
        let result = build::rebuild(&request, &mut self.session);
        result.map(drop).map_err(|errors| format!("{errors:?}"))
    }

    /// Rebuilds, builds from scratch, and compares (the pages the rebuild made first
    /// too). Returns the pages made first.
    fn check(&mut self, step: &str) -> build::Pages {
        self.rebuild().unwrap_or_else(|e| panic!("{step}: the rebuild failed: {e}"));
        if self.builds {
            let memo = self.out.path().join(".preview.communique-memo");
            assert!(memo.is_file(), "{step}: the build saved its memo beside the output");
        }
        let full = self.out.path().join("full");
        let _ = std::fs::remove_dir_all(&full);
        build::build(&self.request(full.clone())).unwrap_or_else(|e| panic!("{step}: the full build failed: {e:?}"));
        same_trees(&self.preview_dir(), &full, step);
        let published = std::mem::take(&mut *self.published.lock().unwrap());
        for (rel, bytes) in &published {
            assert!(WANTED.contains(&rel.as_str()), "{step}: {rel} was made first, unasked");
            let built = std::fs::read(full.join(rel)).unwrap_or_else(|e| panic!("{step}: {rel} made first: {e}"));
            assert!(*bytes == built, "{step}: {rel} as made first differs from a full build's");
        }
        published
    }
}

fn request(root: &Path, output: PathBuf, audience: Audience, now: jiff::Timestamp) -> Request<'_> {
    Request {
        root,
        output: Some(output),
        base_url: Some(BASE_URL.into()),
        mode: Mode::Preview,
        audience,
        now,
        emails: None,
        keep_sources: true,
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn same_trees(incremental: &Path, full: &Path, step: &str) {
    let (a, b): (BTreeMap<_, _>, BTreeMap<_, _>) = (common::tree(incremental), common::tree(full));
    let only = |x: &BTreeMap<String, Vec<u8>>, y: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        x.keys().filter(|k| !y.contains_key(*k)).cloned().collect()
    };
    assert!(only(&a, &b).is_empty(), "{step}: only in the rebuilt output: {:?}", only(&a, &b));
    assert!(only(&b, &a).is_empty(), "{step}: missing from the rebuilt output: {:?}", only(&b, &a));
    let differ: Vec<&String> = a.iter().filter(|(rel, bytes)| *bytes != &b[*rel]).map(|(rel, _)| rel).collect();
    assert!(differ.is_empty(), "{step}: these files differ from a full build's: {differ:?}");
}

const RELEASE: &str = "content/releases/payouts-3-0.md";

/// The preview's sitemap, split in parts by a limit of `LIMIT` URLs a file (the
/// protocol's is 50,000): as pages come and go, parts are added and the stale ones go,
/// and the output is what a first build with the same limit writes. Returns the number
/// of parts.
fn check_sitemap_parts(p: &mut Preview, step: &str) -> usize {
    const LIMIT: usize = 10;
    p.session.sitemap_limit = Some(LIMIT);
    p.rebuild().unwrap_or_else(|e| panic!("{step}: the rebuild failed: {e}"));
    let full = p.out.path().join("full");
    let _ = std::fs::remove_dir_all(&full);
    let mut first = Session::default();
    first.sitemap_limit = Some(LIMIT);
    build::rebuild(&p.request(full.clone()), &mut first).unwrap_or_else(|e| panic!("{step}: the first build: {e:?}"));
    same_trees(&p.preview_dir(), &full, step);
    let tree = common::tree(&p.preview_dir());
    let parts = tree.keys().filter(|rel| rel.starts_with("sitemap-")).count();
    let index = String::from_utf8(tree["sitemap.xml"].clone()).unwrap();
    if parts > 0 {
        assert!(index.contains("<sitemapindex "), "{step}: {index}");
        for n in 1..=parts {
            assert!(index.contains(&format!("<loc>{BASE_URL}sitemap-{n}.xml</loc>")), "{step}: part {n} in {index}");
        }
    }
    parts
}

#[test]
fn a_sitemap_in_parts_gains_and_drops_parts_as_the_site_changes() {
    let mut p = Preview::unbuilt(Audience::Public, Theme::BuiltIn);
    let before = check_sitemap_parts(&mut p, "the first build");
    assert!(before >= 2, "the sample site has more than 10 pages: {before} parts");
    let template = p.read(RELEASE);
    for n in 0..12 {
        let text = template.replacen("title: ", &format!("title: Copy {n} of "), 1);
        p.write(&format!("content/releases/copy-{n}.md"), &text);
    }
    let more = check_sitemap_parts(&mut p, "twelve new releases");
    assert!(more > before, "{more} parts after adding releases, {before} before");
    for n in 0..12 {
        p.remove(&format!("content/releases/copy-{n}.md"));
    }
    assert_eq!(check_sitemap_parts(&mut p, "the twelve releases removed"), before, "the stale parts are gone");
    // An edit that changes no page of the sitemap keeps every part as it was.
    p.edit(RELEASE, "title: ", "title: Renamed ");
    assert_eq!(check_sitemap_parts(&mut p, "a release's title"), before);
}

fn every_kind_of_edit(audience: Audience, theme: Theme) {
    every_kind_of_edit_by(audience, theme, Rebuild::Preview);
}

fn every_kind_of_edit_by(audience: Audience, theme: Theme, rebuild: Rebuild) {
    let mut p = Preview::rebuilt_by(audience, theme, rebuild);

    p.edit(RELEASE, "title: ", "title: Renamed ");
    p.check("a release's title");

    p.edit(RELEASE, "summary: ", "summary: Now with *more* [links](../ledger-7-0/). ");
    p.check("a release's summary");

    let text = p.read(RELEASE);
    let deployed = text.lines().find(|l| l.starts_with("deployed_at:")).unwrap().to_string();
    p.edit(RELEASE, &deployed, "deployed_at: 2024-01-02T03:04:05Z");
    p.check("a release's date, which moves it in every list");

    p.edit(RELEASE, "status: approved", "status: draft");
    p.check("a release's status");

    // Enough releases for lists of several pages (the sample paginates by 10).
    let template = p.read(RELEASE);
    for n in 0..12 {
        let text = template.replacen("title: ", &format!("title: Copy {n} of "), 1).replacen(
            "deployed_at: 2024-01-02T03:04:05Z",
            &format!("deployed_at: 2025-0{}-10T08:00:00Z", n % 9 + 1),
            1,
        );
        p.write(&format!("content/releases/copy-{n}.md"), &text);
    }
    p.check("twelve new releases");

    p.edit("content/releases/copy-3.md", "title: Copy 3", "title: Third copy");
    p.check("a release in the middle of a long list");

    p.remove("content/releases/copy-5.md");
    p.check("a release deleted");

    let moved = p.read("content/releases/copy-6.md");
    p.remove("content/releases/copy-6.md");
    p.write("content/releases/copy-6/index.md", &moved);
    p.check("a release moved into a folder of its own");

    // Same text, new name: every link to the release changes, and nothing else.
    let renamed = p.read("content/releases/copy-7.md");
    p.remove("content/releases/copy-7.md");
    p.write("content/releases/copy-7-renamed.md", &renamed);
    p.check("a release file renamed, its text unchanged");

    // Saved as `sed -i` and some editors save: into a temporary file, renamed over the
    // release. The temporary file is no content file, and the release is read again.
    let saved = p.read(RELEASE).replacen("title: ", "title: Saved through a temporary file, ", 1);
    p.write("content/releases/sedX1y2Z3", &saved);
    p.rename("content/releases/sedX1y2Z3", RELEASE);
    p.check("a release saved through a temporary file");

    p.write("content/releases/notes.txt", "Not a release.");
    p.check("a file beside the releases that is not one");
    p.remove("content/releases/notes.txt");
    p.check("that file removed");

    // A link out of the site fails the build until it is gone.
    #[cfg(unix)]
    {
        let link = p.site.path().join("static/elsewhere");
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(p.out.path(), &link).unwrap();
        p.changed.extend(["static".to_string(), "static/elsewhere".to_string()]);
        let error = p.rebuild().expect_err("a link out of the site");
        assert!(error.contains("symlink-outside-site"), "{error}");
        p.remove("static/elsewhere");
        p.check("a link out of the site, then removed");
    }

    let page = p.read("content/releases/payments-4-2/support.md");
    p.write("content/releases/payments-4-2/support.md", &format!("{page}\nA paragraph added by hand.\n"));
    p.check("a hand-written page");

    p.edit(
        "content/releases/copy-1.md",
        "groups: [enterprise-customers, operations]",
        "groups: [enterprise-customers, operations, support]",
    );
    p.check("a feature that now reaches other groups");

    p.edit("content/stakeholders/sales.md", "name: ", "name: Renamed ");
    p.check("a group's name, which every page shows");

    p.edit("content/stakeholders/sales.md", "order: 70", "order: 1");
    p.check("a group moved to the front of the portal's order");

    p.write(
        "content/stakeholders/aardvarks.md",
        "---\nname: Aardvarks\nsummary: A group that comes first.\naudience: public\norder: 0\n---\nFirst.\n",
    );
    p.check("a new group, first in the portal's order");

    let (communique, release, base) =
        (p.template("communique.html"), p.template("release.html"), p.template("base.html"));
    p.write(
        &communique,
        "{% extends \"base.html\" %}{% block content %}<p>{{ communique.title }} {{ group.communique_count }}</p>{% endblock %}",
    );
    p.check("a template of the site's own");

    p.edit(&communique, "<p>", "<p class=\"edited\">");
    p.check("an edit to it, which remakes communiques and the feeds that carry them");

    p.write(&release, "{% extends \"base.html\" %}{% block content %}<h1>{{ release.title }}</h1>{% endblock %}");
    p.check("another page template");

    p.write(&base, "<!doctype html><title>{{ page.title }}</title>{% block content %}{% endblock %}");
    p.check("the base template, which every page extends");

    p.remove(&communique);
    p.remove(&base);
    p.check("templates removed: the built-in ones (or the theme's) again");

    // SPEC §11: a deadline moves (communiques, calendars, group pages), a group changes
    // format, and the site's own version of that format is written and edited.
    p.edit("content/releases/payments-4-2/index.md", "due: 2026-12-15", "due: 2026-12-22");
    p.check("an action's deadline");

    p.edit("content/stakeholders/developers.md", "order: 20", "order: 20\ntemplate: brief");
    p.check("a group's communique format");

    p.write(
        "themes/default/templates/communique-brief.html",
        "{% extends \"base.html\" %}{% block content %}<p>{{ communique.actions|length }} to do</p>{% endblock %}",
    );
    p.check("the site's own brief format");

    p.edit("themes/default/templates/communique-brief.html", "<p>", "<p class=\"edited\">");
    p.check("an edit to it, which remakes the brief communiques and the feeds that carry them");

    p.edit("site.toml", "timezone = \"Europe/Amsterdam\"", "timezone = \"America/New_York\"");
    p.check("the time zone, in which every date is read");

    // Texts' HTML is kept from one build to the next: it must follow what it is made of.
    let text = p.read(RELEASE);
    p.write(RELEASE, &format!("{text}\nSee <b>the raw part</b> and <img src=x onerror=alert(1)>.\n"));
    p.check("raw HTML in a release's notes, escaped");
    p.edit("site.toml", "unsafe_html = false", "unsafe_html = true");
    p.check("raw HTML allowed: the same text, sanitized instead of escaped");
    p.edit("site.toml", "unsafe_html = true", "unsafe_html = false");
    p.check("raw HTML escaped again");

    let good = p.read(RELEASE);
    p.edit(RELEASE, "title: ", "title: [unclosed ");
    assert!(p.rebuild().is_err(), "a broken edit fails");
    p.write(RELEASE, &good);
    p.check("a broken edit, then its fix");

    p.edit(
        RELEASE,
        "groups: [enterprise-customers, operations]",
        "groups: [enterprise-customers, operations, auditors]",
    );
    let error = p.rebuild().expect_err("a group that does not exist yet");
    assert!(error.contains("unknown group `auditors`"), "{error}");
    p.write("content/stakeholders/auditors.md", "---\nname: Auditors\nsummary: External auditors.\n---\n");
    p.check("the missing group added: the release's error is gone");

    // A scheduled release goes live as time passes, with no edit at all.
    p.now = "2030-01-01T00:00:00Z".parse().unwrap();
    p.check("later: scheduled releases are due");
}

#[test]
fn every_kind_of_edit_rebuilds_to_what_a_full_build_writes() {
    every_kind_of_edit(Audience::Internal, Theme::BuiltIn);
}

#[test]
fn previewing_the_public_portal_rebuilds_to_what_a_full_build_writes() {
    every_kind_of_edit(Audience::Public, Theme::BuiltIn);
}

#[test]
fn every_kind_of_edit_rebuilds_to_a_full_build_with_a_theme_that_prints_everything() {
    every_kind_of_edit(Audience::Internal, Theme::PrintAll);
}

#[test]
fn the_public_portal_rebuilds_to_a_full_build_with_a_theme_that_prints_everything() {
    every_kind_of_edit(Audience::Public, Theme::PrintAll);
}

#[test]
fn every_kind_of_edit_built_into_the_previous_output_is_what_a_full_build_writes() {
    every_kind_of_edit_by(Audience::Internal, Theme::PrintAll, Rebuild::Build);
}

#[test]
fn the_public_portal_built_into_the_previous_output_is_what_a_full_build_writes() {
    every_kind_of_edit_by(Audience::Public, Theme::BuiltIn, Rebuild::Build);
}

/// A group's `communique_count` is on every one of its communique pages: a new release
/// for the group changes the pages of its other releases too.
#[test]
fn a_new_release_updates_the_count_on_its_groups_other_communiques() {
    let mut p = Preview::new(Audience::Internal, Theme::PrintAll);
    let copy = p.read(RELEASE).replacen("title: ", "title: Another ", 1);
    p.write("content/releases/another.md", &copy);
    p.check("a new release for the same groups");
    p.remove("content/releases/another.md");
    p.check("the release removed again");
}

/// The pages open tabs look at are made first and handed over (for the preview to show
/// before the rest of the site is made), with the bytes a full build writes.
#[test]
fn the_pages_open_tabs_look_at_are_made_first() {
    for theme in [Theme::BuiltIn, Theme::PrintAll] {
        let mut p = Preview::new(Audience::Internal, theme);
        p.edit(RELEASE, "title: ", "title: Renamed ");
        let made: BTreeMap<String, Vec<u8>> = p.check("a release's title").into_iter().collect();
        let names: Vec<&str> = made.keys().map(String::as_str).collect();
        assert_eq!(names, [WANTED[1], WANTED[0]], "{theme:?}: the edited release's page and communique, nothing else");
        assert!(String::from_utf8_lossy(&made[WANTED[0]]).contains("Renamed"), "{theme:?}");

        // A template edit remakes every release page: the one wanted is made first.
        let template = p.template("release.html");
        let built_in = include_str!("../themes/default/templates/release.html");
        let text = match theme {
            Theme::BuiltIn => built_in.to_string(),
            Theme::PrintAll => p.read(&template),
        };
        p.write(&template, &text.replacen("{% block content %}", "{% block content %}<p>edited</p>", 1));
        let made: BTreeMap<String, Vec<u8>> = p.check("release.html edited").into_iter().collect();
        assert_eq!(made.keys().collect::<Vec<_>>(), [WANTED[0]], "{theme:?}");
        assert!(String::from_utf8_lossy(&made[WANTED[0]]).contains("<p>edited</p>"), "{theme:?}");

        // Nothing changed: nothing is made first.
        assert!(p.check("nothing changed").is_empty(), "{theme:?}");
    }
}

#[test]
fn random_edits_rebuild_to_what_a_full_build_writes() {
    random_edits(Theme::BuiltIn, Rebuild::Preview);
}

#[test]
fn random_edits_rebuild_to_a_full_build_with_a_theme_that_prints_everything() {
    random_edits(Theme::PrintAll, Rebuild::Preview);
}

#[test]
fn random_edits_built_into_the_previous_output_are_what_a_full_build_writes() {
    random_edits(Theme::PrintAll, Rebuild::Build);
}

/// Random edits, seeded so that a failure can be replayed: titles, dates, statuses and
/// groups of random releases, one or a few at a time.
fn random_edits(theme: Theme, rebuild: Rebuild) {
    let mut p = Preview::rebuilt_by(Audience::Internal, theme, rebuild);
    let releases: Vec<String> = common::tree(&p.site.path().join("content/releases"))
        .into_keys()
        .filter(|rel| rel.ends_with(".md") && !rel.contains('/') || rel.ends_with("/index.md"))
        .map(|rel| format!("content/releases/{rel}"))
        .collect();
    let mut seed = 0x5eed_u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    for step in 0..30 {
        for _ in 0..=next(3) {
            let rel = releases[next(releases.len())].clone();
            let text = p.read(&rel);
            let line = |key: &str| text.lines().find(|l| l.starts_with(key)).map(str::to_string);
            let edited = match next(4) {
                0 => text.replacen("title: ", &format!("title: {step} "), 1),
                1 => match line("deployed_at:") {
                    Some(l) => {
                        text.replacen(&l, &format!("deployed_at: 2026-0{}-1{}T10:00:00Z", next(9) + 1, next(10)), 1)
                    }
                    None => text,
                },
                2 => match line("status:") {
                    Some(l) => text.replacen(&l, ["status: draft", "status: review", "status: approved"][next(3)], 1),
                    None => text,
                },
                _ => text.replacen("summary: ", &format!("summary: Step {step}. "), 1),
            };
            p.write(&rel, &edited);
        }
        p.check(&format!("random step {step}"));
    }
}

/// What docs/themes.md says the templates receive.
struct Documented {
    /// `site.title`, `page.url`…: what every page template receives.
    common: Vec<String>,
    /// Per template, the names of its own variables.
    own: BTreeMap<String, Vec<String>>,
    /// Every field of every object it describes (`communique_count`, `value_html`…).
    fields: BTreeSet<String>,
}

/// The part of `doc` under the heading `## title`, up to the next one.
fn doc_section<'d>(doc: &'d str, title: &str) -> &'d str {
    let start = doc.find(&format!("\n## {title}\n")).unwrap_or_else(|| panic!("docs/themes.md has no `## {title}`"));
    let rest = &doc[start + title.len() + 5..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// The cells of a table's rows, the header and separator left out.
fn doc_rows(section: &str) -> Vec<Vec<&str>> {
    let rows = section.lines().filter(|l| l.starts_with('|') && !l.starts_with("|---"));
    rows.map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .filter(|cells: &Vec<&str>| cells[0].starts_with('`'))
        .collect()
}

/// The `code` spans of a cell, each with whether it is outside parentheses.
fn code_spans(cell: &str) -> Vec<(&str, bool)> {
    let mut spans = Vec::new();
    let (mut depth, mut at) = (0, 0);
    while at < cell.len() {
        let c = cell[at..].chars().next().unwrap();
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '`' => {
                let end = at + 1 + cell[at + 1..].find('`').expect("a closed code span");
                spans.push((&cell[at + 1..end], depth == 0));
                at = end;
            }
            _ => {}
        }
        at += c.len_utf8();
    }
    spans
}

/// `{a, b, c}` → a, b, c.
fn brace_fields(span: &str) -> Option<Vec<String>> {
    let inner = span.strip_prefix('{')?.strip_suffix('}')?;
    inner
        .split(',')
        .map(|f| f.trim())
        .map(|f| f.chars().all(|c| c.is_ascii_lowercase() || c == '_').then(|| f.to_string()))
        .collect()
}

fn documented() -> Documented {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/themes.md")).unwrap();
    let mut fields = BTreeSet::new();
    let common = doc_rows(doc_section(&doc, "Variables every template receives"))
        .iter()
        .flat_map(|cells| code_spans(cells[0]))
        .map(|(span, _)| span.to_string())
        .collect();
    let objects = doc_section(&doc, "Objects");
    for cells in doc_rows(objects) {
        fields.extend(code_spans(cells[0]).into_iter().map(|(span, _)| span.to_string()));
    }
    let mut own = BTreeMap::new();
    for cells in doc_rows(doc_section(&doc, "Variables of each template")) {
        let template = code_spans(cells[0])[0].0.to_string();
        let names: Vec<String> = code_spans(cells[1])
            .into_iter()
            .filter(|(span, outside)| *outside && span.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(|(span, _)| span.to_string())
            .collect();
        own.insert(template, names);
    }
    for line in objects.lines().chain(doc_section(&doc, "Variables of each template").lines()) {
        for (span, _) in code_spans(line) {
            fields.extend(brace_fields(span).unwrap_or_default());
        }
    }
    Documented { common, own, fields }
}

/// The template that made output page `rel`.
fn template_of(rel: &str) -> Option<&'static str> {
    let parts: Vec<&str> = rel.split('/').collect();
    Some(match parts.as_slice() {
        ["index.html"] => "index.html",
        ["404.html"] => "404.html",
        ["releases", "index.html"] | ["releases", "page", _, "index.html"] => "releases.html",
        ["releases", _, "index.html"] => "release.html",
        ["releases", _, _, "index.html"] => "communique.html",
        ["groups", "index.html"] => "groups.html",
        ["groups", _, "index.html"] | ["groups", _, "page", _, "index.html"] => "group.html",
        ["products", "index.html"] => "products.html",
        ["products", _, "index.html"] | ["products", _, "page", _, "index.html"] => "product.html",
        ["subscribe", "index.html"]
        | ["groups", _, "subscribe", "index.html"]
        | ["products", _, "subscribe", "index.html"] => "subscribe.html",
        ["groups", _, "since", "index.html"] => "since.html",
        _ => return None,
    })
}

/// The variables a page of the print-all theme printed, as dotted paths (`group.feeds.url`:
/// list items add nothing to a path).
fn printed_paths(html: &str) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    for block in html.split("<pre class=\"print-all").skip(1) {
        let block = &block[block.find('>').unwrap() + 1..block.find("</pre>").unwrap()];
        let text = block.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">");
        // The name of the container each level of indentation is in ("" for a list item).
        let mut open: Vec<String> = Vec::new();
        for line in text.lines() {
            let level = (line.len() - line.trim_start().len()) / 4;
            let line = line.trim_start();
            open.truncate(level);
            let (name, rest) = match line.strip_prefix('"').and_then(|l| l.split_once("\": ")) {
                Some((name, rest)) => (name.to_string(), rest),
                None => (String::new(), line),
            };
            if !name.is_empty() {
                let path: Vec<&str> =
                    open.iter().map(String::as_str).filter(|n| !n.is_empty()).chain([&*name]).collect();
                paths.insert(path.join("."));
            }
            if rest.ends_with('{') || rest.ends_with('[') {
                open.resize(level, String::new());
                open.push(name);
            }
        }
    }
    paths
}

/// The print-all theme is only worth running the scenarios with while it prints all that
/// templates receive: each variable docs/themes.md documents must be printed by each
/// template that receives it, on the sample site.
#[test]
fn the_print_all_theme_prints_every_variable_docs_themes_md_documents() {
    let documented = documented();
    assert!(documented.common.contains(&"page.url".to_string()) && documented.fields.contains("communique_count"));
    let p = Preview::new(Audience::Internal, Theme::PrintAll);
    let mut by_template: BTreeMap<&str, Vec<BTreeSet<String>>> = BTreeMap::new();
    for (rel, bytes) in common::tree(&p.preview_dir()) {
        if let Some(template) = template_of(&rel) {
            by_template.entry(template).or_default().push(printed_paths(&String::from_utf8(bytes).unwrap()));
        }
    }
    let mut missing = Vec::new();
    for (template, own) in &documented.own {
        // Only the preview server renders review.html, and only `build --emails` communique.txt.
        if ["review.html", "communique.txt"].contains(&template.as_str()) {
            continue;
        }
        let pages = by_template.get(template.as_str()).unwrap_or_else(|| panic!("no page made with {template}"));
        for printed in pages {
            for name in documented.common.iter().chain(own) {
                if !printed.contains(name) {
                    missing.push(format!("{template}: {name}"));
                }
            }
        }
    }
    let all: BTreeSet<&str> =
        by_template.values().flatten().flatten().map(|path| path.rsplit('.').next().unwrap()).collect();
    missing.extend(documented.fields.iter().filter(|f| !all.contains(f.as_str())).map(|f| format!("field {f}")));
    missing.dedup();
    assert!(missing.is_empty(), "docs/themes.md documents what the print-all theme does not print: {missing:?}");
}
