//! Simple collections, where the spec makes them plain, remember what was created.
//!
//! A path is a collection when it has a `POST` whose result is an object and a `GET` whose
//! result is an array (or an object with exactly one array property, like Cloudflare's
//! `{liveInputs: [...], range, total}`), and the path one `{param}` below it has a `GET`,
//! `PUT`, `PATCH` or `DELETE`; and the created object has an identifier property: the item
//! parameter's name, else `uid`, `id` or `identifier`.
//!
//! Items are kept per scope: the values of the collection path's own parameters (the
//! account, and a parent item such as the live input of its outputs).

use std::collections::{HashMap, HashSet};

use axum::http::Method;
use serde_json::Value;

use super::schema::Node;
use super::synth::{as_uuid, hex_id};
use super::{Files, Operation, Template};

/// One collection the spec describes.
#[derive(Debug)]
pub(crate) struct Collection {
    /// `/accounts/{account_id}/stream/keys`.
    pub(crate) path: Template,
    /// `/accounts/{account_id}/stream/keys/{identifier}`.
    pub(crate) item: Template,
    /// The property of an item that holds its identifier.
    pub(crate) id_field: String,
    /// Where the list result keeps its items, when it is an object and not the array itself.
    pub(crate) list_field: Option<String>,
}

impl Collection {
    /// How many path parameters the collection path has: a scope has that many values.
    pub(crate) fn scope_len(&self) -> usize {
        self.path.params().count()
    }
}

/// What an operation does to a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Create,
    List,
    Get,
    Update,
    Delete,
}

/// The collections of a spec, and each operation's part in them.
#[derive(Debug, Default)]
pub(crate) struct Collections {
    pub(crate) list: Vec<Collection>,
    /// Per operation: `(collection, role)` for the collection it acts on.
    roles: Vec<Option<(usize, Role)>>,
}

impl Collections {
    pub(crate) fn detect(files: &Files, operations: &[Operation]) -> Self {
        let shapes: Vec<String> = operations.iter().map(|op| op.template.shape()).collect();
        let mut by_shape: HashMap<(&str, &Method), usize> = HashMap::new();
        for (index, op) in operations.iter().enumerate() {
            by_shape
                .entry((shapes[index].as_str(), &op.method))
                .or_insert(index);
        }
        let find = |shape: &str, method: &Method| by_shape.get(&(shape, method)).copied();
        let mut collections = Self {
            list: Vec::new(),
            roles: vec![None; operations.len()],
        };
        let mut seen = HashSet::new();
        for (position, op) in operations.iter().enumerate() {
            let path = &op.template;
            let shape = shapes[position].as_str();
            if !seen.insert(shape) {
                continue;
            }
            let (Some(create), Some(list)) =
                (find(shape, &Method::POST), find(shape, &Method::GET))
            else {
                continue;
            };
            if operations[create].stateful || operations[list].stateful {
                continue;
            }
            let Some(created) = operations[create].result(files) else {
                continue;
            };
            let created = files.flatten(&created);
            if !is_object(files, &created) {
                continue;
            }
            let Some(listed) = operations[list].result(files) else {
                continue;
            };
            let Some(list_field) = list_shape(files, &listed) else {
                continue;
            };
            // The item path: one parameter below, with an operation on it.
            let Some((item, item_param)) = operations.iter().find_map(|other| {
                if other.template.segments.len() != path.segments.len() + 1 {
                    return None;
                }
                let below = &other.template;
                let param = below.params().last()?;
                let one_below = below.segments.len() == path.segments.len() + 1
                    && path.contains(below)
                    && matches!(below.segments.last(), Some(super::routes::Segment::Param { prefix, suffix, .. }) if prefix.is_empty() && suffix.is_empty());
                one_below.then(|| (below.clone(), param.to_owned()))
            }) else {
                continue;
            };
            let names = files.property_names(&created);
            let Some(id_field) = [item_param.as_str(), "uid", "id", "identifier"]
                .into_iter()
                .find(|name| names.contains(name))
            else {
                continue;
            };
            let index = collections.list.len();
            let item_shape = item.shape();
            for (position, other) in operations.iter().enumerate() {
                let role = if shapes[position] == shape {
                    match other.method {
                        Method::POST => Some(Role::Create),
                        Method::GET => Some(Role::List),
                        _ => None,
                    }
                } else if shapes[position] == item_shape {
                    match other.method {
                        Method::GET | Method::HEAD => Some(Role::Get),
                        Method::PUT | Method::PATCH => Some(Role::Update),
                        Method::DELETE => Some(Role::Delete),
                        _ => None,
                    }
                } else {
                    None
                };
                if let Some(role) = role
                    && !other.stateful
                {
                    collections.roles[position] = Some((index, role));
                }
            }
            collections.list.push(Collection {
                path: path.clone(),
                item,
                id_field: id_field.to_owned(),
                list_field,
            });
        }
        collections
    }

    /// The collection operation `op` acts on, and how.
    pub(crate) fn role(&self, op: usize) -> Option<(usize, Role)> {
        self.roles.get(op).copied().flatten()
    }

    /// The collections whose items must exist for a request to `template`: those whose item
    /// path is `template` or above it. Outermost first.
    pub(crate) fn parents(&self, template: &Template) -> Vec<usize> {
        let mut parents: Vec<usize> = (0..self.list.len())
            .filter(|&c| self.list[c].item.contains(template))
            .collect();
        parents.sort_by_key(|&c| self.list[c].item.segments.len());
        parents
    }
}

/// Whether a flattened schema is an object (declared, or by its properties).
fn is_object(files: &Files, flat: &[Node<'_>]) -> bool {
    match files.declared_type(flat) {
        Some(kind) => kind == "object",
        None => !files.property_names(flat).is_empty(),
    }
}

/// `Some(None)` when the list result is an array; `Some(Some(name))` when it is an object with
/// exactly one array property `name`; `None` otherwise.
fn list_shape(files: &Files, listed: &[Node<'_>]) -> Option<Option<String>> {
    let flat = files.flatten(listed);
    if files.declared_type(&flat) == Some("array") {
        return Some(None);
    }
    if !is_object(files, &flat) {
        return None;
    }
    let arrays: Vec<&str> = files
        .property_names(&flat)
        .into_iter()
        .filter(|name| {
            let property = files.flatten(&files.property(&flat, name));
            files.declared_type(&property) == Some("array")
        })
        .collect();
    match arrays.as_slice() {
        [one] => Some(Some((*one).to_owned())),
        _ => None,
    }
}

/// Which collection, and the values of its path's parameters (the account, a parent item).
type Scope = (usize, Vec<String>);

/// The items created so far, per collection and scope, in creation order; and the paths
/// deleted outside collections.
#[derive(Debug, Default)]
pub(crate) struct Items {
    /// `(identifier, item)` per scope.
    by_scope: HashMap<Scope, Vec<(String, Value)>>,
    created: u64,
    /// `(template, its parameter values)` of each path a `DELETE` answered.
    deleted: Vec<(Template, Vec<String>)>,
}

impl Items {
    /// A new identifier for a property of `schemas`: the count of identifiers made so far
    /// where it is a number; otherwise 32 hexadecimal digits, written as a UUID where the
    /// format says so, cut to `maxLength`. Unique in this emulator, the same sequence in every
    /// run.
    pub(crate) fn fresh_id(&mut self, files: &Files, schemas: &[Node<'_>]) -> Value {
        self.created += 1;
        let flat = files.flatten(schemas);
        if matches!(files.declared_type(&flat), Some("integer" | "number")) {
            return Value::from(self.created);
        }
        let hex = hex_id(&format!("emulator item {}", self.created));
        let uuid = flat
            .iter()
            .any(|node| node.get("format").and_then(Value::as_str) == Some("uuid"));
        let text = if uuid { as_uuid(&hex) } else { hex };
        let text = match flat.iter().filter_map(|node| node.count("maxLength")).min() {
            Some(max) => text.chars().take(max as usize).collect(),
            None => text,
        };
        Value::String(text)
    }

    pub(crate) fn insert(
        &mut self,
        collection: usize,
        scope: Vec<String>,
        id: String,
        item: Value,
    ) {
        self.by_scope
            .entry((collection, scope))
            .or_default()
            .push((id, item));
    }

    /// The item of identifier `id` in any collection and scope (identifiers are unique in an
    /// emulator): how the playback route finds the signing key a token names.
    pub(crate) fn find(&self, id: &str) -> Option<&Value> {
        self.by_scope
            .values()
            .flatten()
            .find(|(key, _)| key == id)
            .map(|(_, item)| item)
    }

    pub(crate) fn list(&self, collection: usize, scope: &[String]) -> Vec<&Value> {
        self.by_scope
            .get(&(collection, scope.to_vec()))
            .into_iter()
            .flatten()
            .map(|(_, item)| item)
            .collect()
    }

    pub(crate) fn get_mut(
        &mut self,
        collection: usize,
        scope: &[String],
        id: &str,
    ) -> Option<&mut Value> {
        self.by_scope
            .get_mut(&(collection, scope.to_vec()))?
            .iter_mut()
            .find(|(key, _)| key == id)
            .map(|(_, item)| item)
    }

    pub(crate) fn contains(&self, collection: usize, scope: &[String], id: &str) -> bool {
        self.by_scope
            .get(&(collection, scope.to_vec()))
            .is_some_and(|items| items.iter().any(|(key, _)| key == id))
    }

    /// Removes an item, and everything kept below it (`scope` + its id starts their scope).
    pub(crate) fn remove(&mut self, collection: usize, scope: &[String], id: &str) -> bool {
        let Some(items) = self.by_scope.get_mut(&(collection, scope.to_vec())) else {
            return false;
        };
        let before = items.len();
        items.retain(|(key, _)| key != id);
        if items.len() == before {
            return false;
        }
        let mut prefix = scope.to_vec();
        prefix.push(id.to_owned());
        self.by_scope
            .retain(|(_, nested), _| !nested.starts_with(&prefix));
        true
    }

    /// Remembers that the path of `template` with `values` was deleted.
    pub(crate) fn delete(&mut self, template: &Template, values: &[String]) {
        if self.deleted(template, values).is_none() {
            self.deleted.push((template.clone(), values.to_vec()));
        }
    }

    /// The deleted path that the path of `template` with `values` is, or lies below.
    pub(crate) fn deleted(&self, template: &Template, values: &[String]) -> Option<Template> {
        self.deleted
            .iter()
            .find(|(gone, given)| gone.contains(template) && values.starts_with(given))
            .map(|(gone, _)| gone.clone())
    }

    /// Forgets that the path of `template` with `values` was deleted: it exists again.
    pub(crate) fn undelete(&mut self, template: &Template, values: &[String]) {
        let shape = template.shape();
        self.deleted
            .retain(|(gone, given)| !(gone.shape() == shape && given == values));
    }

    /// How many items are kept, in every collection and scope.
    pub(crate) fn len(&self) -> usize {
        self.by_scope.values().map(Vec::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_are_kept_per_scope_and_removed_with_what_is_below_them() {
        let files = Files::from_docs(Vec::new());
        let mut items = Items::default();
        let text = |value: Value| value.as_str().map(str::to_owned).unwrap_or_default();
        let a = text(items.fresh_id(&files, &[]));
        let b = text(items.fresh_id(&files, &[]));
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        let account = vec!["acc".to_owned()];
        items.insert(0, account.clone(), a.clone(), json!({"uid": a}));
        items.insert(0, account.clone(), b.clone(), json!({"uid": b}));
        let below = vec!["acc".to_owned(), a.clone()];
        items.insert(1, below.clone(), "out".into(), json!({"uid": "out"}));
        assert_eq!(items.list(0, &account).len(), 2);
        assert!(items.list(0, &["other".to_owned()]).is_empty());
        assert!(items.contains(1, &below, "out"));
        assert!(items.get_mut(0, &account, &b).is_some());
        assert!(items.remove(0, &account, &a));
        assert!(!items.remove(0, &account, &a));
        assert!(!items.contains(1, &below, "out"));
        assert_eq!(items.len(), 1);
        // The same sequence in every emulator.
        let mut again = Items::default();
        assert_eq!(again.fresh_id(&files, &[]), json!(a));
    }

    #[test]
    fn fresh_identifiers_take_the_shape_their_schema_asks_for() {
        let doc = json!({"int": {"type": "integer"}, "uuid": {"type": "string", "format": "uuid"},
                         "short": {"type": "string", "maxLength": 8}});
        let files = Files::from_docs(vec![("a.yaml".into(), doc)]);
        let node = |name: &str| vec![Node::new(0, &files.docs[0].1[name])];
        let mut items = Items::default();
        assert_eq!(items.fresh_id(&files, &node("int")), json!(1));
        let uuid = items.fresh_id(&files, &node("uuid"));
        assert!(super::super::validate::formats::valid(
            "uuid",
            uuid.as_str().unwrap_or_default()
        ));
        assert_eq!(
            items
                .fresh_id(&files, &node("short"))
                .as_str()
                .map(str::len),
            Some(8)
        );
    }

    #[test]
    fn deleted_paths_hide_themselves_and_what_is_below_until_made_again() {
        let video = Template::parse("/accounts/{a}/stream/{id}");
        let audio = Template::parse("/accounts/{a}/stream/{id}/audio/{audio}");
        let values = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut items = Items::default();
        items.delete(&video, &values(&["acc", "v1"]));
        assert!(items.deleted(&video, &values(&["acc", "v1"])).is_some());
        assert!(
            items
                .deleted(&audio, &values(&["acc", "v1", "x"]))
                .is_some()
        );
        assert!(items.deleted(&video, &values(&["acc", "v2"])).is_none());
        assert!(
            items
                .deleted(&audio, &values(&["acc", "v2", "x"]))
                .is_none()
        );
        items.undelete(&video, &values(&["acc", "v1"]));
        assert!(
            items
                .deleted(&audio, &values(&["acc", "v1", "x"]))
                .is_none()
        );
    }
}
