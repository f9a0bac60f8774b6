//! The SDK's whole Stream API against the emulator serving the Stream API it was built with
//! (the same `spec/`, embedded, as the emulator binary serves by default): collections remember
//! what was created, items are found and deleted, and the downloads stay stateful beside the
//! other resources.

use std::time::Duration;

use cloudflare_stream::{Client, CreateInputRequest, DownloadType, Stream};
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, seeds};

async fn emulator() -> (Emulator, Client) {
    let emulator = Emulator::start_with(EmulatorConfig {
        stream_api: true,
        generation_time: Duration::ZERO,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("the emulator serves spec/: {e}"));
    let client = Client::builder()
        .strict_decoding(true)
        .api_token(seeds::API_TOKEN)
        .base_url(emulator.base_url())
        .max_retries(0)
        .build()
        .expect("a client");
    (emulator, client)
}

#[tokio::test]
async fn the_emulator_serves_every_operation_of_the_spec() {
    let (emulator, _client) = emulator().await;
    // 45 operations in the folder; the five downloads ones keep their own handlers.
    assert_eq!(emulator.spec_operations(), 40);
}

#[tokio::test]
async fn signing_keys_are_created_listed_and_deleted() {
    let (_emulator, client) = emulator().await;
    let keys = Stream::from(&client).keys();
    let key = keys.create(seeds::ACCOUNT_ID).await.expect("created");
    let id = key.id.clone().expect("a key has an id");
    let listed = keys.list(seeds::ACCOUNT_ID).await.expect("listed");
    assert_eq!(
        listed
            .iter()
            .filter_map(|k| k.id.as_deref())
            .collect::<Vec<_>>(),
        [id.as_str()]
    );
    keys.delete(seeds::ACCOUNT_ID, &id).await.expect("deleted");
    assert!(
        keys.list(seeds::ACCOUNT_ID)
            .await
            .expect("listed")
            .is_empty()
    );
}

#[tokio::test]
async fn a_live_input_is_found_after_it_is_created_and_not_before() {
    let (_emulator, client) = emulator().await;
    let inputs = Stream::from(&client).live_inputs();
    let missing = inputs
        .get(seeds::ACCOUNT_ID, "0123456789abcdef0123456789abcdef")
        .await
        .expect_err("never created");
    assert!(missing.is_not_found(), "{missing:?}");
    let mut request = CreateInputRequest::default();
    request.default_creator = Some("creator-1".into());
    let made = inputs
        .create(seeds::ACCOUNT_ID, &request)
        .await
        .expect("created");
    let uid = made.uid.clone().expect("a live input has a uid");
    let found = inputs.get(seeds::ACCOUNT_ID, &uid).await.expect("found");
    assert_eq!(found.uid, Some(uid));
}

#[tokio::test]
async fn captions_are_listed_and_the_downloads_stay_stateful() {
    let (emulator, client) = emulator().await;
    let stream = Stream::from(&client);
    stream
        .captions()
        .list(seeds::ACCOUNT_ID, seeds::VIDEO_ID)
        .await
        .expect("the captions of a video");
    let downloads = stream.downloads();
    downloads
        .create_type(seeds::ACCOUNT_ID, seeds::VIDEO_ID, DownloadType::Audio)
        .await
        .expect("created");
    let listed = downloads
        .get(seeds::ACCOUNT_ID, seeds::VIDEO_ID)
        .await
        .expect("listed");
    assert!(
        listed.audio.is_some() && listed.default.is_none(),
        "{listed:?}"
    );
    assert_eq!(
        emulator.downloads(seeds::ACCOUNT_ID, seeds::VIDEO_ID).len(),
        1
    );
}
