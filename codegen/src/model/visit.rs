//! The one walk over every place the API names a model type: results, bodies, parameters,
//! fields, variants and alias targets. Renaming a type, finding what an operation uses, and
//! the changelog's matching all go through it.

use super::ir::{Api, Body, Operation, ParamType, Resource, TypeDef, TypeRef};
use crate::error::Location;

/// Every operation of `resources` and their nested resources, in file order, with the resource
/// it belongs to.
pub fn operations(resources: &[Resource]) -> Vec<(&Resource, &Operation)> {
    fn walk<'a>(resource: &'a Resource, out: &mut Vec<(&'a Resource, &'a Operation)>) {
        out.extend(resource.operations.iter().map(|op| (resource, op)));
        resource.children.iter().for_each(|child| walk(child, out));
    }
    let mut out = Vec::new();
    resources
        .iter()
        .for_each(|resource| walk(resource, &mut out));
    out
}

/// Every resource of `resources` and their nested resources, parents first.
#[cfg(feature = "cli")]
pub fn resources(resources: &[Resource]) -> Vec<&Resource> {
    fn walk<'a>(resource: &'a Resource, out: &mut Vec<&'a Resource>) {
        out.push(resource);
        resource.children.iter().for_each(|child| walk(child, out));
    }
    let mut out = Vec::new();
    resources
        .iter()
        .for_each(|resource| walk(resource, &mut out));
    out
}

/// Calls `rename` on every model name the API holds: each type's own name, and every reference
/// to a type (in results, bodies, parameters, fields, variants, aliases).
pub fn model_names_mut(api: &mut Api, rename: &mut dyn FnMut(&mut String)) {
    fn type_ref(ty: &mut TypeRef, rename: &mut dyn FnMut(&mut String)) {
        match ty {
            TypeRef::Named(name) => rename(name),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => {
                type_ref(inner, rename);
            }
            _ => {}
        }
    }
    fn param(ty: &mut ParamType, rename: &mut dyn FnMut(&mut String)) {
        match ty {
            ParamType::Enum(name) => rename(name),
            ParamType::List(inner) => param(inner, rename),
            _ => {}
        }
    }
    fn resource(node: &mut Resource, rename: &mut dyn FnMut(&mut String)) {
        for op in &mut node.operations {
            type_ref(&mut op.response.ty, rename);
            match &mut op.body {
                Body::Json(ty) => type_ref(ty, rename),
                Body::Multipart(name) => rename(name),
                Body::None | Body::EmptyObject | Body::Form | Body::Raw(_) => {}
            }
            for p in &mut op.params {
                param(&mut p.ty, rename);
            }
        }
        node.children
            .iter_mut()
            .for_each(|child| resource(child, rename));
    }
    for def in &mut api.types {
        match def {
            TypeDef::Struct(s) => {
                rename(&mut s.name);
                s.fields
                    .iter_mut()
                    .for_each(|f| type_ref(&mut f.ty, rename));
            }
            TypeDef::Enum(e) => rename(&mut e.name),
            TypeDef::Union(u) => {
                rename(&mut u.name);
                u.variants
                    .iter_mut()
                    .for_each(|(_, ty)| type_ref(ty, rename));
            }
            TypeDef::Alias(a) => {
                rename(&mut a.name);
                type_ref(&mut a.target, rename);
            }
        }
    }
    api.roots.iter_mut().for_each(|root| resource(root, rename));
}

/// Calls `visit` on every location the API holds.
pub fn locations_mut(api: &mut Api, visit: &mut dyn FnMut(&mut Location)) {
    fn resource(node: &mut Resource, visit: &mut dyn FnMut(&mut Location)) {
        for op in &mut node.operations {
            visit(&mut op.at);
            op.params.iter_mut().for_each(|p| visit(&mut p.at));
        }
        node.children
            .iter_mut()
            .for_each(|child| resource(child, visit));
    }
    for def in &mut api.types {
        match def {
            TypeDef::Struct(s) => {
                visit(&mut s.at);
                s.fields.iter_mut().for_each(|f| visit(&mut f.at));
            }
            TypeDef::Enum(e) => visit(&mut e.at),
            TypeDef::Union(u) => visit(&mut u.at),
            TypeDef::Alias(a) => visit(&mut a.at),
        }
    }
    api.roots.iter_mut().for_each(|root| resource(root, visit));
}
