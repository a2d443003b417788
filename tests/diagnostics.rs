//! SPEC §7, diagnostics: every error code of docs/content.md and every warning code,
//! each triggered by its own small site and pinned to `path:line:col`; the JSON and
//! GitHub formats; exit codes; and hostile input that must never crash the program.

mod common;

use common::{group, Run, Site, NOW, SITE_TOML};

/// A clean release. Lines: 1 `---`, 2 title, 3 product, 4 status, 5 deployed_at,
/// 6 features, 7 `- title`, 8 groups, 9 value, 10 customers, 11 access, 12 customers,
/// 13 how, 14 `---`.
const PAYMENTS: &str = "---
title: Payments 4.2
product: Payments
status: approved
deployed_at: 2026-11-01T09:00:00Z
features:
  - title: Instant refunds
    groups: [customers]
    value:
      customers: Money back the same day.
access:
  customers:
    how: Nothing to do.
---
Release notes.
";

/// A window with an `id`, as an item of `windows:` (five lines).
const WINDOW: &str = "  - id: switch-over\n    title: Switch-over\n    kind: maintenance\n    start: 2026-11-01T01:00:00Z\n    end: 2026-11-01T03:00:00Z\n";

const CUSTOMERS: &str = "---\nname: Customers\nsummary: People who pay.\n---\nWho they are.\n";

/// A site that `check --strict` passes, with `files` written over it.
fn site_with(files: &[(&str, &str)]) -> Site {
    let site = Site::new(&[
        ("site.toml", SITE_TOML),
        ("content/stakeholders/customers.md", CUSTOMERS),
        ("content/releases/payments.md", PAYMENTS),
    ]);
    for (path, text) in files {
        site.write(path, text);
    }
    site
}

fn check(site: &Site, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--now", NOW];
    args.extend_from_slice(extra);
    site.run(&args)
}

fn payments(from: &str, to: &str) -> String {
    assert!(PAYMENTS.contains(from), "{from}");
    PAYMENTS.replacen(from, to, 1)
}

#[test]
fn the_base_site_is_clean() {
    let site = site_with(&[]);
    let run = check(&site, &["--strict"]);
    run.success();
    assert_eq!(run.stderr.trim(), "0 errors, 0 warnings");
}

/// One error per case: the files that cause it, the exact `path:line:col: error: `
/// prefix, the code and words the message must contain.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, String)>,
    prefix: &'static str,
    code: &'static str,
    words: &'static [&'static str],
}

fn error_cases() -> Vec<Case> {
    let case =
        |name, files: Vec<(&'static str, String)>, prefix, code, words| Case { name, files, prefix, code, words };
    vec![
        case(
            "io",
            vec![("site.toml", String::new())],
            "site.toml:1:1: error: ",
            "io",
            &["no site.toml", "communique init"],
        ),
        case(
            "encoding",
            vec![("content/stakeholders/developers.md", String::new())],
            "content/stakeholders/developers.md:3:13: error: ",
            "encoding",
            &["UTF-8"],
        ),
        case(
            "front-matter missing",
            vec![("content/stakeholders/developers.md", "name: Developers\n".into())],
            "content/stakeholders/developers.md:1:1: error: ",
            "front-matter",
            &["---"],
        ),
        case(
            "front-matter unterminated",
            vec![("content/stakeholders/developers.md", "---\nname: Developers\nsummary: Builders.\n".into())],
            "content/stakeholders/developers.md:3:1: error: ",
            "front-matter",
            &["unterminated", "---"],
        ),
        case(
            "yaml-syntax",
            vec![(
                "content/stakeholders/developers.md",
                "---\nname: Developers\nsummary: Builders: all of them\n---\n".into(),
            )],
            "content/stakeholders/developers.md:3:",
            "yaml-syntax",
            &["YAML", "put the value in quotes: `summary: \"Builders: all of them\"`"],
        ),
        case(
            "yaml-syntax unclosed list",
            vec![(
                "content/releases/payments.md",
                payments("    groups: [customers]\n", "    groups: [customers\n"),
            )],
            "content/releases/payments.md:8:13: error: ",
            "yaml-syntax",
            &["`[`", "not closed", "`]`"],
        ),
        case(
            "no-group",
            vec![(
                "content/releases/payments.md",
                payments(
                    "features:\n  - title: Instant refunds\n    groups: [customers]\n    value:\n      customers: Money back the same day.\n",
                    "",
                ),
            )],
            "content/releases/payments.md:2:1: error: ",
            "no-group",
            &["reaches no group", "groups: [customers]"],
        ),
        case(
            "yaml-syntax duplicate key",
            vec![(
                "content/releases/payments.md",
                payments("product: Payments\n", "product: Payments\ntitle: Again\n"),
            )],
            "content/releases/payments.md:4:1: error: ",
            "yaml-syntax",
            &["title", "only once"],
        ),
        case(
            "toml-syntax",
            vec![("site.toml", "title = \"Acme\nbase_url = \"https://releases.acme.example/\"\n".into())],
            "site.toml:1:",
            "toml-syntax",
            &["TOML"],
        ),
        case(
            "unknown-field in front matter",
            vec![("content/releases/payments.md", payments("product: Payments\n", "product: Payments\ntitel: Typo\n"))],
            "content/releases/payments.md:4:1: error: ",
            "unknown-field",
            &["`titel`", "did you mean `title`?"],
        ),
        case(
            "unknown-field in a feature",
            vec![(
                "content/releases/payments.md",
                payments("    groups: [customers]\n", "    groups: [customers]\n    sumary: x\n"),
            )],
            "content/releases/payments.md:9:5: error: ",
            "unknown-field",
            &["`sumary`", "features[0]", "did you mean `summary`?"],
        ),
        case(
            "unknown-field in site.toml",
            vec![("site.toml", format!("{SITE_TOML}pagniate_by = 3\n"))],
            "site.toml:3:1: error: ",
            "unknown-field",
            &["`pagniate_by`", "did you mean `paginate_by`?"],
        ),
        case(
            "missing-field",
            vec![("content/releases/payments.md", payments("product: Payments\n", ""))],
            "content/releases/payments.md:2:1: error: ",
            "missing-field",
            &["`product` is required"],
        ),
        case(
            "missing-field in site.toml",
            vec![("site.toml", "title = \"Acme\"\n".into())],
            "site.toml:1:1: error: ",
            "missing-field",
            &["`base_url` is required"],
        ),
        case(
            "invalid-value status",
            vec![("content/releases/payments.md", payments("status: approved", "status: aproved"))],
            "content/releases/payments.md:4:9: error: ",
            "invalid-value",
            &["`aproved`", "did you mean `approved`?"],
        ),
        case(
            "invalid-value type",
            vec![("content/stakeholders/customers.md", "---\nname: Customers\norder: first\n---\n".into())],
            "content/stakeholders/customers.md:3:8: error: ",
            "invalid-value",
            &["order", "first"],
        ),
        case(
            "invalid-value base_url",
            vec![("site.toml", "title = \"Acme\"\nbase_url = \"/releases/\"\n".into())],
            "site.toml:2:1: error: ",
            "invalid-value",
            &["absolute URL"],
        ),
        case(
            "invalid-id file name",
            vec![("content/stakeholders/Dev Team.md", group("Developers", ""))],
            "content/stakeholders/Dev Team.md:1:1: error: ",
            "invalid-id",
            &["`dev-team`"],
        ),
        case(
            "invalid-id feature",
            vec![(
                "content/releases/payments.md",
                payments("  - title: Instant refunds\n", "  - title: Instant refunds\n    id: Instant Refunds\n"),
            )],
            "content/releases/payments.md:8:9: error: ",
            "invalid-id",
            &["`instant-refunds`"],
        ),
        case(
            "invalid-date",
            vec![(
                "content/releases/payments.md",
                payments("deployed_at: 2026-11-01T09:00:00Z", "deployed_at: 20/11/2026"),
            )],
            "content/releases/payments.md:5:14: error: ",
            "invalid-date",
            &["`20/11/2026`", "2026-11-20T18:00:00Z"],
        ),
        case(
            "invalid-date impossible",
            vec![(
                "content/releases/payments.md",
                payments("deployed_at: 2026-11-01T09:00:00Z", "deployed_at: 2026-02-30"),
            )],
            "content/releases/payments.md:5:14: error: ",
            "invalid-date",
            &["2026-02-30"],
        ),
        case(
            "unknown-group",
            vec![("content/releases/payments.md", payments("groups: [customers]", "groups: [custmers]"))],
            "content/releases/payments.md:8:14: error: ",
            "unknown-group",
            &["`custmers`", "did you mean `customers`?"],
        ),
        case(
            "unknown-group in access",
            vec![("content/releases/payments.md", payments("  customers:\n    how:", "  custmers:\n    how:"))],
            "content/releases/payments.md:12:3: error: ",
            "unknown-group",
            &["`custmers`", "did you mean `customers`?"],
        ),
        case(
            "duplicate-feature",
            vec![(
                "content/releases/payments.md",
                payments("access:\n", "  - title: Instant refunds\n    groups: [customers]\naccess:\n"),
            )],
            "content/releases/payments.md:11:5: error: ",
            "duplicate-feature",
            &["`instant-refunds`"],
        ),
        case(
            "duplicate-slug",
            vec![("content/releases/payments/index.md", PAYMENTS.to_string())],
            "content/releases/payments.md:1:1: error: ",
            "duplicate-slug",
            &["content/releases/payments/index.md", "keep one"],
        ),
        case(
            "parent-cycle",
            vec![
                ("content/stakeholders/customers.md", "---\nname: Customers\nparent: partners\n---\n".into()),
                ("content/stakeholders/partners.md", "---\nname: Partners\nparent: customers\n---\n".into()),
            ],
            "content/stakeholders/customers.md:3:9: error: ",
            "parent-cycle",
            &["customers", "partners"],
        ),
        case(
            "public-under-internal",
            vec![
                ("content/stakeholders/staff.md", group("Staff", "audience: internal\n")),
                ("content/stakeholders/customers.md", "---\nname: Customers\nparent: staff\n---\n".into()),
            ],
            "content/stakeholders/customers.md:3:1: error: ",
            "public-under-internal",
            &["`customers`", "`staff`"],
        ),
        case(
            "handwritten-outside-release",
            vec![
                ("content/stakeholders/sales.md", group("Sales", "")),
                ("content/releases/payments/index.md", PAYMENTS.to_string()),
                ("content/releases/payments/sales.md", "Hand-written for sales.\n".into()),
            ],
            "content/releases/payments/sales.md:1:1: error: ",
            "handwritten-outside-release",
            &["`sales`", "payments"],
        ),
        // Copied into an output that is a git checkout (a `gh-pages` worktree), a
        // `.git/commondir` or a `.git` file naming another git folder makes git read a
        // config from the repository, and run the command it names.
        case(
            "static-git: a `.git` folder in static/",
            vec![("static/.git/commondir", "../evil\n".into())],
            "static/.git:1:1: error: ",
            "static-git",
            &["`.git`", "git"],
        ),
        case(
            "static-git: a `.git` file in a theme's static/",
            vec![("themes/default/static/docs/.Git", "gitdir: ../../evil\n".into())],
            "themes/default/static/docs/.Git:1:1: error: ",
            "static-git",
            &["`.git`", "git"],
        ),
        case(
            "output-collision: a release slug the release list's pages use",
            vec![("content/releases/page.md", PAYMENTS.to_string())],
            "content/releases/page.md:1:1: error: ",
            "output-collision",
            &["`page`", "`releases/page/2/`", "page-release"],
        ),
        case(
            "output-collision: a group id that is the group list's page",
            vec![("content/stakeholders/index.html.md", group("Index", ""))],
            "content/stakeholders/index.html.md:1:1: error: ",
            "output-collision",
            &["`index.html`", "`groups/index.html`", "index-html-group"],
        ),
        case(
            "output-collision: two products, one folder",
            vec![("content/releases/zeta.md", payments("product: Payments", "product: PAYMENTS"))],
            "content/releases/zeta.md:3:10: error: ",
            "output-collision",
            &["`PAYMENTS`", "`Payments`", "content/releases/payments.md", "products/payments/"],
        ),
        case(
            "output-collision: a static file where the build makes a folder",
            vec![("static/releases", "a file\n".into())],
            "static/releases:1:1: error: ",
            "output-collision",
            &["the release list", "`releases/`"],
        ),
        case(
            "name-too-long",
            vec![(
                "content/releases/zeta.md",
                payments("product: Payments", &format!("product: {}", "Payments ".repeat(30))),
            )],
            "content/releases/zeta.md:3:10: error: ",
            "name-too-long",
            &["products/<name>/", "255"],
        ),
        case(
            "duplicate-window",
            vec![(
                "content/releases/payments.md",
                payments("---\nRelease notes.", &format!("windows:\n{WINDOW}{WINDOW}---\nRelease notes.")),
            )],
            "content/releases/payments.md:20:9: error: ",
            "duplicate-window",
            &["`switch-over`", "windows[0]"],
        ),
        case(
            "invalid-id of a window",
            vec![(
                "content/releases/payments.md",
                payments(
                    "---\nRelease notes.",
                    &format!("windows:\n{}---\nRelease notes.", WINDOW.replace("switch-over", "Switch over")),
                ),
            )],
            "content/releases/payments.md:15:9: error: ",
            "invalid-id",
            &["`Switch over`", "`switch-over`"],
        ),
        case(
            "template",
            vec![(
                "themes/default/templates/group.html",
                "{% extends \"base.html\" %}\n{% block content %}\n{% for x in %}\n{% endblock %}\n".into(),
            )],
            "themes/default/templates/group.html:3:",
            "template",
            &["syntax error"],
        ),
    ]
}

#[test]
fn every_error_code_is_reported_where_it_is() {
    for case in error_cases() {
        let site = site_with(&[]);
        for (path, text) in &case.files {
            match case.name {
                // The file is removed; a folder form of the release replaces the plain one.
                "io" => site.remove(path),
                "handwritten-outside-release" if path.ends_with("index.md") => {
                    site.remove("content/releases/payments.md");
                    site.write(path, text);
                }
                "encoding" => site.write_bytes(path, b"---\nname: Developers\nsummary: Caf\xe9 owners\n---\n"),
                _ => site.write(path, text),
            }
        }
        let run = check(&site, &[]);
        assert_eq!(run.code, 1, "{}: exit code\n{}", case.name, run.transcript());
        let tag = format!("[{}]", case.code);
        let found: Vec<&str> =
            run.diagnostics().into_iter().filter(|l| l.starts_with(case.prefix) && l.ends_with(&tag)).collect();
        assert_eq!(found.len(), 1, "{}: one `{}…{tag}`\n{}", case.name, case.prefix, run.stderr);
        let line = found[0];
        assert!(line.contains(": error: "), "{}: {line}", case.name);
        for word in case.words {
            assert!(line.contains(word), "{}: `{line}` should contain {word}", case.name);
        }
        // `build` refuses the same site, with the same diagnostic, and writes nothing.
        let build = site.run(&["build", "--now", NOW]);
        assert_eq!(build.code, 1, "{}: build exit code\n{}", case.name, build.transcript());
        assert!(build.stderr.contains(line), "{}: build reports `{line}`\n{}", case.name, build.stderr);
        assert!(build.stdout.is_empty(), "{}: no summary line", case.name);
        assert!(!site.path("public").exists(), "{}: a failed build wrote the output", case.name);
    }
}

#[test]
fn static_files_beside_pages_are_fine_over_a_page_are_warned_of_and_in_the_way_are_refused() {
    // A stylesheet over the theme's, files in the folders of pages, and a release whose
    // slug merely looks like a feed's name: nothing the build makes is replaced.
    let site = site_with(&[
        ("static/style.css", "body { color: black; }\n"),
        ("static/releases/payments/diagram.png", "png"),
        ("static/groups/customers/logo.png", "png"),
        ("static/products/payments/feed.xml.bak", "old"),
        ("content/releases/feed.xml.md", &payments("product: Payments", "product: Payments")),
    ]);
    check(&site, &["--strict"]).success();
    site.run(&["build", "--now", NOW]).success();
    // Over a communique, a group's feed and a product's feed: the static file wins, and
    // says so.
    for (path, words) in [
        ("static/releases/payments/customers/index.html", "the communique of release `payments` for group `customers`"),
        ("static/groups/customers/atom.xml", "a feed of group `customers`"),
        ("static/products/payments/feed.xml", "the feed of product `payments`"),
    ] {
        let site = site_with(&[(path, "mine")]);
        let run = check(&site, &[]);
        run.code_is(0);
        let line = run.diagnostic(&format!("{path}:1:1: warning: "));
        assert!(line.contains(words) && line.ends_with("[static-over-page]"), "{line}");
        check(&site, &["--strict"]).code_is(1);
        let tree = site.build(&[]);
        assert_eq!(tree.text(path.strip_prefix("static/").unwrap()), "mine");
    }
    // In a folder where the build writes a file, or a file where it makes a folder: the
    // build could not write both, and refuses before writing anything.
    for (path, words) in [
        ("static/releases/index.html/notes.txt", "folder `releases/index.html/`"),
        ("static/groups/customers", "the folder of group `customers`"),
    ] {
        let site = site_with(&[(path, "mine")]);
        let run = check(&site, &[]);
        run.code_is(1);
        let line = run.diagnostic(&format!("{path}:1:1: error: "));
        assert!(line.contains(words) && line.ends_with("[output-collision]"), "{line}");
        let build = site.run(&["build", "--now", NOW]);
        build.code_is(1);
        assert!(build.stderr.contains(line), "{}", build.stderr);
        assert!(!site.path("public").exists(), "refused before anything is written");
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_site_is_an_error() {
    let outside = tempfile::TempDir::new().unwrap();
    std::fs::write(outside.path().join("sales.md"), group("Sales", "")).unwrap();
    let site = site_with(&[]);
    std::os::unix::fs::symlink(outside.path().join("sales.md"), site.path("content/stakeholders/sales.md")).unwrap();
    let run = check(&site, &[]);
    run.code_is(1);
    let line = run.diagnostic("content/stakeholders/sales.md:1:1: error: ");
    assert!(line.ends_with("[symlink-outside-site]"), "{line}");
    // A link that stays inside the site is fine.
    site.remove("content/stakeholders/sales.md");
    site.write("shared/sales.md", &group("Sales", ""));
    site.write("content/releases/ledger.md", &common::release("Ledger", "approved", "2026-11-01", &["sales"]));
    std::os::unix::fs::symlink(site.path("shared/sales.md"), site.path("content/stakeholders/sales.md")).unwrap();
    check(&site, &["--strict"]).success();
}

#[test]
fn every_error_of_every_file_is_reported_in_one_run() {
    let site = site_with(&[
        ("site.toml", &format!("{SITE_TOML}pagniate_by = 3\n")),
        ("content/stakeholders/customers.md", "---\nname: Customers\nsumary: typo\n---\n"),
        ("content/releases/payments.md", &payments("status: approved", "status: aproved")),
        ("content/releases/ledger.md", &payments("  customers:\n    how:", "  custmers:\n    how:")),
        ("content/releases/refunds.md", &payments("deployed_at: 2026-11-01T09:00:00Z", "deployed_at: tomorrow")),
    ]);
    let run = check(&site, &[]);
    run.code_is(1);
    let lines = run.diagnostics();
    let expected = [
        "content/releases/ledger.md:12:3: error: ",
        "content/releases/payments.md:4:9: error: ",
        "content/releases/refunds.md:5:14: error: ",
        "content/stakeholders/customers.md:3:1: error: ",
        "site.toml:3:1: error: ",
    ];
    assert_eq!(lines.len(), expected.len(), "{}", run.stderr);
    for (line, prefix) in lines.iter().zip(expected) {
        assert!(line.starts_with(prefix), "`{line}` should start with `{prefix}`\n{}", run.stderr);
    }
    assert!(run.stderr.ends_with("5 errors, 0 warnings\n"), "{}", run.stderr);
    // `build` reports the same, all of them.
    let build = site.run(&["build", "--now", NOW]);
    build.code_is(1);
    assert_eq!(build.diagnostics(), lines);
}

#[test]
fn check_format_json_is_an_array_of_diagnostics() {
    let site = site_with(&[
        ("content/releases/payments.md", &payments("status: approved", "status: aproved")),
        ("content/notes.md", "Notes to self.\n"),
    ]);
    let run = check(&site, &["--format", "json"]);
    run.code_is(1);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    let items = value.as_array().expect("a JSON array");
    assert_eq!(items.len(), 2, "{value}");
    for item in items {
        let keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(sorted, ["code", "column", "line", "message", "path", "severity"]);
    }
    assert_eq!(items[0]["path"], "content/notes.md");
    assert_eq!((&items[0]["line"], &items[0]["column"]), (&serde_json::json!(1), &serde_json::json!(1)));
    assert_eq!(items[0]["severity"], "warning");
    assert_eq!(items[0]["code"], "ignored-file");
    assert_eq!(items[1]["path"], "content/releases/payments.md");
    assert_eq!(items[1]["line"], 4);
    assert_eq!(items[1]["column"], 9);
    assert_eq!(items[1]["severity"], "error");
    assert_eq!(items[1]["code"], "invalid-value");
    assert!(items[1]["message"].as_str().unwrap().contains("did you mean `approved`?"));
    // A clean site is an empty array.
    let clean = check(&site_with(&[]), &["--format", "json"]);
    clean.success();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&clean.stdout).unwrap(), serde_json::json!([]));
}

#[test]
fn check_format_github_prints_annotations() {
    let site = site_with(&[
        ("content/releases/payments.md", &payments("status: approved", "status: aproved")),
        ("content/notes.md", "Notes to self.\n"),
    ]);
    let run = check(&site, &["--format", "github"]);
    run.code_is(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with("::warning file=content/notes.md,line=1,col=1"), "{}", lines[0]);
    assert!(lines[1].starts_with("::error file=content/releases/payments.md,line=4,col=9"), "{}", lines[1]);
    assert!(lines[1].contains("::`status` cannot be `aproved`"), "{}", lines[1]);
}

#[test]
fn exit_codes() {
    let clean = site_with(&[]);
    check(&clean, &[]).code_is(0);
    check(&clean, &["--strict"]).code_is(0);
    let warned = site_with(&[("content/stakeholders/sales.md", &group("Sales", ""))]);
    check(&warned, &[]).code_is(0);
    check(&warned, &["--strict"]).code_is(1);
    warned.run(&["build", "--now", NOW]).code_is(0);
    let broken = site_with(&[("content/releases/payments.md", &payments("status: approved", "status: aproved"))]);
    check(&broken, &[]).code_is(1);
    broken.run(&["build", "--now", NOW]).code_is(1);
    for usage in [
        &["build", "--audience", "nobody"][..],
        &["check", "--format", "xml"],
        &["build", "--now", "next tuesday"],
        &["build", "--no-such-flag"],
        &["publish"],
    ] {
        let run = clean.run(usage);
        run.code_is(2);
        assert!(!run.stderr.is_empty(), "{usage:?} explains itself");
    }
    assert!(!clean.path("public").exists(), "usage errors write nothing");
}

#[test]
fn a_build_with_warnings_says_so_on_its_one_line() {
    let site = site_with(&[("content/stakeholders/sales.md", &group("Sales", ""))]);
    let run = site.run(&["build", "--now", NOW]);
    run.success();
    assert_eq!(run.stdout.lines().count(), 1);
    assert!(run.stdout.contains("1 warning"), "{}", run.stdout);
}

/// A warning code, the files that trigger it, and the `path:line:col: warning: ` it gives.
type WarningCase = (&'static str, Vec<(&'static str, String)>, &'static str);

/// One warning per case, and nothing else.
fn warning_cases() -> Vec<WarningCase> {
    let affected = payments("product: Payments\n", "product: Payments\ncomponents: [payments-api]\n");
    vec![
        (
            "static-over-page",
            vec![("static/index.html", "<p>Our own home page</p>\n".into())],
            "static/index.html:1:1: warning: ",
        ),
        (
            "missing-value",
            vec![(
                "content/releases/payments.md",
                payments("    value:\n      customers: Money back the same day.\n", ""),
            )],
            "content/releases/payments.md:8:14: warning: ",
        ),
        (
            "missing-access",
            vec![("content/releases/payments.md", payments("access:\n  customers:\n    how: Nothing to do.\n", ""))],
            "content/releases/payments.md:2:1: warning: ",
        ),
        (
            "long-summary",
            vec![
                ("site.toml", format!("{SITE_TOML}[lint]\nsummary_max_words = 5\n")),
                (
                    "content/releases/payments.md",
                    payments("product: Payments\n", "product: Payments\nsummary: One two three four five six.\n"),
                ),
            ],
            "content/releases/payments.md:4:10: warning: ",
        ),
        (
            "unreached-group",
            vec![("content/stakeholders/sales.md", group("Sales", ""))],
            "content/stakeholders/sales.md:1:1: warning: ",
        ),
        (
            "unreached-affected-group",
            vec![
                ("content/releases/payments.md", affected),
                ("content/stakeholders/developers.md", group("Developers", "components: [payments-api, cli]\n")),
                (
                    "content/releases/cli.md",
                    common::release("CLI 2", "approved", "2026-11-01T09:00:00Z", &["developers"]),
                ),
            ],
            "content/releases/payments.md:4:1: warning: ",
        ),
        (
            "publish-before-deploy",
            vec![(
                "content/releases/payments.md",
                payments(
                    "deployed_at: 2026-11-01T09:00:00Z\n",
                    "deployed_at: 2026-11-01T09:00:00Z\npublish_at: 2026-11-01T08:00:00Z\n",
                ),
            )],
            "content/releases/payments.md:6:13: warning: ",
        ),
        (
            "term",
            vec![
                ("site.toml", format!("{SITE_TOML}[lint]\nterms = {{ \"log in\" = \"sign in\" }}\n")),
                ("content/releases/payments.md", payments("Release notes.", "You can now log in with a passkey.")),
            ],
            "content/releases/payments.md:15:13: warning: ",
        ),
        (
            "product-spelling",
            vec![
                ("content/releases/ledger.md", payments("title: Payments 4.2", "title: Payments 4.3")),
                ("content/releases/refunds.md", payments("product: Payments", "product: Payment")),
            ],
            "content/releases/refunds.md:3:10: warning: ",
        ),
        (
            "overdue-approval",
            vec![("content/releases/payments.md", payments("status: approved", "status: review"))],
            "content/releases/payments.md:4:9: warning: ",
        ),
        ("ignored-file", vec![("content/notes.md", "Notes to self.\n".into())], "content/notes.md:1:1: warning: "),
        (
            "lossy-number",
            vec![(
                "content/releases/payments.md",
                payments("product: Payments\n", "product: Payments\nversion: 2.10\n"),
            )],
            "content/releases/payments.md:4:10: warning: ",
        ),
    ]
}

#[test]
fn every_warning_code_is_triggered_by_its_own_fixture() {
    for (code, files, prefix) in warning_cases() {
        let site = site_with(&[]);
        for (path, text) in &files {
            site.write(path, text);
        }
        let run = check(&site, &[]);
        assert_eq!(run.code, 0, "{code}: warnings alone pass without --strict\n{}", run.transcript());
        let lines = run.diagnostics();
        assert_eq!(lines.len(), 1, "{code}: exactly one diagnostic\n{}", run.stderr);
        assert!(lines[0].starts_with(prefix), "{code}: `{}` should start with `{prefix}`", lines[0]);
        assert!(lines[0].contains(": warning: ") && lines[0].ends_with(&format!("[{code}]")), "{code}: {}", lines[0]);
        assert!(run.stderr.ends_with("0 errors, 1 warning\n"), "{code}: {}", run.stderr);
        assert_eq!(check(&site, &["--strict"]).code, 1, "{code}: --strict fails on it");
    }
}

#[test]
fn warnings_name_what_to_do() {
    let site = site_with(&[
        ("site.toml", &format!("{SITE_TOML}[lint]\nterms = {{ \"log in\" = \"sign in\" }}\n")),
        ("content/releases/payments.md", &payments("Release notes.", "Log in with a passkey.")),
    ]);
    let run = check(&site, &[]);
    assert!(run.diagnostic_coded("term").contains("`sign in`"), "{}", run.stderr);
    let site = site_with(&[("content/releases/refunds.md", &payments("product: Payments", "product: Payment"))]);
    let run = check(&site, &[]);
    let line = run.diagnostic_coded("product-spelling");
    assert!(line.contains("`Payment`") && line.contains("`Payments`"), "{line}");
}

#[test]
fn the_repositorys_sample_site_checks_clean() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = common::run_in(std::path::Path::new(root), &["check", "--strict", "--now", NOW, "--root", root], &[]);
    run.success();
    assert_eq!(run.stderr.trim(), "0 errors, 0 warnings");
}

#[test]
fn a_bom_and_crlf_line_endings_are_accepted_with_positions_intact() {
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let site = site_with(&[]);
    site.write_bytes("content/stakeholders/customers.md", format!("\u{feff}{}", crlf(CUSTOMERS)).as_bytes());
    site.write("content/releases/payments.md", &crlf(PAYMENTS));
    site.write("site.toml", &format!("\u{feff}{}", crlf(SITE_TOML)));
    check(&site, &["--strict"]).success();
    let tree = site.build(&[]);
    let page = tree.text("releases/payments/customers/index.html");
    assert!(page.contains("Money back the same day.") && !page.contains('\r'), "no carriage return in the page");
    assert!(tree.text("groups/customers/index.html").contains("Who they are."));
    // Positions stay right in a CRLF file.
    site.write("content/releases/payments.md", &crlf(&payments("status: approved", "status: aproved")));
    let run = check(&site, &[]);
    run.code_is(1);
    run.diagnostic("content/releases/payments.md:4:9: error: ");
}

#[test]
fn hostile_input_never_crashes() {
    let cases: &[(&str, &[u8])] = &[
        ("content/stakeholders/customers.md", b"\xff\xfe\x00n\x00a\x00m\x00e"),
        ("content/releases/payments.md", b"---\ntitle: \xc3\x28\n---\n"),
        ("content/releases/payments.md", b""),
        ("content/stakeholders/customers.md", b""),
        ("content/stakeholders/customers.md", b"---"),
        ("content/stakeholders/customers.md", b"---\n---\n"),
        ("content/stakeholders/customers.md", b"---\n- name\n- Customers\n---\n"),
        ("content/stakeholders/customers.md", b"---\n42\n---\n"),
        ("content/stakeholders/customers.md", b"---\nname: [Customers]\ncontacts: {a: b}\n---\n"),
        ("content/releases/payments.md", b"---\ntitle: P\nproduct: P\nstatus: approved\ndeployed_at: 2026-11-01\nfeatures: [a, b]\n---\n"),
        ("content/releases/payments.md", b"---\ntitle: P\nproduct: P\nstatus: approved\ndeployed_at: 2026-11-01\nfeatures:\n  title: F\n---\n"),
        ("content/releases/payments.md", b"---\ntitle: P\nproduct: P\nstatus: approved\ndeployed_at: 2026-11-01\nfeatures:\n  - title: F\n    groups: customers\n    value: [x]\naccess: [customers]\nconstraints: {kind: other}\n---\n"),
        ("content/releases/payments.md", b"---\ntitle: P\nproduct: P\nstatus: [approved]\ndeployed_at: {a: 1}\npublish_at: 12\n---\n"),
        ("content/releases/payments.md", b"---\ntitle: P\n\tproduct: P\n---\n"),
        ("content/releases/payments.md", b"---\n\ttitle: P\n---\n"),
        ("content/releases/payments.md", b"---\ntitle: !!binary aGVsbG8=\nproduct: &a P\nstatus: *a\ndeployed_at: 2026-11-01\n---\n"),
        ("content/releases/payments.md", b"---\ntitle: P\nproduct: P\nstatus: approved\ndeployed_at: 99999-99-99\n---\n"),
        ("content/releases/payments.md", b"---\ntitle: P\nproduct: P\nstatus: approved\ndeployed_at: 2026-11-01\nfeatures:\n  - title: \"\\u0000\"\n    groups: [customers]\n---\n\x00\x01\x02"),
        ("content/releases/payments.md", b"---\ntitle: \xf0\x9f\x9a\x80 \xe2\x80\xae\nproduct: \xe2\x80\x8b\nstatus: approved\ndeployed_at: 2026-11-01\nfeatures:\n  - title: \xf0\x9f\x9a\x80\n    groups: [customers]\n---\n"),
        ("content/releases/payments/customers.md", b"---\ntitle: [x]\n---\n"),
        ("content/releases/payments/customers.md", b"\xff"),
        ("site.toml", b"\xff\xfe"),
        ("site.toml", b""),
        ("site.toml", b"title = 1\nbase_url = [\"x\"]\npaginate_by = -1\nfeed_limit = 0\n[markdown]\nunsafe_html = \"yes\"\n"),
        ("site.toml", b"title = \"T\"\nbase_url = \"https://x.example/\"\nmarkdown = 3\nlint = \"no\"\n"),
        ("site.toml", b"title = \"T\"\nbase_url = \"https://x.example/\"\ntimezone = \"Mars/Olympus\"\ntheme = \"../..\"\n"),
    ];
    for (path, bytes) in cases {
        let site = site_with(&[]);
        site.write_bytes(path, bytes);
        for args in
            [&["check", "--now", NOW][..], &["check", "--format", "json", "--now", NOW], &["build", "--now", NOW]]
        {
            let run = site.run(args);
            assert!(
                run.code == 0 || run.code == 1,
                "{path} = {:?}: `{}` exit {}\n{}",
                String::from_utf8_lossy(bytes),
                args.join(" "),
                run.code,
                run.transcript()
            );
            if run.code == 1 && args[0] == "check" && args.len() == 3 {
                assert!(!run.diagnostics().is_empty(), "{path}: exit 1 with a diagnostic\n{}", run.transcript());
            }
        }
    }
}

#[test]
fn a_list_where_a_mapping_belongs_is_explained_in_the_authors_words() {
    let site = site_with(&[(
        "content/releases/payments.md",
        "---\ntitle: P\nproduct: P\nstatus: approved\ndeployed_at: 2026-11-01\nfeatures:\n  - Instant refunds\n---\n",
    )]);
    let run = check(&site, &[]);
    run.code_is(1);
    let line = run.diagnostic("content/releases/payments.md:7:5: error: ");
    assert!(line.ends_with("[invalid-value]"), "{line}");
    assert!(line.contains("features[0]") && line.contains("mapping"), "{line}");
    assert!(!line.contains("Raw"), "no Rust type names in a message for authors: {line}");
    let site = site_with(&[(
        "content/releases/payments.md",
        &payments("access:\n  customers:\n    how: Nothing to do.\n", "access:\n  - customers\n"),
    )]);
    let run = check(&site, &[]);
    run.code_is(1);
    let line = run.diagnostic("content/releases/payments.md:12:3: error: ");
    assert!(line.contains("`access`") && line.contains("found a list") && line.contains("mapping"), "{line}");
}

#[test]
fn tabs_in_front_matter_are_explained() {
    let site =
        site_with(&[("content/releases/payments.md", &payments("    groups: [customers]", "\tgroups: [customers]"))]);
    let run = check(&site, &[]);
    run.code_is(1);
    let line = run.diagnostic("content/releases/payments.md:8:1: error: ");
    assert!(line.contains("tab") && line.ends_with("[yaml-syntax]"), "{line}");
}

#[test]
fn a_version_that_yaml_reads_as_a_shorter_number_is_kept_as_written_and_told_to_be_quoted() {
    let site = site_with(&[(
        "content/releases/payments.md",
        &payments("product: Payments\n", "product: Payments\nversion: 2.10\n"),
    )]);
    let line = check(&site, &[]).diagnostic_coded("lossy-number").to_string();
    assert!(line.contains("`2.10` as the number 2.1") && line.contains("`version: \"2.10\"`"), "{line}");
    let page = site.build(&[]).text("releases/payments/index.html");
    assert!(page.contains("2.10"), "the version as written");
    // Quoted, it is text, and nothing is said.
    let site = site_with(&[(
        "content/releases/payments.md",
        &payments("product: Payments\n", "product: Payments\nversion: \"2.10\"\n"),
    )]);
    check(&site, &["--strict"]).code_is(0);
}

#[test]
fn a_typo_is_reported_before_what_it_leaves_missing() {
    // `grups` for `groups`: the unknown field (line 9) comes before the missing `groups`
    // that its item (line 7) reports.
    let site = site_with(&[(
        "content/releases/payments.md",
        &payments("    groups: [customers]\n", "    grups: [customers]\n"),
    )]);
    let run = check(&site, &[]);
    run.code_is(1);
    let errors: Vec<&str> = run.diagnostics().into_iter().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert!(errors[0].starts_with("content/releases/payments.md:8:5: error: unknown field `grups`"), "{}", run.stderr);
    assert!(errors[0].contains("did you mean `groups`?"), "{}", errors[0]);
    assert!(errors[1].ends_with("[missing-field]"), "{}", run.stderr);
    // `feaures` for `features`: the unknown field, then the release that reaches no group.
    let site = site_with(&[("content/releases/payments.md", &payments("features:\n", "feaures:\n"))]);
    let run = check(&site, &[]);
    run.code_is(1);
    let errors: Vec<&str> = run.diagnostics().into_iter().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert!(
        errors[0].starts_with("content/releases/payments.md:6:1: error: unknown field `feaures`"),
        "{}",
        run.stderr
    );
    assert!(
        errors[1].starts_with("content/releases/payments.md:2:1: error: ") && errors[1].ends_with("[no-group]"),
        "{}",
        run.stderr
    );
}

#[test]
fn text_with_colon_space_in_a_list_is_told_to_be_quoted() {
    let site = site_with(&[(
        "content/stakeholders/customers.md",
        "---\nname: Customers\ncontacts:\n  - Jane Doe: on call\n---\n",
    )]);
    let run = check(&site, &[]);
    run.code_is(1);
    let line = run.diagnostic("content/stakeholders/customers.md:4:5: error: ");
    assert!(line.contains("`contacts[0]`") && line.contains("put the value in quotes"), "{line}");
}
