//! The client: credentials, base URL and HTTP connection pool, shared by
//! every call.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::auth::Credentials;
use crate::retry::{self, Backoff};
use crate::{Error, env, headers};

/// Where the Cloudflare API v4 lives.
const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// Per-attempt timeout unless the builder or a request says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A Cloudflare API client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Without a trailing slash; request paths start with one.
    base_url: String,
    /// `base_url`, parsed once: each request's URL is this with its path extended.
    base: Url,
    /// What every request's headers start from: the credentials, `Accept` and `User-Agent`
    /// (a first attempt carries no retry count).
    request_headers: HeaderMap,
    /// Custom headers for every request, marked sensitive.
    custom_headers: HeaderMap,
    user_agent: HeaderValue,
    timeout: Duration,
    /// The timeout `http` applies by itself: the client's, if we built `http`.
    http_timeout: Option<Duration>,
    max_retries: u32,
    backoff: Backoff,
    /// Whether a 2xx body that drifts from its type fails the call (see `drift.rs`).
    strict_decoding: bool,
    /// For Debug: which scheme, never the secret.
    scheme: &'static str,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.scheme)
            .field(
                "custom_headers",
                &headers::names(&self.inner.custom_headers),
            )
            .field("user_agent", &self.inner.user_agent)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .field("backoff", &self.inner.backoff)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder, for anything beyond credentials.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for the public API with `credentials` and default settings.
    pub fn new(credentials: Credentials) -> Result<Self, Error> {
        Self::builder().credentials(credentials).build()
    }

    /// A client configured from environment variables: exactly one of
    /// `CLOUDFLARE_API_TOKEN`; `CLOUDFLARE_EMAIL` with `CLOUDFLARE_API_KEY`;
    /// or `CLOUDFLARE_API_USER_SERVICE_KEY`. `CLOUDFLARE_BASE_URL`
    /// optionally replaces the default base URL, and
    /// `CLOUDFLARE_CUSTOM_HEADERS` (one `Name: value` per line) adds headers
    /// to every request; it may not set credential headers. Empty variables
    /// count as unset.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    #[cfg(test)]
    fn from_lookup(
        lookup: impl Fn(&'static str) -> Result<Option<String>, Error>,
    ) -> Result<Self, Error> {
        ClientBuilder::from_lookup(lookup)?.build()
    }

    /// The API's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The base URL, parsed.
    pub(crate) fn base(&self) -> &Url {
        &self.inner.base
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    #[cfg(test)]
    pub(crate) fn user_agent(&self) -> &HeaderValue {
        &self.inner.user_agent
    }

    /// The headers every request starts from (see `request::prepare::request_headers`).
    pub(crate) fn request_headers(&self) -> &HeaderMap {
        &self.inner.request_headers
    }

    /// Custom headers for every request (values marked sensitive).
    pub(crate) fn custom_headers(&self) -> &HeaderMap {
        &self.inner.custom_headers
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The timeout the HTTP client applies to every request unless told otherwise.
    pub(crate) fn http_timeout(&self) -> Option<Duration> {
        self.inner.http_timeout
    }

    pub(crate) fn max_retries(&self) -> u32 {
        self.inner.max_retries
    }

    pub(crate) fn strict_decoding(&self) -> bool {
        self.inner.strict_decoding
    }

    pub(crate) fn backoff(&self) -> Backoff {
        self.inner.backoff
    }
}

/// Configures a [`Client`]. Debug output never shows secrets.
#[derive(Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    /// Set when credentials were given twice: refusing beats guessing which
    /// identity the caller meant.
    conflicting_credentials: bool,
    base_url: Option<String>,
    timeout: Option<Duration>,
    max_retries: Option<u32>,
    backoff: Option<Backoff>,
    /// Custom headers; values are sensitive, so Debug hides them.
    headers: HeaderMap,
    /// Custom headers from `CLOUDFLARE_CUSTOM_HEADERS` (for `from_env`): a header of the same
    /// name set with `header` replaces them, as settings made afterwards replace the
    /// environment's.
    env_headers: HeaderMap,
    /// The first bad custom header, reported by `build`.
    header_problem: Option<String>,
    http_client: Option<reqwest::Client>,
    user_agent_suffix: Option<String>,
    strict_decoding: bool,
}

impl ClientBuilder {
    /// A builder holding what [`Client::from_env`] reads from the environment, to adjust
    /// before building: `ClientBuilder::from_env()?.max_retries(5).build()`. Settings made
    /// afterwards replace those from the environment (credentials excepted: giving a second
    /// scheme is a conflict).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(env::process_env)
    }

    fn from_lookup(
        lookup: impl Fn(&'static str) -> Result<Option<String>, Error>,
    ) -> Result<Self, Error> {
        let config = env::from_lookup(lookup)?;
        let mut builder = Client::builder().credentials(config.credentials);
        if let Some(base_url) = config.base_url {
            builder = builder.base_url(base_url);
        }
        // Checked already, as `header` would.
        builder.env_headers = config.custom_headers;
        Ok(builder)
    }

    /// The credentials to authenticate with (exactly one scheme).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        if self.credentials.is_some() {
            self.conflicting_credentials = true;
        }
        self.credentials = Some(credentials);
        self
    }

    /// Authenticates with an API token (`Authorization: Bearer`).
    pub fn api_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::ApiToken(token.into()))
    }

    /// Authenticates with a legacy global API key and its account's email.
    pub fn api_key(self, email: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials(Credentials::ApiKey {
            email: email.into(),
            key: key.into(),
        })
    }

    /// Authenticates with an Origin CA user service key.
    pub fn user_service_key(self, key: impl Into<String>) -> Self {
        self.credentials(Credentials::UserServiceKey(key.into()))
    }

    /// Replaces `https://api.cloudflare.com/client/v4`, e.g. for a proxy or
    /// a test server. Must be `http` or `https`, without query, fragment or
    /// user info; a trailing slash is ignored.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Timeout for each attempt, response body included (default 60 s).
    /// A request that times out is retried like a connection failure.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times a failed attempt is retried (default 2, so at most
    /// three attempts); `0` turns retries off. Connection failures,
    /// timeouts, 408, 409, 429 and 5xx are retried.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// The wait before the first retry (default 0.5 s), doubling for each
    /// retry after it up to `max` (default 8 s), less up to 25 % of random
    /// jitter. A server's `Retry-After` of at most 60 s is honoured instead.
    /// `initial` must not exceed `max`.
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff = Some(Backoff { initial, max });
        self
    }

    /// Adds a header to every request, e.g. for a proxy or Cloudflare
    /// Access. It replaces a header of the same name from
    /// `CLOUDFLARE_CUSTOM_HEADERS` (with [`from_env`](Self::from_env)), and a
    /// header set on a request replaces it; calling it twice with one name
    /// sends both values. Name and value are
    /// trimmed, as on a request. Its value is treated as a secret (never
    /// shown in Debug output or errors); credential headers are refused,
    /// since the credentials already set them.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        if let Err(why) = headers::append_custom(&mut self.headers, name.as_ref(), value.as_ref())
            && self.header_problem.is_none()
        {
            self.header_problem = Some(format!("invalid custom header: {why}"));
        }
        self
    }

    /// Uses this `reqwest` client (proxies, TLS settings, a shared pool); start from
    /// [`http_client_builder`](crate::http_client_builder) to keep this crate's TLS.
    /// Credentials, user agent, timeout and retries are still applied per request.
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Text appended to the `User-Agent`, e.g. `"my-app/1.2"`, so Cloudflare
    /// can tell your application's traffic apart.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// What to do when a 2xx body drifts from the spec the SDK was generated from: a property
    /// its type does not declare, or an enum value the SDK does not know. By default (`false`)
    /// the value decodes (unknown properties ignored, unknown values kept as `Unknown`) and
    /// each drift is a `tracing` warning (target `cloudflare_stream::drift`), once per
    /// operation and place, looked for only when a subscriber takes those warnings. With
    /// `true` the call fails with [`Error::Decode`] naming the JSON pointer: for tests and CI,
    /// where a service newer than the spec should be seen.
    pub fn strict_decoding(mut self, strict: bool) -> Self {
        self.strict_decoding = strict;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        if let Some(problem) = self.header_problem {
            return Err(Error::config(problem));
        }
        let backoff = self.backoff.unwrap_or_default();
        if backoff.initial > backoff.max {
            return Err(Error::config(format!(
                "the initial retry backoff ({:?}) exceeds the maximum ({:?})",
                backoff.initial, backoff.max
            )));
        }
        if self.conflicting_credentials {
            return Err(Error::config(
                "credentials were given more than once; give exactly one scheme",
            ));
        }
        let credentials = self.credentials.ok_or_else(|| {
            Error::config(
                "no credentials: use `api_token`, `api_key`, `user_service_key` or `credentials`",
            )
        })?;
        let auth_headers = credentials.headers()?;
        let base_url = match &self.base_url {
            Some(base_url) => normalize_base_url(base_url)?,
            None => DEFAULT_BASE_URL.to_owned(),
        };
        let base = Url::parse(&base_url)
            .map_err(|e| Error::config(format!("the base URL is not a valid URL: {e}")))?;
        let user_agent = user_agent(self.user_agent_suffix.as_deref())?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        // Our own HTTP client carries the timeout, so that a request with the client's timeout
        // need not set its own (which costs reqwest a map in the request's extensions). A
        // client brought with `http_client` keeps its settings: each request sets the timeout.
        let (http, http_timeout) = match self.http_client {
            Some(http) => (http, None),
            None => (
                crate::tls::http_client_builder()?
                    .timeout(timeout)
                    .build()
                    .map_err(|e| Error::config(format!("could not build the HTTP client: {e}")))?,
                Some(timeout),
            ),
        };
        let request_headers = crate::request::request_headers(&auth_headers, user_agent.clone());
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base,
                request_headers,
                custom_headers: {
                    // `extend` replaces every value of a name it brings.
                    let mut custom = self.env_headers;
                    custom.extend(self.headers);
                    custom
                },
                user_agent,
                timeout,
                http_timeout,
                max_retries: self.max_retries.unwrap_or(retry::DEFAULT_MAX_RETRIES),
                backoff,
                strict_decoding: self.strict_decoding,
                scheme: credentials.scheme(),
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("conflicting_credentials", &self.conflicting_credentials)
            .field("base_url", &self.base_url.as_deref().map(shown_url))
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("custom_headers", &headers::names(&self.headers))
            .field("env_custom_headers", &headers::names(&self.env_headers))
            .field("header_problem", &self.header_problem)
            .field("http_client", &self.http_client)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .finish()
    }
}

/// A base URL as Debug may show it: without a user name or password (which `build` refuses,
/// but a builder may hold before that), and not at all if it does not parse.
fn shown_url(raw: &str) -> String {
    match Url::parse(raw.trim()) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            // Cannot fail for a URL that has a user name or password: it has a host.
            let _ = url.set_username("***");
            let _ = url.set_password(None);
            url.to_string()
        }
        Ok(_) => raw.to_owned(),
        Err(_) => "(not a URL; not shown)".to_owned(),
    }
}

/// Checks `raw` and drops trailing slashes. Messages never repeat the URL,
/// which could carry a password.
fn normalize_base_url(raw: &str) -> Result<String, Error> {
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::config(format!("the base URL is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::config("the base URL must use http or https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            "the base URL must not contain a user name or password",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(
            "the base URL must not have a query or fragment",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn user_agent(suffix: Option<&str>) -> Result<HeaderValue, Error> {
    let mut text = concat!("cloudflare-stream-rust/", env!("CARGO_PKG_VERSION")).to_owned();
    if let Some(suffix) = suffix.map(str::trim).filter(|suffix| !suffix.is_empty()) {
        text.push(' ');
        text.push_str(suffix);
    }
    HeaderValue::from_str(&text).map_err(|_| {
        Error::config("the user agent suffix contains characters that cannot be sent in a header")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-value";

    fn config_message(result: Result<Client, Error>) -> String {
        match result {
            Err(Error::Config { message }) => {
                assert!(!message.contains(SECRET), "secret leaked: {message}");
                message
            }
            other => panic!("expected Config error, got {other:?}"),
        }
    }

    fn client(builder: ClientBuilder) -> Client {
        builder.build().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn defaults() {
        let client = client(Client::builder().api_token(SECRET));
        assert_eq!(client.base_url(), "https://api.cloudflare.com/client/v4");
        assert_eq!(client.timeout(), Duration::from_secs(60));
        assert_eq!(
            client.user_agent().to_str().ok(),
            Some(concat!(
                "cloudflare-stream-rust/",
                env!("CARGO_PKG_VERSION")
            ))
        );
        assert!(client.request_headers().contains_key("authorization"));
        assert!(client.custom_headers().is_empty());
        assert_eq!(client.max_retries(), 2);
        assert_eq!(
            client.backoff(),
            Backoff {
                initial: Duration::from_millis(500),
                max: Duration::from_secs(8)
            }
        );
    }

    #[test]
    fn retries_and_backoff_are_configurable() {
        let backoff = Backoff {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(4),
        };
        let client = client(
            Client::builder()
                .api_token(SECRET)
                .max_retries(0)
                .retry_backoff(backoff.initial, backoff.max),
        );
        assert_eq!(client.max_retries(), 0);
        assert_eq!(client.backoff(), backoff);
        let debug = format!("{client:?}");
        assert!(debug.contains("max_retries: 0"), "{debug}");

        let message = config_message(
            Client::builder()
                .api_token(SECRET)
                .retry_backoff(Duration::from_secs(2), Duration::from_secs(1))
                .build(),
        );
        assert!(message.contains("exceeds the maximum"), "{message}");
    }

    #[test]
    fn custom_headers_are_kept_hidden_and_checked() {
        let client = client(
            Client::builder()
                .api_token("t")
                .header("CF-Access-Client-Secret", SECRET)
                .header("x-team", "video"),
        );
        let headers = client.custom_headers();
        assert_eq!(headers.len(), 2);
        assert!(headers.values().all(HeaderValue::is_sensitive));
        let debug = format!("{client:?}");
        assert!(debug.contains("cf-access-client-secret"), "{debug}");
        assert!(!debug.contains(SECRET), "{debug}");
        let builder = Client::builder().header("x-secret", SECRET);
        assert!(!format!("{builder:?}").contains(SECRET));

        for (name, value) in [
            ("Authorization", "Bearer s3cr3t-value"),
            ("x-auth-key", SECRET),
            ("bad name", SECRET),
            ("x-ok", "s3cr3t\nvalue"),
        ] {
            let message =
                config_message(Client::builder().api_token("t").header(name, value).build());
            assert!(message.contains("custom header"), "{message}");
        }
        // The first problem is the one reported.
        let message = config_message(
            Client::builder()
                .api_token("t")
                .header("authorization", SECRET)
                .header("bad name", SECRET)
                .build(),
        );
        assert!(message.contains("carries credentials"), "{message}");
    }

    #[test]
    fn base_url_is_normalised() {
        for (raw, expected) in [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            (
                "https://example.com/client/v4//",
                "https://example.com/client/v4",
            ),
            (" https://EXAMPLE.com/v4 ", "https://example.com/v4"),
        ] {
            let client = client(Client::builder().api_token(SECRET).base_url(raw));
            assert_eq!(client.base_url(), expected);
        }
    }

    #[test]
    fn bad_base_urls_are_refused_without_echoing_them() {
        for raw in [
            "not a url",
            "ftp://example.com",
            "https://user:s3cr3t-value@example.com",
            "https://example.com/?s3cr3t-value",
            "https://example.com/#s3cr3t-value",
        ] {
            let message = config_message(Client::builder().api_token("t").base_url(raw).build());
            assert!(message.contains("base URL"), "{message}");
        }
    }

    #[test]
    fn credentials_are_required_and_unique() {
        assert!(config_message(Client::builder().build()).contains("no credentials"));
        let message = config_message(
            Client::builder()
                .api_token(SECRET)
                .user_service_key(SECRET)
                .build(),
        );
        assert!(message.contains("more than once"), "{message}");
        config_message(Client::builder().api_key("", SECRET).build());
    }

    #[test]
    fn user_agent_suffix_is_appended_and_checked() {
        let client = client(
            Client::builder()
                .api_token("t")
                .user_agent_suffix("my-app/1.2"),
        );
        let agent = client.user_agent().to_str().unwrap_or_default();
        assert!(agent.starts_with("cloudflare-stream-rust/"), "{agent}");
        assert!(agent.ends_with(" my-app/1.2"), "{agent}");
        config_message(
            Client::builder()
                .api_token("t")
                .user_agent_suffix("bad\nsuffix")
                .build(),
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let builder = Client::builder().api_key(SECRET, SECRET);
        let debug = format!("{builder:?}");
        assert!(!debug.contains(SECRET), "{debug}");

        let client = client(builder);
        let debug = format!("{client:?} {client:#?}");
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(debug.contains("api key"), "{debug}");
        let headers = format!("{:?}", client.request_headers());
        assert!(!headers.contains(SECRET), "{headers}");
    }

    #[test]
    fn from_env_applies_the_base_url() {
        let lookup = |name: &'static str| {
            Ok(match name {
                "CLOUDFLARE_API_TOKEN" => Some(SECRET.to_owned()),
                "CLOUDFLARE_BASE_URL" => Some("http://127.0.0.1:9/v4/".to_owned()),
                _ => None,
            })
        };
        let client = Client::from_lookup(lookup).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(client.base_url(), "http://127.0.0.1:9/v4");
        // A builder from the environment can still be adjusted.
        let adjusted = ClientBuilder::from_lookup(lookup)
            .and_then(|b| {
                b.base_url("http://127.0.0.1:10/other")
                    .max_retries(0)
                    .build()
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(adjusted.base_url(), "http://127.0.0.1:10/other");
        assert_eq!(adjusted.max_retries(), 0);
        assert!(config_message(Client::from_lookup(|_| Ok(None))).contains("CLOUDFLARE_API_TOKEN"));
    }

    fn client_of(builder: ClientBuilder) -> Client {
        builder.build().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_builders_debug_hides_a_password_in_the_base_url() {
        let builder = Client::builder()
            .api_token("t")
            .base_url(format!("https://user:{SECRET}@proxy.example/v4"));
        let shown = format!("{builder:?}");
        assert!(
            !shown.contains(SECRET) && !shown.contains("user:"),
            "{shown}"
        );
        assert!(shown.contains("https://***@proxy.example/v4"), "{shown}");
        let unparsed = format!("{:?}", Client::builder().base_url(format!("::{SECRET}@")));
        assert!(!unparsed.contains(SECRET), "{unparsed}");
        let plain = format!("{:?}", Client::builder().base_url("http://127.0.0.1:9/v4"));
        assert!(plain.contains("http://127.0.0.1:9/v4"), "{plain}");
    }

    #[test]
    fn from_env_applies_custom_headers() {
        let lookup = |name: &'static str| {
            Ok(match name {
                "CLOUDFLARE_API_TOKEN" => Some(SECRET.to_owned()),
                "CLOUDFLARE_CUSTOM_HEADERS" => {
                    Some("X-A: 1\r\nX-A: 2\nX-B: s3cr3t-value".to_owned())
                }
                _ => None,
            })
        };
        let client = Client::from_lookup(lookup).unwrap_or_else(|e| panic!("{e}"));
        let values: Vec<_> = client.custom_headers().get_all("x-a").iter().collect();
        assert_eq!(values, ["1", "2"]);
        assert!(!format!("{client:?}").contains(SECRET));

        // A header set on the builder afterwards replaces the environment's of that name (all
        // its values), and keeps the others; two calls with one name send both values.
        let builder = ClientBuilder::from_lookup(lookup).unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{builder:?}").contains(SECRET));
        let adjusted = client_of(
            builder
                .header("x-a", "3")
                .header("X-C", "4")
                .header("x-c", "5"),
        );
        let custom = adjusted.custom_headers();
        let values = |name| custom.get_all(name).iter().collect::<Vec<_>>();
        assert_eq!(values("x-a"), ["3"]);
        assert_eq!(values("x-b"), [SECRET]);
        assert_eq!(values("x-c"), ["4", "5"]);

        let lookup = |name: &'static str| {
            Ok(match name {
                "CLOUDFLARE_API_TOKEN" => Some("t".to_owned()),
                "CLOUDFLARE_CUSTOM_HEADERS" => Some("X-Auth-Key: s3cr3t-value".to_owned()),
                _ => None,
            })
        };
        let message = config_message(Client::from_lookup(lookup));
        assert!(
            message.contains("CLOUDFLARE_CUSTOM_HEADERS line 1"),
            "{message}"
        );
    }
}
