//! `communique notify` (SPEC §10) against a real SMTP server on 127.0.0.1: the plan sends
//! nothing, `--send` delivers each due communique once, the ledger remembers, failures
//! are reported and delivered by the next run, and no internal text reaches a public group.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use common::{release, Site};
use smtp::SmtpServer;

const CUSTOMERS: &str = "customers@acme.example";
const PARTNERS: &str = "partners@acme.example";
const STAFF: &str = "staff@acme.example";
const CANARY: &str = "INTERNALCANARY";
const NOW: &str = "2026-12-05T00:00:00Z";

fn site_toml(port: u16, extra: &str) -> String {
    format!(
        "title = \"Acme releases\"\nbase_url = \"https://releases.acme.example/\"\n[notify]\nfrom = \"Acme releases <releases@acme.example>\"\n{extra}[notify.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n"
    )
}

/// Three groups with e-mail (one internal), two published releases, one scheduled for
/// later and one draft. `older` reaches customers and staff, with a feature for staff
/// alone that carries the canary.
fn site(port: u16) -> Site {
    let mut older = release("Payments 4.1", "approved", "2026-12-01T09:00:00Z", &["customers", "staff"]);
    older = older.replacen(
        "access:",
        &format!(
            "  - title: Ledger reconciliation {CANARY}\n    summary: Staff only {CANARY}.\n    groups: [staff]\naccess:"
        ),
        1,
    );
    Site::new(&[
        ("site.toml", &site_toml(port, "")),
        ("content/stakeholders/customers.md", &common::group("Customers", &format!("email: {CUSTOMERS}\n"))),
        ("content/stakeholders/partners.md", &common::group("Partners", &format!("email: {PARTNERS}\n"))),
        ("content/stakeholders/staff.md", &common::group("Staff", &format!("audience: internal\nemail: {STAFF}\n"))),
        ("content/releases/payments-4-1.md", &older),
        (
            "content/releases/payments-4-2.md",
            &release("Payments 4.2", "approved", "2026-12-03T09:00:00Z", &["customers", "partners"]),
        ),
        (
            "content/releases/payments-4-3.md",
            &release("Payments 4.3", "approved", "2026-12-10T09:00:00Z", &["customers"]),
        ),
        ("content/releases/payments-5-0.md", &release("Payments 5.0", "draft", "2026-12-02T09:00:00Z", &["customers"])),
    ])
}

fn notify(site: &Site, args: &[&str]) -> common::Run {
    let mut all = vec!["notify", "--now", NOW];
    all.extend_from_slice(args);
    site.run(&all)
}

fn ledger_lines(site: &Site) -> Vec<serde_json::Value> {
    std::fs::read_to_string(site.path("notified.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a ledger line is JSON"))
        .collect()
}

#[test]
fn the_plan_lists_what_is_due_and_sends_nothing() {
    let server = SmtpServer::start();
    let site = site(server.port);
    let run = notify(&site, &[]);
    run.success();
    let pending: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(pending.len(), 4, "{}", run.transcript());
    for (release, group, to) in [
        ("payments-4-1", "customers", CUSTOMERS),
        ("payments-4-1", "staff", STAFF),
        ("payments-4-2", "customers", CUSTOMERS),
        ("payments-4-2", "partners", PARTNERS),
    ] {
        assert!(
            pending.iter().any(|l| l.contains(release) && l.contains(group) && l.contains(&format!("email ({to})"))),
            "{release} {group}\n{}",
            run.transcript()
        );
    }
    // Scheduled for later, or not approved: not due.
    assert!(!run.stdout.contains("payments-4-3") && !run.stdout.contains("payments-5-0"), "{}", run.stdout);
    assert!(run.stdout.trim_end().ends_with("without sending."), "{}", run.stdout);
    assert!(run.stdout.contains("`--send` would make 4 deliveries"), "{}", run.stdout);

    let json = notify(&site, &["--format", "json"]);
    json.success();
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).expect("the plan as JSON");
    assert_eq!(plan["pending"].as_array().unwrap().len(), 4);
    assert_eq!(plan["pending"][0]["channel"], "email");
    assert_eq!(plan["delivered"], 0);

    assert_eq!(server.received().len(), 0, "the plan sent something");
    assert!(!site.path("notified.jsonl").exists(), "the plan wrote the ledger");
}

#[test]
fn send_delivers_each_due_communique_once_and_a_second_run_nothing() {
    let server = SmtpServer::start();
    let site = site(server.port);
    let run = notify(&site, &["--send"]);
    run.success();
    assert_eq!(server.received().len(), 4, "{}", run.transcript());
    assert_eq!((server.count_to(CUSTOMERS), server.count_to(PARTNERS), server.count_to(STAFF)), (2, 1, 1));
    let lines = ledger_lines(&site);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["release"], "payments-4-1");
    assert_eq!(lines[0]["channel"], "email");
    assert!(lines[0]["fingerprint"].as_str().unwrap().starts_with("sha256:"));
    assert!(lines[0]["message_id"].as_str().unwrap().starts_with("payments-4-1."));

    let again = notify(&site, &["--send"]);
    again.success();
    assert_eq!(again.stdout, "Nothing to deliver: notified.jsonl holds every delivery due.\n");
    assert_eq!(server.received().len(), 4, "a second run delivered again\n{}", again.transcript());
    assert_eq!(ledger_lines(&site).len(), 4);
    let plan = notify(&site, &[]);
    assert!(
        plan.stdout.contains("Nothing to deliver.") && plan.stdout.contains("Already delivered: 4"),
        "{}",
        plan.stdout
    );
}

#[test]
fn a_public_group_never_receives_internal_text_and_an_internal_group_does() {
    let server = SmtpServer::start();
    let site = site(server.port);
    notify(&site, &["--send"]).success();
    let received = server.received();
    let to =
        |who: &str| received.iter().filter(|m| m.to.iter().any(|t| t == who)).map(|m| m.text()).collect::<Vec<_>>();
    for text in to(CUSTOMERS).iter().chain(&to(PARTNERS)) {
        assert!(!text.contains(CANARY), "internal text in a public group's message:\n{text}");
    }
    let staff = to(STAFF);
    assert_eq!(staff.len(), 1);
    assert!(staff[0].contains(CANARY), "the internal group's message lacks its own feature:\n{}", staff[0]);
}

#[test]
fn the_sent_message_is_the_one_build_emails_writes() {
    let server = SmtpServer::start();
    let site = site(server.port);
    notify(&site, &["--send"]).success();
    site.run(&["build", "--now", NOW, "--emails", "mail"]).success();
    let written = std::fs::read(site.path("mail/payments-4-2/customers.eml")).unwrap();
    let sent = server
        .received()
        .into_iter()
        .find(|m| m.to.iter().any(|t| t == CUSTOMERS) && m.text().contains("Payments 4.2"))
        .expect("payments-4-2 for customers was sent");
    let parse = |bytes: &[u8]| {
        let m = mail_parser::MessageParser::default().parse(bytes).unwrap();
        (
            m.subject().map(str::to_string),
            m.message_id().map(str::to_string),
            m.from().and_then(|f| f.first()).and_then(|a| a.address()).map(str::to_string),
            m.body_text(0).map(|t| t.into_owned()),
            m.body_html(0).map(|t| t.into_owned()),
        )
    };
    let (subject, id, from, text, html) = parse(&sent.data);
    assert_eq!(subject.as_deref(), Some("Payments 4.2"));
    assert_eq!(id.as_deref(), Some("payments-4-2.customers@releases.acme.example"));
    assert_eq!(from.as_deref(), Some("releases@acme.example"));
    assert_eq!((subject, id, from, text, html), parse(&written));
}

#[test]
fn baseline_records_without_sending_and_since_bounds_what_is_due() {
    let server = SmtpServer::start();
    let site = site(server.port);
    // Adopting notify: only what is published from 2 December on is due.
    site.write("site.toml", &site_toml(server.port, "since = 2026-12-02\n"));
    let plan = notify(&site, &[]);
    plan.success();
    assert!(!plan.stdout.contains("payments-4-1"), "{}", plan.stdout);
    assert!(plan.stdout.contains("`--baseline` would record the new ones"), "{}", plan.stdout);

    let baseline = notify(&site, &["--baseline"]);
    baseline.success();
    assert!(baseline.stdout.contains("Recorded 2 deliveries"), "{}", baseline.transcript());
    assert_eq!(server.received().len(), 0, "--baseline sent something");
    let lines = ledger_lines(&site);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["baseline"] == true && l["release"] == "payments-4-2"));

    notify(&site, &["--send"]).success();
    assert_eq!(server.received().len(), 0, "what the baseline recorded was sent");
}

#[test]
fn a_release_that_becomes_due_later_goes_out_then_and_only_then() {
    let server = SmtpServer::start();
    let site = site(server.port);
    notify(&site, &["--send"]).success();
    assert_eq!(server.received().len(), 4);
    // The scheduled run after payments-4-3's publish_at.
    let later = site.run(&["notify", "--send", "--now", "2026-12-10T09:15:00Z"]);
    later.success();
    let received = server.received();
    assert_eq!(received.len(), 5, "{}", later.transcript());
    assert!(received[4].text().contains("Payments 4.3") && received[4].to == [CUSTOMERS]);
}

#[test]
fn a_text_changed_after_delivery_is_reported_and_sent_again_only_as_a_correction() {
    let server = SmtpServer::start();
    let site = site(server.port);
    notify(&site, &["--send", "--release", "payments-4-2"]).success();
    assert_eq!(server.received().len(), 2);
    let text = std::fs::read_to_string(site.path("content/releases/payments-4-2.md")).unwrap();
    site.write("content/releases/payments-4-2.md", &text.replace("in one sentence.", "in one corrected sentence."));

    let plan = notify(&site, &["--release", "payments-4-2"]);
    plan.success();
    assert!(plan.stdout.contains("Changed after delivery (2)"), "{}", plan.stdout);
    // The delivery time reads like the publish date, in the site's time zone.
    let changed = plan.stdout.lines().find(|l| l.contains("customers") && l.contains("delivered ")).unwrap();
    assert!(changed.ends_with(" UTC"), "{changed}");
    let with_corrections = notify(&site, &["--release", "payments-4-2", "--corrections"]);
    assert!(
        with_corrections.stdout.contains("Nothing sent. `--send --corrections` would make 2 deliveries.\n"),
        "{}",
        with_corrections.stdout
    );
    let send = notify(&site, &["--send", "--release", "payments-4-2"]);
    send.success();
    assert_eq!(server.received().len(), 2, "a changed text went out without --corrections");
    // The run says why it sent nothing, and how to send the corrections.
    assert!(
        send.stdout.contains("2 deliveries changed after delivery")
            && send.stdout.contains("`--send --corrections` sends them as corrections"),
        "{}",
        send.stdout
    );

    let before = jiff::Timestamp::now().as_second();
    let corrected = notify(&site, &["--send", "--release", "payments-4-2", "--group", "customers", "--corrections"]);
    corrected.success();
    let received = server.received();
    assert_eq!(received.len(), 3, "{}", corrected.transcript());
    let m = mail_parser::MessageParser::default().parse(&received[2].data).unwrap();
    assert_eq!(m.subject(), Some("Correction: Payments 4.2"));
    // Dated when it went out, not at the original's publish date: a mail client sorts by
    // date, and a correction among old mail goes unseen.
    let sent = m.date().unwrap().to_timestamp();
    assert!(before <= sent && sent <= jiff::Timestamp::now().as_second(), "{:?}", m.date());
    assert!(m.body_text(0).unwrap().contains("corrected sentence"));
    assert_eq!(m.in_reply_to().as_text(), Some("payments-4-2.customers@releases.acme.example"));
    let last = ledger_lines(&site).pop().unwrap();
    assert_eq!((last["group"].as_str(), last["correction"].as_bool()), (Some("customers"), Some(true)));

    // Corrected once: no longer changed for customers; partners' still is.
    let plan = notify(&site, &["--release", "payments-4-2"]);
    assert!(plan.stdout.contains("Changed after delivery (1)") && plan.stdout.contains("partners"), "{}", plan.stdout);
    notify(&site, &["--send", "--release", "payments-4-2", "--group", "customers", "--corrections"]).success();
    assert_eq!(server.received().len(), 3, "a correction went out twice");
}

#[test]
fn with_the_server_down_nothing_is_lost_and_the_next_run_delivers_once() {
    let port = smtp::closed_port();
    let site = site(port);
    let down = notify(&site, &["--send"]);
    down.code_is(1);
    // Every failure says which communique and which channel.
    for (release, group, to) in [("payments-4-1", "customers", CUSTOMERS), ("payments-4-2", "partners", PARTNERS)] {
        assert!(
            down.stderr
                .lines()
                .any(|l| l.starts_with("error: ") && l.contains(release) && l.contains(group) && l.contains(to)),
            "{release} {group}\n{}",
            down.transcript()
        );
    }
    assert!(down.stderr.contains("127.0.0.1"), "{}", down.stderr);
    assert!(ledger_lines(&site).is_empty());
    // Nothing went out: the run does not speak of deliveries recorded.
    assert_eq!(down.stdout, "Nothing delivered: 4 deliveries failed (the next run delivers them).\n");

    let server = SmtpServer::start_on(port);
    notify(&site, &["--send"]).success();
    assert_eq!(server.received().len(), 4);
    notify(&site, &["--send"]).success();
    assert_eq!(server.received().len(), 4);
}

#[test]
fn a_temporary_refusal_is_tried_again_within_the_run() {
    let server = SmtpServer::start();
    let site = site(server.port);
    server.refuse(PARTNERS, 451, Some(2));
    let run = notify(&site, &["--send"]);
    run.success();
    assert_eq!(server.attempts_for(PARTNERS), 3, "{}", run.transcript());
    assert_eq!(server.count_to(PARTNERS), 1);
    assert_eq!(ledger_lines(&site).len(), 4);
}

#[test]
fn a_permanent_refusal_is_reported_while_the_others_go_through() {
    let server = SmtpServer::start();
    let site = site(server.port);
    server.refuse(PARTNERS, 550, None);
    let run = notify(&site, &["--send", "--format", "json"]);
    run.code_is(1);
    assert_eq!(server.attempts_for(PARTNERS), 1, "a permanent failure was tried again");
    assert_eq!((server.count_to(CUSTOMERS), server.count_to(STAFF)), (2, 1));
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let failed = report["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0]["release"].as_str(), failed[0]["group"].as_str()), (Some("payments-4-2"), Some("partners")));
    assert_eq!(failed[0]["channel"], "email");
    assert!(failed[0]["error"].as_str().unwrap().contains("550"), "{}", failed[0]);
    assert_eq!(report["done"].as_array().unwrap().len(), 3);
    assert_eq!(ledger_lines(&site).len(), 3);

    server.accept_all();
    notify(&site, &["--send"]).success();
    assert_eq!(server.count_to(PARTNERS), 1);
    assert_eq!(server.received().len(), 4);
}

#[test]
fn a_missing_environment_variable_fails_only_its_channel_and_is_named() {
    let server = SmtpServer::start();
    let site = site(server.port);
    let toml = site_toml(server.port, "")
        + "username_env = \"COMMUNIQUE_TEST_SMTP_USER\"\npassword_env = \"COMMUNIQUE_TEST_SMTP_PASSWORD\"\n";
    site.write("site.toml", &toml);
    let run = site.run_with_env(&["notify", "--send", "--now", NOW], &[("COMMUNIQUE_TEST_SMTP_USER", "robot")]);
    run.code_is(1);
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 4, "{}", run.transcript());
    assert!(errors.iter().all(|l| l.contains("`COMMUNIQUE_TEST_SMTP_PASSWORD`")), "{}", run.transcript());
    assert!(!run.stdout.contains("robot") && !run.stderr.contains("robot"), "the login was shown");
    assert_eq!(server.received().len(), 0);
    assert!(ledger_lines(&site).is_empty());
}

#[test]
fn a_run_killed_in_the_middle_of_a_batch_loses_nothing_and_repeats_at_most_the_one_in_flight() {
    let server = SmtpServer::start();
    let site = site(server.port);
    // The third delivery (payments-4-2 for customers) is held before its reply.
    server.hold(CUSTOMERS, 1);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_communique"))
        .args(["notify", "--send", "--now", NOW])
        .current_dir(site.root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    server.wait_until_holding();
    child.kill().unwrap();
    child.wait().unwrap();
    server.release();
    let recorded = ledger_lines(&site);
    assert_eq!(recorded.len(), 2, "what was delivered before the kill is recorded: {recorded:?}");

    notify(&site, &["--send"]).success();
    let received = server.received();
    // Every communique arrived; only the one in flight at the kill arrived twice.
    assert_eq!(ledger_lines(&site).len(), 4);
    assert_eq!(received.len(), 5, "{:?}", received.iter().map(|m| &m.to).collect::<Vec<_>>());
    let twice: Vec<_> = received
        .iter()
        .filter(|m| received.iter().filter(|n| n.data == m.data).count() > 1)
        .map(|m| m.text())
        .collect();
    assert_eq!(twice.len(), 2);
    assert!(twice[0].contains("Payments 4.2") && twice[0].contains(CUSTOMERS), "{}", twice[0]);
}

#[test]
fn a_ledger_line_that_is_no_entry_stops_the_run_at_its_place() {
    let server = SmtpServer::start();
    let site = site(server.port);
    notify(&site, &["--send", "--release", "payments-4-1"]).success();
    let text = std::fs::read_to_string(site.path("notified.jsonl")).unwrap();
    site.write("notified.jsonl", &format!("<<<<<<< HEAD\n{text}"));
    let run = notify(&site, &["--send"]);
    run.code_is(1);
    assert!(run.diagnostic("notified.jsonl:1:").contains("not a ledger entry"), "{}", run.transcript());
    assert_eq!(server.received().len(), 2);
}

#[test]
fn unknown_groups_and_releases_are_usage_errors() {
    let site = site(smtp::closed_port());
    let run = notify(&site, &["--group", "custmers"]);
    run.code_is(2);
    assert!(run.stderr.contains("did you mean `customers`"), "{}", run.stderr);
    notify(&site, &["--release", "nope"]).code_is(2);
    notify(&site, &["--send", "--baseline"]).code_is(2);
}

#[test]
fn check_reports_notify_settings_chat_entries_and_addresses_at_their_place() {
    let site = site(25);
    site.write(
        "site.toml",
        "title = \"Acme releases\"\nbase_url = \"https://releases.acme.example/\"\n[notify]\nfrom = \"Acme\"\n[notify.smtp]\nhost = \"smtp.acme.example\"\nsecurity = \"startls\"\n",
    );
    site.write(
        "content/stakeholders/partners.md",
        "---\nname: Partners\nemail: partners at acme\nchat:\n  - kind: slak\n    webhook_env: SLACK_PARTNERS\n  - kind: webhook\n    webhook_env: https://hooks.example/secret-token\n---\n",
    );
    let run = site.run(&["check"]);
    run.code_is(1);
    assert!(run.diagnostic("site.toml:4:1:").contains("`from`"), "{}", run.transcript());
    assert!(run.diagnostic("site.toml:7:1:").contains("did you mean `starttls`"), "{}", run.transcript());
    assert!(run.diagnostic("content/stakeholders/partners.md:3:").contains("`email`"), "{}", run.transcript());
    assert!(
        run.diagnostic("content/stakeholders/partners.md:5:").contains("did you mean `slack`"),
        "{}",
        run.transcript()
    );
    assert!(
        run.diagnostic("content/stakeholders/partners.md:8:").contains("environment variable"),
        "{}",
        run.transcript()
    );
    assert!(!run.stderr.contains("secret-token"), "a URL written by mistake was repeated");
}

#[test]
fn review_plan_shows_each_groups_channels() {
    let site = site(25);
    site.write(
        "content/stakeholders/partners.md",
        &common::group(
            "Partners",
            &format!("email: {PARTNERS}\nchat:\n  - kind: slack\n    webhook_env: SLACK_PARTNERS_WEBHOOK\n"),
        ),
    );
    let text = site.run(&["review", "--plan", "--now", NOW]);
    text.success();
    assert!(text.stdout.contains("Chat:        slack (SLACK_PARTNERS_WEBHOOK)"), "{}", text.stdout);
    assert!(text.stdout.contains(&format!("Email:       {PARTNERS}")), "{}", text.stdout);
    let json = site.run(&["review", "--plan", "--now", NOW, "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let partners = plan["groups"].as_array().unwrap().iter().find(|g| g["group_id"] == "partners").unwrap().clone();
    assert_eq!(partners["chat"][0]["kind"], "slack");
    assert_eq!(partners["chat"][0]["webhook_env"], "SLACK_PARTNERS_WEBHOOK");
    let plan = notify(&site, &[]);
    assert!(plan.stdout.contains("slack (SLACK_PARTNERS_WEBHOOK)"), "{}", plan.stdout);
}

/// A webhook endpoint on 127.0.0.1 (tiny_http): answers each request with the next of
/// `answers` (status, Retry-After), then 200, and keeps every body it was posted.
struct Webhook {
    port: u16,
    bodies: std::sync::Arc<std::sync::Mutex<Vec<(String, serde_json::Value)>>>,
}

impl Webhook {
    fn start(answers: Vec<(u16, Option<&'static str>)>) -> Webhook {
        let server = tiny_http::Server::http("127.0.0.1:0").expect("a port on 127.0.0.1");
        let port = server.server_addr().to_ip().unwrap().port();
        let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = bodies.clone();
        std::thread::spawn(move || {
            let mut answers = answers.into_iter();
            for mut request in server.incoming_requests() {
                let mut body = String::new();
                std::io::Read::read_to_string(request.as_reader(), &mut body).unwrap();
                let (status, retry_after) = answers.next().unwrap_or((200, None));
                if status == 200 {
                    let json = serde_json::from_str(&body).expect("a JSON payload");
                    kept.lock().unwrap().push((request.url().to_string(), json));
                }
                let mut response = tiny_http::Response::from_string("ok").with_status_code(status);
                if let Some(wait) = retry_after {
                    response.add_header(tiny_http::Header::from_bytes("Retry-After", wait).unwrap());
                }
                let _ = request.respond(response);
            }
        });
        Webhook { port, bodies }
    }

    /// A webhook URL with a secret in its path, as Slack's have.
    fn url(&self, secret: &str) -> String {
        format!("http://127.0.0.1:{}/services/{secret}", self.port)
    }

    fn bodies(&self) -> Vec<(String, serde_json::Value)> {
        self.bodies.lock().unwrap().clone()
    }
}

/// Partners post to Slack and to a plain webhook, besides their e-mail.
fn chat_site(port: u16) -> Site {
    let site = site(port);
    site.write(
        "content/stakeholders/partners.md",
        &common::group(
            "Partners",
            &format!(
                "email: {PARTNERS}\nchat:\n  - kind: slack\n    webhook_env: SLACK_PARTNERS_WEBHOOK\n  - kind: webhook\n    webhook_env: PARTNERS_HOOK\n"
            ),
        ),
    );
    site
}

#[track_caller]
fn assert_secret_nowhere(site: &Site, run: &common::Run, secrets: &[&str]) {
    let ledger = std::fs::read_to_string(site.path("notified.jsonl")).unwrap_or_default();
    for secret in secrets {
        for (what, text) in [("stdout", &run.stdout), ("stderr", &run.stderr), ("the ledger", &ledger)] {
            assert!(!text.contains(secret), "the webhook's secret is in {what}:\n{text}");
        }
    }
}

#[test]
fn chat_channels_get_their_payload_once_and_their_urls_are_shown_nowhere() {
    let server = SmtpServer::start();
    // Slack asks to wait a second once, then takes it; the webhook fails once with 500.
    let slack = Webhook::start(vec![(429, Some("1"))]);
    let hook = Webhook::start(vec![(500, None)]);
    let site = chat_site(server.port);
    let env = [("SLACK_PARTNERS_WEBHOOK", slack.url("T000-SLACKSECRET")), ("PARTNERS_HOOK", hook.url("HOOKSECRET"))];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let plan = site.run_with_env(&["notify", "--now", NOW, "--format", "json"], &env);
    plan.success();
    assert!(plan.stdout.contains("\"shown\": \"slack (SLACK_PARTNERS_WEBHOOK)\""), "{}", plan.stdout);
    assert!(plan.stdout.contains("\"channel\": \"webhook:PARTNERS_HOOK\""), "{}", plan.stdout);
    assert_secret_nowhere(&site, &plan, &["SLACKSECRET", "HOOKSECRET"]);

    let run = site.run_with_env(&["notify", "--send", "--now", NOW], &env);
    run.success();
    assert!(run.stdout.contains("payments-4-2 → partners by slack (SLACK_PARTNERS_WEBHOOK)"), "{}", run.stdout);
    let posted = slack.bodies();
    assert_eq!(posted.len(), 1, "{}", run.transcript());
    assert_eq!(posted[0].0, "/services/T000-SLACKSECRET");
    assert!(posted[0].1["blocks"].is_array(), "Slack gets Block Kit: {}", posted[0].1);
    let posted = hook.bodies();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].1["release"], "payments-4-2");
    assert_eq!(posted[0].1["group"], "partners");
    assert_eq!(posted[0].1["url"], "https://releases.acme.example/releases/payments-4-2/partners/");
    assert!(!posted[0].1.to_string().contains(CANARY));
    let lines = ledger_lines(&site);
    let channels: Vec<&str> = lines.iter().filter_map(|l| l["channel"].as_str()).collect();
    assert!(channels.contains(&"slack:SLACK_PARTNERS_WEBHOOK") && channels.contains(&"webhook:PARTNERS_HOOK"));
    assert_secret_nowhere(&site, &run, &["SLACKSECRET", "HOOKSECRET"]);

    let again = site.run_with_env(&["notify", "--send", "--now", NOW], &env);
    again.success();
    assert_eq!((slack.bodies().len(), hook.bodies().len()), (1, 1), "a second run posted again");
}

#[test]
fn a_missing_webhook_variable_fails_only_its_channel_and_names_it() {
    let server = SmtpServer::start();
    let hook = Webhook::start(vec![]);
    let site = chat_site(server.port);
    let url = hook.url("HOOKSECRET");
    let run = site.run_with_env(&["notify", "--send", "--now", NOW, "--format", "json"], &[("PARTNERS_HOOK", &url)]);
    run.code_is(1);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let failed = report["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{}", run.stdout);
    assert_eq!(failed[0]["channel"], "slack:SLACK_PARTNERS_WEBHOOK");
    assert!(failed[0]["error"].as_str().unwrap().contains("`SLACK_PARTNERS_WEBHOOK`"), "{}", failed[0]);
    assert!(failed[0]["error"].as_str().unwrap().ends_with("set it to the Slack incoming webhook's URL"));
    // The e-mails and the other webhook went out.
    assert_eq!(server.received().len(), 4);
    assert_eq!(hook.bodies().len(), 1);
    assert_secret_nowhere(&site, &run, &["HOOKSECRET"]);

    let slack = Webhook::start(vec![]);
    let slack_url = slack.url("SLACKSECRET");
    site.run_with_env(
        &["notify", "--send", "--now", NOW],
        &[("PARTNERS_HOOK", &url), ("SLACK_PARTNERS_WEBHOOK", &slack_url)],
    )
    .success();
    assert_eq!((slack.bodies().len(), hook.bodies().len(), server.received().len()), (1, 1, 4));

    // A `webhook` channel's variable is asked for in words that read.
    let fresh = chat_site(server.port);
    let run = fresh.run(&["notify", "--send", "--now", NOW, "--group", "partners", "--release", "payments-4-2"]);
    let error = run.stderr.lines().find(|l| l.contains("`PARTNERS_HOOK`")).unwrap_or("");
    assert!(error.ends_with("is not set: set it to the webhook's URL"), "{}", run.transcript());
}

#[test]
fn a_webhook_that_keeps_failing_is_reported_without_its_url() {
    let server = SmtpServer::start();
    let hook = Webhook::start(vec![(500, None), (500, None), (500, None)]);
    let slack = Webhook::start(vec![(404, None)]);
    let site = chat_site(server.port);
    let (hook_url, slack_url) = (hook.url("HOOKSECRET"), slack.url("SLACKSECRET"));
    let run = site.run_with_env(
        &["notify", "--send", "--now", NOW],
        &[("PARTNERS_HOOK", &hook_url), ("SLACK_PARTNERS_WEBHOOK", &slack_url)],
    );
    run.code_is(1);
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 2, "{}", run.transcript());
    assert!(errors
        .iter()
        .any(|l| l.contains("webhook (PARTNERS_HOOK)") && l.contains("500") && l.contains("payments-4-2")));
    assert!(errors.iter().any(|l| l.contains("slack (SLACK_PARTNERS_WEBHOOK)") && l.contains("404")));
    assert_secret_nowhere(&site, &run, &["HOOKSECRET", "SLACKSECRET", "/services/"]);
    assert_eq!(server.received().len(), 4, "the e-mails went out all the same");
}

/// Runs `communique ARGS` with standard output and standard error both going to pipes whose
/// reader has already gone, as in `communique notify --send 2>&1 | head -0`: every line it
/// prints then fails with a broken pipe, deterministically.
fn run_unread(site: &Site, args: &[&str]) -> std::process::ExitStatus {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let stderr = writer.try_clone().expect("a second end");
    std::process::Command::new(env!("CARGO_BIN_EXE_communique"))
        .args(args)
        .current_dir(site.root())
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(writer)
        .stderr(stderr)
        .status()
        .expect("the communique binary runs")
}

#[test]
fn a_reader_that_went_away_stops_no_delivery() {
    let server = SmtpServer::start();
    let site = site(server.port);
    // The plan, the JSON plan and the other commands that print: no panic (101).
    for args in [
        &["notify", "--now", NOW][..],
        &["notify", "--now", NOW, "--format", "json"],
        &["check", "--format", "json"],
        &["build", "--now", NOW],
    ] {
        assert_eq!(run_unread(&site, args).code(), Some(0), "communique {}", args.join(" "));
    }
    // `--send` goes on to deliver and record every one, and ends with its usual status.
    let status = run_unread(&site, &["notify", "--now", NOW, "--send"]);
    assert_eq!(status.code(), Some(0));
    assert_eq!(server.received().len(), 4);
    assert_eq!(ledger_lines(&site).len(), 4);
    notify(&site, &["--send"]).success();
    assert_eq!(server.received().len(), 4, "a delivery was made twice");
}

#[test]
fn a_login_the_server_does_not_offer_is_explained_without_the_password() {
    let server = SmtpServer::start();
    let site = site(server.port);
    site.write(
        "site.toml",
        &format!("{}username_env = \"SMTP_USERNAME\"\npassword_env = \"SMTP_PASSWORD\"\n", site_toml(server.port, "")),
    );
    let run = site.run_with_env(
        &["notify", "--now", NOW, "--send", "--group", "customers"],
        &[("SMTP_USERNAME", "robot"), ("SMTP_PASSWORD", "hunter2-secret")],
    );
    run.code_is(1);
    let error = run.stderr.lines().find(|l| l.starts_with("error: payments-4-1 → customers by email")).unwrap_or("");
    assert!(error.contains("offers no login") && error.contains("`username_env`"), "{}", run.transcript());
    assert!(!run.transcript().contains("hunter2-secret"), "{}", run.transcript());
    assert_eq!(server.received().len(), 0);
}

#[test]
fn a_site_without_notify_settings_is_told_everything_e_mail_needs_at_once() {
    let site = site(smtp::closed_port());
    site.write("site.toml", common::SITE_TOML);
    let run = notify(&site, &["--send", "--group", "customers", "--release", "payments-4-2"]);
    run.code_is(1);
    let error = run.stderr.lines().find(|l| l.starts_with("error: payments-4-2 → customers by email")).unwrap_or("");
    assert!(error.contains("`from`") && error.contains("`[notify.smtp]`"), "{}", run.transcript());
    assert!(ledger_lines(&site).is_empty());
}

/// The ledger is a file `notify` writes (and truncates, to set a torn last line aside):
/// a repository can plant it, or a folder on the way to it, as a link out of the site.
#[test]
fn a_ledger_linked_out_of_the_site_is_neither_read_nor_written() {
    let server = SmtpServer::start();
    let site = site(server.port);
    let elsewhere = tempfile::TempDir::new().unwrap();
    // One line without a newline: read through the link, it is a torn line to cut off.
    let precious = "a user's file, one line without a newline";
    std::fs::write(elsewhere.path().join("victim"), precious).unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("victim"), site.path("notified.jsonl")).unwrap();
    std::fs::create_dir(elsewhere.path().join("ops")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("ops"), site.path("ops")).unwrap();

    for (toml, ledger) in [("", "notified.jsonl"), ("ledger = \"ops/notified.jsonl\"\n", "ops/notified.jsonl")] {
        site.write("site.toml", &site_toml(server.port, toml));
        for mode in ["--baseline", "--send"] {
            let run = notify(&site, &[mode]);
            run.code_is(1);
            assert!(run.stderr.contains(ledger) && run.stderr.contains("symbolic link"), "{}", run.transcript());
            assert_eq!(std::fs::read_to_string(elsewhere.path().join("victim")).unwrap(), precious);
            assert!(!elsewhere.path().join("ops/notified.jsonl").exists(), "{mode} wrote through `ops`");
            assert_eq!(server.received().len(), 0, "{mode} sent with a ledger it cannot keep");
        }
    }
}
