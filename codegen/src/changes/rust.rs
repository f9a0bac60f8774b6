//! Items and types as a user writes them: `stream::downloads::Downloads::get`, `Vec<Download>`.

use crate::model::{ParamType, Resource, TypeRef};

/// The module path of each resource, by its dotted name: `stream.downloads` is
/// `stream::downloads`, and its handle `stream::downloads::Downloads`.
#[derive(Debug, Default)]
pub struct Paths {
    modules: std::collections::HashMap<String, String>,
}

impl Paths {
    /// The module paths of `roots` and every resource inside them.
    pub fn of(roots: &[Resource]) -> Self {
        fn walk(
            resource: &Resource,
            parent: &str,
            out: &mut std::collections::HashMap<String, String>,
        ) {
            let module = if parent.is_empty() {
                resource.module.clone()
            } else {
                format!("{parent}::{}", resource.module)
            };
            for child in &resource.children {
                walk(child, &module, out);
            }
            out.insert(resource.qualified_name.clone(), module);
        }
        let mut modules = std::collections::HashMap::new();
        for root in roots {
            walk(root, "", &mut modules);
        }
        Self { modules }
    }

    /// The module of the resource `qualified` (`stream.downloads`).
    pub fn module(&self, resource: &Resource) -> String {
        self.modules
            .get(&resource.qualified_name)
            .cloned()
            .unwrap_or_else(|| resource.module.clone())
    }

    /// The handle type of `resource` (`stream::downloads::Downloads`).
    pub fn handle(&self, resource: &Resource) -> String {
        format!("{}::{}", self.module(resource), resource.handle)
    }
}

/// A model, as the crate's `models` module holds it.
pub fn model(name: &str) -> String {
    format!("models::{name}")
}

/// `ty` as Rust writes it.
pub fn type_text(ty: &TypeRef) -> String {
    type_text_in(ty, None)
}

/// `ty` as Rust writes it: in a message (`krate` none: `Vec<Download>`), or in code outside
/// the SDK that reaches it through the crate `krate`
/// (`Vec<cloudflare_stream::models::Download>`).
pub fn type_text_in(ty: &TypeRef, krate: Option<&str>) -> String {
    // Outside the SDK, models, `FilePart` and `BTreeMap` are written with their paths.
    let (models, root, collections) = match krate {
        Some(krate) => (
            format!("{krate}::models::"),
            format!("{krate}::"),
            "std::collections::",
        ),
        None => (String::new(), String::new(), ""),
    };
    let inner = |ty: &TypeRef| type_text_in(ty, krate);
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Unit => "()".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
        TypeRef::Named(name) => format!("{models}{name}"),
        TypeRef::Array(ty) => format!("Vec<{}>", inner(ty)),
        TypeRef::Map(ty) => format!("{collections}BTreeMap<String, {}>", inner(ty)),
        TypeRef::File => format!("{root}FilePart"),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Boxed(ty) => format!("Box<{}>", inner(ty)),
    }
}

/// `ty`, optional or not, as a field or result holds it.
pub fn field_text(ty: &TypeRef, optional: bool) -> String {
    if optional {
        format!("Option<{}>", type_text(ty))
    } else {
        type_text(ty)
    }
}

/// A parameter's type as an argument.
pub fn param_text(ty: &ParamType) -> String {
    match ty {
        ParamType::Str => "&str".into(),
        ParamType::Enum(name) => name.clone(),
        ParamType::Integer => "i64".into(),
        ParamType::Number => "f64".into(),
        ParamType::Boolean => "bool".into(),
        ParamType::List(inner) => format!("&[{}]", param_text(inner)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_as_rust() {
        let ty = TypeRef::Array(Box::new(TypeRef::Map(Box::new(TypeRef::Named("A".into())))));
        assert_eq!(type_text(&ty), "Vec<BTreeMap<String, A>>");
        assert_eq!(
            type_text_in(&ty, Some("sdk")),
            "Vec<std::collections::BTreeMap<String, sdk::models::A>>"
        );
        assert_eq!(type_text_in(&TypeRef::File, Some("sdk")), "sdk::FilePart");
        assert_eq!(field_text(&TypeRef::Integer, true), "Option<i64>");
        assert_eq!(
            param_text(&ParamType::List(Box::new(ParamType::Enum("Kind".into())))),
            "&[Kind]"
        );
    }
}
