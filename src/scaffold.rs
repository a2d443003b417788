//! The example site that `communique init` writes, embedded in the binary.

pub(crate) const FILES: &[(&str, &str)] = &[
    ("content/releases/dashboard-3-0.md", include_str!("scaffold/content/releases/dashboard-3-0.md")),
    (
        "content/releases/payments-2-4/enterprise-customers.md",
        include_str!("scaffold/content/releases/payments-2-4/enterprise-customers.md"),
    ),
    ("content/releases/payments-2-4/index.md", include_str!("scaffold/content/releases/payments-2-4/index.md")),
    ("content/releases/payments-2-5.md", include_str!("scaffold/content/releases/payments-2-5.md")),
    ("content/stakeholders/customers.md", include_str!("scaffold/content/stakeholders/customers.md")),
    ("content/stakeholders/developers.md", include_str!("scaffold/content/stakeholders/developers.md")),
    (
        "content/stakeholders/enterprise-customers.md",
        include_str!("scaffold/content/stakeholders/enterprise-customers.md"),
    ),
    ("content/stakeholders/support.md", include_str!("scaffold/content/stakeholders/support.md")),
    ("site.toml", include_str!("scaffold/site.toml")),
    // The output folders (site.toml's output_dir and internal_output_dir), kept out of
    // git. Stored without its dot here, so that it does not apply to this repository.
    (".gitignore", include_str!("scaffold/gitignore")),
];
