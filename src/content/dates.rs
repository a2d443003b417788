//! The three date forms of SPEC §4: RFC 3339 with an offset, a local date-time in the
//! site's time zone, or a plain date (midnight in the site's time zone). A local time
//! that daylight saving time skips or repeats is read as jiff's "compatible" rule does
//! (as RFC 5545 and most calendars do), and said, so that the author can write it out.

use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::Timestamp;

/// A date as read, and what the author should know about how it was read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parsed {
    pub at: Timestamp,
    /// A local time in a daylight-saving gap or fold: which instant it became, and how
    /// to write it without ambiguity.
    pub note: Option<Note>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Note {
    /// `nonexistent-time` (skipped when the clocks go forward) or `ambiguous-time`
    /// (repeated when they go back).
    pub code: &'static str,
    pub message: String,
}

pub(crate) fn parse(text: &str, tz: &TimeZone) -> Result<Parsed, String> {
    let text = text.trim();
    let exact = |at| Ok(Parsed { at, note: None });
    let looks_like_date = text.len() >= 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    if looks_like_date {
        if let Ok(ts) = text.parse::<Timestamp>() {
            return exact(ts);
        }
        // "2026-11-20 18:00:00" is common in YAML; accept a space for the `T`.
        let normalized = if text.len() > 10 && text.as_bytes()[10] == b' ' {
            format!("{}T{}", &text[..10], &text[11..])
        } else {
            text.to_string()
        };
        if let Ok(ts) = normalized.parse::<Timestamp>() {
            return exact(ts);
        }
        if let Ok(dt) = normalized.parse::<DateTime>() {
            if let Some(parsed) = local(text, dt, tz) {
                return Ok(parsed);
            }
        }
        if text.len() == 10 {
            if let Ok(date) = text.parse::<Date>() {
                if let Some(parsed) = local(text, date.to_datetime(jiff::civil::Time::midnight()), tz) {
                    return Ok(parsed);
                }
            }
        }
    }
    Err(format!(
        "`{text}` is not a date; write `2026-11-20T18:00:00Z` (UTC), `2026-11-20T19:00:00+01:00`, `2026-11-20T18:00:00` (in the site's time zone) or `2026-11-20`"
    ))
}

/// A local date-time in the site's time zone.
fn local(text: &str, dt: DateTime, tz: &TimeZone) -> Option<Parsed> {
    let ambiguous = tz.to_ambiguous_zoned(dt);
    let offset = ambiguous.offset();
    let at = ambiguous.compatible().ok()?.timestamp();
    let zone = tz.iana_name().unwrap_or("the site's time zone");
    let written = |offset: Offset| at_offset(dt, offset);
    let note = match offset {
        AmbiguousOffset::Unambiguous { .. } => None,
        AmbiguousOffset::Gap { before, after } => Some(Note {
            code: "nonexistent-time",
            message: format!(
                "`{text}` does not exist in {zone}: the clocks skip it, going forward from {} to {}; it was read as `{}`, the same instant as `{}`. Write that, or another time, with its offset",
                offset_text(before),
                offset_text(after),
                at_offset(at.to_zoned(tz.clone()).datetime(), after),
                written(before),
            ),
        }),
        AmbiguousOffset::Fold { before, after } => Some(Note {
            code: "ambiguous-time",
            message: format!(
                "`{text}` happens twice in {zone}: the clocks go back from {} to {}; it was read as the first, `{}`. Write `{}` or `{}` to say which",
                offset_text(before),
                offset_text(after),
                written(before),
                written(before),
                written(after),
            ),
        }),
    };
    Some(Parsed { at, note })
}

/// `2026-03-29T02:30:00+01:00`: a civil time with the offset that makes it one instant.
fn at_offset(dt: DateTime, offset: Offset) -> String {
    format!("{}{}", dt.strftime("%Y-%m-%dT%H:%M:%S"), offset_text(offset))
}

/// `+01:00`, as RFC 3339 writes an offset.
fn offset_text(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let cases = [
            ("2026-11-20T18:00:00Z", "2026-11-20T18:00:00Z"),
            ("2026-11-21T09:00:00+01:00", "2026-11-21T08:00:00Z"),
            ("2026-11-20T18:00:00", "2026-11-20T17:00:00Z"),
            ("2026-11-20 18:00:00", "2026-11-20T17:00:00Z"),
            ("2026-07-01", "2026-06-30T22:00:00Z"),
        ];
        for (input, expected) in cases {
            let parsed = parse(input, &paris).unwrap();
            assert_eq!((parsed.at.to_string(), parsed.note), (expected.to_string(), None), "{input}");
        }
    }

    #[test]
    fn rejects_other_forms_with_examples() {
        for bad in ["20/11/2026", "2026-13-01", "tomorrow", "", "2026-11-20T25:00:00Z"] {
            let err = parse(bad, &TimeZone::UTC).unwrap_err();
            assert!(err.contains("2026-11-20T18:00:00Z"), "{bad}: {err}");
        }
    }

    #[test]
    fn local_times_that_daylight_saving_skips_or_repeats_are_read_and_said() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        // Skipped: 02:00 became 03:00 on 2026-03-29.
        let gap = parse("2026-03-29T02:30:00", &paris).unwrap();
        assert_eq!(gap.at.to_string(), "2026-03-29T01:30:00Z");
        let note = gap.note.unwrap();
        assert_eq!(note.code, "nonexistent-time");
        assert_eq!(
            note.message,
            "`2026-03-29T02:30:00` does not exist in Europe/Paris: the clocks skip it, going forward from +01:00 to +02:00; it was read as `2026-03-29T03:30:00+02:00`, the same instant as `2026-03-29T02:30:00+01:00`. Write that, or another time, with its offset"
        );
        // Repeated: 03:00 became 02:00 on 2026-10-25.
        let fold = parse("2026-10-25 02:30:00", &paris).unwrap();
        assert_eq!(fold.at.to_string(), "2026-10-25T00:30:00Z");
        let note = fold.note.unwrap();
        assert_eq!(note.code, "ambiguous-time");
        assert!(note.message.contains("happens twice in Europe/Paris"), "{}", note.message);
        // Either spelling the message offers is read as itself, without a note.
        for written in ["2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "2026-03-29T03:30:00+02:00"] {
            assert_eq!(parse(written, &paris).unwrap().note, None, "{written}");
        }
        // A plain date whose midnight is skipped (Santiago went forward at midnight).
        let santiago = TimeZone::get("America/Santiago").unwrap();
        let midnight = parse("2026-09-06", &santiago).unwrap();
        assert_eq!(midnight.note.map(|n| n.code), Some("nonexistent-time"));
        // UTC has neither.
        assert_eq!(parse("2026-03-29T02:30:00", &TimeZone::UTC).unwrap().note, None);
    }
}
