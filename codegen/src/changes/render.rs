//! A changelog as a person or a program reads it: text for a terminal, Markdown for a
//! CHANGELOG section or a pull-request comment, JSON for tools.
//!
//! The JSON form is stable: an object with `changes` (each `{severity, rust, old, new,
//! message}`, `old`/`new` as `file#pointer` or `null`), `semver` (`major`, `minor`, `patch` or
//! `none`) and `counts` (`{breaking, additive, wire, documentation}`).

use serde::Serialize;

use super::{Bump, Change, Changelog, Severity};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For a terminal.
    Text,
    /// For a CHANGELOG section or a pull-request comment.
    Markdown,
    /// For tools.
    Json,
}

/// `major`, `minor`, `patch` or `none`.
pub fn bump_word(bump: Bump) -> &'static str {
    match bump {
        Bump::Major => "major",
        Bump::Minor => "minor",
        Bump::Patch => "patch",
        Bump::None => "none",
    }
}

const GROUPS: [(Severity, &str); 4] = [
    (Severity::Breaking, "Breaking"),
    (Severity::Additive, "Additive"),
    (Severity::Wire, "On the wire only"),
    (Severity::Documentation, "Documentation"),
];

/// `1 breaking, 2 additive, 0 documentation`, with `, 1 wire` when there are wire changes.
pub fn counts_text(changelog: &Changelog) -> String {
    let mut text = format!(
        "{} breaking, {} additive, {} documentation",
        changelog.count(Severity::Breaking),
        changelog.count(Severity::Additive),
        changelog.count(Severity::Documentation),
    );
    let wire = changelog.count(Severity::Wire);
    if wire > 0 {
        text.push_str(&format!(", {wire} on the wire only"));
    }
    text
}

/// `changelog` in `format`.
pub fn render(changelog: &Changelog, format: Format) -> String {
    match format {
        Format::Text => text(changelog),
        Format::Markdown => markdown(changelog),
        Format::Json => json(changelog),
    }
}

fn text(changelog: &Changelog) -> String {
    let mut out = format!("API changes: {}\n", changelog.summary());
    for (severity, _) in GROUPS {
        let changes: Vec<&Change> = of(changelog, severity).collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{} ({}):\n", severity.as_str(), changes.len()));
        for change in changes {
            out.push_str(&format!("  {}: {}\n", change.rust, change.message));
            let at = locations(change);
            if !at.is_empty() {
                out.push_str(&format!("      {at}\n"));
            }
        }
    }
    out
}

fn markdown(changelog: &Changelog) -> String {
    let mut out = String::from("## API changes\n\n");
    if changelog.changes.is_empty() {
        out.push_str("No change to the generated API.\n");
        return out;
    }
    out.push_str(&format!(
        "{}: a **{}** version.\n",
        counts_text(changelog),
        bump_word(changelog.semver()),
    ));
    for (severity, title) in GROUPS {
        let changes: Vec<&Change> = of(changelog, severity).collect();
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("\n### {title}\n\n"));
        for change in changes {
            out.push_str(&format!("- `{}`: {}", change.rust, change.message));
            let at = locations(change);
            if !at.is_empty() {
                out.push_str(&format!(
                    " ({})",
                    at.replace("old: ", "was ").replace("new: ", "")
                ));
            }
            out.push('\n');
        }
    }
    out
}

#[derive(Serialize)]
struct Json<'a> {
    changes: &'a [Change],
    semver: Bump,
    counts: Counts,
}

#[derive(Serialize)]
struct Counts {
    breaking: usize,
    additive: usize,
    wire: usize,
    documentation: usize,
}

fn json(changelog: &Changelog) -> String {
    let document = Json {
        changes: &changelog.changes,
        semver: changelog.semver(),
        counts: Counts {
            breaking: changelog.count(Severity::Breaking),
            additive: changelog.count(Severity::Additive),
            wire: changelog.count(Severity::Wire),
            documentation: changelog.count(Severity::Documentation),
        },
    };
    // Serialising these plain structures cannot fail.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn of(changelog: &Changelog, severity: Severity) -> impl Iterator<Item = &Change> {
    changelog
        .changes
        .iter()
        .filter(move |c| c.severity == severity)
}

/// `old: a.yaml#/x  new: a.yaml#/y`, or one of them, or nothing.
fn locations(change: &Change) -> String {
    match (&change.old, &change.new) {
        (Some(old), Some(new)) if old == new => format!("new: {new}"),
        (Some(old), Some(new)) => format!("old: {old}  new: {new}"),
        (Some(old), None) => format!("old: {old}"),
        (None, Some(new)) => format!("new: {new}"),
        (None, None) => String::new(),
    }
}
