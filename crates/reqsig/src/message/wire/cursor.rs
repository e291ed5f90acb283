//! A line reader over raw message bytes that keeps byte offsets for error messages.

use std::fmt;

use super::MAX_LINE_BYTES;
use crate::Error;

/// One line of the input, without its line end.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line<'a> {
    /// The line's bytes, without the LF or CRLF that ends it.
    pub(super) bytes: &'a [u8],
    /// The byte offset of the line's first byte in the input.
    pub(super) start: usize,
}

/// A position in the input that reads lines, or a given number of bytes.
#[derive(Debug)]
pub(super) struct Cursor<'a> {
    input: &'a [u8],
    position: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(input: &'a [u8]) -> Cursor<'a> {
        Cursor { input, position: 0 }
    }

    /// Returns the byte offset of the next unread byte.
    pub(super) fn position(&self) -> usize {
        self.position
    }

    /// Returns the unread bytes.
    pub(super) fn rest(&self) -> &'a [u8] {
        self.input.get(self.position..).unwrap_or_default()
    }

    pub(super) fn is_at_end(&self) -> bool {
        self.rest().is_empty()
    }

    /// Reads the next line, or returns `None` at the end of the input.
    ///
    /// A line ends at LF, at CRLF or at the end of the input. A line longer
    /// than [`MAX_LINE_BYTES`] is an error.
    pub(super) fn next_line(&mut self) -> Result<Option<Line<'a>>, Error> {
        let rest = self.rest();
        if rest.is_empty() {
            return Ok(None);
        }

        // Look for the LF only as far as the longest allowed line, so a
        // huge input without line ends is rejected without scanning all of it.
        let window = rest.get(..MAX_LINE_BYTES + 2).unwrap_or(rest);
        let (with_cr, consumed) = match window.iter().position(|&byte| byte == b'\n') {
            Some(lf) => (window.split_at(lf).0, lf + 1),
            None if rest.len() > window.len() => return Err(self.line_too_long()),
            None => (rest, rest.len()),
        };
        let bytes = with_cr.strip_suffix(b"\r").unwrap_or(with_cr);
        if bytes.len() > MAX_LINE_BYTES {
            return Err(self.line_too_long());
        }

        let line = Line {
            bytes,
            start: self.position,
        };
        self.position += consumed;
        Ok(Some(line))
    }

    /// Reads exactly `len` bytes, or returns `None` when fewer remain.
    pub(super) fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.position.checked_add(len)?;
        let bytes = self.input.get(self.position..end)?;
        self.position = end;
        Some(bytes)
    }

    /// Consumes a CRLF or LF at the current position and reports whether one was there.
    pub(super) fn take_line_end(&mut self) -> bool {
        let rest = self.rest();
        let len = if rest.starts_with(b"\r\n") {
            2
        } else if rest.starts_with(b"\n") {
            1
        } else {
            return false;
        };
        self.position += len;
        true
    }

    /// Builds an [`Error::InvalidMessage`] that names the line holding byte `offset`.
    pub(super) fn error_at(&self, offset: usize, detail: impl fmt::Display) -> Error {
        let before = self.input.get(..offset).unwrap_or(self.input);
        let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
        Error::invalid_message(format!("line {line}: {detail}"))
    }

    fn line_too_long(&self) -> Error {
        self.error_at(
            self.position,
            format_args!(
                "the line is longer than {MAX_LINE_BYTES} bytes (64 KiB), the limit for start, field and chunk-size lines; shorten it"
            ),
        )
    }
}
