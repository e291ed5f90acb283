//! The target URI of a request: scheme, authority, path and query.

use std::borrow::Cow;
use std::fmt;

use crate::Error;

/// The URI scheme of a request, `https` or `http`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `https`, the default when a request does not carry its scheme.
    #[default]
    Https,
    /// `http`.
    Http,
}

impl Scheme {
    /// Returns the scheme as written in a URI.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        }
    }

    /// Returns the port that a URI of this scheme leaves out.
    pub const fn default_port(self) -> u16 {
        match self {
            Scheme::Https => 443,
            Scheme::Http => 80,
        }
    }

    /// Parses `https` or `http`, ignoring case.
    pub fn parse(text: &str) -> Option<Scheme> {
        if text.eq_ignore_ascii_case("https") {
            Some(Scheme::Https)
        } else if text.eq_ignore_ascii_case("http") {
            Some(Scheme::Http)
        } else {
            None
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scheme and authority that requests reach a server with, used to build the target URI.
///
/// A request in origin form (`GET /path`) does not carry its scheme, and behind
/// a TLS-terminating proxy the Host header may not be the authority the client
/// signed. A scheme or authority set here overrides the message's own.
///
/// ```
/// use reqsig::message::{Scheme, TargetContext};
///
/// let behind_proxy = TargetContext::default()
///     .with_scheme(Scheme::Https)
///     .with_authority("api.example.com");
/// assert_eq!(behind_proxy.authority.as_deref(), Some("api.example.com"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetContext {
    /// Scheme that overrides the request's own; `None` uses the request's, or `https`.
    pub scheme: Option<Scheme>,
    /// Authority (`host[:port]`) that overrides the request's own.
    pub authority: Option<String>,
}

impl TargetContext {
    /// Sets the scheme override.
    pub fn with_scheme(mut self, scheme: Scheme) -> Self {
        self.scheme = Some(scheme);
        self
    }

    /// Sets the authority override.
    pub fn with_authority(mut self, authority: impl Into<String>) -> Self {
        self.authority = Some(authority.into());
        self
    }
}

/// The parts of a request's target URI that derived components read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestTarget<'a> {
    /// The scheme.
    pub scheme: Scheme,
    /// The authority, normalised: host in lowercase, default port removed.
    pub authority: Cow<'a, str>,
    /// The path as sent, `/` when the URI has none, or `None` for the
    /// authority and asterisk forms, which have no path.
    pub path: Option<&'a str>,
    /// The query without its `?`, when present.
    pub query: Option<&'a str>,
    /// The request-target exactly as on the request line.
    pub request_target: Cow<'a, str>,
}

/// The request-target of a request line split into its forms (RFC 9112 section 3.2).
pub(crate) struct ParsedTarget<'a> {
    pub scheme: Option<&'a str>,
    pub authority: Option<&'a str>,
    pub path: Option<&'a str>,
    pub query: Option<&'a str>,
}

/// Splits a request-target in origin, absolute, authority or asterisk form.
pub(crate) fn parse_request_target<'a>(target: &'a str, method: &str) -> Result<ParsedTarget<'a>, Error> {
    if target.is_empty() {
        return Err(Error::invalid_message("the request-target is empty"));
    }
    if target.bytes().any(|b| b <= b' ' || b == 0x7f || b == b'#') {
        return Err(Error::invalid_message(format!(
            "the request-target {target:?} contains whitespace, a control character or a fragment"
        )));
    }
    if target == "*" {
        return Ok(ParsedTarget {
            scheme: None,
            authority: None,
            path: None,
            query: None,
        });
    }
    if let Some(rest) = target.strip_prefix('/') {
        let (path, query) = split_query(rest);
        let path_len = path.len() + 1;
        return Ok(ParsedTarget {
            scheme: None,
            authority: None,
            path: Some(&target[..path_len]),
            query,
        });
    }
    if let Some((scheme, rest)) = target.split_once("://") {
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.is_empty() {
            return Err(Error::invalid_message(format!(
                "the request-target {target:?} has no authority"
            )));
        }
        let (path, query) = split_query(tail);
        return Ok(ParsedTarget {
            scheme: Some(scheme),
            authority: Some(authority),
            path: Some(if path.is_empty() { "/" } else { path }),
            query,
        });
    }
    if method.eq_ignore_ascii_case("CONNECT") {
        return Ok(ParsedTarget {
            scheme: None,
            authority: Some(target),
            path: None,
            query: None,
        });
    }
    Err(Error::invalid_message(format!(
        "the request-target {target:?} is in none of the origin, absolute, authority or asterisk forms"
    )))
}

fn split_query(text: &str) -> (&str, Option<&str>) {
    match text.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (text, None),
    }
}

/// Normalises an authority: host in lowercase, the scheme's default port removed.
pub(crate) fn normalize_authority(authority: &str, scheme: Scheme) -> Result<Cow<'_, str>, Error> {
    let authority = authority.trim_matches([' ', '\t']);
    if authority.is_empty() {
        return Err(Error::invalid_message("the authority is empty"));
    }
    // One pass over the bytes finds everything the checks below need.
    let mut user_info = false;
    let mut invalid = false;
    let mut uppercase = false;
    let mut host_end = 0;
    for (i, byte) in authority.bytes().enumerate() {
        match byte {
            b'@' => user_info = true,
            b']' => host_end = i + 1,
            b'A'..=b'Z' => uppercase = true,
            b'/' | b'?' | b'#' => invalid = true,
            byte if byte <= b' ' || byte >= 0x7f => invalid = true,
            _ => {}
        }
    }
    if user_info {
        return Err(Error::invalid_message(format!(
            "the authority {authority:?} carries user information, which a request must not send"
        )));
    }
    if invalid {
        return Err(Error::invalid_message(format!(
            "the authority {authority:?} contains an invalid character"
        )));
    }
    let default_port = match scheme {
        Scheme::Https => ":443",
        Scheme::Http => ":80",
    };
    // An IPv6 literal ends with `]`, so a port suffix is only after the last `]`.
    let without_port = match authority[host_end..].strip_suffix(default_port) {
        Some(_) => &authority[..authority.len() - default_port.len()],
        None => authority,
    };
    let without_port = without_port.strip_suffix(':').unwrap_or(without_port);
    // The removed port suffix contains no letters, so `uppercase` covers what is left.
    if uppercase {
        Ok(Cow::Owned(without_port.to_ascii_lowercase()))
    } else {
        Ok(Cow::Borrowed(without_port))
    }
}

#[cfg(test)]
mod tests {
    use super::{Scheme, normalize_authority};

    #[test]
    fn authority_normalised() {
        let cases = [
            ("Example.COM", Scheme::Https, "example.com"),
            ("example.com:443", Scheme::Https, "example.com"),
            ("example.com:443", Scheme::Http, "example.com:443"),
            ("example.com:80", Scheme::Http, "example.com"),
            ("example.com:8443", Scheme::Https, "example.com:8443"),
            ("example.com:", Scheme::Https, "example.com"),
            (" \texample.com ", Scheme::Https, "example.com"),
            ("[::1]:443", Scheme::Https, "[::1]"),
            ("[2001:DB8::443]", Scheme::Https, "[2001:db8::443]"),
            ("[::1]:8080", Scheme::Https, "[::1]:8080"),
        ];
        for (authority, scheme, expected) in cases {
            let normalised = normalize_authority(authority, scheme).unwrap();
            assert_eq!(normalised, expected, "{authority:?} over {scheme}");
        }
    }

    #[test]
    fn authority_rejected() {
        let cases = [
            ("", "empty"),
            ("  ", "empty"),
            ("user@example.com", "user information"),
            ("user@exa mple.com", "user information"),
            ("exa mple.com", "invalid character"),
            ("example.com/path", "invalid character"),
            ("example.com?q", "invalid character"),
            ("example.com#f", "invalid character"),
            ("exämple.com", "invalid character"),
        ];
        for (authority, reason) in cases {
            let error = normalize_authority(authority, Scheme::Https).unwrap_err();
            assert!(error.to_string().contains(reason), "{authority:?}: {error}");
        }
    }
}
