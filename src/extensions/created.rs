//! The default download out of what creating it answers, whichever shape the service used.

use crate::{CreatedDownload, Download};

impl CreatedDownload {
    /// The default download, as created: from the keyed answer (`{"default": {...}}`, the
    /// service today) or the flat one (the download alone, as the API reference showed it).
    pub fn download(&self) -> &Download {
        match self {
            Self::KeyedDownloads(keyed) => &keyed.default,
            Self::Download(download) => download,
        }
    }

    /// The default download, as created, owned.
    pub fn into_download(self) -> Download {
        match self {
            Self::KeyedDownloads(keyed) => keyed.default,
            Self::Download(download) => download,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{CreatedDownload, DownloadStatus};

    #[test]
    fn both_shapes_of_the_answer_give_the_default_download_without_loss() {
        let url = "https://customer-a.cloudflarestream.com/v/downloads/default.mp4";
        let keyed: CreatedDownload = serde_json::from_value(json!({
            "default": {"percentComplete": 0, "status": "inprogress", "url": url},
            "audio": {"percentComplete": 10, "status": "inprogress"}
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let flat: CreatedDownload = serde_json::from_value(
            json!({"percentComplete": 0, "status": "inprogress", "url": url}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let CreatedDownload::KeyedDownloads(both) = &keyed else {
            panic!("the keyed answer read as {keyed:?}");
        };
        assert!(both.audio.is_some(), "the audio download is kept");
        assert!(matches!(flat, CreatedDownload::Download(_)), "{flat:?}");
        for answer in [keyed, flat] {
            assert_eq!(answer.download().url.as_deref(), Some(url));
            assert_eq!(
                answer.into_download().status,
                Some(DownloadStatus::Inprogress)
            );
        }
    }
}
