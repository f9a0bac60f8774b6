//! Rust names from spec names: case conversion, keyword and prelude escaping, uniqueness, and
//! every word a generated name must not take because the emitted code uses it.
//!
//! Every function here returns a string that is a valid Rust identifier (possibly a raw one,
//! `r#type`), so the emitter can build idents without ever failing.

use std::collections::{BTreeSet, HashMap};

use heck::{ToSnakeCase, ToUpperCamelCase};

use super::ir::TypeRef;

/// Keywords (strict and reserved, every edition up to 2024) that a raw identifier can escape.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Names that cannot be raw identifiers at all.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names the generated code itself uses unqualified; a model with one of these names
/// would shadow them, so it gets a suffix.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "From",
    "Into",
    "Iterator",
    "ToString",
    "AsRef",
    "Serialize",
    "Deserialize",
    "Client",
    "Request",
    "Error",
    "Method",
    "Operation",
    "PathBuilder",
    "PathParam",
    "Value",
    "Map",
    "HashMap",
    "BTreeMap",
    "Formatter",
    "Display",
    "FromStr",
    "Infallible",
    "Cow",
    "Fn",
    "Drop",
    "Unpin",
];

/// Module names taken at the top of the generated file: `models`, the module that holds every
/// model type (`crate::models::Name` in the emitted resource modules).
pub const TOP_LEVEL_MODULES: &[&str] = &["models"];

/// Module names a resource module holds besides its nested resources: `ops`, the operations'
/// types, and `setters`, their setter traits when the code is compiled outside the runtime.
pub const RESOURCE_MODULES: &[&str] = &["ops", "setters"];

/// Method names a resource handle cannot have: the emitted `impl From<&Client> for Handle`
/// builds it, and an inherent `from` would be called instead of `From::from`; a method `new`
/// that does not return the handle reads as a constructor (clippy's `new_ret_no_self`).
pub const HANDLE_RESERVED: &[&str] = &["from", "new"];

/// Argument names a method cannot use: `body` is the emitted request-body argument; `path` is
/// the emitted method's local that holds the built path; `self_` stands for `self`; the rest
/// are the methods of the runtime's `Request` (public, hidden and private, and those of the
/// traits it implements), which also has a setter named after each optional parameter: a
/// setter may not take any of their names. A test reads `src/request/` and fails if a method
/// of `Request` is missing here.
pub const ARGUMENT_RESERVED: &[&str] = &[
    "body",
    "path",
    "self_",
    "new",
    "parts",
    "json_body",
    "multipart_body",
    "raw_body",
    "plain",
    "text",
    "bytes",
    "format",
    "timeout",
    "max_retries",
    "query",
    "query_all",
    "header",
    "send",
    "send_with_response",
    "poll_response",
    "prepare",
    "poll",
    "into_future",
    "fmt",
    "duplicate",
    "set_query",
    "query_value",
    "operation_name",
    // `all()`, every item of a paged operation (not the runtime's: generated beside the
    // setters).
    "all",
];

/// Names tried, in order, for the variant of an emitted string enum that keeps a value the spec
/// does not list; the first that no listed value takes is used.
pub const ENUM_FALLBACKS: &[&str] = &["Unknown", "Other", "UnknownValue"];

/// The prefix every one of `names` starts with, up to and including a `_` (`stream_` when
/// every component is `stream_...`): it says nothing about any one of them. `None` when they
/// do not all share one, when there are fewer than two, or when a name would be left empty.
pub fn shared_prefix<'a>(names: &[&'a str]) -> Option<&'a str> {
    let [first, second, ..] = names else {
        return None;
    };
    let _ = second;
    let end = first.find('_')? + 1;
    let prefix = &first[..end];
    names
        .iter()
        .all(|name| name.len() > end && name.starts_with(prefix))
        .then_some(prefix)
}

/// A `snake_case` name for a field, parameter, method or module.
pub fn snake(name: &str) -> String {
    let base = words(name).to_snake_case();
    let base = if base.is_empty() {
        "value".to_owned()
    } else {
        base
    };
    let base = if starts_with_digit(&base) {
        format!("n{base}")
    } else {
        base
    };
    escape_keyword(base)
}

/// An `UpperCamelCase` name for a type or variant.
pub fn camel(name: &str) -> String {
    let base = words(name).to_upper_camel_case();
    let base = if base.is_empty() {
        "Value".to_owned()
    } else {
        base
    };
    if starts_with_digit(&base) {
        format!("N{base}")
    } else if base == "Self" {
        // The one camel-case keyword; it cannot even be a raw identifier.
        "SelfValue".to_owned()
    } else {
        base
    }
}

/// A type name: [`camel`], then suffixed if it would shadow something the generated code uses.
pub fn type_name(name: &str) -> String {
    let base = camel(name);
    if RESERVED_TYPES.contains(&base.as_str()) {
        format!("{base}Model")
    } else {
        base
    }
}

/// The variant name for a union member of type `ty`.
pub fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer => "Integer".to_owned(),
        TypeRef::Number => "Number".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::Unit => "Null".to_owned(),
        TypeRef::Json => "Json".to_owned(),
        TypeRef::JsonObject => "Object".to_owned(),
        TypeRef::File => "File".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("{}List", variant_name(inner)),
        TypeRef::Boxed(inner) => variant_name(inner),
        TypeRef::Map(inner) => format!("{}Map", variant_name(inner)),
    }
}

/// Escapes a snake-case word that collides with a keyword.
fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

fn starts_with_digit(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Keeps letters and digits (ASCII only, as identifiers need) and turns everything else into word
/// breaks, so heck sees words; non-ASCII letters are spelled as their code point.
fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" u{:x} ", c as u32));
        } else {
            out.push(' ');
        }
    }
    plural_acronyms(&out)
}

/// An acronym's plural as one word: `URLs` (which case conversion would cut into `ur_ls`)
/// becomes `Urls`, `IDs` `Ids`: a run of two or more capitals and an `s` ending the word.
fn plural_acronyms(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = chars.clone();
    for (i, &c) in chars.iter().enumerate() {
        let ends_word = chars
            .get(i + 1)
            .is_none_or(|next| !next.is_ascii_lowercase());
        if c != 's' || !ends_word {
            continue;
        }
        let run = chars[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_uppercase())
            .count();
        if run >= 2 {
            for lowered in &mut out[i - run + 1..i] {
                *lowered = lowered.to_ascii_lowercase();
            }
        }
    }
    out.into_iter().collect()
}

/// Hands out names that are unique within one scope, in the order they are asked for: the first
/// `foo` stays `foo`, the next is `foo_2` (or `Foo2` for camel-case names), and so on.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
    /// For each stem numbered so far, the number to try next: every smaller one is taken, so
    /// many names that collide (a huge enum of `a`, `a_`, `a__`, ...) are numbered in linear
    /// time, with the numbers a search from 2 would give.
    next: HashMap<String, u64>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
            next: HashMap::new(),
        }
    }

    /// Claims `name`, or the first free numbered variant of it.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(plain(&name).to_owned()) {
            return name;
        }
        let camel_case = name.chars().next().is_some_and(|c| c.is_ascii_uppercase());
        let stem = plain(&name);
        let next = self.next.entry(stem.to_owned()).or_insert(2);
        loop {
            let candidate = if camel_case {
                format!("{stem}{next}")
            } else {
                format!("{stem}_{next}")
            };
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(plain(name))
    }
}

/// The identifier without its `r#` prefix, for comparing names.
fn plain(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_names() {
        assert_eq!(snake("percentComplete"), "percent_complete");
        assert_eq!(snake("documentation_url"), "documentation_url");
        assert_eq!(snake("X-Auth-Email"), "x_auth_email");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("gen"), "r#gen");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("_"), "value");
        assert_eq!(snake(""), "value");
        assert_eq!(snake("2fa"), "n2fa");
        assert_eq!(snake("default"), "default");
        // An acronym's plural stays one word.
        assert_eq!(snake("requireSignedURLs"), "require_signed_urls");
        assert_eq!(snake("videoIDs"), "video_ids");
        assert_eq!(snake("URLs"), "urls");
        assert_eq!(snake("clippedFromVideoUID"), "clipped_from_video_uid");
        assert_eq!(snake("HTTPServer"), "http_server");
        assert_eq!(camel("allowedURLs"), "AllowedUrls");
    }

    #[test]
    fn camel_case_names() {
        assert_eq!(
            camel("stream_downloads-response"),
            "StreamDownloadsResponse"
        );
        assert_eq!(camel("inprogress"), "Inprogress");
        assert_eq!(camel("1080p"), "N1080p");
        assert_eq!(camel(""), "Value");
        assert_eq!(camel("Self"), "SelfValue");
        assert_eq!(type_name("Self"), "SelfValue");
        assert_eq!(type_name("self"), "SelfValue");
        assert_eq!(type_name("default"), "DefaultModel");
        assert_eq!(type_name("result"), "ResultModel");
        assert_eq!(camel("caf\u{e9}"), "CafUe9");
    }

    #[test]
    fn prefixes_shared_by_every_name() {
        assert_eq!(shared_prefix(&["stream_a", "stream_b_c"]), Some("stream_"));
        assert_eq!(shared_prefix(&["stream_a", "streams_b"]), None);
        assert_eq!(shared_prefix(&["stream_a", "stream_"]), None);
        assert_eq!(shared_prefix(&["stream_a"]), None);
        assert_eq!(shared_prefix(&["Download", "Downloads"]), None);
    }

    #[test]
    fn scopes_number_duplicates_deterministically() {
        let mut scope = Scope::with_reserved(&["unknown"]);
        assert_eq!(scope.claim("foo".into()), "foo");
        assert_eq!(scope.claim("foo".into()), "foo_2");
        assert_eq!(scope.claim("foo".into()), "foo_3");
        assert_eq!(scope.claim("Bar".into()), "Bar");
        assert_eq!(scope.claim("Bar".into()), "Bar2");
        assert_eq!(scope.claim("r#type".into()), "r#type");
        assert_eq!(scope.claim("unknown".into()), "unknown_2");
        assert!(scope.contains("type"));
    }

    #[test]
    fn numbering_skips_names_already_taken_and_stays_linear() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("x_3".into()), "x_3");
        assert_eq!(scope.claim("x".into()), "x");
        assert_eq!(scope.claim("x".into()), "x_2");
        assert_eq!(scope.claim("x".into()), "x_4");
        assert_eq!(scope.claim("x_5".into()), "x_5");
        assert_eq!(scope.claim("x".into()), "x_6");
        // 20,000 names that are all `A` after case conversion: numbered in one pass each.
        let mut scope = Scope::default();
        let last = (0..20_000).map(|_| scope.claim("A".into())).last();
        assert_eq!(last.as_deref(), Some("A20000"));
    }
}
