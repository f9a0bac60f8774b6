//! Credentials, the headers they become, and reading them from the environment.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::Error;

const X_AUTH_EMAIL: HeaderName = HeaderName::from_static("x-auth-email");
const X_AUTH_KEY: HeaderName = HeaderName::from_static("x-auth-key");
const X_AUTH_USER_SERVICE_KEY: HeaderName = HeaderName::from_static("x-auth-user-service-key");

/// How the client proves who it is. Debug output never shows the secrets.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// An API token, sent as `Authorization: Bearer <token>` (recommended).
    ApiToken(String),
    /// A legacy global API key, sent as `X-Auth-Email` and `X-Auth-Key`.
    ApiKey {
        /// The account's email address.
        email: String,
        /// The global API key.
        key: String,
    },
    /// An Origin CA user service key, sent as `X-Auth-User-Service-Key`.
    UserServiceKey(String),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const REDACTED: &str = "<redacted>";
        match self {
            Credentials::ApiToken(_) => f.debug_tuple("ApiToken").field(&REDACTED).finish(),
            Credentials::ApiKey { .. } => f
                .debug_struct("ApiKey")
                .field("email", &REDACTED)
                .field("key", &REDACTED)
                .finish(),
            Credentials::UserServiceKey(_) => {
                f.debug_tuple("UserServiceKey").field(&REDACTED).finish()
            }
        }
    }
}

impl Credentials {
    /// The scheme's name, safe to show anywhere.
    pub(crate) fn scheme(&self) -> &'static str {
        match self {
            Credentials::ApiToken(_) => "api token",
            Credentials::ApiKey { .. } => "api key",
            Credentials::UserServiceKey(_) => "user service key",
        }
    }

    /// The headers to send with every request, marked sensitive so that
    /// `http`'s own Debug output hides them too.
    pub(crate) fn headers(&self) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        match self {
            Credentials::ApiToken(token) => {
                let token = non_empty(token, "the API token")?;
                headers.insert(
                    AUTHORIZATION,
                    secret(&format!("Bearer {token}"), "the API token")?,
                );
            }
            Credentials::ApiKey { email, key } => {
                let email = non_empty(email, "the API key's email")?;
                let key = non_empty(key, "the API key")?;
                headers.insert(X_AUTH_EMAIL, secret(email, "the API key's email")?);
                headers.insert(X_AUTH_KEY, secret(key, "the API key")?);
            }
            Credentials::UserServiceKey(key) => {
                let key = non_empty(key, "the user service key")?;
                headers.insert(
                    X_AUTH_USER_SERVICE_KEY,
                    secret(key, "the user service key")?,
                );
            }
        }
        Ok(headers)
    }
}

/// Whether a header carries a secret and must be marked sensitive.
pub(crate) fn is_auth_header(name: &HeaderName) -> bool {
    *name == AUTHORIZATION
        || *name == X_AUTH_EMAIL
        || *name == X_AUTH_KEY
        || *name == X_AUTH_USER_SERVICE_KEY
}

/// Surrounding whitespace is a copy-paste accident, never part of a secret.
fn non_empty<'a>(value: &'a str, what: &str) -> Result<&'a str, Error> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        Err(Error::config(format!("{what} is empty")))
    } else {
        Ok(trimmed)
    }
}

fn secret(value: &str, what: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(value).map_err(|_| {
        Error::config(format!(
            "{what} contains characters that cannot be sent in an HTTP header"
        ))
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Environment variables read by [`Client::from_env`](crate::Client::from_env).
pub(crate) mod env {
    pub(crate) const API_TOKEN: &str = "CLOUDFLARE_API_TOKEN";
    pub(crate) const EMAIL: &str = "CLOUDFLARE_EMAIL";
    pub(crate) const API_KEY: &str = "CLOUDFLARE_API_KEY";
    pub(crate) const USER_SERVICE_KEY: &str = "CLOUDFLARE_API_USER_SERVICE_KEY";
    pub(crate) const BASE_URL: &str = "CLOUDFLARE_BASE_URL";
    pub(crate) const CUSTOM_HEADERS: &str = "CLOUDFLARE_CUSTOM_HEADERS";
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

/// Credentials and optional base URL from environment variables, through
/// `lookup` so tests need not touch the process environment.
///
/// Empty values count as unset. Exactly one scheme must be configured; errors
/// name the variables, never their values.
pub(crate) fn from_lookup(
    lookup: impl Fn(&'static str) -> Result<Option<String>, Error>,
) -> Result<(Credentials, Option<String>), Error> {
    let get = |name| -> Result<Option<String>, Error> {
        Ok(lookup(name)?.filter(|value| !value.trim().is_empty()))
    };
    let token = get(env::API_TOKEN)?;
    let email = get(env::EMAIL)?;
    let key = get(env::API_KEY)?;
    let service_key = get(env::USER_SERVICE_KEY)?;
    let base_url = get(env::BASE_URL)?;

    let mut found = Vec::new();
    if let Some(token) = token {
        found.push((env::API_TOKEN, Credentials::ApiToken(token)));
    }
    match (email, key) {
        (Some(email), Some(key)) => found.push((
            "CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY",
            Credentials::ApiKey { email, key },
        )),
        (Some(_), None) => {
            return Err(Error::config(format!(
                "{} is set but {} is not; both are needed for API key authentication",
                env::EMAIL,
                env::API_KEY
            )));
        }
        (None, Some(_)) => {
            return Err(Error::config(format!(
                "{} is set but {} is not; both are needed for API key authentication",
                env::API_KEY,
                env::EMAIL
            )));
        }
        (None, None) => {}
    }
    if let Some(service_key) = service_key {
        found.push((
            env::USER_SERVICE_KEY,
            Credentials::UserServiceKey(service_key),
        ));
    }

    let mut found = found.into_iter();
    match (found.next(), found.next()) {
        (Some((_, credentials)), None) => Ok((credentials, base_url)),
        (None, _) => Err(Error::config(format!(
            "no credentials in the environment: set {}, or {} and {}, or {}",
            env::API_TOKEN,
            env::EMAIL,
            env::API_KEY,
            env::USER_SERVICE_KEY
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

#[cfg(test)]
mod tests {
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

    fn config_message(result: Result<(Credentials, Option<String>), Error>) -> String {
        match result {
            Err(Error::Config { message }) => {
                assert!(!message.contains(SECRET), "secret leaked: {message}");
                message
            }
            other => panic!("expected Config error, got {other:?}"),
        }
    }

    #[test]
    fn debug_never_shows_secrets() {
        let all = [
            Credentials::ApiToken(SECRET.into()),
            Credentials::ApiKey {
                email: SECRET.into(),
                key: SECRET.into(),
            },
            Credentials::UserServiceKey(SECRET.into()),
        ];
        for credentials in all {
            let debug = format!("{credentials:?} {credentials:#?}");
            assert!(!debug.contains(SECRET), "{debug}");
            assert!(debug.contains("<redacted>"));
        }
    }

    #[test]
    fn headers_are_sensitive_and_hidden() {
        let token = Credentials::ApiToken(format!(" {SECRET}\n"));
        let headers = token.headers().unwrap_or_else(|e| panic!("{e}"));
        let value = headers
            .get(AUTHORIZATION)
            .unwrap_or_else(|| panic!("no auth"));
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().ok(), Some("Bearer s3cr3t-value"));
        assert!(!format!("{headers:?}").contains(SECRET));

        let key = Credentials::ApiKey {
            email: "a@example.com".into(),
            key: SECRET.into(),
        };
        let headers = key.headers().unwrap_or_else(|e| panic!("{e}"));
        assert!(headers.iter().all(|(_, value)| value.is_sensitive()));
        assert_eq!(headers.len(), 2);

        let service = Credentials::UserServiceKey(SECRET.into());
        let headers = service.headers().unwrap_or_else(|e| panic!("{e}"));
        assert!(headers[X_AUTH_USER_SERVICE_KEY].is_sensitive());
    }

    #[test]
    fn unsendable_or_empty_secrets_are_config_errors_without_the_value() {
        let bad = Credentials::ApiToken(format!("{SECRET}\0{SECRET}"));
        match bad.headers() {
            Err(Error::Config { message }) => assert!(!message.contains(SECRET)),
            other => panic!("expected Config error, got {other:?}"),
        }
        assert!(matches!(
            Credentials::ApiToken("  ".into()).headers(),
            Err(Error::Config { .. })
        ));
    }

    #[test]
    fn env_picks_the_single_scheme() {
        let token = from_lookup(lookup(&[("CLOUDFLARE_API_TOKEN", SECRET)]));
        assert!(matches!(token, Ok((Credentials::ApiToken(ref t), None)) if t == SECRET));

        let key = from_lookup(lookup(&[
            ("CLOUDFLARE_EMAIL", "a@example.com"),
            ("CLOUDFLARE_API_KEY", SECRET),
            ("CLOUDFLARE_BASE_URL", "http://127.0.0.1:9"),
        ]));
        assert!(matches!(
            key,
            Ok((Credentials::ApiKey { .. }, Some(ref url))) if url == "http://127.0.0.1:9"
        ));

        let service = from_lookup(lookup(&[
            ("CLOUDFLARE_API_USER_SERVICE_KEY", SECRET),
            ("CLOUDFLARE_API_TOKEN", ""),
        ]));
        assert!(matches!(
            service,
            Ok((Credentials::UserServiceKey(_), None))
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
}
