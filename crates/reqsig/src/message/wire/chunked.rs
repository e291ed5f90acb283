//! The chunked transfer coding (RFC 9112 section 7.1): finding it and decoding it.

use super::cursor::{Cursor, Line};
use super::fields::{Section, read_field_section};
use super::syntax::{excerpt, is_ows, trim_ows};
use crate::Error;

/// Returns the transfer codings of every `Transfer-Encoding` line, in order, without parameters.
pub(super) fn transfer_codings(headers: &[(String, Vec<u8>)]) -> Vec<&[u8]> {
    headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("transfer-encoding"))
        .flat_map(|(_, value)| value.split(|&byte| byte == b','))
        .map(|coding| {
            let without_parameters = coding.split(|&byte| byte == b';').next().unwrap_or_default();
            trim_ows(without_parameters)
        })
        .filter(|coding| !coding.is_empty())
        .collect()
}

/// Reports whether the final transfer coding is chunked.
///
/// # Errors
/// [`Error::InvalidMessage`] when `chunked` is listed before another coding,
/// which RFC 9112 section 6.1 forbids.
pub(super) fn is_chunked(headers: &[(String, Vec<u8>)]) -> Result<bool, Error> {
    let codings = transfer_codings(headers);
    let Some((last, earlier)) = codings.split_last() else {
        return Ok(false);
    };
    if earlier
        .iter()
        .any(|coding| coding.eq_ignore_ascii_case(b"chunked"))
    {
        let listed: Vec<String> = codings
            .iter()
            .map(|coding| String::from_utf8_lossy(coding).into_owned())
            .collect();
        return Err(Error::invalid_message(format!(
            "Transfer-Encoding lists {:?}, but chunked may occur only once and must be the final transfer coding; fix the Transfer-Encoding field",
            listed.join(", ")
        )));
    }
    Ok(last.eq_ignore_ascii_case(b"chunked"))
}

/// A decoded chunked body.
#[derive(Debug)]
pub(super) struct ChunkedBody {
    /// The chunk data, concatenated.
    pub(super) body: Vec<u8>,
    /// The trailer fields, in order.
    pub(super) trailers: Vec<(String, Vec<u8>)>,
}

/// Decodes a chunked body and its trailer section, starting after the header section.
pub(super) fn decode(cursor: &mut Cursor<'_>) -> Result<ChunkedBody, Error> {
    let mut body = Vec::new();
    loop {
        let Some(line) = cursor.next_line()? else {
            return Err(missing_last_chunk(cursor));
        };
        let size = parse_chunk_size(cursor, line)?;
        if size == 0 {
            break;
        }

        let Some(data) = cursor.take(size) else {
            return Err(cursor.error_at(
                line.start,
                format_args!(
                    "the chunk of {size} bytes (0x{size:x}) is truncated: only {} bytes follow; fix the chunk size or add the missing data",
                    cursor.rest().len()
                ),
            ));
        };
        if !cursor.take_line_end() {
            if cursor.is_at_end() {
                return Err(missing_last_chunk(cursor));
            }
            return Err(cursor.error_at(
                cursor.position(),
                format_args!(
                    "the chunk data is longer than its size of {size} bytes (0x{size:x}); end the data with a line end after {size} bytes, or fix the size"
                ),
            ));
        }
        body.extend_from_slice(data);
    }

    let trailers = read_field_section(cursor, Section::Trailer)?;
    if !cursor.is_at_end() {
        return Err(cursor.error_at(
            cursor.position(),
            "data follows the empty line that ends the chunked body's trailer section; remove it",
        ));
    }
    Ok(ChunkedBody { body, trailers })
}

fn missing_last_chunk(cursor: &Cursor<'_>) -> Error {
    cursor.error_at(
        cursor.position(),
        "the chunked body ends before its last chunk; end it with a line `0` and an empty line",
    )
}

/// Parses `1*HEXDIG [ BWS ";" chunk-ext ]`, ignoring the extensions.
fn parse_chunk_size(cursor: &Cursor<'_>, line: Line<'_>) -> Result<usize, Error> {
    let digit_count = line
        .bytes
        .iter()
        .take_while(|byte| byte.is_ascii_hexdigit())
        .count();
    let (digits, after_digits) = line
        .bytes
        .split_at_checked(digit_count)
        .unwrap_or((&[], line.bytes));
    if digits.is_empty() {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "invalid chunk size {}; each chunk starts with its size in hexadecimal, such as `1a`",
                excerpt(line.bytes)
            ),
        ));
    }

    let mut size: usize = 0;
    for &digit in digits {
        let value = char::from(digit).to_digit(16).unwrap_or_default() as usize;
        size = size
            .checked_mul(16)
            .and_then(|size| size.checked_add(value))
            .ok_or_else(|| {
                cursor.error_at(
                    line.start,
                    format_args!(
                        "the chunk size {} is too large; split the data into smaller chunks",
                        excerpt(digits)
                    ),
                )
            })?;
    }

    let extensions = after_digits
        .iter()
        .position(|&byte| !is_ows(byte))
        .and_then(|start| after_digits.get(start..))
        .unwrap_or_default();
    let valid_extensions = match extensions {
        [] => true,
        [b';', rest @ ..] => rest
            .iter()
            .all(|&byte| byte == b'\t' || byte >= 0x20 && byte != 0x7f),
        _ => false,
    };
    if !valid_extensions {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "invalid chunk size line {}; only `;` chunk extensions may follow the hexadecimal size",
                excerpt(line.bytes)
            ),
        ));
    }
    Ok(size)
}
