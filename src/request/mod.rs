//! A call to the API: built by generated code, sent when awaited.
//!
//! This module is the builder ([`Request`], its options, [`Operation`], [`Response`]);
//! `prepare.rs` turns it into a checked URL, headers and body; `send.rs` is the future that
//! sends that, attempt after attempt as the retry policy (`retry.rs`) says, with the tracing
//! spans.
//!
//! A request owns everything it needs (a clone of the [`Client`], which shares its connection
//! pool), so it can be stored, moved to another task or spawned. It is itself the future that
//! sends it: a named type, not a boxed one.

mod prepare;
mod send;

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sync_wrapper::SyncWrapper;

pub(crate) use self::prepare::request_headers;
use self::send::Exchange;
use crate::envelope::{self, Format};
use crate::form::Form;
use crate::{ApiMessage, Client, Error, headers};

/// What generated code knows about one endpoint. Declare it as a `static`
/// (a `const` cannot be borrowed for `'static`, as `Method` has drop glue).
#[doc(hidden)]
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

/// One call to the API, returned by every generated method: set options on it, then
/// `.await` it for the decoded `T`.
///
/// ```no_run
/// # use std::time::Duration;
/// # async fn run(client: cloudflare_stream::Client) -> Result<(), cloudflare_stream::Error> {
/// let (account, video) = ("023e105f4ecef8ad9ca31a8372d0c353", "ea95132c15732412d22c1476fa83f27a");
/// let downloads = client
///     .stream()
///     .downloads()
///     .get(account, video)
///     .timeout(Duration::from_secs(5)) // per attempt, this call only
///     .max_retries(0)                  // a single attempt
///     .await?;
/// # let _ = downloads;
/// # Ok(())
/// # }
/// ```
///
/// A request owns what it needs, a clone of the [`Client`] included (which shares the client's
/// connection pool), and borrows nothing: it can be stored, sent to another task, or spawned as
/// it is, `tokio::spawn(client.stream().downloads().get(account, video))`. It is the future
/// that sends it (a named type, not a boxed one); nothing is sent until it is first polled.
///
/// Problems found while building (a bad path parameter, an invalid header) are kept and
/// reported when it is awaited, before anything is sent, so options chain without `?`.
///
/// `Op` names the operation (`stream::downloads::ops::Get`): every call of one operation has
/// the same type, whatever parameters it takes, and the operation's optional parameters are
/// setters on that type (`client.stream().list(account).search("launch")`). An operation that
/// gains an optional parameter gains a setter; its type stays the same.
#[must_use = "a request does nothing until it is awaited"]
pub struct Request<T, Op> {
    call: Call,
    /// `fn() -> (T, Op)`: the request produces a `T` but holds none, and `Op` only names the
    /// operation, so it is `Send`, `Sync` and `Unpin` whatever `T` and `Op` are.
    _output: PhantomData<fn() -> (T, Op)>,
}

/// Where a request stands.
enum Call {
    /// Being built: nothing sent yet.
    Building(Parts),
    /// Polled at least once: in flight. Only ever touched through `&mut` (polling), so
    /// sharing a `&Request` across threads exposes nothing of it: `SyncWrapper` keeps the
    /// request `Sync`, though the HTTP future inside is not. Boxed: a request is moved
    /// through its builder calls and into the caller's future, and the builder's parts are
    /// a fraction of the in-flight state.
    Sending(SyncWrapper<Box<Exchange>>),
    /// Its output was returned.
    Done,
}

/// What the builder gathers.
struct Parts {
    client: Client,
    operation: &'static Operation,
    /// Encoded, from the generated code's `PathBuilder`.
    path: String,
    body: Option<Body>,
    format: Format,
    /// Boxed, and only once an option is set: most requests set none, and a small request
    /// is cheap to move through the builder calls.
    options: Option<Box<RequestOptions>>,
    /// The first problem found while building (the path's first of all); reported when the
    /// request is awaited, before anything is sent. Boxed, as it is rare.
    problem: Option<Box<Error>>,
}

impl<T, Op> fmt::Debug for Request<T, Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Request");
        match &self.call {
            Call::Building(parts) => out
                .field("operation", &parts.operation.name)
                .field("path", &parts.path)
                .field("body", &parts.body)
                .field("format", &parts.format)
                .field("options", &parts.options)
                .field("problem", &parts.problem),
            Call::Sending(_) => out.field("state", &"sending"),
            Call::Done => out.field("state", &"done"),
        };
        out.finish_non_exhaustive()
    }
}

/// Building: how generated code describes a call. Not for application code, which gets its
/// requests from the generated methods.
impl<T, Op> Request<T, Op> {
    /// A call of `operation` on `path` (from [`PathBuilder::finish`]), made with a clone of
    /// `client`.
    ///
    /// [`PathBuilder::finish`]: crate::runtime::PathBuilder::finish
    #[doc(hidden)]
    pub fn new(
        client: &Client,
        operation: &'static Operation,
        path: Result<String, Error>,
    ) -> Self {
        let (path, problem) = match path {
            Ok(path) => (path, None),
            Err(error) => (
                String::new(),
                Some(Box::new(error.with_operation(operation.name))),
            ),
        };
        Self {
            call: Call::Building(Parts {
                client: client.clone(),
                operation,
                path,
                body: None,
                format: Format::Envelope,
                options: None,
                problem,
            }),
            _output: PhantomData,
        }
    }

    /// The builder's parts; `None` once the request has been polled, when settings no longer
    /// apply.
    fn parts(&mut self) -> Option<&mut Parts> {
        match &mut self.call {
            Call::Building(parts) => Some(parts),
            Call::Sending(_) | Call::Done => None,
        }
    }

    /// Sends `body` as JSON. It is serialised now; a failure is reported
    /// when the request is awaited.
    #[doc(hidden)]
    pub fn json_body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        if let Some(parts) = self.parts() {
            match serde_json::to_vec(body) {
                Ok(bytes) => {
                    parts.body = Some(Body::Bytes {
                        content_type: "application/json",
                        bytes,
                    });
                }
                Err(e) => parts.note(format!("could not serialise the request body: {e}")),
            }
        }
        self
    }

    /// Sends `form` as `multipart/form-data`. A part that cannot be encoded is reported when
    /// the request is awaited.
    #[doc(hidden)]
    pub fn multipart_body(mut self, form: Form) -> Self {
        if let Some(parts) = self.parts() {
            parts.body = Some(Body::Form(form));
        }
        self
    }

    /// Sends `bytes` as they are, as `content_type`.
    #[doc(hidden)]
    pub fn raw_body(mut self, content_type: &'static str, bytes: Vec<u8>) -> Self {
        if let Some(parts) = self.parts() {
            parts.body = Some(Body::Bytes {
                content_type,
                bytes,
            });
        }
        self
    }

    /// The 2xx body is `T` itself rather than a
    /// `{success, errors, messages, result}` envelope.
    #[doc(hidden)]
    pub fn plain(self) -> Self {
        self.format(Format::Json)
    }

    /// The 2xx body is text (`text/vtt`), handed over as a `String`.
    #[doc(hidden)]
    pub fn text(self) -> Self {
        self.format(Format::Text)
    }

    /// The 2xx body is bytes (an image, a file), handed over as a `Vec<u8>`.
    #[doc(hidden)]
    pub fn bytes(self) -> Self {
        self.format(Format::Bytes)
    }

    fn format(mut self, format: Format) -> Self {
        if let Some(parts) = self.parts() {
            parts.format = format;
        }
        self
    }
}

/// Options: what a caller may set on any request before awaiting it.
impl<T, Op> Request<T, Op> {
    /// Overrides the client's timeout for this request (per attempt).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        if let Some(parts) = self.parts() {
            parts.options().timeout = Some(timeout);
        }
        self
    }

    /// Overrides the client's number of retries for this request; `0` makes
    /// a single attempt.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        if let Some(parts) = self.parts() {
            parts.options().max_retries = Some(max_retries);
        }
        self
    }

    /// Adds a query parameter; repeat a name to send it several times. Name
    /// and value are percent-encoded, so `&`, `=`, `#` or spaces in them
    /// cannot change the URL's structure. An empty name is reported when the
    /// request is awaited.
    pub fn query(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        if let Some(parts) = self.parts() {
            let name = name.as_ref();
            if name.is_empty() {
                parts.note("a query parameter name must not be empty".to_owned());
            } else {
                parts
                    .options()
                    .query
                    .push((name.to_owned(), value.as_ref().to_owned()));
            }
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

    /// Adds a header, replacing a client-wide header of the same name for
    /// this request only. Unlike a client's custom headers it may replace the
    /// credentials' (`Authorization`, `X-Auth-*`), whose values are then kept
    /// out of Debug output as the client's are. Name and value are trimmed and
    /// checked; an invalid one is reported when the request is awaited,
    /// without its value.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        if let Some(parts) = self.parts() {
            match headers::check(name.as_ref(), value.as_ref()) {
                Ok((name, value)) => {
                    parts.options().headers.append(name, value);
                }
                Err(why) => parts.note(why),
            }
        }
        self
    }
}

/// Paging: how a listing ([`Pages`](crate::Pages)) asks for its next page.
impl<T, Op> Request<T, Op> {
    /// A copy of the request as built so far, to send as one page of a listing; `None` once
    /// it was polled, or when building it found a problem (sending it reports that).
    pub(crate) fn duplicate(&self) -> Option<Self> {
        match &self.call {
            Call::Building(parts) if parts.problem.is_none() => Some(Self {
                call: Call::Building(Parts {
                    client: parts.client.clone(),
                    operation: parts.operation,
                    path: parts.path.clone(),
                    body: parts.body.clone(),
                    format: parts.format,
                    options: parts.options.clone(),
                    problem: None,
                }),
                _output: PhantomData,
            }),
            _ => None,
        }
    }

    /// Sets the query parameter `name` to `value` alone, replacing the values it had.
    pub(crate) fn set_query(mut self, name: &str, value: &str) -> Self {
        if let Some(parts) = self.parts() {
            let query = &mut parts.options().query;
            query.retain(|(key, _)| key != name);
            query.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// The last value set for the query parameter `name`.
    pub(crate) fn query_value(&self, name: &str) -> Option<&str> {
        match &self.call {
            Call::Building(parts) => parts
                .options
                .as_ref()?
                .query
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str()),
            Call::Sending(_) | Call::Done => None,
        }
    }

    /// The operation's dotted name, for errors.
    pub(crate) fn operation_name(&self) -> &'static str {
        match &self.call {
            Call::Building(parts) => parts.operation.name,
            Call::Sending(_) | Call::Done => "",
        }
    }
}

impl Parts {
    /// Keeps the first problem found while building.
    fn note(&mut self, message: String) {
        if self.problem.is_none() {
            self.problem = Some(Box::new(Error::InvalidRequest {
                operation: self.operation.name,
                message,
            }));
        }
    }

    /// The options, created when the first is set.
    fn options(&mut self) -> &mut RequestOptions {
        self.options.get_or_insert_default()
    }
}

/// Sending.
impl<T: DeserializeOwned + Serialize, Op> Request<T, Op> {
    /// Sends the request, retrying as the client and request allow, and
    /// returns the decoded value: the same as awaiting the request.
    pub async fn send(self) -> Result<T, Error> {
        self.await
    }

    /// Sends the request and returns the value with the status, headers and
    /// envelope messages.
    pub async fn send_with_response(mut self) -> Result<Response<T>, Error> {
        std::future::poll_fn(move |cx| self.poll_response(cx)).await
    }

    /// Drives the call: the first poll prepares it and starts the first attempt.
    fn poll_response(&mut self, cx: &mut Context<'_>) -> Poll<Result<Response<T>, Error>> {
        loop {
            match &mut self.call {
                Call::Building(_) => {
                    let Call::Building(parts) = std::mem::replace(&mut self.call, Call::Done)
                    else {
                        unreachable!("matched just above");
                    };
                    self.call = Call::Sending(SyncWrapper::new(Box::new(Exchange::start(parts))));
                }
                Call::Sending(exchange) => {
                    let exchange = exchange.get_mut();
                    let Poll::Ready(raw) = exchange.poll_raw(cx) else {
                        return Poll::Pending;
                    };
                    let result = exchange.finish(raw, |operation, raw, format, strict| {
                        let decoded = envelope::decode::<T>(
                            operation,
                            raw.status,
                            &raw.headers,
                            &raw.body,
                            format,
                            strict,
                        )?;
                        Ok(Response {
                            value: decoded.value,
                            status: raw.status,
                            headers: raw.headers,
                            messages: decoded.messages,
                        })
                    });
                    self.call = Call::Done;
                    return Poll::Ready(result);
                }
                Call::Done => panic!("a request was polled after it completed"),
            }
        }
    }
}

/// Awaiting a request sends it and decodes the answer.
///
/// A request is `Unpin`: options set after it was first polled (which only
/// `Pin::new(&mut request)` allows) are ignored, as it is already on its way.
impl<T: DeserializeOwned + Serialize, Op> Future for Request<T, Op> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut()
            .poll_response(cx)
            .map(|result| result.map(|response| response.value))
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

/// A decoded value with the parts of the response around it, from
/// [`send_with_response`](Request::send_with_response).
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
        let request = Request::<(), ()>::new(&client, &GET_VIDEO, path("v"))
            .header("authorization", format!("Bearer {SECRET}"));
        let debug = format!("{request:?}");
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(debug.contains("stream.videos.get"), "{debug}");
    }

    #[test]
    fn requests_own_what_they_need() {
        fn spawnable<F: Future + Send + Sync + Unpin + 'static>(_: &F) {}
        // Built from a client that is then dropped: the request holds its own clone.
        let request = {
            let client = client();
            Request::<std::cell::Cell<u8>, std::cell::Cell<u8>>::new(&client, &GET_VIDEO, path("v"))
        };
        spawnable(&request);
        let future = request.send_with_response();
        fn send_static<F: Future + Send + 'static>(_: &F) {}
        send_static(&future);
    }
}
