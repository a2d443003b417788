//! End to end in a real headless Chromium (driven through chromedriver's WebDriver
//! API): a person has a communique open, edits the release file, and the page shows the
//! edit by itself. Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them); set COMMUNIQUE_SKIP_BROWSER=1 to skip on a machine without them.

mod driver;
mod preview;

use driver::Driver;

use preview::{sample_site, Preview};
use serde_json::json;
use std::time::{Duration, Instant};

#[test]
fn an_open_communique_updates_itself_after_an_edit() {
    let Some(driver) = Driver::start() else { return };
    let preview = Preview::start(sample_site(), &[]);
    driver.open(&format!("{}releases/payments-4-2/customers/", preview.url));
    let heading = driver.script("return document.querySelector('h1').textContent");
    assert!(heading.as_str().unwrap_or("").contains("Payments 4.2"), "{heading}");
    // Wait until the live-reload stream is connected, then mark this page: a reload
    // that we did not ask for clears the mark.
    let start = Instant::now();
    while driver.script("return document.documentElement.dataset.liveReload === 'connected'") != json!(true) {
        assert!(start.elapsed() < Duration::from_secs(10), "the page connects to /_livereload");
        std::thread::sleep(Duration::from_millis(50));
    }
    driver.script("window.__notReloaded = true; return true");

    preview.edit("content/releases/payments-4-2/index.md", |t| {
        t.replacen("title: Payments 4.2", "title: Payments 4.2 seen in a browser", 1)
    });
    let saved = Instant::now();
    loop {
        let text = driver.script("return document.querySelector('h1').textContent");
        if text.as_str().unwrap_or("").contains("seen in a browser") {
            break;
        }
        assert!(saved.elapsed() < Duration::from_secs(20), "the page did not update by itself: {text}");
        std::thread::sleep(Duration::from_millis(20));
    }
    eprintln!("the edit showed in the browser {} ms after saving", saved.elapsed().as_millis());
    assert_eq!(driver.script("return window.__notReloaded === true"), json!(false), "the page reloaded by itself");

    // A broken edit shows the overlay in the page; the next good edit clears it.
    preview.edit("content/releases/payments-4-2/index.md", |t| t.replacen("status: approved", "status: aproved", 1));
    let start = Instant::now();
    while driver.script("return !!document.getElementById('communique-errors')") != json!(true) {
        assert!(start.elapsed() < Duration::from_secs(20), "the error overlay appears");
        std::thread::sleep(Duration::from_millis(50));
    }
    let overlay = driver.script("return document.getElementById('communique-errors').textContent");
    assert!(overlay.as_str().unwrap().contains("index.md:"), "{overlay}");
    preview.edit("content/releases/payments-4-2/index.md", |t| t.replacen("status: aproved", "status: approved", 1));
    let start = Instant::now();
    while driver.script("return !!document.getElementById('communique-errors')") != json!(false) {
        assert!(start.elapsed() < Duration::from_secs(20), "the overlay clears after a good edit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// SPEC §11: a reader sees what they must do before what is new, and labels as words.
#[test]
fn action_required_comes_before_whats_new_and_labels_are_words_on_screen() {
    let Some(driver) = Driver::start() else { return };
    let preview = Preview::start(sample_site(), &[]);
    driver.open(&format!("{}releases/payments-4-2/enterprise-customers/", preview.url));
    let layout = driver.script(
        "const headings = [...document.querySelectorAll('main h2')];
         const top = (text) => {
           const h = headings.find((h) => h.innerText.trim() === text);
           return h ? h.getBoundingClientRect().top + window.scrollY : null;
         };
         const breaking = document.querySelector('main .label-breaking');
         const section = document.querySelector('main .action-required');
         return {
           action: top('Action required'),
           news: top(\"What's new for you\"),
           first: headings.length ? headings[0].innerText.trim() : null,
           items: section ? [...section.querySelectorAll('li')].map((li) => li.innerText) : [],
           breaking: breaking ? breaking.innerText.trim() : null,
           breakingShown: breaking ? breaking.getBoundingClientRect().width > 0 : false,
         };",
    );
    let (action, news) = (layout["action"].as_f64(), layout["news"].as_f64());
    assert!(action.is_some() && news.is_some(), "both sections are on the page: {layout}");
    assert!(action < news, "Action required is above What's new for you on screen: {layout}");
    assert_eq!(layout["first"], "Action required", "{layout}");
    let items = layout["items"].as_array().expect("the actions");
    assert!(items[0].as_str().unwrap().starts_with("By 15 December 2026:"), "{layout}");
    assert_eq!(layout["breaking"], "Breaking", "the label is a word, not a colour: {layout}");
    assert_eq!(layout["breakingShown"], true, "{layout}");
}
