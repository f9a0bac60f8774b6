//! A direct creator upload from the creator's side: the whole file, as one `multipart/form-data`
//! `POST` of its `file` part, to the one-time URL `direct_upload().create(...)` made. It carries
//! no credentials (the URL is the permission), so a creator's application can send it.

use super::source::Opened;
use super::{UploadError, UploadSource};
use crate::form::Encoded;
use crate::{Error, FilePart, Form};

/// The largest file one form may carry (Cloudflare's basic upload limit: 200 MB).
pub const MAX_DIRECT_UPLOAD: u64 = 200 * 1_000_000;

/// Uploads `source` to the one-time `upload_url` of a direct creator upload, as the
/// creator's application does; the bytes sent. The file is read whole (at most
/// [`MAX_DIRECT_UPLOAD`]); larger videos go through a tus upload. A URL is good once: using it
/// again is [`UploadError::Refused`].
///
/// ```no_run
/// # async fn run(client: cloudflare_stream::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use cloudflare_stream::{DirectUploadRequest, UploadSource};
///
/// // The server, with the account's credentials: a URL good for an hour.
/// let account = "023e105f4ecef8ad9ca31a8372d0c353";
/// let made = client.stream().direct_upload().create(account, &DirectUploadRequest::new(3600)).await?;
/// let url = made.upload_url.expect("an upload URL");
/// // The creator, with nothing but the URL.
/// cloudflare_stream::upload_to_url(&url, UploadSource::path("clip.mp4")).await?;
/// # Ok(())
/// # }
/// ```
pub async fn upload_to_url(upload_url: &str, source: UploadSource) -> Result<u64, UploadError> {
    let (form, length) = whole_file_form(source).await?;
    let content_type = form.content_type;
    let http = crate::tls::http_client_builder()?
        .build()
        .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
    let response = http
        .post(upload_url)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(form.body)
        .send()
        .await
        .map_err(|e| Error::from_transport("stream.direct_upload.send", e))?;
    if response.status().is_success() {
        return Ok(length);
    }
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    Err(UploadError::Refused {
        status,
        message: text.trim().chars().take(300).collect(),
    })
}

/// The whole of `source` as the `file` part of a form (a direct creator upload's, a basic
/// upload's), encoded, and its length: at most [`MAX_DIRECT_UPLOAD`], read into memory.
pub(super) async fn whole_file_form(source: UploadSource) -> Result<(Encoded, u64), UploadError> {
    let name = source.file_name();
    let mut source = Opened::open(source).await?;
    let length = source.length();
    if length > MAX_DIRECT_UPLOAD {
        return Err(UploadError::TooLarge {
            length,
            limit: MAX_DIRECT_UPLOAD,
        });
    }
    // The bytes move into the part (no copy); encoding copies them once into the body.
    let bytes = Vec::from(source.read(length).await?);
    let file = FilePart::new(bytes).file_name(name.unwrap_or_else(|| "video".to_owned()));
    let encoded = Form::new()
        .with_file("file", file)
        .encode()
        .map_err(|message| {
            UploadError::Request(Error::InvalidRequest {
                operation: "stream.upload",
                message,
            })
        })?;
    Ok((encoded, length))
}
