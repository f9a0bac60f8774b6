//! A basic upload: a small video in one request, the whole file as the `file` part of a
//! `multipart/form-data` `POST` to the account's `/stream`, answered with the new video. No
//! resuming: a dropped connection means sending it all again, which is why larger videos go
//! through tus.

use super::direct::whole_file_form;
use super::{UploadError, UploadSource};
use crate::envelope::{self, Format};
use crate::runtime::{PathBuilder, PathParam};
use crate::{Client, Error, Stream, Video};

/// The operation named in errors.
const OPERATION: &str = "stream.basic_upload";

impl Stream<'_> {
    /// Uploads a small video in one request (at most 200 MB, read whole) and answers the new
    /// video. For larger videos, or an upload that survives a dropped connection, use
    /// [`upload`](Self::upload) (tus).
    ///
    /// ```no_run
    /// # async fn run(client: cloudflare_stream::Client) -> Result<(), cloudflare_stream::UploadError> {
    /// use cloudflare_stream::UploadSource;
    ///
    /// let account = "023e105f4ecef8ad9ca31a8372d0c353";
    /// let video = client.stream().basic_upload(account, UploadSource::path("short.mp4")).await?;
    /// println!("{}", video.uid.unwrap_or_default());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn basic_upload(
        &self,
        account_id: &str,
        source: UploadSource,
    ) -> Result<Video, UploadError> {
        let client: &Client = (*self).into();
        let (form, _) = whole_file_form(source).await?;
        let path = PathBuilder::new()
            .literal("/accounts/")
            .param(PathParam::new("account_id", account_id))
            .literal("/stream")
            .finish()
            .map_err(|error| error.with_operation(OPERATION))?;
        let response = client
            .http()
            .post(format!("{}{path}", client.base_url()))
            .headers(client.request_headers().clone())
            .header(reqwest::header::CONTENT_TYPE, form.content_type)
            .body(form.body)
            .send()
            .await
            .map_err(|e| Error::from_transport(OPERATION, e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::from_transport(OPERATION, e))?;
        let decoded = envelope::decode::<Video>(
            OPERATION,
            status,
            &headers,
            &body,
            Format::Envelope,
            client.strict_decoding(),
        )?;
        Ok(decoded.value)
    }
}
