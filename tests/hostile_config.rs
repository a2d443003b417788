//! A hostile `site.toml`, and settings read as written that meant something else: the
//! output folders stay inside the site, `base_url` is an http(s) URL with nothing hidden in
//! it, a site.toml linked from outside the site is not read, an IPv6 `base_url` still
//! makes valid e-mail, discouraged terms in any script are found without a crash, and a
//! local time that daylight saving time skips or repeats is said.

mod common;

use common::{Site, Tree, NOW, SITE_TOML};

const CUSTOMERS: &str = "---\nname: Customers\nemail: customers@acme.example\n---\n";
const RELEASE: &str = "---\ntitle: Payments 4.2\nproduct: Payments\nstatus: approved\ndeployed_at: 2026-11-20\nfeatures:\n  - title: Instant refunds\n    groups: [customers]\n    value: { customers: Money back at once }\naccess: { customers: { how: Dashboard, when: Now, where: Everywhere, permissions: Admin } }\n---\nRefunds are instant.\n";
const R: &str = "content/releases/payments-4-2/index.md";

/// A valid site whose site.toml is the smallest one plus `extra`.
fn site(extra: &str) -> Site {
    Site::new(&[
        ("site.toml", &format!("{SITE_TOML}{extra}")),
        ("content/stakeholders/customers.md", CUSTOMERS),
        (R, RELEASE),
    ])
}

/// The errors `check` prints; `check` must fail, and so must `build`, writing nothing.
#[track_caller]
fn config_errors(site: &Site) -> Vec<String> {
    let run = site.run(&["check"]);
    run.code_is(1);
    let before = Tree::read(site.root());
    site.run(&["build", "--now", NOW]).code_is(1);
    assert_eq!(Tree::read(site.root()), before, "a refused build writes nothing");
    run.stderr.lines().filter(|l| l.contains(": error: ")).map(str::to_string).collect()
}

#[test]
fn output_folders_outside_the_site_are_refused_by_check() {
    // An output_dir out of the site, with hidden files in `static/`, once overwrote a
    // `.bashrc` there.
    let home = tempfile::TempDir::new().unwrap();
    std::fs::write(home.path().join(".bashrc"), "# mine\n").unwrap();
    let outside = home.path().display().to_string();
    for (key, folder, expected) in [
        ("output_dir", "../elsewhere", "must stay inside the site (such as `public`), without `..`: not `../elsewhere`; to write elsewhere, use `communique build --output <folder>`"),
        ("output_dir", "public/../../x", "must stay inside the site (such as `public`), without `..`: not `public/../../x`; to write elsewhere, use `communique build --output <folder>`"),
        ("internal_output_dir", "..", "must stay inside the site (such as `public`), without `..`: not `..`; to write elsewhere, use `communique build --output <folder>`"),
        ("output_dir", &outside, &format!("must be a folder inside the site, relative to it (such as `public`), not `{outside}`; to write elsewhere, use `communique build --output <folder>`")),
        ("output_dir", ".", "must name a folder inside the site, such as `public`: the site's own folder cannot be its output"),
        ("output_dir", "", "must name a folder inside the site, such as `public`: the site's own folder cannot be its output"),
        ("output_dir", "./static/x", "must not be inside the site's `static`, as `./static/x` is: choose a folder of its own, such as `public`"),
        ("internal_output_dir", "content", "must not be inside the site's `content`, as `content` is: choose a folder of its own, such as `public`"),
    ] {
        let site = site(&format!("{key} = \"{folder}\"\n"));
        site.write("static/.bashrc", "echo pwned\n");
        assert_eq!(config_errors(&site), [format!("site.toml:3:1: error: `{key}` {expected} [invalid-value]")], "{key} = {folder:?}");
        let internal = site.run(&["build", "--now", NOW, "--audience", "internal"]);
        internal.code_is(1);
    }
    assert_eq!(std::fs::read_to_string(home.path().join(".bashrc")).unwrap(), "# mine\n");
    // Folders inside the site, however written, are fine.
    for folder in ["www", "./www", "out/www"] {
        let site = site(&format!("output_dir = \"{folder}\"\n"));
        site.run(&["check"]).success();
        assert!(site.build(&[]).has("index.html"), "{folder}");
    }
}

/// `output_dir = ".git"` with a `static/commondir` pointing at a config in the working
/// tree (`core.fsmonitor = "<command>"`) made the next `git status` run that command.
/// Hidden folders hold tools' settings (`.git`, `.cargo`, `.vscode`, `.github`): an
/// output folder is never one of them, nor inside one; nor, on a file system that
/// ignores case, `Content` or `STATIC`.
#[test]
fn output_folders_in_hidden_folders_or_sources_in_another_case_are_refused() {
    for (key, folder, expected) in [
        ("output_dir", ".git", "must not be a hidden folder or inside one, as `.git` is: hidden folders hold tools' settings (`.git`, `.cargo`); choose a visible folder, such as `public`"),
        ("output_dir", ".git/hooks", "must not be a hidden folder or inside one, as `.git/hooks` is: hidden folders hold tools' settings (`.git`, `.cargo`); choose a visible folder, such as `public`"),
        ("internal_output_dir", "./.cargo", "must not be a hidden folder or inside one, as `./.cargo` is: hidden folders hold tools' settings (`.git`, `.cargo`); choose a visible folder, such as `public`"),
        ("output_dir", "public/.GIT", "must not be a hidden folder or inside one, as `public/.GIT` is: hidden folders hold tools' settings (`.git`, `.cargo`); choose a visible folder, such as `public`"),
        ("output_dir", "Content", "must not be inside the site's `content`, as `Content` is: choose a folder of its own, such as `public`"),
        ("internal_output_dir", "STATIC/x", "must not be inside the site's `static`, as `STATIC/x` is: choose a folder of its own, such as `public`"),
    ] {
        let site = site(&format!("{key} = \"{folder}\"\n"));
        std::fs::create_dir_all(site.path(".git/hooks")).unwrap();
        site.write("static/commondir", "../evil\n");
        site.write("evil/config", "[core]\n\tfsmonitor = \"touch pwned\"\n");
        assert_eq!(config_errors(&site), [format!("site.toml:3:1: error: `{key}` {expected} [invalid-value]")], "{key} = {folder:?}");
        site.run(&["build", "--now", NOW, "--audience", "internal"]).code_is(1);
        assert!(!site.path(".git/commondir").exists() && !site.path(".git/hooks/commondir").exists(), "{folder}");
    }
}

#[test]
fn build_output_stays_the_users_explicit_choice() {
    let site = site("");
    let elsewhere = tempfile::TempDir::new().unwrap();
    let target = elsewhere.path().join("portal");
    site.run(&["build", "--now", NOW, "--output", target.to_str().unwrap()]).success();
    assert!(target.join("index.html").is_file());
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_link_out_of_the_site_is_refused() {
    let site = site("");
    let home = tempfile::TempDir::new().unwrap();
    std::fs::write(home.path().join(".bashrc"), "# mine\n").unwrap();
    site.write("static/.bashrc", "echo pwned\n");
    std::os::unix::fs::symlink(home.path(), site.path("public")).unwrap();
    let run = site.run(&["build", "--now", NOW]);
    // Refused before anything is read or written, like any folder in the way (exit 2).
    run.code_is(2);
    assert!(
        run.stderr.contains("is a symbolic link; a build writes only into real folders: remove the link, or give the folder it points to with --output"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(home.path().join(".bashrc")).unwrap(), "# mine\n");
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 1, "nothing was written there");
}

#[test]
fn base_url_must_be_http_or_https_without_control_characters() {
    let check = |url: &str| {
        let site = Site::new(&[
            ("site.toml", &format!("title = \"Acme\"\nbase_url = {}\n", toml_string(url))),
            ("content/stakeholders/customers.md", CUSTOMERS),
            (R, RELEASE),
        ]);
        let errors = config_errors(&site);
        assert_eq!(errors.len(), 1, "{url:?}: {errors:?}");
        errors[0].clone()
    };
    let example = "such as `https://releases.example.com/`";
    assert_eq!(
        check("javascript://x.example/%0aalert(1)"),
        format!("site.toml:2:1: error: `base_url` must start with `https://` or `http://` ({example}), not `javascript:`: `javascript://x.example/%0aalert(1)` [invalid-value]")
    );
    assert_eq!(
        check("ftp://x.example/"),
        format!("site.toml:2:1: error: `base_url` must start with `https://` or `http://` ({example}), not `ftp:`: `ftp://x.example/` [invalid-value]")
    );
    // CR/LF once became headers of their own in `.eml` files and lines of `calendar.ics`.
    assert_eq!(
        check("https://x.example/\r\nBcc: everyone@acme.example"),
        format!("site.toml:2:1: error: `base_url` must be a URL without spaces or control characters ({example}); `https://x.example/\\r\\nBcc: everyone@acme.example` has a carriage return [invalid-value]")
    );
    assert_eq!(
        check("https://x.example/\nX: y"),
        format!("site.toml:2:1: error: `base_url` must be a URL without spaces or control characters ({example}); `https://x.example/\\nX: y` has a line break [invalid-value]")
    );
    assert!(check("https://x.example/\u{0}").contains("has the character U+0000"));
    assert!(check("https://x.example/\u{85}").contains("has the character U+0085"));
    assert!(check("https:///path-only").contains("must be an absolute URL"));
    assert!(check("http:").contains("must be an absolute URL"));
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

#[test]
fn build_base_url_follows_the_same_rule_as_a_usage_error() {
    let site = site("");
    for (url, says) in [
        ("javascript://x.example/", "must start with `https://` or `http://`"),
        ("https://x.example/\r\nBcc: everyone@acme.example", "has a carriage return"),
        ("https://x.example/\nX: y", "has a line break"),
        ("/relative/", "must be an absolute URL"),
    ] {
        let run = site.run(&["build", "--now", NOW, "--base-url", url]);
        run.code_is(2);
        assert!(run.stderr.starts_with("error: --base-url "), "{url:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{url:?}: {}", run.stderr);
        assert!(!site.path("public").exists(), "{url:?}");
    }
    site.run(&["build", "--now", NOW, "--base-url", "http://127.0.0.1:1111/"]).success();
}

#[cfg(unix)]
#[test]
fn a_site_toml_linked_from_outside_the_site_is_not_read() {
    let site = site("");
    let elsewhere = tempfile::TempDir::new().unwrap();
    let secret = elsewhere.path().join("site.toml");
    std::fs::write(&secret, format!("{SITE_TOML}secret_token = \"hunter2\"\n")).unwrap();
    site.remove("site.toml");
    std::os::unix::fs::symlink(&secret, site.path("site.toml")).unwrap();
    let errors = config_errors(&site);
    assert_eq!(
        errors,
        ["site.toml:1:1: error: site.toml is a symbolic link to a file outside the site; copy the file into the site instead of linking to it [symlink-outside-site]"]
    );
    // A link to a file inside the site is the site's own file.
    site.remove("site.toml");
    site.write("config/site.toml", SITE_TOML);
    std::os::unix::fs::symlink(site.path("config/site.toml"), site.path("site.toml")).unwrap();
    site.run(&["check"]).success();
}

#[test]
fn an_ipv6_base_url_makes_valid_message_ids_and_sender_addresses() {
    let site = site("");
    site.run(&["build", "--now", NOW, "--base-url", "http://[::1]:1111/", "--emails", "mail"]).success();
    let bytes = std::fs::read(site.path("mail/payments-4-2/customers.eml")).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("\r\nMessage-ID: <payments-4-2.customers@[IPv6:::1]>\r\n"), "{text}");
    assert!(text.contains("<noreply@[IPv6:::1]>\r\n"), "{text}");
    let message = mail_parser::MessageParser::default().parse(&bytes).unwrap();
    assert_eq!(message.message_id(), Some("payments-4-2.customers@[IPv6:::1]"));
    let from = message.from().and_then(|f| f.first()).and_then(|a| a.address()).unwrap().to_string();
    assert_eq!(from, "noreply@[IPv6:::1]");
    assert!(message.body_text(0).unwrap().contains("Money back at once"), "{text}");
}

#[test]
fn discouraged_terms_in_text_whose_lower_case_is_longer_or_shorter() {
    // `K` is the Kelvin sign (3 bytes; `k`, 1), `Ⱥ` 2 bytes (`ⱥ`, 3): this made `check`,
    // `build` and `review` exit 101.
    let site = site("[lint]\nterms = { \"ȺȺ\" = \"AA\" }\n");
    site.write(R, &RELEASE.replace("Refunds are instant.", "K ȺȺ\nRefunds are instant, KK ⱥⱥ."));
    let run = site.run(&["check"]);
    run.success();
    assert_eq!(
        run.diagnostics(),
        [
            "content/releases/payments-4-2/index.md:12:3: warning: write `AA` instead of `ȺȺ` [term]",
            "content/releases/payments-4-2/index.md:13:25: warning: write `AA` instead of `ⱥⱥ` [term]",
        ]
    );
    site.build(&[]);
    site.run(&["review", "--now", NOW]).success();
}

#[test]
fn local_times_that_daylight_saving_skips_or_repeats_are_warned_about() {
    let site = site("timezone = \"Europe/Paris\"\n");
    let release = RELEASE
        .replace("deployed_at: 2026-11-20\n", "deployed_at: 2026-03-29T02:30:00\npublish_at: 2026-10-25 02:30:00\n");
    site.write(R, &release);
    let run = site.run(&["check"]);
    run.success();
    assert_eq!(
        run.diagnostic("content/releases/payments-4-2/index.md:5:14: warning: "),
        "content/releases/payments-4-2/index.md:5:14: warning: `deployed_at`: `2026-03-29T02:30:00` does not exist in Europe/Paris: the clocks skip it, going forward from +01:00 to +02:00; it was read as `2026-03-29T03:30:00+02:00`, the same instant as `2026-03-29T02:30:00+01:00`. Write that, or another time, with its offset [nonexistent-time]"
    );
    assert_eq!(
        run.diagnostic("content/releases/payments-4-2/index.md:6:13: warning: "),
        "content/releases/payments-4-2/index.md:6:13: warning: `publish_at`: `2026-10-25 02:30:00` happens twice in Europe/Paris: the clocks go back from +02:00 to +01:00; it was read as the first, `2026-10-25T02:30:00+02:00`. Write `2026-10-25T02:30:00+02:00` or `2026-10-25T02:30:00+01:00` to say which [ambiguous-time]"
    );
    // Written as the warnings suggest, the same instants are read without a word.
    site.write(
        R,
        &RELEASE.replace(
            "deployed_at: 2026-11-20\n",
            "deployed_at: 2026-03-29T03:30:00+02:00\npublish_at: 2026-10-25T02:30:00+02:00\n",
        ),
    );
    let run = site.run(&["check"]);
    assert!(run.diagnostics().iter().all(|d| !d.contains("-time]")), "{}", run.transcript());
}
