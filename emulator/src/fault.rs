//! Faults a test can inject: the next requests are answered with a rate limit, a server error,
//! or late.

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
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_seconds(Duration::ZERO), 0);
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_seconds(Duration::from_millis(2_500)), 3);
    }
}
