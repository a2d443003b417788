//! No leak across audiences, as a property: for many random sites (random public and
//! internal groups, random parents, features naming random groups, values, access
//! entries, constraints, windows, actions and hand-written pages for random groups), every text
//! that reaches only internal groups carries a unique token, and no file of the public
//! build (pages, feeds, calendars, sitemap, search index, e-mails, file names) contains
//! any token.
//!
//! What "reaches only internal groups" means, with inheritance (docs/content.md):
//! a public group never has an internal ancestor, so whatever is given to an internal
//! group reaches internal groups only. Hence: an internal group's own text; a value,
//! access entry or hand-written page for an internal group; a feature whose groups are
//! all internal; a constraint, window or action whose groups are all internal; and everything
//! of a release whose groups are all internal (it does not exist in a public build).

mod common;

use common::{Site, NOW, SITE_TOML};
use std::collections::BTreeSet;
use std::fmt::Write;

const CASES: u64 = 64;

/// SplitMix64: small, seeded, good enough to pick shapes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// 1 to `max` distinct items.
    fn some<T: Clone + PartialEq>(&mut self, items: &[T], max: usize) -> Vec<T> {
        let mut chosen = Vec::new();
        for _ in 0..1 + self.below(max) {
            let item = self.pick(items).clone();
            if !chosen.contains(&item) {
                chosen.push(item);
            }
        }
        chosen
    }
}

struct Group {
    id: String,
    internal: bool,
    parent: Option<usize>,
}

/// One random site: its files, and the tokens that must stay out of its public build.
struct Generated {
    files: Vec<(String, String)>,
    tokens: BTreeSet<String>,
}

struct Generator {
    rng: Rng,
    seed: u64,
    tokens: BTreeSet<String>,
    counter: usize,
}

impl Generator {
    /// Text for a place: with a fresh token when only internal groups receive it.
    fn text(&mut self, internal_only: bool, what: &str) -> String {
        self.counter += 1;
        if internal_only {
            let token = format!("tkn{}q{}q", self.seed, self.counter);
            self.tokens.insert(token.clone());
            format!("{what} {token}")
        } else {
            format!("{what} public {}", self.counter)
        }
    }

    fn id(&mut self, internal_only: bool, prefix: &str) -> String {
        self.counter += 1;
        if internal_only {
            let token = format!("tkn{}q{}q", self.seed, self.counter);
            self.tokens.insert(token.clone());
            token
        } else {
            format!("{prefix}{}", self.counter)
        }
    }

    fn site(mut self) -> Generated {
        let rng = &mut self.rng;
        let n_groups = 2 + rng.below(6);
        let mut groups: Vec<Group> = Vec::new();
        for i in 0..n_groups {
            let parent = (i > 0 && self.rng.chance(50)).then(|| self.rng.below(i));
            // A public group under an internal one is an error: the child must be internal.
            let internal = parent.is_some_and(|p| groups[p].internal) || self.rng.chance(45);
            let id = self.id(internal, "group-");
            groups.push(Group { id, internal, parent });
        }
        let mut files = vec![("site.toml".to_string(), SITE_TOML.to_string())];
        for g in 0..groups.len() {
            let internal = groups[g].internal;
            let mut text =
                format!("---\nname: {}\nsummary: {}\n", self.text(internal, "Name"), self.text(internal, "Summary"));
            if internal {
                text.push_str("audience: internal\n");
            }
            if let Some(p) = groups[g].parent {
                writeln!(text, "parent: {}", groups[p].id).unwrap();
            }
            let contact = self.text(internal, "Contact");
            let email = self.id(internal, "list-");
            writeln!(
                text,
                "contacts: [\"{contact}\"]\nemail: {email}@acme.example\n---\n{}",
                self.text(internal, "Body")
            )
            .unwrap();
            files.push((format!("content/stakeholders/{}.md", groups[g].id), text));
        }

        let all: Vec<usize> = (0..groups.len()).collect();
        let receives = |g: usize, targets: &[usize]| {
            let mut current = Some(g);
            while let Some(c) = current {
                if targets.contains(&c) {
                    return true;
                }
                current = groups[c].parent;
            }
            false
        };
        for _ in 0..1 + self.rng.below(5) {
            let n_features = 1 + self.rng.below(3);
            let named: Vec<Vec<usize>> = (0..n_features).map(|_| self.rng.some(&all, 3)).collect();
            let flat: Vec<usize> = named.iter().flatten().copied().collect();
            let release_groups: Vec<usize> = all.iter().copied().filter(|&g| receives(g, &flat)).collect();
            let hidden = release_groups.iter().all(|&g| groups[g].internal);
            let slug = self.id(hidden, "release-");
            let status = if self.rng.chance(80) { "approved" } else { "draft" };
            let mut text = String::from("---\n");
            let product = if hidden && self.rng.chance(50) { self.text(true, "Product") } else { "Payments".into() };
            writeln!(
                text,
                "title: {}\nproduct: {product}\nversion: {}\nstatus: {status}\ndeployed_at: 2026-11-{:02}T10:00:00Z\nsummary: {}\nfeatures:",
                self.text(hidden, "Title"),
                self.text(hidden, "Version"),
                1 + self.rng.below(20),
                self.text(hidden, "Summary"),
            )
            .unwrap();
            for names in &named {
                let internal_feature = names.iter().all(|&g| groups[g].internal);
                let title = self.text(internal_feature, "Feature");
                writeln!(text, "  - title: {title}").unwrap();
                if self.rng.chance(50) {
                    writeln!(text, "    id: {}", self.id(internal_feature, "feature-")).unwrap();
                }
                writeln!(text, "    summary: {}", self.text(internal_feature, "What")).unwrap();
                let ids: Vec<&str> = names.iter().map(|&g| groups[g].id.as_str()).collect();
                writeln!(text, "    groups: [{}]\n    value:", ids.join(", ")).unwrap();
                // Values for named groups and, sometimes, for groups below them.
                let reached: Vec<usize> = all.iter().copied().filter(|&g| receives(g, names)).collect();
                for g in reached {
                    if names.contains(&g) || self.rng.chance(40) {
                        writeln!(text, "      {}: {}", groups[g].id, self.text(groups[g].internal, "Value")).unwrap();
                    }
                }
            }
            text.push_str("access:\n");
            for &g in &release_groups {
                if self.rng.chance(60) {
                    let internal = groups[g].internal;
                    writeln!(
                        text,
                        "  {}:\n    how: {}\n    when: {}\n    where: {}\n    permissions: {}",
                        groups[g].id,
                        self.text(internal, "How"),
                        self.text(internal, "When"),
                        self.text(internal, "Where"),
                        self.text(internal, "Permissions")
                    )
                    .unwrap();
                }
            }
            text.push_str("constraints:\n");
            for _ in 0..self.rng.below(4) {
                let targets = self.rng.chance(70).then(|| self.rng.some(&all, 2));
                let internal = hidden || targets.as_ref().is_some_and(|t| t.iter().all(|&g| groups[g].internal));
                let kind = *self.rng.pick(&["availability", "geographic", "capacity", "regulatory", "other"]);
                writeln!(text, "  - kind: {kind}\n    text: {}", self.text(internal, "Constraint")).unwrap();
                if let Some(t) = targets {
                    let ids: Vec<&str> = t.iter().map(|&g| groups[g].id.as_str()).collect();
                    writeln!(text, "    groups: [{}]", ids.join(", ")).unwrap();
                }
            }
            text.push_str("windows:\n");
            for _ in 0..self.rng.below(3) {
                let targets = self.rng.chance(70).then(|| self.rng.some(&all, 2));
                let internal = hidden || targets.as_ref().is_some_and(|t| t.iter().all(|&g| groups[g].internal));
                let kind = *self.rng.pick(&["maintenance", "availability"]);
                writeln!(
                    text,
                    "  - title: {}\n    kind: {kind}\n    start: 2026-11-21T01:00:00Z\n    end: 2026-11-21T03:00:00Z",
                    self.text(internal, "Window")
                )
                .unwrap();
                if let Some(t) = targets {
                    let ids: Vec<&str> = t.iter().map(|&g| groups[g].id.as_str()).collect();
                    writeln!(text, "    groups: [{}]", ids.join(", ")).unwrap();
                }
            }
            // Actions name groups of the release only (anything else is an error).
            text.push_str("actions:\n");
            for _ in 0..self.rng.below(3) {
                let targets = self.rng.chance(70).then(|| self.rng.some(&release_groups, 2));
                let internal = hidden || targets.as_ref().is_some_and(|t| t.iter().all(|&g| groups[g].internal));
                writeln!(text, "  - text: {}", self.text(internal, "Action")).unwrap();
                if self.rng.chance(60) {
                    writeln!(text, "    due: 2026-12-{:02}", 1 + self.rng.below(28)).unwrap();
                }
                if let Some(t) = targets {
                    let ids: Vec<&str> = t.iter().map(|&g| groups[g].id.as_str()).collect();
                    writeln!(text, "    groups: [{}]", ids.join(", ")).unwrap();
                }
            }
            writeln!(text, "---\n{}", self.text(hidden, "Notes")).unwrap();
            files.push((format!("content/releases/{slug}/index.md"), text));
            for &g in &release_groups {
                if self.rng.chance(40) {
                    let internal = groups[g].internal;
                    let page = format!(
                        "---\ntitle: {}\nsummary: {}\n---\n{}\n",
                        self.text(internal, "For"),
                        self.text(internal, "Gist"),
                        self.text(internal, "Handwritten")
                    );
                    files.push((format!("content/releases/{slug}/{}.md", groups[g].id), page));
                }
            }
        }
        Generated { files, tokens: self.tokens }
    }
}

fn generate(seed: u64) -> Generated {
    let rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xC0FF_EE00);
    Generator { rng, seed, tokens: BTreeSet::new(), counter: 0 }.site()
}

/// Every searchable text of a build: file names and contents, with calendar lines
/// unfolded, e-mails decoded and the search index unpacked (a token may be folded,
/// encoded or compressed there).
fn searchable(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for (path, bytes) in common::tree(dir) {
        // The search index's parts are gzipped: their text is searched unpacked.
        let mut text = common::unpacked(&bytes);
        if path.ends_with(".ics") {
            text = text.replace("\r\n ", "").replace("\r\n\t", "");
        }
        if path.ends_with(".eml") {
            let message = mail_parser::MessageParser::default().parse(&bytes).expect("an e-mail");
            for header in message.headers() {
                let _ = write!(text, "\n{}: {:?}", header.name(), header.value());
            }
            text.push_str(&message.body_text(0).unwrap_or_default());
            text.push_str(&message.body_html(0).unwrap_or_default());
        }
        texts.push((path.clone(), format!("{path}\n{}", text.to_lowercase())));
    }
    texts
}

/// Builds one random site for both audiences; returns (leaks, tokens, tokens seen internally).
fn check_case(seed: u64) -> (Vec<String>, usize, usize) {
    let generated = generate(seed);
    let files: Vec<(&str, &str)> = generated.files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let site = Site::new(&files);
    let mut extra = vec![];
    if seed % 2 == 1 {
        extra.extend(["--drafts", "--future"]);
    }
    for (audience, out, mail) in [("public", "public", "mail-public"), ("internal", "internal", "mail-internal")] {
        let mut args = vec!["build", "--now", NOW, "--audience", audience, "--output", out, "--emails", mail];
        args.extend(&extra);
        let run = site.run(&args);
        if run.code != 0 {
            let listing: String = generated.files.iter().map(|(p, t)| format!("=== {p}\n{t}")).collect();
            panic!("seed {seed}: the random site does not build\n{}\n{listing}", run.transcript());
        }
    }
    let mut leaks = Vec::new();
    for dir in ["public", "mail-public"] {
        for (path, text) in searchable(&site.path(dir)) {
            for token in &generated.tokens {
                if text.contains(token.as_str()) {
                    leaks.push(format!("seed {seed}: {token} in {dir}/{path}"));
                }
            }
        }
    }
    let internal: Vec<(String, String)> =
        ["internal", "mail-internal"].iter().flat_map(|dir| searchable(&site.path(dir))).collect();
    let seen = generated.tokens.iter().filter(|t| internal.iter().any(|(_, text)| text.contains(t.as_str()))).count();
    (leaks, generated.tokens.len(), seen)
}

#[test]
fn no_internal_text_reaches_a_public_build_of_any_random_site() {
    let seeds: Vec<u64> = (1..=CASES).collect();
    let results: Vec<(Vec<String>, usize, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = seeds
            .chunks(CASES as usize / 4)
            .map(|chunk| scope.spawn(move || chunk.iter().map(|&seed| check_case(seed)).collect::<Vec<_>>()))
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let leaks: Vec<String> = results.iter().flat_map(|(l, _, _)| l.clone()).collect();
    assert!(leaks.is_empty(), "{} leaks:\n{}", leaks.len(), leaks.join("\n"));
    // The property means something only if internal text is rendered at all: almost every
    // token shows up in the internal builds (the rest are in hidden drafts).
    let (tokens, seen): (usize, usize) = results.iter().fold((0, 0), |(t, s), r| (t + r.1, s + r.2));
    eprintln!("{CASES} random sites, {tokens} internal-only texts, {seen} of them shown by the internal builds");
    assert!(tokens > 1000, "the sites are rich enough ({tokens} internal texts)");
    assert!(seen * 100 >= tokens * 70, "internal builds show {seen} of {tokens} internal texts");
}

#[test]
fn the_generator_respects_the_hierarchy_rules() {
    // Every generated site is valid content: `check` finds no error in a few of them.
    for seed in [3, 17, 40] {
        let generated = generate(seed);
        let files: Vec<(&str, &str)> = generated.files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let run = Site::new(&files).run(&["check"]);
        assert!(!run.stderr.contains(": error: "), "seed {seed}\n{}", run.transcript());
    }
}
