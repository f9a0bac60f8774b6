//! `upload`: a video file to Stream with tus, resumable, with a progress bar (rate and time
//! left) on a terminal or JSON events with `--json`; with `--wait`, until the video is ready.

use std::path::Path;
use std::time::Duration;

use cloudflare_stream::{UploadProgress, UploadSource, Video};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::commands::Context;
use crate::failure::{Failed, Failure};
use crate::output::print_line;

/// What to upload, and how.
pub(crate) struct Upload<'a> {
    pub(crate) file: &'a Path,
    pub(crate) name: Option<&'a str>,
    pub(crate) require_signed_urls: bool,
    pub(crate) chunk_size: Option<u64>,
    pub(crate) resume: Option<&'a str>,
    /// Wait until the video is ready, polling at this interval.
    pub(crate) wait: Option<Duration>,
}

impl Context<'_> {
    /// Uploads the file; prints the video's id and upload URL (or JSON events).
    pub(crate) async fn upload(&self, upload: &Upload<'_>) -> Result<(), Failed> {
        let stream = self.client.stream();
        let name = upload.name.map(str::to_owned).or_else(|| {
            upload
                .file
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
        });
        let mut request = stream
            .upload(self.account, UploadSource::path(upload.file))
            .require_signed_urls(upload.require_signed_urls);
        if let Some(name) = name {
            request = request.name(name);
        }
        if let Some(size) = upload.chunk_size {
            request = request.chunk_size(size);
        }
        if let Some(url) = upload.resume {
            request = request.resume(url);
        }
        let bar = (!self.json).then(bytes_bar);
        let json = self.json;
        let saved = self.progress.upload_url();
        let uploaded = request
            .on_progress(|progress: UploadProgress<'_>| {
                if let Ok(mut url) = saved.lock() {
                    url.get_or_insert_with(|| progress.upload_url.to_owned());
                }
                if let Some(bar) = &bar {
                    bar.set_length(progress.length);
                    bar.set_position(progress.uploaded);
                }
                if json {
                    // A closed stdout shows at the final line, which reports it.
                    let _ = print_line(&json!({
                        "event": "progress",
                        "video_id": progress.video_id,
                        "upload_url": progress.upload_url,
                        "uploaded": progress.uploaded,
                        "length": progress.length,
                    }));
                }
            })
            .await;
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let uploaded = uploaded.map_err(Failure::Upload)?;
        if let Ok(mut url) = saved.lock() {
            url.take();
        }
        if json {
            print_line(&json!({
                "event": "uploaded",
                "video_id": uploaded.video_id,
                "upload_url": uploaded.upload_url,
                "length": uploaded.length,
            }))
            .map_err(Failure::Output)?;
        } else {
            print_line(&format!(
                "Uploaded video {} ({} bytes).\nUpload URL: {}",
                uploaded.video_id, uploaded.length, uploaded.upload_url
            ))
            .map_err(Failure::Output)?;
        }
        let Some(interval) = upload.wait else {
            return Ok(());
        };
        let video: Video = stream
            .wait_until_video_ready(self.account, &uploaded.video_id)
            .poll_interval(interval)
            .await
            .map_err(Failure::VideoWait)?;
        if json {
            print_line(&json!({"event": "ready", "video": video})).map_err(Failure::Output)?;
        } else {
            let state = video
                .status
                .as_ref()
                .and_then(|status| status.state.as_ref())
                .map_or("ready", |state| state.as_str());
            print_line(&format!("Video {} is {state}.", uploaded.video_id))
                .map_err(Failure::Output)?;
        }
        Ok(())
    }
}

/// A progress bar in bytes, with the rate and the time left; drawn on a terminal only.
fn bytes_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}
