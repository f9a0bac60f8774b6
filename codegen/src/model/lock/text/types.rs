//! Types as the lock writes them: as Rust writes them, without spaces, so each is one word.

use super::super::super::ir::{FormPart, ParamType, ResponseFormat, TypeRef};

/// A model field's or result's type, as Rust writes it, without spaces.
pub(super) fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer => "i64".to_owned(),
        TypeRef::Number => "f64".to_owned(),
        TypeRef::Boolean => "bool".to_owned(),
        TypeRef::Unit => "()".to_owned(),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::JsonObject => "Map<String,Value>".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String,{}>", type_text(inner)),
        TypeRef::File => "FilePart".to_owned(),
        TypeRef::Boxed(inner) => format!("Box<{}>", type_text(inner)),
        TypeRef::Bytes => "Vec<u8>".to_owned(),
    }
}

/// A parameter's type: `str`, `i64`, `f64`, `bool`, an enum's name, `[item]` for a list.
pub(super) fn param_type_text(ty: &ParamType) -> String {
    match ty {
        ParamType::Str => "str".to_owned(),
        ParamType::Integer => "i64".to_owned(),
        ParamType::Number => "f64".to_owned(),
        ParamType::Boolean => "bool".to_owned(),
        ParamType::Enum(name) => name.clone(),
        ParamType::List(inner) => format!("[{}]", param_type_text(inner)),
    }
}

/// Each way a form field is sent, and its word.
const FORM_PARTS: [(FormPart, &str); 6] = [
    (FormPart::File, "file"),
    (FormPart::Files, "files"),
    (FormPart::Text, "text"),
    (FormPart::Display, "display"),
    (FormPart::EnumText, "enum_text"),
    (FormPart::Json, "json"),
];

/// Each response format, and its word.
const RESPONSE_FORMATS: [(ResponseFormat, &str); 4] = [
    (ResponseFormat::Envelope, "envelope"),
    (ResponseFormat::Json, "json"),
    (ResponseFormat::Text, "text"),
    (ResponseFormat::Bytes, "bytes"),
];

/// The word of `value` in `table`.
fn word_of<T: PartialEq>(table: &[(T, &'static str)], value: &T) -> &'static str {
    table
        .iter()
        .find(|(v, _)| v == value)
        .map_or("", |(_, word)| word)
}

/// The value of `word` in `table`.
fn value_of<T: Copy>(table: &[(T, &'static str)], word: &str) -> Option<T> {
    table.iter().find(|(_, w)| *w == word).map(|(v, _)| *v)
}

/// How a form field is sent, as one word.
pub(super) fn form_part_text(part: FormPart) -> &'static str {
    word_of(&FORM_PARTS, &part)
}

/// The form part `word` names.
pub(super) fn parse_form_part(word: &str) -> Option<FormPart> {
    value_of(&FORM_PARTS, word)
}

/// A response format, as one word.
pub(super) fn response_format_text(format: ResponseFormat) -> &'static str {
    word_of(&RESPONSE_FORMATS, &format)
}

/// The response format `word` names.
pub(super) fn parse_response_format(word: &str) -> Option<ResponseFormat> {
    value_of(&RESPONSE_FORMATS, word)
}

/// The type `text` (as [`type_text`] writes it).
pub(super) fn parse_type(text: &str) -> Option<TypeRef> {
    let inner = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix('>'))
    };
    Some(match text {
        "String" => TypeRef::String,
        "i64" => TypeRef::Integer,
        "f64" => TypeRef::Number,
        "bool" => TypeRef::Boolean,
        "()" => TypeRef::Unit,
        "Value" => TypeRef::Json,
        "Map<String,Value>" => TypeRef::JsonObject,
        "FilePart" => TypeRef::File,
        "Vec<u8>" => TypeRef::Bytes,
        _ => {
            if let Some(item) = inner("Vec<") {
                TypeRef::Array(Box::new(parse_type(item)?))
            } else if let Some(value) = inner("BTreeMap<String,") {
                TypeRef::Map(Box::new(parse_type(value)?))
            } else if let Some(boxed) = inner("Box<") {
                TypeRef::Boxed(Box::new(parse_type(boxed)?))
            } else if is_name(text) {
                TypeRef::Named(text.to_owned())
            } else {
                return None;
            }
        }
    })
}

/// The parameter type `text` (as [`param_type_text`] writes it).
pub(super) fn parse_param_type(text: &str) -> Option<ParamType> {
    Some(match text {
        "str" => ParamType::Str,
        "i64" => ParamType::Integer,
        "f64" => ParamType::Number,
        "bool" => ParamType::Boolean,
        _ => {
            if let Some(item) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                ParamType::List(Box::new(parse_param_type(item)?))
            } else if is_name(text) {
                ParamType::Enum(text.to_owned())
            } else {
                return None;
            }
        }
    })
}

/// Whether `text` can be a model type's name.
fn is_name(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_alphabetic)
        && text.chars().all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_back_as_written() {
        let nested = TypeRef::Map(Box::new(TypeRef::Array(Box::new(TypeRef::Boxed(
            Box::new(TypeRef::Named("Video".into())),
        )))));
        for ty in [
            TypeRef::String,
            TypeRef::Integer,
            TypeRef::Number,
            TypeRef::Boolean,
            TypeRef::Unit,
            TypeRef::Json,
            TypeRef::JsonObject,
            TypeRef::File,
            TypeRef::Bytes,
            TypeRef::Array(Box::new(TypeRef::Integer)),
            nested,
        ] {
            let text = type_text(&ty);
            assert!(!text.contains(' '), "{text}");
            assert_eq!(parse_type(&text), Some(ty), "{text}");
        }
        assert_eq!(parse_type("Vec<"), None);
        assert_eq!(parse_type("Vec<Video"), None);
        assert_eq!(parse_type("a b"), None);
        for (part, word) in FORM_PARTS {
            assert_eq!(parse_form_part(form_part_text(part)), Some(part), "{word}");
        }
        for (format, word) in RESPONSE_FORMATS {
            assert_eq!(
                parse_response_format(response_format_text(format)),
                Some(format),
                "{word}"
            );
        }
    }
}
