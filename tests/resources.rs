//! Hostile files cost bounded resources: a YAML alias bomb, or a large anchor repeated
//! many times, fails fast in little memory, deeply nested YAML is refused, a 20 MB Markdown body builds, and 100,000 levels of
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

/// Runs `communique <command>` in the site's folder under a 1 GiB address-space limit:
/// the exit code (None when killed) and stderr.
fn run_in_1_gib(site: &Site, command: &str) -> (Option<i32>, String) {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v 1048576 && exec \"$0\" {command}"))
        .arg(env!("CARGO_BIN_EXE_communique"))
        .current_dir(site.root())
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// `check` and `build` both fail with exactly `diagnostic`, under a 1 GiB limit.
#[track_caller]
fn refused_in_1_gib(site: &Site, diagnostic: &str) {
    for command in ["check", &format!("build --now {NOW}")] {
        let (code, stderr) = run_in_1_gib(site, command);
        assert_eq!(code, Some(1), "{command}: {stderr}");
        let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error: ")).collect();
        assert_eq!(errors, [diagnostic], "{command}");
    }
    assert!(!site.path("public").exists());
}

#[test]
fn a_yaml_alias_bomb_fails_fast_in_little_memory() {
    // An expansion would blow the 1 GiB limit many times over.
    refused_in_1_gib(
        &site(&alias_bomb()),
        "content/releases/payments-4-2/index.md:14:35: error: with this alias, aliases expand the front matter to more than 1 MB (10 times its size, and at least 1 MB); write the value out once instead of repeating it with `*` [yaml-syntax]",
    );
}

#[test]
fn a_large_anchor_repeated_200_times_is_refused_in_little_memory() {
    // 1 MB of summary, and 200 features whose summary is that one: 200 MB once read,
    // copied again by every later step. Aliases may expand a front matter to 10 times
    // its size: the alias that goes past that, the tenth, is named.
    let mut release = format!("---\n{HEAD}summary: &summary \"{}\"\nfeatures:\n", "x".repeat(1 << 20));
    for i in 0..200 {
        release.push_str(&format!("  - title: Feature {i}\n    groups: [customers]\n    summary: *summary\n"));
    }
    release.push_str("---\n");
    refused_in_1_gib(
        &site(&release),
        "content/releases/payments-4-2/index.md:37:14: error: with this alias, aliases expand the front matter to more than 10.1 MB (10 times its size, and at least 1 MB); write the value out once instead of repeating it with `*` [yaml-syntax]",
    );
}

#[test]
fn a_key_nested_120_deep_in_a_large_group_file_is_refused_in_little_memory() {
    // A list 120 deep, of half a million words, as a key: written out into the message
    // about an unknown field, it took more than 1 GiB.
    let key = format!("{}{}{}", "[".repeat(120), vec!["y"; 500_000].join(","), "]".repeat(120));
    let site = site(&format!("---\n{HEAD}{FEATURE}---\n"));
    site.write("content/stakeholders/customers.md", &format!("---\nname: Customers\n? {key}\n: v\n---\n"));
    refused_in_1_gib(
        &site,
        // `? ` is 2 columns; the 65th `[` is where it stops.
        "content/stakeholders/customers.md:3:67: error: lists and mappings nest more than 64 levels deep here; front matter needs a few at most: move what is nested this deep up to a level of its own [yaml-syntax]",
    );
    // The same depth in block style, under a field.
    let mut group = String::from("---\nname: Customers\n");
    for level in 0..120 {
        group.push_str(&format!("{}level{level}:\n", "  ".repeat(level)));
    }
    group.push_str(&format!("{}text: \"{}\"\n---\n", "  ".repeat(120), "y".repeat(1 << 20)));
    site.write("content/stakeholders/customers.md", &group);
    // `level64` is the first key 65 mappings deep (the front matter itself is the first).
    refused_in_1_gib(
        &site,
        "content/stakeholders/customers.md:67:129: error: lists and mappings nest more than 64 levels deep here; front matter needs a few at most: move what is nested this deep up to a level of its own [yaml-syntax]",
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
                "content/releases/payments-4-2/index.md:9:{}: error: lists and mappings nest more than 64 levels deep here; front matter needs a few at most: move what is nested this deep up to a level of its own [yaml-syntax]",
                // `summary: ` is 9 columns; the 65th opening bracket is where it stops.
                10 + nested.char_indices().filter(|(_, c)| *c == '[' || *c == '{').nth(64).unwrap().0
            )]
        );
    }
    // Block style, compact: `- - - - x`, one level per two characters; the 64th `- `
    // opens the 65th level (the front matter itself is the first).
    let run = site(&format!("---\n{HEAD}{FEATURE}components:\n  {}x\n---\n", "- ".repeat(100_000))).run(&["check"]);
    run.code_is(1);
    assert_eq!(
        run.diagnostics(),
        ["content/releases/payments-4-2/index.md:10:129: error: lists and mappings nest more than 64 levels deep here; front matter needs a few at most: move what is nested this deep up to a level of its own [yaml-syntax]"]
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
    // rendered on a dozen pages and feeds). Front matter refuses 64 unclosed
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
