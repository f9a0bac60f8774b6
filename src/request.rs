//! A prepared API call: built by generated code, sent when awaited.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::{Instrument, Level, Span, field};

use crate::auth::is_auth_header;
use crate::envelope::{self, Format};
use crate::form::Form;
use crate::path::encode_component;
use crate::retry::{self, Backoff, RETRY_COUNT};
use crate::{ApiMessage, Client, Error};

/// What generated code knows about one endpoint. Declare it as a `static`
/// (a `const` cannot be borrowed for `'static`, as `Method` has drop glue).
#[derive(Debug, Clone)]
pub struct Operation {
    /// Stable dotted name, e.g. `"stream.downloads.get"`, shown in errors.
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path as the API description writes it, e.g.
    /// `"/accounts/{account_id}/stream/{identifier}/downloads"`.
    pub path_template: &'static str,
}

/// Per-request settings, kept together so new ones do not change
/// [`Request`]'s shape.
#[derive(Debug, Default, Clone)]
pub(crate) struct RequestOptions {
    /// Overrides the client's per-attempt timeout.
    pub(crate) timeout: Option<Duration>,
    /// Overrides the client's number of retries.
    pub(crate) max_retries: Option<u32>,
    /// Extra headers; they replace client headers of the same name.
    pub(crate) headers: HeaderMap,
    /// Extra query parameters, in order, not yet encoded.
    pub(crate) query: Vec<(String, String)>,
}

/// A prepared call to `operation`. Awaiting it (or calling
/// [`send`](Self::send)) sends it and decodes the answer as `T`.
///
/// Problems found while building (a bad path parameter, an unserialisable
/// body, an invalid header) are kept and reported when awaited, before
/// anything is sent, so builder methods can chain without `?`.
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<'c, T> {
    client: &'c Client,
    operation: &'static Operation,
    path: Result<String, Error>,
    body: Option<Body>,
    format: Format,
    options: RequestOptions,
    /// The first problem found after [`Request::new`].
    problem: Option<Error>,
    /// `fn() -> T`: the request produces a `T` but holds none, so it is
    /// `Send` whatever `T` is.
    _output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Request<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation.name)
            .field("path", &self.path)
            .field("body", &self.body)
            .field("format", &self.format)
            .field("options", &self.options)
            .field("problem", &self.problem)
            .finish_non_exhaustive()
    }
}

impl<'c, T> Request<'c, T> {
    /// A call of `operation` on `path` (from [`PathBuilder::finish`]).
    ///
    /// [`PathBuilder::finish`]: crate::runtime::PathBuilder::finish
    pub fn new(
        client: &'c Client,
        operation: &'static Operation,
        path: Result<String, Error>,
    ) -> Self {
        Self {
            client,
            operation,
            path: path.map_err(|error| error.with_operation(operation.name)),
            body: None,
            format: Format::Envelope,
            options: RequestOptions::default(),
            problem: None,
            _output: PhantomData,
        }
    }

    /// Sends `body` as JSON. It is serialised now; a failure is reported
    /// when the request is awaited.
    pub fn json_body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body = Some(Body::Bytes {
                    content_type: "application/json",
                    bytes,
                });
            }
            Err(e) => self.note(format!("could not serialise the request body: {e}")),
        }
        self
    }

    /// Sends `form` as `multipart/form-data`. A part that cannot be encoded is reported when
    /// the request is awaited.
    pub fn multipart_body(mut self, form: Form) -> Self {
        self.body = Some(Body::Form(form));
        self
    }

    /// Sends `bytes` as they are, as `content_type`.
    pub fn raw_body(mut self, content_type: &'static str, bytes: Vec<u8>) -> Self {
        self.body = Some(Body::Bytes {
            content_type,
            bytes,
        });
        self
    }

    /// The 2xx body is `T` itself rather than a
    /// `{success, errors, messages, result}` envelope.
    pub fn plain(mut self) -> Self {
        self.format = Format::Json;
        self
    }

    /// The 2xx body is text (`text/vtt`), handed over as a `String`.
    pub fn text(mut self) -> Self {
        self.format = Format::Text;
        self
    }

    /// The 2xx body is bytes (an image, a file), handed over as a `Vec<u8>`.
    pub fn bytes(mut self) -> Self {
        self.format = Format::Bytes;
        self
    }

    /// Overrides the client's timeout for this request (per attempt).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the client's number of retries for this request; `0` makes
    /// a single attempt.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }

    /// Adds a query parameter; repeat a name to send it several times. Name
    /// and value are percent-encoded, so `&`, `=`, `#` or spaces in them
    /// cannot change the URL's structure. An empty name is reported when the
    /// request is awaited.
    pub fn query(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        if name.is_empty() {
            self.note("a query parameter name must not be empty".to_owned());
        } else {
            self.options
                .query
                .push((name.to_owned(), value.as_ref().to_owned()));
        }
        self
    }

    /// Adds `name` once per value, in order (`?tag=a&tag=b`), as an array
    /// query parameter is sent. No values, no parameter.
    pub fn query_all<V: AsRef<str>>(
        mut self,
        name: impl AsRef<str>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        for value in values {
            self = self.query(name.as_ref(), value);
        }
        self
    }

    /// Adds a header, replacing a client-wide header of the same name
    /// (credentials included). An invalid name or value is reported when
    /// the request is awaited; the value is never echoed.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            self.note(format!("invalid header name {name:?}"));
            return self;
        };
        let Ok(mut value) = HeaderValue::from_str(value.as_ref()) else {
            self.note(format!("invalid value for header `{header}`"));
            return self;
        };
        value.set_sensitive(is_auth_header(&header));
        self.options.headers.append(header, value);
        self
    }

    /// Keeps the first problem found while building.
    fn note(&mut self, message: String) {
        if self.problem.is_none() {
            self.problem = Some(Error::InvalidRequest {
                operation: self.operation.name,
                message,
            });
        }
    }

    /// Sends the request, retrying as the client and request allow, and
    /// returns the decoded value.
    pub async fn send(self) -> Result<T, Error>
    where
        T: DeserializeOwned,
    {
        self.send_with_response()
            .await
            .map(|response| response.value)
    }

    /// Sends the request and returns the value with the status, headers and
    /// envelope messages.
    pub async fn send_with_response(self) -> Result<Response<T>, Error>
    where
        T: DeserializeOwned,
    {
        // The path template, never the filled-in path: identifiers appear
        // only in the `path` field, and only when debug output is enabled.
        let span = tracing::info_span!(
            "request",
            operation = self.operation.name,
            method = %self.operation.method,
            path_template = self.operation.path_template,
            path = field::Empty,
            status = field::Empty,
            attempts = 0_u32,
            elapsed_ms = field::Empty,
            error = field::Empty,
        );
        // No clock reading for a span nobody records (no subscriber, or a filter).
        let started = (!span.is_disabled()).then(Instant::now);
        let result = self.exchange(&span).instrument(span.clone()).await;
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
    async fn exchange(self, span: &Span) -> Result<Response<T>, Error>
    where
        T: DeserializeOwned,
    {
        let operation = self.operation.name;
        let format = self.format;
        let prepared = self.prepare()?;
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

    /// Everything needed to send, checked; nothing has been sent yet.
    fn prepare(self) -> Result<Prepared<'c>, Error> {
        let operation = self.operation.name;
        let path = self.path?;
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        if !path.starts_with('/') {
            return Err(Error::InvalidRequest {
                operation,
                message: format!("the path {path:?} does not start with `/`"),
            });
        }
        // The base URL was parsed when the client was built; only the path is parsed here.
        let mut url = self.client.base().clone();
        let full_path = format!("{}{path}", url.path().trim_end_matches('/'));
        url.set_path(&full_path);
        if !self.options.query.is_empty() {
            let query: Vec<String> = self
                .options
                .query
                .iter()
                .map(|(name, value)| {
                    format!("{}={}", encode_component(name), encode_component(value))
                })
                .collect();
            url.set_query(Some(&query.join("&")));
        }

        // Sized for everything that goes in, so that nothing is copied as it grows.
        let defaults = self.client.default_headers();
        let custom = self.client.custom_headers();
        let mut headers = HeaderMap::with_capacity(
            defaults.len() + 3 + custom.len() + self.options.headers.len(),
        );
        for (name, value) in defaults {
            headers.append(name.clone(), value.clone());
        }
        let accept = match self.format {
            Format::Envelope | Format::Json => "application/json",
            // Text and bytes come in many types (`text/vtt`, `image/png`); failures are JSON.
            Format::Text | Format::Bytes => "*/*",
        };
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
        headers.insert(USER_AGENT, self.client.user_agent().clone());
        match &self.body {
            Some(Body::Bytes { content_type, .. }) => {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            }
            Some(Body::Form(form)) => {
                // Checked now so a bad part is refused before anything is sent; reqwest sets
                // the content type, with its boundary, on each attempt.
                form.to_multipart()
                    .map_err(|message| Error::InvalidRequest { operation, message })?;
            }
            None => {}
        }
        // `extend` replaces every existing value of each name it brings:
        // custom headers replace defaults, request headers replace both.
        if !custom.is_empty() {
            headers.extend(custom.clone());
        }
        headers.extend(self.options.headers);

        Ok(Prepared {
            client: self.client,
            operation,
            method: self.operation.method.clone(),
            url,
            headers,
            body: self.body,
            timeout: self.options.timeout.unwrap_or(self.client.timeout()),
            max_retries: self
                .options
                .max_retries
                .unwrap_or(self.client.max_retries()),
            backoff: self.client.backoff(),
        })
    }
}

/// What a request sends as its body.
#[derive(Debug, Clone)]
enum Body {
    /// Bytes of a content type (JSON, or whatever the operation takes).
    Bytes {
        content_type: &'static str,
        bytes: Vec<u8>,
    },
    /// A multipart form.
    Form(Form),
}

/// A checked request, reusable for each attempt.
struct Prepared<'c> {
    client: &'c Client,
    operation: &'static str,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Option<Body>,
    timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
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
            let delay = if retry >= self.max_retries {
                None
            } else {
                match &outcome {
                    Ok(raw) if raw.status.is_success() => None,
                    Ok(raw) => retry::should_retry(raw.status, &raw.headers).then(|| {
                        retry::server_delay(&raw.headers, SystemTime::now())
                            .unwrap_or_else(|| self.backoff.jittered_delay(retry))
                    }),
                    Err(error) => error
                        .is_transient()
                        .then(|| self.backoff.jittered_delay(retry)),
                }
            };
            let Some(delay) = delay else {
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

impl<'c, T: DeserializeOwned + Send + 'c> IntoFuture for Request<'c, T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
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

/// A decoded value with the parts of the response around it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body (the envelope's `result` unless the call is plain).
    pub value: T,
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers, e.g. `cf-ray`.
    pub headers: HeaderMap,
    /// The envelope's `messages` (empty for plain calls).
    pub messages: Vec<ApiMessage>,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::runtime::{PathBuilder, PathParam};

    static GET_VIDEO: Operation = Operation {
        name: "stream.videos.get",
        method: Method::GET,
        path_template: "/accounts/{account_id}/stream/{identifier}",
    };

    const SECRET: &str = "s3cr3t-value";

    fn client() -> Client {
        Client::builder()
            .api_token(SECRET)
            .base_url("http://127.0.0.1:9/client/v4/")
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn path(identifier: &str) -> Result<String, Error> {
        PathBuilder::new()
            .literal("/accounts/")
            .param(PathParam::new("account_id", "acc"))
            .literal("/stream/")
            .param(PathParam::new("identifier", identifier))
            .finish()
    }

    fn invalid(result: Result<Prepared<'_>, Error>) -> String {
        match result {
            Err(Error::InvalidRequest { operation, message }) => {
                assert_eq!(operation, "stream.videos.get");
                assert!(!message.contains(SECRET), "secret leaked: {message}");
                message
            }
            Err(other) => panic!("expected InvalidRequest, got {other:?}"),
            Ok(_) => panic!("expected InvalidRequest, got a prepared request"),
        }
    }

    #[test]
    fn prepares_url_and_headers() {
        let client = client();
        let prepared = Request::<()>::new(&client, &GET_VIDEO, path("a b/c"))
            .json_body(&BTreeMap::from([("name", "x")]))
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            prepared.url.as_str(),
            "http://127.0.0.1:9/client/v4/accounts/acc/stream/a%20b%2Fc"
        );
        assert_eq!(prepared.method, Method::GET);
        assert_eq!(prepared.timeout, Duration::from_secs(5));
        assert!(matches!(
            &prepared.body,
            Some(Body::Bytes { content_type: "application/json", bytes }) if bytes == br#"{"name":"x"}"#
        ));
        let header = |name: &str| prepared.headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(header("content-type"), Some("application/json"));
        assert_eq!(header("accept"), Some("application/json"));
        assert!(header("user-agent").is_some_and(|ua| ua.starts_with("cloudflare-stream-rust/")));
        assert!(prepared.headers["authorization"].is_sensitive());
    }

    #[test]
    fn options_override_client_settings() {
        let client = client();
        let prepared = Request::<()>::new(&client, &GET_VIDEO, path("v"))
            .timeout(Duration::from_millis(250))
            .header("X-Custom", "1")
            .header("x-custom", "2")
            .header("Authorization", "Bearer other")
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(prepared.timeout, Duration::from_millis(250));
        let custom: Vec<_> = prepared.headers.get_all("x-custom").iter().collect();
        assert_eq!(custom, ["1", "2"]);
        let auth: Vec<_> = prepared.headers.get_all("authorization").iter().collect();
        assert_eq!(auth, ["Bearer other"]);
        assert!(auth[0].is_sensitive());
        assert!(prepared.body.is_none());
        assert!(!prepared.headers.contains_key("content-type"));
    }

    #[test]
    fn query_parameters_are_encoded_in_order() {
        let client = client();
        let prepared = Request::<()>::new(&client, &GET_VIDEO, path("v"))
            .query("search", "a b&c=d#e")
            .query_all("tag", ["x", "é+/"])
            .query_all("none", Vec::<String>::new())
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            prepared.url.as_str(),
            "http://127.0.0.1:9/client/v4/accounts/acc/stream/v\
             ?search=a%20b%26c%3Dd%23e&tag=x&tag=%C3%A9%2B%2F"
        );
        let message = invalid(
            Request::<()>::new(&client, &GET_VIDEO, path("v"))
                .query("", "x")
                .prepare(),
        );
        assert!(message.contains("query parameter name"), "{message}");
    }

    #[test]
    fn retries_come_from_the_client_unless_the_request_says() {
        let client = Client::builder()
            .api_token(SECRET)
            .max_retries(5)
            .retry_backoff(Duration::from_millis(3), Duration::from_millis(9))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let prepared = Request::<()>::new(&client, &GET_VIDEO, path("v"))
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(prepared.max_retries, 5);
        assert_eq!(prepared.backoff.initial, Duration::from_millis(3));
        let prepared = Request::<()>::new(&client, &GET_VIDEO, path("v"))
            .max_retries(0)
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(prepared.max_retries, 0);
    }

    #[test]
    fn custom_headers_sit_between_defaults_and_request_headers() {
        let client = Client::builder()
            .api_token(SECRET)
            .header("accept", "application/vnd.custom+json")
            .header("x-team", "video")
            .header("x-shared", "client")
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let prepared = Request::<()>::new(&client, &GET_VIDEO, path("v"))
            .header("x-shared", "request")
            .prepare()
            .unwrap_or_else(|e| panic!("{e}"));
        let header = |name: &str| prepared.headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(header("accept"), Some("application/vnd.custom+json"));
        assert_eq!(header("x-team"), Some("video"));
        assert_eq!(header("x-shared"), Some("request"));
        assert_eq!(prepared.headers.get_all("x-shared").iter().count(), 1);
        assert!(prepared.headers["authorization"].is_sensitive());
    }

    #[test]
    fn path_errors_name_the_operation_and_come_first() {
        let client = client();
        let message = invalid(
            Request::<()>::new(&client, &GET_VIDEO, path(".."))
                .header("bad name", "v")
                .prepare(),
        );
        assert!(message.contains("`identifier`"), "{message}");
    }

    #[test]
    fn invalid_headers_are_reported_without_their_value() {
        let client = client();
        let message = invalid(
            Request::<()>::new(&client, &GET_VIDEO, path("v"))
                .header("bad name", "v")
                .prepare(),
        );
        assert!(message.contains("\"bad name\""), "{message}");

        let message = invalid(
            Request::<()>::new(&client, &GET_VIDEO, path("v"))
                .header("x-token", format!("{SECRET}\n"))
                .prepare(),
        );
        assert!(message.contains("`x-token`"), "{message}");
    }

    #[test]
    fn unserialisable_bodies_are_reported() {
        let client = client();
        let body = BTreeMap::from([((1, 2), "tuple keys are not JSON")]);
        let message = invalid(
            Request::<()>::new(&client, &GET_VIDEO, path("v"))
                .json_body(&body)
                .prepare(),
        );
        assert!(message.contains("request body"), "{message}");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let client = client();
        let request = Request::<()>::new(&client, &GET_VIDEO, path("v"))
            .header("authorization", format!("Bearer {SECRET}"));
        let debug = format!("{request:?}");
        assert!(!debug.contains(SECRET), "{debug}");
    }

    #[test]
    fn requests_are_send_futures() {
        fn assert_send<F: Send>(_: &F) {}
        let client = client();
        let request = Request::<std::cell::Cell<u8>>::new(&client, &GET_VIDEO, path("v"));
        assert_send(&request);
        let future = request.into_future();
        assert_send(&future);
    }
}
