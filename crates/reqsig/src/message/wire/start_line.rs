//! The request line and the status line (RFC 9112 sections 3 and 4).

use super::cursor::{Cursor, Line};
use super::syntax::{ascii_string, describe_byte, excerpt, is_field_byte, is_tchar};
use crate::Error;
use crate::message::owned::StartLine;

pub(super) fn parse_start_line(cursor: &Cursor<'_>, line: Line<'_>) -> Result<StartLine, Error> {
    if line.bytes.is_empty() {
        return Err(cursor.error_at(
            line.start,
            "the first line is empty; start the message with a request line such as `GET / HTTP/1.1` or a status line such as `HTTP/1.1 200 OK`",
        ));
    }
    if line.bytes.starts_with(b"HTTP/") {
        parse_status_line(cursor, line)
    } else {
        parse_request_line(cursor, line)
    }
}

fn parse_request_line(cursor: &Cursor<'_>, line: Line<'_>) -> Result<StartLine, Error> {
    let parts: Vec<&[u8]> = line.bytes.split(|&byte| byte == b' ').collect();
    if parts.first().is_some_and(|word| word.ends_with(b":")) {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "{} looks like a header line, but a message must start with a request line such as `GET / HTTP/1.1` or a status line such as `HTTP/1.1 200 OK`",
                excerpt(line.bytes)
            ),
        ));
    }
    let [method, target, version] = parts.as_slice() else {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "{} is not a valid request line: write it as `METHOD SP request-target SP HTTP/1.1`, with single spaces",
                excerpt(line.bytes)
            ),
        ));
    };

    if method.is_empty() {
        return Err(cursor.error_at(line.start, "the request line starts with a space; remove it"));
    }
    if let Some(&byte) = method.iter().find(|&&byte| !is_tchar(byte)) {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "the method {} contains {}; a method is a token such as GET or POST",
                excerpt(method),
                describe_byte(byte)
            ),
        ));
    }
    if target.is_empty() {
        return Err(cursor.error_at(
            line.start,
            "the request-target is empty; write one such as `/` or `/path?query` between the method and the version",
        ));
    }
    if let Some(&byte) = target.iter().find(|&&byte| !byte.is_ascii_graphic()) {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "the request-target {} contains {}; percent-encode it",
                excerpt(target),
                describe_byte(byte)
            ),
        ));
    }
    check_version(cursor, line, version)?;

    Ok(StartLine::Request {
        method: ascii_string(method),
        target: ascii_string(target),
    })
}

fn parse_status_line(cursor: &Cursor<'_>, line: Line<'_>) -> Result<StartLine, Error> {
    let (version, rest) = match line.bytes.iter().position(|&byte| byte == b' ') {
        Some(space) => {
            let (version, rest) = line.bytes.split_at(space);
            (version, rest.get(1..).unwrap_or_default())
        }
        None => (line.bytes, &[][..]),
    };
    check_version(cursor, line, version)?;

    let (code, after_code) = rest.split_at_checked(3).unwrap_or((rest, &[]));
    let status = match code {
        [a, b, c] if code.iter().all(u8::is_ascii_digit) => {
            u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0')
        }
        _ => {
            return Err(cursor.error_at(
                line.start,
                format_args!(
                    "the status line {} has no three-digit status code after the version; write it as `HTTP/1.1 200 OK`",
                    excerpt(line.bytes)
                ),
            ));
        }
    };
    if !(100..=599).contains(&status) {
        return Err(cursor.error_at(
            line.start,
            format_args!(
                "the status code {status} is outside the range 100 to 599 that RFC 9110 section 15 allows; use a code in that range"
            ),
        ));
    }

    let reason = match after_code {
        [] => &[][..],
        [b' ', reason @ ..] => reason,
        _ => {
            return Err(cursor.error_at(
                line.start,
                format_args!(
                    "the status code in {} has more than three digits or no space after it; write it as `HTTP/1.1 200 OK`",
                    excerpt(line.bytes)
                ),
            ));
        }
    };
    if let Some(&byte) = reason.iter().find(|&&byte| !is_field_byte(byte)) {
        return Err(cursor.error_at(
            line.start,
            format_args!("the reason phrase contains {}; remove it", describe_byte(byte)),
        ));
    }

    Ok(StartLine::Response { status })
}

/// Accepts `HTTP/1.` followed by one digit.
fn check_version(cursor: &Cursor<'_>, line: Line<'_>, version: &[u8]) -> Result<(), Error> {
    match version {
        [b'H', b'T', b'T', b'P', b'/', b'1', b'.', minor] if minor.is_ascii_digit() => Ok(()),
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            Err(cursor.error_at(
                line.start,
                format_args!(
                    "unsupported HTTP version {}; reqsig reads HTTP/1.x messages, so write HTTP/1.1",
                    excerpt(version)
                ),
            ))
        }
        _ => Err(cursor.error_at(
            line.start,
            format_args!(
                "invalid HTTP version {}; write HTTP/1.1 (upper case, with a minor version)",
                excerpt(version)
            ),
        )),
    }
}
