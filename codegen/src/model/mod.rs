//! Stage 2, **model**: a small intermediate representation of the API with final Rust names.
//!
//! [`Api::build`] reads a loaded [`Spec`] and decides everything about the output except its
//! syntax: which types exist and what they are called, which resources and methods exist, how a
//! response is unwrapped. The emitter only prints what it finds here.

mod resources;
mod shape;
mod types;

use crate::error::{Location, Result};
use crate::load::Spec;
use crate::options::Options;

pub use types::TypeBuilder;

/// The stack of the thread [`Api::build`] runs on. Only reserved: pages are touched as the
/// recursion goes deeper, so a shallow spec costs no more memory than before.
pub const BUILD_STACK: usize = 64 * 1024 * 1024;

/// The whole API, ready to print.
#[derive(Debug, Default)]
pub struct Api {
    /// Top-level resources (`stream`), each with its nested resources.
    pub roots: Vec<Resource>,
    /// Every model type, in the order they were first reached (deterministic).
    pub types: Vec<TypeDef>,
    /// What a lenient build approximated, each with its location (empty when strict).
    pub notes: Vec<crate::Error>,
}

impl Api {
    /// Builds the model of `spec`. A strict build fails on anything it cannot express exactly;
    /// a lenient one uses the nearest faithful type and lists it in [`Api::notes`].
    ///
    /// It runs on a thread of its own with a large stack ([`BUILD_STACK`]), whatever thread
    /// calls it: schemas may nest 128 deep, and a debug build needs more stack for that than
    /// a test thread's 2 MiB.
    pub fn build(spec: &Spec, options: Options) -> Result<Self> {
        std::thread::scope(|scope| {
            let builder = std::thread::Builder::new()
                .name("codegen-model".into())
                .stack_size(BUILD_STACK);
            match builder.spawn_scoped(scope, || Self::build_here(spec, options)) {
                Ok(thread) => thread
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: build on this one.
                Err(_) => Self::build_here(spec, options),
            }
        })
    }

    fn build_here(spec: &Spec, options: Options) -> Result<Self> {
        let mut types = TypeBuilder::new(spec, options.lenient);
        let roots = resources::build(spec, &mut types)?;
        if options.every_schema {
            types.every_component()?;
        }
        let (types, notes) = types.finish();
        let mut api = Self {
            roots,
            types,
            notes,
        };
        api.clean_docs();
        Ok(api)
    }

    /// Makes every piece of documentation taken from the spec fit in a doc comment.
    fn clean_docs(&mut self) {
        fn clean(doc: &mut Option<String>) {
            if let Some(text) = doc.as_mut() {
                *text = doc_text(text);
            }
        }
        fn clean_resource(resource: &mut Resource) {
            clean(&mut resource.doc);
            for op in &mut resource.operations {
                clean(&mut op.summary);
                clean(&mut op.description);
                for param in op
                    .path_params
                    .iter_mut()
                    .chain(&mut op.query)
                    .chain(&mut op.headers)
                {
                    clean(&mut param.doc);
                }
            }
            resource.children.iter_mut().for_each(clean_resource);
        }
        for def in &mut self.types {
            match def {
                TypeDef::Struct(s) => {
                    clean(&mut s.doc);
                    for field in &mut s.fields {
                        clean(&mut field.doc);
                    }
                }
                TypeDef::Enum(e) => clean(&mut e.doc),
                TypeDef::Union(u) => clean(&mut u.doc),
                TypeDef::Alias(a) => clean(&mut a.doc),
            }
        }
        self.roots.iter_mut().for_each(clean_resource);
    }
}

/// `text` as a doc comment can hold it. A carriage return that does not end a line is a "bare
/// CR", which rustc refuses in doc comments; it becomes a line break. The characters that
/// override text direction (U+202A–U+202E, U+2066–U+2069) are refused in comments by rustc's
/// `text_direction_codepoint_in_comment` lint; they are dropped.
pub fn doc_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\r' => Some('\n'),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        })
        .collect()
}

/// A resource: a handle type with methods, and nested resources.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The path segment it stands for (`downloads`).
    pub segment: String,
    /// Module name (`downloads`).
    pub module: String,
    /// Handle type name (`Downloads`).
    pub handle: String,
    /// Name of the method on the parent that returns this resource (`downloads`).
    pub accessor: String,
    /// Documentation, from the description of the operations' tag.
    pub doc: Option<String>,
    /// The operations on this resource.
    pub operations: Vec<Operation>,
    /// Nested resources.
    pub children: Vec<Resource>,
}

/// One HTTP operation, as a method on a resource handle.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Method name (`create_type`).
    pub method_name: String,
    /// Dotted name for errors and logs (`stream.downloads.create_type`).
    pub qualified_name: String,
    /// HTTP method, upper case.
    pub http_method: &'static str,
    /// The path template as written in the spec.
    pub path_template: String,
    /// The path, split into literal text and parameters (indexes into `path_params`).
    pub path: Vec<PathPart>,
    /// Path parameters, in path order: the method's first positional arguments.
    pub path_params: Vec<Param>,
    /// Query parameters: required ones are positional, optional ones are setters.
    pub query: Vec<Param>,
    /// Header parameters: required ones are positional, optional ones are setters.
    pub headers: Vec<Param>,
    /// The request type that carries the optional parameters' setters, if there are any.
    pub request_type: Option<String>,
    /// What is sent as the body.
    pub body: Body,
    /// What a successful response holds.
    pub response: ResponseBody,
    /// First line of the method's documentation.
    pub summary: Option<String>,
    /// The rest of the documentation.
    pub description: Option<String>,
    /// Where the operation is defined.
    pub at: Location,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Text sent as written.
    Literal(String),
    /// The parameter at this index of [`Operation::path_params`].
    Param(usize),
}

impl Operation {
    /// Query and header parameters the caller may leave out: setters on a request type.
    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        self.query
            .iter()
            .chain(&self.headers)
            .filter(|p| !p.required)
    }
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name in the spec (`account_id`, `Upload-Length`).
    pub name: String,
    /// Rust argument name.
    pub ident: String,
    /// Its Rust type.
    pub ty: ParamType,
    /// Must be given (always true for path parameters).
    pub required: bool,
    /// Documentation.
    pub doc: Option<String>,
    /// `maxLength`, refused before sending when exceeded.
    pub max_length: Option<usize>,
    /// `minLength`, refused before sending when not met.
    pub min_length: Option<usize>,
}

/// How a parameter is passed, and so how it is written in the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamType {
    /// `&str`.
    Str,
    /// A generated string enum, passed by value.
    Enum(String),
    /// `i64`, sent in decimal.
    Integer,
    /// `f64`, sent in decimal.
    Number,
    /// `bool`, sent as `true` or `false`.
    Boolean,
    /// A list of scalars, sent as a repeated query parameter.
    List(Box<ParamType>),
}

/// The request body of an operation.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// No body.
    None,
    /// The JSON object `{}`: the spec asks for an object with nothing in it.
    EmptyObject,
    /// A JSON body of this type, a positional argument after the path parameters.
    Json(TypeRef),
    /// A `multipart/form-data` body: the named model, whose `to_form` builds the parts.
    Multipart(String),
    /// A `multipart/form-data` body the caller builds (its parts have no fixed names).
    Form,
    /// Bytes sent as they are, with this content type (`application/octet-stream`, ...).
    Raw(String),
}

/// What a successful response carries.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseBody {
    /// The Rust type the caller gets.
    pub ty: TypeRef,
    /// How the body is read.
    pub format: ResponseFormat,
    /// `null` is a possible value: the caller gets an `Option`.
    pub nullable: bool,
}

/// How a successful response body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFormat {
    /// JSON in the `{success, errors, messages, result}` envelope; the caller gets `result`.
    Envelope,
    /// JSON, as it is (or no body at all).
    Json,
    /// Text (`text/vtt`, `text/html`): a `String`.
    Text,
    /// Anything else (`application/octet-stream`, images): the bytes.
    Bytes,
}

/// A Rust type, as used in a field, argument or result.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `f64`.
    Number,
    /// `bool`.
    Boolean,
    /// `()`: nothing useful in the body.
    Unit,
    /// `serde_json::Value`: any JSON.
    Json,
    /// `serde_json::Map<String, serde_json::Value>`: an object with no declared properties.
    JsonObject,
    /// A generated model.
    Named(String),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `std::collections::BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// A file sent as one part of a multipart form (`cloudflare_stream::FilePart`).
    File,
    /// `Vec<u8>`: a body that is neither JSON nor text.
    Bytes,
    /// `Box<T>`: a struct field whose type contains the struct.
    Boxed(Box<TypeRef>),
}

/// A generated model type.
#[derive(Debug, Clone)]
pub enum TypeDef {
    /// A struct with named fields.
    Struct(StructDef),
    /// A string enum that keeps unknown values.
    Enum(EnumDef),
    /// One of several types (`oneOf`/`anyOf`), decoded by trying each in order.
    Union(UnionDef),
    /// Another name for an array or map that contains itself.
    Alias(AliasDef),
}

impl TypeDef {
    /// The type's Rust name.
    pub fn name(&self) -> &str {
        match self {
            Self::Struct(s) => &s.name,
            Self::Enum(e) => &e.name,
            Self::Union(u) => &u.name,
            Self::Alias(a) => &a.name,
        }
    }
}

/// A struct model.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// Rust name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Fields, in spec order.
    pub fields: Vec<Field>,
    /// Whether every field is optional (so `Default` makes sense).
    pub all_optional: bool,
    /// Whether every field's type is `Eq` (no floats or JSON inside).
    pub is_eq: bool,
    /// Sent as a multipart form rather than JSON: no serde derives, a `to_form` method instead.
    pub form: bool,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Rust name.
    pub ident: String,
    /// JSON name.
    pub json_name: String,
    /// Its type, without the `Option` that `optional` adds.
    pub ty: TypeRef,
    /// Absent or `null` is allowed: the field is an `Option`.
    pub optional: bool,
    /// The spec requires the key (so `None` is sent as `null` rather than left out).
    pub required: bool,
    /// Read from, and written into, the struct's own object (`#[serde(flatten)]`): a `oneOf`
    /// or `anyOf` of objects beside the other members of an `allOf`. `json_name` is empty.
    pub flatten: bool,
    /// Documentation.
    pub doc: Option<String>,
}

/// A string enum model, with a catch-all variant for values the spec does not list.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Rust name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Known values.
    pub variants: Vec<Variant>,
    /// Name of the variant that carries any other value.
    pub fallback: String,
}

/// One known value of a string enum.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Rust name.
    pub ident: String,
    /// The JSON string.
    pub value: String,
}

/// A type that is one of several (`oneOf`/`anyOf`), as an untagged enum.
#[derive(Debug, Clone)]
pub struct UnionDef {
    /// Rust name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// One variant per member schema, in spec order (the order decoding tries them).
    pub variants: Vec<(String, TypeRef)>,
    /// Whether every variant's type is `Eq`.
    pub is_eq: bool,
}

/// `type Name = Target;`, for an array or map schema that refers back to itself.
#[derive(Debug, Clone)]
pub struct AliasDef {
    /// Rust name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// What it stands for.
    pub target: TypeRef,
}

#[cfg(test)]
mod tests {
    use super::doc_text;

    #[test]
    fn doc_text_keeps_what_a_doc_comment_can_hold() {
        assert_eq!(doc_text("plain, `code`, é, 日本"), "plain, `code`, é, 日本");
        assert_eq!(doc_text("a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(doc_text("\u{202E}evil\u{2066}x\u{2069}"), "evilx");
    }
}
