//! A prepared API call: built by generated code, sent when awaited.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::is_auth_header;
use crate::envelope;
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

/// Per-request settings, kept together so new ones (retries, query
/// parameters) do not change [`Request`]'s shape.
#[derive(Debug, Default, Clone)]
pub(crate) struct RequestOptions {
    /// Overrides the client's per-attempt timeout.
    pub(crate) timeout: Option<Duration>,
    /// Extra headers; they replace client headers of the same name.
    pub(crate) headers: HeaderMap,
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
    body: Option<Vec<u8>>,
    enveloped: bool,
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
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .field("enveloped", &self.enveloped)
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
            enveloped: true,
            options: RequestOptions::default(),
            problem: None,
            _output: PhantomData,
        }
    }

    /// Sends `body` as JSON. It is serialised now; a failure is reported
    /// when the request is awaited.
    pub fn json_body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some(bytes),
            Err(e) => self.note(format!("could not serialise the request body: {e}")),
        }
        self
    }

    /// The 2xx body is `T` itself rather than a
    /// `{success, errors, messages, result}` envelope.
    pub fn plain(mut self) -> Self {
        self.enveloped = false;
        self
    }

    /// Overrides the client's timeout for this request (per attempt).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
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

    /// Sends the request and returns the decoded value.
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
        let operation = self.operation.name;
        let enveloped = self.enveloped;
        let prepared = self.prepare()?;
        // Retries will loop around this one attempt.
        let raw = prepared.attempt().await?;
        let decoded = envelope::decode(
            operation,
            raw.status,
            raw.headers.clone(),
            &raw.body,
            enveloped,
        )?;
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
        let url = Url::parse(&format!("{}{path}", self.client.base_url())).map_err(|e| {
            Error::InvalidRequest {
                operation,
                message: format!("the request URL is invalid: {e}"),
            }
        })?;

        let mut headers = self.client.default_headers().clone();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.client.user_agent().clone());
        if self.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        // `extend` replaces every existing value of each name it brings.
        headers.extend(self.options.headers);

        Ok(Prepared {
            client: self.client,
            operation,
            method: self.operation.method.clone(),
            url,
            headers,
            body: self.body,
            timeout: self.options.timeout.unwrap_or(self.client.timeout()),
        })
    }
}

/// A checked request, reusable for each attempt.
struct Prepared<'c> {
    client: &'c Client,
    operation: &'static str,
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    timeout: Duration,
}

/// What one attempt received, before decoding.
struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Prepared<'_> {
    /// Sends once and reads the whole body; the timeout covers both.
    async fn attempt(&self) -> Result<RawResponse, Error> {
        let mut builder = self
            .client
            .http()
            .request(self.method.clone(), self.url.clone())
            .headers(self.headers.clone())
            .timeout(self.timeout);
        if let Some(body) = &self.body {
            builder = builder.body(body.clone());
        }
        let transport = |e| Error::from_transport(self.operation, e);
        let response = builder.send().await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
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
        assert_eq!(prepared.body.as_deref(), Some(&br#"{"name":"x"}"#[..]));
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
