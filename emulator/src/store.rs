//! The emulator's state: which videos exist, which downloads were created and when, and how far
//! each one has come at a given instant.
//!
//! Progress is computed from the creation instant rather than advanced by a timer, so there is
//! no background task, and the arithmetic is a pure function tested on its own.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

use crate::config::{SeedVideo, VideoKind};

/// A kind of download, as in the path `.../downloads/{download_type}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DownloadKind {
    /// `default`: the whole video as MP4.
    Default,
    /// `audio`: the audio track alone.
    Audio,
}

impl DownloadKind {
    /// Both kinds, in the order the API lists them.
    pub const ALL: [Self; 2] = [Self::Default, Self::Audio];

    /// The name in paths and JSON keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::Audio => "audio",
        }
    }

    /// The kind named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The file name at the end of the download URL.
    fn file_name(self) -> &'static str {
        match self {
            Self::Default => "default.mp4",
            Self::Audio => "audio.m4a",
        }
    }
}

impl fmt::Display for DownloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the generation of a download stands, as the API's `status` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DownloadStatus {
    /// `inprogress`: `percentComplete` is rising.
    InProgress,
    /// `ready`: 100 %, with a URL.
    Ready,
    /// `error`: generation failed.
    Error,
}

impl DownloadStatus {
    /// The value of `status` in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "inprogress",
            Self::Ready => "ready",
            Self::Error => "error",
        }
    }
}

/// A download as the API would show it at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadState {
    /// From 0 to 100, to one decimal place.
    pub percent_complete: f64,
    /// Where generation stands.
    pub status: DownloadStatus,
    /// Where to fetch the file; only once `ready`.
    pub url: Option<String>,
}

/// How far a download of a `kind` video has come `elapsed` after its creation.
///
/// Progress is linear over `generation_time` and floored to one decimal place, so it never
/// goes backwards and reads 100 only once ready. A failing video stops at 50 % with `error`.
pub(crate) fn progress(
    kind: VideoKind,
    elapsed: Duration,
    generation_time: Duration,
) -> (f64, DownloadStatus) {
    let fraction = if generation_time.is_zero() {
        1.0
    } else {
        (elapsed.as_secs_f64() / generation_time.as_secs_f64()).min(1.0)
    };
    let percent = (fraction * 1000.0).floor() / 10.0;
    match kind {
        VideoKind::Failing if fraction >= 0.5 => (50.0, DownloadStatus::Error),
        _ if fraction >= 1.0 => (100.0, DownloadStatus::Ready),
        _ => (percent, DownloadStatus::InProgress),
    }
}

/// Why the store refused a call; the API layer turns each into a failure envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The credentials do not give access to this account.
    AccountNotAccessible,
    /// No such video in the account.
    VideoNotFound,
    /// The video has no download of this kind.
    DownloadNotFound(DownloadKind),
    /// The video is still being encoded.
    VideoNotReady,
}

/// Settings that shape what the store reports.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) generation_time: Duration,
    pub(crate) customer_code: String,
}

#[derive(Debug)]
struct Video {
    kind: VideoKind,
    /// For a video still being made (a clip, a copy): when it is ready to view; downloads are
    /// refused before, as for a video still encoding.
    ready_at: Option<Instant>,
    /// When each existing download was created.
    downloads: BTreeMap<DownloadKind, Instant>,
}

/// All videos and downloads, by account.
#[derive(Debug)]
pub(crate) struct Store {
    settings: Settings,
    accounts: HashSet<String>,
    /// Keyed by (account, video).
    videos: HashMap<(String, String), Video>,
    generations_started: u64,
}

impl Store {
    pub(crate) fn new(settings: Settings, videos: &[SeedVideo]) -> Self {
        let mut store = Self {
            settings,
            accounts: HashSet::new(),
            videos: HashMap::new(),
            generations_started: 0,
        };
        for video in videos {
            store.add_video(video);
        }
        store
    }

    /// Adds `video` (and its account), or resets it if it exists: its downloads are dropped.
    pub(crate) fn add_video(&mut self, video: &SeedVideo) {
        self.add_made(video, None);
    }

    /// Adds a video made while running (a clip, a copy, an upload), ready at `ready_at`.
    pub(crate) fn add_made(&mut self, video: &SeedVideo, ready_at: Option<Instant>) {
        self.accounts.insert(video.account_id.clone());
        self.videos.insert(
            (video.account_id.clone(), video.id.clone()),
            Video {
                kind: video.kind,
                ready_at,
                downloads: BTreeMap::new(),
            },
        );
    }

    /// Removes a video and its downloads (the account stays reachable).
    pub(crate) fn remove_video(&mut self, account: &str, video_id: &str) {
        self.videos
            .remove(&(account.to_owned(), video_id.to_owned()));
    }

    /// Whether the credentials reach `account`: it has a video.
    pub(crate) fn has_account(&self, account: &str) -> bool {
        self.accounts.contains(account)
    }

    /// How many downloads were created (not counting creations of one that existed).
    pub(crate) fn generations_started(&self) -> u64 {
        self.generations_started
    }

    fn video(&self, account: &str, video: &str) -> Result<&Video, Refusal> {
        if !self.accounts.contains(account) {
            return Err(Refusal::AccountNotAccessible);
        }
        self.videos
            .get(&(account.to_owned(), video.to_owned()))
            .ok_or(Refusal::VideoNotFound)
    }

    fn video_mut(&mut self, account: &str, video: &str) -> Result<&mut Video, Refusal> {
        if !self.accounts.contains(account) {
            return Err(Refusal::AccountNotAccessible);
        }
        self.videos
            .get_mut(&(account.to_owned(), video.to_owned()))
            .ok_or(Refusal::VideoNotFound)
    }

    /// The downloads of a video as they stand at `now`, default first.
    pub(crate) fn list(
        &self,
        account: &str,
        video_id: &str,
        now: Instant,
    ) -> Result<Vec<(DownloadKind, DownloadState)>, Refusal> {
        let video = self.video(account, video_id)?;
        Ok(video
            .downloads
            .iter()
            .map(|(&kind, &created)| (kind, self.state(video, video_id, kind, created, now)))
            .collect())
    }

    /// Starts generating a download at `now`. Creating one that exists changes nothing: it
    /// keeps its progress.
    pub(crate) fn create(
        &mut self,
        account: &str,
        video_id: &str,
        kind: DownloadKind,
        now: Instant,
    ) -> Result<(), Refusal> {
        let video = self.video_mut(account, video_id)?;
        let encoding = video.ready_at.is_some_and(|ready| now < ready);
        if matches!(video.kind, VideoKind::Processing | VideoKind::Broken) || encoding {
            return Err(Refusal::VideoNotReady);
        }
        if video.downloads.contains_key(&kind) {
            return Ok(());
        }
        video.downloads.insert(kind, now);
        self.generations_started += 1;
        Ok(())
    }

    /// Deletes a download, finished or not.
    pub(crate) fn delete(
        &mut self,
        account: &str,
        video_id: &str,
        kind: DownloadKind,
    ) -> Result<(), Refusal> {
        let video = self.video_mut(account, video_id)?;
        video
            .downloads
            .remove(&kind)
            .map(|_| ())
            .ok_or(Refusal::DownloadNotFound(kind))
    }

    fn state(
        &self,
        video: &Video,
        video_id: &str,
        kind: DownloadKind,
        created: Instant,
        now: Instant,
    ) -> DownloadState {
        let elapsed = now.saturating_duration_since(created);
        let (percent_complete, status) =
            progress(video.kind, elapsed, self.settings.generation_time);
        // The service gives the URL from the download's creation on, so that a caller can keep
        // it from the create answer (as Cloudflare's guide does); a download that failed has
        // no file to serve.
        let url = (status != DownloadStatus::Error).then(|| {
            format!(
                "https://customer-{}.cloudflarestream.com/{video_id}/downloads/{}",
                self.settings.customer_code,
                kind.file_name()
            )
        });
        DownloadState {
            percent_complete,
            status,
            url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn store(generation_time: Duration) -> Store {
        Store::new(
            Settings {
                generation_time,
                customer_code: "abc".into(),
            },
            &[
                SeedVideo::new("acc", "ok", "", VideoKind::Ready),
                SeedVideo::new("acc", "bad", "", VideoKind::Failing),
                SeedVideo::new("acc", "busy", "", VideoKind::Processing),
            ],
        )
    }

    #[test]
    fn progress_rises_linearly_then_is_ready() {
        let ten = 10 * SECOND;
        let at = |millis| progress(VideoKind::Ready, Duration::from_millis(millis), ten);
        assert_eq!(at(0), (0.0, DownloadStatus::InProgress));
        assert_eq!(at(2_500), (25.0, DownloadStatus::InProgress));
        // Floored, so 100 is never shown while still in progress.
        assert_eq!(at(9_999), (99.9, DownloadStatus::InProgress));
        assert_eq!(at(10_000), (100.0, DownloadStatus::Ready));
        assert_eq!(at(60_000), (100.0, DownloadStatus::Ready));
    }

    #[test]
    fn progress_never_goes_backwards() {
        let generation = Duration::from_millis(730);
        let mut last = 0.0;
        for millis in 0..800 {
            let (percent, _) =
                progress(VideoKind::Ready, Duration::from_millis(millis), generation);
            assert!(percent >= last, "{percent} < {last} at {millis} ms");
            assert!((0.0..=100.0).contains(&percent));
            last = percent;
        }
        assert_eq!(last, 100.0);
    }

    #[test]
    fn zero_generation_time_is_ready_at_once() {
        assert_eq!(
            progress(VideoKind::Ready, Duration::ZERO, Duration::ZERO),
            (100.0, DownloadStatus::Ready)
        );
    }

    #[test]
    fn failing_videos_stop_at_half_with_error() {
        let ten = 10 * SECOND;
        assert_eq!(
            progress(VideoKind::Failing, 4 * SECOND, ten),
            (40.0, DownloadStatus::InProgress)
        );
        assert_eq!(
            progress(VideoKind::Failing, 5 * SECOND, ten),
            (50.0, DownloadStatus::Error)
        );
        assert_eq!(
            progress(VideoKind::Failing, 50 * SECOND, ten),
            (50.0, DownloadStatus::Error)
        );
    }

    #[test]
    fn types_are_independent_and_listed_only_once_created() {
        let mut store = store(10 * SECOND);
        let t0 = Instant::now();
        assert_eq!(store.list("acc", "ok", t0), Ok(Vec::new()));

        assert_eq!(store.create("acc", "ok", DownloadKind::Audio, t0), Ok(()));
        let listed = store.list("acc", "ok", t0 + 3 * SECOND).unwrap_or_default();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].0, DownloadKind::Audio);
        assert_eq!(listed[0].1.percent_complete, 30.0);
        assert_eq!(
            listed[0].1.url.as_deref(),
            Some("https://customer-abc.cloudflarestream.com/ok/downloads/audio.m4a"),
            "the URL is there from creation"
        );

        assert_eq!(
            store.create("acc", "ok", DownloadKind::Default, t0 + 5 * SECOND),
            Ok(())
        );
        let listed = store
            .list("acc", "ok", t0 + 10 * SECOND)
            .unwrap_or_default();
        let kinds: Vec<_> = listed.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(kinds, [DownloadKind::Default, DownloadKind::Audio]);
        assert_eq!(listed[0].1.status, DownloadStatus::InProgress);
        assert_eq!(listed[0].1.percent_complete, 50.0);
        assert_eq!(listed[1].1.status, DownloadStatus::Ready);
        assert_eq!(
            listed[1].1.url.as_deref(),
            Some("https://customer-abc.cloudflarestream.com/ok/downloads/audio.m4a")
        );

        assert_eq!(store.delete("acc", "ok", DownloadKind::Audio), Ok(()));
        assert_eq!(
            store.delete("acc", "ok", DownloadKind::Audio),
            Err(Refusal::DownloadNotFound(DownloadKind::Audio))
        );
        let listed = store
            .list("acc", "ok", t0 + 20 * SECOND)
            .unwrap_or_default();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].0, DownloadKind::Default);
        assert_eq!(store.generations_started(), 2);
    }

    #[test]
    fn creating_twice_keeps_the_first_generation() {
        let mut store = store(10 * SECOND);
        let t0 = Instant::now();
        assert_eq!(store.create("acc", "ok", DownloadKind::Default, t0), Ok(()));
        assert_eq!(
            store.create("acc", "ok", DownloadKind::Default, t0 + 5 * SECOND),
            Ok(())
        );
        let listed = store.list("acc", "ok", t0 + 6 * SECOND).unwrap_or_default();
        assert_eq!(listed[0].1.percent_complete, 60.0);
        assert_eq!(store.generations_started(), 1);
    }

    #[test]
    fn refusals() {
        let mut store = store(SECOND);
        let now = Instant::now();
        assert_eq!(
            store.list("other", "ok", now),
            Err(Refusal::AccountNotAccessible)
        );
        assert_eq!(store.list("acc", "nope", now), Err(Refusal::VideoNotFound));
        assert_eq!(
            store.create("acc", "busy", DownloadKind::Default, now),
            Err(Refusal::VideoNotReady)
        );
        assert_eq!(
            store.delete("acc", "ok", DownloadKind::Default),
            Err(Refusal::DownloadNotFound(DownloadKind::Default))
        );
        assert_eq!(store.generations_started(), 0);
    }

    #[test]
    fn kinds_round_trip_their_names() {
        for kind in DownloadKind::ALL {
            assert_eq!(DownloadKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(DownloadKind::from_name("hd"), None);
        assert_eq!(DownloadKind::from_name("Default"), None);
    }
}
