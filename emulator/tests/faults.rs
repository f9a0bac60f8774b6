//! Faults queued over HTTP (`/__emulator/faults`) and from the library, against the emulator
//! serving the project's `spec/`: statuses, rate limits, delays, a dropped connection that is
//! never answered, and clearing what is queued.

mod support;

use std::time::{Duration, Instant};

use cloudflare_stream_emulator::{Emulator, Fault, seeds};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use support::{Reply, call, emulator, read};

/// Queues a fault over HTTP; the number pending after.
async fn queue(emulator: &Emulator, fault: Value) -> Reply {
    let response = reqwest::Client::new()
        .post(emulator.faults_url())
        .json(&fault)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    read(response).await
}

#[tokio::test]
async fn faults_are_queued_over_http_and_a_dropped_connection_is_unanswered() {
    let emulator = emulator(Duration::ZERO).await;
    let keys = "/stream/keys";
    let queued = queue(&emulator, json!({"status": 503, "count": 2})).await;
    assert!(queued.content_type.starts_with("application/json"));
    let pending = queued.ok();
    assert_eq!(pending, json!({"pending": 2}));
    queue(&emulator, json!({"status": 429, "retry_after": 2}))
        .await
        .ok();
    for expected in [503, 503] {
        let reply = call(&emulator, Method::GET, keys, None).await;
        assert_eq!(reply.status.as_u16(), expected);
    }
    let limited = reqwest::Client::new()
        .get(format!(
            "{}/accounts/{}{keys}",
            emulator.base_url(),
            seeds::ACCOUNT_ID
        ))
        .bearer_auth(seeds::API_TOKEN)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        limited
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("2")
    );
    call(&emulator, Method::GET, keys, None).await.ok();

    // A dropped connection: no status, no body; the next request is answered.
    queue(&emulator, json!({"drop": true})).await.ok();
    let dropped = reqwest::Client::new()
        .get(format!(
            "{}/accounts/{}{keys}",
            emulator.base_url(),
            seeds::ACCOUNT_ID
        ))
        .bearer_auth(seeds::API_TOKEN)
        .send()
        .await;
    assert!(
        dropped.is_err(),
        "answered: {:?}",
        dropped.map(|r| r.status())
    );
    call(&emulator, Method::GET, keys, None).await.ok();
    // And from the library.
    emulator.fail_next(1, Fault::Drop);
    let dropped = reqwest::Client::new()
        .post(format!(
            "{}/accounts/{}{keys}",
            emulator.base_url(),
            seeds::ACCOUNT_ID
        ))
        .bearer_auth(seeds::API_TOKEN)
        .send()
        .await;
    assert!(dropped.is_err(), "answered");
    assert_eq!(
        call(&emulator, Method::GET, keys, None).await.ok(),
        json!([])
    );

    // A delay, then clearing what is queued.
    queue(&emulator, json!({"delay": "300ms"})).await.ok();
    let started = Instant::now();
    call(&emulator, Method::GET, keys, None).await.ok();
    assert!(started.elapsed() >= Duration::from_millis(300));
    queue(&emulator, json!({"status": 500, "count": 5}))
        .await
        .ok();
    let cleared = reqwest::Client::new()
        .delete(emulator.faults_url())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(read(cleared).await.ok(), json!({"pending": 0}));
    call(&emulator, Method::GET, keys, None).await.ok();

    // A fault the route cannot read is refused; the route itself is never faulted.
    let bad = queue(&emulator, json!({"status": 503, "drop": true})).await;
    assert_eq!(bad.code(StatusCode::BAD_REQUEST), 10009);
    emulator.fail_next(1, Fault::Status(503));
    assert_eq!(
        queue(&emulator, json!({"drop": true})).await.ok(),
        json!({"pending": 2})
    );
}
