//! A folder's overlays applied to the documents beside them: each overlay names the file it
//! corrects with `extends`.

use serde_json::Value;

use crate::{Error, Overlay};

/// What one action of a folder's overlays did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The overlay file.
    pub overlay: String,
    /// The action's index in it.
    pub action: usize,
    /// The action's target, as written.
    pub target: String,
    /// Why the action is there.
    pub description: Option<String>,
    /// The document it changed (its file name).
    pub document: String,
    /// How many nodes it selected (never zero: that is an error).
    pub selected: usize,
}

/// Applies `overlays`, in the order given, to the documents of one folder, `(file name,
/// document)`. Each overlay's `extends` names one of them (`stream.videos.yaml`, or
/// `./stream.videos.yaml`).
///
/// An overlay without `extends`, or naming a file that is not there, is an error; so is an
/// action that selects nothing: it corrected something the document no longer has, and
/// whoever replaced the document should look at it.
pub fn apply_in_folder(
    docs: &mut [(&str, &mut Value)],
    overlays: &[Overlay],
) -> Result<Vec<Applied>, Error> {
    let mut applied = Vec::new();
    for overlay in overlays {
        let name = target_file(overlay, docs)?;
        let Some((document, doc)) = docs.iter_mut().find(|(file, _)| *file == name) else {
            continue;
        };
        let counts = overlay.apply(doc)?;
        for (index, (action, selected)) in overlay.actions.iter().zip(counts).enumerate() {
            if selected == 0 {
                return Err(Error::apply(
                    &overlay.file,
                    index,
                    &action.target,
                    format!(
                        "selects nothing in {document}: the correction no longer applies (the document changed?); update the target or remove the action"
                    ),
                ));
            }
            applied.push(Applied {
                overlay: overlay.file.clone(),
                action: index,
                target: action.target.clone(),
                description: action.description.clone(),
                document: (*document).to_owned(),
                selected,
            });
        }
    }
    Ok(applied)
}

/// The file name `extends` gives, checked against the folder.
fn target_file<'a>(overlay: &'a Overlay, docs: &[(&str, &mut Value)]) -> Result<&'a str, Error> {
    let Some(extends) = overlay.extends.as_deref() else {
        return Err(Error::invalid(
            &overlay.file,
            "/extends",
            "is required in a spec folder: the file name of the document this overlay corrects"
                .into(),
        ));
    };
    let name = extends.strip_prefix("./").unwrap_or(extends);
    if docs.iter().any(|(file, _)| *file == name) {
        return Ok(name);
    }
    let mut names: Vec<&str> = docs.iter().map(|(file, _)| *file).collect();
    names.sort_unstable();
    Err(Error::invalid(
        &overlay.file,
        "/extends",
        format!(
            "`{extends}` is not a document of this folder (they are: {})",
            names.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn overlay(file: &str, extends: Option<&str>, actions: Value) -> Overlay {
        let mut doc =
            json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions});
        if let Some(extends) = extends {
            doc["extends"] = json!(extends);
        }
        Overlay::from_value(&doc, file).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn each_overlay_changes_the_document_it_extends_in_order() {
        let (mut a, mut b) = (json!({"x": {}}), json!({"y": {}}));
        let overlays = [
            overlay(
                "1.yaml",
                Some("./b.yaml"),
                json!([{"target": "$.y", "description": "why", "update": {"n": 1}}]),
            ),
            overlay(
                "2.yaml",
                Some("b.yaml"),
                json!([{"target": "$.y", "update": {"n": 2}}]),
            ),
        ];
        let applied = apply_in_folder(&mut [("a.yaml", &mut a), ("b.yaml", &mut b)], &overlays)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, json!({"x": {}}));
        assert_eq!(b, json!({"y": {"n": 2}}));
        assert_eq!(applied.len(), 2);
        assert_eq!(applied[0].description.as_deref(), Some("why"));
        assert_eq!(
            (applied[0].document.as_str(), applied[0].selected),
            ("b.yaml", 1)
        );
    }

    #[test]
    fn a_missing_or_unknown_extends_and_an_action_selecting_nothing_are_errors() {
        let mut a = json!({"x": {}});
        let cases = [
            (
                overlay("o.yaml", None, json!([{"target": "$.x", "remove": true}])),
                "o.yaml#/extends: is required",
            ),
            (
                overlay(
                    "o.yaml",
                    Some("c.yaml"),
                    json!([{"target": "$.x", "remove": true}]),
                ),
                "o.yaml#/extends: `c.yaml` is not a document of this folder (they are: a.yaml)",
            ),
            (
                overlay(
                    "o.yaml",
                    Some("a.yaml"),
                    json!([{"target": "$.x", "update": {}}, {"target": "$.gone", "remove": true}]),
                ),
                "o.yaml#/actions/1: `$.gone` selects nothing in a.yaml",
            ),
        ];
        for (overlay, expected) in cases {
            let error = apply_in_folder(&mut [("a.yaml", &mut a)], &[overlay])
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.starts_with(expected), "{error}");
        }
    }
}
