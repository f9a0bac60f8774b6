//! Pathological specs: each generates within bounded time, or is refused with a clear error
//! naming the file and JSON pointer. `$ref` cycles, very deep nesting, huge enums and objects,
//! a 50 MB spec, `allOf` that doubles at every level, YAML alias bombs, and `$ref`s that try
//! to leave the spec folder.
//!
//! How the work is bounded, by construction: `$ref` chains stop after 64 links; schemas nest
//! at most 128 deep in the model (and JSON or YAML at most 128 deep in the parsers); each
//! component is built once (a schema met again while it is being built is a cycle, and
//! becomes a boxed field, a one-variant enum or any JSON); an `allOf` merges at most 10,000
//! schemas; names, enum values and properties are deduplicated with hash sets. Every case here
//! also runs on a thread with a time limit, so a regression shows as a failure, not a hang.
//!
//! Two of these were findings, fixed in the loader: an invalid schema nested deep took time
//! exponential in its depth to be refused (`invalid_schemas_nested_deep_are_refused_quickly`),
//! and YAML flow nesting took time in the square of its depth
//! (`yaml_nesting_a_million_deep_is_refused_quickly`).

mod hardening;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use codegen::Error;
use hardening::{Output, Run, bounded, generate_both, problems};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

/// One JSON spec file whose single operation returns `response` and whose components are
/// `schemas` (JSON object text).
fn spec(response: &str, schemas: &str) -> Vec<(PathBuf, String)> {
    let text = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}},
        "paths": {{"/accounts/{{account_id}}/things": {{"get": {{
            "parameters": [{{"name": "account_id", "in": "path", "required": true, "schema": {{"type": "string"}}}}],
            "responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {response}}}}}}}}}
        }}}}}},
        "components": {{"schemas": {schemas}}}}}"#
    );
    vec![(PathBuf::from("spec/a.json"), text)]
}

fn reference(name: &str) -> String {
    format!(r##"{{"$ref": "#/components/schemas/{name}"}}"##)
}

/// Generates `files` (strictly and leniently) within `limit`, checking the result as the
/// property tests do; returns the run.
fn generate_within(limit: Duration, files: Vec<(PathBuf, String)>) -> Run {
    let started = Instant::now();
    let run = generate_both(&files).unwrap_or_else(|e| panic!("{e}"));
    let elapsed = started.elapsed();
    assert!(elapsed < limit, "took {elapsed:?}, more than {limit:?}");
    let found = problems(&run, &files, false);
    assert!(found.is_empty(), "{}", found.join("\n"));
    run
}

fn strict(run: &Run) -> Result<&Output, &Error> {
    match run {
        Run::Generated { strict, .. } => strict.as_ref(),
        Run::NotLoaded(error) => Err(error),
    }
}

fn lenient(run: &Run) -> Result<&Output, &Error> {
    match run {
        Run::Generated { lenient, .. } => lenient.as_ref(),
        Run::NotLoaded(error) => Err(error),
    }
}

fn source<'a>(generation: Result<&'a Output, &'a Error>) -> &'a str {
    match generation {
        Ok(output) => &output.source,
        Err(error) => panic!("expected a generation, got: {error}"),
    }
}

fn error<'a>(generation: Result<&'a Output, &'a Error>) -> &'a Error {
    match generation {
        Ok(output) => panic!("expected an error, generated:\n{}", output.source),
        Err(error) => error,
    }
}

/// `text` with runs of white space made single spaces, to match code regardless of layout.
/// `text` on one line, whitespace collapsed, without doc comments: the tests that use it check
/// shapes, not what the docs say.
fn flat(text: &str) -> String {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("///"))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

const SECONDS: fn(u64) -> Duration = Duration::from_secs;

#[test]
fn a_struct_that_contains_itself_is_boxed() {
    let schemas = r##"{"Node": {"type": "object", "properties": {
        "value": {"type": "string"}, "next": {"$ref": "#/components/schemas/Node"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("Node"), schemas));
    let code = flat(source(strict(&run)));
    assert!(code.contains("pub next: Option<Box<Node>>"), "{code}");
    assert!(code.contains("pub children: Option<Vec<Node>>"), "{code}");
}

#[test]
fn an_array_that_contains_itself_is_an_enum_not_a_recursive_alias() {
    // `type Tree = Vec<Tree>;` does not compile: Rust expands aliases eagerly.
    let schemas = r##"{"Tree": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
        "Dict": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Dict"}},
        "Both": {"type": "object", "properties": {"tree": {"$ref": "#/components/schemas/Tree"},
                                                  "dict": {"$ref": "#/components/schemas/Dict"}}}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("Both"), schemas));
    let code = flat(source(strict(&run)));
    assert!(
        code.contains("pub enum Tree { TreeList(Vec<Tree>), }"),
        "{code}"
    );
    assert!(
        code.contains("pub enum Dict { DictMap(std::collections::BTreeMap<String, Dict>), }"),
        "{code}"
    );
    assert!(!code.contains("type Tree ="), "{code}");
}

#[test]
fn a_schema_that_is_only_itself_is_any_json() {
    // `A = allOf [A]`, and a ring `B = oneOf [C]`, `C = allOf [B]`: nothing constrains them.
    let schemas = r##"{"A": {"allOf": [{"$ref": "#/components/schemas/A"}]},
        "B": {"oneOf": [{"$ref": "#/components/schemas/C"}]},
        "C": {"allOf": [{"$ref": "#/components/schemas/B"}]},
        "S": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"},
                                               "b": {"$ref": "#/components/schemas/B"}}}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("S"), schemas));
    let code = flat(source(strict(&run)));
    assert!(code.contains("pub type A = serde_json::Value;"), "{code}");
    assert!(code.contains("pub a: Option<A>"), "{code}");
    // Before: `pub a: Option<A>` with no `A` defined anywhere.
}

#[test]
fn an_inline_schema_that_a_merge_brings_back_inside_itself_is_a_cycle() {
    // Found by the fuzzer: `T.type.type = allOf [object, T]` merges `T`'s properties, whose
    // inline `type` holds this very `allOf` again. Inline schemas were not tracked, so each
    // round built new structs until the depth limit refused a valid spec.
    let schemas = r##"{"T": {"type": "object", "properties": {"type": {"type": "object",
        "properties": {"type": {"allOf": [{"type": "object", "properties": {"x": {"type": "string"}}},
        {"$ref": "#/components/schemas/T"}]}}}}}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("T"), schemas));
    let code = flat(source(strict(&run)));
    assert!(code.contains("pub struct T {"), "{code}");
    assert!(code.contains("Box<"), "the cycle is boxed: {code}");
    assert!(
        !code.contains("TTypeTypeTypeType"),
        "built round and round: {code}"
    );
}

#[test]
fn an_all_of_that_includes_itself_merges_its_other_members() {
    let schemas = r##"{"A": {"allOf": [{"$ref": "#/components/schemas/A"},
        {"type": "object", "properties": {"x": {"type": "string"}}}]}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("A"), schemas));
    let code = flat(source(strict(&run)));
    assert!(code.contains("pub struct A { #[serde(default, skip_serializing_if = \"Option::is_none\")] pub x: Option<String>, }"), "{code}");
}

#[test]
fn a_union_that_is_its_own_member_drops_it() {
    // `U = U | string` is `string`; kept, decoding would try `U` inside `U` for ever.
    let schemas = r##"{"U": {"oneOf": [{"$ref": "#/components/schemas/U"}, {"type": "string"}, {"type": "integer"}]},
        "W": {"oneOf": [{"anyOf": [{"type": "boolean"}, {"$ref": "#/components/schemas/W"}]}]}}"##;
    let response = r##"{"type": "object", "properties": {"u": {"$ref": "#/components/schemas/U"}, "w": {"$ref": "#/components/schemas/W"}}}"##;
    let run = generate_within(SECONDS(10), spec(response, schemas));
    let code = flat(source(strict(&run)));
    assert!(
        code.contains("pub enum U { String(String), Integer(i64), }"),
        "{code}"
    );
    assert!(code.contains("pub enum W { Boolean(bool), }"), "{code}");
}

#[test]
fn a_struct_and_a_union_that_hold_each_other_are_boxed() {
    // Before: `struct S { x: Option<U> }` and `enum U { S(S), .. }`, of infinite size.
    let schemas = r##"{"U": {"oneOf": [{"$ref": "#/components/schemas/S"}, {"type": "string"}]},
        "S": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/U"}}}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("U"), schemas));
    let code = flat(source(strict(&run)));
    assert!(
        code.contains("S(Box<S>)") || code.contains("pub x: Option<Box<U>>"),
        "{code}"
    );
}

#[test]
fn unions_that_hold_each_other_are_refused_strictly_and_any_json_leniently() {
    let schemas = r##"{"U": {"oneOf": [{"$ref": "#/components/schemas/V"}, {"type": "string"}]},
        "V": {"oneOf": [{"$ref": "#/components/schemas/U"}, {"type": "integer"}]}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("U"), schemas));
    let strict_error = error(strict(&run));
    assert_eq!(
        strict_error.to_string(),
        "spec/a.json#/components/schemas/V/oneOf/0: unsupported: a `oneOf` member that is, \
         through `U`, the union itself, with no object or array in between"
    );
    let code = flat(source(lenient(&run)));
    assert!(
        code.contains("pub enum V { Json(serde_json::Value), Integer(i64), }"),
        "{code}"
    );
}

#[test]
fn a_ring_of_refs_is_refused_with_its_place() {
    let schemas =
        r##"{"A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("A"), schemas));
    let error = error(strict(&run));
    assert!(
        error.to_string().starts_with(
            "spec/a.json#/paths/~1accounts~1{account_id}~1things/get/responses/200/content/application~1json/schema: \
             unsupported: more than 64 chained `$ref`s"
        ),
        "{error}"
    );
}

#[test]
fn all_of_that_doubles_at_every_level_is_refused_quickly() {
    // L0 = L1 and L1, L1 = L2 and L2, ...: 2^24 merges if nothing stopped it (this hung).
    let mut schemas = Vec::new();
    for i in 0..24 {
        let next = reference(&format!("L{}", i + 1));
        schemas.push(format!(r#""L{i}": {{"allOf": [{next}, {next}]}}"#));
    }
    schemas.push(r#""L24": {"type": "object", "properties": {"x": {"type": "string"}}}"#.into());
    let run = generate_within(
        SECONDS(10),
        spec(&reference("L0"), &format!("{{{}}}", schemas.join(","))),
    );
    let error = error(strict(&run));
    assert!(
        error
            .to_string()
            .contains("`allOf` that merges more than 10000 schemas"),
        "{error}"
    );
    assert!(error.location().is_some());
}

#[test]
fn deep_nesting_is_refused_by_the_parsers_not_the_stack() {
    let deep = 100_000;
    let json = format!("{}{}", "[".repeat(deep), "]".repeat(deep));
    let flow = format!("a: {}{}", "[".repeat(deep), "]".repeat(deep));
    // Block sequences, one per `- `, on one line.
    let block = format!("a:\n{}x\n", "- ".repeat(deep));
    let cases = [
        ("spec/a.json", json, "recursion limit"),
        ("spec/a.yaml", flow, "nested more than 128 deep"),
        ("spec/b.yaml", block, "recursion limit"),
    ];
    for (name, text, message) in cases {
        let files = vec![(PathBuf::from(name), text)];
        let run = generate_within(SECONDS(10), files);
        let Run::NotLoaded(error) = &run else {
            panic!("{name}: loaded");
        };
        assert!(matches!(error, Error::Syntax { .. }), "{name}: {error}");
        assert!(error.to_string().contains(message), "{name}: {error}");
    }
}

/// libyaml (under yaml_serde) checks every open flow level for each token, so `[[[[...` takes
/// time in the square of its depth before the recursion limit (128) is reached: 0.5 s at
/// 10,000 deep, minutes at a million (a 2 MB file). The fix belongs in `load.rs`: refuse YAML
/// whose bracket nesting exceeds the limit with one linear scan before parsing.
#[test]
fn yaml_nesting_a_million_deep_is_refused_quickly() {
    let depth = 1_000_000;
    let yaml = format!("a: {}{}", "[".repeat(depth), "]".repeat(depth));
    let run = generate_within(SECONDS(5), vec![(PathBuf::from("spec/a.yaml"), yaml)]);
    assert!(
        matches!(run, Run::NotLoaded(Error::Syntax { .. })),
        "{run:?}"
    );
}

/// openapiv3's schemas deserialise through untagged enums and flattened fields: when a node
/// fails, every variant of its parent is tried again over the whole subtree, so a schema
/// nested `d` deep with an invalid node at the bottom takes time in 2^d (0.1 s at 10, 4 s at
/// 16 in a debug build; the fuzzer found a 30-deep one that ran for hours). Valid specs load in
/// linear time. The fix belongs in `load.rs`: deserialise schema nodes bottom-up (deepest
/// first, each once), so the first invalid node is reported where it stands and no parent of
/// it is tried; that also names the exact pointer instead of the top of the schema.
#[test]
fn invalid_schemas_nested_deep_are_refused_quickly() {
    let mut schema = "null".to_owned();
    for _ in 0..40 {
        schema = format!(r#"{{"type": "object", "properties": {{"inner": {schema}}}}}"#);
    }
    let run = generate_within(
        SECONDS(5),
        spec(&reference("A"), &format!(r#"{{"A": {schema}}}"#)),
    );
    let Run::NotLoaded(error) = &run else {
        panic!("loaded: {run:?}");
    };
    assert!(
        error.to_string().contains(&"/properties/inner".repeat(40)),
        "{error}"
    );
}

#[test]
fn deeply_nested_schemas_generate_up_to_the_limit_and_are_refused_past_it() {
    // A chain of components, each an object holding the next: the model nests one level per
    // link (inline nesting is stopped earlier, by the parsers' own limit of 128).
    let chain = |links: usize| {
        let mut schemas = Vec::new();
        for i in 0..links {
            let next = reference(&format!("C{}", i + 1));
            schemas.push(format!(
                r#""C{i}": {{"type": "object", "properties": {{"next": {next}}}}}"#
            ));
        }
        schemas.push(format!(r#""C{links}": {{"type": "string"}}"#));
        spec(&reference("C0"), &format!("{{{}}}", schemas.join(",")))
    };
    // On the test's 2 MiB thread: the limit keeps well within the stack.
    let run = generate_within(SECONDS(20), chain(120));
    assert!(source(strict(&run)).contains("pub struct C119"));
    let run = generate_within(SECONDS(20), chain(1_000));
    let error = error(strict(&run));
    assert!(
        error
            .to_string()
            .contains("schemas nested more than 128 deep"),
        "{error}"
    );
    // A chain of arrays is one type, `Vec<Vec<...>>`, 120 deep: printed and parsed on the
    // caller's thread.
    let mut schemas = Vec::new();
    for i in 0..120 {
        let next = reference(&format!("A{}", i + 1));
        schemas.push(format!(r#""A{i}": {{"type": "array", "items": {next}}}"#));
    }
    schemas.push(r#""A120": {"type": "string"}"#.to_owned());
    let run = generate_within(
        SECONDS(20),
        spec(&reference("A0"), &format!("{{{}}}", schemas.join(","))),
    );
    let code = source(strict(&run));
    assert!(code.matches("Vec<").count() >= 120, "{code}");
}

#[test]
fn huge_enums_objects_and_unions_take_linear_time() {
    // `HUGE_SCALE` multiplies the sizes (to see how the time grows).
    let scale: usize = std::env::var("HUGE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let (plain, colliding, fields, options) =
        (10_000 * scale, 3_000 * scale, 3_000 * scale, 600 * scale);
    // Enum values of which `colliding` are the same after case conversion (`a`, `a_`, `a__`,
    // `a-`, ... are all `A`: numbered `A`, `A2`, ...); an object of `fields` properties; a
    // union of `options` members.
    let values: Vec<String> = (0..plain)
        .map(|i| format!("\"v{i}\""))
        .chain((0..colliding).map(|i| format!("\"a{}{}\"", "_".repeat(i % 50), "-".repeat(i / 50))))
        .collect();
    let properties: Vec<String> = (0..fields)
        .map(|i| format!(r#""p{i}": {{"type": "integer"}}"#))
        .collect();
    let members: Vec<String> = (0..options)
        .map(|i| format!(r#"{{"type": "object", "properties": {{"m{i}": {{"type": "string"}}}}}}"#))
        .collect();
    let schemas = format!(
        r#"{{"E": {{"type": "string", "enum": [{}]}},
            "O": {{"type": "object", "properties": {{{}}}}},
            "U": {{"oneOf": [{}]}},
            "All": {{"type": "object", "properties": {{"e": {}, "o": {}, "u": {}}}}}}}"#,
        values.join(","),
        properties.join(","),
        members.join(","),
        reference("E"),
        reference("O"),
        reference("U"),
    );
    let started = Instant::now();
    let run = generate_within(SECONDS(60), spec(&reference("All"), &schemas));
    let elapsed = started.elapsed();
    let code = source(strict(&run));
    assert!(
        code.contains(&format!("V{},", plain - 1)),
        "the last plain value"
    );
    assert!(
        code.contains(&format!("A{colliding},")),
        "the last colliding value, numbered"
    );
    assert!(code.contains(&format!("pub p{}: Option<i64>,", fields - 1)));
    assert!(code.contains(&format!("UOption{options}(UOption{options})")));
    // The quadratic deduplication and numbering this replaced took minutes here.
    eprintln!("huge enum, object and union (scale {scale}): {elapsed:?}");
}

/// About 50 MB of spec: 25,000 schemas of a dozen properties each with long descriptions,
/// and 2,000 operations using them.
fn fifty_megabytes() -> Vec<(PathBuf, String)> {
    let description = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(2);
    let mut schemas = Vec::new();
    for i in 0..25_000 {
        let mut properties = Vec::new();
        for p in 0..12 {
            properties.push(format!(
                r#""field{p}": {{"type": "string", "description": "{description}{i} {p}", "maxLength": 64}}"#
            ));
        }
        if i > 0 {
            properties.push(format!(
                r#""previous": {}"#,
                reference(&format!("S{}", i - 1))
            ));
        }
        schemas.push(format!(
            r#""S{i}": {{"type": "object", "description": "{description}", "properties": {{{}}}}}"#,
            properties.join(",")
        ));
    }
    let mut paths = Vec::new();
    for i in 0..2_000 {
        paths.push(format!(
            r#""/accounts/{{account_id}}/r{i}/{{id}}": {{"get": {{
                "parameters": [{{"name": "account_id", "in": "path", "required": true, "schema": {{"type": "string"}}}},
                               {{"name": "id", "in": "path", "required": true, "schema": {{"type": "string"}}}}],
                "responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {}}}}}}}}}}}}}"#,
            reference(&format!("S{}", i * 12))
        ));
    }
    let text = format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "big", "version": "1"}}, "paths": {{{}}}, "components": {{"schemas": {{{}}}}}}}"#,
        paths.join(","),
        schemas.join(",")
    );
    vec![(PathBuf::from("spec/big.json"), text)]
}

#[test]
#[ignore = "slow in a debug build (about a minute); run with --release --ignored"]
fn a_fifty_megabyte_spec_generates() {
    let files = fifty_megabytes();
    let size = files[0].1.len();
    assert!(size > 50_000_000, "{size} bytes");
    let started = Instant::now();
    let run = bounded(SECONDS(600), move || {
        let spec = codegen::load::Spec::from_sources(files)?;
        codegen::Generator::default()
            .generate(&spec)
            .map(|g| g.source)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let source = run.unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "{:.1} MB of spec -> {:.1} MB of Rust in {:?}",
        size as f64 / 1e6,
        source.len() as f64 / 1e6,
        started.elapsed()
    );
    assert!(source.contains("pub struct S23988"));
}

#[test]
fn yaml_alias_bombs_are_refused() {
    // Each level repeats the one before nine times: 9^9 nodes if expanded.
    let mut text =
        String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx0: &x0 [lol]\n");
    for i in 1..10 {
        let previous = format!("*x{}", i - 1);
        text.push_str(&format!("x{i}: &x{i} [{}]\n", vec![previous; 9].join(", ")));
    }
    let run = generate_within(SECONDS(10), vec![(PathBuf::from("spec/a.yaml"), text)]);
    let Run::NotLoaded(error) = &run else {
        panic!("loaded an alias bomb");
    };
    assert!(matches!(error, Error::Syntax { .. }), "{error}");
    assert!(error.to_string().contains("repetition limit"), "{error}");
}

#[test]
fn refs_never_leave_the_spec_folder() {
    // A real file beside the spec folder: a `$ref` to it is refused, whatever its spelling;
    // the loader only ever matches references against the files it was given.
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("outside-refs");
    let spec_dir = root.join("spec");
    std::fs::create_dir_all(&spec_dir).expect("create");
    let secret = root.join("secret.yaml");
    std::fs::write(
        &secret,
        format!("{HEAD}paths: {{}}\ncomponents: {{schemas: {{S: {{type: string}}}}}}\n"),
    )
    .expect("write");
    let absolute = secret.display().to_string();
    for reference in [
        "../secret.yaml#/components/schemas/S".to_owned(),
        "./../secret.yaml#/components/schemas/S".to_owned(),
        "..\\secret.yaml#/components/schemas/S".to_owned(),
        format!("{absolute}#/components/schemas/S"),
        format!("file://{absolute}#/components/schemas/S"),
        "https://example.com/secret.yaml#/components/schemas/S".to_owned(),
        "secret.yaml#/components/schemas/S".to_owned(),
        "%2e%2e/secret.yaml#/components/schemas/S".to_owned(),
    ] {
        let text =
            format!("{HEAD}paths: {{}}\ncomponents: {{schemas: {{A: {{$ref: '{reference}'}}}}}}\n");
        std::fs::write(spec_dir.join("a.yaml"), text).expect("write");
        let error = codegen::Generator::default()
            .generate_dir(&spec_dir)
            .map(|g| g.source)
            .expect_err(&reference);
        let Error::DanglingRef { at, reason, .. } = &error else {
            panic!("{reference}: {error}");
        };
        assert_eq!(
            at.to_string(),
            format!(
                "{}#/components/schemas/A/$ref",
                spec_dir.join("a.yaml").display()
            )
        );
        assert!(
            reason.contains("same spec folder")
                || reason.contains("remote references")
                || reason.contains("no such file in the spec folder"),
            "{reference}: {reason}"
        );
    }
}

// Regressions for what the property tests found in names and documentation.

/// A spec (YAML) with the given paths, each a `get` returning `response`.
fn with_paths(paths: &[&str], response: &str, schemas: &str) -> Vec<(PathBuf, String)> {
    let mut text = format!("{HEAD}paths:\n");
    for path in paths {
        text.push_str(&format!(
            "  '{path}':\n    get:\n      parameters:\n        - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {response}\n"
        ));
    }
    text.push_str(&format!("components:\n  schemas:\n{schemas}"));
    vec![(PathBuf::from("spec/a.yaml"), text)]
}

#[test]
fn descriptions_that_a_doc_comment_cannot_hold_are_cleaned() {
    // A bare carriage return ends a doc comment for rustc ("bare CR not allowed"), and the
    // direction overrides are denied in comments: both made the output unusable. A path
    // template goes into method docs too.
    let schemas = "    Note: {type: object, description: \"first\\rsecond \\u202Eevil\", properties: {a: {type: string, description: \"x\\r\\ny\\rz\"}}}\n";
    let run = generate_within(
        SECONDS(10),
        with_paths(
            &[
                "/accounts/{account_id}/notes",
                "/accounts/{account_id}/no\u{202E}tes",
            ],
            "{$ref: '#/components/schemas/Note'}",
            schemas,
        ),
    );
    let code = source(strict(&run));
    assert!(
        !code.contains('\r') && !code.contains('\u{202e}'),
        "{code:?}"
    );
    assert!(code.contains("/// first\n    /// second evil"), "{code}");
    assert!(hardening::check::source(code).is_empty());
}

#[test]
fn root_resources_that_collide_after_case_conversion_get_distinct_handles() {
    // `/x` and `/X` were modules `x` and `x_2` but both handles `X`, re-exported at the root.
    let run = generate_within(
        SECONDS(10),
        with_paths(
            &["/accounts/{account_id}/x", "/accounts/{account_id}/X"],
            "{type: string}",
            "    {}\n",
        ),
    );
    let code = flat(source(strict(&run)));
    assert!(
        code.contains("pub use x::X;") && code.contains("pub use x_2::X2;"),
        "{code}"
    );
}

#[test]
fn a_handle_and_a_model_of_the_same_name_live_together() {
    // `stream.downloads` returning the component `Downloads`: the module must not import the
    // model beside its handle `Downloads`; the model is written qualified there.
    let run = generate_within(
        SECONDS(10),
        with_paths(
            &["/accounts/{account_id}/stream/downloads"],
            "{$ref: '#/components/schemas/Downloads'}",
            "    Downloads: {type: object, properties: {a: {type: string}}}\n",
        ),
    );
    let code = flat(source(strict(&run)));
    assert!(code.contains("pub struct Downloads<'c>"), "{code}");
    assert!(
        code.contains("Request<crate::models::Downloads, ops::"),
        "{code}"
    );
}

#[test]
fn names_the_generated_code_uses_itself_are_numbered() {
    // A method `from` on a handle would be called by `Handle::from(client)`; a setter `send`
    // would clash with the runtime request's own method; an argument `path` with the method's
    // local that holds the built path.
    let text = format!(
        "{HEAD}paths:\n  /accounts/{{account_id}}/things:\n    get:\n      x-rust-method: from\n      parameters:\n        - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n        - {{name: send, in: query, schema: {{type: string}}}}\n        - {{name: path, in: query, required: true, schema: {{type: string}}}}\n      responses: {{'200': {{description: ok}}}}\n"
    );
    let run = generate_within(SECONDS(10), vec![(PathBuf::from("spec/a.yaml"), text)]);
    let code = flat(source(strict(&run)));
    assert!(
        code.contains("pub fn send_2(self, send_2: &str) -> Self"),
        "{code}"
    );
    // The method's own `path` (the built path) is not the argument's.
    assert!(
        code.contains("pub fn from_2(&self, account_id: &str, path_2: &str)"),
        "{code}"
    );
    assert!(code.contains(r#".query("path", path_2)"#), "{code}");
}

#[test]
fn a_union_member_far_larger_than_the_others_is_boxed() {
    // Twenty strings (480 bytes) against one: every value would pay for the largest.
    let fields: Vec<String> = (0..20)
        .map(|i| format!(r#""f{i}": {{"type": "string"}}"#))
        .collect();
    let big = format!(
        r#"{{"type": "object", "properties": {{{}}}}}"#,
        fields.join(",")
    );
    let small = r#"{"type": "object", "properties": {"a": {"type": "string"}}}"#;
    let schemas = format!(
        r#"{{"Big": {big}, "Small": {small}, "Either": {{"oneOf": [{}, {}, {{"type": "string"}}]}}}}"#,
        reference("Big"),
        reference("Small")
    );
    let run = generate_within(SECONDS(10), spec(&reference("Either"), &schemas));
    let code = flat(source(strict(&run)));
    assert!(code.contains("Big(Box<Big>)"), "{code}");
    assert!(code.contains("Small(Small)"), "{code}");

    // Fifteen optional integers: 16 bytes each with the tag of their `Option` (240), against
    // a string (24). Without counting the tags it would look like 120, and stay unboxed.
    let numbers: Vec<String> = (0..15)
        .map(|i| format!(r#""n{i}": {{"type": "integer"}}"#))
        .collect();
    let schemas = format!(
        r#"{{"Counts": {{"type": "object", "properties": {{{}}}}},
            "Either": {{"oneOf": [{}, {{"type": "string"}}]}}}}"#,
        numbers.join(","),
        reference("Counts")
    );
    let run = generate_within(SECONDS(10), spec(&reference("Either"), &schemas));
    let code = flat(source(strict(&run)));
    assert!(code.contains("Counts(Box<Counts>)"), "{code}");
}

#[test]
fn a_method_name_the_spec_asks_for_is_kept_before_derived_ones() {
    // The GET comes first and would be `get`; the POST asks for `get`: the POST has it.
    let text = format!(
        "{HEAD}paths:\n  /accounts/{{account_id}}/things:\n    parameters:\n      - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n    get:\n      responses: {{'200': {{description: ok}}}}\n    post:\n      x-rust-method: get\n      parameters:\n        - {{name: asked, in: query, required: true, schema: {{type: string}}}}\n      responses: {{'200': {{description: ok}}}}\n"
    );
    let run = generate_within(SECONDS(10), vec![(PathBuf::from("spec/a.yaml"), text)]);
    let code = flat(source(strict(&run)));
    assert!(
        code.contains("pub fn get(&self, account_id: &str, asked: &str)"),
        "{code}"
    );
    assert!(
        code.contains("pub fn get_2(&self, account_id: &str)"),
        "{code}"
    );
}

#[test]
fn two_operations_asking_for_one_method_name_are_refused_with_both_places() {
    let text = format!(
        "{HEAD}paths:\n  /accounts/{{account_id}}/things:\n    parameters:\n      - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n    post:\n      x-rust-method: remove\n      responses: {{'200': {{description: ok}}}}\n    delete:\n      x-rust-method: Remove\n      responses: {{'200': {{description: ok}}}}\n"
    );
    let run = generate_within(SECONDS(10), vec![(PathBuf::from("spec/a.yaml"), text)]);
    let error = error(strict(&run));
    let Error::Duplicate { at, first, what } = error else {
        panic!("{error}");
    };
    let path = "/paths/~1accounts~1{account_id}~1things";
    assert_eq!(
        at.pointer,
        format!("{path}/delete/x-rust-method"),
        "{error}"
    );
    assert_eq!(
        first.pointer,
        format!("{path}/post/x-rust-method"),
        "{error}"
    );
    assert!(what.contains("`remove`"), "{error}");
    // Leniently, the first keeps the name and the second is numbered.
    let code = flat(source(lenient(&run)));
    assert!(code.contains("pub fn remove(&self"), "{code}");
    assert!(code.contains("pub fn remove_2(&self"), "{code}");
}

#[test]
fn methods_keep_within_clippys_conventions() {
    // Seven required parameters and `self`: past clippy's limit, said on the method. A method
    // `new` that returns a request would read as a constructor: it is numbered.
    let params: String = (0..6)
        .map(|i| {
            format!(
                "        - {{name: q{i}, in: query, required: true, schema: {{type: string}}}}\n"
            )
        })
        .collect();
    let text = format!(
        "{HEAD}paths:\n  /accounts/{{account_id}}/things:\n    get:\n      x-rust-method: new\n      parameters:\n        - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n{params}      responses: {{'200': {{description: ok}}}}\n    post:\n      parameters:\n        - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n      responses: {{'200': {{description: ok}}}}\n"
    );
    let run = generate_within(SECONDS(10), vec![(PathBuf::from("spec/a.yaml"), text)]);
    let code = flat(source(strict(&run)));
    assert!(
        code.contains("pub fn new_2( &self, account_id: &str, q0: &str"),
        "{code}"
    );
    assert_eq!(
        code.matches("clippy::too_many_arguments").count(),
        1,
        "{code}"
    );
}

#[test]
fn all_of_members_that_only_annotate_keep_the_type() {
    // `allOf: [$ref, {description}]` is the referenced type, and `[string, {minLength}]` a
    // string: neither is an object (they were read as JSON maps, and failed on every value).
    let schemas = r##"{"Name": {"type": "string", "maxLength": 5},
        "Thing": {"type": "object", "properties": {
            "name": {"allOf": [{"$ref": "#/components/schemas/Name"}, {"description": "The name."}]},
            "short": {"allOf": [{"type": "string"}, {"minLength": 1}, {"type": "string", "format": "uuid"}]},
            "count": {"allOf": [{"type": "integer"}, {"nullable": true}]}}}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("Thing"), schemas));
    let code = flat(source(strict(&run)));
    assert!(code.contains("pub name: Option<String>"), "{code}");
    assert!(code.contains("pub short: Option<String>"), "{code}");
    assert!(code.contains("pub count: Option<i64>"), "{code}");

    // An object and a string at once cannot be: refused, or any JSON when lenient.
    let schemas = r##"{"Thing": {"type": "object", "properties": {"mixed": {"allOf": [
        {"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "string"}]}}}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("Thing"), schemas));
    let error = error(strict(&run));
    assert_eq!(
        error.location().map(ToString::to_string).as_deref(),
        Some("spec/a.json#/components/schemas/Thing/properties/mixed"),
        "{error}"
    );
    assert!(error.to_string().contains("different types"), "{error}");
    let Run::Generated { lenient, .. } = &run else {
        panic!("not loaded: {run:?}");
    };
    let lenient = &lenient.as_ref().expect("lenient generates").source;
    assert!(
        flat(lenient).contains("pub mixed: Option<serde_json::Value>"),
        "{lenient}"
    );
}

#[test]
fn all_of_with_unions_inside_flattens_unions_of_objects() {
    let object = |name: &str| {
        format!(r#"{{"type": "object", "properties": {{"{name}": {{"type": "string"}}}}}}"#)
    };
    // A union of one object is that object: merged. An untyped `enum` agrees with a boolean.
    let schemas = format!(
        r#"{{"Flag": {{"type": "boolean"}}, "Thing": {{"type": "object", "properties": {{
            "merged": {{"allOf": [{base}, {{"oneOf": [{one}]}}]}},
            "flag": {{"allOf": [{flag}, {{"enum": [true]}}]}}}}}}}}"#,
        base = object("base"),
        one = object("one"),
        flag = reference("Flag"),
    );
    let run = generate_within(SECONDS(10), spec(&reference("Thing"), &schemas));
    let code = flat(source(strict(&run)));
    assert!(code.contains("pub base: Option<String>"), "{code}");
    assert!(code.contains("pub one: Option<String>"), "{code}");
    assert!(code.contains("pub flag: Option<bool>"), "{code}");

    // A union of several objects beside another member: a flattened field, read from the
    // same object. A union of scalars cannot stand beside properties: refused, or (lenient)
    // the struct without it and a note.
    let schemas = format!(
        r#"{{"Thing": {{"allOf": [{base}, {{"oneOf": [{a}, {b}]}},
            {{"anyOf": [{{"required": ["a"]}}, {{"required": ["b"]}}]}}]}},
          "Other": {{"allOf": [{base}, {{"type": "object", "oneOf": [{{"type": "string"}}, {{"type": "integer"}}]}}]}}}}"#,
        base = object("base"),
        a = object("a"),
        b = object("b"),
    );
    let response = format!(
        r#"{{"type": "object", "properties": {{"thing": {}, "other": {}}}}}"#,
        reference("Thing"),
        reference("Other")
    );
    let run = generate_within(SECONDS(10), spec(&response, &schemas));
    let error = error(strict(&run));
    assert!(error.to_string().contains("not objects"), "{error}");
    assert_eq!(
        error.location().map(ToString::to_string).as_deref(),
        Some("spec/a.json#/components/schemas/Other/allOf/1/oneOf")
    );
    let code = flat(source(lenient(&run)));
    assert!(
        code.contains("pub struct Thing { #[serde(default, skip_serializing_if = \"Option::is_none\")] pub base: Option<String>, #[serde(flatten)] pub one_of: ThingOneOf, }"),
        "{code}"
    );
    assert!(code.contains("pub struct Other {"), "{code}");

    // A member with a property the struct reads too would never see it: not flattened.
    let schemas = format!(
        r#"{{"Thing": {{"allOf": [{base}, {{"oneOf": [{a}, {same}]}}]}}}}"#,
        base = object("base"),
        a = object("a"),
        same = object("base"),
    );
    let run = generate_within(SECONDS(10), spec(&reference("Thing"), &schemas));
    let refused = strict(&run).expect_err("refused");
    assert!(refused.to_string().contains("also have"), "{refused}");
    assert_eq!(
        refused.location().map(ToString::to_string).as_deref(),
        Some("spec/a.json#/components/schemas/Thing/allOf/1/oneOf/1/properties/base")
    );
    assert!(!source(lenient(&run)).contains("flatten"));
}

#[test]
fn a_union_met_again_through_a_union_built_inside_its_object_member_is_refused() {
    // Found by the fuzzer: `T = {t: X} | X`, `X = T | any`. `X` is first built for the
    // property `t` (inside an object, where trying `T` again reads input first), then `T`'s
    // second member is `X`, which tries `T` without reading anything: endless decoding.
    let schemas = r##"{"T": {"oneOf": [{"type": "object", "properties": {"t": {"$ref": "#/components/schemas/X"}}},
        {"$ref": "#/components/schemas/X"}]},
        "X": {"anyOf": [{"$ref": "#/components/schemas/T"}, {}]}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("T"), schemas));
    let refused = strict(&run).expect_err("refused");
    assert_eq!(
        refused.location().map(ToString::to_string).as_deref(),
        Some("spec/a.json#/components/schemas/T/oneOf/1"),
        "{refused}"
    );
    // Leniently the member is any JSON, and the model check finds no endless decoding.
    let output = lenient(&run).expect("generates");
    assert!(output.problems.is_empty(), "{:?}", output.problems);
}

#[test]
fn a_union_beside_properties_that_decodes_back_into_its_struct_is_not_flattened() {
    // Found by the fuzzer: `T = anyOf [allOf [T, object], {}]`. Flattened, the struct would
    // try the union, which would try the struct, without reading anything.
    let schemas = r##"{"T": {"anyOf": [{"allOf": [{"$ref": "#/components/schemas/T"},
        {"type": "object"}]}, {}]}}"##;
    let run = generate_within(SECONDS(10), spec(&reference("T"), schemas));
    let refused = strict(&run).expect_err("refused");
    assert!(
        refused.to_string().contains("the object itself"),
        "{refused}"
    );
    assert_eq!(
        refused.location().map(ToString::to_string).as_deref(),
        Some("spec/a.json#/components/schemas/T/anyOf")
    );
    let output = lenient(&run).expect("generates");
    assert!(output.problems.is_empty(), "{:?}", output.problems);
    assert!(!output.source.contains("flatten"), "{}", output.source);
}

#[test]
fn a_multipart_body_with_a_union_beside_its_properties_is_a_form_the_caller_builds() {
    // A form's parts are its fields; a flattened union has none to send.
    let text = format!(
        "{HEAD}paths:\n  /accounts/{{account_id}}/uploads:\n    post:\n      parameters:\n        - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n      requestBody:\n        content:\n          multipart/form-data:\n            schema:\n              allOf:\n                - {{type: object, properties: {{name: {{type: string}}}}}}\n                - oneOf:\n                    - {{type: object, properties: {{a: {{type: string}}}}}}\n                    - {{type: object, properties: {{b: {{type: string}}}}}}\n      responses: {{'200': {{description: ok}}}}\n"
    );
    let run = generate_within(SECONDS(10), vec![(PathBuf::from("spec/a.yaml"), text)]);
    let refused = strict(&run).expect_err("refused");
    assert!(
        refused
            .to_string()
            .contains("not an object with properties"),
        "{refused}"
    );
    let code = flat(source(lenient(&run)));
    assert!(code.contains("body: ::cloudflare_stream::Form"), "{code}");
}

#[test]
fn every_schema_refers_to_components_whose_names_hold_a_percent_sign() {
    // `$ref` fragments are percent-decoded: the reference to `%41` is `#/.../%2541` (written
    // `#/.../%41`, it would be the component `A`, which does not exist).
    let schemas = r#"{"%41": {"type": "object", "properties": {"x": {"type": "string"}}}}"#;
    let run = generate_within(SECONDS(10), spec(r#"{"type": "string"}"#, schemas));
    let output = lenient(&run).expect("generates every schema");
    assert!(
        output.source.contains("pub struct N41"),
        "{}",
        output.source
    );
}
