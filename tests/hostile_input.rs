//! Malformed input never panics: every broken file gets `path:line:col: error: …` with a
//! message that says what to do. Each case below is a small site with one hostile file
//! and the exact errors `communique check` must print for it (and `build` refuses it).

mod common;

use common::{Site, SITE_TOML};

const CUSTOMERS: &str = "---\nname: Customers\n---\n";
const SUPPORT: &str = "---\nname: Support\naudience: internal\n---\n";

/// The fields every valid release needs, for cases that break something else.
const HEAD: &str = "title: Payments 4.2\nproduct: Payments\nstatus: approved\ndeployed_at: 2026-11-20\n";
const FEATURE: &str = "features:\n  - title: Instant refunds\n    groups: [customers]\n";

/// A site with two groups and the given extra files.
fn site(files: &[(&str, &[u8])]) -> Site {
    let site = Site::new(&[
        ("site.toml", SITE_TOML),
        ("content/stakeholders/customers.md", CUSTOMERS),
        ("content/stakeholders/support.md", SUPPORT),
    ]);
    for (path, bytes) in files {
        site.write_bytes(path, bytes);
    }
    site
}

/// The error lines of `check`, which must fail; `build` must fail too and write nothing.
#[track_caller]
fn errors(files: &[(&str, &[u8])]) -> Vec<String> {
    let site = site(files);
    let run = site.run(&["check"]);
    run.code_is(1);
    let build = site.run(&["build", "--now", common::NOW]);
    build.code_is(1);
    assert!(!site.path("public").exists(), "a failed build writes nothing");
    run.stderr.lines().filter(|l| l.contains(": error: ")).map(str::to_string).collect()
}

#[track_caller]
fn expect(files: &[(&str, &[u8])], expected: &[&str]) {
    let found = errors(files);
    assert_eq!(found, expected, "\nfound:\n{}\n", found.join("\n"));
}

fn release(yaml: &str) -> Vec<u8> {
    format!("---\n{yaml}---\nBody.\n").into_bytes()
}

const R: &str = "content/releases/payments-4-2.md";

#[test]
fn unterminated_front_matter() {
    expect(
        &[(R, b"---\ntitle: Payments 4.2\nproduct: Payments\n\nBody without the closing line.\n")],
        &["content/releases/payments-4-2.md:5:1: error: unterminated front matter: add a line `---` after the last YAML field (the block opened on line 1) [front-matter]"],
    );
}

#[test]
fn missing_front_matter() {
    expect(
        &[(R, b"title: Payments 4.2\n")],
        &["content/releases/payments-4-2.md:1:1: error: missing front matter: the file must start with a line `---`, then YAML fields, then a line `---` [front-matter]"],
    );
}

#[test]
fn empty_files() {
    expect(
        &[(R, b""), ("content/stakeholders/sales.md", b"\n  \n")],
        &[
            "content/releases/payments-4-2.md:1:1: error: the file is empty: write a line `---`, then YAML fields, then a line `---` [front-matter]",
            "content/stakeholders/sales.md:1:1: error: the file is empty: write a line `---`, then YAML fields, then a line `---` [front-matter]",
        ],
    );
    // An empty front matter is a front matter with every required field missing.
    expect(
        &[("content/stakeholders/sales.md", b"---\n---\n")],
        &["content/stakeholders/sales.md:1:1: error: `name` is required: add `name: Enterprise customers` [missing-field]"],
    );
}

#[test]
fn invalid_utf8_names_the_file_and_the_place() {
    let mut latin1 = b"---\nname: Soci\xe9t\xe9 G\xe9n\xe9rale\n---\n".to_vec();
    expect(
        &[("content/stakeholders/societe.md", &latin1)],
        &["content/stakeholders/societe.md:2:11: error: the file is not UTF-8 text: save it as UTF-8 in your editor (it may be Latin-1 or UTF-16) [encoding]"],
    );
    // UTF-16 with its byte-order mark, as some Windows editors save.
    latin1.clear();
    latin1.extend_from_slice(&[0xFF, 0xFE]);
    for unit in "---\nname: X\n---\n".encode_utf16() {
        latin1.extend_from_slice(&unit.to_le_bytes());
    }
    expect(
        &[("content/stakeholders/x.md", &latin1)],
        &["content/stakeholders/x.md:1:1: error: the file is not UTF-8 text: save it as UTF-8 in your editor (it may be Latin-1 or UTF-16) [encoding]"],
    );
    // site.toml too.
    let site = Site::new(&[("content/stakeholders/customers.md", CUSTOMERS)]);
    site.write_bytes("site.toml", b"title = \"Caf\xe9\"\nbase_url = \"https://x.example/\"\n");
    let run = site.run(&["check"]);
    run.code_is(1);
    run.diagnostic("site.toml:1:13: error: the file is not UTF-8 text");
}

#[test]
fn a_byte_order_mark_and_crlf_line_endings_are_accepted() {
    let crlf = |text: &str| format!("\u{feff}{}", text.replace('\n', "\r\n"));
    let site = Site::new(&[
        ("site.toml", &crlf(SITE_TOML)),
        ("content/stakeholders/customers.md", &crlf("---\nname: Customers\nsummary: Everyone who pays.\n---\nWho they are.\n")),
        (
            "content/releases/payments-4-2/index.md",
            &crlf(&format!(
                "---\n{HEAD}summary: Refunds settle instantly.\n{FEATURE}    value:\n      customers: Money back the same day.\naccess:\n  customers:\n    how: Nothing to do.\n---\n# Rollout\n\nNotes.\n"
            )),
        ),
        ("content/releases/payments-4-2/customers.md", &crlf("---\ntitle: For you\n---\nHand-written.\n")),
    ]);
    let run = site.run(&["check", "--strict"]);
    run.success();
    let tree = site.build(&[]);
    let page = tree.text("releases/payments-4-2/customers/index.html");
    for expected in ["For you", "Money back the same day.", "Hand-written.", "Nothing to do."] {
        assert!(page.contains(expected), "{expected} in the communique");
    }
    assert!(!page.contains('\u{feff}'), "the byte-order mark is not content");
    assert!(tree.text("releases/payments-4-2/index.html").contains("<h1 id=\"rollout\">Rollout</h1>"));
}

#[test]
fn tabs_in_yaml() {
    expect(
        &[(R, &release(&format!("{HEAD}features:\n\t- title: Instant refunds\n")))],
        &["content/releases/payments-4-2.md:7:1: error: a tab indents this line; YAML indents with spaces only, so replace the tab with spaces [yaml-syntax]"],
    );
}

#[test]
fn duplicate_keys() {
    expect(
        &[(R, &release(&format!("{HEAD}title: Payments 4.3\n{FEATURE}")))],
        &["content/releases/payments-4-2.md:6:1: error: duplicate field `title`: each field may appear only once; remove one of them [yaml-syntax]"],
    );
    // Nested: points at the second `title` of the feature, not at the release's.
    expect(
        &[(R, &release(&format!("{HEAD}{FEATURE}    title: Refunds\n")))],
        &["content/releases/payments-4-2.md:9:5: error: duplicate field `features[0].title`: each field may appear only once; remove one of them [yaml-syntax]"],
    );
}

#[test]
fn yaml_syntax_errors_are_positioned() {
    expect(
        &[(R, &release(&format!("{HEAD}components: [payments-api, dashboard\n{FEATURE}")))],
        // At the `[` that is not closed, not where the parser gave up.
        &["content/releases/payments-4-2.md:6:13: error: invalid YAML: this `[` starts a list that is not closed: end it with `]` on this line [yaml-syntax]"],
    );
    expect(
        &[(R, &release(&format!("{HEAD}summary: Refunds: now instant\n{FEATURE}")))],
        &["content/releases/payments-4-2.md:6:17: error: the value of `summary` has `: ` in it, which YAML reads as the start of another field: put the value in quotes: `summary: \"Refunds: now instant\"` [yaml-syntax]"],
    );
}

#[test]
fn a_list_or_a_scalar_where_a_mapping_belongs() {
    expect(
        &[(R, b"---\n- title: Payments 4.2\n- product: Payments\n---\n")],
        &["content/releases/payments-4-2.md:2:1: error: the front matter is a list, but it must be `field: value` lines, such as `title: Payments 4.2` [invalid-value]"],
    );
    expect(
        &[("content/stakeholders/sales.md", b"---\nSales team\n---\n")],
        &["content/stakeholders/sales.md:2:1: error: the front matter is text, but it must be `field: value` lines, such as `title: Payments 4.2` [invalid-value]"],
    );
    expect(
        &[(R, &release(&format!("{HEAD}{FEATURE}access: [customers]\nconstraints:\n  - Not in Brazil\n")))],
        &[
            "content/releases/payments-4-2.md:9:9: error: `access`: found a list, expected a mapping of `field: value` lines [invalid-value]",
            "content/releases/payments-4-2.md:11:5: error: `constraints[0]`: found text \"Not in Brazil\", expected a mapping of `field: value` lines [invalid-value]",
        ],
    );
    expect(
        &[(R, &release(&format!("{HEAD}{FEATURE}access:\n  customers: Turn it on in Settings.\n")))],
        &["content/releases/payments-4-2.md:10:14: error: `access.customers` is text; write its `how`, `when`, `where` and `permissions` on indented lines below it [invalid-value]"],
    );
}

#[test]
fn wrong_types_in_every_release_field_are_all_reported() {
    let yaml = "title: [Payments, 4.2]\nproduct: {name: Payments}\nversion: [4, 2]\nstatus: [approved]\n\
deployed_at: {at: 2026-11-20}\npublish_at: [2026-11-21]\nsummary: {text: x}\ncomponents: payments-api\n\
features:\n  - id: [x]\n    title: {a: b}\n    summary: [x]\n    groups: customers\n    value: [x]\n\
access:\n  customers:\n    how: [x]\n    when: {a: b}\n    where: [x]\n    permissions: [x]\n\
constraints:\n  - kind: [other]\n    text: {a: b}\n    groups: customers\n\
windows:\n  - title: [x]\n    kind: {a: b}\n    start: [x]\n    end: [x]\n    groups: customers\n";
    expect(
        &[(R, &release(yaml))],
        &[
            "content/releases/payments-4-2.md:2:8: error: `title`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:3:11: error: `product`: found a mapping of `field: value` lines, expected text [invalid-value]",
            "content/releases/payments-4-2.md:4:10: error: `version`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:5:9: error: `status`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:6:15: error: `deployed_at`: found a mapping of `field: value` lines, expected text [invalid-value]",
            "content/releases/payments-4-2.md:7:13: error: `publish_at`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:8:11: error: `summary`: found a mapping of `field: value` lines, expected text [invalid-value]",
            "content/releases/payments-4-2.md:9:13: error: `components`: found text \"payments-api\", expected a list [invalid-value]",
            "content/releases/payments-4-2.md:11:9: error: `features[0].id`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:12:13: error: `features[0].title`: found a mapping of `field: value` lines, expected text [invalid-value]",
            "content/releases/payments-4-2.md:13:14: error: `features[0].summary`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:14:13: error: `features[0].groups`: found text \"customers\", expected a list [invalid-value]",
            "content/releases/payments-4-2.md:15:12: error: `features[0].value`: found a list, expected a mapping of `field: value` lines [invalid-value]",
            "content/releases/payments-4-2.md:18:10: error: `access.customers.how`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:19:12: error: `access.customers.when`: found a mapping of `field: value` lines, expected text [invalid-value]",
            "content/releases/payments-4-2.md:20:12: error: `access.customers.where`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:21:18: error: `access.customers.permissions`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:23:11: error: `constraints[0].kind`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:24:12: error: `constraints[0].text`: found a mapping of `field: value` lines, expected text [invalid-value]",
            "content/releases/payments-4-2.md:25:13: error: `constraints[0].groups`: found text \"customers\", expected a list [invalid-value]",
            "content/releases/payments-4-2.md:27:12: error: `windows[0].title`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:28:12: error: `windows[0].kind`: found a mapping of `field: value` lines, expected text [invalid-value]",
            "content/releases/payments-4-2.md:29:12: error: `windows[0].start`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:30:10: error: `windows[0].end`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2.md:31:13: error: `windows[0].groups`: found text \"customers\", expected a list [invalid-value]",
        ],
    );
}

#[test]
fn wrong_types_in_every_group_and_handwritten_field_are_all_reported() {
    expect(
        &[(
            "content/stakeholders/sales.md",
            b"---\nname: [Sales]\nsummary: {a: b}\naudience: [internal]\nparent: [customers]\norder: first\ncontacts: sales@acme.example\ncomponents: {a: b}\nemail: [x]\n---\n",
        )],
        &[
            "content/stakeholders/sales.md:2:7: error: `name`: found a list, expected text [invalid-value]",
            "content/stakeholders/sales.md:3:11: error: `summary`: found a mapping of `field: value` lines, expected text [invalid-value]",
            "content/stakeholders/sales.md:4:11: error: `audience`: found a list, expected text [invalid-value]",
            "content/stakeholders/sales.md:5:9: error: `parent`: found a list, expected text [invalid-value]",
            "content/stakeholders/sales.md:6:8: error: `order`: found text \"first\", expected a whole number [invalid-value]",
            "content/stakeholders/sales.md:7:11: error: `contacts`: found text \"sales@acme.example\", expected a list [invalid-value]",
            "content/stakeholders/sales.md:8:14: error: `components`: found a mapping of `field: value` lines, expected a list [invalid-value]",
            "content/stakeholders/sales.md:9:8: error: `email`: found a list, expected text [invalid-value]",
        ],
    );
    expect(
        &[
            ("content/releases/payments-4-2/index.md", &release(&format!("{HEAD}{FEATURE}"))),
            ("content/releases/payments-4-2/customers.md", b"---\ntitle: [x]\nsummary: {a: b}\n---\nText.\n"),
        ],
        &[
            "content/releases/payments-4-2/customers.md:2:8: error: `title`: found a list, expected text [invalid-value]",
            "content/releases/payments-4-2/customers.md:3:11: error: `summary`: found a mapping of `field: value` lines, expected text [invalid-value]",
        ],
    );
}

#[test]
fn huge_numbers() {
    expect(
        &[("content/stakeholders/sales.md", b"---\nname: Sales\norder: 99999999999999999999999\n---\n")],
        &["content/stakeholders/sales.md:3:8: error: `order`: the number 99999999999999999999999 is out of range: whole numbers go from -9223372036854775808 to 9223372036854775807 [invalid-value]"],
    );
    expect(
        &[("content/stakeholders/sales.md", b"---\nname: Sales\norder: 1.0e999\n---\n")],
        &["content/stakeholders/sales.md:3:8: error: `order`: found text \"1.0e999\", expected a whole number [invalid-value]"],
    );
    // A number where text belongs is text, however long.
    let site = site(&[(
        R,
        &release(&format!(
            "{HEAD}version: 1e999999\n{FEATURE}    value:\n      customers: x\naccess:\n  customers:\n    how: x\n"
        )),
    )]);
    site.run(&["check"]).success();
    // The largest `order` is fine.
    let site = self::site(&[("content/stakeholders/sales.md", b"---\nname: Sales\norder: 9223372036854775807\n---\n")]);
    site.run(&["check"]).success();
}

#[test]
fn unknown_enum_values_suggest_the_closest() {
    expect(
        &[(
            R,
            &release(
                "title: Payments 4.2\nproduct: Payments\nstatus: aproved\ndeployed_at: 2026-11-20\n\
features:\n  - title: Instant refunds\n    groups: [customers]\n\
constraints:\n  - kind: regulation\n    text: Not in Brazil.\n\
windows:\n  - title: Switch-over\n    kind: maintainance\n    start: 2026-11-21T01:00:00Z\n    end: 2026-11-21T03:00:00Z\n",
            ),
        )],
        &[
            "content/releases/payments-4-2.md:4:9: error: `status` cannot be `aproved`; did you mean `approved`? [invalid-value]",
            "content/releases/payments-4-2.md:10:11: error: `constraints[0].kind` cannot be `regulation`; did you mean `regulatory`? [invalid-value]",
            "content/releases/payments-4-2.md:14:11: error: `windows[0].kind` cannot be `maintainance`; did you mean `maintenance`? [invalid-value]",
        ],
    );
    expect(
        &[("content/stakeholders/sales.md", b"---\nname: Sales\naudience: interal\n---\n")],
        &["content/stakeholders/sales.md:3:11: error: `audience` cannot be `interal`; did you mean `internal`? [invalid-value]"],
    );
}

#[test]
fn ids_and_slugs_with_upper_case_or_spaces() {
    let ok = release(&format!("{HEAD}{FEATURE}"));
    expect(
        &[
            ("content/releases/Payments-4.2.md", &ok),
            ("content/stakeholders/key accounts.md", CUSTOMERS.as_bytes()),
            ("content/releases/payouts 3/index.md", &ok),
            ("content/releases/payments-4-2/index.md", &ok),
            ("content/releases/payments-4-2/Customers.md", b"Text.\n"),
        ],
        &[
            "content/releases/Payments-4.2.md:1:1: error: the release slug `Payments-4.2` comes from this file's name and must match ^[a-z0-9][a-z0-9._-]*$ (lowercase, so pages never collide on case-insensitive hosts): rename it to `payments-4.2` [invalid-id]",
            "content/releases/payments-4-2/Customers.md:1:1: error: the group id `Customers` comes from this file's name and must match ^[a-z0-9][a-z0-9._-]*$ (lowercase, so pages never collide on case-insensitive hosts): rename it to `customers` [invalid-id]",
            "content/releases/payouts 3/index.md:1:1: error: the release slug `payouts 3` comes from this file's name and must match ^[a-z0-9][a-z0-9._-]*$ (lowercase, so pages never collide on case-insensitive hosts): rename it to `payouts-3` [invalid-id]",
            "content/stakeholders/key accounts.md:1:1: error: the group id `key accounts` comes from this file's name and must match ^[a-z0-9][a-z0-9._-]*$ (lowercase, so pages never collide on case-insensitive hosts): rename it to `key-accounts` [invalid-id]",
        ],
    );
    expect(
        &[(R, &release(&format!("{HEAD}features:\n  - id: Instant Refunds\n    title: Instant refunds\n    groups: [customers]\n")))],
        &["content/releases/payments-4-2.md:7:9: error: feature id `Instant Refunds` must match ^[a-z0-9][a-z0-9._-]*$; write `instant-refunds` [invalid-id]"],
    );
}

#[test]
fn the_same_slug_as_file_and_folder() {
    let ok = release(&format!("{HEAD}{FEATURE}"));
    expect(
        &[(R, &ok), ("content/releases/payments-4-2/index.md", &ok)],
        &["content/releases/payments-4-2.md:1:1: error: the release `payments-4-2` is also defined by `content/releases/payments-4-2/index.md`: keep one of the two files [duplicate-slug]"],
    );
}

#[test]
fn hand_written_pages_for_unknown_or_unreached_groups() {
    let index = ("content/releases/payments-4-2/index.md", release(&format!("{HEAD}{FEATURE}")));
    expect(
        &[(index.0, &index.1), ("content/releases/payments-4-2/custmers.md", b"Text.\n")],
        &["content/releases/payments-4-2/custmers.md:1:1: error: this hand-written page is for `custmers`, which is not a group; did you mean `customers`?; the file name must be a group id [unknown-group]"],
    );
    expect(
        &[(index.0, &index.1), ("content/releases/payments-4-2/support.md", b"Text.\n")],
        &["content/releases/payments-4-2/support.md:1:1: error: `support` is not among the groups of release `payments-4-2` (customers): add it to a feature's `groups` or remove this page [handwritten-outside-release]"],
    );
    expect(
        &[("content/releases/payouts-3/customers.md", b"Text.\n")],
        &["content/releases/payouts-3/customers.md:1:1: error: there is no release `payouts-3` for this hand-written page: add `content/releases/payouts-3/index.md` [handwritten-outside-release]"],
    );
}

#[test]
fn control_characters_and_nul_bytes_do_not_crash() {
    // Raw control characters are not allowed in YAML; escaped ones are text.
    expect(
        &[(R, b"---\ntitle: Pay\x00ments\nproduct: Payments\n---\n")],
        &["content/releases/payments-4-2.md:2:11: error: invalid YAML: control characters are not allowed (U+0000 is here): remove it, or write it as `\\u0000` inside double quotes [yaml-syntax]"],
    );
    let site = site(&[(
        R,
        &release(&format!(
            "title: \"Pay\\0ments \\x1b[31m\\u0007\"\nproduct: Payments\nstatus: approved\ndeployed_at: 2026-11-20\n{FEATURE}"
        )),
    )]);
    site.run(&["check"]).success();
    site.build(&[]);
}

#[test]
fn site_toml_with_wrong_types_huge_numbers_and_duplicates() {
    let check = |toml: &str| {
        let site = Site::new(&[("site.toml", toml), ("content/stakeholders/customers.md", CUSTOMERS)]);
        let run = site.run(&["check"]);
        run.code_is(1);
        run.stderr.lines().filter(|l| l.contains(": error: ")).map(str::to_string).collect::<Vec<_>>()
    };
    assert_eq!(
        check(
            "title = [\"T\"]\nbase_url = \"https://x.example/\"\npaginate_by = \"ten\"\n[markdown]\nunsafe_html = \"no\"\n[lint]\nsummary_max_words = -1\n"
        ),
        [
            "site.toml:1:1: error: `title`: found a list, expected text [invalid-value]",
            "site.toml:3:1: error: `paginate_by`: found string \"ten\", expected a whole number [invalid-value]",
            "site.toml:5:1: error: `markdown.unsafe_html`: found string \"no\", expected true or false [invalid-value]",
            "site.toml:7:1: error: `lint.summary_max_words`: found integer `-1`, expected a whole number, 0 or more [invalid-value]",
        ]
    );
    assert_eq!(
        check("title = \"T\"\nbase_url = \"https://x.example/\"\npaginate_by = 99999999999999999999999\n"),
        ["site.toml:3:15: error: invalid TOML: number too large to fit in target type [toml-syntax]"]
    );
    assert_eq!(
        check("title = \"T\"\ntitle = \"U\"\nbase_url = \"https://x.example/\"\n"),
        ["site.toml:2:1: error: invalid TOML: duplicate key `title` in document root [toml-syntax]"]
    );
    assert_eq!(
        check(""),
        [
            "site.toml:1:1: error: `base_url` is required: add `base_url = \"https://releases.example.com/\"` [missing-field]",
            "site.toml:1:1: error: `title` is required: add `title = \"Acme release communications\"` [missing-field]",
        ]
    );
    assert_eq!(
        check("title = \"T\"\nbase_url = \"javascript:alert(1)//\"\ntheme = \"../../etc\"\n"),
        [
            "site.toml:2:1: error: `base_url` must start with `https://` or `http://` (such as `https://releases.example.com/`), not `javascript:`: `javascript:alert(1)//` [invalid-value]",
            "site.toml:3:1: error: `theme` must be a folder name under `themes/`, such as `default`, not `../../etc` [invalid-value]",
        ]
    );
}
