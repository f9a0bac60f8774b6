//! Cloudflare's conventions: what its paths and verbs mean, and the `x-rust-*` extensions a
//! spec author uses where a convention would mislead. Its response envelope is recognised where
//! objects are merged (`types/envelope.rs`).
//!
//! Everything else in the model is plain OpenAPI; a generator for another API would change
//! these two files.

use serde_json::Value;

use super::ir::{HttpMethod, TypeRef};
use crate::error::{Error, Location, Result};

/// Leading `{scope}/{id}` pairs that say whose resource it is rather than what it is.
pub const SCOPES: &[&str] = &["accounts", "zones"];

/// Names the resource of an operation (`stream.downloads`), instead of its path.
pub const RESOURCE_EXTENSION: &str = "x-rust-resource";

/// Names the Rust type of a schema (`VideoDownloads`), instead of its component name or place.
pub const RUST_NAME: &str = "x-rust-name";

/// Names the method of an operation (`create_type`), instead of its verb.
pub const METHOD_EXTENSION: &str = "x-rust-method";

/// The literal segments of `path` that name resources: `/accounts/{account_id}/stream/{id}/
/// downloads` is about `stream` → `downloads`; `/accounts/{account_id}` itself is about
/// `accounts`.
pub fn resource_chain(path: &str) -> Vec<String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut rest = segments.as_slice();
    if let [scope, id, tail @ ..] = rest
        && SCOPES.contains(scope)
        && is_param(id)
        && tail.iter().any(|s| !is_param(s))
    {
        rest = tail;
    }
    rest.iter()
        .filter(|s| !is_param(s))
        .map(|s| (*s).to_owned())
        .collect()
}

/// A component name less the noise Cloudflare's schema bundler puts in names, which changes
/// from one publication to the next with nothing changing on the wire:
///
/// - a hash-like segment: `account_identifier-G0wXqUnt`, `YKd4QjrJ_accessRules`;
/// - the group of the sub-API it was bundled from, when that names the client API itself:
///   `CloudflareClientAPI_videos`, `Cloudflare Client API_keys`;
/// - the bundler's own path: `components-schemas-created`, `keys_schemas-identifier`.
///
/// What remains is never empty: a name that is all noise is kept as it is.
pub fn denoise(name: &str) -> String {
    let mut rest = name;
    if let Some((group, tail)) = rest.split_once('_')
        && !tail.is_empty()
    {
        let normal: String = group
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if normal.ends_with("clientapi") || is_hash_like(group) {
            rest = tail;
        }
    }
    if let Some((head, hash)) = rest.rsplit_once('-')
        && is_hash_like(hash)
        && !head.is_empty()
    {
        rest = head;
    }
    let mut out = rest.replace("components-schemas-", "");
    for bundled in ["_schemas-", "-schemas-"] {
        out = out.replace(bundled, "_");
    }
    if let Some(tail) = out.strip_prefix("schemas-")
        && !tail.is_empty()
    {
        out = tail.to_owned();
    }
    if out.is_empty() { name.to_owned() } else { out }
}

/// Whether `segment` looks like a random identifier rather than a word: eight letters and
/// digits with a digit among them, or with both cases in no camel-case order (`G0wXqUnt`,
/// `irZvDgLX`, but not `response`, `pageSize` or `Download`).
pub fn is_hash_like(segment: &str) -> bool {
    if segment.len() != 8 || !segment.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    if segment.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    let upper = segment.bytes().filter(u8::is_ascii_uppercase).count();
    if upper == 0 || upper == segment.len() {
        return false;
    }
    // Camel case: every capital starts a word of at least two letters, and every word has a
    // vowel (`pageSize`, but not `JmXwntkq`).
    let bytes = segment.as_bytes();
    let camel = bytes.iter().enumerate().all(|(i, b)| {
        !b.is_ascii_uppercase() || bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase)
    });
    let voiced = segment
        .char_indices()
        .filter(|(_, c)| c.is_ascii_uppercase())
        .map(|(i, _)| i)
        .chain(std::iter::once(segment.len()))
        .scan(0, |start, end| {
            let word = &segment[*start..end];
            *start = end;
            Some(word)
        })
        .filter(|word| !word.is_empty())
        .all(|word| word.chars().any(|c| "aeiouyAEIOUY".contains(c)));
    !(camel && voiced)
}

/// Whether a path segment is a parameter (`{id}`).
pub fn is_param(segment: &str) -> bool {
    segment.len() > 2 && segment.starts_with('{') && segment.ends_with('}')
}

/// The method a verb gives, before any suffix: `get` (`list` when the result is an array),
/// `create`, `update`, `edit`, `delete`, as Cloudflare's own SDKs name them.
pub fn verb_method(method: HttpMethod, result: &TypeRef) -> &'static str {
    match method {
        HttpMethod::Get if matches!(result, TypeRef::Array(_)) => "list",
        HttpMethod::Get => "get",
        HttpMethod::Post => "create",
        HttpMethod::Put => "update",
        HttpMethod::Patch => "edit",
        HttpMethod::Delete => "delete",
        HttpMethod::Head => "head",
        HttpMethod::Options => "options",
        HttpMethod::Trace => "trace",
    }
}

/// `x-enum-varnames` (as openapi-generator reads it): a name for each value of a string enum,
/// in order, where the value itself makes a poor Rust name (`1.0.0`).
pub const ENUM_VARNAMES: &str = "x-enum-varnames";

/// The names `x-enum-varnames` gives the `count` values of an enum (standing at `at`); an
/// error naming the extension if it is not that many non-empty strings.
pub fn enum_varnames(
    value: Option<&Value>,
    count: usize,
    at: &Location,
) -> Result<Option<Vec<String>>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let names: Option<Vec<String>> = value.as_array().and_then(|items| {
        items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
            })
            .collect()
    });
    match names {
        Some(names) if names.len() == count => Ok(Some(names)),
        _ => Err(Error::Invalid {
            at: at.join(ENUM_VARNAMES),
            message: format!("must be {count} non-empty strings, a name for each value of `enum`"),
        }),
    }
}

/// The string `value` of the extension `key` (standing at `at`), trimmed; an error naming the
/// extension if it is there but not a non-empty string.
pub fn extension_str(value: Option<&Value>, key: &str, at: &Location) -> Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(Error::Invalid {
            at: at.join(key),
            message: "must be a non-empty string".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_come_from_literal_segments_after_the_scope() {
        assert_eq!(
            resource_chain("/accounts/{account_id}/stream/{identifier}/downloads/{download_type}"),
            ["stream", "downloads"]
        );
        assert_eq!(resource_chain("/accounts/{id}/stream"), ["stream"]);
        assert_eq!(
            resource_chain("/zones/{zone_id}/stream/keys"),
            ["stream", "keys"]
        );
        assert_eq!(resource_chain("/user/tokens"), ["user", "tokens"]);
        assert_eq!(resource_chain("/accounts/{account_id}"), ["accounts"]);
        assert!(resource_chain("/{x}").is_empty());
    }

    #[test]
    fn noise_is_taken_out_of_component_names() {
        assert_eq!(denoise("account_identifier-G0wXqUnt"), "account_identifier");
        assert_eq!(denoise("input-tb75G6nL"), "input");
        assert_eq!(denoise("YKd4QjrJ_accessRules"), "accessRules");
        assert_eq!(denoise("zMoT7yMk_accessRules"), "accessRules");
        assert_eq!(denoise("CloudflareClientAPI_videos"), "videos");
        assert_eq!(denoise("Cloudflare Client API_keys"), "keys");
        assert_eq!(
            denoise("cloudflare-stream-client-api_schemas-identifier"),
            "identifier"
        );
        assert_eq!(denoise("components-schemas-created"), "created");
        assert_eq!(
            denoise("clipping_components-schemas-created"),
            "clipping_created"
        );
        assert_eq!(denoise("schemas-identifier-Bb4kqDnx"), "identifier");
        assert_eq!(
            denoise("Cloudflare Client API_schemas-modified"),
            "modified"
        );
        // Words, and names that are nothing but noise, stay.
        for kept in [
            "api-response-common",
            "live_input_response",
            "video-download",
            "pageSize",
        ] {
            assert_eq!(denoise(kept), kept);
        }
        assert_eq!(denoise("G0wXqUnt"), "G0wXqUnt");
    }

    #[test]
    fn hash_like_segments() {
        for hash in [
            "G0wXqUnt", "TY1UHON6", "irZvDgLX", "knahgTWl", "WLNEeGEP", "01FH7baZ",
        ] {
            assert!(is_hash_like(hash), "{hash}");
        }
        for word in [
            "response",
            "download",
            "pageSize",
            "Download",
            "RESPONSE",
            "captions1x",
        ] {
            assert!(!is_hash_like(word), "{word}");
        }
    }

    #[test]
    fn verbs_name_methods_and_a_get_of_a_list_is_list() {
        let list = TypeRef::Array(Box::new(TypeRef::String));
        assert_eq!(verb_method(HttpMethod::Get, &list), "list");
        assert_eq!(verb_method(HttpMethod::Get, &TypeRef::String), "get");
        assert_eq!(verb_method(HttpMethod::Put, &list), "update");
        assert_eq!(verb_method(HttpMethod::Patch, &list), "edit");
    }

    #[test]
    fn extensions_must_be_non_empty_strings() {
        let at = Location::root(std::path::Path::new("a.yaml"));
        let upload = Value::from(" upload ");
        let named = extension_str(Some(&upload), METHOD_EXTENSION, &at);
        assert_eq!(named.ok().flatten().as_deref(), Some("upload"));
        assert!(extension_str(None, RESOURCE_EXTENSION, &at).is_ok_and(|v| v.is_none()));
        let blank = Value::from(" ");
        let error = extension_str(Some(&blank), RESOURCE_EXTENSION, &at).expect_err("refused");
        assert!(error.to_string().contains("x-rust-resource"), "{error}");
    }
}
