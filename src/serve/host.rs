//! Which `Host` names the preview answers to. A web page on another site can make the
//! reader's browser resolve its own name to 127.0.0.1 (DNS rebinding) and then read the
//! preview, drafts and all, as if it were its own origin; such a request still says the
//! attacker's name in `Host`, so the preview answers only to names that cannot be
//! rebound: loopback names and addresses, the address it listens on, and names the
//! author allows with `--allow-host`. Like Vite's and webpack's dev servers.

use std::net::IpAddr;

/// The names one preview answers to.
#[derive(Debug, Clone)]
pub(crate) struct Allowed {
    /// `--interface`, lowercase, without brackets.
    interface: String,
    /// Listening on every interface (`0.0.0.0`, `::`): any IP address literal is
    /// accepted, since an address names one machine and cannot be rebound.
    any_address: bool,
    /// `--allow-host`: exact names, or `.example.com` for that name and its subdomains.
    names: Vec<String>,
}

impl Allowed {
    pub(crate) fn new(interface: &str, names: &[String]) -> Allowed {
        let interface = normalise(interface.trim_start_matches('[').trim_end_matches(']'));
        let any_address = interface.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified());
        Allowed { interface, any_address, names: names.iter().map(|n| normalise(n)).collect() }
    }

    /// Whether `host`, a `Host` header's value or a request target's authority (a port,
    /// if any, is ignored), names this preview.
    pub(crate) fn allows(&self, host: &str) -> bool {
        let Some(name) = name_of(host) else { return false };
        if name == "localhost" || name.ends_with(".localhost") {
            return true;
        }
        if let Some(ip) = address(&name) {
            return ip.is_loopback() || self.any_address || self.interface.parse::<IpAddr>().is_ok_and(|i| i == ip);
        }
        name == self.interface
            || self.names.iter().any(|allowed| match allowed.strip_prefix('.') {
                Some(domain) => name == domain || name.ends_with(allowed.as_str()),
                None => name == *allowed,
            })
    }
}

fn normalise(name: &str) -> String {
    let name = name.trim().to_ascii_lowercase();
    name.strip_suffix('.').map(str::to_string).unwrap_or(name)
}

/// The name part of `host` without its port, lowercase, an IPv6 address without its
/// brackets; None when it is not a host at all (empty, an unbracketed IPv6 address,
/// stray characters).
pub(crate) fn name_of(host: &str) -> Option<String> {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        inside.parse::<std::net::Ipv6Addr>().ok()?;
        inside
    } else {
        match host.split_once(':') {
            // A port is digits: `localhost:1@evil.example` names no port of ours.
            Some((name, port)) if is_port(port) => name,
            Some(_) => return None,
            None => host,
        }
    };
    let name = normalise(name);
    let valid =
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    valid.then_some(name)
}

fn is_port(port: &str) -> bool {
    !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
}

fn address(name: &str) -> Option<IpAddr> {
    name.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_and_the_interface_only() {
        let allowed = Allowed::new("127.0.0.1", &[]);
        for host in [
            "127.0.0.1",
            "127.0.0.1:1111",
            "127.8.9.10:80",
            "localhost",
            "LOCALHOST:1111",
            "localhost.",
            "preview.localhost:1111",
            "[::1]",
            "[::1]:1111",
        ] {
            assert!(allowed.allows(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "evillocalhost",
            "10.0.0.1",
            "192.168.1.10:1111",
            "[fe80::1]",
            "::1",
            "",
            ":1111",
            "local host",
            "[::1]x",
            "localhost:1@evil.example",
            "[::1]:1@evil.example",
            "localhost:",
            "127.0.0.1:80x",
        ] {
            assert!(!allowed.allows(host), "{host}");
        }
    }

    #[test]
    fn every_interface_accepts_addresses_but_not_names() {
        for interface in ["0.0.0.0", "::", "[::]"] {
            let allowed = Allowed::new(interface, &[]);
            for host in ["192.168.1.10:1111", "10.0.0.1", "[fe80::1]:1111", "127.0.0.1", "localhost"] {
                assert!(allowed.allows(host), "{interface}: {host}");
            }
            for host in ["evil.example", "my-laptop.lan:1111"] {
                assert!(!allowed.allows(host), "{interface}: {host}");
            }
        }
    }

    #[test]
    fn the_bound_interface_and_allowed_names() {
        let allowed = Allowed::new("192.168.1.10", &["my-laptop.lan".into(), ".team.example".into()]);
        for host in ["192.168.1.10:1111", "my-laptop.lan", "MY-LAPTOP.LAN:1111", "team.example", "a.team.example:80"] {
            assert!(allowed.allows(host), "{host}");
        }
        for host in ["192.168.1.11", "other.lan", "evilteam.example", "team.example.evil.example"] {
            assert!(!allowed.allows(host), "{host}");
        }
        let named = Allowed::new("preview.lan", &[]);
        assert!(named.allows("preview.lan:1111"));
        assert!(!named.allows("evil.example"));
        let six = Allowed::new("::1", &[]);
        assert!(six.allows("[::1]:1111"));
    }
}
