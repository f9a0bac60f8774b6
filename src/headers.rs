//! Headers set by hand: one check for a request's own headers ([`Request::header`]) and for the
//! custom headers sent with every request ([`ClientBuilder::header`], or
//! `CLOUDFLARE_CUSTOM_HEADERS`), and the stricter policy custom headers follow on top of it.
//!
//! The check trims both sides (surrounding whitespace is a copy-paste accident), refuses a name
//! or value HTTP cannot carry, and marks credential headers sensitive. A refusal names the
//! header, never its value, nor a name that is not a valid one: it may be a pasted secret.
//!
//! Custom headers may not carry credentials (a second source of them would make the identity a
//! guess), and all their values are marked sensitive and never echoed: they often carry secrets
//! of their own, such as a Cloudflare Access service token. A request's own header may replace
//! the credentials, for that request only.
//!
//! [`Request::header`]: crate::Request::header
//! [`ClientBuilder::header`]: crate::ClientBuilder::header

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::is_auth_header;
use crate::env;

/// Checks a header to send: `name` and `value`, each trimmed. The value is marked sensitive if
/// the header carries credentials.
pub(crate) fn check(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let name = check_name(name)?;
    let value = check_value(&name, value)?;
    Ok((name, value))
}

/// The header name `name`, trimmed; the refusal does not repeat it.
fn check_name(name: &str) -> Result<HeaderName, String> {
    HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| "the header name is not a valid HTTP header name".to_owned())
}

/// The value of header `name`, trimmed, sensitive if `name` carries credentials; the refusal
/// names the header, not the value.
fn check_value(name: &HeaderName, value: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(value.trim())
        .map_err(|_| format!("the value of `{name}` cannot be sent in an HTTP header"))?;
    value.set_sensitive(is_auth_header(name));
    Ok(value)
}

/// Checks one custom header, for every request, and appends it to `headers`: the steps of
/// [`check`], with credential headers refused before their value is looked at, and the value
/// marked sensitive whatever the header.
pub(crate) fn append_custom(
    headers: &mut HeaderMap,
    name: &str,
    value: &str,
) -> Result<(), String> {
    let name = check_name(name)?;
    if is_auth_header(&name) {
        // Two sources of credentials would make the identity a guess.
        return Err(format!(
            "`{name}` carries credentials; set them with {}, {} and {}, or {} \
             (or the builder's credential methods) instead",
            env::API_TOKEN,
            env::EMAIL,
            env::API_KEY,
            env::USER_SERVICE_KEY
        ));
    }
    let mut value = check_value(&name, value)?;
    value.set_sensitive(true);
    headers.append(name, value);
    Ok(())
}

/// The names of `headers`, for Debug output that must not show their values.
pub(crate) fn names(headers: &HeaderMap) -> Vec<&str> {
    headers.keys().map(HeaderName::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-value";

    fn refused(result: Result<(HeaderName, HeaderValue), String>) -> String {
        match result {
            Err(message) => {
                assert!(!message.contains(SECRET), "secret leaked: {message}");
                message
            }
            Ok(header) => panic!("expected a refusal, got {header:?}"),
        }
    }

    #[test]
    fn names_and_values_are_trimmed() {
        let (name, value) = check("  X-Team\t", " video  ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(name, "x-team");
        assert_eq!(value, "video");
        assert!(!value.is_sensitive());
        let (_, value) = check("x-empty", "   ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(value, "");
    }

    #[test]
    fn credential_headers_are_sensitive() {
        for name in [
            "Authorization",
            "X-Auth-Email",
            "x-auth-key",
            "X-Auth-User-Service-Key",
        ] {
            let (_, value) = check(name, SECRET).unwrap_or_else(|e| panic!("{e}"));
            assert!(value.is_sensitive(), "{name}");
            assert!(!format!("{value:?}").contains(SECRET));
        }
    }

    #[test]
    fn refusals_name_the_header_but_never_the_value() {
        let message = refused(check(&format!("{SECRET} token"), "x"));
        assert_eq!(message, "the header name is not a valid HTTP header name");
        refused(check("", "x"));
        let message = refused(check("X-Bad", &format!("{SECRET}\n{SECRET}")));
        assert_eq!(
            message,
            "the value of `x-bad` cannot be sent in an HTTP header"
        );
    }

    #[test]
    fn custom_headers_follow_the_check_refuse_credentials_and_are_all_sensitive() {
        let mut headers = HeaderMap::new();
        append_custom(&mut headers, " X-Team ", " video ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            headers.get("x-team").map(HeaderValue::as_bytes),
            Some(&b"video"[..])
        );
        assert!(headers["x-team"].is_sensitive());
        for name in ["Authorization", " x-auth-key "] {
            let message = append_custom(&mut headers, name, SECRET)
                .err()
                .unwrap_or_default();
            assert!(message.contains("carries credentials"), "{message}");
            assert!(!message.contains(SECRET), "{message}");
        }
        // The name is checked first: a credential header is refused whatever its value.
        let message = append_custom(&mut headers, "authorization", "a\nb").err();
        assert!(message.is_some_and(|m| m.contains("carries credentials")));
        assert_eq!(names(&headers), ["x-team"]);
    }
}
