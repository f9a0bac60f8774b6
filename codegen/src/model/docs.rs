//! Documentation: what each generated item's doc comment says, made from the spec (or, where the
//! spec says nothing, from what the item is), and cleaned once so a doc comment can hold it.
//!
//! The emitter only turns the Markdown of these texts into `#[doc]` lines.

use openapiv3::Schema;

use super::ir::{Api, Body, Operation, Paging, Param, ParamLocation, Resource, TypeDef};
use super::names;
use super::shape::Shape;

/// The documentation of a schema: its description (or title), then its constraints.
pub fn describe(schema: &Schema, shape: &Shape<'_>) -> Option<String> {
    let data = &schema.schema_data;
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(text) = data.description.as_deref().or(data.title.as_deref()) {
        let text = text.trim();
        if !text.is_empty() {
            paragraphs.push(text.to_owned());
        }
    }
    let mut facts = Vec::new();
    match (&shape.minimum, &shape.maximum) {
        (Some(min), Some(max)) => facts.push(format!("From {min} to {max}.")),
        (Some(min), None) => facts.push(format!("At least {min}.")),
        (None, Some(max)) => facts.push(format!("At most {max}.")),
        (None, None) => {}
    }
    match (shape.min_length, shape.max_length) {
        (Some(min), Some(max)) => facts.push(format!("From {min} to {max} characters.")),
        (Some(min), None) => facts.push(format!("At least {min} characters.")),
        (None, Some(max)) => facts.push(format!("At most {max} characters.")),
        (None, None) => {}
    }
    if let Some(format) = &shape.format {
        facts.push(format!("Format: `{format}`."));
    }
    if !facts.is_empty() {
        paragraphs.push(facts.join(" "));
    }
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

/// A trimmed, non-empty text from the spec, if there is one.
pub fn spec_text(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A resource module's documentation: its tag's description, else what it holds.
pub fn module_doc(tag: Option<String>, segment: &str, root: bool) -> String {
    match tag {
        Some(text) => text,
        None if root => format!("Operations under `/{segment}`, grouped by resource."),
        None => format!("The `{segment}` resource."),
    }
}

/// A resource handle's documentation.
pub fn handle_doc(segment: &str) -> String {
    format!("Handle on the `{segment}` resource; cheap to copy, borrows the [`Client`].")
}

/// The first sentence of `text` (up to a full stop followed by a space), for one-line summaries.
pub fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(end) => flat[..=end].to_owned(),
        None => flat,
    }
}

/// A method's documentation: the summary and description, `METHOD /path`, and its arguments.
pub fn method_doc(op: &Operation) -> String {
    let mut text = String::new();
    match (&op.summary, &op.description) {
        (Some(summary), Some(description)) => {
            text.push_str(summary);
            text.push_str("\n\n");
            text.push_str(description);
        }
        (Some(only), None) | (None, Some(only)) => text.push_str(only),
        (None, None) => text.push_str(&format!("`{}`", op.qualified_name)),
    }
    text.push_str(&format!(
        "\n\n`{} {}`",
        op.http_method.as_str(),
        op.path_template
    ));
    let mut documented: Vec<String> = op
        .positional_params()
        .map(|p| {
            let about = p
                .doc
                .as_deref()
                .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            let arg = p.ident.trim_start_matches("r#");
            if about.is_empty() {
                format!("- `{arg}`")
            } else {
                format!("- `{arg}`: {about}")
            }
        })
        .collect();
    match &op.body {
        Body::Json(_) => documented.push("- `body`: what to send.".to_owned()),
        Body::Multipart(_) => documented.push("- `body`: the form to send.".to_owned()),
        Body::Raw(content_type) => {
            documented.push(format!("- `body`: the bytes to send, as `{content_type}`."));
        }
        Body::Form => documented.push("- `body`: the multipart form to send.".to_owned()),
        Body::None | Body::EmptyObject => {}
    }
    if !documented.is_empty() {
        text.push_str("\n\n# Arguments\n\n");
        text.push_str(&documented.join("\n"));
    }
    text
}

/// The documentation of `all()` for an operation paged as `paging`.
pub fn paging_doc(paging: &Paging) -> String {
    let how = match paging {
        Paging::Created { order, start, .. } => format!(
            "Pages are asked oldest first (`{order}=true`), each from the creation instant of the \
             last item seen (`{start}`), skipping by id the items of that instant already \
             handed out: items sharing one instant are neither skipped nor repeated."
        ),
        Paging::Numbered { page, per_page, .. } => format!(
            "Pages are numbered (`{page}` from 1, `{per_page}` items each) until one is shorter."
        ),
    };
    format!(
        "Every item this request lists, page after page, fetched as they are taken: see \
         [`Pages`](::cloudflare_stream::Pages). The filters and options set on the request \
         apply to every page.\n\n{how}"
    )
}

/// The documentation of the type that names `op` (a method of the resource whose handle is
/// `handle`) in its requests' type.
pub fn marker_doc(op: &Operation, handle: &str) -> String {
    let method = &op.method_name;
    let plain = method.strip_prefix("r#").unwrap_or(method);
    let setters = if op.optional_params().next().is_some() {
        " Its optional parameters are setters on that request."
    } else {
        ""
    };
    format!(
        "`{qualified}` ({http} `{template}`): a call of [`{handle}::{plain}`](super::{handle}::{method}) \
         is a `Request<_, ops::{marker}>`.{setters}",
        qualified = op.qualified_name,
        http = op.http_method.as_str(),
        template = op.path_template,
        marker = op.marker,
    )
}

/// The documentation of an optional parameter's setter: the parameter's, else what it sets.
pub fn setter_doc(param: &Param) -> String {
    match &param.doc {
        Some(doc) => doc.clone(),
        None => {
            let kind = match param.location {
                ParamLocation::Header => "header",
                ParamLocation::Query | ParamLocation::Path => "query",
            };
            format!("Sets the `{}` {kind} parameter.", param.name)
        }
    }
}

/// The documentation of a function that builds the path `template`.
pub fn shared_path_doc(template: &str) -> String {
    format!("The path `{template}`, each parameter checked and encoded.")
}

/// Writes the documentation made from names, which only the final names can give: each
/// method's and each operation type's; and says so where the spec describes a type or field not
/// at all, since every public item is documented (a crate with `missing_docs` stays clean).
pub fn compose(api: &mut Api) {
    fn compose_resource(resource: &mut Resource) {
        for op in &mut resource.operations {
            op.doc = method_doc(op);
            let plain = op.method_name.strip_prefix("r#").unwrap_or(&op.method_name);
            op.marker = names::type_name(plain);
            op.marker_doc = marker_doc(op, &resource.handle);
            if let Some(paging) = &op.paging {
                op.paging_doc = paging_doc(paging);
            }
        }
        resource.children.iter_mut().for_each(compose_resource);
    }
    api.roots.iter_mut().for_each(compose_resource);
    for def in &mut api.types {
        let doc = match def {
            TypeDef::Struct(s) => {
                for field in &mut s.fields {
                    if field.doc.is_none() {
                        field.doc = Some(undescribed_field_doc(&field.json_name));
                    }
                }
                &mut s.doc
            }
            TypeDef::Enum(e) => &mut e.doc,
            TypeDef::Union(u) => &mut u.doc,
            TypeDef::Alias(a) => &mut a.doc,
        };
        doc.get_or_insert_with(|| UNDESCRIBED_TYPE_DOC.to_owned());
    }
}

/// The documentation of a type the spec does not describe: true, rather than a guess at what
/// it means (rustdoc shows its name beside it).
pub const UNDESCRIBED_TYPE_DOC: &str = "The spec gives no description.";

/// The documentation of a field the spec does not describe: its name on the wire, which its
/// Rust name may not show.
pub fn undescribed_field_doc(json_name: &str) -> String {
    format!("`{json_name}` (the spec gives no description).")
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

/// Cleans every documentation text of `api` with [`doc_text`], once, after every text is made
/// (names and path templates come from the spec too, and end up in doc text).
pub fn clean(api: &mut Api) {
    fn text(doc: &mut String) {
        *doc = doc_text(doc);
    }
    fn optional(doc: &mut Option<String>) {
        if let Some(doc) = doc.as_mut() {
            text(doc);
        }
    }
    fn clean_resource(resource: &mut Resource) {
        text(&mut resource.doc);
        text(&mut resource.handle_doc);
        text(&mut resource.accessor_doc);
        for builder in &mut resource.shared_paths {
            text(&mut builder.doc);
        }
        for op in &mut resource.operations {
            optional(&mut op.summary);
            optional(&mut op.description);
            text(&mut op.doc);
            text(&mut op.marker_doc);
            text(&mut op.paging_doc);
            for param in &mut op.params {
                optional(&mut param.doc);
                text(&mut param.setter_doc);
            }
        }
        resource.children.iter_mut().for_each(clean_resource);
    }
    for def in &mut api.types {
        match def {
            TypeDef::Struct(s) => {
                optional(&mut s.doc);
                s.fields.iter_mut().for_each(|f| optional(&mut f.doc));
            }
            TypeDef::Enum(e) => optional(&mut e.doc),
            TypeDef::Union(u) => optional(&mut u.doc),
            TypeDef::Alias(a) => optional(&mut a.doc),
        }
    }
    api.roots.iter_mut().for_each(clean_resource);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_text_keeps_what_a_doc_comment_can_hold() {
        assert_eq!(doc_text("plain, `code`, é, 日本"), "plain, `code`, é, 日本");
        assert_eq!(doc_text("a\r\nb\rc\n"), "a\nb\nc\n");
        assert_eq!(doc_text("\u{202E}evil\u{2066}x\u{2069}"), "evilx");
    }

    #[test]
    fn first_sentences_end_at_a_full_stop_and_a_space() {
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(first_sentence("v1.2 is\n  out"), "v1.2 is out");
    }

    #[test]
    fn resources_without_a_tag_say_what_they_hold() {
        assert_eq!(
            module_doc(None, "stream", true),
            "Operations under `/stream`, grouped by resource."
        );
        assert_eq!(module_doc(None, "keys", false), "The `keys` resource.");
        assert_eq!(module_doc(Some("Keys.".into()), "keys", false), "Keys.");
    }
}
