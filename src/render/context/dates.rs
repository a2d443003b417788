//! Dates as templates see them: ISO for machines, the site's format for people.

use crate::config::SiteConfig;
use jiff::Timestamp;
use serde::Serialize;

#[derive(Serialize, Clone)]
pub(crate) struct DateView {
    pub iso: String,
    pub date: String,
    pub datetime: String,
}

pub(crate) fn date_view(ts: Timestamp, config: &SiteConfig) -> DateView {
    let info = config.tz.to_offset_info(ts);
    let utc = jiff::tz::Offset::UTC.to_datetime(ts);
    let local = info.offset().to_datetime(ts);
    if !(four_digit_year(utc) && four_digit_year(local)) {
        return date_view_strftime(ts, config);
    }
    // The same text as `%Y-%m-%dT%H:%M:%SZ`, `%-d %B %Y` and `%-d %B %Y, %H:%M %Z`,
    // written without strftime: every card shows dates, and strftime costs more.
    let mut iso = String::with_capacity(20);
    push_number(&mut iso, utc.year().into(), 4);
    for (separator, n) in [('-', utc.month()), ('-', utc.day()), ('T', utc.hour()), (':', utc.minute())] {
        iso.push(separator);
        push_number(&mut iso, n.into(), 2);
    }
    iso.push(':');
    push_number(&mut iso, utc.second().into(), 2);
    iso.push('Z');
    let mut date = String::with_capacity(20);
    push_number(&mut date, local.day().into(), 1);
    let month = usize::from(local.month().unsigned_abs()) - 1;
    match &config.date_words {
        None => {
            date.push(' ');
            date.push_str(MONTHS[month]);
        }
        Some(words) => {
            date.push_str(&words.day_suffix);
            date.push(' ');
            date.push_str(&words.months[month]);
        }
    }
    date.push(' ');
    push_number(&mut date, local.year().into(), 4);
    let mut datetime = String::with_capacity(date.len() + 12);
    datetime.push_str(&date);
    datetime.push_str(", ");
    push_number(&mut datetime, local.hour().into(), 2);
    datetime.push(':');
    push_number(&mut datetime, local.minute().into(), 2);
    datetime.push(' ');
    // `%Z` prints the abbreviation in capitals.
    datetime.extend(info.abbreviation().chars().map(|c| c.to_ascii_uppercase()));
    DateView { iso, date, datetime }
}

/// The dates strftime writes in a way of its own (years before 1000 or after 9999).
fn date_view_strftime(ts: Timestamp, config: &SiteConfig) -> DateView {
    let zoned = ts.to_zoned(config.tz.clone());
    DateView {
        iso: ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        date: zoned.strftime("%-d %B %Y").to_string(),
        datetime: zoned.strftime("%-d %B %Y, %H:%M %Z").to_string(),
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn four_digit_year(dt: jiff::civil::DateTime) -> bool {
    (1000..=9999).contains(&dt.year())
}

/// Appends `n` (never negative here: years from 1000, months, days, hours…),
/// zero-padded to `width` digits.
fn push_number(out: &mut String, n: i32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut len = 0;
    let mut rest = n.unsigned_abs();
    while rest > 0 || len == 0 {
        digits[len] = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
    }
    for _ in len..width {
        out.push('0');
    }
    out.extend(digits[..len].iter().rev().map(|d| char::from(*d)));
}
