//! The intermediate representation: the whole API with final Rust names and final doc text.
//!
//! Everything the emitter prints is decided here; every item keeps the [`Location`] of what it
//! was made from, so that later passes (notes, the changelog) can point back into the spec.
//!
//! This file is the API's shape (resources, operations, parameters, bodies, responses);
//! `types.rs` the model types they carry.

mod types;

use serde::{Deserialize, Serialize};

pub use self::types::*;
use crate::error::Location;

/// The whole API, ready to print.
#[derive(Debug, Default)]
pub struct Api {
    /// Top-level resources (`stream`), each with its nested resources.
    pub roots: Vec<Resource>,
    /// Every model type, in the order they were first reached (deterministic).
    pub types: Vec<TypeDef>,
    /// What a lenient build approximated, each with its location (empty when strict).
    pub notes: Vec<crate::Error>,
    /// The items the spec names itself, which no lock renames.
    pub pinned: Pinned,
    /// The code is compiled outside the runtime's crate, so setters are trait methods
    /// ([`Options::outside_runtime`](crate::Options::outside_runtime)).
    pub outside_runtime: bool,
}

/// Items whose names the spec sets itself (`x-rust-name`, `x-rust-method`): no lock changes them.
#[derive(Debug, Default, Clone)]
pub struct Pinned {
    /// Type names.
    pub types: std::collections::BTreeSet<String>,
    /// Operations, by key.
    pub operations: std::collections::BTreeSet<String>,
}

/// A resource: a handle type with methods, and nested resources.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resource {
    /// The path segment it stands for (`downloads`).
    pub segment: String,
    /// Dotted name (`stream.downloads`), as errors and logs name its operations.
    pub qualified_name: String,
    /// Module name (`downloads`).
    pub module: String,
    /// Handle type name (`Downloads`).
    pub handle: String,
    /// Name of the method on the parent that returns this resource (`downloads`).
    pub accessor: String,
    /// The module's documentation: the description of the operations' tag, or a fallback.
    #[serde(skip)]
    pub doc: String,
    /// The handle type's documentation.
    #[serde(skip)]
    pub handle_doc: String,
    /// The documentation of its accessor on the parent: the first sentence of `doc`.
    #[serde(skip)]
    pub accessor_doc: String,
    /// The operations on this resource.
    pub operations: Vec<Operation>,
    /// Functions that build a path several operations share.
    pub shared_paths: Vec<SharedPath>,
    /// Nested resources.
    pub children: Vec<Resource>,
}

/// A function that builds one path, for the operations of a resource that share it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharedPath {
    /// Function name (`downloads_path`).
    pub name: String,
    /// Its documentation.
    #[serde(skip)]
    pub doc: String,
    /// The operation whose path and path parameters it builds (an index into
    /// [`Resource::operations`]); every operation that calls it builds the same path the same way.
    pub operation: usize,
}

/// One HTTP operation, as a method on a resource handle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Operation {
    /// Method name (`create_type`).
    pub method_name: String,
    /// Dotted name for errors and logs (`stream.downloads.create_type`).
    pub qualified_name: String,
    /// HTTP method.
    pub http_method: HttpMethod,
    /// The path template as written in the spec.
    pub path_template: String,
    /// The path, split into literal text and parameters (indexes into `params`).
    pub path: Vec<PathPart>,
    /// Every parameter: the path's, in path order, then query and header parameters in the
    /// order the spec declares them.
    pub params: Vec<Param>,
    /// The shared path function the method calls (an index into [`Resource::shared_paths`]),
    /// if several methods build this path.
    pub shared_path: Option<usize>,
    /// The type that names the operation in its requests' type (`Request<T, ops::List>`),
    /// which carries the optional parameters' setters: the method's name in `UpperCamelCase`.
    #[serde(skip)]
    pub marker: String,
    /// The marker's documentation.
    #[serde(skip)]
    pub marker_doc: String,
    /// How the operation pages, if it does: its requests then have `all()`, every item of
    /// every page. Read from the spec each time (not kept in the lock).
    #[serde(skip)]
    pub paging: Option<Paging>,
    /// The documentation of `all()`, when the operation pages.
    #[serde(skip)]
    pub paging_doc: String,
    /// The credentials the operation accepts, one alternative each (`api_token`,
    /// `api_email & api_key`); `None` when not known (an API read from its lock). No Rust item
    /// shows them: a change is a change on the wire only.
    #[serde(skip)]
    pub security: Option<Vec<String>>,
    /// What is sent as the body.
    pub body: Body,
    /// What a successful response holds.
    pub response: ResponseBody,
    /// First line of the spec's documentation.
    #[serde(skip)]
    pub summary: Option<String>,
    /// The rest of the spec's documentation.
    #[serde(skip)]
    pub description: Option<String>,
    /// The method's documentation: summary, description, `METHOD /path`, arguments.
    #[serde(skip)]
    pub doc: String,
    /// Where the operation is defined.
    pub at: Location,
}

/// How an operation pages ([`Operation::paging`]), from its `x-pagination` extension or the
/// query parameters it has (`page` and `per_page`). The items are those of the operation's
/// result, an array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    /// Ascending by creation instant, each page from the last instant seen (Stream's video
    /// list: no cursor).
    Created {
        /// The boolean query parameter asking ascending order.
        order: String,
        /// The query parameter keeping items created at or after an instant.
        start: String,
        /// The page size's query parameter, if any.
        limit: Option<String>,
        /// The service's largest and default page.
        page_size: u64,
        /// The item's creation instant.
        created: ItemField,
        /// The item's identity.
        id: ItemField,
        /// Where the paging is declared.
        at: Location,
    },
    /// Numbered pages from 1.
    Numbered {
        /// The page number's query parameter.
        page: String,
        /// The page size's query parameter.
        per_page: String,
        /// The page size asked for when the caller sets none.
        page_size: u64,
    },
}

/// A string field of the item type that paging reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemField {
    /// Its JSON name.
    pub json: String,
    /// Its Rust name, once the item type's fields are named (empty before).
    pub ident: String,
    /// An `Option<String>`, rather than a `String`.
    pub optional: bool,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// Every method, in the order OpenAPI lists them in a path item.
    pub const ALL: [Self; 8] = [
        Self::Get,
        Self::Put,
        Self::Post,
        Self::Delete,
        Self::Options,
        Self::Head,
        Self::Patch,
        Self::Trace,
    ];

    /// The method as HTTP writes it (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
            Self::Head => "HEAD",
            Self::Patch => "PATCH",
            Self::Trace => "TRACE",
        }
    }

    /// The key of the operation in an OpenAPI path item (`get`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Put => "put",
            Self::Post => "post",
            Self::Delete => "delete",
            Self::Options => "options",
            Self::Head => "head",
            Self::Patch => "patch",
            Self::Trace => "trace",
        }
    }

    /// The method of a path item key, if it is one.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.key() == key)
    }
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PathPart {
    /// Text sent as written.
    Literal(String),
    /// The parameter at this index of [`Operation::params`].
    Param(usize),
}

impl Operation {
    /// Path parameters, in path order.
    pub fn path_params(&self) -> impl Iterator<Item = &Param> {
        self.in_location(ParamLocation::Path)
    }

    /// Parameters in `location`, in the order the spec declares them.
    pub fn in_location(&self, location: ParamLocation) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(move |p| p.location == location)
    }

    /// The method's positional parameters: the path's, then required query parameters, then
    /// required headers.
    pub fn positional_params(&self) -> impl Iterator<Item = &Param> {
        let required = |location| self.in_location(location).filter(|p| p.required);
        self.path_params()
            .chain(required(ParamLocation::Query))
            .chain(required(ParamLocation::Header))
    }

    /// Required query and header parameters, in that order (positional after the path's).
    pub fn required_params(&self) -> impl Iterator<Item = &Param> {
        self.positional_params()
            .filter(|p| p.location != ParamLocation::Path)
    }

    /// Query and header parameters the caller may leave out: setters on its request.
    pub fn optional_params(&self) -> impl Iterator<Item = &Param> {
        let optional = |location| self.in_location(location).filter(|p| !p.required);
        optional(ParamLocation::Query).chain(optional(ParamLocation::Header))
    }
}

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ParamLocation {
    /// A segment of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
}

impl ParamLocation {
    /// The word OpenAPI uses (`path`, `query`, `header`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
        }
    }
}

/// A path, query or header parameter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Param {
    /// Name in the spec (`account_id`, `Upload-Length`).
    pub name: String,
    /// Rust argument (and setter) name.
    pub ident: String,
    /// Where it is sent.
    pub location: ParamLocation,
    /// Its Rust type.
    pub ty: ParamType,
    /// Must be given (always true for path parameters).
    pub required: bool,
    /// Documentation from the spec.
    #[serde(skip)]
    pub doc: Option<String>,
    /// The setter's documentation (for optional parameters).
    #[serde(skip)]
    pub setter_doc: String,
    /// `maxLength`, refused before sending when exceeded.
    pub max_length: Option<usize>,
    /// `minLength`, refused before sending when not met.
    pub min_length: Option<usize>,
    /// Where the parameter is defined.
    pub at: Location,
}

/// How a parameter is passed, and so how it is written in the request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

impl ParamType {
    /// The scalar inside any list.
    pub fn scalar(&self) -> &ParamType {
        match self {
            Self::List(inner) => inner.scalar(),
            other => other,
        }
    }
}

/// The request body of an operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseBody {
    /// The Rust type the caller gets.
    pub ty: TypeRef,
    /// How the body is read.
    pub format: ResponseFormat,
    /// `null` is a possible value: the caller gets an `Option`.
    pub nullable: bool,
    /// The envelope's properties besides `success`, `errors`, `messages` and `result`
    /// (`result_info`), which the runtime reads or drops and no Rust item shows: a change to
    /// them is a change on the wire only. Not kept in the lock.
    #[serde(skip)]
    pub envelope_extras: Vec<String>,
}

/// How a successful response body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_are_inside_every_container() {
        let ty = TypeRef::Boxed(Box::new(TypeRef::Array(Box::new(TypeRef::Map(Box::new(
            TypeRef::Named("A".into()),
        ))))));
        assert_eq!(ty.leaf(), &TypeRef::Named("A".into()));
        assert_eq!(ty.named(), Some("A"));
        assert_eq!(TypeRef::Array(Box::new(TypeRef::String)).named(), None);
    }

    #[test]
    fn http_methods_round_trip_through_their_keys() {
        for method in HttpMethod::ALL {
            assert_eq!(HttpMethod::from_key(method.key()), Some(method));
            assert_eq!(method.as_str().to_ascii_lowercase(), method.key());
        }
        assert_eq!(HttpMethod::from_key("connect"), None);
    }
}
