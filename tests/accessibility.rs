//! Accessibility of every page type the built-in theme makes, in a real headless
//! Chromium (SPEC §11): axe-core finds no serious or critical violation, in the light and
//! the dark colour scheme, at a desktop width and at 390 px; and at 390 px no page
//! scrolls sideways. The preview's `/_review/` page and its error overlay included.
//!
//! axe-core is read from `target/axe-core/package/axe.min.js` (or `$COMMUNIQUE_AXE_CORE`),
//! which `scripts/test.sh` fetches from the npm registry. Without it, or without the
//! browser, the test fails; COMMUNIQUE_SKIP_BROWSER=1 skips it. The review page's filters
//! are checked here too, in the same browser.

mod driver;
mod preview;

use driver::{Driver, Scheme};
use preview::{fixture_site, sample_site, Preview};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Which preview a page is looked at in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Site {
    /// The repository's sample site, three releases a page so that lists have a page 2.
    Sample,
    /// `tests/fixtures/review`: warnings, unreached groups, every status.
    Review,
}

/// Every page type, one line each: (what it is, which site, path under the preview's URL).
const PAGES: &[(&str, Site, &str)] = &[
    ("home", Site::Sample, ""),
    ("release list", Site::Sample, "releases/"),
    ("release list, page 2", Site::Sample, "releases/page/2/"),
    ("release", Site::Sample, "releases/payments-4-2/"),
    ("release in review", Site::Sample, "releases/payments-4-3/"),
    ("groups", Site::Sample, "groups/"),
    ("group", Site::Sample, "groups/customers/"),
    ("communique", Site::Sample, "releases/payments-4-2/customers/"),
    ("draft communique", Site::Sample, "releases/payouts-3-1/customers/"),
    ("brief communique", Site::Sample, "releases/payouts-3-0/sales/"),
    ("group subscribe", Site::Sample, "groups/customers/subscribe/"),
    ("product subscribe", Site::Sample, "products/payments-api/subscribe/"),
    ("site subscribe", Site::Sample, "subscribe/"),
    ("catch-up", Site::Sample, "groups/customers/since/"),
    ("products", Site::Sample, "products/"),
    ("product", Site::Sample, "products/payments-api/"),
    ("not found", Site::Sample, "no-such-page/"),
    ("German communique", Site::Sample, "de/releases/payments-4-2/customers/"),
    ("German group", Site::Sample, "de/groups/customers/"),
    ("review", Site::Sample, "_review/"),
    ("review with warnings", Site::Review, "_review/"),
];

/// The widths each page is looked at: (CSS pixels, as a phone).
const WIDTHS: &[(u32, bool)] = &[(1280, false), (390, true)];

const SCHEMES: &[Scheme] = &[Scheme::Light, Scheme::Dark];

fn axe_source() -> String {
    let path = std::env::var("COMMUNIQUE_AXE_CORE")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/target/axe-core/package/axe.min.js").to_string());
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("cannot read axe-core at {path} ({e}): run scripts/test.sh, which fetches it, or set COMMUNIQUE_SKIP_BROWSER=1")
    })
}

/// Runs axe-core on the open page; returns its serious and critical violations, one line each.
fn serious_violations(driver: &Driver, axe: &str) -> Vec<String> {
    let loaded = driver.command(
        "execute/sync",
        json!({
            "script": "var s = document.createElement('script'); s.textContent = arguments[0]; document.head.appendChild(s); return typeof axe;",
            "args": [axe],
        }),
    );
    assert_eq!(loaded, json!("object"), "axe-core loads in the page");
    let found = driver.script_async(
        r#"var done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ["violations"] }).then(function (r) {
          done(r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; })
            .map(function (v) {
              return v.id + " (" + v.impact + "): " + v.help + " at " + v.nodes.slice(0, 4).map(function (n) {
                return n.target.join(" ") + " [" + (n.failureSummary || "").replace(/\s+/g, " ") + "]";
              }).join("; ");
            }));
        }, function (e) { done(["axe-core failed: " + e]); });"#,
    );
    found.as_array().expect("a list of violations").iter().map(|v| v.as_str().unwrap_or("?").to_string()).collect()
}

/// `Some(description)` when the open page is wider than the viewport.
fn sideways_scroll(driver: &Driver) -> Option<String> {
    let sizes = driver.script(
        "var e = document.documentElement; var wide = Array.prototype.filter.call(document.querySelectorAll('body *'), function (n) { var r = n.getBoundingClientRect(); return r.right > e.clientWidth + 1; }).slice(0, 3).map(function (n) { return n.tagName.toLowerCase() + (n.className ? '.' + String(n.className).split(' ').join('.') : ''); }); return [e.scrollWidth, e.clientWidth, wide.join(', ')];",
    );
    let (scroll, client) = (sizes[0].as_u64().unwrap_or(u64::MAX), sizes[1].as_u64().unwrap_or(0));
    (scroll > client).then(|| format!("scrolls sideways: {scroll} px of content in {client} px ({})", sizes[2]))
}

/// Looks at the open page in every scheme and width; adds what is wrong to `problems`.
fn look(driver: &Driver, axe: &str, name: &str, url: &str, problems: &mut Vec<String>) {
    for &scheme in SCHEMES {
        for &(width, mobile) in WIDTHS {
            driver.color_scheme(scheme);
            driver.viewport(width, 900, mobile);
            driver.open(url);
            let place = format!("{name} ({url}, {}, {width} px)", scheme.as_str());
            for violation in serious_violations(driver, axe) {
                problems.push(format!("{place}: {violation}"));
            }
            if mobile {
                // The emulated phone must really be `width` wide, or the check below proves nothing.
                let client = driver.script("return document.documentElement.clientWidth");
                assert_eq!(client, json!(width), "{place}: the viewport is {width} px wide");
                if let Some(scroll) = sideways_scroll(driver) {
                    problems.push(format!("{place}: {scroll}"));
                }
            }
        }
    }
}

#[test]
fn every_page_type_passes_axe_in_light_and_dark_without_sideways_scroll() {
    let Some(driver) = Driver::start() else { return };
    let axe = axe_source();
    let sample = sample_site();
    let config = sample.path().join("site.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, toml.replacen("paginate_by = 10", "paginate_by = 3", 1)).unwrap();
    let sample = Preview::start(sample, &[]);
    let review = Preview::start(fixture_site("review"), &[]);

    let mut problems = Vec::new();
    for (name, site, path) in PAGES {
        let preview = if *site == Site::Sample { &sample } else { &review };
        let (status, _) = preview.get(path);
        assert!(status == 200 || (status == 404 && *name == "not found"), "{name}: {path} answers {status}");
        look(&driver, &axe, name, &format!("{}{path}", preview.url), &mut problems);
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_error_overlay_passes_axe_in_light_and_dark_without_sideways_scroll() {
    let Some(driver) = Driver::start() else { return };
    let axe = axe_source();
    let preview = Preview::start(sample_site(), &[]);
    preview.edit("content/releases/payments-4-2/index.md", |t| t.replacen("status: approved", "status: aproved", 1));
    let page = "releases/payments-4-2/customers/";
    preview.wait_for(page, |body| body.contains("communique-errors"));

    let mut problems = Vec::new();
    for (name, path) in [("error overlay on a communique", page), ("error overlay on the review", "_review/")] {
        let url = format!("{}{path}", preview.url);
        driver.open(&url);
        let start = Instant::now();
        while driver.script("return !!document.getElementById('communique-errors')") != json!(true) {
            assert!(start.elapsed() < Duration::from_secs(20), "the overlay shows on {url}");
            std::thread::sleep(Duration::from_millis(50));
        }
        look(&driver, &axe, name, &url, &mut problems);
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

/// Not accessibility, but the same browser: `/_review/`'s filters (a small script) show only
/// the rows asked for, and without the script every row shows.
#[test]
fn the_review_filters_by_status_group_and_product() {
    let review = Preview::start(fixture_site("review"), &[]);
    // Without JavaScript: the form stays hidden and every communique is listed.
    let (_, html) = review.get("_review/");
    assert!(html.contains("<form class=\"filters\" id=\"review-filters\" hidden"), "{html}");
    assert_eq!(html.matches("<tr data-group=").count(), 9, "every communique has a row");
    let Some(driver) = Driver::start() else { return };
    driver.open(&format!("{}_review/", review.url));
    let shown = |status: &str, group: &str, product: &str| -> Value {
        driver.command(
            "execute/sync",
            json!({
                "script": "var f = document.getElementById('review-filters'); f.elements.status.value = arguments[0]; f.elements.group.value = arguments[1]; f.elements.product.value = arguments[2]; f.dispatchEvent(new Event('change')); return [Array.prototype.filter.call(document.querySelectorAll('tbody tr[data-group]'), function (r) { return r.offsetParent !== null; }).map(function (r) { return r.closest('section').querySelector('h2').textContent + ' / ' + r.getAttribute('data-group'); }), f.hidden, f.elements.shown.value];",
                "args": [status, group, product],
            }),
        )
    };
    let all = shown("", "", "");
    assert_eq!(all[1], json!(false), "the script shows the form");
    assert_eq!(all[0].as_array().unwrap().len(), 9, "{all}");
    assert_eq!(all[2], json!("9 communiques"));
    let developers = shown("", "developers", "");
    assert_eq!(developers[0], json!(["Dashboard 3.0 / developers", "Payments 2.6 / developers"]), "{developers}");
    let scheduled = shown("scheduled", "", "");
    assert_eq!(scheduled[0], json!(["Payments 2.6 / developers"]), "{scheduled}");
    let flagged = shown("warnings", "", "");
    assert_eq!(flagged[0].as_array().unwrap().len(), 7, "{flagged}");
    let misspelled = shown("", "", "Payment");
    let rows = misspelled[0].as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.as_str().unwrap().starts_with("Payments 2.5")), "{misspelled}");
    let nothing = shown("published", "developers", "");
    assert_eq!(nothing[0], json!([]), "{nothing}");
    assert_eq!(
        driver.script("return document.getElementById('review-none').hidden"),
        json!(false),
        "says nothing matches"
    );
}
