//! Schemas to model types: what each schema becomes in Rust, and the name it gets.
//!
//! One [`TypeBuilder`] holds the state of the conversion; its work is split by concern:
//!
//! - this file: the entry points, and what a schema not seen before becomes;
//! - [`merge`]: `allOf` merging, and what the members of a combination say of the value;
//! - [`objects`]: structs, their fields, maps and string enums;
//! - [`unions`]: `oneOf`/`anyOf` as untagged enums, and schemas that contain themselves;
//! - [`forms`]: multipart bodies;
//! - [`layout`]: the passes over the finished types: boxing cycles and large variants, `Eq`.

mod envelope;
mod explicit;
mod forms;
mod layout;
mod merge;
mod objects;
mod unions;

use std::collections::{BTreeSet, HashMap, HashSet};

use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use super::cloudflare;
use super::docs::describe;
use super::ir::{AliasDef, TypeDef, TypeRef};
use super::names::{self, Scope};
use super::shape::Shape;
use crate::error::{Error, Location, Result};
use crate::load::{FileId, Resolved, Spec};

pub use envelope::{Envelope, envelope, envelope_extras};
pub use merge::MergedObject;
use unions::{Entered, Frame, self_contained};

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
    /// Where each model stands in `defs`, by name.
    index: HashMap<String, usize>,
    /// The prefix every component of a file shares (`stream_`), by file, once asked for.
    prefixes: HashMap<FileId, Option<String>>,
    /// The type names given to the schemas that asked for them by `x-rust-name` (the lock
    /// leaves these alone).
    explicit: HashSet<String>,
    /// The names schemas ask for by `x-rust-name`, kept for them (taken in `names`) until
    /// they are given, with where each asking schema stands.
    asked: HashMap<String, Location>,
    /// The names asked for by schemas whose type is one of their members' (a `oneOf` of one,
    /// an `allOf` of one object and annotations), innermost last, while that member is built:
    /// the member's type takes the name.
    heirs: Vec<String>,
    depth: usize,
    lenient: bool,
    notes: Vec<Error>,
    /// Schemas being resolved (components, and inline schemas, which a merged `allOf` can
    /// bring back inside themselves), with the alias name given to one that turned out to
    /// contain itself (through an array, a map or another schema's properties).
    entering: HashMap<Entered, Option<String>>,
    /// Structs whose fields are being built: a field of one of these types needs a `Box`.
    building: Vec<String>,
    /// The unions whose members are being built and the schemas being resolved, innermost
    /// last, since the last object, array or map (decoding one of those reads input, so it
    /// clears the list): a union member that is one of these would make decoding try itself
    /// without reading anything.
    unions: Vec<Frame>,
}

/// How deeply schemas may nest inside one another before we stop: a pathological spec (a
/// schema met again inside itself is a cycle, and stops at once). The model is built on a
/// thread whose stack holds this depth even in a debug build (`model::BUILD_STACK`).
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
            unions: Vec::new(),
            spec,
            names: Scope::default(),
            components: HashMap::new(),
            defs: Vec::new(),
            index: HashMap::new(),
            prefixes: HashMap::new(),
            explicit: HashSet::new(),
            asked: HashMap::new(),
            heirs: Vec::new(),
            depth: 0,
        }
    }

    /// Keeps `name` from being given to a model (it names something else at the crate root).
    pub fn reserve(&mut self, name: &str) {
        if !self.names.contains(name) {
            self.names.claim(name.to_owned());
        }
    }

    /// Keeps every name the spec asks for by `x-rust-name` for the schema that asks, whatever
    /// order the types are then reached in: a derived name that would take one is numbered
    /// instead. Called before any type is built, once the crate root's names are reserved.
    /// Two schemas asking for one name, or for a name the crate root uses, are refused (when
    /// lenient: a note, and the later one's type is numbered).
    pub fn keep_asked_names(&mut self) -> Result<()> {
        for asked in explicit::asked_names(self.spec) {
            if let Some(first) = self.asked.get(&asked.name) {
                let duplicate = Error::Duplicate {
                    what: format!("`x-rust-name` for the type name `{}`", asked.name),
                    first: first.clone(),
                    at: asked.at,
                };
                self.tolerate(
                    duplicate,
                    "the first schema has the name; this one is numbered",
                )?;
            } else if self.names.contains(&asked.name) {
                let what = format!(
                    "`x-rust-name` asks for `{}`, the name of a resource at the crate root; \
                     choose another",
                    asked.name
                );
                self.tolerate(unsupported(&asked.at, &what), "the type is numbered")?;
            } else {
                self.names.claim(asked.name.clone());
                self.asked.insert(asked.name, asked.at);
            }
        }
        Ok(())
    }

    /// Gives every component schema of every file a type, including those no operation uses;
    /// one that is a plain type (`string`, an array) becomes an alias (`type VideoId = String`).
    pub fn every_component(&mut self) -> Result<()> {
        let spec = self.spec;
        for (file_id, file) in spec.files.iter().enumerate() {
            let Some(components) = &file.doc.components else {
                continue;
            };
            for name in components.schemas.keys() {
                let resolved = spec.component_schema(file_id, name)?;
                let at = spec
                    .root(file_id)
                    .join("components")
                    .join("schemas")
                    .join(name);
                let typed = self.nested(resolved, name)?;
                if matches!(typed.ty, TypeRef::Named(_)) {
                    continue;
                }
                let resolved = spec.component_schema(file_id, name)?;
                let alias = self.claim_model_name(&resolved, name);
                self.push_def(TypeDef::Alias(AliasDef {
                    name: alias,
                    doc: typed.doc,
                    target: typed.ty,
                    at,
                }));
            }
        }
        Ok(())
    }

    /// Whether the model called `name` is a string enum.
    pub fn is_enum(&self, name: &str) -> bool {
        matches!(self.def(name), Some(TypeDef::Enum(_)))
    }

    /// The model called `name`, if it is defined yet.
    fn def(&self, name: &str) -> Option<&TypeDef> {
        self.index.get(name).map(|&i| &self.defs[i])
    }

    /// What a schema's type is named after: its `x-rust-name`; else, for a component, its name
    /// less noise ([`cloudflare::denoise`], and the prefix every component of its file shares);
    /// else `hint`, which says where it stands.
    fn name_source(
        spec: &Spec,
        prefixes: &mut HashMap<FileId, Option<String>>,
        resolved: &Resolved<'_, Schema>,
        hint: &str,
    ) -> String {
        if let Some(name) = explicit::asked_name(&resolved.value) {
            return name.to_owned();
        }
        let Some(component) = &resolved.component else {
            return hint.to_owned();
        };
        let prefix = prefixes.entry(resolved.file).or_insert_with(|| {
            let denoised: Vec<String> = spec.files[resolved.file]
                .doc
                .components
                .iter()
                .flat_map(|c| c.schemas.keys())
                .map(|name| cloudflare::denoise(name))
                .collect();
            let names: Vec<&str> = denoised.iter().map(String::as_str).collect();
            names::shared_prefix(&names).map(str::to_owned)
        });
        let denoised = cloudflare::denoise(component);
        match prefix {
            Some(prefix) => denoised
                .strip_prefix(prefix.as_str())
                .map_or(denoised.clone(), str::to_owned),
            None => denoised,
        }
    }

    /// Claims the name of a new model made from `resolved`: its [`Self::name_source`] as a
    /// type name (see [`Self::claim_type`]).
    fn claim_model_name(&mut self, resolved: &Resolved<'_, Schema>, hint: &str) -> String {
        let source = Self::name_source(self.spec, &mut self.prefixes, resolved, hint);
        self.claim_type(&resolved.value, &source)
    }

    /// Claims `source`, as a type name, for a model made from `schema`. The name `schema` asks
    /// for by `x-rust-name` (or that the schema whose type this is asks for, see `heirs`) is
    /// given as it is, the first time, if it was kept for it or is free; any other name is
    /// numbered if it is taken.
    fn claim_type(&mut self, schema: &Schema, source: &str) -> String {
        let name = names::type_name(source);
        let asks = explicit::asked_name(schema)
            .is_some_and(|asked| names::type_name(asked) == name)
            || self.heirs.last() == Some(&name);
        if asks && (self.asked.remove(&name).is_some() || !self.names.contains(&name)) {
            if !self.names.contains(&name) {
                self.names.claim(name.clone());
            }
            self.explicit.insert(name.clone());
            return name;
        }
        self.names.claim(name)
    }

    /// The type of `member`, a member of `parent` (at `at`) whose type is `parent`'s own:
    /// named from `name_source` as `parent` would be, and given the name `parent` asks for by
    /// `x-rust-name`, if it asks.
    fn stand_in(
        &mut self,
        parent: &Schema,
        file: FileId,
        at: &Location,
        member: &ReferenceOr<Schema>,
        name_source: &str,
    ) -> Result<Typed> {
        let Some(asked) = explicit::asked_name(parent) else {
            return self.type_of(file, at, member, name_source);
        };
        self.heirs.push(names::type_name(asked));
        let typed = self.type_of(file, at, member, name_source);
        self.heirs.pop();
        typed
    }

    /// Defines a model (its name was claimed before).
    fn push_def(&mut self, def: TypeDef) {
        self.index.insert(def.name().to_owned(), self.defs.len());
        self.defs.push(def);
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
                "schemas nested more than 128 deep (through `$ref`s, arrays, maps or properties)",
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

    /// Reports `problem`: the error itself when strict; when lenient, a note saying what was
    /// done (`outcome`).
    pub fn tolerate(&mut self, problem: Error, outcome: &str) -> Result<()> {
        if self.lenient {
            self.notes.push(Error::Tolerated {
                problem: Box::new(problem),
                outcome: outcome.to_owned(),
            });
            Ok(())
        } else {
            Err(problem)
        }
    }

    /// The model types built so far, in the order they were named, the notes on what was
    /// approximated, and the names `x-rust-name` gave.
    pub fn finish(self) -> (Vec<TypeDef>, Vec<Error>, BTreeSet<String>) {
        let pinned = self
            .defs
            .iter()
            .map(TypeDef::name)
            .filter(|name| self.explicit.contains(*name))
            .map(str::to_owned)
            .collect();
        (layout::finish(self.defs), self.notes, pinned)
    }

    fn resolved(&mut self, resolved: Resolved<'_, Schema>, hint: &str) -> Result<Typed> {
        let schema = resolved.value.as_ref();
        let shape = Shape::of(schema);
        let nullable = schema.schema_data.nullable || shape.enumeration.contains(&Value::Null);
        let doc = describe(schema, &shape);
        let length = (shape.min_length, shape.max_length);
        let key = resolved.component.clone().map(|c| (resolved.file, c));
        let entered = match &key {
            Some(key) => Entered::Component(key.clone()),
            None => Entered::Inline(resolved.at.clone()),
        };
        let ty = match key.as_ref().and_then(|k| self.components.get(k)) {
            Some(known) => known.clone(),
            None => match self.entering.get(&entered).cloned() {
                // Back at a schema we are inside of: it contains itself. Refer to it by an
                // alias, defined once the schema is done.
                Some(Some(alias)) => TypeRef::Named(alias),
                Some(None) => {
                    let alias = self.claim_model_name(&resolved, hint);
                    self.entering.insert(entered.clone(), Some(alias.clone()));
                    TypeRef::Named(alias)
                }
                None => {
                    let name_source =
                        Self::name_source(self.spec, &mut self.prefixes, &resolved, hint);
                    self.entering.insert(entered.clone(), None);
                    self.unions.push(Frame::Schema(entered.clone()));
                    let built = self.new_type(&resolved, &shape, &name_source, key.clone());
                    self.unions.pop();
                    let alias = self.entering.remove(&entered).flatten();
                    match (built?, alias) {
                        (ty, Some(alias)) => {
                            let doc = describe(schema, &shape);
                            self.push_def(self_contained(
                                alias.clone(),
                                doc,
                                ty,
                                resolved.at.clone(),
                            ));
                            self.remember(key, TypeRef::Named(alias))
                        }
                        (ty, None) => ty,
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
        let (members, keyword) = shape.union();
        if !members.is_empty() {
            if !shape.properties.is_empty() || !shape.all_of.is_empty() {
                let ty = self.approximate(
                    at,
                    &format!("`{keyword}` beside properties or `allOf`"),
                    "any JSON",
                    TypeRef::Json,
                )?;
                return Ok(self.remember(key, ty));
            }
            // Cloudflare's envelope written as a union is the object it means (`merge.rs`).
            if !self.is_envelope_written_as_union(resolved, keyword, members, 0) {
                return self.union(resolved, keyword, members, name_source, key);
            }
            return self.object_type(resolved, shape, name_source, key);
        }
        if !shape.all_of.is_empty()
            && let Some(ty) = self.all_of_type(resolved, shape, name_source)?
        {
            return Ok(self.remember(key, ty));
        }
        if !shape.all_of.is_empty() || shape.is_object() {
            return self.object_type(resolved, shape, name_source, key);
        }
        let ty = match shape.ty {
            Some("string") | None
                if shape.enumeration.iter().any(Value::is_string)
                    && shape
                        .enumeration
                        .iter()
                        .all(|v| v.is_string() || v.is_null()) =>
            {
                let name = self.claim_type(&resolved.value, name_source);
                let doc = describe(&resolved.value, shape);
                let varnames = cloudflare::enum_varnames(
                    resolved
                        .value
                        .schema_data
                        .extensions
                        .get(cloudflare::ENUM_VARNAMES),
                    shape.enumeration.len(),
                    at,
                )?;
                let def =
                    objects::enum_def(name.clone(), doc, shape, at.clone(), varnames.as_deref());
                self.push_def(TypeDef::Enum(def));
                TypeRef::Named(name)
            }
            Some("string") => TypeRef::String,
            Some("integer") => TypeRef::Integer,
            Some("number") => TypeRef::Number,
            Some("boolean") => TypeRef::Boolean,
            Some("array") => match shape.items {
                Some(items) => {
                    let item_hint = format!("{name_source}Item");
                    let items_at = at.join("items");
                    let item = self.in_container(|this| {
                        this.type_of_boxed(file, &items_at, items, &item_hint)
                    })?;
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
}

fn unsupported(at: &Location, what: &str) -> Error {
    Error::Unsupported {
        at: at.clone(),
        what: what.to_owned(),
    }
}

/// Builds types from small specs, for the unit tests of this module's files.
#[cfg(test)]
pub(super) mod testing {
    use std::path::PathBuf;

    use super::TypeBuilder;
    use crate::load::Spec;
    use crate::model::ir::TypeDef;

    /// A spec of one file whose component schemas are `schemas` (YAML, indented by four).
    pub fn spec(schemas: &str) -> Spec {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        Spec::from_sources(vec![(PathBuf::from("t.yaml"), text)]).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Every component of `schemas` as a type, finished; or the error.
    pub fn types(schemas: &str, lenient: bool) -> crate::Result<Vec<TypeDef>> {
        let spec = spec(schemas);
        let mut builder = TypeBuilder::new(&spec, lenient);
        builder.every_component()?;
        Ok(builder.finish().0)
    }

    /// The type called `name`.
    pub fn def<'a>(defs: &'a [TypeDef], name: &str) -> &'a TypeDef {
        defs.iter()
            .find(|d| d.name() == name)
            .unwrap_or_else(|| panic!("no type {name} in {defs:#?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{def, types};
    use crate::model::ir::TypeDef;

    #[test]
    fn plain_components_become_aliases_and_objects_structs() {
        let defs = types(
            "    Id: {type: string, maxLength: 32}\n    Video: {type: object, properties: {id: {$ref: '#/components/schemas/Id'}}}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let TypeDef::Alias(id) = def(&defs, "Id") else {
            panic!("{defs:#?}")
        };
        assert_eq!(id.doc.as_deref(), Some("At most 32 characters."));
        assert_eq!(id.at.pointer, "/components/schemas/Id");
        let TypeDef::Struct(video) = def(&defs, "Video") else {
            panic!("{defs:#?}")
        };
        assert_eq!(
            video.fields[0].at.pointer,
            "/components/schemas/Video/properties/id"
        );
    }

    #[test]
    fn not_schemas_are_refused_strictly_and_any_json_leniently() {
        let schemas = "    No: {not: {type: string}}\n";
        let error = types(schemas, false).expect_err("strict");
        assert!(error.to_string().contains("`not`"), "{error}");
        let defs = types(schemas, true).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            matches!(def(&defs, "No"), TypeDef::Alias(a) if a.target == crate::model::TypeRef::Json)
        );
    }
}
