//! A borrowed view of a message, shared by every message source.

use std::borrow::Cow;

use http::HeaderMap;

use super::names;
use super::owned::{Message, StartLine};
use super::target::{RequestTarget, Scheme, TargetContext, normalize_authority, parse_request_target};
use crate::Error;

/// A message as signing and verifying read it.
///
/// Build one with [`ToMessageView::to_view`] from an `http::Request`,
/// `http::Response` or [`Message`], or with [`MessageView::from_request_parts`]
/// when the body is a stream held elsewhere.
#[derive(Debug)]
pub struct MessageView<'a> {
    pub(crate) kind: Kind<'a>,
    pub(crate) headers: Fields<'a>,
    pub(crate) trailers: Option<Fields<'a>>,
    pub(crate) has_body: bool,
    pub(crate) body: Option<&'a [u8]>,
}

#[derive(Debug)]
pub(crate) enum Kind<'a> {
    Request {
        method: &'a str,
        target: Result<RequestTarget<'a>, String>,
    },
    Response {
        status: u16,
    },
}

/// Field lines from an `http::HeaderMap` or from a [`Message`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Fields<'a> {
    Map(&'a HeaderMap),
    List(&'a [(String, Vec<u8>)]),
}

impl<'a> Fields<'a> {
    /// Returns the values of every line of a field; `name` must be lowercase.
    pub(crate) fn values<'n>(self, name: &'n str) -> FieldValues<'a, 'n> {
        match self {
            Fields::Map(map) => {
                let values = match names::known(name) {
                    Some(parsed) => map.get_all(parsed),
                    None => map.get_all(name),
                };
                FieldValues::Map(values.iter())
            }
            Fields::List(list) => FieldValues::List { list, name },
        }
    }
}

/// The lines of one field, from either kind of [`Fields`].
pub(crate) enum FieldValues<'a, 'n> {
    Map(http::header::ValueIter<'a, http::HeaderValue>),
    List {
        list: &'a [(String, Vec<u8>)],
        name: &'n str,
    },
}

impl<'a> Iterator for FieldValues<'a, '_> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        match self {
            FieldValues::Map(values) => values.next().map(http::HeaderValue::as_bytes),
            FieldValues::List { list, name } => {
                let position = list
                    .iter()
                    .position(|(field, _)| field.eq_ignore_ascii_case(name))?;
                let value = list[position].1.as_slice();
                *list = &list[position + 1..];
                Some(value)
            }
        }
    }
}

/// Anything that can be seen as a [`MessageView`].
pub trait ToMessageView {
    /// Builds the view. `context` supplies the scheme and authority that an
    /// origin-form request does not carry.
    ///
    /// # Errors
    /// [`Error::InvalidMessage`] when the request-target cannot be read.
    fn to_view<'a>(&'a self, context: &TargetContext) -> Result<MessageView<'a>, Error>;
}

/// Body types whose bytes are in memory, so a digest can be computed and checked.
pub trait BodyBytes {
    /// Returns the body's bytes.
    fn body_bytes(&self) -> &[u8];
}

impl BodyBytes for Vec<u8> {
    fn body_bytes(&self) -> &[u8] {
        self
    }
}

impl BodyBytes for String {
    fn body_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl BodyBytes for &[u8] {
    fn body_bytes(&self) -> &[u8] {
        self
    }
}

impl BodyBytes for &str {
    fn body_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl BodyBytes for () {
    fn body_bytes(&self) -> &[u8] {
        &[]
    }
}

impl BodyBytes for bytes::Bytes {
    fn body_bytes(&self) -> &[u8] {
        self
    }
}

impl<B: BodyBytes> ToMessageView for http::Request<B> {
    fn to_view<'a>(&'a self, context: &TargetContext) -> Result<MessageView<'a>, Error> {
        let body = self.body().body_bytes();
        let view =
            MessageView::request_from_http(self.method(), self.uri(), self.headers(), Some(body), context);
        Ok(view)
    }
}

impl<B: BodyBytes> ToMessageView for http::Response<B> {
    fn to_view<'a>(&'a self, _context: &TargetContext) -> Result<MessageView<'a>, Error> {
        let body = self.body().body_bytes();
        let headers = Fields::Map(self.headers());
        Ok(MessageView {
            kind: Kind::Response {
                status: self.status().as_u16(),
            },
            has_body: !body.is_empty() || declares_body(headers),
            headers,
            trailers: None,
            body: Some(body),
        })
    }
}

impl ToMessageView for Message {
    fn to_view<'a>(&'a self, context: &TargetContext) -> Result<MessageView<'a>, Error> {
        let headers = Fields::List(&self.headers);
        let kind = match &self.start {
            StartLine::Request { method, target } => {
                let parsed = parse_request_target(target, method)?;
                let scheme = resolve_scheme(context, parsed.scheme);
                let authority = match parsed.authority {
                    Some(authority) if context.authority.is_none() => {
                        normalize_authority(authority, scheme).map_err(|e| e.to_string())
                    }
                    _ => authority_from_host(headers, context, scheme),
                };
                let target = authority.map(|authority| RequestTarget {
                    scheme,
                    authority,
                    path: parsed.path,
                    query: parsed.query,
                    request_target: Cow::Borrowed(target.as_str()),
                });
                Kind::Request { method, target }
            }
            StartLine::Response { status } => Kind::Response { status: *status },
        };
        Ok(MessageView {
            kind,
            has_body: !self.body.is_empty() || declares_body(headers),
            headers,
            trailers: self.trailers.as_deref().map(Fields::List),
            body: Some(&self.body),
        })
    }
}

impl<'a> MessageView<'a> {
    /// Builds the view of a request whose body is not in memory, such as a
    /// stream in server middleware. Pass the body's bytes when you have them
    /// (to compute or check a Content-Digest), or `None`.
    pub fn from_request_parts(
        parts: &'a http::request::Parts,
        body: Option<&'a [u8]>,
        context: &TargetContext,
    ) -> MessageView<'a> {
        MessageView::request_from_http(&parts.method, &parts.uri, &parts.headers, body, context)
    }

    /// Builds the view of a response whose body is not in memory.
    pub fn from_response_parts(parts: &'a http::response::Parts, body: Option<&'a [u8]>) -> MessageView<'a> {
        let headers = Fields::Map(&parts.headers);
        MessageView {
            kind: Kind::Response {
                status: parts.status.as_u16(),
            },
            has_body: body.is_some_and(|b| !b.is_empty()) || declares_body(headers),
            headers,
            trailers: None,
            body,
        }
    }

    fn request_from_http(
        method: &'a http::Method,
        uri: &'a http::Uri,
        header_map: &'a HeaderMap,
        body: Option<&'a [u8]>,
        context: &TargetContext,
    ) -> MessageView<'a> {
        let headers = Fields::Map(header_map);
        let scheme = resolve_scheme(context, uri.scheme_str());
        let authority = match uri.authority() {
            Some(authority) if context.authority.is_none() => {
                normalize_authority(authority.as_str(), scheme).map_err(|e| e.to_string())
            }
            _ => authority_from_host(headers, context, scheme),
        };
        let (path, request_target) = if method == http::Method::CONNECT && uri.path_and_query().is_none() {
            (
                None,
                Cow::Owned(uri.authority().map(|a| a.to_string()).unwrap_or_default()),
            )
        } else if method == http::Method::OPTIONS && uri.path() == "*" {
            (None, Cow::Borrowed("*"))
        } else {
            // An HTTP/1.1 client sends the origin form to an origin server, so that
            // is the request-target even when the `Uri` is absolute.
            let origin = uri.path_and_query().map_or("/", |pq| pq.as_str());
            let path = if uri.path().is_empty() { "/" } else { uri.path() };
            (Some(path), Cow::Borrowed(origin))
        };
        let target = authority.map(|authority| RequestTarget {
            scheme,
            authority,
            path,
            query: uri.query(),
            request_target,
        });
        MessageView {
            kind: Kind::Request {
                method: method.as_str(),
                target,
            },
            has_body: body.is_some_and(|b| !b.is_empty()) || declares_body(headers),
            headers,
            trailers: None,
            body,
        }
    }

    /// Reports whether this is a request.
    pub fn is_request(&self) -> bool {
        matches!(self.kind, Kind::Request { .. })
    }

    /// Reports whether the message has a body: it carries `Transfer-Encoding`
    /// or a non-zero `Content-Length`, its body bytes are not empty, or
    /// [`MessageView::with_body_present`] marked it.
    pub fn has_body(&self) -> bool {
        self.has_body
    }

    /// Marks the message as having a body whose bytes the view was not given.
    ///
    /// An HTTP/2 or HTTP/3 request may carry a body without `Content-Length`
    /// or `Transfer-Encoding`, so its head alone does not show the body.
    /// Server middleware that receives a body stream that has not ended calls
    /// this, so the policy's body requirements (such as a covered
    /// `content-digest`) apply. `false` leaves the view unchanged.
    ///
    /// ```
    /// use reqsig::message::{MessageView, TargetContext};
    ///
    /// let (parts, ()) = http::Request::post("https://example.com/orders").body(()).unwrap().into_parts();
    /// let view = MessageView::from_request_parts(&parts, None, &TargetContext::default());
    /// assert!(!view.has_body());
    /// assert!(view.with_body_present(true).has_body());
    /// ```
    #[must_use]
    pub fn with_body_present(mut self, present: bool) -> MessageView<'a> {
        self.has_body |= present;
        self
    }

    /// Returns the body bytes, when the view was given them.
    pub fn body(&self) -> Option<&'a [u8]> {
        self.body
    }

    /// Returns every line of a header field; `name` must be lowercase.
    pub fn header_values(&self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        self.headers.values(name)
    }
}

fn resolve_scheme(context: &TargetContext, from_uri: Option<&str>) -> Scheme {
    context
        .scheme
        .or_else(|| from_uri.and_then(Scheme::parse))
        .unwrap_or_default()
}

fn authority_from_host<'a>(
    headers: Fields<'a>,
    context: &TargetContext,
    scheme: Scheme,
) -> Result<Cow<'a, str>, String> {
    if let Some(authority) = &context.authority {
        return normalize_authority(authority, scheme)
            .map(|a| Cow::Owned(a.into_owned()))
            .map_err(|e| e.to_string());
    }
    let mut hosts = headers.values("host");
    let host = hosts
        .next()
        .ok_or_else(|| "the request has no authority: send an absolute URI or a Host header".to_owned())?;
    if hosts.next().is_some() {
        return Err("the request has more than one Host header line".to_owned());
    }
    let host = std::str::from_utf8(host).map_err(|_| "the Host header is not ASCII".to_owned())?;
    normalize_authority(host, scheme).map_err(|e| e.to_string())
}

/// Reports whether the fields announce a body: `Transfer-Encoding`, or a non-zero `Content-Length`.
pub(crate) fn declares_body(headers: Fields<'_>) -> bool {
    if headers.values("transfer-encoding").next().is_some() {
        return true;
    }
    headers
        .values("content-length")
        .any(|value| value.iter().any(|b| (b'1'..=b'9').contains(b)))
}
