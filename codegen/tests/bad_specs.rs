//! Bad specs: each is refused with an error naming the file and the JSON pointer (or line) of the
//! problem, and none makes the generator panic.

use std::path::{Path, PathBuf};

use codegen::Error;
use codegen::load::Spec;

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

/// Generates from in-memory files and returns the error it must give.
fn error_of(files: &[(&str, &str)]) -> Error {
    let sources = files
        .iter()
        .map(|(name, text)| {
            (
                PathBuf::from(format!("spec/{name}")),
                format!("{HEAD}{text}"),
            )
        })
        .collect();
    match Spec::from_sources(sources).and_then(|spec| {
        codegen::Generator::default()
            .generate(&spec)
            .map(|g| g.source)
    }) {
        Ok(source) => panic!("expected an error, generated:\n{source}"),
        Err(error) => error,
    }
}

/// A spec with one operation whose 200 response has `schema` (YAML flow style).
fn with_response_schema(schema: &str) -> String {
    format!(
        "paths:\n  /accounts/{{account_id}}/things:\n    get:\n      parameters:\n        - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {schema}\n"
    )
}

#[test]
fn malformed_yaml_names_the_file_and_line() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad/malformed.yaml");
    let error = Spec::load_files(vec![path.clone()]).expect_err("malformed");
    let Error::Syntax { file, line, .. } = &error else {
        panic!("not a syntax error: {error:?}");
    };
    assert_eq!(file, &path);
    // The flow sequence opened on line 5 is still open at the end of the file, line 6.
    assert_eq!(*line, 6, "{error}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}: line 6, column 1:", path.display()))
    );
    assert!(
        error
            .to_string()
            .contains("while parsing a flow sequence at line 5"),
        "{error}"
    );
}

#[test]
fn a_key_given_twice_names_the_file_and_line_in_yaml_and_json() {
    // A second `Download:` schema would silently replace the first.
    let yaml = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Download:\n      type: object\n    Download:\n      type: string\n"
    );
    let error = Spec::from_sources(vec![(PathBuf::from("spec/twice.yaml"), yaml)])
        .expect_err("a key given twice");
    let Error::Syntax { file, line, .. } = &error else {
        panic!("not a syntax error: {error:?}");
    };
    assert_eq!(file, Path::new("spec/twice.yaml"));
    // The parser places it at the object holding the key (its path is in the message).
    assert!((6..=8).contains(line), "{error}");
    assert!(error.to_string().contains("components.schemas"), "{error}");
    assert!(
        error
            .to_string()
            .contains("the key `Download` is given twice"),
        "{error}"
    );

    let json = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"},\n\"paths\": {},\n\"paths\": {}}".to_owned();
    let error = Spec::from_sources(vec![(PathBuf::from("spec/twice.json"), json)])
        .expect_err("a key given twice");
    let Error::Syntax { line, .. } = &error else {
        panic!("not a syntax error: {error:?}");
    };
    assert_eq!(*line, 3, "{error}");
    assert!(
        error.to_string().contains("`paths` is given twice"),
        "{error}"
    );
}

#[test]
fn malformed_json_names_the_file_and_line() {
    let sources = vec![(
        PathBuf::from("spec/a.json"),
        "{\n  \"openapi\": 3,\n  ]".to_owned(),
    )];
    let error = Spec::from_sources(sources).expect_err("malformed");
    assert!(
        error
            .to_string()
            .starts_with("spec/a.json: line 3, column 3:"),
        "{error}"
    );
}

#[test]
fn a_dangling_ref_names_the_pointer_of_the_ref() {
    let error = error_of(&[(
        "a.yaml",
        &with_response_schema("{$ref: 'common.yaml#/components/schemas/Missing'}"),
    )]);
    assert_eq!(
        error.to_string(),
        "spec/a.yaml#/paths/~1accounts~1{account_id}~1things/get/responses/200/content/application~1json/schema/$ref: \
         `$ref` to `common.yaml#/components/schemas/Missing` does not resolve: no such file in the spec folder"
    );
}

#[test]
fn a_ref_to_a_missing_component_in_another_file() {
    let error = error_of(&[
        (
            "a.yaml",
            &with_response_schema("{$ref: 'b.yaml#/components/schemas/Missing'}"),
        ),
        (
            "b.yaml",
            "paths: {}\ncomponents: {schemas: {Here: {type: string}}}\n",
        ),
    ]);
    assert!(
        matches!(&error, Error::DanglingRef { reason, .. } if reason == "no such node"),
        "{error}"
    );
}

#[test]
fn unsupported_constructs_say_what_and_where() {
    let error = error_of(&[("a.yaml", &with_response_schema("{not: {type: string}}"))]);
    assert_eq!(
        error.to_string(),
        "spec/a.yaml#/paths/~1accounts~1{account_id}~1things/get/responses/200/content/application~1json/schema: \
         unsupported: `not` schemas have no Rust equivalent"
    );
    let error = error_of(&[(
        "a.yaml",
        &with_response_schema("{oneOf: [{type: string}], properties: {a: {type: string}}}"),
    )]);
    assert!(
        error
            .to_string()
            .contains("unsupported: `oneOf` beside properties"),
        "{error}"
    );
}

#[test]
fn a_lenient_generation_notes_what_it_approximated() {
    let sources = vec![(
        PathBuf::from("spec/a.yaml"),
        format!("{HEAD}{}", with_response_schema("{not: {type: string}}")),
    )];
    let spec = Spec::from_sources(sources).expect("loads");
    let generated = codegen::Generator::new(codegen::Options {
        lenient: true,
        ..codegen::Options::default()
    })
    .generate(&spec)
    .expect("a lenient generation succeeds");
    assert!(
        generated
            .source
            .contains("Request<serde_json::Value, ops::"),
        "{}",
        generated.source
    );
    let notes: Vec<String> = generated.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        [
            "spec/a.yaml#/paths/~1accounts~1{account_id}~1things/get/responses/200/content/application~1json/schema: \
          unsupported: `not` schemas have no Rust equivalent; generated as any JSON"
        ]
    );
}

#[test]
fn cookie_parameters_are_reported_not_dropped() {
    let text = "paths:\n  /accounts/{account_id}/things:\n    get:\n      parameters:\n        - {name: account_id, in: path, required: true, schema: {type: string}}\n        - {name: session, in: cookie, schema: {type: string}}\n      responses: {'200': {description: ok}}\n";
    let error = error_of(&[("a.yaml", text)]);
    assert_eq!(
        error.location().map(ToString::to_string).as_deref(),
        Some("spec/a.yaml#/paths/~1accounts~1{account_id}~1things/get/parameters/1")
    );
}

#[test]
fn duplicate_operation_ids_name_both_places() {
    let op = |path: &str| {
        format!(
            "  {path}:\n    get:\n      operationId: things-get\n      responses: {{'200': {{description: ok}}}}\n"
        )
    };
    let text = format!("paths:\n{}{}", op("/things"), op("/others"));
    let error = error_of(&[("a.yaml", &text)]);
    assert_eq!(
        error.to_string(),
        "spec/a.yaml#/paths/~1others/get/operationId: duplicate operationId `things-get`; \
         first defined at spec/a.yaml#/paths/~1things/get/operationId"
    );
}

#[test]
fn duplicate_operation_ids_across_files() {
    let op = "paths:\n  /things:\n    get:\n      operationId: same\n      responses: {'200': {description: ok}}\n";
    let other = op.replace("/things", "/others");
    let error = error_of(&[("a.yaml", op), ("b.yaml", &other)]);
    assert!(matches!(error, Error::Duplicate { .. }), "{error}");
    assert!(
        error.to_string().contains("spec/b.yaml#/paths/~1others"),
        "{error}"
    );
}

#[test]
fn a_node_of_the_wrong_shape_is_named() {
    let error = error_of(&[(
        "a.yaml",
        "paths:\n  /things:\n    get:\n      responses: 5\n",
    )]);
    let Error::Invalid { at, .. } = &error else {
        panic!("not an invalid-document error: {error:?}");
    };
    assert_eq!(at.to_string(), "spec/a.yaml#/paths/~1things/get/responses");
}

#[test]
fn path_parameters_must_match_the_template() {
    let undeclared =
        "paths:\n  /things/{id}:\n    get:\n      responses: {'200': {description: ok}}\n";
    let error = error_of(&[("a.yaml", undeclared)]);
    assert!(
        error
            .to_string()
            .contains("path parameter `id` is used in the path but not declared"),
        "{error}"
    );
    let unused = "paths:\n  /things:\n    get:\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses: {'200': {description: ok}}\n";
    let error = error_of(&[("a.yaml", unused)]);
    assert!(
        error.to_string().contains("declared but not used"),
        "{error}"
    );
}

#[test]
fn remote_and_outside_refs_are_refused() {
    for reference in [
        "https://example.com/s.yaml#/x",
        "../secret.yaml#/x",
        "/etc/passwd#/x",
    ] {
        let error = error_of(&[(
            "a.yaml",
            &with_response_schema(&format!("{{$ref: '{reference}'}}")),
        )]);
        assert!(
            matches!(error, Error::DanglingRef { .. }),
            "{reference}: {error}"
        );
    }
}

#[test]
fn an_empty_folder_is_an_error() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("empty-spec");
    std::fs::create_dir_all(&dir).expect("create");
    let error = codegen::Generator::default()
        .generate_dir(&dir)
        .map(|g| g.source)
        .expect_err("empty");
    assert!(matches!(error, Error::NoSpecFiles { .. }), "{error}");
    let error = codegen::Generator::default()
        .generate_dir(&dir.join("missing"))
        .map(|g| g.source)
        .expect_err("missing");
    assert!(matches!(error, Error::Io { .. }), "{error}");
}

/// One route written twice, under two parameter names, with one operationId: Cloudflare's
/// schema published it so for two months.
fn route_written_twice() -> String {
    let op = |param: &str| {
        format!(
            "  /accounts/{{account_id}}/stream/{{{param}}}/captions:\n    get:\n      operationId: captions-list\n      parameters:\n        - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n        - {{name: {param}, in: path, required: true, schema: {{type: string}}}}\n      responses: {{'200': {{description: ok}}}}\n"
        )
    };
    format!("paths:\n{}{}", op("identifier"), op("video_identifier"))
}

#[test]
fn a_route_written_twice_is_refused_strictly() {
    let error = error_of(&[("a.yaml", &route_written_twice())]);
    assert_eq!(
        error.to_string(),
        "spec/a.yaml#/paths/~1accounts~1{account_id}~1stream~1{video_identifier}~1captions/get: \
         duplicate route `GET /accounts/{}/stream/{}/captions`; first defined at \
         spec/a.yaml#/paths/~1accounts~1{account_id}~1stream~1{identifier}~1captions/get"
    );
}

#[test]
fn leniently_a_route_written_twice_is_generated_once_with_a_note() {
    let source = (
        PathBuf::from("spec/a.yaml"),
        format!("{HEAD}{}", route_written_twice()),
    );
    let spec = Spec::from_sources(vec![source]).unwrap_or_else(|e| panic!("{e}"));
    let options = codegen::Options {
        lenient: true,
        ..codegen::Options::default()
    };
    let generated = codegen::Generator::new(options)
        .generate(&spec)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.source.matches("pub fn get(").count(), 1);
    assert!(
        generated.source.contains("identifier: &str"),
        "{}",
        generated.source
    );
    let [note] = &generated.notes[..] else {
        panic!("{:?}", generated.notes);
    };
    let text = note.to_string();
    assert!(
        text.contains("{video_identifier}~1captions/get: duplicate route"),
        "{text}"
    );
    assert!(text.ends_with("only the first is generated"), "{text}");
    assert_eq!(
        note.location().map(|at| at.pointer.as_str()),
        Some("/paths/~1accounts~1{account_id}~1stream~1{video_identifier}~1captions/get")
    );
}

#[test]
fn leniently_a_duplicate_operation_id_is_a_note() {
    let op = |path: &str| {
        format!(
            "  {path}:\n    get:\n      operationId: things-get\n      responses: {{'200': {{description: ok}}}}\n"
        )
    };
    let text = format!("{HEAD}paths:\n{}{}", op("/things"), op("/others"));
    let spec = Spec::from_sources(vec![(PathBuf::from("spec/a.yaml"), text)])
        .unwrap_or_else(|e| panic!("{e}"));
    let options = codegen::Options {
        lenient: true,
        ..codegen::Options::default()
    };
    let generated = codegen::Generator::new(options)
        .generate(&spec)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        generated.source.contains("pub mod things"),
        "{}",
        generated.source
    );
    assert!(
        generated.source.contains("pub mod others"),
        "{}",
        generated.source
    );
    assert_eq!(generated.notes.len(), 1, "{:?}", generated.notes);
    assert!(
        generated.notes[0]
            .to_string()
            .contains("both are generated")
    );
}
