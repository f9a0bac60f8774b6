//! The video resource: `GET /stream` lists the account's videos (filtered and ordered as the
//! API documents), `GET`, `POST` (edit) and `DELETE /stream/{identifier}` act on one, and
//! `GET /stream/storage-usage` counts them.

use std::time::{Instant, SystemTime};

use serde_json::{Map, Value, json};

use super::library::Video;
use super::time::{parse_rfc3339, unix_seconds};
use super::{Answer, Call, Handled, render, video_not_found, with_video};

/// The fields an edit may set (`VideoUpdate`, and `publicDetails` since Cloudflare's 2025
/// SDKs); anything else in the body is not the video's.
pub(super) const EDITABLE: [&str; 9] = [
    "allowedOrigins",
    "creator",
    "maxDurationSeconds",
    "meta",
    "requireSignedURLs",
    "scheduledDeletion",
    "thumbnailTimestampPct",
    "uploadExpiry",
    "publicDetails",
];

/// At most this many videos in one answer, as the API says.
const MAX_LIST: usize = 1000;

/// `GET /stream`: the account's videos, newest first unless `asc=true`, filtered by
/// `status`, `creator`, `type`, `search` (in `meta.name`, any case), `video_name` (`meta.name`
/// exactly), `id` (IDs, comma-separated), `name` (names or IDs, comma-separated),
/// `live_input_id`, `start`/`after` (created at or after) and `end`/`before` (created before),
/// at most `limit`; `include_counts=true` adds `total` (matching) and `range` (listed) beside
/// the result.
pub(super) fn list(call: &Call<'_>) -> Handled {
    let now = Instant::now();
    let settings = call.settings();
    let status = call.query("status");
    let creator = call.query("creator");
    let live_only = call.query("type").is_some_and(|kind| kind == "live");
    let search = call.query("search").map(|text| text.to_lowercase());
    let date = |key: &str, alias: &str| {
        call.query(key)
            .or_else(|| call.query(alias))
            .as_deref()
            .and_then(parse_rfc3339)
    };
    let (start, end) = (date("start", "after"), date("end", "before"));
    let video_name = call.query("video_name");
    let list = |key: &str| {
        call.query(key).map(|text| {
            text.split(',')
                .map(|item| item.trim().to_owned())
                .collect::<Vec<_>>()
        })
    };
    let (ids, names) = (list("id"), list("name"));
    // No video here comes from a live input: a filter by one matches none.
    let from_live_input = call.query("live_input_id").is_some();
    let limit = call
        .query("limit")
        .and_then(|text| text.parse::<usize>().ok())
        .filter(|&limit| limit > 0)
        .map_or(MAX_LIST, |limit| limit.min(MAX_LIST));
    let library = call.library();
    let matches = |video: &&Video| {
        let created = unix_seconds(video.created);
        // Every video here is on demand: none is a live recording.
        !live_only
            && !from_live_input
            && ids.as_ref().is_none_or(|ids| ids.contains(&video.uid))
            && names.as_ref().is_none_or(|names| {
                names
                    .iter()
                    .any(|name| name == &video.uid || name == video.name())
            })
            && video_name
                .as_deref()
                .is_none_or(|name| video.name() == name)
            && status
                .as_deref()
                .is_none_or(|wanted| render::state(video, settings, now).state == wanted)
            && creator
                .as_deref()
                .is_none_or(|wanted| video.creator() == Some(wanted))
            && search
                .as_deref()
                .is_none_or(|text| video.name().to_lowercase().contains(text))
            && start.is_none_or(|start| created >= start)
            && end.is_none_or(|end| created < end)
    };
    let mut found: Vec<&Video> = library
        .videos(call.account())
        .into_iter()
        .filter(matches)
        .collect();
    if !call.flag("asc") {
        found.reverse();
    }
    let total = found.len();
    let listed: Vec<Value> = found
        .into_iter()
        .take(limit)
        .map(|video| render::video(video, settings, now))
        .collect();
    let range = listed.len();
    let mut answer = Answer::result(Value::Array(listed));
    if call.flag("include_counts") {
        answer = answer
            .beside("total", json!(total))
            .beside("range", json!(range));
    }
    Some(Ok(answer))
}

/// `GET /stream/{identifier}`.
pub(super) fn get(call: &Call<'_>) -> Handled {
    let settings = call.settings();
    Some(with_video(call, |video| {
        Answer::result(render::video(video, settings, Instant::now()))
    }))
}

/// `POST /stream/{identifier}`: sets the fields the body carries (`null` clears
/// `scheduledDeletion`), answers the video as it is now.
pub(super) fn edit(call: &Call<'_>) -> Handled {
    let settings = call.settings();
    let changes = editable(call.body);
    Some(with_video(call, |video| {
        video.fields.extend(changes);
        video.modified = SystemTime::now();
        Answer::result(render::video(video, settings, Instant::now()))
    }))
}

/// The editable members of a body.
pub(super) fn editable(body: Option<&Value>) -> Map<String, Value> {
    let Some(Value::Object(body)) = body else {
        return Map::new();
    };
    body.iter()
        .filter(|(name, _)| EDITABLE.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// `DELETE /stream/{identifier}`: the video goes, with its downloads, captions and audio
/// tracks.
pub(super) fn delete(call: &Call<'_>) -> Handled {
    // The store first, then the library: the order every caller locks them in.
    let mut store = call.shared.store();
    let removed = call.library().remove(call.account(), call.video_id());
    if !removed {
        return Some(Err(video_not_found()));
    }
    store.remove_video(call.account(), call.video_id());
    Some(Ok(Answer::result(Value::Null)))
}

/// `GET /stream/storage-usage`: how many videos the account (or `creator`) has and their
/// minutes.
pub(super) fn storage_usage(call: &Call<'_>) -> Handled {
    let creator = call.query("creator");
    let library = call.library();
    let videos: Vec<&Video> = library
        .videos(call.account())
        .into_iter()
        .filter(|video| {
            creator
                .as_deref()
                .is_none_or(|wanted| video.creator() == Some(wanted))
        })
        .collect();
    let minutes = render::minutes(&videos, call.settings(), Instant::now());
    // Whole minutes as an integer: older schemas type the field so.
    let minutes = if minutes.fract() == 0.0 {
        json!(minutes as i64)
    } else {
        json!(minutes)
    };
    let mut result = json!({
        "totalStorageMinutes": minutes,
        "totalStorageMinutesLimit": 1000,
        "videoCount": videos.len(),
    });
    if let (Some(creator), Value::Object(members)) = (creator, &mut result) {
        members.insert("creator".into(), json!(creator));
    }
    Some(Ok(Answer::result(result)))
}
