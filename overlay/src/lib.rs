//! [OpenAPI Overlay 1.0](https://spec.openapis.org/overlay/v1.0.0.html) for OpenAPI documents
//! held as JSON values: corrections kept beside a document that someone else publishes, so that
//! taking a newer version of the document never loses them.
//!
//! An overlay is an ordered list of actions; each selects nodes of the document with an
//! RFC 9535 JSONPath `target` and either merges an `update` into them or `remove`s them:
//!
//! ```yaml
//! overlay: 1.0.0
//! info: {title: Corrections to stream.videos.yaml, version: 1.0.0}
//! extends: stream.videos.yaml
//! actions:
//!   - target: $.paths['/accounts/{account_id}/stream/{identifier}'].delete.requestBody
//!     description: The service takes no body on a delete; the schema marks one required.
//!     remove: true
//! ```
//!
//! - [`Overlay::from_value`] reads one (callers parse YAML or JSON themselves), refusing what is
//!   not Overlay 1.0 with the JSON pointer of the problem;
//! - [`Overlay::apply`] applies it to one document, and says how many nodes each action
//!   selected;
//! - [`apply_in_folder`] applies a folder's overlays to the documents their `extends` names,
//!   refusing an action that selects nothing (a correction that no longer corrects anything is
//!   worth knowing about when the document it corrects is replaced by a newer one).
//!
//! Updates merge as the specification describes: a property only in the update is added; in
//! both, a primitive replaces a primitive, arrays are concatenated, objects merge recursively,
//! and any other pair is an error. An update on an array appends the update to it.

mod apply;
mod error;
mod folder;

use serde_json::Value;
use serde_json_path::JsonPath;

pub use error::Error;
pub use folder::{Applied, apply_in_folder};

/// Whether a parsed document is an overlay (it has the `overlay` field) rather than an
/// OpenAPI document (which has `openapi`).
pub fn is_overlay(doc: &Value) -> bool {
    doc.get("overlay").is_some()
}

/// One overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// The file it was read from, as errors name it.
    pub file: String,
    /// `info.title`.
    pub title: String,
    /// `extends`: the document it is meant for, when it says.
    pub extends: Option<String>,
    /// The actions, in order.
    pub actions: Vec<Action>,
}

/// One action of an overlay.
#[derive(Debug, Clone)]
pub struct Action {
    /// The JSONPath query, as written.
    pub target: String,
    /// Why the action is there.
    pub description: Option<String>,
    /// What it does to each node the target selects.
    pub change: Change,
    path: JsonPath,
}

/// What an action does.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Merge this into each selected object, or append it to each selected array.
    Update(Value),
    /// Remove each selected node from the object or array that holds it.
    Remove,
}

/// The fields the specification defines, per object; others must be extensions (`x-`).
const OVERLAY_FIELDS: &[&str] = &["overlay", "info", "extends", "actions"];
const INFO_FIELDS: &[&str] = &["title", "version"];
const ACTION_FIELDS: &[&str] = &["target", "description", "update", "remove"];

impl Overlay {
    /// Reads an overlay document. `file` names it in errors.
    pub fn from_value(doc: &Value, file: &str) -> Result<Self, Error> {
        let invalid = |pointer: &str, message: String| Error::invalid(file, pointer, message);
        let root = doc
            .as_object()
            .ok_or_else(|| invalid("", "an overlay must be an object".into()))?;
        unknown_fields(root, OVERLAY_FIELDS, "", file)?;
        match root.get("overlay") {
            Some(Value::String(version)) if version.starts_with("1.0.") => {}
            Some(Value::String(version)) => {
                return Err(invalid(
                    "/overlay",
                    format!("version `{version}` is not supported: this reads Overlay 1.0.x"),
                ));
            }
            _ => {
                return Err(invalid(
                    "/overlay",
                    "must be a version string (1.0.0)".into(),
                ));
            }
        }
        let info = root.get("info").and_then(Value::as_object).ok_or_else(|| {
            invalid(
                "/info",
                "is required: an object with title and version".into(),
            )
        })?;
        unknown_fields(info, INFO_FIELDS, "/info", file)?;
        let text = |key: &str| match info.get(key) {
            Some(Value::String(value)) => Ok(value.clone()),
            _ => Err(invalid(&format!("/info/{key}"), "must be a string".into())),
        };
        let title = text("title")?;
        text("version")?;
        let extends = match root.get("extends") {
            None => None,
            Some(Value::String(extends)) => Some(extends.clone()),
            Some(_) => return Err(invalid("/extends", "must be a string".into())),
        };
        let actions = match root.get("actions") {
            Some(Value::Array(actions)) if !actions.is_empty() => actions,
            _ => {
                return Err(invalid(
                    "/actions",
                    "must be an array of at least one action".into(),
                ));
            }
        };
        let actions = actions
            .iter()
            .enumerate()
            .map(|(index, action)| Action::from_value(action, &format!("/actions/{index}"), file))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            file: file.to_owned(),
            title,
            extends,
            actions,
        })
    }

    /// Applies every action to `doc`, in order (each sees what the ones before it did), and
    /// returns how many nodes each one selected.
    pub fn apply(&self, doc: &mut Value) -> Result<Vec<usize>, Error> {
        self.actions
            .iter()
            .enumerate()
            .map(|(index, action)| {
                apply::action(action, doc)
                    .map_err(|message| Error::apply(&self.file, index, &action.target, message))
            })
            .collect()
    }
}

impl Action {
    fn from_value(value: &Value, at: &str, file: &str) -> Result<Self, Error> {
        let invalid = |pointer: &str, message: &str| Error::invalid(file, pointer, message.into());
        let action = value
            .as_object()
            .ok_or_else(|| invalid(at, "an action must be an object"))?;
        unknown_fields(action, ACTION_FIELDS, at, file)?;
        let target = match action.get("target") {
            Some(Value::String(target)) => target.clone(),
            _ => {
                return Err(invalid(
                    &format!("{at}/target"),
                    "must be a JSONPath string",
                ));
            }
        };
        let path = JsonPath::parse(&target).map_err(|e| {
            Error::invalid(file, &format!("{at}/target"), format!("`{target}`: {e}"))
        })?;
        let description = match action.get("description") {
            None => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(_) => return Err(invalid(&format!("{at}/description"), "must be a string")),
        };
        let remove = match action.get("remove") {
            None => false,
            Some(Value::Bool(remove)) => *remove,
            Some(_) => return Err(invalid(&format!("{at}/remove"), "must be true or false")),
        };
        // As the specification says, `remove: true` makes an `update` beside it moot.
        let change = match (remove, action.get("update")) {
            (true, _) => Change::Remove,
            (false, Some(update)) => Change::Update(update.clone()),
            (false, None) => {
                return Err(invalid(
                    at,
                    "does nothing: give it an `update` or `remove: true`",
                ));
            }
        };
        Ok(Self {
            target,
            description,
            change,
            path,
        })
    }
}

/// Refuses a field the specification does not define and that is not an extension: a typo
/// (`updates:`) would otherwise make an action silently do nothing.
fn unknown_fields(
    object: &serde_json::Map<String, Value>,
    known: &[&str],
    at: &str,
    file: &str,
) -> Result<(), Error> {
    match object
        .keys()
        .find(|key| !key.starts_with("x-") && !known.contains(&key.as_str()))
    {
        Some(key) => Err(Error::invalid(
            file,
            &format!("{at}/{}", escape(key)),
            format!(
                "`{key}` is not a field of Overlay 1.0 (fields: {}; extensions start with `x-`)",
                known.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// One JSON pointer token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn overlay(actions: Value) -> Result<Overlay, Error> {
        Overlay::from_value(
            &json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions}),
            "o.yaml",
        )
    }

    #[test]
    fn reads_actions_in_order_with_their_descriptions() {
        let read = overlay(json!([
            {"target": "$.info", "description": "why", "update": {"x": 1}},
            {"target": "$.paths", "remove": true, "update": {"ignored": true}}
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.actions.len(), 2);
        assert_eq!(read.actions[0].description.as_deref(), Some("why"));
        assert_eq!(read.actions[0].change, Change::Update(json!({"x": 1})));
        assert_eq!(read.actions[1].change, Change::Remove);
    }

    #[test]
    fn refuses_what_is_not_overlay_1_0_with_the_pointer() {
        let cases = [
            (
                json!({"overlay": "2.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$", "remove": true}]}),
                "o.yaml#/overlay",
            ),
            (
                json!({"overlay": "1.0.0", "actions": [{"target": "$", "remove": true}]}),
                "o.yaml#/info",
            ),
            (
                json!({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [{"target": "$", "remove": true}]}),
                "o.yaml#/info/version",
            ),
            (
                json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": []}),
                "o.yaml#/actions",
            ),
            (
                json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$[", "remove": true}]}),
                "o.yaml#/actions/0/target",
            ),
            (
                json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$.a"}]}),
                "o.yaml#/actions/0",
            ),
            (
                json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$.a", "updates": {}}]}),
                "o.yaml#/actions/0/updates",
            ),
            (
                json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$.a", "remove": "yes"}]}),
                "o.yaml#/actions/0/remove",
            ),
        ];
        for (doc, pointer) in cases {
            let error = Overlay::from_value(&doc, "o.yaml")
                .err()
                .map(|e| e.to_string());
            let error = error.unwrap_or_else(|| panic!("{doc} was read"));
            assert!(error.starts_with(&format!("{pointer}:")), "{error}");
        }
    }

    #[test]
    fn extensions_are_allowed_anywhere_the_specification_allows_them() {
        let doc = json!({"overlay": "1.0.0", "x-a": 1, "info": {"title": "t", "version": "1", "x-b": 2},
            "actions": [{"target": "$", "update": {}, "x-c": 3}]});
        assert!(Overlay::from_value(&doc, "o.yaml").is_ok());
        assert!(is_overlay(&doc));
        assert!(!is_overlay(&json!({"openapi": "3.0.3"})));
    }
}
