//! What an emulator starts with: credentials it accepts, videos it knows, how long generation
//! takes.

use std::path::PathBuf;
use std::time::Duration;

/// The seeded account, videos and credentials of [`EmulatorConfig::default`].
///
/// The account and the first video are the identifiers Cloudflare's API documentation uses,
/// so examples written against the docs run unchanged.
pub mod seeds {
    /// The account every seeded video belongs to.
    pub const ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
    /// A video that is ready to view: its downloads generate normally.
    pub const VIDEO_ID: &str = "ea95132c15732412d22c1476fa83f27a";
    /// Two more videos that are ready to view.
    pub const OTHER_VIDEO_IDS: [&str; 2] = [
        "5d5bc37ffcf54c9b82e996823bffbb81",
        "8f2c4e6a1b3d5f7092a4c6e8b0d2f4a6",
    ];
    /// A video whose downloads fail half-way: they end with status `error`.
    pub const FAILING_VIDEO_ID: &str = "0badc0de0badc0de0badc0de0badc0de";
    /// A video still being encoded: creating a download of it is refused (code 10008).
    pub const PROCESSING_VIDEO_ID: &str = "c0ffee00c0ffee00c0ffee00c0ffee00";
    /// The API token accepted as `Authorization: Bearer <token>`.
    pub const API_TOKEN: &str = "emulator-token";
    /// The email accepted in `X-Auth-Email`, with [`API_KEY`].
    pub const API_EMAIL: &str = "user@example.com";
    /// The global API key accepted in `X-Auth-Key`, with [`API_EMAIL`].
    pub const API_KEY: &str = "emulator-key";
    /// The customer subdomain code in download URLs (`https://customer-<code>.cloudflarestream.com`).
    pub const CUSTOMER_CODE: &str = "emulator";
}

/// How a video behaves when downloads of it are created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VideoKind {
    /// Ready to view: downloads go from 0 to 100 % over the generation time, then `ready`.
    Ready,
    /// Ready to view, but generation fails half-way: downloads stop at 50 % with status `error`.
    Failing,
    /// Still being encoded: creating a download is refused with HTTP 400, code 10008.
    Processing,
    /// Failed to encode (`status.state` `error`, `errorReasonCode` `ERR_NON_VIDEO`): creating a
    /// download is refused as for [`Processing`](Self::Processing).
    Broken,
}

/// A video the emulator knows from the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedVideo {
    /// The account that owns it.
    pub account_id: String,
    /// Its identifier (Cloudflare's are 32 hexadecimal digits; any string up to 32 bytes works).
    pub id: String,
    /// A name for people (the binary prints it); the API never shows it.
    pub name: String,
    /// How its downloads behave.
    pub kind: VideoKind,
}

impl SeedVideo {
    /// A video of `kind` with identifier `id` in `account_id`.
    pub fn new(
        account_id: impl Into<String>,
        id: impl Into<String>,
        name: impl Into<String>,
        kind: VideoKind,
    ) -> Self {
        Self {
            account_id: account_id.into(),
            id: id.into(),
            name: name.into(),
            kind,
        }
    }
}

/// Everything an [`Emulator`](crate::Emulator) is started with.
///
/// Change what you need and keep the rest:
///
/// ```
/// use std::time::Duration;
/// use cloudflare_stream_emulator::EmulatorConfig;
///
/// let config = EmulatorConfig {
///     generation_time: Duration::from_millis(200),
///     ..EmulatorConfig::default()
/// };
/// # let _ = config;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatorConfig {
    /// How long a download takes from creation (0 %) to `ready` (100 %). Zero makes downloads
    /// ready at once. Default: 5 seconds.
    pub generation_time: Duration,
    /// The API token accepted as `Authorization: Bearer <token>`. Default:
    /// [`seeds::API_TOKEN`].
    pub api_token: String,
    /// The email accepted in `X-Auth-Email`, together with `api_key`. Default:
    /// [`seeds::API_EMAIL`].
    pub api_email: String,
    /// The global API key accepted in `X-Auth-Key`, together with `api_email`. Default:
    /// [`seeds::API_KEY`].
    pub api_key: String,
    /// The code in download URLs: `https://customer-<code>.cloudflarestream.com/...`. Default:
    /// [`seeds::CUSTOMER_CODE`].
    pub customer_code: String,
    /// The loopback port to listen on; 0 picks a free one. Default: 0.
    pub port: u16,
    /// The videos known from the start; their accounts are the accounts the credentials may
    /// use. Default: the [`seeds`] videos, all in [`seeds::ACCOUNT_ID`].
    pub videos: Vec<SeedVideo>,
    /// A folder of OpenAPI 3.0 files (`.yaml`, `.yml`, `.json`, which may `$ref` each other by
    /// file name) whose every operation the emulator also answers, paths relative to
    /// `/client/v4`: requests are checked against the spec and answered with its examples or
    /// values written from its schemas; simple collections remember what was created. The
    /// downloads routes keep their own, stateful, handlers. Default: `None`, downloads only.
    pub spec_dir: Option<PathBuf>,
    /// Serve the whole Stream API this emulator was built with (the project's `spec/`, its
    /// overlays applied, embedded at build time), as `spec_dir` would a folder; `spec_dir`,
    /// when set, is served instead. Default: `false` (the binary's default is `true`).
    pub stream_api: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        let account = seeds::ACCOUNT_ID;
        Self {
            generation_time: Duration::from_secs(5),
            api_token: seeds::API_TOKEN.to_owned(),
            api_email: seeds::API_EMAIL.to_owned(),
            api_key: seeds::API_KEY.to_owned(),
            customer_code: seeds::CUSTOMER_CODE.to_owned(),
            port: 0,
            spec_dir: None,
            stream_api: false,
            videos: vec![
                SeedVideo::new(
                    account,
                    seeds::VIDEO_ID,
                    "big-buck-bunny.mp4",
                    VideoKind::Ready,
                ),
                SeedVideo::new(
                    account,
                    seeds::OTHER_VIDEO_IDS[0],
                    "product-launch.mov",
                    VideoKind::Ready,
                ),
                SeedVideo::new(
                    account,
                    seeds::OTHER_VIDEO_IDS[1],
                    "team-standup.webm",
                    VideoKind::Ready,
                ),
                SeedVideo::new(
                    account,
                    seeds::FAILING_VIDEO_ID,
                    "corrupt-upload.mp4",
                    VideoKind::Failing,
                ),
                SeedVideo::new(
                    account,
                    seeds::PROCESSING_VIDEO_ID,
                    "still-encoding.mp4",
                    VideoKind::Processing,
                ),
            ],
        }
    }
}
