//! `allOf`: the properties of an object merged from its members, and what each member of a
//! combination says of the value.

use std::collections::{BTreeSet, HashMap};

use openapiv3::{ReferenceOr, Schema};

use super::super::ir::TypeRef;
use super::super::shape::Shape;
use super::{TypeBuilder, unsupported};
use crate::error::{Location, Result};
use crate::load::{FileId, Resolved};

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

/// What an `allOf` member says of the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum MemberKind {
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
pub(super) fn combined(kinds: &[MemberKind]) -> MemberKind {
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

impl TypeBuilder<'_> {
    /// What an `allOf` says the value is when it is not an object whose members are merged: the
    /// type of the one member that names it (the others only annotate), or any JSON when the
    /// members contradict each other. `None` when it is an object, for the caller to merge.
    pub(super) fn all_of_type(
        &mut self,
        resolved: &Resolved<'_, Schema>,
        shape: &Shape<'_>,
        name_source: &str,
    ) -> Result<Option<TypeRef>> {
        let at = &resolved.at;
        let file = resolved.file;
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
            return Ok(Some(ty));
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
            let member = self.stand_in(
                &resolved.value,
                file,
                &member_at,
                &shape.all_of[index],
                name_source,
            )?;
            return Ok(Some(member.ty));
        }
        Ok(None)
    }

    /// What each member of `resolved`'s `keyword` (`allOf`, `oneOf`, `anyOf`) says of the
    /// value (see [`MemberKind`]), looked at `depth` levels down.
    pub(super) fn kinds_of(
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
    pub(super) fn kind_of(
        &self,
        resolved: &Resolved<'_, Schema>,
        depth: usize,
    ) -> Result<MemberKind> {
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
    pub(super) fn merge_into(
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
            several if self.is_envelope_written_as_union(resolved, keyword, several, depth) => {
                // Cloudflare's envelope and its result, as a union rather than an `allOf`:
                // the same JSON, read as the `allOf` it means, so that one week's `anyOf` and
                // the next week's `allOf` give the same Rust.
                for (i, member) in several.iter().enumerate() {
                    let member_at = resolved.at.join(keyword).index(i);
                    let member = self.spec.schema(resolved.file, &member_at, member)?;
                    is_object |= self.merge_into(&member, merged, depth + 1)?;
                }
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

impl TypeBuilder<'_> {
    /// Whether the union `members` (under `keyword` of `resolved`) is Cloudflare's envelope
    /// written as a union: objects only, one of them the envelope (`success` with `errors` or
    /// `messages`) and another the `result` (see [`super::envelope::is_envelope_union`]).
    pub(super) fn is_envelope_written_as_union(
        &self,
        resolved: &Resolved<'_, Schema>,
        keyword: &str,
        members: &[ReferenceOr<Schema>],
        depth: usize,
    ) -> bool {
        let mut parts = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            let member_at = resolved.at.join(keyword).index(i);
            let Ok(member) = self.spec.schema(resolved.file, &member_at, member) else {
                return false;
            };
            let mut probe = MergedObject::default();
            // A member that cannot be merged on its own (a cycle, too deep) is no envelope part.
            match self.merge_into(&member, &mut probe, depth + 1) {
                Ok(true) => parts.push(probe),
                _ => return false,
            }
        }
        super::envelope::is_envelope_union(&parts)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{def, types};
    use super::*;
    use crate::model::ir::TypeDef;

    #[test]
    fn combining_kinds() {
        use MemberKind::*;
        assert_eq!(combined(&[Annotation, Object]), Object);
        assert_eq!(combined(&[Object, Union]), Object);
        assert_eq!(
            combined(&[Other(None), Other(Some("string".into()))]),
            Other(Some("string".into()))
        );
        assert_eq!(
            combined(&[Other(Some("integer".into())), Other(Some("string".into()))]),
            Mixed
        );
        assert_eq!(combined(&[Object, Other(Some("string".into()))]), Mixed);
        assert_eq!(combined(&[]), Annotation);
    }

    #[test]
    fn all_of_merges_properties_later_members_winning() {
        let defs = types(
            "    Base: {type: object, required: [a], properties: {a: {type: string}, b: {type: string}}}\n    Both: {allOf: [{$ref: '#/components/schemas/Base'}, {properties: {b: {type: integer}, c: {type: boolean}}}]}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let TypeDef::Struct(both) = def(&defs, "Both") else {
            panic!("{defs:#?}")
        };
        let fields: Vec<(&str, &TypeRef, bool)> = both
            .fields
            .iter()
            .map(|f| (f.json_name.as_str(), &f.ty, f.optional))
            .collect();
        assert_eq!(
            fields,
            [
                ("a", &TypeRef::String, false),
                ("b", &TypeRef::Integer, true),
                ("c", &TypeRef::Boolean, true)
            ]
        );
    }

    #[test]
    fn an_all_of_that_only_annotates_keeps_the_member_type() {
        let defs = types(
            "    Name: {type: string}\n    Label: {allOf: [{$ref: '#/components/schemas/Name'}, {description: A label., minLength: 1}]}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(def(&defs, "Label"), TypeDef::Alias(a) if a.target == TypeRef::String));
    }

    #[test]
    fn the_envelope_written_as_a_union_is_read_as_the_all_of_it_means() {
        let schemas = "    Envelope: {type: object, properties: {success: {type: boolean}, errors: {type: array, items: {}}}}\n    \
            AsUnion: {anyOf: [{$ref: '#/components/schemas/Envelope'}, {properties: {result: {type: string}}}]}\n    \
            AsAllOf: {allOf: [{$ref: '#/components/schemas/Envelope'}, {properties: {result: {type: string}}}]}\n    \
            Other: {anyOf: [{properties: {a: {type: string}}}, {properties: {b: {type: string}}}]}\n";
        let defs = types(schemas, false).unwrap_or_else(|e| panic!("{e}"));
        let fields = |name: &str| {
            let TypeDef::Struct(def) = def(&defs, name) else {
                panic!("{defs:#?}")
            };
            def.fields
                .iter()
                .map(|f| f.json_name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(fields("AsUnion"), ["success", "errors", "result"]);
        assert_eq!(fields("AsUnion"), fields("AsAllOf"));
        // Any other union of objects is still a union of its members.
        assert!(
            matches!(def(&defs, "Other"), TypeDef::Union(_)),
            "{defs:#?}"
        );
    }

    #[test]
    fn members_of_different_types_contradict_each_other() {
        let schemas =
            "    Odd: {allOf: [{type: string}, {type: object, properties: {a: {type: string}}}]}\n";
        let error = types(schemas, false).expect_err("strict");
        assert!(error.to_string().contains("different types"), "{error}");
        assert!(types(schemas, true).is_ok());
    }
}
