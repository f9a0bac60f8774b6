//! Multipart bodies: a struct whose fields are sent as the parts of a form.

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::super::docs::describe;
use super::super::ir::{FormPart, TypeDef, TypeRef};
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
        let name = self.claim_model_name(&resolved, hint);
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::load::Spec;

    #[test]
    fn form_fields_know_how_they_are_sent() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Kind: {type: string, enum: [a, b]}\n    Upload:\n      type: object\n      required: [file]\n      properties:\n        file: {type: string, format: binary}\n        curl: {type: string, example: '@/path/to/video.mp4'}\n        files: {type: array, items: {type: string, format: binary}}\n        name: {type: string}\n        size: {type: integer}\n        kind: {$ref: '#/components/schemas/Kind'}\n        meta: {type: object, properties: {a: {type: string}}}\n";
        let spec = Spec::from_sources(vec![(PathBuf::from("t.yaml"), text.to_owned())])
            .unwrap_or_else(|e| panic!("{e}"));
        let mut builder = TypeBuilder::new(&spec, false);
        let kind = ReferenceOr::Reference {
            reference: "#/components/schemas/Kind".into(),
        };
        builder
            .type_of(0, &spec.root(0), &kind, "Kind")
            .unwrap_or_else(|e| panic!("{e}"));
        let node = ReferenceOr::Reference {
            reference: "#/components/schemas/Upload".into(),
        };
        let name = builder
            .form_struct(0, &spec.root(0), &node, "Upload")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(name.as_deref(), Some("Upload"));
        let (defs, _, _) = builder.finish();
        let Some(TypeDef::Struct(upload)) = defs.iter().find(|d| d.name() == "Upload") else {
            panic!("{defs:#?}")
        };
        let parts: Vec<(&str, Option<FormPart>)> = upload
            .fields
            .iter()
            .map(|f| (f.json_name.as_str(), f.form_part))
            .collect();
        assert_eq!(
            parts,
            [
                ("file", Some(FormPart::File)),
                ("curl", Some(FormPart::File)),
                ("files", Some(FormPart::Files)),
                ("name", Some(FormPart::Text)),
                ("size", Some(FormPart::Display)),
                ("kind", Some(FormPart::EnumText)),
                ("meta", Some(FormPart::Json)),
            ]
        );
        assert!(upload.form && !upload.is_eq);
    }
}
