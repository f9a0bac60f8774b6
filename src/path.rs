//! Request paths: parameters are validated, then percent-encoded so that no
//! value can change the path's structure.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Error;

/// Everything except RFC 3986 "unreserved" characters is encoded, so `/`, `?`,
/// `#`, `%`, spaces and non-ASCII text stay inside one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Whether `text` has only RFC 3986 unreserved characters, which [`SEGMENT`] leaves as they are.
fn is_unreserved(text: &str) -> bool {
    /// `UNRESERVED[byte]`: one lookup per byte.
    const UNRESERVED: [bool; 256] = {
        let mut table = [false; 256];
        let mut byte = 0;
        while byte < 256 {
            let b = byte as u8;
            table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
            byte += 1;
        }
        table
    };
    text.bytes().all(|byte| UNRESERVED[usize::from(byte)])
}

/// `text` percent-encoded for use as one path segment or one query name or
/// value: only RFC 3986 unreserved characters are left as they are.
pub(crate) fn encode_component(text: &str) -> impl std::fmt::Display + '_ {
    utf8_percent_encode(text, SEGMENT)
}

/// Builds a request path from literal text and encoded parameters.
///
/// Validation failures do not interrupt the chain; the first one is returned
/// by [`finish`](Self::finish), so generated code stays a single expression.
#[derive(Debug, Default)]
pub struct PathBuilder {
    path: String,
    error: Option<Error>,
}

impl PathBuilder {
    /// An empty path, with room for a typical one (one allocation, not several).
    pub fn new() -> Self {
        Self {
            path: String::with_capacity(128),
            error: None,
        }
    }

    /// Appends trusted text verbatim, e.g. `"/accounts/"`.
    pub fn literal(mut self, text: &'static str) -> Self {
        self.path.push_str(text);
        self
    }

    /// Validates `param` and appends it percent-encoded as (part of) one segment.
    pub fn param(mut self, param: PathParam<'_>) -> Self {
        if self.error.is_some() {
            return self;
        }
        match param.validate() {
            // Identifiers are nearly always unreserved characters only: copied at once, not
            // character by character through the encoder.
            Ok(()) if is_unreserved(param.value) => self.path.push_str(param.value),
            Ok(()) => self.path.extend(utf8_percent_encode(param.value, SEGMENT)),
            Err(message) => {
                self.error = Some(Error::InvalidRequest {
                    operation: "",
                    message,
                });
            }
        }
        self
    }

    /// The encoded path, or the first validation failure.
    pub fn finish(self) -> Result<String, Error> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.path),
        }
    }
}

/// One path parameter with the constraints the API description gives it.
#[derive(Debug, Clone, Copy)]
pub struct PathParam<'a> {
    name: &'static str,
    value: &'a str,
    min_length: Option<usize>,
    max_length: Option<usize>,
}

impl<'a> PathParam<'a> {
    /// A parameter called `name` (as in the API description) with `value`.
    pub fn new(name: &'static str, value: &'a str) -> Self {
        Self {
            name,
            value,
            min_length: None,
            max_length: None,
        }
    }

    /// JSON Schema `maxLength`: counts characters, not bytes.
    pub fn max_length(mut self, max: usize) -> Self {
        self.max_length = Some(max);
        self
    }

    /// JSON Schema `minLength`: counts characters, not bytes.
    pub fn min_length(mut self, min: usize) -> Self {
        self.min_length = Some(min);
        self
    }

    /// The rule `value` breaks, if any. The value itself is not repeated: it
    /// may be long, and the length is what matters.
    fn validate(&self) -> Result<(), String> {
        let name = self.name;
        if self.value.is_empty() {
            return Err(format!("path parameter `{name}` must not be empty"));
        }
        // Servers and proxies normalise dot segments away, which would send
        // the request to a different resource.
        if self.value == "." || self.value == ".." {
            return Err(format!("path parameter `{name}` must not be `.` or `..`"));
        }
        // A string has at least as many bytes as characters: only a value longer in bytes
        // than a bound allows needs its characters counted.
        let bytes = self.value.len();
        let needs_count =
            self.min_length.is_some() || self.max_length.is_some_and(|max| bytes > max);
        if !needs_count {
            return Ok(());
        }
        let length = self.value.chars().count();
        if let Some(min) = self.min_length
            && length < min
        {
            return Err(format!(
                "path parameter `{name}` must be at least {min} characters long (got {length})"
            ));
        }
        if let Some(max) = self.max_length
            && length > max
        {
            return Err(format!(
                "path parameter `{name}` must be at most {max} characters long (got {length})"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(value: &str) -> Result<String, Error> {
        PathBuilder::new()
            .literal("/videos/")
            .param(PathParam::new("identifier", value))
            .literal("/downloads")
            .finish()
    }

    fn message(result: Result<String, Error>) -> String {
        match result {
            Err(Error::InvalidRequest { operation, message }) => {
                assert_eq!(operation, "");
                message
            }
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }

    #[test]
    fn joins_literals_and_params() {
        let path = PathBuilder::new()
            .literal("/accounts/")
            .param(PathParam::new(
                "account_id",
                "023e105f4ecef8ad9ca31a8372d0c353",
            ))
            .literal("/stream/")
            .param(PathParam::new(
                "identifier",
                "ea95132c15732412d22c1476fa83f27a",
            ))
            .literal("/downloads")
            .finish();
        assert_eq!(
            path.ok().as_deref(),
            Some(
                "/accounts/023e105f4ecef8ad9ca31a8372d0c353/stream/ea95132c15732412d22c1476fa83f27a/downloads"
            )
        );
    }

    #[test]
    fn unreserved_characters_pass_through() {
        assert_eq!(
            one("AZaz09-._~").ok().as_deref(),
            Some("/videos/AZaz09-._~/downloads")
        );
    }

    #[test]
    fn the_fast_path_leaves_exactly_what_the_encoder_leaves() {
        for byte in 0..=u8::MAX {
            let text = String::from_utf8_lossy(&[byte]).into_owned();
            let encoded = utf8_percent_encode(&text, SEGMENT).to_string();
            assert_eq!(is_unreserved(&text), encoded == text, "{byte:#04x}");
        }
        assert!(!is_unreserved("é"));
    }

    #[test]
    fn structural_characters_are_encoded() {
        let cases = [
            ("a/b", "a%2Fb"),
            ("a?b=c", "a%3Fb%3Dc"),
            ("a#b", "a%23b"),
            ("100%", "100%25"),
            ("a b", "a%20b"),
            ("a+b", "a%2Bb"),
            ("../x", "..%2Fx"),
            ("é", "%C3%A9"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("a\nb", "a%0Ab"),
            ("%2e%2e", "%252e%252e"),
        ];
        for (value, encoded) in cases {
            assert_eq!(
                one(value).ok(),
                Some(format!("/videos/{encoded}/downloads")),
                "value {value:?}"
            );
        }
    }

    #[test]
    fn empty_and_dot_segments_are_refused() {
        assert_eq!(
            message(one("")),
            "path parameter `identifier` must not be empty"
        );
        for value in [".", ".."] {
            assert_eq!(
                message(one(value)),
                "path parameter `identifier` must not be `.` or `..`"
            );
        }
        assert!(one("...").is_ok());
        assert!(one(".a").is_ok());
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        let limited = |value: &str| {
            PathBuilder::new()
                .param(PathParam::new("tag", value).min_length(2).max_length(3))
                .finish()
        };
        assert!(limited("ééé").is_ok()); // 3 characters, 6 bytes
        assert_eq!(
            message(limited("abcd")),
            "path parameter `tag` must be at most 3 characters long (got 4)"
        );
        assert_eq!(
            message(limited("é")),
            "path parameter `tag` must be at least 2 characters long (got 1)"
        );
    }

    #[test]
    fn first_failure_wins() {
        let result = PathBuilder::new()
            .param(PathParam::new("first", ""))
            .param(PathParam::new("second", ".."))
            .finish();
        assert_eq!(message(result), "path parameter `first` must not be empty");
    }
}
