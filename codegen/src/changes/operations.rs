//! Resources and methods: what a caller of each method meets in the new API.

use std::collections::{BTreeMap, HashMap};

use super::rust::{Paths, field_text, param_text, type_text};
use super::{Change, Severity, change};
use crate::model::lock::translate;
use crate::model::pairing::{Pairing, keyed};
use crate::model::{
    Api, Body, Operation, Param, ParamLocation, ParamType, Resource, ResponseBody, TypeRef, visit,
};

/// Compares the resources and operations of `old` and `new`.
pub fn compare(old: &Api, new: &Api, pairing: &Pairing, out: &mut Vec<Change>) {
    let old_paths = Paths::of(&old.roots);
    let new_paths = Paths::of(&new.roots);
    resources(old, new, &old_paths, &new_paths, out);

    let old_ops: HashMap<String, (&Resource, &Operation)> = by_key(&old.roots);
    let new_ops: HashMap<String, (&Resource, &Operation)> = by_key(&new.roots);
    let mut paired_old = std::collections::HashSet::new();
    let mut paired_new = std::collections::HashSet::new();
    for (old_key, new_key) in &pairing.operations {
        let (Some(before), Some(after)) = (old_ops.get(old_key), new_ops.get(new_key)) else {
            continue;
        };
        paired_old.insert(old_key.as_str());
        paired_new.insert(new_key.as_str());
        let sides = Sides {
            old: before,
            new: after,
            old_path: method_path(&old_paths, before),
            new_path: method_path(&new_paths, after),
            old_paths: &old_paths,
            new_paths: &new_paths,
            pairing,
        };
        sides.compare(out);
    }
    for (key, (resource, op)) in keyed_in_order(&old.roots, &old_ops) {
        if !paired_old.contains(key.as_str()) {
            out.push(change(
                Severity::Breaking,
                method_path(&old_paths, &(resource, op)),
                Some(&op.at),
                None,
                format!("removed (`{key}`)"),
            ));
        }
    }
    for (key, (resource, op)) in keyed_in_order(&new.roots, &new_ops) {
        if !paired_new.contains(key.as_str()) {
            out.push(change(
                Severity::Additive,
                method_path(&new_paths, &(resource, op)),
                None,
                Some(&op.at),
                format!("added (`{key}`)"),
            ));
        }
    }
}

fn by_key(roots: &[Resource]) -> HashMap<String, (&Resource, &Operation)> {
    visit::operations(roots)
        .into_iter()
        .map(|(resource, op)| (crate::model::sites::operation_key(op), (resource, op)))
        .collect()
}

/// The operations of `roots` in file order, with their entries in `index`.
fn keyed_in_order<'a>(
    roots: &'a [Resource],
    index: &HashMap<String, (&'a Resource, &'a Operation)>,
) -> Vec<(String, (&'a Resource, &'a Operation))> {
    keyed(roots)
        .into_iter()
        .filter_map(|(key, _)| index.get(&key).map(|entry| (key, *entry)))
        .collect()
}

fn method_path(paths: &Paths, (resource, op): &(&Resource, &Operation)) -> String {
    format!("{}::{}", paths.handle(resource), op.method_name)
}

/// Resources: a handle or an accessor removed, added or renamed.
fn resources(old: &Api, new: &Api, old_paths: &Paths, new_paths: &Paths, out: &mut Vec<Change>) {
    let olds: BTreeMap<&str, (&Resource, Option<&Resource>)> = with_parents(&old.roots);
    let news: BTreeMap<&str, (&Resource, Option<&Resource>)> = with_parents(&new.roots);
    for (name, (before, _)) in &olds {
        match news.get(name) {
            None => out.push(change(
                Severity::Breaking,
                old_paths.handle(before),
                None,
                None,
                format!("the `{name}` resource is removed"),
            )),
            Some((after, parent)) => {
                let (was, is) = (old_paths.handle(before), new_paths.handle(after));
                if was != is {
                    out.push(change(
                        Severity::Breaking,
                        was,
                        None,
                        None,
                        format!("renamed `{is}`"),
                    ));
                }
                if before.accessor != after.accessor
                    && let Some(parent) = parent
                {
                    out.push(change(
                        Severity::Breaking,
                        format!("{}::{}", new_paths.handle(parent), before.accessor),
                        None,
                        None,
                        format!("renamed `{}`", after.accessor),
                    ));
                }
                if before.doc != after.doc && !before.doc.is_empty() && !after.doc.is_empty() {
                    out.push(change(
                        Severity::Documentation,
                        new_paths.module(after),
                        None,
                        None,
                        "module documentation changed",
                    ));
                }
            }
        }
    }
    for (name, (after, _)) in &news {
        if !olds.contains_key(name) {
            out.push(change(
                Severity::Additive,
                new_paths.handle(after),
                None,
                None,
                format!("the `{name}` resource is added"),
            ));
        }
    }
}

/// Every resource by dotted name, with its parent.
fn with_parents(roots: &[Resource]) -> BTreeMap<&str, (&Resource, Option<&Resource>)> {
    fn walk<'a>(
        resource: &'a Resource,
        parent: Option<&'a Resource>,
        out: &mut BTreeMap<&'a str, (&'a Resource, Option<&'a Resource>)>,
    ) {
        out.insert(&resource.qualified_name, (resource, parent));
        for child in &resource.children {
            walk(child, Some(resource), out);
        }
    }
    let mut out = BTreeMap::new();
    for root in roots {
        walk(root, None, &mut out);
    }
    out
}

/// A paired operation, old and new.
struct Sides<'a> {
    old: &'a (&'a Resource, &'a Operation),
    new: &'a (&'a Resource, &'a Operation),
    old_path: String,
    new_path: String,
    old_paths: &'a Paths,
    new_paths: &'a Paths,
    pairing: &'a Pairing,
}

/// What identifies a parameter from one version to the next: where it goes, and its name (its
/// position, for a path parameter: a path parameter's name is not part of the call).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    Path(usize),
    Named(ParamLocation, String),
}

fn identities(params: impl Iterator<Item = (usize, Param)>) -> Vec<(Identity, Param)> {
    params
        .map(|(path_index, p)| {
            let identity = match p.location {
                ParamLocation::Path => Identity::Path(path_index),
                location => Identity::Named(location, p.name.clone()),
            };
            (identity, p)
        })
        .collect()
}

/// The positional parameters of `op` with their identities.
fn positional(op: &Operation) -> Vec<(Identity, Param)> {
    identities(op.positional_params().cloned().enumerate())
}

/// The optional parameters of `op` with their identities.
fn optional(op: &Operation) -> Vec<(Identity, Param)> {
    identities(op.optional_params().cloned().map(|p| (usize::MAX, p)))
}

impl Sides<'_> {
    fn old_op(&self) -> &Operation {
        self.old.1
    }

    fn new_op(&self) -> &Operation {
        self.new.1
    }

    fn push(&self, out: &mut Vec<Change>, severity: Severity, message: String) {
        out.push(change(
            severity,
            self.new_path.clone(),
            Some(&self.old_op().at),
            Some(&self.new_op().at),
            message,
        ));
    }

    fn compare(&self, out: &mut Vec<Change>) {
        let (before, after) = (self.old_op(), self.new_op());
        if self.old_path != self.new_path {
            out.push(change(
                Severity::Breaking,
                self.old_path.clone(),
                Some(&before.at),
                Some(&after.at),
                format!("renamed `{}`", self.new_path),
            ));
        }
        let (was, is) = (
            crate::model::sites::operation_key(before),
            crate::model::sites::operation_key(after),
        );
        if was != is {
            self.push(
                out,
                Severity::Additive,
                format!("now calls `{is}` (was `{was}`)"),
            );
        }
        self.arguments(out);
        self.setters(out);
        self.body(out);
        self.result(out);
        self.paging(out);
        self.wire(out);
        if before.summary != after.summary || before.description != after.description {
            self.push(out, Severity::Documentation, "documentation changed".into());
        }
    }

    /// A parameter type of the old API, with its enum named as the new API calls it.
    fn translated(&self, ty: &ParamType) -> ParamType {
        match ty {
            ParamType::Enum(name) => ParamType::Enum(
                self.pairing
                    .new_type(name)
                    .map_or_else(|| name.clone(), str::to_owned),
            ),
            ParamType::List(inner) => ParamType::List(Box::new(self.translated(inner))),
            other => other.clone(),
        }
    }

    fn arguments(&self, out: &mut Vec<Change>) {
        let (old_pos, new_pos) = (positional(self.old_op()), positional(self.new_op()));
        let (old_opt, new_opt) = (optional(self.old_op()), optional(self.new_op()));
        let find = |list: &[(Identity, Param)], id: &Identity| {
            list.iter().find(|(i, _)| i == id).map(|(_, p)| p.clone())
        };
        for (id, param) in &new_pos {
            let what = describe(param);
            match (find(&old_pos, id), find(&old_opt, id)) {
                (Some(before), _) => {
                    let (was, is) = (self.translated(&before.ty), param.ty.clone());
                    if was != is {
                        self.push(
                            out,
                            Severity::Breaking,
                            format!(
                                "argument `{}` is now `{}` (was `{}`)",
                                param.ident,
                                param_text(&is),
                                param_text(&was)
                            ),
                        );
                    }
                }
                (None, Some(_)) => self.push(
                    out,
                    Severity::Breaking,
                    format!("{what} is now required: an argument, no longer a setter"),
                ),
                (None, None) => self.push(
                    out,
                    Severity::Breaking,
                    format!("takes a new argument `{}` ({what})", param.ident),
                ),
            }
        }
        for (id, param) in &old_pos {
            if find(&new_pos, id).is_some() {
                continue;
            }
            let what = describe(param);
            if find(&new_opt, id).is_some() {
                self.push(
                    out,
                    Severity::Breaking,
                    format!("{what} is now optional: a setter, no longer an argument"),
                );
            } else {
                self.push(
                    out,
                    Severity::Breaking,
                    format!("no longer takes `{}` ({what})", param.ident),
                );
            }
        }
        let order = |list: &[(Identity, Param)], other: &[(Identity, Param)]| -> Vec<Identity> {
            list.iter()
                .map(|(i, _)| i.clone())
                .filter(|i| other.iter().any(|(o, _)| o == i))
                .collect()
        };
        if order(&old_pos, &new_pos) != order(&new_pos, &old_pos) {
            self.push(
                out,
                Severity::Breaking,
                "its arguments are in another order".into(),
            );
        }
    }

    fn setters(&self, out: &mut Vec<Change>) {
        let (old_pos, new_pos) = (positional(self.old_op()), positional(self.new_op()));
        let (old_opt, new_opt) = (optional(self.old_op()), optional(self.new_op()));
        let old_request = self.request_path(self.old, self.old_paths);
        let new_request = self.request_path(self.new, self.new_paths);
        for (id, param) in &new_opt {
            let rust = format!("{}::{}", new_request, param.ident);
            match old_opt.iter().find(|(i, _)| i == id) {
                Some((_, before)) => {
                    let (was, is) = (self.translated(&before.ty), param.ty.clone());
                    if was != is {
                        out.push(change(
                            Severity::Breaking,
                            rust.clone(),
                            Some(&before.at),
                            Some(&param.at),
                            format!("takes `{}` (was `{}`)", param_text(&is), param_text(&was)),
                        ));
                    }
                    if before.ident != param.ident {
                        out.push(change(
                            Severity::Breaking,
                            format!("{}::{}", old_request, before.ident),
                            Some(&before.at),
                            Some(&param.at),
                            format!("renamed `{}`", param.ident),
                        ));
                    }
                }
                None if old_pos.iter().any(|(i, _)| i == id) => {}
                None => out.push(change(
                    Severity::Additive,
                    rust,
                    None,
                    Some(&param.at),
                    format!("new setter for the optional {}", describe(param)),
                )),
            }
        }
        for (id, param) in &old_opt {
            let gone = !new_opt.iter().any(|(i, _)| i == id);
            let now_required = new_pos.iter().any(|(i, _)| i == id);
            if gone && !now_required {
                out.push(change(
                    Severity::Breaking,
                    format!("{}::{}", old_request, param.ident),
                    Some(&param.at),
                    None,
                    format!("removed: the {} is gone", describe(param)),
                ));
            }
        }
    }

    /// Whether both sides were read from a spec: what a lock does not keep (the paging, the
    /// credentials, the envelope's other properties) can then be compared. A lock leaves
    /// `security` unknown.
    fn both_from_specs(&self) -> bool {
        self.old_op().security.is_some() && self.new_op().security.is_some()
    }

    /// `all()` gained or lost, when both sides were read from a spec.
    fn paging(&self, out: &mut Vec<Change>) {
        let (before, after) = (self.old_op(), self.new_op());
        if !self.both_from_specs() {
            return;
        }
        let all = |paths: &Paths, side: &(&Resource, &Operation)| {
            format!("{}::all", self.request_path(side, paths))
        };
        match (&before.paging, &after.paging) {
            (None, Some(_)) => out.push(change(
                Severity::Additive,
                all(self.new_paths, self.new),
                None,
                Some(&after.at),
                "added: every item, page after page".to_owned(),
            )),
            (Some(_), None) => out.push(change(
                Severity::Breaking,
                all(self.old_paths, self.old),
                Some(&before.at),
                None,
                "removed: the operation no longer pages".to_owned(),
            )),
            _ => {}
        }
    }

    /// What changed on the wire only: the credentials accepted, the envelope's other
    /// properties. Known only when both sides were read from a spec (a lock keeps neither).
    fn wire(&self, out: &mut Vec<Change>) {
        let (before, after) = (self.old_op(), self.new_op());
        if !self.both_from_specs() {
            return;
        }
        let (was, is) = (
            before.security.as_deref().unwrap_or_default(),
            after.security.as_deref().unwrap_or_default(),
        );
        let list = |alternatives: &[String]| {
            if alternatives.is_empty() {
                "none declared".to_owned()
            } else {
                alternatives
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            }
        };
        if was != is {
            self.push(
                out,
                Severity::Wire,
                format!(
                    "accepts {} (was {}): no change on the Rust side, the credentials a call needs changed",
                    list(is),
                    list(was)
                ),
            );
        }
        let (was, is) = (
            &before.response.envelope_extras,
            &after.response.envelope_extras,
        );
        for gone in was.iter().filter(|name| !is.contains(name)) {
            self.push(
                out,
                Severity::Wire,
                format!("the response envelope no longer has `{gone}`, which no Rust item exposed"),
            );
        }
        for added in is.iter().filter(|name| !was.contains(name)) {
            self.push(
                out,
                Severity::Wire,
                format!("the response envelope now has `{added}`, which no Rust item exposes"),
            );
        }
    }

    /// The type of the operation's requests, whose methods its setters are.
    fn request_path(&self, (resource, op): &(&Resource, &Operation), paths: &Paths) -> String {
        format!("Request<_, {}::ops::{}>", paths.module(resource), op.marker)
    }

    fn body(&self, out: &mut Vec<Change>) {
        let text = |body: &Body, old: bool| -> Option<String> {
            match body {
                Body::None | Body::EmptyObject => None,
                Body::Json(ty) => Some(type_text(&if old {
                    translate(ty, self.pairing)
                } else {
                    ty.clone()
                })),
                Body::Multipart(name) => Some(if old {
                    self.pairing.new_type(name).unwrap_or(name).to_owned()
                } else {
                    name.clone()
                }),
                Body::Form => Some("Form".into()),
                Body::Raw(_) => Some("Vec<u8>".into()),
            }
        };
        let (before, after) = (&self.old_op().body, &self.new_op().body);
        match (text(before, true), text(after, false)) {
            (None, Some(is)) => self.push(
                out,
                Severity::Breaking,
                format!("takes a request body, `body: {is}`"),
            ),
            (Some(was), None) => self.push(
                out,
                Severity::Breaking,
                format!("no longer takes a request body (was `{was}`)"),
            ),
            (Some(was), Some(is)) if was != is => self.push(
                out,
                Severity::Breaking,
                format!("its body is now `{is}` (was `{was}`)"),
            ),
            (Some(_), Some(_)) => {
                if let (Body::Raw(was), Body::Raw(is)) = (before, after)
                    && was != is
                {
                    self.push(
                        out,
                        Severity::Additive,
                        format!("sends `{is}` (was `{was}`)"),
                    );
                }
            }
            (None, None) => {
                if before != after {
                    let is = match after {
                        Body::EmptyObject => "sends the JSON object `{}`",
                        _ => "sends no body",
                    };
                    self.push(out, Severity::Additive, is.into());
                }
            }
        }
    }

    fn result(&self, out: &mut Vec<Change>) {
        let describe = |response: &ResponseBody, ty: TypeRef| field_text(&ty, response.nullable);
        let before = &self.old_op().response;
        let after = &self.new_op().response;
        let was = describe(before, translate(&before.ty, self.pairing));
        let is = describe(after, after.ty.clone());
        if was != is {
            self.push(
                out,
                Severity::Breaking,
                format!("returns `{is}` (was `{was}`)"),
            );
        } else if before.format != after.format {
            self.push(
                out,
                Severity::Breaking,
                format!(
                    "reads its response as {} (was {})",
                    format_word(after.format),
                    format_word(before.format)
                ),
            );
        }
    }
}

fn format_word(format: crate::model::ResponseFormat) -> &'static str {
    match format {
        crate::model::ResponseFormat::Envelope => "the `result` of an envelope",
        crate::model::ResponseFormat::Json => "plain JSON",
        crate::model::ResponseFormat::Text => "text",
        crate::model::ResponseFormat::Bytes => "bytes",
    }
}

/// `the required query parameter `status``.
fn describe(param: &Param) -> String {
    format!("{} parameter `{}`", param.location.as_str(), param.name)
}
