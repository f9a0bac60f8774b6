//! A consumer of a generated API that touches every public item: calls each method (and each
//! setter), names each request's type and calls its methods, reads each field, builds each struct, checks `Eq` where it
//! is derived, matches each enum and union variant. Compiled against another version of the
//! API, each compile error falls in one touch, which says which item broke.

use std::fmt::Write;

use codegen::model::{Api, Body, Operation, ParamType, Resource, TypeDef, TypeRef};

/// One function of the consumer, and what it touches.
#[derive(Debug, Clone)]
pub struct Touch {
    /// The item it exercises, as the changelog names items (`videos::Videos::list`).
    pub item: String,
    /// Items its code names, whose removal or renaming breaks it (the handle, the types).
    pub names: Vec<String>,
    /// Changes to anything inside this item break it too (building a struct: any field).
    pub scope: Option<String>,
    /// Its lines in the source, first and last (1-based).
    pub lines: (usize, usize),
}

/// The consumer's source, and its touches.
#[derive(Debug, Default)]
pub struct Consumer {
    /// Rust source of the consumer crate's `lib.rs`; the API crate is `api`.
    pub source: String,
    /// Every function, in source order.
    pub touches: Vec<Touch>,
}

impl Consumer {
    fn touch(&mut self, item: String, names: Vec<String>, scope: Option<String>, code: &str) {
        let first = self.source.lines().count() + 1;
        let _ = writeln!(self.source, "// {item}");
        self.source.push_str(code);
        self.source.push('\n');
        let last = self.source.lines().count();
        self.touches.push(Touch {
            item,
            names,
            scope,
            lines: (first, last),
        });
    }
}

/// The consumer of `api`, which it reaches as the crate `api`.
pub fn consumer(api: &Api) -> Consumer {
    let mut out = Consumer {
        source: "#![allow(unused, unreachable_code, clippy::all)]\n\n".into(),
        touches: Vec::new(),
    };
    for root in &api.roots {
        let module = root.module.clone();
        let handle = format!("{module}::{}", root.handle);
        out.touch(
            handle.clone(),
            vec![],
            None,
            &format!(
                "pub fn t{n}(client: &cloudflare_stream::Client) {{ let h: api::{handle}<'_> = api::{handle}::from(client); }}",
                n = out.touches.len()
            ),
        );
        resource(&mut out, root, &module);
    }
    for def in &api.types {
        model(&mut out, def);
    }
    out
}

/// Touches of a resource (at `module`), its methods and nested resources.
fn resource(out: &mut Consumer, node: &Resource, module: &str) {
    let handle = format!("{module}::{}", node.handle);
    for child in &node.children {
        let child_module = format!("{module}::{}", child.module);
        let child_handle = format!("{child_module}::{}", child.handle);
        out.touch(
            format!("{handle}::{}", child.accessor),
            vec![handle.clone(), child_handle.clone()],
            None,
            &format!(
                "pub fn t{n}(h: api::{handle}<'_>) {{ let c: api::{child_handle}<'_> = h.{}(); }}",
                child.accessor,
                n = out.touches.len()
            ),
        );
        resource(out, child, &child_module);
    }
    for op in &node.operations {
        operation(out, op, module, &handle);
    }
}

fn operation(out: &mut Consumer, op: &Operation, module: &str, handle: &str) {
    let method = format!("{handle}::{}", op.method_name);
    let mut mentions = vec![handle.to_owned()];
    let mut lets = String::new();
    let mut args = Vec::new();
    for (i, param) in op.positional_params().enumerate() {
        let ty = param_type(&param.ty, &mut mentions);
        let _ = writeln!(lets, "    let a{i}: {ty} = unimplemented!();");
        args.push(format!("a{i}"));
    }
    let body = match &op.body {
        Body::Json(ty) => Some(format!("&{}", type_text(ty, &mut mentions))),
        Body::Multipart(name) => {
            mentions.push(format!("models::{name}"));
            Some(format!("&api::models::{name}"))
        }
        Body::Raw(_) => Some("Vec<u8>".into()),
        Body::Form => Some("cloudflare_stream::Form".into()),
        Body::None | Body::EmptyObject => None,
    };
    if let Some(ty) = body {
        let _ = writeln!(lets, "    let body: {ty} = unimplemented!();");
        args.push("body".into());
    }
    let result = type_text(&op.response.ty, &mut mentions);
    let result = if op.response.nullable {
        format!("Option<{result}>")
    } else {
        result
    };
    let call = format!("h.{}({})", op.method_name, args.join(", "));
    out.touch(
        method.clone(),
        mentions.clone(),
        None,
        &format!(
            "pub async fn t{n}(h: api::{handle}<'_>) {{\n{lets}    let r: Result<{result}, cloudflare_stream::Error> = {call}.await;\n}}",
            n = out.touches.len()
        ),
    );
    // Every method of the request, as a user calls them: options, sending, the response.
    let options = ".timeout(std::time::Duration::from_secs(1)).max_retries(1).header(\"x-a\", \"1\").query(\"q\", \"v\").query_all(\"t\", [\"a\", \"b\"])";
    // Every call of the operation has the runtime's request type, named by the operation's
    // marker; its setters are the traits of the resource's `setters` module (this consumer's API
    // crate is not the runtime's).
    let request = format!("Request<_, {module}::ops::{}>", op.marker);
    let request_ty = format!(
        "cloudflare_stream::Request<{result}, api::{module}::ops::{}>",
        op.marker
    );
    let mut names = mentions.clone();
    names.push(method.clone());
    out.touch(
        request.clone(),
        names,
        None,
        &format!(
            "pub async fn t{n}(h: api::{handle}<'_>) {{\n{lets}    let req: {request_ty} = {call};\n    let r: Result<{result}, cloudflare_stream::Error> = req{options}.send().await;\n{lets}    let r: Result<cloudflare_stream::Response<{result}>, cloudflare_stream::Error> = {call}.send_with_response().await;\n}}",
            n = out.touches.len()
        ),
    );
    for param in op.optional_params() {
        let mut names = vec![request.clone(), method.clone()];
        names.extend(mentions.iter().cloned());
        let ty = param_type(&param.ty, &mut names);
        out.touch(
            format!("{request}::{}", param.ident),
            names,
            None,
            &format!(
                "pub fn t{n}(req: {request_ty}) {{ use api::{module}::setters::*; let v: {ty} = unimplemented!(); let req = req.{}(v); }}",
                param.ident,
                n = out.touches.len()
            ),
        );
    }
}

fn model(out: &mut Consumer, def: &TypeDef) {
    let name = def.name();
    let path = format!("models::{name}");
    let ty = format!("api::models::{name}");
    match def {
        TypeDef::Struct(s) => {
            for field in &s.fields {
                let mut names = vec![path.clone()];
                let inner = type_text(&field.ty, &mut names);
                let field_ty = if field.optional {
                    format!("Option<{inner}>")
                } else {
                    inner
                };
                out.touch(
                    format!("{path}::{}", field.ident.trim_start_matches("r#")),
                    names,
                    None,
                    &format!(
                        "pub fn t{n}(v: &{ty}) {{ let x: &{field_ty} = &v.{}; }}",
                        field.ident,
                        n = out.touches.len()
                    ),
                );
            }
            let build = if s.all_optional {
                "Default::default()".to_owned()
            } else {
                let args =
                    vec!["unimplemented!()"; s.fields.iter().filter(|f| !f.optional).count()];
                format!("{ty}::new({})", args.join(", "))
            };
            out.touch(
                format!("{path}::new"),
                vec![path.clone()],
                Some(path.clone()),
                &format!("pub fn t{n}() -> {ty} {{ {build} }}", n = out.touches.len()),
            );
            if s.is_eq {
                eq(out, &path, &ty);
            }
        }
        TypeDef::Enum(e) => {
            for variant in &e.variants {
                out.touch(
                    format!("{path}::{}", variant.ident),
                    vec![path.clone()],
                    None,
                    &format!(
                        "pub fn t{n}(v: &{ty}) -> bool {{ matches!(v, {ty}::{}) }}",
                        variant.ident,
                        n = out.touches.len()
                    ),
                );
            }
            out.touch(
                format!("{path}::{}", e.fallback),
                vec![path.clone()],
                None,
                &format!(
                    "pub fn t{n}(v: &{ty}) -> bool {{ matches!(v, {ty}::{}(_)) }}",
                    e.fallback,
                    n = out.touches.len()
                ),
            );
        }
        TypeDef::Union(u) => {
            for (variant, inner) in &u.variants {
                let mut names = vec![path.clone()];
                let inner = type_text(inner, &mut names);
                out.touch(
                    format!("{path}::{variant}"),
                    names,
                    None,
                    &format!(
                        "pub fn t{n}(v: &{ty}) {{ if let {ty}::{variant}(x) = v {{ let y: &{inner} = x; }} }}",
                        n = out.touches.len()
                    ),
                );
            }
            if u.is_eq {
                eq(out, &path, &ty);
            }
        }
        TypeDef::Alias(a) => {
            let mut names = vec![path.clone()];
            let target = type_text(&a.target, &mut names);
            out.touch(
                path.clone(),
                names,
                None,
                &format!(
                    "pub fn t{n}(v: {ty}) -> {target} {{ v }}",
                    n = out.touches.len()
                ),
            );
        }
    }
}

/// A touch that needs `Eq` of the type.
fn eq(out: &mut Consumer, path: &str, ty: &str) {
    out.touch(
        path.to_owned(),
        vec![],
        None,
        &format!(
            "pub fn t{n}(v: &{ty}) {{ fn eq<T: Eq>(_: &T) {{}} eq(v); }}",
            n = out.touches.len()
        ),
    );
}

/// `ty` as the consumer writes it, noting the models it names.
fn type_text(ty: &TypeRef, mentions: &mut Vec<String>) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Unit => "()".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
        TypeRef::Named(name) => {
            mentions.push(format!("models::{name}"));
            format!("api::models::{name}")
        }
        TypeRef::Array(inner) => format!("Vec<{}>", type_text(inner, mentions)),
        TypeRef::Map(inner) => format!(
            "std::collections::BTreeMap<String, {}>",
            type_text(inner, mentions)
        ),
        TypeRef::File => "cloudflare_stream::FilePart".into(),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Boxed(inner) => format!("Box<{}>", type_text(inner, mentions)),
    }
}

fn param_type(ty: &ParamType, mentions: &mut Vec<String>) -> String {
    match ty {
        ParamType::Str => "&str".into(),
        ParamType::Enum(name) => {
            mentions.push(format!("models::{name}"));
            format!("api::models::{name}")
        }
        ParamType::Integer => "i64".into(),
        ParamType::Number => "f64".into(),
        ParamType::Boolean => "bool".into(),
        ParamType::List(inner) => format!("&[{}]", param_type(inner, mentions)),
    }
}
