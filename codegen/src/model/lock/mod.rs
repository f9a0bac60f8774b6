//! The API lock: the Rust API a spec folder generated last, as data (`rust-api.lock`, beside
//! the spec files), so that the next generation keeps its names and can say what changed.
//!
//! The rule a user can predict: every type, method, field and variant that is *the same item*
//! as one in the lock (see [`Pairing`]: same operation by method and route, same type by where
//! the wire uses it) keeps the lock's Rust name, whatever the spec now calls it. Only new items
//! get new names. An `x-rust-name` (schema) or `x-rust-method` (operation) in the spec always
//! wins over the lock; so does a name the lock would give twice (the item then keeps its new
//! name). To rename on purpose, change or delete the entry in the lock, or use an extension.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;

use super::ir::{Api, Operation, Resource, TypeDef, TypeRef};
use super::names::{self, HANDLE_RESERVED, Scope};
use super::pairing::{Pairing, keyed};
use super::visit;
use crate::error::{Error, Location, Result};

mod text;

/// The name of the lock file in a spec folder. Not `.json`, `.yaml` or `.yml`: it is not a
/// spec file.
pub const LOCK_FILE: &str = "rust-api.lock";

/// The version of the lock's format this generator writes, and the newest it reads. 1 and 2
/// were JSON, the IR serialized (1 without a version; 2 dropped the request types); 3 is the
/// lock's own line format (`text`), which no change to the IR touches.
pub const LOCK_VERSION: u32 = 3;

/// A lock of format 1 or 2: JSON, the IR's own serialisation of the resources and types. Only
/// read, so that a folder locked by an older generator keeps its names; the IR's fields that
/// were not in those formats are `#[serde(skip)]` or defaulted, and
/// `a_lock_of_format_2_still_reads` keeps it so.
#[derive(Debug, Deserialize)]
struct JsonLock {
    /// The format's version; 1 when absent.
    #[serde(default = "first_version")]
    version: u32,
    /// The resources, their methods and parameters.
    roots: Vec<Resource>,
    /// The model types.
    types: Vec<TypeDef>,
}

fn first_version() -> u32 {
    1
}

const ABOUT: &str = "The Rust API this spec folder generated, written by `codegen generate`. \
    The next generation keeps these names for the same items and reports what changed against \
    it. Commit it with the spec; edit or delete an entry to rename an item on purpose (the \
    format: codegen/README.md, The API lock).";

pub use super::ir::Pinned;

/// Reads the lock of the spec folder `dir`, if it has one. Its locations are rebased on `dir`.
pub fn read(dir: &Path) -> Result<Option<Api>> {
    let path = dir.join(LOCK_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Io { path, source }),
    };
    parse(&text, &path, dir).map(Some)
}

/// The API in the lock `text` (read from `path`, in the spec folder `dir`), of any format this
/// generator reads.
pub fn parse(text: &str, path: &Path, dir: &Path) -> Result<Api> {
    let (version, roots, types) = if text.trim_start().starts_with('{') {
        let lock: JsonLock = serde_json::from_str(text).map_err(|e| Error::Syntax {
            file: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: format!("not an API lock: {e}"),
        })?;
        (lock.version, lock.roots, lock.types)
    } else {
        let lock = text::read(text, path)?;
        (lock.version, lock.roots, lock.types)
    };
    if version > LOCK_VERSION {
        return Err(Error::Syntax {
            file: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!(
                "an API lock of format {version}, written by a newer generator (this one reads up to {LOCK_VERSION}): update the generator, or delete the lock to name items from the spec alone"
            ),
        });
    }
    let mut api = Api {
        roots,
        types,
        ..Api::default()
    };
    visit::locations_mut(&mut api, &mut |at: &mut Location| {
        at.file = dir.join(&at.file);
    });
    Ok(api)
}

/// The lock text for `api`: deterministic, one item per line.
pub fn render(api: &Api) -> String {
    text::write(ABOUT, LOCK_VERSION, &api.roots, &api.types)
}

/// Gives the items of `new` that are the same items as in `old` (the lock) the names they have
/// there, where the spec does not pin them and the name is free.
pub fn adopt(new: &mut Api, old: &Api, pinned: &Pinned) {
    let pairing = Pairing::of(old, new);
    adopt_type_names(new, &pairing, pinned);
    // Type names may have changed: pair again for what is inside the types.
    let pairing = Pairing::of(old, new);
    adopt_union_variants(new, old, &pairing);
    adopt_members(new, old, &pairing);
    adopt_methods(new, old, &pairing, pinned);
}

/// Renames paired types to their old names, then numbers any new name those took.
fn adopt_type_names(new: &mut Api, pairing: &Pairing, pinned: &Pinned) {
    // Names beside the models that a model may not take: the root handles (re-exported at the
    // crate root).
    let mut scope = Scope::default();
    for root in &new.roots {
        scope.claim(root.handle.clone());
    }
    let mut finals: HashMap<String, String> = HashMap::new();
    for def in &new.types {
        let name = def.name();
        if pinned.types.contains(name) {
            finals.insert(name.to_owned(), scope.claim(name.to_owned()));
        }
    }
    for def in &new.types {
        let name = def.name();
        if finals.contains_key(name) {
            continue;
        }
        if let Some(old) = pairing.old_type(name)
            && !scope.contains(old)
        {
            finals.insert(name.to_owned(), scope.claim(old.to_owned()));
        }
    }
    for def in &new.types {
        let name = def.name();
        if !finals.contains_key(name) {
            finals.insert(name.to_owned(), scope.claim(name.to_owned()));
        }
    }
    if finals.iter().any(|(from, to)| from != to) {
        visit::model_names_mut(new, &mut |name: &mut String| {
            if let Some(to) = finals.get(name.as_str()) {
                name.clone_from(to);
            }
        });
        rename_union_variants(new);
    }
}

/// Names every union's variants anew from their (renamed) types.
fn rename_union_variants(api: &mut Api) {
    for def in &mut api.types {
        if let TypeDef::Union(union) = def {
            let mut idents = Scope::default();
            for (variant, ty) in &mut union.variants {
                *variant = idents.claim(names::variant_name(ty));
            }
        }
    }
}

/// Keeps the variant names of paired unions, pairing variants by type, else by position.
fn adopt_union_variants(new: &mut Api, old: &Api, pairing: &Pairing) {
    let old_defs = by_name(&old.types);
    for def in &mut new.types {
        let TypeDef::Union(union) = def else { continue };
        let Some(TypeDef::Union(before)) = pairing
            .old_type(&union.name)
            .and_then(|old| old_defs.get(old))
        else {
            continue;
        };
        let translated: Vec<TypeRef> = before
            .variants
            .iter()
            .map(|(_, ty)| translate(ty, pairing))
            .collect();
        let wanted: Vec<Option<String>> = union
            .variants
            .iter()
            .enumerate()
            .map(|(i, (_, ty))| {
                let at = translated
                    .iter()
                    .position(|t| t == ty)
                    .or((i < before.variants.len()).then_some(i))?;
                Some(before.variants[at].0.clone())
            })
            .collect();
        keep_names(
            union.variants.iter_mut().map(|(name, _)| name),
            wanted,
            Scope::default(),
        );
    }
}

/// Keeps the field names of paired structs (by JSON name) and the variant names of paired
/// enums (by value).
fn adopt_members(new: &mut Api, old: &Api, pairing: &Pairing) {
    let old_defs = by_name(&old.types);
    for def in &mut new.types {
        let before = pairing
            .old_type(def.name())
            .and_then(|old| old_defs.get(old));
        match (def, before) {
            (TypeDef::Struct(s), Some(TypeDef::Struct(b))) => {
                let wanted = s
                    .fields
                    .iter()
                    .map(|f| {
                        b.fields
                            .iter()
                            .find(|o| o.json_name == f.json_name && o.flatten == f.flatten)
                            .map(|o| o.ident.clone())
                    })
                    .collect();
                keep_names(
                    s.fields.iter_mut().map(|f| &mut f.ident),
                    wanted,
                    Scope::default(),
                );
            }
            (TypeDef::Enum(e), Some(TypeDef::Enum(b))) => {
                // A name the spec gives (`x-enum-varnames`) is kept; the others, the lock's.
                let wanted = e
                    .variants
                    .iter()
                    .map(|v| {
                        b.variants
                            .iter()
                            .find(|o| o.value == v.value && !v.explicit)
                            .map(|o| o.ident.clone())
                    })
                    .collect();
                let mut names: Vec<&mut String> =
                    e.variants.iter_mut().map(|v| &mut v.ident).collect();
                let mut wanted: Vec<Option<String>> = wanted;
                names.push(&mut e.fallback);
                wanted.push(Some(b.fallback.clone()));
                keep_names(names.into_iter(), wanted, Scope::default());
            }
            _ => {}
        }
    }
}

/// Renames each of `names` to its `wanted` name where `scope` (the names already taken) and
/// the others leave it free; the rest keep theirs, numbered if a kept name took theirs.
fn keep_names<'a>(
    names: impl Iterator<Item = &'a mut String>,
    wanted: Vec<Option<String>>,
    mut scope: Scope,
) {
    let mut names: Vec<&mut String> = names.collect();
    let mut done = vec![false; names.len()];
    for (i, want) in wanted.iter().enumerate() {
        if let Some(want) = want
            && !scope.contains(want)
        {
            *names[i] = scope.claim(want.clone());
            done[i] = true;
        }
    }
    for (i, name) in names.iter_mut().enumerate() {
        if !done[i] {
            **name = scope.claim(name.clone());
        }
    }
}

/// Keeps the method names of paired operations (their operation types are named after them).
fn adopt_methods(new: &mut Api, old: &Api, pairing: &Pairing, pinned: &Pinned) {
    let old_ops: HashMap<String, &Operation> = keyed(&old.roots).into_iter().collect();
    let wanted: HashMap<String, &Operation> = pairing
        .operations
        .iter()
        .filter(|(_, new_key)| !pinned.operations.contains(new_key))
        .filter_map(|(old_key, new_key)| Some((new_key.clone(), *old_ops.get(old_key)?)))
        .collect();
    for root in &mut new.roots {
        adopt_in_resource(root, &wanted);
    }
}

fn adopt_in_resource(resource: &mut Resource, wanted: &HashMap<String, &Operation>) {
    let mut methods = Scope::with_reserved(HANDLE_RESERVED);
    for child in &resource.children {
        methods.claim(child.accessor.clone());
    }
    let wanted_names: Vec<Option<String>> = resource
        .operations
        .iter()
        .map(|op| {
            wanted
                .get(&super::sites::operation_key(op))
                .map(|old| old.method_name.clone())
        })
        .collect();
    // Method names are kept where free among this handle's methods and accessors.
    let mut kept: Vec<String> = resource
        .operations
        .iter()
        .map(|op| op.method_name.clone())
        .collect();
    keep_names(kept.iter_mut(), wanted_names, methods);
    for (op, name) in resource.operations.iter_mut().zip(kept) {
        if op.method_name != name {
            op.method_name = name;
            op.qualified_name = format!("{}.{}", resource.qualified_name, op.method_name);
        }
    }
    for child in &mut resource.children {
        adopt_in_resource(child, wanted);
    }
}

/// `ty` of the old API, with its type names as the new API calls them.
pub fn translate(ty: &TypeRef, pairing: &Pairing) -> TypeRef {
    match ty {
        TypeRef::Named(name) => TypeRef::Named(
            pairing
                .new_type(name)
                .map_or_else(|| name.clone(), str::to_owned),
        ),
        TypeRef::Array(inner) => TypeRef::Array(Box::new(translate(inner, pairing))),
        TypeRef::Map(inner) => TypeRef::Map(Box::new(translate(inner, pairing))),
        TypeRef::Boxed(inner) => TypeRef::Boxed(Box::new(translate(inner, pairing))),
        other => other.clone(),
    }
}

fn by_name(defs: &[TypeDef]) -> BTreeMap<&str, &TypeDef> {
    defs.iter().map(|d| (d.name(), d)).collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::{Generator, Options};

    const EMPTY: &str = r#"{"about": "", "roots": [], "types": []}"#;

    fn parsed(text: &str) -> Result<Api> {
        parse(text, Path::new("spec/rust-api.lock"), Path::new("spec"))
    }

    /// What formats 1 and 2 stored of `api`, to compare two APIs by.
    fn stored(api: &Api) -> serde_json::Value {
        serde_json::json!({ "roots": api.roots, "types": api.types })
    }

    fn repository() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    #[test]
    fn a_lock_without_a_version_is_read_as_the_first() {
        let api = parsed(EMPTY).unwrap_or_else(|e| panic!("{e}"));
        assert!(api.roots.is_empty() && api.types.is_empty());
        assert!(render(&api).contains(&format!("\nrust-api-lock {LOCK_VERSION}\n")));
    }

    #[test]
    fn a_lock_of_a_newer_format_is_refused_naming_the_file() {
        let json = EMPTY.replace("\"roots\"", "\"version\": 99, \"roots\"");
        for text in [json.as_str(), "# a lock\nrust-api-lock 99\n"] {
            let error = parsed(text)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains("spec/rust-api.lock"), "{error}");
            assert!(error.contains("format 99"), "{error}");
        }
    }

    #[test]
    fn every_item_reads_back_as_written() {
        // The repository's spec, and Cloudflare's whole Stream schema (lenient): the lock keeps
        // every field formats 1 and 2 kept, and reads back to the same API.
        let spec = Generator::new(Options::default())
            .generate_dir(&repository().join("spec"))
            .unwrap_or_else(|e| panic!("{e}"));
        let schema = repository().join("schemas/cloudflare/cloudflare-stream.yaml");
        let loaded = crate::load::Spec::load_files(vec![schema]).unwrap_or_else(|e| panic!("{e}"));
        let stream = Generator::new(Options {
            lenient: true,
            ..Options::default()
        })
        .generate(&loaded)
        .unwrap_or_else(|e| panic!("{e}"));
        for api in [&spec.api, &stream.api] {
            let text = render(api);
            let back = parsed(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(stored(&back), stored(api));
            assert_eq!(render(&back), text);
        }
    }

    #[test]
    fn a_lock_of_format_2_still_reads() {
        // The lock of `spec/` as the generator of format 2 wrote it: the same API as today's.
        let old = parsed(include_str!("format-2.lock")).unwrap_or_else(|e| panic!("{e}"));
        let now = read(&repository().join("spec"))
            .unwrap_or_else(|e| panic!("{e}"))
            .expect("spec/ has a lock");
        assert_eq!(stored(&old), stored(&now));
    }

    #[test]
    fn the_lock_is_smaller_than_the_ir_it_replaced() {
        let now = std::fs::read_to_string(repository().join("spec").join(LOCK_FILE))
            .unwrap_or_else(|e| panic!("{e}"));
        let json = include_str!("format-2.lock");
        assert!(
            now.len() * 3 < json.len(),
            "{} vs {}",
            now.len(),
            json.len()
        );
    }
}
