//! What Cloudflare asks of a tus upload: the chunk sizes it takes, and the `Upload-Metadata`
//! header it reads.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Every chunk but the last is at least this long (5 MiB).
pub const MIN_CHUNK_SIZE: u64 = 5_242_880;
/// ... and a multiple of this (256 KiB).
pub const CHUNK_SIZE_MULTIPLE: u64 = 262_144;
/// No chunk is longer (200 MiB).
pub const MAX_CHUNK_SIZE: u64 = 209_715_200;
/// The chunk size when none is set: 16 MiB, a few seconds of an ordinary uplink per request,
/// and little to send again when one fails.
pub const DEFAULT_CHUNK_SIZE: u64 = 16 * 1_048_576;

/// Why `size` cannot be a chunk size, if it cannot.
pub(crate) fn chunk_size_problem(size: u64) -> Option<&'static str> {
    if size < MIN_CHUNK_SIZE {
        Some("a chunk is at least 5,242,880 bytes (5 MiB)")
    } else if size > MAX_CHUNK_SIZE {
        Some("a chunk is at most 209,715,200 bytes (200 MiB)")
    } else if !size.is_multiple_of(CHUNK_SIZE_MULTIPLE) {
        Some("a chunk is a multiple of 262,144 bytes (256 KiB)")
    } else {
        None
    }
}

/// The video settings an upload carries in `Upload-Metadata`, as Cloudflare documents them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Metadata {
    pub(crate) name: Option<String>,
    pub(crate) require_signed_urls: bool,
    pub(crate) allowed_origins: Vec<String>,
    pub(crate) thumbnail_timestamp_pct: Option<f64>,
    pub(crate) watermark: Option<String>,
    pub(crate) scheduled_deletion: Option<String>,
    pub(crate) max_duration_seconds: Option<u64>,
}

impl Metadata {
    /// The header's value: `key base64(value)` pairs, comma-separated; a flag without a value.
    pub(crate) fn header(&self) -> Option<String> {
        let encode = |value: &str| STANDARD.encode(value.as_bytes());
        let mut pairs: Vec<String> = Vec::new();
        if let Some(name) = &self.name {
            pairs.push(format!("name {}", encode(name)));
        }
        if self.require_signed_urls {
            pairs.push("requiresignedurls".to_owned());
        }
        if !self.allowed_origins.is_empty() {
            pairs.push(format!(
                "allowedorigins {}",
                encode(&self.allowed_origins.join(","))
            ));
        }
        if let Some(pct) = self.thumbnail_timestamp_pct {
            pairs.push(format!(
                "thumbnailtimestamppct {}",
                encode(&pct.to_string())
            ));
        }
        if let Some(watermark) = &self.watermark {
            pairs.push(format!("watermark {}", encode(watermark)));
        }
        if let Some(at) = &self.scheduled_deletion {
            pairs.push(format!("scheduleddeletion {}", encode(at)));
        }
        if let Some(seconds) = self.max_duration_seconds {
            pairs.push(format!(
                "maxDurationSeconds {}",
                encode(&seconds.to_string())
            ));
        }
        (!pairs.is_empty()).then(|| pairs.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_follow_cloudflares_rules() {
        assert_eq!(chunk_size_problem(MIN_CHUNK_SIZE), None);
        assert_eq!(chunk_size_problem(DEFAULT_CHUNK_SIZE), None);
        assert_eq!(chunk_size_problem(MAX_CHUNK_SIZE), None);
        assert!(chunk_size_problem(MIN_CHUNK_SIZE - CHUNK_SIZE_MULTIPLE).is_some());
        assert!(chunk_size_problem(MAX_CHUNK_SIZE + CHUNK_SIZE_MULTIPLE).is_some());
        assert!(chunk_size_problem(MIN_CHUNK_SIZE + 1).is_some());
    }

    #[test]
    fn metadata_is_base64_pairs_and_flags() {
        let metadata = Metadata {
            name: Some("launch.mp4".into()),
            require_signed_urls: true,
            allowed_origins: vec!["example.com".into(), "*.example.net".into()],
            max_duration_seconds: Some(600),
            ..Metadata::default()
        };
        assert_eq!(
            metadata.header().as_deref(),
            Some(
                "name bGF1bmNoLm1wNA==,requiresignedurls,allowedorigins ZXhhbXBsZS5jb20sKi5leGFtcGxlLm5ldA==,maxDurationSeconds NjAw"
            )
        );
        assert_eq!(Metadata::default().header(), None);
    }
}
