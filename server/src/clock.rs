//! Wall-clock timestamps as the API writes them.

use time::OffsetDateTime;

/// Now, e.g. `2026-11-28T16:06:48.123Z` (UTC, millisecond precision).
pub(crate) fn now_text() -> String {
    rfc3339_millis(OffsetDateTime::now_utc())
}

pub(crate) fn rfc3339_millis(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_with_millis_and_zulu() {
        let t = time::OffsetDateTime::from_unix_timestamp_nanos(1_795_881_208_123_456_789).unwrap();
        assert_eq!(super::rfc3339_millis(t), "2026-11-28T15:53:28.123Z");
    }
}
