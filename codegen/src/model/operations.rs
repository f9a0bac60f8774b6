//! One operation to one method: its parameters, its request body, and what its response
//! gives the caller.

use openapiv3::{Parameter, ParameterSchemaOrContent, StatusCode};

use super::docs;
use super::ir::{
    Body, Operation, Param, ParamLocation, ParamType, PathPart, ResponseBody, ResponseFormat,
    TypeRef,
};
use super::names::{self, ARGUMENT_RESERVED, Scope};
use super::paths::{self, Segment};
use super::resources::Found;
use super::types::{self, Envelope, TypeBuilder, Typed};
use crate::error::{Error, Location, Result};
use crate::load::{FileId, Spec};

/// Builds the operation `found`, as method `method_name` of the resource `qualified` whose
/// handle is `handle`; `response` is what [`response`] made of it.
pub fn operation(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    found: &Found<'_>,
    method_name: String,
    qualified: &str,
    handle: &str,
    response: ResponseBody,
) -> Result<Operation> {
    let (path, params) = parameters(spec, types, found)?;
    let body = body(spec, types, found, &format!("{handle}_{method_name}_body"))?;
    let qualified_name = format!("{qualified}.{method_name}");
    let paging = super::paging::declared(found, &params, &response)?;
    let summary = docs::spec_text(found.op.summary.as_deref());
    let description =
        docs::spec_text(found.op.description.as_deref()).filter(|d| Some(d) != summary.as_ref());
    Ok(Operation {
        qualified_name,
        method_name,
        http_method: found.method,
        path_template: found.path.to_owned(),
        path,
        params,
        shared_path: None,
        marker: String::new(),
        marker_doc: String::new(),
        paging,
        paging_doc: String::new(),
        security: Some(security(spec, found)),
        body,
        response,
        summary,
        description,
        doc: String::new(),
        at: found.at.clone(),
    })
}

/// The credentials `found` accepts, one alternative each, as its own `security` or else its
/// file's says (`api_email & api_key`); sorted, so that order alone is no change.
fn security(spec: &Spec, found: &Found<'_>) -> Vec<String> {
    let requirements = found
        .op
        .security
        .as_ref()
        .or(spec.files[found.file].doc.security.as_ref());
    let mut alternatives: Vec<String> = requirements
        .into_iter()
        .flatten()
        .map(|requirement| {
            let mut schemes: Vec<&str> = requirement.keys().map(String::as_str).collect();
            schemes.sort_unstable();
            if schemes.is_empty() {
                "no credentials".to_owned()
            } else {
                schemes.join(" & ")
            }
        })
        .collect();
    alternatives.sort();
    alternatives.dedup();
    alternatives
}

/// A parameter as declared, with where it was found.
struct Declared {
    at: Location,
    file: FileId,
    param: Parameter,
}

/// Splits the template into parts and types every parameter: the path's first, in path order,
/// then the others in the order they are declared.
fn parameters(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    found: &Found<'_>,
) -> Result<(Vec<PathPart>, Vec<Param>)> {
    // Parameters declared on the operation replace those of the path item with the same name.
    let mut declared: Vec<Declared> = Vec::new();
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
            declared.retain(|other| {
                let same_kind =
                    std::mem::discriminant(&other.param) == std::mem::discriminant(&param);
                !(other.param.parameter_data_ref().name == data.name && same_kind)
            });
            declared.push(Declared {
                at: resolved.at,
                file: resolved.file,
                param,
            });
        }
    }

    let mut path = Vec::new();
    let mut params = Vec::new();
    // One scope for every argument name: path, query and header parameters share the signature.
    let mut idents = Scope::with_reserved(ARGUMENT_RESERVED);
    for segment in paths::split(found.path, &found.at)? {
        let name = match segment {
            Segment::Literal(text) => {
                path.push(PathPart::Literal(text.to_owned()));
                continue;
            }
            Segment::Param(name) => name,
        };
        let declaration = declared
            .iter()
            .find(|d| {
                matches!(d.param, Parameter::Path { .. })
                    && d.param.parameter_data_ref().name == name
            })
            .ok_or_else(|| Error::Invalid {
                at: found.at.clone(),
                message: format!("path parameter `{name}` is used in the path but not declared"),
            })?;
        path.push(PathPart::Param(params.len()));
        let mut param = param_of(types, declaration, ParamLocation::Path, &mut idents)?;
        param.required = true;
        params.push(param);
    }

    for declaration in &declared {
        let data = declaration.param.parameter_data_ref();
        let location = match declaration.param {
            Parameter::Path { .. } if !params.iter().any(|p: &Param| p.name == data.name) => {
                return Err(Error::Invalid {
                    at: declaration.at.clone(),
                    message: format!(
                        "path parameter `{}` is declared but not used in `{}`",
                        data.name, found.path
                    ),
                });
            }
            Parameter::Path { .. } => continue,
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Cookie { .. } => {
                return Err(Error::Unsupported {
                    at: declaration.at.clone(),
                    what: format!(
                        "cookie parameters (`{}`): the client sends no cookies",
                        data.name
                    ),
                });
            }
        };
        params.push(param_of(types, declaration, location, &mut idents)?);
    }
    Ok((path, params))
}

fn param_of(
    types: &mut TypeBuilder<'_>,
    declared: &Declared,
    location: ParamLocation,
    idents: &mut Scope,
) -> Result<Param> {
    let at = &declared.at;
    let data = declared.param.parameter_data_ref();
    let schema = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => schema,
        ParameterSchemaOrContent::Content(_) => {
            return Err(Error::Unsupported {
                at: at.join("content"),
                what: "a parameter described by `content`; use `schema`".into(),
            });
        }
    };
    let typed: Typed = types.type_of(declared.file, &at.join("schema"), schema, &data.name)?;
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
        ParamType::List(_) if location != ParamLocation::Query => types.approximate(
            &at.join("schema"),
            "a list in a path or header parameter",
            "a string (join the items yourself)",
            ParamType::Str,
        )?,
        ty => ty,
    };
    let mut param = Param {
        ident: idents.claim(names::snake(&data.name)),
        name: data.name.clone(),
        location,
        ty,
        required: data.required,
        doc: docs::spec_text(data.description.as_deref()).or(typed.doc),
        setter_doc: String::new(),
        min_length: typed.length.0,
        max_length: typed.length.1,
        at: at.clone(),
    };
    param.setter_doc = docs::setter_doc(&param);
    Ok(param)
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

/// The type of the first successful response of `found`, unwrapping the envelope; `handle`
/// names an inline type.
pub fn response(
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
        envelope_extras: Vec::new(),
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
                envelope_extras: Vec::new(),
            },
            Some(_) => ResponseBody {
                ty: TypeRef::Bytes,
                format: ResponseFormat::Bytes,
                nullable: false,
                envelope_extras: Vec::new(),
            },
        });
    };
    let Some(schema) = &media.schema else {
        return Ok(json(TypeRef::Json, false));
    };
    let schema_at = content_at.join(media_type).join("schema");
    let hint = format!("{handle}_{}_response", found.method.key());
    if let Some(object) = types.object(resolved.file, &schema_at, schema)? {
        let envelope_extras = || types::envelope_extras(&object);
        match types::envelope(&object) {
            Envelope::No => {}
            Envelope::WithoutResult => {
                return Ok(ResponseBody {
                    ty: TypeRef::Unit,
                    format: ResponseFormat::Envelope,
                    nullable: true,
                    envelope_extras: envelope_extras(),
                });
            }
            Envelope::Result(result) => {
                let typed = types.type_of_boxed(result.file, &result.at, &result.node, &hint)?;
                return Ok(ResponseBody {
                    ty: typed.ty,
                    format: ResponseFormat::Envelope,
                    nullable: typed.nullable,
                    envelope_extras: envelope_extras(),
                });
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/problem+json; charset=utf-8"));
        assert!(!is_json("text/plain"));
        assert_eq!(essence(" text/vtt ; charset=utf-8"), "text/vtt");
    }
}
