//! A group's calendar (RFC 5545, icalendar crate): an event at each communique's
//! go-live and one per maintenance or availability window that concerns the group.
//! UIDs come from the release and group, so calendar apps update events in place;
//! DTSTAMP comes from the release, never the clock, so the same input gives the same file.

use icalendar::{Calendar, Component, Event};

pub struct CalendarEvent {
    pub uid: String,
    pub summary: String,
    pub description: String,
    pub url: String,
    pub start: jiff::Timestamp,
    /// None: a go-live, shown as a moment (no duration).
    pub end: Option<jiff::Timestamp>,
    /// When this event was last stated: the release's publish date.
    pub stamp: jiff::Timestamp,
    pub category: &'static str,
}

pub fn calendar(name: &str, description: &str, events: &[CalendarEvent]) -> String {
    let mut calendar = Calendar::empty();
    calendar.append_property(("VERSION", "2.0"));
    calendar
        .append_property(("PRODID", format!("-//communique//communique {}//EN", env!("CARGO_PKG_VERSION")).as_str()));
    calendar.append_property(("CALSCALE", "GREGORIAN"));
    calendar.append_property(("METHOD", "PUBLISH"));
    calendar.name(&clip(name));
    calendar.description(&clip(description));
    for e in events {
        let mut event = Event::new();
        event
            .uid(&e.uid)
            .add_property("DTSTAMP", utc(e.stamp))
            .add_property("DTSTART", utc(e.start))
            .add_property("SEQUENCE", "0")
            .add_property("CATEGORIES", e.category)
            .summary(&clip(&e.summary))
            .description(&clip(&e.description))
            .url(&e.url);
        // RFC 5545 §3.8.2.2: DTEND must be later than DTSTART; without one, the event is
        // the moment DTSTART (§3.6.1), which is what a go-live is.
        if let Some(end) = e.end {
            event.add_property("DTEND", utc(end));
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// At most this many characters of a text go into a calendar: an event shows a few
/// lines, and the icalendar crate folds long lines in quadratic time (a 1 MB summary
/// would take minutes).
const TEXT_LIMIT: usize = 4000;

fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(TEXT_LIMIT) {
        Some((end, _)) => format!("{}…", &text[..end]).into(),
        None => text.into(),
    }
}

fn utc(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_stable_and_escaped() {
        let at: jiff::Timestamp = "2026-11-21T01:00:00Z".parse().unwrap();
        let events = || {
            vec![CalendarEvent {
                uid: "payments-4-2.customers@x.example".into(),
                summary: "Payments 4.2, live; really".into(),
                description: "Line one\nLine two".into(),
                url: "https://x.example/releases/payments-4-2/customers/".into(),
                start: at,
                end: None,
                stamp: at,
                category: "Go-live",
            }]
        };
        let ics = calendar("Acme — Customers", "Releases", &events());
        assert_eq!(ics, calendar("Acme — Customers", "Releases", &events()), "no clock, no random UID");
        assert!(ics.contains("UID:payments-4-2.customers@x.example\r\n"), "{ics}");
        assert!(ics.contains("DTSTAMP:20261121T010000Z\r\n"));
        assert!(ics.contains("SUMMARY:Payments 4.2\\, live\\; really\r\n"), "{ics}");
        assert!(ics.contains("DESCRIPTION:Line one\\nLine two\r\n"), "{ics}");
    }
}
