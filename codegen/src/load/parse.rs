//! Text to values: YAML or JSON to a JSON value, then a JSON value to an OpenAPI node, each
//! failure located (line and column, or file and JSON pointer).

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::unique::Unique;
use crate::error::{Error, Location, Result};

/// How deep the YAML parser lets collections nest (its recursion limit, which the JSON
/// parser shares).
const MAX_NESTING: usize = 128;

/// Parses YAML or JSON text into a JSON value, with the line and column of a syntax error.
pub(super) fn parse_text(path: &Path, text: &str) -> Result<Value> {
    let is_json = path.extension().and_then(|e| e.to_str()) == Some("json");
    if is_json {
        serde_json::from_str(text)
            .map(|Unique(value)| value)
            .map_err(|e| Error::Syntax {
                file: path.to_path_buf(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })
    } else {
        // The parser would refuse this too, but only after time in the square of the depth.
        if let Err(deep) = super::nesting::flow_depth(text, MAX_NESTING) {
            return Err(Error::Syntax {
                file: path.to_path_buf(),
                line: deep.line,
                column: deep.column,
                message: format!(
                    "flow collections (`[...]`, `{{...}}`) nested more than {MAX_NESTING} deep"
                ),
            });
        }
        yaml_serde::from_str(text)
            .map(|Unique(value)| value)
            .map_err(|e| {
                let (line, column) = e
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((0, 0));
                Error::Syntax {
                    file: path.to_path_buf(),
                    line,
                    column,
                    message: e.to_string(),
                }
            })
    }
}

/// Deserialises `raw` (standing at `at`) into an OpenAPI node, naming the offending node on failure.
pub(super) fn typed<T: DeserializeOwned>(raw: &Value, at: &Location) -> Result<T> {
    // Tracking the path costs a tenth of the time on a large document: track it only to
    // report a failure (deserialising the same value fails the same way).
    if let Ok(value) = T::deserialize(raw) {
        return Ok(value);
    }
    serde_path_to_error::deserialize(raw).map_err(|e| {
        let mut here = at.clone();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            here = match segment {
                Segment::Seq { index } => here.index(*index),
                Segment::Map { key } => here.join(key),
                Segment::Enum { variant } => here.join(variant),
                Segment::Unknown => here,
            };
        }
        Error::Invalid {
            at: here,
            message: e.into_inner().to_string(),
        }
    })
}
