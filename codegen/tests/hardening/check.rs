//! What every generation must satisfy: the source parses (syn), names are unique where Rust
//! needs them to be, the model refers only to types it defines and has no type of infinite
//! size or endless decoding; and a refusal names a spec file and a JSON pointer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use codegen::Error;
use codegen::model::{Api, Body, ParamType, Resource, TypeDef, TypeRef};
use syn::ext::IdentExt;

/// Everything wrong with a generated file; empty when it is fine.
pub fn source(text: &str) -> Vec<String> {
    let file = match syn::parse_file(text) {
        Ok(file) => file,
        Err(error) => return vec![format!("the output does not parse: {error}")],
    };
    let mut problems = Vec::new();
    items(&file.items, "crate", &mut problems);
    problems
}

/// Names in one namespace of one module.
struct Names<'a> {
    scope: String,
    seen: BTreeSet<String>,
    problems: &'a mut Vec<String>,
}

impl Names<'_> {
    fn add(&mut self, name: String) {
        if !self.seen.insert(name.clone()) {
            self.problems
                .push(format!("`{name}` is defined twice in {}", self.scope));
        }
    }
}

fn unraw(ident: &syn::Ident) -> String {
    ident.unraw().to_string()
}

fn items(items: &[syn::Item], module: &str, problems: &mut Vec<String>) {
    let mut types = BTreeSet::new();
    let mut values = BTreeSet::new();
    let mut inherent: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut traits: BTreeSet<(String, String)> = BTreeSet::new();
    let mut local = Vec::new();
    {
        let mut add_type = |name: String, problems: &mut Vec<String>| {
            if !types.insert(name.clone()) {
                problems.push(format!(
                    "`{name}` is defined twice in `{module}` (types, modules, imports)"
                ));
            }
        };
        for item in items {
            match item {
                syn::Item::Struct(s) => {
                    add_type(unraw(&s.ident), problems);
                    fields(s, module, problems);
                }
                syn::Item::Enum(e) => {
                    add_type(unraw(&e.ident), problems);
                    let mut variants = Names {
                        scope: format!("the variants of `{module}::{}`", e.ident),
                        seen: BTreeSet::new(),
                        problems,
                    };
                    for variant in &e.variants {
                        variants.add(unraw(&variant.ident));
                    }
                }
                syn::Item::Type(t) => add_type(unraw(&t.ident), problems),
                syn::Item::Mod(m) => {
                    add_type(unraw(&m.ident), problems);
                    if let Some((_, content)) = &m.content {
                        local.push((format!("{module}::{}", m.ident), content));
                    }
                }
                syn::Item::Use(u) => {
                    let mut names = Vec::new();
                    use_names(&u.tree, &mut names);
                    for name in names {
                        add_type(name, problems);
                    }
                }
                syn::Item::Fn(f) => {
                    if !values.insert(unraw(&f.sig.ident)) {
                        problems.push(format!(
                            "fn `{}` is defined twice in `{module}`",
                            f.sig.ident
                        ));
                    }
                    arguments(&f.sig, module, problems);
                }
                syn::Item::Const(syn::ItemConst { ident, .. })
                | syn::Item::Static(syn::ItemStatic { ident, .. })
                    if !values.insert(unraw(ident)) =>
                {
                    problems.push(format!("`{ident}` is defined twice in `{module}`"));
                }
                syn::Item::Impl(i) => {
                    let self_ty = type_name(&i.self_ty);
                    if let Some((path, _)) = &i.trait_
                        && let Some(last) = path.segments.last()
                    {
                        traits.insert((self_ty.clone(), last.ident.to_string()));
                    }
                    for impl_item in &i.items {
                        let syn::ImplItem::Fn(f) = impl_item else {
                            continue;
                        };
                        arguments(&f.sig, module, problems);
                        if i.trait_.is_none()
                            && !inherent
                                .entry(self_ty.clone())
                                .or_default()
                                .insert(unraw(&f.sig.ident))
                        {
                            problems.push(format!(
                                "method `{}` is defined twice on `{module}::{self_ty}`",
                                f.sig.ident
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    // `Handle::from(client)` is how the code builds a handle: an inherent `from` would win.
    for (ty, methods) in &inherent {
        if methods.contains("from") && traits.contains(&(ty.clone(), "From".to_owned())) {
            problems.push(format!(
                "`{module}::{ty}` has a method `from`, which `{ty}::from(..)` would call instead of `From::from`"
            ));
        }
    }
    for (path, content) in local {
        self::items(content, &path, problems);
    }
}

fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|s| unraw(&s.ident))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn use_names(tree: &syn::UseTree, out: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(path) => use_names(&path.tree, out),
        syn::UseTree::Name(name) => out.push(unraw(&name.ident)),
        syn::UseTree::Rename(rename) => out.push(unraw(&rename.rename)),
        syn::UseTree::Glob(_) => {}
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                use_names(tree, out);
            }
        }
    }
}

fn arguments(sig: &syn::Signature, module: &str, problems: &mut Vec<String>) {
    let mut names = Names {
        scope: format!("the arguments of `{module}::{}`", sig.ident),
        seen: BTreeSet::new(),
        problems,
    };
    for input in &sig.inputs {
        match input {
            syn::FnArg::Receiver(_) => names.add("self".to_owned()),
            syn::FnArg::Typed(typed) => {
                if let syn::Pat::Ident(ident) = typed.pat.as_ref() {
                    names.add(unraw(&ident.ident));
                }
            }
        }
    }
}

/// Field names, and the JSON names serde gives them, are unique.
fn fields(s: &syn::ItemStruct, module: &str, problems: &mut Vec<String>) {
    let mut rust = BTreeSet::new();
    let mut json = BTreeSet::new();
    for field in &s.fields {
        let Some(ident) = &field.ident else {
            continue;
        };
        let name = unraw(ident);
        if !rust.insert(name.clone()) {
            problems.push(format!(
                "field `{name}` is defined twice in `{module}::{}`",
                s.ident
            ));
        }
        let wire = serde_rename(&field.attrs).unwrap_or(name);
        if !json.insert(wire.clone()) {
            problems.push(format!(
                "JSON name `{wire}` is used by two fields of `{module}::{}`",
                s.ident
            ));
        }
    }
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.input.peek(syn::Token![=]) {
                let value: syn::LitStr = meta.value()?.parse()?;
                if meta.path.is_ident("rename") {
                    rename = Some(value.value());
                }
            }
            Ok(())
        });
    }
    rename
}

/// Everything wrong with a model: types referred to but not defined, duplicate definitions,
/// types of infinite size, aliases that expand forever, unions that decode forever.
pub fn model(api: &Api) -> Vec<String> {
    let mut problems = Vec::new();
    let mut defined: BTreeMap<&str, &TypeDef> = BTreeMap::new();
    for def in &api.types {
        if defined.insert(def.name(), def).is_some() {
            problems.push(format!("model `{}` is defined twice", def.name()));
        }
    }
    let refer = |ty: &TypeRef, from: &str, problems: &mut Vec<String>| {
        let mut names = Vec::new();
        named(ty, &mut names);
        for name in names {
            if !defined.contains_key(name) {
                problems.push(format!("{from} refers to `{name}`, which is not defined"));
            }
        }
    };
    for def in &api.types {
        let from = format!("model `{}`", def.name());
        match def {
            TypeDef::Struct(s) => {
                for field in &s.fields {
                    refer(&field.ty, &from, &mut problems);
                }
            }
            TypeDef::Union(u) => {
                for (_, ty) in &u.variants {
                    refer(ty, &from, &mut problems);
                }
            }
            TypeDef::Alias(a) => refer(&a.target, &from, &mut problems),
            TypeDef::Enum(e) => {
                let values: BTreeSet<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
                if values.len() != e.variants.len() {
                    problems.push(format!("{from} lists a value twice"));
                }
            }
        }
    }
    let mut operations = Vec::new();
    collect_operations(&api.roots, &mut operations);
    for op in operations {
        let from = format!("operation `{}`", op.qualified_name);
        refer(&op.response.ty, &from, &mut problems);
        match &op.body {
            Body::Json(ty) => refer(ty, &from, &mut problems),
            Body::Multipart(name) if !defined.contains_key(name.as_str()) => {
                problems.push(format!("{from} sends `{name}`, which is not defined"));
            }
            _ => {}
        }
        for param in &op.params {
            let mut ty = &param.ty;
            while let ParamType::List(inner) = ty {
                ty = inner;
            }
            if let ParamType::Enum(name) = ty
                && !matches!(defined.get(name.as_str()), Some(TypeDef::Enum(_)))
            {
                problems.push(format!(
                    "{from} takes `{name}`, which is not a defined enum"
                ));
            }
        }
    }

    // A struct or union that holds itself by value (no `Box`, `Vec` or map between) has no size.
    let by_value = graph(&api.types, |def| match def {
        TypeDef::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
        TypeDef::Union(u) => u.variants.iter().filter_map(|(_, ty)| direct(ty)).collect(),
        TypeDef::Alias(a) => direct(&a.target).into_iter().collect(),
        TypeDef::Enum(_) => Vec::new(),
    });
    if let Some(cycle) = find_cycle(&by_value) {
        problems.push(format!("infinite size: {}", cycle.join(" holds ")));
    }
    // A type alias may not mention itself, even inside a `Vec`: Rust expands aliases eagerly.
    let aliases = graph(&api.types, |def| match def {
        TypeDef::Alias(a) => {
            let mut names = Vec::new();
            named(&a.target, &mut names);
            names
                .into_iter()
                .filter(|n| matches!(defined.get(n), Some(TypeDef::Alias(_))))
                .map(str::to_owned)
                .collect()
        }
        _ => Vec::new(),
    });
    if let Some(cycle) = find_cycle(&aliases) {
        problems.push(format!("an alias expands forever: {}", cycle.join(" = ")));
    }
    // An untagged union tries its members in turn; one that is (through other unions) itself,
    // with no object or array in between, recurses without reading anything. A flattened
    // field is read from its struct's own object: no object in between either.
    let decoding = graph(&api.types, |def| match def {
        TypeDef::Union(u) => u
            .variants
            .iter()
            .filter_map(|(_, ty)| unboxed(ty))
            .collect(),
        TypeDef::Struct(s) => s
            .fields
            .iter()
            .filter(|f| f.flatten)
            .filter_map(|f| unboxed(&f.ty))
            .collect(),
        TypeDef::Alias(a) => unboxed(&a.target).into_iter().collect(),
        _ => Vec::new(),
    });
    if let Some(cycle) = find_cycle(&decoding) {
        problems.push(format!(
            "decoding recurses forever: {}",
            cycle.join(" tries ")
        ));
    }
    problems
}

fn collect_operations<'a>(resources: &'a [Resource], out: &mut Vec<&'a codegen::model::Operation>) {
    for resource in resources {
        out.extend(&resource.operations);
        collect_operations(&resource.children, out);
    }
}

fn named<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => named(inner, out),
        _ => {}
    }
}

fn direct(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Named(name) => Some(name.clone()),
        _ => None,
    }
}

fn unboxed(ty: &TypeRef) -> Option<String> {
    match ty {
        TypeRef::Named(name) => Some(name.clone()),
        TypeRef::Boxed(inner) => unboxed(inner),
        _ => None,
    }
}

fn graph(
    defs: &[TypeDef],
    edges: impl Fn(&TypeDef) -> Vec<String>,
) -> BTreeMap<String, Vec<String>> {
    defs.iter()
        .map(|def| (def.name().to_owned(), edges(def)))
        .collect()
}

/// A cycle in `graph`, as the names along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    // 0: unvisited, 1: on the current path, 2: done.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    for start in graph.keys() {
        if state.get(start.as_str()).copied().unwrap_or(0) != 0 {
            continue;
        }
        // An explicit stack: a deep chain of types must not overflow the test's own stack.
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        state.insert(start, 1);
        while let Some((node, next)) = stack.last_mut() {
            let targets = graph.get(*node).map(Vec::as_slice).unwrap_or(&[]);
            if *next >= targets.len() {
                state.insert(node, 2);
                stack.pop();
                continue;
            }
            let target = targets[*next].as_str();
            *next += 1;
            match state.get(target).copied().unwrap_or(0) {
                0 if graph.contains_key(target) => {
                    state.insert(target, 1);
                    stack.push((target, 0));
                }
                1 => {
                    let from = stack.iter().position(|(n, _)| *n == target).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[from..].iter().map(|(n, _)| (*n).to_owned()).collect();
                    cycle.push(target.to_owned());
                    return Some(cycle);
                }
                _ => {}
            }
        }
    }
    None
}

/// Whether a refusal is a proper one: it names one of `files`, and a JSON pointer (or, for a
/// syntax error, a line) in it. An emitted file that does not parse is never proper.
pub fn refusal(error: &Error, files: &[PathBuf]) -> Result<(), String> {
    match error {
        Error::Syntax { file, .. } if files.contains(file) => Ok(()),
        Error::Emit { .. } => Err(format!(
            "the generator emitted code that does not parse: {error}"
        )),
        _ => match error.location() {
            Some(at)
                if files.contains(&at.file)
                    && (at.pointer.is_empty() || at.pointer.starts_with('/')) =>
            {
                Ok(())
            }
            _ => Err(format!(
                "the error names no spec file and pointer: {error:?}"
            )),
        },
    }
}
