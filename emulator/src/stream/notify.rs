//! Webhook notifications, as Stream sends them: when an uploaded video is ready, or failed to
//! encode (the generation time after its last byte), the account's webhook URL (`PUT /stream/webhook`)
//! gets a `POST` of the video (the object `GET /stream/{identifier}` answers), signed
//! `Webhook-Signature: time={unix seconds},sig1={hex HMAC-SHA256 of "{time}.{body}" with the
//! webhook's secret}`. A delivery that gets no 2xx (a refusal, no connection, no answer within
//! five seconds) is tried again, [`RETRIES`] times, waiting [`FIRST_RETRY`] and doubling, each
//! attempt signed afresh. Every attempt is recorded for tests (`Emulator::webhook_deliveries`).
//! Only `http://` URLs are reached: the emulator carries no TLS client.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ring::hmac;

use super::render;
use crate::api::Shared;

/// Attempts after the first.
pub(crate) const RETRIES: u32 = 3;
/// The wait before the first retry; each next one doubles it.
pub(crate) const FIRST_RETRY: Duration = Duration::from_millis(200);
/// How long one attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);

/// One notification: the video, where it went, and how each attempt ended (the status, or
/// `None` when no answer came).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The video notified about.
    pub video_id: String,
    /// The notification URL.
    pub url: String,
    /// Each attempt's status, in order; `None` for one that got no answer.
    pub attempts: Vec<Option<u16>>,
}

impl WebhookDelivery {
    /// Whether an attempt got a 2xx.
    pub fn delivered(&self) -> bool {
        self.attempts
            .iter()
            .any(|status| status.is_some_and(|status| (200..300).contains(&status)))
    }
}

/// Notifies the account's webhook, if it has one then, once the video `uid` is encoded (ready,
/// or failed).
pub(crate) fn when_encoded(shared: Arc<Shared>, account: String, uid: String) {
    tokio::spawn(async move {
        tokio::time::sleep(shared.config.generation_time).await;
        deliver(&shared, &account, &uid).await;
    });
}

async fn deliver(shared: &Shared, account: &str, uid: &str) {
    let (url, secret, body) = {
        let library = shared.library();
        let (Some(webhook), Some(video)) = (library.webhook(account), library.video(account, uid))
        else {
            return;
        };
        let settings = render::Settings {
            customer_code: &shared.config.customer_code,
            generation_time: shared.config.generation_time,
        };
        let body = render::video(video, settings, Instant::now()).to_string();
        (
            webhook.notification_url.clone(),
            webhook.secret.clone(),
            body,
        )
    };
    let index = {
        let mut deliveries = shared.deliveries();
        deliveries.push(WebhookDelivery {
            video_id: uid.to_owned(),
            url: url.clone(),
            attempts: Vec::new(),
        });
        deliveries.len() - 1
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut wait = FIRST_RETRY;
    for attempt in 0..=RETRIES {
        let time = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        let signature: String = hmac::sign(&key, format!("{time}.{body}").as_bytes())
            .as_ref()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let status = post(&url, &format!("time={time},sig1={signature}"), &body).await;
        if let Some(delivery) = shared.deliveries().get_mut(index) {
            delivery.attempts.push(status);
        }
        if status.is_some_and(|status| (200..300).contains(&status)) || attempt == RETRIES {
            return;
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
}

/// `POST`s `body` to the `http://` URL `url`, signed; the status, or `None` without an answer
/// in time.
async fn post(url: &str, signature: &str, body: &str) -> Option<u16> {
    let attempt = async {
        let uri: axum::http::Uri = url.parse().ok()?;
        if uri.scheme_str() != Some("http") {
            return None;
        }
        let authority = uri.authority()?.clone();
        let port = authority.port_u16().unwrap_or(80);
        let stream = tokio::net::TcpStream::connect((authority.host(), port))
            .await
            .ok()?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .ok()?;
        tokio::spawn(connection);
        let path = uri.path_and_query().map_or("/", |path| path.as_str());
        let request = axum::http::Request::post(path)
            .header(axum::http::header::HOST, authority.as_str())
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header("webhook-signature", signature)
            .body(http_body_util::Full::new(axum::body::Bytes::from(
                body.to_owned(),
            )))
            .ok()?;
        let response = sender.send_request(request).await.ok()?;
        Some(response.status().as_u16())
    };
    tokio::time::timeout(ATTEMPT_TIMEOUT, attempt)
        .await
        .ok()
        .flatten()
}
