//! SPEC §5, end to end: which releases a build shows (status × publish date × flags),
//! what "now" is, and how unpublished pages are marked.

mod common;

use common::{group, release, Site, SITE_TOML};

/// One group and a release for every cell of the table. "Now" is 2026-11-26 in most tests.
fn site() -> Site {
    Site::new(&[
        ("site.toml", SITE_TOML),
        ("content/stakeholders/customers.md", &group("Customers", "")),
        (
            "content/releases/approved-past.md",
            &release("Approved past", "approved", "2026-11-01T09:00:00Z", &["customers"]),
        ),
        (
            "content/releases/approved-future.md",
            &release("Approved future", "approved", "2026-12-15T09:00:00+01:00", &["customers"]),
        ),
        ("content/releases/draft-past.md", &release("Draft past", "draft", "2026-11-02T09:00:00Z", &["customers"])),
        ("content/releases/review-past.md", &release("Review past", "review", "2026-11-03T09:00:00Z", &["customers"])),
        ("content/releases/draft-future.md", &release("Draft future", "draft", "2027-01-01T09:00:00Z", &["customers"])),
    ])
}

const ALL: [&str; 5] = ["approved-past", "approved-future", "draft-past", "review-past", "draft-future"];

/// The releases a build wrote, in the order of `ALL`.
fn shown(tree: &common::Tree) -> Vec<&'static str> {
    ALL.iter().copied().filter(|slug| tree.has(&format!("releases/{slug}/index.html"))).collect()
}

#[test]
fn the_table_of_spec_section_5() {
    let site = site();
    let cases: &[(&[&str], &[&str])] = &[
        (&[], &["approved-past"]),
        (&["--drafts"], &["approved-past", "draft-past", "review-past", "draft-future"]),
        (&["--future"], &["approved-past", "approved-future"]),
        (&["--drafts", "--future"], &ALL),
    ];
    for (flags, expected) in cases {
        let tree = site.build(flags);
        assert_eq!(shown(&tree), *expected, "build {flags:?}");
        // Every shown release has its communique; hidden ones leave no trace at all.
        for slug in ALL {
            let communique = format!("releases/{slug}/customers/index.html");
            assert_eq!(tree.has(&communique), expected.contains(&slug), "{communique} with {flags:?}");
            if !expected.contains(&slug) {
                assert!(tree.containing(slug).is_empty(), "{slug} is mentioned in {:?}", tree.containing(slug));
            }
        }
    }
}

#[test]
fn draft_and_scheduled_pages_carry_a_banner_and_noindex() {
    let site = site();
    let tree = site.build(&["--drafts", "--future"]);
    let noindex = "<meta name=\"robots\" content=\"noindex\">";
    for slug in ["draft-past", "review-past", "draft-future"] {
        for page in [format!("releases/{slug}/index.html"), format!("releases/{slug}/customers/index.html")] {
            let html = tree.text(&page);
            assert!(html.contains(noindex), "{page} is noindex");
            assert!(html.contains("class=\"banner banner-draft\""), "{page} has the draft banner");
            let planned =
                if slug == "review-past" { "In review — planned for <time" } else { "Draft — planned for <time" };
            assert!(html.contains(planned), "{page} says it is a draft, and when it is planned");
            assert!(!html.contains("banner-scheduled"), "{page}");
        }
    }
    for page in ["releases/approved-future/index.html", "releases/approved-future/customers/index.html"] {
        let html = tree.text(page);
        assert!(html.contains(noindex), "{page} is noindex");
        assert!(html.contains("class=\"banner banner-scheduled\""), "{page} has the scheduled banner");
        assert!(html.contains("Scheduled for <time"), "{page} says when it is scheduled");
        assert!(!html.contains("banner-draft"), "{page}");
    }
    for page in ["releases/approved-past/index.html", "releases/approved-past/customers/index.html", "index.html"] {
        let html = tree.text(page);
        assert!(!html.contains(noindex), "{page} is published: no noindex");
        assert!(!html.contains("class=\"banner"), "{page} is published: no banner");
    }
}

#[test]
fn published_builds_have_no_noindex_page_at_all() {
    let tree = site().build(&[]);
    for page in tree.pages() {
        assert!(!tree.text(page).contains("noindex"), "{page}");
    }
}

#[test]
fn the_sitemap_leaves_noindex_pages_out() {
    let tree = site().build(&["--drafts", "--future"]);
    let sitemap = tree.text("sitemap.xml");
    assert!(sitemap.contains("<loc>https://releases.acme.example/releases/approved-past/</loc>"), "{sitemap}");
    assert!(sitemap.contains("<loc>https://releases.acme.example/releases/approved-past/customers/</loc>"));
    for slug in ["approved-future", "draft-past", "review-past", "draft-future"] {
        assert!(!sitemap.contains(&format!("/releases/{slug}/")), "{slug} is noindex, so not in the sitemap");
    }
    // And every page the sitemap lists is indexable.
    for loc in sitemap.split("<loc>").skip(1).map(|s| s.split("</loc>").next().unwrap()) {
        let rel = loc.strip_prefix(common::BASE_URL).expect("absolute URL under base_url");
        let page = if rel.is_empty() { "index.html".to_string() } else { format!("{rel}index.html") };
        assert!(!tree.text(&page).contains("noindex"), "{loc} is in the sitemap but noindex");
    }
}

#[test]
fn now_comes_from_the_flag() {
    let site = site();
    // approved-future is published at 2026-12-15T09:00:00+01:00, that is 08:00 UTC.
    let before = site.run(&["build", "--now", "2026-12-15T07:59:59Z"]);
    before.success();
    assert!(!site.path("public/releases/approved-future/index.html").exists());
    site.run(&["build", "--now", "2026-12-15T08:00:00Z"]).success();
    assert!(site.path("public/releases/approved-future/index.html").exists(), "publish_at = now is published");
    let html = std::fs::read_to_string(site.path("public/releases/approved-future/index.html")).unwrap();
    assert!(!html.contains("noindex"));
    // An offset in --now is honoured.
    site.run(&["build", "--now", "2026-12-15T08:59:59+01:00"]).success();
    assert!(!site.path("public/releases/approved-future/index.html").exists());
}

#[test]
fn now_comes_from_source_date_epoch_unless_the_flag_is_given() {
    let site = site();
    // 2026-12-15T08:00:00Z
    let epoch = "1797321600";
    site.run_with_env(&["build"], &[("SOURCE_DATE_EPOCH", epoch)]).success();
    assert!(site.path("public/releases/approved-future/index.html").exists());
    // One second earlier: not yet.
    site.run_with_env(&["build"], &[("SOURCE_DATE_EPOCH", "1797321599")]).success();
    assert!(!site.path("public/releases/approved-future/index.html").exists());
    // --now wins over SOURCE_DATE_EPOCH.
    site.run_with_env(&["build", "--now", "2027-06-01T00:00:00Z"], &[("SOURCE_DATE_EPOCH", "1797321599")]).success();
    assert!(site.path("public/releases/approved-future/index.html").exists());
    assert!(!site.path("public/releases/draft-future/index.html").exists(), "a draft stays hidden whatever the date");
}

#[test]
fn a_malformed_now_is_a_usage_error() {
    let site = site();
    let run = site.run(&["build", "--now", "tomorrow"]);
    run.code_is(2);
    assert!(run.stderr.contains("--now"), "{}", run.stderr);
    let run = site.run_with_env(&["build"], &[("SOURCE_DATE_EPOCH", "yesterday")]);
    run.code_is(2);
    assert!(run.stderr.contains("SOURCE_DATE_EPOCH"), "{}", run.stderr);
    assert!(!site.path("public").exists(), "a usage error writes nothing");
}

#[test]
fn lists_and_feeds_follow_the_selection() {
    let site = site();
    let tree = site.build(&[]);
    let feed = tree.text("groups/customers/feed.xml");
    assert!(feed.contains("/releases/approved-past/customers/"));
    for hidden in ["approved-future", "draft-past", "review-past", "draft-future"] {
        assert!(!feed.contains(hidden), "{hidden} in the group feed");
    }
    let tree = site.build(&["--drafts"]);
    let group_page = tree.text("groups/customers/index.html");
    for slug in ["approved-past", "draft-past", "review-past", "draft-future"] {
        assert!(group_page.contains(&format!("/releases/{slug}/customers/")), "{slug} on the group page");
    }
    assert!(!group_page.contains("approved-future"));
}
