//! `[notify]` and `[notify.smtp]` of site.toml (SPEC §10): where the ledger is, who
//! e-mails come from, since when communiques are due, and how to reach the SMTP server.
//! Credentials are never in the file: only the names of the environment variables that
//! hold them.

use super::{key_pos, FILE};
use crate::content::parse::{email_problem, env_var_problem};
use crate::diagnostics::{hint, Diagnostic};

pub(crate) const NOTIFY_KEYS: &[&str] = &["ledger", "from", "since", "smtp"];
pub(crate) const SMTP_KEYS: &[&str] = &["host", "port", "security", "username_env", "password_env"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyConfig {
    /// The ledger's path, relative to the site root.
    pub ledger: String,
    /// The sender of every e-mail; required to send e-mail.
    pub from: Option<Sender>,
    /// Communiques published before this are never due.
    pub since: Option<jiff::Timestamp>,
    /// Required to send e-mail.
    pub smtp: Option<SmtpConfig>,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig { ledger: "notified.jsonl".into(), from: None, since: None, smtp: None }
    }
}

/// `from = "Acme releases <releases@acme.example>"`, or a bare address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub name: Option<String>,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Names of environment variables, never the credentials themselves.
    pub username_env: Option<String>,
    pub password_env: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: a relay on the same host or network only.
    None,
}

impl Security {
    pub const NAMES: &'static [&'static str] = &["starttls", "tls", "none"];
    const ALL: [Security; 3] = [Security::Starttls, Security::Tls, Security::None];

    pub fn default_port(self) -> u16 {
        match self {
            Security::Starttls => 587,
            Security::Tls => 465,
            Security::None => 25,
        }
    }
}

/// Reads `[notify]` from site.toml's table, reporting every problem at its key.
pub(crate) fn parse(
    text: &str,
    value: &toml::Value,
    tz: &jiff::tz::TimeZone,
    out: &mut Vec<Diagnostic>,
) -> NotifyConfig {
    let mut config = NotifyConfig::default();
    let Some(table) = value.as_table() else {
        out.push(err(
            text,
            None,
            "notify",
            "`notify` must be a table: write `[notify]` on its own line, then its keys".into(),
        ));
        return config;
    };
    let section = Some("notify");
    unknown_keys(text, table, "notify", NOTIFY_KEYS, out);
    if let Some(v) = table.get("ledger") {
        match v.as_str() {
            Some(path) if ledger_problem(path).is_none() => config.ledger = path.to_string(),
            Some(path) => out.push(err(
                text,
                section,
                "ledger",
                format!(
                    "`ledger` `{path}`: {}; write a path inside the site such as `ledger = \"notified.jsonl\"`",
                    ledger_problem(path).unwrap_or_default()
                ),
            )),
            None => {
                out.push(err(text, section, "ledger", "`ledger` must be text, such as `\"notified.jsonl\"`".into()))
            }
        }
    }
    if let Some(v) = table.get("from") {
        match v.as_str().map(sender) {
            Some(Ok(s)) => config.from = Some(s),
            Some(Err(problem)) => out.push(err(
                text,
                section,
                "from",
                format!(
                    "`from` is not one sender: {problem}; write `from = \"Acme releases <releases@acme.example>\"`"
                ),
            )),
            None => out.push(err(
                text,
                section,
                "from",
                "`from` must be text, such as `\"Acme releases <releases@acme.example>\"`".into(),
            )),
        }
    }
    if let Some(v) = table.get("since") {
        // `since = 2026-12-01` is a TOML date; a quoted date is read the same way.
        let written = match v {
            toml::Value::Datetime(d) => Some(d.to_string()),
            toml::Value::String(s) => Some(s.clone()),
            _ => None,
        };
        match written.map(|w| crate::content::dates::parse(&w, tz)) {
            Some(Ok(parsed)) => config.since = Some(parsed.at),
            Some(Err(message)) => out.push(err(text, section, "since", format!("`since`: {message}"))),
            None => {
                out.push(err(text, section, "since", "`since` must be a date, such as `since = 2026-12-01`".into()))
            }
        }
    }
    if let Some(v) = table.get("smtp") {
        config.smtp = smtp(text, v, out);
    }
    config
}

fn smtp(text: &str, value: &toml::Value, out: &mut Vec<Diagnostic>) -> Option<SmtpConfig> {
    let section = Some("notify.smtp");
    let Some(table) = value.as_table() else {
        out.push(err(
            text,
            Some("notify"),
            "smtp",
            "`smtp` must be a table: write `[notify.smtp]` on its own line, then its keys".into(),
        ));
        return None;
    };
    let before = out.len();
    unknown_keys(text, table, "notify.smtp", SMTP_KEYS, out);
    let host = match table.get("host").map(|v| v.as_str()) {
        Some(Some(host)) if !host.trim().is_empty() && !host.contains(['/', ' ']) => host.trim().to_string(),
        Some(_) => {
            out.push(err(
                text,
                section,
                "host",
                "`host` must be the SMTP server's name, such as `host = \"smtp.acme.example\"`".into(),
            ));
            String::new()
        }
        None => {
            out.push(err(
                text,
                Some("notify"),
                "smtp",
                "`[notify.smtp]` needs `host`: add `host = \"smtp.acme.example\"`".into(),
            ));
            String::new()
        }
    };
    let security = match table.get("security").map(|v| v.as_str()) {
        None => Security::Starttls,
        Some(Some(name)) if Security::NAMES.contains(&name) => {
            Security::ALL[Security::NAMES.iter().position(|n| *n == name).unwrap_or(0)]
        }
        Some(written) => {
            let written = written.unwrap_or("");
            out.push(err(
                text,
                section,
                "security",
                format!("`security` cannot be `{written}`{}", hint(written, Security::NAMES)),
            ));
            Security::Starttls
        }
    };
    let port = match table.get("port") {
        None => security.default_port(),
        Some(toml::Value::Integer(n)) if (1..=65535).contains(n) => *n as u16,
        Some(_) => {
            out.push(err(text, section, "port", "`port` must be a whole number from 1 to 65535, such as `587`".into()));
            security.default_port()
        }
    };
    let mut variable = |key: &str| match table.get(key).map(|v| v.as_str()) {
        None => None,
        Some(Some(name)) if env_var_problem(name).is_none() => Some(name.to_string()),
        Some(written) => {
            let problem = written.and_then(env_var_problem).unwrap_or("it must be text");
            out.push(err(
                text,
                section,
                key,
                format!(
                    "`{key}` must name an environment variable, not hold the secret: {problem}; write a name such as `{}`",
                    if key == "username_env" { "SMTP_USERNAME" } else { "SMTP_PASSWORD" }
                ),
            ));
            None
        }
    };
    let username_env = variable("username_env");
    let password_env = variable("password_env");
    let (user_given, password_given) = (table.contains_key("username_env"), table.contains_key("password_env"));
    if user_given != password_given {
        let (has, lacks) = if user_given { ("username_env", "password_env") } else { ("password_env", "username_env") };
        out.push(err(
            text,
            section,
            has,
            format!("`{has}` without `{lacks}`: a login needs both; add `{lacks} = \"…\"` or remove `{has}`"),
        ));
    }
    (out.len() == before).then_some(SmtpConfig { host, port, security, username_env, password_env })
}

fn unknown_keys(text: &str, table: &toml::Table, section: &str, known: &[&str], out: &mut Vec<Diagnostic>) {
    for key in table.keys().filter(|k| !known.contains(&k.as_str())) {
        // `[notify.smtp]` is a key of `[notify]`, but written as a section of its own.
        out.push(err(text, Some(section), key, format!("unknown key `{key}` in `[{section}]`{}", hint(key, known))));
    }
}

fn err(text: &str, section: Option<&str>, key: &str, message: String) -> Diagnostic {
    let code = if message.starts_with("unknown key") { "unknown-field" } else { "invalid-value" };
    let code = if message.contains("needs `host`") { "missing-field" } else { code };
    Diagnostic::error(FILE, key_pos(text, section, key), code, message)
}

/// Why the ledger's path would not be a file inside the site, or None.
fn ledger_problem(path: &str) -> Option<&'static str> {
    let p = std::path::Path::new(path);
    if path.trim().is_empty() {
        return Some("it is empty");
    }
    if p.is_absolute() || path.starts_with(['/', '\\']) {
        return Some("it must be relative to the site's folder");
    }
    if p.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
        return Some("it must stay inside the site's folder (no `..`)");
    }
    if path.ends_with(['/', '\\']) {
        return Some("it names a folder, not a file");
    }
    // Notify appends to it: in `.git` it would write into git's own files (its config).
    if path.split(['/', '\\']).any(|part| part.eq_ignore_ascii_case(".git")) {
        return Some("it must not be in `.git`, where git keeps its own files");
    }
    None
}

/// `Name <address>` or `address`.
fn sender(written: &str) -> Result<Sender, &'static str> {
    let written = written.trim();
    let (name, address) = match written.strip_suffix('>').and_then(|w| w.rsplit_once('<')) {
        Some((name, address)) => {
            let name = name.trim().trim_matches('"').trim();
            if name.contains(['<', '>', '"', '\n', '\r']) {
                return Err("the name has a character a sender's name cannot have");
            }
            (Some(name.to_string()).filter(|n| !n.is_empty()), address.trim())
        }
        None => (None, written),
    };
    // Checked here, not by `email_problem`: its words are for a group's `email`, where a
    // name belongs in `contacts`, whereas `from` takes one.
    if address.contains(['<', '>']) {
        return Err(
            "it is not one `Name <address>` or one bare address (a second address, or a `<` or `>` out of place)",
        );
    }
    if let Some(problem) = email_problem(address) {
        return Err(problem);
    }
    Ok(Sender { name, address: address.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (NotifyConfig, Vec<Diagnostic>) {
        let table: toml::Table = toml::from_str(text).unwrap();
        let mut out = Vec::new();
        let config = parse(text, &table["notify"], &jiff::tz::TimeZone::UTC, &mut out);
        (config, out)
    }

    #[test]
    fn a_whole_section() {
        let (c, errs) = parse_text(
            "[notify]\nledger = \"ops/notified.jsonl\"\nfrom = \"Acme releases <releases@acme.example>\"\nsince = 2026-12-01\n[notify.smtp]\nhost = \"smtp.acme.example\"\nsecurity = \"tls\"\nusername_env = \"SMTP_USERNAME\"\npassword_env = \"SMTP_PASSWORD\"\n",
        );
        assert_eq!(errs, []);
        assert_eq!(c.ledger, "ops/notified.jsonl");
        assert_eq!(
            c.from,
            Some(Sender { name: Some("Acme releases".into()), address: "releases@acme.example".into() })
        );
        assert_eq!(c.since, Some("2026-12-01T00:00:00Z".parse().unwrap()));
        let smtp = c.smtp.unwrap();
        assert_eq!((smtp.port, smtp.security), (465, Security::Tls));
        assert_eq!(smtp.password_env.as_deref(), Some("SMTP_PASSWORD"));
    }

    #[test]
    fn every_problem_at_its_key() {
        let text = "[notify]\nledger = \"../x.jsonl\"\nfrom = \"Acme\"\nsince = \"soon\"\nsend = true\n[notify.smtp]\nhost = \"smtp.acme.example\"\nsecurity = \"startls\"\nport = 70000\npassword_env = \"hunter2\"\n";
        let (_, errs) = parse_text(text);
        let found: Vec<_> = errs.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(
            found,
            [
                (5, "unknown-field"),
                (2, "invalid-value"),
                (3, "invalid-value"),
                (4, "invalid-value"),
                (8, "invalid-value"),
                (9, "invalid-value"),
                (10, "invalid-value"),
                (10, "invalid-value"),
            ]
        );
        assert!(errs[4].message.contains("did you mean `starttls`"), "{}", errs[4].message);
        assert!(!errs.iter().any(|d| d.message.contains("hunter2")), "a secret written by mistake is not repeated");
    }

    #[test]
    fn a_ledger_in_a_git_folder_is_refused() {
        // Notify appends to the ledger: in `.git`, it would write into git's own files.
        for path in [".git/config", "x/.GIT/commondir", ".git"] {
            assert!(ledger_problem(path).is_some_and(|p| p.contains("`.git`")), "{path}");
        }
        for path in ["notified.jsonl", "ops/notified.jsonl", ".notify/ledger.jsonl", ".gitkeep"] {
            assert_eq!(ledger_problem(path), None, "{path}");
        }
    }

    #[test]
    fn senders() {
        assert_eq!(sender("r@acme.example").unwrap(), Sender { name: None, address: "r@acme.example".into() });
        assert_eq!(sender("\"Acme, Inc.\" <r@acme.example>").unwrap().name.as_deref(), Some("Acme, Inc."));
        // Two senders: the message must not say that a name is not allowed.
        let two = sender("Acme <r@acme.example>, x@evil.example").unwrap_err();
        assert!(two.contains("not one `Name <address>`") && !two.contains("contacts"), "{two}");
        assert!(sender("Acme").is_err());
    }
}
