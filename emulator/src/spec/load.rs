//! Reading a spec folder: every `.yaml`, `.yml` and `.json` file in it (not in sub-folders),
//! parsed to JSON values, the folder's overlays (OpenAPI Overlay 1.0 documents, which correct
//! the file their `extends` names) applied to them, as the generator applies them, and every
//! `$ref` checked before anything is served.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::SpecError;

/// An overlay that cannot be read or applied, as the emulator's own errors say it.
fn invalid(error: overlay::Error) -> SpecError {
    let message = match &error.target {
        Some(target) => format!("overlay: `{target}` {}", error.message),
        None => format!("overlay: {}", error.message),
    };
    SpecError::Invalid {
        at: format!("{}#{}", error.file, error.pointer),
        message,
    }
}

/// The files of the project's `spec/`, `(file name, text)`, embedded by the build script.
const EMBEDDED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/stream_spec.rs"));

/// How many `$ref`s may follow each other before the chain is called a cycle.
pub(crate) const MAX_REF_CHAIN: usize = 64;

/// The files of a spec folder, by name, in name order.
#[derive(Debug)]
pub(crate) struct Files {
    /// `(file name, document)`, sorted by name.
    pub(crate) docs: Vec<(String, Value)>,
    by_name: HashMap<String, usize>,
}

impl Files {
    /// Reads and parses every spec file of `dir`.
    pub(crate) fn read(dir: &Path) -> Result<Self, SpecError> {
        let entries = std::fs::read_dir(dir).map_err(|source| SpecError::Folder {
            dir: dir.to_path_buf(),
            source,
        })?;
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| SpecError::Folder {
                dir: dir.to_path_buf(),
                source,
            })?;
            let path = entry.path();
            let is_spec = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            );
            if is_spec && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        if paths.is_empty() {
            return Err(SpecError::Empty {
                dir: dir.to_path_buf(),
            });
        }
        let mut sources = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| SpecError::Read {
                file: path.clone(),
                source,
            })?;
            sources.push((path, text));
        }
        Self::from_texts(sources)
    }

    /// The Stream API this emulator was built with: the project's `spec/`, embedded.
    pub(crate) fn embedded() -> Result<Self, SpecError> {
        let sources = EMBEDDED
            .iter()
            .map(|(name, text)| (PathBuf::from(format!("spec/{name}")), (*text).to_owned()))
            .collect();
        Self::from_texts(sources)
    }

    /// Parses files already read, `(path, text)`: the path names the file in errors, its file
    /// name is what `$ref`s use. Overlays are applied and every `$ref` checked.
    fn from_texts(sources: Vec<(PathBuf, String)>) -> Result<Self, SpecError> {
        let mut docs = Vec::new();
        let mut overlays = Vec::new();
        for (path, text) in sources {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let doc = parse(&path, &text)?;
            if !doc.is_object() {
                return Err(SpecError::Invalid {
                    at: format!("{name}#"),
                    message: "an OpenAPI document must be an object".into(),
                });
            }
            if overlay::is_overlay(&doc) {
                overlays.push(overlay::Overlay::from_value(&doc, &name).map_err(invalid)?);
            } else {
                docs.push((name, doc));
            }
        }
        if !overlays.is_empty() {
            // Paths are sorted: overlays apply in file-name order.
            let mut targets: Vec<(&str, &mut Value)> = docs
                .iter_mut()
                .map(|(name, doc)| (name.as_str(), doc))
                .collect();
            overlay::apply_in_folder(&mut targets, &overlays).map_err(invalid)?;
        }
        let by_name = docs
            .iter()
            .enumerate()
            .map(|(index, (name, _))| (name.clone(), index))
            .collect();
        let files = Self { docs, by_name };
        files.check_refs()?;
        Ok(files)
    }

    /// Files made of documents in memory, without a folder or checks.
    #[cfg(test)]
    pub(crate) fn from_docs(docs: Vec<(String, Value)>) -> Self {
        let by_name = docs
            .iter()
            .enumerate()
            .map(|(index, (name, _))| (name.clone(), index))
            .collect();
        Self { docs, by_name }
    }

    /// The index of the file named `name` (`./` allowed in front).
    pub(crate) fn index(&self, name: &str) -> Option<usize> {
        self.by_name
            .get(name.strip_prefix("./").unwrap_or(name))
            .copied()
    }

    /// The node `reference` (`other.yaml#/components/...`, `#/...`) points at, from `file`.
    pub(crate) fn target(&self, file: usize, reference: &str) -> Option<(usize, &Value)> {
        let (name, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let file = if name.is_empty() {
            file
        } else {
            self.index(name)?
        };
        let fragment = percent_encoding::percent_decode_str(fragment)
            .decode_utf8()
            .ok()?;
        let doc = &self.docs.get(file)?.1;
        let node = if fragment.is_empty() {
            doc
        } else {
            doc.pointer(&fragment)?
        };
        Some((file, node))
    }

    /// Follows `$ref`s from `value` (in `file`) to a node that is not one.
    pub(crate) fn resolve<'a>(&'a self, file: usize, value: &'a Value) -> (usize, &'a Value) {
        let (mut file, mut value) = (file, value);
        for _ in 0..MAX_REF_CHAIN {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                break;
            };
            match self.target(file, reference) {
                Some(next) => (file, value) = next,
                None => break,
            }
        }
        (file, value)
    }

    /// Checks that every `$ref` resolves, and that no chain of them loops.
    fn check_refs(&self) -> Result<(), SpecError> {
        for (index, (name, doc)) in self.docs.iter().enumerate() {
            let mut pointer = String::new();
            self.check_node(index, name, doc, &mut pointer)?;
        }
        Ok(())
    }

    fn check_node(
        &self,
        file: usize,
        name: &str,
        node: &Value,
        pointer: &mut String,
    ) -> Result<(), SpecError> {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    self.check_ref(file, name, reference, pointer)?;
                }
                for (key, child) in map {
                    // Data, not schema: a `$ref` in an example is just a key.
                    if matches!(key.as_str(), "example" | "default" | "enum" | "const")
                        || key.starts_with("x-")
                    {
                        continue;
                    }
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    self.check_node(file, name, child, pointer)?;
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    self.check_node(file, name, child, pointer)?;
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn check_ref(
        &self,
        file: usize,
        name: &str,
        reference: &str,
        pointer: &str,
    ) -> Result<(), SpecError> {
        let at = || format!("{name}#{pointer}/$ref");
        let target_name = reference.split('#').next().unwrap_or_default();
        if target_name.contains("://") {
            return Err(SpecError::Invalid {
                at: at(),
                message: format!(
                    "`$ref` {reference:?} is remote; only files of the spec folder are read"
                ),
            });
        }
        if !target_name.is_empty() && self.index(target_name).is_none() {
            return Err(SpecError::Invalid {
                at: at(),
                message: format!(
                    "`$ref` {reference:?} names a file that is not in the spec folder"
                ),
            });
        }
        let (mut file, mut reference) = (file, reference.to_owned());
        for _ in 0..MAX_REF_CHAIN {
            let Some((next_file, next)) = self.target(file, &reference) else {
                return Err(SpecError::Invalid {
                    at: at(),
                    message: format!("`$ref` {reference:?} does not resolve: no such node"),
                });
            };
            match next.get("$ref").and_then(Value::as_str) {
                Some(further) => (file, reference) = (next_file, further.to_owned()),
                None => return Ok(()),
            }
        }
        Err(SpecError::Invalid {
            at: at(),
            message: format!(
                "`$ref` {reference:?} starts a chain of more than {MAX_REF_CHAIN} references (a cycle?)"
            ),
        })
    }
}

/// YAML or JSON text to a JSON value.
fn parse(path: &Path, text: &str) -> Result<Value, SpecError> {
    let is_json = path.extension().and_then(|e| e.to_str()) == Some("json");
    if is_json {
        serde_json::from_str(text).map_err(|e| SpecError::Syntax {
            file: path.to_path_buf(),
            message: e.to_string(),
        })
    } else {
        yaml_serde::from_str(text).map_err(|e| SpecError::Syntax {
            file: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
        }
        dir
    }

    #[test]
    fn reads_yaml_and_json_and_follows_refs_across_files() {
        let dir = folder(&[
            (
                "a.yaml",
                "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: 'b.json#/components/schemas/B'}\n",
            ),
            (
                "b.json",
                r#"{"openapi": "3.0.3", "components": {"schemas": {"B": {"type": "integer"}}}}"#,
            ),
            ("notes.txt", "not a spec"),
        ]);
        let files = Files::read(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(files.docs.len(), 2);
        let a = files.docs[0].1.pointer("/components/schemas/A");
        let (file, node) = files.resolve(0, a.unwrap_or(&Value::Null));
        assert_eq!(file, 1);
        assert_eq!(node, &serde_json::json!({"type": "integer"}));
    }

    #[test]
    fn yaml_status_codes_written_as_numbers_are_keys() {
        let dir = folder(&[("a.yaml", "responses:\n  200: {description: ok}\n")]);
        let files = Files::read(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        assert!(files.docs[0].1.pointer("/responses/200").is_some());
    }

    #[test]
    fn broken_refs_cycles_and_empty_folders_are_refused_with_their_place() {
        let refuse = |files: &[(&str, &str)]| match Files::read(folder(files).path()) {
            Ok(_) => panic!("expected a refusal"),
            Err(e) => e.to_string(),
        };
        let missing = refuse(&[("a.yaml", "x: {$ref: '#/nope'}\n")]);
        assert!(missing.contains("a.yaml#/x/$ref"), "{missing}");
        let other = refuse(&[("a.yaml", "x: {$ref: 'c.yaml#/y'}\n")]);
        assert!(other.contains("not in the spec folder"), "{other}");
        let cycle = refuse(&[("a.yaml", "x: {$ref: '#/y'}\ny: {$ref: '#/x'}\n")]);
        assert!(cycle.contains("cycle"), "{cycle}");
        let remote = refuse(&[("a.yaml", "x: {$ref: 'https://e.com/s.yaml#/y'}\n")]);
        assert!(remote.contains("remote"), "{remote}");
        let syntax = refuse(&[("a.yaml", "x: [\n")]);
        assert!(syntax.contains("a.yaml"), "{syntax}");
        assert!(refuse(&[]).contains("no OpenAPI file"));
        // A `$ref` inside an example is data.
        let dir = folder(&[("a.yaml", "x: {example: {$ref: '#/nope'}}\n")]);
        assert!(Files::read(dir.path()).is_ok());
    }
}
