//! Stage 3, **emit**: the model as Rust tokens. It renders only: every name, doc text and
//! decision comes from the model.
//!
//! Output layout: a `models` module with every type, then one module per top-level resource
//! (`stream`), holding its handle and a module per nested resource. Generated code reaches the
//! runtime and the models through [`paths`], so the file must be included at the root of a crate
//! that depends on (or is) `cloudflare_stream`.
//!
//! - `markdown`: doc text as `#[doc]` lines that rustdoc reads as the spec meant;
//! - `types`: model types; `resources`: resource modules, methods, operation types and setters;
//! - [`paths`]: the one place that names the runtime's paths.

mod markdown;
pub mod paths;
mod resources;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Api, Resource, TypeDef};

/// Tokens for the whole API, in one piece.
pub fn api(api: &Api) -> TokenStream {
    let models: Vec<TokenStream> = api.types.iter().map(type_def).collect();
    let roots: Vec<TokenStream> = api
        .roots
        .iter()
        .map(|root| whole_resource(root, api.outside_runtime))
        .collect();
    skeleton(api, &models, &roots)
}

/// The file, given the items that go inside `models` and the module of each top-level resource.
pub fn skeleton(api: &Api, models: &[TokenStream], roots: &[TokenStream]) -> TokenStream {
    let reexports = api.roots.iter().map(|root| {
        let module = ident(&root.module);
        let handle = ident(&root.handle);
        quote! { pub use #module::#handle; }
    });
    let models_module = if models.is_empty() {
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

/// The items of one model type.
pub fn type_def(def: &TypeDef) -> TokenStream {
    types::type_def(def)
}

/// The module of `resource`, with `child(i)` standing for its `i`th nested resource.
pub fn resource(
    resource: &Resource,
    outside_runtime: bool,
    child: &mut dyn FnMut(usize) -> TokenStream,
) -> TokenStream {
    resources::resource(resource, outside_runtime, child)
}

/// The module of `resource` with its nested resources in place.
fn whole_resource(node: &Resource, outside_runtime: bool) -> TokenStream {
    resource(node, outside_runtime, &mut |child| {
        whole_resource(&node.children[child], outside_runtime)
    })
}

/// An identifier, raw where the name is a keyword.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}
