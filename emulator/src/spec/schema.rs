//! A schema as it stands in its file, and the views of it that checking and writing share:
//! `$ref`s followed, `allOf` flattened, the properties of a conjunction of schemas.

use serde_json::{Map, Value};

use super::load::Files;

/// At most this many schemas in one flattened `allOf` (a guard against `allOf`s that double
/// at every level).
const MAX_FLATTENED: usize = 512;
/// At most this many `allOf` levels are followed.
const MAX_ALL_OF_DEPTH: usize = 64;

/// A schema node and the file it is in (its `$ref`s are relative to that file).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node<'a> {
    pub(crate) file: usize,
    pub(crate) value: &'a Value,
}

impl<'a> Node<'a> {
    pub(crate) fn new(file: usize, value: &'a Value) -> Self {
        Self { file, value }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.value.get(key)
    }

    /// A child node in the same file (`properties/x`, `items`...).
    pub(crate) fn child(&self, value: &'a Value) -> Self {
        Self::new(self.file, value)
    }

    pub(crate) fn flag(&self, key: &str) -> bool {
        self.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    pub(crate) fn number(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(Value::as_f64)
    }

    pub(crate) fn count(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(Value::as_u64)
    }

    /// The types `type` allows: OpenAPI 3.0 writes one, 3.1 a list.
    pub(crate) fn types(&self) -> Option<Vec<&'a str>> {
        match self.get("type")? {
            Value::String(name) => Some(vec![name.as_str()]),
            Value::Array(names) => Some(names.iter().filter_map(Value::as_str).collect()),
            _ => None,
        }
    }

    /// `properties`, if it is an object.
    pub(crate) fn properties(&self) -> Option<&'a Map<String, Value>> {
        self.get("properties").and_then(Value::as_object)
    }

    /// `required`'s names.
    pub(crate) fn required(&self) -> impl Iterator<Item = &'a str> {
        self.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }
}

impl Files {
    /// `node` with its `$ref`s followed.
    pub(crate) fn deref<'a>(&'a self, node: Node<'a>) -> Node<'a> {
        let (file, value) = self.resolve(node.file, node.value);
        Node::new(file, value)
    }

    /// The schemas `nodes` stand for together: each with its `$ref`s followed and its `allOf`
    /// members added after it, recursively, so every keyword that applies is in one of them.
    pub(crate) fn flatten<'a>(&'a self, nodes: &[Node<'a>]) -> Vec<Node<'a>> {
        let mut out = Vec::new();
        for node in nodes {
            self.flatten_into(*node, &mut out, 0);
        }
        out
    }

    fn flatten_into<'a>(&'a self, node: Node<'a>, out: &mut Vec<Node<'a>>, depth: usize) {
        if out.len() >= MAX_FLATTENED || depth > MAX_ALL_OF_DEPTH {
            return;
        }
        let node = self.deref(node);
        // The same node twice adds nothing (and `allOf: [itself]` would never end).
        if out.iter().any(|seen| std::ptr::eq(seen.value, node.value)) {
            return;
        }
        out.push(node);
        if let Some(Value::Array(members)) = node.get("allOf") {
            for member in members {
                self.flatten_into(node.child(member), out, depth + 1);
            }
        }
    }

    /// The schemas of property `name` across `flat` (a flattened conjunction).
    pub(crate) fn property<'a>(&'a self, flat: &[Node<'a>], name: &str) -> Vec<Node<'a>> {
        flat.iter()
            .filter_map(|node| {
                node.properties()
                    .and_then(|properties| properties.get(name))
                    .map(|schema| node.child(schema))
            })
            .collect()
    }

    /// The property names of a flattened conjunction, in the order they first appear.
    pub(crate) fn property_names<'a>(&'a self, flat: &[Node<'a>]) -> Vec<&'a str> {
        let mut names: Vec<&str> = Vec::new();
        for node in flat {
            for name in node.properties().into_iter().flat_map(Map::keys) {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
        names
    }

    /// The `items` schemas of a flattened conjunction.
    pub(crate) fn items<'a>(&'a self, flat: &[Node<'a>]) -> Vec<Node<'a>> {
        flat.iter()
            .filter_map(|node| node.get("items").map(|items| node.child(items)))
            .filter(|node| node.value.is_object())
            .collect()
    }

    /// The type a flattened conjunction declares (the first `type` met), for reading text
    /// (query strings, headers, form fields) as the schema means it.
    pub(crate) fn declared_type<'a>(&'a self, flat: &[Node<'a>]) -> Option<&'a str> {
        flat.iter()
            .filter_map(Node::types)
            .flat_map(|types| types.into_iter().find(|t| *t != "null"))
            .next()
    }

    /// Whether the schemas of a response body are Cloudflare's `{success, errors, messages,
    /// result}` envelope, as the generator decides it: an object (after merging `allOf`) with
    /// `success`, and `result` or `errors`.
    pub(crate) fn is_envelope(&self, schema: Node<'_>) -> bool {
        let flat = self.flatten(&[schema]);
        let names = self.property_names(&flat);
        names.contains(&"success") && (names.contains(&"result") || names.contains(&"errors"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn files(doc: Value) -> Files {
        Files::from_docs(vec![("a.yaml".into(), doc)])
    }

    #[test]
    fn flattening_follows_refs_and_all_of_once_each() {
        let files = files(json!({"components": {"schemas": {
            "Envelope": {"type": "object", "properties": {"success": {"type": "boolean"},
                          "errors": {"type": "array"}}},
            "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"},
                               {"$ref": "#/components/schemas/Envelope"}]},
            "Keys": {"allOf": [{"$ref": "#/components/schemas/Envelope"},
                               {"properties": {"result": {"type": "string"}}}]},
        }}}));
        let doc = &files.docs[0].1;
        let at = |name: &str| {
            Node::new(
                0,
                doc.pointer(&format!("/components/schemas/{name}"))
                    .unwrap_or(&Value::Null),
            )
        };
        let flat = files.flatten(&[at("Keys")]);
        assert_eq!(flat.len(), 3);
        let mut names = files.property_names(&flat);
        names.sort_unstable();
        assert_eq!(names, ["errors", "result", "success"]);
        assert_eq!(files.property(&flat, "result").len(), 1);
        assert!(files.is_envelope(at("Keys")));
        assert!(files.is_envelope(at("Loop")));
        assert_eq!(files.flatten(&[at("Loop")]).len(), 2);
        assert!(!files.is_envelope(Node::new(0, &json!({"type": "string"}))));
    }
}
