//! The preview server's rebuilds reuse what an edit did not touch: the parse of every
//! other file, and every page whose inputs did not change. Their output must be what a
//! full build of the same sources writes, byte for byte. Each step below edits a copy of
//! the sample site as an author would, rebuilds it the way `serve` does, builds it again
//! from scratch, and compares the two trees file by file.

mod common;

use communique::build::{self, Request, Session};
use communique::model::Audience;
use communique::select::Mode;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const BASE_URL: &str = "http://127.0.0.1:1/";

/// A copy of the repository's sample site with a preview session over it.
struct Preview {
    site: tempfile::TempDir,
    out: tempfile::TempDir,
    session: Session,
    audience: Audience,
    now: jiff::Timestamp,
    /// The files written since the last rebuild, as the watcher would report them.
    changed: Vec<String>,
}

impl Preview {
    fn new(audience: Audience) -> Preview {
        let mut preview = Preview::unbuilt(audience);
        preview.check("the first build");
        preview
    }

    /// A preview session that has built nothing yet.
    fn unbuilt(audience: Audience) -> Preview {
        let site = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for (rel, bytes) in common::tree(&repo.join("content")) {
            write(&site.path().join("content").join(rel), &bytes);
        }
        // Feeds that carry a few communiques each: the pages of the other releases are
        // reused all together, and a release edit moves others in and out of feeds.
        let config = std::fs::read_to_string(repo.join("site.toml")).unwrap();
        assert!(config.contains("feed_limit = 50"), "the sample's site.toml changed; update this test");
        write(&site.path().join("site.toml"), config.replace("feed_limit = 50", "feed_limit = 3").as_bytes());
        Preview {
            site,
            out: tempfile::tempdir().unwrap(),
            session: Session::default(),
            audience,
            now: common::NOW.parse().unwrap(),
            changed: vec![],
        }
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
        for rel in std::mem::take(&mut self.changed) {
            self.session.files.changed(self.site.path(), &rel);
        }
        let request = request(self.site.path(), self.preview_dir(), self.audience, self.now);
        let result = build::rebuild(&request, &mut self.session);
        result.map(drop).map_err(|errors| format!("{errors:?}"))
    }

    /// Rebuilds, builds from scratch, and compares.
    fn check(&mut self, step: &str) {
        self.rebuild().unwrap_or_else(|e| panic!("{step}: the rebuild failed: {e}"));
        let full = self.out.path().join("full");
        let _ = std::fs::remove_dir_all(&full);
        build::build(&self.request(full.clone())).unwrap_or_else(|e| panic!("{step}: the full build failed: {e:?}"));
        same_trees(&self.preview_dir(), &full, step);
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
    let mut p = Preview::unbuilt(Audience::Public);
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

fn every_kind_of_edit(audience: Audience) {
    let mut p = Preview::new(audience);

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

    p.write(
        "themes/default/templates/communique.html",
        "{% extends \"base.html\" %}{% block content %}<p>{{ communique.title }}</p>{% endblock %}",
    );
    p.check("a template of the site's own");

    p.edit("themes/default/templates/communique.html", "<p>", "<p class=\"edited\">");
    p.check("an edit to it, which remakes communiques and the feeds that carry them");

    p.write(
        "themes/default/templates/release.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ release.title }}</h1>{% endblock %}",
    );
    p.check("another page template");

    p.write(
        "themes/default/templates/base.html",
        "<!doctype html><title>{{ page.title }}</title>{% block content %}{% endblock %}",
    );
    p.check("the base template, which every page extends");

    p.remove("themes/default/templates/communique.html");
    p.remove("themes/default/templates/base.html");
    p.check("templates removed: the built-in ones again");

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
    every_kind_of_edit(Audience::Internal);
}

#[test]
fn previewing_the_public_portal_rebuilds_to_what_a_full_build_writes() {
    every_kind_of_edit(Audience::Public);
}

/// Random edits, seeded so that a failure can be replayed: titles, dates, statuses and
/// groups of random releases, one or a few at a time.
#[test]
fn random_edits_rebuild_to_what_a_full_build_writes() {
    let mut p = Preview::new(Audience::Internal);
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
