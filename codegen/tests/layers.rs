//! The model's modules stay in the layers `model/mod.rs` names: each uses only modules of its
//! own layer or above. Read from the source, so a new `use` across the layers fails here
//! rather than growing an import circle nobody sees.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each module of `model/` and its layer, as `model/mod.rs` lists them.
const LAYERS: &[(&str, u8)] = &[
    ("ir", 1),
    ("names", 2),
    ("shape", 2),
    ("visit", 2),
    ("docs", 3),
    ("cloudflare", 4),
    ("types", 5),
    ("paths", 6),
    ("operations", 6),
    ("paging", 6),
    ("resources", 6),
    ("sites", 7),
    ("pairing", 7),
    ("lock", 7),
];

fn model_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model")
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("model/ is readable") {
        let path = entry.expect("model/ is readable").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The model module a file belongs to: `types/merge.rs` is `types`, `lock.rs` is `lock`.
fn module_of(file: &Path) -> String {
    let relative = file.strip_prefix(model_dir()).expect("under model/");
    let first = relative.components().next().expect("a file");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

/// The model modules `text` names outside its tests: `super::x`, `super::super::x` (from a
/// submodule) and `crate::model::x`.
fn uses(text: &str, nested: bool) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let prefixes: &[&str] = if nested {
        &["super::super::", "crate::model::"]
    } else {
        &["super::", "crate::model::"]
    };
    let mut found = Vec::new();
    for prefix in prefixes {
        for (at, _) in code.match_indices(prefix) {
            // `super::super::` also contains `super::`: read only whole prefixes.
            if !nested && code[..at].ends_with("super::") {
                continue;
            }
            let rest = &code[at + prefix.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() && name != "super" && !rest[name.len()..].starts_with('(') {
                found.push(name);
            }
        }
    }
    found
}

#[test]
fn the_layers_hold() {
    let layer: BTreeMap<&str, u8> = LAYERS.iter().copied().collect();
    let mut files = Vec::new();
    sources(&model_dir(), &mut files);
    files.sort();
    let mut crossings = Vec::new();
    for file in &files {
        let module = module_of(file);
        if module == "mod" {
            continue;
        }
        let own = *layer
            .get(module.as_str())
            .unwrap_or_else(|| panic!("{module} is in no layer: add it to model/mod.rs and here"));
        let nested = file.parent() != Some(model_dir().as_path());
        let text = std::fs::read_to_string(file).expect("readable");
        for used in uses(&text, nested) {
            if let Some(&theirs) = layer.get(used.as_str())
                && theirs > own
            {
                crossings.push(format!(
                    "{}: {module} (layer {own}) uses {used} (layer {theirs})",
                    file.display()
                ));
            }
        }
    }
    assert!(crossings.is_empty(), "{}", crossings.join("\n"));
}

#[test]
fn every_module_is_in_a_layer_and_mod_rs_names_it() {
    let listing = std::fs::read_to_string(model_dir().join("mod.rs")).expect("readable");
    for (module, _) in LAYERS {
        assert!(
            listing.contains(&format!("`{module}`")) || listing.contains(&format!("[`{module}`]")),
            "model/mod.rs does not name {module}"
        );
        assert!(
            listing.contains(&format!("mod {module};")),
            "model/mod.rs declares no {module}"
        );
    }
}

#[test]
fn the_reader_sees_an_upward_use() {
    // The check itself can fail: a use of a lower layer is found.
    let found = uses(
        "use super::lock::read;\nfn f() { super::super::x(); }",
        false,
    );
    assert_eq!(found, ["lock"]);
    let nested = uses("use super::super::types::X;\nuse super::merge::Y;", true);
    assert_eq!(nested, ["types"]);
}
