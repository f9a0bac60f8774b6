//! An imported file as YAML text that YAML 1.1 tools read as YAML 1.2 ones do.
//!
//! The writer follows YAML 1.2, as OpenAPI recommends, where `on`, `off`, `yes`, `no`, `y` and
//! `n` are strings and need no quotes. YAML 1.1 readers, still common (PyYAML, and the tools
//! built on it), read them as booleans: a live input's `mode: off` would become `false`; and
//! they read `2014-01-02T02:20:00Z` as a timestamp, not a string. Such a plain scalar is
//! single-quoted, which both versions read as the string. The result is parsed
//! back and kept only if it reads as the same document; otherwise the writer's text is used.

use serde_json::Value;

/// Plain scalars that YAML 1.1 reads as booleans and YAML 1.2 as strings (`true` and `false`,
/// booleans in both, are quoted by the writer already when they are strings).
const YAML_1_1_BOOLEANS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

/// `doc` as YAML text.
pub fn to_string(doc: &Value) -> Result<String, String> {
    let text = yaml_serde::to_string(doc).map_err(|e| e.to_string())?;
    let quoted = quote_misread(&text);
    let same = yaml_serde::from_str::<Value>(&quoted).is_ok_and(|read| read == *doc);
    Ok(if same { quoted } else { text })
}

/// `text` with each plain key or value that YAML 1.1 reads as a boolean or a timestamp
/// single-quoted; the lines of block scalars (`|`, `>`) are left as they are.
fn quote_misread(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    // While a block scalar is read: the column its content is indented beyond.
    let mut block: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let indent = body.len() - body.trim_start().len();
        if let Some(opened) = block {
            if body.trim().is_empty() || indent > opened {
                out.push_str(line);
                continue;
            }
            block = None;
        }
        let fixed = quote_line(body);
        if opens_block(&fixed) {
            block = Some(parent_column(body));
        }
        out.push_str(&fixed);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The column of the node a block scalar opened on `line` belongs to, which its content is
/// indented beyond: the key of `key: |` (after any `- `), or the last dash of `- |`.
fn parent_column(line: &str) -> usize {
    let mut column = line.len() - line.trim_start().len();
    let mut rest = line.trim_start();
    let mut dash = None;
    while let Some(after) = rest.strip_prefix("- ") {
        dash = Some(column);
        column += 2;
        rest = after;
    }
    match (rest.contains(": "), dash) {
        (false, Some(dash)) => dash,
        _ => column,
    }
}

/// One line outside block scalars: `- ` items, then `key: value`, `key:` or a bare value.
fn quote_line(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let mut rest = &line[indent..];
    let mut out = line[..indent].to_owned();
    while let Some(after) = rest.strip_prefix("- ") {
        out.push_str("- ");
        rest = after;
    }
    let (key, value) = match rest.split_once(": ") {
        Some((key, value)) => (Some(key), Some(value)),
        None => match rest.strip_suffix(':') {
            Some(key) => (Some(key), None),
            None => (None, Some(rest)),
        },
    };
    if let Some(key) = key {
        out.push_str(&quoted(key));
        out.push(':');
        if value.is_some() {
            out.push(' ');
        }
    }
    if let Some(value) = value {
        out.push_str(&quoted(value));
    }
    out
}

/// `scalar` single-quoted if YAML 1.1 would read it as a boolean or a timestamp.
fn quoted(scalar: &str) -> String {
    if YAML_1_1_BOOLEANS.contains(&scalar) || looks_like_a_date(scalar) {
        format!("'{scalar}'")
    } else {
        scalar.to_owned()
    }
}

/// Whether `scalar` starts as a YAML 1.1 timestamp does (`2014-01-02`, then the end or a time):
/// a 1.1 reader makes a date of it. Quoting a string that merely starts so is harmless.
fn looks_like_a_date(scalar: &str) -> bool {
    let bytes = scalar.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    digits(0..4) && bytes.get(4) == Some(&b'-') && bytes.len() >= 8 && digits(5..6)
}

/// Whether `line` ends with a block scalar indicator (`|`, `|-`, `>+`, ...).
fn opens_block(line: &str) -> bool {
    let indicator = line.trim_end().rsplit(' ').next().unwrap_or_default();
    let mut chars = indicator.chars();
    matches!(chars.next(), Some('|' | '>')) && chars.all(|c| matches!(c, '-' | '+' | '0'..='9'))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn yaml_1_1_booleans_are_quoted_and_nothing_else_changes() {
        let doc = json!({
            "mode": "off",
            "on": {"enum": ["on", "off", "automatic", "yes", "no", "y"]},
            "note": "first line\n- off\nno: on\n",
            "list": [{"a": "No"}, "plain", true, "true"],
            "offset": "off-peak",
            "created": "2014-01-02T02:20:00Z",
            "day": "2014-01-02",
            "year": "2014",
        });
        let text = to_string(&doc).expect("written");
        assert!(text.contains("mode: 'off'\n"), "{text}");
        assert!(text.contains("'on':\n"), "{text}");
        assert!(
            text.contains("- 'yes'\n") && text.contains("- automatic\n"),
            "{text}"
        );
        assert!(text.contains("- a: 'No'\n"), "{text}");
        assert!(text.contains("offset: off-peak\n"), "{text}");
        assert!(text.contains("created: '2014-01-02T02:20:00Z'\n"), "{text}");
        assert!(text.contains("day: '2014-01-02'\n"), "{text}");
        // The block scalar's lines are the text's own: untouched.
        assert!(text.contains("  - off\n  no: on\n"), "{text}");
        assert_eq!(
            yaml_serde::from_str::<Value>(&text).expect("reads back"),
            doc
        );
    }

    #[test]
    fn a_block_in_a_list_item_ends_where_its_key_ends() {
        let doc = json!({"parameters": [
            {"description": "Two\nlines.", "example": "2023-01-31T15:56:36+00:00", "name": "on"},
            ["off\nstill the block", "off"],
        ]});
        let text = to_string(&doc).expect("written");
        assert!(
            text.contains("  example: '2023-01-31T15:56:36+00:00'\n"),
            "{text}"
        );
        assert!(text.contains("  name: 'on'\n"), "{text}");
        assert!(text.contains("  - 'off'\n"), "{text}");
        assert!(text.contains("    off\n"), "{text}");
        assert_eq!(
            yaml_serde::from_str::<Value>(&text).expect("reads back"),
            doc
        );
    }

    #[test]
    fn block_indicators_are_recognised() {
        for line in ["a: |", "a: |-", "- >+", "a: |2-", "description: >-"] {
            assert!(opens_block(line), "{line}");
        }
        for line in ["a: b", "a: '|'", "a: x|", "a:", "- >x"] {
            assert!(!opens_block(line), "{line}");
        }
    }
}
