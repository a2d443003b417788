//! "Now": the moment a build, a review or a preview selects against (SPEC §5). Fixed by
//! `--now` or `SOURCE_DATE_EPOCH` for reproducible builds, else the clock.

/// "Now" for selection: `--now`, else `SOURCE_DATE_EPOCH`, else the clock.
pub(crate) fn now(flag: Option<&str>) -> Result<jiff::Timestamp, String> {
    if let Some(text) = flag {
        return text
            .parse()
            .map_err(|_| format!("--now `{text}` is not an RFC 3339 date-time; write it like `2026-11-21T09:00:00Z`"));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let seconds: i64 = epoch.trim().parse().map_err(|_| {
            format!("SOURCE_DATE_EPOCH `{epoch}` must be whole seconds since 1970, such as `1795000000`")
        })?;
        return jiff::Timestamp::from_second(seconds).map_err(|e| format!("SOURCE_DATE_EPOCH `{epoch}`: {e}"));
    }
    Ok(jiff::Timestamp::now())
}
