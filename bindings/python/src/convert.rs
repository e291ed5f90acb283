//! Conversions from Python arguments to the core's message, URL and
//! component types. Each failure names the argument it came from.

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString, PyTuple};
use reqsig::components::{ComponentId, Derived};
use reqsig::message::{Scheme, TargetContext};
use reqsig::{Algorithm, DigestAlgorithm, Message};

use crate::errors::{type_error, value_error};

/// Header field lines, in order, one entry per line.
pub(crate) type FieldLines = Vec<(String, Vec<u8>)>;

/// The types that header arguments accept, for `TypeError` messages.
const HEADERS_EXPECTED: &str = "a mapping or an iterable of (name, value) pairs";

/// Rejects `None` for a header argument that has no default, such as the
/// headers of a message to verify. Without this check `None` would read as a
/// message without header fields, which fails later with a misleading error.
pub(crate) fn require_headers(headers: &Bound<'_, PyAny>, argument: &str) -> PyResult<()> {
    if headers.is_none() {
        return Err(type_error(argument, HEADERS_EXPECTED, headers));
    }
    Ok(())
}

/// Reads headers given as a mapping (its `items()`) or as an iterable of
/// `(name, value)` pairs. Names and values are `str` or `bytes`. An absent
/// argument and `None` give no header fields.
pub(crate) fn extract_headers(headers: Option<&Bound<'_, PyAny>>, argument: &str) -> PyResult<FieldLines> {
    let Some(headers) = headers.filter(|h| !h.is_none()) else {
        return Ok(Vec::new());
    };
    if headers.is_instance_of::<PyString>() || headers.is_instance_of::<PyBytes>() {
        return Err(type_error(argument, HEADERS_EXPECTED, headers));
    }
    let pairs = if headers.hasattr("items")? {
        headers.call_method0("items")?.try_iter()?
    } else {
        headers
            .try_iter()
            .map_err(|_| type_error(argument, HEADERS_EXPECTED, headers))?
    };
    let mut lines = Vec::new();
    for pair in pairs {
        let pair = pair?;
        let (name, value) = if let Ok(tuple) = pair.cast::<PyTuple>() {
            if tuple.len() != 2 {
                return Err(value_error(
                    argument,
                    format!(
                        "each header must be a (name, value) pair, got {} items",
                        tuple.len()
                    ),
                ));
            }
            (tuple.get_item(0)?, tuple.get_item(1)?)
        } else if let Ok(list) = pair.cast::<pyo3::types::PyList>() {
            if list.len() != 2 {
                return Err(value_error(
                    argument,
                    format!(
                        "each header must be a (name, value) pair, got {} items",
                        list.len()
                    ),
                ));
            }
            (list.get_item(0)?, list.get_item(1)?)
        } else {
            return Err(type_error(argument, "(name, value) pairs", &pair));
        };
        let name = text_of(&name, argument, "header name")?;
        let value = bytes_of_header(&value, argument)?;
        lines.push((name, value));
    }
    Ok(lines)
}

fn text_of(value: &Bound<'_, PyAny>, argument: &str, what: &str) -> PyResult<String> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_cow()?.into_owned());
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return String::from_utf8(bytes.as_bytes().to_vec())
            .map_err(|_| value_error(argument, format!("the {what} is not valid UTF-8")));
    }
    Err(type_error(argument, &format!("a str or bytes {what}"), value))
}

/// Encodes a header value: `str` as UTF-8, `bytes` as they are. The core
/// rejects non-ASCII bytes in any covered value.
fn bytes_of_header(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<Vec<u8>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    Err(type_error(argument, "str or bytes header values", value))
}

/// Reads a body: `bytes`, `bytearray`, `memoryview`, or `None` for no body.
pub(crate) fn extract_body(body: Option<&Bound<'_, PyAny>>, argument: &str) -> PyResult<Vec<u8>> {
    let Some(body) = body.filter(|b| !b.is_none()) else {
        return Ok(Vec::new());
    };
    if let Ok(bytes) = body.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(array) = body.cast::<PyByteArray>() {
        return Ok(array.to_vec());
    }
    // The buffer protocol is outside the stable ABI before Python 3.11, so a
    // memoryview is copied through its own `tobytes`.
    if body.get_type().name()? == "memoryview" {
        let copy = body.call_method0("tobytes")?;
        return Ok(copy.cast::<PyBytes>()?.as_bytes().to_vec());
    }
    if body.is_instance_of::<PyString>() {
        return Err(type_error(
            argument,
            "bytes, bytearray or memoryview (encode a str body first)",
            body,
        ));
    }
    Err(type_error(argument, "bytes, bytearray, memoryview or None", body))
}

/// A request URL split into the request-target and the parts of the target URI it contains.
pub(crate) struct Target {
    /// The request-target in origin form (`/path?query`), or as given for the
    /// asterisk and authority forms.
    pub request_target: String,
    /// The scheme of an absolute URL.
    pub scheme: Option<Scheme>,
    /// The authority of an absolute URL.
    pub authority: Option<String>,
}

impl Target {
    /// Parses an absolute `http`/`https` URL, an origin-form target
    /// (`/path?query`, with the authority in a Host header), `*` or an
    /// authority-form target. A fragment is dropped because it is never sent.
    pub(crate) fn parse(url: &str, argument: &str) -> PyResult<Target> {
        let url = url.split_once('#').map_or(url, |(before, _)| before);
        let Some((scheme, rest)) = url.split_once("://") else {
            if url.is_empty() {
                return Err(value_error(argument, "the URL is empty"));
            }
            return Ok(Target {
                request_target: url.to_owned(),
                scheme: None,
                authority: None,
            });
        };
        let scheme = Scheme::parse(scheme).ok_or_else(|| {
            value_error(
                argument,
                format!("unsupported scheme {scheme:?} in {url:?}: use http or https"),
            )
        })?;
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.is_empty() {
            return Err(value_error(argument, format!("the URL {url:?} has no host")));
        }
        if authority.contains('@') {
            return Err(value_error(
                argument,
                format!(
                    "the URL {url:?} carries user information, which is never sent to the server; remove it"
                ),
            ));
        }
        let request_target = if tail.is_empty() {
            "/".to_owned()
        } else if tail.starts_with('?') {
            format!("/{tail}")
        } else {
            tail.to_owned()
        };
        Ok(Target {
            request_target,
            scheme: Some(scheme),
            authority: Some(authority.to_owned()),
        })
    }

    /// Returns the target context, in which `configured` overrides the URL's scheme and authority.
    pub(crate) fn context(&self, configured: &TargetContext) -> TargetContext {
        TargetContext {
            scheme: configured.scheme.or(self.scheme),
            authority: configured.authority.clone().or_else(|| self.authority.clone()),
        }
    }
}

/// A request converted from Python arguments, with the context to view it in.
pub(crate) struct RequestParts {
    pub message: Message,
    pub context: TargetContext,
}

/// Builds a request from method, URL, headers and body.
pub(crate) fn request_from_args(
    method: &str,
    url: &str,
    headers: Option<&Bound<'_, PyAny>>,
    body: Option<&Bound<'_, PyAny>>,
    configured: &TargetContext,
    prefix: &str,
) -> PyResult<RequestParts> {
    let argument = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(value_error(
            &argument("method"),
            format!("{method:?} is not an HTTP method"),
        ));
    }
    let target = Target::parse(url, &argument("url"))?;
    let mut message = Message::request(method, target.request_target.clone());
    message.headers = extract_headers(headers, &argument("headers"))?;
    message.body = extract_body(body, &argument("body"))?;
    Ok(RequestParts {
        message,
        context: target.context(configured),
    })
}

/// Reads the `request=` argument of the response methods: a tuple
/// `(method, url, headers)` or `(method, url, headers, body)`.
pub(crate) fn request_from_tuple(
    request: &Bound<'_, PyAny>,
    configured: &TargetContext,
) -> PyResult<RequestParts> {
    const EXPECTED: &str = "a (method, url, headers) or (method, url, headers, body) tuple";
    let tuple = request
        .cast::<PyTuple>()
        .map_err(|_| type_error("request", EXPECTED, request))?;
    if !(3..=4).contains(&tuple.len()) {
        return Err(type_error("request", EXPECTED, request));
    }
    let method = tuple.get_item(0)?;
    let method = method
        .cast::<PyString>()
        .map_err(|_| type_error("request.method", "str", &method))?
        .to_cow()?
        .into_owned();
    let url = tuple.get_item(1)?;
    let url = url
        .cast::<PyString>()
        .map_err(|_| type_error("request.url", "str", &url))?
        .to_cow()?
        .into_owned();
    let headers = tuple.get_item(2)?;
    let body = if tuple.len() == 4 {
        Some(tuple.get_item(3)?)
    } else {
        None
    };
    request_from_args(
        &method,
        &url,
        Some(&headers),
        body.as_ref(),
        configured,
        "request",
    )
}

/// Builds a response from its status (already checked), headers and body.
pub(crate) fn response_from_args(
    status: u16,
    headers: Option<&Bound<'_, PyAny>>,
    body: Option<&Bound<'_, PyAny>>,
) -> PyResult<Message> {
    let mut message = Message::response(status);
    message.headers = extract_headers(headers, "headers")?;
    message.body = extract_body(body, "body")?;
    Ok(message)
}

/// Parses one component: a bare name (`@method`, `content-type`) or a
/// serialized identifier with parameters (`"@query-param";name="id"`).
pub(crate) fn parse_component(text: &str) -> Result<ComponentId, String> {
    if text.starts_with('"') {
        return ComponentId::parse(text).map_err(|e| e.to_string());
    }
    if text.starts_with('@') {
        return match Derived::from_name(text) {
            Some(Derived::QueryParam) => Err(format!(
                "{text} needs a name: write it as '\"@query-param\";name=\"id\"'"
            )),
            Some(derived) => Ok(ComponentId::derived(derived)),
            None => Err(format!("{text:?} is not a derived component of RFC 9421")),
        };
    }
    ComponentId::field(text).map_err(|e| e.to_string())
}

/// Parses a sequence of component strings.
pub(crate) fn extract_components(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<Vec<ComponentId>> {
    const EXPECTED: &str = "a sequence of component names";
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>() {
        return Err(type_error(argument, EXPECTED, value));
    }
    let items = value
        .try_iter()
        .map_err(|_| type_error(argument, EXPECTED, value))?;
    let mut components = Vec::new();
    for item in items {
        let item = item?;
        let text = item
            .cast::<PyString>()
            .map_err(|_| type_error(argument, "component names as str", &item))?;
        let component = parse_component(&text.to_cow()?).map_err(|reason| value_error(argument, reason))?;
        components.push(component);
    }
    Ok(components)
}

/// Parses an algorithm name such as `ed25519`.
pub(crate) fn parse_algorithm(name: &str, argument: &str) -> PyResult<Algorithm> {
    name.parse::<Algorithm>()
        .map_err(|error| value_error(argument, error))
}

/// Parses a digest algorithm name, `sha-256` or `sha-512`.
pub(crate) fn parse_digest(name: &str, argument: &str) -> PyResult<DigestAlgorithm> {
    name.parse::<DigestAlgorithm>()
        .map_err(|error| value_error(argument, error))
}

/// Parses `http` or `https`.
pub(crate) fn parse_scheme(name: &str, argument: &str) -> PyResult<Scheme> {
    Scheme::parse(name).ok_or_else(|| value_error(argument, format!("{name:?} is not http or https")))
}

/// Converts components to the strings the Python API returns: the bare name
/// when the component has no parameters (`@method`, `content-type`), else the
/// serialized identifier (`"@query-param";name="id"`). [`parse_component`]
/// reads both back.
pub(crate) fn component_strings(components: &[ComponentId]) -> Vec<String> {
    components
        .iter()
        .map(|component| {
            let serialized = component.to_string();
            if serialized == format!("\"{}\"", component.name()) {
                component.name().to_owned()
            } else {
                serialized
            }
        })
        .collect()
}

/// Quotes text as Python's `repr` does for ordinary strings: in single
/// quotes, with backslashes, quotes and control characters escaped.
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Quotes optional text as [`quoted`], or writes `None`.
pub(crate) fn optional_quoted(text: Option<&str>) -> String {
    text.map_or_else(|| "None".to_owned(), quoted)
}
