//! Paths and operations to resources and method names.
//!
//! Resources come from the path: its literal segments, less a leading account or zone scope
//! (`/accounts/{account_id}`), nest as `stream` → `downloads`. Methods come from the HTTP verb:
//! `get` (or `list` when the result is an array), `create`, `update`, `edit`, `delete`; an
//! operation on `{param}` below a resource that already has that verb gets the parameter as a
//! suffix (`create_type` for `POST .../downloads/{download_type}`). A spec author can override
//! both with `x-rust-resource: stream.downloads` and `x-rust-method: create_type`.

use std::collections::{BTreeSet, HashMap};

use openapiv3::{Operation as SpecOperation, Parameter, ReferenceOr};

use super::cloudflare::{self, METHOD_EXTENSION, RESOURCE_EXTENSION};
use super::ir::{HttpMethod, Resource};
use super::names::{self, HANDLE_RESERVED, RESOURCE_MODULES, Scope, TOP_LEVEL_MODULES};
use super::operations;
use super::types::TypeBuilder;
use super::{docs, paths, sites};
use crate::error::{Error, Location, Result};
use crate::load::{FileId, Spec};

/// An operation as found in the spec, before it has a method name.
pub struct Found<'s> {
    /// The file it is written in.
    pub file: FileId,
    /// Where it stands (`#/paths/~1a/get`).
    pub at: Location,
    /// Its path template.
    pub path: &'s str,
    /// Its HTTP method.
    pub method: HttpMethod,
    /// The operation.
    pub op: &'s SpecOperation,
    /// The parameters of its path item, which it may override.
    pub shared_params: &'s [ReferenceOr<Parameter>],
    /// The name of the path's last segment if it is a parameter.
    trailing_param: Option<String>,
    method_override: Option<String>,
}

/// A resource being assembled.
struct Node<'s> {
    segment: String,
    found: Vec<Found<'s>>,
    children: Vec<Node<'s>>,
}

impl<'s> Node<'s> {
    fn new(segment: &str) -> Self {
        Self {
            segment: segment.to_owned(),
            found: Vec::new(),
            children: Vec::new(),
        }
    }

    fn child(&mut self, segment: &str) -> &mut Node<'s> {
        let index = match self.children.iter().position(|c| c.segment == segment) {
            Some(index) => index,
            None => {
                self.children.push(Node::new(segment));
                self.children.len() - 1
            }
        };
        &mut self.children[index]
    }
}

/// Builds the resource tree of `spec`, creating the model types its operations use.
/// Operations whose method the spec names (`x-rust-method`) are added to `pinned` by key.
pub fn build(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    pinned: &mut BTreeSet<String>,
) -> Result<Vec<Resource>> {
    let top = tree(spec, types)?;
    let mut modules = Scope::with_reserved(TOP_LEVEL_MODULES);
    let mut roots = Vec::with_capacity(top.children.len());
    // Root handles are re-exported at the crate root: unique, and never a model's name.
    let mut handles = Scope::default();
    let root_handles: Vec<String> = top
        .children
        .iter()
        .map(|node| handles.claim(names::type_name(&node.segment)))
        .collect();
    for handle in &root_handles {
        types.reserve(handle);
    }
    // The names the spec asks for, kept before any type is built; after the crate root's own.
    types.keep_asked_names()?;
    for (node, handle) in top.children.into_iter().zip(root_handles) {
        roots.push(resource(
            spec,
            types,
            node,
            &mut modules,
            "",
            Some(handle),
            pinned,
        )?);
    }
    Ok(roots)
}

/// Every operation of every file, placed in the resource it belongs to.
///
/// The same route written twice (under two parameter names: `/a/{id}` and `/a/{video_id}`),
/// or two operations with one operationId, are refused strictly; leniently, each is a note
/// naming both places, and of a route written twice only the first is generated.
fn tree<'s>(spec: &'s Spec, types: &mut TypeBuilder<'_>) -> Result<Node<'s>> {
    let mut top = Node::new("");
    let mut operation_ids: HashMap<&str, Location> = HashMap::new();
    let mut routes: HashMap<(HttpMethod, String), Location> = HashMap::new();
    for (file_id, file) in spec.files.iter().enumerate() {
        let paths_at = spec.root(file_id).join("paths");
        for (path, item) in &file.doc.paths.paths {
            let item_at = paths_at.join(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    return Err(Error::Unsupported {
                        at: item_at,
                        what: "a `$ref` as a path item; write the path item in place".into(),
                    });
                }
            };
            for (key, op) in item.iter() {
                let method = HttpMethod::from_key(key).unwrap_or(HttpMethod::Trace);
                let at = item_at.join(method.key());
                let route = (method, paths::route(path));
                if let Some(first) = routes.get(&route) {
                    let duplicate = Error::Duplicate {
                        at: at.clone(),
                        what: format!("route `{} {}`", method.as_str(), route.1),
                        first: first.clone(),
                    };
                    types.tolerate(duplicate, "only the first is generated")?;
                    continue;
                }
                routes.insert(route, at.clone());
                if let Some(id) = &op.operation_id {
                    match operation_ids.get(id.as_str()) {
                        Some(first) => {
                            let duplicate = Error::Duplicate {
                                at: at.join("operationId"),
                                what: format!("operationId `{id}`"),
                                first: first.clone(),
                            };
                            types.tolerate(duplicate, "both are generated")?;
                        }
                        None => {
                            operation_ids.insert(id, at.join("operationId"));
                        }
                    }
                }
                let extension = |key| cloudflare::extension_str(op.extensions.get(key), key, &at);
                let chain = match extension(RESOURCE_EXTENSION)? {
                    Some(dotted) => dotted.split('.').map(str::to_owned).collect(),
                    None => cloudflare::resource_chain(path),
                };
                if chain.is_empty() || chain.iter().any(String::is_empty) {
                    return Err(Error::Unsupported {
                        at,
                        what: format!(
                            "cannot derive a resource from `{path}`; name one with `{RESOURCE_EXTENSION}`"
                        ),
                    });
                }
                let method_override = extension(METHOD_EXTENSION)?;
                let mut node = &mut top;
                for segment in &chain {
                    node = node.child(segment);
                }
                node.found.push(Found {
                    file: file_id,
                    at,
                    path,
                    method,
                    op,
                    shared_params: &item.parameters,
                    trailing_param: paths::trailing_param(path),
                    method_override,
                });
            }
        }
    }
    Ok(top)
}

fn resource(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    node: Node<'_>,
    modules: &mut Scope,
    parent: &str,
    handle: Option<String>,
    pinned: &mut BTreeSet<String>,
) -> Result<Resource> {
    let root = handle.is_some();
    let module = modules.claim(names::snake(&node.segment));
    let handle = handle.unwrap_or_else(|| names::type_name(&node.segment));
    let qualified = if parent.is_empty() {
        node.segment.clone()
    } else {
        format!("{parent}.{}", node.segment)
    };

    // Accessors for nested resources first: a method must not shadow a resource.
    let mut methods = Scope::with_reserved(HANDLE_RESERVED);
    let mut child_modules = Scope::with_reserved(RESOURCE_MODULES);
    let mut children = Vec::with_capacity(node.children.len());
    for child in node.children {
        let mut built = resource(
            spec,
            types,
            child,
            &mut child_modules,
            &qualified,
            None,
            pinned,
        )?;
        built.accessor = methods.claim(names::snake(&built.segment));
        children.push(built);
    }

    // Responses first: a GET's method (`get` or `list`) depends on what it returns.
    let mut responses = Vec::with_capacity(node.found.len());
    for found in &node.found {
        responses.push(operations::response(spec, types, found, &handle)?);
    }
    let bases: Vec<&str> = node
        .found
        .iter()
        .zip(&responses)
        .map(|(found, response)| cloudflare::verb_method(found.method, &response.ty))
        .collect();
    let asked = keep_asked_methods(&node.found, &mut methods, types)?;
    let mut tag = None;
    let mut operations = Vec::with_capacity(node.found.len());
    for (i, (found, response)) in node.found.iter().zip(responses).enumerate() {
        let base = bases[i];
        let name = match (&found.method_override, &found.trailing_param) {
            (Some(name), _) => name.clone(),
            // `{param}` below a resource that has the same method without it: say which.
            (None, Some(param))
                if node.found.iter().zip(&bases).any(|(other, other_base)| {
                    other.trailing_param.is_none() && *other_base == base
                }) =>
            {
                format!("{base}_{}", short_param(param, &node.segment))
            }
            (None, _) => base.to_owned(),
        };
        let wanted = names::snake(&name);
        let method_name = if asked.get(&wanted) == Some(&i) {
            wanted
        } else {
            methods.claim(wanted)
        };
        if tag.is_none() {
            tag = tag_description(spec, found);
        }
        let op = operations::operation(
            spec,
            types,
            found,
            method_name,
            &qualified,
            &handle,
            response,
        )?;
        if found.method_override.is_some() {
            pinned.insert(sites::operation_key(&op));
        }
        operations.push(op);
    }
    let shared_paths = paths::builders(&mut operations);
    let doc = docs::module_doc(tag, &node.segment, root);
    Ok(Resource {
        accessor: names::snake(&node.segment),
        handle_doc: docs::handle_doc(&node.segment),
        accessor_doc: docs::first_sentence(&doc),
        doc,
        qualified_name: qualified,
        segment: node.segment,
        module,
        handle,
        operations,
        shared_paths,
        children,
    })
}

/// Keeps, in `methods`, the method names the operations of one resource ask for
/// (`x-rust-method`) before any name is derived, so that a derived name never takes one.
/// Returns each kept name with the index of the operation that asked. Two operations asking
/// for one name are refused (when lenient: a note, and the later one numbered); a name the
/// handle already uses (a word the generated code needs, a nested resource's accessor) is left
/// to be numbered as any other.
fn keep_asked_methods(
    found: &[Found<'_>],
    methods: &mut Scope,
    types: &mut TypeBuilder<'_>,
) -> Result<HashMap<String, usize>> {
    // Every name asked for, by the first operation to ask; those kept, likewise.
    let mut askers: HashMap<String, usize> = HashMap::new();
    let mut kept: HashMap<String, usize> = HashMap::new();
    for (index, operation) in found.iter().enumerate() {
        let Some(name) = &operation.method_override else {
            continue;
        };
        let name = names::snake(name);
        if let Some(&first) = askers.get(&name) {
            let duplicate = Error::Duplicate {
                at: operation.at.join(METHOD_EXTENSION),
                what: format!("`x-rust-method` for the method name `{name}`"),
                first: found[first].at.join(METHOD_EXTENSION),
            };
            types.tolerate(
                duplicate,
                "the first operation has the name; this one is numbered",
            )?;
            continue;
        }
        askers.insert(name.clone(), index);
        if !methods.contains(&name) {
            methods.claim(name.clone());
            kept.insert(name, index);
        }
    }
    Ok(kept)
}

/// `download_type` under `downloads` → `type`; `identifier` → `identifier`.
fn short_param(param: &str, resource: &str) -> String {
    let snake = names::snake(param);
    let plain = snake.trim_start_matches("r#");
    let singular = names::snake(resource.strip_suffix('s').unwrap_or(resource));
    plain
        .strip_prefix(&format!("{singular}_"))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(plain)
        .to_owned()
}

/// The description of the first tag of `found`'s operation: as the operation's own file
/// describes it, else as the first file that does. Files often share a tag (Cloudflare tags
/// most video operations `Stream Videos`), each describing it for its own resource.
fn tag_description(spec: &Spec, found: &Found<'_>) -> Option<String> {
    let tag = found.op.tags.first()?;
    fn described<'s>(file: &'s crate::load::SpecFile, tag: &str) -> Option<&'s str> {
        file.doc
            .tags
            .iter()
            .find(|t| t.name == tag)
            .and_then(|t| t.description.as_deref())
    }
    let description = described(&spec.files[found.file], tag)
        .or_else(|| spec.files.iter().find_map(|file| described(file, tag)));
    docs::spec_text(description)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_suffixes_drop_the_resource_name() {
        assert_eq!(short_param("download_type", "downloads"), "type");
        assert_eq!(short_param("identifier", "downloads"), "identifier");
        assert_eq!(short_param("language", "captions"), "language");
    }
}
