//! The emulator's own routes, for clients in any language to do over HTTP what tests in Rust
//! do with the `Emulator`:
//!
//! - `/__emulator/faults` queues faults as `Emulator::fail_next` does: `POST` a JSON object
//!   to queue one (`{"status": 503, "count": 2}`, `{"status": 429, "retry_after": 1}`,
//!   `{"drop": true}`, `{"delay": 2.5}`), `GET` to see how many are pending, `DELETE` to drop
//!   them all;
//! - `GET /__emulator/uploads/{video}` is a tus upload as `Emulator::upload` gives it
//!   (`{length, offset, received, sha256}`), so a tus client in any language can prove its
//!   upload byte for byte.
//!
//! They need no credentials, are never faulted and are not counted as requests to the API:
//! they are outside `/client/v4`, where Cloudflare has nothing.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::api::{Failure, Shared, body_bytes, codes};
use crate::fault::Fault;

/// The path of the route.
pub(crate) const FAULTS: &str = "/__emulator/faults";

/// At most this many requests per queued fault, so that a typo cannot fault a whole run.
const MAX_COUNT: u64 = 10_000;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(FAULTS, get(pending).post(queue).delete(clear))
        .route("/__emulator/uploads/{video}", get(upload))
        .with_state(shared)
}

/// A tus upload's state, or 404.
async fn upload(State(shared): State<Arc<Shared>>, Path(video): Path<String>) -> Response {
    let library = shared.library();
    match library.upload(&video) {
        Some(upload) => Json(json!({
            "length": upload.length,
            "offset": upload.offset,
            "received": upload.received,
            "sha256": upload.sha256(),
        }))
        .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such upload"})),
        )
            .into_response(),
    }
}

fn answer(shared: &Shared) -> Response {
    let result = json!({"pending": shared.faults.len()});
    Json(json!({"success": true, "errors": [], "messages": [], "result": result})).into_response()
}

async fn pending(State(shared): State<Arc<Shared>>) -> Response {
    answer(&shared)
}

async fn clear(State(shared): State<Arc<Shared>>) -> Response {
    shared.faults.clear();
    answer(&shared)
}

async fn queue(State(shared): State<Arc<Shared>>, body: Body) -> Result<Response, Failure> {
    let bytes = body_bytes(body).await?;
    let request = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(|| refuse("/body", "must be a JSON object, such as {\"status\": 503}"))?;
    let (count, fault) = read(&request)?;
    shared.faults.push(count, &fault);
    Ok(answer(&shared))
}

fn refuse(pointer: &str, message: &str) -> Failure {
    Failure::new(
        StatusCode::BAD_REQUEST,
        codes::INVALID_REQUEST_BODY,
        format!("{pointer}: {message}"),
    )
    .pointer(pointer)
}

/// The fault a request body asks for, and for how many requests.
fn read(request: &Value) -> Result<(usize, Fault), Failure> {
    let count = match request.get("count") {
        None => 1,
        Some(count) => count
            .as_u64()
            .filter(|count| (1..=MAX_COUNT).contains(count))
            .ok_or_else(|| refuse("/body/count", "must be a whole number from 1 to 10000"))?,
    };
    let seconds = |name: &str| -> Result<Option<Duration>, Failure> {
        let Some(value) = request.get(name) else {
            return Ok(None);
        };
        let wrong = || {
            refuse(
                &format!("/body/{name}"),
                "must be seconds (2.5) or \"500ms\"",
            )
        };
        match value {
            Value::Number(n) => n
                .as_f64()
                .filter(|s| (0.0..=3600.0).contains(s))
                .map(|s| Some(Duration::from_secs_f64(s)))
                .ok_or_else(wrong),
            Value::String(text) => crate::fault::duration(text, "s")
                .map(Some)
                .map_err(|_| wrong()),
            _ => Err(wrong()),
        }
    };
    let drop = request.get("drop").and_then(Value::as_bool) == Some(true);
    let delay = seconds("delay")?;
    let status = request.get("status");
    let fault = match (drop, delay, status) {
        (true, None, None) => Fault::Drop,
        (false, Some(delay), None) => Fault::Delay(delay),
        (false, None, Some(status)) => match status.as_u64() {
            Some(429) => Fault::RateLimited {
                retry_after: seconds("retry_after")?.unwrap_or(Duration::from_secs(1)),
            },
            Some(status @ 200..=599) => Fault::Status(u16::try_from(status).unwrap_or(500)),
            _ => {
                return Err(refuse(
                    "/body/status",
                    "must be an HTTP status from 200 to 599",
                ));
            }
        },
        _ => {
            return Err(refuse(
                "/body",
                "give exactly one of \"status\", \"drop\": true or \"delay\"",
            ));
        }
    };
    let count = usize::try_from(count).unwrap_or(1);
    Ok((count, fault))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_read_from_json() {
        let read = |value: Value| read(&value).map_err(|failure| format!("{failure:?}"));
        assert_eq!(
            read(json!({"status": 503, "count": 2})),
            Ok((2, Fault::Status(503)))
        );
        assert_eq!(
            read(json!({"status": 429, "retry_after": 2})),
            Ok((
                1,
                Fault::RateLimited {
                    retry_after: Duration::from_secs(2)
                }
            ))
        );
        assert_eq!(read(json!({"drop": true})), Ok((1, Fault::Drop)));
        assert_eq!(
            read(json!({"delay": "250ms", "count": 3})),
            Ok((3, Fault::Delay(Duration::from_millis(250))))
        );
        for bad in [
            json!({}),
            json!({"status": 99}),
            json!({"status": 503, "drop": true}),
            json!({"drop": true, "count": 0}),
            json!({"delay": -1}),
            json!({"status": "503"}),
        ] {
            assert!(read(bad.clone()).is_err(), "{bad}");
        }
    }
}
