//! What templates see (documented in docs/themes.md): views of the model for one build,
//! with Markdown rendered and URLs made absolute. Only what the build's audience may
//! read gets into a view; templates cannot leak what they are never given.

use super::markdown::Markdown;
use super::texts::{AccessHtml, Texts};
use crate::config::SiteConfig;
use crate::hierarchy::Hierarchy;
use crate::model::{Access, Action, ConstraintKind, Label, Release, StakeholderGroup};
use crate::select::{visible, Marker, Selection, ShownRelease};
use jiff::Timestamp;
use serde::Serialize;

mod cards;
mod dates;
mod page;

pub(crate) use cards::{ReleaseCard, HOME_RELEASES};
pub(crate) use dates::{date_view, DateView};
pub(crate) use page::PageContext;

#[derive(Serialize, Clone)]
pub(crate) struct FeedLink {
    pub title: String,
    pub url: String,
    #[serde(rename = "type")]
    pub mime: &'static str,
}

#[derive(Serialize, Clone)]
pub(crate) struct GroupRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
}

#[derive(Serialize)]
pub(crate) struct GroupView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub summary: &'a str,
    pub body_html: String,
    pub audience: crate::model::Audience,
    pub parent: Option<GroupRef<'a>>,
    pub depth: usize,
    pub contacts: &'a [String],
    pub url: String,
    pub feed: FeedLink,
    pub feeds: Vec<FeedLink>,
    /// The group's subscribe page (every way to follow it) and catch-up page.
    pub subscribe_url: String,
    pub since_url: String,
    pub communique_count: usize,
}

/// `how`, `when`, `where`, `permissions`: the Markdown source (for plain-text mail);
/// `*_html`: rendered.
#[derive(Serialize)]
pub(crate) struct AccessView {
    pub how: String,
    pub when: String,
    pub r#where: String,
    pub permissions: String,
    pub how_html: String,
    pub when_html: String,
    pub where_html: String,
    pub permissions_html: String,
}

#[derive(Serialize)]
pub(crate) struct GroupAccessView<'a> {
    pub group: GroupRef<'a>,
    #[serde(flatten)]
    pub access: AccessView,
}

#[derive(Serialize)]
pub(crate) struct ValueView<'a> {
    pub group: GroupRef<'a>,
    pub value_html: String,
}

#[derive(Serialize)]
pub(crate) struct FeatureView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub kind: crate::model::FeatureKind,
    pub breaking: bool,
    pub labels: Vec<Label>,
    pub summary_html: String,
    pub groups: Vec<GroupRef<'a>>,
    pub values: Vec<ValueView<'a>>,
}

#[derive(Serialize)]
pub(crate) struct ConstraintView<'a> {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub text_html: String,
    pub groups: Vec<GroupRef<'a>>,
}

#[derive(Serialize, Clone)]
pub(crate) struct ReleaseRef<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub product: &'a str,
    pub version: &'a str,
    /// `draft`, `review` or `approved`: a card says "In review" rather than "Draft".
    pub status: &'static str,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub(crate) struct CommuniqueRef<'a> {
    pub url: String,
    pub title: &'a str,
    /// The labels of the features that reach the group.
    pub labels: Vec<Label>,
    pub summary_html: String,
    pub release: ReleaseRef<'a>,
    pub group: GroupRef<'a>,
    pub publish_at: DateView,
    pub marker: Option<Marker>,
}

/// A release on its own page: its card, plus everything in it this audience may see.
#[derive(Serialize)]
pub(crate) struct ReleaseView<'a> {
    #[serde(flatten)]
    pub card: ReleaseCard<'a>,
    pub body_html: String,
    pub components: &'a [String],
    pub features: Vec<FeatureView<'a>>,
    pub access: Vec<GroupAccessView<'a>>,
    pub windows: Vec<WindowView<'a>>,
    pub constraints: Vec<ConstraintView<'a>>,
    /// The actions this audience may see, soonest deadline first, with their groups.
    pub actions: Vec<ActionView<'a>>,
}

#[derive(Serialize)]
pub(crate) struct CommuniqueFeature<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub kind: crate::model::FeatureKind,
    pub breaking: bool,
    pub labels: Vec<Label>,
    pub summary: &'a str,
    pub summary_html: String,
    pub value: &'a str,
    pub value_html: String,
    pub url: String,
}

#[derive(Serialize)]
pub(crate) struct ConstraintGroup<'a> {
    pub kind: &'static str,
    pub label: &'static str,
    pub items: Vec<String>,
    /// The same texts as Markdown source, for plain-text mail.
    pub texts: Vec<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct WindowView<'a> {
    /// The author's `id`, if the window has one.
    pub id: Option<&'a str>,
    pub title: &'a str,
    pub kind: crate::model::WindowKind,
    pub start: DateView,
    pub end: DateView,
    /// From start to end in words, the day said once for a same-day window.
    pub span: String,
    /// Empty when the window concerns every group of the release.
    pub groups: Vec<GroupRef<'a>>,
}

/// Something a group must do (SPEC §11).
#[derive(Serialize, Clone)]
pub(crate) struct ActionView<'a> {
    /// Markdown source, for plain text.
    pub text: &'a str,
    pub text_html: String,
    pub due: Option<DateView>,
    /// The deadline as a reader sees it: the day, with the time unless it is midnight.
    pub due_text: Option<String>,
    /// On release pages: the groups it is for (empty: every group of the release).
    pub groups: Vec<GroupRef<'a>>,
}

/// An upcoming deadline on a group's page: an action and the communique it is in.
#[derive(Serialize)]
pub(crate) struct DeadlineView<'a> {
    #[serde(flatten)]
    pub action: ActionView<'a>,
    pub communique: CommuniqueRef<'a>,
}

#[derive(Serialize)]
pub(crate) struct CommuniqueView<'a> {
    pub url: String,
    pub title: &'a str,
    /// Markdown source, for `<meta name="description">`.
    pub summary: &'a str,
    pub summary_html: String,
    pub marker: Option<Marker>,
    /// What the group must do, soonest deadline first, undated last.
    pub actions: Vec<ActionView<'a>>,
    /// The labels of `features`: "Breaking" first, then each kind.
    pub labels: Vec<Label>,
    pub features: Vec<CommuniqueFeature<'a>>,
    pub access: Option<AccessView>,
    pub windows: Vec<WindowView<'a>>,
    pub constraints: Vec<ConstraintGroup<'a>>,
    pub handwritten: Option<&'a str>,
    pub handwritten_html: Option<String>,
    pub contacts: &'a [String],
}

#[derive(Serialize)]
pub(crate) struct Paginator {
    pub current: usize,
    pub total: usize,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
}

/// Builds views for one build: the selection, the site's URLs and its texts, rendered.
pub(crate) struct Views<'s, 'a> {
    pub selection: &'s Selection<'a>,
    pub config: &'a SiteConfig,
    pub texts: Texts<'a>,
}

use crate::urls::{self, page_path, GROUP_CHANNELS};

impl<'s, 'a> Views<'s, 'a> {
    pub(crate) fn new(selection: &'s Selection<'a>, config: &'a SiteConfig) -> Self {
        let markdown = Markdown::new(config.markdown.unsafe_html, &config.base_url);
        let releases: Vec<&Release> = selection.releases.iter().map(|s| s.release).collect();
        let texts = Texts::new(markdown, config, &releases, &selection.groups);
        Views { selection, config, texts }
    }

    fn h(&self) -> &Hierarchy<'a> {
        &self.selection.hierarchy
    }

    pub(crate) fn url(&self, path: &str) -> String {
        self.config.url(path)
    }

    pub(crate) fn group_ref(&self, g: &'a StakeholderGroup) -> GroupRef<'a> {
        GroupRef { id: &g.id, name: &g.name, url: urls::group_url(&self.config.base_url, &g.id) }
    }

    fn group_ref_by_id(&self, id: &str) -> Option<GroupRef<'a>> {
        self.h().get(id).filter(|g| visible(self.selection.audience, g)).map(|g| self.group_ref(g))
    }

    /// Every channel of a group, RSS first (SPEC §6, §9).
    pub(crate) fn group_feeds(&self, g: &StakeholderGroup) -> Vec<FeedLink> {
        GROUP_CHANNELS.iter().map(|channel| self.group_feed(g, channel)).collect()
    }

    /// The feeds a group's pages advertise with `<link rel="alternate">` (not the calendar).
    pub(crate) fn group_alternates(&self, g: &StakeholderGroup) -> Vec<FeedLink> {
        GROUP_CHANNELS.iter().filter(|(_, _, mime)| *mime != "text/calendar").map(|c| self.group_feed(g, c)).collect()
    }

    fn group_feed(&self, g: &StakeholderGroup, (file, label, mime): &(&str, &str, &'static str)) -> FeedLink {
        FeedLink {
            title: [self.config.title.as_str(), " — ", &g.name, " (", label, ")"].concat(),
            url: urls::group_file_url(&self.config.base_url, &g.id, file),
            mime,
        }
    }

    pub(crate) fn group(&self, g: &'a StakeholderGroup, communique_count: usize) -> GroupView<'a> {
        let feeds = self.group_feeds(g);
        GroupView {
            id: &g.id,
            name: &g.name,
            summary: &g.summary,
            body_html: self.texts.group_body(g).to_string(),
            audience: g.audience,
            parent: g.parent.as_deref().and_then(|p| self.group_ref_by_id(p)),
            depth: self.h().depth(&g.id),
            contacts: &g.contacts,
            url: urls::group_url(&self.config.base_url, &g.id),
            feed: feeds[0].clone(),
            feeds,
            subscribe_url: self.url(&crate::urls::group_subscribe_path(&g.id)),
            since_url: self.url(&crate::urls::group_since_path(&g.id)),
            communique_count,
        }
    }

    pub(crate) fn release_ref(&self, r: &'a Release) -> ReleaseRef<'a> {
        ReleaseRef {
            slug: &r.slug,
            title: &r.title,
            product: &r.product,
            version: &r.version,
            status: r.status.as_str(),
            url: urls::release_url(&self.config.base_url, &r.slug),
        }
    }

    /// The card for release `shown` in group `g`'s lists.
    pub(crate) fn communique_ref(&self, shown: &ShownRelease<'a>, g: &'a StakeholderGroup) -> CommuniqueRef<'a> {
        let r = shown.release;
        let (title, summary_html) = self.communique_heading(r, g);
        CommuniqueRef {
            url: self.communique_url(r, g),
            title,
            labels: Label::of_features(r.features.iter().filter(|f| self.h().feature_reaches(f, &g.id))),
            summary_html,
            release: self.release_ref(r),
            group: self.group_ref(g),
            publish_at: date_view(r.publish_at, self.config),
            marker: shown.marker,
        }
    }

    /// A communique's title and summary: its hand-written page's (or the nearest
    /// ancestor's), else the release's.
    fn communique_heading(&self, r: &'a Release, g: &StakeholderGroup) -> (&'a str, String) {
        let page = self.h().inherited(&r.handwritten, &g.id);
        let title = page.and_then(|p| p.title.as_deref()).unwrap_or(&r.title);
        let html = self.texts.release(r);
        let summary_html = page
            .and_then(|p| html.handwritten.get(&p.group))
            .and_then(|(summary, _)| summary.clone())
            .unwrap_or_else(|| html.summary.clone());
        (title, summary_html)
    }

    fn communique_url(&self, r: &Release, g: &StakeholderGroup) -> String {
        urls::communique_url(&self.config.base_url, &r.slug, &g.id)
    }

    fn access(&self, a: &Access, html: Option<&AccessHtml>) -> AccessView {
        let plain = |t: &Option<String>| t.clone().unwrap_or_default();
        let html = html.cloned().unwrap_or_default();
        AccessView {
            how: plain(&a.how),
            when: plain(&a.when),
            r#where: plain(&a.r#where),
            permissions: plain(&a.permissions),
            how_html: html.how,
            when_html: html.when,
            where_html: html.r#where,
            permissions_html: html.permissions,
        }
    }

    pub(crate) fn release(&self, shown: &ShownRelease<'a>) -> ReleaseView<'a> {
        let r = shown.release;
        let h = self.h();
        let html = self.texts.release(r);
        let features = r
            .features
            .iter()
            .zip(&html.features)
            .filter(|(f, _)| shown.groups.iter().any(|g| h.feature_reaches(f, &g.id)))
            .map(|(f, (summary_html, values))| FeatureView {
                id: &f.id,
                title: &f.title,
                kind: f.kind,
                breaking: f.breaking,
                labels: Label::of_feature(f),
                summary_html: summary_html.clone(),
                groups: f.groups.iter().filter_map(|g| self.group_ref_by_id(g)).collect(),
                values: values
                    .iter()
                    .filter_map(|(g, v)| Some(ValueView { group: self.group_ref_by_id(g)?, value_html: v.clone() }))
                    .collect(),
            })
            .collect();
        let access = r
            .access
            .iter()
            .filter_map(|(g, a)| {
                Some(GroupAccessView { group: self.group_ref_by_id(g)?, access: self.access(a, html.access.get(g)) })
            })
            .collect();
        let constraints = r
            .constraints
            .iter()
            .zip(&html.constraints)
            .filter_map(|(c, text_html)| {
                let groups = self.visible_targets(&c.groups)?;
                Some(ConstraintView {
                    kind: c.kind.as_str(),
                    kind_label: c.kind.label(),
                    text_html: text_html.clone(),
                    groups,
                })
            })
            .collect();
        ReleaseView {
            card: self.release_card(shown),
            body_html: self.texts.markdown().block_in(&r.body, &urls::release_url(&self.config.base_url, &r.slug)),
            // Component slugs are the team's own words: only the internal build shows them.
            components: if self.selection.audience == crate::model::Audience::Internal { &r.components } else { &[] },
            features,
            access,
            windows: self.release_windows(r),
            constraints,
            actions: self.release_actions(r),
        }
    }

    /// Release `shown` for group `g`: who, what, when, where, why and how.
    pub(crate) fn communique(&self, shown: &ShownRelease<'a>, g: &'a StakeholderGroup) -> CommuniqueView<'a> {
        let r = shown.release;
        let h = self.h();
        let html = self.texts.release(r);
        // Only the card's heading and URL: its release, group and date refs would be
        // built for nothing on every communique page.
        let (title, summary_html) = self.communique_heading(r, g);
        let chain = h.chain(&g.id);
        // The nearest of the group's own and its ancestors' entries in `entries`.
        let nearest = |has: &dyn Fn(&str) -> bool| chain.iter().copied().find(|k| has(k));
        let features = r
            .features
            .iter()
            .zip(&html.features)
            .filter(|(f, _)| h.feature_reaches(f, &g.id))
            .map(|(f, (summary_html, values))| {
                let key = nearest(&|k| f.value.contains_key(k));
                CommuniqueFeature {
                    id: &f.id,
                    title: &f.title,
                    kind: f.kind,
                    breaking: f.breaking,
                    labels: Label::of_feature(f),
                    summary: &f.summary,
                    summary_html: summary_html.clone(),
                    value: key.map_or("", |k| f.value.get(k).map_or("", String::as_str)),
                    value_html: key.and_then(|k| values.get(k)).cloned().unwrap_or_default(),
                    url: urls::feature_url(&self.config.base_url, &r.slug, &f.id),
                }
            })
            .collect();
        let constraints = ConstraintKind::ALL
            .iter()
            .filter_map(|kind| {
                let (texts, items): (Vec<&str>, Vec<String>) = r
                    .constraints
                    .iter()
                    .zip(&html.constraints)
                    .filter(|(c, _)| c.kind == *kind && h.constraint_applies(c, &g.id))
                    .map(|(c, text_html)| (c.text.as_str(), text_html.clone()))
                    .unzip();
                (!texts.is_empty()).then(|| ConstraintGroup { kind: kind.as_str(), label: kind.label(), items, texts })
            })
            .collect();
        let page = nearest(&|k| r.handwritten.contains_key(k))
            .and_then(|k| Some((r.handwritten.get(k)?, &html.handwritten[k])));
        let access = nearest(&|k| r.access.contains_key(k))
            .and_then(|k| Some(self.access(r.access.get(k)?, html.access.get(k))));
        let labels = Label::of_features(r.features.iter().filter(|f| h.feature_reaches(f, &g.id)));
        CommuniqueView {
            url: self.communique_url(r, g),
            title,
            actions: self.actions(r, &g.id),
            labels,
            summary: page.and_then(|(p, _)| p.summary.as_deref()).unwrap_or(&r.summary),
            summary_html,
            marker: shown.marker,
            features,
            access,
            windows: self.windows(r, &g.id),
            constraints,
            handwritten: page.map(|(p, _)| p.body.as_str()).filter(|b| !b.trim().is_empty()),
            handwritten_html: page.map(|(_, (_, body))| body.clone()).filter(|b| !b.is_empty()),
            contacts: &g.contacts,
        }
    }

    /// What group `g` must do for release `r`: the actions for it (or an ancestor) or for
    /// every group of the release, soonest deadline first, undated last.
    pub(crate) fn actions(&self, r: &'a Release, g: &str) -> Vec<ActionView<'a>> {
        self.applying(r, g).into_iter().map(|(a, text_html)| self.action(a, text_html, vec![])).collect()
    }

    /// [`Views::actions`], as the model's actions and their rendered texts.
    fn applying<'v>(&'v self, r: &'a Release, g: &str) -> Vec<(&'a Action, &'v str)> {
        // Most releases have no actions: their texts need not be rendered for this.
        if r.actions.is_empty() {
            return Vec::new();
        }
        let html = &self.texts.release(r).actions;
        let mut applying: Vec<(&'a Action, &str)> = r
            .actions
            .iter()
            .zip(html)
            .filter(|(a, _)| a.groups.as_ref().is_none_or(|targets| self.h().receives(g, targets)))
            .map(|(a, text_html)| (a, text_html.as_str()))
            .collect();
        applying.sort_by_key(|(a, _)| a.order());
        applying
    }

    fn action(&self, a: &'a Action, text_html: &str, groups: Vec<GroupRef<'a>>) -> ActionView<'a> {
        let due = a.due.map(|at| date_view(at, self.config));
        let due_text = a.due.zip(due.as_ref()).map(|(at, view)| {
            let local = self.config.tz.to_datetime(at);
            if (local.hour(), local.minute(), local.second()) == (0, 0, 0) {
                view.date.clone()
            } else {
                view.datetime.clone()
            }
        });
        ActionView { text: &a.text, text_html: text_html.to_string(), due, due_text, groups }
    }

    /// The actions of a release this build's audience may see, with their groups.
    fn release_actions(&self, r: &'a Release) -> Vec<ActionView<'a>> {
        let html = &self.texts.release(r).actions;
        let mut visible: Vec<(&'a Action, &String, Vec<GroupRef<'a>>)> = r
            .actions
            .iter()
            .zip(html)
            .filter_map(|(a, text_html)| Some((a, text_html, self.visible_targets(&a.groups)?)))
            .collect();
        visible.sort_by_key(|(a, _, _)| a.order());
        visible.into_iter().map(|(a, text_html, groups)| self.action(a, text_html, groups)).collect()
    }

    /// The deadlines of group `g` still ahead at `now` in the releases `shown`, soonest
    /// first: the group page's list.
    pub(crate) fn deadlines<'x>(
        &self,
        shown: impl IntoIterator<Item = &'x ShownRelease<'a>>,
        g: &'a StakeholderGroup,
        now: Timestamp,
    ) -> Vec<DeadlineView<'a>>
    where
        'a: 'x,
    {
        let mut deadlines: Vec<(Timestamp, DeadlineView<'a>)> = Vec::new();
        for s in shown {
            // Asked for every group on every build: look at the texts of a release only
            // when it has a deadline still ahead.
            if !s.release.actions.iter().any(|a| a.due.is_some_and(|due| due >= now)) {
                continue;
            }
            let upcoming: Vec<(Timestamp, &'a Action, &str)> = self
                .applying(s.release, &g.id)
                .into_iter()
                .filter_map(|(a, html)| Some((a.due.filter(|due| *due >= now)?, a, html)))
                .collect();
            if upcoming.is_empty() {
                continue;
            }
            let card = self.communique_ref(s, g);
            for (due, a, html) in upcoming {
                deadlines.push((due, DeadlineView { action: self.action(a, html, vec![]), communique: card.clone() }));
            }
        }
        // Stable: same-day deadlines keep the order of their releases (newest first).
        deadlines.sort_by_key(|(due, _)| *due);
        deadlines.into_iter().map(|(_, d)| d).collect()
    }

    /// The maintenance and availability windows that concern group `g`.
    pub(crate) fn windows(&self, r: &'a Release, g: &'a str) -> Vec<WindowView<'a>> {
        r.windows
            .iter()
            .filter(|w| w.groups.as_ref().is_none_or(|targets| self.h().receives(g, targets)))
            .map(|w| self.window(w, vec![]))
            .collect()
    }

    fn window(&self, w: &'a crate::model::Window, groups: Vec<GroupRef<'a>>) -> WindowView<'a> {
        WindowView {
            id: w.id.as_deref(),
            title: &w.title,
            kind: w.kind,
            start: date_view(w.start, self.config),
            end: date_view(w.end, self.config),
            span: super::describe::window_span(w.start, w.end, self.config),
            groups,
        }
    }

    /// The groups a constraint or window names, as this audience sees them: empty for
    /// "every group of the release", None when it names only groups this audience
    /// cannot see (then the text is not for this build).
    fn visible_targets(&self, groups: &Option<Vec<String>>) -> Option<Vec<GroupRef<'a>>> {
        let Some(ids) = groups else { return Some(vec![]) };
        let refs: Vec<_> = ids.iter().filter_map(|g| self.group_ref_by_id(g)).collect();
        (!refs.is_empty()).then_some(refs)
    }

    /// The windows of a release this build's audience may see, with their groups.
    fn release_windows(&self, r: &'a Release) -> Vec<WindowView<'a>> {
        r.windows
            .iter()
            .filter_map(|w| {
                let groups = self.visible_targets(&w.groups)?;
                Some(self.window(w, groups))
            })
            .collect()
    }

    pub(crate) fn paginator(&self, base: &str, current: usize, total: usize) -> Paginator {
        Paginator {
            current,
            total,
            previous_url: (current > 1).then(|| self.url(&page_path(base, current - 1))),
            next_url: (current < total).then(|| self.url(&page_path(base, current + 1))),
        }
    }
}
