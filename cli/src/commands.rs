//! The `downloads` commands: each calls the SDK and hands what it got to [`output`].

use std::time::Duration;

use cloudflare_stream::{Client, Download, DownloadType, VideoDownloads};
use futures_util::future::join_all;
use indicatif::MultiProgress;

use crate::output::{self, Failure};

/// What every command needs.
pub(crate) struct Context<'a> {
    pub(crate) client: &'a Client,
    pub(crate) account: &'a str,
    pub(crate) json: bool,
}

/// How `create --wait` waits.
pub(crate) struct Wait {
    pub(crate) poll_interval: Duration,
    pub(crate) timeout: Duration,
}

impl Context<'_> {
    pub(crate) async fn list(&self, video: &str) -> Result<(), Vec<Failure>> {
        let downloads = self
            .client
            .stream()
            .downloads()
            .get(self.account, video)
            .await
            .map_err(|error| vec![Failure::Sdk(error)])?;
        output::downloads(video, &rows(&downloads), self.json);
        Ok(())
    }

    /// Creates each type in turn; with `wait`, then follows them all at once.
    pub(crate) async fn create(
        &self,
        video: &str,
        types: &[DownloadType],
        wait: Option<Wait>,
    ) -> Result<(), Vec<Failure>> {
        let downloads = self.client.stream().downloads();
        let mut latest = VideoDownloads::default();
        for download_type in types {
            latest = downloads
                .create_type(self.account, video, download_type.clone())
                .await
                .map_err(|error| vec![Failure::Sdk(error)])?;
        }
        let Some(wait) = wait else {
            let created: Vec<_> = rows(&latest)
                .into_iter()
                .filter(|(download_type, _)| types.contains(download_type))
                .collect();
            output::downloads(video, &created, self.json);
            return Ok(());
        };

        // Drawn on stderr, and only on a terminal: stdout stays clean for the result.
        let bars = MultiProgress::new();
        let waits = types.iter().map(|download_type| {
            let bar = bars.add(output::progress_bar(download_type));
            let on_progress = {
                let bar = bar.clone();
                move |percent: f64| bar.set_position(percent as u64)
            };
            let waiting = downloads
                .wait_until_ready(self.account, video, download_type.clone())
                .poll_interval(wait.poll_interval)
                .deadline(wait.timeout)
                .on_progress(on_progress);
            async move {
                let result = waiting.await;
                match &result {
                    Ok(_) => bar.finish_with_message("ready"),
                    Err(_) => bar.abandon_with_message("failed"),
                }
                (download_type.clone(), result)
            }
        });
        let results = join_all(waits).await;
        if !bars.is_hidden() {
            // Drawn bars leave the cursor at the end of the last one.
            eprintln!();
        }

        let mut shown = Vec::new();
        let mut failures = Vec::new();
        for (download_type, result) in results {
            match result {
                Ok(download) => shown.push((download_type, download)),
                Err(error) => {
                    if let Some(last) = error.last_download() {
                        shown.push((download_type, last.clone()));
                    }
                    failures.push(Failure::Wait(error));
                }
            }
        }
        output::downloads(video, &shown, self.json);
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures)
        }
    }

    /// Deletes each type in turn, stopping at the first failure.
    pub(crate) async fn delete(
        &self,
        video: &str,
        types: &[DownloadType],
    ) -> Result<(), Vec<Failure>> {
        let downloads = self.client.stream().downloads();
        let mut deleted = Vec::new();
        for download_type in types {
            let result = downloads
                .delete_type(self.account, video, download_type.clone())
                .await;
            if let Err(error) = result {
                output::deleted(video, &deleted, self.json);
                return Err(vec![Failure::Sdk(error)]);
            }
            deleted.push(download_type.clone());
        }
        output::deleted(video, &deleted, self.json);
        Ok(())
    }
}

/// The downloads present, default first.
fn rows(downloads: &VideoDownloads) -> Vec<(DownloadType, Download)> {
    [
        (DownloadType::Default, &downloads.default),
        (DownloadType::Audio, &downloads.audio),
    ]
    .into_iter()
    .filter_map(|(download_type, download)| {
        download
            .as_ref()
            .map(|download| (download_type, download.clone()))
    })
    .collect()
}
