//! The distribution plan (`review --plan`): per group, what goes out when and through
//! which channels.

use super::model::State;
use super::view::{by_publish_date, local};
use crate::hierarchy::Hierarchy;
use crate::model::{Audience, Release, Site, StakeholderGroup, Status};
use crate::render::context::{date_view, DateView};
use crate::urls;
use jiff::Timestamp;
use serde::Serialize;

/// Who is notified, how and when: per group, its communiques and channels.
#[derive(Serialize, Clone)]
pub(crate) struct Plan {
    pub site_title: String,
    pub base_url: String,
    pub timezone: String,
    pub now: DateView,
    /// Every group, in portal order.
    pub groups: Vec<PlanGroup>,
    #[serde(skip)]
    pub(super) now_local: String,
}

#[derive(Serialize, Clone)]
pub(crate) struct PlanGroup {
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
pub(crate) struct ChatView {
    pub kind: crate::model::ChatKind,
    pub webhook_env: String,
}

impl ChatView {
    /// `slack (SLACK_CUSTOMERS_WEBHOOK)`, as `notify` shows it.
    pub(super) fn shown(&self) -> String {
        format!("{} ({})", self.kind.as_str(), self.webhook_env)
    }
}

#[derive(Serialize, Clone)]
pub(crate) struct Channel {
    /// `page` or `feed`.
    pub kind: &'static str,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub(crate) struct PlanItem {
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
    pub(super) publish_local: String,
}

pub(crate) fn plan(site: &Site, now: Timestamp) -> Plan {
    let h = Hierarchy::new(&site.groups);
    let config = &site.config;
    let releases = by_publish_date(site);
    let release_groups: Vec<(&Release, Vec<&str>)> = releases.iter().map(|r| (*r, h.release_groups(r))).collect();
    let groups = site
        .groups
        .iter()
        .map(|g: &StakeholderGroup| PlanGroup {
            group_id: g.id.clone(),
            group_name: g.name.clone(),
            audience: g.audience,
            contacts: g.contacts.clone(),
            email: g.email.clone(),
            chat: g.chat.iter().map(|c| ChatView { kind: c.kind, webhook_env: c.webhook_env.clone() }).collect(),
            channels: vec![
                Channel { kind: "page", url: urls::group_url(&config.base_url, &g.id) },
                Channel { kind: "feed", url: urls::group_file_url(&config.base_url, &g.id, urls::GROUP_FEED) },
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
                        url: urls::communique_url(&config.base_url, &r.slug, &g.id),
                        publish_local: local(r.publish_at, site),
                    }
                })
                .collect(),
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
