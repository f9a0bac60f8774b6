//! The type names a spec asks for with `x-rust-name`, found before any type is built.
//!
//! Types are named in the order they are reached, so without this a type reached early could
//! take a name that a schema reached later asks for by `x-rust-name`, which would then be
//! numbered (`Video2`): the spec's own name would lose to a derived one. Knowing every asked
//! name first, the builder keeps each for its schema and numbers the derived names around it,
//! and two schemas asking for one name are found whatever the order.

use openapiv3::{
    AdditionalProperties, Components, MediaType, Operation, ParameterSchemaOrContent, PathItem,
    ReferenceOr, Response, Schema, SchemaKind, Type,
};
use serde_json::Value;

use super::super::cloudflare::RUST_NAME;
use super::super::names;
use crate::error::Location;
use crate::load::Spec;

/// A schema's `x-rust-name`, trimmed, if it has a usable one.
pub(super) fn asked_name(schema: &Schema) -> Option<&str> {
    match schema.schema_data.extensions.get(RUST_NAME) {
        Some(Value::String(name)) if !name.trim().is_empty() => Some(name.trim()),
        _ => None,
    }
}

/// A schema that asks for a type name.
#[derive(Debug)]
pub(super) struct Asked {
    /// The type name it asks for (`x-rust-name` as a type name).
    pub(super) name: String,
    /// Where the schema stands.
    pub(super) at: Location,
}

/// Every schema written in `spec` (not reached through a `$ref`: each is found once, where it
/// stands) that asks for a type name, in the order of the files and of each document.
pub(super) fn asked_names(spec: &Spec) -> Vec<Asked> {
    let mut walk = Walk::default();
    for file in 0..spec.files.len() {
        let doc = &spec.files[file].doc;
        let root = spec.root(file);
        let paths = root.join("paths");
        for (path, item) in doc.paths.iter() {
            if let ReferenceOr::Item(item) = item {
                walk.path_item(item, &paths.join(path));
            }
        }
        if let Some(components) = &doc.components {
            walk.components(components, &root.join("components"));
        }
    }
    walk.found
}

/// Schemas nested deeper than this are not looked into: the builder refuses a schema this deep
/// (its own limit, `MAX_DEPTH` in `mod.rs`, is smaller), and the walk stays bounded on any
/// input.
const MAX_DEPTH: usize = 256;

#[derive(Default)]
struct Walk {
    found: Vec<Asked>,
}

impl Walk {
    fn components(&mut self, components: &Components, at: &Location) {
        let schemas = at.join("schemas");
        for (name, schema) in &components.schemas {
            self.schema(schema, &schemas.join(name), 0);
        }
        let parameters = at.join("parameters");
        for (name, parameter) in &components.parameters {
            if let ReferenceOr::Item(parameter) = parameter {
                self.format(
                    &parameter.parameter_data_ref().format,
                    &parameters.join(name),
                );
            }
        }
        let bodies = at.join("requestBodies");
        for (name, body) in &components.request_bodies {
            if let ReferenceOr::Item(body) = body {
                self.content(body.content.iter(), &bodies.join(name));
            }
        }
        let responses = at.join("responses");
        for (name, response) in &components.responses {
            self.response(response, &responses.join(name));
        }
        let headers = at.join("headers");
        for (name, header) in &components.headers {
            if let ReferenceOr::Item(header) = header {
                self.format(&header.format, &headers.join(name));
            }
        }
    }

    fn path_item(&mut self, item: &PathItem, at: &Location) {
        for (index, parameter) in item.parameters.iter().enumerate() {
            if let ReferenceOr::Item(parameter) = parameter {
                let at = at.join("parameters").index(index);
                self.format(&parameter.parameter_data_ref().format, &at);
            }
        }
        for (method, operation) in item.iter() {
            self.operation(operation, &at.join(method));
        }
    }

    fn operation(&mut self, operation: &Operation, at: &Location) {
        for (index, parameter) in operation.parameters.iter().enumerate() {
            if let ReferenceOr::Item(parameter) = parameter {
                let at = at.join("parameters").index(index);
                self.format(&parameter.parameter_data_ref().format, &at);
            }
        }
        if let Some(ReferenceOr::Item(body)) = &operation.request_body {
            self.content(body.content.iter(), &at.join("requestBody"));
        }
        let responses = at.join("responses");
        if let Some(response) = &operation.responses.default {
            self.response(response, &responses.join("default"));
        }
        for (status, response) in &operation.responses.responses {
            self.response(response, &responses.join(status.to_string()));
        }
    }

    fn response(&mut self, response: &ReferenceOr<Response>, at: &Location) {
        let ReferenceOr::Item(response) = response else {
            return;
        };
        for (name, header) in &response.headers {
            if let ReferenceOr::Item(header) = header {
                self.format(&header.format, &at.join("headers").join(name));
            }
        }
        self.content(response.content.iter(), at);
    }

    /// A parameter's or a header's schema, or its content.
    fn format(&mut self, format: &ParameterSchemaOrContent, at: &Location) {
        match format {
            ParameterSchemaOrContent::Schema(schema) => self.schema(schema, &at.join("schema"), 0),
            ParameterSchemaOrContent::Content(content) => self.content(content.iter(), at),
        }
    }

    fn content<'a>(
        &mut self,
        content: impl Iterator<Item = (&'a String, &'a MediaType)>,
        at: &Location,
    ) {
        for (media_type, media) in content {
            if let Some(schema) = &media.schema {
                let at = at.join("content").join(media_type).join("schema");
                self.schema(schema, &at, 0);
            }
        }
    }

    fn schema(&mut self, schema: &ReferenceOr<Schema>, at: &Location, depth: usize) {
        if let ReferenceOr::Item(schema) = schema {
            self.inline(schema, at, depth);
        }
    }

    fn boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, at: &Location, depth: usize) {
        if let ReferenceOr::Item(schema) = schema {
            self.inline(schema, at, depth);
        }
    }

    /// A schema written out where it stands, and the schemas written inside it. (`not` is
    /// left out: what it holds never becomes a type.)
    fn inline(&mut self, schema: &Schema, at: &Location, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        if let Some(name) = asked_name(schema) {
            self.found.push(Asked {
                name: names::type_name(name),
                at: at.clone(),
            });
        }
        let depth = depth + 1;
        let none: &[ReferenceOr<Schema>] = &[];
        // `allOf`, `oneOf`, `anyOf`: those the schema does not have are empty.
        let (properties, additional, items, [all_of, one_of, any_of]) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (
                Some(&object.properties),
                object.additional_properties.as_ref(),
                None,
                [none; 3],
            ),
            SchemaKind::Type(Type::Array(array)) => (None, None, array.items.as_ref(), [none; 3]),
            SchemaKind::Type(_) | SchemaKind::Not { .. } => return,
            SchemaKind::AllOf { all_of } => (None, None, None, [&all_of[..], none, none]),
            SchemaKind::OneOf { one_of } => (None, None, None, [none, &one_of[..], none]),
            SchemaKind::AnyOf { any_of } => (None, None, None, [none, none, &any_of[..]]),
            SchemaKind::Any(any) => (
                Some(&any.properties),
                any.additional_properties.as_ref(),
                any.items.as_ref(),
                [&any.all_of[..], &any.one_of[..], &any.any_of[..]],
            ),
        };
        for (name, property) in properties.into_iter().flatten() {
            self.boxed(property, &at.join("properties").join(name), depth);
        }
        if let Some(AdditionalProperties::Schema(schema)) = additional {
            self.schema(schema, &at.join("additionalProperties"), depth);
        }
        if let Some(items) = items {
            self.boxed(items, &at.join("items"), depth);
        }
        for (keyword, members) in [("allOf", all_of), ("oneOf", one_of), ("anyOf", any_of)] {
            for (index, member) in members.iter().enumerate() {
                self.schema(member, &at.join(keyword).index(index), depth);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::asked_names;
    use crate::error::Error;
    use crate::load::Spec;
    use crate::options::Options;

    /// A spec of one file: `paths` and component `schemas`, YAML indented as under their keys.
    fn spec(paths: &str, schemas: &str) -> Spec {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n{schemas}"
        );
        Spec::from_sources(vec![(PathBuf::from("spec/a.yaml"), text)])
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// `GET /accounts/{account_id}/things` answering `response`.
    fn get_things(response: &str) -> String {
        format!(
            "  /accounts/{{account_id}}/things:\n    get:\n      parameters:\n        - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {response}}}}}}}\n"
        )
    }

    fn generate(spec: &Spec, lenient: bool) -> Result<crate::Generated, Error> {
        let options = Options {
            lenient,
            every_schema: true,
            outside_runtime: false,
        };
        crate::Generator::new(options).generate(spec)
    }

    /// The generated source on one line, for matching across prettyplease's line breaks.
    fn flat(source: &str) -> String {
        source.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn every_schema_written_out_is_found_where_it_stands_and_refs_are_not_followed() {
        let paths = "  /accounts/{account_id}/things:\n    parameters:\n      - {name: account_id, in: path, required: true, schema: {type: string, x-rust-name: Account}}\n    post:\n      requestBody: {content: {application/json: {schema: {type: object, x-rust-name: NewThing, properties: {tags: {type: array, items: {type: object, x-rust-name: tag, properties: {a: {type: string}}}}}}}}}\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/thing'}}}}\n";
        let schemas = "    thing: {x-rust-name: ' Thing ', allOf: [{$ref: '#/components/schemas/base'}, {type: object, properties: {b: {x-rust-name: B, oneOf: [{type: string}, {type: integer, x-rust-name: Count}]}}}]}\n    base: {type: object, additionalProperties: {type: object, x-rust-name: Extra}}\n    blank: {type: string, x-rust-name: '  '}\n";
        let found: Vec<(String, String)> = asked_names(&spec(paths, schemas))
            .into_iter()
            .map(|asked| (asked.name, asked.at.pointer))
            .collect();
        let path = "/paths/~1accounts~1{account_id}~1things";
        let expected = [
            ("Account", format!("{path}/parameters/0/schema")),
            (
                "NewThing",
                format!("{path}/post/requestBody/content/application~1json/schema"),
            ),
            (
                "Tag",
                format!(
                    "{path}/post/requestBody/content/application~1json/schema/properties/tags/items"
                ),
            ),
            ("Thing", "/components/schemas/thing".to_owned()),
            (
                "B",
                "/components/schemas/thing/allOf/1/properties/b".to_owned(),
            ),
            (
                "Count",
                "/components/schemas/thing/allOf/1/properties/b/oneOf/1".to_owned(),
            ),
            (
                "Extra",
                "/components/schemas/base/additionalProperties".to_owned(),
            ),
        ];
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(name, at)| (name.to_owned(), at))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_name_a_schema_asks_for_is_its_own_even_if_a_derived_name_is_reached_first() {
        // `video` is reached first (the operation's result) and would be named `Video`; the
        // component that asks for `Video` is reached only afterwards.
        let spec = spec(
            &get_things("{$ref: '#/components/schemas/video'}"),
            "    video: {type: object, properties: {derived: {type: string}}}\n    z_clip: {type: object, x-rust-name: Video, properties: {asked: {type: string}}}\n",
        );
        let generated = generate(&spec, false).unwrap_or_else(|e| panic!("{e}"));
        let code = flat(&generated.source);
        assert!(
            code.contains("pub struct Video { /// `asked` (the spec gives no description). #[serde(default, skip_serializing_if = \"Option::is_none\")] pub asked"),
            "{code}"
        );
        assert!(code.contains("pub struct Video2 {"), "{code}");
        assert!(code.contains("Request<Video2, ops::Get>"), "{code}");
    }

    #[test]
    fn a_name_asked_for_by_a_union_of_one_member_goes_to_that_member() {
        // `widget` is reached first (the operation's result) and would be `Widget`; `thing`,
        // reached afterwards, asks for `Widget`, and its type is its one member's.
        let spec = spec(
            &get_things("{$ref: '#/components/schemas/widget'}"),
            "    thing: {x-rust-name: Widget, oneOf: [{type: object, properties: {asked: {type: string}}}]}\n    widget: {type: object, properties: {derived: {type: string}}}\n",
        );
        let generated = generate(&spec, false).unwrap_or_else(|e| panic!("{e}"));
        let code = flat(&generated.source);
        assert!(
            code.contains("pub struct Widget { /// `asked` (the spec gives no description). #[serde(default, skip_serializing_if = \"Option::is_none\")] pub asked"),
            "{code}"
        );
        assert!(code.contains("Request<Widget2, ops::Get>"), "{code}");
    }

    #[test]
    fn two_schemas_asking_for_one_name_are_refused_with_both_places() {
        let spec = spec(
            &get_things("{$ref: '#/components/schemas/a'}"),
            "    a: {type: object, x-rust-name: Thing, properties: {x: {type: string}}}\n    b: {type: object, x-rust-name: thing, properties: {y: {type: string}}}\n",
        );
        let error = match generate(&spec, false) {
            Ok(_) => panic!("two schemas asking for `Thing` were accepted"),
            Err(error) => error,
        };
        let Error::Duplicate { at, first, what } = &error else {
            panic!("{error}");
        };
        assert_eq!(at.pointer, "/components/schemas/b", "{error}");
        assert_eq!(first.pointer, "/components/schemas/a", "{error}");
        assert!(what.contains("`Thing`"), "{error}");

        // Leniently: the first has the name, the second is numbered, and a note says so.
        let generated = generate(&spec, true).unwrap_or_else(|e| panic!("{e}"));
        let code = flat(&generated.source);
        assert!(code.contains("pub struct Thing { /// `x` (the spec gives no description). #[serde(default, skip_serializing_if = \"Option::is_none\")] pub x"), "{code}");
        assert!(code.contains("pub struct Thing2 {"), "{code}");
        assert!(
            generated
                .notes
                .iter()
                .any(|note| note.to_string().contains("/components/schemas/b")),
            "{:?}",
            generated.notes
        );
    }

    #[test]
    fn a_name_the_crate_root_uses_is_refused() {
        let spec = spec(
            &get_things("{$ref: '#/components/schemas/a'}"),
            "    a: {type: object, x-rust-name: Things, properties: {x: {type: string}}}\n",
        );
        let error = match generate(&spec, false) {
            Ok(generated) => panic!("accepted:\n{}", generated.source),
            Err(error) => error,
        };
        let message = error.to_string();
        assert!(message.contains("#/components/schemas/a"), "{message}");
        assert!(message.contains("`Things`"), "{message}");
    }
}
