//! The built-in theme's partials (docs/themes.md): a site overrides one partial, and every
//! page that includes it changes, in a build and in the preview; a broken partial is a
//! `check` error that names it.

mod common;
mod preview;

use common::{release, Site, SITE_TOML};

/// Two groups, three releases of one product, one release a page: every list has pages.
fn site(extra: &[(&str, &str)]) -> Site {
    let config = format!("{SITE_TOML}paginate_by = 1\n");
    let mut files = vec![
        ("site.toml", config.as_str()),
        ("content/stakeholders/customers.md", "---\nname: Customers\n---\n"),
        ("content/stakeholders/partners.md", "---\nname: Partners\n---\n"),
    ];
    let one = release("Payments 1.0", "approved", "2026-11-01T09:00:00Z", &["customers", "partners"]);
    let two = release("Payments 1.1", "approved", "2026-11-10T09:00:00Z", &["customers"]);
    let three = release("Payments 1.2", "approved", "2026-11-20T09:00:00Z", &["customers", "partners"]);
    files.push(("content/releases/payments-1-0.md", &one));
    files.push(("content/releases/payments-1-1.md", &two));
    files.push(("content/releases/payments-1-2.md", &three));
    files.extend_from_slice(extra);
    Site::new(&files)
}

const CARDS: &str =
    "<ol class=\"site-cards\">{% for release in releases %}<li>{{ release.title }} (site card)</li>{% endfor %}</ol>";
const PAGINATION: &str =
    "<nav class=\"site-pagination\">Page {{ paginator.current }} of {{ paginator.total }} (site pagination)</nav>";

#[test]
fn a_site_partial_for_release_cards_changes_every_page_that_lists_releases() {
    let site = site(&[("themes/default/templates/partials/release-cards.html", CARDS)]);
    let out = site.build(&[]);
    for page in ["index.html", "releases/index.html", "releases/page/2/index.html", "products/payments/index.html"] {
        let html = out.text(page);
        assert!(html.contains("(site card)"), "{page} uses the site's release cards:\n{html}");
        assert!(!html.contains("class=\"timeline\""), "{page} no longer uses the built-in cards:\n{html}");
    }
    // The other partials are still the built-in ones.
    let group = out.text("groups/customers/index.html");
    assert!(group.contains("class=\"timeline\"") && !group.contains("(site card)"), "{group}");
    assert!(out.text("releases/index.html").contains("class=\"pagination\""));
}

#[test]
fn a_site_partial_for_pagination_changes_every_paginated_list() {
    let site = site(&[("themes/default/templates/partials/pagination.html", PAGINATION)]);
    let out = site.build(&[]);
    for page in ["releases/index.html", "products/payments/index.html", "groups/customers/index.html"] {
        let html = out.text(page);
        assert!(html.contains("Page 1 of ") && html.contains("(site pagination)"), "{page}:\n{html}");
        assert!(!html.contains("class=\"pagination\""), "{page} no longer uses the built-in pagination:\n{html}");
    }
    // Release cards are still the built-in ones.
    assert!(out.text("releases/index.html").contains("class=\"timeline\""));
}

#[test]
fn the_built_in_partials_make_each_release_once_on_the_home_page_with_its_groups() {
    let out = site(&[]).build(&[]);
    let home = out.text("index.html");
    // Payments 1.2 reaches two groups: one entry (not one per group, and not again in a
    // second list), with a chip for each group's communique.
    assert_eq!(home.matches(">Payments 1.2<").count(), 1, "{home}");
    assert!(
        home.contains("releases/payments-1-2/customers/") && home.contains("releases/payments-1-2/partners/"),
        "{home}"
    );
    let group = out.text("groups/customers/index.html");
    assert!(group.contains("rel=\"next\"") && group.contains("Older communiques"), "{group}");
}

#[test]
fn a_broken_site_partial_is_a_check_error_that_names_it() {
    let site = site(&[("themes/default/templates/partials/pagination.html", "{% if paginator.total > 1 %}<nav>")]);
    let run = site.run(&["check"]);
    run.code_is(1);
    assert!(
        run.stderr.contains("themes/default/templates/partials/pagination.html:"),
        "the diagnostic names the partial\n{}",
        run.transcript()
    );
}

#[test]
fn the_preview_remakes_every_page_of_an_edited_partial() {
    let site = site(&[("themes/default/templates/partials/pagination.html", PAGINATION)]);
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in common::tree(site.root()) {
        let path = dir.path().join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let p = preview::Preview::start(dir, &[]);
    for page in ["releases/", "groups/customers/", "products/payments/"] {
        p.wait_for(page, |body| body.contains("(site pagination)"));
    }
    p.edit("themes/default/templates/partials/pagination.html", |t| {
        t.replace("(site pagination)", "(edited pagination)")
    });
    for page in ["releases/", "groups/customers/", "products/payments/"] {
        p.wait_for(page, |body| body.contains("(edited pagination)"));
    }
}
