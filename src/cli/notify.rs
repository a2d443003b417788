//! `communique notify` (SPEC §10): the plan of what is due (nothing sent), `--send` to
//! deliver it, `--baseline` to record it as delivered without sending.

use super::RootArg;
use crate::diagnostics::{self, hint, Diagnostic, Format, Pos};
use crate::notify::deliver::{deliver_all, Deliverer, Outcome};
use crate::notify::ledger::{Entry, Ledger, Writer};
use crate::notify::plan::{self, Delivery, Filter, Plan};
use crate::notify::retry::Policy;
use crate::render::context::date_view;
use crate::render::messages::{self, Rendered};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub root: RootArg,
    #[command(flatten)]
    pub now: super::NowArg,
    /// Deliver every pending communique and record each in the ledger
    #[arg(long, conflicts_with = "baseline")]
    pub send: bool,
    /// Record every pending delivery in the ledger as delivered, sending nothing (adopting
    /// notify on a site with a history)
    #[arg(long)]
    pub baseline: bool,
    /// Also deliver again, marked as a correction, each communique whose text changed
    /// after it was delivered
    #[arg(long)]
    pub corrections: bool,
    /// Only this group's communiques (repeat for more)
    #[arg(long = "group", value_name = "ID")]
    pub groups: Vec<String>,
    /// Only this release's communiques (repeat for more)
    #[arg(long = "release", value_name = "SLUG")]
    pub releases: Vec<String>,
    /// How to print the plan and what was done
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Mode {
    Plan,
    Send,
    Baseline,
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let now = match args.now.resolve() {
        Ok(now) => now,
        Err(usage) => return Ok(usage),
    };
    let root = &args.root.root;
    let loaded = crate::content::load(root);
    // The files' text is not needed past loading, and a long history's is large.
    drop(loaded.sources);
    let errors: Vec<Diagnostic> = loaded.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    let Some(site) = loaded.site.filter(|_| errors.is_empty()) else {
        return Ok(content_errors(&errors, args.format));
    };
    for (flag, wanted, known) in [
        ("--group", &args.groups, site.groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>()),
        ("--release", &args.releases, site.releases.iter().map(|r| r.slug.as_str()).collect()),
    ] {
        if let Some(unknown) = wanted.iter().find(|w| !known.contains(&w.as_str())) {
            return Ok(super::usage_error(&format!("{flag} `{unknown}` is not in the site{}", hint(unknown, &known))));
        }
    }
    let config = &site.config;
    let filter = Filter { since: config.notify.since, groups: args.groups.clone(), releases: args.releases.clone() };
    let due = plan::due(&site, now, &filter);
    let ledger_text = match crate::notify::ledger::read(root, &config.notify.ledger) {
        Ok(text) => text,
        Err(e) => {
            crate::errln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let ledger = match Ledger::parse(&ledger_text) {
        Ok(ledger) => ledger,
        Err(bad) => {
            let d = Diagnostic::error(
                &config.notify.ledger,
                Pos::new(bad.line, bad.column),
                "ledger",
                format!(
                    "{}; fix or remove this line (a merge conflict?): nothing is sent while the ledger cannot be read",
                    bad.message
                ),
            );
            return Ok(content_errors(&[d], args.format));
        }
    };
    if let Some(line) = ledger.torn_line {
        crate::errln!(
            "warning: {}:{line}: the last line is incomplete (a run stopped while writing it); it is set aside, and the delivery it was recording will be made again",
            config.notify.ledger
        );
    }
    let mode = match (args.send, args.baseline) {
        (true, _) => Mode::Send,
        (_, true) => Mode::Baseline,
        _ => Mode::Plan,
    };
    let wanted: HashSet<(&str, &str)> = due.iter().map(|d| (d.release.as_str(), d.group.as_str())).collect();
    let channels: HashMap<(&str, &str), &[plan::Channel]> =
        due.iter().map(|d| ((d.release.as_str(), d.group.as_str()), d.channels.as_slice())).collect();
    // Only `--send` needs the texts, and only of what it will deliver.
    let keep = |release: &str, group: &str, fingerprint: &str| {
        mode == Mode::Send
            && channels.get(&(release, group)).is_some_and(|cs| {
                cs.iter().any(|c| match ledger.get(release, group, &c.key()) {
                    None => true,
                    Some(entry) => args.corrections && entry.fingerprint != fingerprint,
                })
            })
    };
    let rendered = match messages::communiques(
        root,
        &site,
        now,
        &|r, g| wanted.contains(&(r.slug.as_str(), g.id.as_str())),
        &keep,
    ) {
        Ok(rendered) => rendered,
        Err(errors) => return Ok(content_errors(&errors, args.format)),
    };
    let rendered: HashMap<(String, String), Rendered> =
        rendered.into_iter().map(|r| ((r.release.clone(), r.group.clone()), r)).collect();
    let fingerprints: HashMap<(&str, &str), &str> =
        rendered.iter().map(|((r, g), m)| ((r.as_str(), g.as_str()), m.fingerprint.as_str())).collect();
    let plan = plan::plan(&due, |r, g| fingerprints.get(&(r, g)).map(|f| f.to_string()).unwrap_or_default(), &ledger);
    let mut report = Report::new(mode, now, &plan, config);
    if mode == Mode::Plan {
        report.print(args.format, args.corrections);
        return Ok(ExitCode::SUCCESS);
    }

    let mut writer = match Writer::open(root, &config.notify.ledger, &ledger) {
        Ok(writer) => writer,
        Err(e) => {
            crate::errln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let mut work: Vec<(Delivery, bool)> = plan.pending.iter().map(|d| (d.clone(), false)).collect();
    if args.corrections {
        work.extend(plan.changed.iter().map(|d| (d.clone(), true)));
    }
    let text = args.format == OutputFormat::Text;
    if mode == Mode::Baseline {
        for (d, correction) in &work {
            let entry = Entry {
                release: d.release.clone(),
                group: d.group.clone(),
                channel: d.channel.key(),
                fingerprint: d.fingerprint.clone(),
                delivered_at: jiff::Timestamp::now(),
                message_id: None,
                correction: *correction,
                baseline: true,
            };
            if let Err(e) = writer.append(&entry) {
                crate::errln!("error: cannot write the ledger `{}`: {e}", config.notify.ledger);
                return Ok(ExitCode::from(1));
            }
            report.done.push(Done::of(d, &entry, config));
        }
        report.print(args.format, args.corrections);
        return Ok(ExitCode::SUCCESS);
    }

    let env = |name: &str| std::env::var(name).ok();
    let mut deliverer = Deliverer::new(config, Policy::default(), &env);
    deliver_all(&mut deliverer, &mut writer, &work, &rendered, |d, outcome| match outcome {
        Outcome::Delivered(entry) => {
            if text {
                crate::outln!(
                    "{} {} → {} by {}",
                    if entry.correction { "corrected" } else { "sent" },
                    d.release,
                    d.group,
                    d.channel.display()
                );
            }
            report.done.push(Done::of(d, entry, config));
        }
        Outcome::Failed(failure) => {
            if text {
                crate::errln!("error: {} → {} by {}: {}", d.release, d.group, d.channel.display(), failure.message);
            }
            report.failed.push(Failed {
                release: d.release.clone(),
                group: d.group.clone(),
                channel: d.channel.key(),
                shown: d.channel.display(),
                error: failure.message.clone(),
                temporary: failure.temporary,
            });
        }
    });
    report.print(args.format, args.corrections);
    Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn content_errors(errors: &[Diagnostic], format: OutputFormat) -> ExitCode {
    let format = match format {
        OutputFormat::Text => Format::Text,
        OutputFormat::Json => Format::Json,
    };
    diagnostics::print(errors, format);
    let n = diagnostics::count_errors(errors);
    crate::errln!("notify stopped: {n} error{}; nothing was sent", super::check::plural(n));
    ExitCode::from(1)
}

/// What `notify` prints: the plan, then what was done.
#[derive(Serialize)]
struct Report {
    mode: Mode,
    now: String,
    ledger: String,
    pending: Vec<Planned>,
    delivered: usize,
    changed: Vec<Planned>,
    /// Delivered by this run (`--send`) or recorded without sending (`--baseline`).
    done: Vec<Done>,
    failed: Vec<Failed>,
}

#[derive(Serialize)]
struct Planned {
    release: String,
    group: String,
    /// As the ledger records it: `email`, `slack:SLACK_CUSTOMERS_WEBHOOK`.
    channel: String,
    /// As a person reads it: `slack (SLACK_CUSTOMERS_WEBHOOK)`.
    shown: String,
    published_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivered_at: Option<String>,
    #[serde(skip)]
    published_shown: String,
    /// `delivered_at` as the plan shows it, in the site's time zone like the publish date.
    #[serde(skip)]
    delivered_shown: Option<String>,
}

#[derive(Serialize)]
struct Done {
    release: String,
    group: String,
    channel: String,
    shown: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_id: Option<String>,
    correction: bool,
}

impl Done {
    fn of(d: &Delivery, entry: &Entry, _config: &crate::config::SiteConfig) -> Done {
        Done {
            release: d.release.clone(),
            group: d.group.clone(),
            channel: d.channel.key(),
            shown: d.channel.display(),
            message_id: entry.message_id.clone(),
            correction: entry.correction,
        }
    }
}

#[derive(Serialize)]
struct Failed {
    release: String,
    group: String,
    channel: String,
    shown: String,
    error: String,
    /// The next run may well succeed (the server was busy or away).
    temporary: bool,
}

impl Report {
    fn new(mode: Mode, now: jiff::Timestamp, plan: &Plan, config: &crate::config::SiteConfig) -> Report {
        let planned = |d: &Delivery| Planned {
            release: d.release.clone(),
            group: d.group.clone(),
            channel: d.channel.key(),
            shown: d.channel.display(),
            published_at: d.published_at.to_string(),
            delivered_at: d.delivered_at.map(|t| t.to_string()),
            published_shown: date_view(d.published_at, config).datetime,
            delivered_shown: d.delivered_at.map(|t| date_view(t, config).datetime),
        };
        Report {
            mode,
            now: now.to_string(),
            ledger: config.notify.ledger.clone(),
            pending: plan.pending.iter().map(planned).collect(),
            delivered: plan.delivered,
            changed: plan.changed.iter().map(planned).collect(),
            done: Vec::new(),
            failed: Vec::new(),
        }
    }

    fn print(&self, format: OutputFormat, corrections: bool) {
        if format == OutputFormat::Json {
            crate::outln!("{}", serde_json::to_string_pretty(self).expect("a report is plain data"));
            return;
        }
        match self.mode {
            Mode::Plan => {
                if self.pending.is_empty() {
                    crate::outln!("Nothing to deliver.");
                } else {
                    crate::outln!("To deliver ({}):", self.pending.len());
                    print_table(&self.pending, |p| format!("published {}", p.published_shown));
                }
                crate::outln!("Already delivered: {}", self.delivered);
                if !self.changed.is_empty() {
                    crate::outln!(
                        "Changed after delivery ({}), sent again only with --corrections:",
                        self.changed.len()
                    );
                    print_table(&self.changed, |p| {
                        format!("delivered {}", p.delivered_shown.as_deref().unwrap_or("?"))
                    });
                }
                let again = if corrections { self.pending.len() + self.changed.len() } else { self.pending.len() };
                let command = if corrections { "`--send --corrections`" } else { "`--send`" };
                if again == 0 {
                    crate::outln!("Nothing sent. {command} has nothing to deliver.");
                } else if self.pending.is_empty() {
                    // Only corrections: `--baseline` records new deliveries, not these.
                    crate::outln!("Nothing sent. {command} would make {}.", deliveries(again));
                } else {
                    crate::outln!(
                        "Nothing sent. {command} would make {}; `--baseline` would record {} as delivered without sending.",
                        deliveries(again),
                        if self.pending.len() == 1 { "the new one" } else { "the new ones" }
                    );
                }
            }
            Mode::Baseline => crate::outln!(
                "Recorded {} in {} without sending anything; commit it.",
                deliveries(self.done.len()),
                self.ledger
            ),
            Mode::Send => {
                let sent = deliveries(self.done.len());
                if self.failed.is_empty() && self.done.is_empty() {
                    crate::outln!("Nothing to deliver: {} holds every delivery due.", self.ledger);
                } else if self.failed.is_empty() {
                    crate::outln!("{sent} made and recorded in {}; commit it.", self.ledger);
                } else if self.done.is_empty() {
                    crate::outln!(
                        "Nothing delivered: {} failed (the next run delivers {}).",
                        deliveries(self.failed.len()),
                        if self.failed.len() == 1 { "it" } else { "them" }
                    );
                } else {
                    crate::outln!(
                        "{sent} made and recorded in {}, {} failed (the next run delivers {}); commit the ledger.",
                        self.ledger,
                        self.failed.len(),
                        if self.failed.len() == 1 { "it" } else { "them" }
                    );
                }
                if !corrections && !self.changed.is_empty() {
                    crate::outln!(
                        "Not sent again: {} changed after delivery (`communique notify` lists {}); `--send --corrections` sends {} as corrections.",
                        deliveries(self.changed.len()),
                        if self.changed.len() == 1 { "it" } else { "them" },
                        if self.changed.len() == 1 { "it" } else { "them" }
                    );
                }
            }
        }
    }
}

fn print_table(rows: &[Planned], last: impl Fn(&Planned) -> String) {
    let width = |f: &dyn Fn(&Planned) -> usize| rows.iter().map(f).max().unwrap_or(0);
    let (wr, wg, wc) = (width(&|p| p.release.len()), width(&|p| p.group.len()), width(&|p| p.shown.chars().count()));
    for p in rows {
        crate::outln!("  {:wr$}  {:wg$}  {:wc$}  {}", p.release, p.group, p.shown, last(p));
    }
}

fn deliveries(n: usize) -> String {
    format!("{n} deliver{}", if n == 1 { "y" } else { "ies" })
}
