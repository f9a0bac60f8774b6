//! Which breaking changes have no cause on the wire: the JSON an operation sends and receives
//! is the same on both sides, only how the spec is written changed (a schema renamed with
//! `x-rust-name`, a type made a component of its own, a union regrouped). Such a break is
//! still a break for Rust code, but its message says so: the fix is in the spec (an
//! `x-rust-name`, an edit to the lock), not in code that talks to the service.
//!
//! Each side's wire is its types with the Rust names taken out: objects by their JSON property
//! names, whether each is required or nullable, enums by their values, unions by their
//! members, recursion by how far up it points. A change to a model type compares that type's
//! wire on both sides; a change to a method, its operation's (route, parameters by wire name,
//! body, response); anything else (a resource renamed, a type removed), every operation's.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::rust::Paths;
use super::{Change, Severity};
use crate::model::pairing::Pairing;
use crate::model::sites::operation_key;
use crate::model::visit;
use crate::model::{
    Api, Body, Operation, ParamLocation, ParamType, Resource, ResponseFormat, TypeDef, TypeRef,
};

/// What a break with no wire cause adds to its message.
pub const NO_WIRE_CHANGE: &str = "no change on the wire: the spec's structure changed";

/// How many nodes one wire may have before it is not worth comparing (a deep, wide type of a
/// large API): the change is then not claimed to be wire-free.
const BUDGET: usize = 20_000;

/// One side's JSON, without Rust names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Wire {
    String,
    Integer,
    Number,
    Boolean,
    Null,
    Any,
    AnyObject,
    File,
    Bytes,
    Array(Box<Wire>),
    Map(Box<Wire>),
    /// Properties by JSON name: optional in Rust (nullable or not required), required by the
    /// spec, read from the object itself (`flatten`), the form part it is sent as, the value.
    Object(Vec<(String, bool, bool, bool, Option<u8>, Wire)>),
    Enum(BTreeSet<String>),
    OneOf(Vec<Wire>),
    /// The type `n` levels up the walk: a recursive type.
    Back(usize),
}

/// Marks the breaking changes of `changes` whose wire did not change, in their messages.
pub fn mark(old: &Api, new: &Api, pairing: &Pairing, changes: &mut [Change]) {
    let sides = Sides::of(old, new, pairing);
    let mut whole = None;
    for change in changes
        .iter_mut()
        .filter(|c| c.severity == Severity::Breaking)
    {
        let same = match sides.item(&change.rust) {
            Some(same) => same,
            None => *whole.get_or_insert_with(|| sides.everything()),
        };
        if same {
            change.message = format!("{}; {NO_WIRE_CHANGE}", change.message);
        }
    }
}

/// Both sides, indexed for finding what a change names.
struct Sides<'a> {
    old: Side<'a>,
    new: Side<'a>,
    pairing: &'a Pairing,
}

struct Side<'a> {
    types: HashMap<&'a str, &'a TypeDef>,
    /// Operations by their Rust path (`videos::Videos::list`) and by key (`GET /videos`).
    by_path: HashMap<String, &'a Operation>,
    by_key: BTreeMap<String, &'a Operation>,
}

impl<'a> Side<'a> {
    fn of(api: &'a Api) -> Self {
        let paths = Paths::of(&api.roots);
        let operations: Vec<(&Resource, &Operation)> = visit::operations(&api.roots);
        Self {
            types: api.types.iter().map(|d| (d.name(), d)).collect(),
            by_path: operations
                .iter()
                .map(|(resource, op)| {
                    (
                        format!("{}::{}", paths.handle(resource), op.method_name),
                        *op,
                    )
                })
                .collect(),
            by_key: operations
                .iter()
                .map(|(_, op)| (operation_key(op), *op))
                .collect(),
        }
    }

    /// The wire of `ty`, or `None` past the budget or at a name this side does not define.
    fn wire(&self, ty: &TypeRef) -> Option<Wire> {
        let mut walk = Walk {
            side: self,
            stack: Vec::new(),
            spent: 0,
        };
        walk.ty(ty)
    }

    fn operation(&self, op: &Operation) -> Option<OperationWire> {
        let mut params: Vec<(ParamLocation, String, bool, Wire)> = Vec::new();
        for param in &op.params {
            // A path parameter is positional on the wire: its name is the spec's only.
            let name = if param.location == ParamLocation::Path {
                String::new()
            } else {
                param.name.clone()
            };
            params.push((param.location, name, param.required, self.param(&param.ty)?));
        }
        params.sort();
        let body = match &op.body {
            Body::None => None,
            Body::EmptyObject => Some(Wire::AnyObject),
            Body::Form => Some(Wire::Bytes),
            Body::Json(ty) => Some(self.wire(ty)?),
            Body::Multipart(name) => Some(self.wire(&TypeRef::Named(name.clone()))?),
            Body::Raw(content_type) => Some(Wire::Enum(BTreeSet::from([content_type.clone()]))),
        };
        Some(OperationWire {
            route: operation_key(op),
            params,
            body,
            format: op.response.format,
            nullable: op.response.nullable,
            result: self.wire(&op.response.ty)?,
        })
    }

    fn param(&self, ty: &ParamType) -> Option<Wire> {
        Some(match ty {
            ParamType::Str => Wire::String,
            ParamType::Integer => Wire::Integer,
            ParamType::Number => Wire::Number,
            ParamType::Boolean => Wire::Boolean,
            ParamType::Enum(name) => self.wire(&TypeRef::Named(name.clone()))?,
            ParamType::List(item) => Wire::Array(Box::new(self.param(item)?)),
        })
    }
}

/// An operation's wire: what identifies it, what it sends and what it answers.
#[derive(Debug, PartialEq)]
struct OperationWire {
    route: String,
    params: Vec<(ParamLocation, String, bool, Wire)>,
    body: Option<Wire>,
    format: ResponseFormat,
    nullable: bool,
    result: Wire,
}

struct Walk<'s, 'a> {
    side: &'s Side<'a>,
    /// The named types being walked, outermost first.
    stack: Vec<String>,
    spent: usize,
}

impl Walk<'_, '_> {
    fn ty(&mut self, ty: &TypeRef) -> Option<Wire> {
        self.spent += 1;
        if self.spent > BUDGET {
            return None;
        }
        Some(match ty {
            TypeRef::String => Wire::String,
            TypeRef::Integer => Wire::Integer,
            TypeRef::Number => Wire::Number,
            TypeRef::Boolean => Wire::Boolean,
            TypeRef::Unit => Wire::Null,
            TypeRef::Json => Wire::Any,
            TypeRef::JsonObject => Wire::AnyObject,
            TypeRef::File => Wire::File,
            TypeRef::Bytes => Wire::Bytes,
            TypeRef::Array(item) => Wire::Array(Box::new(self.ty(item)?)),
            TypeRef::Map(value) => Wire::Map(Box::new(self.ty(value)?)),
            TypeRef::Boxed(inner) => self.ty(inner)?,
            TypeRef::Named(name) => {
                if let Some(up) = self.stack.iter().rev().position(|n| n == name) {
                    return Some(Wire::Back(up));
                }
                let def = *self.side.types.get(name.as_str())?;
                self.stack.push(name.clone());
                let wire = self.def(def);
                self.stack.pop();
                wire?
            }
        })
    }

    fn def(&mut self, def: &TypeDef) -> Option<Wire> {
        Some(match def {
            TypeDef::Struct(s) => {
                let mut fields = Vec::with_capacity(s.fields.len());
                for field in &s.fields {
                    fields.push((
                        field.json_name.clone(),
                        field.optional,
                        field.required,
                        field.flatten,
                        field.form_part.map(|part| part as u8),
                        self.ty(&field.ty)?,
                    ));
                }
                fields.sort();
                Wire::Object(fields)
            }
            TypeDef::Enum(e) => Wire::Enum(e.variants.iter().map(|v| v.value.clone()).collect()),
            TypeDef::Union(u) => {
                let mut members = Vec::with_capacity(u.variants.len());
                for (_, ty) in &u.variants {
                    members.push(self.ty(ty)?);
                }
                Wire::OneOf(members)
            }
            TypeDef::Alias(a) => self.ty(&a.target)?,
        })
    }
}

impl<'a> Sides<'a> {
    fn of(old: &'a Api, new: &'a Api, pairing: &'a Pairing) -> Self {
        Self {
            old: Side::of(old),
            new: Side::of(new),
            pairing,
        }
    }

    /// Whether the item the Rust path `rust` names has the same wire on both sides; `None`
    /// when the path names no item found on both.
    fn item(&self, rust: &str) -> Option<bool> {
        if let Some(rest) = rust.strip_prefix("models::") {
            let name = rest.split("::").next().unwrap_or(rest);
            let (old, new) = if self.old.types.contains_key(name) {
                (name, self.pairing.new_type(name)?)
            } else {
                (self.pairing.old_type(name)?, name)
            };
            let old = self.old.wire(&TypeRef::Named(old.to_owned()))?;
            let new = self.new.wire(&TypeRef::Named(new.to_owned()))?;
            return Some(old == new);
        }
        let (old, new) = match (self.old.by_path.get(rust), self.new.by_path.get(rust)) {
            (Some(old), _) => (*old, self.paired_new(old)?),
            (None, Some(new)) => (self.paired_old(new)?, *new),
            (None, None) => return None,
        };
        Some(self.old.operation(old)? == self.new.operation(new)?)
    }

    fn paired_new(&self, old: &Operation) -> Option<&'a Operation> {
        let key = operation_key(old);
        let (_, new) = self.pairing.operations.iter().find(|(o, _)| *o == key)?;
        self.new.by_key.get(new).copied()
    }

    fn paired_old(&self, new: &Operation) -> Option<&'a Operation> {
        let key = operation_key(new);
        let (old, _) = self.pairing.operations.iter().find(|(_, n)| *n == key)?;
        self.old.by_key.get(old).copied()
    }

    /// Whether every operation has the same wire on both sides (and there are the same ones).
    fn everything(&self) -> bool {
        let wires = |side: &Side<'_>| -> Option<Vec<OperationWire>> {
            side.by_key.values().map(|op| side.operation(op)).collect()
        };
        match (wires(&self.old), wires(&self.new)) {
            (Some(old), Some(new)) => old == new,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::Location;
    use crate::model::{Field, StructDef};

    fn field(json: &str, ty: TypeRef) -> Field {
        Field {
            ident: json.to_owned(),
            json_name: json.to_owned(),
            ty,
            optional: true,
            required: false,
            flatten: false,
            form_part: None,
            doc: None,
            at: Location::root(Path::new("a.yaml")),
        }
    }

    fn object(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef::Struct(StructDef {
            name: name.to_owned(),
            doc: None,
            fields,
            all_optional: true,
            is_eq: true,
            form: false,
            at: Location::root(Path::new("a.yaml")),
        })
    }

    fn api(types: Vec<TypeDef>) -> Api {
        Api {
            types,
            ..Api::default()
        }
    }

    fn wire(api: &Api, name: &str) -> Option<Wire> {
        Side::of(api).wire(&TypeRef::Named(name.to_owned()))
    }

    #[test]
    fn names_do_not_reach_the_wire_but_json_names_and_types_do() {
        let video = |name: &str, inner: &str, json: &str, ty: TypeRef| {
            api(vec![
                object(name, vec![field("input", TypeRef::Named(inner.into()))]),
                object(inner, vec![field(json, ty)]),
            ])
        };
        let base = wire(&video("Video", "Input", "url", TypeRef::String), "Video");
        let renamed = wire(&video("Clip", "Source", "url", TypeRef::String), "Clip");
        assert!(base.is_some());
        assert_eq!(base, renamed);
        let other_json = wire(&video("Video", "Input", "uri", TypeRef::String), "Video");
        assert_ne!(base, other_json);
        let other_type = wire(&video("Video", "Input", "url", TypeRef::Integer), "Video");
        assert_ne!(base, other_type);
    }

    #[test]
    fn a_recursive_type_is_walked_once() {
        let tree = |name: &str| {
            api(vec![object(
                name,
                vec![field(
                    "children",
                    TypeRef::Array(Box::new(TypeRef::Named(name.into()))),
                )],
            )])
        };
        let wire_of = wire(&tree("Node"), "Node");
        assert_eq!(
            wire_of,
            Some(Wire::Object(vec![(
                "children".into(),
                true,
                false,
                false,
                None,
                Wire::Array(Box::new(Wire::Back(0)))
            )]))
        );
        assert_eq!(wire_of, wire(&tree("Tree"), "Tree"));
    }

    #[test]
    fn an_unknown_name_claims_nothing() {
        let broken = api(vec![object(
            "A",
            vec![field("b", TypeRef::Named("B".into()))],
        )]);
        assert_eq!(wire(&broken, "A"), None);
    }
}
