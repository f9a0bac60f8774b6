//! Trusting Stream's webhooks in an axum handler: `cargo run --example webhook`.
//!
//! The handler takes the raw body and the `Webhook-Signature` header, and hands both to
//! `WebhookVerifier`, which checks the signature against the webhook secret before anything of
//! the body is believed. To show it working without Cloudflare, the example serves the handler
//! on a loopback port and posts it two notifications signed as Stream signs them: one with the
//! right secret (accepted, 200) and one altered on the way (refused, 401).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use cloudflare_stream::WebhookVerifier;

/// The webhook secret: the `secret` Stream answers when the webhook is set
/// (`client.stream().webhook().update(...)`). In a service, read it from its configuration.
const SECRET: &str = "6f3c2a9b1e8d4c7a5b0e9f2d1c3a4b5e";

async fn webhook(
    State(verifier): State<WebhookVerifier>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers
        .get("webhook-signature")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    match verifier.verify(signature, &body) {
        Ok(video) => {
            let state = video.status.and_then(|status| status.state);
            println!(
                "  accepted: video {} is {}",
                video.uid.as_deref().unwrap_or("-"),
                state.as_ref().map_or("-", |state| state.as_str())
            );
            StatusCode::OK
        }
        Err(error) => {
            println!("  refused: {error}");
            StatusCode::UNAUTHORIZED
        }
    }
}

/// The header Stream sends with `body`: `time=<now>,sig1=<HMAC-SHA256 of "time.body">`, made
/// here with ring (the SDK's own cryptography) for the demonstration.
fn sign_as_stream(secret: &str, body: &str) -> String {
    let time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let tag = ring::hmac::sign(&key, format!("{time}.{body}").as_bytes());
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("time={time},sig1={hex}")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let app = Router::new()
        .route("/webhook", post(webhook))
        .with_state(WebhookVerifier::new(SECRET));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("Stream's webhooks, verified by an axum handler at {url}\n");

    let body = r#"{"uid":"ea95132c15732412d22c1476fa83f27a","readyToStream":true,"status":{"state":"ready"}}"#;
    let signature = sign_as_stream(SECRET, body);
    // An HTTP client with the SDK's TLS set up (reqwest here has no TLS provider of its own).
    let http = cloudflare_stream::http_client_builder()?.build()?;
    for (what, sent) in [
        ("a notification from Stream", body.to_owned()),
        (
            "the same, altered on the way",
            body.replace("ready\"}", "error\"}"),
        ),
    ] {
        println!("{what}:");
        let status = http
            .post(&url)
            .header("Webhook-Signature", &signature)
            .body(sent)
            .send()
            .await?
            .status();
        println!("  answered {status}\n");
    }
    Ok(())
}
