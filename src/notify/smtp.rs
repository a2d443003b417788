//! E-mail delivery over SMTP with lettre: the message bytes `build --emails` writes, sent
//! to the group's list. `[notify.smtp] security` chooses STARTTLS (required, never
//! optional), TLS from the first byte, or none; the login comes from the environment
//! variables site.toml names. Failures say what happened without any credential.

use super::retry::{with_retries, Failure, Policy};
use crate::config::notify::{Security, Sender, SmtpConfig};
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::SmtpTransport;
use lettre::Transport;
use std::time::Duration;

/// How long one SMTP exchange may stall before it counts as a time-out (a temporary
/// failure, tried again).
const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Mailer {
    transport: SmtpTransport,
    from: Address,
    host: String,
    policy: Policy,
    /// What a failure's text must never show: the login.
    secrets: Vec<String>,
    /// Set once the server could not be reached after every try: the rest of the run's
    /// e-mails fail at once instead of waiting the same back-off each (the next run
    /// delivers them).
    unreachable: Option<String>,
}

impl Mailer {
    /// A mailer for `smtp`, its login read through `env` (the process's environment in
    /// the program). A missing variable is a failure that names it.
    pub fn new(
        smtp: &SmtpConfig,
        from: &Sender,
        policy: Policy,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Mailer, Failure> {
        let from: Address = from
            .address
            .parse()
            .map_err(|e| Failure::permanent(format!("`[notify] from` is not an address lettre accepts: {e}")))?;
        let mut secrets = Vec::new();
        let credentials = match (&smtp.username_env, &smtp.password_env) {
            (Some(user_var), Some(password_var)) => {
                let read = |name: &str| {
                    env(name).filter(|v| !v.is_empty()).ok_or_else(|| {
                        Failure::permanent(format!(
                            "the environment variable `{name}` (`[notify.smtp]` in site.toml) is not set: set it to the SMTP login's {}",
                            if name == user_var.as_str() { "user name" } else { "password" }
                        ))
                    })
                };
                let (user, password) = (read(user_var)?, read(password_var)?);
                secrets.extend([user.clone(), password.clone()]);
                Some(Credentials::new(user, password))
            }
            _ => None,
        };
        let tls = || {
            TlsParameters::new(smtp.host.clone())
                .map_err(|e| Failure::permanent(format!("cannot set up TLS for `{}`: {e}", smtp.host)))
        };
        let mut builder = SmtpTransport::builder_dangerous(smtp.host.as_str()).port(smtp.port).timeout(Some(TIMEOUT));
        builder = match smtp.security {
            Security::Starttls => builder.tls(Tls::Required(tls()?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls()?)),
            Security::None => builder.tls(Tls::None),
        };
        if let Some(credentials) = credentials {
            builder = builder.credentials(credentials);
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            host: format!("{}:{}", smtp.host, smtp.port),
            policy,
            secrets,
            unreachable: None,
        })
    }

    /// Sends `message` (RFC 5322 bytes) to `to`, trying again after temporary failures.
    pub fn send(&mut self, to: &str, message: &[u8]) -> Result<(), Failure> {
        if let Some(why) = &self.unreachable {
            return Err(Failure::temporary(format!("not tried: {why}")));
        }
        let to: Address =
            to.parse().map_err(|e| Failure::permanent(format!("`{to}` is not an address lettre accepts: {e}")))?;
        let envelope = Envelope::new(Some(self.from.clone()), vec![to])
            .map_err(|e| Failure::permanent(format!("cannot address the message: {e}")))?;
        let mut reached = false;
        let result =
            with_retries(&self.policy, std::thread::sleep, || match self.transport.send_raw(&envelope, message) {
                Ok(_) => Ok(()),
                Err(e) => {
                    reached |= e.status().is_some();
                    Err(self.classify(&e))
                }
            });
        if let Err(failure) = &result {
            if failure.temporary && !reached {
                self.unreachable = Some(format!("the SMTP server {} could not be reached", self.host));
            }
        }
        result
    }

    /// SMTP 5xx, TLS and client errors are permanent; 4xx, no connection and time-outs
    /// are temporary (SPEC §10).
    fn classify(&self, e: &lettre::transport::smtp::Error) -> Failure {
        let text = redact(&error_text(e), &self.secrets);
        if e.is_permanent() {
            Failure::permanent(format!("the SMTP server {} refused it: {text}", self.host))
        } else if e.is_transient() {
            Failure::temporary(format!("the SMTP server {} deferred it: {text}", self.host))
        } else if e.is_client() && text.contains("authentication mechanism") {
            // lettre's own words ("No compatible authentication mechanism was found")
            // do not say what to change.
            Failure::permanent(format!(
                "the SMTP server {} offers no login (AUTH PLAIN or LOGIN), but `[notify.smtp]` names `username_env` and `password_env`: remove both if the server takes mail without a login, or check `security` (many servers offer a login only after STARTTLS)",
                self.host
            ))
        } else if e.is_tls() || e.is_client() {
            Failure::permanent(format!("SMTP with {}: {text}", self.host))
        } else if e.is_timeout() {
            Failure::temporary(format!("the SMTP server {} timed out: {text}", self.host))
        } else {
            Failure::temporary(format!("no connection to the SMTP server {}: {text}", self.host))
        }
    }
}

/// The error and its causes, on one line.
fn error_text(e: &dyn std::error::Error) -> String {
    let text = e.to_string();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` with every secret replaced: a server that echoes a login must not put it in
/// the output.
fn redact(text: &str, secrets: &[String]) -> String {
    secrets.iter().filter(|s| s.len() >= 3).fold(text.to_string(), |t, s| t.replace(s.as_str(), "[redacted]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        let secrets = vec!["hunter2".to_string(), "ab".to_string()];
        assert_eq!(redact("535 bad login hunter2 for ab", &secrets), "535 bad login [redacted] for ab");
    }

    #[test]
    fn a_missing_variable_is_named() {
        let smtp = SmtpConfig {
            host: "127.0.0.1".into(),
            port: 25,
            security: Security::None,
            username_env: Some("SMTP_USERNAME".into()),
            password_env: Some("SMTP_PASSWORD".into()),
        };
        let from = Sender { name: None, address: "r@acme.example".into() };
        let env = |name: &str| (name == "SMTP_USERNAME").then(|| "robot".to_string());
        let failure = Mailer::new(&smtp, &from, Policy::default(), env).err().unwrap();
        assert!(failure.message.contains("`SMTP_PASSWORD`"), "{}", failure.message);
        assert!(!failure.message.contains("robot"));
    }
}
