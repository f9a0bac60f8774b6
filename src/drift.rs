//! Drift between the spec the SDK was generated from and the service: a 2xx body with a
//! property its type does not declare, or an enum value the SDK does not know.
//!
//! Models ignore unknown properties and keep unknown enum values (`Unknown(String)`), so a
//! newer service never breaks a call; that is also why drift is silent unless looked for. It
//! is looked for here, on every decoded result: the value is decoded from the body, then
//! written back as JSON, and the two are walked side by side. A property of the body missing
//! from what was written back is one the type does not declare; an enum value the SDK does
//! not know is written back, during that walk only, with a mark (generated enums write
//! themselves through [`serialize_enum_value`]), so that its exact place is found.
//!
//! By default each drift is a `tracing` warning, once per operation and place (array indices
//! read as `-`: the same field of every item is one place), looked for only when a subscriber
//! takes such warnings (otherwise the body decodes straight into its type, as fast as before);
//! with
//! [`ClientBuilder::strict_decoding`](crate::ClientBuilder::strict_decoding) it is an
//! [`Error::Decode`](crate::Error::Decode) naming the JSON pointer.
//!
//! A property that is `null` in the body and undeclared cannot be told from a declared one
//! left out (an absent `Option` is not written back), so it is not reported.

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use serde::Serialize;
use serde_json::Value;

/// What an unknown enum value is written back as during the walk: never valid text of an API,
/// since it starts with a NUL. The type's name and the value follow, NUL-separated.
const MARK: &str = "\u{0}cloudflare-stream:unknown\u{0}";

thread_local! {
    /// Whether the value being written back is the walk's (marks on) or anyone else's.
    static MARKING: Cell<bool> = const { Cell::new(false) };
}

/// How generated open enums serialize: their value, or, for a value the SDK does not know
/// while the drift walk writes the result back, that value marked with the enum's name.
#[doc(hidden)]
pub fn serialize_enum_value<S: serde::Serializer>(
    serializer: S,
    type_name: &'static str,
    value: &str,
    known: bool,
) -> Result<S::Ok, S::Error> {
    if !known && MARKING.with(Cell::get) {
        return serializer.serialize_str(&format!("{MARK}{type_name}\u{0}{value}"));
    }
    serializer.serialize_str(value)
}

/// One place where a body drifted from its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Drift {
    /// JSON pointer into the response body (`/result/status`).
    pub(crate) pointer: String,
    /// What is there.
    pub(crate) kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A property the type does not declare.
    Undeclared,
    /// An enum value the SDK does not know.
    UnknownValue { type_name: String, value: String },
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            Kind::Undeclared => write!(
                f,
                "{}: a property its type does not declare (the service is newer than the spec?)",
                self.pointer
            ),
            Kind::UnknownValue { type_name, value } => write!(
                f,
                "{}: `{value}` is not a value of `{type_name}` this SDK knows",
                self.pointer
            ),
        }
    }
}

/// The drift of `body` (a decoded result, at `base` in the response) from `value`, decoded
/// from it: empty when the type says all there is.
pub(crate) fn find<T: Serialize>(body: &Value, value: &T, base: &str) -> Vec<Drift> {
    let previous = MARKING.with(|m| m.replace(true));
    let written = serde_json::to_value(value);
    MARKING.with(|m| m.set(previous));
    let mut found = Vec::new();
    // A type that cannot be written back (none of the generated ones) is not checked.
    if let Ok(written) = written {
        walk(body, &written, &mut base.to_owned(), &mut found);
    }
    found
}

fn walk(body: &Value, written: &Value, pointer: &mut String, found: &mut Vec<Drift>) {
    match (body, written) {
        (Value::Object(body), Value::Object(written)) => {
            for (key, value) in body {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                match written.get(key) {
                    Some(back) => walk(value, back, pointer, found),
                    None if value.is_null() => {}
                    None => found.push(Drift {
                        pointer: pointer.clone(),
                        kind: Kind::Undeclared,
                    }),
                }
                pointer.truncate(len);
            }
        }
        (Value::Array(body), Value::Array(written)) => {
            for (index, (value, back)) in body.iter().zip(written).enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                walk(value, back, pointer, found);
                pointer.truncate(len);
            }
        }
        (_, Value::String(back)) => {
            if let Some((type_name, value)) = back
                .strip_prefix(MARK)
                .and_then(|marked| marked.split_once('\u{0}'))
            {
                found.push(Drift {
                    pointer: pointer.clone(),
                    kind: Kind::UnknownValue {
                        type_name: type_name.to_owned(),
                        value: value.to_owned(),
                    },
                });
            }
        }
        _ => {}
    }
}

/// Whether anyone takes drift warnings: a subscriber enabled for them. Without one, looking
/// for drift would cost every call for nothing.
pub(crate) fn watched() -> bool {
    tracing::enabled!(target: "cloudflare_stream::drift", tracing::Level::WARN)
}

/// How many places are remembered as already warned about: enough for every field of every
/// operation, bounded so that a service sending ever new property names cannot grow it.
const WARNED_AT_MOST: usize = 4096;

/// Warns about each drift not warned about before for this operation and place.
pub(crate) fn warn(operation: &'static str, drifts: &[Drift]) {
    static WARNED: OnceLock<Mutex<HashSet<(&'static str, String)>>> = OnceLock::new();
    let warned = WARNED.get_or_init(Mutex::default);
    for drift in drifts {
        let place = (operation, generic_pointer(&drift.pointer));
        {
            let Ok(mut warned) = warned.lock() else {
                return;
            };
            if warned.len() >= WARNED_AT_MOST || !warned.insert(place) {
                continue;
            }
        }
        tracing::warn!(
            target: "cloudflare_stream::drift",
            operation,
            pointer = %drift.pointer,
            "the response differs from the spec: {drift}"
        );
    }
}

/// The pointer with every array index read as `-`: one place for the same field of every item.
fn generic_pointer(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|token| {
            if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
                "-"
            } else {
                token
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{CreatedDownload, DownloadStatus, VideoDownloads};

    fn drift_of<T: serde::de::DeserializeOwned + Serialize>(body: Value) -> Vec<String> {
        let value: T = T::deserialize(&body).unwrap_or_else(|e| panic!("{e}"));
        find(&body, &value, "/result")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_body_that_says_what_its_type_declares_has_no_drift() {
        let body =
            json!({"default": {"percentComplete": 50.5, "status": "inprogress", "url": "u"}});
        assert!(drift_of::<VideoDownloads>(body).is_empty());
        // null for an undeclared property cannot be told from an optional one left out.
        assert!(drift_of::<VideoDownloads>(json!({"default": null, "extra": null})).is_empty());
    }

    #[test]
    fn undeclared_properties_and_unknown_values_are_found_at_their_place() {
        let body = json!({"default": {"status": "queued", "size": 10}, "mp3": {}});
        let mut found = drift_of::<VideoDownloads>(body);
        found.sort();
        assert_eq!(
            found,
            [
                "/result/default/size: a property its type does not declare (the service is newer than the spec?)",
                "/result/default/status: `queued` is not a value of `DownloadStatus` this SDK knows",
                "/result/mp3: a property its type does not declare (the service is newer than the spec?)",
            ]
        );
    }

    #[test]
    fn each_variant_of_a_union_is_checked_as_the_variant_it_decoded_as() {
        let keyed =
            json!({"default": {"status": "ready"}, "audio": {"status": "ready", "bitrate": 1}});
        assert_eq!(
            drift_of::<CreatedDownload>(keyed),
            [
                "/result/audio/bitrate: a property its type does not declare (the service is newer than the spec?)"
            ]
        );
        let flat = json!({"status": "ready", "url": "u"});
        assert!(drift_of::<CreatedDownload>(flat).is_empty());
    }

    #[test]
    fn marks_are_written_only_during_the_walk() {
        let unknown = DownloadStatus::Unknown("queued".into());
        assert_eq!(serde_json::to_value(&unknown).ok(), Some(json!("queued")));
        let _ = find(&json!("queued"), &unknown, "");
        assert_eq!(serde_json::to_value(&unknown).ok(), Some(json!("queued")));
    }

    #[test]
    fn places_in_arrays_are_one_place_per_field() {
        assert_eq!(generic_pointer("/result/0/status"), "/result/-/status");
        assert_eq!(generic_pointer("/result/a1/2"), "/result/a1/-");
    }
}
