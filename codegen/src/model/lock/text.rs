//! The lock's own format (version 3): the Rust API as lines a person can read, diff and edit,
//! one item per line, nothing the generator can work out again (qualified names, a path's
//! parts) and nothing it does not need to keep names or compare.
//!
//! ```text
//! rust-api-lock 3
//! resource stream.downloads downloads Downloads downloads
//!   shares downloads_path 0
//!   op get GET /accounts/{account_id}/stream/{identifier}/downloads @downloads.yaml#/paths/...
//!     returns envelope VideoDownloads
//!     path_fn 0
//!     param path account_id account_id str required max=32 @common.yaml#/components/...
//! struct VideoDownloads eq all_optional @downloads.yaml#/components/schemas/VideoDownloads
//!   field default default Download optional @downloads.yaml#/components/schemas/...
//! enum MediaState Unknown @stream.yaml#/components/schemas/MediaState
//!   variant PendingUpload pendingupload
//! union CreatedDownload @downloads.yaml#/components/schemas/CreatedDownload
//!   member Download Download
//! alias Meta Value @stream.yaml#/components/schemas/Meta
//! ```
//!
//! A line is a keyword and its words, separated by spaces; a word with a space, a quote or
//! nothing in it is a JSON string (`"a b"`); `@` starts the place in the spec an item was read
//! from (`file#pointer`). Indentation is for the reader only: an `op` belongs to the `resource`
//! above it, a `param` to the `op` above it, a `field` to the `struct` above it. Lines starting
//! with `#` are comments. Types are written as Rust writes them (`Vec<Download>`,
//! `BTreeMap<String,i64>`, `Map<String,Value>` for a JSON object, `Value` for any JSON), a
//! model type by its name.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::super::ir::{
    AliasDef, Body, EnumDef, Field, FormPart, HttpMethod, Operation, Param, ParamLocation,
    ParamType, PathPart, Resource, ResponseBody, ResponseFormat, SharedPath, StructDef, TypeDef,
    TypeRef, UnionDef, Variant,
};
use crate::error::{Error, Location, Result};

/// The first line that is not a comment: the format and its version.
pub(super) const MAGIC: &str = "rust-api-lock";

/// The lock text of `roots` and `types`, after the comment `about`, in format `version`.
pub(super) fn write(about: &str, version: u32, roots: &[Resource], types: &[TypeDef]) -> String {
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
        let format = match response.format {
            ResponseFormat::Envelope => "envelope",
            ResponseFormat::Json => "json",
            ResponseFormat::Text => "text",
            ResponseFormat::Bytes => "bytes",
        };
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

/// `text` as a word: itself, or a JSON string where it has a space, a quote, a leading `@` or
/// nothing.
fn word(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.starts_with('@')
        && !text.starts_with('#')
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c.is_control());
    if plain {
        text.to_owned()
    } else {
        serde_json::Value::String(text.to_owned()).to_string()
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

/// A model field's or result's type, as Rust writes it, without spaces.
pub(super) fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer => "i64".to_owned(),
        TypeRef::Number => "f64".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::Unit => "()".to_owned(),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::JsonObject => "Map<String,Value>".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String,{}>", type_text(inner)),
        TypeRef::File => "FilePart".to_owned(),
        TypeRef::Boxed(inner) => format!("Box<{}>", type_text(inner)),
        TypeRef::Bytes => "Vec<u8>".to_owned(),
    }
}

fn param_type_text(ty: &ParamType) -> String {
    match ty {
        ParamType::Str => "str".to_owned(),
        ParamType::Integer => "i64".to_owned(),
        ParamType::Number => "f64".to_owned(),
        ParamType::Boolean => "bool".to_owned(),
        ParamType::Enum(name) => name.clone(),
        ParamType::List(inner) => format!("[{}]", param_type_text(inner)),
    }
}

fn form_part_text(part: FormPart) -> &'static str {
    match part {
        FormPart::File => "file",
        FormPart::Files => "files",
        FormPart::Text => "text",
        FormPart::Display => "display",
        FormPart::EnumText => "enum_text",
        FormPart::Json => "json",
    }
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

/// What a lock text holds.
pub(super) struct Read {
    pub(super) version: u32,
    pub(super) roots: Vec<Resource>,
    pub(super) types: Vec<TypeDef>,
}

/// Reads a lock text of this format (from `path`); locations keep the file names it gives.
pub(super) fn read(text: &str, path: &Path) -> Result<Read> {
    let mut reader = Reader {
        version: None,
        roots: Vec::new(),
        types: Vec::new(),
        current: Vec::new(),
    };
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let column = line.len() - line.trim_start().len() + 1;
        let mut words = Words {
            rest: trimmed,
            line: index + 1,
            column,
            word_column: column,
            path,
        };
        reader.line(&mut words)?;
    }
    reader.finish_resource();
    let Some(version) = reader.version else {
        return Err(syntax(
            path,
            1,
            1,
            format!("not an API lock: no `{MAGIC}` line"),
        ));
    };
    Ok(Read {
        version,
        roots: reader.roots,
        types: reader.types,
    })
}

fn syntax(path: &Path, line: usize, column: usize, message: String) -> Error {
    Error::Syntax {
        file: path.to_path_buf(),
        line,
        column,
        message,
    }
}

struct Reader {
    version: Option<u32>,
    roots: Vec<Resource>,
    types: Vec<TypeDef>,
    /// The resources from the root to the one being read.
    current: Vec<Resource>,
}

impl Reader {
    fn line(&mut self, words: &mut Words<'_>) -> Result<()> {
        let keyword = words.next("a keyword")?;
        if self.version.is_none() {
            if keyword != MAGIC {
                return Err(words.error(format!(
                    "not an API lock: it starts with `{keyword}`, not `{MAGIC}`"
                )));
            }
            let version = words.next("the format's version")?;
            self.version = Some(
                version
                    .parse()
                    .map_err(|_| words.error(format!("`{version}` is not a version number")))?,
            );
            return words.end();
        }
        match keyword.as_str() {
            "resource" => self.resource(words)?,
            "shares" => {
                let name = words.next("the path function's name")?;
                let operation = words.number("the operation it was made for")?;
                self.resource_mut(words)?.shared_paths.push(SharedPath {
                    name,
                    doc: String::new(),
                    operation,
                });
            }
            "op" => self.operation(words)?,
            "returns" => {
                let format = match words.next("the response's format")?.as_str() {
                    "envelope" => ResponseFormat::Envelope,
                    "json" => ResponseFormat::Json,
                    "text" => ResponseFormat::Text,
                    "bytes" => ResponseFormat::Bytes,
                    other => return Err(words.error(format!("`{other}` is not a response format"))),
                };
                let ty = words.ty()?;
                let nullable = words.flag("nullable");
                self.operation_mut(words)?.response = ResponseBody {
                    ty,
                    format,
                    nullable,
                    envelope_extras: Vec::new(),
                };
            }
            "body" => {
                let body = match words.next("the body's kind")?.as_str() {
                    "empty" => Body::EmptyObject,
                    "form" => Body::Form,
                    "json" => Body::Json(words.ty()?),
                    "multipart" => Body::Multipart(words.next("the form's type")?),
                    "raw" => Body::Raw(words.next("the content type")?),
                    other => return Err(words.error(format!("`{other}` is not a body kind"))),
                };
                self.operation_mut(words)?.body = body;
            }
            "path_fn" => {
                let index = words.number("the path function's index")?;
                self.operation_mut(words)?.shared_path = Some(index);
            }
            "param" => self.param(words)?,
            "struct" => {
                let name = words.next("the struct's name")?;
                let is_eq = words.flag("eq");
                let all_optional = words.flag("all_optional");
                let form = words.flag("form");
                let at = words.at()?;
                self.types.push(TypeDef::Struct(StructDef {
                    name,
                    doc: None,
                    fields: Vec::new(),
                    all_optional,
                    is_eq,
                    form,
                    at,
                }));
            }
            "field" => self.field(words)?,
            "enum" => {
                let name = words.next("the enum's name")?;
                let fallback = words.next("the enum's fallback variant")?;
                let at = words.at()?;
                self.types.push(TypeDef::Enum(EnumDef {
                    name,
                    doc: None,
                    variants: Vec::new(),
                    fallback,
                    at,
                }));
            }
            "variant" => {
                let ident = words.next("the variant's name")?;
                let value = words.next("the variant's value")?;
                let Some(TypeDef::Enum(e)) = self.types.last_mut() else {
                    return Err(words.error("a `variant` outside an `enum`".into()));
                };
                e.variants.push(Variant {
                    ident,
                    value,
                    explicit: false,
                });
            }
            "union" => {
                let name = words.next("the union's name")?;
                let is_eq = words.flag("eq");
                let at = words.at()?;
                self.types.push(TypeDef::Union(UnionDef {
                    name,
                    doc: None,
                    variants: Vec::new(),
                    is_eq,
                    at,
                }));
            }
            "member" => {
                let ident = words.next("the member's name")?;
                let ty = words.ty()?;
                let Some(TypeDef::Union(u)) = self.types.last_mut() else {
                    return Err(words.error("a `member` outside a `union`".into()));
                };
                u.variants.push((ident, ty));
            }
            "alias" => {
                let name = words.next("the alias's name")?;
                let target = words.ty()?;
                let at = words.at()?;
                self.types.push(TypeDef::Alias(AliasDef {
                    name,
                    doc: None,
                    target,
                    at,
                }));
            }
            other => return Err(words.error(format!("`{other}` is not a lock keyword"))),
        }
        words.end()
    }

    fn resource(&mut self, words: &mut Words<'_>) -> Result<()> {
        let qualified_name = words.next("the resource's name")?;
        let module = words.next("the resource's module")?;
        let handle = words.next("the resource's handle type")?;
        let accessor = words.next("the resource's accessor")?;
        let (parent, segment) = match qualified_name.rsplit_once('.') {
            Some((parent, segment)) => (Some(parent.to_owned()), segment.to_owned()),
            None => (None, qualified_name.clone()),
        };
        // Close the resources this one is not inside of.
        while self
            .current
            .last()
            .is_some_and(|open| Some(&open.qualified_name) != parent.as_ref())
        {
            self.close_one();
        }
        if parent.is_some() && self.current.is_empty() {
            return Err(words.error(format!(
                "the resource `{qualified_name}` comes before its parent"
            )));
        }
        self.current.push(Resource {
            segment,
            qualified_name,
            module,
            handle,
            accessor,
            doc: String::new(),
            handle_doc: String::new(),
            accessor_doc: String::new(),
            operations: Vec::new(),
            shared_paths: Vec::new(),
            children: Vec::new(),
        });
        Ok(())
    }

    /// Closes the innermost open resource into its parent (or the roots).
    fn close_one(&mut self) {
        if let Some(done) = self.current.pop() {
            match self.current.last_mut() {
                Some(parent) => parent.children.push(done),
                None => self.roots.push(done),
            }
        }
    }

    fn finish_resource(&mut self) {
        while !self.current.is_empty() {
            self.close_one();
        }
    }

    fn resource_mut(&mut self, words: &Words<'_>) -> Result<&mut Resource> {
        self.current
            .last_mut()
            .ok_or_else(|| words.error("a line of a resource before any `resource`".into()))
    }

    fn operation_mut(&mut self, words: &Words<'_>) -> Result<&mut Operation> {
        self.current
            .last_mut()
            .and_then(|resource| resource.operations.last_mut())
            .ok_or_else(|| words.error("a line of an operation before any `op`".into()))
    }

    fn operation(&mut self, words: &mut Words<'_>) -> Result<()> {
        let method_name = words.next("the method's name")?;
        let method = words.next("the HTTP method")?;
        let http_method = HttpMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == method)
            .ok_or_else(|| words.error(format!("`{method}` is not an HTTP method")))?;
        let path_template = words.next("the path")?;
        let at = words.at()?;
        let resource = self.resource_mut(words)?;
        let qualified_name = format!("{}.{method_name}", resource.qualified_name);
        resource.operations.push(Operation {
            method_name,
            qualified_name,
            http_method,
            path_template,
            path: Vec::new(),
            params: Vec::new(),
            shared_path: None,
            marker: String::new(),
            marker_doc: String::new(),
            paging: None,
            paging_doc: String::new(),
            security: None,
            body: Body::None,
            response: ResponseBody {
                ty: TypeRef::Unit,
                format: ResponseFormat::Envelope,
                nullable: false,
                envelope_extras: Vec::new(),
            },
            summary: None,
            description: None,
            doc: String::new(),
            at,
        });
        Ok(())
    }

    fn param(&mut self, words: &mut Words<'_>) -> Result<()> {
        let location = match words.next("the parameter's place")?.as_str() {
            "path" => ParamLocation::Path,
            "query" => ParamLocation::Query,
            "header" => ParamLocation::Header,
            other => return Err(words.error(format!("`{other}` is not a parameter's place"))),
        };
        let name = words.next("the parameter's name")?;
        let ident = words.next("the parameter's Rust name")?;
        let ty = words.param_type()?;
        let required = words.flag("required");
        let max_length = words.keyed("max")?;
        let min_length = words.keyed("min")?;
        let at = words.at()?;
        let op = self.operation_mut(words)?;
        op.params.push(Param {
            name,
            ident,
            location,
            ty,
            required,
            doc: None,
            setter_doc: String::new(),
            max_length,
            min_length,
            at,
        });
        // The path's parts follow from its template once the path parameters are known.
        op.path = path_parts(&op.path_template, &op.params);
        Ok(())
    }

    fn field(&mut self, words: &mut Words<'_>) -> Result<()> {
        let ident = words.next("the field's name")?;
        let json_name = words.next("the field's JSON name")?;
        let ty = words.ty()?;
        let optional = words.flag("optional");
        let required = words.flag("required");
        let flatten = words.flag("flatten");
        let form_part = match words.keyed_word("part") {
            None => None,
            Some(part) => Some(match part.as_str() {
                "file" => FormPart::File,
                "files" => FormPart::Files,
                "text" => FormPart::Text,
                "display" => FormPart::Display,
                "enum_text" => FormPart::EnumText,
                "json" => FormPart::Json,
                other => return Err(words.error(format!("`{other}` is not a form part"))),
            }),
        };
        let at = words.at()?;
        let Some(TypeDef::Struct(s)) = self.types.last_mut() else {
            return Err(words.error("a `field` outside a `struct`".into()));
        };
        s.fields.push(Field {
            ident,
            json_name,
            ty,
            optional,
            required,
            flatten,
            form_part,
            doc: None,
            at,
        });
        Ok(())
    }
}

/// The parts of `template` (`/accounts/{account_id}/stream`): literals, and each `{name}` as
/// the index of the path parameter of that name.
fn path_parts(template: &str, params: &[Param]) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 1..close];
        let Some(index) = params
            .iter()
            .position(|p| p.location == ParamLocation::Path && p.name == name)
        else {
            // Not a parameter (yet): the template reads as a literal up to here.
            parts.push(PathPart::Literal(rest[..=close].to_owned()));
            rest = &rest[close + 1..];
            continue;
        };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        parts.push(PathPart::Param(index));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    merge_literals(parts)
}

/// Adjacent literals as one.
fn merge_literals(parts: Vec<PathPart>) -> Vec<PathPart> {
    let mut merged: Vec<PathPart> = Vec::with_capacity(parts.len());
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(PathPart::Literal(last)), PathPart::Literal(next)) => last.push_str(&next),
            (_, part) => merged.push(part),
        }
    }
    merged
}

/// The words of one line, read left to right.
struct Words<'a> {
    rest: &'a str,
    line: usize,
    /// 1-based column of `rest` in the line.
    column: usize,
    /// 1-based column of the last word taken: where an error about it points.
    word_column: usize,
    path: &'a Path,
}

impl Words<'_> {
    fn error(&self, message: String) -> Error {
        syntax(self.path, self.line, self.word_column, message)
    }

    /// The next word, if any, without taking it.
    fn peek(&self) -> Option<String> {
        let mut copy = Words {
            rest: self.rest,
            line: self.line,
            column: self.column,
            word_column: self.word_column,
            path: self.path,
        };
        copy.next("a word").ok()
    }

    /// The next word; an error naming `what` if there is none or it is badly quoted.
    fn next(&mut self, what: &str) -> Result<String> {
        let trimmed = self.rest.trim_start();
        self.column += self.rest.len() - trimmed.len();
        self.rest = trimmed;
        self.word_column = self.column;
        if trimmed.is_empty() {
            return Err(self.error(format!("{what} is missing")));
        }
        let (word, len) = if trimmed.starts_with('"') {
            let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<String>();
            match stream.next() {
                Some(Ok(word)) => (word, stream.byte_offset()),
                _ => return Err(self.error(format!("{what}: a badly quoted word"))),
            }
        } else {
            let len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
            (trimmed[..len].to_owned(), len)
        };
        self.rest = &trimmed[len..];
        self.column += len;
        Ok(word)
    }

    fn number(&mut self, what: &str) -> Result<usize> {
        let word = self.next(what)?;
        word.parse()
            .map_err(|_| self.error(format!("{what}: `{word}` is not a number")))
    }

    /// Takes the word `flag` if it comes next.
    fn flag(&mut self, flag: &str) -> bool {
        if self.peek().as_deref() == Some(flag) {
            let _ = self.next(flag);
            true
        } else {
            false
        }
    }

    /// Takes `key=value` if it comes next, and gives the value.
    fn keyed_word(&mut self, key: &str) -> Option<String> {
        let value = self
            .peek()?
            .strip_prefix(key)?
            .strip_prefix('=')?
            .to_owned();
        let _ = self.next(key);
        Some(value)
    }

    fn keyed(&mut self, key: &str) -> Result<Option<usize>> {
        match self.keyed_word(key) {
            None => Ok(None),
            Some(value) => value
                .parse()
                .map(Some)
                .map_err(|_| self.error(format!("{key}=`{value}` is not a number"))),
        }
    }

    /// The `@file#pointer` place of the item.
    fn at(&mut self) -> Result<Location> {
        let trimmed = self.rest.trim_start();
        if !trimmed.starts_with('@') {
            return Err(
                self.error("the item's place in the spec (`@file#pointer`) is missing".into())
            );
        }
        self.column += self.rest.len() - trimmed.len() + 1;
        self.rest = &trimmed[1..];
        let text = self.next("the item's place in the spec")?;
        let (file, pointer) = text.split_once('#').unwrap_or((&text, ""));
        Ok(Location {
            file: PathBuf::from(file),
            pointer: pointer.to_owned(),
        })
    }

    fn ty(&mut self) -> Result<TypeRef> {
        let word = self.next("a type")?;
        parse_type(&word).ok_or_else(|| self.error(format!("`{word}` is not a type")))
    }

    fn param_type(&mut self) -> Result<ParamType> {
        let word = self.next("the parameter's type")?;
        parse_param_type(&word)
            .ok_or_else(|| self.error(format!("`{word}` is not a parameter type")))
    }

    /// Nothing may follow on the line.
    fn end(&self) -> Result<()> {
        let rest = self.rest.trim();
        if rest.is_empty() {
            Ok(())
        } else {
            Err(self.error(format!("unexpected `{rest}`")))
        }
    }
}

/// The type `text` (as [`type_text`] writes it).
pub(super) fn parse_type(text: &str) -> Option<TypeRef> {
    let inner = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix('>'))
    };
    Some(match text {
        "String" => TypeRef::String,
        "i64" => TypeRef::Integer,
        "f64" => TypeRef::Number,
        "bool" => TypeRef::Boolean,
        "()" => TypeRef::Unit,
        "Value" => TypeRef::Json,
        "Map<String,Value>" => TypeRef::JsonObject,
        "FilePart" => TypeRef::File,
        "Vec<u8>" => TypeRef::Bytes,
        _ => {
            if let Some(item) = inner("Vec<") {
                TypeRef::Array(Box::new(parse_type(item)?))
            } else if let Some(value) = inner("BTreeMap<String,") {
                TypeRef::Map(Box::new(parse_type(value)?))
            } else if let Some(boxed) = inner("Box<") {
                TypeRef::Boxed(Box::new(parse_type(boxed)?))
            } else if is_name(text) {
                TypeRef::Named(text.to_owned())
            } else {
                return None;
            }
        }
    })
}

fn parse_param_type(text: &str) -> Option<ParamType> {
    Some(match text {
        "str" => ParamType::Str,
        "i64" => ParamType::Integer,
        "f64" => ParamType::Number,
        "bool" => ParamType::Boolean,
        _ => {
            if let Some(item) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                ParamType::List(Box::new(parse_param_type(item)?))
            } else if is_name(text) {
                ParamType::Enum(text.to_owned())
            } else {
                return None;
            }
        }
    })
}

/// Whether `text` can be a model type's name.
fn is_name(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_alphabetic)
        && text.chars().all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_back_as_written() {
        let nested = TypeRef::Map(Box::new(TypeRef::Array(Box::new(TypeRef::Boxed(
            Box::new(TypeRef::Named("Video".into())),
        )))));
        for ty in [
            TypeRef::String,
            TypeRef::Integer,
            TypeRef::Number,
            TypeRef::Boolean,
            TypeRef::Unit,
            TypeRef::Json,
            TypeRef::JsonObject,
            TypeRef::File,
            TypeRef::Bytes,
            TypeRef::Array(Box::new(TypeRef::Integer)),
            nested,
        ] {
            let text = type_text(&ty);
            assert!(!text.contains(' '), "{text}");
            assert_eq!(parse_type(&text), Some(ty), "{text}");
        }
        assert_eq!(parse_type("Vec<"), None);
        assert_eq!(parse_type("Vec<Video"), None);
        assert_eq!(parse_type("a b"), None);
    }

    #[test]
    fn words_with_spaces_and_quotes_are_json_strings() {
        assert_eq!(word("plain"), "plain");
        assert_eq!(word("a b"), r#""a b""#);
        assert_eq!(word(""), r#""""#);
        assert_eq!(word("say \"hi\""), r#""say \"hi\"""#);
        assert_eq!(word("@x"), r#""@x""#);
        let mut words = Words {
            rest: r#"variant A "a b \"c\"" tail"#,
            line: 1,
            column: 1,
            word_column: 1,
            path: Path::new("rust-api.lock"),
        };
        assert_eq!(words.next("k").ok().as_deref(), Some("variant"));
        assert_eq!(words.next("k").ok().as_deref(), Some("A"));
        assert_eq!(words.next("k").ok().as_deref(), Some("a b \"c\""));
        assert_eq!(words.next("k").ok().as_deref(), Some("tail"));
        assert!(words.next("the end").is_err());
    }

    #[test]
    fn a_bad_line_is_named_with_its_line_and_column() {
        let text = "# about\nrust-api-lock 3\nstruct A @a.yaml#/x\n  field a a Vec< @a.yaml#/y\n";
        let error = read(text, Path::new("spec/rust-api.lock"))
            .err()
            .expect("a bad type");
        let shown = error.to_string();
        assert!(
            shown.contains("rust-api.lock: line 4, column 13:"),
            "{shown}"
        );
        assert!(shown.contains("`Vec<` is not a type"), "{shown}");
        for (text, says) in [
            (
                "rust-api-lock 3\nfield a a i64 @a#/b\n",
                "outside a `struct`",
            ),
            (
                "rust-api-lock 3\nop list GET /x @a#/b\n",
                "before any `resource`",
            ),
            ("rust-api-lock 3\nresource a.b b B b\n", "before its parent"),
            ("rust-api-lock 3\nstruct A\n", "place in the spec"),
            ("rust-api-lock 3\nwidget A\n", "not a lock keyword"),
            ("rust-api-lock three\n", "not a version number"),
            ("{}\n", "not an API lock"),
            ("# only a comment\n", "no `rust-api-lock` line"),
            (
                "rust-api-lock 3\nalias A i64 @a#/b extra\n",
                "unexpected `extra`",
            ),
        ] {
            let shown = read(text, Path::new("rust-api.lock"))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(shown.contains(says), "{text:?}: {shown}");
        }
    }

    #[test]
    fn a_path_template_gives_its_parts() {
        let param = |name: &str, location| Param {
            name: name.into(),
            ident: name.into(),
            location,
            ty: ParamType::Str,
            required: true,
            doc: None,
            setter_doc: String::new(),
            max_length: None,
            min_length: None,
            at: Location::root(Path::new("a.yaml")),
        };
        let params = [
            param("account_id", ParamLocation::Path),
            param("search", ParamLocation::Query),
            param("identifier", ParamLocation::Path),
        ];
        assert_eq!(
            path_parts(
                "/accounts/{account_id}/stream/{identifier}/downloads",
                &params
            ),
            [
                PathPart::Literal("/accounts/".into()),
                PathPart::Param(0),
                PathPart::Literal("/stream/".into()),
                PathPart::Param(2),
                PathPart::Literal("/downloads".into()),
            ]
        );
    }
}
