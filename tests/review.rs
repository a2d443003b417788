//! `communique review`: golden output for each format, on the small site in
//! `tests/fixtures/review/`, and the 120-column promise on the repository's sample site.
//!
//! After an intended change to the output, rewrite the expected files with
//! `UPDATE_GOLDEN=1 cargo test --test review` and read the diff before committing it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-11-26T00:00:00Z";

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> PathBuf {
    repository().join("tests/fixtures/review")
}

fn review(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_communique"))
        .arg("review")
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("the communique binary runs")
}

fn stdout_of(root: &Path, args: &[&str]) -> String {
    let output = review(root, args);
    assert!(
        output.status.success(),
        "review {args:?} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Compares `actual` with `tests/fixtures/review/<name>` byte for byte, or rewrites the
/// file when `UPDATE_GOLDEN=1`.
fn golden(name: &str, actual: &str) {
    let path = fixture().join(name);
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::write(&path, actual).expect("writing the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_GOLDEN=1 to create it", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(e, a)| e != a).map_or_else(
            || format!("the outputs have {} and {} lines", expected.lines().count(), actual.lines().count()),
            |i| {
                format!(
                    "first difference on line {}:\nexpected: {}\nactual:   {}",
                    i + 1,
                    expected.lines().nth(i).unwrap_or_default(),
                    actual.lines().nth(i).unwrap_or_default()
                )
            },
        );
        panic!(
            "{} differs from the output ({line})\n\nthe whole output:\n{actual}\n\
             if the change is intended, run `UPDATE_GOLDEN=1 cargo test --test review`",
            path.display()
        );
    }
}

#[test]
fn text_is_golden() {
    golden("expected.txt", &stdout_of(&fixture(), &["--now", NOW]));
}

#[test]
fn markdown_is_golden() {
    golden("expected.md", &stdout_of(&fixture(), &["--now", NOW, "--format", "markdown"]));
}

#[test]
fn json_is_golden() {
    golden("expected.json", &stdout_of(&fixture(), &["--now", NOW, "--format", "json"]));
}

#[test]
fn plan_is_golden() {
    golden("expected-plan.txt", &stdout_of(&fixture(), &["--now", NOW, "--plan"]));
}

/// What the theme's `review.html` and scripts read.
#[test]
fn json_has_the_fields_templates_use() {
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&fixture(), &["--now", NOW, "--format", "json"])).expect("JSON");
    let rows = json["rows"].as_array().expect("rows");
    // Every release × group, internal groups and every status included.
    assert_eq!(rows.len(), 9);
    for row in rows {
        for field in ["release_title", "url", "product", "version", "status", "group_name", "words", "warnings"] {
            assert!(!row[field].is_null(), "{field} in {row}");
        }
        assert!(row["publish_at"]["iso"].is_string(), "{row}");
        assert!(row["reading_ease"].is_number(), "{row}");
    }
    let dates: Vec<&str> = rows.iter().map(|r| r["publish_at"]["iso"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "ordered by publish date: {dates:?}");
    let support: Vec<_> = rows.iter().filter(|r| r["group_id"] == "support").collect();
    assert_eq!(support.len(), 1, "the internal group is reviewed too");
    assert_eq!(json["unreached_groups"][0]["group_id"], "sales");
    assert_eq!(json["affected_unreached"][0]["group_id"], "sales");
    // A group's warning stays on its row: only the developers miss the value.
    let codes = |group: &str, slug: &str| -> Vec<String> {
        let row = rows.iter().find(|r| r["group_id"] == group && r["slug"] == slug).expect("row");
        row["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap().to_string()).collect()
    };
    assert!(codes("developers", "dashboard-3-0").iter().any(|w| w.ends_with("[missing-value]")));
    assert!(!codes("customers", "dashboard-3-0").iter().any(|w| w.ends_with("[missing-value]")));
    assert!(codes("enterprise", "dashboard-3-0").iter().any(|w| w.ends_with("[term]")));
    assert!(!codes("customers", "dashboard-3-0").iter().any(|w| w.ends_with("[term]")));
}

#[test]
fn plan_json_lists_channels_and_contacts() {
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&fixture(), &["--now", NOW, "--plan", "--format", "json"])).expect("JSON");
    let groups = json["groups"].as_array().expect("groups");
    let ids: Vec<&str> = groups.iter().map(|g| g["group_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["customers", "enterprise", "developers", "support", "sales"]);
    let developers = &groups[2];
    assert_eq!(developers["channels"][1]["url"], "https://releases.example.com/groups/developers/feed.xml");
    assert_eq!(developers["contacts"].as_array().unwrap().len(), 2);
    let states: Vec<&str> =
        developers["communiques"].as_array().unwrap().iter().map(|c| c["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["draft", "scheduled"]);
    let markdown = stdout_of(&fixture(), &["--now", NOW, "--plan", "--format", "markdown"]);
    assert!(markdown.contains("## Support team (support, internal: internal build only)"), "{markdown}");
}

#[test]
fn text_fits_120_columns_on_the_sample_site() {
    for args in [&["--now", NOW][..], &["--now", NOW, "--plan"][..]] {
        let text = stdout_of(&repository(), args);
        assert!(text.lines().count() > 10, "{text}");
        for line in text.lines() {
            assert!(line.chars().count() <= 120, "{args:?}: {} characters: {line}", line.chars().count());
        }
    }
    for line in stdout_of(&fixture(), &["--now", NOW]).lines() {
        assert!(line.chars().count() <= 120, "{line}");
    }
}

#[test]
fn a_broken_site_is_an_error_and_a_bad_now_a_usage_error() {
    let output = review(&fixture().join("content"), &["--now", NOW]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("site.toml"));
    let output = review(&fixture(), &["--now", "tomorrow"]);
    assert_eq!(output.status.code(), Some(2));
}

/// The Markdown review is pasted into pull requests and wikis, where a fork's title could
/// otherwise hide the rows after it (`<!--`), add a link or a row, or ping a team.
#[test]
fn content_in_the_markdown_review_is_text_and_adds_no_markup() {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let site = common::Site::fixture("review");
    let hostile = "Payments <!-- *2.4* [x](https://evil.example/) | a | row @acme/team";
    let release = std::fs::read_to_string(site.path("content/releases/payments-2-4.md")).unwrap();
    let release = release
        .replacen("title: Payments 2.4", &format!("title: \"{hostile}\""), 1)
        .replacen("product: Payments", "product: \"Pay<img src=https://evil.example/t.png>\"", 1)
        .replacen(
            "summary: Refunds settle instantly on debit cards.",
            "summary: \"# Heading\\n\\n- log in with [y](javascript:alert(1)) <b>now</b>\"",
            1,
        );
    site.write("content/releases/payments-2-4.md", &release);
    let customers = std::fs::read_to_string(site.path("content/stakeholders/customers.md")).unwrap();
    site.write(
        "content/stakeholders/customers.md",
        &customers.replacen("name: Customers", "name: \"Customers --> `x`\"", 1),
    );

    for args in [&["--format", "markdown"][..], &["--plan", "--format", "markdown"]] {
        let args: Vec<&str> = ["--now", NOW].iter().chain(args).copied().collect();
        let markdown = stdout_of(site.root(), &args);
        let mut text = String::new();
        for event in Parser::new_ext(&markdown, Options::ENABLE_TABLES) {
            match event {
                Event::Html(html) | Event::InlineHtml(html) => panic!("HTML `{html}` in:\n{markdown}"),
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let ours =
                        dest_url.starts_with("https://releases.example.com/") || dest_url.ends_with("@example.com");
                    assert!(ours, "a link to {dest_url}:\n{markdown}")
                }
                Event::Start(Tag::Image { .. } | Tag::Emphasis | Tag::Strong) => panic!("{event:?} in:\n{markdown}"),
                Event::Start(Tag::Heading { .. }) => text.push_str("\n#"),
                Event::Text(t) | Event::Code(t) => text.push_str(&t),
                _ => {}
            }
        }
        assert!(
            text.contains(hostile.split_once('@').unwrap().0),
            "{args:?}: the title is not shown as written:\n{text}"
        );
        assert!(!text.contains("@acme"), "{args:?}: a mention:\n{text}");
        assert!(!text.contains("\n#Heading"), "{args:?}: a heading from content:\n{markdown}");
        assert_eq!(markdown.matches("Pay<img").count(), 0, "{markdown}");
    }
}
