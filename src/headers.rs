//! Custom headers sent with every request: from [`ClientBuilder::header`] or
//! from `CLOUDFLARE_CUSTOM_HEADERS` (newline-separated `Name: value`, as
//! Cloudflare's TypeScript SDK reads it).
//!
//! Their values are marked sensitive and never echoed: they often carry
//! secrets of their own, such as a Cloudflare Access service token.
//!
//! [`ClientBuilder::header`]: crate::ClientBuilder::header

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::{env, is_auth_header};

/// Checks one custom header and appends it to `headers`. The reason for a
/// refusal names the header, never its value.
pub(crate) fn append(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), String> {
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| "the header name is not a valid HTTP header name".to_owned())?;
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
    let mut value = HeaderValue::from_str(value.trim())
        .map_err(|_| format!("the value of `{name}` cannot be sent in an HTTP header"))?;
    value.set_sensitive(true);
    headers.append(name, value);
    Ok(())
}

/// Parses the value of `CLOUDFLARE_CUSTOM_HEADERS`: one `Name: value` per
/// line (`\n` or `\r\n`), split at the first colon, both sides trimmed;
/// blank lines are skipped. A bad line is refused by number, since its text
/// may be a secret.
pub(crate) fn parse_env(text: &str) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let number = index + 1;
        let (name, value) = line.split_once(':').ok_or_else(|| {
            format!(
                "{} line {number} is not of the form `Name: value`",
                env::CUSTOM_HEADERS
            )
        })?;
        append(&mut headers, name, value)
            .map_err(|why| format!("{} line {number}: {why}", env::CUSTOM_HEADERS))?;
    }
    Ok(headers)
}

/// The names of `headers`, for Debug output that must not show their values.
pub(crate) fn names(headers: &HeaderMap) -> Vec<&str> {
    headers.keys().map(HeaderName::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3t-value";

    fn refusal(text: &str) -> String {
        match parse_env(text) {
            Err(message) => {
                assert!(!message.contains(SECRET), "secret leaked: {message}");
                message
            }
            Ok(headers) => panic!("expected a refusal, got {headers:?}"),
        }
    }

    #[test]
    fn parses_lines_like_the_typescript_sdk() {
        let headers = parse_env(&format!(
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
        assert_eq!(names(&headers).len(), 5);
        assert!(parse_env("").is_ok_and(|headers| headers.is_empty()));
        assert!(parse_env("\n \r\n").is_ok_and(|headers| headers.is_empty()));
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
