//! Which item of one version of an API is which item of another: the basis both for keeping
//! names stable (the API lock) and for the changelog.
//!
//! - An operation is the same operation when it has the same HTTP method and route, whatever
//!   its parameters or operationId are called; failing that, when its method has the same
//!   Rust path (`stream.downloads.get`).
//! - A type is the same type when the wire uses it at the same place ([`Sites`]): the result of
//!   the same operation, the same field of the same type, ... and it still looks like itself:
//!   the same kind of type with a field, value or member in common (a body replaced by a type
//!   with nothing in common is another type). The pairs sharing the most sites are made first
//!   (then those keeping their name, then by the shortest shared site), so a type used everywhere keeps its partner when
//!   another type once stood at one of its sites; failing any site, a type is paired with a
//!   new type of the same name.
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
        // Every (old, new) pair that shares a site, with how many sites it shares and the
        // first (shortest) one. The pairs sharing the most go first: a type used everywhere
        // keeps its partner, though another old type once stood at one of its sites (a
        // clip's result that became the video every listing returns).
        let mut candidates: Vec<(usize, usize, usize, &str, &str)> = Vec::new();
        for (order, def) in old.types.iter().enumerate() {
            let mut shared: Vec<(&str, usize, usize)> = Vec::new();
            for (index, site) in old_sites.of_type(def.name()).iter().enumerate() {
                let Some(&new_name) = by_site.get(site.as_str()) else {
                    continue;
                };
                match shared.iter_mut().find(|(name, _, _)| *name == new_name) {
                    Some((_, count, _)) => *count += 1,
                    None => shared.push((new_name, 1, index)),
                }
            }
            for (new_name, count, first) in shared {
                candidates.push((count, first, order, def.name(), new_name));
            }
        }
        // Most sites shared first; then a type of the same name; then the shortest site; then
        // the old API's order.
        candidates.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then((a.3 != a.4).cmp(&(b.3 != b.4)))
                .then(a.1.cmp(&b.1))
                .then(a.2.cmp(&b.2))
        });
        let old_defs: HashMap<&str, &TypeDef> = old.types.iter().map(|d| (d.name(), d)).collect();
        for (_, _, _, old_name, new_name) in candidates {
            let free =
                !self.types.contains_key(old_name) && !self.types_back.contains_key(new_name);
            let same = match (old_defs.get(old_name), new_defs.get(new_name)) {
                (Some(old), Some(new)) => alike(old, new),
                _ => false,
            };
            if free && same {
                self.pair(old_name, new_name);
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::load::Spec;

    /// The API of a spec whose paths `/a`, `/b`, `/c` answer the schemas named.
    fn api(answers: [&str; 3]) -> Api {
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
        for (path, schema) in ["a", "b", "c"].iter().zip(answers) {
            text.push_str(&format!(
                "  /accounts/{{account_id}}/{path}:\n    get:\n      parameters:\n        - {{name: account_id, in: path, required: true, schema: {{type: string}}}}\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/{schema}'}}}}}}}}\n"
            ));
        }
        text.push_str("components:\n  schemas:\n    Clip: {type: object, properties: {uid: {type: string}, clipped: {type: string}}}\n    Video: {type: object, properties: {uid: {type: string}, duration: {type: integer}}}\n");
        let spec = Spec::from_sources(vec![(PathBuf::from("spec/a.yaml"), text)])
            .unwrap_or_else(|e| panic!("{e}"));
        Api::build(&spec, crate::Options::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_type_found_where_another_stood_does_not_take_that_ones_name() {
        // `/a` answered a clip and now answers the video `/b` and `/c` answer: the clip is
        // gone, the video is the video (the clip is reached first, so a first-come pairing
        // would call the video a renamed clip).
        let pairing = Pairing::of(
            &api(["Clip", "Video", "Video"]),
            &api(["Video", "Video", "Video"]),
        );
        assert_eq!(pairing.new_type("Video"), Some("Video"));
        assert_eq!(pairing.new_type("Clip"), None);
        // A tie (one site each) goes to the type that keeps its name.
        let pairing = Pairing::of(
            &api(["Clip", "Video", "Clip"]),
            &api(["Video", "Video", "Clip"]),
        );
        assert_eq!(pairing.new_type("Video"), Some("Video"));
        assert_eq!(pairing.new_type("Clip"), Some("Clip"));
    }
}
