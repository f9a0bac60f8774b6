//! A video as the API writes it: its own identifier, its state now (seeded videos are ready or
//! still encoding; clips and copies become ready over the generation time; uploads wait for
//! their bytes), the fields set on it, and the URLs of its customer subdomain.

use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::library::{Origin, Video};
use super::time::{rfc3339, rfc3339_after};
use crate::config::VideoKind;
use crate::store::{DownloadStatus, progress};

/// What shapes a rendered video.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings<'a> {
    pub(crate) customer_code: &'a str,
    pub(crate) generation_time: Duration,
}

/// Where a video stands: its `status.state`, percent complete, and since when it is ready.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct State {
    pub(crate) state: &'static str,
    pub(crate) percent: f64,
    /// How long after creation it became ready to stream, once ready.
    pub(crate) ready_after: Option<Duration>,
}

/// The seeded videos' length, in seconds: every ready video is a minute long.
pub(crate) const DURATION: f64 = 60.0;
/// The size of a ready video, in bytes (the spec's example).
const SIZE: u64 = 4_190_963;

pub(crate) fn state(video: &Video, settings: Settings<'_>, now: Instant) -> State {
    match video.origin {
        // A failing seed fails its downloads; the video itself plays.
        Origin::Seeded(VideoKind::Ready | VideoKind::Failing) => State {
            state: "ready",
            percent: 100.0,
            ready_after: Some(Duration::ZERO),
        },
        Origin::Seeded(VideoKind::Broken) => State {
            state: "error",
            percent: 0.0,
            ready_after: None,
        },
        Origin::Seeded(VideoKind::Processing) => State {
            state: "inprogress",
            percent: 50.0,
            ready_after: None,
        },
        Origin::Encoding { since, first } => {
            let elapsed = now.saturating_duration_since(since);
            let (percent, status) = progress(VideoKind::Ready, elapsed, settings.generation_time);
            let state = match status {
                DownloadStatus::Ready => "ready",
                _ if percent == 0.0 => first,
                _ => "inprogress",
            };
            State {
                state,
                percent,
                ready_after: (state == "ready").then_some(settings.generation_time),
            }
        }
        Origin::TooLong { since } => {
            let elapsed = now.saturating_duration_since(since);
            let (percent, status) = progress(VideoKind::Ready, elapsed, settings.generation_time);
            let state = match status {
                DownloadStatus::Ready => "error",
                _ if percent == 0.0 => "queued",
                _ => "inprogress",
            };
            State {
                state,
                percent: if state == "error" { 0.0 } else { percent },
                ready_after: None,
            }
        }
        Origin::PendingUpload => State {
            state: "pendingupload",
            percent: 0.0,
            ready_after: None,
        },
    }
}

/// Why a video in `error` failed: its `errorReasonCode` and text (empty otherwise).
fn error_reason(video: &Video, state: State) -> (&'static str, &'static str) {
    match (state.state, video.origin) {
        ("error", Origin::TooLong { .. }) => (
            "ERR_DURATION_EXCEED_CONSTRAINT",
            "The video is longer than the maxDurationSeconds its upload allowed.",
        ),
        ("error", _) => (
            "ERR_NON_VIDEO",
            "The file was not recognized as a valid video file.",
        ),
        _ => ("", ""),
    }
}

/// The video object of `GET /stream/{identifier}` and of the list.
pub(crate) fn video(video: &Video, settings: Settings<'_>, now: Instant) -> Value {
    let uid = &video.uid;
    let base = format!(
        "https://customer-{}.cloudflarestream.com/{uid}",
        settings.customer_code
    );
    let now_state = state(video, settings, now);
    let ready = now_state.state == "ready";
    let mut object = Map::new();
    // Defaults first, so that the fields set on the video replace them.
    object.insert("allowedOrigins".into(), json!([]));
    object.insert("meta".into(), json!({}));
    object.insert("requireSignedURLs".into(), json!(false));
    object.insert("thumbnailTimestampPct".into(), json!(0));
    for (name, value) in &video.fields {
        // A field cleared with `null` (`scheduledDeletion`) is not shown.
        if !value.is_null() {
            object.insert(name.clone(), value.clone());
        }
    }
    object.insert("uid".into(), json!(uid));
    object.insert("created".into(), json!(rfc3339(video.created)));
    object.insert("modified".into(), json!(rfc3339(video.modified)));
    object.insert(
        "status".into(),
        json!({
            "state": now_state.state,
            "pctComplete": format!("{:.6}", now_state.percent),
            "errorReasonCode": error_reason(video, now_state).0,
            "errorReasonText": error_reason(video, now_state).1,
        }),
    );
    object.insert("readyToStream".into(), json!(ready));
    object.insert(
        "playback".into(),
        json!({"hls": format!("{base}/manifest/video.m3u8"),
               "dash": format!("{base}/manifest/video.mpd")}),
    );
    let uploaded = !matches!(video.origin, Origin::PendingUpload);
    if uploaded {
        object.insert("uploaded".into(), json!(rfc3339(video.created)));
    }
    if let Some(after) = now_state.ready_after {
        object.insert(
            "readyToStreamAt".into(),
            json!(rfc3339_after(video.created, after)),
        );
        // Omitted until encoding is complete, as the API documents.
        object.insert(
            "thumbnail".into(),
            json!(format!("{base}/thumbnails/thumbnail.jpg")),
        );
        object.insert("preview".into(), json!(format!("{base}/watch")));
    }
    let (duration, size, (width, height)) = if ready {
        (json!(DURATION), json!(SIZE), (1920, 1080))
    } else {
        (json!(-1), json!(0), (-1, -1))
    };
    object.insert("duration".into(), duration);
    object.insert("size".into(), size);
    object.insert("input".into(), json!({"width": width, "height": height}));
    Value::Object(object)
}

/// Minutes of video stored: the ready videos' durations.
pub(crate) fn minutes(videos: &[&Video], settings: Settings<'_>, now: Instant) -> f64 {
    let ready = videos
        .iter()
        .filter(|video| state(video, settings, now).state == "ready")
        .count();
    // At most a few thousand videos: the count is exact as a double.
    ready as f64 * DURATION / 60.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::time::SystemTime;

    fn video(origin: Origin) -> Video {
        Video {
            uid: "v".into(),
            origin,
            order: 1,
            created: SystemTime::UNIX_EPOCH,
            modified: SystemTime::UNIX_EPOCH,
            fields: Map::new(),
            captions: BTreeMap::new(),
            audio: Vec::new(),
        }
    }

    const SETTINGS: Settings<'static> = Settings {
        customer_code: "abc",
        generation_time: Duration::from_secs(10),
    };

    #[test]
    fn clips_and_copies_become_ready_over_the_generation_time() {
        let t0 = Instant::now();
        let made = video(Origin::Encoding {
            since: t0,
            first: "queued",
        });
        assert_eq!(state(&made, SETTINGS, t0).state, "queued");
        let half = state(&made, SETTINGS, t0 + Duration::from_secs(5));
        assert_eq!((half.state, half.percent), ("inprogress", 50.0));
        let done = state(&made, SETTINGS, t0 + Duration::from_secs(10));
        assert_eq!(done.state, "ready");
        let json = super::video(&made, SETTINGS, t0 + Duration::from_secs(10));
        assert_eq!(json["readyToStreamAt"], json!("1970-01-01T00:00:10Z"));
        assert_eq!(json["status"]["pctComplete"], json!("100.000000"));
        assert_eq!(
            json["playback"]["hls"],
            json!("https://customer-abc.cloudflarestream.com/v/manifest/video.m3u8")
        );
    }

    #[test]
    fn uploads_wait_and_seeds_are_ready_or_encoding() {
        let now = Instant::now();
        let pending = super::video(&video(Origin::PendingUpload), SETTINGS, now);
        assert_eq!(pending["status"]["state"], json!("pendingupload"));
        assert_eq!(pending["readyToStream"], json!(false));
        assert!(pending.get("thumbnail").is_none() && pending.get("uploaded").is_none());
        let seeded = video(Origin::Seeded(VideoKind::Failing));
        assert_eq!(state(&seeded, SETTINGS, now).state, "ready");
        let busy = video(Origin::Seeded(VideoKind::Processing));
        assert_eq!(state(&busy, SETTINGS, now).state, "inprogress");
        assert_eq!(minutes(&[&seeded, &busy], SETTINGS, now), 1.0);
    }
}
