//! `GET .../embed`, the HTML that embeds the requested video's player, and
//! `POST .../token`, a signed-URL token for it: a JWT signed RS256, its `sub` the video, its
//! `kid` the signing key named in the body (its `pem` from the body, or the account's key of
//! that id) or else the emulator's own; the playback route (`playback.rs`) verifies it.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::{Answer, Call, Handled, signing, video_not_found};
use crate::spec::synth::hex_id;

/// How long a token is valid by default, as the API documents: an hour.
const TOKEN_LIFETIME: i64 = 3600;

pub(super) fn embed(call: &Call<'_>) -> Handled {
    let id = call.video_id();
    if call.library().video(call.account(), id).is_none() {
        return Some(Err(video_not_found()));
    }
    Some(Ok(Answer::text(format!(
        "<stream src=\"{id}\"></stream><script data-cfasync=\"false\" defer \
         type=\"text/javascript\" src=\"https://embed.cloudflarestream.com/embed/sdk.latest.js\">\
         </script>"
    ))))
}

pub(super) fn token(call: &Call<'_>) -> Handled {
    let id = call.video_id();
    if call.library().video(call.account(), id).is_none() {
        return Some(Err(video_not_found()));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(0));
    let kid = call
        .field("id")
        .and_then(Value::as_str)
        .map_or_else(|| hex_id("emulator signing key"), str::to_owned);
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(id));
    claims.insert("kid".into(), json!(kid));
    let number = |name: &str, default: i64| {
        call.field(name)
            .filter(|value| value.is_number())
            .cloned()
            .unwrap_or_else(|| json!(default))
    };
    claims.insert("exp".into(), number("exp", now + TOKEN_LIFETIME));
    claims.insert("nbf".into(), number("nbf", now - TOKEN_LIFETIME));
    for name in ["downloadable", "accessRules", "flags"] {
        if let Some(value) = call.field(name) {
            claims.insert(name.into(), value.clone());
        }
    }
    let header = json!({"alg": "RS256", "kid": kid}).to_string();
    let payload = Value::Object(claims).to_string();
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.as_bytes()),
        URL_SAFE_NO_PAD.encode(payload.as_bytes()),
    );
    // The key: the body's `pem`, else the account's key of that id, else the emulator's own.
    let pem = call
        .field("pem")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| super::playback::key_pem(call.shared, &kid));
    let key = signing::key(pem.as_deref().unwrap_or(signing::EMULATOR_KEY_PEM))
        .or_else(|| signing::key(signing::EMULATOR_KEY_PEM));
    let signature = key
        .and_then(|key| signing::sign(&key, signed.as_bytes()))
        .unwrap_or_default();
    let token = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature));
    Some(Ok(Answer::result(json!({"token": token}))))
}
