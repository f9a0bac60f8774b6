//! Every response `example` in `spec/` decodes into the type the SDK gives for it, declares no
//! property that type does not have, and uses no enum value the type does not know: the
//! examples and the generated types agree. The examples come from the spec at build time
//! (`build.rs`, through `codegen::examples`): a new example or operation needs no edit here.

use serde_json::Value;

mod table {
    include!(concat!(env!("OUT_DIR"), "/examples.rs"));
}

/// The properties of `example` that `written` (the example decoded, then written again) does
/// not have: what the type does not declare. A property that is `null` in the example may be
/// left out when written (absent and `null` are the same to the SDK).
fn undeclared(example: &Value, written: &Value, pointer: &str, out: &mut Vec<String>) {
    match (example, written) {
        (Value::Object(example), Value::Object(written)) => {
            for (key, value) in example {
                let at = format!("{pointer}/{key}");
                match written.get(key) {
                    Some(inner) => undeclared(value, inner, &at, out),
                    None if value.is_null() => {}
                    None => out.push(at),
                }
            }
        }
        (Value::Array(example), Value::Array(written)) => {
            for (i, (value, inner)) in example.iter().zip(written).enumerate() {
                undeclared(value, inner, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_response_example_decodes_into_its_type_and_declares_nothing_more() {
    assert!(
        !table::EXAMPLES.is_empty(),
        "the spec has no response example"
    );
    let mut failures = Vec::new();
    for example in table::EXAMPLES {
        let value: Value = serde_json::from_str(example.json).expect("JSON from the spec");
        let success = example.status.starts_with('2');
        if value.get("success").is_some() {
            assert_eq!(
                value["success"],
                Value::Bool(success),
                "{}: success",
                example.at
            );
        }
        let part = match (success, value.get("result")) {
            (true, Some(result)) => result.clone(),
            (true, None) => value.clone(),
            (false, _) => value["errors"].clone(),
        };
        match (example.decode)(&value) {
            Err(error) => failures.push(format!("{}: does not decode: {error}", example.at)),
            Ok((_, shown)) if shown.contains("Unknown(") => failures.push(format!(
                "{}: a value fell back to an enum's `Unknown`: {shown}",
                example.at
            )),
            Ok((written, _)) => {
                let mut extra = Vec::new();
                undeclared(&part, &written, "", &mut extra);
                if !extra.is_empty() {
                    failures.push(format!(
                        "{} ({} {}): properties its type does not declare: {extra:?}",
                        example.at, example.operation, example.status
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_property_the_type_does_not_declare_is_found() {
    let example =
        serde_json::json!({"url": "u", "uri": "v", "gone": null, "list": [{"a": 1, "b": 2}]});
    let written = serde_json::json!({"url": "u", "list": [{"a": 1}]});
    let mut extra = Vec::new();
    undeclared(&example, &written, "", &mut extra);
    assert_eq!(extra, ["/uri", "/list/0/b"]);
}
