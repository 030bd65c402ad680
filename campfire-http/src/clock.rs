//! The one way times are written on the wire; the clock itself is read in
//! `campfire_store::app` (the use cases' `Clock`, or its `now` at the edges).

use campfire_domain::Timestamp;

pub use campfire_store::app::now;

/// RFC 3339 in UTC with milliseconds: `2026-11-25T18:40:00.123Z`.
pub fn rfc3339(at: Timestamp) -> String {
    let nanos = i128::from(at.0) * 1_000_000;
    match time::OffsetDateTime::from_unix_timestamp_nanos(nanos) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        ),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_with_milliseconds() {
        assert_eq!(rfc3339(Timestamp(0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339(Timestamp(1_795_632_000_123)),
            "2026-11-25T18:40:00.123Z"
        );
    }
}
