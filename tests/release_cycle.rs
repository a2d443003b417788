//! The release cycle (SPEC §12) as a user runs it: `new release`, `new group`, `approve`,
//! staleness of an approval, `[review] require_approval_record`, `import changelog`, on
//! copies of `tests/fixtures/cycle/`.

mod common;
mod preview;

use common::{Run, Site, NOW};

const RELEASE: &str = "content/releases/payments-1-1/index.md";

fn read(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.path(rel)).expect("the file is there")
}

fn approve(site: &Site, slug: &str) -> Run {
    site.run(&["approve", slug, "--by", "Dana Ops", "--now", "2026-11-21T07:30:00Z"])
}

fn check(site: &Site) -> Run {
    site.run(&["check", "--now", NOW])
}

/// The lines of `after` that are not in `before` at the same place, and the reverse, as
/// a line diff would show them (the files share a prefix and a suffix of lines).
fn changed_lines(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let a: Vec<&str> = before.split_inclusive('\n').collect();
    let b: Vec<&str> = after.split_inclusive('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let removed = a[prefix..a.len() - suffix].iter().map(|s| s.to_string()).collect();
    let added = b[prefix..b.len() - suffix].iter().map(|s| s.to_string()).collect();
    (removed, added)
}

// --- new release, new group ---

#[test]
fn a_new_release_carries_over_the_products_newest_release() {
    let site = Site::fixture("cycle");
    let run = site.run(&["new", "release", "payments-1-2", "--product", "Payments"]);
    run.success();
    assert!(run.stdout.contains("payments-1-1"), "{}", run.transcript());
    let text = read(&site, "content/releases/payments-1-2.md");
    assert!(text.contains("product: \"Payments\"\n"), "{text}");
    assert!(text.contains("status: draft"), "{text}");
    assert!(text.contains("components: [payments-api, dashboard]\n"), "{text}");
    assert!(text.contains("    groups: [customers, partners]\n"), "{text}");
    // Access and constraints as written, comments included.
    assert!(
        text.contains(
            "access:\n  # Who can refund, and where.\n  customers:\n    how: Settings → Payments → Refunds.\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("permissions: The \"Billing admin\" role.\n  partners:\n    how: The refunds API.\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "constraints:\n  - kind: regulatory\n    text: Not available in Brazil until central-bank approval.\n---\n"
        ),
        "{text}"
    );
    // Features reset, dates left for the author: nothing of the old features is kept.
    assert!(!text.contains("Instant refunds") && !text.contains("2026-11-20"), "{text}");
    // `check` names exactly what to fill.
    let run = check(&site);
    run.code_is(1);
    let errors: Vec<&str> =
        run.diagnostics().into_iter().filter(|d| d.starts_with("content/releases/payments-1-2.md")).collect();
    let named: Vec<&str> =
        errors.iter().filter(|d| d.contains(": error: ")).map(|d| d.split('`').nth(1).unwrap()).collect();
    assert_eq!(named, ["title", "deployed_at", "features[0].title"], "{}", run.transcript());
}

#[test]
fn from_names_the_release_to_carry_over() {
    let site = Site::fixture("cycle");
    site.run(&["new", "release", "payments-1-2", "--from", "payments-1-0"]).success();
    let text = read(&site, "content/releases/payments-1-2.md");
    assert!(text.contains("groups: [customers, support]"), "{text}");
    assert!(text.contains("  support:\n    how: The admin console.\n"), "{text}");
    assert!(!text.contains("constraints:"), "{text}");
}

#[test]
fn without_a_previous_release_a_commented_skeleton() {
    let site = Site::fixture("cycle");
    site.run(&["new", "release", "ledger-1-0", "--product", "Ledger"]).success();
    let text = read(&site, "content/releases/ledger-1-0.md");
    assert!(text.contains("product: \"Ledger\""), "{text}");
    assert!(text.contains("# access:"), "{text}");
    assert!(text.contains("known: customers, partners, support") || text.contains("known: "), "{text}");
    site.run(&["new", "release", "plain"]).success();
    let run = check(&site);
    let plain: Vec<&str> =
        run.diagnostics().into_iter().filter(|d| d.starts_with("content/releases/plain.md")).collect();
    assert!(plain.iter().any(|d| d.contains("`product` is required")), "{}", run.transcript());
    assert!(plain.iter().any(|d| d.contains("features[0].groups")), "{}", run.transcript());
}

#[test]
fn new_never_writes_over_a_file() {
    let site = Site::fixture("cycle");
    let before = read(&site, RELEASE);
    site.run(&["new", "release", "payments-1-1", "--product", "Payments"]).code_is(1);
    assert_eq!(read(&site, RELEASE), before);
    assert!(!site.path("content/releases/payments-1-1.md").exists());
    site.run(&["new", "release", "payments-1-0"]).code_is(1);
    let group = read(&site, "content/stakeholders/support.md");
    let run = site.run(&["new", "group", "support"]);
    run.code_is(1);
    assert!(run.stderr.contains("already exists"), "{}", run.transcript());
    assert_eq!(read(&site, "content/stakeholders/support.md"), group);
    // No temporary file is left behind either.
    let names: Vec<String> = std::fs::read_dir(site.path("content/stakeholders"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn a_new_group_is_a_skeleton_that_check_explains() {
    let site = Site::fixture("cycle");
    site.run(&["new", "group", "resellers"]).success();
    let text = read(&site, "content/stakeholders/resellers.md");
    assert!(text.contains("# parent: customers"), "{text}");
    let run = check(&site);
    run.diagnostic("content/stakeholders/resellers.md:3:1: error: `name` is required");
}

#[test]
fn new_refuses_bad_input_with_a_usage_error() {
    let site = Site::fixture("cycle");
    let run = site.run(&["new", "release", "Payments 1.2"]);
    run.code_is(2);
    assert!(run.stderr.contains("write `payments-1.2`"), "{}", run.transcript());
    let run = site.run(&["new", "release", "x", "--from", "payments-1-9"]);
    run.code_is(2);
    assert!(
        run.stderr.contains("no release `payments-1-9`") && run.stderr.contains("payments-1-"),
        "{}",
        run.transcript()
    );
    let run = site.run(&["new", "release", "x", "--product", "payments"]);
    run.code_is(2);
    assert!(run.stderr.contains("`Payments`"), "{}", run.transcript());
    site.run(&["new", "release", "x", "--from", "payments-1-0", "--product", "Payments"]).code_is(2);
    site.run(&["new", "group", "Big Customers"]).code_is(2);
    let empty = Site::new(&[]);
    let run = empty.run(&["new", "group", "customers"]);
    run.code_is(1);
    assert!(run.stderr.contains("site.toml"), "{}", run.transcript());
    assert!(!site.path("content/releases/x.md").exists());
}

// --- approve ---

#[test]
fn approve_changes_only_its_own_lines() {
    let site = Site::fixture("cycle");
    // Windows line endings and a byte-order mark: kept as they are.
    let before = format!("\u{feff}{}", read(&site, RELEASE).replace('\n', "\r\n"));
    site.write(RELEASE, &before);
    let run = approve(&site, "payments-1-1");
    run.success();
    let after = std::fs::read_to_string(site.path(RELEASE)).unwrap();
    assert!(after.starts_with('\u{feff}'));
    let (removed, added) = changed_lines(&before, &after);
    assert_eq!(removed, ["status: review            # draft | review | approved\r\n"]);
    assert_eq!(added.len(), 4, "{added:?}");
    assert_eq!(added[0], "status: approved            # draft | review | approved\r\n");
    assert_eq!(added[1], "approved_by: \"Dana Ops\"\r\n");
    assert_eq!(added[2], "approved_at: \"2026-11-21T07:30:00Z\"\r\n");
    assert!(added[3].starts_with("approved_fingerprint: \"v1 customers="), "{}", added[3]);
    assert!(added[3].contains(" partners=") && !added[3].contains("support="), "{}", added[3]);
    // Approved and published.
    check(&site).success();
    let out = site.build(&[]);
    assert!(out.has("releases/payments-1-1/customers/index.html"));
}

#[test]
fn approving_again_replaces_the_record_in_place() {
    let site = Site::fixture("cycle");
    approve(&site, "payments-1-1").success();
    let first = read(&site, RELEASE);
    site.run(&["approve", "payments-1-1", "--by", "Sam Lee", "--now", "2026-11-21T08:00:00Z"]).success();
    let second = read(&site, RELEASE);
    let (removed, added) = changed_lines(&first, &second);
    assert_eq!(removed, ["approved_by: \"Dana Ops\"\n", "approved_at: \"2026-11-21T07:30:00Z\"\n"]);
    assert_eq!(added, ["approved_by: \"Sam Lee\"\n", "approved_at: \"2026-11-21T08:00:00Z\"\n"]);
}

#[test]
fn approve_is_refused_while_check_finds_errors_in_the_release() {
    let site = Site::fixture("cycle");
    let broken = read(&site, RELEASE).replace("groups: [customers, partners]", "groups: [customers, partnres]");
    site.write(RELEASE, &broken);
    let run = approve(&site, "payments-1-1");
    run.code_is(1);
    run.diagnostic(&format!("{RELEASE}:15:25: error: `features[0].groups[1]`: unknown group `partnres`"));
    assert!(run.stderr.contains("nothing was written"), "{}", run.transcript());
    assert_eq!(read(&site, RELEASE), broken);
}

#[test]
fn approve_refuses_a_front_matter_it_cannot_edit_safely() {
    for (from, to, reason) in [
        ("status: review            # draft | review | approved", "status: &s review", "anchor"),
        ("status: review            # draft | review | approved", "status: >-\n  review", "several lines"),
        ("status: review            # draft | review | approved", "status:\n  review", "following lines"),
    ] {
        let site = Site::fixture("cycle");
        let text = read(&site, RELEASE).replace(from, to);
        site.write(RELEASE, &text);
        let run = approve(&site, "payments-1-1");
        run.code_is(1);
        assert!(run.stderr.contains(reason), "{reason}\n{}", run.transcript());
        assert_eq!(read(&site, RELEASE), text);
    }
    let site = Site::fixture("cycle");
    let flow = "---\n{title: Dashboard 2.0, product: Dashboard, status: draft, deployed_at: 2026-11-25T18:00:00Z, features: [{title: Dark mode, groups: [customers]}]}\n---\n";
    site.write("content/releases/dashboard-2-0.md", flow);
    let run = approve(&site, "dashboard-2-0");
    run.code_is(1);
    assert!(run.stderr.contains("flow mapping"), "{}", run.transcript());
    assert_eq!(read(&site, "content/releases/dashboard-2-0.md"), flow);
}

#[test]
fn approve_bad_input() {
    let site = Site::fixture("cycle");
    let run = approve(&site, "payments-1-9");
    run.code_is(2);
    assert!(run.stderr.contains("did you mean"), "{}", run.transcript());
    site.run(&["approve", "payments-1-1", "--by", " ", "--now", NOW]).code_is(2);
    site.run(&["approve", "payments-1-1", "--by", "Dana", "--now", "yesterday"]).code_is(2);
    assert!(read(&site, RELEASE).contains("status: review"));
}

// --- staleness ---

/// Approves payments-1-1, applies `edit` to `rel`, and returns `check`'s run.
fn stale_after(rel: &str, edit: impl Fn(String) -> String) -> (Site, Run) {
    let site = Site::fixture("cycle");
    approve(&site, "payments-1-1").success();
    check(&site).success();
    let text = read(&site, rel);
    let edited = edit(text.clone());
    assert_ne!(text, edited, "the edit changes the file");
    site.write(rel, &edited);
    let run = check(&site);
    (site, run)
}

#[test]
fn editing_a_value_makes_the_approval_stale_for_that_group() {
    let (site, run) = stale_after(RELEASE, |t| t.replace("Refund webhooks arrive at once.", "Refund webhooks arrive."));
    run.code_is(1);
    let d = run.diagnostic_coded("stale-approval");
    assert!(d.starts_with(&format!("{RELEASE}:9:1: error: approved by Dana Ops at 2026-11-21T07:30:00Z")), "{d}");
    assert!(d.contains("`partners`") && !d.contains("`customers`"), "{d}");
    // Not published until approved again: the build fails and writes nothing.
    let run = site.run(&["build", "--now", NOW]);
    run.code_is(1);
    run.diagnostic_coded("stale-approval");
    assert!(!site.path("public").exists());
    approve(&site, "payments-1-1").success();
    check(&site).success();
}

#[test]
fn editing_a_hand_written_page_makes_the_approval_stale() {
    let (_, run) = stale_after("content/releases/payments-1-1/customers.md", |t| t.replace("patience", "trust"));
    run.code_is(1);
    let d = run.diagnostic_coded("stale-approval");
    assert!(d.contains("`customers`") && !d.contains("`partners`"), "{d}");
}

#[test]
fn editing_an_access_entry_makes_the_approval_stale() {
    let (_, run) = stale_after(RELEASE, |t| t.replace("where: EU and US regions.", "where: EU regions."));
    run.code_is(1);
    assert!(run.diagnostic_coded("stale-approval").contains("`customers`"));
}

#[test]
fn reaching_another_group_makes_the_approval_stale() {
    let (_, run) = stale_after(RELEASE, |t| t.replace("[customers, partners]", "[customers, partners, support]"));
    run.code_is(1);
    let d = run.diagnostic_coded("stale-approval");
    assert!(d.contains("`support`") && !d.contains("`customers`"), "{d}");
}

#[test]
fn reformatting_the_yaml_keeps_the_approval() {
    let (_, run) = stale_after(RELEASE, |t| {
        t.replace("  customers:\n    how:", "  customers:\n        how:")
            .replace("    when: From", "        when: From")
            .replace("    where: EU", "        where: EU")
            .replace("    permissions: The", "        permissions: The")
            .replace("groups: [customers, partners]", "groups:\n      - customers\n      - partners")
            .replace("partners: \"Refund webhooks arrive at once.\"", "partners: 'Refund webhooks arrive at once.'")
            .replace("# Who can refund, and where.", "# Who may refund.")
            .replace("Notes about the release as a whole.", "Notes about the release.")
    });
    run.success();
}

#[test]
fn an_approval_without_a_record_is_an_error_only_when_the_site_requires_one() {
    let site = Site::fixture("cycle");
    check(&site).success();
    let toml = read(&site, "site.toml") + "\n[review]\nrequire_approval_record = true\n";
    site.write("site.toml", &toml);
    let run = check(&site);
    run.code_is(1);
    let d = run.diagnostic_coded("missing-approval-record");
    assert!(d.starts_with("content/releases/payments-1-0.md:5:1: error:"), "{d}");
    assert!(d.contains("communique approve payments-1-0 --by"), "{d}");
    approve(&site, "payments-1-0").success();
    check(&site).success();
    // A record with a part missing is an error whatever the setting.
    let text = read(&site, "content/releases/payments-1-0.md");
    let partial: String = text.lines().filter(|l| !l.starts_with("approved_at")).map(|l| format!("{l}\n")).collect();
    site.write("content/releases/payments-1-0.md", &partial);
    assert!(check(&site).diagnostic_coded("incomplete-approval-record").contains("`approved_at`"));
}

// --- import changelog ---

#[test]
fn a_changelog_version_becomes_a_draft_release() {
    let site = Site::fixture("cycle");
    let run = site.run(&[
        "import",
        "changelog",
        "CHANGELOG.md",
        "--release",
        "payments-1-2",
        "--version",
        "1.2.0",
        "--product",
        "Payments",
    ]);
    run.success();
    let text = read(&site, "content/releases/payments-1-2.md");
    let yaml = text.split("---\n").nth(1).unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    assert_eq!(value["title"].as_str(), Some("Payments 1.2.0"));
    assert_eq!(value["product"].as_str(), Some("Payments"));
    assert_eq!(value["version"].as_str(), Some("1.2.0"));
    assert_eq!(value["status"].as_str(), Some("draft"));
    let features = value["features"].as_sequence().unwrap();
    let shown: Vec<(&str, &str)> =
        features.iter().map(|f| (f["kind"].as_str().unwrap(), f["title"].as_str().unwrap())).collect();
    assert_eq!(
        shown,
        [
            ("added", "Instant refunds for card payments (#412)."),
            ("added", "Invoices can be exported as PDF:"),
            ("changed", "Settlement reports are grouped by currency."),
            ("deprecated", "The v1/charges endpoint; use v2/payments instead."),
            ("fixed", "Rounding of amounts in Japanese yen."),
            ("security", "Webhook signatures use SHA-256."),
        ]
    );
    assert_eq!(
        features[1]["summary"].as_str(),
        Some("Invoices can be exported as PDF:\n- one invoice at a time;\n- or a whole month at once.")
    );
    assert!(features.iter().all(|f| f["groups"].as_sequence().is_some_and(|g| g.is_empty())));
    assert!(!text.contains("Swiss francs") && !text.contains("legacy CSV"), "{text}");
}

#[test]
fn import_takes_the_newest_released_version_by_default() {
    let site = Site::fixture("cycle");
    site.run(&["import", "changelog", "CHANGELOG.md", "--release", "next"]).success();
    assert!(read(&site, "content/releases/next.md").contains("version: 1.2.0"));
}

#[test]
fn import_bad_input() {
    let site = Site::fixture("cycle");
    let run = site.run(&["import", "changelog", "CHANGELOG.md", "--release", "x", "--version", "9.9.9"]);
    run.code_is(1);
    let d = run.diagnostic("CHANGELOG.md:1:1: error:");
    assert!(d.contains("`9.9.9`") && d.contains("1.2.0, 1.1.0"), "{d}");
    site.run(&["import", "changelog", "MISSING.md", "--release", "x"]).code_is(2);
    site.write("NOTES.md", "# Notes\n\nNothing here.\n");
    site.run(&["import", "changelog", "NOTES.md", "--release", "x"]).code_is(1);
    let before = read(&site, RELEASE);
    site.run(&["import", "changelog", "CHANGELOG.md", "--release", "payments-1-1"]).code_is(1);
    assert_eq!(read(&site, RELEASE), before);
    assert!(!site.path("content/releases/x.md").exists());
}

// --- review ---

#[test]
fn review_shows_who_approved_what_and_changed_stakeholders() {
    let site = Site::fixture("cycle");
    approve(&site, "payments-1-1").success();
    let run = site.run(&["review", "--now", NOW]);
    run.success();
    let text = &run.stdout;
    assert!(text.contains("Payments 1.1 (payments-1-1): approved by Dana Ops at 2026-11-21T07:30:00Z"), "{text}");
    assert!(text.contains("Payments 1.0 (payments-1-0): approved without a record"), "{text}");
    assert!(
        text.contains("Payments 1.1 (payments-1-1), after payments-1-0: Partners (partners): new audience: more than an update is needed"),
        "{text}"
    );
    assert!(text.contains("after payments-1-0: Support (support): no longer reached"), "{text}");
    assert!(
        !text.contains("Dashboard 2.0 (dashboard-2-0), after"),
        "a product's first release has no previous one\n{text}"
    );

    // A stale approval does not stop the review: it is where it is looked into.
    site.write(RELEASE, &read(&site, RELEASE).replace("The refunds API.", "The refunds API, v2."));
    let markdown = site.run(&["review", "--now", NOW, "--format", "markdown"]);
    markdown.success();
    assert!(
        markdown.stdout.contains("- Payments 1.1 (`payments-1-1`): STALE: approved by Dana Ops at 2026-11-21T07:30:00Z, but the texts for `partners` changed since"),
        "{}",
        markdown.stdout
    );
    assert!(
        markdown.stdout.contains("(`partners`): new audience: more than an update is needed"),
        "{}",
        markdown.stdout
    );
    let json = site.run(&["review", "--now", NOW, "--format", "json"]);
    json.success();
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let approval = value["approvals"].as_array().unwrap().iter().find(|a| a["slug"] == "payments-1-1").unwrap();
    assert_eq!(approval["state"], "stale");
    assert_eq!(approval["approved_by"], "Dana Ops");
    assert_eq!(approval["changed_groups"], serde_json::json!(["partners"]));
    let changes: Vec<(&str, &str)> = value["audience_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["group_id"].as_str().unwrap(), c["change"].as_str().unwrap()))
        .collect();
    assert_eq!(changes, [("partners", "new-audience"), ("support", "no-longer-reached")]);
}

#[test]
fn the_preview_review_page_shows_approvals_and_new_audiences() {
    let site = preview::fixture_site("cycle");
    let root = site.path().to_path_buf();
    common::run_in(&root, &["approve", "payments-1-1", "--by", "Dana Ops", "--now", "2026-11-21T07:30:00Z"], &[])
        .success();
    let preview = preview::Preview::start(site, &[]);
    let body = preview.wait_for("/_review/", |b| b.contains("Approvals"));
    assert!(body.contains("Approved by Dana Ops at 2026-11-21T07:30:00Z"), "{body}");
    assert!(body.contains("Partners — <strong>new audience: more than an update is needed</strong>"), "{body}");
    assert!(body.contains("Support — no longer reached"), "{body}");
}

// --- the guide ---

fn guide() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/content.md")).unwrap()
}

/// docs/content.md, "A release, start to finish", step by step on a site from `init`.
#[test]
fn the_guide_to_a_release_works_as_written() {
    let dir = tempfile::tempdir().unwrap();
    common::run_in(dir.path(), &["init", "mysite"], &[]).success();
    let site = dir.path().join("mysite");
    let run = |args: &[&str]| common::run_in(&site, args, &[]);
    // 1. New.
    run(&["new", "release", "payments-2-6", "--product", "Payments"]).success();
    // 3. Check, right after `new`: it names what to fill.
    let checked = run(&["check"]);
    checked.code_is(1);
    for field in ["`title` is required", "`deployed_at` is required", "`features[0].title` is required"] {
        assert!(checked.stderr.contains(field), "{field}\n{}", checked.transcript());
    }
    // 2. Write: the guide's example replaces the top of the file, down to the feature.
    let guide = guide();
    let step = guide.split("### 2. Write").nth(1).unwrap();
    let example = step.split("```yaml\n").nth(1).unwrap().split("```").next().unwrap();
    let file = site.join("content/releases/payments-2-6.md");
    let carried = std::fs::read_to_string(&file).unwrap();
    let rest = carried.split_once("access:").unwrap().1;
    std::fs::write(&file, format!("---\n{example}access:{rest}")).unwrap();
    run(&["check"]).success();
    // 4. Review: the new audience of the carried-over release, if any, is listed.
    let review = run(&["review"]);
    review.success();
    assert!(review.stdout.contains("Changed stakeholders"), "{}", review.transcript());
    // 5. Approve: the lines the guide shows, nothing else.
    let before = std::fs::read_to_string(&file).unwrap();
    run(&["approve", "payments-2-6", "--by", "Dana Ops"]).success();
    let after = std::fs::read_to_string(&file).unwrap();
    let (removed, added) = changed_lines(&before, &after);
    assert_eq!(removed, ["status: draft\n"]);
    let keys: Vec<&str> = added.iter().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(keys, ["status", "approved_by", "approved_at", "approved_fingerprint"]);
    // 6. Build, 7. Notify (the plan).
    run(&["build"]).success();
    run(&["notify"]).success();
    // An edit after the approval: the error the guide shows, on the line it names.
    std::fs::write(&file, after.replace("Sell bigger items", "Sell larger items")).unwrap();
    let stale = run(&["check"]);
    stale.code_is(1);
    let shown = guide.lines().find(|l| l.ends_with("[stale-approval]")).unwrap();
    let (place, message) = shown.split_once(" at ").unwrap();
    let line = stale.diagnostic_coded("stale-approval");
    assert!(line.starts_with(place), "{line}\nthe guide shows: {shown}");
    assert!(line.ends_with(message.split_once("Z, ").unwrap().1), "{line}\nthe guide shows: {shown}");
    run(&["build"]).code_is(1);
}

#[test]
fn the_publishing_guide_checks_pull_requests_for_stale_approvals() {
    let text =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/publishing.md")).unwrap();
    let section = text.split("## Approvals in pull requests").nth(1).unwrap();
    let workflow = section.split("```yaml\n").nth(1).unwrap().split("```").next().unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(workflow).unwrap();
    assert!(
        value["on"].get("pull_request").is_some() || value[serde_yaml::Value::Bool(true)].get("pull_request").is_some()
    );
    let steps = value["jobs"]["check"]["steps"].as_sequence().unwrap();
    assert!(steps.iter().any(|s| s["run"].as_str().is_some_and(|r| r.starts_with("communique check"))));
}

#[cfg(unix)]
#[test]
fn approve_leaves_a_linked_release_file_alone() {
    let site = Site::fixture("cycle");
    let text = read(&site, RELEASE);
    site.write("plans/payments-1-1.md", &text);
    site.remove(RELEASE);
    std::os::unix::fs::symlink(site.path("plans/payments-1-1.md"), site.path(RELEASE)).unwrap();
    check(&site).success();
    let run = approve(&site, "payments-1-1");
    run.code_is(1);
    assert!(run.stderr.contains("symbolic link"), "{}", run.transcript());
    assert!(std::fs::symlink_metadata(site.path(RELEASE)).unwrap().file_type().is_symlink());
    assert_eq!(read(&site, "plans/payments-1-1.md"), text);
}

/// The public preview's review leaves internal groups out; an approval that covers one is
/// still judged on the whole release, not found stale for lack of the internal texts.
#[test]
fn the_public_preview_review_judges_approvals_on_the_whole_release() {
    let site = preview::fixture_site("cycle");
    let root = site.path().to_path_buf();
    common::run_in(&root, &["approve", "payments-1-0", "--by", "Dana Ops", "--now", "2026-10-01T07:30:00Z"], &[])
        .success();
    let preview = preview::Preview::start(site, &["--audience", "public"]);
    let body = preview.wait_for("/_review/", |b| b.contains("Approvals"));
    assert!(body.contains("Approved by Dana Ops at 2026-10-01T07:30:00Z"), "{body}");
    assert!(!body.contains("Stale") && !body.contains("Support"), "{body}");
}

#[test]
fn marking_a_feature_breaking_or_adding_an_action_makes_the_approval_stale() {
    let (_, run) = stale_after(RELEASE, |t| {
        t.replace("    groups: [customers, partners]\n", "    groups: [customers, partners]\n    breaking: true\n")
    });
    run.code_is(1);
    let d = run.diagnostic_coded("stale-approval");
    assert!(d.contains("`customers`") && d.contains("`partners`"), "{d}");

    let action = "actions:\n  - text: Update the refund webhook handler.\n    groups: [partners]\naccess:\n";
    let (_, run) = stale_after(RELEASE, |t| t.replacen("access:\n", action, 1));
    run.code_is(1);
    let d = run.diagnostic_coded("stale-approval");
    assert!(d.contains("`partners`") && !d.contains("`customers`"), "{d}");
}
