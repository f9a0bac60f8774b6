//! A consumer calling every downloads operation, with per-request options and raw access.
#![deny(warnings)]

use std::time::Duration;

use cloudflare_stream::{
    Client, CreatedDownload, Download, DownloadStatus, DownloadType, Error, VideoDownloads,
};

async fn every_operation(client: &Client) -> Result<(), Error> {
    let account = "023e105f4ecef8ad9ca31a8372d0c353";
    let video = "ea95132c15732412d22c1476fa83f27a";
    let downloads = client.stream().downloads();

    let listed: VideoDownloads = downloads.get(account, video).await?;
    let _ready = listed.default.and_then(|d| d.status) == Some(DownloadStatus::Ready);

    let made: CreatedDownload = downloads
        .create(account, video)
        .timeout(Duration::from_secs(5))
        .await?;
    let default: &Download = made.download();
    let _progress: Option<f64> = default.percent_complete;

    let audio: VideoDownloads = downloads
        .create_type(account, video, DownloadType::Audio)
        .header("x-request-source", "compile-test")
        .await?;
    let _url: Option<String> = audio.audio.and_then(|d| d.url);

    let deleted: String = downloads.delete_type(account, video, DownloadType::Audio).await?;
    let all_deleted: String = downloads.delete(account, video).send().await?;
    let _ = (deleted, all_deleted);

    let raw = downloads.get(account, video).send_with_response().await?;
    let _ = (raw.status, raw.headers.get("cf-ray"), raw.value);
    Ok(())
}

fn main() {
    // Only compiled, never run: holding the future proves it is `Send`.
    fn assert_send<T: Send>(_: T) {}
    if let Ok(client) = Client::builder().api_token("token").build() {
        assert_send(every_operation(&client));
    }
}
