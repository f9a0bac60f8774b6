//! What an imported file says where Cloudflare's schema says nothing: a description for every
//! schema that becomes a documented Rust item (so the strict build and `clippy -D warnings`,
//! which want every public item documented, stay clean), and an `x-rust-method` where the name
//! the generator would derive misleads.
//!
//! A written description is made from the item's name (`thumbnailTimestampPct` is "Thumbnail
//! timestamp pct."), or lists an enum's values: the source has nothing better to say. Where it
//! is written is recorded, so that a re-import keeps what a person wrote there instead.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::model::cloudflare::METHOD_EXTENSION;

/// Fills the descriptions `doc` (an imported file) lacks, and returns the JSON pointers of
/// those it wrote.
pub fn fill(doc: &mut Value) -> BTreeSet<String> {
    let mut written = BTreeSet::new();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            let at = format!("/components/schemas/{}", escape(name));
            schema_node(schema, name, &at, &mut written);
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                let at = format!("/paths/{}/{method}", escape(path));
                operation(op, &at, &mut written);
            }
        }
    }
    written
}

/// The method name the importer gives the operation `op` (under HTTP method key `method`)
/// where the derived one misleads, unless it has one already: a PUT of a multipart form puts a
/// file, so `upload`, not `update` (a caption's PUT).
pub fn method_name(method: &str, op: &Map<String, Value>) -> Option<&'static str> {
    let multipart = op
        .get("requestBody")
        .and_then(|body| body.get("content"))
        .and_then(Value::as_object)
        .is_some_and(|content| content.contains_key("multipart/form-data"));
    (method == "put" && multipart && !op.contains_key(METHOD_EXTENSION)).then_some("upload")
}

/// The schemas of one operation, and its method name where the derived one misleads.
fn operation(op: &mut Value, at: &str, written: &mut BTreeSet<String>) {
    let Some(map) = op.as_object_mut() else {
        return;
    };
    let method = at.rsplit('/').next().unwrap_or_default().to_owned();
    if let Some(name) = method_name(&method, map) {
        map.insert(METHOD_EXTENSION.into(), Value::from(name));
    }
    if let Some(content) = map
        .get_mut("requestBody")
        .and_then(|body| body.get_mut("content"))
        .and_then(Value::as_object_mut)
    {
        for (media, value) in content.iter_mut() {
            if let Some(schema) = value.get_mut("schema") {
                let at = format!("{at}/requestBody/content/{}/schema", escape(media));
                schema_node(schema, "request body", &at, written);
            }
        }
    }
    if let Some(responses) = map.get_mut("responses").and_then(Value::as_object_mut) {
        for (code, response) in responses.iter_mut() {
            let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
                continue;
            };
            for (media, value) in content.iter_mut() {
                if let Some(schema) = value.get_mut("schema") {
                    let at = format!("{at}/responses/{code}/content/{}/schema", escape(media));
                    schema_node(schema, "result", &at, written);
                }
            }
        }
    }
    if let Some(params) = map.get_mut("parameters").and_then(Value::as_array_mut) {
        for (i, param) in params.iter_mut().enumerate() {
            let name = param["name"].as_str().unwrap_or("parameter").to_owned();
            if let Some(schema) = param.get_mut("schema") {
                schema_node(
                    schema,
                    &name,
                    &format!("{at}/parameters/{i}/schema"),
                    written,
                );
            }
        }
    }
}

/// Fills the descriptions of the schema `node` (named `name`, at `at`) and of what it holds.
fn schema_node(node: &mut Value, name: &str, at: &str, written: &mut BTreeSet<String>) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    let documented = map.contains_key("description") || map.contains_key("title");
    let strings: Vec<String> = map
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(|s| format!("`{s}`")))
        .collect();
    let is_item = map.contains_key("properties")
        || !strings.is_empty()
        || map.contains_key("oneOf")
        || map.contains_key("anyOf");
    if is_item && !documented {
        let text = if strings.is_empty() {
            sentence(name)
        } else {
            format!("{} One of {}.", sentence(name), strings.join(", "))
        };
        map.insert("description".into(), Value::from(text));
        written.insert(format!("{at}/description"));
    }
    if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
        for (prop, schema) in props.iter_mut() {
            let prop_at = format!("{at}/properties/{}", escape(prop));
            if let Some(inner) = schema.as_object_mut()
                && !inner.contains_key("$ref")
                && !inner.contains_key("description")
                && !inner.contains_key("title")
            {
                inner.insert("description".into(), Value::from(sentence(prop)));
                written.insert(format!("{prop_at}/description"));
            }
            schema_node(schema, prop, &prop_at, written);
        }
    }
    if let Some(items) = map.get_mut("items") {
        schema_node(
            items,
            &format!("{name} item"),
            &format!("{at}/items"),
            written,
        );
    }
    if let Some(extra) = map.get_mut("additionalProperties") {
        schema_node(
            extra,
            &format!("{name} value"),
            &format!("{at}/additionalProperties"),
            written,
        );
    }
    for keyword in ["allOf", "oneOf", "anyOf"] {
        if let Some(members) = map.get_mut(keyword).and_then(Value::as_array_mut) {
            for (i, member) in members.iter_mut().enumerate() {
                let hint = if keyword == "allOf" {
                    name.to_owned()
                } else {
                    format!("{name} option {}", i + 1)
                };
                schema_node(member, &hint, &format!("{at}/{keyword}/{i}"), written);
            }
        }
    }
}

/// `thumbnailTimestampPct`, `live_input-id` as a sentence: "Thumbnail timestamp pct.".
pub fn sentence(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    let mut text = words.join(" ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    if text.is_empty() {
        text = "Value".into();
    }
    text.push('.');
    text
}

/// A JSON pointer token.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_become_sentences() {
        assert_eq!(
            sentence("thumbnailTimestampPct"),
            "Thumbnail timestamp pct."
        );
        assert_eq!(sentence("live_input-id"), "Live input id.");
        assert_eq!(sentence("LiveInputStatus"), "Live input status.");
        assert_eq!(sentence(""), "Value.");
    }

    #[test]
    fn what_the_source_leaves_undescribed_is_described_and_recorded() {
        let mut doc = json!({
            "paths": {"/a/{id}": {"put": {
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
                "responses": {"200": {"description": "ok"}}
            }}},
            "components": {"schemas": {
                "Status": {"type": "string", "enum": ["ready", "error"]},
                "Video": {"type": "object", "description": "A video.", "properties": {
                    "uid": {"type": "string", "description": "Its id."},
                    "status": {"$ref": "#/components/schemas/Status"},
                    "maxDurationSeconds": {"type": "integer"}}}
            }}
        });
        let written = fill(&mut doc);
        assert_eq!(
            doc["components"]["schemas"]["Status"]["description"],
            "Status. One of `ready`, `error`."
        );
        assert_eq!(
            doc["components"]["schemas"]["Video"]["description"],
            "A video."
        );
        assert_eq!(
            doc["components"]["schemas"]["Video"]["properties"]["maxDurationSeconds"]["description"],
            "Max duration seconds."
        );
        assert!(
            doc["components"]["schemas"]["Video"]["properties"]["status"]
                .get("description")
                .is_none()
        );
        let op = &doc["paths"]["/a/{id}"]["put"];
        assert_eq!(op["x-rust-method"], "upload");
        assert!(written.contains("/components/schemas/Status/description"));
        assert!(written.contains(
            "/paths/~1a~1{id}/put/requestBody/content/multipart~1form-data/schema/description"
        ));
        assert!(!written.contains("/components/schemas/Video/description"));
    }
}
