//! Checks a document against the OpenAPI model in linear time, naming the node that fails.
//!
//! openapiv3 reads through untagged enums and flattened fields, which costs time exponential in
//! the depth of an invalid node, and whose errors stop at the first such enum; this module
//! checks deep schemas node by node first, and looks below a failure for the node to blame.

use openapiv3::{
    Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Responses, Schema,
};
use serde::Deserialize;
use serde_json::Value;

use super::parse::typed;
use super::{Step, locate};
use crate::error::{Error, Location, Result};

/// How deep a schema may stand (counting schemas: a component is 1, its properties 2) before
/// [`check_deep_schemas`] checks it on its own.
///
/// openapiv3 reads a schema through untagged enums and flattened fields: when a node fails,
/// every variant of its parent is tried again over the whole subtree, so an invalid node `d`
/// schemas deep costs time in `2^d` to be refused (hours at 30 deep). Checked on its own, each
/// node costs its own size. Shallower nodes are left to the typed read of the whole document,
/// which then costs at most `2^SHALLOW` times the size of the schema that fails.
const SHALLOW: usize = 6;

/// Checks every schema that stands deeper than [`SHALLOW`], deepest first and each node once
/// (its child schemas replaced by `{}`), so that reading the document afterwards takes linear
/// time and an invalid node is named where it stands.
pub(super) fn check_deep_schemas(raw: &Value, root: &Location) -> Result<()> {
    let mut steps = Vec::new();
    walk_for_schemas(raw, &mut steps).map_err(|(steps, error)| Error::Invalid {
        at: locate(root.clone(), &steps),
        message: error.to_string(),
    })
}

/// A schema that failed: where, and why.
type SchemaFailure<'v> = (Vec<Step<'v>>, serde_json::Error);

/// Walks a node that is not a schema, looking for the schemas below it: the values of
/// `schema` keys (parameters, headers, media types) and of `components/schemas`. Examples
/// and extensions are data, and are not walked.
fn walk_for_schemas<'v>(
    value: &'v Value,
    steps: &mut Vec<Step<'v>>,
) -> std::result::Result<(), SchemaFailure<'v>> {
    let components = matches!(steps.as_slice(), [Step::Key("components")]);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                steps.push(Step::Key(key));
                let checked = match key.as_str() {
                    "schema" => walk_schema(child, 1, steps),
                    "schemas" if components => match child {
                        Value::Object(schemas) => schemas.iter().try_for_each(|(name, schema)| {
                            steps.push(Step::Key(name));
                            let checked = walk_schema(schema, 1, steps);
                            steps.pop();
                            checked
                        }),
                        _ => Ok(()),
                    },
                    _ => walk_for_schemas(child, steps),
                };
                steps.pop();
                checked?;
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                steps.push(Step::Index(index));
                let checked = walk_for_schemas(child, steps);
                steps.pop();
                checked?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Checks the schema `value`, `depth` schemas deep: its child schemas first, then itself (with
/// its child schemas replaced by `{}`) if it stands deeper than [`SHALLOW`].
fn walk_schema<'v>(
    value: &'v Value,
    depth: usize,
    steps: &mut Vec<Step<'v>>,
) -> std::result::Result<(), SchemaFailure<'v>> {
    if let Value::Object(map) = value {
        for (key, child) in map {
            let Some(children) = SchemaChildren::of(key, child) else {
                continue;
            };
            // On a failure the steps were copied already: no need to unwind them.
            steps.push(Step::Key(key));
            match children {
                SchemaChildren::Named(schemas) => {
                    for (name, schema) in schemas {
                        steps.push(Step::Key(name));
                        walk_schema(schema, depth + 1, steps)?;
                        steps.pop();
                    }
                }
                SchemaChildren::Listed(schemas) => {
                    for (index, schema) in schemas.iter().enumerate() {
                        steps.push(Step::Index(index));
                        walk_schema(schema, depth + 1, steps)?;
                        steps.pop();
                    }
                }
                SchemaChildren::One(schema) => walk_schema(schema, depth + 1, steps)?,
            }
            steps.pop();
        }
    }
    if depth <= SHALLOW {
        return Ok(());
    }
    match ReferenceOr::<Schema>::deserialize(&shallow(value)) {
        Ok(_) => Ok(()),
        Err(error) => Err((steps.clone(), error)),
    }
}

/// The schemas a member of a schema holds, by how they are reached from it.
enum SchemaChildren<'v> {
    /// By name: `properties`.
    Named(&'v serde_json::Map<String, Value>),
    /// By index: `allOf`, `anyOf`, `oneOf`.
    Listed(&'v [Value]),
    /// The member itself: `items`, `not`, and `additionalProperties` when it is a schema.
    One(&'v Value),
}

impl<'v> SchemaChildren<'v> {
    /// The schemas held by the member `key` of a schema, whose value is `value`.
    fn of(key: &str, value: &'v Value) -> Option<Self> {
        match (key, value) {
            ("properties", Value::Object(schemas)) => Some(Self::Named(schemas)),
            ("allOf" | "anyOf" | "oneOf", Value::Array(schemas)) => Some(Self::Listed(schemas)),
            ("items" | "not" | "additionalProperties", Value::Object(_)) => Some(Self::One(value)),
            _ => None,
        }
    }
}

/// `schema` with each child schema replaced by `{}` (which is valid: any value), so that
/// reading it costs its own size only.
fn shallow(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let empty = || Value::Object(serde_json::Map::new());
    let node = map
        .iter()
        .map(|(key, child)| {
            let child = match SchemaChildren::of(key, child) {
                Some(SchemaChildren::Named(schemas)) => {
                    Value::Object(schemas.keys().map(|name| (name.clone(), empty())).collect())
                }
                Some(SchemaChildren::Listed(schemas)) => {
                    Value::Array(schemas.iter().map(|_| empty()).collect())
                }
                Some(SchemaChildren::One(_)) => empty(),
                None => child.clone(),
            };
            (key.clone(), child)
        })
        .collect();
    Value::Object(node)
}

/// The deepest typed node that fails to deserialise, for a document that failed as a whole:
/// serde's path stops at the first custom or flattened deserialiser (`paths`, `responses`), so
/// we try the nodes below it one by one.
pub(super) fn locate_invalid(raw: &Value, root: &Location) -> Option<Error> {
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            if let Some(error) = invalid_path_item(item, &root.join("paths").join(path)) {
                return Some(error);
            }
        }
    }
    let components = raw.get("components").and_then(Value::as_object)?;
    for (kind, entries) in components {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        for (name, node) in entries {
            let at = root.join("components").join(kind).join(name);
            let error = match kind.as_str() {
                "schemas" => typed::<ReferenceOr<Schema>>(node, &at).err(),
                "parameters" => typed::<ReferenceOr<Parameter>>(node, &at).err(),
                "responses" => typed::<ReferenceOr<Response>>(node, &at).err(),
                "requestBodies" => typed::<ReferenceOr<RequestBody>>(node, &at).err(),
                _ => None,
            };
            if error.is_some() {
                return error;
            }
        }
    }
    None
}

fn invalid_path_item(item: &Value, at: &Location) -> Option<Error> {
    if let Some(error) = invalid_parameters(item, at) {
        return Some(error);
    }
    for verb in [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ] {
        let Some(op) = item.get(verb) else {
            continue;
        };
        let at = at.join(verb);
        if let Some(error) = invalid_parameters(op, &at) {
            return Some(error);
        }
        if let Some(body) = op.get("requestBody")
            && let Err(error) = typed::<ReferenceOr<RequestBody>>(body, &at.join("requestBody"))
        {
            return Some(error);
        }
        if let Some(responses) = op.get("responses") {
            let at = at.join("responses");
            match responses.as_object() {
                Some(map) => {
                    for (code, response) in map {
                        if let Err(error) = typed::<ReferenceOr<Response>>(response, &at.join(code))
                        {
                            return Some(error);
                        }
                    }
                }
                None => return typed::<Responses>(responses, &at).err(),
            }
        }
        if let Err(error) = typed::<Operation>(op, &at) {
            return Some(error);
        }
    }
    typed::<ReferenceOr<PathItem>>(item, at).err()
}

fn invalid_parameters(node: &Value, at: &Location) -> Option<Error> {
    let list = node.get("parameters")?.as_array()?;
    let at = at.join("parameters");
    list.iter()
        .enumerate()
        .find_map(|(i, p)| typed::<ReferenceOr<Parameter>>(p, &at.index(i)).err())
}
