//! Paged operations: Cloudflare's numbered pages recognised from `page` and `per_page`, Stream's
//! paging by creation instant declared with `x-pagination`, and a wrong declaration refused
//! with the file and the extension's JSON pointer.

use std::path::PathBuf;

use codegen::load::Spec;
use codegen::{Error, Generator};

/// One `GET /accounts/{account_id}/things` with `params` (YAML flow items) and `extension`
/// (YAML, indented for the operation, or empty), answering an array of `Thing`.
fn spec(params: &[&str], extension: &str) -> String {
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /accounts/{account_id}/things:\n    get:\n",
    );
    text.push_str(extension);
    text.push_str("      parameters:\n        - {name: account_id, in: path, required: true, schema: {type: string}}\n");
    for param in params {
        text.push_str(&format!("        - {param}\n"));
    }
    text.push_str(
        "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}\ncomponents:\n  schemas:\n    Thing: {type: object, required: [uid], properties: {uid: {type: string}, created: {type: string}, size: {type: integer}}}\n",
    );
    text
}

fn generate(text: String) -> Result<String, Error> {
    let spec = Spec::from_sources(vec![(PathBuf::from("spec/a.yaml"), text)])?;
    Generator::default().generate(&spec).map(|g| g.source)
}

const PAGE: &str = "{name: page, in: query, schema: {type: integer}}";
const PER_PAGE: &str = "{name: per_page, in: query, schema: {type: integer}}";
const ASC: &str = "{name: asc, in: query, schema: {type: boolean}}";
const START: &str = "{name: start, in: query, schema: {type: string}}";

#[test]
fn page_and_per_page_make_numbered_pages() {
    let code = generate(spec(&[PAGE, PER_PAGE], "")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        code.contains("pub fn all(self) -> ::cloudflare_stream::Pages<Thing, ops::List>"),
        "{code}"
    );
    assert!(code.contains("Paging::Numbered"), "{code}");
    assert!(code.contains("page: \"page\""), "{code}");
}

#[test]
fn x_pagination_false_turns_paging_off() {
    let code = generate(spec(&[PAGE, PER_PAGE], "      x-pagination: false\n"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!code.contains("fn all("), "{code}");
    // Without page parameters nothing pages either.
    let code = generate(spec(&[], "")).unwrap_or_else(|e| panic!("{e}"));
    assert!(!code.contains("fn all("), "{code}");
}

#[test]
fn paging_by_creation_reads_the_item_fields_it_names() {
    let code = generate(spec(
        &[ASC, START],
        "      x-pagination: {style: created, created: created, id: uid, pageSize: 50}\n",
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(code.contains("Paging::Created"), "{code}");
    // `uid` is required (a `String`), `created` optional.
    assert!(
        code.contains("created: |item| item.created.as_deref()"),
        "{code}"
    );
    assert!(
        code.contains("id: |item| Some(item.uid.as_str())"),
        "{code}"
    );
    assert!(code.contains("page_size: 50"), "{code}");
    assert!(code.contains("limit: None"), "{code}");
}

#[test]
fn a_wrong_declaration_names_the_extension() {
    let cases = [
        // A parameter the operation does not have.
        (
            vec![ASC],
            "      x-pagination: {style: created}\n",
            "no optional string query parameter `start`",
        ),
        // A field the items do not have, or not a string.
        (
            vec![ASC, START],
            "      x-pagination: {style: created, created: made}\n",
            "no string field `made`",
        ),
        (
            vec![ASC, START],
            "      x-pagination: {style: created, id: size}\n",
            "no string field `size`",
        ),
        (
            vec![PAGE],
            "      x-pagination: {style: cursor}\n",
            "unknown `style` `cursor`",
        ),
        (
            vec![PAGE],
            "      x-pagination: yes\n",
            "`false` or an object",
        ),
        (
            vec![PAGE, PER_PAGE],
            "      x-pagination: {style: page, pageSize: 0}\n",
            "`pageSize` must be a positive integer",
        ),
    ];
    for (params, extension, wanted) in cases {
        let error = generate(spec(&params, extension)).expect_err(extension);
        let Error::Invalid { at, message } = &error else {
            panic!("{extension}: not an invalid-document error: {error:?}");
        };
        assert_eq!(
            at.to_string(),
            "spec/a.yaml#/paths/~1accounts~1{account_id}~1things/get/x-pagination",
            "{extension}"
        );
        assert!(message.contains(wanted), "{extension}: {message}");
    }
}
