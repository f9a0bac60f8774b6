//! Resources as Rust modules: a handle type with an accessor per nested resource and a method
//! per operation, the functions that build shared paths, a type naming each operation (`ops`),
//! which every call of it carries (`Request<T, ops::List>`), and the optional parameters'
//! setters on that request: inherent methods in the runtime's crate, traits elsewhere.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::markdown::doc;
use super::types::{model_name, type_ref};
use super::{ident, paths};
use crate::model::{
    Body, ItemField, Operation, Paging, Param, ParamLocation, ParamType, PathPart, Resource,
    ResponseFormat, TypeRef,
};

/// Names a resource module defines itself (its handle): a model with one of these names is
/// written `crate::models::Name` there instead of being imported.
#[derive(Debug, Default)]
pub struct Local(BTreeSet<String>);

impl Local {
    fn of(resource: &Resource) -> Self {
        Self(BTreeSet::from([resource.handle.clone()]))
    }

    /// Whether the module defines an item called `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(name)
    }
}

/// The module of `resource`, with `child(i)` for its `i`th nested resource; `outside_runtime`:
/// setters are trait methods (see [`Options::outside_runtime`](crate::Options::outside_runtime)).
pub fn resource(
    resource: &Resource,
    outside_runtime: bool,
    child: &mut dyn FnMut(usize) -> TokenStream,
) -> TokenStream {
    let module = ident(&resource.module);
    let handle = ident(&resource.handle);
    let module_docs = doc(Some(&resource.doc));
    let handle_docs = doc(Some(&resource.handle_doc));
    let accessors = resource.children.iter().map(|child| {
        let accessor = ident(&child.accessor);
        let child_module = ident(&child.module);
        let child_handle = ident(&child.handle);
        let docs = doc(Some(&child.accessor_doc));
        quote! {
            #docs
            pub fn #accessor(&self) -> #child_module::#child_handle<'c> {
                #child_module::#child_handle::from(self.client)
            }
        }
    });
    let local = Local::of(resource);
    let shared_paths = resource.shared_paths.iter().map(|shared| {
        let name = ident(&shared.name);
        let docs = doc(Some(&shared.doc));
        let op = &resource.operations[shared.operation];
        let args = op.path_params().map(|p| arg(p, &local));
        let calls = path_calls(op);
        let error = paths::error();
        quote! {
            #docs
            fn #name(#(#args),*) -> Result<String, #error> {
                PathBuilder::new() #(#calls)* .finish()
            }
        }
    });
    let methods = resource.operations.iter().map(|op| {
        let shared = op
            .shared_path
            .map(|index| ident(&resource.shared_paths[index].name));
        method(op, &local, shared.as_ref())
    });
    let markers = markers(resource);
    let setters = if outside_runtime {
        setter_traits(resource, &local)
    } else {
        setter_impls(resource, &local)
    };
    let children: Vec<TokenStream> = (0..resource.children.len()).map(child).collect();
    let imports = imports(resource, &local);
    quote! {
        #module_docs
        pub mod #module {
            #imports

            #handle_docs
            #[derive(Debug, Clone, Copy)]
            pub struct #handle<'c> {
                client: &'c Client,
            }

            impl<'c> From<&'c Client> for #handle<'c> {
                fn from(client: &'c Client) -> Self {
                    Self { client }
                }
            }

            impl<'c> From<#handle<'c>> for &'c Client {
                fn from(handle: #handle<'c>) -> Self {
                    handle.client
                }
            }

            impl<'c> #handle<'c> {
                #(#accessors)*
                #(#methods)*
            }

            #(#shared_paths)*

            #setters

            #markers

            #(#children)*
        }
    }
}

/// The `use` lines a resource module needs, and no more (unused imports are warnings).
fn imports(resource: &Resource, local: &Local) -> TokenStream {
    let mut runtime = Vec::new();
    let ops = &resource.operations;
    if !ops.is_empty() {
        runtime.extend(["Method", "Operation", "PathBuilder"]);
    }
    if ops.iter().any(|op| op.path_params().next().is_some()) {
        runtime.push("PathParam");
    }
    let mut models: Vec<&str> = Vec::new();
    for op in ops {
        models.extend(op.response.ty.named());
        match &op.body {
            Body::Json(ty) => models.extend(ty.named()),
            Body::Multipart(name) => models.push(name),
            Body::None | Body::EmptyObject | Body::Raw(_) | Body::Form => {}
        }
        for param in &op.params {
            if let ParamType::Enum(name) = param.ty.scalar() {
                models.push(name);
            }
        }
    }
    models.retain(|name| !local.contains(name));
    models.sort_unstable();
    models.dedup();
    let client = paths::client();
    let request_use = (!ops.is_empty()).then(|| {
        let request = paths::request();
        quote! { use #request; }
    });
    let runtime_use = paths::runtime_use(&runtime);
    let models_use = paths::models_use(&models);
    quote! {
        use #client;
        #request_use
        #runtime_use
        #models_use
    }
}

/// The calls on a `PathBuilder` that build `op`'s path from its arguments.
fn path_calls(op: &Operation) -> Vec<TokenStream> {
    op.path
        .iter()
        .map(|part| match part {
            PathPart::Literal(text) => quote! { .literal(#text) },
            PathPart::Param(index) => {
                let param = &op.params[*index];
                let wire = &param.name;
                let arg = ident(&param.ident);
                let value = match &param.ty {
                    ParamType::Str => quote!(#arg),
                    ParamType::Enum(_) => quote!(#arg.as_str()),
                    _ => quote!(&#arg.to_string()),
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
        })
        .collect()
}

/// The type a method returns on success.
fn result_type(op: &Operation, local: &Local) -> TokenStream {
    let ty = type_ref(&op.response.ty, local);
    if op.response.nullable {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

fn method(op: &Operation, local: &Local, shared_path: Option<&Ident>) -> TokenStream {
    let name = ident(&op.method_name);
    let docs = doc(Some(&op.doc));
    let result = result_type(op, local);
    let mut args: Vec<TokenStream> = op.positional_params().map(|p| arg(p, local)).collect();
    let body_call = match &op.body {
        Body::None => quote! {},
        Body::EmptyObject => quote! { .json_body(&serde_json::Map::new()) },
        Body::Json(ty) => {
            let ty = type_ref(ty, local);
            args.push(quote!(body: &#ty));
            quote! { .json_body(body) }
        }
        Body::Multipart(ty) => {
            let ty = model_name(ty, local);
            args.push(quote!(body: &#ty));
            quote! { .multipart_body(body.to_form()) }
        }
        Body::Raw(content_type) => {
            args.push(quote!(body: Vec<u8>));
            quote! { .raw_body(#content_type, body) }
        }
        Body::Form => {
            let form = paths::form();
            args.push(quote!(body: #form));
            quote! { .multipart_body(body) }
        }
    };
    let format_call = match op.response.format {
        ResponseFormat::Envelope => quote! {},
        ResponseFormat::Json => quote! { .plain() },
        ResponseFormat::Text => quote! { .text() },
        ResponseFormat::Bytes => quote! { .bytes() },
    };
    let path = match shared_path {
        Some(shared) => {
            let args = op.path_params().map(|p| ident(&p.ident));
            quote! { #shared(#(#args),*) }
        }
        None => {
            let calls = path_calls(op);
            quote! { PathBuilder::new() #(#calls)* .finish() }
        }
    };
    let param_calls = op
        .required_params()
        .map(|p| param_call(p, &ident(&p.ident)));
    let qualified = &op.qualified_name;
    let method = format_ident!("{}", op.http_method.as_str());
    let template = &op.path_template;
    let request = quote! {
        Request::new(self.client, &OPERATION, path)
            #body_call
            #format_call
            #(#param_calls)*
    };
    let marker = ident(&op.marker);
    let returns = quote!(Request<#result, ops::#marker>);
    // One argument per required parameter is the design: past clippy's limit (seven, `self`
    // included), say so on this method rather than hide the parameters in a struct.
    let many = (args.len() >= 7).then(|| {
        quote! {
            #[allow(
                clippy::too_many_arguments,
                reason = "one argument per required parameter of the operation"
            )]
        }
    });
    quote! {
        #docs
        #many
        pub fn #name(&self, #(#args),*) -> #returns {
            static OPERATION: Operation = Operation {
                name: #qualified,
                method: Method::#method,
                path_template: #template,
            };
            let path = #path;
            #request
        }
    }
}

/// The argument declaration for a parameter.
fn arg(param: &Param, local: &Local) -> TokenStream {
    let name = ident(&param.ident);
    let ty = arg_type(&param.ty, local);
    quote!(#name: #ty)
}

fn arg_type(ty: &ParamType, local: &Local) -> TokenStream {
    match ty {
        ParamType::Str => quote!(&str),
        ParamType::Enum(name) => model_name(name, local),
        ParamType::Integer => quote!(i64),
        ParamType::Number => quote!(f64),
        ParamType::Boolean => quote!(bool),
        ParamType::List(inner) => {
            let inner = arg_type(inner, local);
            quote!(&[#inner])
        }
    }
}

/// `value` (a parameter of this type) as text that can be sent.
fn text_value(param: &Param, value: &Ident) -> TokenStream {
    match &param.ty {
        ParamType::Str => quote!(#value),
        ParamType::Enum(_) => quote!(#value.as_str()),
        _ => quote!(#value.to_string()),
    }
}

/// The request call that sends one query or header parameter.
fn param_call(param: &Param, value: &Ident) -> TokenStream {
    let wire = &param.name;
    match (&param.ty, param.location) {
        (ParamType::List(_), _) => {
            quote! { .query_all(#wire, #value.iter().map(|item| item.to_string())) }
        }
        (_, ParamLocation::Header) => {
            let text = text_value(param, value);
            quote! { .header(#wire, #text) }
        }
        (_, ParamLocation::Query | ParamLocation::Path) => {
            let text = text_value(param, value);
            quote! { .query(#wire, #text) }
        }
    }
}

/// The `ops` module: a type naming each operation, which its requests' type carries.
fn markers(resource: &Resource) -> TokenStream {
    if resource.operations.is_empty() {
        return quote! {};
    }
    let markers = resource.operations.iter().map(|op| {
        let docs = doc(Some(&op.marker_doc));
        let marker = ident(&op.marker);
        quote! {
            #docs
            #[derive(Debug)]
            pub enum #marker {}
        }
    });
    quote! {
        #[doc = " The operations of this resource, as types: a call of one is a `Request<T, ops::Name>`, whose"]
        #[doc = " setters are the operation's optional parameters."]
        pub mod ops {
            #(#markers)*
        }
    }
}

/// The setters of one operation's optional parameters, as methods: `pub` and documented for an
/// inherent impl, bare for a trait's.
fn setter_methods(op: &Operation, local: &Local, public: bool) -> Vec<TokenStream> {
    op.optional_params()
        .map(|param| {
            let setter = ident(&param.ident);
            let docs = doc(Some(&param.setter_doc));
            let ty = arg_type(&param.ty, local);
            let call = param_call(param, &setter);
            let visibility = public.then(|| quote!(pub));
            quote! {
                #docs
                #visibility fn #setter(self, #setter: #ty) -> Self {
                    self #call
                }
            }
        })
        .collect()
}

/// `all()` for a paged operation: its signature, and its body (`None` for a trait's
/// declaration).
fn all_method(op: &Operation, local: &Local, public: bool, body: bool) -> Option<TokenStream> {
    let paging = op.paging.as_ref()?;
    let TypeRef::Array(item) = &op.response.ty else {
        return None;
    };
    let item = type_ref(item, local);
    let marker = ident(&op.marker);
    let (pages, runtime_paging) = (paths::pages(), paths::paging());
    let docs = doc(Some(&op.paging_doc));
    let visibility = public.then(|| quote!(pub));
    let signature = quote! { #visibility fn all(self) -> #pages<#item, ops::#marker> };
    if !body {
        return Some(quote! { #docs #signature; });
    }
    let paging = match paging {
        Paging::Created {
            order,
            start,
            limit,
            page_size,
            created,
            id,
            ..
        } => {
            let limit = match limit {
                Some(name) => quote!(Some(#name)),
                None => quote!(None),
            };
            let size = Literal::u64_unsuffixed(*page_size);
            let read = |field: &ItemField| {
                let name = ident(&field.ident);
                if field.optional {
                    quote!(|item| item.#name.as_deref())
                } else {
                    quote!(|item| Some(item.#name.as_str()))
                }
            };
            let (created, id) = (read(created), read(id));
            quote! {
                #runtime_paging::Created {
                    order: #order,
                    start: #start,
                    limit: #limit,
                    page_size: #size,
                    created: #created,
                    id: #id,
                }
            }
        }
        Paging::Numbered {
            page,
            per_page,
            page_size,
        } => {
            let size = Literal::u64_unsuffixed(*page_size);
            quote! {
                #runtime_paging::Numbered { page: #page, per_page: #per_page, page_size: #size }
            }
        }
    };
    Some(quote! {
        #docs
        #signature {
            #pages::<#item, ops::#marker>::new(self, #paging)
        }
    })
}

/// The request type of `op`, as written in its resource module.
fn request_of(op: &Operation, local: &Local) -> TokenStream {
    let result = result_type(op, local);
    let marker = ident(&op.marker);
    quote!(Request<#result, ops::#marker>)
}

/// Setters as inherent methods of the runtime's `Request`: the generated code is part of the
/// runtime's crate.
fn setter_impls(resource: &Resource, local: &Local) -> TokenStream {
    let impls = resource.operations.iter().filter_map(|op| {
        let mut setters = setter_methods(op, local, true);
        setters.extend(all_method(op, local, true, true));
        if setters.is_empty() {
            return None;
        }
        let request = request_of(op, local);
        Some(quote! {
            impl #request {
                #(#setters)*
            }
        })
    });
    quote! { #(#impls)* }
}

/// Setters as a trait per operation, in the `setters` module: only the runtime's crate may give
/// its `Request` inherent methods.
fn setter_traits(resource: &Resource, local: &Local) -> TokenStream {
    let traits: Vec<TokenStream> = resource
        .operations
        .iter()
        .filter_map(|op| {
            let mut setters = setter_methods(op, local, false);
            setters.extend(all_method(op, local, false, true));
            if setters.is_empty() {
                return None;
            }
            let request = request_of(op, local);
            let name = ident(&op.marker);
            let about = format!(
                " The optional parameters of `{}`, as setters on its request.",
                op.qualified_name
            );
            let declarations = op
                .optional_params()
                .map(|param| {
                    let setter = ident(&param.ident);
                    let docs = doc(Some(&param.setter_doc));
                    let ty = arg_type(&param.ty, local);
                    quote! {
                        #docs
                        fn #setter(self, #setter: #ty) -> Self;
                    }
                })
                .chain(all_method(op, local, false, false));
            Some(quote! {
                #[doc = #about]
                pub trait #name {
                    #(#declarations)*
                }

                impl #name for #request {
                    #(#setters)*
                }
            })
        })
        .collect();
    if traits.is_empty() {
        return quote! {};
    }
    quote! {
        #[doc = " The operations' optional parameters, as a trait per operation: `use` them to set them."]
        pub mod setters {
            use super::*;

            #(#traits)*
        }
    }
}
