//! Writing the lock: one item per line, in the API's order.

use std::fmt::Write as _;

use super::super::super::ir::{Body, Resource, TypeDef};
use super::MAGIC;
use super::types::{form_part_text, param_type_text, response_format_text, type_text};
use super::words::word;
use crate::error::Location;

/// The lock text of `roots` and `types`, after the comment `about`, in format `version`.
pub(crate) fn write(about: &str, version: u32, roots: &[Resource], types: &[TypeDef]) -> String {
    let mut out = String::new();
    for line in wrap(about, 92) {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(out, "{MAGIC} {version}");
    for root in roots {
        write_resource(&mut out, root);
    }
    for def in types {
        write_type(&mut out, def);
    }
    out
}

fn write_resource(out: &mut String, resource: &Resource) {
    let _ = writeln!(
        out,
        "resource {} {} {} {}",
        word(&resource.qualified_name),
        word(&resource.module),
        word(&resource.handle),
        word(&resource.accessor)
    );
    for shared in &resource.shared_paths {
        let _ = writeln!(out, "  shares {} {}", word(&shared.name), shared.operation);
    }
    for op in &resource.operations {
        let _ = writeln!(
            out,
            "  op {} {} {} {}",
            word(&op.method_name),
            op.http_method.as_str(),
            word(&op.path_template),
            at(&op.at)
        );
        let response = &op.response;
        let format = response_format_text(response.format);
        let nullable = if response.nullable { " nullable" } else { "" };
        let _ = writeln!(
            out,
            "    returns {format} {}{nullable}",
            type_text(&response.ty)
        );
        match &op.body {
            Body::None => {}
            Body::EmptyObject => out.push_str("    body empty\n"),
            Body::Form => out.push_str("    body form\n"),
            Body::Json(ty) => {
                let _ = writeln!(out, "    body json {}", type_text(ty));
            }
            Body::Multipart(name) => {
                let _ = writeln!(out, "    body multipart {}", word(name));
            }
            Body::Raw(content_type) => {
                let _ = writeln!(out, "    body raw {}", word(content_type));
            }
        }
        if let Some(shared) = op.shared_path {
            let _ = writeln!(out, "    path_fn {shared}");
        }
        for param in &op.params {
            let _ = write!(
                out,
                "    param {} {} {} {}",
                param.location.as_str(),
                word(&param.name),
                word(&param.ident),
                param_type_text(&param.ty)
            );
            if param.required {
                out.push_str(" required");
            }
            if let Some(max) = param.max_length {
                let _ = write!(out, " max={max}");
            }
            if let Some(min) = param.min_length {
                let _ = write!(out, " min={min}");
            }
            let _ = writeln!(out, " {}", at(&param.at));
        }
    }
    for child in &resource.children {
        write_resource(out, child);
    }
}

fn write_type(out: &mut String, def: &TypeDef) {
    match def {
        TypeDef::Struct(s) => {
            let _ = write!(out, "struct {}", word(&s.name));
            for (flag, on) in [
                ("eq", s.is_eq),
                ("all_optional", s.all_optional),
                ("form", s.form),
            ] {
                if on {
                    let _ = write!(out, " {flag}");
                }
            }
            let _ = writeln!(out, " {}", at(&s.at));
            for field in &s.fields {
                let _ = write!(
                    out,
                    "  field {} {} {}",
                    word(&field.ident),
                    word(&field.json_name),
                    type_text(&field.ty)
                );
                for (flag, on) in [
                    ("optional", field.optional),
                    ("required", field.required),
                    ("flatten", field.flatten),
                ] {
                    if on {
                        let _ = write!(out, " {flag}");
                    }
                }
                if let Some(part) = field.form_part {
                    let _ = write!(out, " part={}", form_part_text(part));
                }
                let _ = writeln!(out, " {}", at(&field.at));
            }
        }
        TypeDef::Enum(e) => {
            let _ = writeln!(
                out,
                "enum {} {} {}",
                word(&e.name),
                word(&e.fallback),
                at(&e.at)
            );
            for variant in &e.variants {
                let _ = writeln!(
                    out,
                    "  variant {} {}",
                    word(&variant.ident),
                    word(&variant.value)
                );
            }
        }
        TypeDef::Union(u) => {
            let eq = if u.is_eq { " eq" } else { "" };
            let _ = writeln!(out, "union {}{eq} {}", word(&u.name), at(&u.at));
            for (ident, ty) in &u.variants {
                let _ = writeln!(out, "  member {} {}", word(ident), type_text(ty));
            }
        }
        TypeDef::Alias(a) => {
            let _ = writeln!(
                out,
                "alias {} {} {}",
                word(&a.name),
                type_text(&a.target),
                at(&a.at)
            );
        }
    }
}

/// A place in the spec: the file's name (the lock sits beside it) and the pointer.
fn at(location: &Location) -> String {
    let file = location.file.file_name().map_or_else(
        || location.file.to_string_lossy(),
        |name| name.to_string_lossy(),
    );
    format!("@{}", word(&format!("{file}#{}", location.pointer)))
}

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for token in text.split_whitespace() {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.len() + 1 + token.len() > width {
            lines.push(token.to_owned());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(token);
        }
    }
    lines
}
