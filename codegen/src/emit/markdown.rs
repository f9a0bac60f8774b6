//! Markdown from the spec as rustdoc reads it: `#[doc]` lines that keep the text's meaning.
//!
//! The spec's Markdown is written for web pages; rustdoc and clippy read it more strictly.
//! Code blocks become `text` blocks (rustdoc would compile them as Rust doctests), bare URLs
//! become links, `[text]` that is not a link is escaped, tabs and lazy list continuations are
//! fixed, and long lines are wrapped without a wrapped line ever starting a block.

use proc_macro2::TokenStream;
use quote::quote;

/// Width that doc text is wrapped to, not counting the `/// ` and indentation in front of it.
const DOC_WIDTH: usize = 88;

/// `#[doc]` attributes, one per line, for `text`, with long prose lines wrapped.
///
/// The text is Markdown from the spec, written for web pages; rustdoc and clippy read it more
/// strictly. Tabs become spaces, and a line that continues a list item or a quote without
/// its indentation or `>` (a "lazy continuation") gets them, which keeps its meaning.
pub fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return quote! {};
    };
    let attrs = doc_lines(text).into_iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#attrs)* }
}

/// The lines of a doc comment for `text` (see [`doc`]).
fn doc_lines(text: &str) -> Vec<String> {
    let source: Vec<String> = text
        .lines()
        .map(|line| line.trim_end().replace('\t', "    "))
        .collect();
    let mut lines = Vec::new();
    // The fence (```` ``` ````, `~~~`) of the code block we are in.
    let mut fence: Option<String> = None;
    // While a paragraph of a list item goes on: the column its text starts at.
    let mut item_text: Option<usize> = None;
    // While a paragraph of a quote goes on.
    let mut in_quote = false;
    // From a table's delimiter row (`---|---`) to the next blank line.
    let mut in_table = false;
    let mut next = 0;
    while next < source.len() {
        let line = source[next].clone();
        next += 1;
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str())
                && trimmed.trim_start_matches(['`', '~']).is_empty()
            {
                fence = None;
            }
            lines.push(line);
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let mark = if trimmed.starts_with('`') { '`' } else { '~' };
            let length = trimmed.chars().take_while(|c| *c == mark).count();
            fence = Some(mark.to_string().repeat(length));
            item_text = None;
            in_quote = false;
            // rustdoc compiles a block without a language as Rust; the spec's are not.
            if trimmed[length..].trim().is_empty() {
                lines.push(format!("{line}text"));
            } else {
                lines.push(line);
            }
            continue;
        }
        if trimmed.is_empty() {
            item_text = None;
            in_quote = false;
            in_table = false;
            lines.push(String::new());
            continue;
        }
        if indent >= 4 && item_text.is_none() && lines.last().is_none_or(String::is_empty) {
            // An indented code block: fenced as text, or rustdoc would compile it as Rust.
            let mut block = vec![line[4..].to_owned()];
            while let Some(more) = source.get(next) {
                let more_indent = more.len() - more.trim_start().len();
                if !more.is_empty() && more_indent < 4 {
                    break;
                }
                block.push(more.get(4..).unwrap_or_default().to_owned());
                next += 1;
            }
            let mut blank_after = 0;
            while block.last().is_some_and(String::is_empty) {
                block.pop();
                blank_after += 1;
            }
            lines.push("```text".to_owned());
            lines.extend(block);
            lines.push("```".to_owned());
            lines.extend(std::iter::repeat_n(String::new(), blank_after));
            continue;
        }
        // Bare URLs become links, and brackets that are not a link are escaped, as rustdoc
        // asks.
        let line = inline_markdown(&line);
        let trimmed = line.trim_start();
        if in_table {
            // A row that starts like a block (`> | Greater than`) would end the table.
            if trimmed.starts_with(['>', '<', '#', '-', '+', '*']) {
                lines.push(format!("{}\\{trimmed}", &line[..indent]));
            } else {
                lines.push(line);
            }
            continue;
        }
        if is_delimiter_row(trimmed) && lines.last().is_some_and(|l: &String| l.contains('|')) {
            in_table = true;
            item_text = None;
            in_quote = false;
            lines.push(line);
            continue;
        }
        if interrupts_paragraph(trimmed) {
            item_text = None;
            in_quote = trimmed.starts_with('>');
            lines.push(line);
            continue;
        }
        if let Some(width) = list_marker(trimmed) {
            item_text = Some(indent + width);
            in_quote = false;
            wrap(&line, indent + width, &mut lines);
            continue;
        }
        if in_quote {
            lines.push(format!("> {trimmed}"));
            continue;
        }
        match item_text {
            Some(column) => wrap(
                &format!("{}{trimmed}", " ".repeat(column)),
                column,
                &mut lines,
            ),
            // A paragraph's line indented four spaces or more (not a code block: those follow a
            // blank line, and were fenced above) is left as it is.
            None if indent >= 4 => lines.push(line),
            None => wrap(&line, indent, &mut lines),
        }
    }
    lines
}

/// `line` with each bare `http://` or `https://` URL outside code spans written `<url>`, the
/// Markdown for a link to itself, and each `[text]` that is not a link written `\[text\]`
/// (rustdoc would look for an item called `text`). URLs already in a link (`[text](url)`,
/// `<url>`) or in an HTML attribute are left alone; trailing punctuation stays outside.
fn inline_markdown(line: &str) -> String {
    let escaped = brackets_to_escape(line);
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let mut at = 0;
    while let Some(c) = line[at..].chars().next() {
        let rest = &line[at..];
        if c == '`' {
            in_code = !in_code;
        } else if !in_code
            && (rest.starts_with("https://") || rest.starts_with("http://"))
            && !out.ends_with("](")
            && !out.ends_with(['<', '='])
            && !out.ends_with("=\"")
            && !out.ends_with("='")
        {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
            if !url.ends_with("//") {
                out.push('<');
                out.push_str(url);
                out.push('>');
                at += url.len();
                continue;
            }
        }
        if escaped.contains(&at) {
            out.push('\\');
        }
        out.push(c);
        at += c.len_utf8();
    }
    out
}

/// Where `line`'s brackets that do not make a link stand: the `[` and `]` of each `[text]`
/// outside code spans, not followed by `(url)`, `[label]` or `: url`, nor an image or a label.
fn brackets_to_escape(line: &str) -> Vec<usize> {
    let bytes = line.as_bytes();
    let mut found = Vec::new();
    let mut in_code = false;
    let mut open: Option<usize> = None;
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'`' => {
                in_code = !in_code;
                open = None;
            }
            _ if in_code => {}
            // After `]`, a reference label: `[text][label]`.
            b'[' if at == 0 || !matches!(bytes[at - 1], b'\\' | b'!' | b']') => open = Some(at),
            b']' => {
                if let Some(start) = open.take()
                    && !matches!(bytes.get(at + 1), Some(b'(' | b'[' | b':'))
                {
                    found.push(start);
                    found.push(at);
                }
            }
            _ => {}
        }
    }
    found
}

/// The width of the list marker that `line` (without indentation) starts with, spaces
/// included: `- `, `* `, `+ `, `1. `, `2) `.
fn list_marker(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().first()? {
        b'-' | b'*' | b'+' => 1,
        _ if (1..=9).contains(&digits)
            && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) =>
        {
            digits + 1
        }
        _ => return None,
    };
    let spaces = line[marker..].bytes().take_while(|b| *b == b' ').count();
    match (spaces, line.len() == marker) {
        (_, true) => Some(marker + 1),
        // Five spaces or more: the item's text is indented code, and starts after one.
        (1..=4, false) => Some(marker + spaces),
        (5.., false) => Some(marker + 1),
        (0, false) => None,
    }
}

/// Whether `line` (without indentation) is the row under a table's header: `---|:---:`.
fn is_delimiter_row(line: &str) -> bool {
    line.contains('-')
        && line.contains('|')
        && line.chars().all(|c| matches!(c, '-' | '|' | ':' | ' '))
}

/// Whether `line` (without indentation) starts a block of its own, which ends the paragraph
/// above rather than continuing it: a heading, a quote, a table row, a rule or HTML.
fn interrupts_paragraph(line: &str) -> bool {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    let heading =
        (1..=6).contains(&hashes) && matches!(line.as_bytes().get(hashes), None | Some(b' '));
    let marks: Vec<char> = line.chars().filter(|c| *c != ' ').collect();
    let rule = marks.len() >= 3 && ['-', '*', '_'].iter().any(|m| marks.iter().all(|c| c == m));
    heading || rule || line.starts_with(['>', '|', '<'])
}

/// Wraps one prose line at word boundaries into `out`; the lines it continues on are indented
/// by `indent`. A word that Markdown would read as the start of a block (`-`, `1.`, `#`, `>`)
/// never starts a line.
fn wrap(line: &str, indent: usize, out: &mut Vec<String>) {
    if line.len() <= DOC_WIDTH {
        out.push(line.to_owned());
        return;
    }
    let lead = line.len() - line.trim_start().len();
    let mut current = line[..lead].to_owned();
    let mut first = true;
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let fits = current.len() + 1 + word.len() <= DOC_WIDTH;
        let starts_block = list_marker(word).is_some() || interrupts_paragraph(word);
        if !first && !fits && !starts_block {
            out.push(std::mem::take(&mut current));
            current.push_str(&" ".repeat(indent));
        } else if !first {
            current.push(' ');
        }
        current.push_str(word);
        first = false;
    }
    out.push(current);
}

#[cfg(test)]
mod tests {
    use super::doc_lines as lines;
    use super::*;

    #[test]
    fn lazy_continuations_are_indented_under_their_item() {
        assert_eq!(
            lines("Kinds:\n- one\ncontinued\n10. ten\nmore\n\nAfter."),
            [
                "Kinds:",
                "- one",
                "  continued",
                "10. ten",
                "    more",
                "",
                "After."
            ]
        );
        assert_eq!(
            lines("> quoted\nlazy\n\nnot"),
            ["> quoted", "> lazy", "", "not"]
        );
        // A heading or a table ends the item's paragraph instead.
        assert_eq!(lines("- a\n# H\n| x |"), ["- a", "# H", "| x |"]);
    }

    #[test]
    fn table_rows_that_start_like_a_block_are_escaped() {
        assert_eq!(
            lines("Op | Name\n---|---\n== | Equals\n> | Greater\n- | Minus\n\n> quote"),
            [
                "Op | Name",
                "---|---",
                "== | Equals",
                "\\> | Greater",
                "\\- | Minus",
                "",
                "> quote"
            ]
        );
    }

    #[test]
    fn tabs_become_spaces_and_code_is_kept() {
        assert_eq!(lines("a\tb"), ["a    b"]);
        assert_eq!(
            lines("```\n- a\nb\n```\n    code"),
            ["```text", "- a", "b", "```", "    code"]
        );
        // rustdoc would compile an indented block, or a fenced one without a language, as Rust.
        assert_eq!(
            lines(
                "Run:\n\n    curl -X GET \\\n        -H x\n\n    more\n\nDone.\n```json\n{}\n```"
            ),
            [
                "Run:",
                "",
                "```text",
                "curl -X GET \\",
                "    -H x",
                "",
                "more",
                "```",
                "",
                "Done.",
                "```json",
                "{}",
                "```"
            ]
        );
    }

    #[test]
    fn wrapped_lines_never_start_a_block() {
        let long = format!("{} - {} 1. two", "word ".repeat(16).trim(), "x".repeat(5));
        let wrapped = lines(&long);
        assert!(wrapped.len() > 1, "{wrapped:?}");
        for line in &wrapped[1..] {
            assert!(
                list_marker(line).is_none() && !interrupts_paragraph(line),
                "{wrapped:?}"
            );
        }
        let item = format!("- {}", "word ".repeat(30).trim());
        let wrapped = lines(&item);
        assert!(wrapped[1].starts_with("  word"), "{wrapped:?}");
    }

    #[test]
    fn bare_urls_become_links_outside_code() {
        assert_eq!(
            lines("See https://tus.io. Or (https://a.b/c), [x](https://d.e) <https://f.g>."),
            ["See <https://tus.io>. Or (<https://a.b/c>), [x](https://d.e) <https://f.g>."]
        );
        assert_eq!(
            lines("`https://a.b` and https://"),
            ["`https://a.b` and https://"]
        );
        assert_eq!(
            lines("```\nhttps://a.b\n```\n\n    https://c.d"),
            [
                "```text",
                "https://a.b",
                "```",
                "",
                "```text",
                "https://c.d",
                "```"
            ]
        );
        assert_eq!(
            lines(r#"E.g. "https://a.b" or <a href="https://c.d">"#),
            [r#"E.g. "<https://a.b>" or <a href="https://c.d">"#]
        );
    }

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(
            lines("A [JSONata] expression; http_status:[code]; [x](https://a.b); [r][1]; `[c]`"),
            [r"A \[JSONata\] expression; http_status:\[code\]; [x](https://a.b); [r][1]; `[c]`"]
        );
    }

    #[test]
    fn list_markers() {
        assert_eq!(list_marker("- a"), Some(2));
        assert_eq!(list_marker("-"), Some(2));
        assert_eq!(list_marker("12) a"), Some(4));
        assert_eq!(list_marker("-1"), None);
        assert_eq!(list_marker("*bold*"), None);
        assert_eq!(list_marker("1234567890. a"), None);
    }
}
