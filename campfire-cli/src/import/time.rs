//! ONCE Campfire's times: UTC text `YYYY-MM-DD HH:MM:SS.ffffff`, the fraction left out when
//! zero (once-campfire.md, "Times"), read into our milliseconds since the epoch.

use campfire_domain::Timestamp;

/// A stored time, or `None` if it is not one.
pub fn parse(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    let (date, rest) = text.split_once([' ', 'T'])?;
    let mut date = date.split('-');
    let year: i64 = number(date.next()?, 4)?;
    let month: i64 = number(date.next()?, 2)?;
    let day: i64 = number(date.next()?, 2)?;
    if date.next().is_some() {
        return None;
    }
    let rest = rest.trim_end_matches('Z').trim_end_matches(" UTC");
    let (clock, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    let mut clock = clock.split(':');
    let hour: i64 = number(clock.next()?, 2)?;
    let minute: i64 = number(clock.next()?, 2)?;
    let second: i64 = number(clock.next()?, 2)?;
    if clock.next().is_some()
        || !(1..=12).contains(&month)
        || !(1..=days_in(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
        || fraction.len() > 9
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let millis: i64 = format!("{fraction:0<3}").get(..3)?.parse().ok()?;
    let days = days_from_civil(year, month, day);
    Some(Timestamp(
        ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis,
    ))
}

/// Exactly `width` ASCII digits.
fn number(text: &str, width: usize) -> Option<i64> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn days_in(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_stored_forms() {
        assert_eq!(parse("1970-01-01 00:00:00"), Some(Timestamp(0)));
        assert_eq!(
            parse("2025-12-12 15:43:40.123456"),
            Some(Timestamp(1_765_554_220_123))
        );
        assert_eq!(
            parse("2024-02-29 23:59:59.5"),
            Some(Timestamp(1_709_251_199_500))
        );
        assert_eq!(
            parse("2025-12-12T15:43:40Z"),
            Some(Timestamp(1_765_554_220_000))
        );
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for bad in [
            "",
            "yesterday",
            "2025-13-01 00:00:00",
            "2025-02-29 00:00:00",
            "2025-01-01 24:00:00",
            "2025-01-01 00:00:00.12a",
            "25-01-01 00:00:00",
            "2025-01-01",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    proptest! {
        // Fuzzing the import's time parser (battery item 4).
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2_000)
        ))]
        #[test]
        fn any_text_is_answered(text in ".{0,40}") {
            let _ = parse(&text);
        }

        #[test]
        fn written_times_read_back(
            year in 1970_i64..2200, month in 1_i64..=12, day in 1_i64..=28,
            hour in 0_i64..24, minute in 0_i64..60, second in 0_i64..60, micros in 0_i64..1_000_000,
        ) {
            let text = format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}.{micros:06}");
            let whole = parse(&format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")).unwrap();
            prop_assert_eq!(parse(&text), Some(Timestamp(whole.0 + micros / 1000)));
            let next_day = days_from_civil(year, month, day) + 1;
            prop_assert!(whole.0 < next_day * 86_400_000);
        }
    }
}
