//! Hostile files cost bounded resources: a YAML alias bomb fails fast in little memory,
//! deeply nested YAML is refused, a 20 MB Markdown body builds, and 100,000 levels of
//! nested block quotes or lists overflow no stack (the parse, our heading-id pass, the
//! templates, the feeds). Figures measured on a release build are in docs/security.md.

mod common;

use common::{Site, NOW, SITE_TOML};
use std::process::Command;

const CUSTOMERS: &str = "---\nname: Customers\n---\n";
const HEAD: &str = "title: Payments 4.2\nproduct: Payments\nstatus: approved\ndeployed_at: 2026-11-20\n";
const FEATURE: &str = "features:\n  - title: Instant refunds\n    groups: [customers]\n";
const R: &str = "content/releases/payments-4-2/index.md";

fn site(release: &str) -> Site {
    Site::new(&[("site.toml", SITE_TOML), ("content/stakeholders/customers.md", CUSTOMERS), (R, release)])
}

/// "Billion laughs": nine levels of nine aliases each, 9^9 (387 million) strings if expanded.
fn alias_bomb() -> String {
    let mut yaml = format!("---\n{HEAD}{FEATURE}lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let refs = vec![format!("*lol{}", i - 1); 9].join(", ");
        yaml.push_str(&format!("lol{i}: &lol{i} [{refs}]\n"));
    }
    yaml.push_str("---\n");
    yaml
}

#[test]
fn a_yaml_alias_bomb_fails_fast_in_little_memory() {
    let site = site(&alias_bomb());
    // Under a 1 GiB address-space limit, which an expansion would blow many times over.
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" check")
        .arg(env!("CARGO_BIN_EXE_communique"))
        .current_dir(site.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "content/releases/payments-4-2/index.md:2:1: error: repetition limit exceeded: aliases expand too far; write the values out instead of nesting aliases [yaml-syntax]"
        ),
        "{stderr}"
    );
}

#[test]
fn deeply_nested_yaml_is_refused_at_once() {
    // Flow style: the YAML reader's time grows with depth × tokens, so depth is capped
    // before it reads anything.
    for nested in ["[".repeat(100_000), "{a: ".repeat(100_000), "[{".repeat(50_000)] {
        let run = site(&format!("---\n{HEAD}{FEATURE}summary: {nested}\n---\n")).run(&["check"]);
        run.code_is(1);
        assert_eq!(
            run.diagnostics(),
            [format!(
                "content/releases/payments-4-2/index.md:9:{}: error: lists and mappings nest more than 128 levels deep here; front matter needs a few at most [yaml-syntax]",
                // `summary: ` is 9 columns; the 129th opening bracket is where it stops.
                10 + nested.char_indices().filter(|(_, c)| *c == '[' || *c == '{').nth(128).unwrap().0
            )]
        );
    }
    // Block style, compact: `- - - - x`, one level per two characters.
    let run = site(&format!("---\n{HEAD}{FEATURE}components:\n  {}x\n---\n", "- ".repeat(100_000))).run(&["check"]);
    run.code_is(1);
    let line = run.diagnostic("content/releases/payments-4-2/index.md:10:");
    assert!(
        line.ends_with("error: recursion limit exceeded: lists and mappings nest too deep; front matter needs a few levels at most [yaml-syntax]"),
        "{line}"
    );
}

/// A valid release whose body is `body`, summary `summary` and value `value`.
fn release_with(body: &str, summary: &str, value: &str) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap();
    format!(
        "---\n{HEAD}summary: {}\n{FEATURE}    value:\n      customers: {}\naccess:\n  customers:\n    how: {}\n---\n{body}",
        quote(summary),
        quote(value),
        quote(value)
    )
}

#[test]
fn a_20_mb_markdown_body_builds() {
    let mut body = String::with_capacity(21 << 20);
    let mut n = 0;
    while body.len() < 20 << 20 {
        n += 1;
        if n % 50 == 0 {
            body.push_str(&format!("## Section {n}\n\n"));
        }
        body.push_str("Refunds **settle** in `seconds`, see [the guide](/groups/customers/) and _more_. ");
        body.push_str("Invoices export as PDF; reconciliation gains a column.\n\n");
    }
    let site = site(&release_with(&body, "Big.", "Worth it."));
    let tree = site.build(&[]);
    let page = tree.text("releases/payments-4-2/index.html");
    assert!(page.len() > 20 << 20, "the whole body is on the release page");
    assert!(page.contains("<h2 id=\"section-50\">Section 50</h2>"));
    common::assert_well_formed("feed.xml", &tree.text("feed.xml"));
}

/// Markdown nested `n` levels deep.
type Nesting = fn(usize) -> String;

#[test]
fn a_hundred_thousand_levels_of_nesting_overflow_no_stack() {
    let cases: [(&str, Nesting); 6] = [
        ("block quotes", |n| ">".repeat(n) + " deep\n"),
        ("list items on one line", |n| "- ".repeat(n) + "deep\n"),
        ("ordered list items", |n| "1. ".repeat(n) + "deep\n"),
        ("emphasis", |n| "*".repeat(n) + "deep" + &"*".repeat(n) + "\n"),
        ("link brackets", |n| "[".repeat(n) + "deep" + &"]".repeat(n) + "(x)\n"),
        ("headings in quotes", |n| "> # deep\n".repeat(n)),
    ];
    // Each case is a whole build; they run side by side.
    std::thread::scope(|scope| {
        for (what, make) in cases {
            scope.spawn(move || nesting_case(what, make));
        }
    });
}

fn nesting_case(what: &str, make: Nesting) {
    // 100,000 levels in the release's body, a group's body and a hand-written page;
    // 10,000 in the summary (inline Markdown, as values and access entries are,
    // rendered on a dozen pages and feeds). Front matter refuses 128 unclosed
    // brackets even inside quotes (see `deeply_nested_yaml_is_refused_at_once`), so
    // the bracket case keeps its summary plain.
    let text = make(100_000);
    let summary = if what == "link brackets" { "Summary.".to_string() } else { make(10_000) };
    let site = site(&release_with(&text, &summary, "Worth it."));
    site.write("content/stakeholders/customers.md", &format!("{CUSTOMERS}{text}"));
    site.write("content/releases/payments-4-2/customers.md", &format!("---\ntitle: For you\n---\n{text}"));
    let run = site.run(&["build", "--now", NOW]);
    run.success();
    let page = std::fs::read_to_string(site.path("public/releases/payments-4-2/customers/index.html")).unwrap();
    assert!(page.contains("deep"), "{what}: the text is on the communique");
    let feed = std::fs::read_to_string(site.path("public/groups/customers/feed.xml")).unwrap();
    common::assert_well_formed(&format!("{what}: the group feed"), &feed);
}

#[test]
fn many_small_hostile_things_at_once() {
    // Long lines, many headings with the same text (unique ids), a huge table.
    let mut body = String::new();
    body.push_str(&"x".repeat(1 << 20));
    body.push_str("\n\n");
    body.push_str(&"# Same\n\n".repeat(5_000));
    body.push_str(&format!("|{}\n|{}\n", "a|".repeat(5_000), "-|".repeat(5_000)));
    let site = site(&release_with(&body, "Summary.", "Value."));
    let tree = site.build(&[]);
    let page = tree.text("releases/payments-4-2/index.html");
    assert!(page.contains("<h1 id=\"same-4999\">Same</h1>"), "heading ids stay unique");
}
