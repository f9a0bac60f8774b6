//! Waiting for a video to be ready to stream after an upload (or a clip, a copy): poll it until
//! `readyToStream` or a final `status.state`, within a deadline. A video that fails to encode
//! is [`VideoWaitError::Failed`] with the service's `errorReasonCode` and text.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::{Duration, Instant};

use crate::{Client, Error, MediaState, Stream, Video};

/// How often [`WaitForVideo`] asks, unless told otherwise.
pub const DEFAULT_VIDEO_POLL_INTERVAL: Duration = Duration::from_secs(5);

/// How long [`WaitForVideo`] waits in all, unless told otherwise: encoding a long video takes
/// a while.
pub const DEFAULT_VIDEO_DEADLINE: Duration = Duration::from_secs(30 * 60);

/// Why a video is not ready.
#[derive(Debug)]
#[non_exhaustive]
pub enum VideoWaitError {
    /// The video failed to encode (`status.state` is `error`).
    Failed {
        /// The service's `errorReasonCode` (`ERR_DURATION_EXCEED_CONSTRAINT`, ...).
        code: Option<String>,
        /// Its `errorReasonText`.
        text: Option<String>,
        /// The video as last seen.
        video: Box<Video>,
    },
    /// The deadline passed first.
    DeadlineExceeded {
        /// How long it waited.
        waited: Duration,
        /// The video as last seen.
        last: Option<Box<Video>>,
    },
    /// Asking for the video failed.
    Request(Error),
}

impl std::fmt::Display for VideoWaitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Failed { code, text, .. } => {
                write!(
                    f,
                    "the video failed to encode: {}",
                    code.as_deref().unwrap_or("no code")
                )?;
                if let Some(text) = text {
                    write!(f, " ({text})")?;
                }
                Ok(())
            }
            Self::DeadlineExceeded { waited, .. } => {
                write!(f, "the video was not ready after {waited:?}")
            }
            Self::Request(error) => write!(f, "{error}"),
        }
    }
}

request_error!(VideoWaitError, source);

/// A wait for a video to be ready: set the poll interval, the deadline and a progress
/// callback, then `.await` it for the ready [`Video`].
#[must_use = "a wait does nothing until it is awaited"]
pub struct WaitForVideo<'f> {
    client: Client,
    account_id: String,
    video_id: String,
    poll_interval: Duration,
    deadline: Duration,
    progress: Option<VideoProgressFn<'f>>,
}

/// What [`WaitForVideo::on_progress`] calls.
type VideoProgressFn<'f> = Box<dyn FnMut(&Video) + Send + 'f>;

impl std::fmt::Debug for WaitForVideo<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitForVideo")
            .field("account_id", &self.account_id)
            .field("video_id", &self.video_id)
            .field("poll_interval", &self.poll_interval)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl Stream<'_> {
    /// Waits until the video `video_id` is ready to stream (after an upload, a clip or a
    /// copy), polling [`get`](Self::get): see [`WaitForVideo`].
    ///
    /// ```no_run
    /// # async fn run(client: cloudflare_stream::Client) -> Result<(), cloudflare_stream::VideoWaitError> {
    /// let (account, video) = ("023e105f4ecef8ad9ca31a8372d0c353", "ea95132c15732412d22c1476fa83f27a");
    /// let ready = client.stream().wait_until_video_ready(account, video).await?;
    /// println!("{:?}", ready.playback);
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_until_video_ready(
        &self,
        account_id: &str,
        video_id: &str,
    ) -> WaitForVideo<'static> {
        WaitForVideo {
            client: <&Client>::from(*self).clone(),
            account_id: account_id.to_owned(),
            video_id: video_id.to_owned(),
            poll_interval: DEFAULT_VIDEO_POLL_INTERVAL,
            deadline: DEFAULT_VIDEO_DEADLINE,
            progress: None,
        }
    }
}

impl<'f> WaitForVideo<'f> {
    /// Time between two looks (default [`DEFAULT_VIDEO_POLL_INTERVAL`]).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// How long to wait in all (default [`DEFAULT_VIDEO_DEADLINE`]).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Called with the video at each look.
    pub fn on_progress<'g>(self, progress: impl FnMut(&Video) + Send + 'g) -> WaitForVideo<'g>
    where
        'f: 'g,
    {
        WaitForVideo {
            progress: Some(Box::new(progress)),
            client: self.client,
            account_id: self.account_id,
            video_id: self.video_id,
            poll_interval: self.poll_interval,
            deadline: self.deadline,
        }
    }

    /// Waits: the same as awaiting it.
    pub async fn send(mut self) -> Result<Video, VideoWaitError> {
        let started = Instant::now();
        loop {
            let video = Stream::from(&self.client)
                .get(&self.account_id, &self.video_id)
                .await?;
            if let Some(progress) = &mut self.progress {
                progress(&video);
            }
            let state = video
                .status
                .as_ref()
                .and_then(|status| status.state.as_ref());
            if video.ready_to_stream == Some(true) || state == Some(&MediaState::Ready) {
                return Ok(video);
            }
            if state == Some(&MediaState::Error) {
                let status = video.status.clone().unwrap_or_default();
                return Err(VideoWaitError::Failed {
                    code: status.error_reason_code,
                    text: status.error_reason_text,
                    video: Box::new(video),
                });
            }
            let waited = started.elapsed();
            if waited + self.poll_interval > self.deadline {
                return Err(VideoWaitError::DeadlineExceeded {
                    waited,
                    last: Some(Box::new(video)),
                });
            }
            tokio::time::sleep(self.poll_interval).await;
        }
    }
}

impl<'f> IntoFuture for WaitForVideo<'f> {
    type Output = Result<Video, VideoWaitError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'f>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
