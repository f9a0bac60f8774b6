//! What a request does to the items of a collection the spec describes: a creation stores the
//! created object, a list shows what is stored, a read, update or delete finds the item.

use serde_json::{Map, Value, json};

use super::{BASE, fill};
use crate::spec::Operation;
use crate::spec::Spec;
use crate::spec::collections::{Items, Role};
use crate::spec::schema::Node;
use crate::spec::synth::Synthesizer;
use crate::spec::validate::{Direction, Validator};

/// What one request does to a collection's items.
pub(super) struct Tracked<'a> {
    pub(super) spec: &'a Spec,
    pub(super) synthesizer: &'a Synthesizer<'a>,
    pub(super) op: &'a Operation,
    pub(super) collection: usize,
    pub(super) values: &'a [String],
}

impl Tracked<'_> {
    /// Applies the request, and shows its effect in `result` (the response's, when it has a
    /// JSON one); for a creation, the path of the new item (for `Location`).
    pub(super) fn apply(
        &self,
        items: &mut Items,
        role: Role,
        result: Option<&mut Value>,
        body: Option<&Value>,
    ) -> Option<String> {
        let mut none = Value::Null;
        let result = result.unwrap_or(&mut none);
        let collection = &self.spec.collections.list[self.collection];
        let n = collection.scope_len();
        let scope = self.values[..n.min(self.values.len())].to_vec();
        let schemas = self.op.result(&self.spec.files).unwrap_or_default();
        match role {
            Role::Create => {
                let mut item = match result.take() {
                    Value::Object(map) => map,
                    _ => Map::new(),
                };
                if let Some(body) = body {
                    self.overlay(&schemas, &mut item, body, &collection.id_field);
                }
                let flat = self.spec.files.flatten(&schemas);
                let id_schemas = self.spec.files.property(&flat, &collection.id_field);
                let id_value = items.fresh_id(&self.spec.files, &id_schemas);
                let id = match &id_value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                item.insert(collection.id_field.clone(), id_value);
                let item = Value::Object(item);
                *result = self.present(&schemas, &item);
                items.insert(self.collection, scope, id.clone(), item);
                let mut values = self.values[..n.min(self.values.len())].to_vec();
                values.push(id);
                return Some(format!("{BASE}{}", fill(&collection.item, &values)));
            }
            Role::List => {
                let flat = self.spec.files.flatten(&schemas);
                let item_schemas = match &collection.list_field {
                    None => self.spec.files.items(&flat),
                    Some(field) => {
                        let list = self.spec.files.property(&flat, field);
                        self.spec.files.items(&self.spec.files.flatten(&list))
                    }
                };
                let listed: Vec<Value> = items
                    .list(self.collection, &scope)
                    .into_iter()
                    .map(|item| self.present(&item_schemas, item))
                    .collect();
                match &collection.list_field {
                    None => *result = Value::Array(listed),
                    Some(field) => {
                        // `{liveInputs: [...], total}`: the total is what is listed.
                        if let Some(total) = result.get_mut("total").filter(|t| t.is_number()) {
                            *total = json!(listed.len());
                        }
                        if let Some(target) = result.get_mut(field.as_str()) {
                            *target = Value::Array(listed);
                        }
                    }
                }
            }
            Role::Get | Role::Update => {
                let id = self.values.get(n).cloned().unwrap_or_default();
                if let Some(stored) = items.get_mut(self.collection, &scope, &id) {
                    if role == Role::Update
                        && let (Some(body), Value::Object(map)) = (body, &mut *stored)
                    {
                        self.overlay(&schemas, map, body, &collection.id_field);
                    }
                    *result = self.present(&schemas, stored);
                }
            }
            Role::Delete => {
                let id = self.values.get(n).cloned().unwrap_or_default();
                items.remove(self.collection, &scope, &id);
            }
        }
        None
    }

    /// Copies the fields of a request body that the result declares, and that fit it.
    fn overlay(&self, schemas: &[Node<'_>], item: &mut Map<String, Value>, body: &Value, id: &str) {
        let Value::Object(fields) = body else { return };
        let files = &self.spec.files;
        let flat = files.flatten(schemas);
        let validator = Validator::new(files, &self.spec.patterns, Direction::Response);
        for (name, value) in fields {
            let property = files.property(&flat, name);
            if name != id && !property.is_empty() && validator.valid(&property, value) {
                item.insert(name.clone(), value.clone());
            }
        }
    }

    /// A stored item as `schemas` show it: their properties, from the item where it has a
    /// fitting value, written from the schema otherwise.
    fn present(&self, schemas: &[Node<'_>], item: &Value) -> Value {
        let files = &self.spec.files;
        let flat = files.flatten(schemas);
        let names = files.property_names(&flat);
        let Value::Object(stored) = item else {
            return item.clone();
        };
        if names.is_empty() {
            return item.clone();
        }
        let mut shown = match self.synthesizer.value(schemas, "") {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let validator = Validator::new(files, &self.spec.patterns, Direction::Response);
        for (name, value) in stored {
            let property = files.property(&flat, name);
            if !property.is_empty() && validator.valid(&property, value) {
                shown.insert(name.clone(), value.clone());
            }
        }
        Value::Object(shown)
    }
}
