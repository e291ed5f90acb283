//! Raw HTTP/1.1 messages: [`parse`] reads one into a [`Message`], [`serialize`] writes one back.
//!
//! The `reqsig` command-line tool and the tests read messages from text files,
//! so the parser accepts what people type as well as what goes on the wire:
//!
//! - The first line is a request line, `METHOD SP request-target SP HTTP/1.x`,
//!   or a status line, `HTTP/1.x SP 3DIGIT [SP reason-phrase]`. The
//!   request-target is kept as written, in any of the four forms (origin,
//!   absolute, authority, asterisk). The HTTP version and the reason phrase
//!   are checked but not kept.
//! - Lines end in LF or CRLF, and one message may mix both.
//! - Each header line is `name: value`. The name must be a token (RFC 9110
//!   section 5.1), with no whitespace before the colon. The value keeps its
//!   bytes except the leading and trailing spaces and tabs.
//! - A line that starts with a space or tab continues the previous field
//!   (obsolete line folding, RFC 9112 section 5.2). The fold, meaning the line
//!   end and the whitespace around it, becomes a single space, as RFC 9110
//!   section 5.5 lets a recipient do. So `Obsolete` folded onto `line
//!   folding.` is stored as `Obsolete line folding.`, the value that RFC 9421
//!   section 2.1 signs.
//! - The body is every byte after the empty line that ends the header section,
//!   exactly: no line end is added or removed, and `Content-Length` is not
//!   consulted. Input that ends right after the header lines has an empty body.
//! - When the final transfer coding in `Transfer-Encoding` is `chunked`, the
//!   chunks are decoded into [`Message::body`] and the trailer section is read
//!   into [`Message::trailers`], which is then `Some` even when it is empty.
//!   Nothing may follow the trailer section's empty line, but the input may
//!   also end right after the last trailer line.
//!
//! The input may be at most [`MAX_MESSAGE_BYTES`] long, and each line other than
//! body data at most [`MAX_LINE_BYTES`]. The parser indexes input only through
//! checked accessors, so no input makes it panic.
//!
//! ```
//! use reqsig::message::wire;
//!
//! let message = wire::parse(b"POST /items HTTP/1.1\nHost: example.com\n\n{\"n\":1}").unwrap();
//! assert_eq!(message.method(), Some("POST"));
//! assert_eq!(message.body, b"{\"n\":1}");
//! assert_eq!(wire::parse(&wire::serialize(&message)).unwrap(), message);
//! ```

mod chunked;
mod cursor;
mod fields;
mod serialize;
mod start_line;
mod syntax;

use self::cursor::Cursor;
use self::fields::{Section, read_field_section};
use self::start_line::parse_start_line;
use super::owned::Message;
use crate::Error;

pub use self::serialize::serialize;

/// The maximum input size that [`parse`] accepts: 16 MiB.
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// The maximum length of a start line, field line or chunk-size line that
/// [`parse`] accepts, without its line end: 64 KiB.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Parses a raw HTTP/1.1 request or response.
///
/// The module documentation lists the rules.
///
/// # Errors
/// [`Error::InvalidMessage`] when the input is empty, over a size limit or not
/// a valid message. The reason names the line and the change to make.
pub fn parse(input: &[u8]) -> Result<Message, Error> {
    if input.len() > MAX_MESSAGE_BYTES {
        return Err(Error::invalid_message(format!(
            "the message is {} bytes, more than the limit of {MAX_MESSAGE_BYTES} bytes (16 MiB); use a smaller body",
            input.len()
        )));
    }

    let mut cursor = Cursor::new(input);
    let Some(first_line) = cursor.next_line()? else {
        return Err(Error::invalid_message(
            "the message is empty; it must start with a request line such as `GET / HTTP/1.1` or a status line such as `HTTP/1.1 200 OK`",
        ));
    };
    let start = parse_start_line(&cursor, first_line)?;
    let headers = read_field_section(&mut cursor, Section::Header)?;

    let (body, trailers) = if chunked::is_chunked(&headers)? {
        let decoded = chunked::decode(&mut cursor)?;
        (decoded.body, Some(decoded.trailers))
    } else {
        (cursor.rest().to_vec(), None)
    };

    Ok(Message {
        start,
        headers,
        body,
        trailers,
    })
}
