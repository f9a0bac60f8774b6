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
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Unit => "()".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_text(inner)),
        TypeRef::File => "FilePart".into(),
        TypeRef::Bytes => "Vec<u8>".into(),
        TypeRef::Boxed(inner) => format!("Box<{}>", type_text(inner)),
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
        assert_eq!(field_text(&TypeRef::Integer, true), "Option<i64>");
        assert_eq!(
            param_text(&ParamType::List(Box::new(ParamType::Enum("Kind".into())))),
            "&[Kind]"
        );
    }
}
