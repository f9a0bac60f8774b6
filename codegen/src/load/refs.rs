//! `$ref`s: followed on demand for the later stages, and every one checked once the files are
//! loaded, so that nothing downstream meets one that does not resolve.

use std::borrow::Cow;

use openapiv3::{Parameter, ReferenceOr, RequestBody, Response, Schema};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::parse::typed;
use super::{FileId, Resolved, Spec, Step, locate};
use crate::error::{Error, Location, Result};

/// How many `$ref`s may be chained (a ref to a ref to ...) before we call it a cycle.
const MAX_REF_CHAIN: usize = 64;

impl Spec {
    /// Follows `node` (a `$ref` or an inline item standing at `at` in `file`) to a schema.
    pub fn schema<'a>(
        &'a self,
        file: FileId,
        at: &Location,
        node: &'a ReferenceOr<Schema>,
    ) -> Result<Resolved<'a, Schema>> {
        self.follow(file, at, Start::of(node), "schemas", |c, name| {
            c.schemas.get(name)
        })
    }

    /// The component schema `name` of `file`, followed to what it stands for: its type is named
    /// after the last component on the way.
    pub fn component_schema(&self, file: FileId, name: &str) -> Result<Resolved<'_, Schema>> {
        let at = self
            .root(file)
            .join("components")
            .join("schemas")
            .join(name);
        let node = self.files[file]
            .doc
            .components
            .as_ref()
            .and_then(|components| components.schemas.get(name))
            .ok_or_else(|| dangling(&at, &component_ref("schemas", name), "no such component"))?;
        match node {
            ReferenceOr::Item(schema) => Ok(Resolved {
                value: Cow::Borrowed(schema),
                at,
                file,
                component: Some(name.to_owned()),
            }),
            ReferenceOr::Reference { .. } => self.schema(file, &at, node),
        }
    }

    /// Like [`Spec::schema`] for the boxed schemas openapiv3 uses in properties and items.
    pub fn boxed_schema<'a>(
        &'a self,
        file: FileId,
        at: &Location,
        node: &'a ReferenceOr<Box<Schema>>,
    ) -> Result<Resolved<'a, Schema>> {
        match node {
            ReferenceOr::Item(schema) => Ok(Resolved {
                value: Cow::Borrowed(schema.as_ref()),
                at: at.clone(),
                file,
                component: None,
            }),
            // Followed from the reference's text: the target is borrowed, never copied.
            ReferenceOr::Reference { reference } => {
                self.follow(file, at, Start::Ref(reference), "schemas", |c, name| {
                    c.schemas.get(name)
                })
            }
        }
    }

    /// Follows a parameter node.
    pub fn parameter<'a>(
        &'a self,
        file: FileId,
        at: &Location,
        node: &'a ReferenceOr<Parameter>,
    ) -> Result<Resolved<'a, Parameter>> {
        self.follow(file, at, Start::of(node), "parameters", |c, name| {
            c.parameters.get(name)
        })
    }

    /// Follows a response node.
    pub fn response<'a>(
        &'a self,
        file: FileId,
        at: &Location,
        node: &'a ReferenceOr<Response>,
    ) -> Result<Resolved<'a, Response>> {
        self.follow(file, at, Start::of(node), "responses", |c, name| {
            c.responses.get(name)
        })
    }

    /// Follows a request body node.
    pub fn request_body<'a>(
        &'a self,
        file: FileId,
        at: &Location,
        node: &'a ReferenceOr<RequestBody>,
    ) -> Result<Resolved<'a, RequestBody>> {
        self.follow(file, at, Start::of(node), "requestBodies", |c, name| {
            c.request_bodies.get(name)
        })
    }

    /// Follows `$ref`s from `node` until an item, looking components of `kind` up directly and
    /// deserialising any other target from the raw document.
    fn follow<'a, T, F>(
        &'a self,
        mut file: FileId,
        at: &Location,
        mut node: Start<'a, T>,
        kind: &str,
        lookup: F,
    ) -> Result<Resolved<'a, T>>
    where
        T: Clone + DeserializeOwned,
        F: Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
    {
        let mut here = at.clone();
        let mut component = None;
        for _ in 0..MAX_REF_CHAIN {
            let reference = match node {
                Start::Item(value) => {
                    return Ok(Resolved {
                        value: Cow::Borrowed(value),
                        at: here,
                        file,
                        component,
                    });
                }
                Start::Ref(reference) => reference,
            };
            let (target_file, pointer) = self.target(file, &here, reference)?;
            let target_at = Location {
                file: self.files[target_file].path.clone(),
                pointer: pointer.clone(),
            };
            let prefix = format!("/components/{kind}/");
            let name = pointer
                .strip_prefix(&prefix)
                .filter(|rest| !rest.contains('/'))
                .map(unescape_pointer_token);
            let found = match (&name, &self.files[target_file].doc.components) {
                (Some(name), Some(components)) => lookup(components, name),
                _ => None,
            };
            match found {
                Some(next) => {
                    node = Start::of(next);
                    component = name;
                }
                None => {
                    // Below the components (or a component of another kind): read it from JSON.
                    let raw = self.files[target_file]
                        .raw()
                        .and_then(|raw| raw.pointer(&pointer))
                        .ok_or_else(|| dangling(&here, reference, "no such node"))?;
                    let value: ReferenceOr<T> = typed(raw, &target_at)?;
                    return match value {
                        ReferenceOr::Item(value) => Ok(Resolved {
                            value: Cow::Owned(value),
                            at: target_at,
                            file: target_file,
                            component: None,
                        }),
                        ReferenceOr::Reference { .. } => Err(Error::Unsupported {
                            at: target_at,
                            what: "a `$ref` to a `$ref` outside `#/components`".into(),
                        }),
                    };
                }
            }
            file = target_file;
            here = target_at;
        }
        Err(Error::Unsupported {
            at: at.clone(),
            what: format!("more than {MAX_REF_CHAIN} chained `$ref`s (a cycle of references?)"),
        })
    }

    /// Splits `reference` (written in `file`, at `at`) into the target file and JSON pointer.
    fn target(&self, file: FileId, at: &Location, reference: &str) -> Result<(FileId, String)> {
        self.split_ref(file, reference)
            .map(|(target, pointer)| (target, pointer.into_owned()))
            .map_err(|reason| dangling(at, reference, reason))
    }

    /// [`Spec::target`] without a location: the target file and JSON pointer, or why the
    /// reference cannot be followed.
    fn split_ref<'r>(
        &self,
        file: FileId,
        reference: &'r str,
    ) -> std::result::Result<(FileId, Cow<'r, str>), &'static str> {
        let (doc, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let target = if doc.is_empty() {
            file
        } else {
            if doc.contains("://") {
                return Err("remote references are not followed; put the schema in a spec file");
            }
            let wanted = doc.strip_prefix("./").unwrap_or(doc);
            if wanted.contains('/') || wanted.contains('\\') {
                return Err("only files in the same spec folder can be referenced");
            }
            self.files
                .iter()
                .position(|f| f.name == wanted)
                .ok_or("no such file in the spec folder")?
        };
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return Err("the fragment must be a JSON pointer");
        }
        // A fragment is part of a URI: `%7B` is `{`, `%20` a space.
        let pointer = percent_encoding::percent_decode_str(fragment)
            .decode_utf8()
            .map_err(|_| "the fragment is not UTF-8 once its `%` escapes are decoded")?;
        Ok((target, pointer))
    }

    /// Checks every `$ref` in every file before anything else looks at them, in document
    /// order: the first that does not resolve is the error.
    /// `raws` are the files as plain JSON, in the order of [`Spec::files`].
    pub(super) fn check_refs(&self, raws: &[Value]) -> Result<()> {
        for (id, raw) in raws.iter().enumerate() {
            self.check_refs_below(raws, id, raw, &mut Vec::new())?;
        }
        Ok(())
    }

    /// Checks the `$ref`s in `value`, which stands at `steps` below the root of `file`. The
    /// location of a node is built only for an error: a large spec has a million nodes.
    fn check_refs_below<'v>(
        &self,
        raws: &[Value],
        file: FileId,
        value: &'v Value,
        steps: &mut Vec<Step<'v>>,
    ) -> Result<()> {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        ("$ref", Value::String(reference)) => {
                            self.check_ref(raws, file, steps, reference)?;
                        }
                        // `example`s are data, not schema: a `$ref` key inside them is just a key.
                        ("example" | "examples", _) => {}
                        _ => {
                            steps.push(Step::Key(key));
                            let checked = self.check_refs_below(raws, file, child, steps);
                            steps.pop();
                            checked?;
                        }
                    }
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    steps.push(Step::Index(index));
                    let checked = self.check_refs_below(raws, file, child, steps);
                    steps.pop();
                    checked?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Checks one `$ref`, written in the object at `steps` below the root of `file`.
    fn check_ref(
        &self,
        raws: &[Value],
        file: FileId,
        steps: &[Step<'_>],
        reference: &str,
    ) -> Result<()> {
        let reason = match self.split_ref(file, reference) {
            Ok((target, pointer)) if raws[target].pointer(&pointer).is_some() => {
                return Ok(());
            }
            Ok(_) => "no such node",
            Err(reason) => reason,
        };
        Err(dangling(&locate(self.root(file), steps), reference, reason))
    }
}

/// Where [`Spec::follow`] starts, or stands: a node, or the text of a `$ref`.
enum Start<'a, T> {
    /// The node itself.
    Item(&'a T),
    /// A `$ref` to follow.
    Ref(&'a str),
}

impl<'a, T> Start<'a, T> {
    fn of(node: &'a ReferenceOr<T>) -> Self {
        match node {
            ReferenceOr::Item(value) => Self::Item(value),
            ReferenceOr::Reference { reference } => Self::Ref(reference),
        }
    }
}

fn dangling(at: &Location, reference: &str, reason: &str) -> Error {
    Error::DanglingRef {
        at: at.join("$ref"),
        reference: reference.to_owned(),
        reason: reason.to_owned(),
    }
}

fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The `$ref` to component `name` of `kind` (`schemas`, `parameters`, ...) in the same file:
/// a JSON pointer (`~` and `/` escaped) written as a URI fragment (`%` escaped), which
/// [`Spec::schema`] and the other look-ups read back to `name`.
pub fn component_ref(kind: &str, name: &str) -> String {
    let token = name
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('%', "%25");
    format!("#/components/{kind}/{token}")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn spec(files: &[(&str, &str)]) -> Result<Spec> {
        Spec::from_sources(
            files
                .iter()
                .map(|(name, text)| (PathBuf::from(name), (*text).to_owned()))
                .collect(),
        )
    }

    const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn resolves_refs_across_files() {
        let a = format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: 'b.yaml#/components/schemas/B'}}\n"
        );
        let b = format!("{HEAD}components:\n  schemas:\n    B: {{type: string}}\n");
        let spec = spec(&[("a.yaml", &a), ("b.yaml", &b)]).expect("loads");
        let node = ReferenceOr::Reference {
            reference: "#/components/schemas/A".to_owned(),
        };
        let resolved = spec.schema(0, &spec.root(0), &node).expect("resolves");
        assert_eq!(resolved.file, 1);
        assert_eq!(resolved.component.as_deref(), Some("B"));
        assert_eq!(resolved.at.to_string(), "b.yaml#/components/schemas/B");
    }

    #[test]
    fn a_dangling_ref_names_file_and_pointer() {
        let a = format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/Nope'}}\n"
        );
        let err = spec(&[("a.yaml", &a)]).expect_err("dangling");
        assert_eq!(
            err.to_string(),
            "a.yaml#/components/schemas/A/$ref: `$ref` to `#/components/schemas/Nope` does not resolve: no such node"
        );
    }

    #[test]
    fn refs_outside_the_folder_are_refused() {
        let a = format!("{HEAD}components:\n  schemas:\n    A: {{$ref: '../etc/passwd#/x'}}\n");
        let err = spec(&[("a.yaml", &a)]).expect_err("refused");
        assert!(
            err.to_string()
                .contains("only files in the same spec folder"),
            "{err}"
        );
    }

    #[test]
    fn ref_cycles_are_an_error() {
        let a = format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"
        );
        let spec = spec(&[("a.yaml", &a)]).expect("loads");
        let node = ReferenceOr::Reference {
            reference: "#/components/schemas/A".to_owned(),
        };
        let err = spec.schema(0, &spec.root(0), &node).expect_err("cycle");
        assert!(err.to_string().contains("chained `$ref`s"), "{err}");
    }

    #[test]
    fn refs_below_the_components_resolve() {
        let a = format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: 'b.yaml#/components/schemas/B/properties/x'}}\n"
        );
        let b = format!(
            "{HEAD}components:\n  schemas:\n    B: {{type: object, properties: {{x: {{type: integer}}}}}}\n"
        );
        let spec = spec(&[("a.yaml", &a), ("b.yaml", &b)]).expect("loads");
        let node = ReferenceOr::Reference {
            reference: "#/components/schemas/A".to_owned(),
        };
        let resolved = spec.schema(0, &spec.root(0), &node).expect("resolves");
        assert_eq!(resolved.file, 1);
        assert_eq!(
            resolved.at.to_string(),
            "b.yaml#/components/schemas/B/properties/x"
        );
        assert!(matches!(
            resolved.value.schema_kind,
            openapiv3::SchemaKind::Type(openapiv3::Type::Integer(_))
        ));
    }

    #[test]
    fn ref_fragments_are_percent_decoded() {
        let a = format!(
            "{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/My%20B%7Bx%7D'}}\n    'My B{{x}}': {{type: integer}}\n"
        );
        let loaded = spec(&[("a.yaml", &a)]).expect("loads");
        let node = ReferenceOr::Reference {
            reference: "#/components/schemas/A".to_owned(),
        };
        let resolved = loaded.schema(0, &loaded.root(0), &node).expect("resolves");
        assert_eq!(resolved.component.as_deref(), Some("My B{x}"));
        let bad = format!("{HEAD}components:\n  schemas:\n    A: {{$ref: '#/components/%FF'}}\n");
        let err = spec(&[("a.yaml", &bad)]).expect_err("not UTF-8");
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }

    #[test]
    fn unquoted_status_codes_load() {
        let a = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        200: {description: ok}\n";
        let spec = spec(&[("a.yaml", a)]).expect("loads");
        assert_eq!(spec.files[0].doc.paths.paths.len(), 1);
    }
}
