//! Languages (SPEC §13): translations beside their sources, each language but the default
//! built under `/<lang>/` with its pages, feeds, calendars and subscribe pages, texts a
//! translation leaves out shown in the default language with a warning, `hreflang` links
//! both ways, the theme's own words per language, and nothing internal in a public build.

mod common;
mod preview;

use common::{Site, Tree, NOW};

const SITE_TOML: &str =
    "title = \"Acme releases\"\nbase_url = \"https://releases.acme.example/\"\nlanguages = [\"en\", \"de\"]\n";

const CUSTOMERS: &str = "---\nname: Customers\nsummary: People who pay us.\n---\nWho our customers are.\n";
const CUSTOMERS_DE: &str = "---\nname: Kunden\nsummary: Menschen, die uns bezahlen.\n---\nWer unsere Kunden sind.\n";
const STAFF: &str = "---\nname: Staff\naudience: internal\n---\n";

const RELEASE: &str = "---
title: Payments 4.2
product: Payments
version: \"4.2.0\"
status: approved
deployed_at: 2026-11-20T18:00:00Z
summary: Refunds settle instantly.
features:
  - id: instant-refunds
    title: Instant refunds
    summary: Refunds now settle in seconds.
    groups: [customers, staff]
    value:
      customers: Your money back the same day.
      staff: Fewer refund tickets.
access:
  customers:
    how: Turn it on under Settings.
  staff:
    how: Read the runbook.
constraints:
  - kind: regulatory
    text: Not available in Brazil.
windows:
  - title: Switch-over
    kind: maintenance
    start: 2026-11-20T17:00:00Z
    end: 2026-11-20T18:00:00Z
---
Notes about the release.
";

const RELEASE_DE: &str = "---
title: Payments 4.2 (deutsch)
summary: Erstattungen kommen sofort an.
features:
  - title: Sofortige Erstattungen
    summary: Erstattungen dauern jetzt Sekunden.
    groups: [customers, staff]
    value:
      customers: Ihr Geld noch am selben Tag zurück.
      staff: Weniger Erstattungs-Tickets.
access:
  customers:
    how: Schalten Sie es unter Einstellungen ein.
  staff:
    how: Lesen Sie das Runbook.
constraints:
  - text: In Brasilien nicht verfügbar.
windows:
  - title: Umstellung
---
Anmerkungen zum Release.
";

fn site() -> Site {
    Site::new(&[
        ("site.toml", SITE_TOML),
        ("content/stakeholders/customers.md", CUSTOMERS),
        ("content/stakeholders/customers.de.md", CUSTOMERS_DE),
        ("content/stakeholders/staff.md", STAFF),
        ("content/releases/payments-4-2.md", RELEASE),
        ("content/releases/payments-4-2.de.md", RELEASE_DE),
    ])
}

/// The words of each communique's record in the search index at `folder` (`search/` or
/// `de/search/`): its page's URL and its text.
fn search_records(tree: &Tree, folder: &str) -> Vec<(String, String)> {
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_string();
    common::search_fragments(tree, folder).iter().map(|f| (text(&f["url"]), text(&f["content"]))).collect()
}

#[test]
fn each_language_has_its_own_search_index_of_its_own_pages() {
    let tree = site().build(&[]);
    let english = search_records(&tree, "search/");
    let german = search_records(&tree, "de/search/");
    let urls = |records: &[(String, String)]| records.iter().map(|(url, _)| url.clone()).collect::<Vec<_>>();
    assert_eq!(
        urls(&german),
        urls(&english).iter().map(|u| u.replace(".example/releases/", ".example/de/releases/")).collect::<Vec<_>>(),
        "the German index holds the German pages of the same communiques"
    );
    let customers = |records: &[(String, String)]| {
        records.iter().find(|(url, _)| url.ends_with("/customers/")).map(|(_, text)| text.clone()).unwrap()
    };
    assert!(customers(&german).contains("Schalten Sie es unter Einstellungen ein"), "{german:?}");
    assert!(!customers(&german).contains("Turn it on under Settings"), "{german:?}");
    assert!(customers(&english).contains("Turn it on under Settings"), "{english:?}");
    // Each language's pages search their own index, with the box in their words.
    let page = tree.text("de/releases/payments-4-2/customers/index.html");
    assert!(page.contains("/de/search/bundles.json") && page.contains("Mitteilungen durchsuchen"), "{page}");
    let bundles: Vec<String> = serde_json::from_str(&tree.text("de/search/bundles.json")).unwrap();
    assert!(bundles.iter().all(|b| b.contains("/de/search/")), "{bundles:?}");
    assert!(tree.paths().iter().any(|p| p.starts_with("de/search/") && p.ends_with(".pf_meta") && p.contains(".de_")));
    // Its filters are named in German, and a result names the group.
    let texts = |folder: &str| -> String {
        tree.files.iter().filter(|(p, _)| p.starts_with(folder)).map(|(_, b)| common::unpacked(b)).collect()
    };
    let (de, en) = (texts("de/search/"), texts("search/"));
    assert!(de.contains("Gruppe") && de.contains("Produkt") && !en.contains("Gruppe"), "filter names");
    assert!(de.contains("Payments 4.2 (deutsch) — Kunden"), "a result's title names its group");
}

fn html_lang(page: &str) -> &str {
    let at = page.find("<html lang=\"").expect("an html element with lang") + 12;
    &page[at..at + page[at..].find('"').unwrap()]
}

#[test]
fn the_german_build_has_its_own_pages_feeds_and_calendars() {
    let site = site();
    let run = site.run(&["check"]);
    run.success();
    assert!(run.diagnostics().is_empty(), "a complete translation warns of nothing\n{}", run.transcript());
    let tree = site.build(&[]);
    for page in [
        "de/index.html",
        "de/releases/index.html",
        "de/releases/payments-4-2/index.html",
        "de/releases/payments-4-2/customers/index.html",
        "de/groups/index.html",
        "de/groups/customers/index.html",
        "de/groups/customers/subscribe/index.html",
        "de/groups/customers/since/index.html",
        "de/subscribe/index.html",
        "de/products/index.html",
    ] {
        assert_eq!(html_lang(&tree.text(page)), "de", "{page}");
        let english = page.trim_start_matches("de/");
        assert_eq!(html_lang(&tree.text(english)), "en", "{english}");
    }
    // The communique in German: the translated texts, the theme's German words and dates.
    let communique = tree.text("de/releases/payments-4-2/customers/index.html");
    for german in [
        "Payments 4.2 (deutsch)",
        "Erstattungen kommen sofort an.",
        "Sofortige Erstattungen",
        "Ihr Geld noch am selben Tag zurück.",
        "Schalten Sie es unter Einstellungen ein.",
        "In Brasilien nicht verfügbar.",
        "<h2>Was für Sie neu ist</h2>",
        "<h2>Wie, wann und wo</h2>",
        "20. November 2026",
        "<span class=\"label label-added\">Neu</span>",
        "<strong>Regulierung:</strong> In Brasilien nicht verfügbar.",
        "href=\"https://releases.acme.example/de/groups/customers/\">Kunden</a>",
    ] {
        assert!(communique.contains(german), "`{german}` in the German communique\n{communique}");
    }
    assert!(!communique.contains("What's new for you"), "{communique}");
    // The English communique is as it was.
    let english = tree.text("releases/payments-4-2/customers/index.html");
    assert!(english.contains("<h2>What's new for you</h2>") && english.contains("20 November 2026"));
    assert!(!english.contains("Sofortige") && !english.contains("Kunden"), "{english}");
    // The lists and the not-found page have the German words too, in their titles as well.
    let releases = tree.text("de/releases/index.html");
    assert!(
        releases.contains("<title>Releases — Acme releases</title>")
            && releases.contains("Alle Releases, die neuesten zuerst.")
    );
    assert!(tree.text("de/groups/index.html").contains("<title>Stakeholder-Gruppen — Acme releases</title>"));
    let not_found = tree.text("de/404.html");
    assert!(not_found.contains("<h1>Seite nicht gefunden</h1>"), "{not_found}");
    assert!(tree.text("404.html").contains("<h1>Page not found</h1>"));
    let subscribe = tree.text("de/groups/customers/subscribe/index.html");
    assert!(
        subscribe.contains("<title>Kunden abonnieren — Acme releases</title>")
            && subscribe.contains(">Kopieren</button>")
    );
    assert!(subscribe.contains("href=\"https://releases.acme.example/de/groups/customers/feed.xml\""), "{subscribe}");
    // The release page's notes are the translation's body.
    assert!(tree.text("de/releases/payments-4-2/index.html").contains("Anmerkungen zum Release."));

    // Feeds: RSS `<language>`, Atom `xml:lang`, JSON Feed `language`, each with German texts
    // and links under /de/.
    let rss = tree.text("de/groups/customers/feed.xml");
    common::assert_well_formed("de RSS", &rss);
    assert!(rss.contains("<language>de</language>"), "{rss}");
    assert!(rss.contains("<title>Payments 4.2 (deutsch)</title>"), "{rss}");
    assert!(rss.contains("<link>https://releases.acme.example/de/releases/payments-4-2/customers/</link>"), "{rss}");
    assert!(tree.text("groups/customers/feed.xml").contains("<language>en</language>"));
    let atom = tree.text("de/groups/customers/atom.xml");
    common::assert_well_formed("de Atom", &atom);
    assert!(atom.contains("xml:lang=\"de\""), "{atom}");
    let json: serde_json::Value = serde_json::from_str(&tree.text("de/groups/customers/feed.json")).unwrap();
    assert_eq!(json["language"], "de");
    assert_eq!(json["items"][0]["title"], "Payments 4.2 (deutsch)");
    let site_feed = tree.text("de/feed.xml");
    assert!(site_feed.contains("<language>de</language>") && site_feed.contains("Erstattungen kommen sofort an."));
    let product_feed = tree.text("de/products/payments/feed.xml");
    assert!(product_feed.contains("<language>de</language>"), "{product_feed}");
    // The calendar: the window's German title, its link under /de/.
    let calendar = tree.text("de/groups/customers/calendar.ics");
    assert!(calendar.contains("SUMMARY:Wartung: Umstellung (Payments 4.2 (deutsch))"), "{calendar}");
    assert!(calendar.contains("SUMMARY:Payments 4.2 (deutsch) geht live"), "{calendar}");
    assert!(tree.text("groups/customers/calendar.ics").contains("Switch-over"));
    // Categories in the feed's language: the labels' words, and the calendar's kinds.
    assert!(rss.contains("<category>Neu</category>") && !rss.contains("<category>Added</category>"), "{rss}");
    assert!(atom.contains("term=\"Neu\"") && !atom.contains("term=\"Added\""), "{atom}");
    assert_eq!(json["items"][0]["tags"], serde_json::json!(["Payments", "Neu"]));
    assert!(site_feed.contains("<category>Neu</category>"), "{site_feed}");
    assert!(calendar.contains("CATEGORIES:Wartung\r\n") && !calendar.contains("CATEGORIES:Maintenance"), "{calendar}");
    assert!(tree.text("groups/customers/calendar.ics").contains("CATEGORIES:Maintenance\r\n"));
    assert!(tree.text("groups/customers/feed.xml").contains("<category>Added</category>"));
    // Assets are published once, at the root, and every language's pages use them.
    assert!(!tree.has("de/style.css"));
    assert!(communique.contains("href=\"https://releases.acme.example/style.css\""));
    // Each language has its own sitemap, of its own pages.
    let sitemap = tree.text("de/sitemap.xml");
    assert!(sitemap.contains("<loc>https://releases.acme.example/de/releases/payments-4-2/</loc>"), "{sitemap}");
    assert!(!sitemap.contains("<loc>https://releases.acme.example/releases/"), "{sitemap}");
    // The root sitemap, the one search engines are told of, lists every language's pages:
    // the German ones are the English ones under /de/ (sitemaps.org: one `urlset` of
    // absolute URLs under the sitemap's folder).
    let root = tree.text("sitemap.xml");
    common::assert_well_formed("root sitemap", &root);
    let locs: Vec<&str> = root.split("<loc>").skip(1).map(|l| &l[..l.find("</loc>").unwrap()]).collect();
    let (german, english): (Vec<&str>, Vec<&str>) =
        locs.iter().partition(|l| l.starts_with("https://releases.acme.example/de/"));
    assert!(english.contains(&"https://releases.acme.example/releases/payments-4-2/"), "{root}");
    let moved: Vec<String> = english
        .iter()
        .map(|l| l.replacen("https://releases.acme.example/", "https://releases.acme.example/de/", 1))
        .collect();
    assert_eq!(german, moved, "{root}");
    assert_eq!(german.len(), sitemap.matches("<loc>").count(), "the German sitemap's pages, no more\n{sitemap}");
}

/// The theme's English phrases that German pages must not carry: banners, pagination, the
/// catch-up page and its script's words, group and list pages, the brief format's link and
/// the descriptions the build writes.
const ENGLISH_PHRASES: &[&str] = &[
    " communiques</span>",
    "1 communique</span>",
    "In review",
    "planned for",
    "Scheduled for",
    "This is a preview",
    "Newer releases",
    "Older releases",
    "Newer communiques",
    "Older communiques",
    "Page 1 of",
    "page 1 of",
    "Pages of",
    "What changed",
    "you also get everything",
    "calendar or e-mail",
    "Everything in",
    "what to keep in mind",
    "Pick a product",
    "The version you run",
    "Every communique",
    "Show every communique",
    "you are up to date",
    "communiques since",
    "Kinds of change",
    "Every release",
    "Every product",
    "Every stakeholder group",
    "Every way to follow",
    "What each release means",
    "Release communications for",
    "More about this release",
    "In this communique",
    "In this release",
    "No communiques for",
    ">Latest<",
    ">Draft<",
    ">Scheduled<",
    "CATEGORIES:Deadline",
    "<category>Added</category>",
    ">Labels<",
    "aria-label=\"Labels\"",
];

#[test]
fn german_pages_carry_none_of_the_themes_english_phrases() {
    let site = site();
    site.write("site.toml", &format!("{SITE_TOML}paginate_by = 1\n"));
    // Customers read the brief format; enterprise is part of customers (and untranslated).
    site.write(
        "content/stakeholders/customers.md",
        &CUSTOMERS.replace("summary: People who pay us.\n", "template: brief\n"),
    );
    site.write(
        "content/stakeholders/customers.de.md",
        &CUSTOMERS_DE.replace("summary: Menschen, die uns bezahlen.\n", "template: brief\n"),
    );
    site.write("content/stakeholders/enterprise.md", "---\nname: Enterprise\nparent: customers\n---\n");
    let release = |title: &str, version: &str, status: &str, at: &str| {
        format!(
            "---\ntitle: {title}\nproduct: Payments\nversion: \"{version}\"\nstatus: {status}\ndeployed_at: {at}\n\
             summary: Faster.\nfeatures:\n  - title: Speed\n    summary: Quicker.\n    groups: [customers]\n\
             actions:\n  - text: Check it.\n    due: 2026-12-20\n    groups: [customers]\n---\n"
        )
    };
    site.write("content/releases/payments-5-0.md", &release("Payments 5.0", "5.0", "review", "2026-12-01T09:00:00Z"));
    site.write("content/releases/payments-4-3.md", &release("Payments 4.3", "4.3", "approved", "2026-12-10T09:00:00Z"));
    site.write("content/releases/payments-4-1.md", &release("Payments 4.1", "4.1", "approved", "2026-11-01T09:00:00Z"));
    let tree = site.build(&["--drafts", "--future"]);
    let english = tree.text("releases/payments-5-0/index.html");
    assert!(english.contains("In review — planned for"), "the English build still says it\n{english}");
    let group = tree.text("groups/customers/index.html");
    assert!(group.contains("Older communiques") && group.contains("What changed since"), "{group}");
    assert!(group.contains("<title>Customers, page 1 of 4 — Acme releases</title>"), "{group}");
    let mut checked = 0;
    for path in tree.paths().into_iter().filter(|p| p.starts_with("de/")) {
        if !(path.ends_with(".html") || path.ends_with(".xml") || path.ends_with(".ics") || path.ends_with(".json")) {
            continue;
        }
        let text = tree.text(path);
        for phrase in ENGLISH_PHRASES {
            assert!(!text.contains(phrase), "`{phrase}` in {path}\n{text}");
        }
        checked += 1;
    }
    assert!(checked > 20, "{:?}", tree.paths());
    // The German words are there instead, the catch-up script's among them.
    let banner = tree.text("de/releases/payments-5-0/index.html");
    assert!(banner.contains("In Prüfung — geplant für <time"), "{banner}");
    assert!(tree.text("de/releases/payments-4-3/index.html").contains("Geplant für <time"));
    assert!(tree.text("de/groups/customers/calendar.ics").contains("CATEGORIES:Frist\r\n"));
    assert!(tree.text("groups/customers/calendar.ics").contains("CATEGORIES:Deadline\r\n"));
    let group = tree.text("de/groups/customers/index.html");
    assert!(group.contains("Ältere Mitteilungen →") && group.contains("Seite 1 von 4"), "{group}");
    assert!(group.contains("<title>Kunden, Seite 1 von 4 — Acme releases</title>"), "{group}");
    assert!(tree.text("de/groups/enterprise/index.html").contains("Sie erhalten auch alles"));
    let since = tree.text("de/groups/customers/since/index.html");
    assert!(
        since.contains("data-every=\"Alle Mitteilungen zeigen\"")
            && since.contains("data-many=\"{count} Mitteilungen seit {version}.\""),
        "{since}"
    );
    assert!(since.contains("<span class=\"badge badge-draft\">Entwurf</span>"), "{since}");
    assert!(since.contains("<span class=\"badge badge-scheduled\">Geplant</span>"), "{since}");
    let brief = tree.text("de/releases/payments-4-2/customers/index.html");
    assert!(brief.contains("Alles in Payments 4.2 (deutsch): wie, wann und wo"), "{brief}");
    assert!(tree
        .text("de/groups/index.html")
        .contains("content=\"Alle Stakeholder-Gruppen, mit ihrer Seite und ihrem Feed.\""));
}

#[test]
fn a_text_the_translation_leaves_out_is_the_default_languages_with_a_warning() {
    let site = site();
    // No summary, no value for customers, no body.
    let partial = RELEASE_DE
        .replace("summary: Erstattungen kommen sofort an.\n", "")
        .replace("      customers: Ihr Geld noch am selben Tag zurück.\n", "")
        .replace("Anmerkungen zum Release.\n", "");
    site.write("content/releases/payments-4-2.de.md", &partial);
    let run = site.run(&["check"]);
    run.success();
    let lines = run.diagnostics();
    assert_eq!(lines.len(), 3, "{}", run.transcript());
    for (field, line) in [("summary", 2), ("features[0].value.customers", 7), ("body", 1)] {
        let found = lines
            .iter()
            .find(|l| l.contains(&format!("`{field}` is not translated into `de`")))
            .unwrap_or_else(|| panic!("a warning for {field}\n{}", run.transcript()));
        assert!(
            found.starts_with(&format!("content/releases/payments-4-2.de.md:{line}:")),
            "the warning names the file and the place: {found}"
        );
        assert!(found.contains(": warning: ") && found.ends_with("[missing-translation]"), "{found}");
        assert!(found.contains("content/releases/payments-4-2.md"), "it names the text shown instead: {found}");
    }
    // `--strict` makes it fail, as every warning does.
    site.run(&["check", "--strict"]).code_is(1);

    let tree = site.build(&[]);
    let communique = tree.text("de/releases/payments-4-2/customers/index.html");
    assert!(communique.contains("Refunds settle instantly."), "the English summary\n{communique}");
    assert!(communique.contains("Your money back the same day."), "the English value\n{communique}");
    assert!(communique.contains("Sofortige Erstattungen"), "the translated title stays\n{communique}");
    assert!(tree.text("de/releases/payments-4-2/index.html").contains("Notes about the release."));
}

#[test]
fn a_release_without_a_translation_is_shown_in_the_default_language_under_de() {
    let site = site();
    site.remove("content/releases/payments-4-2.de.md");
    let run = site.run(&["check"]);
    run.success();
    assert!(run.diagnostics().is_empty(), "{}", run.transcript());
    let tree = site.build(&[]);
    let page = tree.text("de/releases/payments-4-2/customers/index.html");
    assert!(page.contains("Instant refunds") && page.contains("<h2>Was für Sie neu ist</h2>"), "{page}");
}

/// The `href` of each `<link rel="alternate" hreflang=…>` of a page, by language.
fn alternates(page: &str) -> Vec<(String, String)> {
    page.lines()
        .filter(|l| l.starts_with("<link rel=\"alternate\" hreflang=\""))
        .map(|l| {
            let attr = |name: &str| {
                let at = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                l[at..at + l[at..].find('"').unwrap()].to_string()
            };
            (attr("hreflang"), attr("href"))
        })
        .collect()
}

#[test]
fn pages_link_their_translations_both_ways_and_offer_a_language_switch() {
    let tree = site().build(&[]);
    let base = common::BASE_URL;
    for path in ["", "releases/payments-4-2/", "releases/payments-4-2/customers/", "groups/customers/", "groups/"] {
        let expected = vec![
            ("x-default".to_string(), format!("{base}{path}")),
            ("en".to_string(), format!("{base}{path}")),
            ("de".to_string(), format!("{base}de/{path}")),
        ];
        let english = tree.text(&format!("{path}index.html"));
        let german = tree.text(&format!("de/{path}index.html"));
        assert_eq!(alternates(&english), expected, "{path}index.html");
        assert_eq!(alternates(&german), expected, "de/{path}index.html");
        // The switch: each language by its own name, the current one marked.
        for (page, current) in [(&english, "en"), (&german, "de")] {
            let switch = &page[page.find("<nav class=\"language-switch\"").expect("a language switch")..];
            let switch = &switch[..switch.find("</nav>").unwrap()];
            assert!(switch.contains(&format!("href=\"{base}{path}\" hreflang=\"en\" lang=\"en\"")), "{switch}");
            assert!(switch.contains(">English</a>") && switch.contains(">Deutsch</a>"), "{switch}");
            assert!(switch.contains(&format!("hreflang=\"{current}\" lang=\"{current}\" aria-current=\"true\">")));
        }
    }
}

#[test]
fn a_site_in_one_language_has_no_alternates_and_no_switch() {
    let site = site();
    site.write("site.toml", common::SITE_TOML);
    site.remove("content/releases/payments-4-2.de.md");
    site.remove("content/stakeholders/customers.de.md");
    let tree = site.build(&[]);
    assert!(!tree.paths().iter().any(|p| p.starts_with("de/")));
    let page = tree.text("releases/payments-4-2/customers/index.html");
    assert!(alternates(&page).is_empty() && !page.contains("language-switch"), "{page}");
}

#[test]
fn a_translation_that_changes_anything_but_texts_is_an_error_at_it() {
    let site = site();
    let changed = RELEASE_DE
        .replace("title: Payments 4.2 (deutsch)\n", "title: Payments 4.2 (deutsch)\nstatus: draft\n")
        .replace("    groups: [customers, staff]\n", "    groups: [customers]\n");
    site.write("content/releases/payments-4-2.de.md", &changed);
    site.write("content/stakeholders/staff.de.md", "---\nname: Personal\naudience: public\n---\n");
    let run = site.run(&["check"]);
    run.code_is(1);
    let status = run.diagnostic("content/releases/payments-4-2.de.md:3:");
    assert!(
        status.contains(": error: `status` differs from `content/releases/payments-4-2.md`, where it is `approved`"),
        "{status}"
    );
    assert!(status.ends_with("[translation-differs]"), "{status}");
    let groups = run.diagnostic("content/releases/payments-4-2.de.md:8:");
    assert!(groups.contains("`features[0].groups` differs") && groups.contains("`[customers, staff]`"), "{groups}");
    let audience = run.diagnostic("content/stakeholders/staff.de.md:3:");
    assert!(audience.contains("`audience` differs") && audience.contains("where it is `internal`"), "{audience}");
    // Nothing is built from it.
    site.run(&["build", "--now", NOW]).code_is(1);
    assert!(!site.path("public").exists());
}

#[test]
fn a_translation_without_its_source_or_into_the_default_language_is_an_error() {
    let site = site();
    site.write("content/stakeholders/partners.de.md", CUSTOMERS_DE);
    site.write("content/releases/payments-4-2.en.md", RELEASE);
    let run = site.run(&["check"]);
    run.code_is(1);
    let orphan = run.diagnostic("content/stakeholders/partners.de.md:1:1: error:");
    assert!(orphan.contains("group `partners`") && orphan.ends_with("[translation-without-source]"), "{orphan}");
    let default = run.diagnostic("content/releases/payments-4-2.en.md:1:1: error:");
    assert!(default.contains("`en` is the default language") && default.contains("`payments-4-2.md`"), "{default}");
}

#[test]
fn a_name_ending_in_a_language_the_site_does_not_list_is_what_it_was_with_a_warning() {
    let site = site();
    site.write("content/releases/payments-4-2.fr.md", &RELEASE.replace("Payments 4.2", "Paiements 4.2"));
    let run = site.run(&["check"]);
    run.success();
    let warning = run.diagnostic_coded("unknown-language");
    assert!(warning.starts_with("content/releases/payments-4-2.fr.md:1:1: warning: "), "{warning}");
    assert!(warning.contains("add `fr` to `languages`"), "{warning}");
    // Read as the release `payments-4-2.fr`, as before languages existed.
    let tree = site.build(&[]);
    assert!(tree.text("releases/payments-4-2.fr/index.html").contains("Paiements 4.2"));
}

#[test]
fn bad_languages_say_what_to_type() {
    let site = site();
    for (toml, says) in [
        ("languages = \"de\"", "write `languages = [\"en\", \"de\"]`"),
        ("languages = [\"en\", \"DE\"]", "lowercase, `de`"),
        ("languages = [\"en\", \"deutsch\"]", "such as `de`, `fr` or `pt-br`"),
        ("language = \"de\"\nlanguages = [\"en\", \"de\"]", "write `languages = [\"de\", \"en\"]`"),
    ] {
        site.write("site.toml", &format!("title = \"T\"\nbase_url = \"https://x.example/\"\n{toml}\n"));
        let run = site.run(&["check"]);
        run.code_is(1);
        let line = 3 + toml.lines().count() - 1;
        let found = run.diagnostic(&format!("site.toml:{line}:1: error: "));
        assert!(found.contains(says), "{toml}: {found}");
    }
}

#[test]
fn a_site_changes_the_themes_words_per_language() {
    let site = site();
    site.write("themes/default/i18n/de.toml", "whats_new = \"Neu für Sie\"\n");
    let tree = site.build(&[]);
    let page = tree.text("de/releases/payments-4-2/customers/index.html");
    assert!(page.contains("<h2>Neu für Sie</h2>") && page.contains("<h2>Wie, wann und wo</h2>"), "{page}");
    assert!(tree.text("releases/payments-4-2/customers/index.html").contains("<h2>What's new for you</h2>"));
    site.write("themes/default/i18n/de.toml", "whats_neu = \"Neu für Sie\"\n");
    for command in [&["build", "--now", NOW][..], &["check"]] {
        let run = site.run(command);
        run.code_is(1);
        let found = run.diagnostic("themes/default/i18n/de.toml:1:1: error: ");
        assert!(found.contains("did you mean `whats_new`"), "{found}");
    }
}

#[test]
fn a_groups_language_chooses_the_language_of_its_emails() {
    let site = site();
    site.write(
        "content/stakeholders/customers.md",
        "---\nname: Customers\nsummary: People who pay us.\nemail: customers@acme.example\nlanguage: de\n---\nWho our customers are.\n",
    );
    site.run(&["build", "--now", NOW, "--emails", "mail"]).success();
    let eml = std::fs::read(site.path("mail/payments-4-2/customers.eml")).expect("the group's e-mail");
    let message = mail_parser::MessageParser::default().parse(&eml).expect("an RFC 5322 message");
    let text = message.body_text(0).expect("a text part").to_string();
    assert!(text.contains("Was für Sie neu ist") && text.contains("Sofortige Erstattungen"), "{text}");
    assert!(text.contains("https://releases.acme.example/de/releases/payments-4-2/customers/"), "{text}");
    let html = message.body_html(0).expect("an HTML part").to_string();
    assert!(html.contains("lang=\"de\""), "{html}");

    site.write("content/stakeholders/customers.md", "---\nname: Customers\nlanguage: fr\n---\n");
    let run = site.run(&["check"]);
    run.code_is(1);
    let found = run.diagnostic("content/stakeholders/customers.md:3:");
    assert!(found.contains("`language: fr` is not one of the site's languages (`en`, `de`)"), "{found}");
}

/// The canary fixture with a German translation of every file: the same fields, every
/// text token `CANARY-…` written `KANARIE-…`. Translations of internal-only content must
/// not reach a public build, in German as in English.
fn canary_in_german() -> Site {
    let site = Site::fixture("canary");
    let toml = std::fs::read_to_string(site.path("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}languages = [\"en\", \"de\"]\n"));
    for (rel, bytes) in common::tree(&site.path("content")) {
        let text = String::from_utf8(bytes).unwrap();
        // `product` and `version` are not texts: a translation writes them as they are.
        let german: String = text
            .lines()
            .map(|l| {
                if l.starts_with("product:") || l.starts_with("version:") {
                    l.to_string()
                } else {
                    l.replace("CANARY-", "KANARIE-")
                }
            })
            .map(|l| l + "\n")
            .collect();
        site.write(&format!("content/{}", rel.replace(".md", ".de.md")), &german);
    }
    site
}

#[test]
fn no_translation_of_internal_text_reaches_a_public_build() {
    let site = canary_in_german();
    let run = site.run(&["build", "--now", NOW, "--emails", "mail"]);
    run.success();
    let tree = Tree::read(&site.path("www"));
    let mail = Tree::read(&site.path("mail"));
    assert!(tree.has("de/index.html") && tree.has("de/groups/customers/feed.xml"), "{:?}", tree.paths());
    assert!(tree.text("de/releases/mixed/index.html").contains("lang=\"de\""));
    let mut leaks = Vec::new();
    assert!(tree.has("de/search/bundles.json"), "the German pages have their own search index");
    for (path, bytes) in tree.files.iter().chain(mail.files.iter()) {
        // The search index's parts are gzipped: their words are read unpacked.
        let text = common::unpacked(bytes).to_lowercase();
        for token in ["canary-7f3a", "kanarie-7f3a"] {
            if path.contains(token) || text.contains(token) {
                leaks.push(format!("{token} in {path}"));
            }
        }
    }
    assert!(leaks.is_empty(), "internal text in the public build: {leaks:#?}");
    for id in ["support", "key-accounts"] {
        assert!(!tree.has(&format!("de/groups/{id}/index.html")), "internal group {id} has a public German page");
    }

    // The internal build has the German texts, under /de/ only.
    let internal = site.build(&["--audience", "internal"]);
    let found: Vec<&str> = internal.containing("KANARIE-7f3a-09");
    assert!(!found.is_empty() && found.iter().all(|p| p.starts_with("de/")), "{found:?}");
    assert!(internal.text("de/groups/support/index.html").contains("KANARIE-7f3a-03"));
    // And its German search index finds them.
    let indexed = internal.files.iter().filter(|(p, _)| p.starts_with("de/search/"));
    assert!(indexed.map(|(_, bytes)| common::unpacked(bytes)).any(|t| t.contains("KANARIE-7f3a-09")));
}

#[test]
fn review_shows_per_language_what_lacks_a_translation() {
    let site = site();
    site.write(
        "content/releases/ledger-1-0.md",
        &common::release("Ledger 1.0", "approved", "2026-11-10", &["customers"]),
    );
    let run = site.run(&["review"]);
    run.success();
    let text = &run.stdout;
    let section = &text[text.find("Translations into de").unwrap_or_else(|| panic!("a section for de\n{text}"))..];
    assert!(section.contains("1 of 3 communiques lack a translation"), "{section}");
    assert!(
        section.contains("Ledger 1.0 (ledger-1-0) has no translation: 1 of its communiques (customers)"),
        "{section}"
    );
    assert!(!section.contains("payments-4-2"), "the translated release is not listed\n{section}");
    assert!(section.contains("Groups without a translation: staff"), "{section}");

    let json = site.run(&["review", "--format", "json"]);
    json.success();
    let review: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let de = &review["translations"][0];
    assert_eq!(de["language"], "de");
    assert_eq!(de["communiques_missing"][0]["slug"], "ledger-1-0");
    let markdown = site.run(&["review", "--format", "markdown"]);
    assert!(markdown.stdout.contains("## Translations into de"), "{}", markdown.stdout);

    // A site in one language has no such section.
    site.write("site.toml", common::SITE_TOML);
    site.remove("content/releases/payments-4-2.de.md");
    site.remove("content/stakeholders/customers.de.md");
    assert!(!site.run(&["review"]).stdout.contains("Translations into"));
}

/// A webhook endpoint on 127.0.0.1 that keeps every JSON body posted to it.
fn webhook() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("a port on 127.0.0.1");
    let port = server.server_addr().to_ip().unwrap().port();
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = bodies.clone();
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let mut body = String::new();
            std::io::Read::read_to_string(request.as_reader(), &mut body).unwrap();
            kept.lock().unwrap().push(serde_json::from_str(&body).expect("a JSON payload"));
            let _ = request.respond(tiny_http::Response::from_string("ok"));
        }
    });
    (port, bodies)
}

#[test]
fn a_groups_language_chooses_the_language_of_its_chat_messages() {
    let site = site();
    site.write("site.toml", &format!("{SITE_TOML}[notify]\nledger = \"notified.jsonl\"\n"));
    let chat = "chat:\n  - kind: webhook\n    webhook_env: CUSTOMERS_HOOK\n  - kind: slack\n    webhook_env: CUSTOMERS_SLACK\n";
    site.write(
        "content/stakeholders/customers.md",
        &format!(
            "---\nname: Customers\nsummary: People who pay us.\nlanguage: de\n{chat}---\nWho our customers are.\n"
        ),
    );
    let (port, bodies) = webhook();
    let url = format!("http://127.0.0.1:{port}/hook");
    let run = site.run_with_env(
        &["notify", "--send", "--now", NOW],
        &[("CUSTOMERS_HOOK", url.as_str()), ("CUSTOMERS_SLACK", url.as_str())],
    );
    run.success();
    let bodies = bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2, "{}", run.transcript());
    let hook = bodies.iter().find(|b| b["release"] == "payments-4-2").expect("the webhook's payload");
    assert_eq!(hook["title"], "Payments 4.2 (deutsch)");
    assert_eq!(hook["url"], "https://releases.acme.example/de/releases/payments-4-2/customers/");
    let text = hook["text"].as_str().unwrap();
    assert!(text.contains("Was für Sie neu ist") && text.contains("Sofortige Erstattungen"), "{text}");
    let slack = bodies.iter().find(|b| b["blocks"].is_array()).expect("the Slack payload").to_string();
    assert!(slack.contains("*Was für Sie neu ist*") && slack.contains("*Wie:*"), "{slack}");
    assert!(!slack.contains("What's new"), "{slack}");
}

/// The preview prints its address once the pages are served, and makes the search
/// indexes after: each language's is served once made, and lists that language's shards.
#[test]
fn the_preview_serves_each_languages_search_index_once_made() {
    let preview = preview::Preview::start(preview::sample_site(), &[]);
    for (folder, under) in [("/search/", "/search/"), ("/de/search/", "/de/search/")] {
        let bundles = preview.wait_for(&format!("{folder}bundles.json"), |body| body.starts_with("[\""));
        let bundles: Vec<String> = serde_json::from_str(&bundles).unwrap();
        assert!(!bundles.is_empty() && bundles.iter().all(|b| b.contains(under)), "{bundles:?}");
        let shard = &bundles[0][bundles[0].find(under).unwrap()..];
        let (status, _) = preview.get(&format!("{shard}pagefind-entry.json"));
        assert_eq!(status, 200, "{shard}pagefind-entry.json");
    }
}

#[test]
fn the_preview_serves_each_language_and_rebuilds_an_edited_translation() {
    let preview = preview::Preview::start(preview::sample_site(), &[]);
    let (status, page) = preview.get("/de/releases/payments-4-2/customers/");
    assert_eq!(status, 200);
    assert!(page.contains("<html lang=\"de\">") && page.contains("Was für Sie neu ist"), "{page}");
    let (status, review) = preview.get("/_review/");
    assert_eq!(status, 200);
    let section = &review[review.find("Translations into de").unwrap_or_else(|| panic!("{review}"))..];
    assert!(section.contains("(payments-4-3)") && !section.contains("(payments-4-2)"), "{section}");

    preview.edit("content/releases/payments-4-2/index.de.md", |text| {
        text.replace("title: Sofortige Erstattungen", "title: Erstattungen in Sekunden")
    });
    preview.wait_for("/de/releases/payments-4-2/customers/", |body| body.contains("Erstattungen in Sekunden"));
    let (_, english) = preview.get("/releases/payments-4-2/customers/");
    assert!(english.contains("Instant refunds") && !english.contains("Erstattungen in Sekunden"));
}

#[test]
fn a_hand_written_page_and_a_release_folder_are_translated_beside_their_sources() {
    let site = site();
    site.remove("content/releases/payments-4-2.md");
    site.remove("content/releases/payments-4-2.de.md");
    site.write("content/releases/payments-4-2/index.md", RELEASE);
    site.write("content/releases/payments-4-2/index.de.md", RELEASE_DE);
    site.write(
        "content/releases/payments-4-2/customers.md",
        "---\ntitle: Refunds for you\n---\nA page written for customers.\n",
    );
    site.write(
        "content/releases/payments-4-2/customers.de.md",
        "---\ntitle: Erstattungen für Sie\n---\nEine Seite für Kunden.\n",
    );
    let run = site.run(&["check"]);
    run.success();
    assert!(run.diagnostics().is_empty(), "`index.de.md` and `customers.de.md` are translations\n{}", run.transcript());
    let tree = site.build(&[]);
    assert!(
        !tree.has("releases/payments-4-2/customers.de/index.html")
            && !tree.has("releases/payments-4-2/index.de/index.html")
    );
    let german = tree.text("de/releases/payments-4-2/customers/index.html");
    assert!(german.contains("<h1>Erstattungen für Sie</h1>") && german.contains("Eine Seite für Kunden."), "{german}");
    let english = tree.text("releases/payments-4-2/customers/index.html");
    assert!(english.contains("<h1>Refunds for you</h1>") && english.contains("A page written for customers."));

    // A translated page whose source is missing is an error that names it.
    site.remove("content/releases/payments-4-2/customers.md");
    let run = site.run(&["check"]);
    run.code_is(1);
    let found = run.diagnostic("content/releases/payments-4-2/customers.de.md:1:1: error: ");
    assert!(found.contains("`content/releases/payments-4-2/customers.md`"), "{found}");
}

#[test]
fn a_static_file_where_a_language_is_built_is_reported() {
    let site = site();
    site.write("static/de/index.html", "<p>mine</p>");
    site.write("static/de/groups/customers/feed.xml/x.txt", "x");
    let run = site.run(&["check"]);
    run.code_is(1);
    let page = run.diagnostic("static/de/index.html:1:1: warning: ");
    assert!(
        page.contains("replaces the home page in `de` (`de/index.html`)") && page.ends_with("[static-over-page]"),
        "{page}"
    );
    let folder = run.diagnostic("static/de/groups/customers/feed.xml/x.txt:1:1: error: ");
    assert!(folder.contains("a feed of group `customers` in `de`"), "{folder}");
}

#[test]
fn a_release_translated_twice_into_one_language_is_an_error() {
    let site = site();
    site.write("content/releases/payments-4-2/index.de.md", RELEASE_DE);
    let run = site.run(&["check"]);
    run.code_is(1);
    let found = run.diagnostic_coded("duplicate-slug");
    assert!(found.contains("has another translation into `de`"), "{found}");
}

#[test]
fn the_preview_reads_file_names_again_when_the_languages_change() {
    let dir = preview::sample_site();
    let toml = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
    let without = toml.lines().filter(|l| !l.starts_with("languages")).collect::<Vec<_>>().join("\n");
    std::fs::write(dir.path().join("site.toml"), &without).unwrap();
    std::fs::remove_file(dir.path().join("content/releases/payments-4-2/index.de.md")).unwrap();
    let preview = preview::Preview::start(dir, &[]);
    // Without `de` in `languages`, `customers.de.md` is a group of its own.
    let (status, _) = preview.get("/groups/customers.de/");
    assert_eq!(status, 200);
    preview.edit("site.toml", |text| format!("languages = [\"en\", \"de\"]\n{text}"));
    preview.wait_for("/de/groups/customers/", |body| body.contains("<h1>Händler</h1>"));
    assert_eq!(preview.get("/groups/customers.de/").0, 404);
}

/// The approval record of `RELEASE` as the version before translations counted wrote it,
/// for a site in one language.
const RECORD_WITHOUT_TRANSLATIONS: &str = "approved_by: \"Dana Ops\"\napproved_at: \"2026-11-21T07:30:00Z\"\n\
     approved_fingerprint: \"v1 customers=eafdb8e1f4c7ba7b staff=2e45aa797c1becd4\"\n";

#[test]
fn editing_a_translation_after_the_approval_makes_it_stale() {
    let site = site();
    site.run(&["approve", "payments-4-2", "--by", "Dana Ops", "--now", "2026-11-21T07:30:00Z"]).success();
    site.run(&["check"]).success();
    let fingerprint = std::fs::read_to_string(site.path("content/releases/payments-4-2.md")).unwrap();
    assert!(fingerprint.contains("approved_fingerprint: \"v1 customers="), "{fingerprint}");
    // The German value for customers changes: their approval is stale, the staff's is not.
    let edited = RELEASE_DE.replace("Ihr Geld noch am selben Tag zurück.", "Ihr Geld in einer Woche zurück.");
    site.write("content/releases/payments-4-2.de.md", &edited);
    let run = site.run(&["check"]);
    run.code_is(1);
    let d = run.diagnostic_coded("stale-approval");
    assert!(d.starts_with("content/releases/payments-4-2.md:"), "{d}");
    assert!(d.contains("`customers`") && !d.contains("`staff`"), "{d}");
    site.run(&["build", "--now", NOW]).code_is(1);
    // Approved again, it holds.
    site.run(&["approve", "payments-4-2", "--by", "Dana Ops", "--now", "2026-11-22T07:30:00Z"]).success();
    site.run(&["check"]).success();
    // A translation added after the approval is a text nobody approved either.
    site.write("content/stakeholders/staff.de.md", "---\nname: Personal\naudience: internal\n---\n");
    site.run(&["check"]).success();
    site.remove("content/releases/payments-4-2.de.md");
    site.run(&["check"]).code_is(1).diagnostic_coded("stale-approval");
}

#[test]
fn approvals_recorded_before_translations_counted_still_hold() {
    let approved = RELEASE.replacen("---\n", &format!("---\n{RECORD_WITHOUT_TRANSLATIONS}"), 1);
    // A site in one language, and a site in two whose release has no translation.
    for site_toml in [common::SITE_TOML, SITE_TOML] {
        let site = Site::new(&[
            ("site.toml", site_toml),
            ("content/stakeholders/customers.md", CUSTOMERS),
            ("content/stakeholders/staff.md", STAFF),
            ("content/releases/payments-4-2.md", &approved),
        ]);
        let run = site.run(&["check"]);
        run.success();
        assert!(!run.transcript().contains("stale-approval"), "{}", run.transcript());
        // The record is the one `approve` writes today.
        site.run(&["approve", "payments-4-2", "--by", "Dana Ops", "--now", "2026-11-21T07:30:00Z"]).success();
        let text = std::fs::read_to_string(site.path("content/releases/payments-4-2.md")).unwrap();
        assert!(text.contains(RECORD_WITHOUT_TRANSLATIONS), "{text}");
    }
}
