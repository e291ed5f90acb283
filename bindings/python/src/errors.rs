//! The one mapping from reqsig's Rust errors to Python exceptions.
//!
//! The exception classes are defined in Python (`reqsig/_errors.py`), where
//! each class lists the error codes it stands for. Rust passes the operation,
//! the stable code of `reqsig::Error::code` and the message, and Python picks
//! the class.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use reqsig::KeyError;

/// A failure from the core, with the operation it happened in.
pub(crate) enum Failure {
    /// Loading, converting or generating a key.
    Key(KeyError),
    /// A key of the wrong kind for the call, found by the binding itself.
    KeyUsage(String),
    /// Building a signature.
    Sign(reqsig::Error),
    /// Verifying a signature or a Content-Digest.
    Verify(reqsig::Error),
    /// Loading or reloading a key registry file.
    Registry(reqsig_gate::RegistryError),
}

impl Failure {
    fn parts(&self) -> (&'static str, &'static str, String) {
        match self {
            Failure::Key(error) => ("key", "key_error", error.to_string()),
            Failure::KeyUsage(message) => ("key", "key_error", message.clone()),
            Failure::Sign(error) => ("sign", error.code(), error.to_string()),
            Failure::Verify(error) => ("verify", error.code(), error.to_string()),
            Failure::Registry(error) => ("registry", "registry_error", error.to_string()),
        }
    }
}

/// Converts a core failure into the matching `reqsig` exception.
///
/// `reqsig._errors.from_rust` chooses the class: `InvalidKeyError` for key
/// problems in any operation, `SigningError` for signing, `RegistryError`
/// for a registry file, and the `VerificationError` subclass that lists the
/// code for verification.
pub(crate) fn to_py_err(py: Python<'_>, failure: Failure) -> PyErr {
    let (operation, code, message) = failure.parts();
    let exception = py
        .import("reqsig._errors")
        .and_then(|module| module.getattr("from_rust"))
        .and_then(|from_rust| from_rust.call1((operation, code, message)));
    match exception {
        Ok(exception) => PyErr::from_value(exception),
        // Only a broken installation gets here, and the import error explains it.
        Err(import_error) => import_error,
    }
}

/// Builds the `TypeError` for an argument of the wrong type.
pub(crate) fn type_error(argument: &str, expected: &str, found: &Bound<'_, PyAny>) -> PyErr {
    let found = found
        .get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "an unknown type".to_owned());
    PyTypeError::new_err(format!("argument '{argument}': expected {expected}, got {found}"))
}

/// Builds the `ValueError` for an argument with an invalid value.
pub(crate) fn value_error(argument: &str, reason: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(format!("argument '{argument}': {reason}"))
}
