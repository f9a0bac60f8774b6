//! Objects to structs (their fields, and flattened unions), objects without properties to
//! maps, and string enums.

use std::collections::HashSet;

use openapiv3::{AdditionalProperties, Schema};

use super::super::docs::describe;
use super::super::ir::{EnumDef, Field, StructDef, TypeDef, TypeRef, Variant};
use super::super::names::{self, ENUM_FALLBACKS, Scope};
use super::super::shape::Shape;
use super::{MergedObject, TypeBuilder};
use crate::error::{Location, Result};
use crate::load::{FileId, Resolved};

impl TypeBuilder<'_> {
    /// An object (merging its `allOf`): a struct, or a map when it declares no properties.
    pub(super) fn object_type(
        &mut self,
        resolved: &Resolved<'_, Schema>,
        shape: &Shape<'_>,
        name_source: &str,
        key: Option<(FileId, String)>,
    ) -> Result<TypeRef> {
        let at = &resolved.at;
        let file = resolved.file;
        let mut merged = MergedObject::default();
        self.merge_into(resolved, &mut merged, 0)?;
        for union_at in std::mem::take(&mut merged.unmerged) {
            self.approximate(
                &union_at,
                "a `oneOf` or `anyOf` with members that are not objects, beside properties",
                "a struct without it (its members are not read)",
                (),
            )?;
        }
        if merged.properties.is_empty() && merged.flattened.is_empty() {
            let ty = self.map_type(file, at, shape.additional, name_source)?;
            if let Some(key) = key {
                self.components.insert(key, ty.clone());
            }
            return Ok(ty);
        }
        let name = self.claim_type(&resolved.value, name_source);
        let ty = TypeRef::Named(name.clone());
        if let Some(key) = key {
            // Registered before the fields are built, so a field can refer back to it.
            self.components.insert(key, ty.clone());
        }
        let doc = describe(&resolved.value, shape);
        let def = self.struct_def(name, doc, merged, at.clone())?;
        self.push_def(TypeDef::Struct(def));
        Ok(ty)
    }

    /// An object without properties: a map if `additionalProperties` has a schema.
    fn map_type(
        &mut self,
        file: FileId,
        at: &Location,
        additional: Option<&AdditionalProperties>,
        name_source: &str,
    ) -> Result<TypeRef> {
        match additional {
            Some(AdditionalProperties::Schema(node)) => {
                let hint = format!("{name_source}Value");
                let value_at = at.join("additionalProperties");
                let value = self.in_container(|this| this.type_of(file, &value_at, node, &hint))?;
                Ok(TypeRef::Map(Box::new(value.ty)))
            }
            _ => Ok(TypeRef::JsonObject),
        }
    }

    pub(super) fn struct_def(
        &mut self,
        name: String,
        doc: Option<String>,
        merged: MergedObject,
        at: Location,
    ) -> Result<StructDef> {
        let mut idents = Scope::default();
        let mut fields = Vec::with_capacity(merged.properties.len());
        self.building.push(name.clone());
        let unions = std::mem::take(&mut self.unions);
        let fields_built = self.fields(&name, merged, &mut idents, &mut fields);
        self.unions = unions;
        self.building.pop();
        fields_built?;
        Ok(StructDef {
            name,
            doc,
            all_optional: fields.iter().all(|f| f.optional),
            is_eq: true,
            form: false,
            fields,
            at,
        })
    }

    /// The fields of struct `name`, from `merged`'s properties.
    fn fields(
        &mut self,
        name: &str,
        merged: MergedObject,
        idents: &mut Scope,
        fields: &mut Vec<Field>,
    ) -> Result<()> {
        // What the struct's own fields read is not there for a flattened union to read.
        let own: HashSet<String> = merged.properties.iter().map(|p| p.name.clone()).collect();
        for property in merged.properties {
            let hint = format!("{name}_{}", property.name);
            let typed = self.type_of_boxed(property.file, &property.at, &property.node, &hint)?;
            let required = merged.required.contains(&property.name);
            fields.push(Field {
                ident: idents.claim(names::snake(&property.name)),
                json_name: property.name,
                ty: self.boxed_if_cyclic(typed.ty),
                optional: !required || typed.nullable,
                required,
                flatten: false,
                form_part: None,
                doc: typed.doc,
                at: property.at,
            });
        }
        for flat in merged.flattened {
            let resolved = Resolved {
                value: std::borrow::Cow::Owned(flat.schema),
                at: flat.at,
                file: flat.file,
                component: None,
            };
            let shape = Shape::of(&resolved.value);
            let (members, keyword) = shape.union();
            let union_at = resolved.at.join(keyword);
            let mut shared = None;
            for (i, member) in members.iter().enumerate() {
                let member = self
                    .spec
                    .schema(resolved.file, &union_at.index(i), member)?;
                let mut properties = MergedObject::default();
                self.merge_into(&member, &mut properties, 0)?;
                shared = shared.or(properties
                    .properties
                    .into_iter()
                    .find(|p| own.contains(&p.name)));
            }
            if let Some(property) = shared {
                self.approximate(
                    &property.at,
                    "a `oneOf` or `anyOf` member with a property that the other members of the \
                     `allOf` also have (the struct reads it, the union cannot)",
                    "a struct without the union (its members are not read)",
                    (),
                )?;
                continue;
            }
            let hint = format!("{name}_{keyword}");
            let ty = self.union(&resolved, keyword, members, &hint, None)?;
            if self.decodes_into_building(&ty) {
                // Decoding the struct would try the union, which would try the struct, without
                // reading anything in between.
                self.approximate(
                    &union_at,
                    "a `oneOf` or `anyOf` beside properties whose member is the object itself",
                    "a struct without it (its members are not read)",
                    (),
                )?;
                continue;
            }
            fields.push(Field {
                ident: idents.claim(names::snake(keyword)),
                json_name: String::new(),
                ty,
                optional: false,
                required: true,
                flatten: true,
                form_part: None,
                at: union_at,
                doc: Some(format!(
                    "The members of the `{keyword}` beside the other properties, read from the \
                     same object."
                )),
            });
        }
        Ok(())
    }
}

/// The string enum `name` of the values `shape` lists (each once), with the catch-all variant;
/// `varnames` (`x-enum-varnames`), when given, names each value in `shape`'s order.
pub(super) fn enum_def(
    name: String,
    doc: Option<String>,
    shape: &Shape<'_>,
    at: Location,
    varnames: Option<&[String]>,
) -> EnumDef {
    let mut idents = Scope::default();
    let mut variants = Vec::new();
    let mut seen = HashSet::new();
    for (index, value) in shape.enumeration.iter().enumerate() {
        let Some(value) = value.as_str() else {
            continue;
        };
        if !seen.insert(value) {
            continue;
        }
        let named = varnames.and_then(|names| names.get(index));
        variants.push(Variant {
            ident: idents.claim(names::camel(named.map_or(value, String::as_str))),
            value: value.to_owned(),
            explicit: named.is_some(),
        });
    }
    let fallback = ENUM_FALLBACKS
        .iter()
        .copied()
        .find(|name| !idents.contains(name))
        .map(str::to_owned)
        .unwrap_or_else(|| idents.claim("Unknown".to_owned()));
    EnumDef {
        name,
        doc,
        variants,
        fallback,
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{def, types};
    use super::*;

    #[test]
    fn enums_keep_each_value_once_and_find_a_free_fallback() {
        let defs = types(
            "    Status: {type: string, enum: [ready, ready, unknown, other]}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let TypeDef::Enum(status) = def(&defs, "Status") else {
            panic!("{defs:#?}")
        };
        let values: Vec<&str> = status.variants.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(values, ["ready", "unknown", "other"]);
        assert_eq!(status.fallback, "UnknownValue");
    }

    #[test]
    fn x_enum_varnames_names_the_values_in_order_and_is_checked() {
        let defs = types(
            "    Version: {type: string, enum: ['1.0.0', '2.0.0'], x-enum-varnames: [V1, V2]}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let TypeDef::Enum(version) = def(&defs, "Version") else {
            panic!("{defs:#?}")
        };
        let named: Vec<(&str, &str)> = version
            .variants
            .iter()
            .map(|v| (v.ident.as_str(), v.value.as_str()))
            .collect();
        assert_eq!(named, [("V1", "1.0.0"), ("V2", "2.0.0")]);
        let short = types(
            "    Version: {type: string, enum: ['1.0.0', '2.0.0'], x-enum-varnames: [V1]}\n",
            false,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            short.contains("/components/schemas/Version/x-enum-varnames: not a valid OpenAPI 3.0 document here: must be 2 non-empty strings"),
            "{short}"
        );
    }

    #[test]
    fn objects_without_properties_are_maps_or_json_objects() {
        let defs = types(
            "    Tags: {type: object, additionalProperties: {type: string}}\n    Any: {type: object}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            matches!(def(&defs, "Tags"), TypeDef::Alias(a) if a.target == TypeRef::Map(Box::new(TypeRef::String)))
        );
        assert!(matches!(def(&defs, "Any"), TypeDef::Alias(a) if a.target == TypeRef::JsonObject));
    }

    #[test]
    fn a_struct_that_holds_itself_is_boxed_and_nullable_fields_are_options() {
        let defs = types(
            "    Node: {type: object, required: [next], properties: {next: {allOf: [{$ref: '#/components/schemas/Node'}], nullable: true}}}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let TypeDef::Struct(node) = def(&defs, "Node") else {
            panic!("{defs:#?}")
        };
        assert_eq!(
            node.fields[0].ty,
            TypeRef::Boxed(Box::new(TypeRef::Named("Node".into())))
        );
        assert!(node.fields[0].optional && node.fields[0].required);
    }
}
