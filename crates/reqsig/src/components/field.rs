//! HTTP field values as components (RFC 9421 section 2.1).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sfv::{Dictionary, FieldType, Item, List, ListEntry};

use super::{ComponentId, FieldTypes, StructuredType};
use crate::message::view::Fields;
use crate::{Error, LimitKind, Limits};

/// Appends the value of a field component to `out`, and returns the field's
/// line when it has exactly one, as sent.
pub(crate) fn write_field_value<'m>(
    id: &ComponentId,
    fields: Fields<'m>,
    field_types: &FieldTypes,
    limits: &Limits,
    out: &mut String,
) -> Result<Option<&'m [u8]>, Error> {
    let name = id.name();
    let mut lines = 0;
    let mut bytes = 0;
    let mut first_line = None;
    for value in fields.values(name) {
        lines += 1;
        bytes += value.len();
        first_line.get_or_insert(value);
    }
    if lines == 0 {
        return Err(Error::MissingComponent {
            component: id.to_string(),
            detail: String::new(),
        });
    }
    check_limit(LimitKind::FieldLines, lines, limits.max_field_lines)?;
    check_limit(LimitKind::HeaderBytes, bytes, limits.max_header_bytes)?;
    let single_line = if lines == 1 { first_line } else { None };

    if id.bs() {
        for (i, line) in fields.values(name).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push(':');
            STANDARD.encode_string(trim_ows(line), out);
            out.push(':');
        }
        return Ok(single_line);
    }

    if !id.sf() && id.key().is_none() {
        // A field on one line, the usual case, needs no second lookup.
        match single_line {
            Some(line) => write_normalized_line(id, line, out)?,
            None => write_combined(id, fields, out)?,
        }
        return Ok(single_line);
    }
    let mut combined = String::with_capacity(bytes + 2 * lines);
    write_combined(id, fields, &mut combined)?;
    let kind = field_types.get(name).ok_or_else(|| {
        Error::invalid_component(
            id.to_string(),
            format!("the structured type of {name} is unknown; declare it (item, list or dictionary) to use sf or key"),
        )
    })?;
    match id.key() {
        Some(key) => write_dictionary_member(id, kind, key, &combined, out)?,
        None => write_structured(id, kind, &combined, out)?,
    }
    Ok(single_line)
}

/// Writes the field's lines, each trimmed and unfolded, joined by `, `.
pub(crate) fn write_combined(id: &ComponentId, fields: Fields<'_>, out: &mut String) -> Result<(), Error> {
    for (i, line) in fields.values(id.name()).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_normalized_line(id, line, out)?;
    }
    Ok(())
}

/// Writes one field line with surrounding whitespace removed and obsolete line
/// folding replaced by one space (RFC 9421 section 2.1, RFC 9112 section 5.2).
fn write_normalized_line(id: &ComponentId, line: &[u8], out: &mut String) -> Result<(), Error> {
    let line = trim_ows(line);
    // Most lines have neither a fold nor an invalid byte and are copied whole.
    if !crate::bytes::any(line, |b| b != b'\t' && !(0x20..0x7f).contains(&b))
        && let Ok(text) = std::str::from_utf8(line)
    {
        out.push_str(text);
        return Ok(());
    }
    let mut i = 0;
    while i < line.len() {
        let byte = line[i];
        if byte == b'\r' || byte == b'\n' {
            // A fold is optional whitespace, a line break, and at least one SP or HTAB.
            let mut j = i;
            while j < line.len() && matches!(line[j], b'\r' | b'\n') {
                j += 1;
            }
            let folded = j < line.len() && matches!(line[j], b' ' | b'\t');
            if !folded {
                return Err(invalid_byte(id, byte));
            }
            while out.ends_with([' ', '\t']) {
                out.pop();
            }
            while j < line.len() && matches!(line[j], b' ' | b'\t') {
                j += 1;
            }
            out.push(' ');
            i = j;
            continue;
        }
        if byte == b'\t' || (0x20..0x7f).contains(&byte) {
            out.push(char::from(byte));
        } else {
            return Err(invalid_byte(id, byte));
        }
        i += 1;
    }
    Ok(())
}

fn invalid_byte(id: &ComponentId, byte: u8) -> Error {
    let reason = if byte >= 0x80 {
        format!("the value has the non-ASCII byte 0x{byte:02x}; cover it with the bs parameter instead")
    } else {
        format!("the value has the control character 0x{byte:02x}")
    };
    Error::invalid_component(id.to_string(), reason)
}

fn write_structured(
    id: &ComponentId,
    kind: StructuredType,
    value: &str,
    out: &mut String,
) -> Result<(), Error> {
    let parser = sfv::Parser::new(value);
    let serialized = match kind {
        StructuredType::Item => parser.parse::<Item>().map(|item| Some(item.serialize())),
        StructuredType::List => parser.parse::<List>().map(|list| list.serialize()),
        StructuredType::Dictionary => parser.parse::<Dictionary>().map(|dict| dict.serialize()),
    }
    .map_err(|e| {
        Error::invalid_component(
            id.to_string(),
            format!("the value is not a valid structured field: {e}"),
        )
    })?;
    out.push_str(serialized.as_deref().unwrap_or(""));
    Ok(())
}

fn write_dictionary_member(
    id: &ComponentId,
    kind: StructuredType,
    key: &str,
    value: &str,
    out: &mut String,
) -> Result<(), Error> {
    if kind != StructuredType::Dictionary {
        return Err(Error::invalid_component(
            id.to_string(),
            format!(
                "key applies only to dictionary fields, and {} is not one",
                id.name()
            ),
        ));
    }
    let dict = sfv::Parser::new(value).parse::<Dictionary>().map_err(|e| {
        Error::invalid_component(
            id.to_string(),
            format!("the value is not a valid dictionary: {e}"),
        )
    })?;
    let member = sfv::KeyRef::from_str(key)
        .ok()
        .and_then(|k| dict.get(k))
        .ok_or_else(|| Error::MissingComponent {
            component: id.to_string(),
            detail: format!(": the dictionary has no member {key:?}"),
        })?;
    let single: List = vec![member.clone()];
    let serialized = match member {
        ListEntry::Item(item) => Some(item.serialize()),
        ListEntry::InnerList(_) => single.serialize(),
    };
    out.push_str(serialized.as_deref().unwrap_or(""));
    Ok(())
}

fn trim_ows(value: &[u8]) -> &[u8] {
    let start = value
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &value[start..end]
}

fn check_limit(kind: LimitKind, actual: usize, max: usize) -> Result<(), Error> {
    if actual > max {
        return Err(Error::LimitExceeded { kind, actual, max });
    }
    Ok(())
}
