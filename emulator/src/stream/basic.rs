//! A basic upload, as Stream takes one: `POST /accounts/{account_id}/stream` with a
//! `multipart/form-data` body whose `file` part is the whole video (at most 200 MB), answered
//! with the new video. The bytes are hashed like a tus upload's (`Emulator::upload`), and the
//! video encodes over the generation time; the webhook hears of it when it is ready.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, json};

use super::library::Origin;
use super::{render, tus};
use crate::api::Shared;
use crate::config::{SeedVideo, VideoKind};

/// The account of a basic upload: a `POST` of a form to an account's `/stream`.
pub(crate) fn account_of(request: &Request) -> Option<String> {
    let form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("multipart/form-data"));
    if request.method() != Method::POST || !form {
        return None;
    }
    let path = request.uri().path().strip_prefix("/client/v4/accounts/")?;
    let (account, rest) = path.split_once('/')?;
    (rest == "stream").then(|| account.to_owned())
}

/// Takes the upload: the new video, or a failure envelope.
pub(crate) async fn upload(shared: Arc<Shared>, account: String, request: Request) -> Response {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let limit = usize::try_from(tus::MAX_CHUNK).unwrap_or(usize::MAX) + 1_048_576;
    let Ok(bytes) = axum::body::to_bytes(request.into_body(), limit).await else {
        return failure(
            StatusCode::PAYLOAD_TOO_LARGE,
            "A basic upload is at most 200 MB.",
        );
    };
    let file = crate::multipart::fields(&content_type, &bytes)
        .ok()
        .and_then(|fields| fields.into_iter().find(|(name, _)| name == "file"));
    let Some((_, file)) = file else {
        return failure(StatusCode::BAD_REQUEST, "The form has no `file` part.");
    };
    let now = Instant::now();
    let settings = render::Settings {
        customer_code: &shared.config.customer_code,
        generation_time: shared.config.generation_time,
    };
    let (uid, video) = {
        let mut store = shared.store();
        let mut library = shared.library();
        let uid = library.fresh_id("video");
        library.insert(
            &account,
            uid.clone(),
            Origin::Encoding {
                since: now,
                first: "queued",
            },
            Map::new(),
            SystemTime::now(),
        );
        library.record_basic_upload(&account, &uid, &file);
        store.add_made(
            &SeedVideo::new(&account, &uid, "", VideoKind::Ready),
            Some(now + settings.generation_time),
        );
        let video = library
            .video(&account, &uid)
            .map(|video| render::video(video, settings, now))
            .unwrap_or_default();
        (uid, video)
    };
    super::notify::when_encoded(shared.clone(), account, uid);
    axum::Json(json!({"success": true, "errors": [], "messages": [], "result": video}))
        .into_response()
}

fn failure(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({
            "success": false,
            "errors": [{"code": 10005, "message": message}],
            "messages": [],
            "result": null,
        })),
    )
        .into_response()
}
