//! Resumable uploads with tus 1.0.0, as Cloudflare takes them:
//! `client.stream().upload(account, UploadSource::path("launch.mp4"))`.
//!
//! The upload is created through the API (`POST /stream` with `Upload-Length` and the video's
//! settings in `Upload-Metadata`), which answers the upload URL (`Location`) and the video's
//! id (`stream-media-id`); the bytes then go to the upload URL in chunks (`PATCH` at
//! `Upload-Offset`). A chunk that fails is sent again from the offset the service reports,
//! never re-sending what it acknowledged; an upload stopped (a crash, Ctrl-C) resumes from its
//! upload URL in a new process. Memory holds one chunk.
//!
//! - `rules.rs`: the chunk sizes Cloudflare takes, the metadata header;
//! - `source.rs`: a file or a reader;
//! - `transfer.rs`: the `HEAD`/`PATCH` conversation and its retries;
//! - `direct.rs`: a direct creator upload, from the creator's side;
//! - `basic.rs`: a small video in one request.

mod basic;
mod direct;
mod rules;
mod source;
mod transfer;

use std::future::{Future, IntoFuture};
use std::path::PathBuf;
use std::pin::Pin;

use reqwest::{StatusCode, Url};

pub use self::direct::{MAX_DIRECT_UPLOAD, upload_to_url};
pub use self::rules::{CHUNK_SIZE_MULTIPLE, DEFAULT_CHUNK_SIZE, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE};
use self::rules::{Metadata, chunk_size_problem};
use self::source::Opened;
pub use self::source::UploadSource;
use self::transfer::Session;
use crate::{Client, Error, Stream, TusResumable};

/// Why an upload stopped. Everything before the failure stays on the service: resume with the
/// upload URL ([`TusUpload::resume`]) where [`UploadError::upload_url`] gives one.
#[derive(Debug)]
#[non_exhaustive]
pub enum UploadError {
    /// The source could not be read.
    Read {
        /// The file (`(reader)` for a reader).
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The source is not what it was when the upload started (a file changed, or a reader
    /// ended early): its bytes would not be one video.
    SourceChanged(String),
    /// The chunk size breaks Cloudflare's rules.
    ChunkSize {
        /// The size asked for.
        size: u64,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// A request failed: creating the upload through the API, or reaching the upload URL
    /// after every retry.
    Request(Error),
    /// The upload service refused a request, for good or after every retry.
    Refused {
        /// Its status.
        status: StatusCode,
        /// The start of what it said.
        message: String,
    },
    /// The upload service answered what tus does not allow (an offset outside what was sent,
    /// no `Location`).
    Protocol(String),
    /// Too large for one form (a direct creator upload): send it with tus instead.
    TooLarge {
        /// The source's length.
        length: u64,
        /// The most a form carries.
        limit: u64,
    },
    /// An upload URL to resume whose video is not one of the account's.
    OtherAccount {
        /// The upload URL.
        url: String,
        /// The account asked for.
        account: String,
    },
    /// Stopped after the upload was created: the same failure, with the upload URL to resume
    /// from.
    Interrupted {
        /// What stopped it.
        source: Box<UploadError>,
        /// The upload URL to resume from.
        upload_url: String,
        /// The video being uploaded.
        video_id: String,
    },
}

impl std::fmt::Display for UploadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Read { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Self::SourceChanged(what) => write!(f, "the source changed during the upload: {what}"),
            Self::ChunkSize { size, rule } => write!(f, "chunk size {size}: {rule}"),
            Self::Request(error) => write!(f, "{error}"),
            Self::Refused { status, message } => {
                write!(f, "the upload service answered HTTP {status}: {message}")
            }
            Self::Protocol(what) => write!(f, "the upload service broke the tus protocol: {what}"),
            Self::TooLarge { length, limit } => write!(
                f,
                "{length} bytes is more than one form carries ({limit}): upload it with tus"
            ),
            Self::OtherAccount { url, account } => {
                write!(f, "the upload {url} is not of a video of account {account}")
            }
            Self::Interrupted {
                source, upload_url, ..
            } => write!(f, "{source} (resume with upload URL {upload_url})"),
        }
    }
}

impl std::error::Error for UploadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Read { source, .. } => Some(source),
            // Transparent: the request's own error stands for it.
            Self::Request(error) => std::error::Error::source(error),
            Self::Interrupted { source, .. } => Some(source),
            _ => None,
        }
    }
}

request_error!(UploadError);

impl UploadError {
    /// The upload URL to resume from, if the upload was created before it stopped.
    pub fn upload_url(&self) -> Option<&str> {
        match self {
            UploadError::Interrupted { upload_url, .. } => Some(upload_url),
            _ => None,
        }
    }
}

/// A finished upload.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Uploaded {
    /// The video's identifier (`stream-media-id`).
    pub video_id: String,
    /// The upload URL.
    pub upload_url: String,
    /// How many bytes were uploaded.
    pub length: u64,
}

/// How far an upload is, reported once it is created (or resumed) and after each
/// acknowledged chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadProgress<'a> {
    /// Bytes the service has.
    pub uploaded: u64,
    /// Bytes in all.
    pub length: u64,
    /// The video being uploaded.
    pub video_id: &'a str,
    /// The upload URL: save it to resume the upload should this process stop.
    pub upload_url: &'a str,
}

impl UploadProgress<'_> {
    /// The part done, from 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.length == 0 {
            1.0
        } else {
            self.uploaded as f64 / self.length as f64
        }
    }
}

/// What [`TusUpload::on_progress`] calls.
type ProgressFn<'f> = Box<dyn FnMut(UploadProgress<'_>) + Send + 'f>;

/// A tus upload of a video: set its options, then `.await` it.
///
/// ```no_run
/// # async fn run(client: cloudflare_stream::Client) -> Result<(), cloudflare_stream::UploadError> {
/// use cloudflare_stream::UploadSource;
///
/// let account = "023e105f4ecef8ad9ca31a8372d0c353";
/// let uploaded = client
///     .stream()
///     .upload(account, UploadSource::path("launch.mp4"))
///     .name("Product launch")
///     .require_signed_urls(true)
///     .on_progress(|p| eprintln!("{:.0} %", p.fraction() * 100.0))
///     .await?;
/// println!("video {}", uploaded.video_id);
/// # Ok(())
/// # }
/// ```
#[must_use = "an upload does nothing until it is awaited"]
pub struct TusUpload<'f> {
    client: Client,
    account: String,
    source: UploadSource,
    metadata: Metadata,
    creator: Option<String>,
    chunk_size: u64,
    resume: Option<String>,
    max_retries: Option<u32>,
    progress: Option<ProgressFn<'f>>,
}

impl std::fmt::Debug for TusUpload<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TusUpload")
            .field("account", &self.account)
            .field("source", &self.source)
            .field("metadata", &self.metadata)
            .field("chunk_size", &self.chunk_size)
            .field("resume", &self.resume)
            .finish_non_exhaustive()
    }
}

impl Stream<'_> {
    /// Uploads a video with tus, resumable: see [`TusUpload`].
    pub fn upload(&self, account_id: &str, source: UploadSource) -> TusUpload<'static> {
        let client: &Client = (*self).into();
        TusUpload {
            client: client.clone(),
            account: account_id.to_owned(),
            source,
            metadata: Metadata::default(),
            creator: None,
            chunk_size: DEFAULT_CHUNK_SIZE,
            resume: None,
            max_retries: None,
            progress: None,
        }
    }
}

impl<'f> TusUpload<'f> {
    /// The video's name (`meta.name`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.metadata.name = Some(name.into());
        self
    }

    /// Whether playing the video needs a signed token.
    pub fn require_signed_urls(mut self, require: bool) -> Self {
        self.metadata.require_signed_urls = require;
        self
    }

    /// The origins allowed to embed the video (`example.com`, `*.example.com`).
    pub fn allowed_origins<S: Into<String>>(
        mut self,
        origins: impl IntoIterator<Item = S>,
    ) -> Self {
        self.metadata.allowed_origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// Where in the video (0 to 1) its thumbnail is taken.
    pub fn thumbnail_timestamp_pct(mut self, pct: f64) -> Self {
        self.metadata.thumbnail_timestamp_pct = Some(pct);
        self
    }

    /// The watermark profile to apply.
    pub fn watermark(mut self, uid: impl Into<String>) -> Self {
        self.metadata.watermark = Some(uid.into());
        self
    }

    /// When the video is deleted (RFC 3339).
    pub fn scheduled_deletion(mut self, at: impl Into<String>) -> Self {
        self.metadata.scheduled_deletion = Some(at.into());
        self
    }

    /// The longest the video may be; a longer one fails.
    pub fn max_duration_seconds(mut self, seconds: u64) -> Self {
        self.metadata.max_duration_seconds = Some(seconds);
        self
    }

    /// The creator the video is attributed to (`Upload-Creator`).
    pub fn creator(mut self, creator: impl Into<String>) -> Self {
        self.creator = Some(creator.into());
        self
    }

    /// Bytes per chunk (default [`DEFAULT_CHUNK_SIZE`]): at least 5 MiB, at most 200 MiB, a
    /// multiple of 256 KiB, as Cloudflare requires.
    pub fn chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = bytes;
        self
    }

    /// Resumes the upload at `upload_url` (from [`Uploaded::upload_url`] or
    /// [`UploadError::upload_url`]) instead of creating one: the bytes the service has are not
    /// sent again. The source must be the same bytes.
    pub fn resume(mut self, upload_url: impl Into<String>) -> Self {
        self.resume = Some(upload_url.into());
        self
    }

    /// Retries of a chunk (and of the requests asking where the upload stands) on a dropped
    /// connection, a timeout, 408, 429 or a 5xx; the client's number by default.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// Called once the upload is created or resumed, and after each acknowledged chunk.
    pub fn on_progress<'g>(
        self,
        progress: impl FnMut(UploadProgress<'_>) + Send + 'g,
    ) -> TusUpload<'g>
    where
        'f: 'g,
    {
        TusUpload {
            progress: Some(Box::new(progress)),
            client: self.client,
            account: self.account,
            source: self.source,
            metadata: self.metadata,
            creator: self.creator,
            chunk_size: self.chunk_size,
            resume: self.resume,
            max_retries: self.max_retries,
        }
    }

    /// Uploads: the same as awaiting it.
    pub async fn send(self) -> Result<Uploaded, UploadError> {
        let TusUpload {
            client,
            account,
            source,
            metadata,
            creator,
            chunk_size,
            resume,
            max_retries,
            mut progress,
        } = self;
        if let Some(rule) = chunk_size_problem(chunk_size) {
            return Err(UploadError::ChunkSize {
                size: chunk_size,
                rule,
            });
        }
        let mut source = Opened::open(source).await?;
        let length = source.length();
        let (video_id, url) = match resume {
            Some(url) => (owned_video(&client, &account, &url).await?, url),
            None => create(&client, &account, &metadata, creator.as_deref(), length).await?,
        };
        let interrupted = |source: UploadError| UploadError::Interrupted {
            source: Box::new(source),
            upload_url: url.clone(),
            video_id: video_id.clone(),
        };
        let mut report = |uploaded: u64| {
            if let Some(progress) = &mut progress {
                progress(UploadProgress {
                    uploaded,
                    length,
                    video_id: &video_id,
                    upload_url: &url,
                });
            }
        };
        let parsed = Url::parse(&url)
            .map_err(|e| interrupted(UploadError::Protocol(format!("upload URL `{url}`: {e}"))))?;
        let retries = max_retries.unwrap_or_else(|| client.max_retries());
        let session = Session::new(&client, parsed, retries);
        let (mut offset, told) = session.offset().await.map_err(interrupted)?;
        if let Some(told) = told
            && told != length
        {
            return Err(interrupted(UploadError::SourceChanged(format!(
                "the upload is of {told} bytes, the source of {length}"
            ))));
        }
        if offset > length {
            return Err(interrupted(UploadError::Protocol(format!(
                "the service has {offset} bytes of {length}"
            ))));
        }
        report(offset);
        source.seek(offset).await.map_err(interrupted)?;
        while offset < length {
            let size = chunk_size.min(length - offset);
            let chunk = source.read(size).await.map_err(interrupted)?;
            offset = session.send(offset, &chunk).await.map_err(interrupted)?;
            report(offset);
        }
        Ok(Uploaded {
            video_id,
            upload_url: url,
            length,
        })
    }
}

/// Creates the upload through the API: the video's id and the upload URL.
async fn create(
    client: &Client,
    account: &str,
    metadata: &Metadata,
    creator: Option<&str>,
    length: u64,
) -> Result<(String, String), UploadError> {
    let length = i64::try_from(length)
        .map_err(|_| UploadError::Protocol(format!("{length} bytes is too long")))?;
    let mut request = Stream::from(client).create(account, TusResumable::V1, length);
    if let Some(metadata) = metadata.header() {
        request = request.upload_metadata(&metadata);
    }
    if let Some(creator) = creator {
        request = request.upload_creator(creator);
    }
    let response = request.send_with_response().await?;
    let header = |name: &str| {
        response
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let location = header("location").ok_or_else(|| {
        UploadError::Protocol("creating the upload answered no Location".to_owned())
    })?;
    // A relative Location is relative to the API.
    let url = match Url::parse(&location) {
        Ok(url) => url.to_string(),
        Err(_) => client
            .base()
            .join(&location)
            .map_err(|e| UploadError::Protocol(format!("Location `{location}`: {e}")))?
            .to_string(),
    };
    let video_id = match header("stream-media-id") {
        Some(id) => id,
        None => video_of(&url)?,
    };
    Ok((video_id, url))
}

/// The video of the upload URL `url`, checked to be one of `account`'s.
async fn owned_video(client: &Client, account: &str, url: &str) -> Result<String, UploadError> {
    let video_id = video_of(url)?;
    match Stream::from(client).get(account, &video_id).await {
        Ok(_) => Ok(video_id),
        Err(error) if error.status() == Some(StatusCode::NOT_FOUND) => {
            Err(UploadError::OtherAccount {
                url: url.to_owned(),
                account: account.to_owned(),
            })
        }
        Err(error) => Err(error.into()),
    }
}

/// The video an upload URL is for: its last path segment (`.../tus/{video}`).
fn video_of(url: &str) -> Result<String, UploadError> {
    let parsed =
        Url::parse(url).map_err(|e| UploadError::Protocol(format!("upload URL `{url}`: {e}")))?;
    parsed
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .filter(|segment| !segment.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| UploadError::Protocol(format!("upload URL `{url}` names no video")))
}

impl<'f> IntoFuture for TusUpload<'f> {
    type Output = Result<Uploaded, UploadError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'f>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
