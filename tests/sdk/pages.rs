//! `all()`: every video of an account, page after page, against the emulator, which pages as
//! the service does (at most `limit` videos an answer, by creation instant to the second, no
//! cursor). Videos sharing one instant across a page boundary are neither skipped nor
//! repeated; filters hold on every page; a listing that cannot advance says so.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use cloudflare_stream::runtime::{Method, Operation, Paging, PathBuilder};
use cloudflare_stream::{Client, Error, Pages, Request, Stream};
use cloudflare_stream_emulator::{Emulator, EmulatorConfig, SeedVideo, VideoKind, seeds};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{client, envelope, received, scripted};

/// An account of its own, so the seeded videos do not count.
const ACCOUNT: &str = "0123456789abcdef0123456789abcdef";

/// An emulator serving the whole Stream API with `count` videos in [`ACCOUNT`], `per_instant`
/// of them created in each second, oldest first; their ids in creation order.
async fn library(count: usize, per_instant: usize) -> (Emulator, Client, Vec<String>) {
    let emulator = Emulator::start_with(EmulatorConfig {
        stream_api: true,
        generation_time: Duration::ZERO,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("the emulator serves spec/: {e}"));
    let start = SystemTime::now() - Duration::from_secs(86_400);
    let ids: Vec<String> = (0..count).map(|i| format!("{i:032x}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let second = u64::try_from(i / per_instant).expect("small");
        emulator.add_video_created(
            SeedVideo::new(ACCOUNT, id.clone(), format!("video {i}"), VideoKind::Ready),
            start + Duration::from_secs(second),
        );
    }
    let client = Client::builder()
        .strict_decoding(true)
        .api_token(seeds::API_TOKEN)
        .base_url(emulator.base_url())
        .max_retries(0)
        .build()
        .expect("a client");
    (emulator, client, ids)
}

#[tokio::test]
async fn every_video_once_in_creation_order_across_shared_instants() {
    // 2,503 videos, seven to a second: most page boundaries (100 a page) cut an instant.
    let (emulator, client, ids) = library(2_503, 7).await;
    let before = emulator.request_count();
    let mut pages = Stream::from(&client).list(ACCOUNT).limit(100).all();
    let mut listed = Vec::new();
    while let Some(video) = pages.next().await {
        listed.push(video.expect("a video").uid.expect("an id"));
    }
    assert_eq!(listed.len(), ids.len(), "neither skipped nor repeated");
    assert_eq!(listed, ids, "oldest first, each once");
    let requests = pages.requests();
    assert_eq!(
        emulator.request_count() - before,
        u64::try_from(requests).expect("small")
    );
    // Each page after the first asks again for the videos of the instant it starts at (two
    // to seven here), so 26 requests, where 26 pages of 100 would do without them.
    assert_eq!(requests, 26);
}

#[tokio::test]
async fn distinct_instants_take_one_request_a_page_and_one_repeat_each() {
    let (_emulator, client, ids) = library(1_000, 1).await;
    let pages = Stream::from(&client).list(ACCOUNT).limit(250).all();
    let listed = pages.try_collect().await.expect("listed");
    let unique: HashSet<_> = listed.iter().filter_map(|v| v.uid.clone()).collect();
    assert_eq!(unique.len(), ids.len());
    assert_eq!(listed.len(), ids.len());
}

#[tokio::test]
async fn filters_hold_on_every_page() {
    let (_emulator, client, ids) = library(300, 3).await;
    // Only the videos from the 50th second on (index 150 and after), by `start` set by hand:
    // the first page starts there, the next ones from where the listing is.
    let listed = Stream::from(&client).list(ACCOUNT).limit(40).all();
    let all = listed.try_collect().await.expect("listed");
    let from = all[150].created.clone().expect("created");
    let later = Stream::from(&client)
        .list(ACCOUNT)
        .limit(40)
        .start(&from)
        .all()
        .try_collect()
        .await
        .expect("listed");
    let later: Vec<String> = later.into_iter().filter_map(|v| v.uid).collect();
    assert_eq!(later, ids[150..].to_vec());
}

#[tokio::test]
async fn more_videos_in_one_instant_than_a_page_holds_is_an_error_not_a_loop() {
    let (_emulator, client, _ids) = library(30, 30).await;
    let mut pages = Stream::from(&client).list(ACCOUNT).limit(10).all();
    let mut taken = 0;
    let error = loop {
        match pages.next().await {
            Some(Ok(_)) => taken += 1,
            Some(Err(error)) => break error,
            None => panic!("the listing ended without an error after {taken} videos"),
        }
    };
    assert_eq!(taken, 10, "the first page is handed out");
    assert!(
        matches!(&error, Error::Pagination { operation, .. } if *operation == "stream.list"),
        "{error:?}"
    );
    assert!(pages.next().await.is_none(), "the error ends the listing");
}

#[tokio::test]
async fn a_listing_that_matches_nothing_is_one_request() {
    let (_emulator, client, _ids) = library(5, 1).await;
    let mut pages = Stream::from(&client)
        .list(ACCOUNT)
        .search("no video is called this")
        .all();
    assert!(pages.next().await.transpose().expect("listed").is_none());
    assert_eq!(pages.requests(), 1);
}

/// A listing of numbered pages (`page`, `per_page`), as the rest of Cloudflare's API pages.
static NUMBERED: Operation = Operation {
    name: "things.list",
    method: Method::GET,
    path_template: "/accounts/{account_id}/things",
};

#[tokio::test]
async fn numbered_pages_go_on_until_one_is_short() {
    let page = |items: &[&str]| ResponseTemplate::new(200).set_body_json(envelope(json!(items)));
    let server = scripted(vec![page(&["a", "b"]), page(&["c", "d"]), page(&["e"])]).await;
    let client = client(&server.uri());
    let path = PathBuilder::new().literal("/accounts/acc/things").finish();
    let request: Request<Vec<String>, ()> =
        Request::new(&client, &NUMBERED, path).query("kind", "x");
    let pages = Pages::new(
        request,
        Paging::Numbered {
            page: "page",
            per_page: "per_page",
            page_size: 2,
        },
    );
    let items = pages.try_collect().await.expect("listed");
    assert_eq!(items, ["a", "b", "c", "d", "e"]);
    let queries: Vec<String> = received(&server)
        .await
        .iter()
        .map(|request| request.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "kind=x&page=1&per_page=2",
            "kind=x&page=2&per_page=2",
            "kind=x&page=3&per_page=2"
        ]
    );
}

#[tokio::test]
async fn a_listing_is_a_stream_fetching_pages_as_items_are_taken() {
    let (emulator, client, ids) = library(250, 2).await;
    let mut stream = Stream::from(&client)
        .list(ACCOUNT)
        .limit(100)
        .all()
        .into_stream();
    let before = emulator.request_count();
    // Five items: one page asked for.
    let mut listed = Vec::new();
    for _ in 0..5 {
        let video = next(&mut stream).await.expect("an item").expect("a video");
        listed.push(video.uid.expect("an id"));
    }
    assert_eq!(emulator.request_count() - before, 1);
    while let Some(video) = next(&mut stream).await {
        listed.push(video.expect("a video").uid.expect("an id"));
    }
    assert_eq!(listed, ids);
    assert!(next(&mut stream).await.is_none(), "ended");
}

/// The next item of a stream, as `StreamExt::next` gives it.
async fn next<S: futures_core::Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}
