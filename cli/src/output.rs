//! What the user sees of a result: tables or JSON on stdout, progress bars on stderr. Errors
//! are [`failure`](crate::failure)'s.

use cloudflare_stream::{Download, DownloadType};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value, json};

/// Downloads as a table, or as JSON keyed by type (the API's own shape).
pub(crate) fn downloads(video: &str, rows: &[(DownloadType, Download)], json: bool) {
    if json {
        let object: Map<String, Value> = rows
            .iter()
            .map(|(download_type, download)| (download_type.as_str().to_owned(), json!(download)))
            .collect();
        print_json(&Value::Object(object));
        return;
    }
    if rows.is_empty() {
        println!("No downloads for video {video}.");
        return;
    }
    println!("{:<8} {:<10} {:>8}  URL", "TYPE", "STATUS", "PROGRESS");
    for (download_type, download) in rows {
        let status = download
            .status
            .as_ref()
            .map_or("-", |status| status.as_str());
        println!(
            "{:<8} {:<10} {:>7.1}%  {}",
            download_type.as_str(),
            status,
            download.percent_complete.unwrap_or(0.0),
            download.url.as_deref().unwrap_or("-")
        );
    }
}

/// What was deleted, in words or as `{"deleted": [...]}`.
pub(crate) fn deleted(video: &str, types: &[DownloadType], json: bool) {
    if json {
        let names: Vec<&str> = types.iter().map(DownloadType::as_str).collect();
        print_json(&json!({ "deleted": names }));
        return;
    }
    for download_type in types {
        println!(
            "Deleted the {} download of video {video}.",
            download_type.as_str()
        );
    }
}

fn print_json(value: &Value) {
    // Serialising a `Value` cannot fail.
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
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
