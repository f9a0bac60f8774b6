//! Faults a test can inject: the next requests are answered with a rate limit, a server error,
//! late, or not at all (the connection closed).

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// What to do to one request instead of (or before) answering it normally.
///
/// Queue faults with [`Emulator::fail_next`](crate::Emulator::fail_next); each request takes
/// the oldest one, whatever its route, before credentials are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// HTTP 429 with `Retry-After` (whole seconds, rounded up) and code 971, as Cloudflare's
    /// rate limiter answers. The request has no effect.
    RateLimited {
        /// The wait the `Retry-After` header asks for.
        retry_after: Duration,
    },
    /// This HTTP status (e.g. 500, 502, 503) with a failure envelope, code 10001. The request
    /// has no effect. A number outside 200–599 is answered as 500.
    Status(u16),
    /// Waits this long, then answers normally (the request takes effect after the wait). With a
    /// client timeout shorter than the delay, the client sees a timeout.
    Delay(Duration),
    /// Closes the connection without answering, as a network failure or a crashed proxy
    /// does: the client sees the connection closed (or reset) before any response. The
    /// request has no effect.
    Drop,
}

impl Fault {
    /// Reads a fault as the `--fault` flag writes it, with how many requests it applies to:
    /// `503` (a status), `503x2` (for two requests), `429` or `429:retry-after=2` (rate
    /// limited; `Retry-After` 1 s unless given), `drop` (the connection closed unanswered),
    /// `delay=2s` or `delay=500ms` (answered late); any of them with `xN`, e.g.
    /// `429x3:retry-after=1`, `dropx2`, `delay=2sx2`.
    pub fn parse_flag(text: &str) -> Result<(usize, Self), String> {
        let text = text.trim();
        let (head, options) = text.split_once(':').unwrap_or((text, ""));
        let (kind, count) = match head.rsplit_once('x') {
            Some((kind, count))
                if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) =>
            {
                let count = count
                    .parse::<usize>()
                    .ok()
                    .filter(|&count| count > 0)
                    .ok_or_else(|| format!("{text:?}: the count after `x` must be at least 1"))?;
                (kind, count)
            }
            _ => (head, 1),
        };
        let mut retry_after = Duration::from_secs(1);
        for option in options.split(',').filter(|option| !option.is_empty()) {
            match option.split_once('=') {
                Some(("retry-after", value)) => retry_after = duration(value, "s")?,
                _ => {
                    return Err(format!(
                        "{text:?}: unknown option {option:?} (retry-after=SECONDS)"
                    ));
                }
            }
        }
        let fault = match kind {
            "drop" => Self::Drop,
            _ if kind.starts_with("delay=") => Self::Delay(duration(&kind["delay=".len()..], "s")?),
            _ => match kind.parse::<u16>() {
                Ok(429) => Self::RateLimited { retry_after },
                Ok(status) if (200..600).contains(&status) => Self::Status(status),
                _ => {
                    return Err(format!(
                        "{text:?}: expected a status (200-599), `drop` or `delay=DURATION`, \
                         optionally followed by xCOUNT"
                    ));
                }
            },
        };
        Ok((count, fault))
    }
}

/// `2`, `2s`, `1.5s` or `500ms`; a bare number is in `unit`.
pub(crate) fn duration(text: &str, unit: &str) -> Result<Duration, String> {
    let (number, unit) = if let Some(number) = text.strip_suffix("ms") {
        (number, "ms")
    } else if let Some(number) = text.strip_suffix('s') {
        (number, "s")
    } else {
        (text, unit)
    };
    let value = number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite() && (0.0..=3600.0 * 1000.0).contains(value))
        .ok_or_else(|| format!("{text:?} is not a duration such as 2s or 500ms"))?;
    let seconds = if unit == "ms" { value / 1000.0 } else { value };
    if seconds > 3600.0 {
        return Err(format!("{text:?}: at most an hour"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// The faults still to apply, oldest first.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: Mutex<VecDeque<Fault>>,
}

impl FaultQueue {
    pub(crate) fn push(&self, count: usize, fault: &Fault) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.extend(std::iter::repeat_n(fault, count).cloned());
    }

    /// The fault for the request arriving now, if any.
    pub(crate) fn next(&self) -> Option<Fault> {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }

    pub(crate) fn len(&self) -> usize {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub(crate) fn clear(&self) {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// `Retry-After` in whole seconds, rounded up so a client never retries early.
pub(crate) fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_taken_oldest_first_one_per_request() {
        let queue = FaultQueue::default();
        queue.push(2, &Fault::Status(503));
        queue.push(1, &Fault::Delay(Duration::from_millis(5)));
        assert_eq!(queue.len(), 3);
        assert_eq!(queue.next(), Some(Fault::Status(503)));
        assert_eq!(queue.next(), Some(Fault::Status(503)));
        assert_eq!(queue.next(), Some(Fault::Delay(Duration::from_millis(5))));
        assert_eq!(queue.next(), None);

        queue.push(5, &Fault::Status(500));
        queue.clear();
        assert_eq!(queue.len(), 0);
    }

    #[test]
    fn faults_are_read_as_the_flag_writes_them() {
        let second = Duration::from_secs(1);
        assert_eq!(Fault::parse_flag("503"), Ok((1, Fault::Status(503))));
        assert_eq!(Fault::parse_flag("503x2"), Ok((2, Fault::Status(503))));
        assert_eq!(
            Fault::parse_flag("429"),
            Ok((
                1,
                Fault::RateLimited {
                    retry_after: second
                }
            ))
        );
        assert_eq!(
            Fault::parse_flag("429x3:retry-after=2"),
            Ok((
                3,
                Fault::RateLimited {
                    retry_after: 2 * second
                }
            ))
        );
        assert_eq!(Fault::parse_flag("drop"), Ok((1, Fault::Drop)));
        assert_eq!(Fault::parse_flag("dropx2"), Ok((2, Fault::Drop)));
        assert_eq!(
            Fault::parse_flag("delay=2s"),
            Ok((1, Fault::Delay(2 * second)))
        );
        assert_eq!(
            Fault::parse_flag("delay=500msx4"),
            Ok((4, Fault::Delay(Duration::from_millis(500))))
        );
        for bad in [
            "",
            "x2",
            "99",
            "600",
            "503x0",
            "nope",
            "delay=",
            "delay=-1s",
            "429:wait=1",
        ] {
            assert!(Fault::parse_flag(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_seconds(Duration::ZERO), 0);
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_seconds(Duration::from_millis(2_500)), 3);
    }
}
