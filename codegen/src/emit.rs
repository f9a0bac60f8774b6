//! Stage 3, **emit**: the model as Rust tokens.
//!
//! Output layout: a `models` module with every type, then one module per top-level resource
//! (`stream`), holding its handle and a module per nested resource. Generated code reaches the
//! runtime as `::cloudflare_stream::...` and the models as `crate::models::...`, so the file must
//! be included at the root of a crate that depends on (or is) `cloudflare_stream`.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{
    Api, Body, EnumDef, Field, Operation, Param, ParamType, PathPart, Resource, ResponseFormat,
    StructDef, TypeDef, TypeRef, UnionDef,
};
use crate::naming::{self, Scope};

/// Tokens for the whole API, in one piece.
pub fn api(api: &Api) -> TokenStream {
    let parts = Parts::new(api);
    parts.skeleton(|index| parts.whole(index))
}

/// How many model types one part holds: enough that a part costs little more to print than
/// its content, few enough that its tokens and syntax tree stay small.
const TYPES_PER_PART: usize = 64;

/// The file cut into parts that can be emitted and printed one at a time, on any thread.
///
/// A large API (Cloudflare's whole schema: 263,000 lines) held as one token tree, then as one
/// syntax tree, takes several hundred megabytes; cut into parts, only the parts being printed
/// are held, and they are printed in parallel. A part is a run of model types (items inside
/// `models`) or one resource module, whose nested resources are parts of their own; the
/// [`Parts::skeleton`] is the file with a placeholder item where each top-level part goes,
/// and a resource's part has one where each nested resource goes. Printing each part where
/// its placeholder stands gives exactly the text of the whole file printed at once.
#[derive(Debug)]
pub struct Parts<'a> {
    api: &'a Api,
    /// Names of the string enums, which multipart forms send as text.
    enums: BTreeSet<&'a str>,
    parts: Vec<Part<'a>>,
}

#[derive(Debug, Clone)]
enum Part<'a> {
    /// Model types, inside `models`.
    Models(&'a [TypeDef]),
    /// A resource module.
    Resource {
        resource: &'a Resource,
        /// At the top level (its module doc differs).
        root: bool,
        /// The parts of its nested resources, in order.
        children: Vec<usize>,
    },
}

impl<'a> Parts<'a> {
    /// The parts of `api`'s file, in file order.
    pub fn new(api: &'a Api) -> Self {
        let enums = api
            .types
            .iter()
            .filter(|def| matches!(def, TypeDef::Enum(_)))
            .map(TypeDef::name)
            .collect();
        let mut parts: Vec<Part<'a>> = api.types.chunks(TYPES_PER_PART).map(Part::Models).collect();
        for root in &api.roots {
            add_resource(&mut parts, root, true);
        }
        Self { api, enums, parts }
    }

    /// How many parts there are.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether there are no parts (an API without types or operations).
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The items of part `index` (`index < self.len()`), with `placeholder(inner)` where
    /// each part inside it goes.
    pub fn part(
        &self,
        index: usize,
        placeholder: &mut dyn FnMut(usize) -> TokenStream,
    ) -> TokenStream {
        match &self.parts[index] {
            Part::Models(defs) => defs.iter().map(|def| type_def(def, &self.enums)).collect(),
            Part::Resource {
                resource: node,
                root,
                children,
            } => resource(node, *root, &mut |child| placeholder(children[child])),
        }
    }

    /// Part `index` with the parts inside it in place.
    fn whole(&self, index: usize) -> TokenStream {
        self.part(index, &mut |inner| self.whole(inner))
    }

    /// The whole file with `placeholder(index)` standing for each part.
    pub fn skeleton(&self, mut placeholder: impl FnMut(usize) -> TokenStream) -> TokenStream {
        let mut models = Vec::new();
        let mut roots = Vec::new();
        for (index, part) in self.parts.iter().enumerate() {
            match part {
                Part::Models(_) => models.push(placeholder(index)),
                Part::Resource { root: true, .. } => roots.push(placeholder(index)),
                Part::Resource { root: false, .. } => {}
            }
        }
        let reexports = self.api.roots.iter().map(|root| {
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
}

/// Adds the part of `resource` and, after it, those of its nested resources.
fn add_resource<'a>(parts: &mut Vec<Part<'a>>, resource: &'a Resource, root: bool) {
    let index = parts.len();
    parts.push(Part::Resource {
        resource,
        root,
        children: Vec::new(),
    });
    let children = resource
        .children
        .iter()
        .map(|child| {
            let child_index = parts.len();
            add_resource(parts, child, false);
            child_index
        })
        .collect();
    if let Part::Resource { children: slot, .. } = &mut parts[index] {
        *slot = children;
    }
}

/// An identifier, raw where the name is a keyword.
fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Width that doc text is wrapped to, not counting the `/// ` and indentation in front of it.
const DOC_WIDTH: usize = 88;

/// `#[doc]` attributes, one per line, for `text`, with long prose lines wrapped.
///
/// The text is Markdown from the spec, written for web pages; rustdoc and clippy read it more
/// strictly. Tabs become spaces, and a line that continues a list item or a quote without
/// its indentation or `>` (a "lazy continuation") gets them, which keeps its meaning.
fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return quote! {};
    };
    // Names and path templates come from the spec too: clean everything, not just descriptions.
    let text = crate::model::doc_text(text);
    let attrs = doc_lines(&text).into_iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#attrs)* }
}

/// The lines of a doc comment for `text` (see [`doc`]).
fn doc_lines(text: &str) -> Vec<String> {
    let source: Vec<String> = text
        .lines()
        .map(|line| line.trim_end().replace('\t', "    "))
        .collect();
    let mut lines = Vec::new();
    // The fence (```` ``` ````, `~~~`) of the code block we are in.
    let mut fence: Option<String> = None;
    // While a paragraph of a list item goes on: the column its text starts at.
    let mut item_text: Option<usize> = None;
    // While a paragraph of a quote goes on.
    let mut in_quote = false;
    // From a table's delimiter row (`---|---`) to the next blank line.
    let mut in_table = false;
    let mut next = 0;
    while next < source.len() {
        let line = source[next].clone();
        next += 1;
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str())
                && trimmed.trim_start_matches(['`', '~']).is_empty()
            {
                fence = None;
            }
            lines.push(line);
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let mark = if trimmed.starts_with('`') { '`' } else { '~' };
            let length = trimmed.chars().take_while(|c| *c == mark).count();
            fence = Some(mark.to_string().repeat(length));
            item_text = None;
            in_quote = false;
            // rustdoc compiles a block without a language as Rust; the spec's are not.
            if trimmed[length..].trim().is_empty() {
                lines.push(format!("{line}text"));
            } else {
                lines.push(line);
            }
            continue;
        }
        if trimmed.is_empty() {
            item_text = None;
            in_quote = false;
            in_table = false;
            lines.push(String::new());
            continue;
        }
        if indent >= 4 && item_text.is_none() && lines.last().is_none_or(String::is_empty) {
            // An indented code block: fenced as text, or rustdoc would compile it as Rust.
            let mut block = vec![line[4..].to_owned()];
            while let Some(more) = source.get(next) {
                let more_indent = more.len() - more.trim_start().len();
                if !more.is_empty() && more_indent < 4 {
                    break;
                }
                block.push(more.get(4..).unwrap_or_default().to_owned());
                next += 1;
            }
            let mut blank_after = 0;
            while block.last().is_some_and(String::is_empty) {
                block.pop();
                blank_after += 1;
            }
            lines.push("```text".to_owned());
            lines.extend(block);
            lines.push("```".to_owned());
            lines.extend(std::iter::repeat_n(String::new(), blank_after));
            continue;
        }
        // Bare URLs become links, and brackets that are not a link are escaped, as rustdoc
        // asks.
        let line = inline_markdown(&line);
        let trimmed = line.trim_start();
        if in_table {
            // A row that starts like a block (`> | Greater than`) would end the table.
            if trimmed.starts_with(['>', '<', '#', '-', '+', '*']) {
                lines.push(format!("{}\\{trimmed}", &line[..indent]));
            } else {
                lines.push(line);
            }
            continue;
        }
        if is_delimiter_row(trimmed) && lines.last().is_some_and(|l: &String| l.contains('|')) {
            in_table = true;
            item_text = None;
            in_quote = false;
            lines.push(line);
            continue;
        }
        if interrupts_paragraph(trimmed) {
            item_text = None;
            in_quote = trimmed.starts_with('>');
            lines.push(line);
            continue;
        }
        if let Some(width) = list_marker(trimmed) {
            item_text = Some(indent + width);
            in_quote = false;
            wrap(&line, indent + width, &mut lines);
            continue;
        }
        if in_quote {
            lines.push(format!("> {trimmed}"));
            continue;
        }
        match item_text {
            Some(column) => wrap(
                &format!("{}{trimmed}", " ".repeat(column)),
                column,
                &mut lines,
            ),
            // A paragraph's line indented four spaces or more (not a code block: those follow a
            // blank line, and were fenced above) is left as it is.
            None if indent >= 4 => lines.push(line),
            None => wrap(&line, indent, &mut lines),
        }
    }
    lines
}

/// `line` with each bare `http://` or `https://` URL outside code spans written `<url>`, the
/// Markdown for a link to itself, and each `[text]` that is not a link written `\[text\]`
/// (rustdoc would look for an item called `text`). URLs already in a link (`[text](url)`,
/// `<url>`) or in an HTML attribute are left alone; trailing punctuation stays outside.
fn inline_markdown(line: &str) -> String {
    let escaped = brackets_to_escape(line);
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut at = 0;
    while let Some(c) = line[at..].chars().next() {
        let rest = &line[at..];
        if c == '`' {
            in_code = !in_code;
        } else if !in_code
            && (rest.starts_with("https://") || rest.starts_with("http://"))
            && !out.ends_with("](")
            && !out.ends_with(['<', '='])
            && !out.ends_with("=\"")
            && !out.ends_with("='")
        {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
            if !url.ends_with("//") {
                out.push('<');
                out.push_str(url);
                out.push('>');
                at += url.len();
                continue;
            }
        }
        if escaped.contains(&at) {
            out.push('\\');
        }
        out.push(c);
        at += c.len_utf8();
    }
    out
}

/// Where `line`'s brackets that do not make a link stand: the `[` and `]` of each `[text]`
/// outside code spans, not followed by `(url)`, `[label]` or `: url`, nor an image or a label.
fn brackets_to_escape(line: &str) -> Vec<usize> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    let mut in_code = false;
    let mut open: Option<usize> = None;
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'`' => {
                in_code = !in_code;
                open = None;
            }
            _ if in_code => {}
            // After `]`, a reference label: `[text][label]`.
            b'[' if at == 0 || !matches!(bytes[at - 1], b'\\' | b'!' | b']') => open = Some(at),
            b']' => {
                if let Some(start) = open.take()
                    && !matches!(bytes.get(at + 1), Some(b'(' | b'[' | b':'))
                {
                    found.push(start);
                    found.push(at);
                }
            }
            _ => {}
        }
    }
    found
}

/// The width of the list marker that `line` (without indentation) starts with, spaces
/// included: `- `, `* `, `+ `, `1. `, `2) `.
fn list_marker(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().first()? {
        b'-' | b'*' | b'+' => 1,
        _ if (1..=9).contains(&digits)
            && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) =>
        {
            digits + 1
        }
        _ => return None,
    };
    let spaces = line[marker..].bytes().take_while(|b| *b == b' ').count();
    match (spaces, line.len() == marker) {
        (_, true) => Some(marker + 1),
        // Five spaces or more: the item's text is indented code, and starts after one.
        (1..=4, false) => Some(marker + spaces),
        (5.., false) => Some(marker + 1),
        (0, false) => None,
    }
}

/// Whether `line` (without indentation) is the row under a table's header: `---|:---:`.
fn is_delimiter_row(line: &str) -> bool {
    line.contains('-')
        && line.contains('|')
        && line.chars().all(|c| matches!(c, '-' | '|' | ':' | ' '))
}

/// Whether `line` (without indentation) starts a block of its own, which ends the paragraph
/// above rather than continuing it: a heading, a quote, a table row, a rule or HTML.
fn interrupts_paragraph(line: &str) -> bool {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    let heading =
        (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), None | Some(b' '));
    let marks: Vec<char> = line.chars().filter(|c| *c != ' ').collect();
    let rule = marks.len() >= 3 && ['-', '*', '_'].iter().any(|m| marks.iter().all(|c| c == m));
    heading || rule || line.starts_with(['>', '|', '<'])
}

/// Wraps one prose line at word boundaries into `out`; the lines it continues on are indented
/// by `indent`. A word that Markdown would read as the start of a block (`-`, `1.`, `#`, `>`)
/// never starts a line.
fn wrap(line: &str, indent: usize, out: &mut Vec<String>) {
    if line.len() <= DOC_WIDTH {
        out.push(line.to_owned());
        return;
    }
    let lead = line.len() - line.trim_start().len();
    let mut current = line[..lead].to_owned();
    let mut first = true;
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let fits = current.len() + 1 + word.len() <= DOC_WIDTH;
        let starts_block = list_marker(word).is_some() || interrupts_paragraph(word);
        if !first && !fits && !starts_block {
            out.push(std::mem::take(&mut current));
            current.push_str(&" ".repeat(indent));
        } else if !first {
            current.push(' ');
        }
        current.push_str(word);
        first = false;
    }
    out.push(current);
}

fn type_def(def: &TypeDef, enums: &BTreeSet<&str>) -> TokenStream {
    match def {
        TypeDef::Struct(s) if s.form => form_def(s, enums),
        TypeDef::Struct(s) => struct_def(s),
        TypeDef::Enum(e) => enum_def(e),
        TypeDef::Union(u) => union_def(u),
        TypeDef::Alias(a) => {
            let name = ident(&a.name);
            let docs = doc(a.doc.as_deref());
            let target = type_ref(&a.target, &Local::default());
            quote! {
                #docs
                pub type #name = #target;
            }
        }
    }
}

fn union_def(def: &UnionDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let eq = def.is_eq.then(|| quote!(Eq,));
    let variants = def.variants.iter().map(|(variant, ty)| {
        let variant = ident(variant);
        let ty = type_ref(ty, &Local::default());
        quote! { #variant(#ty), }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #eq serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
    }
}

/// A multipart body: a plain struct, and the form it is sent as.
fn form_def(def: &StructDef, enums: &BTreeSet<&str>) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let fields = def.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let docs = doc(f.doc.as_deref());
        let inner = type_ref(&f.ty, &Local::default());
        let ty = if f.optional {
            quote!(Option<#inner>)
        } else {
            inner
        };
        quote! {
            #docs
            pub #field: #ty,
        }
    });
    let parts = def.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let part = &f.json_name;
        // `receiver` for method calls on the value, `reference` to pass it by reference.
        let add = |receiver: TokenStream, reference: TokenStream| match &f.ty {
            TypeRef::File => quote!(form.file(#part, #reference)),
            TypeRef::Array(inner) if **inner == TypeRef::File => {
                quote!(#receiver.iter().fold(form, |form, file| form.file(#part, file)))
            }
            TypeRef::String => quote!(form.text(#part, #receiver.clone())),
            TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => {
                quote!(form.text(#part, #receiver.to_string()))
            }
            TypeRef::Named(name) if enums.contains(name.as_str()) => {
                quote!(form.text(#part, #receiver.as_str()))
            }
            _ => quote!(form.json(#part, #reference)),
        };
        if f.optional {
            let call = add(quote!(value), quote!(value));
            quote! {
                if let Some(value) = &self.#field {
                    form = #call;
                }
            }
        } else {
            let call = add(quote!(self.#field), quote!(&self.#field));
            quote! { form = #call; }
        }
    });
    let default = def.all_optional.then(|| quote!(Default,));
    quote! {
        #docs
        #[derive(Debug, Clone, #default)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = " The multipart form this body is sent as, one part per field that is set."]
            pub fn to_form(&self) -> ::cloudflare_stream::runtime::Form {
                let mut form = ::cloudflare_stream::runtime::Form::new();
                #(#parts)*
                form
            }
        }
    }
}

fn struct_def(def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let mut derives = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
    if def.is_eq {
        derives.push(quote!(Eq));
    }
    if def.all_optional {
        derives.push(quote!(Default));
    }
    derives.push(quote!(serde::Serialize));
    derives.push(quote!(serde::Deserialize));
    let fields = def.fields.iter().map(field);
    quote! {
        #docs
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn field(field: &Field) -> TokenStream {
    let name = ident(&field.ident);
    let docs = doc(field.doc.as_deref());
    if field.flatten {
        let ty = type_ref(&field.ty, &Local::default());
        return quote! {
            #docs
            #[serde(flatten)]
            pub #name: #ty,
        };
    }
    let plain_name = field.ident.trim_start_matches("r#");
    let mut serde_args = Vec::new();
    if plain_name != field.json_name {
        let json = &field.json_name;
        serde_args.push(quote!(rename = #json));
    }
    let inner = type_ref(&field.ty, &Local::default());
    let ty = if field.optional {
        if !field.required {
            serde_args.push(quote!(default));
            serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        quote!(Option<#inner>)
    } else {
        inner
    };
    let serde_attr = if serde_args.is_empty() {
        quote! {}
    } else {
        quote! { #[serde(#(#serde_args),*)] }
    };
    quote! {
        #docs
        #serde_attr
        pub #name: #ty,
    }
}

fn enum_def(def: &EnumDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc(def.doc.as_deref());
    let fallback = ident(&def.fallback);
    let variants = def.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let text = format!(" `{}`", v.value);
        quote! {
            #[doc = #text]
            #variant,
        }
    });
    let to_str = def.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let value = &v.value;
        quote! { Self::#variant => #value, }
    });
    let from_str = def.variants.iter().map(|v| {
        let variant = ident(&v.ident);
        let value = &v.value;
        quote! { #value => Self::#variant, }
    });
    let from_string = from_str.clone();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this version of the SDK does not know, kept as it was received."]
            #fallback(String),
        }

        impl #name {
            #[doc = " The value as it appears in JSON and in paths."]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#fallback(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#fallback(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_string)*
                    _ => Self::#fallback(value),
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// Names a resource module defines itself (its handle, its request types): a model with one of
/// these names is written `crate::models::Name` there instead of being imported.
#[derive(Debug, Default)]
struct Local(BTreeSet<String>);

impl Local {
    fn of(resource: &Resource) -> Self {
        let mut names = BTreeSet::new();
        names.insert(resource.handle.clone());
        names.extend(
            resource
                .operations
                .iter()
                .filter_map(|op| op.request_type.clone()),
        );
        Self(names)
    }
}

/// A model's name as written in a module where `local` names are taken.
fn model_name(name: &str, local: &Local) -> TokenStream {
    let id = ident(name);
    if local.0.contains(name) {
        quote!(crate::models::#id)
    } else {
        quote!(#id)
    }
}

/// A type as written in the models module (`local` empty) or in a resource module.
fn type_ref(ty: &TypeRef, local: &Local) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Unit => quote!(()),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Named(name) => model_name(name, local),
        TypeRef::Array(inner) => {
            let inner = type_ref(inner, local);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_ref(inner, local);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::File => quote!(::cloudflare_stream::FilePart),
        TypeRef::Boxed(inner) => {
            let inner = type_ref(inner, local);
            quote!(Box<#inner>)
        }
        TypeRef::Bytes => quote!(Vec<u8>),
    }
}

/// The module of `resource`, with `child(i)` for its `i`th nested resource.
fn resource(
    resource: &Resource,
    root: bool,
    child: &mut dyn FnMut(usize) -> TokenStream,
) -> TokenStream {
    let module = ident(&resource.module);
    let handle = ident(&resource.handle);
    let module_doc = match (&resource.doc, root) {
        (Some(text), _) => text.clone(),
        (None, true) => format!(
            "Operations under `/{}`, grouped by resource.",
            resource.segment
        ),
        (None, false) => format!("The `{}` resource.", resource.segment),
    };
    let module_docs = doc(Some(&module_doc));
    let handle_docs = doc(Some(&format!(
        "Handle on the `{}` resource; cheap to copy, borrows the [`Client`].",
        resource.segment
    )));
    let accessors = resource.children.iter().map(|child| {
        let accessor = ident(&child.accessor);
        let child_module = ident(&child.module);
        let child_handle = ident(&child.handle);
        let text = child
            .doc
            .as_deref()
            .map(first_sentence)
            .unwrap_or_else(|| format!("The `{}` resource.", child.segment));
        let docs = doc(Some(&text));
        quote! {
            #docs
            pub fn #accessor(&self) -> #child_module::#child_handle<'c> {
                #child_module::#child_handle::from(self.client)
            }
        }
    });
    let local = Local::of(resource);
    let (path_helpers, helpers) = path_helpers(resource, &local);
    let methods = resource
        .operations
        .iter()
        .zip(&helpers)
        .map(|(op, helper)| method(op, &local, helper.as_ref()));
    let request_types = resource.operations.iter().filter_map(|op| {
        op.request_type
            .as_deref()
            .map(|wrapper| request_type(op, wrapper, &local))
    });
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

            impl<'c> #handle<'c> {
                #(#accessors)*
                #(#methods)*
            }

            #(#path_helpers)*

            #(#request_types)*

            #(#children)*
        }
    }
}

/// The `use` lines a resource module needs, and no more (unused imports are warnings).
fn imports(resource: &Resource, local: &Local) -> TokenStream {
    let mut runtime = Vec::new();
    let ops = &resource.operations;
    if !ops.is_empty() {
        runtime.extend([quote!(Method), quote!(Operation), quote!(PathBuilder)]);
    }
    if ops.iter().any(|op| !op.path_params.is_empty()) {
        runtime.push(quote!(PathParam));
    }
    if !ops.is_empty() {
        runtime.push(quote!(Request));
    }
    let runtime_use = if runtime.is_empty() {
        quote! {}
    } else {
        quote! { use ::cloudflare_stream::runtime::{#(#runtime),*}; }
    };
    let mut models: Vec<&str> = Vec::new();
    for op in ops {
        named_in(&op.response.ty, &mut models);
        match &op.body {
            Body::Json(ty) => named_in(ty, &mut models),
            Body::Multipart(name) => models.push(name),
            Body::None | Body::EmptyObject | Body::Raw(_) | Body::Form => {}
        }
        for param in op.path_params.iter().chain(&op.query).chain(&op.headers) {
            let mut ty = &param.ty;
            while let ParamType::List(inner) = ty {
                ty = inner;
            }
            if let ParamType::Enum(name) = ty {
                models.push(name);
            }
        }
    }
    models.retain(|name| !local.0.contains(*name));
    models.sort_unstable();
    models.dedup();
    let models = models.into_iter().map(ident);
    let models_use = if models.len() == 0 {
        quote! {}
    } else {
        quote! { use crate::models::{#(#models),*}; }
    };
    quote! {
        use ::cloudflare_stream::Client;
        #runtime_use
        #models_use
    }
}

fn named_in<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => named_in(inner, out),
        _ => {}
    }
}

/// The first sentence of `text` (up to a full stop followed by a space), for one-line summaries.
fn first_sentence(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.find(". ") {
        Some(end) => flat[..=end].to_owned(),
        None => flat,
    }
}

/// The calls on a `PathBuilder` that build `op`'s path from its arguments.
fn path_calls(op: &Operation) -> Vec<TokenStream> {
    op.path
        .iter()
        .map(|part| match part {
            PathPart::Literal(text) => quote! { .literal(#text) },
            PathPart::Param(index) => {
                let param = &op.path_params[*index];
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

/// The functions that build a path several methods of a resource share, one per path (and
/// way of checking its parameters), and which of them each operation calls.
fn path_helpers(resource: &Resource, local: &Local) -> (Vec<TokenStream>, Vec<Option<Ident>>) {
    // Operations that build the same path the same way, by the code that builds it.
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (index, op) in resource.operations.iter().enumerate() {
        let calls = path_calls(op);
        let types = op.path_params.iter().map(|p| arg_type(&p.ty, local));
        let key = quote!(#(#calls)* #(#types)*).to_string();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ops)) => ops.push(index),
            None => groups.push((key, vec![index])),
        }
    }
    let mut names = Scope::default();
    let mut helpers = Vec::new();
    let mut chosen = vec![None; resource.operations.len()];
    for (_, ops) in groups.iter().filter(|(_, ops)| ops.len() > 1) {
        let op = &resource.operations[ops[0]];
        // `/accounts/{account_id}/stream/{identifier}/downloads` is `downloads_path`; a
        // trailing parameter is part of the name: `downloads_download_type_path`.
        let segment = op
            .path_template
            .rsplit('/')
            .find(|s| !s.is_empty() && !s.contains('{'))
            .unwrap_or_default();
        let trailing = match op.path.last() {
            Some(PathPart::Param(index)) => op.path_params[*index].name.as_str(),
            _ => "",
        };
        let name = ident(&names.claim(naming::snake(&format!("{segment}_{trailing}_path"))));
        let args = op.path_params.iter().map(|p| arg(p, local));
        let calls = path_calls(op);
        let docs = doc(Some(&format!(
            "The path `{}`, each parameter checked and encoded.",
            op.path_template
        )));
        helpers.push(quote! {
            #docs
            fn #name(#(#args),*) -> Result<String, ::cloudflare_stream::Error> {
                PathBuilder::new() #(#calls)* .finish()
            }
        });
        for &index in ops {
            chosen[index] = Some(name.clone());
        }
    }
    (helpers, chosen)
}

fn method(op: &Operation, local: &Local, helper: Option<&Ident>) -> TokenStream {
    let name = ident(&op.method_name);
    let docs = doc(Some(&method_doc(op)));
    let result = {
        let ty = type_ref(&op.response.ty, local);
        if op.response.nullable {
            quote!(Option<#ty>)
        } else {
            ty
        }
    };
    let required = || op.query.iter().chain(&op.headers).filter(|p| p.required);
    let mut args: Vec<TokenStream> = op
        .path_params
        .iter()
        .chain(required())
        .map(|p| arg(p, local))
        .collect();
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
            args.push(quote!(body: ::cloudflare_stream::runtime::Form));
            quote! { .multipart_body(body) }
        }
    };
    let format_call = match op.response.format {
        ResponseFormat::Envelope => quote! {},
        ResponseFormat::Json => quote! { .plain() },
        ResponseFormat::Text => quote! { .text() },
        ResponseFormat::Bytes => quote! { .bytes() },
    };
    let path = match helper {
        Some(helper) => {
            let args = op.path_params.iter().map(|p| ident(&p.ident));
            quote! { #helper(#(#args),*) }
        }
        None => {
            let calls = path_calls(op);
            quote! { PathBuilder::new() #(#calls)* .finish() }
        }
    };
    let param_calls = required().map(|p| param_call(p, &ident(&p.ident), op));
    let qualified = &op.qualified_name;
    let method = format_ident!("{}", op.http_method);
    let template = &op.path_template;
    let request = quote! {
        Request::new(self.client, &OPERATION, path)
            #body_call
            #format_call
            #(#param_calls)*
    };
    let (returns, value) = match &op.request_type {
        Some(wrapper) => {
            let wrapper = ident(wrapper);
            (quote!(#wrapper<'c>), quote!(#wrapper { request: #request }))
        }
        None => (quote!(Request<'c, #result>), request),
    };
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
            #value
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
fn param_call(param: &Param, value: &Ident, op: &Operation) -> TokenStream {
    let wire = &param.name;
    let is_header = op.headers.iter().any(|h| std::ptr::eq(h, param));
    match (&param.ty, is_header) {
        (ParamType::List(_), _) => {
            quote! { .query_all(#wire, #value.iter().map(|item| item.to_string())) }
        }
        (_, true) => {
            let text = text_value(param, value);
            quote! { .header(#wire, #text) }
        }
        (_, false) => {
            let text = text_value(param, value);
            quote! { .query(#wire, #text) }
        }
    }
}

/// The request type of an operation with optional parameters: the runtime's request, plus a
/// setter for each optional parameter.
fn request_type(op: &Operation, wrapper: &str, local: &Local) -> TokenStream {
    let wrapper = ident(wrapper);
    let result = {
        let ty = type_ref(&op.response.ty, local);
        if op.response.nullable {
            quote!(Option<#ty>)
        } else {
            ty
        }
    };
    let about = doc(Some(&format!(
        "The request of `{}`: set optional parameters, then `.await` it.",
        op.qualified_name
    )));
    let setters = op.optional_params().map(|param| {
        let setter = ident(&param.ident);
        let value = ident(&param.ident);
        let is_header = op.headers.iter().any(|h| std::ptr::eq(h, param));
        let fallback = format!(
            "Sets the `{}` {} parameter.",
            param.name,
            if is_header { "header" } else { "query" }
        );
        let docs = doc(Some(param.doc.as_deref().unwrap_or(&fallback)));
        let ty = arg_type(&param.ty, local);
        let call = param_call(param, &value, op);
        quote! {
            #docs
            pub fn #setter(mut self, #value: #ty) -> Self {
                self.request = self.request #call;
                self
            }
        }
    });
    quote! {
        #about
        #[must_use = "a request does nothing until it is awaited"]
        #[derive(Debug)]
        pub struct #wrapper<'c> {
            request: Request<'c, #result>,
        }

        impl<'c> #wrapper<'c> {
            #(#setters)*

            #[doc = " The request itself: for per-request options (`timeout`, `header`, ...) and"]
            #[doc = " `send_with_response`."]
            pub fn into_request(self) -> Request<'c, #result> {
                self.request
            }
        }

        impl<'c> std::future::IntoFuture for #wrapper<'c> {
            type Output = <Request<'c, #result> as std::future::IntoFuture>::Output;
            type IntoFuture = <Request<'c, #result> as std::future::IntoFuture>::IntoFuture;

            fn into_future(self) -> Self::IntoFuture {
                self.request.into_future()
            }
        }
    }
}

fn method_doc(op: &Operation) -> String {
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
    text.push_str(&format!("\n\n`{} {}`", op.http_method, op.path_template));
    let mut documented: Vec<String> = op
        .path_params
        .iter()
        .chain(op.query.iter().chain(&op.headers).filter(|p| p.required))
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

#[cfg(test)]
mod tests {
    use super::doc_lines as lines;
    use super::*;

    #[test]
    fn lazy_continuations_are_indented_under_their_item() {
        assert_eq!(
            lines("Kinds:\n- one\ncontinued\n10. ten\nmore\n\nAfter."),
            [
                "Kinds:",
                "- one",
                "  continued",
                "10. ten",
                "    more",
                "",
                "After."
            ]
        );
        assert_eq!(
            lines("> quoted\nlazy\n\nnot"),
            ["> quoted", "> lazy", "", "not"]
        );
        // A heading or a table ends the item's paragraph instead.
        assert_eq!(lines("- a\n# H\n| x |"), ["- a", "# H", "| x |"]);
    }

    #[test]
    fn table_rows_that_start_like_a_block_are_escaped() {
        assert_eq!(
            lines("Op | Name\n---|---\n== | Equals\n> | Greater\n- | Minus\n\n> quote"),
            [
                "Op | Name",
                "---|---",
                "== | Equals",
                "\\> | Greater",
                "\\- | Minus",
                "",
                "> quote"
            ]
        );
    }

    #[test]
    fn tabs_become_spaces_and_code_is_kept() {
        assert_eq!(lines("a\tb"), ["a    b"]);
        assert_eq!(
            lines("```\n- a\nb\n```\n    code"),
            ["```text", "- a", "b", "```", "    code"]
        );
        // rustdoc would compile an indented block, or a fenced one without a language, as Rust.
        assert_eq!(
            lines(
                "Run:\n\n    curl -X GET \\\n        -H x\n\n    more\n\nDone.\n```json\n{}\n```"
            ),
            [
                "Run:",
                "",
                "```text",
                "curl -X GET \\",
                "    -H x",
                "",
                "more",
                "```",
                "",
                "Done.",
                "```json",
                "{}",
                "```"
            ]
        );
    }

    #[test]
    fn wrapped_lines_never_start_a_block() {
        let long = format!("{} - {} 1. two", "word ".repeat(16).trim(), "x".repeat(5));
        let wrapped = lines(&long);
        assert!(wrapped.len() > 1, "{wrapped:?}");
        for line in &wrapped[1..] {
            assert!(
                list_marker(line).is_none() && !interrupts_paragraph(line),
                "{wrapped:?}"
            );
        }
        let item = format!("- {}", "word ".repeat(30).trim());
        let wrapped = lines(&item);
        assert!(wrapped[1].starts_with("  word"), "{wrapped:?}");
    }

    #[test]
    fn bare_urls_become_links_outside_code() {
        assert_eq!(
            lines("See https://tus.io. Or (https://a.b/c), [x](https://d.e) <https://f.g>."),
            ["See <https://tus.io>. Or (<https://a.b/c>), [x](https://d.e) <https://f.g>."]
        );
        assert_eq!(
            lines("`https://a.b` and https://"),
            ["`https://a.b` and https://"]
        );
        assert_eq!(
            lines("```\nhttps://a.b\n```\n\n    https://c.d"),
            [
                "```text",
                "https://a.b",
                "```",
                "",
                "```text",
                "https://c.d",
                "```"
            ]
        );
        assert_eq!(
            lines(r#"E.g. "https://a.b" or <a href="https://c.d">"#),
            [r#"E.g. "<https://a.b>" or <a href="https://c.d">"#]
        );
    }

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(
            lines("A [JSONata] expression; http_status:[code]; [x](https://a.b); [r][1]; `[c]`"),
            [r"A \[JSONata\] expression; http_status:\[code\]; [x](https://a.b); [r][1]; `[c]`"]
        );
    }

    #[test]
    fn list_markers() {
        assert_eq!(list_marker("- a"), Some(2));
        assert_eq!(list_marker("-"), Some(2));
        assert_eq!(list_marker("12) a"), Some(4));
        assert_eq!(list_marker("-1"), None);
        assert_eq!(list_marker("*bold*"), None);
        assert_eq!(list_marker("1234567890. a"), None);
    }
}
