//! The one place that names what the emitted code reaches outside the module it stands in: the
//! runtime crate it is generated for (`::cloudflare_stream`), and the models module.
//!
//! The generated file is included at the root of a crate that depends on (or is)
//! `cloudflare_stream`, so these absolute paths resolve wherever the file is included.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;

/// The runtime's client (`use`d by every resource module).
pub fn client() -> TokenStream {
    quote!(::cloudflare_stream::Client)
}

/// The runtime's error type.
pub fn error() -> TokenStream {
    quote!(::cloudflare_stream::Error)
}

/// A call: what every method returns (or wraps, when it has optional parameters).
pub fn request() -> TokenStream {
    quote!(::cloudflare_stream::Request)
}

/// Every item of a paged listing.
pub fn pages() -> TokenStream {
    quote!(::cloudflare_stream::Pages)
}

/// How an operation pages, as the runtime reads it.
pub fn paging() -> TokenStream {
    quote!(::cloudflare_stream::runtime::Paging)
}

/// A file sent as a part of a multipart form.
pub fn file_part() -> TokenStream {
    quote!(::cloudflare_stream::FilePart)
}

/// How an open enum serializes its value (marked, when unknown, for the drift check).
pub fn enum_serializer() -> TokenStream {
    quote!(::cloudflare_stream::runtime::serialize_enum_value)
}

/// A multipart form.
pub fn form() -> TokenStream {
    quote!(::cloudflare_stream::Form)
}

/// `use` of the runtime's plumbing for generated code (`Method`, `Operation`, `PathBuilder`,
/// `PathParam`).
pub fn runtime_use(items: &[&str]) -> TokenStream {
    if items.is_empty() {
        return quote! {};
    }
    let items = items.iter().map(|item| ident(item));
    quote! { use ::cloudflare_stream::runtime::{#(#items),*}; }
}

/// A model, named from anywhere in the file.
pub fn model(name: &str) -> TokenStream {
    let name = ident(name);
    quote!(crate::models::#name)
}

/// `use` of models, from a resource module.
pub fn models_use(names: &[&str]) -> TokenStream {
    if names.is_empty() {
        return quote! {};
    }
    let names = names.iter().map(|name| ident(name));
    quote! { use crate::models::{#(#names),*}; }
}
