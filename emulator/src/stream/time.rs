//! Dates as the API writes them (`2024-05-01T12:00:00Z`, UTC, to the second) and reads them in
//! `start`/`end` (any RFC 3339 date-time, offsets included).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jiff::Timestamp;

/// Seconds since the Unix epoch (0 for a clock set before it).
pub(crate) fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |elapsed| {
        i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
    })
}

/// `time` as RFC 3339 in UTC, to the second.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    format_seconds(unix_seconds(time))
}

/// `time` plus `delta`, as RFC 3339.
pub(crate) fn rfc3339_after(time: SystemTime, delta: Duration) -> String {
    rfc3339(time + delta)
}

fn format_seconds(seconds: i64) -> String {
    // Seconds outside what a timestamp holds (years beyond 9999) cannot come from a clock.
    Timestamp::from_second(seconds)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Reads an RFC 3339 date-time (`2014-01-02T02:20:00Z`, `...T02:20:00.5+01:00`) as Unix
/// seconds; `None` if it is not one.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    text.parse::<Timestamp>().ok().map(|t| t.as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_and_read_back() {
        assert_eq!(format_seconds(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_seconds(1_388_629_200), "2014-01-02T02:20:00Z");
        assert_eq!(parse_rfc3339("2014-01-02T02:20:00Z"), Some(1_388_629_200));
        assert_eq!(
            parse_rfc3339("2014-01-02T03:20:00.25+01:00"),
            Some(1_388_629_200)
        );
        assert_eq!(format_seconds(951_782_400), "2000-02-29T00:00:00Z");
        for bad in [
            "",
            "2014-01-02",
            "2014-13-02T02:20:00Z",
            "2014-01-02T02:20:00",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
