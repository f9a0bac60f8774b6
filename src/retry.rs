//! The retry policy: when a failed attempt is tried again, and how long to wait first. The
//! loop that applies it (attempts, their spans, the sleeps) is `request/send.rs`.
//!
//! The rules are those of Cloudflare's official SDKs: connection failures,
//! timeouts, 408, 409, 429 and 5xx are retried (twice by default), unless the
//! server says otherwise with `x-should-retry`; the wait is the server's
//! `retry-after-ms` or `Retry-After` when that is a sensible delay, else an
//! exponential backoff with jitter. The rules are pure (the clock and the
//! random jitter are parameters), so they are tested without sleeping;
//! [`RetryPolicy::delay`] applies them with the current time and fresh jitter.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};

use crate::Error;

/// Retries after the first attempt, unless the client or request says otherwise.
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 2;

/// Backoff before the first retry; it doubles for each one after.
pub(crate) const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);

/// The backoff never grows beyond this.
pub(crate) const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(8);

/// The longest delay a server may ask for. Beyond it, the request is more
/// likely a misreading (a body-only hint, a date in another time zone) than a
/// wait the caller wants, so the backoff applies instead.
const MAX_SERVER_DELAY: Duration = Duration::from_secs(60);

/// Jitter takes up to this share, in thousandths, off each backoff.
const MAX_JITTER_PER_MILLE: u32 = 250;

/// The delay a server asks for, in milliseconds (may be fractional).
const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");

/// `true` or `false`: the server's own verdict on retrying, which wins over
/// the status.
const X_SHOULD_RETRY: HeaderName = HeaderName::from_static("x-should-retry");

/// How many times a call is retried, and the backoff between attempts: the client's
/// settings, unless the request overrides the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt; `0` makes a single attempt.
    pub(crate) max_retries: u32,
    pub(crate) backoff: Backoff,
}

/// What an attempt gave, as far as the policy looks at it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// A response arrived, whatever its status.
    Response {
        status: StatusCode,
        headers: &'a HeaderMap,
    },
    /// No response, or a request that could not be sent.
    Failed(&'a Error),
}

impl RetryPolicy {
    /// The wait before trying again after attempt number `retry` (0 for the first attempt)
    /// ended in `outcome`, or `None` when the outcome is final: a success, a failure not worth
    /// another attempt, or no retries left.
    pub(crate) fn delay(&self, retry: u32, outcome: Outcome<'_>) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        match outcome {
            Outcome::Response { status, .. } if status.is_success() => None,
            Outcome::Response { status, headers } => should_retry(status, headers).then(|| {
                server_delay(headers, SystemTime::now())
                    .unwrap_or_else(|| self.backoff.jittered_delay(retry))
            }),
            Outcome::Failed(error) => {
                is_transient(error).then(|| self.backoff.jittered_delay(retry))
            }
        }
    }
}

/// Whether a failure to get a response is one another attempt may fix: a connection failure
/// or a timeout (not a request refused before sending).
fn is_transient(error: &Error) -> bool {
    matches!(error, Error::Connection { .. } | Error::Timeout { .. })
}

/// Exponential backoff: `initial`, doubling per retry, capped at `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Backoff {
    pub(crate) initial: Duration,
    pub(crate) max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: DEFAULT_INITIAL_BACKOFF,
            max: DEFAULT_MAX_BACKOFF,
        }
    }
}

impl Backoff {
    /// The wait before retry number `retry` (0 for the first retry), less
    /// `jitter_per_mille` thousandths (clamped to a quarter) so that clients
    /// which failed together do not all come back at the same instant.
    pub(crate) fn delay(&self, retry: u32, jitter_per_mille: u32) -> Duration {
        let factor = 2_u32.checked_pow(retry).unwrap_or(u32::MAX);
        let delay = self
            .initial
            .checked_mul(factor)
            .unwrap_or(self.max)
            .min(self.max);
        let keep = 1000 - jitter_per_mille.min(MAX_JITTER_PER_MILLE);
        delay.saturating_mul(keep) / 1000
    }

    /// [`delay`](Self::delay) with fresh random jitter.
    pub(crate) fn jittered_delay(&self, retry: u32) -> Duration {
        self.delay(retry, fastrand::u32(0..=MAX_JITTER_PER_MILLE))
    }
}

/// Whether a non-2xx response is worth another attempt: the server's
/// `x-should-retry: true|false` first, then the status.
pub(crate) fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    let verdict = headers
        .get(X_SHOULD_RETRY)
        .and_then(|value| value.to_str().ok())
        .map(str::trim);
    match verdict {
        Some(value) if value.eq_ignore_ascii_case("true") => true,
        Some(value) if value.eq_ignore_ascii_case("false") => false,
        _ => {
            matches!(
                status,
                StatusCode::REQUEST_TIMEOUT | StatusCode::CONFLICT | StatusCode::TOO_MANY_REQUESTS
            ) || status.is_server_error()
        }
    }
}

/// The delay the server asked for, if it is one to honour: `retry-after-ms`,
/// else `Retry-After` (seconds, or an HTTP date compared with `now`).
///
/// Zero, negative, past, unparsable or longer than a minute gives `None`, and
/// the caller falls back to the backoff: some 429s say `Retry-After: 0` and
/// put the real delay in the body, and retrying at once would only spin.
pub(crate) fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &HeaderName| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
    };
    let from_millis = text(&RETRY_AFTER_MS)
        .and_then(|millis| seconds(millis, 1000.0))
        .filter(|delay| !delay.is_zero());
    let requested = match from_millis {
        Some(delay) => delay,
        None => {
            let retry_after = text(&RETRY_AFTER)?;
            match seconds(retry_after, 1.0) {
                Some(delay) => delay,
                None => httpdate::parse_http_date(retry_after)
                    .ok()?
                    .duration_since(now)
                    .ok()?,
            }
        }
    };
    (!requested.is_zero() && requested <= MAX_SERVER_DELAY).then_some(requested)
}

/// `text` as a non-negative number of `1 / per_second` seconds.
fn seconds(text: &str, per_second: f64) -> Option<Duration> {
    let number: f64 = text.parse().ok()?;
    Duration::try_from_secs_f64(number / per_second).ok()
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[test]
    fn backoff_doubles_from_half_a_second_up_to_eight() {
        let backoff = Backoff::default();
        let delays: Vec<Duration> = (0..7).map(|retry| backoff.delay(retry, 0)).collect();
        assert_eq!(
            delays,
            [
                ms(500),
                ms(1000),
                ms(2000),
                ms(4000),
                ms(8000),
                ms(8000),
                ms(8000)
            ]
        );
        // Huge retry numbers saturate instead of overflowing.
        assert_eq!(backoff.delay(40, 0), ms(8000));
        assert_eq!(backoff.delay(u32::MAX, 0), ms(8000));
    }

    #[test]
    fn jitter_takes_off_at_most_a_quarter() {
        let backoff = Backoff::default();
        assert_eq!(backoff.delay(0, 250), ms(375));
        assert_eq!(backoff.delay(0, 1000), ms(375));
        assert_eq!(backoff.delay(4, 100), ms(7200));
        for retry in 0..6 {
            let full = backoff.delay(retry, 0);
            for _ in 0..50 {
                let jittered = backoff.jittered_delay(retry);
                assert!(jittered <= full && jittered >= full * 3 / 4, "{jittered:?}");
            }
        }
    }

    #[test]
    fn backoff_is_configurable() {
        let backoff = Backoff {
            initial: ms(2),
            max: ms(5),
        };
        assert_eq!(backoff.delay(0, 0), ms(2));
        assert_eq!(backoff.delay(1, 0), ms(4));
        assert_eq!(backoff.delay(2, 0), ms(5));
        let zero = Backoff {
            initial: Duration::ZERO,
            max: Duration::ZERO,
        };
        assert_eq!(zero.delay(3, 100), Duration::ZERO);
    }

    #[test]
    fn the_policy_retries_failures_worth_it_until_the_budget_is_spent() {
        let policy = RetryPolicy {
            max_retries: 2,
            backoff: Backoff {
                initial: ms(100),
                max: ms(150),
            },
        };
        let none = HeaderMap::new();
        let response = |status: u16, headers| Outcome::Response {
            status: StatusCode::from_u16(status).unwrap_or_default(),
            headers,
        };
        let backoff = |delay: Option<Duration>, full: Duration| {
            delay.is_some_and(|delay| delay <= full && delay >= full * 3 / 4)
        };
        assert!(backoff(policy.delay(0, response(503, &none)), ms(100)));
        assert!(backoff(policy.delay(1, response(429, &none)), ms(150)));
        // No retries left, a success, or a final status.
        assert_eq!(policy.delay(2, response(503, &none)), None);
        assert_eq!(policy.delay(0, response(200, &none)), None);
        assert_eq!(policy.delay(0, response(404, &none)), None);
        // The server's delay wins over the backoff.
        let asked = headers(&[("retry-after-ms", "7")]);
        assert_eq!(policy.delay(0, response(503, &asked)), Some(ms(7)));
        // Only a transport failure is retried, not a request refused before sending.
        let refused = Error::InvalidRequest {
            operation: "op",
            message: "bad".to_owned(),
        };
        assert_eq!(policy.delay(0, Outcome::Failed(&refused)), None);
        let decode = Error::Decode {
            operation: "op",
            status: StatusCode::OK,
            message: "bad".to_owned(),
            body_snippet: String::new(),
        };
        assert_eq!(policy.delay(0, Outcome::Failed(&decode)), None);
    }

    #[test]
    fn retried_statuses() {
        let none = HeaderMap::new();
        for status in [408, 409, 429, 500, 502, 503, 504, 599] {
            let status = StatusCode::from_u16(status).unwrap_or_default();
            assert!(should_retry(status, &none), "{status}");
        }
        for status in [400, 401, 403, 404, 405, 410, 422, 451] {
            let status = StatusCode::from_u16(status).unwrap_or_default();
            assert!(!should_retry(status, &none), "{status}");
        }
    }

    #[test]
    fn x_should_retry_overrides_the_status() {
        let yes = headers(&[("x-should-retry", "true")]);
        let no = headers(&[("x-should-retry", " FALSE ")]);
        let junk = headers(&[("x-should-retry", "maybe")]);
        assert!(should_retry(StatusCode::BAD_REQUEST, &yes));
        assert!(!should_retry(StatusCode::SERVICE_UNAVAILABLE, &no));
        assert!(!should_retry(StatusCode::TOO_MANY_REQUESTS, &no));
        assert!(should_retry(StatusCode::SERVICE_UNAVAILABLE, &junk));
        assert!(!should_retry(StatusCode::BAD_REQUEST, &junk));
    }

    #[test]
    fn server_delays_in_seconds_and_milliseconds() {
        let now = SystemTime::now();
        let delay = |pairs| server_delay(&headers(pairs), now);
        assert_eq!(delay(&[("retry-after", "3")]), Some(ms(3000)));
        assert_eq!(delay(&[("retry-after", " 1.5 ")]), Some(ms(1500)));
        assert_eq!(delay(&[("retry-after", "60")]), Some(ms(60_000)));
        assert_eq!(delay(&[("retry-after-ms", "250")]), Some(ms(250)));
        assert_eq!(
            delay(&[("retry-after-ms", "0.5")]),
            Some(Duration::from_micros(500))
        );
        // Milliseconds win; a zero or unreadable one defers to `Retry-After`.
        assert_eq!(
            delay(&[("retry-after-ms", "20"), ("retry-after", "5")]),
            Some(ms(20))
        );
        assert_eq!(
            delay(&[("retry-after-ms", "0"), ("retry-after", "5")]),
            Some(ms(5000))
        );
        assert_eq!(
            delay(&[("retry-after-ms", "soon"), ("retry-after", "5")]),
            Some(ms(5000))
        );
        assert_eq!(delay(&[]), None);
    }

    #[test]
    fn zero_negative_absurd_or_garbage_delays_are_ignored() {
        let now = SystemTime::now();
        for pairs in [
            &[("retry-after", "0")][..],
            &[("retry-after", "0.0")],
            &[("retry-after", "-1")],
            &[("retry-after", "61")],
            &[("retry-after", "86400")],
            &[("retry-after", "1e300")],
            &[("retry-after", "NaN")],
            &[("retry-after", "inf")],
            &[("retry-after", "")],
            &[("retry-after", "soon")],
            &[("retry-after-ms", "0")],
            &[("retry-after-ms", "-5")],
            &[("retry-after-ms", "60001")],
            &[("retry-after-ms", "NaN")],
        ] {
            assert_eq!(server_delay(&headers(pairs), now), None, "{pairs:?}");
        }
        let mut not_text = HeaderMap::new();
        not_text.insert(
            RETRY_AFTER,
            HeaderValue::from_bytes(b"\xff1").unwrap_or(HeaderValue::from_static("x")),
        );
        assert_eq!(server_delay(&not_text, now), None);
    }

    #[test]
    fn http_dates_are_measured_from_now() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT")
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let delay = |date: &'static str| server_delay(&headers(&[("retry-after", date)]), now);
        assert_eq!(delay("Sun, 06 Nov 1994 08:49:47 GMT"), Some(ms(10_000)));
        assert_eq!(delay("Sun, 06 Nov 1994 08:50:37 GMT"), Some(ms(60_000)));
        // The obsolete formats RFC 9110 still asks recipients to accept.
        assert_eq!(delay("Sunday, 06-Nov-94 08:49:40 GMT"), Some(ms(3000)));
        assert_eq!(delay("Sun Nov  6 08:49:40 1994"), Some(ms(3000)));
        // Now, the past, or more than a minute ahead: use the backoff.
        assert_eq!(delay("Sun, 06 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(delay("Sun, 06 Nov 1994 08:49:36 GMT"), None);
        assert_eq!(delay("Sun, 06 Nov 1994 08:50:38 GMT"), None);
        assert_eq!(delay("Mon, 07 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(delay("Sun, 06 Nov 1994 25:00:00 GMT"), None);
    }
}
