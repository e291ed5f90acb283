//! `Signer` and the `SignatureHeaders` it returns.

use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyList, PyString, PyTuple};
use reqsig::clock::FixedClock;
use reqsig::components::ComponentId;
use reqsig::message::{Scheme, TargetContext, ToMessageView};
use reqsig::{Message, Nonce, SigningKey};

use crate::args::{self, Passed};
use crate::convert::{
    RequestParts, component_strings, extract_components, parse_digest, quoted, request_from_args,
    request_from_tuple, response_from_args,
};
use crate::errors::{Failure, to_py_err, type_error, value_error};
use crate::keys::{PyHmacKey, PyPrivateKey};

/// The `nonce=` argument: `True` for a random nonce, a `str` for a fixed one,
/// `False` or `None` for none.
pub(crate) struct NonceArg(Nonce);

impl<'a, 'py> FromPyObject<'a, 'py> for NonceArg {
    type Error = PyErr;

    fn extract(value: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<NonceArg> {
        if value.is_none() {
            return Ok(NonceArg(Nonce::None));
        }
        if let Ok(flag) = value.cast::<PyBool>() {
            return Ok(NonceArg(if flag.is_true() {
                Nonce::Random
            } else {
                Nonce::None
            }));
        }
        if let Ok(text) = value.cast::<PyString>() {
            return Ok(NonceArg(Nonce::Fixed(text.to_cow()?.into_owned())));
        }
        Err(type_error("nonce", "True, False, None or a str", &value))
    }
}

/// Signs requests and responses with one key under one profile.
#[pyclass(module = "reqsig", name = "Signer", frozen)]
pub(crate) struct PySigner {
    /// The core signer for each scheme, because the scheme decides how the
    /// authority is normalized and what `@scheme` and `@target-uri` are.
    https: reqsig::Signer,
    http: reqsig::Signer,
    label: String,
    components: Option<Vec<ComponentId>>,
}

/// Reads the `key=` argument: a `PrivateKey` or an `HmacKey`.
pub(crate) fn signing_key_of(key: &Bound<'_, PyAny>) -> PyResult<SigningKey> {
    if let Ok(private) = key.cast::<PyPrivateKey>() {
        return Ok(private.get().key.clone());
    }
    if let Ok(hmac) = key.cast::<PyHmacKey>() {
        return Ok(hmac.get().signing.clone());
    }
    Err(type_error("key", "PrivateKey or HmacKey", key))
}

/// Maps the core's parameter names to the `Signer` arguments that set them.
fn argument_of_parameter(name: &str) -> &str {
    match name {
        "keyid" => "key_id",
        other => other,
    }
}

impl PySigner {
    fn for_scheme(&self, scheme: Option<Scheme>) -> &reqsig::Signer {
        match scheme {
            Some(Scheme::Http) => &self.http,
            _ => &self.https,
        }
    }

    /// Signs `message` and returns the headers to add. `scheme` is the
    /// request's scheme, and `None` means https or a response. `request`
    /// is the request that a response responds to.
    fn sign_message(
        &self,
        py: Python<'_>,
        mut message: Message,
        scheme: Option<Scheme>,
        request: Option<RequestParts>,
    ) -> PyResult<PySignatureHeaders> {
        let signer = self.for_scheme(scheme);
        let result = py.detach(|| {
            let request_view = match &request {
                Some(parts) => Some(parts.message.to_view(&parts.context)?),
                None => None,
            };
            signer.sign_message(&mut message, request_view.as_ref())
        });
        let headers = result.map_err(|error| to_py_err(py, Failure::Sign(error)))?;
        Ok(PySignatureHeaders::from(headers))
    }
}

/// Adds a `Host` line with the URL's authority when the request has none,
/// as every HTTP/1.1 client does on the wire, so that `@authority` is the
/// URL's and a Host header the caller set wins.
fn ensure_host(parts: &mut RequestParts) {
    let Some(authority) = parts.context.authority.take() else {
        return;
    };
    if parts.message.header_values("host").next().is_none() {
        parts
            .message
            .headers
            .push(("Host".to_owned(), authority.into_bytes()));
    }
}

#[pymethods]
impl PySigner {
    #[new]
    #[pyo3(
        signature = (
            key, *, key_id = None, label = Passed::ABSENT, components = None, created = Passed::ABSENT, expires_in = None,
            nonce = NonceArg(Nonce::Random), tag = None, alg_parameter = Passed::ABSENT, digest = Passed::ABSENT, now = None
        ),
        text_signature = "(key, *, key_id=None, label='sig1', components=None, created=True, expires_in=None, nonce=True, tag=None, alg_parameter=False, digest='sha-256', now=None)"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "the keyword arguments of the Python constructor"
    )]
    fn new(
        key: &Bound<'_, PyAny>,
        key_id: Option<&Bound<'_, PyAny>>,
        label: Passed,
        components: Option<&Bound<'_, PyAny>>,
        created: Passed,
        expires_in: Option<&Bound<'_, PyAny>>,
        nonce: NonceArg,
        tag: Option<&Bound<'_, PyAny>>,
        alg_parameter: Passed,
        digest: Passed,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PySigner> {
        let py = key.py();
        let signing_key = signing_key_of(key)?;
        let key_id = args::optional_text(key_id, "key_id")?;
        // `label`, `created`, `alg_parameter` and `digest` have defaults but do
        // not accept `None`, as the stub declares them.
        let label = match label.value(py) {
            Some(label) => args::text(&label, "label")?,
            None => "sig1".to_owned(),
        };
        let created = args::flag(created.value(py).as_ref(), "created", true)?;
        let tag = args::optional_text(tag, "tag")?;
        let alg_parameter = args::flag(alg_parameter.value(py).as_ref(), "alg_parameter", false)?;
        let digest = match digest.value(py) {
            Some(digest) => parse_digest(&args::text(&digest, "digest")?, "digest")?,
            None => reqsig::DigestAlgorithm::Sha256,
        };
        if key_id.is_none() && signing_key.algorithm().is_symmetric() {
            return Err(value_error(
                "key_id",
                "an HMAC key has no public thumbprint to use as key id, so pass key_id=...",
            ));
        }
        let components = components
            .filter(|c| !c.is_none())
            .map(|c| extract_components(c, "components"))
            .transpose()?;
        let expires_in = expires_in
            .filter(|e| !e.is_none())
            .map(|e| args::non_negative(e, "expires_in"))
            .transpose()?;
        let now = now
            .filter(|n| !n.is_none())
            .map(|n| args::non_negative(n, "now"))
            .transpose()?;

        // The core builder is consumed by `build`, so each scheme gets its own.
        let build = |scheme: Scheme| {
            let mut builder = reqsig::Signer::builder(signing_key.clone())
                .label(label.clone())
                .nonce(nonce.0.clone())
                .alg_parameter(alg_parameter)
                .digest(digest)
                .target_context(TargetContext::default().with_scheme(scheme));
            if let Some(key_id) = &key_id {
                builder = builder.key_id(key_id.clone());
            }
            if let Some(components) = &components {
                builder = builder.components(components.clone());
            }
            if !created {
                builder = builder.without_created();
            }
            if let Some(seconds) = expires_in {
                builder = builder.expires_in(Duration::from_secs(seconds));
            }
            if let Some(tag) = &tag {
                builder = builder.tag(tag.clone());
            }
            if let Some(now) = now {
                builder = builder.clock(Arc::new(FixedClock(now)));
            }
            builder.build().map_err(|error| match &error {
                reqsig::Error::InvalidParameter { name, reason } => {
                    value_error(argument_of_parameter(name), reason)
                }
                reqsig::Error::DuplicateComponent { .. } | reqsig::Error::InvalidComponent { .. } => {
                    value_error("components", &error)
                }
                _ => PyValueError::new_err(error.to_string()),
            })
        };
        Ok(PySigner {
            https: build(Scheme::Https)?,
            http: build(Scheme::Http)?,
            label,
            components,
        })
    }

    /// The key id that signatures carry.
    #[getter]
    fn key_id(&self) -> &str {
        self.https.key_id()
    }

    /// The signature label.
    #[getter]
    fn label(&self) -> &str {
        &self.label
    }

    /// The algorithm of the key.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.https.algorithm().name()
    }

    /// The configured components, or `None` for the defaults.
    #[getter]
    fn components<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyTuple>>> {
        self.components
            .as_ref()
            .map(|components| PyTuple::new(py, component_strings(components)))
            .transpose()
    }

    /// Signs a request and returns the headers to add to it.
    #[pyo3(signature = (method, url, headers = None, body = None))]
    fn sign(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        url: &Bound<'_, PyAny>,
        headers: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PySignatureHeaders> {
        let method = args::text(method, "method")?;
        let url = args::text(url, "url")?;
        let mut parts = request_from_args(&method, &url, headers, body, &TargetContext::default(), "")?;
        let scheme = parts.context.scheme;
        ensure_host(&mut parts);
        self.sign_message(py, parts.message, scheme, None)
    }

    /// Signs a response and returns the headers to add to it.
    #[pyo3(signature = (status, headers = None, body = None, *, request = None))]
    fn sign_response(
        &self,
        py: Python<'_>,
        status: &Bound<'_, PyAny>,
        headers: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        request: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PySignatureHeaders> {
        let response = response_from_args(args::status(status, "status")?, headers, body)?;
        let request = request
            .filter(|r| !r.is_none())
            .map(|r| request_from_tuple(r, &TargetContext::default()))
            .transpose()?;
        // The request's view carries its own scheme, and a response has none.
        self.sign_message(py, response, None, request)
    }

    fn __repr__(&self) -> String {
        format!(
            "<Signer key_id={} algorithm={} label={}>",
            quoted(self.key_id()),
            quoted(self.algorithm()),
            quoted(&self.label)
        )
    }
}

/// The fields a signature adds to a message, readable as a mapping of
/// header name to value.
#[pyclass(module = "reqsig", name = "SignatureHeaders", frozen, mapping)]
pub(crate) struct PySignatureHeaders {
    #[pyo3(get)]
    label: String,
    #[pyo3(get)]
    signature_input: String,
    #[pyo3(get)]
    signature: String,
    #[pyo3(get)]
    content_digest: Option<String>,
    #[pyo3(get)]
    base: String,
}

impl From<reqsig::SignatureHeaders> for PySignatureHeaders {
    fn from(headers: reqsig::SignatureHeaders) -> PySignatureHeaders {
        PySignatureHeaders {
            label: headers.label,
            signature_input: headers.signature_input,
            signature: headers.signature,
            content_digest: headers.content_digest,
            base: headers.base,
        }
    }
}

impl PySignatureHeaders {
    fn entries(&self) -> Vec<(&'static str, &str)> {
        let mut entries = Vec::with_capacity(3);
        if let Some(digest) = &self.content_digest {
            entries.push(("Content-Digest", digest.as_str()));
        }
        entries.push(("Signature-Input", self.signature_input.as_str()));
        entries.push(("Signature", self.signature.as_str()));
        entries
    }

    fn lookup(&self, name: &str) -> Option<&str> {
        self.entries()
            .into_iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }
}

#[pymethods]
impl PySignatureHeaders {
    fn __getitem__(&self, name: &str) -> PyResult<String> {
        self.lookup(name)
            .map(str::to_owned)
            .ok_or_else(|| PyKeyError::new_err(name.to_owned()))
    }

    fn __contains__(&self, name: &Bound<'_, PyAny>) -> bool {
        let Ok(name) = name.cast::<PyString>() else {
            return false;
        };
        name.to_cow().is_ok_and(|name| self.lookup(&name).is_some())
    }

    fn __len__(&self) -> usize {
        self.entries().len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.keys(py)?.try_iter()?.into_any())
    }

    /// Returns the header names.
    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.entries().into_iter().map(|(name, _)| name))
    }

    /// Returns the header values.
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.entries().into_iter().map(|(_, value)| value))
    }

    /// Returns `(name, value)` pairs.
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.entries())
    }

    /// Returns the value of a header, or `default`.
    #[pyo3(signature = (name, default = None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match self.lookup(name) {
            Some(value) => Ok(PyString::new(py, value).into_any()),
            None => Ok(default.unwrap_or_else(|| py.None().into_bound(py))),
        }
    }

    /// Compares with another `SignatureHeaders` or with a mapping such as a `dict`.
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        if let Ok(other) = other.cast::<PySignatureHeaders>() {
            return Ok(self.entries() == other.get().entries());
        }
        let mine = pyo3::types::PyDict::new(other.py());
        for (name, value) in self.entries() {
            mine.set_item(name, value)?;
        }
        mine.eq(other)
    }

    fn __repr__(&self) -> String {
        let fields: Vec<String> = self
            .entries()
            .into_iter()
            .map(|(name, value)| format!("{}: {}", quoted(name), quoted(value)))
            .collect();
        format!("SignatureHeaders({{{}}})", fields.join(", "))
    }
}
