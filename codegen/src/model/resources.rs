//! Paths and operations to resources and methods.
//!
//! Resources come from the path: its literal segments, less a leading account or zone scope
//! (`/accounts/{account_id}`), nest as `stream` → `downloads`. Methods come from the HTTP verb:
//! `get` (or `list` when the result is an array), `create`, `update`, `edit`, `delete`; an
//! operation on `{param}` below a resource that already has that verb gets the parameter as a
//! suffix (`create_type` for `POST .../downloads/{download_type}`). A spec author can override
//! both with `x-rust-resource: stream.downloads` and `x-rust-method: create_type`.

use std::collections::HashMap;

use openapiv3::{Operation as SpecOperation, Parameter, ReferenceOr, StatusCode};

use super::types::{TypeBuilder, Typed};
use super::{
    Body, Operation, Param, ParamType, PathPart, Resource, ResponseBody, ResponseFormat, TypeRef,
};
use crate::error::{Error, Location, Result};
use crate::load::{FileId, Spec};
use crate::naming::{self, Scope};

/// Leading `{scope}/{id}` pairs that say whose resource it is rather than what it is.
const SCOPES: &[&str] = &["accounts", "zones"];

/// Module names the generated file uses at the top level.
const TOP_LEVEL_MODULES: &[&str] = &["models"];

/// An operation as found in the spec, before it has a method name.
struct Found<'s> {
    file: FileId,
    at: Location,
    path: &'s str,
    verb: &'static str,
    op: &'s SpecOperation,
    shared_params: &'s [ReferenceOr<Parameter>],
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
    fn child(&mut self, segment: &str) -> &mut Node<'s> {
        let index = match self.children.iter().position(|c| c.segment == segment) {
            Some(index) => index,
            None => {
                self.children.push(Node {
                    segment: segment.to_owned(),
                    found: Vec::new(),
                    children: Vec::new(),
                });
                self.children.len() - 1
            }
        };
        &mut self.children[index]
    }
}

/// Builds the resource tree of `spec`, creating the model types its operations use.
pub fn build(spec: &Spec, types: &mut TypeBuilder<'_>) -> Result<Vec<Resource>> {
    let mut top = Node {
        segment: String::new(),
        found: Vec::new(),
        children: Vec::new(),
    };
    let mut operation_ids: HashMap<&str, Location> = HashMap::new();
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
            for (verb, op) in item.iter() {
                let verb = static_verb(verb);
                let at = item_at.join(verb.to_ascii_lowercase());
                if let Some(id) = &op.operation_id {
                    if let Some(first) = operation_ids.get(id.as_str()) {
                        return Err(Error::Duplicate {
                            at: at.join("operationId"),
                            what: format!("operationId `{id}`"),
                            first: first.clone(),
                        });
                    }
                    operation_ids.insert(id, at.join("operationId"));
                }
                let chain = match extension_str(op, "x-rust-resource", &at)? {
                    Some(dotted) => dotted.split('.').map(str::to_owned).collect(),
                    None => resource_chain(path),
                };
                if chain.is_empty() || chain.iter().any(String::is_empty) {
                    return Err(Error::Unsupported {
                        at,
                        what: format!(
                            "cannot derive a resource from `{path}`; name one with `x-rust-resource`"
                        ),
                    });
                }
                let method_override = extension_str(op, "x-rust-method", &at)?;
                let mut node = &mut top;
                for segment in &chain {
                    node = node.child(segment);
                }
                node.found.push(Found {
                    file: file_id,
                    at,
                    path,
                    verb,
                    op,
                    shared_params: &item.parameters,
                    trailing_param: trailing_param(path),
                    method_override,
                });
            }
        }
    }

    let mut modules = Scope::with_reserved(TOP_LEVEL_MODULES);
    let mut roots = Vec::with_capacity(top.children.len());
    // Root handles are re-exported at the crate root: unique, and never a model's name.
    let mut handles = Scope::default();
    let root_handles: Vec<String> = top
        .children
        .iter()
        .map(|node| handles.claim(naming::type_name(&node.segment)))
        .collect();
    for handle in &root_handles {
        types.reserve(handle);
    }
    for (node, handle) in top.children.into_iter().zip(root_handles) {
        roots.push(resource(spec, types, node, &mut modules, "", Some(handle))?);
    }
    Ok(roots)
}

/// Method names a handle cannot have: `Handle::from(client)` builds it, and an inherent `from`
/// would be called instead of `From::from`; a method `new` that does not return the handle
/// reads as a constructor (clippy's `new_ret_no_self`).
const HANDLE_RESERVED: &[&str] = &["from", "new"];

/// Argument names a method cannot use: `body` is the request body; `path` is the method's
/// local that holds the built path; `self_` stands for `self`; `into_request` is a method of
/// the request type that carries optional parameters' setters.
const ARGUMENT_RESERVED: &[&str] = &["body", "path", "self_", "into_request"];

fn resource(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    node: Node<'_>,
    modules: &mut Scope,
    parent: &str,
    handle: Option<String>,
) -> Result<Resource> {
    let module = modules.claim(naming::snake(&node.segment));
    let handle = handle.unwrap_or_else(|| naming::type_name(&node.segment));
    let qualified = if parent.is_empty() {
        node.segment.clone()
    } else {
        format!("{parent}.{}", node.segment)
    };

    // Accessors for nested resources first: a method must not shadow a resource.
    let mut methods = Scope::with_reserved(HANDLE_RESERVED);
    let mut child_modules = Scope::default();
    let mut children = Vec::with_capacity(node.children.len());
    for child in node.children {
        let mut built = resource(spec, types, child, &mut child_modules, &qualified, None)?;
        built.accessor = methods.claim(naming::snake(&built.segment));
        children.push(built);
    }

    // Responses first: a GET's method (`get` or `list`) depends on what it returns.
    let mut responses = Vec::with_capacity(node.found.len());
    for found in &node.found {
        responses.push(response(spec, types, found, &handle)?);
    }
    let bases: Vec<&str> = node
        .found
        .iter()
        .zip(&responses)
        .map(|(found, response)| verb_method(found.verb, &response.ty))
        .collect();
    let mut doc = None;
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
        let method_name = methods.claim(naming::snake(&name));
        if doc.is_none() {
            doc = tag_description(spec, found);
        }
        operations.push(operation(
            spec,
            types,
            found,
            method_name,
            &qualified,
            &handle,
            response,
        )?);
    }

    Ok(Resource {
        accessor: naming::snake(&node.segment),
        segment: node.segment,
        module,
        handle,
        doc,
        operations,
        children,
    })
}

fn operation(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    found: &Found<'_>,
    method_name: String,
    qualified: &str,
    handle: &str,
    response: ResponseBody,
) -> Result<Operation> {
    let params = parameters(spec, types, found)?;
    let body = body(spec, types, found, &format!("{handle}_{method_name}_body"))?;
    let request_type = params
        .query
        .iter()
        .chain(&params.headers)
        .any(|p| !p.required)
        .then(|| types.claim_name(&format!("{handle}_{method_name}_request")));
    let summary = found
        .op
        .summary
        .as_deref()
        .map(str::trim)
        .map(str::to_owned);
    let description = found
        .op
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| Some(*d) != summary.as_deref())
        .map(str::to_owned);
    Ok(Operation {
        qualified_name: format!("{qualified}.{method_name}"),
        method_name,
        http_method: found.verb,
        path_template: found.path.to_owned(),
        path: params.path,
        path_params: params.path_params,
        query: params.query,
        headers: params.headers,
        request_type,
        body,
        response,
        summary: summary.filter(|s| !s.is_empty()),
        description: description.filter(|d| !d.is_empty()),
        at: found.at.clone(),
    })
}

/// The parameters of an operation: the path split into parts, and each parameter typed.
#[derive(Debug, Default)]
struct Parameters {
    path: Vec<PathPart>,
    path_params: Vec<Param>,
    query: Vec<Param>,
    headers: Vec<Param>,
}

/// Splits the template into parts and types every parameter.
fn parameters(spec: &Spec, types: &mut TypeBuilder<'_>, found: &Found<'_>) -> Result<Parameters> {
    // Parameters declared on the operation replace those of the path item with the same name.
    let mut declared: Vec<(Location, FileId, Parameter)> = Vec::new();
    let item_at = Location {
        file: found.at.file.clone(),
        pointer: found
            .at
            .pointer
            .rsplit_once('/')
            .map_or("", |p| p.0)
            .to_owned(),
    };
    let sources = [
        (item_at.join("parameters"), found.shared_params),
        (found.at.join("parameters"), found.op.parameters.as_slice()),
    ];
    for (list_at, list) in sources {
        for (i, node) in list.iter().enumerate() {
            let at = list_at.index(i);
            let resolved = spec.parameter(found.file, &at, node)?;
            let param = resolved.value.into_owned();
            let data = param.parameter_data_ref();
            declared.retain(|(_, _, p)| {
                let other = p.parameter_data_ref();
                !(other.name == data.name && same_kind(p, &param))
            });
            declared.push((resolved.at, resolved.file, param));
        }
    }

    let mut out = Parameters::default();
    // One scope for every argument name: path, query and header parameters share the signature.
    let mut idents = Scope::with_reserved(ARGUMENT_RESERVED);
    let mut rest = found.path;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(|| Error::Invalid {
                at: found.at.clone(),
                message: format!("unclosed `{{` in path `{}`", found.path),
            })?;
        if open > 0 {
            out.path.push(PathPart::Literal(rest[..open].to_owned()));
        }
        let name = &rest[open + 1..close];
        let (param_at, param_file, param) = declared
            .iter()
            .find(|(_, _, p)| {
                matches!(p, Parameter::Path { .. }) && p.parameter_data_ref().name == name
            })
            .ok_or_else(|| Error::Invalid {
                at: found.at.clone(),
                message: format!("path parameter `{name}` is used in the path but not declared"),
            })?;
        out.path.push(PathPart::Param(out.path_params.len()));
        let mut param = param_of(types, *param_file, param_at, param, &mut idents)?;
        param.required = true;
        out.path_params.push(param);
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.path.push(PathPart::Literal(rest.to_owned()));
    }

    for (at, file, param) in &declared {
        let data = param.parameter_data_ref();
        match param {
            Parameter::Path { .. } if !out.path_params.iter().any(|p| p.name == data.name) => {
                return Err(Error::Invalid {
                    at: at.clone(),
                    message: format!(
                        "path parameter `{}` is declared but not used in `{}`",
                        data.name, found.path
                    ),
                });
            }
            Parameter::Path { .. } => {}
            Parameter::Query { .. } => {
                out.query
                    .push(param_of(types, *file, at, param, &mut idents)?);
            }
            Parameter::Header { .. } => {
                out.headers
                    .push(param_of(types, *file, at, param, &mut idents)?);
            }
            Parameter::Cookie { .. } => {
                return Err(Error::Unsupported {
                    at: at.clone(),
                    what: format!(
                        "cookie parameters (`{}`): the client sends no cookies",
                        data.name
                    ),
                });
            }
        }
    }
    Ok(out)
}

fn param_of(
    types: &mut TypeBuilder<'_>,
    file: FileId,
    at: &Location,
    param: &Parameter,
    idents: &mut Scope,
) -> Result<Param> {
    let data = param.parameter_data_ref();
    let schema = match &data.format {
        openapiv3::ParameterSchemaOrContent::Schema(schema) => schema,
        openapiv3::ParameterSchemaOrContent::Content(_) => {
            return Err(Error::Unsupported {
                at: at.join("content"),
                what: "a parameter described by `content`; use `schema`".into(),
            });
        }
    };
    let typed: Typed = types.type_of(file, &at.join("schema"), schema, &data.name)?;
    let ty = match param_type(types, &typed.ty) {
        Some(ty) => ty,
        None => types.approximate(
            &at.join("schema"),
            "a parameter that is not a string, number, boolean, string enum, or a list of them",
            "a string",
            ParamType::Str,
        )?,
    };
    let ty = match ty {
        ParamType::List(_) if !matches!(param, Parameter::Query { .. }) => types.approximate(
            &at.join("schema"),
            "a list in a path or header parameter",
            "a string (join the items yourself)",
            ParamType::Str,
        )?,
        ty => ty,
    };
    let doc = data
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .or(typed.doc);
    Ok(Param {
        ident: idents.claim(naming::snake(&data.name)),
        name: data.name.clone(),
        ty,
        required: data.required,
        doc,
        min_length: typed.length.0,
        max_length: typed.length.1,
    })
}

fn param_type(types: &TypeBuilder<'_>, ty: &TypeRef) -> Option<ParamType> {
    Some(match ty {
        // A schema that says nothing (`{}`): on the wire a parameter is text anyway.
        TypeRef::String | TypeRef::Json => ParamType::Str,
        TypeRef::Integer => ParamType::Integer,
        TypeRef::Number => ParamType::Number,
        TypeRef::Boolean => ParamType::Boolean,
        TypeRef::Named(name) if types.is_enum(name) => ParamType::Enum(name.clone()),
        TypeRef::Array(inner) => match param_type(types, inner)? {
            ParamType::List(_) => return None,
            scalar => ParamType::List(Box::new(scalar)),
        },
        _ => return None,
    })
}

fn body(spec: &Spec, types: &mut TypeBuilder<'_>, found: &Found<'_>, hint: &str) -> Result<Body> {
    let Some(node) = &found.op.request_body else {
        return Ok(Body::None);
    };
    let at = found.at.join("requestBody");
    let resolved = spec.request_body(found.file, &at, node)?;
    let content_at = resolved.at.join("content");
    let content = &resolved.value.content;
    if let Some((media_type, media)) = content.iter().find(|(m, _)| is_json(m)) {
        let Some(schema) = &media.schema else {
            // `application/json: {}`: any JSON. The APIs that say so take an empty object.
            return Ok(Body::EmptyObject);
        };
        let schema_at = content_at.join(media_type).join("schema");
        let typed = types.type_of(resolved.file, &schema_at, schema, hint)?;
        // An object with nothing declared in it: the API takes `{}`.
        return Ok(match typed.ty {
            TypeRef::JsonObject => Body::EmptyObject,
            ty => Body::Json(ty),
        });
    }
    if let Some((media_type, media)) = content
        .iter()
        .find(|(m, _)| essence(m) == "multipart/form-data")
    {
        let media_at = content_at.join(media_type);
        let Some(schema) = &media.schema else {
            return Err(Error::Unsupported {
                at: media_at,
                what: "a multipart body without a schema naming its parts".into(),
            });
        };
        return Ok(
            match types.form_struct(resolved.file, &media_at.join("schema"), schema, hint)? {
                Some(name) => Body::Multipart(name),
                None => Body::Form,
            },
        );
    }
    match content.keys().next() {
        Some(media_type) => Ok(Body::Raw(essence(media_type).to_owned())),
        None => Ok(Body::None),
    }
}

/// The type of the first successful response, unwrapping the envelope.
fn response(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    found: &Found<'_>,
    handle: &str,
) -> Result<ResponseBody> {
    let responses_at = found.at.join("responses");
    let success = found
        .op
        .responses
        .responses
        .iter()
        .filter(|(code, _)| match code {
            StatusCode::Code(code) => (200..300).contains(code),
            StatusCode::Range(range) => *range == 2,
        })
        .min_by_key(|(code, _)| match code {
            StatusCode::Code(code) => *code,
            StatusCode::Range(_) => 299,
        });
    let json = |ty: TypeRef, nullable: bool| ResponseBody {
        ty,
        format: ResponseFormat::Json,
        nullable,
    };
    let Some((code, node)) = success else {
        return Ok(json(TypeRef::Unit, false));
    };
    let at = responses_at.join(code.to_string());
    let resolved = spec.response(found.file, &at, node)?;
    let content_at = resolved.at.join("content");
    let content = &resolved.value.content;
    let Some((media_type, media)) = content.iter().find(|(m, _)| is_json(m)) else {
        return Ok(match content.keys().next() {
            None => json(TypeRef::Unit, false),
            Some(m) if essence(m).starts_with("text/") => ResponseBody {
                ty: TypeRef::String,
                format: ResponseFormat::Text,
                nullable: false,
            },
            Some(_) => ResponseBody {
                ty: TypeRef::Bytes,
                format: ResponseFormat::Bytes,
                nullable: false,
            },
        });
    };
    let Some(schema) = &media.schema else {
        return Ok(json(TypeRef::Json, false));
    };
    let schema_at = content_at.join(media_type).join("schema");
    let hint = format!(
        "{handle}_{}_{}",
        found.verb.to_ascii_lowercase(),
        "response"
    );
    if let Some(object) = types.object(resolved.file, &schema_at, schema)?
        && object.get("success").is_some()
        && (object.get("result").is_some() || object.get("errors").is_some())
    {
        let Some(result) = object.get("result") else {
            return Ok(ResponseBody {
                ty: TypeRef::Unit,
                format: ResponseFormat::Envelope,
                nullable: true,
            });
        };
        let typed = types.type_of_boxed(result.file, &result.at, &result.node, &hint)?;
        return Ok(ResponseBody {
            ty: typed.ty,
            format: ResponseFormat::Envelope,
            nullable: typed.nullable,
        });
    }
    let typed = types.type_of(resolved.file, &schema_at, schema, &hint)?;
    Ok(json(typed.ty, typed.nullable))
}

/// A media type without its parameters (`; charset=utf-8`).
fn essence(media_type: &str) -> &str {
    media_type.split(';').next().unwrap_or("").trim()
}

fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json" || essence.ends_with("+json")
}

fn same_kind(a: &Parameter, b: &Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn static_verb(verb: &str) -> &'static str {
    match verb {
        "get" => "GET",
        "put" => "PUT",
        "post" => "POST",
        "delete" => "DELETE",
        "options" => "OPTIONS",
        "head" => "HEAD",
        "patch" => "PATCH",
        _ => "TRACE",
    }
}

/// The method a verb gives, before any suffix.
fn verb_method(verb: &str, result: &TypeRef) -> &'static str {
    match verb {
        "GET" if matches!(result, TypeRef::Array(_)) => "list",
        "GET" => "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "edit",
        "DELETE" => "delete",
        "HEAD" => "head",
        "OPTIONS" => "options",
        _ => "trace",
    }
}

/// The literal segments of `path` that name resources.
fn resource_chain(path: &str) -> Vec<String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut rest = segments.as_slice();
    // `/accounts/{account_id}/stream` is about `stream`; `/accounts/{account_id}` itself is
    // about `accounts`.
    if let [scope, id, tail @ ..] = rest
        && SCOPES.contains(scope)
        && is_param(id)
        && tail.iter().any(|s| !is_param(s))
    {
        rest = tail;
    }
    rest.iter()
        .filter(|s| !is_param(s))
        .map(|s| (*s).to_owned())
        .collect()
}

fn trailing_param(path: &str) -> Option<String> {
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    is_param(last).then(|| last[1..last.len() - 1].to_owned())
}

fn is_param(segment: &str) -> bool {
    segment.len() > 2 && segment.starts_with('{') && segment.ends_with('}')
}

/// `download_type` under `downloads` → `type`; `identifier` → `identifier`.
fn short_param(param: &str, resource: &str) -> String {
    let snake = naming::snake(param);
    let plain = snake.trim_start_matches("r#");
    let singular = naming::snake(resource.strip_suffix('s').unwrap_or(resource));
    plain
        .strip_prefix(&format!("{singular}_"))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(plain)
        .to_owned()
}

fn tag_description(spec: &Spec, found: &Found<'_>) -> Option<String> {
    let tag = found.op.tags.first()?;
    spec.files
        .iter()
        .flat_map(|f| &f.doc.tags)
        .find(|t| &t.name == tag)
        .and_then(|t| t.description.as_deref())
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
}

fn extension_str(op: &SpecOperation, key: &str, at: &Location) -> Result<Option<String>> {
    match op.extensions.get(key) {
        None => Ok(None),
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(Error::Invalid {
            at: at.join(key),
            message: "must be a non-empty string".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_come_from_literal_segments_after_the_scope() {
        assert_eq!(
            resource_chain("/accounts/{account_id}/stream/{identifier}/downloads/{download_type}"),
            ["stream", "downloads"]
        );
        assert_eq!(resource_chain("/accounts/{id}/stream"), ["stream"]);
        assert_eq!(resource_chain("/user/tokens"), ["user", "tokens"]);
        assert_eq!(resource_chain("/accounts/{account_id}"), ["accounts"]);
        assert!(resource_chain("/{x}").is_empty());
    }

    #[test]
    fn item_suffixes_drop_the_resource_name() {
        assert_eq!(short_param("download_type", "downloads"), "type");
        assert_eq!(short_param("identifier", "downloads"), "identifier");
        assert_eq!(short_param("language", "captions"), "language");
        assert_eq!(trailing_param("/a/{b}/c/{d}").as_deref(), Some("d"));
        assert_eq!(trailing_param("/a/{b}/c"), None);
    }
}
