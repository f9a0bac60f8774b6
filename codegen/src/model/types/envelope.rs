//! Cloudflare's response envelope, recognised on merged objects: `{success, errors, messages,
//! result}`, and the union Cloudflare's schema sometimes writes it as. Part of the types layer
//! because it reads what merging an `allOf` gives; the operations decide from it what a method
//! returns.

use super::merge::{MergedObject, Property};

/// What a response object is to the envelope convention.
#[derive(Debug)]
pub enum Envelope<'a> {
    /// Not an envelope: the body is the value.
    No,
    /// `{success, errors, messages}` with no `result`: nothing to return.
    WithoutResult,
    /// `{success, errors, messages, result}`: the caller gets `result`.
    Result(&'a Property),
}

/// The properties of an envelope `object` besides the four the runtime reads, sorted
/// (`result_info`).
pub fn envelope_extras(object: &MergedObject) -> Vec<String> {
    let mut extras: Vec<String> = object
        .properties
        .iter()
        .map(|property| property.name.clone())
        .filter(|name| !matches!(name.as_str(), "success" | "errors" | "messages" | "result"))
        .collect();
    extras.sort();
    extras
}

/// Whether `object`, a JSON response body, is Cloudflare's `{success, errors, messages,
/// result}` envelope: it has `success`, and `result` or `errors`.
pub fn envelope(object: &MergedObject) -> Envelope<'_> {
    let success = object.get("success").is_some();
    match object.get("result") {
        Some(result) if success => Envelope::Result(result),
        None if success && object.get("errors").is_some() => Envelope::WithoutResult,
        _ => Envelope::No,
    }
}

/// Whether the objects `members` of a union are Cloudflare's envelope and its result: one has
/// `success` with `errors` or `messages`, another `result`. Cloudflare's schema writes the
/// envelope so in some weeks (`anyOf`) and as an `allOf` in others; the JSON is the same.
pub fn is_envelope_union(members: &[MergedObject]) -> bool {
    let envelope = members.iter().position(|m| {
        m.get("success").is_some() && (m.get("errors").is_some() || m.get("messages").is_some())
    });
    envelope.is_some_and(|envelope| {
        members
            .iter()
            .enumerate()
            .any(|(i, m)| i != envelope && m.get("result").is_some())
    })
}
