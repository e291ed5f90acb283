//! `Policy`: what a verifier requires beyond a valid signature.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyType};
use reqsig::{Algorithm, Limits, Policy};

use crate::args::{flag, non_negative, optional_text};
use crate::convert::{extract_components, parse_algorithm, quoted};
use crate::errors::{type_error, value_error};

/// The keywords that `Policy`, its constructors, `replace` and `Verifier` accept.
pub(crate) const POLICY_OPTIONS: &[&str] = &[
    "require_created",
    "require_expires",
    "require_nonce",
    "tag",
    "max_age",
    "future_skew",
    "allowed_algorithms",
    "reject_unknown_parameters",
    "verify_digest",
    "required_components",
    "max_header_bytes",
    "max_field_lines",
    "max_signatures",
    "max_components",
    "max_nonce_bytes",
    "max_body_bytes",
];

/// The rules a `Verifier` applies. The stub `_reqsig.pyi` documents the options.
#[pyclass(module = "reqsig", name = "Policy", frozen)]
pub(crate) struct PyPolicy {
    pub(crate) inner: Policy,
}

/// Applies keyword overrides to `policy`. `function` names the call in the
/// error for an unknown keyword, as Python's own message does.
pub(crate) fn apply_options(
    policy: &mut Policy,
    options: Option<&Bound<'_, PyDict>>,
    function: &str,
) -> PyResult<()> {
    let Some(options) = options else {
        return Ok(());
    };
    for (name, value) in options.iter() {
        let name = name.cast::<PyString>()?.to_cow()?.into_owned();
        if !POLICY_OPTIONS.contains(&name.as_str()) {
            return Err(PyTypeError::new_err(format!(
                "{function}() got an unexpected keyword argument '{name}'"
            )));
        }
        apply_option(policy, &name, &value)?;
    }
    Ok(())
}

fn apply_option(policy: &mut Policy, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let limits = &mut policy.limits;
    match name {
        "require_created" => policy.require_created = flag(Some(value), name, true)?,
        "require_expires" => policy.require_expires = flag(Some(value), name, false)?,
        "require_nonce" => policy.require_nonce = flag(Some(value), name, false)?,
        "reject_unknown_parameters" => policy.reject_unknown_parameters = flag(Some(value), name, false)?,
        "verify_digest" => policy.verify_digest = flag(Some(value), name, true)?,
        "tag" => policy.tag = optional_text(Some(value), name)?,
        "max_age" => {
            policy.max_age = if value.is_none() {
                None
            } else {
                Some(non_negative(value, name)?)
            }
        }
        "future_skew" => policy.future_skew = non_negative(value, name)?,
        "allowed_algorithms" => policy.allowed_algorithms = algorithms(value, name)?,
        "required_components" => {
            let components = extract_components(value, name)?;
            *policy = std::mem::take(policy).require_only(components);
        }
        "max_header_bytes" => limits.max_header_bytes = count(value, name)?,
        "max_field_lines" => limits.max_field_lines = count(value, name)?,
        "max_signatures" => limits.max_signatures = count(value, name)?,
        "max_components" => limits.max_components = count(value, name)?,
        "max_nonce_bytes" => limits.max_nonce_bytes = count(value, name)?,
        "max_body_bytes" => limits.max_body_bytes = count(value, name)?,
        _ => return Err(PyTypeError::new_err(format!("unknown policy option '{name}'"))),
    }
    Ok(())
}

fn count(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<usize> {
    let number = non_negative(value, argument)?;
    usize::try_from(number).map_err(|_| value_error(argument, format!("{number} is too large")))
}

fn algorithms(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<Option<Vec<Algorithm>>> {
    if value.is_none() {
        return Ok(None);
    }
    const EXPECTED: &str = "a sequence of algorithm names or None";
    if value.is_instance_of::<PyString>() {
        return Err(type_error(argument, EXPECTED, value));
    }
    let items = value
        .try_iter()
        .map_err(|_| type_error(argument, EXPECTED, value))?;
    let mut algorithms = Vec::new();
    for item in items {
        let item = item?;
        let name = item
            .cast::<PyString>()
            .map_err(|_| type_error(argument, "algorithm names as str", &item))?;
        algorithms.push(parse_algorithm(&name.to_cow()?, argument)?);
    }
    Ok(Some(algorithms))
}

#[pymethods]
impl PyPolicy {
    /// Creates the default policy with the given options changed.
    #[new]
    #[pyo3(signature = (**options))]
    fn new(options: Option<&Bound<'_, PyDict>>) -> PyResult<PyPolicy> {
        let mut inner = Policy::default();
        apply_options(&mut inner, options, "Policy")?;
        Ok(PyPolicy { inner })
    }

    /// Returns the default policy (what `Policy()` gives) with the given options changed.
    #[classmethod]
    #[pyo3(signature = (**options))]
    fn default(_cls: &Bound<'_, PyType>, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyPolicy> {
        let mut inner = Policy::default();
        apply_options(&mut inner, options, "Policy.default")?;
        Ok(PyPolicy { inner })
    }

    /// Returns the server policy: the default plus a required `nonce`.
    #[classmethod]
    #[pyo3(signature = (**options))]
    fn server(_cls: &Bound<'_, PyType>, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyPolicy> {
        let mut inner = Policy::server();
        apply_options(&mut inner, options, "Policy.server")?;
        Ok(PyPolicy { inner })
    }

    /// Returns a policy that requires no component or parameter and accepts any age.
    #[classmethod]
    #[pyo3(signature = (**options))]
    fn permissive(_cls: &Bound<'_, PyType>, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyPolicy> {
        let mut inner = Policy::permissive();
        apply_options(&mut inner, options, "Policy.permissive")?;
        Ok(PyPolicy { inner })
    }

    /// Returns a copy with the given options changed.
    #[pyo3(signature = (**options))]
    fn replace(&self, options: Option<&Bound<'_, PyDict>>) -> PyResult<PyPolicy> {
        let mut inner = self.inner.clone();
        apply_options(&mut inner, options, "Policy.replace")?;
        Ok(PyPolicy { inner })
    }

    #[getter]
    fn require_created(&self) -> bool {
        self.inner.require_created
    }

    #[getter]
    fn require_expires(&self) -> bool {
        self.inner.require_expires
    }

    #[getter]
    fn require_nonce(&self) -> bool {
        self.inner.require_nonce
    }

    #[getter]
    fn tag(&self) -> Option<String> {
        self.inner.tag.clone()
    }

    #[getter]
    fn max_age(&self) -> Option<u64> {
        self.inner.max_age
    }

    #[getter]
    fn future_skew(&self) -> u64 {
        self.inner.future_skew
    }

    #[getter]
    fn allowed_algorithms(&self) -> Option<Vec<&'static str>> {
        self.inner
            .allowed_algorithms
            .as_ref()
            .map(|algorithms| algorithms.iter().map(|a| a.name()).collect())
    }

    #[getter]
    fn reject_unknown_parameters(&self) -> bool {
        self.inner.reject_unknown_parameters
    }

    #[getter]
    fn verify_digest(&self) -> bool {
        self.inner.verify_digest
    }

    #[getter]
    fn max_header_bytes(&self) -> usize {
        self.inner.limits.max_header_bytes
    }

    #[getter]
    fn max_field_lines(&self) -> usize {
        self.inner.limits.max_field_lines
    }

    #[getter]
    fn max_signatures(&self) -> usize {
        self.inner.limits.max_signatures
    }

    #[getter]
    fn max_components(&self) -> usize {
        self.inner.limits.max_components
    }

    #[getter]
    fn max_nonce_bytes(&self) -> usize {
        self.inner.limits.max_nonce_bytes
    }

    #[getter]
    fn max_body_bytes(&self) -> usize {
        self.inner.limits.max_body_bytes
    }

    /// How long a server must remember a nonce, in seconds.
    #[getter]
    fn nonce_retention(&self) -> u64 {
        self.inner.nonce_retention()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyPolicy>()
            .is_ok_and(|other| other.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let policy = &self.inner;
        let defaults = Limits::default();
        let mut text = format!(
            "Policy(require_created={}, require_expires={}, require_nonce={}, max_age={}, future_skew={}",
            python_bool(policy.require_created),
            python_bool(policy.require_expires),
            python_bool(policy.require_nonce),
            policy.max_age.map_or("None".to_owned(), |age| age.to_string()),
            policy.future_skew,
        );
        if let Some(tag) = &policy.tag {
            text.push_str(&format!(", tag={}", quoted(tag)));
        }
        if let Some(algorithms) = &policy.allowed_algorithms {
            let names: Vec<String> = algorithms.iter().map(|a| quoted(a.name())).collect();
            text.push_str(&format!(", allowed_algorithms=[{}]", names.join(", ")));
        }
        if policy.reject_unknown_parameters {
            text.push_str(", reject_unknown_parameters=True");
        }
        if !policy.verify_digest {
            text.push_str(", verify_digest=False");
        }
        let limits = [
            (
                "max_header_bytes",
                policy.limits.max_header_bytes,
                defaults.max_header_bytes,
            ),
            (
                "max_field_lines",
                policy.limits.max_field_lines,
                defaults.max_field_lines,
            ),
            (
                "max_signatures",
                policy.limits.max_signatures,
                defaults.max_signatures,
            ),
            (
                "max_components",
                policy.limits.max_components,
                defaults.max_components,
            ),
            (
                "max_nonce_bytes",
                policy.limits.max_nonce_bytes,
                defaults.max_nonce_bytes,
            ),
            (
                "max_body_bytes",
                policy.limits.max_body_bytes,
                defaults.max_body_bytes,
            ),
        ];
        for (name, value, default) in limits {
            if value != default {
                text.push_str(&format!(", {name}={value}"));
            }
        }
        text.push(')');
        text
    }
}

fn python_bool(value: bool) -> &'static str {
    if value { "True" } else { "False" }
}
