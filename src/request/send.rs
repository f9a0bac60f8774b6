//! Sending a prepared request: a `request` span around the call, then attempt after attempt
//! (each in its `attempt` span, retries numbered by the retry-count header), sleeping between them as
//! the retry policy (`retry.rs`) says; the last attempt's answer is decoded.
//!
//! [`Exchange`] is that loop written out as a state machine rather than an `async fn`, so that
//! the future a request is can be named (an `async fn`'s cannot, so awaiting one through
//! `IntoFuture` needed a box) and holds only what the current step needs. Each poll enters
//! the spans as `Instrument` would: the `request` span always, the `attempt` span while an
//! attempt is in flight.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http_body::Body as _;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tower_service::Service;
use tracing::{Level, Span, field};

use super::Parts;
use super::prepare::Prepared;
use crate::Error;
use crate::envelope::Format;
use crate::retry;

/// reqwest's future for one HTTP exchange (its `Pending`), which `reqwest::Client::execute`
/// returns unnamed.
type HttpFuture = <reqwest::Client as Service<reqwest::Request>>::Future;

/// A request in flight, from its first poll to its outcome.
pub(super) struct Exchange {
    /// The `request` span: the whole call.
    span: Span,
    /// When the call started, if the span records it.
    started: Option<Instant>,
    operation: &'static str,
    format: Format,
    /// Whether drift between the body and its type fails the call (the client's setting).
    strict: bool,
    /// `None` if preparing failed: the error is then in `state`.
    prepared: Option<Prepared>,
    /// The retry count of the current (or next) attempt: 0 first.
    retry: u32,
    state: State,
}

/// The step an exchange is at.
enum State {
    /// Waiting for the response's status and headers.
    Head {
        attempt: Attempt,
        pending: HttpFuture,
    },
    /// Reading the response's body.
    Body {
        attempt: Attempt,
        status: StatusCode,
        headers: HeaderMap,
        body: reqwest::Body,
        received: Received,
    },
    /// Waiting before the next attempt (boxed: `Sleep` is not `Unpin`, and retries are rare).
    Backoff(Pin<Box<tokio::time::Sleep>>),
    /// Failed before the first attempt (the request could not be prepared).
    Refused(Option<Error>),
    /// The outcome was returned.
    Done,
}

/// One attempt's span, and when it started if the span records it.
struct Attempt {
    span: Span,
    started: Option<Instant>,
}

/// The body so far: most bodies arrive in one chunk, which is kept as it is, without a copy.
#[derive(Default)]
enum Received {
    #[default]
    Nothing,
    One(Bytes),
    Many(BytesMut),
}

impl Received {
    fn push(&mut self, chunk: Bytes) {
        *self = match std::mem::take(self) {
            Received::Nothing => Received::One(chunk),
            Received::One(first) => {
                let mut all = BytesMut::with_capacity(first.len() + chunk.len());
                all.extend_from_slice(&first);
                all.extend_from_slice(&chunk);
                Received::Many(all)
            }
            Received::Many(mut all) => {
                all.extend_from_slice(&chunk);
                Received::Many(all)
            }
        };
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Received::Nothing => Bytes::new(),
            Received::One(bytes) => bytes,
            Received::Many(all) => all.freeze(),
        }
    }
}

/// What the last attempt received, before decoding.
pub(super) struct RawResponse {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

impl Exchange {
    /// Opens the `request` span, prepares the request and starts its first attempt.
    pub(super) fn start(parts: Parts) -> Self {
        let operation = parts.operation;
        // The path template, never the filled-in path: identifiers appear
        // only in the `path` field, and only when debug output is enabled.
        let span = tracing::info_span!(
            "request",
            operation = operation.name,
            method = %operation.method,
            path_template = operation.path_template,
            path = field::Empty,
            status = field::Empty,
            attempts = 0_u32,
            elapsed_ms = field::Empty,
            error = field::Empty,
        );
        // No clock reading for a span nobody records (no subscriber, or a filter).
        let started = (!span.is_disabled()).then(Instant::now);
        let mut exchange = Self {
            operation: operation.name,
            format: parts.format,
            strict: parts.client.strict_decoding(),
            prepared: None,
            retry: 0,
            state: State::Done,
            span,
            started,
        };
        let _entered = exchange.span.clone().entered();
        match parts.prepare() {
            Ok(prepared) => {
                if tracing::enabled!(Level::DEBUG) {
                    exchange.span.record("path", prepared.url.path());
                }
                exchange.state = exchange.attempt(&prepared);
                exchange.prepared = Some(prepared);
            }
            Err(error) => exchange.state = State::Refused(Some(error)),
        }
        exchange
    }

    /// Starts attempt `self.retry`, in its own span (a child of the request's, which is
    /// entered).
    fn attempt(&self, prepared: &Prepared) -> State {
        let span = tracing::info_span!(
            "attempt",
            attempt = self.retry,
            status = field::Empty,
            elapsed_ms = field::Empty,
        );
        let attempt = Attempt {
            started: (!span.is_disabled()).then(Instant::now),
            span,
        };
        let pending = {
            let _entered = attempt.span.enter();
            Service::call(&mut prepared.client.http(), build(prepared, self.retry))
        };
        State::Head { attempt, pending }
    }

    /// Polls until the last attempt's response (whatever its status) or error: the outcome.
    /// Records the number of attempts.
    pub(super) fn poll_raw(&mut self, cx: &mut Context<'_>) -> Poll<Result<RawResponse, Error>> {
        let _entered = self.span.enter();
        loop {
            let outcome = match &mut self.state {
                State::Head { attempt, pending } => {
                    let polled = {
                        let _attempt = attempt.span.enter();
                        Pin::new(pending).poll(cx)
                    };
                    match ready!(polled) {
                        Ok(mut response) => {
                            let status = response.status();
                            // Moved out, not copied: the body is read without them.
                            let headers = std::mem::take(response.headers_mut());
                            let body = reqwest::Body::from(response);
                            let State::Head { attempt, .. } =
                                std::mem::replace(&mut self.state, State::Done)
                            else {
                                unreachable!("matched just above");
                            };
                            self.state = State::Body {
                                attempt,
                                status,
                                headers,
                                body,
                                received: Received::Nothing,
                            };
                            continue;
                        }
                        Err(error) => Err(self.transport(error)),
                    }
                }
                State::Body {
                    attempt,
                    body,
                    received,
                    ..
                } => {
                    let frame = {
                        let _attempt = attempt.span.enter();
                        Pin::new(body).poll_frame(cx)
                    };
                    match ready!(frame) {
                        Some(Ok(frame)) => {
                            if let Ok(chunk) = frame.into_data() {
                                received.push(chunk);
                            }
                            continue;
                        }
                        Some(Err(error)) => Err(self.transport(error)),
                        None => {
                            let State::Body {
                                status,
                                headers,
                                received,
                                ..
                            } = &mut self.state
                            else {
                                unreachable!("matched just above");
                            };
                            Ok(RawResponse {
                                status: *status,
                                headers: std::mem::take(headers),
                                body: std::mem::take(received).into_bytes(),
                            })
                        }
                    }
                }
                State::Backoff(sleep) => {
                    ready!(sleep.as_mut().poll(cx));
                    self.retry = self.retry.saturating_add(1);
                    let prepared = self.prepared.take().expect("an attempt was made");
                    self.state = self.attempt(&prepared);
                    self.prepared = Some(prepared);
                    continue;
                }
                State::Refused(error) => {
                    let error = error.take().expect("polled after completion");
                    self.state = State::Done;
                    return Poll::Ready(Err(error));
                }
                State::Done => panic!("a request was polled after it completed"),
            };
            // The attempt is over.
            let (State::Head { attempt, .. } | State::Body { attempt, .. }) =
                std::mem::replace(&mut self.state, State::Done)
            else {
                unreachable!("only an attempt gives an outcome");
            };
            attempt.finish(outcome.as_ref().ok().map(|raw| raw.status));
            let Some(delay) = self.retry_delay(&outcome) else {
                if !self.span.is_disabled() {
                    self.span.record("attempts", self.retry.saturating_add(1));
                }
                return Poll::Ready(outcome);
            };
            tracing::debug!(
                attempt = self.retry,
                delay_ms = millis(delay),
                status = outcome.as_ref().ok().map(|raw| raw.status.as_u16()),
                error = outcome.as_ref().err().map(Error::kind),
                "retrying",
            );
            self.state = State::Backoff(Box::pin(tokio::time::sleep(delay)));
        }
    }

    /// How long to wait before retrying after `outcome`, or `None` if it is final.
    fn retry_delay(&self, outcome: &Result<RawResponse, Error>) -> Option<Duration> {
        let seen = match outcome {
            Ok(raw) => retry::Outcome::Response {
                status: raw.status,
                headers: &raw.headers,
            },
            Err(error) => retry::Outcome::Failed(error),
        };
        let prepared = self.prepared.as_ref()?;
        prepared.retry().delay(self.retry, seen)
    }

    fn transport(&self, error: reqwest::Error) -> Error {
        Error::from_transport(self.operation, error)
    }

    /// Decodes the outcome with `decode`, in the request's span, and records how the call
    /// ended there.
    pub(super) fn finish<R>(
        &self,
        raw: Result<RawResponse, Error>,
        decode: impl FnOnce(&'static str, RawResponse, Format, bool) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let _entered = self.span.enter();
        let status = raw.as_ref().ok().map(|raw| raw.status);
        let result = raw.and_then(|raw| decode(self.operation, raw, self.format, self.strict));
        // Recording looks each field up by name: not for a span nobody records.
        if self.span.is_disabled() {
            return result;
        }
        if let Some(status) = status {
            self.span.record("status", status.as_u16());
        }
        if let Some(started) = self.started {
            self.span.record("elapsed_ms", millis(started.elapsed()));
        }
        if let Err(error) = &result {
            if let Some(status) = error.status() {
                self.span.record("status", status.as_u16());
            }
            self.span.record("error", error.kind());
        }
        result
    }
}

impl Attempt {
    /// Records the attempt's duration and, if a response came, its status.
    fn finish(&self, status: Option<StatusCode>) {
        if self.span.is_disabled() {
            return;
        }
        if let Some(started) = self.started {
            self.span.record("elapsed_ms", millis(started.elapsed()));
        }
        if let Some(status) = status {
            self.span.record("status", status.as_u16());
        }
    }
}

/// The reqwest request for attempt `retry`, assembled directly (a request builder would copy
/// the headers once more, header by header).
fn build(prepared: &Prepared, retry: u32) -> reqwest::Request {
    let mut request =
        reqwest::Request::new(prepared.operation.method.clone(), prepared.url.clone());
    *request.headers_mut() = prepared.headers(retry);
    if prepared.client.http_timeout() != Some(prepared.timeout) {
        *request.timeout_mut() = Some(prepared.timeout);
    }
    if let Some(body) = &prepared.body {
        *request.body_mut() = Some(body.clone().into());
    }
    request
}

/// Whole milliseconds, for span fields.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
