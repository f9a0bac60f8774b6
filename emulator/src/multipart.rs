//! `multipart/form-data` bodies (RFC 7578) read into their fields, leniently: field names
//! may be any UTF-8 (a strict HTTP header parser refuses the non-ASCII names browsers and
//! clients send), CRLF or bare LF line ends, and no part headers but `Content-Disposition`
//! matter.

/// The fields of a form, in order: `(name, content)`.
pub(crate) fn fields(content_type: &str, body: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let boundary = parameter(content_type, "boundary")
        .filter(|b| !b.is_empty())
        .ok_or("the Content-Type has no boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let start = find(body, &delimiter).ok_or("the boundary never occurs in the body")?;
    let mut rest = &body[start + delimiter.len()..];
    let mut fields = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Ok(fields);
        }
        // Transport padding, then the line end after the delimiter.
        let line_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("a boundary line does not end")?;
        rest = &rest[line_end + 1..];
        let mut next = Vec::with_capacity(delimiter.len() + 1);
        next.push(b'\n');
        next.extend_from_slice(&delimiter);
        let end = find(rest, &next).ok_or("the closing boundary is missing")?;
        let mut part = &rest[..end];
        if part.ends_with(b"\r") {
            part = &part[..part.len() - 1];
        }
        rest = &rest[end + next.len()..];
        let (headers, content) =
            split_headers(part).ok_or("a part has no blank line after its headers")?;
        let name = String::from_utf8_lossy(headers)
            .lines()
            .find_map(|line| {
                let (key, value) = line.split_once(':')?;
                key.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then(|| parameter(value, "name"))
                    .flatten()
            })
            .ok_or("a part has no Content-Disposition name")?;
        fields.push((name, content.to_vec()));
    }
}

/// The headers and content of a part, split at the first blank line.
fn split_headers(part: &[u8]) -> Option<(&[u8], &[u8])> {
    if part.starts_with(b"\r\n") {
        return Some((&[], &part[2..]));
    }
    if part.starts_with(b"\n") {
        return Some((&[], &part[1..]));
    }
    if let Some(at) = find(part, b"\r\n\r\n") {
        return Some((&part[..at], &part[at + 4..]));
    }
    find(part, b"\n\n").map(|at| (&part[..at], &part[at + 2..]))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The value of `name=value` or `name="value"` in a header value such as
/// `form-data; name="file"; filename="a.png"`.
pub(crate) fn parameter(header: &str, name: &str) -> Option<String> {
    let mut rest = header;
    while let Some(semicolon) = rest.find(';') {
        rest = rest[semicolon + 1..].trim_start();
        let (key, after) = rest.split_once('=')?;
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            (value, &quoted[end..])
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        if key.trim().eq_ignore_ascii_case(name) {
            return Some(value);
        }
        rest = remaining;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_with_any_names_and_line_ends() {
        let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nMine\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
                    Content-Type: image/png\r\n\r\n\x01\x02\r\n\r\n--XyZ\r\n\
                    Content-Disposition: form-data; name=\"😍 \\\"q\\\"\"\r\n\r\n\r\n--XyZ--\r\n";
        let found = fields("multipart/form-data; boundary=XyZ", body.as_bytes());
        assert_eq!(
            found,
            Ok(vec![
                ("name".to_owned(), b"Mine".to_vec()),
                ("file".to_owned(), b"\x01\x02\r\n".to_vec()),
                ("😍 \"q\"".to_owned(), Vec::new()),
            ])
        );
        let lf = "--b\nContent-Disposition: form-data; name=a\n\n1\n--b--";
        assert_eq!(
            fields("multipart/form-data; boundary=\"b\"", lf.as_bytes()),
            Ok(vec![("a".to_owned(), b"1".to_vec())])
        );
        assert_eq!(
            fields("multipart/form-data; boundary=b", b"--b--"),
            Ok(vec![])
        );
    }

    #[test]
    fn refuses_what_is_not_a_form() {
        for (content_type, body) in [
            ("multipart/form-data", "--b\r\n\r\nx\r\n--b--"),
            ("multipart/form-data; boundary=b", "no boundary here"),
            (
                "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx",
            ),
            (
                "multipart/form-data; boundary=b",
                "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--",
            ),
        ] {
            assert!(fields(content_type, body.as_bytes()).is_err(), "{body:?}");
        }
    }

    #[test]
    fn parameters_quoted_or_not() {
        let header = "form-data; name=\"a;b\"; filename=x.png";
        assert_eq!(parameter(header, "name").as_deref(), Some("a;b"));
        assert_eq!(parameter(header, "filename").as_deref(), Some("x.png"));
        assert_eq!(parameter(header, "missing"), None);
        assert_eq!(
            parameter("multipart/form-data; BOUNDARY=z", "boundary").as_deref(),
            Some("z")
        );
    }
}
