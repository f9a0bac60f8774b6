//! Credentials, and the headers they become. (The environment variables that set them are read
//! in `env.rs`.)

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::Error;

const X_AUTH_EMAIL: HeaderName = HeaderName::from_static("x-auth-email");
const X_AUTH_KEY: HeaderName = HeaderName::from_static("x-auth-key");
const X_AUTH_USER_SERVICE_KEY: HeaderName = HeaderName::from_static("x-auth-user-service-key");

/// How the client proves who it is, for [`Client::new`](crate::Client::new) and
/// [`ClientBuilder::credentials`](crate::ClientBuilder::credentials): when the scheme is chosen
/// at run time, or the secret comes from somewhere other than the environment (a secret store,
/// a configuration file). Debug output never shows the secrets.
///
/// ```no_run
/// use cloudflare_stream::{Client, Credentials};
///
/// # fn build(token_from_vault: String) -> Result<Client, cloudflare_stream::Error> {
/// let client = Client::new(Credentials::ApiToken(token_from_vault))?;
/// # Ok(client)
/// # }
/// ```
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

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-value";

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
}
