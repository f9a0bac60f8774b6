//! Base64 as tus `Upload-Metadata` values (standard alphabet) and JWT parts (URL-safe, no
//! padding) use it: a few lines instead of a dependency.

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `bytes` in URL-safe base64 without padding, as JWTs write their parts.
pub(crate) fn url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |word, (i, &b)| word | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            let index = (word >> (18 - 6 * i)) & 63;
            let c = match STANDARD[index as usize] {
                b'+' => '-',
                b'/' => '_',
                other => char::from(other),
            };
            out.push(c);
        }
    }
    out
}

/// Decodes standard or URL-safe base64, padded or not; `None` if it is not base64.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut word, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        word = (word << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((word >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for text in [
            "",
            "f",
            "fo",
            "foo",
            "foob",
            "fooba",
            "foobar",
            "\u{ff}\u{fe}?>",
        ] {
            assert_eq!(
                decode(&url_encode(text.as_bytes())),
                Some(text.as_bytes().to_vec())
            );
        }
        assert_eq!(url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(decode("aGVsbG8gd29ybGQ="), Some(b"hello world".to_vec()));
        assert_eq!(decode("a*b"), None);
    }
}
