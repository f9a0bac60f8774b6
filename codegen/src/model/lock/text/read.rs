//! Reading the lock: line by line, each keyword adding to the item above it.

use std::path::Path;

use super::super::super::ir::{
    AliasDef, Body, EnumDef, Field, HttpMethod, Operation, Param, ParamLocation, PathPart,
    Resource, ResponseBody, ResponseFormat, SharedPath, StructDef, TypeDef, TypeRef, UnionDef,
    Variant,
};
use super::MAGIC;
use super::types::{parse_form_part, parse_response_format};
use super::words::{Words, syntax};
use crate::error::Result;

pub(crate) struct Read {
    pub(crate) version: u32,
    pub(crate) roots: Vec<Resource>,
    pub(crate) types: Vec<TypeDef>,
}

/// Reads a lock text of this format (from `path`); locations keep the file names it gives.
pub(crate) fn read(text: &str, path: &Path) -> Result<Read> {
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
                let word = words.next("the response's format")?;
                let format = parse_response_format(&word)
                    .ok_or_else(|| words.error(format!("`{word}` is not a response format")))?;
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
        let form_part = words
            .keyed_word("part")
            .map(|part| {
                parse_form_part(&part)
                    .ok_or_else(|| words.error(format!("`{part}` is not a form part")))
            })
            .transpose()?;
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::error::Location;
    use crate::model::ir::ParamType;

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
