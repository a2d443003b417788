//! Makes the deliveries a plan lists, one after the other: each through its channel
//! (e-mail over SMTP, chat through its webhook), each success recorded in the ledger
//! before the next starts. A failure is reported and the rest still go out.

use super::ledger::{Entry, Writer};
use super::message::Message;
use super::plan::{Channel, Delivery};
use super::retry::{Failure, Policy};
use super::smtp::Mailer;
use crate::config::SiteConfig;
use crate::model::ChatKind;
use crate::render::email;
use crate::render::messages::Rendered;
use std::collections::HashMap;

/// What happened to one delivery.
#[derive(Debug)]
pub enum Outcome {
    /// Delivered and recorded.
    Delivered(Entry),
    Failed(Failure),
}

/// Reads an environment variable: the process's in the program, a table in tests.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

pub struct Deliverer<'a> {
    config: &'a SiteConfig,
    policy: Policy,
    env: Env<'a>,
    /// Set up at the first e-mail: a site that sends only chat needs no SMTP server.
    mailer: Option<Result<Mailer, Failure>>,
}

impl<'a> Deliverer<'a> {
    pub fn new(config: &'a SiteConfig, policy: Policy, env: Env<'a>) -> Self {
        Deliverer { config, policy, env, mailer: None }
    }

    /// Delivers one communique to one channel; on success returns the ledger's entry for
    /// it (written by the caller).
    pub fn deliver(&mut self, delivery: &Delivery, rendered: &Rendered, correction: bool) -> Result<Entry, Failure> {
        let Some(message) = &rendered.message else {
            return Err(Failure::permanent("the communique's text was not kept"));
        };
        let mut message_id = None;
        match &delivery.channel {
            Channel::Email(to) => {
                let c = email::Communique {
                    release_slug: &message.release,
                    release_title: &rendered.release_title,
                    group: &message.group,
                    publish_at: message.published_at,
                    to,
                    title: &message.title,
                    text: &message.text,
                    html: &message.html,
                };
                let (bytes, id) = if correction {
                    (
                        email::correction_message(self.config, &c, &delivery.fingerprint, jiff::Timestamp::now()),
                        email::correction_id(self.config, c.release_slug, c.group, &delivery.fingerprint),
                    )
                } else {
                    (
                        email::communique_message(self.config, &c),
                        email::message_id(self.config, c.release_slug, c.group),
                    )
                };
                let bytes = bytes.map_err(|e| Failure::permanent(format!("cannot build the e-mail: {e}")))?;
                self.mailer()?.send(to, &bytes)?;
                message_id = Some(id);
            }
            Channel::Chat(chat) => {
                let url = (self.env)(&chat.webhook_env).filter(|u| !u.trim().is_empty()).ok_or_else(|| {
                    let whose = match chat.kind {
                        ChatKind::Slack => "the Slack incoming webhook's",
                        ChatKind::Teams => "the Teams incoming webhook's",
                        ChatKind::Mattermost => "the Mattermost incoming webhook's",
                        ChatKind::Discord => "the Discord webhook's",
                        ChatKind::Webhook => "the webhook's",
                    };
                    Failure::permanent(format!(
                        "the environment variable `{}` is not set: set it to {whose} URL",
                        chat.webhook_env
                    ))
                })?;
                let message = Message { correction, ..message.clone() };
                super::chat::deliver(chat.kind, url.trim(), &message, &self.policy)?;
            }
        }
        Ok(Entry {
            release: delivery.release.clone(),
            group: delivery.group.clone(),
            channel: delivery.channel.key(),
            fingerprint: delivery.fingerprint.clone(),
            delivered_at: jiff::Timestamp::now(),
            message_id,
            correction,
            baseline: false,
        })
    }

    fn mailer(&mut self) -> Result<&mut Mailer, Failure> {
        if self.mailer.is_none() {
            let made = match (&self.config.notify.smtp, &self.config.notify.from) {
                (Some(smtp), Some(from)) => Mailer::new(smtp, from, self.policy, self.env),
                // Both at once: one run that names only one of them would send the author
                // back a second time for the other.
                (None, None) => Err(Failure::permanent(
                    "site.toml has no `[notify]` with `from` and no `[notify.smtp]` with `host`: add both to send e-mail (docs/publishing.md, \"Setting it up\")",
                )),
                (None, _) => Err(Failure::permanent(
                    "site.toml has no `[notify.smtp]`: add it with `host = \"smtp.acme.example\"` to send e-mail",
                )),
                (_, None) => Err(Failure::permanent(
                    "site.toml's `[notify]` has no `from`: add `from = \"Acme releases <releases@acme.example>\"` to send e-mail",
                )),
            };
            self.mailer = Some(made);
        }
        match self.mailer.as_mut().expect("set above") {
            Ok(mailer) => Ok(mailer),
            Err(failure) => Err(failure.clone()),
        }
    }
}

/// Makes `deliveries` in order, recording each success in `ledger` before the next, and
/// telling `report` about each one as it ends.
pub fn deliver_all(
    deliverer: &mut Deliverer,
    ledger: &mut Writer,
    deliveries: &[(Delivery, bool)],
    rendered: &HashMap<(String, String), Rendered>,
    mut report: impl FnMut(&Delivery, &Outcome),
) {
    // Once the ledger cannot be written, nothing more is sent: each delivery would be
    // made again by the next run.
    let mut ledger_broken = false;
    for (delivery, correction) in deliveries {
        let key = (delivery.release.clone(), delivery.group.clone());
        let outcome = match rendered.get(&key) {
            _ if ledger_broken => Outcome::Failed(Failure::permanent("not tried: the ledger cannot be written")),
            None => Outcome::Failed(Failure::permanent("the communique was not rendered")),
            Some(r) => match deliverer.deliver(delivery, r, *correction) {
                Ok(entry) => match ledger.append(&entry) {
                    Ok(()) => Outcome::Delivered(entry),
                    Err(e) => {
                        ledger_broken = true;
                        Outcome::Failed(Failure::permanent(format!(
                            "delivered, but cannot record it in `{}`: {e}; the next run will deliver it again unless you add its line by hand",
                            ledger.path().display()
                        )))
                    }
                },
                Err(failure) => Outcome::Failed(failure),
            },
        };
        report(delivery, &outcome);
    }
}
