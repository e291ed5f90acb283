//! `ResponseSigner`: signs a server's responses under reqsig's response profile.

use std::sync::Arc;

use http::{HeaderName, HeaderValue};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use reqsig::message::{MessageView, TargetContext};
use reqsig_gate::ResponseSigner;

use crate::args;
use crate::convert::{extract_body, extract_headers, parse_scheme, quoted};
use crate::errors::{Failure, to_py_err, type_error, value_error};
use crate::head::request_head;
use crate::signer::{PySignatureHeaders, signing_key_of};

/// Signs responses so that clients can check they come from the server and
/// respond to their request. The stub `_reqsig.pyi` documents the profile.
#[pyclass(module = "reqsig", name = "ResponseSigner", frozen)]
pub(crate) struct PyResponseSigner {
    inner: ResponseSigner,
    key_id: String,
    algorithm: &'static str,
}

/// Builds the response to sign from status, header fields and body.
fn response_of(
    status: &Bound<'_, PyAny>,
    headers: Option<&Bound<'_, PyAny>>,
    body: Option<&Bound<'_, PyAny>>,
) -> PyResult<http::Response<Vec<u8>>> {
    let status = args::status(status, "status")?;
    let mut response = http::Response::new(extract_body(body, "body")?);
    *response.status_mut() = http::StatusCode::from_u16(status)
        .map_err(|_| value_error("status", format!("{status} is not a status code")))?;
    for (name, value) in extract_headers(headers, "headers")? {
        let header = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| value_error("headers", format!("{name:?} is not a valid header name")))?;
        let value = HeaderValue::from_bytes(&value).map_err(|_| {
            value_error(
                "headers",
                format!("the value of {name:?} contains a control character"),
            )
        })?;
        response.headers_mut().append(header, value);
    }
    Ok(response)
}

#[pymethods]
impl PyResponseSigner {
    #[new]
    fn new(key: &Bound<'_, PyAny>, key_id: &Bound<'_, PyAny>) -> PyResult<PyResponseSigner> {
        let key = signing_key_of(key)?;
        let key_id = args::text(key_id, "key_id")?;
        let algorithm = key.algorithm().name();
        Ok(PyResponseSigner {
            inner: ResponseSigner::new(Arc::new(key), key_id.clone()),
            key_id,
            algorithm,
        })
    }

    #[getter]
    fn key_id(&self) -> &str {
        &self.key_id
    }

    #[getter]
    fn algorithm(&self) -> &'static str {
        self.algorithm
    }

    /// Signs a response and returns the header fields to add to it.
    #[pyo3(signature = (status, headers, body = None, *, request, request_label, scheme = None, authority = None))]
    #[expect(clippy::too_many_arguments, reason = "the arguments of the Python method")]
    fn sign(
        &self,
        py: Python<'_>,
        status: &Bound<'_, PyAny>,
        headers: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        request: &Bound<'_, PyAny>,
        request_label: &Bound<'_, PyAny>,
        scheme: Option<&Bound<'_, PyAny>>,
        authority: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PySignatureHeaders> {
        let mut response = response_of(status, headers, body)?;
        const EXPECTED: &str = "a (method, target, headers) tuple";
        let request = request
            .cast::<PyTuple>()
            .ok()
            .filter(|tuple| tuple.len() == 3)
            .ok_or_else(|| type_error("request", EXPECTED, request))?;
        let parts = request_head(
            &request.get_item(0)?,
            &request.get_item(1)?,
            &request.get_item(2)?,
            "request",
        )?;
        let label = args::text(request_label, "request_label")?;
        let scheme = args::optional_text(scheme, "scheme")?;
        let context = TargetContext {
            scheme: scheme.map(|s| parse_scheme(&s, "scheme")).transpose()?,
            authority: args::optional_text(authority, "authority")?,
        };
        let signer = &self.inner;
        let signed = py.detach(|| {
            let view = MessageView::from_request_parts(&parts, None, &context);
            signer.sign(&mut response, &view, &label)
        });
        signed
            .map(PySignatureHeaders::from)
            .map_err(|error| to_py_err(py, Failure::Sign(error)))
    }

    fn __repr__(&self) -> String {
        format!(
            "<ResponseSigner key_id={} algorithm={}>",
            quoted(&self.key_id),
            quoted(self.algorithm)
        )
    }
}
