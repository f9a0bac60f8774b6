//! Every response `example` in `spec/` decodes into the type the SDK gives for it, with no value
//! falling back to an enum's `Unknown` variant: the examples and the generated types agree.

use std::fmt::Debug;
use std::path::Path;

use cloudflare_stream::{ApiMessage, Download, VideoDownloads};
use codegen::load::Spec;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes `result` as `T` and checks that nothing was unknown to the generated types.
fn decodes_as<T: DeserializeOwned + Debug>(result: &Value) -> Result<String, String> {
    let decoded: T = serde_json::from_value(result.clone()).map_err(|e| e.to_string())?;
    let shown = format!("{decoded:?}");
    if shown.contains("Unknown(") {
        return Err(format!("a value fell back to `Unknown`: {shown}"));
    }
    Ok(shown)
}

/// Checks one example of the response `status` of `operation_id`.
fn check(operation_id: &str, status: &str, example: &Value) -> Result<String, String> {
    if !status.starts_with('2') {
        assert_eq!(example["success"], Value::Bool(false), "failure envelope");
        return decodes_as::<Vec<ApiMessage>>(&example["errors"]);
    }
    assert_eq!(example["success"], Value::Bool(true), "success envelope");
    let result = &example["result"];
    match operation_id {
        "stream-downloads-list" | "stream-downloads-create-type" => {
            decodes_as::<VideoDownloads>(result)
        }
        "stream-downloads-create" => decodes_as::<Download>(result),
        "stream-downloads-delete" | "stream-downloads-delete-type" => decodes_as::<String>(result),
        other => panic!("`{other}` has an example but no decoder here: add one"),
    }
}

#[test]
fn every_response_example_decodes_into_its_type() {
    let spec = Spec::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("spec"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for (file_id, file) in spec.files.iter().enumerate() {
        for (path, item) in &file.doc.paths.paths {
            let item = item.as_item().expect("path items are written in place");
            for (_, operation) in item.iter() {
                let id = operation.operation_id.as_deref().expect("operationId");
                let at = spec.root(file_id).join("paths").join(path);
                for (status, response) in &operation.responses.responses {
                    let response = spec
                        .response(file_id, &at, response)
                        .unwrap_or_else(|e| panic!("{e}"));
                    for media in response.value.content.values() {
                        let Some(example) = &media.example else {
                            continue;
                        };
                        let status = status.to_string();
                        check(id, &status, example)
                            .unwrap_or_else(|e| panic!("{id} {status}: {e}"));
                        checked += 1;
                    }
                }
            }
        }
    }
    // Five operations, each with a success and a failure example.
    assert_eq!(checked, 10, "examples went missing from the spec");
}
