//! The tus conversation with the upload URL: `HEAD` for the offset the service has, `PATCH`
//! for each chunk. A chunk that fails on the way (a dropped connection, a timeout, 408, 429,
//! a 5xx, a 409 offset mismatch) is sent again from the offset the service then reports, so no
//! byte it acknowledged is sent twice; the chunk stays in memory until it is acknowledged.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use super::UploadError;
use crate::retry::{server_delay, should_retry};
use crate::{Client, Error};

/// The operation named in errors of the upload service.
const OPERATION: &str = "stream.upload";

const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
const X_AUTH_EMAIL: HeaderName = HeaderName::from_static("x-auth-email");
const X_AUTH_KEY: HeaderName = HeaderName::from_static("x-auth-key");
const X_AUTH_USER_SERVICE_KEY: HeaderName = HeaderName::from_static("x-auth-user-service-key");

/// An upload URL, and how to talk to it.
pub(crate) struct Session<'c> {
    client: &'c Client,
    url: Url,
    /// What every request to it carries: the client's headers, credentials only for a host of
    /// the API or of Cloudflare's upload service.
    headers: HeaderMap,
    max_retries: u32,
}

impl<'c> Session<'c> {
    pub(crate) fn new(client: &'c Client, url: Url, max_retries: u32) -> Self {
        let mut headers = client.request_headers().clone();
        if !trusted(client, &url) {
            for name in [
                AUTHORIZATION,
                X_AUTH_EMAIL,
                X_AUTH_KEY,
                X_AUTH_USER_SERVICE_KEY,
            ] {
                headers.remove(name);
            }
        }
        headers.insert(TUS_RESUMABLE, HeaderValue::from_static("1.0.0"));
        Self {
            client,
            url,
            headers,
            max_retries,
        }
    }

    /// The offset the service has, and the upload's length if it says.
    pub(crate) async fn offset(&self) -> Result<(u64, Option<u64>), UploadError> {
        let mut retry = 0;
        loop {
            let sent = self
                .client
                .http()
                .request(Method::HEAD, self.url.clone())
                .headers(self.headers.clone())
                .timeout(self.client.timeout())
                .send()
                .await;
            let wait = match sent {
                Ok(response) if response.status().is_success() => {
                    let offset = number(response.headers(), &UPLOAD_OFFSET).ok_or_else(|| {
                        UploadError::Protocol("HEAD answered no Upload-Offset".to_owned())
                    })?;
                    return Ok((offset, number(response.headers(), &UPLOAD_LENGTH)));
                }
                Ok(response) => self.wait_after(retry, response).await?,
                Err(error) => self.wait_after_failure(retry, error)?,
            };
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// Sends `chunk`, the bytes from `start`, until the service acknowledged all of it; the
    /// offset it then has.
    pub(crate) async fn send(&self, start: u64, chunk: &Bytes) -> Result<u64, UploadError> {
        let end = start + chunk.len() as u64;
        let mut offset = start;
        let mut retry = 0;
        while offset < end {
            // Within the chunk, by the checks below.
            let from = usize::try_from(offset - start).unwrap_or(usize::MAX);
            let body = chunk.slice(from..);
            let size = body.len() as u64;
            let mut headers = self.headers.clone();
            headers.insert(UPLOAD_OFFSET, HeaderValue::from(offset));
            headers.insert(
                CONTENT_TYPE,
                HeaderValue::from_static("application/offset+octet-stream"),
            );
            let sent = self
                .client
                .http()
                .patch(self.url.clone())
                .headers(headers)
                // A second per MiB on top of the client's timeout: a chunk takes time to send.
                .timeout(self.client.timeout() + Duration::from_secs(size / 1_048_576))
                .body(body)
                .send()
                .await;
            let wait = match sent {
                Ok(response) if response.status().is_success() => {
                    let now = number(response.headers(), &UPLOAD_OFFSET).ok_or_else(|| {
                        UploadError::Protocol("PATCH answered no Upload-Offset".to_owned())
                    })?;
                    offset = within(now, offset, end)?;
                    continue;
                }
                Ok(response) if response.status() == StatusCode::CONFLICT => {
                    if retry >= self.max_retries {
                        return Err(refused(response).await);
                    }
                    Duration::ZERO
                }
                Ok(response) => self.wait_after(retry, response).await?,
                Err(error) => self.wait_after_failure(retry, error)?,
            };
            tokio::time::sleep(wait).await;
            retry += 1;
            // Where the service stands now: the bytes it has are not sent again.
            let (now, _) = self.offset().await?;
            offset = within(now, start, end)?;
        }
        Ok(offset)
    }

    /// The wait before trying again after a refusal, or the refusal when it is final.
    async fn wait_after(
        &self,
        retry: u32,
        response: reqwest::Response,
    ) -> Result<Duration, UploadError> {
        let status = response.status();
        if retry >= self.max_retries || !should_retry(status, response.headers()) {
            return Err(refused(response).await);
        }
        Ok(server_delay(response.headers(), SystemTime::now())
            .unwrap_or_else(|| self.client.backoff().jittered_delay(retry)))
    }

    /// The wait before trying again after a request that got no answer, or the error.
    fn wait_after_failure(
        &self,
        retry: u32,
        error: reqwest::Error,
    ) -> Result<Duration, UploadError> {
        let error = Error::from_transport(OPERATION, error);
        let transient = matches!(error, Error::Connection { .. } | Error::Timeout { .. });
        if retry >= self.max_retries || !transient {
            return Err(UploadError::Request(error));
        }
        Ok(self.client.backoff().jittered_delay(retry))
    }
}

/// `offset` if it lies in `[from, end]`: the service never goes back past bytes it
/// acknowledged, nor past the chunk it was sent.
fn within(offset: u64, from: u64, end: u64) -> Result<u64, UploadError> {
    if (from..=end).contains(&offset) {
        Ok(offset)
    } else {
        Err(UploadError::Protocol(format!(
            "the service reports offset {offset}, outside the bytes sent ({from} to {end})"
        )))
    }
}

/// A refusal, with the start of what the service said.
async fn refused(response: reqwest::Response) -> UploadError {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    let message: String = text.trim().chars().take(300).collect();
    UploadError::Refused { status, message }
}

fn number(headers: &HeaderMap, name: &HeaderName) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Whether the client's credentials may go to `url`: the API's own host, or Cloudflare's
/// upload service. An upload URL elsewhere gets none.
fn trusted(client: &Client, url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    client.base().host_str() == Some(host)
        || ["cloudflarestream.com", "videodelivery.net"]
            .iter()
            .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}
