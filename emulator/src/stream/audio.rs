//! The additional audio tracks of a video: `POST .../audio/copy` adds one from a URL
//! (`queued`, then `ready` after the generation time, not the default), `GET .../audio`
//! lists them (`{audio: [...]}`, or a bare array where an older spec says so), `PATCH`
//! renames one or makes it the default (the others then are not), `DELETE` removes one.

use std::time::Instant;

use axum::http::Method;
use serde_json::{Value, json};

use super::library::AudioTrack;
use super::{Answer, Call, Handled, not_found, with_video};

pub(super) fn handle(call: &Call<'_>, tail: &str) -> Handled {
    let generation_time = call.shared.config.generation_time;
    let now = Instant::now();
    let json = |track: &AudioTrack| {
        let ready = now.saturating_duration_since(track.since) >= generation_time;
        json!({
            "uid": track.uid,
            "label": track.label,
            "default": track.default,
            "status": if ready { "ready" } else { "queued" },
        })
    };
    let track_id = call.path("audio_identifier").to_owned();
    let missing = || {
        not_found(
            &format!("The video has no audio track {track_id:?}."),
            "/path/audio_identifier",
        )
    };
    let label = call
        .field("label")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let result = match (&call.op.method, tail) {
        (&Method::GET, "/{}/audio") => {
            let bare = lists_bare(call);
            with_video(call, |video| {
                let listed: Vec<Value> = video.audio.iter().map(json).collect();
                Ok(Answer::result(if bare {
                    Value::Array(listed)
                } else {
                    json!({"audio": listed})
                }))
            })
        }
        (&Method::POST, "/{}/audio/copy") => {
            let uid = call.library().fresh_id("audio");
            with_video(call, |video| {
                let track = AudioTrack {
                    uid,
                    label: label.unwrap_or_default(),
                    default: false,
                    since: now,
                };
                let answer = Answer::result(json(&track));
                video.audio.push(track);
                Ok(answer)
            })
        }
        (&Method::PATCH, "/{}/audio/{}") => {
            let default = call.field("default").and_then(Value::as_bool);
            with_video(call, |video| {
                let index = video
                    .audio
                    .iter()
                    .position(|track| track.uid == track_id)
                    .ok_or_else(missing)?;
                if default == Some(true) {
                    for track in &mut video.audio {
                        track.default = false;
                    }
                }
                let track = &mut video.audio[index];
                if let Some(default) = default {
                    track.default = default;
                }
                if let Some(label) = label {
                    track.label = label;
                }
                Ok(Answer::result(json(track)))
            })
        }
        (&Method::DELETE, "/{}/audio/{}") => with_video(call, |video| {
            let before = video.audio.len();
            video.audio.retain(|track| track.uid != track_id);
            if video.audio.len() == before {
                return Err(missing());
            }
            Ok(Answer::ok())
        }),
        _ => return None,
    };
    Some(result.and_then(|inner| inner))
}

/// Whether the served spec lists the tracks as a bare array (Cloudflare's 2024 schema) rather
/// than under `audio`.
fn lists_bare(call: &Call<'_>) -> bool {
    let files = &call.spec.files;
    call.op.result(files).is_some_and(|schemas| {
        let flat = files.flatten(&schemas);
        files.declared_type(&flat) == Some("array")
    })
}
