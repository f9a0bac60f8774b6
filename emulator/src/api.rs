//! The HTTP face of the emulator: routes, credentials, injected faults, and the
//! `{success, errors, messages, result}` envelope around every reply.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::config::EmulatorConfig;
use crate::connection::Cut;
use crate::fault::{Fault, FaultQueue, retry_after_seconds};
use crate::served;
use crate::spec::Spec;
use crate::spec::collections::Items;
use crate::store::{DownloadKind, DownloadState, Refusal, Store};
use crate::stream::library::Library;
use crate::stream::tus;

/// The error codes the emulator answers with, in the failure envelope's `errors[].code`.
///
/// 10000, 971, 6003/6111 and 7000/7003 are codes Cloudflare's API uses for the same
/// situations; 10005 is the spec's own example; the others are the emulator's choice, in
/// Stream's 10000 range.
pub mod codes {
    /// HTTP 401: credentials missing or wrong; HTTP 403: the credentials do not reach the
    /// account. Message: `Authentication error`.
    pub const AUTHENTICATION_ERROR: i64 = 10000;
    /// HTTP 5xx (or whatever status was injected with [`Fault::Status`](crate::Fault::Status)).
    pub const INJECTED_FAILURE: i64 = 10001;
    /// HTTP 404: no such video in the account.
    pub const VIDEO_NOT_FOUND: i64 = 10005;
    /// HTTP 404: the video has no download of that type (deleting one never created).
    pub const DOWNLOAD_NOT_FOUND: i64 = 10006;
    /// HTTP 400: the `{download_type}` path segment is neither `default` nor `audio`.
    pub const INVALID_DOWNLOAD_TYPE: i64 = 10007;
    /// HTTP 400: the video is still being encoded, so no download can be created yet.
    pub const VIDEO_NOT_READY: i64 = 10008;
    /// HTTP 400: the request body is missing, is not JSON (or a form), or does not match its
    /// schema: `POST .../downloads` without a JSON object (the API expects `{}`), or, with a
    /// spec folder, a body against the operation's schema (413 when too large, 415 for a
    /// `Content-Type` the operation does not take).
    pub const INVALID_REQUEST_BODY: i64 = 10009;
    /// HTTP 400, with a spec folder: a query parameter is missing or does not match its schema.
    pub const INVALID_QUERY: i64 = 10010;
    /// HTTP 400, with a spec folder: a header (or cookie) parameter is missing or does not match
    /// its schema.
    pub const INVALID_HEADER: i64 = 10011;
    /// HTTP 404, with a spec folder: no item with that identifier was created in a collection
    /// the emulator tracks (or it was deleted).
    pub const ITEM_NOT_FOUND: i64 = 10012;
    /// HTTP 429: rate limited; the `Retry-After` header says for how long.
    pub const RATE_LIMITED: i64 = 971;
    /// HTTP 400: a request header is malformed (with [`INVALID_AUTHORIZATION_FORMAT`]).
    pub const INVALID_REQUEST_HEADERS: i64 = 6003;
    /// HTTP 400: `Authorization` is not `Bearer <token>`.
    pub const INVALID_AUTHORIZATION_FORMAT: i64 = 6111;
    /// HTTP 404: no such endpoint.
    pub const NO_ROUTE: i64 = 7000;
    /// HTTP 405: the endpoint exists, not with this method.
    pub const METHOD_NOT_ALLOWED: i64 = 7001;
    /// HTTP 400: an account or video identifier longer than 32 characters; with a spec folder,
    /// any path parameter that does not match its schema.
    pub const INVALID_IDENTIFIER: i64 = 7003;
}

/// Identifiers are at most this many characters long, as in the API description (`maxLength`
/// counts characters, not bytes).
const MAX_IDENTIFIER_LENGTH: usize = 32;

const CF_RAY: HeaderName = HeaderName::from_static("cf-ray");
const X_AUTH_EMAIL: HeaderName = HeaderName::from_static("x-auth-email");
const X_AUTH_KEY: HeaderName = HeaderName::from_static("x-auth-key");

/// Everything the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: EmulatorConfig,
    pub(crate) store: Mutex<Store>,
    pub(crate) faults: FaultQueue,
    pub(crate) requests: AtomicU64,
    /// The spec folder's operations, when the emulator serves one.
    pub(crate) spec: Option<Spec>,
    /// What the spec's collections hold.
    pub(crate) items: Mutex<Items>,
    /// The videos, captions, audio tracks and webhooks the Stream handlers keep. Locked after
    /// `store` when both are needed.
    pub(crate) library: Mutex<Library>,
    /// The webhook notifications sent, with each attempt. Locked alone.
    pub(crate) deliveries: Mutex<Vec<crate::stream::notify::WebhookDelivery>>,
}

impl Shared {
    /// The store, locked. Handlers never await while holding it; a panic while it was held
    /// cannot leave it half-updated (each change is one map operation), so poison is ignored.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The webhook notifications sent, locked alone.
    pub(crate) fn deliveries(&self) -> MutexGuard<'_, Vec<crate::stream::notify::WebhookDelivery>> {
        self.deliveries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The items of the spec's collections, locked, on the same terms as the store.
    pub(crate) fn items(&self) -> MutexGuard<'_, Items> {
        self.items.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The Stream handlers' state, locked, on the same terms as the store (and after it).
    pub(crate) fn library(&self) -> MutexGuard<'_, Library> {
        self.library.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// All routes, under `/client/v4` like the real API, behind the fault and credential gate:
/// the downloads handlers, then, with a spec folder, every operation of the spec.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    const DOWNLOADS: &str = "/client/v4/accounts/{account_id}/stream/{identifier}/downloads";
    const DOWNLOAD: &str =
        "/client/v4/accounts/{account_id}/stream/{identifier}/downloads/{download_type}";
    let api = Router::new()
        .route(
            DOWNLOADS,
            get(list).post(create_default).delete(delete_default),
        )
        .route(DOWNLOAD, post(create_type).delete(delete_type))
        .fallback(served::serve)
        .method_not_allowed_fallback(served::serve_or_refuse_method)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared.clone());
    // The upload service's: faulted like the API, credentials not asked.
    let uploads = Router::new()
        .route(
            "/tus/{uid}",
            axum::routing::head(tus::head)
                .patch(tus::patch)
                .delete(tus::delete)
                .options(tus::options),
        )
        .route("/upload/{uid}", axum::routing::post(tus::direct))
        .layer(middleware::from_fn_with_state(shared.clone(), upload_gate))
        .with_state(shared.clone());
    // Playback, as a customer subdomain serves it: not the API (no credentials, no faults).
    let playback = Router::new()
        .route(
            "/{video}/manifest/{file}",
            get(crate::stream::playback::manifest),
        )
        .with_state(shared.clone());
    // The emulator's own route, outside the gate: never faulted, no credentials.
    crate::control::router(shared)
        .merge(api)
        .merge(uploads)
        .merge(playback)
}

// ---------------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------------

/// A 200 reply: `{"success": true, "errors": [], "messages": [], "result": ...}`.
fn success(result: Value) -> Response {
    Json(json!({"success": true, "errors": [], "messages": [], "result": result})).into_response()
}

/// A failure reply: `{"success": false, "errors": [...], "messages": [], "result": null}`.
#[derive(Debug)]
pub(crate) struct Failure {
    status: StatusCode,
    errors: Vec<Value>,
    retry_after: Option<u64>,
}

impl Failure {
    pub(crate) fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            errors: vec![json!({"code": code, "message": message.into()})],
            retry_after: None,
        }
    }

    /// Adds another entry to `errors`.
    pub(crate) fn and(mut self, code: i64, message: impl Into<String>) -> Self {
        self.errors
            .push(json!({"code": code, "message": message.into()}));
        self
    }

    /// Points the last error at a part of the request, as `source.pointer`.
    pub(crate) fn pointer(mut self, pointer: &str) -> Self {
        if let Some(Value::Object(error)) = self.errors.last_mut() {
            error.insert("source".into(), json!({"pointer": pointer}));
        }
        self
    }

    fn authentication() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            codes::AUTHENTICATION_ERROR,
            "Authentication error",
        )
    }

    fn rate_limited(retry_after: Duration) -> Self {
        let mut failure = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            codes::RATE_LIMITED,
            "Please wait and consider throttling your request speed",
        );
        failure.retry_after = Some(retry_after_seconds(retry_after));
        failure
    }

    fn injected(status: u16) -> Self {
        // A 1xx is not a final answer, and the HTTP crate accepts up to 999.
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(|status| (200..600).contains(&status.as_u16()))
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let reason = status.canonical_reason().unwrap_or("Injected failure");
        Self::new(status, codes::INJECTED_FAILURE, reason)
    }

    fn invalid_identifier(path: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_IDENTIFIER,
            format!("Could not route to {path}, perhaps your object identifier is invalid?"),
        )
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let body = json!({
            "success": false,
            "errors": self.errors,
            "messages": [],
            "result": null,
        });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::AccountNotAccessible => Self::new(
                StatusCode::FORBIDDEN,
                codes::AUTHENTICATION_ERROR,
                "Authentication error",
            )
            .pointer("/account_id"),
            Refusal::VideoNotFound => Self::new(
                StatusCode::NOT_FOUND,
                codes::VIDEO_NOT_FOUND,
                "The video was not found.",
            )
            .pointer("/identifier"),
            Refusal::DownloadNotFound(kind) => Self::new(
                StatusCode::NOT_FOUND,
                codes::DOWNLOAD_NOT_FOUND,
                format!("The video has no {kind} download."),
            )
            .pointer("/download_type"),
            Refusal::VideoNotReady => Self::new(
                StatusCode::BAD_REQUEST,
                codes::VIDEO_NOT_READY,
                "The video is not ready to view yet; create downloads once it is.",
            )
            .pointer("/identifier"),
        }
    }
}

/// A download as the API writes it: `{"percentComplete", "status", "url"?}`.
fn download_json(state: &DownloadState) -> Value {
    let percent = state.percent_complete;
    // Whole numbers as integers, as the API writes `0` and `100`.
    let percent = if percent.fract() == 0.0 {
        json!(percent as i64)
    } else {
        json!(percent)
    };
    let mut download = Map::new();
    download.insert("percentComplete".into(), percent);
    download.insert("status".into(), json!(state.status.as_str()));
    if let Some(url) = &state.url {
        download.insert("url".into(), json!(url));
    }
    Value::Object(download)
}

/// The downloads of a video by type; a type is present only once created.
fn downloads_json(downloads: &[(DownloadKind, DownloadState)]) -> Value {
    Value::Object(
        downloads
            .iter()
            .map(|(kind, state)| (kind.as_str().to_owned(), download_json(state)))
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// The gate: faults, then credentials
// ---------------------------------------------------------------------------------------------

async fn gate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    guarded(&shared, request, next, true).await
}

/// The gate of the upload service: faults as on the API; credentials are checked when a
/// request carries some (tus clients send the API's), not asked for.
async fn upload_gate(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let carries = [header::AUTHORIZATION, X_AUTH_EMAIL, X_AUTH_KEY]
        .iter()
        .any(|name| request.headers().contains_key(name));
    guarded(&shared, request, next, carries).await
}

/// Injected faults first, then (with `authenticate`) the credentials, then the handler.
async fn guarded(shared: &Shared, request: Request, next: Next, authenticate: bool) -> Response {
    let number = shared.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let mut response = match shared.faults.next() {
        Some(Fault::RateLimited { retry_after }) => {
            Failure::rate_limited(retry_after).into_response()
        }
        Some(Fault::Status(status)) => Failure::injected(status).into_response(),
        Some(Fault::Drop) => {
            // Cut the connection: the answer below is never written. Without connect info
            // (a router served some other way) it is a 502, as a proxy would answer.
            match request.extensions().get::<ConnectInfo<Cut>>() {
                Some(ConnectInfo(cut)) => cut.cut(),
                None => return Failure::injected(502).into_response(),
            }
            Failure::injected(502).into_response()
        }
        Some(Fault::Delay(wait)) => {
            tokio::time::sleep(wait).await;
            checked(shared, request, next, authenticate).await
        }
        None => checked(shared, request, next, authenticate).await,
    };
    // A ray ID on every reply, as Cloudflare's edge adds one; clients log it.
    if let Ok(ray) = HeaderValue::from_str(&format!("{number:016x}-EMU")) {
        response.headers_mut().insert(CF_RAY, ray);
    }
    response
}

async fn checked(shared: &Shared, request: Request, next: Next, authenticate: bool) -> Response {
    if !authenticate {
        return next.run(request).await;
    }
    match self::authenticate(&shared.config, request.headers()) {
        Ok(()) => next.run(request).await,
        Err(failure) => failure.into_response(),
    }
}

/// Accepts `Authorization: Bearer <api_token>`, or `X-Auth-Email` + `X-Auth-Key`. Every
/// credential a request carries must be right, and the email and key come together: a wrong or
/// lone `X-Auth-Key` next to the right token is refused, as is a token next to a wrong key.
fn authenticate(config: &EmulatorConfig, headers: &HeaderMap) -> Result<(), Failure> {
    let text = |name: &HeaderName| headers.get(name).map(|value| value.to_str().ok());
    let (email, key) = (text(&X_AUTH_EMAIL), text(&X_AUTH_KEY));
    let key_pair = email.is_some() || key.is_some();
    if key_pair {
        match (email, key) {
            (Some(Some(email)), Some(Some(key)))
                if email == config.api_email && key == config.api_key => {}
            _ => return Err(Failure::authentication()),
        }
    }
    if let Some(authorization) = text(&header::AUTHORIZATION) {
        return match authorization.and_then(|value| value.strip_prefix("Bearer ")) {
            Some(token) if token == config.api_token => Ok(()),
            Some(_) => Err(Failure::authentication()),
            None => Err(Failure::new(
                StatusCode::BAD_REQUEST,
                codes::INVALID_REQUEST_HEADERS,
                "Invalid request headers",
            )
            .and(
                codes::INVALID_AUTHORIZATION_FORMAT,
                "Invalid format for Authorization header",
            )),
        };
    }
    if key_pair {
        Ok(())
    } else {
        Err(Failure::authentication())
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

/// The path parameters of a downloads route, checked.
struct VideoPath {
    account_id: String,
    video_id: String,
    download_type: Option<String>,
}

impl VideoPath {
    fn kind(&self) -> Result<DownloadKind, Failure> {
        let name = self.download_type.as_deref().unwrap_or_default();
        DownloadKind::from_name(name).ok_or_else(|| {
            Failure::new(
                StatusCode::BAD_REQUEST,
                codes::INVALID_DOWNLOAD_TYPE,
                format!("Invalid download type {name:?}: it must be \"default\" or \"audio\"."),
            )
            .pointer("/download_type")
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for VideoPath {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let uri_path = parts.uri.path().to_owned();
        // Fails only on percent-encoding that is not UTF-8.
        let Path(mut params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| Failure::invalid_identifier(&uri_path))?;
        let mut identifier = |name: &str| {
            params
                .remove(name)
                .filter(|value| value.chars().count() <= MAX_IDENTIFIER_LENGTH)
                .ok_or_else(|| Failure::invalid_identifier(&uri_path))
        };
        let account_id = identifier("account_id")?;
        let video_id = identifier("identifier")?;
        Ok(Self {
            account_id,
            video_id,
            download_type: params.remove("download_type"),
        })
    }
}

/// `GET .../downloads`: every download created, by type.
async fn list(State(shared): State<Arc<Shared>>, path: VideoPath) -> Result<Response, Failure> {
    let downloads = shared
        .store()
        .list(&path.account_id, &path.video_id, Instant::now())?;
    Ok(success(downloads_json(&downloads)))
}

/// `POST .../downloads`: creates the default download; the result is the downloads by type
/// with the default one in it (`{"default": {...}}`), as the service answers today.
async fn create_default(
    State(shared): State<Arc<Shared>>,
    path: VideoPath,
    body: Body,
) -> Result<Response, Failure> {
    no_body_or_json_object(&body_bytes(body).await?)?;
    let now = Instant::now();
    let mut store = shared.store();
    store.create(&path.account_id, &path.video_id, DownloadKind::Default, now)?;
    let downloads = store.list(&path.account_id, &path.video_id, now)?;
    let default: Vec<_> = downloads
        .into_iter()
        .filter(|(kind, _)| *kind == DownloadKind::Default)
        .collect();
    Ok(success(downloads_json(&default)))
}

/// `POST .../downloads` takes no body, as the service and Cloudflare's guide have it, or the
/// JSON object older clients send (`{}`); anything else is refused.
fn no_body_or_json_object(body: &[u8]) -> Result<(), Failure> {
    if body.trim_ascii().is_empty() {
        return Ok(());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(_)) => Ok(()),
        _ => Err(Failure::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_REQUEST_BODY,
            "The request body, when there is one, must be a JSON object, such as {}.",
        )
        .pointer("/body")),
    }
}

/// Request bodies larger than this are refused (413), on every route.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// The whole of a request body, or the failure envelope of one over [`MAX_BODY`] (rather than
/// the plain-text 413 of axum's own extractor, whose limit is lower).
pub(crate) async fn body_bytes(body: Body) -> Result<Bytes, Failure> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::INVALID_REQUEST_BODY,
            format!("The request body is larger than {} MiB.", MAX_BODY >> 20),
        )
        .pointer("/body")
    })
}

/// `DELETE .../downloads`: deletes the default download.
async fn delete_default(
    State(shared): State<Arc<Shared>>,
    path: VideoPath,
) -> Result<Response, Failure> {
    shared
        .store()
        .delete(&path.account_id, &path.video_id, DownloadKind::Default)?;
    Ok(success(json!("ok")))
}

/// `POST .../downloads/{download_type}`: creates one download; the result is every download.
async fn create_type(
    State(shared): State<Arc<Shared>>,
    path: VideoPath,
) -> Result<Response, Failure> {
    let kind = path.kind()?;
    let now = Instant::now();
    let mut store = shared.store();
    store.create(&path.account_id, &path.video_id, kind, now)?;
    let downloads = store.list(&path.account_id, &path.video_id, now)?;
    Ok(success(downloads_json(&downloads)))
}

/// `DELETE .../downloads/{download_type}`: deletes one download.
async fn delete_type(
    State(shared): State<Arc<Shared>>,
    path: VideoPath,
) -> Result<Response, Failure> {
    let kind = path.kind()?;
    shared
        .store()
        .delete(&path.account_id, &path.video_id, kind)?;
    Ok(success(json!("ok")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DownloadStatus;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    fn refused(result: Result<(), Failure>) -> (StatusCode, Vec<i64>) {
        match result {
            Ok(()) => panic!("expected a refusal"),
            Err(failure) => (
                failure.status,
                failure
                    .errors
                    .iter()
                    .filter_map(|error| error["code"].as_i64())
                    .collect(),
            ),
        }
    }

    #[test]
    fn accepts_the_configured_token_or_email_and_key() {
        let config = EmulatorConfig::default();
        let token = headers(&[("authorization", "Bearer emulator-token")]);
        assert!(authenticate(&config, &token).is_ok());
        let key = headers(&[
            ("x-auth-email", "user@example.com"),
            ("x-auth-key", "emulator-key"),
        ]);
        assert!(authenticate(&config, &key).is_ok());
        let both = headers(&[
            ("authorization", "Bearer emulator-token"),
            ("x-auth-email", "user@example.com"),
            ("x-auth-key", "emulator-key"),
        ]);
        assert!(authenticate(&config, &both).is_ok());
    }

    #[test]
    fn refuses_missing_wrong_or_malformed_credentials() {
        let config = EmulatorConfig::default();
        let unauthorized = (StatusCode::UNAUTHORIZED, vec![10000]);
        for wrong in [
            headers(&[]),
            headers(&[("authorization", "Bearer nope")]),
            headers(&[("x-auth-email", "user@example.com")]),
            headers(&[("x-auth-email", "user@example.com"), ("x-auth-key", "nope")]),
            headers(&[("x-auth-user-service-key", "emulator-token")]),
            // Every credential sent must be right, and the email and key go together.
            headers(&[
                ("authorization", "Bearer emulator-token"),
                ("x-auth-key", "emulator-key"),
            ]),
            headers(&[
                ("authorization", "Bearer emulator-token"),
                ("x-auth-email", "user@example.com"),
                ("x-auth-key", "nope"),
            ]),
            headers(&[
                ("authorization", "Bearer nope"),
                ("x-auth-email", "user@example.com"),
                ("x-auth-key", "emulator-key"),
            ]),
        ] {
            assert_eq!(
                refused(authenticate(&config, &wrong)),
                unauthorized,
                "{wrong:?}"
            );
        }
        // A token in the key headers, or a wrong scheme, is still refused.
        let basic = headers(&[("authorization", "Basic ZW11bGF0b3I=")]);
        assert_eq!(
            refused(authenticate(&config, &basic)),
            (StatusCode::BAD_REQUEST, vec![6003, 6111])
        );
    }

    #[test]
    fn downloads_are_written_as_the_api_writes_them() {
        let state = |percent_complete, status, url: Option<&str>| DownloadState {
            percent_complete,
            status,
            url: url.map(str::to_owned),
        };
        assert_eq!(
            download_json(&state(0.0, DownloadStatus::InProgress, None)),
            json!({"percentComplete": 0, "status": "inprogress"})
        );
        assert_eq!(
            download_json(&state(75.5, DownloadStatus::InProgress, None)),
            json!({"percentComplete": 75.5, "status": "inprogress"})
        );
        assert_eq!(
            download_json(&state(100.0, DownloadStatus::Ready, Some("https://u"))),
            json!({"percentComplete": 100, "status": "ready", "url": "https://u"})
        );
        assert_eq!(
            download_json(&state(50.0, DownloadStatus::Error, None)),
            json!({"percentComplete": 50, "status": "error"})
        );
    }
}
