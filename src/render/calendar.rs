//! A group's calendar (RFC 5545, icalendar crate): an event at each communique's
//! go-live, one per maintenance or availability window that concerns the group, and one
//! per action deadline of the group, with a reminder a week before (SPEC §11).
//! UIDs come from the release and group, so calendar apps update events in place;
//! DTSTAMP comes from the release, never the clock, so the same input gives the same file.

use icalendar::{Alarm, Calendar, Component, Event, EventLike, Property, Related, Trigger};

pub(crate) struct CalendarEvent {
    pub uid: String,
    pub summary: String,
    pub description: String,
    pub url: String,
    pub start: jiff::Timestamp,
    /// None: a go-live, shown as a moment (no duration).
    pub end: Option<jiff::Timestamp>,
    /// When this event was last stated: the release's publish date.
    pub stamp: jiff::Timestamp,
    pub category: String,
    /// A reminder a week before the start, with this text (deadlines have one).
    pub reminder: Option<String>,
}

/// A calendar of events written by [`event`], in order. Events are written one by one
/// so that the preview server can keep each release's and make again only those of the
/// release an edit touched.
pub(crate) fn calendar(name: &str, description: &str, events: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let mut calendar = Calendar::empty();
    calendar.append_property(("VERSION", "2.0"));
    calendar
        .append_property(("PRODID", format!("-//communique//communique {}//EN", env!("CARGO_PKG_VERSION")).as_str()));
    calendar.append_property(("CALSCALE", "GREGORIAN"));
    calendar.append_property(("METHOD", "PUBLISH"));
    // The icalendar crate writes these two (and their X-WR- twins) unescaped: one line.
    calendar.name(&one_line(name));
    calendar.description(&one_line(description));
    // The crate writes the calendar's properties, its components, then this line.
    const END: &str = "END:VCALENDAR\r\n";
    let mut out = calendar.done().to_string();
    out.truncate(out.strip_suffix(END).expect("a calendar ends with END:VCALENDAR").len());
    for event in events {
        out.push_str(event.as_ref());
    }
    out.push_str(END);
    out
}

/// One event's lines, `BEGIN:VEVENT` to `END:VEVENT`.
pub(crate) fn event(e: &CalendarEvent) -> String {
    let mut event = Event::new();
    event
        .uid(&e.uid)
        .add_property("DTSTAMP", utc(e.stamp))
        .add_property("DTSTART", utc(e.start))
        .add_property("SEQUENCE", "0")
        .add_property("CATEGORIES", &e.category)
        .summary(&text(&e.summary))
        .description(&text(&e.description))
        .url(&e.url);
    // RFC 5545 §3.8.2.2: DTEND must be later than DTSTART; without one, the event is
    // the moment DTSTART (§3.6.1), which is what a go-live is.
    if let Some(end) = e.end {
        event.add_property("DTEND", utc(end));
    }
    if let Some(reminder) = &e.reminder {
        // The crate writes a DTSTAMP (the clock) and a UID (random) in every component it
        // is not given: give the alarm the event's, so the same input gives the same file.
        let mut alarm = Alarm::display(&text(reminder), week_before());
        alarm.add_property("DTSTAMP", utc(e.stamp)).uid(&format!("reminder.{}", e.uid));
        event.alarm(alarm);
    }
    let mut out = String::new();
    event.done().fmt_write(&mut out).expect("writing to a String cannot fail");
    out
}

/// A trigger seven days before the event starts (`TRIGGER;RELATED=START:-P7D`). The
/// crate reads only durations ahead from text, so the week is read and then negated.
fn week_before() -> Trigger {
    match Trigger::try_from(&Property::new("TRIGGER", "P7D")) {
        Ok(Trigger::Duration(week, _)) => Trigger::Duration(-week, Some(Related::Start)),
        other => unreachable!("icalendar reads P7D as a duration: {other:?}"),
    }
}

/// At most this many characters of a text go into a calendar: an event shows a few
/// lines, and the icalendar crate folds long lines in quadratic time (a 1 MB summary
/// would take minutes).
const TEXT_LIMIT: usize = 4000;

/// A TEXT value as RFC 5545 allows it: line breaks as `\n` (the crate escapes `\n`
/// only, so a `\r` would end the line and start a property of the author's making), no
/// other control characters, and not too long.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len().min(TEXT_LIMIT + 1));
    // Most texts have no `\r` to turn into `\n`: copy those only once.
    let value: std::borrow::Cow<str> =
        if value.contains('\r') { value.replace("\r\n", "\n").replace('\r', "\n").into() } else { value.into() };
    for (i, c) in value.chars().enumerate() {
        if i == TEXT_LIMIT {
            out.push('…');
            break;
        }
        if !c.is_control() || matches!(c, '\n' | '\t') {
            out.push(c);
        }
    }
    out
}

/// A value the crate writes as it is: every control character, line breaks included,
/// becomes a space.
fn one_line(value: &str) -> String {
    text(value).chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
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
                category: "Go-live".into(),
                reminder: None,
            }]
        };
        let ics = calendar("Acme — Customers", "Releases", events().iter().map(event));
        assert_eq!(
            ics,
            calendar("Acme — Customers", "Releases", events().iter().map(event)),
            "no clock, no random UID"
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{ics}");
        assert!(ics.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"), "{ics}");
        assert!(ics.contains("UID:payments-4-2.customers@x.example\r\n"), "{ics}");
        assert!(ics.contains("DTSTAMP:20261121T010000Z\r\n"));
        assert!(ics.contains("SUMMARY:Payments 4.2\\, live\\; really\r\n"), "{ics}");
        assert!(ics.contains("DESCRIPTION:Line one\\nLine two\r\n"), "{ics}");
    }

    #[test]
    fn no_text_can_start_a_line_of_its_own() {
        let at: jiff::Timestamp = "2026-11-21T01:00:00Z".parse().unwrap();
        let evil = "x\r\nX-EVIL:1\rX-EVIL:2\nX-EVIL:3\u{0}\u{1b}";
        let evil_event = CalendarEvent {
            uid: "u@x.example".into(),
            summary: evil.into(),
            description: evil.repeat(1000),
            url: "https://x.example/".into(),
            start: at,
            end: None,
            stamp: at,
            category: "Go-live".into(),
            reminder: Some(evil.into()),
        };
        let ics = calendar(evil, evil, [event(&evil_event)]);
        for line in ics.split("\r\n") {
            assert!(!line.starts_with("X-EVIL") && !line.contains('\r'), "{line:?}");
            assert!(!line.contains(['\u{0}', '\u{1b}']), "{line:?}");
        }
        assert!(ics.contains("SUMMARY:x\\nX-EVIL:1\\nX-EVIL:2\\nX-EVIL:3\r\n"), "{ics}");
        assert!(ics.contains("X-WR-CALNAME:x X-EVIL:1 X-EVIL:2 X-EVIL:3\r\n"), "{ics}");
        assert!(ics.contains("BEGIN:VALARM\r\n"), "{ics}");
    }

    #[test]
    fn a_deadline_reminds_a_week_before() {
        let at: jiff::Timestamp = "2026-11-11T00:00:00Z".parse().unwrap();
        let deadline = CalendarEvent {
            uid: "p/action-1/customers@x.example".into(),
            summary: "Due: map the column".into(),
            description: "Map the column.".into(),
            url: "https://x.example/".into(),
            start: at,
            end: None,
            stamp: at,
            category: "Deadline".into(),
            reminder: Some("Due in a week: map the column".into()),
        };
        let ics = calendar("Acme", "Releases", [event(&deadline)]);
        assert_eq!(ics, calendar("Acme", "Releases", [event(&deadline)]), "no clock, no random UID");
        let alarm = &ics[ics.find("BEGIN:VALARM").expect(&ics)..ics.find("END:VALARM").expect(&ics)];
        assert!(alarm.contains("ACTION:DISPLAY\r\n"), "{alarm}");
        // Seven days of seconds: RFC 5545 reads it as -P7D.
        assert!(alarm.contains("TRIGGER;RELATED=START:-PT604800S\r\n"), "{alarm}");
        assert!(alarm.contains("DESCRIPTION:Due in a week: map the column\r\n"), "{alarm}");
    }
}
