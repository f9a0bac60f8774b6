//! Schemas to model types: what each schema becomes in Rust, and the name it gets.

use std::collections::{BTreeSet, HashMap, HashSet};

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

/// A `oneOf` or `anyOf` of objects met while merging an `allOf`: its members' properties
/// stand beside the merged ones, so it becomes a flattened field.
#[derive(Debug)]
pub struct FlatUnion {
    /// The file of the schema that holds it.
    pub file: FileId,
    /// Where that schema stands.
    pub at: Location,
    /// That schema.
    pub schema: Schema,
}

/// An object's properties after merging `allOf`.
#[derive(Debug, Default)]
pub struct MergedObject {
    /// Properties; a later `allOf` member's property replaces an earlier one of the same name.
    pub properties: Vec<Property>,
    /// Unions of objects, read from the same object as the properties.
    pub flattened: Vec<FlatUnion>,
    /// Unions that cannot stand beside properties (a member is not an object).
    pub unmerged: Vec<Location>,
    /// Names of required properties.
    pub required: BTreeSet<String>,
    /// Where each property is in `properties`, so that huge objects merge in linear time.
    positions: HashMap<String, usize>,
    /// How many schemas were merged so far (see [`MAX_MERGED`]).
    merged: usize,
    /// The components being merged, outermost first.
    within: Vec<(FileId, String)>,
}

impl MergedObject {
    /// The property called `name`.
    pub fn get(&self, name: &str) -> Option<&Property> {
        self.positions.get(name).map(|&i| &self.properties[i])
    }

    /// Adds `property`, or replaces the one of the same name where it stands.
    fn insert(&mut self, property: Property) {
        match self.positions.get(&property.name) {
            Some(&i) => self.properties[i] = property,
            None => {
                self.positions
                    .insert(property.name.clone(), self.properties.len());
                self.properties.push(property);
            }
        }
    }
}

/// How many schemas one object may merge through `allOf`. Each `allOf` member is merged
/// where it appears, so a chain of schemas that each include the next twice doubles at every
/// link; this bounds the work (real specs merge a few dozen).
const MAX_MERGED: usize = 10_000;

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

/// A schema being resolved: a component by name, an inline schema by where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Entered {
    Component((FileId, String)),
    Inline(Location),
}

/// An entry of [`TypeBuilder::unions`].
#[derive(Debug)]
enum Frame {
    /// A union, by name.
    Union(String),
    /// A schema being resolved.
    Schema(Entered),
}

/// What a union member that names a type is to the union.
enum Recursion {
    /// Something else.
    None,
    /// The union itself: `U = U | X` is `X`, the member adds nothing.
    Itself,
    /// Another union that holds this one: decoding would go round for ever.
    Through(String),
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
            for name in components.schemas.keys() {
                let resolved = spec.component_schema(file_id, name)?;
                let typed = self.nested(resolved, name)?;
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

    /// The model types built so far, in the order they were named, and the notes on what was
    /// approximated.
    pub fn finish(self) -> (Vec<TypeDef>, Vec<Error>) {
        let mut defs = self.defs;
        // Boxing changes types, never names: one index serves both.
        let index = index_by_name(&defs);
        box_cycles(&mut defs, &index);
        box_large_variants(&mut defs, &index);
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
        let entered = match &key {
            Some(key) => Entered::Component(key.clone()),
            None => Entered::Inline(resolved.at.clone()),
        };
        let ty = match key.as_ref().and_then(|k| self.components.get(k)) {
            Some(known) => known.clone(),
            None => match self.entering.get_mut(&entered) {
                // Back at a schema we are inside of: it contains itself. Refer to it by an
                // alias, defined once the schema is done.
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
                    self.entering.insert(entered.clone(), None);
                    self.unions.push(Frame::Schema(entered.clone()));
                    let built = self.new_type(&resolved, &shape, name_source, key.clone());
                    self.unions.pop();
                    let alias = self.entering.remove(&entered).flatten();
                    match (built?, alias) {
                        (ty, Some(alias)) => {
                            let doc = describe(schema, &shape);
                            self.defs.push(self_contained(alias.clone(), doc, ty));
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
            return self.union(resolved, keyword, members, name_source, key);
        }
        if !shape.all_of.is_empty() {
            let kinds = self.kinds_of(resolved, "allOf", shape.all_of, 0)?;
            // Own properties make an object of it, whatever the members say.
            let own = !shape.properties.is_empty();
            let count = |wanted: &MemberKind| kinds.iter().filter(|k| *k == wanted).count();
            let objects = count(&MemberKind::Object) + count(&MemberKind::Union);
            let others: Vec<usize> = (0..kinds.len())
                .filter(|i| matches!(kinds[*i], MemberKind::Other(_)))
                .collect();
            let scalar_types: BTreeSet<&str> = kinds
                .iter()
                .filter_map(|k| match k {
                    MemberKind::Other(Some(ty)) => Some(ty.as_str()),
                    _ => None,
                })
                .collect();
            if kinds.contains(&MemberKind::Mixed)
                || scalar_types.len() > 1
                || (!others.is_empty() && (own || objects > 0))
            {
                // A value cannot be an object and a string at once, nor two kinds of scalar:
                // the spec contradicts itself.
                let ty = self.approximate(
                    at,
                    "`allOf` whose members are of different types",
                    "any JSON",
                    TypeRef::Json,
                )?;
                return Ok(self.remember(key, ty));
            }
            let member = if own {
                None
            } else if objects == 0 {
                // Scalars of one type and annotations (`[string, {minLength: 1}]`, or
                // `[$ref: Name, {description: ...}]`): the member that names the type.
                let typed = others
                    .iter()
                    .copied()
                    .find(|i| matches!(kinds[*i], MemberKind::Other(Some(_))));
                Some(typed.or(others.first().copied()).unwrap_or(0))
            } else if objects == 1 && others.is_empty() {
                // One object (or union) and annotations: that object.
                kinds
                    .iter()
                    .position(|k| matches!(k, MemberKind::Object | MemberKind::Union))
            } else {
                None
            };
            if let Some(index) = member {
                let member_at = at.join("allOf").index(index);
                let member = self.type_of(file, &member_at, &shape.all_of[index], name_source)?;
                return Ok(self.remember(key, member.ty));
            }
        }
        if !shape.all_of.is_empty() || shape.is_object() {
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
        self.unions.push(Frame::Union(name.clone()));
        let variants = self.variants(resolved, keyword, members, &name);
        self.unions.pop();
        let variants = variants?;
        let doc = describe(&resolved.value, &Shape::of(&resolved.value));
        self.defs.push(if variants.is_empty() {
            // Every member was the union itself: `U = U` says nothing, so any JSON.
            TypeDef::Alias(AliasDef {
                name,
                doc,
                target: TypeRef::Json,
            })
        } else {
            TypeDef::Union(UnionDef {
                name,
                doc,
                variants,
                is_eq: true,
            })
        });
        Ok(ty)
    }

    /// The variants of union `name`, one per distinct member type, in spec order.
    fn variants(
        &mut self,
        resolved: &Resolved<'_, Schema>,
        keyword: &str,
        members: &[ReferenceOr<Schema>],
        name: &str,
    ) -> Result<Vec<(String, TypeRef)>> {
        let at = &resolved.at;
        let mut idents = Scope::default();
        let mut seen = HashSet::new();
        let mut variants: Vec<(String, TypeRef)> = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            // An inline member is named after its title when it has one (`Account App`), else
            // after its place.
            let title = match member {
                ReferenceOr::Item(schema) => schema
                    .schema_data
                    .title
                    .as_deref()
                    .filter(|t| t.chars().any(char::is_alphanumeric)),
                ReferenceOr::Reference { .. } => None,
            };
            let hint = match title {
                Some(title) => format!("{name}_{title}"),
                None => format!("{name}_option{}", i + 1),
            };
            let member_at = at.join(keyword).index(i);
            let typed = self.type_of(resolved.file, &member_at, member, &hint)?;
            let ty = match typed.ty {
                TypeRef::Named(member) => match self.recursion(&member, name) {
                    // A member built before, which tries this union in turn (it was built
                    // inside an object of this union, where the union did not count).
                    Recursion::None
                        if self.decode_reaches(
                            &TypeRef::Named(member.clone()),
                            |n| n == name,
                            false,
                        ) =>
                    {
                        self.approximate(
                            &member_at,
                            &format!(
                                "a `{keyword}` member that is, through `{member}`, the union \
                                 itself, with no object or array in between"
                            ),
                            "any JSON",
                            TypeRef::Json,
                        )?
                    }
                    Recursion::None => TypeRef::Named(member),
                    // `U = U | X` is `X` (and decoding would try `U` for ever).
                    Recursion::Itself => continue,
                    Recursion::Through(other) => self.approximate(
                        &member_at,
                        &format!(
                            "a `{keyword}` member that is, through `{other}`, the union itself, \
                             with no object or array in between"
                        ),
                        "any JSON",
                        TypeRef::Json,
                    )?,
                },
                ty => ty,
            };
            if !seen.insert(ty.clone()) {
                continue;
            }
            let ty = self.boxed_if_cyclic(ty);
            variants.push((idents.claim(variant_name(&ty)), ty));
        }
        Ok(variants)
    }

    /// What `member`, the type of a member of union `name`, is to the union.
    fn recursion(&self, member: &str, name: &str) -> Recursion {
        if member == name {
            return Recursion::Itself;
        }
        let mut unions_between = false;
        // Innermost first; the first frame is the union itself.
        for frame in self.unions.iter().rev() {
            match frame {
                Frame::Union(union) if union == name => {}
                Frame::Union(union) if union == member => {
                    return Recursion::Through(union.clone());
                }
                Frame::Union(_) => unions_between = true,
                // A schema around the union that refers back to itself: with no other union
                // in between, its type is this union (only `$ref`s and one-member `allOf` or
                // `oneOf` lie between), so the member is the union itself.
                Frame::Schema(key) => {
                    if self.entering.get(key).and_then(Option::as_deref) == Some(member) {
                        return if unions_between {
                            Recursion::Through(member.to_owned())
                        } else {
                            Recursion::Itself
                        };
                    }
                }
            }
        }
        Recursion::None
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
                let value_at = at.join("additionalProperties");
                let value = self.in_container(|this| this.type_of(file, &value_at, node, &hint))?;
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
                ident: idents.claim(naming::snake(&property.name)),
                json_name: property.name,
                ty: self.boxed_if_cyclic(typed.ty),
                optional: !required || typed.nullable,
                required,
                flatten: false,
                doc: typed.doc,
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
                ident: idents.claim(naming::snake(keyword)),
                json_name: String::new(),
                ty,
                optional: false,
                required: true,
                flatten: true,
                doc: Some(format!(
                    "The members of the `{keyword}` beside the other properties, read from the \
                     same object."
                )),
            });
        }
        Ok(())
    }

    /// Whether decoding `ty` may come back to a type still being built without reading
    /// anything: through unions, aliases and flattened fields. A type not defined yet is one
    /// being built (a struct, a union, or the alias of a schema that contains itself), so
    /// meeting one counts.
    fn decodes_into_building(&self, ty: &TypeRef) -> bool {
        self.decode_reaches(ty, |name| self.building.iter().any(|b| b == name), true)
    }

    /// Whether decoding `ty` tries a type that `hit` accepts before reading anything: through
    /// the types defined so far (unions try their members, aliases their target, structs
    /// their flattened fields). `undefined` is the answer for a type not defined yet.
    fn decode_reaches(&self, ty: &TypeRef, hit: impl Fn(&str) -> bool, undefined: bool) -> bool {
        let mut seen = HashSet::new();
        let mut pending = vec![ty.clone()];
        while let Some(ty) = pending.pop() {
            let name = match ty {
                TypeRef::Named(name) => name,
                TypeRef::Boxed(inner) => {
                    pending.push(*inner);
                    continue;
                }
                _ => continue,
            };
            if hit(&name) {
                return true;
            }
            if !seen.insert(name.clone()) {
                continue;
            }
            match self.defs.iter().find(|def| def.name() == name) {
                Some(TypeDef::Union(u)) => {
                    pending.extend(u.variants.iter().map(|(_, ty)| ty.clone()));
                }
                Some(TypeDef::Alias(a)) => pending.push(a.target.clone()),
                Some(TypeDef::Struct(s)) => {
                    pending.extend(s.fields.iter().filter(|f| f.flatten).map(|f| f.ty.clone()))
                }
                Some(TypeDef::Enum(_)) => {}
                None if undefined => return true,
                None => {}
            }
        }
        false
    }

    /// Runs `build` for what an array, map or object holds: decoding it reads input, so the
    /// unions around it no longer count as trying themselves.
    fn in_container<T>(&mut self, build: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let unions = std::mem::take(&mut self.unions);
        let built = build(self);
        self.unions = unions;
        built
    }

    /// What each member of `resolved`'s `keyword` (`allOf`, `oneOf`, `anyOf`) says of the
    /// value (see [`MemberKind`]), looked at `depth` levels down.
    fn kinds_of(
        &self,
        resolved: &Resolved<'_, Schema>,
        keyword: &str,
        members: &[ReferenceOr<Schema>],
        depth: usize,
    ) -> Result<Vec<MemberKind>> {
        members
            .iter()
            .enumerate()
            .map(|(i, member)| {
                let member_at = resolved.at.join(keyword).index(i);
                let member = self.spec.schema(resolved.file, &member_at, member)?;
                self.kind_of(&member, depth)
            })
            .collect()
    }

    /// What the schema `resolved` says of a value, looking through `allOf`, and `oneOf` or
    /// `anyOf`, `depth` levels down already.
    fn kind_of(&self, resolved: &Resolved<'_, Schema>, depth: usize) -> Result<MemberKind> {
        let shape = Shape::of(&resolved.value);
        // Deep (or a cycle): an object, which the merge bounds on its own.
        if shape.is_object() || depth > 16 {
            return Ok(MemberKind::Object);
        }
        let (list, keyword) = if shape.all_of.is_empty() {
            shape.union()
        } else {
            (shape.all_of, "allOf")
        };
        let kinds = self.kinds_of(resolved, keyword, list, depth + 1)?;
        if keyword == "allOf" {
            return Ok(combined(&kinds));
        }
        Ok(match kinds.as_slice() {
            [] => {
                if shape.ty.is_none()
                    && shape.enumeration.is_empty()
                    && shape.items.is_none()
                    && shape.additional.is_none()
                    && !shape.has_not
                {
                    MemberKind::Annotation
                } else {
                    MemberKind::Other(shape.ty.map(str::to_owned))
                }
            }
            // A union of one is that one; members that only annotate (`required: [a]`) say
            // nothing of the type.
            several => {
                let typed: Vec<&MemberKind> = several
                    .iter()
                    .filter(|k| **k != MemberKind::Annotation)
                    .collect();
                match typed[..] {
                    [] => MemberKind::Annotation,
                    [only] => only.clone(),
                    _ if typed.iter().all(|k| **k == MemberKind::Object) => MemberKind::Union,
                    _ => MemberKind::Other(None),
                }
            }
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
        let key = resolved.component.clone().map(|c| (resolved.file, c));
        if let Some(key) = &key
            && merged.within.contains(key)
        {
            // A component that includes itself: `A = A and X` is `X`, and its own properties
            // are being merged already.
            return Ok(false);
        }
        merged.merged += 1;
        if merged.merged > MAX_MERGED {
            return Err(unsupported(
                &resolved.at,
                &format!(
                    "`allOf` that merges more than {MAX_MERGED} schemas (members that include \
                     the same schemas over and over?)"
                ),
            ));
        }
        let shape = Shape::of(&resolved.value);
        let mut is_object = shape.is_object();
        merged.within.extend(key);
        for (i, member) in shape.all_of.iter().enumerate() {
            let member_at = resolved.at.join("allOf").index(i);
            let member = self.spec.schema(resolved.file, &member_at, member)?;
            is_object |= self.merge_into(&member, merged, depth + 1)?;
        }
        let (union, keyword) = shape.union();
        match union {
            [] => {}
            // A union of one member is that member.
            [only] => {
                let member_at = resolved.at.join(keyword).index(0);
                let member = self.spec.schema(resolved.file, &member_at, only)?;
                is_object |= self.merge_into(&member, merged, depth + 1)?;
            }
            several => {
                let kinds = self.kinds_of(resolved, keyword, several, depth + 1)?;
                let typed = kinds.iter().filter(|k| **k != MemberKind::Annotation);
                if typed
                    .clone()
                    .all(|k| matches!(k, MemberKind::Object | MemberKind::Union))
                {
                    // Only annotations (`anyOf` of `required` lists) say nothing more.
                    if typed.count() > 0 {
                        merged.flattened.push(FlatUnion {
                            file: resolved.file,
                            at: resolved.at.clone(),
                            schema: resolved.value.as_ref().clone(),
                        });
                        is_object = true;
                    }
                } else {
                    merged.unmerged.push(resolved.at.join(keyword));
                }
            }
        }
        if resolved.component.is_some() {
            merged.within.pop();
        }
        for (name, node) in &shape.properties {
            let property = Property {
                name: (*name).to_owned(),
                file: resolved.file,
                at: resolved.at.join("properties").join(name),
                node: (*node).clone(),
            };
            merged.insert(property);
        }
        merged.required.extend(shape.required.iter().cloned());
        Ok(is_object)
    }
}

fn enum_def(name: String, doc: Option<String>, shape: &Shape<'_>) -> EnumDef {
    let mut idents = Scope::default();
    let mut variants = Vec::new();
    let mut seen = HashSet::new();
    for value in shape.enumeration.iter().filter_map(Value::as_str) {
        if !seen.insert(value) {
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

/// The definition of component `name`, whose type `ty` refers back to `name` itself.
fn self_contained(name: String, doc: Option<String>, ty: TypeRef) -> TypeDef {
    if ty == TypeRef::Named(name.clone()) {
        // Only itself (`allOf: [$ref: itself]`, or a ring of such): it says nothing, any JSON.
        return TypeDef::Alias(AliasDef {
            name,
            doc,
            target: TypeRef::Json,
        });
    }
    if mentions(&ty, &name) {
        // Itself inside arrays or maps: `type A = Vec<A>` is an error (Rust expands aliases
        // eagerly), a one-variant untagged enum holds it and reads the same JSON.
        return TypeDef::Union(UnionDef {
            name,
            doc,
            variants: vec![(variant_name(&ty), ty)],
            is_eq: true,
        });
    }
    TypeDef::Alias(AliasDef {
        name,
        doc,
        target: ty,
    })
}

/// Whether `ty` is `name` inside arrays, maps and boxes.
fn mentions(ty: &TypeRef, name: &str) -> bool {
    match ty {
        TypeRef::Named(n) => n == name,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => {
            mentions(inner, name)
        }
        _ => false,
    }
}

/// Where each model stands in `defs`, by name.
fn index_by_name(defs: &[TypeDef]) -> HashMap<String, usize> {
    defs.iter()
        .enumerate()
        .map(|(i, def)| (def.name().to_owned(), i))
        .collect()
}

/// Boxes one field or union variant on every cycle of types held by value (a struct holding a
/// union holding the struct, say), which would have no size. Fields that refer to a struct
/// still being built are boxed as they are made; this catches the cycles through unions and
/// aliases. Deterministic: the first cycle found in definition order, the edge that closes it.
fn box_cycles(defs: &mut [TypeDef], index: &HashMap<String, usize>) {
    // Each round boxes one edge, so there are at most as many rounds as edges.
    while let Some((def, slot)) = by_value_cycle(defs, index) {
        let ty = match &mut defs[def] {
            TypeDef::Struct(s) => &mut s.fields[slot].ty,
            TypeDef::Union(u) => &mut u.variants[slot].1,
            TypeDef::Enum(_) | TypeDef::Alias(_) => return,
        };
        *ty = TypeRef::Boxed(Box::new(ty.clone()));
    }
}

/// What an `allOf` member says of the value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum MemberKind {
    /// Nothing: a description, `nullable`, a constraint such as `minLength`.
    Annotation,
    /// That it is an object.
    Object,
    /// That it is one of several objects (`oneOf` or `anyOf`).
    Union,
    /// That it is of this other type (`None`: untyped, such as an `enum` of values, which
    /// agrees with any type).
    Other(Option<String>),
    /// Contradictory: of two types at once.
    Mixed,
}

/// What an `allOf` of members of these kinds says of the value.
fn combined(kinds: &[MemberKind]) -> MemberKind {
    let mut result = MemberKind::Annotation;
    for kind in kinds {
        result = match (&result, kind) {
            (MemberKind::Mixed, _) | (_, MemberKind::Mixed) => MemberKind::Mixed,
            (MemberKind::Annotation, kind) | (kind, MemberKind::Annotation) => kind.clone(),
            (MemberKind::Object | MemberKind::Union, MemberKind::Object | MemberKind::Union) => {
                MemberKind::Object
            }
            (MemberKind::Other(None), MemberKind::Other(ty))
            | (MemberKind::Other(ty), MemberKind::Other(None)) => MemberKind::Other(ty.clone()),
            (MemberKind::Other(a), MemberKind::Other(b)) if a == b => MemberKind::Other(a.clone()),
            (_, _) => MemberKind::Mixed,
        };
    }
    result
}

/// How many bytes a union's largest variant may outweigh the next before it is boxed: the
/// threshold of clippy's `large_enum_variant`, above which every value of the union pays for
/// its largest member.
const LARGE_VARIANT: usize = 200;

/// Boxes the largest variant of each union while it outweighs the next by [`LARGE_VARIANT`]
/// bytes, as [`estimated_size`] counts them.
fn box_large_variants(defs: &mut [TypeDef], index: &HashMap<String, usize>) {
    let mut sizes = HashMap::new();
    for def in 0..defs.len() {
        while let TypeDef::Union(union) = &defs[def] {
            let mut by_size: Vec<(usize, usize)> = union
                .variants
                .iter()
                .enumerate()
                .map(|(slot, (_, ty))| (estimated_size(ty, defs, index, &mut sizes), slot))
                .collect();
            // Largest first; the earlier variant first among equals.
            by_size.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let [(largest, slot), (next, _), ..] = by_size[..] else {
                break;
            };
            if largest < next + LARGE_VARIANT {
                break;
            }
            if let TypeDef::Union(union) = &mut defs[def] {
                let ty = &mut union.variants[slot].1;
                *ty = TypeRef::Boxed(Box::new(ty.clone()));
            }
            // Whatever holds this union by value is smaller now.
            sizes.clear();
        }
    }
}

/// About how many bytes a value of `ty` takes on a 64-bit target (what it holds on the heap
/// not counted). An estimate: enough to tell a large variant from a small one.
fn estimated_size(
    ty: &TypeRef,
    defs: &[TypeDef],
    index: &HashMap<String, usize>,
    sizes: &mut HashMap<usize, usize>,
) -> usize {
    match ty {
        TypeRef::Unit => 0,
        TypeRef::Boolean => 1,
        TypeRef::Integer | TypeRef::Number | TypeRef::Boxed(_) => 8,
        TypeRef::String | TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Bytes => 24,
        TypeRef::Json | TypeRef::JsonObject => 32,
        TypeRef::File => 64,
        TypeRef::Named(name) => {
            let Some(&def) = index.get(name) else {
                return 0;
            };
            if let Some(&size) = sizes.get(&def) {
                return size;
            }
            // Held by value in a cycle cannot be (cycles are boxed): 0 stops a loop anyway.
            sizes.insert(def, 0);
            let size = match &defs[def] {
                TypeDef::Struct(s) => {
                    let fields: usize = s
                        .fields
                        .iter()
                        .map(|field| {
                            let size = estimated_size(&field.ty, defs, index, sizes);
                            // `Option` of a number needs a tag; of a string, vector or struct
                            // it uses a value the type never holds.
                            let tag = field.optional
                                && matches!(field.ty, TypeRef::Integer | TypeRef::Number);
                            size + if tag { 8 } else { 0 }
                        })
                        .sum();
                    // Aligned to 8 bytes.
                    fields.div_ceil(8) * 8
                }
                TypeDef::Enum(_) => 24,
                TypeDef::Union(u) => {
                    8 + u
                        .variants
                        .iter()
                        .map(|(_, ty)| estimated_size(ty, defs, index, sizes))
                        .max()
                        .unwrap_or(0)
                }
                TypeDef::Alias(a) => estimated_size(&a.target, defs, index, sizes),
            };
            sizes.insert(def, size);
            size
        }
    }
}

/// The types `def` holds by value: `(slot, target)`, the slot being the field or variant
/// index (`usize::MAX` for an alias, which cannot be boxed).
fn by_value(def: &TypeDef, index: &HashMap<String, usize>) -> Vec<(usize, usize)> {
    let direct = |ty: &TypeRef| match ty {
        TypeRef::Named(name) => index.get(name).copied(),
        _ => None,
    };
    match def {
        TypeDef::Struct(s) => s
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| direct(&f.ty).map(|t| (i, t)))
            .collect(),
        TypeDef::Union(u) => u
            .variants
            .iter()
            .enumerate()
            .filter_map(|(i, (_, ty))| direct(ty).map(|t| (i, t)))
            .collect(),
        TypeDef::Alias(a) => direct(&a.target)
            .map(|t| (usize::MAX, t))
            .into_iter()
            .collect(),
        TypeDef::Enum(_) => Vec::new(),
    }
}

/// The last boxable edge `(def, slot)` of the first by-value cycle, found depth first without
/// recursion (a long chain of types must not overflow the stack).
fn by_value_cycle(defs: &[TypeDef], index: &HashMap<String, usize>) -> Option<(usize, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let edges: Vec<Vec<(usize, usize)>> = defs.iter().map(|d| by_value(d, index)).collect();
    let mut marks = vec![Mark::New; defs.len()];
    for start in 0..defs.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // (def, next edge to follow, the slot by which we came to it)
        let mut path: Vec<(usize, usize, usize)> = vec![(start, 0, usize::MAX)];
        marks[start] = Mark::OnPath;
        while let Some(&mut (node, ref mut next, _)) = path.last_mut() {
            let Some(&(slot, target)) = edges[node].get(*next) else {
                marks[node] = Mark::Done;
                path.pop();
                continue;
            };
            *next += 1;
            match marks[target] {
                Mark::New => {
                    marks[target] = Mark::OnPath;
                    path.push((target, 0, slot));
                }
                Mark::OnPath => {
                    // The cycle: from `target` along the path to `node`, then back to `target`.
                    let from = path.iter().position(|(n, _, _)| *n == target)?;
                    let closing = std::iter::once((node, slot));
                    let along = path[from + 1..]
                        .iter()
                        .rev()
                        .zip(path[from..].iter().rev().skip(1))
                        .map(|((_, _, came_by), (parent, _, _))| (*parent, *came_by));
                    return closing.chain(along).find(|(def, slot)| {
                        *slot != usize::MAX && !matches!(defs[*def], TypeDef::Alias(_))
                    });
                }
                Mark::Done => {}
            }
        }
    }
    None
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
