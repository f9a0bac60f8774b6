//! The pieces of a Cloudflare schema that the spec folder's `common.yaml` already has, so an
//! imported file refers to them instead of copying them: the account and video identifiers in
//! paths, the response envelope, the failure envelope and response, the message list, and the
//! security schemes.

use serde_json::Value;

/// The file of the spec folder these pieces are in.
pub const COMMON_FILE: &str = "common.yaml";
/// `common.yaml`'s account identifier parameter (`{account_id}`).
pub const ACCOUNT_PARAM: &str = "common.yaml#/components/parameters/account_id";
/// `common.yaml`'s video identifier parameter (`{identifier}`).
pub const VIDEO_PARAM: &str = "common.yaml#/components/parameters/video_id";
/// The names those parameters have in paths.
pub const ACCOUNT_NAME: &str = "account_id";
/// See [`ACCOUNT_NAME`].
pub const VIDEO_NAME: &str = "identifier";
/// The failure response.
pub const FAILURE_RESPONSE: &str = "common.yaml#/components/responses/Failure";
/// The security schemes `common.yaml` defines.
pub const SCHEMES: &[&str] = &["api_token", "api_email", "api_key"];

/// What a component schema of the source is to `common.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Common {
    /// `{success, errors, messages}`, with no typed `result`: `Envelope`.
    Envelope,
    /// The envelope of a failed call: `Failure`.
    Failure,
    /// A list of `{code, message}`: `Messages`.
    Messages,
}

impl Common {
    /// The `$ref` to it.
    pub fn reference(self) -> &'static str {
        match self {
            Self::Envelope => "common.yaml#/components/schemas/Envelope",
            Self::Failure => "common.yaml#/components/schemas/Failure",
            Self::Messages => "common.yaml#/components/schemas/Messages",
        }
    }
}

/// What `schema` (in `doc`) is to `common.yaml`, if it is one of its pieces.
pub fn classify(doc: &Value, schema: &Value) -> Option<Common> {
    let schema = resolve(doc, schema);
    if schema["type"] == "array" {
        let items = resolve(doc, &schema["items"]);
        let props = properties(doc, items);
        return (has(&props, "code") && has(&props, "message")).then_some(Common::Messages);
    }
    let props = properties(doc, schema);
    if !(has(&props, "success") && has(&props, "errors") && has(&props, "messages")) {
        return None;
    }
    let success = props
        .iter()
        .find(|(k, _)| k == "success")
        .map(|(_, v)| resolve(doc, v));
    let result = props
        .iter()
        .find(|(k, _)| k == "result")
        .map(|(_, v)| resolve(doc, v));
    let failed = success.is_some_and(|s| s["enum"] == serde_json::json!([false]))
        || result.is_some_and(|r| r["enum"] == serde_json::json!([null]));
    if failed {
        return Some(Common::Failure);
    }
    // A `result` typed here would be lost in the common envelope: only a generic one goes. A
    // string (a delete's `"ok"`) says what it is, even with nothing else to say.
    match result {
        None => Some(Common::Envelope),
        Some(result) if generic(result) && !scalar(result) => Some(Common::Envelope),
        Some(_) => None,
    }
}

/// Whether a response is the failure envelope (for a non-2xx status).
pub fn is_failure_response(doc: &Value, response: &Value) -> bool {
    let response = resolve(doc, response);
    let Some(content) = response["content"].as_object() else {
        return false;
    };
    content
        .values()
        .any(|media| classify(doc, &media["schema"]) == Some(Common::Failure))
}

/// Whether `schema` says nothing of its shape (`{}`, an untyped object or array, a union of such).
fn generic(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else {
        return true;
    };
    let shaped = ["properties", "$ref", "allOf", "additionalProperties"]
        .iter()
        .any(|k| map.contains_key(*k));
    if shaped || map.get("items").is_some_and(|items| !generic(items)) {
        return false;
    }
    ["anyOf", "oneOf"].iter().all(|k| {
        map.get(*k)
            .and_then(Value::as_array)
            .is_none_or(|members| members.iter().all(generic))
    })
}

/// Whether `schema` is of one scalar type (`string`, `number`, `integer`, `boolean`).
fn scalar(schema: &Value) -> bool {
    schema["type"]
        .as_str()
        .is_some_and(|t| !matches!(t, "object" | "array"))
}

fn has(props: &[(String, Value)], name: &str) -> bool {
    props.iter().any(|(k, _)| k == name)
}

/// The properties of `schema`, its own and those of its `allOf`, `anyOf` and `oneOf` members
/// (followed one `$ref` at a time, a few levels deep): what an object of it may hold.
pub fn properties(doc: &Value, schema: &Value) -> Vec<(String, Value)> {
    fn collect(doc: &Value, schema: &Value, depth: usize, out: &mut Vec<(String, Value)>) {
        if depth > 8 {
            return;
        }
        let schema = resolve(doc, schema);
        for keyword in ["allOf", "anyOf", "oneOf"] {
            for member in schema[keyword].as_array().into_iter().flatten() {
                collect(doc, member, depth + 1, out);
            }
        }
        for (name, value) in schema["properties"].as_object().into_iter().flatten() {
            out.retain(|(k, _)| k != name);
            out.push((name.clone(), value.clone()));
        }
    }
    let mut out = Vec::new();
    collect(doc, schema, 0, &mut out);
    out
}

/// `node`, its local `$ref`s followed (a few links at most).
pub fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..16 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return node;
        };
        match reference
            .strip_prefix('#')
            .and_then(|pointer| doc.pointer(&decode(pointer)))
        {
            Some(target) => node = target,
            None => return node,
        }
    }
    node
}

/// A `$ref` fragment as a JSON pointer (`%7B` is `{`).
pub fn decode(fragment: &str) -> String {
    percent_encoding::percent_decode_str(fragment)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn envelopes_failures_and_messages_are_recognised() {
        let doc = json!({"components": {"schemas": {
            "message": {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}},
            "messages": {"type": "array", "items": {"$ref": "#/components/schemas/message"}},
            "common": {"type": "object", "properties": {
                "success": {"type": "boolean"}, "errors": {"$ref": "#/components/schemas/messages"},
                "messages": {"$ref": "#/components/schemas/messages"}}},
            "single": {"allOf": [{"$ref": "#/components/schemas/common"}, {"properties": {"result": {"anyOf": [{"type": "object"}, {"type": "array", "items": {}}, {"type": "string"}]}}}]},
            "typed": {"allOf": [{"$ref": "#/components/schemas/common"}, {"properties": {"result": {"$ref": "#/components/schemas/message"}}}]},
            "deleted": {"allOf": [{"$ref": "#/components/schemas/common"}, {"properties": {"result": {"type": "string", "example": "ok"}}}]},
            "collection": {"type": "object", "anyOf": [{"$ref": "#/components/schemas/common"}, {"properties": {"result": {"type": "array", "items": {}, "nullable": true}, "result_info": {"type": "object"}}}]},
            "failure": {"type": "object", "properties": {
                "success": {"type": "boolean", "enum": [false]}, "errors": {}, "messages": {}, "result": {"enum": [null], "nullable": true}}}
        }}});
        let schema = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
        assert_eq!(classify(&doc, &schema("common")), Some(Common::Envelope));
        assert_eq!(classify(&doc, &schema("single")), Some(Common::Envelope));
        assert_eq!(classify(&doc, &schema("typed")), None);
        assert_eq!(
            classify(&doc, &schema("deleted")),
            None,
            "its result is a string"
        );
        assert_eq!(
            classify(&doc, &schema("collection")),
            Some(Common::Envelope)
        );
        assert_eq!(classify(&doc, &schema("failure")), Some(Common::Failure));
        assert_eq!(classify(&doc, &schema("messages")), Some(Common::Messages));
        assert_eq!(classify(&doc, &schema("message")), None);
    }
}
