//! Character classes and text helpers shared by the wire parser.

/// Reports whether `byte` is a `tchar` of RFC 9110 section 5.6.2.
pub(super) fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Reports whether `byte` may appear in a field value: VCHAR, obs-text, SP or HTAB.
pub(super) fn is_field_byte(byte: u8) -> bool {
    byte == b'\t' || byte == b' ' || byte.is_ascii_graphic() || byte >= 0x80
}

pub(super) fn is_ows(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

pub(super) fn trim_ows(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&byte| !is_ows(byte))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&byte| !is_ows(byte))
        .map_or(start, |last| last + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// Converts bytes already checked to be ASCII.
pub(super) fn ascii_string(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Quotes the start of `bytes` for an error message, escaping what is not printable.
pub(super) fn excerpt(bytes: &[u8]) -> String {
    const MAX_CHARS: usize = 60;
    let text = String::from_utf8_lossy(bytes);
    if text.chars().count() <= MAX_CHARS {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(MAX_CHARS).collect();
        format!("{head:?}...")
    }
}

pub(super) fn describe_byte(byte: u8) -> String {
    match byte {
        b' ' => "a space".to_owned(),
        b'\t' => "a tab".to_owned(),
        b'\r' => "a carriage return (0x0d) that does not end the line".to_owned(),
        0x00..=0x1f | 0x7f => format!("the control character 0x{byte:02x}"),
        0x80..=0xff => format!("the non-ASCII byte 0x{byte:02x}"),
        _ => format!("the character {:?}", char::from(byte)),
    }
}
