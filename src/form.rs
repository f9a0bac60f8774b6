//! Multipart bodies (`multipart/form-data`, RFC 7578): a form is plain data until it is sent,
//! then encoded once, so a retried request sends the same bytes again. Every part is in memory
//! (Stream's forms carry small files; videos go through tus), so the encoding is a few lines
//! here rather than reqwest's `multipart` feature, whose file-type guessing a consumer's build
//! would compile for nothing (BENCHMARKS.md section 5).

use std::fmt;

use serde::Serialize;

/// A file sent as one part of a multipart form: its bytes, and optionally a file name and a
/// content type (nothing is guessed; Cloudflare reads the name's extension).
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    bytes: Vec<u8>,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A part holding `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name sent with the part (`watermark.png`, `captions.vtt`).
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's content type (`image/png`, `text/vtt`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The content may be large and binary: its size says enough.
        f.debug_struct("FilePart")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// One named part of a [`Form`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    File(FilePart),
}

/// A `multipart/form-data` body. Generated code builds it from a body's struct (`to_form`); an
/// operation whose form has no fixed part names takes one, built by hand with [`Form::text`],
/// [`Form::file`] and [`Form::json`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use = "a form does nothing until it is sent"]
pub struct Form {
    parts: Vec<(String, Part)>,
    /// The first part that could not be encoded; reported when the request is sent.
    problem: Option<String>,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text part.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push((name.into(), Part::Text(value.into())));
        self
    }

    /// Adds a file part.
    pub fn file(mut self, name: impl Into<String>, file: &FilePart) -> Self {
        self.parts.push((name.into(), Part::File(file.clone())));
        self
    }

    /// Adds the file part `file` itself (a large one is not copied).
    #[cfg(feature = "workflows")]
    pub(crate) fn with_file(mut self, name: impl Into<String>, file: FilePart) -> Self {
        self.parts.push((name.into(), Part::File(file)));
        self
    }

    /// Adds a part holding `value` as JSON text; a value that cannot be encoded is reported when
    /// the request is sent.
    pub fn json<T: Serialize + ?Sized>(mut self, name: impl Into<String>, value: &T) -> Self {
        let name = name.into();
        match serde_json::to_string(value) {
            Ok(text) => self.parts.push((name, Part::Text(text))),
            Err(error) => {
                if self.problem.is_none() {
                    self.problem = Some(format!("form part `{name}` cannot be encoded: {error}"));
                }
            }
        }
        self
    }

    /// The names of the parts, in order.
    pub fn part_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|(name, _)| name.as_str())
    }

    /// The body as sent, and its `Content-Type` (with the boundary), or what made a part
    /// unsendable. Encoded once per request, so every attempt sends the same bytes.
    pub(crate) fn encode(&self) -> Result<Encoded, String> {
        if let Some(problem) = &self.problem {
            return Err(problem.clone());
        }
        // 128 random bits: no part's content will hold the boundary by chance.
        let boundary = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let mut body = Vec::with_capacity(self.encoded_len(&boundary));
        for (name, part) in &self.parts {
            body.extend_from_slice(b"--");
            body.extend_from_slice(boundary.as_bytes());
            body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            body.extend_from_slice(quoted(name).as_bytes());
            body.push(b'"');
            let content: &[u8] = match part {
                Part::Text(text) => text.as_bytes(),
                Part::File(file) => {
                    if let Some(file_name) = &file.file_name {
                        body.extend_from_slice(b"; filename=\"");
                        body.extend_from_slice(quoted(file_name).as_bytes());
                        body.push(b'"');
                    }
                    if let Some(content_type) = &file.content_type {
                        if !is_media_type(content_type) {
                            return Err(format!("form part `{name}` has an invalid content type"));
                        }
                        body.extend_from_slice(b"\r\nContent-Type: ");
                        body.extend_from_slice(content_type.as_bytes());
                    }
                    &file.bytes
                }
            };
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"--\r\n");
        Ok(Encoded {
            content_type: format!("multipart/form-data; boundary={boundary}"),
            body,
        })
    }

    /// About the encoded size, so the body is allocated once.
    fn encoded_len(&self, boundary: &str) -> usize {
        let content: usize = self
            .parts
            .iter()
            .map(|(name, part)| {
                let len = match part {
                    Part::Text(text) => text.len(),
                    Part::File(file) => file.bytes.len() + 64,
                };
                len + name.len() + boundary.len() + 64
            })
            .sum();
        content + boundary.len() + 8
    }
}

/// A form encoded for sending.
pub(crate) struct Encoded {
    /// `multipart/form-data; boundary=...`.
    pub(crate) content_type: String,
    pub(crate) body: Vec<u8>,
}

/// A part's name or file name inside its quotes, as browsers write it (the HTML standard's
/// multipart encoding): a quote, CR and LF percent-encoded, everything else as it is.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Whether `value` is a media type a header can carry: `type/subtype`, each a token, then any
/// parameters, all visible ASCII or spaces.
fn is_media_type(value: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    let shape = essence
        .split_once('/')
        .is_some_and(|(kind, subtype)| token(kind) && token(subtype));
    shape
        && value
            .bytes()
            .all(|b| b == b' ' || b == b'\t' || b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_keep_their_order_and_names() {
        let form = Form::new()
            .text("name", "logo")
            .file("file", &FilePart::new(vec![1, 2, 3]).file_name("a.png"))
            .json("meta", &serde_json::json!({"a": 1}));
        assert_eq!(
            form.part_names().collect::<Vec<_>>(),
            ["name", "file", "meta"]
        );
        let encoded = form.encode().expect("encodable");
        let boundary = encoded
            .content_type
            .strip_prefix("multipart/form-data; boundary=")
            .expect("a multipart content type");
        let text = String::from_utf8_lossy(&encoded.body);
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nlogo\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n\u{1}\u{2}\u{3}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{{\"a\":1}}\r\n\
             --{b}--\r\n",
            b = boundary
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn names_cannot_break_out_of_their_quotes() {
        let form = Form::new().file(
            "a\"b",
            &FilePart::new("x")
                .file_name("evil\"\r\nContent-Type: text/html.png")
                .content_type("image/png"),
        );
        let encoded = form.encode().expect("encodable");
        let text = String::from_utf8_lossy(&encoded.body);
        assert!(
            text.contains("name=\"a%22b\"; filename=\"evil%22%0D%0AContent-Type: text/html.png\"\r\nContent-Type: image/png\r\n"),
            "{text}"
        );
    }

    #[test]
    fn each_encoding_has_its_own_boundary() {
        let form = Form::new().text("a", "1");
        let first = form.encode().expect("encodable").content_type;
        let second = form.encode().expect("encodable").content_type;
        assert_ne!(first, second);
    }

    #[test]
    fn a_bad_content_type_is_an_error_not_a_panic() {
        let form = Form::new().file("file", &FilePart::new("x").content_type("not a mime\n"));
        let error = form.encode().err().expect("invalid content type");
        assert!(error.contains("`file`"), "{error}");
        for good in [
            "image/png",
            "text/vtt; charset=utf-8",
            "application/vnd.x+json",
        ] {
            let form = Form::new().file("file", &FilePart::new("x").content_type(good));
            assert!(form.encode().is_ok(), "{good}");
        }
        for bad in ["png", "image/", "/png", "image/png\r\nX: 1", "image/pñg"] {
            let form = Form::new().file("file", &FilePart::new("x").content_type(bad));
            assert!(form.encode().is_err(), "{bad}");
        }
    }

    #[test]
    fn file_debug_shows_the_size_not_the_bytes() {
        let shown = format!("{:?}", FilePart::new(vec![0u8; 2048]).file_name("big.bin"));
        assert!(shown.contains("len: 2048"), "{shown}");
        assert!(!shown.contains("0, 0"), "{shown}");
    }
}
