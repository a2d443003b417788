//! The deployment manager's consolidated view (SPEC §7, `communique review`): every
//! release × group with its status, publish date, size, reading ease and warnings, and
//! the distribution plan (`--plan`): per group, what goes out when and through which
//! channels. Both are pure functions of the site and "now"; the renderers turn them into
//! text for a terminal, Markdown for a wiki or a pull request, or JSON for scripts. The
//! preview server's `/_review/` page renders the same [`Review`] with `review.html`.
//!
//! Unlike a build, the review shows everything: every status, every group, internal
//! ones included.

use crate::diagnostics::{self, Diagnostic};
use crate::hierarchy::Hierarchy;
use crate::lint;
use crate::model::{Audience, Release, Site, StakeholderGroup, Status};
use crate::render::context::{communique_path, date_view, group_path, DateView};
use crate::select::{self, Marker, Mode};
use jiff::Timestamp;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::collections::HashSet;
use std::fmt::Write as _;

/// Text output is at most this wide.
pub const TEXT_WIDTH: usize = 120;

/// Where a communique stands relative to "now", as the preview marks it (SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// `draft` or `review`: goes out only once approved.
    Draft,
    /// Approved, `publish_at` still ahead: goes out with the first build after it.
    Scheduled,
    /// Approved, `publish_at` passed: in the published build.
    Published,
}

impl State {
    pub fn of(status: Status, publish_at: Timestamp, now: Timestamp) -> State {
        match select::shows(status, publish_at, Mode::Preview, now) {
            Some(None) => State::Published,
            Some(Some(Marker::Scheduled)) => State::Scheduled,
            _ => State::Draft,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Scheduled => "scheduled",
            State::Published => "published",
        }
    }
}

/// The consolidated program view.
#[derive(Serialize, Clone)]
pub struct Review {
    pub site_title: String,
    pub base_url: String,
    /// The site's timezone (IANA name): publish dates in text and Markdown are in it.
    pub timezone: String,
    pub now: DateView,
    /// One per release × group, by `publish_at`, then slug, then portal order.
    pub rows: Vec<Row>,
    pub totals: Totals,
    /// Groups that no release reaches.
    pub unreached_groups: Vec<GroupInfo>,
    /// Groups affected by a release (their `components` meet its) that no feature reaches.
    pub affected_unreached: Vec<AffectedUnreached>,
    #[serde(skip)]
    now_local: String,
}

/// One communique: release `slug` for group `group_id`.
#[derive(Serialize, Clone)]
pub struct Row {
    pub slug: String,
    pub release_title: String,
    /// The communique's absolute URL.
    pub url: String,
    pub product: String,
    pub version: String,
    pub status: Status,
    pub state: State,
    pub group_id: String,
    pub group_name: String,
    pub audience: Audience,
    pub publish_at: DateView,
    /// Words of the communique's prose (see [`prose`]).
    pub words: usize,
    /// Flesch reading ease of that prose, one decimal; `None` when it has no words.
    pub reading_ease: Option<f64>,
    /// `message [code]` of each warning that concerns this communique.
    pub warnings: Vec<String>,
    #[serde(skip)]
    publish_local: String,
}

#[derive(Serialize, Clone, Default)]
pub struct Totals {
    pub releases: usize,
    pub communiques: usize,
    pub words: usize,
    /// Communiques with at least one warning.
    pub with_warnings: usize,
    /// `draft`, `review`, `approved`, always all three.
    pub by_status: Vec<StatusTotal>,
    /// Every group, in portal order.
    pub by_group: Vec<GroupTotal>,
}

#[derive(Serialize, Clone)]
pub struct StatusTotal {
    pub status: Status,
    pub releases: usize,
    pub communiques: usize,
    pub words: usize,
    pub with_warnings: usize,
}

#[derive(Serialize, Clone)]
pub struct GroupTotal {
    pub group_id: String,
    pub group_name: String,
    pub audience: Audience,
    pub communiques: usize,
    pub draft: usize,
    pub review: usize,
    pub approved: usize,
    pub words: usize,
    pub with_warnings: usize,
}

#[derive(Serialize, Clone)]
pub struct GroupInfo {
    pub group_id: String,
    pub group_name: String,
    pub audience: Audience,
}

#[derive(Serialize, Clone)]
pub struct AffectedUnreached {
    pub slug: String,
    pub release_title: String,
    pub group_id: String,
    pub group_name: String,
    /// The components the group uses and the release changes.
    pub components: Vec<String>,
}

/// Releases by `publish_at`, then slug.
fn by_publish_date(site: &Site) -> Vec<&Release> {
    let mut releases: Vec<&Release> = site.releases.iter().map(|r| &**r).collect();
    releases.sort_by(|a, b| a.publish_at.cmp(&b.publish_at).then_with(|| a.slug.cmp(&b.slug)));
    releases
}

/// `2026-11-21 09:00` in the site's timezone.
fn local(ts: Timestamp, site: &Site) -> String {
    ts.to_zoned(site.config.tz.clone()).strftime("%Y-%m-%d %H:%M").to_string()
}

/// The review of what a build for `audience` shows: for `internal`, everything; for
/// `public` (`serve --audience public`), the review of the site as the public build sees
/// it, so that nothing that reaches only internal groups appears in it (SPEC §5): not
/// their rows, nor their names in totals, nor in the warnings of public rows (a product
/// spelled like an internal-only release's, an internal group that a release affects).
pub fn review_for(site: &Site, sources: &crate::content::Sources, now: Timestamp, audience: Audience) -> Review {
    match audience {
        Audience::Internal => review(site, sources, now),
        Audience::Public => review(&audience_view(site, audience), sources, now),
    }
}

/// The site as a build for `audience` sees it: its groups only, the releases that reach
/// one of them, and in those only the features, values, access entries, constraints,
/// windows and hand-written pages that reach one of them.
fn audience_view(site: &Site, audience: Audience) -> Site {
    let h = Hierarchy::new(&site.groups);
    let visible: HashSet<&str> =
        site.groups.iter().filter(|g| select::visible(audience, g)).map(|g| g.id.as_str()).collect();
    let keep =
        |ids: &[String]| -> Vec<String> { ids.iter().filter(|id| visible.contains(id.as_str())).cloned().collect() };
    // `groups` left empty by the filter would mean "every group": drop the entry instead.
    let narrowed = |groups: &Option<Vec<String>>| -> Option<Option<Vec<String>>> {
        match groups {
            None => Some(None),
            Some(ids) => Some(keep(ids)).filter(|ids| !ids.is_empty()).map(Some),
        }
    };
    let releases = site
        .releases
        .iter()
        .filter(|r| h.release_groups(r).iter().any(|g| visible.contains(g)))
        .map(|r| {
            let mut r = (**r).clone();
            r.features.retain_mut(|f| {
                f.groups = keep(&f.groups);
                f.value.retain(|g, _| visible.contains(g.as_str()));
                !f.groups.is_empty()
            });
            r.access.retain(|g, _| visible.contains(g.as_str()));
            r.handwritten.retain(|g, _| visible.contains(g.as_str()));
            r.constraints.retain_mut(|c| narrowed(&c.groups).map(|groups| c.groups = groups).is_some());
            r.windows.retain_mut(|w| narrowed(&w.groups).map(|groups| w.groups = groups).is_some());
            std::sync::Arc::new(r)
        })
        .collect();
    Site {
        config: site.config.clone(),
        groups: site.groups.iter().filter(|g| visible.contains(g.id.as_str())).cloned().collect(),
        releases,
    }
}

pub fn review(site: &Site, sources: &crate::content::Sources, now: Timestamp) -> Review {
    let h = Hierarchy::new(&site.groups);
    let config = &site.config;
    let mut warnings = lint::warnings(site, sources, now);
    diagnostics::sort(&mut warnings);

    let mut rows = Vec::new();
    let mut affected_unreached = Vec::new();
    let mut reached: HashSet<&str> = HashSet::new();
    for r in by_publish_date(site) {
        let groups = h.release_groups(r);
        reached.extend(groups.iter().copied());
        for &g in &groups {
            let Some(group) = h.get(g) else { continue };
            let reading = Readability::of(&prose(&h, r, g));
            rows.push(Row {
                slug: r.slug.clone(),
                release_title: r.title.clone(),
                url: config.url(&communique_path(&r.slug, g)),
                product: r.product.clone(),
                version: r.version.clone(),
                status: r.status,
                state: State::of(r.status, r.publish_at, now),
                group_id: group.id.clone(),
                group_name: group.name.clone(),
                audience: group.audience,
                publish_at: date_view(r.publish_at, config),
                words: reading.words,
                reading_ease: reading.ease(),
                warnings: row_warnings(&h, r, g, &warnings),
                publish_local: local(r.publish_at, site),
            });
        }
        for (group, shared) in lint::affected_unreached(site, r, &groups) {
            affected_unreached.push(AffectedUnreached {
                slug: r.slug.clone(),
                release_title: r.title.clone(),
                group_id: group.id.clone(),
                group_name: group.name.clone(),
                components: shared.into_iter().map(String::from).collect(),
            });
        }
    }
    let unreached_groups = site
        .groups
        .iter()
        .filter(|g| !reached.contains(g.id.as_str()))
        .map(|g| GroupInfo { group_id: g.id.clone(), group_name: g.name.clone(), audience: g.audience })
        .collect();
    let totals = totals(site, &rows);
    Review {
        site_title: config.title.clone(),
        base_url: config.base_url.clone(),
        timezone: config.timezone.clone(),
        now: date_view(now, config),
        rows,
        totals,
        unreached_groups,
        affected_unreached,
        now_local: local(now, site),
    }
}

/// The Markdown texts of the communique for release `r` and group `g`, in the order a
/// reader meets them (SPEC §6): the summary (the hand-written one if any), each feature's
/// summary and `g`'s value, `g`'s access entry, the constraints that apply to `g`, and the
/// hand-written text. Entries inherit from ancestors as on the page; titles are left out.
pub fn prose<'m, 'a>(h: &Hierarchy<'a>, r: &'m Release, g: &'a str) -> Vec<&'m str> {
    let page = h.inherited(&r.handwritten, g);
    let mut texts = vec![page.and_then(|p| p.summary.as_deref()).unwrap_or(&r.summary)];
    for f in r.features.iter().filter(|f| h.feature_reaches(f, g)) {
        texts.push(&f.summary);
        texts.extend(h.inherited(&f.value, g).map(String::as_str));
    }
    if let Some(a) = h.inherited(&r.access, g) {
        texts.extend([&a.how, &a.when, &a.r#where, &a.permissions].into_iter().flatten().map(String::as_str));
    }
    texts.extend(r.constraints.iter().filter(|c| h.constraint_applies(c, g)).map(|c| c.text.as_str()));
    texts.extend(page.map(|p| p.body.as_str()));
    texts
}

/// The warnings about release `r` that concern its communique for `g`, as `message [code]`.
///
/// - A warning in the release's file concerns all its communiques, except the two that
///   name a group: `missing-access` concerns only the group it names; `missing-value`
///   concerns the group it names and its descendants that inherit no value for the
///   feature either (their communique shows the feature without a value).
/// - A warning in a hand-written page concerns the communiques that show that page (its
///   group, and descendants without a page of their own).
/// - Warnings in group files and `site.toml` concern no communique; `check` reports them,
///   and the review lists unreached groups separately.
fn row_warnings<'a>(h: &Hierarchy<'a>, r: &Release, g: &'a str, warnings: &[Diagnostic]) -> Vec<String> {
    let page = h.inherited(&r.handwritten, g).map(|p| p.path.as_str());
    warnings
        .iter()
        .filter(|d| if d.path == r.path { concerns(h, r, g, d) } else { Some(d.path.as_str()) == page })
        .map(|d| format!("{} [{}]", d.message, d.code))
        .collect()
}

fn concerns<'a>(h: &Hierarchy<'a>, r: &Release, g: &'a str, d: &Diagnostic) -> bool {
    let named = quoted_after(&d.message, "for ");
    match (d.code, named) {
        ("missing-access", Some(named)) => named == g,
        ("missing-value", Some(named)) => {
            let feature = quoted_after(&d.message, "feature ").and_then(|id| r.features.iter().find(|f| f.id == id));
            h.chain(g).contains(&named) && feature.is_none_or(|f| h.inherited(&f.value, g).is_none())
        }
        _ => true,
    }
}

/// The first `` `x` `` right after `prefix` in `message` (lint messages quote ids so).
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let start = message.find(&format!("{prefix}`"))? + prefix.len() + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

fn totals(site: &Site, rows: &[Row]) -> Totals {
    let mut totals = Totals::default();
    let mut releases: HashSet<&str> = HashSet::new();
    for status in [Status::Draft, Status::Review, Status::Approved] {
        let of: Vec<&Row> = rows.iter().filter(|r| r.status == status).collect();
        let slugs: HashSet<&str> = of.iter().map(|r| r.slug.as_str()).collect();
        totals.by_status.push(StatusTotal {
            status,
            releases: slugs.len(),
            communiques: of.len(),
            words: of.iter().map(|r| r.words).sum(),
            with_warnings: of.iter().filter(|r| !r.warnings.is_empty()).count(),
        });
        releases.extend(slugs);
    }
    totals.releases = releases.len();
    totals.communiques = rows.len();
    totals.words = rows.iter().map(|r| r.words).sum();
    totals.with_warnings = rows.iter().filter(|r| !r.warnings.is_empty()).count();
    for g in &site.groups {
        let of: Vec<&Row> = rows.iter().filter(|r| r.group_id == g.id).collect();
        let count = |s: Status| of.iter().filter(|r| r.status == s).count();
        totals.by_group.push(GroupTotal {
            group_id: g.id.clone(),
            group_name: g.name.clone(),
            audience: g.audience,
            communiques: of.len(),
            draft: count(Status::Draft),
            review: count(Status::Review),
            approved: count(Status::Approved),
            words: of.iter().map(|r| r.words).sum(),
            with_warnings: of.iter().filter(|r| !r.warnings.is_empty()).count(),
        });
    }
    totals
}

// ---------------------------------------------------------------------------------------
// Reading ease

/// Word, sentence and syllable counts of some prose, for the Flesch reading ease.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Readability {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
}

impl Readability {
    /// Counts over Markdown texts, read as plain text (see [`plain_text`]). A word is a
    /// whitespace-separated token with a letter or digit in it. A sentence ends at a word
    /// ending in `.`, `!`, `?` or `…` (closing quotes and brackets aside), and at the end
    /// of each paragraph, list item, heading or table cell: an access entry such as
    /// "EU and US regions" counts as a sentence.
    pub fn of(markdown: &[&str]) -> Readability {
        let mut counts = Readability::default();
        for piece in markdown.iter().flat_map(|m| plain_text(m)) {
            let words: Vec<&str> = piece.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).collect();
            let Some(last) = words.last() else { continue };
            counts.words += words.len();
            counts.syllables += words.iter().map(|w| word_syllables(w)).sum::<usize>();
            counts.sentences += words.iter().filter(|w| ends_sentence(w)).count();
            if !ends_sentence(last) {
                counts.sentences += 1;
            }
        }
        counts
    }

    /// Flesch reading ease, `206.835 − 1.015 × words/sentences − 84.6 × syllables/words`,
    /// rounded to one decimal: 60–70 is plain English, below 30 is hard going. `None`
    /// without words.
    pub fn ease(&self) -> Option<f64> {
        if self.words == 0 || self.sentences == 0 {
            return None;
        }
        let (w, s, y) = (self.words as f64, self.sentences as f64, self.syllables as f64);
        let ease = 206.835 - 1.015 * (w / s) - 84.6 * (y / w);
        Some((ease * 10.0).round() / 10.0)
    }
}

fn ends_sentence(word: &str) -> bool {
    let word = word.trim_end_matches(['"', '\'', '”', '’', ')', ']', '*', '_']);
    word.ends_with(['.', '!', '?', '…'])
}

/// Markdown as plain text, one string per paragraph, list item, heading or table cell:
/// emphasis, links and inline code keep their text; code blocks, images and raw HTML
/// are dropped.
pub fn plain_text(markdown: &str) -> Vec<String> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut skipping = 0usize;
    let mut flush = |current: &mut String| {
        let text = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            pieces.push(text);
        }
        current.clear();
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::Image { .. } | Tag::HtmlBlock) => skipping += 1,
            Event::End(TagEnd::CodeBlock | TagEnd::Image | TagEnd::HtmlBlock) => skipping = skipping.saturating_sub(1),
            _ if skipping > 0 => {}
            Event::Text(t) | Event::Code(t) => current.push_str(&t),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::Start(
                Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Superscript | Tag::Subscript | Tag::Link { .. },
            )
            | Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link,
            ) => {}
            Event::Start(_) | Event::End(_) | Event::Rule => flush(&mut current),
            _ => {}
        }
    }
    flush(&mut current);
    pieces
}

/// Syllables of a word token: the sum over its runs of letters (`refund.settled` is
/// `refund` + `settled`; apostrophes are dropped, so `don't` is one run); a token without
/// letters (`2026`, `1,000`) counts as one.
fn word_syllables(token: &str) -> usize {
    let letters: String = token.chars().filter(|c| !matches!(c, '\'' | '’')).collect();
    let total: usize = letters.split(|c: char| !c.is_alphabetic()).filter(|r| !r.is_empty()).map(syllables).sum();
    total.max(1)
}

/// An estimate of the syllables of an English word, good enough for a readability score:
/// groups of vowels (`y` counts after the first letter), less a silent final `e`
/// (`make`, but not `table`), and `-ed`/`-es` endings that add no syllable (`jumped`,
/// `makes`, but not `wanted`, `boxes`, `settled`). At least one.
pub fn syllables(word: &str) -> usize {
    let w: Vec<char> = word.to_lowercase().chars().filter(|c| c.is_alphabetic()).collect();
    let n = w.len();
    if n == 0 {
        return 0;
    }
    let vowel = |i: usize| "aeiouàáâäèéêëìíîïòóôöùúûü".contains(w[i]) || (w[i] == 'y' && i > 0);
    let mut count = 0;
    for i in 0..n {
        if vowel(i) && (i == 0 || !vowel(i - 1)) {
            count += 1;
        }
    }
    // `-le` after a consonant is a syllable of its own: table, little, settled, tables.
    let consonant_le = |l: usize| l >= 1 && w[l] == 'l' && !vowel(l - 1) && w[l - 1] != 'l';
    if count > 1 {
        let silent = if w[n - 1] == 'e' && !vowel(n - 2) {
            !consonant_le(n - 2)
        } else if n >= 4 && w[n - 1] == 'd' && w[n - 2] == 'e' && !vowel(n - 3) {
            !matches!(w[n - 3], 'd' | 't') && !consonant_le(n - 3)
        } else if n >= 4 && w[n - 1] == 's' && w[n - 2] == 'e' && !vowel(n - 3) {
            let sibilant =
                matches!(w[n - 3], 's' | 'x' | 'z' | 'c' | 'g') || (w[n - 3] == 'h' && matches!(w[n - 4], 'c' | 's'));
            !sibilant && !consonant_le(n - 3)
        } else {
            false
        };
        if silent {
            count -= 1;
        }
    }
    count.max(1)
}

// ---------------------------------------------------------------------------------------
// Distribution plan

/// Who is notified, how and when: per group, its communiques and channels.
#[derive(Serialize, Clone)]
pub struct Plan {
    pub site_title: String,
    pub base_url: String,
    pub timezone: String,
    pub now: DateView,
    /// Every group, in portal order.
    pub groups: Vec<PlanGroup>,
    #[serde(skip)]
    now_local: String,
}

#[derive(Serialize, Clone)]
pub struct PlanGroup {
    pub group_id: String,
    pub group_name: String,
    /// `internal`: its channels exist only in the internal build.
    pub audience: Audience,
    pub contacts: Vec<String>,
    pub email: Option<String>,
    /// Chat channels `notify` posts to: the platform and the variable that holds the
    /// webhook's URL (never the URL).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chat: Vec<ChatView>,
    /// Where every communique of the group appears: its page and its RSS feed.
    pub channels: Vec<Channel>,
    /// By `publish_at`, then slug.
    pub communiques: Vec<PlanItem>,
}

#[derive(Serialize, Clone)]
pub struct ChatView {
    pub kind: crate::model::ChatKind,
    pub webhook_env: String,
}

impl ChatView {
    /// `slack (SLACK_CUSTOMERS_WEBHOOK)`, as `notify` shows it.
    fn shown(&self) -> String {
        format!("{} ({})", self.kind.as_str(), self.webhook_env)
    }
}

#[derive(Serialize, Clone)]
pub struct Channel {
    /// `page` or `feed`.
    pub kind: &'static str,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct PlanItem {
    pub slug: String,
    pub release_title: String,
    /// The communique's title: the hand-written one for this group, else the release's.
    pub title: String,
    pub product: String,
    pub version: String,
    pub status: Status,
    pub state: State,
    pub publish_at: DateView,
    /// The communique's absolute URL.
    pub url: String,
    #[serde(skip)]
    publish_local: String,
}

pub fn plan(site: &Site, now: Timestamp) -> Plan {
    let h = Hierarchy::new(&site.groups);
    let config = &site.config;
    let releases = by_publish_date(site);
    let release_groups: Vec<(&Release, Vec<&str>)> = releases.iter().map(|r| (*r, h.release_groups(r))).collect();
    let groups = site
        .groups
        .iter()
        .map(|g: &StakeholderGroup| {
            let page = group_path(&g.id);
            PlanGroup {
                group_id: g.id.clone(),
                group_name: g.name.clone(),
                audience: g.audience,
                contacts: g.contacts.clone(),
                email: g.email.clone(),
                chat: g.chat.iter().map(|c| ChatView { kind: c.kind, webhook_env: c.webhook_env.clone() }).collect(),
                channels: vec![
                    Channel { kind: "page", url: config.url(&page) },
                    Channel { kind: "feed", url: config.url(&format!("{page}feed.xml")) },
                ],
                communiques: release_groups
                    .iter()
                    .filter(|(_, groups)| groups.contains(&g.id.as_str()))
                    .map(|(r, _)| {
                        let handwritten = h.inherited(&r.handwritten, &g.id);
                        PlanItem {
                            slug: r.slug.clone(),
                            release_title: r.title.clone(),
                            title: handwritten.and_then(|p| p.title.clone()).unwrap_or_else(|| r.title.clone()),
                            product: r.product.clone(),
                            version: r.version.clone(),
                            status: r.status,
                            state: State::of(r.status, r.publish_at, now),
                            publish_at: date_view(r.publish_at, config),
                            url: config.url(&communique_path(&r.slug, &g.id)),
                            publish_local: local(r.publish_at, site),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    Plan {
        site_title: config.title.clone(),
        base_url: config.base_url.clone(),
        timezone: config.timezone.clone(),
        now: date_view(now, config),
        groups,
        now_local: local(now, site),
    }
}

// ---------------------------------------------------------------------------------------
// Renderers

pub fn to_json<T: Serialize>(value: &T) -> String {
    let mut json = serde_json::to_string_pretty(value).expect("the review serializes");
    json.push('\n');
    json
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// A text column: its header, alignment, and the width it may shrink to (its full
/// width when it must not shrink).
struct Column {
    header: &'static str,
    align: Align,
    min: usize,
}

const fn left(header: &'static str, min: usize) -> Column {
    Column { header, align: Align::Left, min }
}

const fn right(header: &'static str) -> Column {
    Column { header, align: Align::Right, min: usize::MAX }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `max` characters, ending in `…` when cut.
fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        s.to_string()
    } else if max == 0 {
        String::new()
    } else {
        let mut cut: String = s.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

/// Aligned columns two spaces apart, every line at most [`TEXT_WIDTH`] wide: while too
/// wide, the widest column that may shrink loses a character; cut cells end in `…`.
fn table(indent: &str, columns: &[Column], rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| rows.iter().map(|r| width(&r[i])).chain([width(c.header)]).max().unwrap_or(0))
        .collect();
    let total = |widths: &[usize]| width(indent) + widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    while total(&widths) > TEXT_WIDTH {
        let shrinkable = (0..columns.len()).filter(|&i| widths[i] > columns[i].min.max(1)).max_by_key(|&i| widths[i]);
        match shrinkable {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = indent.to_string();
        for (i, (cell, c)) in cells.iter().zip(columns).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let cell = fit(cell, widths[i]);
            let pad = " ".repeat(widths[i] - width(&cell));
            match c.align {
                Align::Left => write!(out, "{cell}{pad}"),
                Align::Right => write!(out, "{pad}{cell}"),
            }
            .expect("writing to a String");
        }
        out.trim_end().to_string()
    };
    let mut lines = vec![line(columns.iter().map(|c| c.header).collect())];
    lines.extend(rows.iter().map(|r| line(r.iter().map(String::as_str).collect())));
    lines
}

/// `text` wrapped at word boundaries to [`TEXT_WIDTH`]: the first line starts with
/// `first`, the others with `rest`; a word longer than a line is cut into pieces.
fn wrap(first: &str, rest: &str, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut fresh = true; // no word on `line` yet
    for word in text.split_whitespace() {
        if !fresh && width(&line) + 1 + width(word) > TEXT_WIDTH {
            lines.push(std::mem::replace(&mut line, rest.to_string()));
            fresh = true;
        }
        if !fresh {
            line.push(' ');
        }
        let mut word = word.to_string();
        while width(&line) + width(&word) > TEXT_WIDTH {
            let room = TEXT_WIDTH.saturating_sub(width(&line)).max(1);
            let head: String = word.chars().take(room).collect();
            word = word.chars().skip(room).collect();
            line.push_str(&head);
            lines.push(std::mem::replace(&mut line, rest.to_string()));
        }
        line.push_str(&word);
        fresh = word.is_empty();
    }
    if !fresh || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// One row of the review table, in column order; `title` as the format shows it.
fn row_cells(r: &Row, title: String) -> Vec<String> {
    vec![
        r.publish_local.clone(),
        title,
        r.product.clone(),
        r.version.clone(),
        r.group_name.clone(),
        r.status.as_str().into(),
        r.words.to_string(),
        ease_text(r.reading_ease),
        r.warnings.len().to_string(),
    ]
}

fn ease_text(ease: Option<f64>) -> String {
    ease.map_or("—".to_string(), |e| format!("{e:.1}"))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The warnings of each release: those all its communiques share, then those of single
/// communiques. Releases without warnings are left out.
struct ReleaseWarnings<'r> {
    slug: &'r str,
    title: &'r str,
    all: Vec<&'r str>,
    /// (group name, warnings)
    by_group: Vec<(&'r str, Vec<&'r str>)>,
}

fn release_warnings(rows: &[Row]) -> Vec<ReleaseWarnings<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let slug = &rows[i].slug;
        let end = i + rows[i..].iter().take_while(|r| &r.slug == slug).count();
        let of = &rows[i..end];
        let all: Vec<&str> = of[0]
            .warnings
            .iter()
            .map(String::as_str)
            .filter(|w| of.iter().all(|r| r.warnings.iter().any(|x| x == w)))
            .collect();
        let by_group: Vec<(&str, Vec<&str>)> = of
            .iter()
            .map(|r| {
                let own: Vec<&str> = r.warnings.iter().map(String::as_str).filter(|w| !all.contains(w)).collect();
                (r.group_name.as_str(), own)
            })
            .filter(|(_, own)| !own.is_empty())
            .collect();
        if !all.is_empty() || !by_group.is_empty() {
            out.push(ReleaseWarnings { slug, title: &of[0].release_title, all, by_group });
        }
        i = end;
    }
    out
}

fn summary_line(review: &Review) -> String {
    let t = &review.totals;
    format!(
        "{} in {}; {} with warnings.",
        plural(t.communiques, "communique", "communiques"),
        plural(t.releases, "release", "releases"),
        t.with_warnings
    )
}

fn status_rows(review: &Review) -> Vec<Vec<String>> {
    let t = &review.totals;
    let mut rows: Vec<Vec<String>> = t
        .by_status
        .iter()
        .map(|s| {
            vec![
                s.status.as_str().to_string(),
                s.releases.to_string(),
                s.communiques.to_string(),
                s.words.to_string(),
                s.with_warnings.to_string(),
            ]
        })
        .collect();
    rows.push(vec![
        "total".into(),
        t.releases.to_string(),
        t.communiques.to_string(),
        t.words.to_string(),
        t.with_warnings.to_string(),
    ]);
    rows
}

fn audience_str(a: Audience) -> &'static str {
    match a {
        Audience::Public => "public",
        Audience::Internal => "internal",
    }
}

fn group_rows(review: &Review) -> Vec<Vec<String>> {
    review
        .totals
        .by_group
        .iter()
        .map(|g| {
            vec![
                g.group_name.clone(),
                g.group_id.clone(),
                audience_str(g.audience).into(),
                g.communiques.to_string(),
                g.draft.to_string(),
                g.review.to_string(),
                g.approved.to_string(),
                g.words.to_string(),
                g.with_warnings.to_string(),
            ]
        })
        .collect()
}

const STATUS_COLUMNS: [Column; 5] =
    [left("STATUS", usize::MAX), right("RELEASES"), right("COMMUNIQUES"), right("WORDS"), right("WITH WARNINGS")];

const GROUP_COLUMNS: [Column; 9] = [
    left("GROUP", 8),
    left("ID", 8),
    left("AUDIENCE", usize::MAX),
    right("COMMUNIQUES"),
    right("DRAFT"),
    right("REVIEW"),
    right("APPROVED"),
    right("WORDS"),
    right("WITH WARNINGS"),
];

/// The review for a terminal: aligned columns, no line wider than [`TEXT_WIDTH`].
pub fn to_text(review: &Review) -> String {
    let mut lines = Vec::new();
    lines.extend(wrap("", "", &format!("Review: {}", review.site_title)));
    lines.extend(wrap("", "", &format!("Now {} ({}); dates are in that timezone.", review.now_local, review.timezone)));
    lines.extend(wrap("", "", &summary_line(review)));
    lines.push(String::new());
    if review.rows.is_empty() {
        lines.push("No releases.".into());
    } else {
        let columns = [
            left("PUBLISH", usize::MAX),
            left("RELEASE", 12),
            left("PRODUCT", 8),
            left("VERSION", 7),
            left("GROUP", 8),
            left("STATUS", usize::MAX),
            right("WORDS"),
            right("EASE"),
            right("WARN"),
        ];
        let rows: Vec<Vec<String>> = review.rows.iter().map(|r| row_cells(r, r.release_title.clone())).collect();
        lines.extend(table("", &columns, &rows));
    }

    lines.push(String::new());
    lines.push("Totals by status".into());
    lines.extend(table("", &STATUS_COLUMNS, &status_rows(review)));
    lines.push(String::new());
    lines.push("Totals by group".into());
    lines.extend(table("", &GROUP_COLUMNS, &group_rows(review)));

    lines.push(String::new());
    lines.push("Warnings".into());
    let warnings = release_warnings(&review.rows);
    if warnings.is_empty() {
        lines.push("  None.".into());
    }
    for w in &warnings {
        lines.extend(wrap("  ", "  ", &format!("{} ({})", w.title, w.slug)));
        if !w.all.is_empty() {
            lines.extend(wrap("    ", "    ", "All its communiques:"));
            for message in &w.all {
                lines.extend(wrap("    - ", "      ", message));
            }
        }
        for (group, messages) in &w.by_group {
            lines.extend(wrap("    ", "    ", &format!("{group} only:")));
            for message in messages {
                lines.extend(wrap("    - ", "      ", message));
            }
        }
    }

    lines.push(String::new());
    lines.push("Groups that no release reaches".into());
    if review.unreached_groups.is_empty() {
        lines.push("  None.".into());
    }
    for g in &review.unreached_groups {
        lines.extend(wrap("  - ", "    ", &format!("{} ({}, {})", g.group_name, g.group_id, audience_str(g.audience))));
    }
    lines.push(String::new());
    lines.push("Affected groups that no feature reaches".into());
    if review.affected_unreached.is_empty() {
        lines.push("  None.".into());
    }
    for a in &review.affected_unreached {
        lines.extend(wrap(
            "  - ",
            "    ",
            &format!(
                "{} ({}) changes {} used by {} ({})",
                a.release_title,
                a.slug,
                a.components.join(", "),
                a.group_name,
                a.group_id
            ),
        ));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// A Markdown table cell: no line breaks, `|` escaped.
fn cell(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

/// Content (a title, a name, a warning) as Markdown text that makes no markup of its
/// own: one line (so it can start no heading, list or table row), the characters that
/// make markup within a line backslash-escaped (so no HTML comment can hide the rows
/// after it, no link, image, emphasis, code or math), and a word joiner after `@` so that
/// no team is mentioned. `|` is [`cell`]'s to escape.
fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            match c {
                '@' => out.push_str("@\u{2060}"),
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '&' | '~' | '#' | '$' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }
    out
}

fn md_table(out: &mut String, headers: &[&str], align: &[Align], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let rule: Vec<&str> = align.iter().map(|a| if *a == Align::Right { "--:" } else { "---" }).collect();
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

/// The review as Markdown, to paste into a wiki page or a pull request.
pub fn to_markdown(review: &Review) -> String {
    use Align::{Left as L, Right as R};
    let mut out = String::new();
    let _ = writeln!(out, "# Review: {}\n", md_text(&review.site_title));
    let _ = writeln!(
        out,
        "Now {} ({}); dates are in that timezone. {}\n",
        review.now_local,
        review.timezone,
        summary_line(review)
    );
    if review.rows.is_empty() {
        out.push_str("No releases.\n\n");
    } else {
        let rows: Vec<Vec<String>> = review
            .rows
            .iter()
            .map(|r| {
                let mut cells = row_cells(r, format!("[{}]({})", md_text(&r.release_title), r.url));
                // Product, version and group come from content.
                for content in &mut cells[2..5] {
                    *content = md_text(content);
                }
                cells
            })
            .collect();
        md_table(
            &mut out,
            &["Publish", "Release", "Product", "Version", "Group", "Status", "Words", "Reading ease", "Warnings"],
            &[L, L, L, L, L, L, R, R, R],
            &rows,
        );
        out.push('\n');
    }
    out.push_str("## Totals by status\n\n");
    md_table(
        &mut out,
        &["Status", "Releases", "Communiques", "Words", "With warnings"],
        &[L, R, R, R, R],
        &status_rows(review),
    );
    out.push_str("\n## Totals by group\n\n");
    md_table(
        &mut out,
        &["Group", "Id", "Audience", "Communiques", "Draft", "Review", "Approved", "Words", "With warnings"],
        &[L, L, L, R, R, R, R, R, R],
        &group_rows(review)
            .into_iter()
            .map(|mut row| {
                row[0] = md_text(&row[0]);
                row
            })
            .collect::<Vec<_>>(),
    );
    out.push_str("\n## Warnings\n\n");
    let warnings = release_warnings(&review.rows);
    if warnings.is_empty() {
        out.push_str("None.\n\n");
    }
    for w in &warnings {
        let _ = writeln!(out, "### {} (`{}`)\n", md_text(w.title), w.slug);
        for message in &w.all {
            let _ = writeln!(out, "- All its communiques: {}", md_text(message));
        }
        for (group, messages) in &w.by_group {
            for message in messages {
                let _ = writeln!(out, "- {} only: {}", md_text(group), md_text(message));
            }
        }
        out.push('\n');
    }
    out.push_str("## Groups that no release reaches\n\n");
    if review.unreached_groups.is_empty() {
        out.push_str("None.\n");
    }
    for g in &review.unreached_groups {
        let _ = writeln!(out, "- {} (`{}`, {})", md_text(&g.group_name), g.group_id, audience_str(g.audience));
    }
    out.push_str("\n## Affected groups that no feature reaches\n\n");
    if review.affected_unreached.is_empty() {
        out.push_str("None.\n");
    }
    for a in &review.affected_unreached {
        let components: Vec<String> = a.components.iter().map(|c| format!("`{c}`")).collect();
        let _ = writeln!(
            out,
            "- {} (`{}`) changes {} used by {} (`{}`)",
            md_text(&a.release_title),
            a.slug,
            components.join(", "),
            md_text(&a.group_name),
            a.group_id
        );
    }
    out
}

impl Plan {
    /// The URL of the communique of release `slug` for group `group`.
    fn communique_url(&self, group: &str, slug: &str) -> String {
        format!("{}{}", self.base_url, communique_path(slug, group))
    }
}

fn plan_heading(g: &PlanGroup) -> String {
    match g.audience {
        Audience::Public => format!("{} ({}, public)", g.group_name, g.group_id),
        Audience::Internal => format!("{} ({}, internal: internal build only)", g.group_name, g.group_id),
    }
}

fn channel_label(kind: &str) -> &'static str {
    match kind {
        "page" => "Group page",
        _ => "RSS feed",
    }
}

/// The distribution plan for a terminal.
pub fn plan_to_text(plan: &Plan) -> String {
    let mut lines = Vec::new();
    lines.extend(wrap("", "", &format!("Distribution plan: {}", plan.site_title)));
    lines.extend(wrap("", "", &format!("Now {} ({}); dates are in that timezone.", plan.now_local, plan.timezone)));
    for g in &plan.groups {
        lines.push(String::new());
        lines.extend(wrap("", "  ", &plan_heading(g)));
        let mut field = |label: &str, value: &str| lines.extend(wrap(&format!("  {label:<12} "), "    ", value));
        for c in &g.channels {
            field(&format!("{}:", channel_label(c.kind)), &c.url);
        }
        field("Communiques:", &plan.communique_url(&g.group_id, "<release>"));
        if let Some(email) = &g.email {
            field("Email:", email);
        }
        for chat in &g.chat {
            field("Chat:", &chat.shown());
        }
        if g.contacts.is_empty() {
            field("Contacts:", "none");
        }
        for contact in &g.contacts {
            field("Contact:", contact);
        }
        if g.communiques.is_empty() {
            lines.push("  No communiques.".into());
            continue;
        }
        let columns = [
            left("PUBLISH", usize::MAX),
            left("STATE", usize::MAX),
            left("STATUS", usize::MAX),
            left("RELEASE", 12),
            left("VERSION", 7),
            left("COMMUNIQUE", 12),
        ];
        let rows: Vec<Vec<String>> = g
            .communiques
            .iter()
            .map(|c| {
                vec![
                    c.publish_local.clone(),
                    c.state.as_str().into(),
                    c.status.as_str().into(),
                    c.slug.clone(),
                    c.version.clone(),
                    c.title.clone(),
                ]
            })
            .collect();
        lines.extend(table("  ", &columns, &rows));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The distribution plan as Markdown.
pub fn plan_to_markdown(plan: &Plan) -> String {
    use Align::Left as L;
    let mut out = String::new();
    let _ = writeln!(out, "# Distribution plan: {}\n", md_text(&plan.site_title));
    let _ = writeln!(out, "Now {} ({}); dates are in that timezone.", plan.now_local, plan.timezone);
    for g in &plan.groups {
        let _ = writeln!(out, "\n## {}\n", md_text(&plan_heading(g)));
        for c in &g.channels {
            let _ = writeln!(out, "- {}: <{}>", channel_label(c.kind), c.url);
        }
        if let Some(email) = &g.email {
            let _ = writeln!(out, "- Email: <{email}>");
        }
        for chat in &g.chat {
            let _ = writeln!(out, "- Chat: {} (`{}`)", chat.kind.as_str(), chat.webhook_env);
        }
        if g.contacts.is_empty() {
            out.push_str("- Contacts: none\n");
        }
        for contact in &g.contacts {
            let _ = writeln!(out, "- Contact: {}", md_text(contact));
        }
        out.push('\n');
        if g.communiques.is_empty() {
            out.push_str("No communiques.\n");
            continue;
        }
        let rows: Vec<Vec<String>> = g
            .communiques
            .iter()
            .map(|c| {
                vec![
                    c.publish_local.clone(),
                    c.state.as_str().into(),
                    c.status.as_str().into(),
                    format!("[{}]({})", md_text(&c.title), c.url),
                    md_text(&c.product),
                    md_text(&c.version),
                ]
            })
            .collect();
        md_table(
            &mut out,
            &["Publish", "State", "Status", "Communique", "Product", "Version"],
            &[L, L, L, L, L, L],
            &rows,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_review_names_nothing_that_reaches_only_internal_groups() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/public-review");
        let loaded = crate::content::load(&root);
        let site = loaded.site.expect("the fixture loads");
        let now: Timestamp = "2026-11-26T00:00:00Z".parse().unwrap();
        let json = |audience| serde_json::to_string(&review_for(&site, &loaded.sources, now, audience)).unwrap();
        // Everything the view holds, totals and lists of groups included, not only what
        // the built-in template shows.
        let public = json(Audience::Public).to_lowercase();
        for secret in ["canary-7f3a", "quokkaledger"] {
            assert!(!public.contains(secret), "`{secret}` in the public review: {public}");
        }
        assert!(public.contains("quokka-ledger") && public.contains("customers"));
        let internal = json(Audience::Internal).to_lowercase();
        // The feature's title and summary (55, 56) are in no review, public or not.
        for n in [50, 51, 52, 53, 54, 57, 58] {
            assert!(internal.contains(&format!("canary-7f3a-{n}")), "the internal review names canary-7f3a-{n}");
        }
        assert!(internal.contains("quokkaledger"));
    }

    #[test]
    fn syllables_of_common_words() {
        let cases = [
            ("the", 1),
            ("cat", 1),
            ("you", 1),
            ("make", 1),
            ("makes", 1),
            ("whole", 1),
            ("jumped", 1),
            ("called", 1),
            ("roles", 1),
            ("types", 1),
            ("table", 2),
            ("tables", 2),
            ("settled", 2),
            ("wanted", 2),
            ("boxes", 2),
            ("changes", 2),
            ("refund", 2),
            ("payments", 2),
            ("reading", 2),
            ("people", 2),
            ("approved", 2),
            ("customers", 3),
            ("instantly", 3),
            ("settlement", 3),
            ("every", 3),
            ("invoices", 3),
            ("enabled", 3),
            ("available", 4),
            ("Refunds", 2),
        ];
        for (word, expected) in cases {
            assert_eq!(syllables(word), expected, "{word}");
        }
        assert_eq!(syllables(""), 0);
        assert_eq!(word_syllables("2026"), 1);
        assert_eq!(word_syllables("refund.settled"), 4);
        assert_eq!(word_syllables("don't"), 1);
        assert_eq!(word_syllables("(instantly)."), 3);
    }

    #[test]
    fn flesch_reading_ease() {
        // 6 words, 1 sentence, 6 syllables: 206.835 − 6.09 − 84.6.
        let simple = Readability::of(&["The cat sat on the mat."]);
        assert_eq!(simple, Readability { words: 6, sentences: 1, syllables: 6 });
        assert_eq!(simple.ease(), Some(116.1));
        // A paragraph without a full stop is a sentence; so is each list item.
        let pieces = Readability::of(&["EU and US regions", "- One item\n- Another item."]);
        assert_eq!(pieces.sentences, 3);
        assert_eq!(Readability::of(&["", "`→`"]).ease(), None);
    }

    #[test]
    fn markdown_is_read_as_plain_text() {
        let text = "## Before *your* shift\n\n1. Read [runbook RB-214](https://x.example/).\n2. Ask `#support`.\n\n\
                    ```\ncode is not prose\n```\n\n![a logo](logo.png) <b>raw</b>\n";
        assert_eq!(
            plain_text(text),
            ["Before your shift", "Read runbook RB-214.", "Ask #support.", "raw"].map(String::from)
        );
    }

    #[test]
    fn group_ids_are_read_from_lint_messages() {
        let message = "feature `instant-refunds` has no `value` for `support`: add `value: { support: <what> }`";
        assert_eq!(quoted_after(message, "for "), Some("support"));
        assert_eq!(quoted_after(message, "feature "), Some("instant-refunds"));
        assert_eq!(quoted_after("no `access` entry for `customers`: add", "for "), Some("customers"));
        assert_eq!(quoted_after("no quotes", "for "), None);
    }

    #[test]
    fn tables_fit_the_width() {
        let columns = [left("A", 4), left("B", 4), right("N")];
        let rows = vec![vec!["x".repeat(100), "y".repeat(100), "12345".into()]];
        let lines = table("  ", &columns, &rows);
        assert!(lines.iter().all(|l| width(l) <= TEXT_WIDTH), "{lines:#?}");
        assert!(lines[1].ends_with("…  12345"), "{}", lines[1]);
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let text = format!("{} {}", "word ".repeat(60), "z".repeat(300));
        let lines = wrap("  - ", "    ", &text);
        assert!(lines.iter().all(|l| width(l) <= TEXT_WIDTH), "{lines:#?}");
        let joined: String = lines.iter().map(|l| l.trim_start_matches("  - ").trim()).collect::<Vec<_>>().join(" ");
        assert_eq!(joined.matches("word").count(), 60);
        assert_eq!(joined.chars().filter(|c| *c == 'z').count(), 300);
        assert_eq!(wrap("", "", ""), [""]);
    }
}
