//! Request heads for the gate: `http::request::Parts` built from the method,
//! request-target and header fields that a Python server passes.

use std::net::IpAddr;

use http::{HeaderName, HeaderValue, Method, Uri};
use pyo3::prelude::*;

use crate::args;
use crate::convert::{extract_headers, require_headers};
use crate::errors::value_error;

/// Builds the request head. Every value comes from the client, so a failure
/// is a `ValueError` naming the argument, which the middleware turns into 400.
pub(crate) fn request_head(
    method: &Bound<'_, PyAny>,
    target: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    prefix: &str,
) -> PyResult<http::request::Parts> {
    let argument = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    let method_text = args::text(method, &argument("method"))?;
    let target_text = args::text(target, &argument("target"))?;
    require_headers(headers, &argument("headers"))?;
    let lines = extract_headers(Some(headers), &argument("headers"))?;

    let method = Method::from_bytes(method_text.as_bytes()).map_err(|_| {
        value_error(
            &argument("method"),
            format!("{method_text:?} is not an HTTP method"),
        )
    })?;
    let uri = Uri::try_from(target_text.as_str()).map_err(|error| {
        value_error(
            &argument("target"),
            format!("{target_text:?} is not a request-target: {error}"),
        )
    })?;
    let mut request = http::Request::new(());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    let map = request.headers_mut();
    for (name, value) in lines {
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            value_error(
                &argument("headers"),
                format!("{name:?} is not a valid header name"),
            )
        })?;
        let value = HeaderValue::from_bytes(&value).map_err(|_| {
            value_error(
                &argument("headers"),
                format!("the value of {name:?} contains a control character"),
            )
        })?;
        map.append(header, value);
    }
    Ok(request.into_parts().0)
}

/// Reads the client's address: an IPv4 or IPv6 address as `str`, or `None`
/// when unknown. An IPv6 zone (`fe80::1%eth0`) is dropped.
pub(crate) fn peer_address(peer: Option<&Bound<'_, PyAny>>) -> PyResult<Option<IpAddr>> {
    let Some(text) = args::optional_text(peer, "peer")? else {
        return Ok(None);
    };
    let address = text.split('%').next().unwrap_or_default();
    address
        .parse::<IpAddr>()
        .map(Some)
        .map_err(|_| value_error("peer", format!("{text:?} is not an IP address")))
}
