//! Reading messages and files named on the command line.

use std::io::Read;
use std::path::Path;

use reqsig::Message;
use reqsig::message::wire;

use crate::error::CliError;

/// Reads a file, or standard input for `-` or no path.
pub fn read_input(path: Option<&Path>) -> Result<Vec<u8>, CliError> {
    match path {
        None => read_stdin(),
        Some(path) if path == Path::new("-") => read_stdin(),
        Some(path) => read_file(path),
    }
}

/// Reads a file, naming it in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))
}

fn read_stdin() -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?;
    Ok(bytes)
}

/// Parses a raw HTTP/1.1 message, naming its source in the error.
pub fn parse_message(bytes: &[u8], source: &str) -> Result<Message, CliError> {
    let message = wire::parse(bytes).map_err(|e| CliError::input(format!("{source}: {e}")))?;
    check_content_length(&message).map_err(|e| CliError::input(format!("{source}: {e}")))?;
    Ok(message)
}

/// Checks that a `Content-Length` field agrees with the body in the file.
///
/// The parser takes every byte after the header section as the body, so a
/// wrong length would otherwise go unnoticed and the digest would cover
/// bytes the header does not count. The check skips a chunked message,
/// whose length is in the chunks. It also skips a response with an empty
/// body, because the response to a HEAD request and a 304 response carry the
/// Content-Length of a body that is not sent.
fn check_content_length(message: &Message) -> Result<(), String> {
    if message.trailers.is_some() || (message.status().is_some() && message.body.is_empty()) {
        return Ok(());
    }
    let body = message.body.len();
    let mut declared: Option<u64> = None;
    // A field may repeat, or list the same length twice ("40, 40").
    for value in message.header_values("content-length") {
        for item in value.split(|b| *b == b',') {
            let item = item.trim_ascii();
            let text = String::from_utf8_lossy(item);
            if item.is_empty() || !item.iter().all(u8::is_ascii_digit) {
                return Err(format!(
                    "Content-Length {text:?} is not a number of bytes; set it to the body length, {body}, or remove the field"
                ));
            }
            let length: u64 = text.parse().map_err(|_| {
                format!("Content-Length {text} is too large; set it to the body length, {body}")
            })?;
            match declared {
                Some(first) if first != length => {
                    return Err(format!(
                        "Content-Length is given as both {first} and {length}; keep one field, set to the body length, {body}"
                    ));
                }
                _ => declared = Some(length),
            }
        }
    }
    let Some(declared) = declared else {
        return Ok(());
    };
    if u64::try_from(body).is_ok_and(|body| body == declared) {
        return Ok(());
    }
    let mut error = format!(
        "Content-Length is {declared} but the body in the file is {body} bytes; set Content-Length to {body}, or change the body to {declared} bytes"
    );
    if added_line_end(&message.body, declared) {
        error.push_str(
            " (the body ends with a line end past the declared length; an editor may have added it)",
        );
    }
    Err(error)
}

/// Checks whether the body is `declared` bytes followed only by one line end.
fn added_line_end(body: &[u8], declared: u64) -> bool {
    let Ok(declared) = usize::try_from(declared) else {
        return false;
    };
    matches!(body.get(declared..), Some(b"\n" | b"\r\n"))
}

/// Reads and parses a message file (or standard input).
pub fn read_message(path: Option<&Path>) -> Result<Message, CliError> {
    let source = match path {
        None => "standard input".to_owned(),
        Some(path) if path == Path::new("-") => "standard input".to_owned(),
        Some(path) => path.display().to_string(),
    };
    parse_message(&read_input(path)?, &source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Message, String> {
        parse_message(text.as_bytes(), "order.http").map_err(|e| e.message)
    }

    #[test]
    fn content_length_matching_the_body_passes() {
        for text in [
            "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
            "POST /a HTTP/1.1\nHost: a\nContent-Length: 5\n\nhello",
            "POST /a HTTP/1.1\nHost: a\nContent-Length: 5, 5\n\nhello",
            "POST /a HTTP/1.1\nHost: a\n\nhello",
            "GET /a HTTP/1.1\nHost: a\nContent-Length: 0\n\n",
            "HTTP/1.1 200 OK\nContent-Length: 120\n\n",
            "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nContent-Length: 9\n\n2\r\nhi\r\n0\r\n\r\n",
        ] {
            assert!(parse(text).is_ok(), "{text:?}: {:?}", parse(text).err());
        }
    }

    #[test]
    fn content_length_disagreeing_with_the_body_fails() {
        for (text, fragments) in [
            (
                "POST /a HTTP/1.1\nContent-Length: abc\n\nhello",
                &["order.http", "\"abc\"", "not a number", "5"][..],
            ),
            ("POST /a HTTP/1.1\nContent-Length: -5\n\nhello", &["\"-5\""][..]),
            ("POST /a HTTP/1.1\nContent-Length: \n\nhello", &["\"\""][..]),
            (
                "POST /a HTTP/1.1\nContent-Length: 4000\n\nhello",
                &["Content-Length is 4000", "is 5 bytes", "set Content-Length to 5"][..],
            ),
            (
                "POST /a HTTP/1.1\nContent-Length: 2\n\nhello",
                &["Content-Length is 2", "is 5 bytes"][..],
            ),
            (
                "POST /a HTTP/1.1\nContent-Length: 5\nContent-Length: 6\n\nhello",
                &["both 5 and 6"][..],
            ),
            (
                "POST /a HTTP/1.1\nContent-Length: 99999999999999999999999\n\nhello",
                &["too large"][..],
            ),
            (
                "POST /a HTTP/1.1\nContent-Length: 5\n\nhello\n",
                &["is 6 bytes", "an editor may have added it"][..],
            ),
            (
                "HTTP/1.1 200 OK\nContent-Length: 9\n\nhello",
                &["Content-Length is 9"][..],
            ),
        ] {
            let error = parse(text).expect_err(text);
            for fragment in fragments {
                assert!(error.contains(fragment), "{text:?}: {error:?} lacks {fragment:?}");
            }
        }
    }
}
