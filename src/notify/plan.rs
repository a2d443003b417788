//! What is due (SPEC §10), decided without any I/O: every communique (release, group)
//! that a publishing build shows at "now", published no earlier than `since`, for each
//! channel of the group; then, against the ledger, which deliveries are still to make,
//! how many are made, and which were made of a text that has changed since.

use super::ledger::Ledger;
use crate::model::{Audience, ChatChannel, Site};
use crate::select::{self, Mode};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

/// One way a group hears (SPEC §10): its own `email`, or one of its `chat` entries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Channel {
    Email(String),
    Chat(ChatChannel),
}

impl Channel {
    /// The channel as the ledger records it: `email`, or `slack:SLACK_CUSTOMERS_WEBHOOK`.
    /// Never a secret, and stable when the address of the list changes.
    pub fn key(&self) -> String {
        match self {
            Channel::Email(_) => "email".into(),
            Channel::Chat(c) => format!("{}:{}", c.kind.as_str(), c.webhook_env),
        }
    }

    /// The channel as a person reads it: `email (customers@acme.example)`,
    /// `slack (SLACK_CUSTOMERS_WEBHOOK)`.
    pub fn display(&self) -> String {
        match self {
            Channel::Email(to) => format!("email ({to})"),
            Channel::Chat(c) => format!("{} ({})", c.kind.as_str(), c.webhook_env),
        }
    }
}

/// The groups and releases a run is limited to (`--group`, `--release`); empty: all.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub since: Option<Timestamp>,
    pub groups: Vec<String>,
    pub releases: Vec<String>,
}

impl Filter {
    pub fn wants(&self, release: &str, group: &str, published_at: Timestamp) -> bool {
        self.since.is_none_or(|since| published_at >= since)
            && (self.groups.is_empty() || self.groups.iter().any(|g| g == group))
            && (self.releases.is_empty() || self.releases.iter().any(|r| r == release))
    }
}

/// A due communique and the channels it goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub release: String,
    pub group: String,
    pub published_at: Timestamp,
    pub channels: Vec<Channel>,
}

/// Every due communique, oldest first (publish date, release, group): approved,
/// published at `now`, for each group in the audience that a build of the group's own
/// audience shows it to, with at least one channel of the group's own (never a parent's).
pub fn due(site: &Site, now: Timestamp, filter: &Filter) -> Vec<Due> {
    let mut due = Vec::new();
    for audience in [Audience::Public, Audience::Internal] {
        let selection = select::select(site, Mode::Publish { drafts: false, future: false }, audience, now);
        for shown in &selection.releases {
            let r = shown.release;
            for g in shown.groups.iter().filter(|g| g.audience == audience) {
                let channels: Vec<Channel> = g
                    .email
                    .iter()
                    .map(|to| Channel::Email(to.clone()))
                    .chain(g.chat.iter().map(|c| Channel::Chat(c.clone())))
                    .collect();
                if !channels.is_empty() && filter.wants(&r.slug, &g.id, r.publish_at) {
                    due.push(Due {
                        release: r.slug.clone(),
                        group: g.id.clone(),
                        published_at: r.publish_at,
                        channels,
                    });
                }
            }
        }
    }
    due.sort_by(|a, b| (a.published_at, &a.release, &a.group).cmp(&(b.published_at, &b.release, &b.group)));
    due
}

/// A fingerprint of a communique's delivered text: its title, summary, text and HTML
/// (what every channel is made from), never the clock. Stable across runs and versions.
pub fn fingerprint(message: &super::message::Message) -> String {
    let mut hash = Sha256::new();
    for part in [&message.title, &message.summary, &message.text, &message.html] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// One delivery the plan lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub release: String,
    pub group: String,
    pub channel: Channel,
    pub published_at: Timestamp,
    pub fingerprint: String,
    /// When the ledger says it was last delivered (for a changed text).
    pub delivered_at: Option<Timestamp>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Due and not in the ledger, oldest first.
    pub pending: Vec<Delivery>,
    /// In the ledger, of a text that has changed since: sent again only with
    /// `--corrections`.
    pub changed: Vec<Delivery>,
    /// Due and in the ledger (changed ones included).
    pub delivered: usize,
}

/// Compares the due deliveries with the ledger. `fingerprint` gives the current text's
/// fingerprint of a (release, group).
pub fn plan(due: &[Due], fingerprint: impl Fn(&str, &str) -> String, ledger: &Ledger) -> Plan {
    let mut plan = Plan::default();
    for d in due {
        let current = fingerprint(&d.release, &d.group);
        for channel in &d.channels {
            let delivery = |delivered_at| Delivery {
                release: d.release.clone(),
                group: d.group.clone(),
                channel: channel.clone(),
                published_at: d.published_at,
                fingerprint: current.clone(),
                delivered_at,
            };
            match ledger.get(&d.release, &d.group, &channel.key()) {
                None => plan.pending.push(delivery(None)),
                Some(entry) => {
                    plan.delivered += 1;
                    if entry.fingerprint != current {
                        plan.changed.push(delivery(Some(entry.delivered_at)));
                    }
                }
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::super::ledger::Entry;
    use super::*;
    use crate::model::ChatKind;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn slack() -> Channel {
        Channel::Chat(ChatChannel { kind: ChatKind::Slack, webhook_env: "SLACK_CUSTOMERS_WEBHOOK".into() })
    }

    fn email() -> Channel {
        Channel::Email("customers@acme.example".into())
    }

    fn entry(release: &str, channel: &Channel, fingerprint: &str) -> Entry {
        Entry {
            release: release.into(),
            group: "customers".into(),
            channel: channel.key(),
            fingerprint: fingerprint.into(),
            delivered_at: ts("2026-12-02T00:00:00Z"),
            message_id: None,
            correction: false,
            baseline: false,
        }
    }

    #[test]
    fn channels_are_shown_and_recorded_without_secrets() {
        assert_eq!(slack().key(), "slack:SLACK_CUSTOMERS_WEBHOOK");
        assert_eq!(slack().display(), "slack (SLACK_CUSTOMERS_WEBHOOK)");
        assert_eq!(email().key(), "email");
        assert_eq!(email().display(), "email (customers@acme.example)");
    }

    #[test]
    fn the_filter() {
        let since = Some(ts("2026-12-01T00:00:00Z"));
        let at = ts("2026-12-01T00:00:00Z");
        let before = ts("2026-11-30T23:59:59Z");
        let f = |since, groups: &[&str], releases: &[&str]| Filter {
            since,
            groups: groups.iter().map(|s| s.to_string()).collect(),
            releases: releases.iter().map(|s| s.to_string()).collect(),
        };
        let cases = [
            (f(None, &[], &[]), "r", "g", before, true),
            (f(since, &[], &[]), "r", "g", at, true),
            (f(since, &[], &[]), "r", "g", before, false),
            (f(None, &["g"], &[]), "r", "g", at, true),
            (f(None, &["h"], &[]), "r", "g", at, false),
            (f(None, &["h", "g"], &["r"]), "r", "g", at, true),
            (f(None, &[], &["s"]), "r", "g", at, false),
        ];
        for (filter, release, group, published, expected) in cases {
            assert_eq!(filter.wants(release, group, published), expected, "{filter:?} {release} {group} {published}");
        }
    }

    #[test]
    fn the_plan_against_the_ledger() {
        let due = vec![
            Due {
                release: "a".into(),
                group: "customers".into(),
                published_at: ts("2026-12-01T00:00:00Z"),
                channels: vec![email(), slack()],
            },
            Due {
                release: "b".into(),
                group: "customers".into(),
                published_at: ts("2026-12-03T00:00:00Z"),
                channels: vec![email()],
            },
        ];
        let now_text = |release: &str, _: &str| format!("sha256:{release}-now");
        // (ledger entries, pending, changed, delivered)
        type Case = (Vec<Entry>, Vec<(&'static str, String)>, Vec<(&'static str, String)>, usize);
        let cases: Vec<Case> = vec![
            (vec![], vec![("a", "email".into()), ("a", slack().key()), ("b", "email".into())], vec![], 0),
            (vec![entry("a", &email(), "sha256:a-now")], vec![("a", slack().key()), ("b", "email".into())], vec![], 1),
            (
                vec![entry("a", &email(), "sha256:a-before"), entry("a", &slack(), "sha256:a-now")],
                vec![("b", "email".into())],
                vec![("a", "email".into())],
                2,
            ),
            // A correction sent brings the ledger up to date: the last entry counts.
            (
                vec![entry("a", &email(), "sha256:a-before"), entry("a", &email(), "sha256:a-now")],
                vec![("a", slack().key()), ("b", "email".into())],
                vec![],
                1,
            ),
            // Another release's entry does not count; the e-mail channel is one, whatever its address.
            (
                vec![entry("z", &email(), "x"), entry("a", &Channel::Email("x@y.example".into()), "sha256:a-now")],
                vec![("a", "email".into()), ("a", slack().key()), ("b", "email".into())]
                    .into_iter()
                    .filter(|(r, c)| !(*r == "a" && c == "email"))
                    .collect(),
                vec![],
                1,
            ),
        ];
        for (i, (entries, pending, changed, delivered)) in cases.into_iter().enumerate() {
            let ledger = Ledger::of(entries);
            let plan = plan(&due, now_text, &ledger);
            let keys = |ds: &[Delivery]| ds.iter().map(|d| (d.release.clone(), d.channel.key())).collect::<Vec<_>>();
            let expect = |xs: Vec<(&str, String)>| xs.into_iter().map(|(r, c)| (r.to_string(), c)).collect::<Vec<_>>();
            assert_eq!(keys(&plan.pending), expect(pending), "case {i}: pending");
            assert_eq!(keys(&plan.changed), expect(changed), "case {i}: changed");
            assert_eq!(plan.delivered, delivered, "case {i}: delivered");
        }
    }
}
