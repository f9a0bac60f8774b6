//! Stage 3, **emit**: the model as Rust tokens.
//!
//! Output layout: a `models` module with every type, then one module per top-level resource
//! (`stream`), holding its handle and a module per nested resource. Generated code reaches the
//! runtime as `::cloudflare_stream::...` and the models as `crate::models::...`, so the file must
//! be included at the root of a crate that depends on (or is) `cloudflare_stream`.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{
    Api, Body, EnumDef, Field, Operation, ParamType, PathPart, Resource, StructDef, TypeDef,
    TypeRef,
};

/// Tokens for the whole API.
pub fn api(api: &Api) -> TokenStream {
    let models = api.types.iter().map(type_def);
    let roots = api.roots.iter().map(|root| resource(root, true));
    let reexports = api.roots.iter().map(|root| {
        let module = ident(&root.module);
        let handle = ident(&root.handle);
        quote! { pub use #module::#handle; }
    });
    let models_module = if api.types.is_empty() {
        quote! {}
    } else {
        quote! {
            #[doc = " The types that requests and responses carry."]
            pub mod models {
                #(#models)*
            }
        }
    };
    quote! {
        #models_module
        #(#roots)*
        #(#reexports)*
    }
}

/// An identifier, raw where the name is a keyword.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Width that doc text is wrapped to, not counting the `/// ` and indentation in front of it.
const DOC_WIDTH: usize = 88;

/// `#[doc]` attributes, one per line, for `text`, with long prose lines wrapped.
fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return quote! {};
    };
    let mut lines = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code || line.len() <= DOC_WIDTH || line.starts_with([' ', '|', '#']) {
            lines.push(line.to_owned());
        } else {
            wrap(line, &mut lines);
        }
    }
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#attrs)* }
}

/// Wraps one prose line at word boundaries; list items continue indented under their text.
fn wrap(line: &str, out: &mut Vec<String>) {
    let indent = if line.starts_with("- ") || line.starts_with("* ") {
        "  "
    } else {
        ""
    };
    let mut current = String::new();
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        if !current.is_empty() && current.len() + 1 + word.len() > DOC_WIDTH {
            out.push(std::mem::take(&mut current));
            current.push_str(indent);
        } else if !current.is_empty() && !current.ends_with(' ') {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
}

fn type_def(def: &TypeDef) -> TokenStream {
    match def {
        TypeDef::Struct(s) => struct_def(s),
        TypeDef::Enum(e) => enum_def(e),
    }
}

fn struct_def(def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let mut derives = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
    if def.is_eq {
        derives.push(quote!(Eq));
    }
    if def.all_optional {
        derives.push(quote!(Default));
    }
    derives.push(quote!(serde::Serialize));
    derives.push(quote!(serde::Deserialize));
    let fields = def.fields.iter().map(field);
    quote! {
        #docs
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let name = ident(&field.ident);
    let docs = doc(field.doc.as_deref());
    let plain_name = field.ident.trim_start_matches("r#");
    let mut serde_args = Vec::new();
    if plain_name != field.json_name {
        let json = &field.json_name;
        serde_args.push(quote!(rename = #json));
    }
    let inner = type_ref(&field.ty, false);
    let ty = if field.optional {
        if !field.required {
            serde_args.push(quote!(default));
            serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        quote!(Option<#inner>)
    } else {
        inner
    };
    let serde_attr = if serde_args.is_empty() {
        quote! {}
    } else {
        quote! { #[serde(#(#serde_args),*)] }
    };
    quote! {
        #docs
        #serde_attr
        pub #name: #ty,
    }
}

fn enum_def(def: &EnumDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let fallback = ident(&def.fallback);
    let variants = def.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let text = format!(" `{}`", v.value);
        quote! {
            #[doc = #text]
            #variant,
        }
    });
    let to_str = def.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let value = &v.value;
        quote! { Self::#variant => #value, }
    });
    let from_str = def.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let value = &v.value;
        quote! { #value => Self::#variant, }
    });
    let from_string = from_str.clone();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this version of the SDK does not know, kept as it was received."]
            #fallback(String),
        }

        impl #name {
            #[doc = " The value as it appears in JSON and in paths."]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#fallback(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#fallback(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_string)*
                    _ => Self::#fallback(value),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// A type as written inside the models module (`qualified: false`) or a resource module.
fn type_ref(ty: &TypeRef, qualified: bool) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Unit => quote!(()),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Named(name) => {
            let name = ident(name);
            if qualified {
                quote!(crate::models::#name)
            } else {
                quote!(#name)
            }
        }
        TypeRef::Array(inner) => {
            let inner = type_ref(inner, qualified);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_ref(inner, qualified);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

fn resource(resource: &Resource, root: bool) -> TokenStream {
    let module = ident(&resource.module);
    let handle = ident(&resource.handle);
    let module_doc = match (&resource.doc, root) {
        (Some(text), _) => text.clone(),
        (None, true) => format!(
            "Operations under `/{}`, grouped by resource.",
            resource.segment
        ),
        (None, false) => format!("The `{}` resource.", resource.segment),
    };
    let module_docs = doc(Some(&module_doc));
    let handle_doc = format!(
        " Handle on the `{}` resource; cheap to copy, borrows the [`Client`].",
        resource.segment
    );
    let accessors = resource.children.iter().map(|child| {
        let accessor = ident(&child.accessor);
        let child_module = ident(&child.module);
        let child_handle = ident(&child.handle);
        let text = child
            .doc
            .as_deref()
            .map(first_sentence)
            .unwrap_or_else(|| format!("The `{}` resource.", child.segment));
        let docs = doc(Some(&text));
        quote! {
            #docs
            pub fn #accessor(&self) -> #child_module::#child_handle<'c> {
                #child_module::#child_handle::from(self.client)
            }
        }
    });
    let methods = resource.operations.iter().map(method);
    let children = resource
        .children
        .iter()
        .map(|child| self::resource(child, false));
    let imports = imports(resource);
    quote! {
        #module_docs
        pub mod #module {
            #imports

            #[doc = #handle_doc]
            #[derive(Debug, Clone, Copy)]
            pub struct #handle<'c> {
                client: &'c Client,
            }

            impl<'c> From<&'c Client> for #handle<'c> {
                fn from(client: &'c Client) -> Self {
                    Self { client }
                }
            }

            impl<'c> #handle<'c> {
                #(#accessors)*
                #(#methods)*
            }

            #(#children)*
        }
    }
}

/// The `use` lines a resource module needs, and no more (unused imports are warnings).
fn imports(resource: &Resource) -> TokenStream {
    let mut runtime = Vec::new();
    let ops = &resource.operations;
    if !ops.is_empty() {
        runtime.extend([quote!(Method), quote!(Operation), quote!(PathBuilder)]);
    }
    if ops.iter().any(|op| !op.path_params.is_empty()) {
        runtime.push(quote!(PathParam));
    }
    if !ops.is_empty() {
        runtime.push(quote!(Request));
    }
    let runtime_use = if runtime.is_empty() {
        quote! {}
    } else {
        quote! { use ::cloudflare_stream::runtime::{#(#runtime),*}; }
    };
    let mut models: Vec<&str> = Vec::new();
    for op in ops {
        named_in(&op.response.ty, &mut models);
        if let Body::Json(ty) = &op.body {
            named_in(ty, &mut models);
        }
        for param in &op.path_params {
            if let ParamType::Enum(name) = &param.ty {
                models.push(name);
            }
        }
    }
    models.sort_unstable();
    models.dedup();
    let models = models.into_iter().map(ident);
    let models_use = if models.len() == 0 {
        quote! {}
    } else {
        quote! { use crate::models::{#(#models),*}; }
    };
    quote! {
        use ::cloudflare_stream::Client;
        #runtime_use
        #models_use
    }
}

fn named_in<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_in(inner, out),
        _ => {}
    }
}

/// The first sentence of `text` (up to a full stop followed by a space), for one-line summaries.
fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(end) => flat[..=end].to_owned(),
        None => flat,
    }
}

fn method(op: &Operation) -> TokenStream {
    let name = ident(&op.method_name);
    let docs = doc(Some(&method_doc(op)));
    let result = {
        let ty = type_ref(&op.response.ty, false);
        if op.response.nullable {
            quote!(Option<#ty>)
        } else {
            ty
        }
    };
    let mut args = Vec::new();
    let mut conversions = Vec::new();
    for param in &op.path_params {
        let arg = ident(&param.ident);
        match &param.ty {
            ParamType::Str => args.push(quote!(#arg: &str)),
            ParamType::Enum(ty) => {
                let ty = ident(ty);
                args.push(quote!(#arg: #ty));
            }
            ParamType::Integer => {
                args.push(quote!(#arg: i64));
                let text = format_ident!("{}_text", param.ident.trim_start_matches("r#"));
                conversions.push(quote! { let #text = #arg.to_string(); });
            }
        }
    }
    let body_call = match &op.body {
        Body::None => quote! {},
        Body::EmptyObject => quote! { .json_body(&serde_json::Map::new()) },
        Body::Json(ty) => {
            let ty = type_ref(ty, false);
            args.push(quote!(body: &#ty));
            quote! { .json_body(body) }
        }
    };
    let plain_call = if op.response.enveloped {
        quote! {}
    } else {
        quote! { .plain() }
    };
    let path_calls = op.path.iter().map(|part| match part {
        PathPart::Literal(text) => quote! { .literal(#text) },
        PathPart::Param(index) => {
            let param = &op.path_params[*index];
            let arg = ident(&param.ident);
            let wire = &param.name;
            let value = match &param.ty {
                ParamType::Str => quote!(#arg),
                ParamType::Enum(_) => quote!(#arg.as_str()),
                ParamType::Integer => {
                    let text = format_ident!("{}_text", param.ident.trim_start_matches("r#"));
                    quote!(&#text)
                }
            };
            let min = param.min_length.map(|n| {
                let n = Literal::usize_unsuffixed(n);
                quote!(.min_length(#n))
            });
            let max = param.max_length.map(|n| {
                let n = Literal::usize_unsuffixed(n);
                quote!(.max_length(#n))
            });
            quote! { .param(PathParam::new(#wire, #value)#min #max) }
        }
    });
    let qualified = &op.qualified_name;
    let method = format_ident!("{}", op.http_method);
    let template = &op.path_template;
    quote! {
        #docs
        pub fn #name(&self, #(#args),*) -> Request<'c, #result> {
            static OPERATION: Operation = Operation {
                name: #qualified,
                method: Method::#method,
                path_template: #template,
            };
            #(#conversions)*
            let path = PathBuilder::new()
                #(#path_calls)*
                .finish();
            Request::new(self.client, &OPERATION, path)
                #body_call
                #plain_call
        }
    }
}

fn method_doc(op: &Operation) -> String {
    let mut text = String::new();
    match (&op.summary, &op.description) {
        (Some(summary), Some(description)) => {
            text.push_str(summary);
            text.push_str("\n\n");
            text.push_str(description);
        }
        (Some(only), None) | (None, Some(only)) => text.push_str(only),
        (None, None) => text.push_str(&format!("`{}`", op.qualified_name)),
    }
    text.push_str(&format!("\n\n`{} {}`", op.http_method, op.path_template));
    let mut documented: Vec<String> = op
        .path_params
        .iter()
        .map(|p| {
            let about = p
                .doc
                .as_deref()
                .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            let arg = p.ident.trim_start_matches("r#");
            if about.is_empty() {
                format!("- `{arg}`")
            } else {
                format!("- `{arg}`: {about}")
            }
        })
        .collect();
    if let Body::Json(_) = op.body {
        documented.push("- `body`: what to send.".to_owned());
    }
    if !documented.is_empty() {
        text.push_str("\n\n# Arguments\n\n");
        text.push_str(&documented.join("\n"));
    }
    text
}
