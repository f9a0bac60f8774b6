//! Sending a prepared request: a `request` span around the call, then attempt after attempt
//! (each in its `attempt` span, numbered by the retry-count header), sleeping between them as
//! the retry policy (`retry.rs`) says; the last attempt's answer is decoded.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use tracing::{Instrument, Level, Span, field};

use super::prepare::Prepared;
use super::{Body, Request, Response};
use crate::Error;
use crate::envelope;
use crate::retry;

/// Sent with every attempt: `0` on the first, `1` on the first retry, and so
/// on, so a server (or its logs) can tell retries from new requests.
const RETRY_COUNT: HeaderName = HeaderName::from_static("x-cloudflare-stream-retry-count");

/// Sends `request` in its `request` span and returns the value with the status, headers and
/// envelope messages.
pub(super) async fn send<T: DeserializeOwned>(
    request: Request<'_, T>,
) -> Result<Response<T>, Error> {
    // The path template, never the filled-in path: identifiers appear
    // only in the `path` field, and only when debug output is enabled.
    let span = tracing::info_span!(
        "request",
        operation = request.operation.name,
        method = %request.operation.method,
        path_template = request.operation.path_template,
        path = field::Empty,
        status = field::Empty,
        attempts = 0_u32,
        elapsed_ms = field::Empty,
        error = field::Empty,
    );
    // No clock reading for a span nobody records (no subscriber, or a filter).
    let started = (!span.is_disabled()).then(Instant::now);
    let result = exchange(request, &span).instrument(span.clone()).await;
    if let Some(started) = started {
        span.record("elapsed_ms", millis(started.elapsed()));
    }
    if let Err(error) = &result {
        if let Some(status) = error.status() {
            span.record("status", status.as_u16());
        }
        span.record("error", error.kind());
    }
    result
}

/// Prepares, sends with retries, and decodes; runs inside `span`, the
/// request's span, and records what it learns there.
async fn exchange<T: DeserializeOwned>(
    request: Request<'_, T>,
    span: &Span,
) -> Result<Response<T>, Error> {
    let operation = request.operation.name;
    let format = request.format;
    let prepared = request.prepare()?;
    if tracing::enabled!(Level::DEBUG) {
        span.record("path", prepared.url.path());
    }
    let raw = prepared.send(span).await?;
    span.record("status", raw.status.as_u16());
    let decoded = envelope::decode(operation, raw.status, &raw.headers, &raw.body, format)?;
    Ok(Response {
        value: decoded.value,
        status: raw.status,
        headers: raw.headers,
        messages: decoded.messages,
    })
}

/// What one attempt received, before decoding.
struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Prepared<'_> {
    /// Sends until an attempt succeeds, fails for good, or the retries run
    /// out; the last attempt's response (whatever its status) or error is
    /// the outcome. Records the number of attempts on `span`.
    async fn send(&self, span: &Span) -> Result<RawResponse, Error> {
        let mut retry = 0;
        loop {
            let outcome = self.attempt(retry).await;
            let seen = match &outcome {
                Ok(raw) => retry::Outcome::Response {
                    status: raw.status,
                    headers: &raw.headers,
                },
                Err(error) => retry::Outcome::Failed(error),
            };
            let Some(delay) = self.retry.delay(retry, seen) else {
                span.record("attempts", retry.saturating_add(1));
                return outcome;
            };
            tracing::debug!(
                attempt = retry,
                delay_ms = millis(delay),
                status = outcome.as_ref().ok().map(|raw| raw.status.as_u16()),
                error = outcome.as_ref().err().map(Error::kind),
                "retrying",
            );
            tokio::time::sleep(delay).await;
            retry = retry.saturating_add(1);
        }
    }

    /// One attempt, in its own span: `attempt` is the retry count (0 first).
    async fn attempt(&self, retry: u32) -> Result<RawResponse, Error> {
        let span = tracing::info_span!(
            "attempt",
            attempt = retry,
            status = field::Empty,
            elapsed_ms = field::Empty,
        );
        let started = (!span.is_disabled()).then(Instant::now);
        let outcome = self.exchange(retry).instrument(span.clone()).await;
        if let Some(started) = started {
            span.record("elapsed_ms", millis(started.elapsed()));
        }
        if let Ok(raw) = &outcome {
            span.record("status", raw.status.as_u16());
        }
        outcome
    }

    /// Sends once and reads the whole body; the timeout covers both.
    async fn exchange(&self, retry: u32) -> Result<RawResponse, Error> {
        let transport = |e| Error::from_transport(self.operation, e);
        // The request is assembled directly (a request builder would copy the headers once
        // more, header by header).
        let mut request = reqwest::Request::new(self.method.clone(), self.url.clone());
        let headers = request.headers_mut();
        headers.reserve(self.headers.len() + 1);
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        headers.insert(RETRY_COUNT, retry_count(retry));
        *request.timeout_mut() = Some(self.timeout);
        match &self.body {
            Some(Body::Bytes { bytes, .. }) => *request.body_mut() = Some(bytes.clone().into()),
            Some(Body::Form(form)) => {
                // Built anew for every attempt: reqwest's form is consumed by sending.
                let form = form
                    .to_multipart()
                    .map_err(|message| Error::InvalidRequest {
                        operation: self.operation,
                        message,
                    })?;
                request = reqwest::RequestBuilder::from_parts(self.client.http().clone(), request)
                    .multipart(form)
                    .build()
                    .map_err(transport)?;
            }
            None => {}
        }
        let mut response = self
            .client
            .http()
            .execute(request)
            .await
            .map_err(transport)?;
        let status = response.status();
        // Moved out, not copied: the body is read without them.
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(transport)?;
        Ok(RawResponse {
            status,
            headers,
            body: body.into(),
        })
    }
}

/// `retry` as the value of the retry-count header; the first few without allocating.
fn retry_count(retry: u32) -> HeaderValue {
    const SMALL: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    match SMALL.get(retry as usize) {
        Some(text) => HeaderValue::from_static(text),
        None => HeaderValue::from(retry),
    }
}

/// Whole milliseconds, for span fields.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_counts_are_decimal() {
        for retry in [0, 1, 9, 10, 123, u32::MAX] {
            assert_eq!(retry_count(retry), retry.to_string().as_str());
        }
    }
}
