//! SPEC §11, what a reader needs first: feature kinds and `breaking` as text labels,
//! release actions with deadlines (communiques open with them, calendars remind of them,
//! group pages list them), and a communique format per group.

mod common;
mod preview;

use common::{group, Site, Tree, NOW, SITE_TOML};

const RELEASE: &str = "---
title: Payments 4.2
product: Payments
version: \"4.2.0\"
status: approved
deployed_at: 2026-11-10T18:00:00Z
summary: Refunds settle instantly.
features:
  - id: settlement-column
    title: Settlement-type column
    kind: changed
    breaking: true
    summary: Exports gain a column.
    groups: [customers]
    value:
      customers: Reconcile in one step.
  - id: refund-webhook
    title: Refund webhook
    summary: A new event.
    groups: [developers]
    value:
      developers: Stop polling.
  - id: console-fix
    title: Console fix SUPPORTONLY-1
    kind: fixed
    breaking: true
    summary: The console no longer hangs. SUPPORTONLY-2
    groups: [support]
    value:
      support: Fewer restarts. SUPPORTONLY-3
actions:
  - text: Read the undated note.
  - text: Map the **new column** in your ERP import.
    due: 2026-12-15
    groups: [customers]
  - text: Check your exports.
    due: 2026-12-01T14:30:00Z
    groups: [customers]
  - text: Answer the survey.
    due: 2026-11-20
    groups: [customers]
  - text: Retrain the agents. SUPPORTONLY-4
    due: 2026-12-10
    groups: [support]
access:
  customers:
    how: Nothing to do.
---
";

/// Customers (public) with enterprise under it in the brief format, developers (public)
/// asking for a format the theme lacks, support (internal).
fn site() -> Site {
    let files = files();
    Site::new(&files.iter().map(|(path, text)| (*path, text.as_str())).collect::<Vec<_>>())
}

fn files() -> Vec<(&'static str, String)> {
    vec![
        ("site.toml", SITE_TOML.to_string()),
        ("content/stakeholders/customers.md", group("Customers", "")),
        ("content/stakeholders/enterprise.md", group("Enterprise", "parent: customers\ntemplate: brief\n")),
        ("content/stakeholders/developers.md", group("Developers", "template: breif\n")),
        ("content/stakeholders/support.md", group("Support", "audience: internal\n")),
        ("content/releases/payments-4-2.md", RELEASE.to_string()),
    ]
}

/// The text of `page`'s `<main>`, so that the chrome does not count.
fn main_of(tree: &Tree, page: &str) -> String {
    let html = tree.text(page);
    let start = html.find("<main").unwrap_or_else(|| panic!("{page} has a <main>"));
    let end = html.find("</main>").unwrap_or(html.len());
    html[start..end].to_string()
}

#[track_caller]
fn position(text: &str, needle: &str) -> usize {
    text.find(needle).unwrap_or_else(|| panic!("`{needle}` in:\n{text}"))
}

// ---------------------------------------------------------------------------------------
// check

#[test]
fn an_unknown_kind_is_an_error_that_lists_the_kinds_and_guesses() {
    let site = site();
    site.write("content/releases/payments-4-2.md", &RELEASE.replacen("kind: changed", "kind: chnged", 1));
    let check = site.run(&["check", "--now", NOW]);
    check.code_is(1);
    let line = check.diagnostic("content/releases/payments-4-2.md:11:11: error: ");
    assert!(line.contains("`features[0].kind` cannot be `chnged`"), "{line}");
    assert!(line.contains("did you mean `kind: changed`?"), "{line}");
    for kind in ["added", "changed", "deprecated", "removed", "fixed", "security"] {
        assert!(line.contains(&format!("`{kind}`")), "{kind} listed: {line}");
    }
}

#[test]
fn breaking_is_true_or_false() {
    let site = site();
    site.write("content/releases/payments-4-2.md", &RELEASE.replacen("breaking: true", "breaking: very", 1));
    let check = site.run(&["check", "--now", NOW]);
    check.code_is(1);
    let line = check.diagnostic("content/releases/payments-4-2.md:12:15: error: ");
    assert!(line.contains("`features[0].breaking` cannot be `very`") && line.contains("breaking: true"), "{line}");
}

#[test]
fn an_action_needs_a_text_a_date_of_section_4_and_groups_of_the_release() {
    let site = site();
    site.write("content/stakeholders/partners.md", &group("Partners", ""));
    let broken = RELEASE
        .replacen("  - text: Read the undated note.\n", "  - due: 2026-12-01\n", 1)
        .replacen("due: 2026-12-15", "due: 15/12/2026", 1)
        .replacen("due: 2026-12-01T14:30:00Z\n    groups: [customers]", "due: 2026-12-01\n    groups: [partners]", 1)
        .replacen("due: 2026-11-20\n    groups: [customers]", "due: 2026-11-20\n    groups: [custmers]", 1)
        .replacen("actions:", "actions:\n  - text: Nobody reads this.\n    groups: []\n    colour: red", 1);
    site.write("content/releases/payments-4-2.md", &broken);
    let check = site.run(&["check", "--now", NOW]);
    check.code_is(1);
    let path = "content/releases/payments-4-2.md";
    let unknown = check.diagnostic(&format!("{path}:34:5: error: "));
    assert!(unknown.contains("unknown field `colour` in `actions[0]`"), "{unknown}");
    let empty = check.diagnostic(&format!("{path}:33:13: error: "));
    assert!(empty.contains("`actions[0].groups` is empty"), "{empty}");
    let missing = check.diagnostic(&format!("{path}:35:5: error: "));
    assert!(missing.contains("`actions[1].text` is required: add `text: "), "{missing}");
    let date = check.diagnostic(&format!("{path}:37:10: error: "));
    assert!(date.contains("`actions[2].due`"), "{date}");
    let outside = check.diagnostic(&format!("{path}:41:14: error: "));
    assert!(outside.contains("`partners` is not a group of this release"), "{outside}");
    assert!(outside.contains("(customers, enterprise, developers, support)"), "names the release's groups: {outside}");
    let typo = check.diagnostic(&format!("{path}:44:14: error: "));
    assert!(typo.contains("unknown group `custmers`; did you mean `customers`?"), "{typo}");
}

#[test]
fn a_group_template_the_theme_lacks_is_a_warning_that_names_the_formats() {
    let site = site();
    let check = site.run(&["check", "--now", NOW]);
    check.success();
    let line = check.diagnostic("content/stakeholders/developers.md:3:11: warning: ");
    assert!(line.contains("no `communique-breif.html`") && line.contains("use `communique.html`"), "{line}");
    assert!(line.contains("it has `brief`") && line.contains("did you mean `template: brief`?"), "{line}");
    assert!(line.ends_with("[unknown-template]"), "{line}");
    // A format of the site's own theme counts.
    site.write("themes/default/templates/communique-breif.html", "{% extends \"communique.html\" %}");
    let check = site.run(&["check", "--now", NOW]);
    assert!(!check.stderr.contains("[unknown-template]"), "{}", check.transcript());
}

#[test]
fn a_template_is_named_by_its_short_name() {
    let site = site();
    site.write("content/stakeholders/developers.md", &group("Developers", "template: communique-brief.html\n"));
    let check = site.run(&["check", "--now", NOW]);
    check.code_is(1);
    let line = check.diagnostic("content/stakeholders/developers.md:3:11: error: ");
    assert!(line.contains("write `template: brief`"), "{line}");
}

// ---------------------------------------------------------------------------------------
// Communiques

#[test]
fn a_communique_opens_with_action_required_soonest_deadline_first() {
    let site = site();
    let tree = site.build(&[]);
    let page = main_of(&tree, "releases/payments-4-2/customers/index.html");
    let required = position(&page, "<h2>Action required</h2>");
    assert!(required < position(&page, "What's new for you"), "Action required comes first:\n{page}");
    assert!(required < position(&page, "Refunds settle instantly."), "before the summary too");
    let order: Vec<usize> = [
        "Answer the survey.",
        "Check your exports.",
        "Map the <strong>new column</strong> in your ERP import.",
        "Read the undated note.",
    ]
    .iter()
    .map(|text| position(&page, text))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "soonest first, undated last: {order:?}\n{page}");
    assert!(page.contains("By <time datetime=\"2026-12-15T00:00:00Z\">15 December 2026</time>:"), "{page}");
    assert!(page.contains("<time datetime=\"2026-12-01T14:30:00Z\">1 December 2026, 14:30 UTC</time>"), "{page}");
    // A child group gets its parent's actions; another group only those for every group.
    let enterprise = main_of(&tree, "releases/payments-4-2/enterprise/index.html");
    assert!(enterprise.contains("Check your exports."), "{enterprise}");
    let developers = main_of(&tree, "releases/payments-4-2/developers/index.html");
    assert!(developers.contains("Read the undated note.") && !developers.contains("Check your exports."));
}

#[test]
fn a_communique_without_actions_has_no_action_required() {
    let site = site();
    let start = RELEASE.find("actions:").unwrap();
    let end = RELEASE.find("access:").unwrap();
    site.write("content/releases/payments-4-2.md", &format!("{}{}", &RELEASE[..start], &RELEASE[end..]));
    let tree = site.build(&[]);
    assert!(!tree.text("releases/payments-4-2/customers/index.html").contains("Action required"));
}

#[test]
fn the_mailed_text_opens_with_action_required_too() {
    let site = site();
    site.write("content/stakeholders/customers.md", &group("Customers", "email: customers@acme.example\n"));
    site.run(&["build", "--now", NOW, "--emails", "mail"]).success();
    let eml = std::fs::read(site.path("mail/payments-4-2/customers.eml")).expect("the customers' message");
    let message = mail_parser::MessageParser::default().parse(&eml).expect("an RFC 5322 message");
    let text = message.body_text(0).expect("a text part").replace("\r\n", "\n");
    let required = position(&text, "Action required\n---------------\n");
    assert!(required < position(&text, "What's new for you"), "{text}");
    assert!(text.contains("* By 15 December 2026: Map the **new column** in your ERP import.\n"), "{text}");
    assert!(text.contains("* [Breaking, Changed] Settlement-type column: Exports gain a column."), "{text}");
    let html = message.body_html(0).expect("an HTML part").to_string();
    assert!(position(&html, "Action required") < position(&html, "What's new for you"));
}

// ---------------------------------------------------------------------------------------
// Labels

#[test]
fn labels_show_as_text_on_communiques_and_release_pages() {
    let site = site();
    let tree = site.build(&[]);
    let communique = main_of(&tree, "releases/payments-4-2/customers/index.html");
    assert!(
        communique.contains(
            "<span class=\"label label-breaking\">Breaking</span> <span class=\"label label-changed\">Changed</span>"
        ),
        "{communique}"
    );
    let release = main_of(&tree, "releases/payments-4-2/index.html");
    assert!(
        release.contains("<span class=\"visually-hidden\">In this release: </span><span class=\"label label-breaking\">Breaking</span> <span class=\"label label-added\">Added</span> <span class=\"label label-changed\">Changed</span></p>"),
        "breaking first, then each kind in Keep a Changelog's order:\n{release}"
    );
    let developers = main_of(&tree, "releases/payments-4-2/developers/index.html");
    assert!(developers.contains("label-added") && !developers.contains("label-breaking"), "{developers}");
}

#[test]
fn feed_items_carry_the_labels_as_categories_and_tags() {
    let site = site();
    let tree = site.build(&[]);
    for file in ["feed.xml", "atom.xml", "feed.json"] {
        let path = format!("groups/customers/{file}");
        let feed = feed_rs::parser::parse(tree.text(&path).as_bytes()).unwrap_or_else(|e| panic!("{path}: {e}"));
        let terms: Vec<&str> = feed.entries[0].categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(terms, ["Payments", "Breaking", "Changed"], "{path}");
    }
    let json: serde_json::Value = serde_json::from_str(&tree.text("groups/developers/feed.json")).unwrap();
    assert_eq!(json["items"][0]["tags"], serde_json::json!(["Payments", "Added"]));
    // The site feed has the release's labels: those of every public feature.
    let feed = feed_rs::parser::parse(tree.text("feed.xml").as_bytes()).unwrap();
    let terms: Vec<&str> = feed.entries[0].categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(terms, ["Payments", "Breaking", "Added", "Changed"]);
}

#[test]
fn labels_and_actions_for_internal_groups_only_stay_out_of_a_public_build() {
    let site = site();
    site.write("content/stakeholders/customers.md", &group("Customers", "email: customers@acme.example\n"));
    site.run(&["build", "--now", NOW, "--emails", "mail"]).success();
    let public = Tree::read(&site.path("public"));
    let mail = Tree::read(&site.path("mail"));
    for tree in [&public, &mail] {
        for secret in ["SUPPORTONLY", "label-fixed", "Retrain the agents"] {
            // The stylesheet names every label's class; a page that uses one is what leaks.
            let found: Vec<_> = tree.containing(secret).into_iter().filter(|p| !p.ends_with(".css")).collect();
            assert!(found.is_empty(), "`{secret}` in {found:?}");
        }
    }
    // Nothing `fixed` reaches a public group, so no public feed item says so.
    for path in public.paths().into_iter().filter(|p| p.ends_with(".xml") || p.ends_with(".json")) {
        assert!(!public.text(path).contains("Fixed"), "{path}");
    }
    let internal = site.build(&["--audience", "internal"]);
    assert!(internal.text("releases/payments-4-2/support/index.html").contains("Retrain the agents. SUPPORTONLY-4"));
    assert!(internal.text("releases/payments-4-2/index.html").contains("label-fixed"));
    assert!(internal.text("groups/support/calendar.ics").contains("SUPPORTONLY-4"));
}

// ---------------------------------------------------------------------------------------
// Deadlines

#[test]
fn each_deadline_is_a_calendar_event_with_a_reminder_a_week_before() {
    let site = site();
    let tree = site.build(&[]);
    let text = tree.text("groups/customers/calendar.ics");
    let mut parser = ical::IcalParser::new(text.as_bytes());
    let calendar = parser.next().expect("one VCALENDAR").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let value = |props: &[ical::property::Property], name: &str| {
        props.iter().find(|p| p.name == name).and_then(|p| p.value.clone()).unwrap_or_default()
    };
    let deadlines: Vec<_> =
        calendar.events.iter().filter(|e| value(&e.properties, "CATEGORIES") == "Deadline").collect();
    // The three actions for customers with a date (the undated one is no event).
    assert_eq!(deadlines.len(), 3, "{text}");
    let map = deadlines
        .iter()
        .find(|e| value(&e.properties, "SUMMARY").starts_with("Due: Map the **new column**"))
        .unwrap_or_else(|| panic!("the mapping's deadline:\n{text}"));
    assert_eq!(value(&map.properties, "DTSTART"), "20261215T000000Z");
    assert_eq!(value(&map.properties, "UID"), "payments-4-2/action-2/customers@releases.acme.example");
    assert_eq!(map.alarms.len(), 1, "one reminder");
    let alarm = &map.alarms[0].properties;
    assert_eq!(value(alarm, "ACTION"), "DISPLAY");
    let trigger = alarm.iter().find(|p| p.name == "TRIGGER").expect("a TRIGGER");
    assert_eq!(trigger.value.as_deref(), Some("-PT604800S"), "seven days before");
    assert!(
        trigger.params.iter().flatten().all(|(name, values)| name != "RELATED" || values == &["START".to_string()]),
        "relative to the deadline"
    );
    assert!(value(alarm, "DESCRIPTION").starts_with("Due in a week: Map the"), "{text}");
    // Internal deadlines are in no public calendar; the same input gives the same calendar.
    assert!(!tree.text("groups/enterprise/calendar.ics").contains("SUPPORTONLY"));
    assert_eq!(site.build(&[]).text("groups/customers/calendar.ics"), text, "no clock, no random UID");
}

#[test]
fn the_group_page_lists_the_deadlines_still_ahead() {
    let site = site();
    let tree = site.build(&[]);
    let page = main_of(&tree, "groups/customers/index.html");
    let block = &page[position(&page, "<h2>Upcoming deadlines</h2>")..position(&page, "<h2 id=\"communiques\"")];
    assert!(position(block, "Check your exports.") < position(block, "Map the"), "soonest first:\n{block}");
    assert!(!block.contains("Answer the survey."), "20 November is past on 26 November:\n{block}");
    assert!(!block.contains("Read the undated note."), "an undated action has no deadline:\n{block}");
    assert!(block.contains("href=\"https://releases.acme.example/releases/payments-4-2/customers/\""), "{block}");
    // After the last deadline, the block goes.
    site.run(&["build", "--now", "2026-12-20T00:00:00Z"]).success();
    let later = Tree::read(&site.path("public"));
    assert!(!later.text("groups/customers/index.html").contains("Upcoming deadlines"));
}

// ---------------------------------------------------------------------------------------
// A format per group

#[test]
fn a_group_template_picks_its_communique_format_and_falls_back_to_communique_html() {
    let site = site();
    let tree = site.build(&[]);
    let brief = main_of(&tree, "releases/payments-4-2/enterprise/index.html");
    assert!(brief.contains("class=\"communique communique-brief\""), "{brief}");
    let required = position(&brief, "Action required");
    assert!(required < position(&brief, "What's new for you"), "{brief}");
    assert!(
        brief.contains("<strong>Settlement-type column</strong> <span class=\"labels\"><span class=\"label label-breaking\">Breaking</span>"),
        "features with their labels: {brief}"
    );
    assert!(brief.contains("Reconcile in one step."), "and the group's value: {brief}");
    assert!(!brief.contains("How, when and where"), "the brief leaves the details to the release page");
    // A format the theme lacks falls back; the others keep the full communique.
    for group in ["developers", "customers"] {
        let page = main_of(&tree, &format!("releases/payments-4-2/{group}/index.html"));
        assert!(page.contains("<article class=\"communique\">"), "{group}: {page}");
    }
    // A site's own format is used, in pages and in the feed that carries them.
    site.write(
        "themes/default/templates/communique-breif.html",
        "{% extends \"communique.html\" %}{% block content %}<p>OWN FORMAT {{ communique.actions|length }}</p>{% endblock %}",
    );
    let tree = site.build(&[]);
    assert!(tree.text("releases/payments-4-2/developers/index.html").contains("OWN FORMAT 1"));
    assert!(tree.text("groups/developers/feed.xml").contains("OWN FORMAT 1"));
}

// ---------------------------------------------------------------------------------------
// notify

/// A webhook receiver on 127.0.0.1 that keeps every JSON body posted to it.
struct Webhook {
    port: u16,
    bodies: std::sync::Arc<std::sync::Mutex<Vec<serde_json::Value>>>,
}

impl Webhook {
    fn start() -> Webhook {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("a port on 127.0.0.1");
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = bodies.clone();
        std::thread::spawn(move || {
            for mut request in server.incoming_requests() {
                let mut body = String::new();
                std::io::Read::read_to_string(request.as_reader(), &mut body).expect("a UTF-8 body");
                kept.lock().unwrap().push(serde_json::from_str(&body).expect("a JSON payload"));
                let _ = request.respond(tiny_http::Response::from_string("ok"));
            }
        });
        Webhook { port, bodies }
    }
}

#[test]
fn notify_messages_put_the_actions_first_and_label_the_features() {
    let hook = Webhook::start();
    let slack = Webhook::start();
    let site = site();
    site.write(
        "content/stakeholders/customers.md",
        &group(
            "Customers",
            "chat:\n  - kind: webhook\n    webhook_env: CUSTOMERS_HOOK\n  - kind: slack\n    webhook_env: CUSTOMERS_SLACK\n",
        ),
    );
    let env = [
        ("CUSTOMERS_HOOK", format!("http://127.0.0.1:{}/hook", hook.port)),
        ("CUSTOMERS_SLACK", format!("http://127.0.0.1:{}/slack", slack.port)),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    site.run_with_env(&["notify", "--send", "--now", NOW, "--group", "customers"], &env).success();

    let posted = hook.bodies.lock().unwrap().clone();
    assert_eq!(posted.len(), 1, "{posted:?}");
    let actions: Vec<(&str, Option<&str>)> = posted[0]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| (a["text"].as_str().unwrap(), a["due"].as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("Answer the survey.", Some("20 November 2026")),
            ("Check your exports.", Some("1 December 2026, 14:30 UTC")),
            ("Map the **new column** in your ERP import.", Some("15 December 2026")),
            ("Read the undated note.", None),
        ]
    );
    assert_eq!(posted[0]["features"][0]["labels"], serde_json::json!(["Breaking", "Changed"]));
    let text = posted[0]["text"].as_str().unwrap();
    assert!(position(text, "Action required") < position(text, "What's new for you"), "{text}");
    assert!(!posted[0].to_string().contains("SUPPORTONLY"), "nothing internal in a public group's message");

    let slack = slack.bodies.lock().unwrap().clone();
    let blocks = slack[0]["blocks"].to_string();
    assert!(position(&blocks, "Action required") < position(&blocks, "What's new for you"), "{blocks}");
    assert!(blocks.contains("(Breaking, Changed)"), "{blocks}");
}

// ---------------------------------------------------------------------------------------
// review

#[test]
fn review_counts_actions_and_breaking_changes_per_group() {
    let site = site();
    // Group, communiques, actions (its own, its ancestors' and those for everyone), breaking changes.
    let expected = [
        ("Customers", "customers", 1, 4, 1),
        ("Enterprise", "enterprise", 1, 4, 1),
        ("Developers", "developers", 1, 1, 0),
        ("Support", "support", 1, 2, 1),
    ];
    let run = site.run(&["review", "--format", "json", "--now", NOW]);
    run.success();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    for (name, id, communiques, actions, breaking) in expected {
        let group = json["totals"]["by_group"].as_array().unwrap().iter().find(|g| g["group_id"] == id).expect(id);
        assert_eq!(group["communiques"], communiques, "{name}: {group}");
        assert_eq!((&group["actions"], &group["breaking"]), (&actions.into(), &breaking.into()), "{name}: {group}");
        let row = json["rows"].as_array().unwrap().iter().find(|r| r["group_id"] == id).expect(id);
        assert_eq!((&row["actions"], &row["breaking"]), (&actions.into(), &breaking.into()), "{name}: {row}");
    }

    let text = site.run(&["review", "--now", NOW]);
    let section = &text.stdout[position(&text.stdout, "Actions and breaking changes by group\n")..];
    let markdown = site.run(&["review", "--format", "markdown", "--now", NOW]);
    for (name, id, communiques, actions, breaking) in expected {
        let line = section.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{name}:\n{section}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words, [name, id, &communiques.to_string(), &actions.to_string(), &breaking.to_string()]);
        let row = format!("| {name} | {id} | {communiques} | {actions} | {breaking} |");
        assert!(markdown.stdout.contains(&row), "{row} in:\n{}", markdown.stdout);
    }

    // The deployment manager's page says the same.
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files() {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let internal = preview::Preview::start(dir, &[]);
    let (status, page) = internal.get("/_review/");
    assert_eq!(status, 200);
    let block = &page[position(&page, "<h2 id=\"by-group\"")..];
    assert!(
        block.contains(
            "<th scope=\"row\">Customers</th><td class=\"num\">1</td><td class=\"num\">4</td><td class=\"num\">1</td>"
        ),
        "{block}"
    );
    assert!(block.contains("Support <span class=\"chip chip-internal\">Internal</span>"), "{block}");
}

#[test]
fn an_action_text_is_untrusted_markdown_like_every_other_text() {
    let site = site();
    let hostile = "Click <script>alert(1)</script><img src=x onerror=alert(2)> [here](javascript:alert(3)) now.";
    site.write(
        "content/releases/payments-4-2.md",
        &RELEASE.replacen("text: Read the undated note.", &format!("text: \"{hostile}\""), 1),
    );
    let tree = site.build(&[]);
    for page in ["releases/payments-4-2/customers/index.html", "releases/payments-4-2/enterprise/index.html"] {
        let html = tree.text(page);
        let required = &html[position(&html, "Action required")..position(&html, "What's new for you")];
        assert!(required.contains("Click") && required.contains("now."), "{page}: the text is there:\n{required}");
        // Raw HTML is shown as text (unsafe_html is off), and the link goes nowhere.
        for bad in ["<script", "<img", "href=\"javascript:"] {
            assert!(!required.contains(bad), "{page}: `{bad}` in\n{required}");
        }
    }
    let ics = tree.text("groups/customers/calendar.ics");
    assert!(ics.split("\r\n").all(|line| !line.starts_with("<script")), "{ics}");
}
