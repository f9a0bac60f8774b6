//! Whose a file of the spec folder is: an import rewrites only a file it wrote itself, and
//! only as it wrote it, so that nothing a person wrote is lost.
//!
//! An imported file carries a seal in its `info` (`x-codegen-import`): the resource it holds
//! and a digest of what the importer owns in it, that is everything but what a re-import
//! carries over anyway ([`super::merge`]: `x-rust-*` names, descriptions, summaries and
//! examples). A file without a seal is a person's and is never rewritten; a file whose content
//! no longer matches its seal was changed by hand (a property added, a type changed), and is
//! rewritten only when the user says the schema's version should replace those changes.

use serde_json::{Map, Value, json};

use super::merge::holds_names;

/// The extension in an imported file's `info` that seals it.
pub const SEAL: &str = "x-codegen-import";

/// Whose a file of the folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Written by `codegen import` and unchanged since, but for what a re-import keeps.
    Importer,
    /// Written by `codegen import`, then changed by hand where a re-import would not keep it.
    Edited,
    /// Not written by `codegen import`.
    Person,
}

/// Whose the file holding `doc` is.
pub fn owner(doc: &Value) -> Owner {
    match doc["info"][SEAL]["digest"].as_str() {
        Some(sealed) if sealed == digest(doc) => Owner::Importer,
        Some(_) => Owner::Edited,
        // Imported before files were sealed: the importer's own words in `info` say so, and
        // nothing tells what was changed since.
        None if doc["info"]["description"]
            .as_str()
            .is_some_and(|text| text.contains("by `codegen import`")) =>
        {
            Owner::Importer
        }
        None => Owner::Person,
    }
}

/// Seals `doc`, the file of `resource` as the importer writes it.
pub fn seal(doc: &mut Value, resource: &str) {
    let digest = digest(doc);
    if let Some(info) = doc.get_mut("info").and_then(Value::as_object_mut) {
        info.insert(SEAL.into(), json!({"resource": resource, "digest": digest}));
    }
}

/// A digest of what the importer owns in `doc`: the document without the seal and without what
/// a re-import carries over, keys in sorted order (a reordering loses nothing). FNV-1a, 64 bits:
/// it tells an edit from none, and guards against no adversary.
fn digest(doc: &Value) -> String {
    let mut owned = doc.clone();
    if let Some(info) = owned.get_mut("info").and_then(Value::as_object_mut) {
        info.remove(SEAL);
    }
    let text = canonical(&owned, false).to_string();
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// `value` with its keys sorted and the carried keys taken out; `names` says whether its keys
/// are names (a property called `description`), which are all kept.
fn canonical(value: &Value, names: bool) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map
                .iter()
                .filter(|(key, _)| names || !carried(key))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let sorted: Map<String, Value> = entries
                .into_iter()
                .map(|(key, value)| (key.clone(), canonical(value, !names && holds_names(key))))
                .collect();
            Value::Object(sorted)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| canonical(item, false)).collect())
        }
        other => other.clone(),
    }
}

/// Whether a re-import carries the key over, or takes it from the schema with nothing of a
/// person's to lose: what [`super::merge`] keeps, and descriptions and summaries, whose edits
/// are prose rather than shape.
fn carried(key: &str) -> bool {
    key.starts_with("x-rust-") || matches!(key, "example" | "examples" | "description" | "summary")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imported() -> Value {
        let mut doc = json!({
            "info": {"title": "t", "description": "d"},
            "paths": {"/a": {"get": {"description": "Gets it.", "responses": {}}}},
            "components": {"schemas": {"A": {"type": "object", "properties": {"b": {"type": "string"}}}}},
        });
        seal(&mut doc, "thing");
        doc
    }

    #[test]
    fn a_sealed_file_is_the_importers_until_its_shape_is_edited() {
        let doc = imported();
        assert_eq!(doc["info"][SEAL]["resource"], "thing");
        assert_eq!(owner(&doc), Owner::Importer);

        // What a re-import keeps, and a reordering, leave it the importer's.
        let mut kept = doc.clone();
        kept["paths"]["/a"]["get"]["description"] = json!("Mine.");
        kept["paths"]["/a"]["get"]["x-rust-method"] = json!("fetch");
        kept["components"]["schemas"]["A"]["example"] = json!({"b": "x"});
        let schema = kept["components"]["schemas"]["A"].as_object_mut().unwrap();
        let ty = schema.shift_remove("type").unwrap();
        schema.insert("type".into(), ty);
        assert_eq!(owner(&kept), Owner::Importer);

        // A property added by hand is an edit a re-import would lose.
        let mut edited = doc.clone();
        edited["components"]["schemas"]["A"]["properties"]["mine"] = json!({"type": "integer"});
        assert_eq!(owner(&edited), Owner::Edited);
        let mut retyped = doc.clone();
        retyped["components"]["schemas"]["A"]["properties"]["b"]["type"] = json!("integer");
        assert_eq!(owner(&retyped), Owner::Edited);
        // A property named like a keyword is a property: adding one is an edit.
        let mut named = doc;
        named["components"]["schemas"]["A"]["properties"]["description"] =
            json!({"type": "string"});
        assert_eq!(owner(&named), Owner::Edited);
    }

    #[test]
    fn a_file_without_a_seal_is_a_persons_unless_imported_before_seals() {
        assert_eq!(owner(&json!({"info": {"title": "mine"}})), Owner::Person);
        assert_eq!(owner(&json!({"paths": {}})), Owner::Person);
        let older = json!({"info": {"description": "The `a` resource, imported from `x.yaml` by `codegen import`."}});
        assert_eq!(owner(&older), Owner::Importer);
    }
}
