//! A prepared API call: built by generated code, sent when awaited.
//!
//! This module is the builder ([`Request`], its options, [`Operation`], [`Response`]);
//! `prepare.rs` turns it into a checked URL, headers and body; `send.rs` sends that, attempt
//! after attempt as the retry policy (`retry.rs`) says, with the tracing spans.

mod prepare;
mod send;

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::envelope::Format;
use crate::form::Form;
use crate::{ApiMessage, Client, Error, headers};

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
    /// (credentials included, for this request only). Name and value are
    /// trimmed and checked as a client's custom headers are; an invalid one
    /// is reported when the request is awaited, without its value.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        match headers::check(name.as_ref(), value.as_ref()) {
            Ok((name, value)) => {
                self.options.headers.append(name, value);
            }
            Err(why) => self.note(why),
        }
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
        send::send(self).await
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
    //! The builder's own tests, and the helpers the tests of `prepare.rs` share.

    use super::*;
    use crate::runtime::{PathBuilder, PathParam};

    pub(super) static GET_VIDEO: Operation = Operation {
        name: "stream.videos.get",
        method: Method::GET,
        path_template: "/accounts/{account_id}/stream/{identifier}",
    };

    pub(super) const SECRET: &str = "s3cr3t-value";

    pub(super) fn client() -> Client {
        Client::builder()
            .api_token(SECRET)
            .base_url("http://127.0.0.1:9/client/v4/")
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub(super) fn path(identifier: &str) -> Result<String, Error> {
        PathBuilder::new()
            .literal("/accounts/")
            .param(PathParam::new("account_id", "acc"))
            .literal("/stream/")
            .param(PathParam::new("identifier", identifier))
            .finish()
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
