//! Writing a [`Message`] as HTTP/1.1 bytes.

use super::chunked::transfer_codings;
use crate::message::owned::{Message, StartLine};

/// Writes a message as HTTP/1.1 bytes with CRLF line ends.
///
/// - The start line uses `HTTP/1.1`. A response gets the standard reason
///   phrase of its status code, or none when the code has no standard phrase.
/// - Field lines are written in order as `name: value`. A CR, LF or NUL in a
///   value is written as a space (RFC 9110 section 5.5), so a value cannot
///   end the line early. Names are written as given: they must be tokens for
///   [`parse`](super::parse) to read them back.
/// - The body is written as is, unless the final transfer coding is `chunked`
///   or the message has trailers. Then the body is written as one chunk (none
///   when it is empty), followed by the last chunk, the trailer fields and an
///   empty line.
/// - Trailers need the chunked coding. When [`Message::trailers`] is `Some`
///   and no `Transfer-Encoding` field ends in `chunked`, a
///   `Transfer-Encoding: chunked` line is added after the headers so the
///   output still carries the trailers. To keep the headers exactly as they
///   are, add that field yourself.
///
/// `parse(&serialize(m))` equals `m` for every message that
/// [`parse`](super::parse) returns. A message built in code can differ after
/// the round trip: values lose leading and trailing whitespace, and a chunked
/// message without trailers comes back with `Some` empty trailers.
pub fn serialize(message: &Message) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.body.len() + 256);
    write_start_line(&mut out, &message.start);
    for (name, value) in &message.headers {
        write_field(&mut out, name, value);
    }

    let declares_chunked = transfer_codings(&message.headers)
        .last()
        .is_some_and(|coding| coding.eq_ignore_ascii_case(b"chunked"));
    if message.trailers.is_some() && !declares_chunked {
        write_field(&mut out, "Transfer-Encoding", b"chunked");
    }
    out.extend_from_slice(b"\r\n");

    if declares_chunked || message.trailers.is_some() {
        if !message.body.is_empty() {
            out.extend_from_slice(format!("{:x}\r\n", message.body.len()).as_bytes());
            out.extend_from_slice(&message.body);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n");
        for (name, value) in message.trailers.iter().flatten() {
            write_field(&mut out, name, value);
        }
        out.extend_from_slice(b"\r\n");
    } else {
        out.extend_from_slice(&message.body);
    }
    out
}

fn write_start_line(out: &mut Vec<u8>, start: &StartLine) {
    match start {
        StartLine::Request { method, target } => {
            out.extend_from_slice(method.as_bytes());
            out.push(b' ');
            out.extend_from_slice(target.as_bytes());
            out.extend_from_slice(b" HTTP/1.1\r\n");
        }
        StartLine::Response { status } => {
            let reason = http::StatusCode::from_u16(*status)
                .ok()
                .and_then(|code| code.canonical_reason())
                .unwrap_or_default();
            // RFC 9112 section 4 keeps the space before the reason phrase even when the phrase is empty.
            out.extend_from_slice(format!("HTTP/1.1 {status:03} {reason}\r\n").as_bytes());
        }
    }
}

fn write_field(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend(value.iter().map(|&byte| {
        if matches!(byte, b'\r' | b'\n' | 0) {
            b' '
        } else {
            byte
        }
    }));
    out.extend_from_slice(b"\r\n");
}
