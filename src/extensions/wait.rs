//! Waiting for a download to finish generating: poll its status until it is `ready` or
//! `error`, within a deadline, reporting progress on the way.
//!
//! Built on the public API only (it calls [`Downloads::get`]), so it stays correct whatever the
//! generator emits for the methods themselves.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use crate::stream::downloads::Downloads;
use crate::{Client, Download, DownloadStatus, DownloadType, Error};

/// How often [`WaitUntilReady`] asks, unless told otherwise.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// How long [`WaitUntilReady`] waits in all, unless told otherwise.
pub const DEFAULT_WAIT_DEADLINE: Duration = Duration::from_secs(10 * 60);

impl<'c> Downloads<'c> {
    /// Waits until the `download_type` download of a video is `ready`, polling
    /// [`get`](Self::get). Returns the ready [`Download`] (with its `url`).
    ///
    /// Set the poll interval (default 2 s), the overall deadline (default 10 minutes) and a
    /// progress callback on the returned builder, then await it:
    ///
    /// ```no_run
    /// # use std::time::Duration;
    /// # use cloudflare_stream::{Client, DownloadType, WaitError};
    /// # async fn run(client: Client) -> Result<(), WaitError> {
    /// let (account, video) = ("023e105f4ecef8ad9ca31a8372d0c353", "ea95132c15732412d22c1476fa83f27a");
    /// let downloads = client.stream().downloads();
    /// downloads.create_type(account, video, DownloadType::Default).await?;
    /// let ready = downloads
    ///     .wait_until_ready(account, video, DownloadType::Default)
    ///     .poll_interval(Duration::from_secs(1))
    ///     .deadline(Duration::from_secs(300))
    ///     .on_progress(|percent| println!("{percent:.0}%"))
    ///     .await?;
    /// println!("{}", ready.url.unwrap_or_default());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// The download must have been created: a type missing from the list is
    /// [`WaitError::Missing`] at once rather than a wait until the deadline.
    ///
    /// Like a request, the wait owns a clone of the client: it borrows only what its progress
    /// callback borrows, so without one (or with a `'static` one) it can be spawned.
    pub fn wait_until_ready<'f>(
        &self,
        account_id: &str,
        identifier: &str,
        download_type: DownloadType,
    ) -> WaitUntilReady<'f> {
        WaitUntilReady {
            client: <&Client>::from(*self).clone(),
            account_id: account_id.to_owned(),
            identifier: identifier.to_owned(),
            download_type,
            poll_interval: DEFAULT_POLL_INTERVAL,
            deadline: DEFAULT_WAIT_DEADLINE,
            on_progress: None,
        }
    }
}

/// A progress callback: receives `percentComplete` (0 to 100).
type ProgressCallback<'f> = Box<dyn FnMut(f64) + Send + 'f>;

/// A wait for a download to be ready, from [`Downloads::wait_until_ready`]. Configure it, then
/// await it (or call [`send`](Self::send)). Dropping the future stops polling.
///
/// `'f` is what the progress callback borrows; the wait owns everything else (a clone of the
/// client included).
#[must_use = "a wait does nothing until it is awaited"]
pub struct WaitUntilReady<'f> {
    client: Client,
    account_id: String,
    identifier: String,
    download_type: DownloadType,
    poll_interval: Duration,
    deadline: Duration,
    on_progress: Option<ProgressCallback<'f>>,
}

impl fmt::Debug for WaitUntilReady<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitUntilReady")
            .field("account_id", &self.account_id)
            .field("identifier", &self.identifier)
            .field("download_type", &self.download_type)
            .field("poll_interval", &self.poll_interval)
            .field("deadline", &self.deadline)
            .field("on_progress", &self.on_progress.is_some())
            .finish_non_exhaustive()
    }
}

impl<'f> WaitUntilReady<'f> {
    /// Time between the end of one poll and the start of the next (default 2 s). The first
    /// poll is immediate.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// How long to wait in all, polls included, counted from the first poll (default 10
    /// minutes). Past it the wait ends with [`WaitError::DeadlineExceeded`]; a poll in flight
    /// at that instant is abandoned.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Calls `callback` with the download's `percentComplete` (0 to 100) after every poll
    /// that finds it, the last one included: use it to drive a progress bar.
    pub fn on_progress(mut self, callback: impl FnMut(f64) + Send + 'f) -> Self {
        self.on_progress = Some(Box::new(callback));
        self
    }

    /// Polls until the download is `ready` (returned) or `error`, or the deadline passes.
    ///
    /// A status this SDK does not know ([`DownloadStatus::Unknown`]) or no status at all
    /// counts as still in progress. A failed poll ends the wait with
    /// [`WaitError::Request`]; transient failures (429, 5xx) are retried by the client before
    /// that, as for any call.
    pub async fn send(mut self) -> Result<Download, WaitError> {
        if let DownloadType::Unknown(_) = self.download_type {
            // The list of downloads this SDK reads names the types it knows, and no other:
            // polling could only ever say `Missing`, which would be false.
            return Err(WaitError::UnknownType {
                download_type: self.download_type,
            });
        }
        let started = Instant::now();
        let mut last: Option<Download> = None;
        loop {
            let remaining = self.deadline.saturating_sub(started.elapsed());
            if remaining.is_zero() {
                return Err(self.deadline_exceeded(started, last));
            }
            let poll = self
                .client
                .stream()
                .downloads()
                .get(&self.account_id, &self.identifier);
            let downloads = match tokio::time::timeout(remaining, poll).await {
                Ok(result) => result?,
                Err(_elapsed) => return Err(self.deadline_exceeded(started, last)),
            };
            let download = match self.download_type {
                DownloadType::Default => downloads.default,
                DownloadType::Audio => downloads.audio,
                // Refused before the first poll.
                DownloadType::Unknown(_) => None,
            };
            let Some(download) = download else {
                return Err(WaitError::Missing {
                    download_type: self.download_type,
                });
            };
            let ready = download.status == Some(DownloadStatus::Ready);
            if let Some(callback) = &mut self.on_progress {
                let fallback = if ready { 100.0 } else { 0.0 };
                callback(download.percent_complete.unwrap_or(fallback));
            }
            match download.status {
                Some(DownloadStatus::Ready) => return Ok(download),
                Some(DownloadStatus::Error) => {
                    return Err(WaitError::Failed {
                        download_type: self.download_type,
                        download,
                    });
                }
                _ => last = Some(download),
            }
            let remaining = self.deadline.saturating_sub(started.elapsed());
            tokio::time::sleep(self.poll_interval.min(remaining)).await;
        }
    }

    fn deadline_exceeded(&self, started: Instant, last: Option<Download>) -> WaitError {
        WaitError::DeadlineExceeded {
            download_type: self.download_type.clone(),
            waited: started.elapsed(),
            last,
        }
    }
}

impl<'f> IntoFuture for WaitUntilReady<'f> {
    type Output = Result<Download, WaitError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'f>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Why [`WaitUntilReady`] ended without a ready download. Each outcome is its own variant, so
/// "it failed" and "it is taking too long" are never confused.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError {
    /// Generation failed: the download's status is `error`. Creating it again may help; the
    /// download as last seen is kept.
    Failed {
        /// The download that failed.
        download_type: DownloadType,
        /// The download as the API reported it.
        download: Download,
    },

    /// The deadline passed while the download was still in progress. It may still finish:
    /// wait again, or with a longer deadline.
    DeadlineExceeded {
        /// The download waited for.
        download_type: DownloadType,
        /// How long the wait lasted.
        waited: Duration,
        /// The download as last seen, if any poll completed.
        last: Option<Download>,
    },

    /// The video has no download of this type: it was never created, or was deleted while
    /// waiting.
    Missing {
        /// The download type that is absent.
        download_type: DownloadType,
    },

    /// The download type is one this version of the SDK does not know
    /// ([`DownloadType::Unknown`]): the list of downloads it reads holds only the types it
    /// knows, so it cannot see this one. Returned before any request; a newer version of the
    /// SDK that knows the type can wait for it.
    UnknownType {
        /// The download type asked for.
        download_type: DownloadType,
    },

    /// A poll failed (after the client's own retries): the API refused it, or no answer came.
    Request(Error),
}

impl std::fmt::Display for WaitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Failed {
                download_type,
                download,
            } => write!(
                f,
                "the {download_type} download failed to generate (status `error` at {}%)",
                percent(download)
            ),
            Self::DeadlineExceeded {
                download_type,
                waited,
                last,
            } => {
                write!(
                    f,
                    "the {download_type} download was not ready after {:.1} s",
                    waited.as_secs_f64()
                )?;
                if let Some(last) = last {
                    write!(f, " ({}% done)", percent(last))?;
                }
                Ok(())
            }
            Self::Missing { download_type } => write!(
                f,
                "the video has no {download_type} download: it was never created, or was deleted"
            ),
            Self::UnknownType { download_type } => write!(
                f,
                "this version of the SDK cannot wait for a `{download_type}` download: the \
                 downloads it can see are `default` and `audio`"
            ),
            Self::Request(error) => write!(f, "{error}"),
        }
    }
}

request_error!(WaitError, source);

impl WaitError {
    /// The download as last seen, for [`Failed`](Self::Failed) and
    /// [`DeadlineExceeded`](Self::DeadlineExceeded).
    pub fn last_download(&self) -> Option<&Download> {
        match self {
            WaitError::Failed { download, .. } => Some(download),
            WaitError::DeadlineExceeded { last, .. } => last.as_ref(),
            WaitError::Missing { .. } | WaitError::UnknownType { .. } | WaitError::Request(_) => {
                None
            }
        }
    }

    /// The request error, if a poll failed.
    pub fn request_error(&self) -> Option<&Error> {
        match self {
            WaitError::Request(error) => Some(error),
            _ => None,
        }
    }
}

/// `percentComplete` for messages: `0` when absent.
fn percent(download: &Download) -> f64 {
    download.percent_complete.unwrap_or(0.0)
}
