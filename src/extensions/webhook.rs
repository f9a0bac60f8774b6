//! Trusting a webhook: Stream signs each notification it sends to the webhook URL with the
//! account's webhook secret (the `secret` of [`WebhookSettings`](crate::WebhookSettings)), in a
//! `Webhook-Signature: time=<unix seconds>,sig1=<hex>` header, where `sig1` is the
//! HMAC-SHA256 of `<time>.<raw body>`. [`WebhookVerifier`] checks it (in constant time, and that
//! the time is recent, so a captured notification cannot be replayed later), then decodes the
//! body into the video it is about.
//!
//! It takes bytes and a header value, nothing of any web framework: call it from an axum, actix
//! or hyper handler alike, with the body exactly as received (not parsed and written again).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::Video;
use crate::crypto::hmac;

/// How old (or how far ahead of this clock) a signature may be by default: five minutes.
const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Verifies webhooks signed with one secret.
///
/// ```
/// use cloudflare_stream::{WebhookError, WebhookVerifier};
///
/// fn handle(secret: &str, signature: Option<&str>, body: &[u8]) -> Result<(), WebhookError> {
///     let video = WebhookVerifier::new(secret).verify(signature.unwrap_or_default(), body)?;
///     println!("{:?} is {:?}", video.uid, video.status.and_then(|s| s.state));
///     Ok(())
/// }
/// # let _ = handle;
/// ```
#[derive(Clone)]
pub struct WebhookVerifier {
    key: hmac::Key,
    tolerance: Duration,
}

impl std::fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret is never shown.
        f.debug_struct("WebhookVerifier")
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

/// Why a webhook is not trusted.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookError {
    /// The `Webhook-Signature` header is not `time=<seconds>,sig1=<hex>`.
    Malformed(&'static str),
    /// The signature is older, or further ahead of this clock, than the tolerance: a replay,
    /// or a clock far off.
    OutOfTolerance {
        /// How far the signature's time is from now, either way.
        skew: Duration,
        /// The tolerance.
        tolerance: Duration,
    },
    /// The signature does not match the body and the secret: not from Stream, or altered.
    BadSignature,
    /// The signature is right, but the body is not a video.
    Body(serde_json::Error),
}

impl std::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(what) => write!(f, "the Webhook-Signature header is malformed: {what}"),
            Self::OutOfTolerance { skew, tolerance } => write!(
                f,
                "the webhook was signed {skew:?} away from now, more than the {tolerance:?} allowed"
            ),
            Self::BadSignature => {
                f.write_str("the webhook signature does not match its body and the secret")
            }
            Self::Body(error) => {
                write!(
                    f,
                    "the webhook is signed, but its body is not a video: {error}"
                )
            }
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Body(error) => Some(error),
            _ => None,
        }
    }
}

impl WebhookVerifier {
    /// A verifier of webhooks signed with `secret`, within five minutes of this clock.
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret.as_ref()),
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// How far from now a signature's time may be (default five minutes).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks `signature` (the `Webhook-Signature` header's value) against `body` (the raw
    /// request body) and this clock, then decodes the video the notification is about.
    pub fn verify(&self, signature: &str, body: &[u8]) -> Result<Video, WebhookError> {
        self.verify_at(signature, body, SystemTime::now())
    }

    /// [`verify`](Self::verify) at the time `now`.
    pub fn verify_at(
        &self,
        signature: &str,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Video, WebhookError> {
        self.check_at(signature, body, now)?;
        serde_json::from_slice(body).map_err(WebhookError::Body)
    }

    /// Checks the signature only, at `now`: for a body decoded some other way.
    pub fn check_at(
        &self,
        signature: &str,
        body: &[u8],
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let (time, tag) = parse(signature)?;
        let signed = UNIX_EPOCH + Duration::from_secs(time);
        // How far from now, before or after.
        let skew = now
            .duration_since(signed)
            .unwrap_or_else(|ahead| ahead.duration());
        if skew > self.tolerance {
            return Err(WebhookError::OutOfTolerance {
                skew,
                tolerance: self.tolerance,
            });
        }
        let mut message = format!("{time}.").into_bytes();
        message.extend_from_slice(body);
        // Constant time: the comparison says nothing of how many bytes matched.
        hmac::verify(&self.key, &message, &tag).map_err(|_| WebhookError::BadSignature)
    }
}

/// `time=<seconds>,sig1=<hex>` (in any order, other fields ignored) as the time and the tag.
fn parse(header: &str) -> Result<(u64, Vec<u8>), WebhookError> {
    let (mut time, mut tag) = (None, None);
    for field in header.split(',') {
        match field.trim().split_once('=') {
            Some(("time", value)) => time = Some(value),
            Some(("sig1", value)) => tag = Some(value),
            _ => {}
        }
    }
    let time = time
        .ok_or(WebhookError::Malformed("no `time`"))?
        .parse::<u64>()
        .map_err(|_| WebhookError::Malformed("`time` is not a number of seconds"))?;
    let tag = hex(tag.ok_or(WebhookError::Malformed("no `sig1`"))?)
        .ok_or(WebhookError::Malformed("`sig1` is not hexadecimal"))?;
    Ok((time, tag))
}

/// Hexadecimal text as bytes; `None` if it is not (an odd length, another character). A few
/// lines here rather than a dependency for them.
fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16);
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "85011ed3a913c6ad5f9cf6c5573cc0a7";
    const BODY: &[u8] =
        br#"{"uid":"dd5d531a12de0c724bd1275a3b2bc9c6","readyToStream":true,"status":{"state":"ready"}}"#;

    /// The header Stream would send for `body` at `time`, signed with `secret`.
    fn signed(secret: &str, time: u64, body: &[u8]) -> String {
        let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
        let mut message = format!("{time}.").into_bytes();
        message.extend_from_slice(body);
        let tag = hmac::sign(&key, &message);
        let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        format!("time={time},sig1={hex}")
    }

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn a_signed_webhook_is_trusted_and_decoded_into_its_video() {
        let header = signed(SECRET, 1_230_811_200, BODY);
        let video = WebhookVerifier::new(SECRET)
            .verify_at(&header, BODY, at(1_230_811_260))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            video.uid.as_deref(),
            Some("dd5d531a12de0c724bd1275a3b2bc9c6")
        );
        assert_eq!(video.ready_to_stream, Some(true));
        // Fields in another order, and fields this SDK does not know, are fine.
        let reordered = header.replace("time=1230811200,", "") + ",v2=abc,time=1230811200";
        assert!(
            WebhookVerifier::new(SECRET)
                .check_at(&reordered, BODY, at(1_230_811_200))
                .is_ok()
        );
    }

    #[test]
    fn altered_bodies_other_secrets_and_old_or_future_signatures_are_refused() {
        let header = signed(SECRET, 1_230_811_200, BODY);
        let verifier = WebhookVerifier::new(SECRET);
        let now = at(1_230_811_200);
        let altered = BODY.replace_first(b"true", b"fals");
        assert!(matches!(
            verifier.check_at(&header, &altered, now),
            Err(WebhookError::BadSignature)
        ));
        assert!(matches!(
            WebhookVerifier::new("another secret").check_at(&header, BODY, now),
            Err(WebhookError::BadSignature)
        ));
        for off in [at(1_230_811_200 + 301), at(1_230_811_200 - 301)] {
            assert!(matches!(
                verifier.check_at(&header, BODY, off),
                Err(WebhookError::OutOfTolerance { .. })
            ));
        }
        let lenient = verifier.clone().tolerance(Duration::from_secs(3600));
        assert!(
            lenient
                .check_at(&header, BODY, at(1_230_811_200 + 301))
                .is_ok()
        );
        assert!(!format!("{verifier:?}").contains(SECRET));
    }

    #[test]
    fn malformed_headers_and_a_body_that_is_no_video_say_so() {
        let verifier = WebhookVerifier::new(SECRET);
        let now = at(1_230_811_200);
        for (header, why) in [
            ("", "no `time`"),
            ("time=1230811200", "no `sig1`"),
            ("time=soon,sig1=00", "`time` is not a number of seconds"),
            ("time=1230811200,sig1=0g", "`sig1` is not hexadecimal"),
            ("time=1230811200,sig1=abc", "`sig1` is not hexadecimal"),
        ] {
            match verifier.check_at(header, BODY, now) {
                Err(WebhookError::Malformed(said)) => assert_eq!(said, why, "{header}"),
                other => panic!("{header}: {other:?}"),
            }
        }
        let not_a_video = b"[1, 2]";
        let header = signed(SECRET, 1_230_811_200, not_a_video);
        assert!(matches!(
            verifier.verify_at(&header, not_a_video, now),
            Err(WebhookError::Body(_))
        ));
    }

    /// `replacen` for bytes, for the test above.
    trait ReplaceFirst {
        fn replace_first(&self, from: &[u8], to: &[u8]) -> Vec<u8>;
    }

    impl ReplaceFirst for [u8] {
        fn replace_first(&self, from: &[u8], to: &[u8]) -> Vec<u8> {
            let at = self
                .windows(from.len())
                .position(|w| w == from)
                .unwrap_or(self.len());
            [
                &self[..at],
                to,
                self.get(at + from.len()..).unwrap_or_default(),
            ]
            .concat()
        }
    }
}
