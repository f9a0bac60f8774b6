//! Typed async client for the Cloudflare Stream API.
//!
//! The API methods are generated from Cloudflare's OpenAPI description; this
//! crate's hand-written part is the runtime they stand on: the [`Client`]
//! (credentials, base URL, connection pool, retry policy), prepared
//! [`Request`]s with retries and `tracing` spans, path encoding, response
//! envelopes and the [`Error`] type.

#![warn(missing_docs)]

// Generated code names the runtime as `::cloudflare_stream::...`, which must
// also resolve inside this crate.
extern crate self as cloudflare_stream;

// The runtime generated code stands on.
mod auth;
mod client;
mod env;
mod envelope;
mod error;
mod form;
mod headers;
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
pub use extensions::wait::{
    DEFAULT_POLL_INTERVAL, DEFAULT_WAIT_DEADLINE, WaitError, WaitUntilReady,
};
pub use form::{FilePart, Form};
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
include!(concat!(env!("OUT_DIR"), "/api.rs"));

/// The README's Rust examples, compiled as doctests so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
