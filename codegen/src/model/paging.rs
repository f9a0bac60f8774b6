//! Which operations page, and how: their requests get `all()`, every item of every page (the
//! runtime's `Pages`).
//!
//! - An operation's `x-pagination` extension says it: `false` (not paged), or
//!   `{style: created, order, start, limit, pageSize, created, id}` (Stream's video list:
//!   ascending by creation instant, no cursor) or `{style: page, page, perPage, pageSize}`.
//!   Each name is a query parameter of the operation, or (`created`, `id`) a string field of
//!   the item type; a wrong one is an error naming the extension.
//! - Without it, an operation with optional integer query parameters `page` and `per_page`
//!   answering an array pages by number, as Cloudflare's API does.

use serde_json::Value;

use super::ir::{
    Api, ItemField, Paging, Param, ParamLocation, ParamType, Resource, ResponseBody, TypeDef,
    TypeRef,
};
use super::resources::Found;
use crate::error::{Error, Result};

/// The page size asked for numbered pages when neither the caller nor the spec says:
/// Cloudflare's most common default.
const DEFAULT_PER_PAGE: u64 = 20;

/// The largest page of Stream's video list, when the extension does not say.
const DEFAULT_CREATED_PAGE: u64 = 1000;

/// How the operation `found`, with `params` and `response`, pages; its item fields are named
/// by [`resolve`] once the types are.
pub fn declared(
    found: &Found<'_>,
    params: &[Param],
    response: &ResponseBody,
) -> Result<Option<Paging>> {
    let at = found.at.join("x-pagination");
    let items = match &response.ty {
        TypeRef::Array(item) => Some(&**item),
        _ => None,
    };
    let Some(extension) = found.op.extensions.get("x-pagination") else {
        let (Some(_), Some(_), Some(_)) = (
            items,
            optional_query(params, "page", &ParamType::Integer),
            optional_query(params, "per_page", &ParamType::Integer),
        ) else {
            return Ok(None);
        };
        return Ok(Some(Paging::Numbered {
            page: "page".to_owned(),
            per_page: "per_page".to_owned(),
            page_size: DEFAULT_PER_PAGE,
        }));
    };
    if extension == &Value::Bool(false) {
        return Ok(None);
    }
    let invalid = |message: String| Error::Invalid {
        at: at.clone(),
        message,
    };
    let Some(object) = extension.as_object() else {
        return Err(invalid(
            "`x-pagination` is `false` or an object with a `style`".to_owned(),
        ));
    };
    let text = |key: &str| -> Result<Option<String>> {
        match object.get(key) {
            None => Ok(None),
            Some(Value::String(text)) if !text.is_empty() => Ok(Some(text.clone())),
            Some(_) => Err(invalid(format!("`{key}` must be a non-empty string"))),
        }
    };
    let page_size = match object.get("pageSize") {
        None => None,
        Some(value) => Some(
            value
                .as_u64()
                .filter(|&size| size > 0)
                .ok_or_else(|| invalid("`pageSize` must be a positive integer".to_owned()))?,
        ),
    };
    let param = |key: &str, default: &str, ty: ParamType| -> Result<String> {
        let name = text(key)?.unwrap_or_else(|| default.to_owned());
        match optional_query(params, &name, &ty) {
            Some(_) => Ok(name),
            None => Err(invalid(format!(
                "`{key}`: the operation has no optional {} query parameter `{name}`",
                describe(&ty)
            ))),
        }
    };
    let Some(item) = items else {
        return Err(invalid(
            "a paged operation answers an array of items".to_owned(),
        ));
    };
    match text("style")?.as_deref() {
        Some("created") => {
            let TypeRef::Named(_) = item else {
                return Err(invalid(
                    "paging by creation instant reads fields of the items: they must be objects"
                        .to_owned(),
                ));
            };
            let limit = match object.get("limit") {
                None => None,
                Some(_) => Some(param("limit", "limit", ParamType::Integer)?),
            };
            let field = |key: &str, default: &str| -> Result<ItemField> {
                Ok(ItemField {
                    json: text(key)?.unwrap_or_else(|| default.to_owned()),
                    ident: String::new(),
                    optional: false,
                })
            };
            Ok(Some(Paging::Created {
                order: param("order", "asc", ParamType::Boolean)?,
                start: param("start", "start", ParamType::Str)?,
                limit,
                page_size: page_size.unwrap_or(DEFAULT_CREATED_PAGE),
                created: field("created", "created")?,
                id: field("id", "uid")?,
                at,
            }))
        }
        Some("page") => Ok(Some(Paging::Numbered {
            page: param("page", "page", ParamType::Integer)?,
            per_page: param("perPage", "per_page", ParamType::Integer)?,
            page_size: page_size.unwrap_or(DEFAULT_PER_PAGE),
        })),
        Some(other) => Err(invalid(format!(
            "unknown `style` `{other}`: `created` or `page`"
        ))),
        None => Err(invalid(
            "`style` is missing: `created` or `page`".to_owned(),
        )),
    }
}

/// Names the item fields paging by creation instant reads, now that the types are final: each
/// must be a string field of the item type.
pub fn resolve(api: &mut Api) -> Result<()> {
    fn walk(resources: &mut [Resource], types: &[TypeDef]) -> Result<()> {
        for resource in resources {
            for op in &mut resource.operations {
                let item = match &op.response.ty {
                    TypeRef::Array(item) => match &**item {
                        TypeRef::Named(name) => Some(name.clone()),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(Paging::Created {
                    created, id, at, ..
                }) = &mut op.paging
                {
                    let fields = types.iter().find_map(|def| match def {
                        TypeDef::Struct(s) if Some(&s.name) == item.as_ref() => Some(&s.fields),
                        _ => None,
                    });
                    for wanted in [created, id] {
                        let found = fields.and_then(|fields| {
                            fields.iter().find(|f| {
                                f.json_name == wanted.json && f.ty == TypeRef::String && !f.flatten
                            })
                        });
                        let Some(field) = found else {
                            return Err(Error::Invalid {
                                at: at.clone(),
                                message: format!(
                                    "the items (`{}`) have no string field `{}` to page by",
                                    item.as_deref().unwrap_or("?"),
                                    wanted.json
                                ),
                            });
                        };
                        wanted.ident.clone_from(&field.ident);
                        wanted.optional = field.optional;
                    }
                }
            }
            walk(&mut resource.children, types)?;
        }
        Ok(())
    }
    walk(&mut api.roots, &api.types)
}

/// The optional query parameter `name` of type `ty`.
fn optional_query<'p>(params: &'p [Param], name: &str, ty: &ParamType) -> Option<&'p Param> {
    params.iter().find(|p| {
        p.name == name && p.location == ParamLocation::Query && !p.required && p.ty == *ty
    })
}

fn describe(ty: &ParamType) -> &'static str {
    match ty {
        ParamType::Integer => "integer",
        ParamType::Boolean => "boolean",
        _ => "string",
    }
}
