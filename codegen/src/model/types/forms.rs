//! Multipart bodies: a struct whose fields are sent as the parts of a form.

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::super::docs::describe;
use super::super::ir::{FormPart, TypeDef, TypeRef};
use super::super::names;
use super::super::shape::Shape;
use super::{MergedObject, TypeBuilder};
use crate::error::{Location, Result};
use crate::load::FileId;

impl TypeBuilder<'_> {
    /// A multipart body's struct: like any object, except that string properties holding a
    /// file (`format: binary`, or an `@path` example as curl writes file fields) are file parts.
    pub fn form_struct(
        &mut self,
        file: FileId,
        at: &Location,
        node: &ReferenceOr<Schema>,
        hint: &str,
    ) -> Result<Option<String>> {
        let resolved = self.spec.schema(file, at, node)?;
        let shape = Shape::of(&resolved.value);
        let mut merged = MergedObject::default();
        let is_object = shape.one_of.is_empty()
            && shape.any_of.is_empty()
            && self.merge_into(&resolved, &mut merged, 0)?;
        if !is_object
            || merged.properties.is_empty()
            || !merged.flattened.is_empty()
            || !merged.unmerged.is_empty()
        {
            return self.approximate(
                &resolved.at,
                "a multipart body that is not an object with properties",
                "a form the caller builds",
                None,
            );
        }
        let source = resolved.component.as_deref().unwrap_or(hint);
        let name = self.names.claim(names::type_name(source));
        let mut files = BTreeSet::new();
        for property in &merged.properties {
            let schema = self
                .spec
                .boxed_schema(property.file, &property.at, &property.node)?;
            let inner = Shape::of(&schema.value);
            let is_file = inner.ty == Some("string")
                && (inner.format.as_deref() == Some("binary")
                    || schema
                        .value
                        .schema_data
                        .example
                        .as_ref()
                        .and_then(Value::as_str)
                        .is_some_and(|e| e.starts_with('@')));
            let is_file_list = inner.ty == Some("array")
                && inner.items.is_some_and(|items| match items {
                    ReferenceOr::Item(item) => Shape::of(item).format.as_deref() == Some("binary"),
                    ReferenceOr::Reference { .. } => false,
                });
            if is_file || is_file_list {
                files.insert((property.name.clone(), is_file_list));
            }
        }
        let doc = describe(&resolved.value, &shape);
        let mut def = self.struct_def(name.clone(), doc, merged, resolved.at.clone())?;
        for field in &mut def.fields {
            if files.contains(&(field.json_name.clone(), false)) {
                field.ty = TypeRef::File;
            } else if files.contains(&(field.json_name.clone(), true)) {
                field.ty = TypeRef::Array(Box::new(TypeRef::File));
            }
            field.form_part = Some(self.form_part(&field.ty));
        }
        def.form = true;
        def.is_eq = false;
        self.push_def(TypeDef::Struct(def));
        Ok(Some(name))
    }

    /// How a form field of type `ty` is sent: files as file parts, text and numbers as text,
    /// anything else as JSON text.
    fn form_part(&self, ty: &TypeRef) -> FormPart {
        match ty {
            TypeRef::File => FormPart::File,
            TypeRef::Array(inner) if **inner == TypeRef::File => FormPart::Files,
            TypeRef::String => FormPart::Text,
            TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => FormPart::Display,
            TypeRef::Named(name) if self.is_enum(name) => FormPart::EnumText,
            _ => FormPart::Json,
        }
    }
}
