//! Header and trailer sections: field lines and obsolete line folding (RFC 9112 section 5).

use super::cursor::{Cursor, Line};
use super::syntax::{ascii_string, describe_byte, excerpt, is_field_byte, is_ows, is_tchar, trim_ows};
use crate::Error;

/// The part of a message that a field line belongs to, for error messages.
#[derive(Clone, Copy, Debug)]
pub(super) enum Section {
    Header,
    Trailer,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Header => "header",
            Section::Trailer => "trailer",
        }
    }
}

/// Reads field lines up to an empty line or the end of the input.
pub(super) fn read_field_section(
    cursor: &mut Cursor<'_>,
    section: Section,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut fields: Vec<(String, Vec<u8>)> = Vec::new();
    while let Some(line) = cursor.next_line()? {
        if line.bytes.is_empty() {
            break;
        }

        // A line that starts with whitespace continues the previous field
        // (obs-fold). The fold becomes one space between the trimmed parts.
        if line.bytes.first().is_some_and(|&byte| is_ows(byte)) {
            let Some((name, value)) = fields.last_mut() else {
                return Err(cursor.error_at(
                    line.start,
                    format_args!(
                        "the {} section starts with whitespace, but a folded line needs a field line before it; remove the leading whitespace",
                        section.name()
                    ),
                ));
            };
            let continuation = trim_ows(line.bytes);
            check_value(cursor, line, section, name, continuation)?;
            if !continuation.is_empty() {
                if !value.is_empty() {
                    value.push(b' ');
                }
                value.extend_from_slice(continuation);
            }
            continue;
        }

        fields.push(parse_field_line(cursor, line, section)?);
    }
    Ok(fields)
}

fn parse_field_line(
    cursor: &Cursor<'_>,
    line: Line<'_>,
    section: Section,
) -> Result<(String, Vec<u8>), Error> {
    let Some(colon) = line.bytes.iter().position(|&byte| byte == b':') else {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "the {} line {} has no colon; write it as `name: value`",
                section.name(),
                excerpt(line.bytes)
            ),
        ));
    };
    let (name, colon_and_value) = line.bytes.split_at(colon);
    let value = trim_ows(colon_and_value.get(1..).unwrap_or_default());

    if name.is_empty() {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "the {} line starts with a colon; write the field name before it",
                section.name()
            ),
        ));
    }
    if name.last().is_some_and(|&byte| is_ows(byte)) {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "the {} field name {} is followed by whitespace before the colon, which RFC 9112 section 5.1 forbids; remove the whitespace",
                section.name(),
                excerpt(trim_ows(name))
            ),
        ));
    }
    if let Some(&byte) = name.iter().find(|&&byte| !is_tchar(byte)) {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "the {} field name {} contains {}; a field name is a token of letters, digits and !#$%&'*+-.^_`|~",
                section.name(),
                excerpt(name),
                describe_byte(byte)
            ),
        ));
    }

    let name = ascii_string(name);
    check_value(cursor, line, section, &name, value)?;
    Ok((name, value.to_vec()))
}

/// Rejects control characters (other than tab) in a field value.
fn check_value(
    cursor: &Cursor<'_>,
    line: Line<'_>,
    section: Section,
    name: &str,
    value: &[u8],
) -> Result<(), Error> {
    match value.iter().find(|&&byte| !is_field_byte(byte)) {
        None => Ok(()),
        Some(&byte) => Err(cursor.error_at(
            line.start,
            format_args!(
                "the value of {} field {name:?} contains {}; remove it",
                section.name(),
                describe_byte(byte)
            ),
        )),
    }
}
