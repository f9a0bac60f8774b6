//! Models: what code that reads, builds or matches each type meets in the new API.
//!
//! Models are `#[non_exhaustive]`, built with `new(required fields)` (or `Default` when every
//! field is optional): a new optional field or a new variant is additive; a new required field
//! changes `new`, and is breaking.

use std::collections::BTreeMap;

use super::rust::{field_text, model, type_text};
use super::{Change, Severity, change};
use crate::model::lock::translate;
use crate::model::pairing::Pairing;
use crate::model::{Api, EnumDef, StructDef, TypeDef, UnionDef};

/// Compares the models of `old` and `new`.
pub fn compare(old: &Api, new: &Api, pairing: &Pairing, out: &mut Vec<Change>) {
    let news: BTreeMap<&str, &TypeDef> = new.types.iter().map(|d| (d.name(), d)).collect();
    for before in &old.types {
        let Some(after) = pairing
            .new_type(before.name())
            .and_then(|name| news.get(name))
        else {
            out.push(change(
                Severity::Breaking,
                model(before.name()),
                Some(before.at()),
                None,
                format!("removed ({})", kind(before)),
            ));
            continue;
        };
        Pair {
            before,
            after,
            pairing,
        }
        .compare(out);
    }
    for after in &new.types {
        if pairing.old_type(after.name()).is_none() {
            out.push(change(
                Severity::Additive,
                model(after.name()),
                None,
                Some(after.at()),
                format!("added ({})", kind(after)),
            ));
        }
    }
}

fn kind(def: &TypeDef) -> &'static str {
    match def {
        TypeDef::Struct(s) if s.form => "a multipart form",
        TypeDef::Struct(_) => "a struct",
        TypeDef::Enum(_) => "a string enum",
        TypeDef::Union(_) => "a union",
        TypeDef::Alias(_) => "a type alias",
    }
}

fn doc(def: &TypeDef) -> Option<&String> {
    match def {
        TypeDef::Struct(s) => s.doc.as_ref(),
        TypeDef::Enum(e) => e.doc.as_ref(),
        TypeDef::Union(u) => u.doc.as_ref(),
        TypeDef::Alias(a) => a.doc.as_ref(),
    }
}

/// A paired type, old and new.
struct Pair<'a> {
    before: &'a TypeDef,
    after: &'a TypeDef,
    pairing: &'a Pairing,
}

impl Pair<'_> {
    fn push(&self, out: &mut Vec<Change>, severity: Severity, rust: String, message: String) {
        out.push(change(
            severity,
            rust,
            Some(self.before.at()),
            Some(self.after.at()),
            message,
        ));
    }

    fn compare(&self, out: &mut Vec<Change>) {
        let (was, is) = (self.before.name(), self.after.name());
        if was != is {
            self.push(
                out,
                Severity::Breaking,
                model(was),
                format!("renamed `{}`", model(is)),
            );
        }
        let rust = model(is);
        match (self.before, self.after) {
            (TypeDef::Struct(b), TypeDef::Struct(a)) => self.structs(b, a, &rust, out),
            (TypeDef::Enum(b), TypeDef::Enum(a)) => self.enums(b, a, &rust, out),
            (TypeDef::Union(b), TypeDef::Union(a)) => self.unions(b, a, &rust, out),
            (TypeDef::Alias(b), TypeDef::Alias(a)) => {
                let (was, is) = (translate(&b.target, self.pairing), &a.target);
                if &was != is {
                    self.push(
                        out,
                        Severity::Breaking,
                        rust,
                        format!("is now `{}` (was `{}`)", type_text(is), type_text(&was)),
                    );
                }
            }
            (before, after) => self.push(
                out,
                Severity::Breaking,
                rust,
                format!("is now {} (was {})", kind(after), kind(before)),
            ),
        }
        if doc(self.before) != doc(self.after) {
            self.push(
                out,
                Severity::Documentation,
                model(is),
                "documentation changed".into(),
            );
        }
    }

    fn structs(&self, before: &StructDef, after: &StructDef, rust: &str, out: &mut Vec<Change>) {
        let key = |f: &crate::model::Field| (f.json_name.clone(), f.flatten);
        for field in &after.fields {
            let path = format!("{rust}::{}", plain(&field.ident));
            let Some(old) = before.fields.iter().find(|f| key(f) == key(field)) else {
                let (severity, how) = if field.optional {
                    (Severity::Additive, "an optional field")
                } else {
                    (Severity::Breaking, "a required field: `new` takes it")
                };
                out.push(change(
                    severity,
                    path,
                    None,
                    Some(&field.at),
                    format!("added, {how} (`{}`)", json(field)),
                ));
                continue;
            };
            let at = |out: &mut Vec<Change>, severity, rust: String, message: String| {
                out.push(change(
                    severity,
                    rust,
                    Some(&old.at),
                    Some(&field.at),
                    message,
                ));
            };
            if old.ident != field.ident {
                at(
                    out,
                    Severity::Breaking,
                    format!("{rust}::{}", plain(&old.ident)),
                    format!("renamed `{}`", plain(&field.ident)),
                );
            }
            let was = field_text(&translate(&old.ty, self.pairing), old.optional);
            let is = field_text(&field.ty, field.optional);
            if was != is {
                at(
                    out,
                    Severity::Breaking,
                    path.clone(),
                    format!("is now `{is}` (was `{was}`)"),
                );
            }
            if old.doc != field.doc {
                at(
                    out,
                    Severity::Documentation,
                    path,
                    "documentation changed".into(),
                );
            }
        }
        for old in &before.fields {
            if !after.fields.iter().any(|f| key(f) == key(old)) {
                out.push(change(
                    Severity::Breaking,
                    format!("{rust}::{}", plain(&old.ident)),
                    Some(&old.at),
                    None,
                    format!("removed (`{}`)", json(old)),
                ));
            }
        }
        if before.is_eq && !after.is_eq {
            self.push(
                out,
                Severity::Breaking,
                rust.to_owned(),
                "no longer implements `Eq` (it now holds a number or untyped JSON)".into(),
            );
        }
        if !before.is_eq && after.is_eq {
            self.push(
                out,
                Severity::Additive,
                rust.to_owned(),
                "now implements `Eq`".into(),
            );
        }
        if before.all_optional && !after.all_optional {
            self.push(
                out,
                Severity::Breaking,
                rust.to_owned(),
                "no longer implements `Default`: a field is now required, build it with `new`"
                    .into(),
            );
        }
        if !before.all_optional && after.all_optional {
            self.push(
                out,
                Severity::Breaking,
                format!("{rust}::new"),
                "removed: no field is required any more, build it with `Default`".into(),
            );
        }
    }

    fn enums(&self, before: &EnumDef, after: &EnumDef, rust: &str, out: &mut Vec<Change>) {
        for variant in &after.variants {
            match before.variants.iter().find(|v| v.value == variant.value) {
                None => self.push(
                    out,
                    Severity::Additive,
                    format!("{rust}::{}", variant.ident),
                    format!("added (`\"{}\"`)", variant.value),
                ),
                Some(old) if old.ident != variant.ident => self.push(
                    out,
                    Severity::Breaking,
                    format!("{rust}::{}", old.ident),
                    format!("renamed `{}`", variant.ident),
                ),
                Some(_) => {}
            }
        }
        for old in &before.variants {
            if !after.variants.iter().any(|v| v.value == old.value) {
                self.push(
                    out,
                    Severity::Breaking,
                    format!("{rust}::{}", old.ident),
                    format!(
                        "removed (`\"{}\"` now decodes as `{}`)",
                        old.value, after.fallback
                    ),
                );
            }
        }
        if before.fallback != after.fallback {
            self.push(
                out,
                Severity::Breaking,
                format!("{rust}::{}", before.fallback),
                format!("renamed `{}`", after.fallback),
            );
        }
    }

    fn unions(&self, before: &UnionDef, after: &UnionDef, rust: &str, out: &mut Vec<Change>) {
        let translated: Vec<(String, crate::model::TypeRef)> = before
            .variants
            .iter()
            .map(|(name, ty)| (name.clone(), translate(ty, self.pairing)))
            .collect();
        for (name, ty) in &after.variants {
            match translated.iter().find(|(_, t)| t == ty) {
                None => self.push(
                    out,
                    Severity::Additive,
                    format!("{rust}::{name}"),
                    format!("added (`{}`)", type_text(ty)),
                ),
                Some((old, _)) if old != name => self.push(
                    out,
                    Severity::Breaking,
                    format!("{rust}::{old}"),
                    format!("renamed `{name}`"),
                ),
                Some(_) => {}
            }
        }
        for (name, ty) in &translated {
            if !after.variants.iter().any(|(_, t)| t == ty) {
                self.push(
                    out,
                    Severity::Breaking,
                    format!("{rust}::{name}"),
                    format!("removed (`{}`)", type_text(ty)),
                );
            }
        }
        let order = |list: &[(String, crate::model::TypeRef)],
                     other: &[(String, crate::model::TypeRef)]| {
            list.iter()
                .filter(|(_, t)| other.iter().any(|(_, o)| o == t))
                .map(|(_, t)| t.clone())
                .collect::<Vec<_>>()
        };
        if order(&translated, &after.variants) != order(&after.variants, &translated) {
            self.push(
                out,
                Severity::Additive,
                rust.to_owned(),
                "decoding tries its variants in another order".into(),
            );
        }
        if before.is_eq && !after.is_eq {
            self.push(
                out,
                Severity::Breaking,
                rust.to_owned(),
                "no longer implements `Eq` (it now holds a number or untyped JSON)".into(),
            );
        }
    }
}

/// A field as JSON names it, or `oneOf`/`anyOf` for a flattened union.
fn json(field: &crate::model::Field) -> String {
    if field.flatten {
        "its union's members".into()
    } else {
        format!("\"{}\"", field.json_name)
    }
}

/// An identifier without its `r#`.
fn plain(ident: &str) -> &str {
    ident.trim_start_matches("r#")
}
