//! The `downloads` commands: each calls the SDK and hands what it got to [`output`].

use std::time::Duration;

use cloudflare_stream::{Client, Download, DownloadType, VideoDownloads};
use futures_util::future::join_all;
use indicatif::MultiProgress;

use crate::failure::{Action, Failed, Failure, Progress};
use crate::output;

/// What every command needs.
pub(crate) struct Context<'a> {
    pub(crate) client: &'a Client,
    pub(crate) account: &'a str,
    pub(crate) json: bool,
    /// What the command has changed so far, should Ctrl-C stop it.
    pub(crate) progress: &'a Progress,
}

/// How `create --wait` waits.
pub(crate) struct Wait {
    pub(crate) poll_interval: Duration,
    pub(crate) timeout: Duration,
}

impl Context<'_> {
    pub(crate) async fn list(&self, video: &str) -> Result<(), Failed> {
        let downloads = self
            .client
            .stream()
            .downloads()
            .get(self.account, video)
            .await
            .map_err(Failure::Sdk)?;
        output::downloads(video, &rows(&downloads), self.json).map_err(Failure::Output)?;
        Ok(())
    }

    /// Creates each type in turn, stopping at the first failure; with `wait`, then follows
    /// them all at once.
    ///
    /// On success, and when waiting ends with downloads failed or still going (exit 3 or 4),
    /// stdout has each download's last state. Otherwise it is empty, and the error names the
    /// downloads created before the failure.
    pub(crate) async fn create(
        &self,
        video: &str,
        types: &[DownloadType],
        wait: Option<Wait>,
    ) -> Result<(), Failed> {
        let downloads = self.client.stream().downloads();
        let mut latest = VideoDownloads::default();
        for (done, download_type) in types.iter().enumerate() {
            latest = downloads
                .create_type(self.account, video, download_type.clone())
                .await
                .map_err(|error| {
                    Failed::from(Failure::Sdk(error)).after(Action::Created, &types[..done])
                })?;
            self.progress.record(Action::Created, &types[..=done]);
        }
        let Some(wait) = wait else {
            let created: Vec<_> = rows(&latest)
                .into_iter()
                .filter(|(download_type, _)| types.contains(download_type))
                .collect();
            return output::downloads(video, &created, self.json).map_err(|error| {
                Failed::from(Failure::Output(error)).after(Action::Created, types)
            });
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

        let created = rows(&latest);
        let mut shown = Vec::new();
        let mut failures = Vec::new();
        for (download_type, result) in results {
            let last = match result {
                Ok(download) => Some(download),
                Err(error) => {
                    // Seen last while waiting, or else when it was created.
                    let last = error.last_download().cloned().or_else(|| {
                        created
                            .iter()
                            .find(|(created_type, _)| *created_type == download_type)
                            .map(|(_, download)| download.clone())
                    });
                    failures.push(Failure::Wait(error));
                    last
                }
            };
            if let Some(last) = last {
                shown.push((download_type, last));
            }
        }
        // Downloads that failed or were still going have a last state to show; a failure to ask
        // leaves the result incomplete, and stdout empty.
        if failures.iter().all(Failure::is_download_outcome)
            && let Err(error) = output::downloads(video, &shown, self.json)
        {
            failures.push(Failure::Output(error));
        }
        match Failed::new(failures) {
            None => Ok(()),
            Some(failed) => Err(failed.after(Action::Created, types)),
        }
    }

    /// Deletes each type in turn, stopping at the first failure. Nothing is printed on stdout
    /// then: the error names the downloads deleted before it.
    pub(crate) async fn delete(&self, video: &str, types: &[DownloadType]) -> Result<(), Failed> {
        let downloads = self.client.stream().downloads();
        for (done, download_type) in types.iter().enumerate() {
            downloads
                .delete_type(self.account, video, download_type.clone())
                .await
                .map_err(|error| {
                    Failed::from(Failure::Sdk(error)).after(Action::Deleted, &types[..done])
                })?;
            self.progress.record(Action::Deleted, &types[..=done]);
        }
        output::deleted(video, types, self.json)
            .map_err(|error| Failed::from(Failure::Output(error)).after(Action::Deleted, types))
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
