//! Where each model type is used, said in the terms of the wire: which operation (by HTTP
//! method and route, whatever its parameters are called), which part of it (result, body,
//! parameter), and the JSON path below (`.field`, `[]` for items, `{}` for map values, `|2` for
//! a union's third member). A component type also stands at its component name, less noise.
//!
//! These *sites* do not change when the spec renames a component, an operationId or a path
//! parameter, so they identify a type from one version of a spec to the next: the names lock
//! keeps a type's Rust name by its site, and the changelog pairs old and new types by theirs.

use std::collections::{HashMap, VecDeque};

use super::ir::{Api, Operation, ParamType, TypeDef, TypeRef};
use super::{cloudflare, paths, visit};

/// How many sites are kept for each type: the shortest paths from an operation, enough to find
/// a type again when an operation that used it goes away or a new one comes first.
const SITES_PER_TYPE: usize = 4;

/// The key of an operation: its method and route (`GET /accounts/{}/stream/{}/downloads`).
pub fn operation_key(op: &Operation) -> String {
    format!(
        "{} {}",
        op.http_method.as_str(),
        paths::route(&op.path_template)
    )
}

/// The sites of every model type of `api`, shortest first, by type name.
#[derive(Debug, Default)]
pub struct Sites {
    by_type: HashMap<String, Vec<String>>,
}

impl Sites {
    /// Finds the sites of every type of `api`.
    pub fn of(api: &Api) -> Self {
        let defs: HashMap<&str, &TypeDef> = api.types.iter().map(|d| (d.name(), d)).collect();
        let mut by_type: HashMap<String, Vec<String>> = HashMap::new();
        // Breadth first from the operations, so each type's first sites are its shortest.
        let mut queue: VecDeque<(&TypeRef, String)> = VecDeque::new();
        // Types an operation names without a `TypeRef`: multipart bodies, enum parameters.
        let mut direct: Vec<(String, String)> = Vec::new();
        let ops = visit::operations(&api.roots);
        for (_, op) in &ops {
            let key = operation_key(op);
            queue.push_back((&op.response.ty, format!("{key} -> result")));
            match &op.body {
                super::Body::Json(ty) => queue.push_back((ty, format!("{key} <- body"))),
                super::Body::Multipart(name) => {
                    direct.push((name.clone(), format!("{key} <- body")));
                }
                _ => {}
            }
            for param in &op.params {
                if let ParamType::Enum(name) = param.ty.scalar() {
                    let site = format!("{key} <- {} {}", param.location.as_str(), param.name);
                    direct.push((name.clone(), site));
                }
            }
        }
        for (name, site) in direct {
            visit_named(&defs, &mut by_type, &name, site, &mut queue);
        }
        while let Some((ty, site)) = queue.pop_front() {
            match ty {
                TypeRef::Named(name) => visit_named(&defs, &mut by_type, name, site, &mut queue),
                TypeRef::Array(inner) => queue.push_back((inner, format!("{site}[]"))),
                TypeRef::Map(inner) => queue.push_back((inner, format!("{site}{{}}"))),
                TypeRef::Boxed(inner) => queue.push_back((inner, site)),
                _ => {}
            }
        }
        // A component also stands at its name, less noise, after its other sites.
        for def in &api.types {
            if let Some(component) = component_name(def) {
                let sites = by_type.entry(def.name().to_owned()).or_default();
                sites.push(format!("#{}", cloudflare::denoise(component)));
            }
        }
        Self { by_type }
    }

    /// The sites of the type `name`, shortest first.
    pub fn of_type(&self, name: &str) -> &[String] {
        self.by_type.get(name).map_or(&[], Vec::as_slice)
    }
}

/// Records `site` for the type `name` (if it has fewer than [`SITES_PER_TYPE`]) and queues
/// what it holds, one step further.
fn visit_named<'a>(
    defs: &HashMap<&str, &'a TypeDef>,
    by_type: &mut HashMap<String, Vec<String>>,
    name: &str,
    site: String,
    queue: &mut VecDeque<(&'a TypeRef, String)>,
) {
    let sites = by_type.entry(name.to_owned()).or_default();
    if sites.len() >= SITES_PER_TYPE || sites.contains(&site) {
        return;
    }
    sites.push(site.clone());
    let Some(def) = defs.get(name) else {
        return;
    };
    match def {
        TypeDef::Struct(s) => {
            for field in &s.fields {
                let below = if field.flatten {
                    format!("{site}.*")
                } else {
                    format!("{site}.{}", field.json_name)
                };
                queue.push_back((&field.ty, below));
            }
        }
        TypeDef::Union(u) => {
            for (i, (_, ty)) in u.variants.iter().enumerate() {
                queue.push_back((ty, format!("{site}|{i}")));
            }
        }
        TypeDef::Alias(a) => queue.push_back((&a.target, site)),
        TypeDef::Enum(_) => {}
    }
}

/// The component a type was made from, if it stands at `#/components/schemas/<name>`.
pub fn component_name(def: &TypeDef) -> Option<&str> {
    let rest = def.at().pointer.strip_prefix("/components/schemas/")?;
    (!rest.contains('/')).then_some(rest)
}
