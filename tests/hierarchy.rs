//! SPEC §3–4, hierarchy: a group receives everything its ancestors receive, inherits
//! their value, access and hand-written text when it has none of its own, and its own
//! entry wins. A release's groups are the named ones plus their descendants.

mod common;

use common::{group, Site, SITE_TOML};

const PAYMENTS: &str = "---
title: Payments 4.2
product: Payments
status: approved
deployed_at: 2026-11-10T09:00:00Z
summary: Payments summary.
features:
  - id: refunds
    title: Instant refunds
    summary: Refunds settle in seconds.
    groups: [customers]
    value:
      customers: VALUE-customers-refunds
      eu-enterprise: VALUE-eu-refunds
  - id: sso
    title: Single sign-on
    summary: Sign in with your identity provider.
    groups: [enterprise]
    value:
      enterprise: VALUE-enterprise-sso
access:
  customers:
    how: ACCESS-customers
  eu-enterprise:
    how: ACCESS-eu
constraints:
  - kind: regulatory
    text: CONSTRAINT-everyone
  - kind: availability
    text: CONSTRAINT-enterprise
    groups: [enterprise]
  - kind: capacity
    text: CONSTRAINT-customers
    groups: [customers]
---
";

const LEDGER: &str = "---
title: Ledger 7
product: Ledger
status: approved
deployed_at: 2026-11-12T09:00:00Z
features:
  - title: Exports
    groups: [sales]
    value: { sales: VALUE-sales-exports }
  - title: Residency
    groups: [eu-enterprise]
    value: { eu-enterprise: VALUE-eu-residency }
access:
  sales: { how: ACCESS-sales }
  eu-enterprise: { how: ACCESS-eu-ledger }
---
";

fn site() -> Site {
    Site::new(&[
        ("site.toml", SITE_TOML),
        ("content/stakeholders/customers.md", &group("Customers", "order: 1\n")),
        ("content/stakeholders/enterprise.md", &group("Enterprise", "parent: customers\n")),
        ("content/stakeholders/eu-enterprise.md", &group("EU enterprise", "parent: enterprise\n")),
        ("content/stakeholders/sales.md", &group("Sales", "order: 2\n")),
        ("content/releases/payments/index.md", PAYMENTS),
        ("content/releases/payments/customers.md", "---\ntitle: Payments for customers\n---\nHANDWRITTEN-customers\n"),
        ("content/releases/payments/eu-enterprise.md", "HANDWRITTEN-eu\n"),
        ("content/releases/ledger.md", LEDGER),
    ])
}

/// Asserts that `page` contains every `yes` and none of the `no`.
#[track_caller]
fn has(tree: &common::Tree, page: &str, yes: &[&str], no: &[&str]) {
    let html = tree.text(page);
    for y in yes {
        assert!(html.contains(y), "{page} should contain {y}");
    }
    for n in no {
        assert!(!html.contains(n), "{page} should not contain {n}");
    }
}

#[test]
fn the_site_checks_clean() {
    site().run(&["check", "--strict", "--now", common::NOW]).success();
}

#[test]
fn a_release_reaches_the_named_groups_and_their_descendants_only() {
    let tree = site().build(&[]);
    let communiques = |slug: &str| -> Vec<String> {
        let prefix = format!("releases/{slug}/");
        let mut ids: Vec<String> = tree
            .paths()
            .into_iter()
            .filter_map(|p| p.strip_prefix(&prefix)?.strip_suffix("/index.html").map(str::to_string))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(communiques("payments"), ["customers", "enterprise", "eu-enterprise"]);
    // Naming a child does not reach its parent.
    assert_eq!(communiques("ledger"), ["eu-enterprise", "sales"]);
    let eu_feed = tree.text("groups/eu-enterprise/feed.xml");
    assert!(
        eu_feed.contains("/releases/payments/eu-enterprise/") && eu_feed.contains("/releases/ledger/eu-enterprise/")
    );
    let customers_feed = tree.text("groups/customers/feed.xml");
    assert!(!customers_feed.contains("ledger"), "ledger names no customer group above eu-enterprise");
}

#[test]
fn a_child_receives_its_parents_features() {
    let tree = site().build(&[]);
    has(&tree, "releases/payments/customers/index.html", &["Instant refunds"], &["Single sign-on"]);
    has(&tree, "releases/payments/enterprise/index.html", &["Instant refunds", "Single sign-on"], &[]);
    has(&tree, "releases/payments/eu-enterprise/index.html", &["Instant refunds", "Single sign-on"], &[]);
}

#[test]
fn values_inherit_from_the_nearest_ancestor_and_the_own_one_wins() {
    let tree = site().build(&[]);
    has(&tree, "releases/payments/customers/index.html", &["VALUE-customers-refunds"], &["VALUE-eu-refunds"]);
    has(
        &tree,
        "releases/payments/enterprise/index.html",
        &["VALUE-customers-refunds", "VALUE-enterprise-sso"],
        &["VALUE-eu-refunds"],
    );
    has(
        &tree,
        "releases/payments/eu-enterprise/index.html",
        &["VALUE-eu-refunds", "VALUE-enterprise-sso"],
        &["VALUE-customers-refunds"],
    );
}

#[test]
fn access_inherits_from_the_nearest_ancestor_and_the_own_one_wins() {
    let tree = site().build(&[]);
    has(&tree, "releases/payments/customers/index.html", &["ACCESS-customers"], &["ACCESS-eu"]);
    has(&tree, "releases/payments/enterprise/index.html", &["ACCESS-customers"], &["ACCESS-eu"]);
    has(&tree, "releases/payments/eu-enterprise/index.html", &["ACCESS-eu"], &["ACCESS-customers"]);
}

#[test]
fn hand_written_text_inherits_and_the_own_one_wins() {
    let tree = site().build(&[]);
    has(&tree, "releases/payments/customers/index.html", &["HANDWRITTEN-customers"], &["HANDWRITTEN-eu"]);
    has(&tree, "releases/payments/enterprise/index.html", &["HANDWRITTEN-customers"], &["HANDWRITTEN-eu"]);
    has(&tree, "releases/payments/eu-enterprise/index.html", &["HANDWRITTEN-eu"], &["HANDWRITTEN-customers"]);
    // The hand-written title goes with the text: customers' title reaches enterprise, not eu-enterprise.
    has(&tree, "releases/payments/customers/index.html", &["<h1>Payments for customers</h1>"], &[]);
    has(&tree, "releases/payments/enterprise/index.html", &["<h1>Payments for customers</h1>"], &[]);
    has(&tree, "releases/payments/eu-enterprise/index.html", &["<h1>Payments 4.2</h1>"], &["Payments for customers"]);
}

#[test]
fn constraints_apply_to_their_groups_and_descendants_or_to_every_group() {
    let tree = site().build(&[]);
    has(
        &tree,
        "releases/payments/customers/index.html",
        &["CONSTRAINT-everyone", "CONSTRAINT-customers"],
        &["CONSTRAINT-enterprise"],
    );
    for id in ["enterprise", "eu-enterprise"] {
        has(
            &tree,
            &format!("releases/payments/{id}/index.html"),
            &["CONSTRAINT-everyone", "CONSTRAINT-enterprise", "CONSTRAINT-customers"],
            &[],
        );
    }
    // Grouped by kind, in the order availability, geographic, capacity, regulatory, other.
    let html = tree.text("releases/payments/eu-enterprise/index.html");
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("CONSTRAINT-enterprise") < at("CONSTRAINT-customers"), "availability before capacity");
    assert!(at("CONSTRAINT-customers") < at("CONSTRAINT-everyone"), "capacity before regulatory");
    // Each kind's label, a heading over several items or inline before one.
    assert!(at(">Availability") < at(">Capacity") && at(">Capacity") < at(">Regulation"));
    // The release page lists each constraint once, naming its groups.
    let release = tree.text("releases/payments/index.html");
    assert_eq!(release.matches("CONSTRAINT-enterprise").count(), 1);
    assert!(release.contains("for every group"), "a constraint without groups is for every group");
}

#[test]
fn a_value_for_a_group_the_feature_does_not_reach_is_an_error() {
    let site = site();
    // `sales` is not under `customers`: refunds does not reach it.
    site.write(
        "content/releases/payments/index.md",
        &PAYMENTS.replace("      eu-enterprise: VALUE-eu-refunds\n", "      sales: VALUE-sales\n"),
    );
    let check = site.run(&["check", "--now", common::NOW]);
    check.code_is(1);
    let line = check.diagnostic("content/releases/payments/index.md:14:7: error: ");
    assert!(line.contains("[unknown-group]") && line.contains("sales") && line.contains("refunds"), "{line}");
}

#[test]
fn hand_written_text_for_a_group_outside_the_release_is_an_error() {
    let site = site();
    site.write("content/releases/payments/sales.md", "For sales.\n");
    let check = site.run(&["check", "--now", common::NOW]);
    check.code_is(1);
    let line = check.diagnostic("content/releases/payments/sales.md:1:1: error: ");
    assert!(line.contains("[handwritten-outside-release]") && line.contains("sales"), "{line}");
}

#[test]
fn group_lists_put_children_right_after_their_parent() {
    let tree = site().build(&[]);
    let html = tree.text("groups/index.html");
    let at = |id: &str| html.find(&format!("href=\"https://releases.acme.example/groups/{id}/\"")).expect(id);
    assert!(at("customers") < at("enterprise"));
    assert!(at("enterprise") < at("eu-enterprise"));
    assert!(
        at("eu-enterprise") < at("sales"),
        "children come right after their parent, before the next top-level group"
    );
    assert!(html.contains("depth-2"), "eu-enterprise is two levels down");
}

#[test]
fn parent_cycles_and_unknown_parents_are_errors() {
    let site = site();
    site.write("content/stakeholders/customers.md", &group("Customers", "parent: eu-enterprise\n"));
    site.write("content/stakeholders/sales.md", &group("Sales", "parent: marketting\n"));
    let check = site.run(&["check", "--now", common::NOW]);
    check.code_is(1);
    assert!(check.stderr.contains("[parent-cycle]"), "{}", check.stderr);
    let line = check.diagnostic("content/stakeholders/sales.md:3:9: error: ");
    assert!(line.contains("[unknown-group]") && line.contains("marketting"), "{line}");
}
