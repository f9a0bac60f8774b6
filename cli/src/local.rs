//! The commands that send no request, and so need no credentials or account: `webhook verify`
//! (whether a webhook, its body on stdin and its `Webhook-Signature` header given, is Stream's,
//! by the SDK's `WebhookVerifier`) and `token` (a playback token signed locally, by the SDK's
//! `TokenSigner`).

use std::io::{Read, Write};
use std::time::Duration;

use cloudflare_stream::{TokenSigner, WebhookVerifier};
use serde_json::json;

use crate::failure::{Failed, Failure};

/// Reads the body from stdin, verifies it, and prints the video it is about: `VIDEO STATE` as
/// text, or `{"valid": true, "video": {...}}` as JSON.
pub(crate) fn verify(
    secret: &str,
    signature: &str,
    tolerance: Duration,
    json: bool,
) -> Result<(), Failed> {
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| Failure::Config(format!("cannot read the webhook's body from stdin: {e}")))?;
    let video = WebhookVerifier::new(secret)
        .tolerance(tolerance)
        .verify(signature, &body)
        .map_err(Failure::Webhook)?;
    let line = if json {
        json!({"valid": true, "video": video}).to_string()
    } else {
        let state = video
            .status
            .as_ref()
            .and_then(|status| status.state.as_ref())
            .map_or("-", |state| state.as_str());
        format!(
            "valid: video {} {state}",
            video.uid.as_deref().unwrap_or("-")
        )
    };
    writeln!(std::io::stdout(), "{line}").map_err(|e| Failure::Output(e).into())
}

/// Prints a token for `video`, valid for `expires_in`, signed with the key `key_id` whose
/// private key is in the file `pem`.
pub(crate) fn token(
    video: &str,
    key_id: &str,
    pem: &std::path::Path,
    expires_in: Duration,
) -> Result<(), Failed> {
    let text = std::fs::read_to_string(pem)
        .map_err(|e| Failure::Config(format!("cannot read the key {}: {e}", pem.display())))?;
    let signer =
        TokenSigner::from_pem(key_id, &text).map_err(|e| Failure::Config(e.to_string()))?;
    let token = signer
        .token(video)
        .expires_in(expires_in)
        .sign()
        .map_err(|e| Failure::Config(e.to_string()))?;
    writeln!(std::io::stdout(), "{token}").map_err(|e| Failure::Output(e).into())
}
