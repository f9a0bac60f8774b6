//! Schemas to model types: what each schema becomes in Rust, and the name it gets.

use std::collections::{BTreeSet, HashMap};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde_json::Value;

use super::shape::Shape;
use super::{AliasDef, EnumDef, Field, StructDef, TypeDef, TypeRef, UnionDef, Variant};
use crate::error::{Error, Location, Result};
use crate::load::{FileId, Resolved, Spec};
use crate::naming::{self, Scope};

/// A property of an object, with where its schema stands (for `$ref`s inside it).
#[derive(Debug, Clone)]
pub struct Property {
    /// JSON name.
    pub name: String,
    /// The file its schema is written in.
    pub file: FileId,
    /// Where its schema stands.
    pub at: Location,
    /// The schema.
    pub node: ReferenceOr<Box<Schema>>,
}

/// An object's properties after merging `allOf`.
#[derive(Debug, Default)]
pub struct MergedObject {
    /// Properties; a later `allOf` member's property replaces an earlier one of the same name.
    pub properties: Vec<Property>,
    /// Names of required properties.
    pub required: BTreeSet<String>,
}

impl MergedObject {
    /// The property called `name`.
    pub fn get(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

/// A type with what a field of that type needs to know.
#[derive(Debug, Clone)]
pub struct Typed {
    /// The type.
    pub ty: TypeRef,
    /// `null` is an allowed value.
    pub nullable: bool,
    /// Documentation of the schema (description, then constraints).
    pub doc: Option<String>,
    /// `minLength`, `maxLength` of a string.
    pub length: (Option<usize>, Option<usize>),
}

/// Builds model types on demand, naming each once.
#[derive(Debug)]
pub struct TypeBuilder<'s> {
    spec: &'s Spec,
    names: Scope,
    components: HashMap<(FileId, String), TypeRef>,
    defs: Vec<TypeDef>,
    depth: usize,
    lenient: bool,
    notes: Vec<Error>,
    /// Components being resolved, with the alias name given to one that turned out to
    /// contain itself (through an array or a map).
    entering: HashMap<(FileId, String), Option<String>>,
    /// Structs whose fields are being built: a field of one of these types needs a `Box`.
    building: Vec<String>,
}

/// How deeply schemas may nest inside one another before we stop (a cycle through arrays or
/// maps, or a pathological spec).
const MAX_DEPTH: usize = 128;

impl<'s> TypeBuilder<'s> {
    /// A builder with no types yet. A `lenient` builder gives constructs it cannot express
    /// exactly the nearest faithful type and records a note; a strict one fails on them.
    pub fn new(spec: &'s Spec, lenient: bool) -> Self {
        Self {
            lenient,
            notes: Vec::new(),
            entering: HashMap::new(),
            building: Vec::new(),
            spec,
            names: Scope::default(),
            components: HashMap::new(),
            defs: Vec::new(),
            depth: 0,
        }
    }

    /// Keeps `name` from being given to a model (it names something else at the crate root).
    pub fn reserve(&mut self, name: &str) {
        if !self.names.contains(name) {
            self.names.claim(name.to_owned());
        }
    }

    /// Gives every component schema of every file a type, including those no operation uses;
    /// one that is a plain type (`string`, an array) becomes an alias (`type VideoId = String`).
    pub fn every_component(&mut self) -> Result<()> {
        let spec = self.spec;
        for (file_id, file) in spec.files.iter().enumerate() {
            let Some(components) = &file.doc.components else {
                continue;
            };
            let at = spec.root(file_id).join("components").join("schemas");
            for name in components.schemas.keys() {
                let schema_at = at.join(name);
                let reference = ReferenceOr::Reference {
                    reference: format!(
                        "#/components/schemas/{}",
                        name.replace('~', "~0").replace('/', "~1")
                    ),
                };
                let typed = self.type_of(file_id, &schema_at, &reference, name)?;
                if matches!(typed.ty, TypeRef::Named(_)) {
                    continue;
                }
                let alias = self.names.claim(naming::type_name(name));
                self.defs.push(TypeDef::Alias(AliasDef {
                    name: alias,
                    doc: typed.doc,
                    target: typed.ty,
                }));
            }
        }
        Ok(())
    }

    /// Claims a type name for something other than a model (a request type), so no model takes it.
    pub fn claim_name(&mut self, source: &str) -> String {
        self.names.claim(naming::type_name(source))
    }

    /// Whether the model called `name` is a string enum.
    pub fn is_enum(&self, name: &str) -> bool {
        self.defs
            .iter()
            .any(|d| matches!(d, TypeDef::Enum(e) if e.name == name))
    }

    /// The spec being read.
    pub fn spec(&self) -> &'s Spec {
        self.spec
    }

    /// The type of the schema `node` (standing at `at` in `file`); `hint` names it if it is an
    /// inline schema that needs a named type.
    pub fn type_of(
        &mut self,
        file: FileId,
        at: &Location,
        node: &ReferenceOr<Schema>,
        hint: &str,
    ) -> Result<Typed> {
        let resolved = self.spec.schema(file, at, node)?;
        self.nested(resolved, hint)
    }

    /// [`TypeBuilder::type_of`] for a boxed schema (properties, items).
    pub fn type_of_boxed(
        &mut self,
        file: FileId,
        at: &Location,
        node: &ReferenceOr<Box<Schema>>,
        hint: &str,
    ) -> Result<Typed> {
        let resolved = self.spec.boxed_schema(file, at, node)?;
        self.nested(resolved, hint)
    }

    fn nested(&mut self, resolved: Resolved<'_, Schema>, hint: &str) -> Result<Typed> {
        if self.depth >= MAX_DEPTH {
            return Err(unsupported(
                &resolved.at,
                "schemas nested more than 128 deep (a cycle through arrays or maps?)",
            ));
        }
        self.depth += 1;
        let typed = self.resolved(resolved, hint);
        self.depth -= 1;
        typed
    }

    /// The properties of `node` if it is an object (merging `allOf`), else `None`.
    pub fn object(
        &self,
        file: FileId,
        at: &Location,
        node: &ReferenceOr<Schema>,
    ) -> Result<Option<MergedObject>> {
        let resolved = self.spec.schema(file, at, node)?;
        let mut merged = MergedObject::default();
        if self.merge_into(&resolved, &mut merged, 0)? {
            Ok(Some(merged))
        } else {
            Ok(None)
        }
    }

    /// Reports `what` at `at`: an error when strict; when lenient, a note saying it was
    /// generated `as` something near, and `fallback`.
    pub fn approximate<T>(
        &mut self,
        at: &Location,
        what: &str,
        as_: &str,
        fallback: T,
    ) -> Result<T> {
        if self.lenient {
            self.notes
                .push(unsupported(at, &format!("{what}; generated as {as_}")));
            Ok(fallback)
        } else {
            Err(unsupported(at, what))
        }
    }

    /// The model types built so far, in the order they were named, and the notes on what was
    /// approximated.
    pub fn finish(self) -> (Vec<TypeDef>, Vec<Error>) {
        let mut defs = self.defs;
        // A struct is `Eq` when nothing inside it is a float or untyped JSON, directly or
        // through another struct; iterate until no more structs lose `Eq`.
        let mut not_eq: BTreeSet<String> = BTreeSet::new();
        loop {
            let before = not_eq.len();
            for def in &defs {
                let eq = match def {
                    TypeDef::Struct(s) => s.fields.iter().all(|f| is_eq(&f.ty, &not_eq)),
                    TypeDef::Union(u) => u.variants.iter().all(|(_, ty)| is_eq(ty, &not_eq)),
                    TypeDef::Alias(a) => is_eq(&a.target, &not_eq),
                    TypeDef::Enum(_) => true,
                };
                if !eq {
                    not_eq.insert(def.name().to_owned());
                }
            }
            if not_eq.len() == before {
                break;
            }
        }
        for def in &mut defs {
            match def {
                TypeDef::Struct(s) => s.is_eq = !not_eq.contains(&s.name),
                TypeDef::Union(u) => u.is_eq = !not_eq.contains(&u.name),
                TypeDef::Enum(_) | TypeDef::Alias(_) => {}
            }
        }
        (defs, self.notes)
    }

    fn resolved(&mut self, resolved: Resolved<'_, Schema>, hint: &str) -> Result<Typed> {
        let schema = resolved.value.as_ref();
        let shape = Shape::of(schema);
        let nullable = schema.schema_data.nullable || shape.enumeration.contains(&Value::Null);
        let doc = describe(schema, &shape);
        let length = (shape.min_length, shape.max_length);
        let key = resolved.component.clone().map(|c| (resolved.file, c));
        let ty = match key.as_ref().and_then(|k| self.components.get(k)) {
            Some(known) => known.clone(),
            None => match key.as_ref().and_then(|k| self.entering.get_mut(k)) {
                // Back at a component we are inside of: it contains itself. Refer to it by an
                // alias, defined once the component is done.
                Some(alias) => {
                    let name = match alias {
                        Some(name) => name.clone(),
                        None => {
                            let source = resolved.component.as_deref().unwrap_or(hint);
                            let name = self.names.claim(naming::type_name(source));
                            *alias = Some(name.clone());
                            name
                        }
                    };
                    TypeRef::Named(name)
                }
                None => {
                    let name_source = resolved.component.as_deref().unwrap_or(hint);
                    if let Some(key) = &key {
                        self.entering.insert(key.clone(), None);
                    }
                    let built = self.new_type(&resolved, &shape, name_source, key.clone());
                    let alias = key.as_ref().and_then(|k| self.entering.remove(k)).flatten();
                    match (built?, alias, key) {
                        (ty, Some(alias), Some(key)) if ty != TypeRef::Named(alias.clone()) => {
                            self.defs.push(TypeDef::Alias(AliasDef {
                                name: alias.clone(),
                                doc: describe(schema, &shape),
                                target: ty,
                            }));
                            self.remember(Some(key), TypeRef::Named(alias))
                        }
                        (ty, _, _) => ty,
                    }
                }
            },
        };
        Ok(Typed {
            ty,
            nullable,
            doc,
            length,
        })
    }

    /// Decides what a schema not seen before becomes, and builds its model if it needs one.
    fn new_type(
        &mut self,
        resolved: &Resolved<'_, Schema>,
        shape: &Shape<'_>,
        name_source: &str,
        key: Option<(FileId, String)>,
    ) -> Result<TypeRef> {
        let at = &resolved.at;
        let file = resolved.file;
        if shape.has_not {
            let ty = self.approximate(
                at,
                "`not` schemas have no Rust equivalent",
                "any JSON",
                TypeRef::Json,
            )?;
            return Ok(self.remember(key, ty));
        }
        let members = if shape.one_of.is_empty() {
            shape.any_of
        } else {
            shape.one_of
        };
        if !members.is_empty() {
            let keyword = if shape.one_of.is_empty() {
                "anyOf"
            } else {
                "oneOf"
            };
            if !shape.properties.is_empty() || !shape.all_of.is_empty() {
                let ty = self.approximate(
                    at,
                    &format!("`{keyword}` beside properties or `allOf`"),
                    "any JSON",
                    TypeRef::Json,
                )?;
                return Ok(self.remember(key, ty));
            }
            return self.union(resolved, keyword, members, name_source, key);
        }
        if !shape.all_of.is_empty() && shape.properties.is_empty() && shape.all_of.len() == 1 {
            // `allOf: [$ref]` with nothing beside it is the referenced type, renamed in spirit.
            let member_at = at.join("allOf").index(0);
            let member = self.type_of(file, &member_at, &shape.all_of[0], name_source)?;
            if let Some(key) = key {
                self.components.insert(key, member.ty.clone());
            }
            return Ok(member.ty);
        }
        if !shape.all_of.is_empty() || shape.is_object() {
            let mut merged = MergedObject::default();
            self.merge_into(resolved, &mut merged, 0)?;
            if merged.properties.is_empty() {
                let ty = self.map_type(file, at, shape.additional, name_source)?;
                if let Some(key) = key {
                    self.components.insert(key, ty.clone());
                }
                return Ok(ty);
            }
            let name = self.names.claim(naming::type_name(name_source));
            let ty = TypeRef::Named(name.clone());
            if let Some(key) = key {
                // Registered before the fields are built, so a field can refer back to it.
                self.components.insert(key, ty.clone());
            }
            let def = self.struct_def(name, describe(&resolved.value, shape), merged)?;
            self.defs.push(TypeDef::Struct(def));
            return Ok(ty);
        }
        let ty = match shape.ty {
            Some("string") | None
                if shape.enumeration.iter().any(Value::is_string)
                    && shape
                        .enumeration
                        .iter()
                        .all(|v| v.is_string() || v.is_null()) =>
            {
                let name = self.names.claim(naming::type_name(name_source));
                let def = enum_def(name.clone(), describe(&resolved.value, shape), shape);
                self.defs.push(TypeDef::Enum(def));
                TypeRef::Named(name)
            }
            Some("string") => TypeRef::String,
            Some("integer") => TypeRef::Integer,
            Some("number") => TypeRef::Number,
            Some("boolean") => TypeRef::Boolean,
            Some("array") => match shape.items {
                Some(items) => {
                    let item_hint = format!("{name_source}Item");
                    let item = self.type_of_boxed(file, &at.join("items"), items, &item_hint)?;
                    TypeRef::Array(Box::new(item.ty))
                }
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            None => TypeRef::Json,
            Some(other) => {
                return Err(Error::Invalid {
                    at: at.join("type"),
                    message: format!("unknown type `{other}`"),
                });
            }
        };
        if let Some(key) = key {
            self.components.insert(key, ty.clone());
        }
        Ok(ty)
    }

    /// `ty` in a `Box` when it is a struct still being built: a struct that contains itself
    /// directly would have no size.
    fn boxed_if_cyclic(&self, ty: TypeRef) -> TypeRef {
        match &ty {
            TypeRef::Named(name) if self.building.contains(name) => TypeRef::Boxed(Box::new(ty)),
            _ => ty,
        }
    }

    /// Registers what a component became (so it is built once) and returns it.
    fn remember(&mut self, key: Option<(FileId, String)>, ty: TypeRef) -> TypeRef {
        if let Some(key) = key {
            self.components.insert(key, ty.clone());
        }
        ty
    }

    /// `oneOf`/`anyOf`: one member is that member's type; several are an untagged enum.
    fn union(
        &mut self,
        resolved: &Resolved<'_, Schema>,
        keyword: &str,
        members: &[ReferenceOr<Schema>],
        name_source: &str,
        key: Option<(FileId, String)>,
    ) -> Result<TypeRef> {
        let at = &resolved.at;
        if let [only] = members {
            let member =
                self.type_of(resolved.file, &at.join(keyword).index(0), only, name_source)?;
            return Ok(self.remember(key, member.ty));
        }
        let name = self.names.claim(naming::type_name(name_source));
        let ty = self.remember(key, TypeRef::Named(name.clone()));
        let mut idents = Scope::default();
        let mut variants: Vec<(String, TypeRef)> = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            let hint = format!("{name}_option{}", i + 1);
            let member_at = at.join(keyword).index(i);
            let typed = self.type_of(resolved.file, &member_at, member, &hint)?;
            if variants.iter().any(|(_, existing)| *existing == typed.ty) {
                continue;
            }
            let ty = self.boxed_if_cyclic(typed.ty);
            variants.push((idents.claim(variant_name(&ty)), ty));
        }
        let doc = describe(&resolved.value, &Shape::of(&resolved.value));
        self.defs.push(TypeDef::Union(UnionDef {
            name,
            doc,
            variants,
            is_eq: true,
        }));
        Ok(ty)
    }

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
        if !is_object || merged.properties.is_empty() {
            return self.approximate(
                &resolved.at,
                "a multipart body that is not an object with properties",
                "a form the caller builds",
                None,
            );
        }
        let source = resolved.component.as_deref().unwrap_or(hint);
        let name = self.names.claim(naming::type_name(source));
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
        let mut def = self.struct_def(name.clone(), describe(&resolved.value, &shape), merged)?;
        for field in &mut def.fields {
            if files.contains(&(field.json_name.clone(), false)) {
                field.ty = TypeRef::File;
            } else if files.contains(&(field.json_name.clone(), true)) {
                field.ty = TypeRef::Array(Box::new(TypeRef::File));
            }
        }
        def.form = true;
        def.is_eq = false;
        self.defs.push(TypeDef::Struct(def));
        Ok(Some(name))
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
                let value = self.type_of(file, &at.join("additionalProperties"), node, &hint)?;
                Ok(TypeRef::Map(Box::new(value.ty)))
            }
            _ => Ok(TypeRef::JsonObject),
        }
    }

    fn struct_def(
        &mut self,
        name: String,
        doc: Option<String>,
        merged: MergedObject,
    ) -> Result<StructDef> {
        let mut idents = Scope::default();
        let mut fields = Vec::with_capacity(merged.properties.len());
        self.building.push(name.clone());
        for property in merged.properties {
            let hint = format!("{name}_{}", property.name);
            let typed = self.type_of_boxed(property.file, &property.at, &property.node, &hint);
            let typed = match typed {
                Ok(typed) => typed,
                Err(error) => {
                    self.building.pop();
                    return Err(error);
                }
            };
            let required = merged.required.contains(&property.name);
            fields.push(Field {
                ident: idents.claim(naming::snake(&property.name)),
                json_name: property.name,
                ty: self.boxed_if_cyclic(typed.ty),
                optional: !required || typed.nullable,
                required,
                doc: typed.doc,
            });
        }
        self.building.pop();
        Ok(StructDef {
            name,
            doc,
            all_optional: fields.iter().all(|f| f.optional),
            is_eq: true,
            form: false,
            fields,
        })
    }

    /// Adds the properties of `resolved` (its `allOf` members first, then its own) to `merged`.
    /// Returns whether it is an object at all.
    fn merge_into(
        &self,
        resolved: &Resolved<'_, Schema>,
        merged: &mut MergedObject,
        depth: usize,
    ) -> Result<bool> {
        if depth > 32 {
            return Err(unsupported(
                &resolved.at,
                "`allOf` nested more than 32 deep",
            ));
        }
        let shape = Shape::of(&resolved.value);
        let mut is_object = shape.is_object();
        for (i, member) in shape.all_of.iter().enumerate() {
            let member_at = resolved.at.join("allOf").index(i);
            let member = self.spec.schema(resolved.file, &member_at, member)?;
            is_object |= self.merge_into(&member, merged, depth + 1)?;
        }
        for (name, node) in &shape.properties {
            let property = Property {
                name: (*name).to_owned(),
                file: resolved.file,
                at: resolved.at.join("properties").join(name),
                node: (*node).clone(),
            };
            match merged.properties.iter_mut().find(|p| p.name == *name) {
                Some(existing) => *existing = property,
                None => merged.properties.push(property),
            }
        }
        merged.required.extend(shape.required.iter().cloned());
        Ok(is_object)
    }
}

fn enum_def(name: String, doc: Option<String>, shape: &Shape<'_>) -> EnumDef {
    let mut idents = Scope::default();
    let mut variants = Vec::new();
    for value in shape.enumeration.iter().filter_map(Value::as_str) {
        if variants.iter().any(|v: &Variant| v.value == value) {
            continue;
        }
        variants.push(Variant {
            ident: idents.claim(naming::camel(value)),
            value: value.to_owned(),
        });
    }
    let fallback = ["Unknown", "Other", "UnknownValue"]
        .into_iter()
        .find(|name| !idents.contains(name))
        .map(str::to_owned)
        .unwrap_or_else(|| idents.claim("Unknown".to_owned()));
    EnumDef {
        name,
        doc,
        variants,
        fallback,
    }
}

/// The variant name for a union member of type `ty`.
fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer => "Integer".to_owned(),
        TypeRef::Number => "Number".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::Unit => "Null".to_owned(),
        TypeRef::Json => "Json".to_owned(),
        TypeRef::JsonObject => "Object".to_owned(),
        TypeRef::File => "File".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("{}List", variant_name(inner)),
        TypeRef::Boxed(inner) => variant_name(inner),
        TypeRef::Map(inner) => format!("{}Map", variant_name(inner)),
    }
}

fn is_eq(ty: &TypeRef, not_eq: &BTreeSet<String>) -> bool {
    match ty {
        TypeRef::Number | TypeRef::Json | TypeRef::JsonObject | TypeRef::File => false,
        TypeRef::Named(name) => !not_eq.contains(name),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => is_eq(inner, not_eq),
        TypeRef::String | TypeRef::Integer | TypeRef::Boolean | TypeRef::Unit | TypeRef::Bytes => {
            true
        }
    }
}

/// The documentation of a schema: its description (or title), then its constraints.
pub fn describe(schema: &Schema, shape: &Shape<'_>) -> Option<String> {
    let data = &schema.schema_data;
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(text) = data.description.as_deref().or(data.title.as_deref()) {
        let text = text.trim();
        if !text.is_empty() {
            paragraphs.push(text.to_owned());
        }
    }
    let mut facts = Vec::new();
    match (&shape.minimum, &shape.maximum) {
        (Some(min), Some(max)) => facts.push(format!("From {min} to {max}.")),
        (Some(min), None) => facts.push(format!("At least {min}.")),
        (None, Some(max)) => facts.push(format!("At most {max}.")),
        (None, None) => {}
    }
    match (shape.min_length, shape.max_length) {
        (Some(min), Some(max)) => facts.push(format!("From {min} to {max} characters.")),
        (Some(min), None) => facts.push(format!("At least {min} characters.")),
        (None, Some(max)) => facts.push(format!("At most {max} characters.")),
        (None, None) => {}
    }
    if let Some(format) = &shape.format {
        facts.push(format!("Format: `{format}`."));
    }
    if !facts.is_empty() {
        paragraphs.push(facts.join(" "));
    }
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

fn unsupported(at: &Location, what: &str) -> Error {
    Error::Unsupported {
        at: at.clone(),
        what: what.to_owned(),
    }
}
