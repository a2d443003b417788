//! One content file → one model value, with every problem the file shows on its own.
//! Rules that need other files (known group ids, hierarchy) live in `validate`.

use super::fields::{
    check_keys, check_list_items, date, display_path, front_matter, non_empty, one_of, require, text, trimmed,
};
use super::raw::*;
use super::source::Source;
use super::yaml::kind_of;
use crate::diagnostics::Diagnostic;
use crate::model::*;
use crate::slug::{is_valid_id, slugify};
use serde_yaml::{Mapping, Value};

pub(crate) fn group(source: &Source, id: &str, body: &str, out: &mut Vec<Diagnostic>) -> Option<StakeholderGroup> {
    let nested = |map: &Mapping, out: &mut Vec<Diagnostic>| check_list_items(source, map, "chat", CHAT_KEYS, out);
    let raw: RawGroup = front_matter(source, GROUP_KEYS, nested, out)?;
    let name = require(source, raw.name, "name", "Enterprise customers", out);
    let audience = match raw.audience.as_deref().map(str::trim) {
        None | Some("") => Audience::Public,
        Some(a) => one_of(source, a, "audience", AUDIENCES, &[Audience::Public, Audience::Internal], out)?,
    };
    let parent = non_empty(raw.parent);
    let email = non_empty(raw.email);
    if let Some(problem) = email.as_deref().and_then(email_problem) {
        out.push(source.error_at_value(
            "email",
            "invalid-value",
            format!("`email` is not one e-mail address: {problem}; write just the list's address, like `email: customers-announce@acme.example`"),
        ));
    }
    let subscribe_url = non_empty(raw.subscribe_url);
    if let Some(problem) = subscribe_url.as_deref().and_then(|url| crate::config::check_base_url(url).err()) {
        out.push(source.error_at_value(
            "subscribe_url",
            "invalid-value",
            format!("`subscribe_url` is the sign-up page of the group's list, and {problem}"),
        ));
    }
    Some(StakeholderGroup {
        id: id.to_string(),
        name,
        summary: text(raw.summary),
        audience,
        parent,
        order: raw.order,
        contacts: raw.contacts.unwrap_or_default(),
        components: raw.components.unwrap_or_default(),
        email,
        subscribe_url,
        chat: chat_channels(source, raw.chat.unwrap_or_default(), out),
        template: group_template(source, raw.template, out),
        language: non_empty(raw.language),
        body: body.to_string(),
        path: source.path.clone(),
    })
}

/// A group's `chat` list (SPEC §10): each entry a known platform and the name of the
/// environment variable that holds its webhook URL (the URL itself is a secret, never in a file).
fn chat_channels(source: &Source, raw: Vec<RawChat>, out: &mut Vec<Diagnostic>) -> Vec<ChatChannel> {
    let mut channels: Vec<ChatChannel> = Vec::with_capacity(raw.len());
    for (i, entry) in raw.into_iter().enumerate() {
        let kind = require(source, entry.kind, &format!("chat.{i}.kind"), "slack", out);
        let kind = match kind.as_str() {
            "" => None,
            name => one_of(source, name, &format!("chat.{i}.kind"), ChatKind::NAMES, &ChatKind::ALL, out),
        };
        let field = format!("chat.{i}.webhook_env");
        let webhook_env = require(source, entry.webhook_env, &field, "SLACK_CUSTOMERS_WEBHOOK", out);
        let valid = !webhook_env.is_empty() && env_var_problem(&webhook_env).is_none();
        if let Some(problem) = (!webhook_env.is_empty()).then(|| env_var_problem(&webhook_env)).flatten() {
            out.push(source.error_at_value(
                &field,
                "invalid-value",
                format!(
                    "`{}` must name an environment variable, not hold the URL: {problem}; write a name such as `SLACK_CUSTOMERS_WEBHOOK` and set that variable in CI",
                    display_path(&field)
                ),
            ));
        }
        if let (Some(kind), true) = (kind, valid) {
            let channel = ChatChannel { kind, webhook_env };
            if channels.contains(&channel) {
                out.push(source.error_at_key(
                    &format!("chat.{i}"),
                    "duplicate-channel",
                    format!("`chat[{i}]` repeats an earlier entry: each message would be posted twice; remove one"),
                ));
            } else {
                channels.push(channel);
            }
        }
    }
    channels
}

/// Why `name` is not an environment variable name of the form `^[A-Z_][A-Z0-9_]*$`, or
/// None when it is.
pub(crate) fn env_var_problem(name: &str) -> Option<&'static str> {
    if name.contains("://") {
        return Some("it looks like a URL (a secret: keep it out of the site's files)");
    }
    let mut chars = name.chars();
    match chars.next() {
        None => Some("it is empty"),
        Some(c) if !(c.is_ascii_uppercase() || c == '_') => Some("it must start with a capital letter or `_`"),
        _ if !chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') => {
            Some("it may hold only capital letters, digits and `_`")
        }
        _ => None,
    }
}

/// Why `address` is not one plain e-mail address (`local@domain.tld`), or None when it is.
/// Only what `To:` and `sendmail -t` need: one `@`, a local part, a dotted domain, and
/// nothing that would add a name, a second recipient or a header.
pub(crate) fn email_problem(address: &str) -> Option<&'static str> {
    if address.contains(['<', '>']) {
        return Some("it has angle brackets (a name goes in `contacts`, not here)");
    }
    if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it contains a space or a line break");
    }
    if address.contains([',', ';', '"', '(', ')', '[', ']', '\\', ':']) {
        return Some("it has a character an address cannot have, such as `,` or `;` (one address only)");
    }
    let Some((local, domain)) = address.split_once('@') else {
        return Some("it has no `@`");
    };
    if domain.contains('@') {
        return Some("it has more than one `@`");
    }
    if local.is_empty() {
        return Some("nothing comes before the `@`");
    }
    if !domain.contains('.') || domain.split('.').any(str::is_empty) {
        return Some("the part after the `@` is not a domain like `acme.example`");
    }
    None
}

pub(crate) fn release(
    source: &Source,
    slug: &str,
    body: &str,
    tz: &jiff::tz::TimeZone,
    out: &mut Vec<Diagnostic>,
) -> Option<Release> {
    let nested = |map: &Mapping, out: &mut Vec<Diagnostic>| {
        check_list_items(source, map, "features", FEATURE_KEYS, out);
        check_list_items(source, map, "constraints", CONSTRAINT_KEYS, out);
        check_list_items(source, map, "windows", WINDOW_KEYS, out);
        check_list_items(source, map, "actions", ACTION_KEYS, out);
        if let Some(Value::Mapping(access)) = map.get("access") {
            for (group, entry) in access {
                let group = group.as_str().unwrap_or("?");
                match entry {
                    Value::Mapping(m) => check_keys(source, m, &format!("access.{group}"), ACCESS_KEYS, out),
                    Value::Null => {}
                    other => out.push(source.error_at_value(
                        &format!("access.{group}"),
                        "invalid-value",
                        format!("`access.{group}` is {}; write its `how`, `when`, `where` and `permissions` on indented lines below it", kind_of(other)),
                    )),
                }
            }
        }
    };
    let raw: RawRelease = front_matter(source, RELEASE_KEYS, nested, out)?;

    let title = require(source, raw.title, "title", "Payments 4.2", out);
    let product = require(source, raw.product, "product", "Payments", out);
    let status_text = require(source, raw.status, "status", "draft", out);
    let status = if status_text.is_empty() {
        None
    } else {
        one_of(source, &status_text, "status", Status::NAMES, &[Status::Draft, Status::Review, Status::Approved], out)
    };
    let deployed_text = require(source, raw.deployed_at, "deployed_at", "2026-11-20T18:00:00Z", out);
    let deployed_at =
        if deployed_text.is_empty() { None } else { date(source, &deployed_text, "deployed_at", tz, out) };
    let publish_at = match non_empty(raw.publish_at) {
        Some(p) => date(source, &p, "publish_at", tz, out),
        None => deployed_at,
    };

    let mut features = Vec::new();
    for (i, f) in raw.features.unwrap_or_default().into_iter().enumerate() {
        let at = format!("features.{i}");
        let title = require(source, f.title, &format!("{at}.title"), "Instant refunds", out);
        let explicit_id = non_empty(f.id.clone()).is_some();
        let id = match non_empty(f.id) {
            Some(id) if is_valid_id(&id) => id,
            Some(id) => {
                out.push(source.error_at_value(
                    &format!("{at}.id"),
                    "invalid-id",
                    format!("feature id `{id}` must match ^[a-z0-9][a-z0-9._-]*$; write `{}`", slugify(&id)),
                ));
                id
            }
            None => slugify(&title),
        };
        let (kind, breaking) = feature_kind(source, &at, f.kind, f.breaking, out);
        let groups = f.groups.unwrap_or_default();
        if groups.is_empty() {
            out.push(source.error_at_key(
                &format!("{at}.groups"),
                "missing-field",
                format!(
                    "`{}.groups` is required and must name at least one group: add `groups: [customers]`",
                    display_path(&at)
                ),
            ));
        }
        // A feature without a title or id has no id to compare; `missing-field` says so.
        let comparable = explicit_id || !title.is_empty();
        if let Some(previous) = features.iter().position(|other: &Feature| comparable && other.id == id) {
            out.push(source.error_at_key(
                &format!("{at}.title"),
                "duplicate-feature",
                format!("feature id `{id}` is already used by features[{previous}]; give this one `id: {id}-2` or another title"),
            ));
        }
        features.push(Feature {
            id,
            title,
            summary: text(f.summary),
            groups,
            value: f.value.unwrap_or_default().into_iter().map(|(k, v)| (k, trimmed(v))).collect(),
            kind,
            breaking,
        });
    }

    let access = raw
        .access
        .unwrap_or_default()
        .into_iter()
        .map(|(group, a)| {
            let a = a.unwrap_or(RawAccess { how: None, when: None, r#where: None, permissions: None });
            let entry = Access {
                how: non_empty(a.how),
                when: non_empty(a.when),
                r#where: non_empty(a.r#where),
                permissions: non_empty(a.permissions),
            };
            (group, entry)
        })
        .collect();

    let mut constraints = Vec::new();
    for (i, c) in raw.constraints.unwrap_or_default().into_iter().enumerate() {
        let at = format!("constraints.{i}");
        let kind_text = require(source, c.kind, &format!("{at}.kind"), "availability", out);
        let text = require(source, c.text, &format!("{at}.text"), "Not available in Brazil yet.", out);
        let kind = if kind_text.is_empty() {
            None
        } else {
            one_of(source, &kind_text, &format!("{at}.kind"), ConstraintKind::NAMES, &ConstraintKind::ALL, out)
        };
        if let Some(kind) = kind {
            constraints.push(Constraint { kind, text, groups: c.groups });
        }
    }

    let mut windows = Vec::new();
    for (i, w) in raw.windows.unwrap_or_default().into_iter().enumerate() {
        let at = format!("windows.{i}");
        let title = require(source, w.title, &format!("{at}.title"), "Settlement engine switch-over", out);
        let id = non_empty(w.id);
        if let Some(id) = &id {
            window_id_rules(source, id, &at, &windows, out);
        }
        let kind_text = require(source, w.kind, &format!("{at}.kind"), "maintenance", out);
        let kind = if kind_text.is_empty() {
            None
        } else {
            one_of(
                source,
                &kind_text,
                &format!("{at}.kind"),
                WindowKind::NAMES,
                &[WindowKind::Maintenance, WindowKind::Availability],
                out,
            )
        };
        let start_text = require(source, w.start, &format!("{at}.start"), "2026-11-21T01:00:00Z", out);
        let end_text = require(source, w.end, &format!("{at}.end"), "2026-11-21T03:00:00Z", out);
        let start =
            if start_text.is_empty() { None } else { date(source, &start_text, &format!("{at}.start"), tz, out) };
        let end = if end_text.is_empty() { None } else { date(source, &end_text, &format!("{at}.end"), tz, out) };
        if let (Some(kind), Some(start), Some(end)) = (kind, start, end) {
            if end <= start {
                out.push(source.error_at_value(
                    &format!("{at}.end"),
                    "invalid-date",
                    format!(
                        "`{}.end` must be after `start` ({start_text}); a window cannot end before it begins",
                        display_path(&at)
                    ),
                ));
            }
            windows.push(Window { id, title, kind, start, end, groups: w.groups });
        }
    }

    let actions = actions(source, raw.actions.unwrap_or_default(), tz, out);

    // A release with errors is still returned, with stand-ins for what failed, so that
    // the rules across files (known groups, hand-written pages) and the warnings can
    // still be reported in the same run; a site with errors is never built.
    Some(Release {
        slug: slug.to_string(),
        title,
        product,
        version: text(raw.version),
        status: status.unwrap_or(Status::Draft),
        deployed_at: deployed_at.unwrap_or(jiff::Timestamp::UNIX_EPOCH),
        publish_at: publish_at.or(deployed_at).unwrap_or(jiff::Timestamp::UNIX_EPOCH),
        summary: text(raw.summary),
        components: raw.components.unwrap_or_default(),
        features,
        access,
        constraints,
        windows,
        actions,
        body: body.to_string(),
        handwritten: Default::default(),
        path: source.path.clone(),
        approval: ApprovalRecord {
            by: non_empty(raw.approved_by),
            at: non_empty(raw.approved_at),
            fingerprint: non_empty(raw.approved_fingerprint),
        },
        fingerprint: source.fingerprint(),
    })
}

/// A window's `id`: the form of every id, and one window per id in a release (each id
/// is a calendar event of its own).
fn window_id_rules(source: &Source, id: &str, at: &str, windows: &[Window], out: &mut Vec<Diagnostic>) {
    let field = format!("{at}.id");
    if !is_valid_id(id) {
        out.push(source.error_at_value(
            &field,
            "invalid-id",
            format!("window id `{id}` must match ^[a-z0-9][a-z0-9._-]*$; write `{}`", slugify(id)),
        ));
    } else if let Some(previous) = windows.iter().position(|w| w.id.as_deref() == Some(id)) {
        out.push(source.error_at_value(
            &field,
            "duplicate-window",
            format!(
                "window id `{id}` is already used by windows[{previous}]; each window needs an id of its own, such as `{id}-2`"
            ),
        ));
    }
}

/// A feature's `kind` (default `added`) and `breaking` (default false) (SPEC §11).
fn feature_kind(
    source: &Source,
    at: &str,
    kind: Option<String>,
    breaking: Option<String>,
    out: &mut Vec<Diagnostic>,
) -> (FeatureKind, bool) {
    let field = format!("{at}.kind");
    let kind = match non_empty(kind) {
        None => FeatureKind::Added,
        Some(name) => match FeatureKind::NAMES.iter().position(|n| *n == name) {
            Some(i) => FeatureKind::ALL[i],
            None => {
                out.push(source.error_at_value(
                    &field,
                    "invalid-value",
                    format!(
                        "`{}` cannot be `{name}`{}; a feature's kind is one of {} (`added` when left out)",
                        display_path(&field),
                        crate::diagnostics::did_you_mean(&name, FeatureKind::NAMES.iter().copied())
                            .map(|k| format!(": did you mean `kind: {k}`?"))
                            .unwrap_or_default(),
                        FeatureKind::NAMES.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    ),
                ));
                FeatureKind::Added
            }
        },
    };
    let field = format!("{at}.breaking");
    let breaking = match non_empty(breaking).as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            out.push(source.error_at_value(
                &field,
                "invalid-value",
                format!(
                    "`{}` cannot be `{other}`: write `breaking: true` for a change that can break what a group does today, or leave it out",
                    display_path(&field)
                ),
            ));
            false
        }
    };
    (kind, breaking)
}

/// A release's `actions` (SPEC §11): each a text, an optional deadline in a date form of
/// §4, and optional groups (checked against the release's groups in `validate`).
fn actions(source: &Source, raw: Vec<RawAction>, tz: &jiff::tz::TimeZone, out: &mut Vec<Diagnostic>) -> Vec<Action> {
    let mut actions = Vec::with_capacity(raw.len());
    for (i, a) in raw.into_iter().enumerate() {
        let at = format!("actions.{i}");
        let text = require(source, a.text, &format!("{at}.text"), "Map the new column in your ERP import.", out);
        let due = non_empty(a.due).and_then(|d| date(source, &d, &format!("{at}.due"), tz, out));
        if let Some(groups) = &a.groups {
            if groups.is_empty() {
                out.push(source.error_at_value(
                    &format!("{at}.groups"),
                    "missing-field",
                    format!(
                        "`{}.groups` is empty, so no group would see this action: name groups, like `groups: [customers]`, or leave `groups` out for every group of the release",
                        display_path(&at)
                    ),
                ));
            }
        }
        actions.push(Action { text, due, groups: a.groups });
    }
    actions
}

/// A group's `template` names a communique format: `brief` picks `communique-brief.html`.
fn group_template(source: &Source, template: Option<String>, out: &mut Vec<Diagnostic>) -> Option<String> {
    let name = non_empty(template)?;
    let bare = name.strip_prefix("communique-").unwrap_or(&name);
    let bare = bare.strip_suffix(".html").unwrap_or(bare);
    if bare != name || !is_valid_id(&name) {
        out.push(source.error_at_value(
            "template",
            "invalid-value",
            format!(
                "`template` names a communique format by its short name, which picks `communique-<name>.html` from the theme: write `template: {}`",
                slugify(bare)
            ),
        ));
        return None;
    }
    Some(name)
}

pub(crate) fn handwritten(source: &Source, group: &str, body: &str, out: &mut Vec<Diagnostic>) -> Option<Handwritten> {
    let raw: RawHandwritten = if source.yaml().trim().is_empty() {
        RawHandwritten { title: None, summary: None }
    } else {
        front_matter(source, HANDWRITTEN_KEYS, |_, _| {}, out)?
    };
    Some(Handwritten {
        group: group.to_string(),
        title: non_empty(raw.title),
        summary: non_empty(raw.summary),
        body: body.to_string(),
        path: source.path.clone(),
        fingerprint: source.fingerprint(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses() {
        for ok in ["customers-announce@acme.example", "a.b+c@x.y.example", "x@sub-1.acme.example"] {
            assert_eq!(email_problem(ok), None, "{ok}");
        }
        for bad in [
            "not-an-address",
            "@acme.example",
            "a@b@acme.example",
            "a@localhost",
            "a@acme..example",
            "a@acme.example.",
            "a b@acme.example",
            "a@acme.example\nBcc: x@evil.example",
            "Customers <c@acme.example>",
            "a@acme.example,b@acme.example",
            "a@acme.example;b@acme.example",
        ] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn environment_variable_names() {
        for ok in ["SLACK_CUSTOMERS_WEBHOOK", "_X", "A1"] {
            assert_eq!(env_var_problem(ok), None, "{ok}");
        }
        for bad in ["", "slack_webhook", "1ABC", "SLACK-WEBHOOK", "https://hooks.slack.com/services/T0/B0/x", "A B"] {
            assert!(env_var_problem(bad).is_some(), "{bad}");
        }
    }
}
