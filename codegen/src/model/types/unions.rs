//! `oneOf`/`anyOf` as untagged enums, and schemas that contain themselves: a union member that
//! would make decoding try the union again without reading anything, a struct that holds
//! itself, an array of itself.

use std::collections::HashSet;

use openapiv3::{ReferenceOr, Schema};

use super::super::docs::describe;
use super::super::ir::{AliasDef, TypeDef, TypeRef, UnionDef};
use super::super::names::{self, Scope};
use super::super::shape::Shape;
use super::TypeBuilder;
use crate::error::{Location, Result};
use crate::load::{FileId, Resolved};

/// A schema being resolved: a component by name, an inline schema by where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Entered {
    Component((FileId, String)),
    Inline(Location),
}

/// An entry of [`TypeBuilder::unions`].
#[derive(Debug)]
pub(super) enum Frame {
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

impl TypeBuilder<'_> {
    /// `oneOf`/`anyOf`: one member is that member's type; several are an untagged enum.
    pub(super) fn union(
        &mut self,
        resolved: &Resolved<'_, Schema>,
        keyword: &str,
        members: &[ReferenceOr<Schema>],
        name_source: &str,
        key: Option<(FileId, String)>,
    ) -> Result<TypeRef> {
        let at = &resolved.at;
        if let [only] = members {
            let member_at = at.join(keyword).index(0);
            let member = self.stand_in(
                &resolved.value,
                resolved.file,
                &member_at,
                only,
                name_source,
            )?;
            return Ok(self.remember(key, member.ty));
        }
        let name = self.claim_type(&resolved.value, name_source);
        let ty = self.remember(key, TypeRef::Named(name.clone()));
        self.unions.push(Frame::Union(name.clone()));
        let variants = self.variants(resolved, keyword, members, &name);
        self.unions.pop();
        let variants = variants?;
        let doc = describe(&resolved.value, &Shape::of(&resolved.value));
        self.push_def(if variants.is_empty() {
            // Every member was the union itself: `U = U` says nothing, so any JSON.
            TypeDef::Alias(AliasDef {
                name,
                doc,
                target: TypeRef::Json,
                at: resolved.at.clone(),
            })
        } else {
            TypeDef::Union(UnionDef {
                name,
                doc,
                variants,
                is_eq: true,
                at: resolved.at.clone(),
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
            variants.push((idents.claim(names::variant_name(&ty)), ty));
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

    /// Whether decoding `ty` may come back to a type still being built without reading
    /// anything: through unions, aliases and flattened fields. A type not defined yet is one
    /// being built (a struct, a union, or the alias of a schema that contains itself), so
    /// meeting one counts.
    pub(super) fn decodes_into_building(&self, ty: &TypeRef) -> bool {
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
            match self.def(&name) {
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
    pub(super) fn in_container<T>(
        &mut self,
        build: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let unions = std::mem::take(&mut self.unions);
        let built = build(self);
        self.unions = unions;
        built
    }
}

/// The definition of component `name`, whose type `ty` refers back to `name` itself.
pub(super) fn self_contained(
    name: String,
    doc: Option<String>,
    ty: TypeRef,
    at: Location,
) -> TypeDef {
    if ty == TypeRef::Named(name.clone()) {
        // Only itself (`allOf: [$ref: itself]`, or a ring of such): it says nothing, any JSON.
        return TypeDef::Alias(AliasDef {
            name,
            doc,
            target: TypeRef::Json,
            at,
        });
    }
    if ty.named() == Some(name.as_str()) {
        // Itself inside arrays or maps: `type A = Vec<A>` is an error (Rust expands aliases
        // eagerly), a one-variant untagged enum holds it and reads the same JSON.
        return TypeDef::Union(UnionDef {
            name,
            doc,
            variants: vec![(names::variant_name(&ty), ty)],
            is_eq: true,
            at,
        });
    }
    TypeDef::Alias(AliasDef {
        name,
        doc,
        target: ty,
        at,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{def, types};
    use super::*;

    #[test]
    fn variants_are_named_after_their_types() {
        assert_eq!(names::variant_name(&TypeRef::String), "String");
        assert_eq!(
            names::variant_name(&TypeRef::Array(Box::new(TypeRef::Named("Rule".into())))),
            "RuleList"
        );
        assert_eq!(
            names::variant_name(&TypeRef::Map(Box::new(TypeRef::Integer))),
            "IntegerMap"
        );
        assert_eq!(
            names::variant_name(&TypeRef::Boxed(Box::new(TypeRef::Named("A".into())))),
            "A"
        );
    }

    #[test]
    fn a_union_of_one_is_its_member_and_duplicates_collapse() {
        let defs = types(
            "    One: {oneOf: [{type: string}]}\n    Two: {anyOf: [{type: string}, {type: string}, {type: integer}]}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(def(&defs, "One"), TypeDef::Alias(a) if a.target == TypeRef::String));
        let TypeDef::Union(two) = def(&defs, "Two") else {
            panic!("{defs:#?}")
        };
        let names: Vec<&str> = two.variants.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["String", "Integer"]);
    }

    #[test]
    fn a_union_that_is_itself_drops_the_member() {
        let defs = types(
            "    U: {oneOf: [{$ref: '#/components/schemas/U'}, {type: string}, {type: boolean}]}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let TypeDef::Union(u) = def(&defs, "U") else {
            panic!("{defs:#?}")
        };
        assert_eq!(u.variants.len(), 2);
    }

    #[test]
    fn an_array_of_itself_is_a_one_variant_union() {
        let defs = types(
            "    Tree: {type: array, items: {$ref: '#/components/schemas/Tree'}}\n",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let TypeDef::Union(tree) = def(&defs, "Tree") else {
            panic!("{defs:#?}")
        };
        assert_eq!(tree.variants[0].0, "TreeList");
    }
}
