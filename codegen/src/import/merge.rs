//! Importing a resource again: the file is written anew from the newer schema, and what a
//! person wrote in the old one is carried over where the same node still exists:
//!
//! - every `x-rust-*` extension (a name they chose);
//! - a description or summary where the new file would only have one the importer made up
//!   (see [`super::describe`]);
//! - an `example` or `examples` the new file does not have.
//!
//! Everything else comes from the schema: the file is the importer's, but these are kept.

use std::collections::BTreeSet;

use serde_json::Value;

use super::describe::escape;

/// Carries what a person wrote in `old` into `new`; `written` holds the pointers of the
/// descriptions the importer made up in `new`.
pub fn keep(new: &mut Value, old: &Value, written: &BTreeSet<String>) {
    node(new, old, "", written, false);
}

/// Whether the keys of the object under `key` are names (of properties, paths, responses,
/// media types...) rather than keywords: a property called `description` or `example` is a
/// property like any other, neither carried over nor left out.
pub(super) fn holds_names(key: &str) -> bool {
    matches!(
        key,
        "properties"
            | "paths"
            | "responses"
            | "content"
            | "headers"
            | "schemas"
            | "parameters"
            | "requestBodies"
            | "securitySchemes"
            | "links"
            | "callbacks"
            | "encoding"
            | "variables"
            | "mapping"
    )
}

/// `names`: whether the keys of this object are names ([`holds_names`]).
fn node(new: &mut Value, old: &Value, at: &str, written: &BTreeSet<String>, names: bool) {
    match (new, old) {
        (Value::Object(new), Value::Object(old)) => {
            for (key, value) in old.iter().filter(|_| !names) {
                let carried = key.starts_with("x-rust-")
                    || ((key == "example" || key == "examples") && !new.contains_key(key))
                    || ((key == "description" || key == "summary")
                        && written.contains(&format!("{at}/{key}")));
                if carried {
                    new.insert(key.clone(), value.clone());
                }
            }
            for (key, value) in new.iter_mut() {
                if let Some(before) = old.get(key) {
                    let at = format!("{at}/{}", escape(key));
                    node(value, before, &at, written, !names && holds_names(key));
                }
            }
        }
        (Value::Array(new), Value::Array(old)) => {
            for (i, (value, before)) in new.iter_mut().zip(old).enumerate() {
                node(value, before, &format!("{at}/{i}"), written, false);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn overrides_written_descriptions_and_examples_are_kept() {
        let old = json!({"paths": {"/a": {"put": {
            "x-rust-method": "upload",
            "summary": "Upload it.",
            "responses": {"200": {"content": {"application/json": {"example": {"ok": true}}}}}
        }}}, "components": {"schemas": {"A": {"description": "What a person wrote.", "x-rust-name": "Thing"}}}});
        let mut new = json!({"paths": {"/a": {"put": {
            "summary": "From the schema.",
            "responses": {"200": {"content": {"application/json": {}}}}
        }}}, "components": {"schemas": {"A": {"description": "A.", "type": "object"}}}});
        let written = BTreeSet::from(["/components/schemas/A/description".to_owned()]);
        keep(&mut new, &old, &written);
        let op = &new["paths"]["/a"]["put"];
        assert_eq!(op["x-rust-method"], "upload");
        // The schema's own summary wins: it was not made up.
        assert_eq!(op["summary"], "From the schema.");
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["example"],
            json!({"ok": true})
        );
        assert_eq!(
            new["components"]["schemas"]["A"]["description"],
            "What a person wrote."
        );
        assert_eq!(new["components"]["schemas"]["A"]["x-rust-name"], "Thing");
        assert_eq!(new["components"]["schemas"]["A"]["type"], "object");
    }

    #[test]
    fn properties_named_like_keywords_are_properties() {
        // The schema dropped its `example` property: a re-import does not bring it back.
        let old = json!({"properties": {"example": {"type": "string"}, "id": {"type": "string"}}});
        let mut new = json!({"properties": {"id": {"type": "string"}}});
        keep(&mut new, &old, &BTreeSet::new());
        assert_eq!(new, json!({"properties": {"id": {"type": "string"}}}));
        // An `example` keyword beside them is still carried.
        let old = json!({"example": {"id": "x"}, "properties": {"id": {"type": "string"}}});
        let mut new = json!({"properties": {"id": {"type": "string"}}});
        keep(&mut new, &old, &BTreeSet::new());
        assert_eq!(new["example"], json!({"id": "x"}));
    }
}
