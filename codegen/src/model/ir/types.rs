//! The model types of the intermediate representation: type references, structs and their
//! fields, enums and their variants, unions, aliases.

use serde::{Deserialize, Serialize};

use crate::error::Location;

/// A Rust type, as used in a field, argument or result.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// `Box<T>`: a field or variant whose type contains the type that holds it.
    Boxed(Box<TypeRef>),
}

impl TypeRef {
    /// The one type inside the containers (`Vec`, map, `Box`) around it, or itself.
    ///
    /// Each container holds exactly one type, so this is the whole walk over a `TypeRef`: what
    /// a type refers to is what its leaf is.
    pub fn leaf(&self) -> &TypeRef {
        match self {
            Self::Array(inner) | Self::Map(inner) | Self::Boxed(inner) => inner.leaf(),
            other => other,
        }
    }

    /// The model this type refers to, inside any containers.
    pub fn named(&self) -> Option<&str> {
        match self.leaf() {
            Self::Named(name) => Some(name),
            _ => None,
        }
    }
}

/// A generated model type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TypeDef {
    /// A struct with named fields.
    Struct(StructDef),
    /// A string enum that keeps unknown values.
    Enum(EnumDef),
    /// One of several types (`oneOf`/`anyOf`), decoded by trying each in order.
    Union(UnionDef),
    /// Another name for a type (an array or map that contains itself, or a component schema
    /// that is a plain type).
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

    /// Where the schema it was made from stands.
    pub fn at(&self) -> &Location {
        match self {
            Self::Struct(s) => &s.at,
            Self::Enum(e) => &e.at,
            Self::Union(u) => &u.at,
            Self::Alias(a) => &a.at,
        }
    }
}

/// A struct model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StructDef {
    /// Rust name.
    pub name: String,
    /// Documentation.
    #[serde(skip)]
    pub doc: Option<String>,
    /// Fields, in spec order.
    pub fields: Vec<Field>,
    /// Whether every field is optional (so `Default` makes sense).
    pub all_optional: bool,
    /// Whether every field's type is `Eq` (no floats or JSON inside).
    pub is_eq: bool,
    /// Sent as a multipart form rather than JSON: no serde derives, a `to_form` method
    /// instead, each field sent as its [`Field::form_part`] says.
    pub form: bool,
    /// Where the schema stands.
    pub at: Location,
}

/// A struct field.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// How the field is sent as a part of a multipart form (set in form structs only).
    pub form_part: Option<FormPart>,
    /// Documentation.
    #[serde(skip)]
    pub doc: Option<String>,
    /// Where the property's schema stands.
    pub at: Location,
}

/// How a field of a multipart body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormPart {
    /// A file part.
    File,
    /// One file part per item.
    Files,
    /// The text itself.
    Text,
    /// The value's `Display` text (numbers, booleans).
    Display,
    /// The enum's value as text.
    EnumText,
    /// The value as JSON text.
    Json,
}

/// A string enum model, with a catch-all variant for values the spec does not list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnumDef {
    /// Rust name.
    pub name: String,
    /// Documentation.
    #[serde(skip)]
    pub doc: Option<String>,
    /// Known values.
    pub variants: Vec<Variant>,
    /// Name of the variant that carries any other value.
    pub fallback: String,
    /// Where the schema stands.
    pub at: Location,
}

/// One known value of a string enum.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Variant {
    /// Rust name.
    pub ident: String,
    /// The JSON string.
    pub value: String,
    /// Named by the spec (`x-enum-varnames`), which wins over the API lock as `x-rust-name`
    /// does. Not part of the lock: the spec says it each time.
    #[serde(skip)]
    pub explicit: bool,
}

/// A type that is one of several (`oneOf`/`anyOf`), as an untagged enum.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnionDef {
    /// Rust name.
    pub name: String,
    /// Documentation.
    #[serde(skip)]
    pub doc: Option<String>,
    /// One variant per member schema, in spec order (the order decoding tries them).
    pub variants: Vec<(String, TypeRef)>,
    /// Whether every variant's type is `Eq`.
    pub is_eq: bool,
    /// Where the schema stands.
    pub at: Location,
}

/// `type Name = Target;`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AliasDef {
    /// Rust name.
    pub name: String,
    /// Documentation.
    #[serde(skip)]
    pub doc: Option<String>,
    /// What it stands for.
    pub target: TypeRef,
    /// Where the schema stands.
    pub at: Location,
}
