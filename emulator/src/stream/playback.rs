//! Playback, as a customer's Stream subdomain serves it: `GET /{video}/manifest/video.m3u8`
//! (and `video.mpd`), where `{video}` is a video's identifier or a signed token for it. A video
//! that requires signed URLs plays only with a token the service accepts:
//!
//! - a JWT signed RS256 by the account's signing key its `kid` names (`keys.create`'s `pem`),
//!   or by the emulator's own key (what `POST .../token` signs with by default);
//! - within `nbf` and `exp`; for the video in `sub`;
//! - whose `accessRules`, in order, do not block this request: the first rule that matches
//!   decides (`any`; `ip.src` against the emulator's loopback peer; a country never matches
//!   loopback), and none matching allows it.
//!
//! A refused token is 401 (forged, wrongly keyed, expired, not yet valid, another video's) or
//! 403 (blocked by a rule), with the reason as text; an unknown video is 404. Playback is not
//! the API: no credentials, no faults, not counted.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::signing;
use crate::api::Shared;
use crate::spec::synth::hex_id;

/// The `kid` of the emulator's own signing key.
pub(crate) fn emulator_kid() -> String {
    hex_id("emulator signing key")
}

/// The `pem` of the signing key `kid`: one the API made, or the emulator's own.
pub(crate) fn key_pem(shared: &Shared, kid: &str) -> Option<String> {
    if kid == emulator_kid() {
        return Some(signing::EMULATOR_KEY_PEM.to_owned());
    }
    shared
        .items()
        .find(kid)
        .and_then(|item| item.get("pem"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// `GET /{video}/manifest/{file}`: an HLS (or DASH) manifest, if the video plays.
pub(crate) async fn manifest(
    State(shared): State<Arc<Shared>>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    if file != "video.m3u8" && file != "video.mpd" {
        return refuse(StatusCode::NOT_FOUND, "no such manifest");
    }
    let video = if id.split('.').count() == 3 {
        match check_token(&shared, &id) {
            Ok(video) => video,
            Err((status, reason)) => return refuse(status, reason),
        }
    } else {
        let library = shared.library();
        match library.find_video(&id) {
            None => return refuse(StatusCode::NOT_FOUND, "no such video"),
            Some(video) if requires_signed_urls(video) => {
                return refuse(
                    StatusCode::UNAUTHORIZED,
                    "this video requires a signed URL: play it with a token",
                );
            }
            Some(video) => video.uid.clone(),
        }
    };
    let body = if file == "video.m3u8" {
        format!(
            "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-STREAM-INF:BANDWIDTH=1500000,RESOLUTION=1280x720\n{video}/720p.m3u8\n"
        )
    } else {
        format!("<?xml version=\"1.0\"?><MPD><!-- {video} --></MPD>\n")
    };
    let kind = if file == "video.m3u8" {
        "application/vnd.apple.mpegurl"
    } else {
        "application/dash+xml"
    };
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}

fn refuse(status: StatusCode, reason: &str) -> Response {
    (status, format!("{reason}\n")).into_response()
}

fn requires_signed_urls(video: &super::library::Video) -> bool {
    video.fields.get("requireSignedURLs") == Some(&Value::Bool(true))
}

/// Why a token does not play: the status and the reason.
type Refusal = (StatusCode, &'static str);

/// The video a token lets play, or the refusal.
fn check_token(shared: &Shared, token: &str) -> Result<String, Refusal> {
    let unauthorized = |reason: &'static str| (StatusCode::UNAUTHORIZED, reason);
    let mut parts = token.split('.');
    let (Some(head), Some(body), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(unauthorized("not a token"));
    };
    let json = |part: &str| -> Option<Value> {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
    };
    let (Some(header), Some(claims)) = (json(head), json(body)) else {
        return Err(unauthorized(
            "not a token: its header or claims are not JSON",
        ));
    };
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(unauthorized("a token is signed RS256"));
    }
    let kid = header
        .get("kid")
        .or_else(|| claims.get("kid"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(key) = key_pem(shared, kid).and_then(|pem| signing::key(&pem)) else {
        return Err(unauthorized(
            "the token names no signing key of this account",
        ));
    };
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap_or_default();
    if !signing::verify(&key, format!("{head}.{body}").as_bytes(), &signature) {
        return Err(unauthorized("the token's signature is not its key's"));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64());
    let number = |name: &str| claims.get(name).and_then(Value::as_f64);
    if number("exp").is_some_and(|exp| now >= exp) {
        return Err(unauthorized("the token expired"));
    }
    if number("nbf").is_some_and(|nbf| now < nbf) {
        return Err(unauthorized("the token is not valid yet"));
    }
    let video = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if shared.library().find_video(video).is_none() {
        return Err((StatusCode::NOT_FOUND, "no such video"));
    }
    let rules = claims
        .get("accessRules")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for rule in &rules {
        if !matches_rule(rule) {
            continue;
        }
        return match rule.get("action").and_then(Value::as_str) {
            Some("block") => Err((StatusCode::FORBIDDEN, "an access rule blocks this request")),
            _ => Ok(video.to_owned()),
        };
    }
    Ok(video.to_owned())
}

/// Whether an access rule matches a request from the emulator's loopback peer.
fn matches_rule(rule: &Value) -> bool {
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    match rule.get("type").and_then(Value::as_str) {
        Some("any") => true,
        Some("ip.src") => rule
            .get("ip")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|range| in_range(loopback, range)),
        // A country is never that of a loopback address.
        _ => false,
    }
}

/// Whether `ip` is `range` (an address, or `address/prefix`).
fn in_range(ip: IpAddr, range: &str) -> bool {
    let (address, prefix) = match range.split_once('/') {
        Some((address, prefix)) => (address, prefix.parse::<u32>().ok()),
        None => (range, None),
    };
    let (Ok(IpAddr::V4(network)), IpAddr::V4(ip)) = (address.trim().parse::<IpAddr>(), ip) else {
        return address.trim().parse::<IpAddr>().ok() == Some(ip);
    };
    let bits = prefix.unwrap_or(32).min(32);
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    u32::from(network) & mask == u32::from(ip) & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_match_by_prefix() {
        let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert!(in_range(loopback, "127.0.0.1"));
        assert!(in_range(loopback, "127.0.0.0/8"));
        assert!(in_range(loopback, "0.0.0.0/0"));
        assert!(!in_range(loopback, "10.0.0.0/8"));
        assert!(!in_range(loopback, "::1"));
    }
}
