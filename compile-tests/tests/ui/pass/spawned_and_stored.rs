//! Requests own what they need (a clone of the client): they can be spawned as they are,
//! stored in a struct without a lifetime, and outlive the client and handles they came from.
//! So can a request with optional parameters (here from the `query_and_headers` fixture,
//! compiled outside the runtime's crate, so its setters are traits) and a wait without a
//! borrowing progress callback.
#![deny(warnings)]

use std::time::Duration;

use cloudflare_stream::{
    Client, DownloadType, Error, Request, Response, VideoDownloads, WaitUntilReady,
};

// The `query_and_headers` fixture's generated API, as `crate::models` and `crate::media`.
include!("../../../../codegen/tests/fixtures/query_and_headers/expected.rs");

/// A request kept for later: no lifetime to carry. Its type names the operation.
struct Later {
    listing: Request<VideoDownloads, cloudflare_stream::stream::downloads::ops::Get>,
}

fn later(client: &Client) -> Later {
    Later {
        listing: client
            .stream()
            .downloads()
            .get("023e105f4ecef8ad9ca31a8372d0c353", "ea95132c15732412d22c1476fa83f27a")
            .timeout(Duration::from_secs(5)),
    }
}

async fn spawned() -> Result<(), Error> {
    let (account, video) = ("023e105f4ecef8ad9ca31a8372d0c353", "ea95132c15732412d22c1476fa83f27a");
    let client = Client::builder().api_token("token").build()?;

    // Spawned as it is: the request is the future.
    let listing = tokio::spawn(client.stream().downloads().get(account, video));
    // Or through `IntoFuture`, as the call that failed with E0597 before.
    let created = tokio::spawn(
        client
            .stream()
            .downloads()
            .create_type(account, video, DownloadType::Audio)
            .into_future(),
    );
    // With the status and headers, from an async block that owns the request.
    let request = client.stream().downloads().delete(account, video);
    let deleted = tokio::spawn(async move { request.send_with_response().await });

    // Stored, then sent after the client that built it is gone.
    let stored = later(&client);
    // A request with optional parameters set is spawned the same way.
    use media::setters::List as _;
    let media = media::Media::from(&client).list(account, "cats").limit(10).asc(true);
    // A wait with a `'static` progress callback is spawnable too.
    let wait: WaitUntilReady<'static> = client
        .stream()
        .downloads()
        .wait_until_ready(account, video, DownloadType::Audio)
        .on_progress(|percent| println!("{percent:.0}%"));
    drop(client);
    let media = tokio::spawn(media);
    let waited = tokio::spawn(wait.into_future());
    let stored = tokio::spawn(stored.listing);

    let _: VideoDownloads = listing.await.expect("joined")?;
    let _: VideoDownloads = created.await.expect("joined")?;
    let _: Response<String> = deleted.await.expect("joined")?;
    let _: Vec<String> = media.await.expect("joined")?;
    let _ = waited.await.expect("joined");
    let _: VideoDownloads = stored.await.expect("joined")?;
    Ok(())
}

fn main() {
    // Only compiled, never run.
    let _ = spawned;
}
