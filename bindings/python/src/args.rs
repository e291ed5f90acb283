//! Readers for plain arguments (`str`, `bool`, `int`, `bytes`).
//!
//! The methods take such arguments as Python objects and read them here,
//! so that the `TypeError` or `ValueError` names the argument in its message
//! on every Python version. pyo3 0.30's own conversion names it only in a
//! PEP 678 note, which Python 3.9 and 3.10 cannot add.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyInt, PyString};

use crate::errors::{type_error, value_error};

/// Reads a `str`.
pub(crate) fn text(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<String> {
    let text = value
        .cast::<PyString>()
        .map_err(|_| type_error(argument, "str", value))?;
    Ok(text.to_cow()?.into_owned())
}

/// Reads an optional `str`: an absent argument and `None` both give `None`.
pub(crate) fn optional_text(value: Option<&Bound<'_, PyAny>>, argument: &str) -> PyResult<Option<String>> {
    match value {
        Some(value) if !value.is_none() => {
            let text = value
                .cast::<PyString>()
                .map_err(|_| type_error(argument, "str or None", value))?;
            Ok(Some(text.to_cow()?.into_owned()))
        }
        _ => Ok(None),
    }
}

/// Reads a `bool`, or returns `default` when the argument is absent.
pub(crate) fn flag(value: Option<&Bound<'_, PyAny>>, argument: &str, default: bool) -> PyResult<bool> {
    match value {
        Some(value) => value
            .cast::<PyBool>()
            .map(|flag| flag.is_true())
            .map_err(|_| type_error(argument, "bool", value)),
        None => Ok(default),
    }
}

/// Reads a non-negative `int`. A `bool` is rejected, although Python counts it as an `int`.
pub(crate) fn non_negative(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<u64> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(type_error(argument, "int", value));
    }
    let number: i128 = value.extract()?;
    u64::try_from(number)
        .map_err(|_| value_error(argument, format!("{number} is not between 0 and 2**64 - 1")))
}

/// Reads an HTTP status code, a three-digit `int`.
pub(crate) fn status(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<u16> {
    let number = non_negative(value, argument)?;
    u16::try_from(number)
        .ok()
        .filter(|status| (100..=999).contains(status))
        .ok_or_else(|| value_error(argument, format!("{number} is not a three-digit status code")))
}

/// Reads `bytes` or `bytearray`.
pub(crate) fn bytes(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<Vec<u8>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(array) = value.cast::<PyByteArray>() {
        return Ok(array.to_vec());
    }
    Err(type_error(argument, "bytes", value))
}
