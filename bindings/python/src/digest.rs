//! Content-Digest (RFC 9530) functions.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::args;
use crate::convert::{extract_body, parse_digest};
use crate::errors::{Failure, to_py_err, type_error};

/// Computes the `Content-Digest` value of a body, such as `sha-256=:...:`.
#[pyfunction]
#[pyo3(signature = (body, algorithm = None), text_signature = "(body, algorithm='sha-256')")]
pub(crate) fn content_digest(
    py: Python<'_>,
    body: &Bound<'_, PyAny>,
    algorithm: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let algorithm = args::optional_text(algorithm, "algorithm")?;
    let algorithm = parse_digest(algorithm.as_deref().unwrap_or("sha-256"), "algorithm")?;
    let body = extract_body(Some(body), "body")?;
    Ok(py.detach(|| reqsig::content_digest(&body, algorithm)))
}

/// Checks a received `Content-Digest` value against the whole body.
#[pyfunction]
pub(crate) fn verify_content_digest(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let value = if let Ok(text) = value.cast::<PyString>() {
        text.to_cow()?.as_bytes().to_vec()
    } else if let Ok(bytes) = value.cast::<PyBytes>() {
        bytes.as_bytes().to_vec()
    } else {
        return Err(type_error("value", "str or bytes", value));
    };
    let body = extract_body(Some(body), "body")?;
    py.detach(|| reqsig::verify_content_digest(&value, &body))
        .map_err(|error| to_py_err(py, Failure::Verify(error)))
}
