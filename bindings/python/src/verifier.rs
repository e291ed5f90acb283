//! `Verifier`, the `Verified` result, and key lookup through a dict or a callable.

use std::collections::HashMap;
use std::future::{Future, ready};
use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping, PyString, PyTuple};
use reqsig::clock::FixedClock;
use reqsig::message::{MessageView, TargetContext, ToMessageView};
use reqsig::{Error, KeyResolver, Message, Policy, Selection, VerifyingKey};

use crate::args;
use crate::convert::{
    RequestParts, component_strings, optional_quoted, parse_scheme, quoted, request_from_args,
    request_from_tuple, require_headers, response_from_args,
};
use crate::errors::{Failure, to_py_err, type_error, value_error};
use crate::keys::{PyHmacKey, PyPrivateKey, PyPublicKey};
use crate::policy::{PyPolicy, apply_options};

/// Reads a verification key: a `PublicKey` or an `HmacKey`.
pub(crate) fn verifying_key_of(key: &Bound<'_, PyAny>, argument: &str) -> PyResult<VerifyingKey> {
    if let Ok(public) = key.cast::<PyPublicKey>() {
        return Ok(public.get().key.clone());
    }
    if let Ok(hmac) = key.cast::<PyHmacKey>() {
        return Ok(hmac.get().verifying.clone());
    }
    if key.cast::<PyPrivateKey>().is_ok() {
        return Err(type_error(
            argument,
            "PublicKey or HmacKey (pass key.public_key() for a private key)",
            key,
        ));
    }
    Err(type_error(argument, "PublicKey or HmacKey", key))
}

/// The source of the verifier's keys.
enum KeySource {
    /// A snapshot of the dict given to the constructor.
    Fixed(HashMap<String, VerifyingKey>),
    /// A Python callable from key id to key (or `None` for an unknown id).
    Callable(Py<PyAny>),
}

/// A [`KeyResolver`] that calls a Python callable. Verification runs with
/// the interpreter released, so each lookup attaches to it again.
///
/// An exception from the callable, or a result that is not a key, is kept in
/// `raised` and re-raised unchanged after verification stops.
struct CallableResolver<'a> {
    callable: &'a Py<PyAny>,
    raised: &'a Mutex<Option<PyErr>>,
}

impl CallableResolver<'_> {
    fn lookup(&self, key_id: &str) -> Result<VerifyingKey, Error> {
        Python::attach(|py| {
            let outcome = self.callable.bind(py).call1((key_id,)).and_then(|found| {
                if found.is_none() {
                    Ok(None)
                } else {
                    verifying_key_of(&found, "keys").map(Some)
                }
            });
            match outcome {
                Ok(Some(key)) => Ok(key),
                Ok(None) => Err(Error::UnknownKey {
                    keyid: key_id.to_owned(),
                }),
                Err(error) => {
                    let mut raised = self.raised.lock().unwrap_or_else(PoisonError::into_inner);
                    raised.get_or_insert(error);
                    Err(Error::KeyRejected {
                        keyid: key_id.to_owned(),
                        reason: "the key resolver raised an exception".to_owned(),
                    })
                }
            }
        })
    }
}

impl KeyResolver for CallableResolver<'_> {
    type Key<'k>
        = VerifyingKey
    where
        Self: 'k;

    fn resolve<'k>(
        &'k self,
        key_id: &'k str,
    ) -> impl Future<Output = Result<VerifyingKey, Error>> + Send + 'k {
        ready(self.lookup(key_id))
    }
}

/// A signature that verified.
#[pyclass(module = "reqsig", name = "Verified", frozen)]
pub(crate) struct PyVerified {
    #[pyo3(get)]
    label: String,
    #[pyo3(get)]
    key_id: String,
    #[pyo3(get)]
    algorithm: &'static str,
    components: Vec<String>,
    #[pyo3(get)]
    created: Option<u64>,
    #[pyo3(get)]
    expires: Option<u64>,
    #[pyo3(get)]
    nonce: Option<String>,
    #[pyo3(get)]
    tag: Option<String>,
    #[pyo3(get)]
    alg: Option<String>,
    #[pyo3(get)]
    digest_checked: bool,
    #[pyo3(get)]
    signature_params: String,
}

impl From<reqsig::Verified> for PyVerified {
    fn from(verified: reqsig::Verified) -> PyVerified {
        PyVerified {
            components: component_strings(verified.components()),
            created: verified.created(),
            expires: verified.expires(),
            nonce: verified.nonce().map(str::to_owned),
            tag: verified.tag().map(str::to_owned),
            alg: verified.params.alg().map(str::to_owned),
            signature_params: verified.params.serialize(),
            label: verified.label,
            key_id: verified.keyid,
            algorithm: verified.algorithm.name(),
            digest_checked: verified.digest_checked,
        }
    }
}

#[pymethods]
impl PyVerified {
    /// The covered components, in the signer's order.
    #[getter]
    fn components<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.components)
    }

    fn __repr__(&self) -> String {
        format!(
            "Verified(label={}, key_id={}, algorithm={}, components={}, created={}, nonce={})",
            quoted(&self.label),
            quoted(&self.key_id),
            quoted(self.algorithm),
            tuple_repr(&self.components),
            self.created.map_or("None".to_owned(), |c| c.to_string()),
            optional_quoted(self.nonce.as_deref()),
        )
    }
}

/// Writes strings as Python's `repr` writes a tuple of them: `('a', 'b')`,
/// and `('a',)` with the comma that marks a tuple of one.
fn tuple_repr(items: &[String]) -> String {
    let quoted_items: Vec<String> = items.iter().map(|item| quoted(item)).collect();
    match quoted_items.as_slice() {
        [only] => format!("({only},)"),
        _ => format!("({})", quoted_items.join(", ")),
    }
}

/// Verifies signed requests and responses under a policy.
#[pyclass(module = "reqsig", name = "Verifier", frozen)]
pub(crate) struct PyVerifier {
    inner: reqsig::Verifier,
    keys: KeySource,
    context: TargetContext,
    label: Option<String>,
    tag: Option<String>,
}

fn key_source(keys: &Bound<'_, PyAny>) -> PyResult<KeySource> {
    if let Ok(mapping) = keys.cast::<PyMapping>() {
        let mut fixed = HashMap::new();
        for item in mapping.items()?.iter() {
            let (key_id, key) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
            let key_id = key_id
                .cast::<PyString>()
                .map_err(|_| type_error("keys", "str key ids", &key_id))?
                .to_cow()?
                .into_owned();
            let key = verifying_key_of(&key, &format!("keys[{key_id:?}]"))?;
            fixed.insert(key_id, key);
        }
        return Ok(KeySource::Fixed(fixed));
    }
    if keys.is_callable() {
        return Ok(KeySource::Callable(keys.clone().unbind()));
    }
    Err(type_error(
        "keys",
        "a mapping of key id to key, or a callable that returns the key for a key id",
        keys,
    ))
}

impl PyVerifier {
    /// Verifies `message` with the interpreter released, and re-raises an
    /// exception of the key resolver as it was.
    fn run(
        &self,
        py: Python<'_>,
        message: &Message,
        context: &TargetContext,
        request: Option<&RequestParts>,
    ) -> PyResult<PyVerified> {
        let raised = Mutex::new(None);
        let result = py.detach(|| {
            let view = message.to_view(context)?;
            let request_view = match request {
                Some(parts) => Some(parts.message.to_view(&parts.context)?),
                None => None,
            };
            self.verify_view(&view, request_view.as_ref(), &raised)
        });
        if let Some(error) = raised.into_inner().unwrap_or_else(PoisonError::into_inner) {
            return Err(error);
        }
        result
            .map(PyVerified::from)
            .map_err(|error| to_py_err(py, Failure::Verify(error)))
    }

    fn verify_view(
        &self,
        view: &MessageView<'_>,
        request: Option<&MessageView<'_>>,
        raised: &Mutex<Option<PyErr>>,
    ) -> Result<reqsig::Verified, Error> {
        match &self.keys {
            KeySource::Fixed(keys) => self.inner.verify(view, request, keys),
            KeySource::Callable(callable) => {
                let resolver = CallableResolver { callable, raised };
                self.inner.verify(view, request, &resolver)
            }
        }
    }
}

#[pymethods]
impl PyVerifier {
    #[new]
    #[pyo3(signature = (keys, *, policy = None, label = None, tag = None, now = None, scheme = None, authority = None, **options))]
    #[expect(
        clippy::too_many_arguments,
        reason = "the keyword arguments of the Python constructor"
    )]
    fn new(
        keys: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
        label: Option<&Bound<'_, PyAny>>,
        tag: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
        scheme: Option<&Bound<'_, PyAny>>,
        authority: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyVerifier> {
        let keys = key_source(keys)?;
        let mut policy = match policy.filter(|p| !p.is_none()) {
            Some(policy) => {
                let policy = policy
                    .cast::<PyPolicy>()
                    .map_err(|_| type_error("policy", "Policy or None", policy))?;
                policy.get().inner.clone()
            }
            None => Policy::server(),
        };
        let label = args::optional_text(label, "label")?;
        let tag = args::optional_text(tag, "tag")?;
        let scheme = args::optional_text(scheme, "scheme")?;
        let authority = args::optional_text(authority, "authority")?;
        apply_options(&mut policy, options, "Verifier")?;
        let selection = match (&label, &tag) {
            (Some(_), Some(_)) => {
                return Err(value_error("tag", "pass label or tag, not both"));
            }
            (Some(label), None) => Selection::Label(label.clone()),
            (None, Some(tag)) => Selection::Tag(tag.clone()),
            (None, None) => Selection::Any,
        };
        let context = TargetContext {
            scheme: scheme.map(|s| parse_scheme(&s, "scheme")).transpose()?,
            authority,
        };
        let mut inner = reqsig::Verifier::new(policy).select(selection);
        if let Some(now) = now.filter(|n| !n.is_none()) {
            inner = inner.clock(Arc::new(FixedClock(args::non_negative(now, "now")?)));
        }
        Ok(PyVerifier {
            inner,
            keys,
            context,
            label,
            tag,
        })
    }

    /// The policy in force, with the constructor's options applied.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy {
            inner: self.inner.policy().clone(),
        }
    }

    /// The label whose signature must verify, if one was chosen.
    #[getter]
    fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// The tag whose signature must verify, if one was chosen.
    #[getter]
    fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// Verifies a request and returns what the signature covers.
    #[pyo3(signature = (method, url, headers, body = None))]
    fn verify(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        url: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyVerified> {
        let method = args::text(method, "method")?;
        let url = args::text(url, "url")?;
        require_headers(headers, "headers")?;
        let parts = request_from_args(&method, &url, Some(headers), body, &self.context, "")?;
        self.run(py, &parts.message, &parts.context, None)
    }

    /// Verifies a response. Pass the request it responds to when the
    /// signature covers request components (`;req`).
    #[pyo3(signature = (status, headers, body = None, *, request = None))]
    fn verify_response(
        &self,
        py: Python<'_>,
        status: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        request: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyVerified> {
        let status = args::status(status, "status")?;
        require_headers(headers, "headers")?;
        let response = response_from_args(status, Some(headers), body)?;
        let request = request
            .filter(|r| !r.is_none())
            .map(|r| request_from_tuple(r, &self.context))
            .transpose()?;
        self.run(py, &response, &self.context, request.as_ref())
    }

    fn __repr__(&self) -> String {
        let keys = match &self.keys {
            KeySource::Fixed(keys) => format!("{} keys", keys.len()),
            KeySource::Callable(_) => "a key resolver".to_owned(),
        };
        format!(
            "<Verifier with {keys}, label={}, tag={}>",
            optional_quoted(self.label.as_deref()),
            optional_quoted(self.tag.as_deref())
        )
    }
}
