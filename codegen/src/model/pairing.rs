//! Which item of one version of an API is which item of another: the basis both for keeping
//! names stable (the API lock) and for the changelog.
//!
//! - An operation is the same operation when it has the same HTTP method and route, whatever
//!   its parameters or operationId are called; failing that, when its method has the same
//!   Rust path (`stream.downloads.get`).
//! - A type is the same type when the wire uses it at the same place ([`Sites`]): the result of
//!   the same operation, the same field of the same type, ... and it still looks like itself:
//!   the same kind of type with a field, value or member in common (a body replaced by a type
//!   with nothing in common is another type). A type is paired with the new type found at its
//!   shortest site first; failing any site, with a new type of the same name.
//!
//! Pairs are one to one, and found in a fixed order, so the pairing is deterministic.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::ir::{Api, Operation, Resource, TypeDef};
use super::sites::{Sites, operation_key};
use super::visit;

/// The pairs of two versions of an API (`old`, `new`).
#[derive(Debug, Default)]
pub struct Pairing {
    /// Type names, old to new.
    pub types: BTreeMap<String, String>,
    /// Type names, new to old.
    pub types_back: BTreeMap<String, String>,
    /// Operations, by key: old to new (the keys differ for operations paired by Rust path).
    pub operations: Vec<(String, String)>,
}

impl Pairing {
    /// Pairs the items of `old` and `new`.
    pub fn of(old: &Api, new: &Api) -> Self {
        let mut pairing = Self::default();
        pairing.pair_operations(old, new);
        pairing.pair_types(old, new);
        pairing
    }

    /// The new type paired with the old type `name`.
    pub fn new_type(&self, name: &str) -> Option<&str> {
        self.types.get(name).map(String::as_str)
    }

    /// The old type paired with the new type `name`.
    pub fn old_type(&self, name: &str) -> Option<&str> {
        self.types_back.get(name).map(String::as_str)
    }

    fn pair_operations(&mut self, old: &Api, new: &Api) {
        let old_ops = keyed(&old.roots);
        let new_ops = keyed(&new.roots);
        let new_keys: HashSet<&str> = new_ops.iter().map(|(k, _)| k.as_str()).collect();
        let mut paired_new: HashSet<&str> = HashSet::new();
        let mut unpaired_old = Vec::new();
        for (key, _) in &old_ops {
            if new_keys.contains(key.as_str()) {
                self.operations.push((key.clone(), key.clone()));
                paired_new.insert(key);
            } else {
                unpaired_old.push(key);
            }
        }
        // Then by Rust path, among those left.
        for old_key in unpaired_old {
            let Some((_, old_op)) = old_ops.iter().find(|(k, _)| k == old_key) else {
                continue;
            };
            let found = new_ops.iter().find(|(key, op)| {
                !paired_new.contains(key.as_str()) && op.qualified_name == old_op.qualified_name
            });
            if let Some((new_key, _)) = found {
                paired_new.insert(new_key);
                self.operations.push((old_key.clone(), new_key.clone()));
            }
        }
    }

    fn pair_types(&mut self, old: &Api, new: &Api) {
        let old_sites = Sites::of(old);
        let new_sites = Sites::of(new);
        let mut by_site: HashMap<&str, &str> = HashMap::new();
        for def in &new.types {
            for site in new_sites.of_type(def.name()) {
                by_site.entry(site.as_str()).or_insert(def.name());
            }
        }
        let new_defs: HashMap<&str, &TypeDef> = new.types.iter().map(|d| (d.name(), d)).collect();
        for def in &old.types {
            let found = old_sites
                .of_type(def.name())
                .iter()
                .filter_map(|site| by_site.get(site.as_str()))
                .find(|new_name| {
                    !self.types_back.contains_key(**new_name)
                        && new_defs.get(**new_name).is_some_and(|new| alike(def, new))
                });
            if let Some(new_name) = found {
                self.pair(def.name(), new_name);
            }
        }
        let new_names: HashSet<&str> = new.types.iter().map(|d| d.name()).collect();
        for def in &old.types {
            let name = def.name();
            if !self.types.contains_key(name)
                && new_names.contains(name)
                && !self.types_back.contains_key(name)
            {
                self.pair(name, name);
            }
        }
    }

    fn pair(&mut self, old: &str, new: &str) {
        self.types.insert(old.to_owned(), new.to_owned());
        self.types_back.insert(new.to_owned(), old.to_owned());
    }
}

/// Whether a type found where an old one was is still that type, changed, rather than another
/// type put in its place: the same kind of type with something in common (a field of the
/// same JSON name, a value, a member), or one of them empty.
fn alike(old: &TypeDef, new: &TypeDef) -> bool {
    match (old, new) {
        (TypeDef::Struct(a), TypeDef::Struct(b)) => {
            a.fields.is_empty()
                || b.fields.is_empty()
                || a.fields.iter().any(|f| {
                    b.fields
                        .iter()
                        .any(|g| g.json_name == f.json_name && g.flatten == f.flatten)
                })
        }
        (TypeDef::Enum(a), TypeDef::Enum(b)) => {
            a.variants.is_empty()
                || b.variants.is_empty()
                || a.variants
                    .iter()
                    .any(|v| b.variants.iter().any(|w| w.value == v.value))
        }
        (TypeDef::Union(_), TypeDef::Union(_)) | (TypeDef::Alias(_), TypeDef::Alias(_)) => true,
        _ => false,
    }
}

/// Every operation of `resources` with its key, in file order.
pub fn keyed(resources: &[Resource]) -> Vec<(String, &Operation)> {
    visit::operations(resources)
        .into_iter()
        .map(|(_, op)| (operation_key(op), op))
        .collect()
}
