//! Model types as Rust items: structs, open string enums, untagged unions, aliases, and the
//! structs of multipart bodies with the form they are sent as.

use proc_macro2::TokenStream;
use quote::quote;

use super::markdown::doc;
use super::resources::Local;
use super::{ident, paths};
use crate::model::{EnumDef, Field, FormPart, StructDef, TypeDef, TypeRef, UnionDef};

/// The items of one model type.
pub fn type_def(def: &TypeDef) -> TokenStream {
    match def {
        TypeDef::Struct(s) if s.form => form_def(s),
        TypeDef::Struct(s) => struct_def(s),
        TypeDef::Enum(e) => enum_def(e),
        TypeDef::Union(u) => union_def(u),
        TypeDef::Alias(a) => {
            let name = ident(&a.name);
            let docs = doc(a.doc.as_deref());
            let target = type_ref(&a.target, &Local::default());
            quote! {
                #docs
                pub type #name = #target;
            }
        }
    }
}

fn union_def(def: &UnionDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let eq = def.is_eq.then(|| quote!(Eq,));
    let variants = def.variants.iter().map(|(variant, ty)| {
        let text = format!(" The value in its `{variant}` shape.");
        let variant = ident(variant);
        let ty = type_ref(ty, &Local::default());
        quote! {
            #[doc = #text]
            #variant(#ty),
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #eq serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// A multipart body: a plain struct, and the form it is sent as.
fn form_def(def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let fields = def.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let docs = doc(f.doc.as_deref());
        let inner = type_ref(&f.ty, &Local::default());
        let ty = if f.optional {
            quote!(Option<#inner>)
        } else {
            inner
        };
        quote! {
            #docs
            pub #field: #ty,
        }
    });
    let parts = def.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let part = &f.json_name;
        // `receiver` for method calls on the value, `reference` to pass it by reference.
        let add = |receiver: TokenStream, reference: TokenStream| match f.form_part {
            Some(FormPart::File) => quote!(form.file(#part, #reference)),
            Some(FormPart::Files) => {
                quote!(#receiver.iter().fold(form, |form, file| form.file(#part, file)))
            }
            Some(FormPart::Text) => quote!(form.text(#part, #receiver.clone())),
            Some(FormPart::Display) => quote!(form.text(#part, #receiver.to_string())),
            Some(FormPart::EnumText) => quote!(form.text(#part, #receiver.as_str())),
            Some(FormPart::Json) | None => quote!(form.json(#part, #reference)),
        };
        if f.optional {
            let call = add(quote!(value), quote!(value));
            quote! {
                if let Some(value) = &self.#field {
                    form = #call;
                }
            }
        } else {
            let call = add(quote!(self.#field), quote!(&self.#field));
            quote! { form = #call; }
        }
    });
    let default = def.all_optional.then(|| quote!(Default,));
    let form_type = paths::form();
    let new = constructor(def);
    quote! {
        #docs
        #[derive(Debug, Clone, #default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #new

            #[doc = " The multipart form this body is sent as, one part per field that is set."]
            pub fn to_form(&self) -> #form_type {
                let mut form = #form_type::new();
                #(#parts)*
                form
            }
        }
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
    let new = constructor(def).map(|new| quote! { impl #name { #new } });
    quote! {
        #docs
        #[derive(#(#derives),*)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #new
    }
}

/// `new`, taking the required fields in order and leaving the optional ones `None`: models
/// are `#[non_exhaustive]`, so that a field the spec adds later is not a breaking change, and
/// this is how code outside the crate builds one. A struct whose fields are all optional is
/// built with `Default` instead, and has no `new`.
fn constructor(def: &StructDef) -> Option<TokenStream> {
    if def.all_optional {
        return None;
    }
    let required: Vec<&Field> = def.fields.iter().filter(|f| !f.optional).collect();
    let args = required.iter().map(|f| {
        let name = ident(&f.ident);
        let ty = type_ref(&f.ty, &Local::default());
        quote!(#name: #ty)
    });
    let values = def.fields.iter().map(|f| {
        let name = ident(&f.ident);
        if f.optional {
            quote!(#name: None)
        } else {
            quote!(#name)
        }
    });
    let text = format!(
        " A `{}` with its required fields; the optional ones are `None`.",
        def.name
    );
    // Clippy's limit counts arguments; one per required field is the point of `new`.
    let many = (required.len() > 7).then(|| {
        quote! {
            #[allow(
                clippy::too_many_arguments,
                reason = "one argument per required field of the model"
            )]
        }
    });
    Some(quote! {
        #[doc = #text]
        #many
        pub fn new(#(#args),*) -> Self {
            Self { #(#values),* }
        }
    })
}

fn field(field: &Field) -> TokenStream {
    let name = ident(&field.ident);
    let docs = doc(field.doc.as_deref());
    if field.flatten {
        let ty = type_ref(&field.ty, &Local::default());
        return quote! {
            #docs
            #[serde(flatten)]
            pub #name: #ty,
        };
    }
    let plain_name = field.ident.trim_start_matches("r#");
    let mut serde_args = Vec::new();
    if plain_name != field.json_name {
        let json = &field.json_name;
        serde_args.push(quote!(rename = #json));
    }
    let inner = type_ref(&field.ty, &Local::default());
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
    // Serialized through the runtime, which marks a value the SDK does not know while it looks
    // for drift between the spec and a response (the runtime's `drift.rs`); otherwise the
    // value is written as it is.
    let serialize_value = paths::enum_serializer();
    let type_name = &def.name;
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
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
                #serialize_value(
                    serializer,
                    #type_name,
                    self.as_str(),
                    !matches!(self, Self::#fallback(_)),
                )
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// A model's name as written in a module where `local` names are taken.
pub fn model_name(name: &str, local: &Local) -> TokenStream {
    if local.contains(name) {
        paths::model(name)
    } else {
        let id = ident(name);
        quote!(#id)
    }
}

/// A type as written in the models module (`local` empty) or in a resource module.
pub fn type_ref(ty: &TypeRef, local: &Local) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Unit => quote!(()),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Named(name) => model_name(name, local),
        TypeRef::Array(inner) => {
            let inner = type_ref(inner, local);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_ref(inner, local);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::File => paths::file_part(),
        TypeRef::Boxed(inner) => {
            let inner = type_ref(inner, local);
            quote!(Box<#inner>)
        }
        TypeRef::Bytes => quote!(Vec<u8>),
    }
}
