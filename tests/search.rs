//! Search (SPEC §13): every build writes a static index of the communiques it shows,
//! and every page has a search box that works from the built files alone, served by a
//! plain static file server. A public build's index holds public communiques only
//! (SPEC §5): an internal-only word is in no file of the public output, index included.

mod common;
mod driver;
mod static_host;

use common::{group, release, unpacked, Site, Tree, SITE_TOML};
use driver::{Driver, Scheme};
use serde_json::{json, Value};
use static_host::StaticHost;

/// A word only the internal group's communique has.
const INTERNAL_WORD: &str = "quokkabrine";

/// Two public groups and an internal one; two products; a word ("zeppelin") in a
/// communique of each public group, and [`INTERNAL_WORD`] in the internal one's.
fn site() -> Site {
    Site::new(&[
        ("site.toml", SITE_TOML),
        ("content/stakeholders/customers.md", &group("Customers", "")),
        ("content/stakeholders/partners.md", &group("Partners", "")),
        ("content/stakeholders/support.md", &group("Support", "audience: internal\n")),
        ("content/releases/refunds.md", &release("Zeppelin refunds", "approved", "2026-11-01", &["customers"])),
        (
            "content/releases/payouts.md",
            &release("Zeppelin payouts", "approved", "2026-11-02", &["partners"])
                .replace("product: Payments", "product: Ledger"),
        ),
        ("content/releases/tooling.md", &release("Quokkabrine tooling", "approved", "2026-11-03", &["support"])),
    ])
}

/// The text of every file of the search index, its gzipped parts unpacked (Pagefind
/// gzips them; a search of the raw bytes would find nothing in them).
fn index_texts(tree: &Tree) -> Vec<(String, String)> {
    tree.files
        .iter()
        .filter(|(path, _)| path.starts_with("search/"))
        .map(|(path, bytes)| (path.clone(), unpacked(bytes)))
        .collect()
}

/// The folders of the index's shards (`search/<id>/`), as its list of bundles names them.
fn shard_folders(tree: &Tree) -> Vec<String> {
    let bundles: Vec<String> = serde_json::from_str(&tree.text("search/bundles.json")).unwrap();
    bundles
        .iter()
        .map(|url| format!("search/{}", url.split("/search/").nth(1).unwrap_or_else(|| panic!("{url}"))))
        .collect()
}

/// The communiques the index holds: one fragment each, naming its page.
fn indexed_urls(tree: &Tree) -> Vec<String> {
    common::search_fragments(tree, "search/").iter().map(|f| f["url"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_index_exists_and_holds_the_public_communiques_only() {
    let site = site();
    let public = site.build(&[]);
    let shards = shard_folders(&public);
    assert_eq!(shards.len(), 1, "a small site has one shard: {shards:?}");
    let shard = &shards[0];
    for file in [
        "search/bundles.json".to_string(),
        "search/pagefind-ui.js".to_string(),
        "search/pagefind-ui.css".to_string(),
        format!("{shard}pagefind.js"),
        format!("{shard}pagefind-entry.json"),
        format!("{shard}key.txt"),
    ] {
        assert!(public.has(&file), "{file} in the public build");
    }
    assert_eq!(
        indexed_urls(&public),
        [
            "https://releases.acme.example/releases/payouts/partners/",
            "https://releases.acme.example/releases/refunds/customers/",
        ]
    );
    let texts = index_texts(&public);
    assert!(texts.iter().any(|(_, text)| text.contains("Zeppelin refunds feature")), "the index holds the text");
    let leaks: Vec<&String> =
        texts.iter().filter(|(_, t)| t.to_lowercase().contains(INTERNAL_WORD)).map(|(p, _)| p).collect();
    assert!(leaks.is_empty(), "internal text in the public index: {leaks:?}");
    // Every page links the search box to the index.
    let home = public.text("index.html");
    assert!(home.contains("https://releases.acme.example/search/pagefind-ui.js"), "{home}");
    assert!(home.contains("for=\"site-search-input\""), "the box has a label");

    // The internal build indexes everything it shows.
    let internal = site.build(&["--audience", "internal"]);
    assert_eq!(indexed_urls(&internal).len(), 3, "{:?}", indexed_urls(&internal));
    assert!(index_texts(&internal).iter().any(|(_, t)| t.to_lowercase().contains(INTERNAL_WORD)));
}

#[test]
fn drafts_are_in_the_preview_index_as_they_are_in_its_pages_and_not_in_a_build() {
    let site = site();
    site.write("content/releases/draft.md", &release("Zeppelin drafts", "draft", "2026-11-04", &["customers"]));
    let built = site.build(&[]);
    assert!(!indexed_urls(&built).iter().any(|u| u.contains("/draft/")), "{:?}", indexed_urls(&built));
    let drafts = site.build(&["--drafts", "--output", "with-drafts"]);
    assert!(
        indexed_urls(&drafts).iter().any(|u| u.ends_with("/releases/draft/customers/")),
        "{:?}",
        indexed_urls(&drafts)
    );
}

#[test]
fn the_same_site_gives_the_same_index() {
    let site = site();
    let first = site.build(&[]);
    let second = site.build(&["--output", "again"]);
    assert_eq!(index_texts(&first), index_texts(&second));
}

/// Builds `site` for `audience` to be served at a free port on 127.0.0.1; returns the
/// server and the build.
fn serve(site: &Site, audience: &str) -> (StaticHost, Tree) {
    let out = format!("served-{audience}");
    // The host reads the folder on each request: it can start before the build, which
    // needs its address for `--base-url`.
    let host = StaticHost::start(site.path(&out));
    let tree = site.build(&["--audience", audience, "--base-url", &host.url, "--output", &out]);
    (host, tree)
}

/// Types `word` into the search box of the page at `url`; returns the result links
/// once the search has finished (results shown, or Pagefind's "no results" message).
fn search(driver: &Driver, url: &str, word: &str) -> Vec<String> {
    driver.open(url);
    driver.type_into("#site-search-input", word);
    driver.wait_for(
        &format!("the search for {word} finishes"),
        "const m = document.querySelector('.pagefind-ui__message'); return m ? m.textContent : null",
        // "Searching for word...", "word wird gesucht …": while searching, in each language.
        |v| v.as_str().is_some_and(|m| !m.is_empty() && !m.ends_with("...") && !m.ends_with('…')),
    );
    // "2 results for …", "No results for …" ("2 Ergebnisse für …", "Keine Ergebnisse für …"):
    // the results themselves load after the count.
    let message = driver.script("return document.querySelector('.pagefind-ui__message').textContent");
    let first = message.as_str().unwrap().split(' ').next().unwrap();
    // German says one result in words ("Ein Ergebnis für …").
    let count: usize = if first == "Ein" { 1 } else { first.parse().unwrap_or(0) };
    driver.wait_for(
        &format!("the {count} results for {word} show"),
        "return document.querySelectorAll('.pagefind-ui__result-link').length",
        |v| v == &json!(count),
    );
    result_links(driver)
}

fn result_links(driver: &Driver) -> Vec<String> {
    let links = driver.script(
        "return [...document.querySelectorAll('.pagefind-ui__result-link')].map(a => a.getAttribute('href')).sort()",
    );
    links.as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect()
}

#[test]
fn typing_a_word_finds_the_communique_that_has_it() {
    let Some(driver) = Driver::start() else { return };
    let site = site();
    let (server, _) = serve(&site, "public");
    let found = search(&driver, &server.url, "refunds");
    assert_eq!(found, [format!("{}releases/refunds/customers/", server.url)]);
    // From any page, not only the home page.
    let found = search(&driver, &format!("{}releases/payouts/partners/", server.url), "payouts");
    assert_eq!(found, [format!("{}releases/payouts/partners/", server.url)]);
    // Following a result opens the communique.
    driver.click(".pagefind-ui__result-link");
    driver.wait_for("the communique opens", "return document.location.pathname", |v| {
        v == &json!("/releases/payouts/partners/")
    });
}

#[test]
fn an_internal_word_finds_nothing_in_the_public_build_and_is_in_no_file_of_it() {
    let Some(driver) = Driver::start() else { return };
    let site = site();
    let (server, public) = serve(&site, "public");
    assert_eq!(search(&driver, &server.url, INTERNAL_WORD), Vec::<String>::new());
    let message = driver.script("return document.querySelector('.pagefind-ui__message').textContent");
    assert!(message.as_str().unwrap().contains("No results"), "{message}");
    let in_files: Vec<&String> = public
        .files
        .iter()
        .filter(|(_, bytes)| unpacked(bytes).to_lowercase().contains(INTERNAL_WORD))
        .map(|(path, _)| path)
        .collect();
    assert!(in_files.is_empty(), "{INTERNAL_WORD} in the public build: {in_files:?}");
    drop(server);
    // The internal build finds it: the word is searchable where it may be shown.
    let (server, _) = serve(&site, "internal");
    assert_eq!(search(&driver, &server.url, INTERNAL_WORD), [format!("{}releases/tooling/support/", server.url)]);
}

#[test]
fn filtering_by_group_and_by_product_narrows_the_results() {
    let Some(driver) = Driver::start() else { return };
    let site = site();
    let (server, _) = serve(&site, "public");
    let both =
        [format!("{}releases/payouts/partners/", server.url), format!("{}releases/refunds/customers/", server.url)];
    assert_eq!(search(&driver, &server.url, "zeppelin"), both);
    // The filter panels fold on narrow windows: open them as a person would.
    driver.script(
        "document.querySelectorAll('details.pagefind-ui__filter-block').forEach(d => d.open = true); return true",
    );
    driver.click("input[type=checkbox][id='Group-Partners']");
    let only = driver.wait_for(
        "the group filter applies",
        "return document.querySelectorAll('.pagefind-ui__result-link').length",
        |v| v == &json!(1),
    );
    assert_eq!(only, json!(1));
    assert_eq!(result_links(&driver), [both[0].clone()]);
    driver.click("input[type=checkbox][id='Group-Partners']");
    driver.wait_for("all results again", "return document.querySelectorAll('.pagefind-ui__result-link').length", |v| {
        v == &json!(2)
    });
    driver.click("input[type=checkbox][id='Product-Payments']");
    driver.wait_for(
        "the product filter applies",
        "return document.querySelectorAll('.pagefind-ui__result-link').length",
        |v| v == &json!(1),
    );
    assert_eq!(result_links(&driver), [both[1].clone()]);
}

/// [`site`] with one release a shard: a small site's index in several shards.
fn sharded_site() -> Site {
    let site = site();
    site.write("site.toml", &format!("{SITE_TOML}\n[search]\nreleases_per_shard = 1\n"));
    site
}

/// The shard folder whose fragments hold the communique at `url`.
fn shard_of(tree: &Tree, url: &str) -> String {
    let texts = index_texts(tree);
    let (path, _) = texts
        .iter()
        .find(|(path, text)| {
            path.ends_with(".pf_fragment")
                && text
                    .strip_prefix("pagefind_dcd")
                    .and_then(|json| serde_json::from_str::<Value>(json).ok())
                    .is_some_and(|fragment| fragment["url"] == json!(url))
        })
        .unwrap_or_else(|| panic!("{url} is indexed"));
    path.split("/fragment/").next().unwrap().to_string()
}

#[test]
fn words_of_two_shards_are_found_and_filtered_together() {
    let Some(driver) = Driver::start() else { return };
    let site = sharded_site();
    let (server, public) = serve(&site, "public");
    let payouts = format!("{}releases/payouts/partners/", server.url);
    let refunds = format!("{}releases/refunds/customers/", server.url);
    // Each release in its own shard, each shard in the list the box merges.
    let shards = shard_folders(&public);
    assert_eq!(shards.len(), 2, "{shards:?}");
    let (a, b) = (shard_of(&public, &payouts), shard_of(&public, &refunds));
    assert_ne!(a, b, "the two communiques are in two shards");
    assert!(shards.iter().any(|s| s.trim_end_matches('/') == a) && shards.iter().any(|s| s.trim_end_matches('/') == b));
    // A word of each shard, then a word of both.
    assert_eq!(search(&driver, &server.url, "payouts"), std::slice::from_ref(&payouts));
    assert_eq!(search(&driver, &server.url, "refunds"), std::slice::from_ref(&refunds));
    assert_eq!(search(&driver, &server.url, "zeppelin"), [payouts.clone(), refunds.clone()]);
    // The filters span the shards: each one leaves the other shard's result out.
    driver.script(
        "document.querySelectorAll('details.pagefind-ui__filter-block').forEach(d => d.open = true); return true",
    );
    let results = "return document.querySelectorAll('.pagefind-ui__result-link').length";
    driver.click("input[type=checkbox][id='Group-Partners']");
    driver.wait_for("the group filter applies", results, |v| v == &json!(1));
    assert_eq!(result_links(&driver), std::slice::from_ref(&payouts));
    driver.click("input[type=checkbox][id='Group-Partners']");
    driver.wait_for("all results again", results, |v| v == &json!(2));
    driver.click("input[type=checkbox][id='Product-Payments']");
    driver.wait_for("the product filter applies", results, |v| v == &json!(1));
    assert_eq!(result_links(&driver), [refunds]);
}

#[test]
fn a_build_into_the_previous_output_keeps_the_shards_an_edit_did_not_touch() {
    let site = sharded_site();
    let first = site.build(&[]);
    let shards = shard_folders(&first);
    assert_eq!(shards.len(), 2, "{shards:?}");
    let key = |tree: &Tree, release: &str| {
        let shard = shard_of(tree, &format!("https://releases.acme.example/releases/{release}/"));
        tree.text(&format!("{shard}/key.txt"))
    };
    site.write(
        "content/releases/refunds.md",
        &release("Zeppelin refunds", "approved", "2026-11-01", &["customers"])
            .replace("refunds feature", "refunds wombat feature"),
    );
    let second = site.build(&[]);
    assert_eq!(shard_folders(&second), shards, "the same shards");
    assert_eq!(key(&second, "payouts/partners"), key(&first, "payouts/partners"), "the other shard is kept");
    assert_ne!(key(&second, "refunds/customers"), key(&first, "refunds/customers"), "the edited one is made again");
    assert!(index_texts(&second).iter().any(|(_, t)| t.contains("wombat")), "with the edit");
    // Byte for byte what a build into a new folder writes.
    let fresh = site.build(&["--output", "fresh"]);
    assert_eq!(index_texts(&second), index_texts(&fresh));
    // A release added on a later date starts no new shard but its own, and changes no other.
    site.write("content/releases/later.md", &release("Zeppelin later", "approved", "2026-11-05", &["customers"]));
    let third = site.build(&[]);
    let third_shards = shard_folders(&third);
    assert_eq!(third_shards.len(), 3, "{third_shards:?}");
    assert!(shards.iter().all(|s| third_shards.contains(s)), "{shards:?} in {third_shards:?}");
    let fresh = site.build(&["--output", "fresh-again"]);
    assert_eq!(index_texts(&third), index_texts(&fresh));
}

#[test]
fn a_shard_size_of_zero_is_refused_with_the_fix() {
    let site = site();
    site.write("site.toml", &format!("{SITE_TOML}\n[search]\nreleases_per_shard = 0\n"));
    let check = site.run(&["check", "--now", common::NOW]);
    check.code_is(1);
    let line = check.diagnostic("site.toml:");
    assert!(line.contains("releases_per_shard = 250") && line.contains("[invalid-value]"), "{line}");
}

#[test]
fn the_search_box_fits_a_phone_has_a_label_and_follows_dark_mode() {
    let Some(driver) = Driver::start() else { return };
    let site = site();
    let (server, _) = serve(&site, "public");
    driver.viewport(390, 844, true);
    search(&driver, &server.url, "zeppelin");
    let width = driver.script("return [document.documentElement.scrollWidth, window.innerWidth]");
    let (scroll, inner) = (width[0].as_i64().unwrap(), width[1].as_i64().unwrap());
    assert!(scroll <= inner, "the page scrolls sideways at 390 px: {scroll} > {inner}");
    // The box's accessible name comes from its label, and the keyboard reaches it.
    let label = driver.script("const i = document.getElementById('site-search-input'); return i.labels.length ? i.labels[0].textContent : null");
    assert_eq!(label, json!("Search communiques"));
    driver.script("document.querySelector('.skip-link').focus(); return true");
    let tab = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
        {"type": "keyDown", "value": "\u{E004}"}, {"type": "keyUp", "value": "\u{E004}"}]}]});
    let focused = "return document.activeElement && document.activeElement.id";
    let mut presses = 0;
    while driver.script(focused) != json!("site-search-input") {
        presses += 1;
        let at = driver.script("const a = document.activeElement; return a ? a.outerHTML.slice(0, 80) : null");
        assert!(presses <= 8, "Tab does not reach the search box after the site's navigation: at {at}");
        driver.command("actions", tab.clone());
    }
    // Dark mode: the box takes the page's colours.
    let colour = "return getComputedStyle(document.getElementById('site-search-input')).backgroundColor";
    let light = driver.script(colour);
    driver.color_scheme(Scheme::Dark);
    let dark = driver.script(colour);
    let page = driver.script("return getComputedStyle(document.body).backgroundColor");
    assert_ne!(light, dark, "the search box changes with dark mode");
    assert_eq!(dark, page, "the search box has the page's dark background");
}

#[test]
fn markup_in_a_communique_is_text_in_the_search_results() {
    let Some(driver) = Driver::start() else { return };
    let site = site();
    site.write(
        "content/releases/hostile.md",
        "---\ntitle: Wombat <img src=x onerror=\"window.__ran=1\"> release\nproduct: Payments\nstatus: approved\n\
         deployed_at: 2026-11-05\nsummary: Wombat <img src=y onerror=\"window.__ran=2\"> and <script>window.__ran=3</script> here.\n\
         features:\n  - title: Wombat <b>bold</b> feature\n    groups: [customers]\n---\n",
    );
    let (server, _) = serve(&site, "public");
    let found = search(&driver, &server.url, "wombat");
    assert_eq!(found, [format!("{}releases/hostile/customers/", server.url)]);
    let injected = driver.script(
        "const r = document.querySelector('.pagefind-ui__results'); \
         return [window.__ran || 0, r.querySelectorAll('img, script, b').length, r.textContent]",
    );
    assert_eq!(injected[0], json!(0), "a script ran: {injected}");
    assert_eq!(injected[1], json!(0), "markup from the communique became elements: {injected}");
    assert!(injected[2].as_str().unwrap().contains("<img src=y"), "the markup shows as text: {injected}");
}

#[test]
fn the_search_folder_is_the_builds_own() {
    let site = site();
    site.write("static/search/0123456789abcdef/fragment", "a file where the index has a folder");
    let check = site.run(&["check", "--now", common::NOW]);
    check.code_is(1);
    let line = check.diagnostic("static/search/0123456789abcdef/fragment:1:1: error: ");
    assert!(line.contains("the search index") && line.contains("[output-collision]"), "{line}");
    site.remove("static/search/0123456789abcdef/fragment");
    // A file of the index's own name replaces it, as a page of one's own does: told.
    site.write("static/search/pagefind-ui.css", ".pagefind-ui { color: red }");
    let check = site.run(&["check", "--now", common::NOW]);
    check.success();
    let line = check.diagnostic("static/search/pagefind-ui.css:1:1: warning: ");
    assert!(line.contains("[static-over-page]"), "{line}");
    assert_eq!(site.build(&[]).text("search/pagefind-ui.css"), ".pagefind-ui { color: red }");
}

/// The preview shows a rebuild's pages before its index is made: until
/// `finish_deferred`, the output keeps the last index as it was; then it holds what a
/// full build writes, byte for byte.
#[test]
fn the_preview_shows_an_edit_before_indexing_it_and_then_indexes_it_as_a_build_does() {
    use communique::build::{self, Request, Session};
    let site = sharded_site();
    let out = site.path("preview");
    let request = |output: std::path::PathBuf| Request {
        root: site.root(),
        output: Some(output),
        base_url: Some("http://127.0.0.1:1/".into()),
        mode: communique::select::Mode::Preview,
        audience: communique::model::Audience::Public,
        now: common::NOW.parse().unwrap(),
        emails: None,
        keep_sources: true,
    };
    let search_files = |dir: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        common::tree(dir).into_iter().filter(|(path, _)| path.starts_with("search/")).collect()
    };
    let mut session = Session::default();
    build::rebuild(&request(out.clone()), &mut session).unwrap();
    let before = search_files(&out);
    assert!(before.iter().any(|(path, _)| path.ends_with(".pf_fragment")), "the first build is indexed");

    site.write(
        "content/releases/refunds.md",
        &release("Zeppelin refunds", "approved", "2026-11-01", &["customers"])
            .replace("refunds feature", "wombat feature"),
    );
    session.files.changed(site.root(), "content/releases/refunds.md");
    build::rebuild_before_search(&request(out.clone()), &mut session).unwrap();
    let page = std::fs::read_to_string(out.join("releases/refunds/customers/index.html")).unwrap();
    assert!(page.contains("wombat"), "the page shows the edit");
    assert_eq!(search_files(&out), before, "the last index, as it was, until the new one is made");

    build::finish_deferred(&out, &mut session, || ()).unwrap();
    let full = site.path("full");
    build::build(&request(full.clone())).unwrap();
    assert_eq!(search_files(&out), search_files(&full), "then the index a full build writes");
    assert!(search_files(&out).iter().any(|(_, bytes)| unpacked(bytes).contains("wombat")));
    // Nothing is left to do, and doing it again changes nothing.
    build::finish_deferred(&out, &mut session, || ()).unwrap();
    assert_eq!(search_files(&out), search_files(&full));
}

#[test]
fn a_german_page_searches_the_german_index_and_finds_german_words() {
    let Some(driver) = Driver::start() else { return };
    let site = site();
    site.write("site.toml", &format!("{SITE_TOML}languages = [\"en\", \"de\"]\n"));
    let german = release("Zeppelin Erstattungen", "approved", "2026-11-01", &["customers"])
        .replace("Worth it for customers.", "Ihr Geld am selben Tag zurück.");
    site.write("content/releases/refunds.de.md", &german);
    let (server, _) = serve(&site, "public");
    let found = search(&driver, &format!("{}de/", server.url), "Geld");
    assert_eq!(found, [format!("{}de/releases/refunds/customers/", server.url)]);
    // Pagefind's own words follow the page's language.
    let message = driver.script("return document.querySelector('.pagefind-ui__message').textContent");
    assert!(message.as_str().unwrap().contains("Ergebnis"), "{message}");
    // The English pages search the English index, which has no German words.
    assert_eq!(search(&driver, &server.url, "Geld"), Vec::<String>::new());
}
