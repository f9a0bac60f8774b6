//! One resource's file: its paths, copied from the source with every `$ref` rewritten, and the
//! component schemas they use.
//!
//! A `$ref` to a piece `common.yaml` has becomes a `$ref` to it ([`super::shared`]); to a
//! component schema, a `$ref` to that schema in this file, or in the file that defines it
//! already (a schema several resources use is defined once); to anything else (a parameter,
//! a response, a request body), the thing itself, in place. A component schema keeps its name
//! less the noise ([`crate::model::cloudflare::denoise`]), in the style the generator names
//! types (`LiveInputStatus`), and says which source schema it is (`x-cloudflare-schema`), so
//! that the next import finds it again.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::shared::{self, Common};
use crate::model::names::{self, Scope};

/// The extension that names the source schema a component was imported from (less noise).
pub const SOURCE_SCHEMA: &str = "x-cloudflare-schema";

/// Where a source component schema went.
#[derive(Debug, Clone)]
enum Target {
    /// A piece of `common.yaml`.
    Common(Common),
    /// A component of a spec file: its file name and key.
    At { file: String, key: String },
}

/// The component schemas of one import, across the files it writes.
#[derive(Debug, Default)]
pub struct Components {
    /// Components of files the import leaves alone, by source schema (less noise).
    existing: HashMap<String, (String, String)>,
    /// Keys the files being rewritten gave each source schema, to keep them.
    previous: HashMap<(String, String), String>,
    /// What became of each source schema, by its name in the source.
    assigned: HashMap<String, Target>,
    /// The components each written file defines, in order.
    defined: BTreeMap<String, Map<String, Value>>,
    /// The component keys taken in the folder: one key names one schema in every file, as one
    /// Rust type name does.
    keys: Scope,
}

impl Components {
    /// Remembers the imported components of `doc`, a spec file named `file` that the import
    /// leaves alone (`rewritten` false) or writes anew (true, to keep its keys).
    pub fn know(&mut self, file: &str, doc: &Value, rewritten: bool) {
        for (key, schema) in doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
        {
            let Some(source) = schema[SOURCE_SCHEMA].as_str() else {
                continue;
            };
            if rewritten {
                self.previous
                    .insert((file.to_owned(), source.to_owned()), key.clone());
            } else {
                self.existing
                    .entry(source.to_owned())
                    .or_insert((file.to_owned(), key.clone()));
            }
        }
    }

    /// The components the file `file` defines.
    pub fn take(&mut self, file: &str) -> Map<String, Value> {
        self.defined.remove(file).unwrap_or_default()
    }
}

/// Builds the files of an import from the source document `doc`.
pub struct Builder<'a> {
    /// The source document.
    pub doc: &'a Value,
    /// The noise prefix every component of the source shares (`stream_`).
    pub prefix: Option<String>,
    /// The components of this import.
    pub components: &'a mut Components,
}

impl Builder<'_> {
    /// The path item operations `ops` (method, path) of one resource, for the file `file`:
    /// `(paths, tags used)`.
    pub fn paths(
        &mut self,
        file: &str,
        ops: &[(String, String)],
    ) -> (Map<String, Value>, Vec<String>) {
        let mut paths = Map::new();
        let mut tags = Vec::new();
        for (method, path) in ops {
            let source_item = &self.doc["paths"][path];
            let (template, renames) = common_params(path);
            let mut op = source_item[method.as_str()].clone();
            // Path-level parameters, then the operation's (which win), all on the operation.
            let mut params: Vec<Value> = source_item["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for param in op["parameters"].as_array().cloned().unwrap_or_default() {
                let resolved = shared::resolve(self.doc, &param).clone();
                params.retain(|p| {
                    let p = shared::resolve(self.doc, p);
                    !(p["name"] == resolved["name"] && p["in"] == resolved["in"])
                });
                params.push(param);
            }
            if let Some(map) = op.as_object_mut() {
                if params.is_empty() {
                    map.remove("parameters");
                } else {
                    map.insert("parameters".into(), Value::Array(params));
                }
            }
            for tag in op["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !tags.iter().any(|t| t == tag) {
                    tags.push(tag.to_owned());
                }
            }
            let op = self.operation(file, &op, &renames);
            let item = paths
                .entry(template)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(item) = item.as_object_mut() {
                item.insert(method.clone(), op);
            }
        }
        (paths, tags)
    }

    fn operation(&mut self, file: &str, op: &Value, renames: &[(String, &'static str)]) -> Value {
        let Some(map) = op.as_object() else {
            return op.clone();
        };
        let mut out = Map::new();
        for (key, value) in map {
            let value = match key.as_str() {
                "parameters" => Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|p| self.parameter(file, p, renames))
                        .collect(),
                ),
                "responses" => self.responses(file, value),
                "security" => match security(value) {
                    Some(value) => value,
                    None => continue,
                },
                _ => self.rewrite(file, value, 0),
            };
            out.insert(key.clone(), value);
        }
        Value::Object(out)
    }

    fn parameter(
        &mut self,
        file: &str,
        param: &Value,
        renames: &[(String, &'static str)],
    ) -> Value {
        let resolved = shared::resolve(self.doc, param);
        if resolved["in"] == "path"
            && let Some(name) = resolved["name"].as_str()
            && let Some((_, common)) = renames.iter().find(|(from, _)| from == name)
        {
            let reference = if *common == shared::ACCOUNT_NAME {
                shared::ACCOUNT_PARAM
            } else {
                shared::VIDEO_PARAM
            };
            return json!({"$ref": reference});
        }
        let resolved = resolved.clone();
        self.rewrite(file, &resolved, 0)
    }

    fn responses(&mut self, file: &str, responses: &Value) -> Value {
        let Some(map) = responses.as_object() else {
            return self.rewrite(file, responses, 0);
        };
        let mut out = Map::new();
        for (code, response) in map {
            let value = if !code.starts_with('2') && shared::is_failure_response(self.doc, response)
            {
                json!({"$ref": shared::FAILURE_RESPONSE})
            } else {
                let resolved = shared::resolve(self.doc, response).clone();
                self.rewrite(file, &resolved, 0)
            };
            out.insert(code.clone(), value);
        }
        Value::Object(out)
    }

    /// `node` with its `$ref`s rewritten for `file`.
    fn rewrite(&mut self, file: &str, node: &Value, depth: usize) -> Value {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    return self.reference(file, reference, depth);
                }
                let mut out = Map::new();
                for (key, value) in map {
                    // Examples are data: a `$ref` key in them is just a key.
                    let value = if key == "example" || key == "examples" {
                        value.clone()
                    } else {
                        self.rewrite(file, value, depth)
                    };
                    out.insert(key.clone(), value);
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.rewrite(file, v, depth)).collect())
            }
            other => other.clone(),
        }
    }

    fn reference(&mut self, file: &str, reference: &str, depth: usize) -> Value {
        let pointer = shared::decode(reference.trim_start_matches('#'));
        if let Some(name) = pointer
            .strip_prefix("/components/schemas/")
            .filter(|rest| !rest.contains('/'))
        {
            let name = name.replace("~1", "/").replace("~0", "~");
            return json!({"$ref": self.schema(file, &name)});
        }
        // Anything else is copied in place (parameters, responses, bodies, below a schema).
        match self.doc.pointer(&pointer) {
            Some(target) if depth < 32 => {
                let target = target.clone();
                self.rewrite(file, &target, depth + 1)
            }
            _ => json!({}),
        }
    }

    /// The `$ref`, from `file`, to the source component schema `name`, placing it first.
    fn schema(&mut self, file: &str, name: &str) -> String {
        let target = match self.components.assigned.get(name) {
            Some(target) => target.clone(),
            None => self.place(file, name),
        };
        match target {
            Target::Common(common) => common.reference().to_owned(),
            Target::At { file: home, key } if home == file => {
                format!("#/components/schemas/{}", escape_fragment(&key))
            }
            Target::At { file: home, key } => {
                format!("{home}#/components/schemas/{}", escape_fragment(&key))
            }
        }
    }

    fn place(&mut self, file: &str, name: &str) -> Target {
        let source = self.doc["components"]["schemas"][name].clone();
        let reference = json!({"$ref": format!("#/components/schemas/{}", escape_pointer(name))});
        if let Some(common) = shared::classify(self.doc, &reference) {
            let target = Target::Common(common);
            self.components
                .assigned
                .insert(name.to_owned(), target.clone());
            return target;
        }
        let identity = self.identity(name);
        if let Some((home, key)) = self.components.existing.get(&identity) {
            let target = Target::At {
                file: home.clone(),
                key: key.clone(),
            };
            self.components
                .assigned
                .insert(name.to_owned(), target.clone());
            return target;
        }
        let scope = &mut self.components.keys;
        let key = match self
            .components
            .previous
            .get(&(file.to_owned(), identity.clone()))
        {
            Some(key) if !scope.contains(key) => scope.claim(key.clone()),
            _ => scope.claim(names::type_name(&identity)),
        };
        let target = Target::At {
            file: file.to_owned(),
            key: key.clone(),
        };
        // Placed before its content is rewritten: a schema that refers to itself finds itself.
        self.components
            .assigned
            .insert(name.to_owned(), target.clone());
        let mut content = self.rewrite(file, &source, 0);
        if let Some(map) = content.as_object_mut() {
            map.insert(SOURCE_SCHEMA.into(), Value::from(identity));
        }
        self.components
            .defined
            .entry(file.to_owned())
            .or_default()
            .insert(key, content);
        target
    }

    /// What identifies a source schema from one version of the source to the next: its name
    /// less the noise, as the generator names types.
    fn identity(&self, name: &str) -> String {
        let denoised = crate::model::cloudflare::denoise(name);
        match &self.prefix {
            Some(prefix) => denoised
                .strip_prefix(prefix.as_str())
                .map_or(denoised.clone(), str::to_owned),
            None => denoised,
        }
    }
}

/// The path template with the account and video identifiers named as `common.yaml` names them,
/// and the parameter renames that makes: `(name in the source, name in common.yaml)`.
fn common_params(path: &str) -> (String, Vec<(String, &'static str)>) {
    let segments: Vec<&str> = path.split('/').collect();
    let mut renames = Vec::new();
    let mut out = Vec::with_capacity(segments.len());
    for (i, segment) in segments.iter().enumerate() {
        let param = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
        let previous = i.checked_sub(1).map(|j| segments[j]);
        let common = match (param, previous) {
            (Some(_), Some("accounts")) => Some(shared::ACCOUNT_NAME),
            (Some(_), Some("stream")) if i == 4 => Some(shared::VIDEO_NAME),
            _ => None,
        };
        match (param, common) {
            (Some(name), Some(common)) => {
                renames.push((name.to_owned(), common));
                out.push(format!("{{{common}}}"));
            }
            _ => out.push((*segment).to_owned()),
        }
    }
    (out.join("/"), renames)
}

/// The security requirements `common.yaml` can meet; `None` when none is left.
fn security(value: &Value) -> Option<Value> {
    let kept: Vec<Value> = value
        .as_array()?
        .iter()
        .filter_map(|requirement| {
            let map: Map<String, Value> = requirement
                .as_object()?
                .iter()
                .filter(|(scheme, _)| shared::SCHEMES.contains(&scheme.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (!map.is_empty()).then_some(Value::Object(map))
        })
        .collect();
    (!kept.is_empty()).then_some(Value::Array(kept))
}

/// A JSON pointer token.
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer token as a URI fragment (`%` escaped as well).
fn escape_fragment(token: &str) -> String {
    escape_pointer(token).replace('%', "%25")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_and_video_identifiers_take_the_common_names() {
        let (template, renames) = common_params(
            "/accounts/{account_identifier}/stream/{video_identifier}/captions/{language}",
        );
        assert_eq!(
            template,
            "/accounts/{account_id}/stream/{identifier}/captions/{language}"
        );
        assert_eq!(
            renames,
            [
                ("account_identifier".to_owned(), "account_id"),
                ("video_identifier".to_owned(), "identifier")
            ]
        );
        // A key's identifier is not a video's.
        let (template, renames) = common_params("/accounts/{a}/stream/keys/{identifier}");
        assert_eq!(template, "/accounts/{account_id}/stream/keys/{identifier}");
        assert_eq!(renames.len(), 1);
    }

    #[test]
    fn security_keeps_the_schemes_common_yaml_has() {
        let value =
            json!([{"api_email": [], "api_key": []}, {"api_token": []}, {"user_service_key": []}]);
        assert_eq!(
            security(&value),
            Some(json!([{"api_email": [], "api_key": []}, {"api_token": []}]))
        );
        assert_eq!(security(&json!([{"user_service_key": []}])), None);
    }
}
