//! The three date forms of SPEC §4: RFC 3339 with an offset, a local date-time in the
//! site's time zone, or a plain date (midnight in the site's time zone).

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

pub fn parse(text: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    let text = text.trim();
    let looks_like_date = text.len() >= 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    if looks_like_date {
        if let Ok(ts) = text.parse::<Timestamp>() {
            return Ok(ts);
        }
        // "2026-11-20 18:00:00" is common in YAML; accept a space for the `T`.
        let normalized = if text.len() > 10 && text.as_bytes()[10] == b' ' {
            format!("{}T{}", &text[..10], &text[11..])
        } else {
            text.to_string()
        };
        if let Ok(ts) = normalized.parse::<Timestamp>() {
            return Ok(ts);
        }
        if let Ok(dt) = normalized.parse::<DateTime>() {
            if let Ok(zoned) = dt.to_zoned(tz.clone()) {
                return Ok(zoned.timestamp());
            }
        }
        if text.len() == 10 {
            if let Ok(date) = text.parse::<Date>() {
                if let Ok(zoned) = date.to_zoned(tz.clone()) {
                    return Ok(zoned.timestamp());
                }
            }
        }
    }
    Err(format!(
        "`{text}` is not a date; write `2026-11-20T18:00:00Z` (UTC), `2026-11-20T19:00:00+01:00`, `2026-11-20T18:00:00` (in the site's time zone) or `2026-11-20`"
    ))
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
            assert_eq!(parse(input, &paris).unwrap().to_string(), expected, "{input}");
        }
    }

    #[test]
    fn rejects_other_forms_with_examples() {
        for bad in ["20/11/2026", "2026-13-01", "tomorrow", "", "2026-11-20T25:00:00Z"] {
            let err = parse(bad, &TimeZone::UTC).unwrap_err();
            assert!(err.contains("2026-11-20T18:00:00Z"), "{bad}: {err}");
        }
    }
}
