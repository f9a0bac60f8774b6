//! tus 1.0.0 uploads, as Cloudflare's upload service takes them: the upload URL that tus
//! creation (`POST /stream` with `Tus-Resumable` and `Upload-Length`) answers in `Location` is
//! `/tus/{uid}` on the emulator itself, where `HEAD` says how many bytes arrived, `PATCH`
//! appends a chunk at `Upload-Offset`, `DELETE` ends the upload (termination) and `OPTIONS`
//! says what the server supports.
//!
//! A direct creator upload's one-time URL, `/upload/{uid}`, takes the whole file in one
//! `multipart/form-data` `POST` ([`direct`]), once.
//!
//! Cloudflare's chunk rules are enforced: every chunk but the last at least 5,242,880 bytes and
//! a multiple of 262,144, none over 209,715,200. The bytes are not kept, only their count and
//! SHA-256 ([`Emulator::upload`](crate::Emulator::upload)), so a test can prove an upload
//! byte for byte. When the last byte arrives the video goes `queued`, `inprogress`, then
//! `ready` over the generation time. Faults apply as on every route; credentials are not asked
//! (an upload URL is a capability), but checked when given.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ring::digest::{Context, SHA256};

use crate::api::Shared;

/// Every chunk but the last is at least this long, as Cloudflare requires.
pub(crate) const MIN_CHUNK: u64 = 5_242_880;
/// And a multiple of this.
pub(crate) const CHUNK_MULTIPLE: u64 = 262_144;
/// No chunk is longer.
pub(crate) const MAX_CHUNK: u64 = 209_715_200;

const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");

/// An upload in progress (or done): its length, the bytes so far and their digest.
#[derive(Clone)]
pub(crate) struct Upload {
    pub(crate) account: String,
    pub(crate) length: u64,
    pub(crate) offset: u64,
    /// Every chunk byte read, taken or refused: more than `offset` when bytes came twice.
    pub(crate) received: u64,
    /// A direct creator upload: its one-time URL takes the whole file in one form.
    pub(crate) direct: bool,
    digest: Context,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("account", &self.account)
            .field("length", &self.length)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

impl Upload {
    pub(crate) fn new(account: &str, length: u64) -> Self {
        Self {
            account: account.to_owned(),
            length,
            offset: 0,
            received: 0,
            direct: false,
            digest: Context::new(&SHA256),
        }
    }

    /// The SHA-256 of the bytes so far, in hexadecimal.
    pub(crate) fn sha256(&self) -> String {
        self.digest
            .clone()
            .finish()
            .as_ref()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// A tus answer: the status, `Tus-Resumable` and the given headers, and a text body for a
/// refusal.
fn answer(status: StatusCode, headers: &[(HeaderName, String)], text: &str) -> Response {
    let mut response = (status, text.to_owned()).into_response();
    let map = response.headers_mut();
    map.insert(TUS_RESUMABLE, HeaderValue::from_static("1.0.0"));
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(name.clone(), value);
        }
    }
    if text.is_empty() {
        map.remove(header::CONTENT_TYPE);
    }
    response
}

fn refuse(status: StatusCode, text: &str) -> Response {
    answer(status, &[], text)
}

/// `Tus-Resumable: 1.0.0`, which every request but `OPTIONS` must carry.
fn speaks_tus(headers: &HeaderMap) -> bool {
    headers
        .get(TUS_RESUMABLE)
        .is_some_and(|value| value == "1.0.0")
}

/// `OPTIONS /tus/{uid}`: the version and extensions.
pub(crate) async fn options() -> Response {
    answer(
        StatusCode::NO_CONTENT,
        &[
            (HeaderName::from_static("tus-version"), "1.0.0".into()),
            (
                HeaderName::from_static("tus-extension"),
                "creation,termination".into(),
            ),
        ],
        "",
    )
}

/// `HEAD /tus/{uid}`: how many bytes arrived, of how many.
pub(crate) async fn head(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !speaks_tus(&headers) {
        return refuse(StatusCode::PRECONDITION_FAILED, "");
    }
    let library = shared.library();
    match library.upload(&uid) {
        Some(upload) => answer(
            StatusCode::OK,
            &[
                (UPLOAD_OFFSET, upload.offset.to_string()),
                (UPLOAD_LENGTH, upload.length.to_string()),
                (header::CACHE_CONTROL, "no-store".into()),
            ],
            "",
        ),
        None => refuse(StatusCode::NOT_FOUND, ""),
    }
}

/// `DELETE /tus/{uid}`: the upload ends, and its video with it.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !speaks_tus(&headers) {
        return refuse(
            StatusCode::PRECONDITION_FAILED,
            "Tus-Resumable: 1.0.0 is required",
        );
    }
    let mut store = shared.store();
    let mut library = shared.library();
    match library.terminate_upload(&uid) {
        Some(account) => {
            store.remove_video(&account, &uid);
            answer(StatusCode::NO_CONTENT, &[], "")
        }
        None => refuse(StatusCode::NOT_FOUND, "no such upload"),
    }
}

/// `PATCH /tus/{uid}`: the chunk at `Upload-Offset`, if it is where the upload stands and
/// follows the chunk rules; `204` with the new offset.
pub(crate) async fn patch(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !speaks_tus(&headers) {
        return refuse(
            StatusCode::PRECONDITION_FAILED,
            "Tus-Resumable: 1.0.0 is required",
        );
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    if content_type != Some("application/offset+octet-stream") {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/offset+octet-stream",
        );
    }
    let Some(offset) = headers
        .get(UPLOAD_OFFSET)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<u64>().ok())
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Upload-Offset is missing or not a number",
        );
    };
    // Where the upload stands, before reading a body that may be refused.
    let (length, expected) = match shared.library().upload(&uid) {
        Some(upload) => (upload.length, upload.offset),
        None => return refuse(StatusCode::NOT_FOUND, "no such upload"),
    };
    if offset != expected {
        return answer(
            StatusCode::CONFLICT,
            &[(UPLOAD_OFFSET, expected.to_string())],
            "Upload-Offset does not match the upload's offset",
        );
    }
    let limit = usize::try_from(MAX_CHUNK).unwrap_or(usize::MAX);
    let Ok(chunk) = axum::body::to_bytes(body, limit.saturating_add(1)).await else {
        return refuse(StatusCode::BAD_REQUEST, "the chunk could not be read");
    };
    let size = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
    shared.library().note_received(&uid, size);
    if size > MAX_CHUNK {
        return refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "a chunk is at most 209,715,200 bytes",
        );
    }
    let end = offset.saturating_add(size);
    if end > length {
        return refuse(
            StatusCode::BAD_REQUEST,
            "the chunk goes past the upload's Upload-Length",
        );
    }
    if end < length && (size < MIN_CHUNK || !size.is_multiple_of(CHUNK_MULTIPLE)) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "every chunk but the last must be at least 5,242,880 bytes and a multiple of 262,144 bytes",
        );
    }
    let generation_time = shared.config.generation_time;
    let mut store = shared.store();
    let mut library = shared.library();
    match library.append_upload(&uid, offset, &chunk, Instant::now()) {
        Ok(Some(done)) => {
            // The last byte: the video is encoded (or fails, longer than its limit), and its
            // downloads can be made once it is ready; the webhook hears of it either way.
            let ready_at = (done.kind == crate::config::VideoKind::Ready)
                .then(|| Instant::now() + generation_time);
            store.add_made(&done, ready_at);
            let account = done.account_id.clone();
            drop((store, library));
            super::notify::when_encoded(shared.clone(), account, uid.clone());
        }
        Ok(None) => {}
        // Another request appended meanwhile.
        Err(now) => {
            return answer(
                StatusCode::CONFLICT,
                &[(UPLOAD_OFFSET, now.to_string())],
                "Upload-Offset does not match the upload's offset",
            );
        }
    }
    answer(
        StatusCode::NO_CONTENT,
        &[(UPLOAD_OFFSET, end.to_string())],
        "",
    )
}

/// Appends `chunk` at `offset` to `upload`, returning whether it is now complete; `Err` with
/// the upload's offset when it is elsewhere.
pub(crate) fn append(upload: &mut Upload, offset: u64, chunk: &[u8]) -> Result<bool, u64> {
    if upload.offset != offset {
        return Err(upload.offset);
    }
    upload.digest.update(chunk);
    upload.offset += u64::try_from(chunk.len()).unwrap_or(u64::MAX);
    Ok(upload.offset == upload.length)
}

/// `POST /upload/{uid}`: a direct creator upload, the whole file as the `file` part of a
/// `multipart/form-data` body, to the one-time URL `POST /stream/direct_upload` answered.
/// `200` once; the URL used again is `409`.
pub(crate) async fn direct(
    State(shared): State<Arc<Shared>>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // A basic upload is at most 200 MB, and the form around it small.
    let limit = usize::try_from(MAX_CHUNK).unwrap_or(usize::MAX) + 1_048_576;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "an upload is at most 200 MB");
    };
    let fields = match crate::multipart::fields(&content_type, &bytes) {
        Ok(fields) => fields,
        Err(why) => return refuse(StatusCode::BAD_REQUEST, &why),
    };
    let Some((_, file)) = fields.into_iter().find(|(name, _)| name == "file") else {
        return refuse(StatusCode::BAD_REQUEST, "the form has no `file` part");
    };
    let generation_time = shared.config.generation_time;
    let done = {
        let mut store = shared.store();
        let mut library = shared.library();
        match library.direct_upload(&uid, &file, Instant::now()) {
            Ok(done) => {
                let ready_at = (done.kind == crate::config::VideoKind::Ready)
                    .then(|| Instant::now() + generation_time);
                store.add_made(&done, ready_at);
                done
            }
            Err(true) => return refuse(StatusCode::CONFLICT, "this upload URL was used"),
            Err(false) => return refuse(StatusCode::NOT_FOUND, "no such upload URL"),
        }
    };
    super::notify::when_encoded(shared.clone(), done.account_id.clone(), uid);
    StatusCode::OK.into_response()
}
