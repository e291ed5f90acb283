//! An owned HTTP message for callers without `http` types.

use std::fmt;

/// The first line of a message: a request line or a response's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartLine {
    /// A request: method and request-target exactly as sent (origin, absolute,
    /// authority or asterisk form).
    Request {
        /// The method, such as `GET`.
        method: String,
        /// The request-target as it appears on the request line.
        target: String,
    },
    /// A response with its three-digit status code.
    Response {
        /// The status code, such as 200.
        status: u16,
    },
}

/// An HTTP message held in memory: start line, header fields, body and trailers.
///
/// Field names keep the case they were given; lookups ignore case. Values are
/// raw bytes, as received, and are normalised only when a component is
/// computed (RFC 9421 section 2.1).
///
/// ```
/// use reqsig::Message;
///
/// let message = Message::request("POST", "/items?id=7")
///     .with_header("Host", "api.example.com")
///     .with_header("Content-Type", "application/json")
///     .with_body(br#"{"n":1}"#.to_vec());
/// assert_eq!(message.header_values("content-type").count(), 1);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Message {
    /// The request line or response status.
    pub start: StartLine,
    /// Header fields in order, one entry per field line.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body bytes (after removing any chunked transfer coding).
    pub body: Vec<u8>,
    /// Trailer fields, when the message had a trailer section.
    pub trailers: Option<Vec<(String, Vec<u8>)>>,
}

impl Message {
    /// Creates a request with no fields and an empty body.
    pub fn request(method: impl Into<String>, target: impl Into<String>) -> Message {
        Message::new(StartLine::Request {
            method: method.into(),
            target: target.into(),
        })
    }

    /// Creates a response with no fields and an empty body.
    pub fn response(status: u16) -> Message {
        Message::new(StartLine::Response { status })
    }

    fn new(start: StartLine) -> Message {
        Message {
            start,
            headers: Vec::new(),
            body: Vec::new(),
            trailers: None,
        }
    }

    /// Appends a header field line and returns the message.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<Vec<u8>>) -> Message {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the body and returns the message.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Message {
        self.body = body.into();
        self
    }

    /// Appends a trailer field line and returns the message.
    pub fn with_trailer(mut self, name: impl Into<String>, value: impl Into<Vec<u8>>) -> Message {
        self.trailers
            .get_or_insert_with(Vec::new)
            .push((name.into(), value.into()));
        self
    }

    /// Returns every value of a header field, in order, matching the name without regard to case.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_slice())
    }

    /// Removes every line of a header field.
    pub fn remove_header(&mut self, name: &str) {
        self.headers
            .retain(|(field, _)| !field.eq_ignore_ascii_case(name));
    }

    /// Replaces every line of a header field with one line holding `value`.
    pub fn set_header(&mut self, name: &str, value: impl Into<Vec<u8>>) {
        self.remove_header(name);
        self.headers.push((name.to_owned(), value.into()));
    }

    /// Returns the method, for a request.
    pub fn method(&self) -> Option<&str> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    /// Returns the status code, for a response.
    pub fn status(&self) -> Option<u16> {
        match self.start {
            StartLine::Request { .. } => None,
            StartLine::Response { status } => Some(status),
        }
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, String)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), String::from_utf8_lossy(value).into_owned()))
            .collect();
        f.debug_struct("Message")
            .field("start", &self.start)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .field("trailers", &self.trailers.as_ref().map(Vec::len))
            .finish()
    }
}
