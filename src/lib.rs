//! A typed, async client for the whole **Cloudflare Stream** API: videos (list, get, edit,
//! delete), tus and direct creator uploads, clips and copies, captions, audio tracks, MP4
//! downloads, signing keys and signed tokens, live inputs and their outputs, watermark
//! profiles, the webhook, embed codes and storage use.
//!
//! ```toml
//! [dependencies]
//! cloudflare-stream = "0.1"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! # Quick start
//!
//! ```no_run
//! use cloudflare_stream::{Client, DownloadStatus, DownloadType};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), cloudflare_stream::Error> {
//!     // CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY
//!     let client = Client::from_env()?;
//!     let downloads = client.stream().downloads();
//!     let (account, video) = ("023e105f4ecef8ad9ca31a8372d0c353", "ea95132c15732412d22c1476fa83f27a");
//!
//!     downloads.create_type(account, video, DownloadType::Audio).await?;
//!     let all = downloads.get(account, video).await?; // VideoDownloads { default, audio }
//!     if let Some(audio) = all.audio {
//!         if audio.status == Some(DownloadStatus::Ready) {
//!             println!("{}", audio.url.unwrap_or_default());
//!         }
//!     }
//!     downloads.delete_type(account, video, DownloadType::Audio).await?;
//!     Ok(())
//! }
//! ```
//!
//! # How it is organised
//!
//! - A [`Client`] holds the credentials, base URL, connection pool and retry policy. Build it
//!   with [`Client::from_env`] or [`Client::builder`]; it is cheap to clone (clones share the
//!   pool).
//! - Resources nest as in Cloudflare's official SDKs: [`Client::stream`] (whose own methods are
//!   the videos': `list`, `get`, `edit`, `delete`, `create` for a tus upload), then
//!   [`Stream::downloads`](stream::Stream::downloads), [`Stream::captions`](stream::Stream::captions),
//!   [`Stream::live_inputs`](stream::Stream::live_inputs) and the others, whose methods are
//!   the API's operations. Required path parameters are positional, checked and
//!   percent-encoded; optional query and header parameters are setters.
//! - Each method returns a [`Request`]: set per-call options on it (`timeout`, `max_retries`,
//!   `header`, `query`), then `.await` it for the `result` of Cloudflare's
//!   `{success, errors, messages, result}` envelope, typed. `.send_with_response()` gives the
//!   status, headers (`cf-ray`) and messages too.
//! - Every failure is one [`Error`]: the API's refusal ([`Error::Api`], with every code and
//!   message), no answer ([`Error::Connection`], [`Error::Timeout`]), a request refused before
//!   sending ([`Error::InvalidRequest`]), a body that does not decode ([`Error::Decode`]) or a
//!   client that cannot be built ([`Error::Config`]).
//! - The models ([`Video`], [`VideoDownloads`], [`Caption`], [`LiveInput`], ...) are at the
//!   crate root. Enums keep values they do not know (`DownloadStatus::Unknown`) and unknown
//!   fields are ignored, so a new value from Cloudflare never fails to decode; models are
//!   `#[non_exhaustive]`, so a new field is not a breaking change. Such drift from the spec is
//!   a `tracing` warning, or with [`ClientBuilder::strict_decoding`] (for your tests and CI)
//!   an [`Error::Decode`] naming its JSON pointer.
//!
//! # Requests own what they need
//!
//! A request holds a clone of the client, not a borrow: it can be stored, sent to another
//! task, or spawned as it is. It is its own future (a named type, not a boxed one), and sends
//! nothing until it is first polled.
//!
//! ```no_run
//! # async fn run(client: cloudflare_stream::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let (account, video) = ("023e105f4ecef8ad9ca31a8372d0c353", "ea95132c15732412d22c1476fa83f27a");
//! let listing = tokio::spawn(client.stream().downloads().get(account, video));
//! let downloads = listing.await??;
//! # let _ = downloads;
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//!
//! ```no_run
//! use cloudflare_stream::{Client, Error};
//!
//! # async fn run(client: &Client) -> Result<(), Error> {
//! let (account, video) = ("023e105f4ecef8ad9ca31a8372d0c353", "ea95132c15732412d22c1476fa83f27a");
//! match client.stream().downloads().get(account, video).await {
//!     Ok(downloads) => println!("{downloads:?}"),
//!     Err(e) if e.is_not_found() => println!("no such video"),
//!     Err(Error::Api(api)) => {
//!         // `api` is a `Box<ApiError>`: its fields are read through it.
//!         for error in &api.errors {
//!             println!("{} {}", error.code, error.message);
//!         }
//!         println!("HTTP {}, cf-ray {:?}", api.status, api.headers.get("cf-ray"));
//!     }
//!     Err(e @ (Error::Connection { .. } | Error::Timeout { .. })) => println!("no answer: {e}"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Retries, timeouts, tracing
//!
//! A call is retried twice by default on a connection failure, a timeout, and HTTP 408, 409,
//! 429 and 5xx, with exponential backoff and jitter, honouring `Retry-After`; each attempt has
//! a timeout of 60 s, body included ([`ClientBuilder::max_retries`],
//! [`ClientBuilder::timeout`], or per request). Each call is a `tracing` span `request` with a
//! child span per `attempt`; credentials never appear in spans, errors or `Debug` output.
//!
//! # Waiting for a download
//!
//! [`Downloads::wait_until_ready`](stream::downloads::Downloads::wait_until_ready) polls until
//! a download is ready, failed or past a deadline, with a progress callback: see
//! [`WaitUntilReady`] and [`WaitError`].
//!
//! # HTTP and TLS
//!
//! The client uses [`reqwest`] (re-exported, so its types here always match) over rustls with
//! the platform's certificate verifier. TLS cryptography is ring by default; the `aws-lc-rs`
//! feature chooses aws-lc-rs instead, for post-quantum key exchange and a FIPS option, at the
//! cost of a longer first build. The `workflows` feature (off by default) brings the uploads,
//! the waits for a video or a download, locally signed playback tokens and webhook
//! verification; an application that only calls the API builds about a second less without it. To bring your own `reqwest` client (a proxy, a shared pool),
//! start from [`http_client_builder`] and pass it to [`ClientBuilder::http_client`].
//!
//! # For generated code
//!
//! This crate is also the runtime of code that `cloudflare-stream-codegen` generates from
//! other OpenAPI descriptions: [`Form`] and [`FilePart`] are the multipart bodies of such
//! APIs, and the hidden `runtime` module is what generated methods build their requests with.
//! Application code never needs the latter, and it may change in any release along with the
//! generator.

#![warn(missing_docs)]

// Generated code names the runtime as `::cloudflare_stream::...`, which must
// also resolve inside this crate.
extern crate self as cloudflare_stream;

// The runtime generated code stands on.
mod auth;
mod client;
#[cfg(feature = "workflows")]
mod crypto;
mod drift;
mod env;
mod envelope;
mod error;
mod form;
mod headers;
mod pages;
mod path;
mod request;
mod retry;
#[doc(hidden)]
pub mod runtime;
mod tls;

// Hand-written additions to the generated API.
mod extensions;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder};
pub use error::{ApiError, ApiMessage, Error, MessageSource};
#[cfg(feature = "workflows")]
pub use extensions::ready::{
    DEFAULT_VIDEO_DEADLINE, DEFAULT_VIDEO_POLL_INTERVAL, VideoWaitError, WaitForVideo,
};
#[cfg(feature = "workflows")]
pub use extensions::token::{Token, TokenError, TokenSigner};
#[cfg(feature = "workflows")]
pub use extensions::upload::{
    CHUNK_SIZE_MULTIPLE, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MAX_DIRECT_UPLOAD, MIN_CHUNK_SIZE,
    TusUpload, UploadError, UploadProgress, UploadSource, Uploaded, upload_to_url,
};
#[cfg(feature = "workflows")]
pub use extensions::wait::{
    DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_DEADLINE, WaitError, WaitUntilReady,
};
#[cfg(feature = "workflows")]
pub use extensions::webhook::{WebhookError, WebhookVerifier};
pub use form::{FilePart, Form};
pub use pages::{Pages, PagesStream};
pub use request::{Request, Response};
pub use tls::http_client_builder;

/// The HTTP client this crate is built on, so that what its API takes and gives
/// ([`ClientBuilder::http_client`], [`http_client_builder`], status codes, header maps, the
/// transport error inside [`Error::Connection`]) is always of the version it was built with.
pub use reqwest;

pub use models::*;

impl Client {
    /// The Stream API: `client.stream().downloads().get(account_id, video_id).await?`.
    pub fn stream(&self) -> Stream<'_> {
        Stream::from(self)
    }
}

// The generated API, from `spec/` by `build.rs` (a readable copy is committed in `generated/`):
// `models` with every type, and a module per resource (`stream`, `stream::downloads`, ...).
// A build without `regenerate` (a user's, of the published crate) takes the committed copy.
#[cfg(feature = "regenerate")]
include!(concat!(env!("OUT_DIR"), "/api.rs"));
#[cfg(not(feature = "regenerate"))]
include!("../generated/api.rs");

/// The README's Rust examples, compiled as doctests so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[doc = include_str!("guide.md")]
pub mod guide {}
