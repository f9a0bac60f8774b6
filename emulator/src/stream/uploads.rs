//! The ways a video is made: a clip of another video, a copy from a URL, a direct creator
//! upload, a tus upload. Each gets a new identifier, is listed and found from then on, and
//! its downloads routes know it. Clips and copies become ready over the generation time (as
//! downloads do); uploads wait for their bytes (`pendingupload`): a tus upload's come to the
//! upload URL it answers (see `tus.rs`), a direct upload's never do.

use std::time::{Duration, Instant, SystemTime};

use axum::http::{HeaderName, StatusCode, header};
use serde_json::{Map, Value, json};

use super::library::Origin;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::time::rfc3339;
use super::videos::editable;
use super::{Answer, Call, Handled, render, video_not_found};
use crate::config::{SeedVideo, VideoKind};

const STREAM_MEDIA_ID: HeaderName = HeaderName::from_static("stream-media-id");
const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");

/// How long a direct upload URL stays valid when the request names no `expiry`.
const UPLOAD_WINDOW: Duration = Duration::from_secs(30 * 60);

/// `POST /stream/clip`: a clip of a video of the account (404, code 10005, if there is
/// none), `queued` then ready; it echoes `clippedFromVideoUID` (and `clippedFrom`).
pub(super) fn clip(call: &Call<'_>) -> Handled {
    let source = call
        .field("clippedFromVideoUID")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if call.library().video(call.account(), &source).is_none() {
        return Some(Err(video_not_found().pointer("/body/clippedFromVideoUID")));
    }
    let mut fields = fields(call);
    fields.insert("clippedFromVideoUID".into(), json!(source));
    fields.insert("clippedFrom".into(), json!(source));
    let origin = Origin::Encoding {
        since: Instant::now(),
        first: "queued",
    };
    Some(Ok(Answer::result(make(call, origin, fields).1)))
}

/// `POST /stream/copy`: a copy of the video at `url` (or `input`), `downloading` then ready.
pub(super) fn copy(call: &Call<'_>) -> Handled {
    let mut fields = fields(call);
    metadata(call, &mut fields);
    let origin = Origin::Encoding {
        since: Instant::now(),
        first: "downloading",
    };
    Some(Ok(Answer::result(make(call, origin, fields).1)))
}

/// `POST /stream/direct_upload`: a video waiting for its upload, and the one-time URL to
/// upload it to.
pub(super) fn direct_upload(call: &Call<'_>) -> Handled {
    let mut fields = fields(call);
    let expiry = call
        .field("expiry")
        .cloned()
        .unwrap_or_else(|| json!(rfc3339(SystemTime::now() + UPLOAD_WINDOW)));
    fields.insert("uploadExpiry".into(), expiry);
    let (uid, _) = make(call, Origin::PendingUpload, fields.clone());
    call.library().start_direct_upload(call.account(), &uid);
    // Cloudflare answers a one-time URL on its upload service; the emulator is that service.
    let host = call.header("host").unwrap_or("127.0.0.1");
    let mut result = json!({
        "uid": uid,
        "uploadURL": format!("http://{host}/upload/{uid}"),
    });
    if let (Some(when), Value::Object(members)) = (fields.get("scheduledDeletion"), &mut result)
        && !when.is_null()
    {
        members.insert("scheduledDeletion".into(), when.clone());
    }
    Some(Ok(Answer::result(result)))
}

/// `POST /stream` (tus creation): a video waiting for its bytes; 201 with the upload URL in
/// `Location` and the video in `stream-media-id`, no body.
pub(super) fn tus(call: &Call<'_>) -> Handled {
    let mut fields = Map::new();
    metadata(call, &mut fields);
    let (uid, _) = make(call, Origin::PendingUpload, fields);
    let length = call
        .header("upload-length")
        .and_then(|text| text.trim().parse::<u64>().ok())
        .unwrap_or(0);
    call.library().start_upload(call.account(), &uid, length);
    // Cloudflare answers an upload URL on its upload service; the emulator is that service too.
    let host = call.header("host").unwrap_or("127.0.0.1");
    let mut location = format!("http://{host}/tus/{uid}");
    if call.flag("direct_user") {
        location.push_str("?tusv2=true");
    }
    let answer = Answer::nothing()
        .header(header::LOCATION, location)
        .header(STREAM_MEDIA_ID, uid)
        .header(TUS_RESUMABLE, "1.0.0".into());
    // The spec's status, when it gives a 2xx without a body; else the 201 tus answers.
    let created = call
        .op
        .success
        .as_ref()
        .is_none_or(|success| success.media.is_none());
    Some(Ok(if created {
        answer.status(StatusCode::CREATED)
    } else {
        answer
    }))
}

/// The video's fields from the body: the editable ones, `meta.name` from `name`, the creator
/// from the body or the `Upload-Creator` header.
fn fields(call: &Call<'_>) -> Map<String, Value> {
    let mut fields = editable(call.body);
    if let Some(name) = call.field("name").and_then(Value::as_str) {
        set_name(&mut fields, name);
    }
    if !fields.contains_key("creator")
        && let Some(creator) = call.header("upload-creator")
    {
        fields.insert("creator".into(), json!(creator));
    }
    fields
}

fn set_name(fields: &mut Map<String, Value>, name: &str) {
    let meta = fields.entry("meta").or_insert_with(|| json!({}));
    if !meta.is_object() {
        *meta = json!({});
    }
    if let Value::Object(meta) = meta {
        meta.insert("name".into(), json!(name));
    }
}

/// The tus `Upload-Metadata` and `Upload-Creator` headers: `name` (base64), the flag
/// `requiresignedurls`, `thumbnailtimestamppct`; fields the body set first win.
fn metadata(call: &Call<'_>, fields: &mut Map<String, Value>) {
    if !fields.contains_key("creator")
        && let Some(creator) = call.header("upload-creator")
    {
        fields.insert("creator".into(), json!(creator));
    }
    let Some(text) = call.header("upload-metadata") else {
        return;
    };
    for pair in text.split(',') {
        let mut words = pair.split_whitespace();
        let key = words.next().unwrap_or_default().to_ascii_lowercase();
        let value = words
            .next()
            .and_then(|value| STANDARD.decode(value).ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        match (key.as_str(), value) {
            ("name", Some(name)) => {
                let named = fields
                    .get("meta")
                    .and_then(|meta| meta.get("name"))
                    .is_some();
                if !named {
                    set_name(fields, &name);
                }
            }
            ("requiresignedurls", _) => {
                fields.entry("requireSignedURLs").or_insert(json!(true));
            }
            ("maxdurationseconds", Some(seconds)) => {
                if let Ok(seconds) = seconds.trim().parse::<u64>() {
                    fields.entry("maxDurationSeconds").or_insert(json!(seconds));
                }
            }
            ("thumbnailtimestamppct", Some(pct)) => {
                if let Ok(pct) = pct.trim().parse::<f64>()
                    && (0.0..=1.0).contains(&pct)
                {
                    fields.entry("thumbnailTimestampPct").or_insert(json!(pct));
                }
            }
            _ => {}
        }
    }
}

/// Stores a new video and tells the downloads store; its identifier and JSON.
fn make(call: &Call<'_>, origin: Origin, fields: Map<String, Value>) -> (String, Value) {
    let now = Instant::now();
    let settings = call.settings();
    let (kind, ready_at) = match origin {
        Origin::Encoding { since, .. } => {
            (VideoKind::Ready, Some(since + settings.generation_time))
        }
        _ => (VideoKind::Processing, None),
    };
    // The store first, then the library, as everywhere.
    let mut store = call.shared.store();
    let mut library = call.library();
    let uid = library.fresh_id("video");
    library.insert(
        call.account(),
        uid.clone(),
        origin,
        fields,
        SystemTime::now(),
    );
    let seed = SeedVideo::new(call.account(), uid.clone(), "", kind);
    store.add_made(&seed, ready_at);
    let json = library
        .video(call.account(), &uid)
        .map_or(Value::Null, |video| render::video(video, settings, now));
    (uid, json)
}
