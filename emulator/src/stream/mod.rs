//! Hand-written, stateful handlers for the Stream resources Cloudflare keeps state for, used
//! when a spec folder is served (`--spec`): videos (listed, found, edited, deleted; made by
//! clips, copies, direct and tus uploads), storage use, the webhook, captions, audio tracks,
//! the embed code and signed tokens. A request reaches them after the spec has checked it
//! (parameters, body, credentials, account), so they only decide the answer; the answer is
//! then fitted to the operation's response (`answer`). Operations they do not take, and the
//! collections (signing keys, live inputs, watermarks), are answered from the spec.
//!
//! - `library`: the state, behind its own lock;
//! - `videos`, `uploads`: the video resource and the ways videos are made;
//! - `render`: a video as the API writes it;
//! - `webhook`, `captions`, `audio`, `embed_token`: the resources below an account or video;
//! - `watermarks`: the JSON form of a watermark creation, which the spec does not describe;
//! - `time`: dates as the API writes them.

mod answer;
mod audio;
pub(crate) mod basic;
mod captions;
mod embed_token;
pub(crate) mod library;
pub(crate) mod notify;
pub(crate) mod playback;
mod render;
pub(crate) mod signing;
pub(crate) mod time;
pub(crate) mod tus;
mod uploads;
mod videos;
pub(crate) mod watermarks;
mod webhook;

use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::Value;

use crate::api::{Failure, Shared, codes};
use crate::spec::{Operation, Spec};
use answer::Answer;
use library::{Library, Video};

/// One request to a handler: the operation, its path values (by name), query, headers, body.
pub(crate) struct Call<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) spec: &'a Spec,
    pub(crate) op: &'a Operation,
    pub(crate) parts: &'a Parts,
    pub(crate) values: &'a [String],
    pub(crate) body: Option<&'a Value>,
}

impl Call<'_> {
    /// The value of path parameter `name` (empty if the path has none).
    fn path(&self, name: &str) -> &str {
        self.op
            .template
            .params()
            .position(|param| param == name)
            .and_then(|index| self.values.get(index))
            .map_or("", String::as_str)
    }

    /// The account: the first path value.
    fn account(&self) -> &str {
        self.values.first().map_or("", String::as_str)
    }

    /// The video: the second path value.
    fn video_id(&self) -> &str {
        self.values.get(1).map_or("", String::as_str)
    }

    /// The last value of query parameter `name`.
    fn query(&self, name: &str) -> Option<String> {
        let query = self.parts.uri.query()?;
        form_urlencoded::parse(query.as_bytes())
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .last()
    }

    /// A query parameter that is `true`.
    fn flag(&self, name: &str) -> bool {
        self.query(name).is_some_and(|value| value == "true")
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.parts
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
    }

    /// A member of the JSON (or form) body.
    fn field(&self, name: &str) -> Option<&Value> {
        self.body.and_then(|body| body.get(name))
    }

    fn library(&self) -> std::sync::MutexGuard<'_, Library> {
        self.shared.library()
    }

    fn settings(&self) -> render::Settings<'_> {
        render::Settings {
            customer_code: &self.shared.config.customer_code,
            generation_time: self.shared.config.generation_time,
        }
    }
}

/// The handler's response to a request for `op`, or `None` when no handler takes the
/// operation (or its answer cannot fit the spec's response): the spec then answers.
pub(crate) fn handle(call: &Call<'_>) -> Option<Response> {
    let shape = call.op.template.shape();
    let method = &call.op.method;
    let tail = shape.strip_prefix("/accounts/{}/stream")?;
    let handled = match (method, tail) {
        (&Method::GET, "") => videos::list(call),
        (&Method::POST, "") => uploads::tus(call),
        (&Method::POST, "/clip") => uploads::clip(call),
        (&Method::POST, "/copy") => uploads::copy(call),
        (&Method::POST, "/direct_upload") => uploads::direct_upload(call),
        (&Method::GET, "/storage-usage") => videos::storage_usage(call),
        (_, "/webhook") => webhook::handle(call),
        (&Method::GET, "/{}") => videos::get(call),
        (&Method::POST, "/{}") => videos::edit(call),
        (&Method::DELETE, "/{}") => videos::delete(call),
        (
            _,
            "/{}/captions" | "/{}/captions/{}" | "/{}/captions/{}/generate" | "/{}/captions/{}/vtt",
        ) => captions::handle(call, tail),
        (_, "/{}/audio" | "/{}/audio/copy" | "/{}/audio/{}") => audio::handle(call, tail),
        (&Method::GET, "/{}/embed") => embed_token::embed(call),
        (&Method::POST, "/{}/token") => embed_token::token(call),
        _ => return None,
    }?;
    match handled {
        Ok(answer) => answer.write(call.spec, call.op),
        Err(failure) => Some(axum::response::IntoResponse::into_response(failure)),
    }
}

/// What a handler gives: an answer or a refusal; `None` for a method it does not take.
type Handled = Option<Result<Answer, Failure>>;

/// 404, code 10005, as the downloads routes answer for a video the account does not have.
fn video_not_found() -> Failure {
    Failure::new(
        StatusCode::NOT_FOUND,
        codes::VIDEO_NOT_FOUND,
        "The video was not found.",
    )
    .pointer("/path/identifier")
}

/// 404, code 10012: something below a video, or the webhook, that was never made.
fn not_found(what: &str, pointer: &str) -> Failure {
    Failure::new(StatusCode::NOT_FOUND, codes::ITEM_NOT_FOUND, what).pointer(pointer)
}

/// Runs `f` on the call's video, or refuses with 404 10005.
fn with_video<T>(call: &Call<'_>, f: impl FnOnce(&mut Video) -> T) -> Result<T, Failure> {
    let mut library = call.library();
    let video = library
        .video_mut(call.account(), call.video_id())
        .ok_or_else(video_not_found)?;
    Ok(f(video))
}
