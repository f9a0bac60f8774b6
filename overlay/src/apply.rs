//! One action applied to a document: the nodes its target selects, then the update merged into
//! each or each removed.

use serde_json::Value;

use crate::{Action, Change};

/// Applies `action` to `doc`; returns how many nodes it selected, or why it cannot apply.
pub(crate) fn action(action: &Action, doc: &mut Value) -> Result<usize, String> {
    // The locations first (the query borrows the document), as JSON pointers, each once: a
    // query may select one node twice (`$['a','a']`).
    let mut pointers: Vec<String> = Vec::new();
    for node in action.path.query_located(doc) {
        let pointer = node.location().to_json_pointer();
        if !pointers.contains(&pointer) {
            pointers.push(pointer);
        }
    }
    match &action.change {
        Change::Update(update) => {
            for pointer in &pointers {
                let Some(node) = doc.pointer_mut(pointer) else {
                    continue;
                };
                update_node(node, update, pointer)?;
            }
        }
        Change::Remove => {
            // Document order puts a parent before its children and an array's items in index
            // order: removing from the last backwards never moves a node still to be removed.
            for pointer in pointers.iter().rev() {
                remove_node(doc, pointer)?;
            }
        }
    }
    Ok(pointers.len())
}

fn update_node(node: &mut Value, update: &Value, pointer: &str) -> Result<(), String> {
    match node {
        Value::Object(_) => {
            if !update.is_object() {
                return Err(format!(
                    "selects an object at `{}`, and the update is {}: an object's update is an object of the properties to merge",
                    shown(pointer),
                    kind(update)
                ));
            }
            merge(node, update, pointer)
        }
        Value::Array(items) => {
            items.push(update.clone());
            Ok(())
        }
        other => Err(format!(
            "selects {} at `{}`: an update targets objects and arrays (select the object that holds it, and update that property)",
            kind(other),
            shown(pointer)
        )),
    }
}

/// Merges `update` into `target`, as Overlay 1.0 describes.
fn merge(target: &mut Value, update: &Value, pointer: &str) -> Result<(), String> {
    let (Value::Object(target), Value::Object(update)) = (target, update) else {
        return Ok(());
    };
    for (key, new) in update {
        let at = format!("{pointer}/{}", crate::escape(key));
        match target.get_mut(key) {
            None => {
                target.insert(key.clone(), new.clone());
            }
            Some(old @ Value::Object(_)) if new.is_object() => merge(old, new, &at)?,
            Some(Value::Array(old)) if new.is_array() => {
                old.extend(new.as_array().into_iter().flatten().cloned());
            }
            Some(old) if is_primitive(old) && is_primitive(new) => *old = new.clone(),
            Some(old) => {
                return Err(format!(
                    "cannot merge {} into {} at `{}`: remove it in an action before this one, then add it",
                    kind(new),
                    kind(old),
                    shown(&at)
                ));
            }
        }
    }
    Ok(())
}

fn remove_node(doc: &mut Value, pointer: &str) -> Result<(), String> {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return Err("selects the whole document, which cannot be removed".into());
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(object)) => {
            object.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
    Ok(())
}

fn is_primitive(value: &Value) -> bool {
    !value.is_object() && !value.is_array()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The pointer as errors show it: the document's root is `/`, not an empty string.
fn shown(pointer: &str) -> &str {
    if pointer.is_empty() { "/" } else { pointer }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Overlay;

    fn apply(
        actions: serde_json::Value,
        mut doc: serde_json::Value,
    ) -> Result<(serde_json::Value, Vec<usize>), String> {
        let overlay = Overlay::from_value(
            &json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions}),
            "o.yaml",
        )
        .map_err(|e| e.to_string())?;
        let counts = overlay.apply(&mut doc).map_err(|e| e.to_string())?;
        Ok((doc, counts))
    }

    #[test]
    fn an_update_merges_recursively_replacing_primitives_and_concatenating_arrays() {
        let doc = json!({"a": {"b": 1, "c": [1], "d": {"e": "x", "f": true}}});
        let (doc, counts) = apply(
            json!([{"target": "$.a", "update": {"b": 2, "c": [2], "d": {"e": "y"}, "g": null}}]),
            doc,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            doc,
            json!({"a": {"b": 2, "c": [1, 2], "d": {"e": "y", "f": true}, "g": null}})
        );
        assert_eq!(counts, [1]);
    }

    #[test]
    fn an_update_of_an_array_appends_and_every_selected_node_is_updated() {
        let doc = json!({"p": {"x": {"tags": []}, "y": {"tags": ["a"]}}});
        let (doc, counts) = apply(json!([{"target": "$.p.*.tags", "update": "new"}]), doc)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            doc,
            json!({"p": {"x": {"tags": ["new"]}, "y": {"tags": ["a", "new"]}}})
        );
        assert_eq!(counts, [2]);
    }

    #[test]
    fn remove_takes_nodes_out_of_objects_and_arrays_and_the_next_action_sees_it() {
        let doc = json!({"a": {"b": 1, "c": 2}, "l": [0, 1, 2, 3]});
        let (doc, counts) = apply(
            json!([
                {"target": "$.a.b", "remove": true},
                {"target": "$.l[1,3]", "remove": true},
                {"target": "$.a", "update": {"b": 5}}
            ]),
            doc,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc, json!({"a": {"c": 2, "b": 5}, "l": [0, 2]}));
        assert_eq!(counts, [1, 2, 1]);
    }

    #[test]
    fn a_target_that_selects_nothing_changes_nothing_and_says_zero() {
        let doc = json!({"a": 1});
        let (after, counts) = apply(json!([{"target": "$.nope", "remove": true}]), doc.clone())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(after, doc);
        assert_eq!(counts, [0]);
    }

    #[test]
    fn impossible_changes_are_errors_naming_the_action_and_the_node() {
        let doc = json!({"a": {"b": "text", "o": {}}});
        for (action, expected) in [
            (
                json!({"target": "$.a.b", "update": {"x": 1}}),
                "selects a string at `/a/b`",
            ),
            (
                json!({"target": "$.a", "update": 3}),
                "selects an object at `/a`, and the update is a number",
            ),
            (
                json!({"target": "$.a", "update": {"o": "flat"}}),
                "cannot merge a string into an object at `/a/o`",
            ),
            (
                json!({"target": "$", "remove": true}),
                "selects the whole document",
            ),
        ] {
            let error = apply(
                json!([{"target": "$.a", "update": {}}, action]),
                doc.clone(),
            )
            .err()
            .unwrap_or_else(|| panic!("applied"));
            assert!(error.starts_with("o.yaml#/actions/1: `"), "{error}");
            assert!(error.contains(expected), "{error}");
        }
    }

    #[test]
    fn keys_with_slashes_and_tildes_are_found_and_removed() {
        let doc = json!({"paths": {"/a/{id}": {"get": {}, "delete": {}}, "~b": {}}});
        let (doc, _) = apply(
            json!([
                {"target": "$.paths['/a/{id}'].delete", "remove": true},
                {"target": "$.paths['~b']", "remove": true}
            ]),
            doc,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc, json!({"paths": {"/a/{id}": {"get": {}}}}));
    }
}
