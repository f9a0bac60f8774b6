//! Multipart bodies: a form is plain data until it is sent, so a retried request can send it
//! again (reqwest's own form is consumed by sending).

use std::fmt;

use serde::Serialize;

/// A file sent as one part of a multipart form: its bytes, and optionally a file name and a
/// content type (reqwest guesses nothing; Cloudflare reads the name's extension).
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

    /// The reqwest form for one attempt, or what made a part unsendable.
    pub(crate) fn to_multipart(&self) -> Result<reqwest::multipart::Form, String> {
        if let Some(problem) = &self.problem {
            return Err(problem.clone());
        }
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            let part = match part {
                Part::Text(text) => reqwest::multipart::Part::text(text.clone()),
                Part::File(file) => {
                    let mut part = reqwest::multipart::Part::bytes(file.bytes.clone());
                    if let Some(file_name) = &file.file_name {
                        part = part.file_name(file_name.clone());
                    }
                    if let Some(content_type) = &file.content_type {
                        part = part.mime_str(content_type).map_err(|_| {
                            format!("form part `{name}` has an invalid content type")
                        })?;
                    }
                    part
                }
            };
            form = form.part(name.clone(), part);
        }
        Ok(form)
    }
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
        assert!(form.to_multipart().is_ok());
    }

    #[test]
    fn a_bad_content_type_is_an_error_not_a_panic() {
        let form = Form::new().file("file", &FilePart::new("x").content_type("not a mime\n"));
        let error = form.to_multipart().expect_err("invalid content type");
        assert!(error.contains("`file`"), "{error}");
    }

    #[test]
    fn file_debug_shows_the_size_not_the_bytes() {
        let shown = format!("{:?}", FilePart::new(vec![0u8; 2048]).file_name("big.bin"));
        assert!(shown.contains("len: 2048"), "{shown}");
        assert!(!shown.contains("0, 0"), "{shown}");
    }
}
