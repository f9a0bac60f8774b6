//! Webhooks end to end: the emulator notifies the URL set through the webhook resource when an
//! uploaded video is ready, signed with the webhook's secret, and tries again after a refusal;
//! the SDK's `WebhookVerifier` trusts each attempt and decodes the video.

use std::time::{Duration, Instant};

use cloudflare_stream::{Stream, UploadSource, WebhookRequest, WebhookVerifier};
use cloudflare_stream_emulator::seeds;
use wiremock::ResponseTemplate;

use crate::support::{received, scripted, stream_emulator};

#[tokio::test]
async fn a_ready_upload_is_notified_signed_and_retried_after_a_refusal() {
    let (emulator, client) = stream_emulator(Duration::from_millis(100)).await;
    let stream = Stream::from(&client);
    // The receiver refuses the first attempt, then takes the next.
    let receiver = scripted(vec![ResponseTemplate::new(500), ResponseTemplate::new(200)]).await;
    let settings = stream
        .webhook()
        .update(
            seeds::ACCOUNT_ID,
            &WebhookRequest::new(format!("{}/stream-hook", receiver.uri())),
        )
        .await
        .expect("the webhook is set");
    let secret = settings.secret.expect("a secret");

    let data = vec![7_u8; 10_000];
    let uploaded = stream
        .upload(
            seeds::ACCOUNT_ID,
            UploadSource::reader(std::io::Cursor::new(data), 10_000),
        )
        .await
        .expect("uploaded");

    let started = Instant::now();
    let delivery = loop {
        let delivered = emulator
            .webhook_deliveries()
            .into_iter()
            .find(|delivery| delivery.video_id == uploaded.video_id && delivery.delivered());
        if let Some(delivery) = delivered {
            break delivery;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never delivered"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(delivery.attempts, [Some(500), Some(200)]);

    let requests = received(&receiver).await;
    assert_eq!(requests.len(), 2);
    let verifier = WebhookVerifier::new(&secret);
    for request in &requests {
        assert_eq!(request.url.path(), "/stream-hook");
        let signature = request
            .headers
            .get("webhook-signature")
            .and_then(|value| value.to_str().ok())
            .expect("signed");
        let video = verifier
            .verify(signature, &request.body)
            .unwrap_or_else(|e| panic!("Stream's signature: {e}"));
        assert_eq!(video.uid.as_deref(), Some(uploaded.video_id.as_str()));
        assert_eq!(video.ready_to_stream, Some(true));
        // Another secret does not trust it.
        assert!(
            WebhookVerifier::new("not the secret")
                .verify(signature, &request.body)
                .is_err()
        );
    }
}

#[tokio::test]
async fn a_video_that_fails_to_encode_is_notified_with_its_reason() {
    let (emulator, client) = stream_emulator(Duration::from_millis(50)).await;
    let stream = Stream::from(&client);
    let receiver = scripted(vec![ResponseTemplate::new(204)]).await;
    let secret = stream
        .webhook()
        .update(
            seeds::ACCOUNT_ID,
            &WebhookRequest::new(format!("{}/hook", receiver.uri())),
        )
        .await
        .expect("the webhook is set")
        .secret
        .expect("a secret");
    // Every emulated video is a minute long: longer than this upload allows.
    let too_long = stream
        .upload(
            seeds::ACCOUNT_ID,
            UploadSource::reader(std::io::Cursor::new(vec![2_u8; 100]), 100),
        )
        .max_duration_seconds(5)
        .await
        .expect("uploaded");
    let started = Instant::now();
    while !emulator
        .webhook_deliveries()
        .iter()
        .any(|delivery| delivery.video_id == too_long.video_id && delivery.delivered())
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never delivered"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let requests = received(&receiver).await;
    let last = requests.last().expect("a notification");
    let signature = last
        .headers
        .get("webhook-signature")
        .and_then(|value| value.to_str().ok())
        .expect("signed");
    let video = WebhookVerifier::new(&secret)
        .verify(signature, &last.body)
        .expect("Stream's signature");
    let status = video.status.expect("a status");
    assert_eq!(status.state, Some(cloudflare_stream::MediaState::Error));
    assert_eq!(
        status.error_reason_code.as_deref(),
        Some("ERR_DURATION_EXCEED_CONSTRAINT")
    );
}
