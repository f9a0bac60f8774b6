//! What the user sees of a result: tables or JSON on stdout, progress bars on stderr. Errors
//! are [`failure`](crate::failure)'s.

use std::io::{self, Write};

use cloudflare_stream::{Download, DownloadType};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value, json};

/// Downloads as a table, or as JSON keyed by type (the API's own shape).
pub(crate) fn downloads(
    video: &str,
    rows: &[(DownloadType, Download)],
    json: bool,
) -> io::Result<()> {
    if json {
        let object: Map<String, Value> = rows
            .iter()
            .map(|(download_type, download)| (download_type.as_str().to_owned(), json!(download)))
            .collect();
        return print_json(&Value::Object(object));
    }
    if rows.is_empty() {
        return print(format!("No downloads for video {video}.\n"));
    }
    let mut table = format!("{:<8} {:<10} {:>8}  URL\n", "TYPE", "STATUS", "PROGRESS");
    for (download_type, download) in rows {
        let status = download
            .status
            .as_ref()
            .map_or("-", |status| status.as_str());
        table += &format!(
            "{:<8} {:<10} {:>7.1}%  {}\n",
            download_type.as_str(),
            printable(status),
            download.percent_complete.unwrap_or(0.0),
            printable(download.url.as_deref().unwrap_or("-"))
        );
    }
    print(table)
}

/// What was deleted, in words or as `{"deleted": [...]}`.
pub(crate) fn deleted(video: &str, types: &[DownloadType], json: bool) -> io::Result<()> {
    if json {
        let names: Vec<&str> = types.iter().map(DownloadType::as_str).collect();
        return print_json(&json!({ "deleted": names }));
    }
    let lines: String = types
        .iter()
        .map(|download_type| {
            format!(
                "Deleted the {} download of video {video}.\n",
                download_type.as_str()
            )
        })
        .collect();
    print(lines)
}

/// `text` from the server as it may reach a terminal: control characters (escape sequences
/// that retitle the window or recolour it, a line feed that forges a row) written as escapes.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn print_json(value: &Value) -> io::Result<()> {
    // Serialising a `Value` cannot fail.
    print(serde_json::to_string_pretty(value).unwrap_or_default() + "\n")
}

/// One line on stdout: JSON on one line, or text; flushed, so a reader sees it as it comes.
pub(crate) fn print_line(value: &dyn std::fmt::Display) -> io::Result<()> {
    print(format!("{value}\n"))
}

/// Writes a whole result at once. Unlike `println!`, a closed stdout (`| head`) is an error to
/// report, not a panic.
fn print(text: String) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// A bar from 0 to 100 for one download type.
pub(crate) fn progress_bar(download_type: &DownloadType) -> ProgressBar {
    let bar = ProgressBar::new(100).with_prefix(download_type.as_str().to_owned());
    match ProgressStyle::with_template("{prefix:<8} [{bar:32}] {pos:>3}% {msg}") {
        Ok(style) => bar.with_style(style.progress_chars("=> ")),
        // The template is a constant; should it ever not parse, the default bar still works.
        Err(_) => bar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_from_the_server_are_escaped() {
        assert_eq!(
            printable("https://x/\u{1b}]0;pwned\u{7}\nFAKE"),
            "https://x/\\u{1b}]0;pwned\\u{7}\\nFAKE"
        );
        assert_eq!(printable("ready é"), "ready é");
    }
}
