//! `webhook verify`: whether a webhook (its body on stdin, its `Webhook-Signature` header
//! given) is Stream's, by the SDK's `WebhookVerifier`. No request is sent: no credentials or
//! account are needed.

use std::io::{Read, Write};
use std::time::Duration;

use cloudflare_stream::WebhookVerifier;
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
