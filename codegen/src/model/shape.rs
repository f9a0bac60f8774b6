//! One uniform view of a schema, whichever way openapiv3 classified it.
//!
//! openapiv3 splits schemas into typed variants and a catch-all (`Any`) for every combination
//! its typed variants cannot hold (`type: object` with `enum`, `allOf` with siblings, ...). The
//! model stage asks the same questions of both, so it reads them through this view.

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

/// The parts of a schema the model stage reads.
#[derive(Debug, Default)]
pub struct Shape<'a> {
    /// `type`, if given.
    pub ty: Option<&'a str>,
    /// `format`, if given.
    pub format: Option<String>,
    /// `properties`, in order.
    pub properties: Vec<(&'a str, &'a ReferenceOr<Box<Schema>>)>,
    /// `required`.
    pub required: &'a [String],
    /// `additionalProperties`.
    pub additional: Option<&'a AdditionalProperties>,
    /// `items`.
    pub items: Option<&'a ReferenceOr<Box<Schema>>>,
    /// `enum`, as JSON values.
    pub enumeration: Vec<Value>,
    /// `allOf`.
    pub all_of: &'a [ReferenceOr<Schema>],
    /// `oneOf`.
    pub one_of: &'a [ReferenceOr<Schema>],
    /// `anyOf`.
    pub any_of: &'a [ReferenceOr<Schema>],
    /// `not` is present.
    pub has_not: bool,
    /// `minimum` and `maximum`, as text for documentation.
    pub minimum: Option<String>,
    /// See `minimum`.
    pub maximum: Option<String>,
    /// `minLength`.
    pub min_length: Option<usize>,
    /// `maxLength`.
    pub max_length: Option<usize>,
}

impl<'a> Shape<'a> {
    /// Reads `schema`.
    pub fn of(schema: &'a Schema) -> Self {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => Shape {
                ty: Some("string"),
                format: string_format(&s.format),
                enumeration: s
                    .enumeration
                    .iter()
                    .map(|v| v.clone().map_or(Value::Null, Value::String))
                    .collect(),
                min_length: s.min_length,
                max_length: s.max_length,
                ..Shape::default()
            },
            SchemaKind::Type(Type::Number(n)) => Shape {
                ty: Some("number"),
                minimum: n.minimum.map(|v| v.to_string()),
                maximum: n.maximum.map(|v| v.to_string()),
                enumeration: n
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::from))
                    .collect(),
                ..Shape::default()
            },
            SchemaKind::Type(Type::Integer(n)) => Shape {
                ty: Some("integer"),
                minimum: n.minimum.map(|v| v.to_string()),
                maximum: n.maximum.map(|v| v.to_string()),
                enumeration: n
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::from))
                    .collect(),
                ..Shape::default()
            },
            SchemaKind::Type(Type::Boolean(b)) => Shape {
                ty: Some("boolean"),
                enumeration: b
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::Bool))
                    .collect(),
                ..Shape::default()
            },
            SchemaKind::Type(Type::Object(o)) => Shape {
                ty: Some("object"),
                properties: o.properties.iter().map(|(k, v)| (k.as_str(), v)).collect(),
                required: &o.required,
                additional: o.additional_properties.as_ref(),
                ..Shape::default()
            },
            SchemaKind::Type(Type::Array(a)) => Shape {
                ty: Some("array"),
                items: a.items.as_ref(),
                ..Shape::default()
            },
            SchemaKind::OneOf { one_of } => Shape {
                one_of,
                ..Shape::default()
            },
            SchemaKind::AllOf { all_of } => Shape {
                all_of,
                ..Shape::default()
            },
            SchemaKind::AnyOf { any_of } => Shape {
                any_of,
                ..Shape::default()
            },
            SchemaKind::Not { .. } => Shape {
                has_not: true,
                ..Shape::default()
            },
            SchemaKind::Any(any) => Shape {
                ty: any.typ.as_deref(),
                format: any.format.clone(),
                properties: any
                    .properties
                    .iter()
                    .map(|(k, v)| (k.as_str(), v))
                    .collect(),
                required: &any.required,
                additional: any.additional_properties.as_ref(),
                items: any.items.as_ref(),
                enumeration: any.enumeration.clone(),
                all_of: &any.all_of,
                one_of: &any.one_of,
                any_of: &any.any_of,
                has_not: any.not.is_some(),
                minimum: any.minimum.map(|v| v.to_string()),
                maximum: any.maximum.map(|v| v.to_string()),
                min_length: any.min_length,
                max_length: any.max_length,
            },
        }
    }

    /// Whether the schema describes an object (by `type` or by having properties).
    pub fn is_object(&self) -> bool {
        self.ty == Some("object") || !self.properties.is_empty()
    }

    /// The members of the union, with its keyword: `oneOf` if it has members, else `anyOf`
    /// (whose members may be none).
    pub fn union(&self) -> (&'a [ReferenceOr<Schema>], &'static str) {
        if self.one_of.is_empty() {
            (self.any_of, "anyOf")
        } else {
            (self.one_of, "oneOf")
        }
    }
}

fn string_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(
            match f {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            }
            .to_owned(),
        ),
        VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}
