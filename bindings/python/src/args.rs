//! Readers for plain arguments (`str`, `bool`, `int`, `bytes`, seconds, paths,
//! lists of `str` and points in time).
//!
//! The methods take such arguments as Python objects and read them here,
//! so that the `TypeError` or `ValueError` names the argument in its message
//! on every Python version. pyo3 0.30's own conversion names it only in a
//! PEP 678 note, which Python 3.9 and 3.10 cannot add.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyFloat, PyInt, PyString};

use crate::errors::{type_error, value_error};

/// An argument as the caller passed it, `None` included, or nothing when it
/// was left out.
///
/// pyo3 turns an explicit `None` into a Rust `None` for an `Option`
/// argument, so an argument that has a default but rejects `None` takes this
/// type, with `Passed::ABSENT` as its default.
pub(crate) struct Passed(Option<Py<PyAny>>);

impl Passed {
    /// The default of an argument that was left out.
    pub(crate) const ABSENT: Passed = Passed(None);

    /// Returns the value the caller passed, or `None` when the argument was left out.
    pub(crate) fn value<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        self.0.as_ref().map(|value| value.bind(py).clone())
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Passed {
    type Error = PyErr;

    fn extract(value: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Passed> {
        Ok(Passed(Some(value.to_owned().unbind())))
    }
}

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

/// Reads a duration in seconds, an `int` or a `float`, at least 0.
pub(crate) fn seconds(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<std::time::Duration> {
    if value.is_instance_of::<PyBool>()
        || !(value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>())
    {
        return Err(type_error(argument, "int or float seconds", value));
    }
    let number: f64 = value.extract()?;
    std::time::Duration::try_from_secs_f64(number).map_err(|_| {
        value_error(
            argument,
            format!("{number} is not a number of seconds of 0 or more"),
        )
    })
}

/// Reads a file path: a `str` or an `os.PathLike` whose path is a `str`.
pub(crate) fn path(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<std::path::PathBuf> {
    let expected = "str or os.PathLike";
    let fspath = value
        .py()
        .import("os")?
        .getattr("fspath")?
        .call1((value,))
        .map_err(|_| type_error(argument, expected, value))?;
    let text = fspath
        .cast::<PyString>()
        .map_err(|_| type_error(argument, "a str path (bytes paths are not supported)", value))?;
    Ok(std::path::PathBuf::from(text.to_cow()?.into_owned()))
}

/// Reads a sequence of `str`. A lone `str` is rejected, although it is a
/// sequence of characters, because it is almost always a missing list.
pub(crate) fn text_list(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<Vec<String>> {
    const EXPECTED: &str = "a sequence of str";
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>() {
        return Err(type_error(argument, EXPECTED, value));
    }
    let items = value
        .try_iter()
        .map_err(|_| type_error(argument, EXPECTED, value))?;
    let mut texts = Vec::new();
    for item in items {
        let item = item?;
        let text = item
            .cast::<PyString>()
            .map_err(|_| type_error(argument, "str items", &item))?;
        texts.push(text.to_cow()?.into_owned());
    }
    Ok(texts)
}

/// Reads a point in time: whole seconds since the Unix epoch (`int`), or a
/// `datetime.datetime` with a time zone. `None` gives `None`.
pub(crate) fn timestamp(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<Option<u64>> {
    if value.is_none() {
        return Ok(None);
    }
    if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        return non_negative(value, argument).map(Some);
    }
    let datetime = value.py().import("datetime")?.getattr("datetime")?;
    if !value.is_instance(&datetime)? {
        return Err(type_error(
            argument,
            "int (Unix seconds), datetime.datetime or None",
            value,
        ));
    }
    if value.call_method0("utcoffset")?.is_none() {
        return Err(value_error(
            argument,
            "the datetime has no time zone; pass one such as tzinfo=datetime.timezone.utc",
        ));
    }
    let seconds: f64 = value.call_method0("timestamp")?.extract()?;
    if seconds < 0.0 {
        return Err(value_error(argument, "the datetime lies before 1970"));
    }
    // Whole seconds, as in the registry file; the fraction is dropped.
    Ok(Some(seconds.floor() as u64))
}
