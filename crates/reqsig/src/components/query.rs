//! `@query-param` values: form-urlencoded parsing and re-encoding (RFC 9421 section 2.2.8).

/// Finds the parameter whose re-encoded name equals `encoded_name` and returns
/// its re-encoded value.
///
/// Returns `Err(count)` when the parameter occurs `count` times with `count != 1`:
/// a missing parameter cannot be signed, and RFC 9421 forbids signing one that
/// occurs more than once.
pub(crate) fn find_query_param(query: Option<&str>, encoded_name: &str) -> Result<String, usize> {
    let mut found = None;
    let mut count = 0;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if reencode(name) == encoded_name {
            count += 1;
            found = Some(reencode(value));
        }
    }
    match (found, count) {
        (Some(value), 1) => Ok(value),
        _ => Err(count),
    }
}

/// Decodes a form-urlencoded string (with `+` as space) and percent-encodes the
/// bytes again with the application/x-www-form-urlencoded percent-encode set,
/// writing a space as `%20`.
pub(crate) fn reencode(text: &str) -> String {
    let decoded = decode(text);
    let mut out = String::with_capacity(decoded.len());
    for byte in decoded {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'*' | b'-' | b'.' | b'_') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let high = bytes.get(i + 1).and_then(|b| char::from(*b).to_digit(16));
                let low = bytes.get(i + 2).and_then(|b| char::from(*b).to_digit(16));
                if let (Some(high), Some(low)) = (high, low) {
                    // Two hex digits make at most 0xff, so the cast keeps the value.
                    out.push((high * 16 + low) as u8);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reencode_plus_and_percent() {
        assert_eq!(reencode("with+plus+whitespace"), "with%20plus%20whitespace");
        assert_eq!(reencode("fa%C3%A7ade%22%3A%20"), "fa%C3%A7ade%22%3A%20");
        assert_eq!(reencode("bat%2Dman"), "bat-man");
        assert_eq!(reencode("50%"), "50%25");
    }

    #[test]
    fn find_repeated_and_missing() {
        assert_eq!(find_query_param(Some("a=1&a=2"), "a"), Err(2));
        assert_eq!(find_query_param(Some("a=1"), "b"), Err(0));
        assert_eq!(find_query_param(None, "b"), Err(0));
        assert_eq!(find_query_param(Some("qux="), "qux"), Ok(String::new()));
        assert_eq!(find_query_param(Some("flag"), "flag"), Ok(String::new()));
    }
}
