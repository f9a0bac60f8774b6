//! `overlays`: the corrections a spec folder's overlays make, action by action, and what they
//! change in the generated API.

use std::process::ExitCode;

use crate::changes::{self, render};
use crate::load::Spec;
use crate::model::lock;

use super::args::{FormatArg, OverlaysArgs};
use super::generate::print_notes;

/// Writes each spec file of `spec`, as its overlays made it, into `dir` as JSON.
fn write_corrected(spec: &Spec, dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for file in &spec.files {
        let value = file
            .value()
            .ok_or_else(|| format!("{}: cannot be read again", file.path.display()))?;
        let target = dir.join(&file.name);
        let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
        std::fs::write(&target, text + "\n").map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(())
}

/// Runs `overlays`.
pub fn overlays(args: &OverlaysArgs) -> Result<ExitCode, String> {
    let corrected = Spec::load_dir(&args.spec).map_err(|e| e.to_string())?;
    let bare = Spec::load_dir_without_overlays(&args.spec).map_err(|e| e.to_string())?;
    let lock = lock::read(&args.spec).map_err(|e| e.to_string())?;
    let options = args.options.options();
    // Both sides keep the folder's names, so that a correction shows as the change it makes
    // to an item, not as a renamed one.
    let before = crate::Generator::new(options)
        .keeping_names_of(lock.as_ref())
        .generate(&bare)
        .map_err(|e| format!("the folder without its overlays does not generate: {e}"))?;
    let after = crate::Generator::new(options)
        .keeping_names_of(lock.as_ref().or(Some(&before.api)))
        .generate(&corrected)
        .map_err(|e| e.to_string())?;
    print_notes(&after.notes);
    if let Some(dir) = &args.write {
        write_corrected(&corrected, dir)?;
    }
    let changelog = changes::compare(&before.api, &after.api);
    let format = match args.format {
        FormatArg::Text => render::Format::Text,
        FormatArg::Markdown => render::Format::Markdown,
        FormatArg::Json => render::Format::Json,
    };
    if matches!(args.format, FormatArg::Json) {
        // One JSON document: the actions beside the changelog's own fields.
        let mut json: serde_json::Value = serde_json::from_str(&render::render(&changelog, format))
            .map_err(|e| format!("the changelog's JSON: {e}"))?;
        json["actions"] = corrected
            .overlays
            .iter()
            .map(|a| {
                serde_json::json!({
                    "overlay": a.overlay, "action": a.action, "target": a.target,
                    "document": a.document, "selected": a.selected, "description": a.description,
                })
            })
            .collect();
        println!("{json:#}");
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} overlay action(s):", corrected.overlays.len());
    for action in &corrected.overlays {
        println!(
            "  {}#/actions/{}: {} in {} ({} node{})",
            action.overlay,
            action.action,
            action.target,
            action.document,
            action.selected,
            if action.selected == 1 { "" } else { "s" }
        );
        if let Some(why) = &action.description {
            for line in why.lines() {
                println!("      {line}");
            }
        }
    }
    println!();
    print!("{}", render::render(&changelog, format));
    Ok(ExitCode::SUCCESS)
}
