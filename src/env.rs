//! Every `CLOUDFLARE_*` environment variable the SDK reads, for
//! [`Client::from_env`](crate::Client::from_env): their names, reading them, and what their
//! values mean.
//!
//! Reading goes through a lookup function ([`from_lookup`]), so tests need not touch the process
//! environment. Errors name the variables, never their values.

use reqwest::header::HeaderMap;

use crate::{Credentials, Error, headers};

pub(crate) const API_TOKEN: &str = "CLOUDFLARE_API_TOKEN";
pub(crate) const EMAIL: &str = "CLOUDFLARE_EMAIL";
pub(crate) const API_KEY: &str = "CLOUDFLARE_API_KEY";
pub(crate) const USER_SERVICE_KEY: &str = "CLOUDFLARE_API_USER_SERVICE_KEY";
pub(crate) const BASE_URL: &str = "CLOUDFLARE_BASE_URL";
pub(crate) const CUSTOM_HEADERS: &str = "CLOUDFLARE_CUSTOM_HEADERS";

/// What the environment configures.
#[derive(Debug)]
pub(crate) struct EnvConfig {
    /// The one credential scheme set.
    pub(crate) credentials: Credentials,
    /// `CLOUDFLARE_BASE_URL`, not yet checked.
    pub(crate) base_url: Option<String>,
    /// `CLOUDFLARE_CUSTOM_HEADERS`, checked, values marked sensitive.
    pub(crate) custom_headers: HeaderMap,
}

/// Reads the process environment; a non-Unicode value is an error rather
/// than "unset", so the user is not told a variable they set is missing.
pub(crate) fn process_env(name: &'static str) -> Result<Option<String>, Error> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::config(format!(
            "{name} is set but is not valid Unicode"
        ))),
    }
}

/// Credentials, optional base URL and custom headers from environment variables, through
/// `lookup` so tests need not touch the process environment.
///
/// Empty values count as unset. Exactly one scheme must be configured; errors
/// name the variables, never their values.
pub(crate) fn from_lookup(
    lookup: impl Fn(&'static str) -> Result<Option<String>, Error>,
) -> Result<EnvConfig, Error> {
    let get = |name| -> Result<Option<String>, Error> {
        Ok(lookup(name)?.filter(|value| !value.trim().is_empty()))
    };
    let token = get(API_TOKEN)?;
    let email = get(EMAIL)?;
    let key = get(API_KEY)?;
    let service_key = get(USER_SERVICE_KEY)?;
    let base_url = get(BASE_URL)?;
    let credentials = single_scheme(token, email, key, service_key)?;
    let custom_headers = match lookup(CUSTOM_HEADERS)? {
        Some(text) => parse_custom_headers(&text).map_err(Error::config)?,
        None => HeaderMap::new(),
    };
    Ok(EnvConfig {
        credentials,
        base_url,
        custom_headers,
    })
}

/// The one credential scheme among the variables that are set.
fn single_scheme(
    token: Option<String>,
    email: Option<String>,
    key: Option<String>,
    service_key: Option<String>,
) -> Result<Credentials, Error> {
    let mut found = Vec::new();
    if let Some(token) = token {
        found.push((API_TOKEN, Credentials::ApiToken(token)));
    }
    match (email, key) {
        (Some(email), Some(key)) => found.push((
            "CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY",
            Credentials::ApiKey { email, key },
        )),
        (Some(_), None) => {
            return Err(Error::config(format!(
                "{EMAIL} is set but {API_KEY} is not; both are needed for API key authentication"
            )));
        }
        (None, Some(_)) => {
            return Err(Error::config(format!(
                "{API_KEY} is set but {EMAIL} is not; both are needed for API key authentication"
            )));
        }
        (None, None) => {}
    }
    if let Some(service_key) = service_key {
        found.push((USER_SERVICE_KEY, Credentials::UserServiceKey(service_key)));
    }

    let mut found = found.into_iter();
    match (found.next(), found.next()) {
        (Some((_, credentials)), None) => Ok(credentials),
        (None, _) => Err(Error::config(format!(
            "no credentials in the environment: set {API_TOKEN}, or {EMAIL} and {API_KEY}, \
             or {USER_SERVICE_KEY}"
        ))),
        (Some((first, _)), Some((second, _))) => {
            let mut names = vec![first, second];
            names.extend(found.map(|(name, _)| name));
            Err(Error::config(format!(
                "conflicting credentials in the environment: {} are all set; set only one scheme",
                names.join(", ")
            )))
        }
    }
}

/// Parses the value of `CLOUDFLARE_CUSTOM_HEADERS`, as Cloudflare's TypeScript SDK reads it:
/// one `Name: value` per line (`\n` or `\r\n`), split at the first colon; blank lines are
/// skipped. Each header goes through the client's custom header check
/// ([`headers::append_custom`]). A bad line is refused by number, since its text may be a
/// secret.
pub(crate) fn parse_custom_headers(text: &str) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let number = index + 1;
        let (name, value) = line.split_once(':').ok_or_else(|| {
            format!("{CUSTOM_HEADERS} line {number} is not of the form `Name: value`")
        })?;
        headers::append_custom(&mut headers, name, value)
            .map_err(|why| format!("{CUSTOM_HEADERS} line {number}: {why}"))?;
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    const SECRET: &str = "s3cr3t-value";

    fn lookup(
        vars: &'static [(&'static str, &'static str)],
    ) -> impl Fn(&'static str) -> Result<Option<String>, Error> {
        move |name| {
            Ok(vars
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned()))
        }
    }

    fn config_message(result: Result<EnvConfig, Error>) -> String {
        match result {
            Err(Error::Config { message }) => {
                assert!(!message.contains(SECRET), "secret leaked: {message}");
                message
            }
            other => panic!("expected Config error, got {other:?}"),
        }
    }

    fn refusal(text: &str) -> String {
        match parse_custom_headers(text) {
            Err(message) => {
                assert!(!message.contains(SECRET), "secret leaked: {message}");
                message
            }
            Ok(headers) => panic!("expected a refusal, got {headers:?}"),
        }
    }

    #[test]
    fn env_picks_the_single_scheme() {
        let token = from_lookup(lookup(&[("CLOUDFLARE_API_TOKEN", SECRET)]));
        assert!(matches!(
            token,
            Ok(EnvConfig { credentials: Credentials::ApiToken(ref t), base_url: None, .. })
                if t == SECRET
        ));

        let key = from_lookup(lookup(&[
            ("CLOUDFLARE_EMAIL", "a@example.com"),
            ("CLOUDFLARE_API_KEY", SECRET),
            ("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9"),
        ]));
        assert!(matches!(
            key,
            Ok(EnvConfig { credentials: Credentials::ApiKey { .. }, base_url: Some(ref url), .. })
                if url == "http://127.0.0.1:9"
        ));

        let service = from_lookup(lookup(&[
            ("CLOUDFLARE_API_USER_SERVICE_KEY", SECRET),
            ("CLOUDFLARE_API_TOKEN", ""),
        ]));
        assert!(matches!(
            service,
            Ok(EnvConfig {
                credentials: Credentials::UserServiceKey(_),
                base_url: None,
                ..
            })
        ));
    }

    #[test]
    fn env_without_credentials_names_the_variables() {
        let message = config_message(from_lookup(lookup(&[])));
        for name in [
            "CLOUDFLARE_API_TOKEN",
            "CLOUDFLARE_EMAIL",
            "CLOUDFLARE_API_KEY",
            "CLOUDFLARE_API_USER_SERVICE_KEY",
        ] {
            assert!(message.contains(name), "{message}");
        }
    }

    #[test]
    fn env_with_conflicting_schemes_names_them() {
        let message = config_message(from_lookup(lookup(&[
            ("CLOUDFLARE_API_TOKEN", SECRET),
            ("CLOUDFLARE_API_USER_SERVICE_KEY", SECRET),
        ])));
        assert!(message.contains("CLOUDFLARE_API_TOKEN"), "{message}");
        assert!(
            message.contains("CLOUDFLARE_API_USER_SERVICE_KEY"),
            "{message}"
        );
    }

    #[test]
    fn env_with_half_an_api_key_says_which_half_is_missing() {
        let message = config_message(from_lookup(lookup(&[("CLOUDFLARE_API_KEY", SECRET)])));
        assert!(message.contains("CLOUDFLARE_EMAIL is not"), "{message}");
        let message = config_message(from_lookup(lookup(&[("CLOUDFLARE_EMAIL", SECRET)])));
        assert!(message.contains("CLOUDFLARE_API_KEY is not"), "{message}");
    }

    #[test]
    fn env_lookup_errors_propagate() {
        let failing = |name: &'static str| Err(Error::config(format!("{name} is not Unicode")));
        assert!(config_message(from_lookup(failing)).contains("CLOUDFLARE_API_TOKEN"));
    }

    #[test]
    fn parses_lines_like_the_typescript_sdk() {
        let headers = parse_custom_headers(&format!(
            "X-Team: video\r\n\n  CF-Access-Client-Secret :  {SECRET}  \nx-multi: 1\nX-Multi: 2\n\
             X-Url: https://example.com:8443/a\nX-Empty:"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(value("x-team"), Some("video"));
        assert_eq!(value("cf-access-client-secret"), Some(SECRET));
        assert_eq!(value("x-url"), Some("https://example.com:8443/a"));
        assert_eq!(value("x-empty"), Some(""));
        let multi: Vec<_> = headers.get_all("x-multi").iter().collect();
        assert_eq!(multi, ["1", "2"]);
        assert!(headers.values().all(HeaderValue::is_sensitive));
        assert!(!format!("{headers:?}").contains(SECRET));
        assert_eq!(headers::names(&headers).len(), 5);
        assert!(parse_custom_headers("").is_ok_and(|headers| headers.is_empty()));
        assert!(parse_custom_headers("\n \r\n").is_ok_and(|headers| headers.is_empty()));
    }

    #[test]
    fn bad_lines_are_refused_by_number_without_their_text() {
        let message = refusal(&format!("X-Ok: 1\n{SECRET}"));
        assert_eq!(
            message,
            "CLOUDFLARE_CUSTOM_HEADERS line 2 is not of the form `Name: value`"
        );
        let message = refusal(&format!("{SECRET} token: x"));
        assert!(message.contains("line 1"), "{message}");
        assert!(
            message.contains("not a valid HTTP header name"),
            "{message}"
        );
        let message = refusal(&format!("X-Ok: 1\n\nX-Bad: {SECRET}\u{7f}"));
        assert!(message.contains("line 3"), "{message}");
        assert!(message.contains("`x-bad`"), "{message}");
        refusal(": no name");
    }

    #[test]
    fn credential_headers_are_refused() {
        for name in [
            "Authorization",
            "X-Auth-Email",
            "x-auth-key",
            "X-Auth-User-Service-Key",
        ] {
            let message = refusal(&format!("X-Ok: 1\n{name}: {SECRET}"));
            assert!(message.contains("line 2"), "{message}");
            assert!(message.contains("carries credentials"), "{message}");
            assert!(message.contains("CLOUDFLARE_API_TOKEN"), "{message}");
        }
    }
}
