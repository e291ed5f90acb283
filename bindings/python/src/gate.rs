#![allow(
    clippy::result_large_err,
    reason = "the gate returns its Rejection unboxed; it is converted once per rejected request"
)]

//! `Gate`: the server-side checks of `reqsig_gate::Gate`, for the ASGI and
//! WSGI middleware and for any other Python server.
//!
//! The binding only converts. Every rule (key status, scopes, source
//! addresses, rate limits, replay store, order of checks, error codes) is
//! the gate's, so a Python server responds exactly as the tower
//! middleware does. Each call runs with the interpreter released.

use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use reqsig::Policy;
use reqsig::message::TargetContext;
use reqsig_gate::{Admission, Gate, Identity, Pending, Rejection};

use crate::args;
use crate::convert::{component_strings, extract_body, optional_quoted, parse_scheme, quoted};
use crate::errors::{type_error, value_error};
use crate::head::{peer_address, request_head};
use crate::policy::PyPolicy;
use crate::registry::{key_source_of, rate_limit_of, scopes_of};
use crate::replay::replay_store_of;
use crate::runtime::runtime;
use crate::usage::PyUsageSnapshot;

/// The signer of an accepted request.
#[pyclass(module = "reqsig", name = "Identity", frozen, eq)]
#[derive(PartialEq, Eq)]
pub(crate) struct PyIdentity {
    #[pyo3(get)]
    client_id: String,
    #[pyo3(get)]
    key_id: String,
    #[pyo3(get)]
    label: String,
    #[pyo3(get)]
    algorithm: &'static str,
    components: Vec<String>,
    #[pyo3(get)]
    tag: Option<String>,
    #[pyo3(get)]
    created: Option<u64>,
    #[pyo3(get)]
    expires: Option<u64>,
}

impl From<&Identity> for PyIdentity {
    fn from(identity: &Identity) -> PyIdentity {
        PyIdentity {
            client_id: identity.client_id.clone(),
            key_id: identity.key_id.clone(),
            label: identity.label.clone(),
            algorithm: identity.algorithm.name(),
            components: component_strings(&identity.components),
            tag: identity.tag.clone(),
            created: identity.created,
            expires: identity.expires,
        }
    }
}

#[pymethods]
impl PyIdentity {
    /// The covered components, in the signer's order.
    #[getter]
    fn components<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.components)
    }

    fn __repr__(&self) -> String {
        format!(
            "Identity(client_id={}, key_id={}, label={}, algorithm={}, tag={})",
            quoted(&self.client_id),
            quoted(&self.key_id),
            quoted(&self.label),
            quoted(self.algorithm),
            optional_quoted(self.tag.as_deref()),
        )
    }
}

/// A request the gate turned away, ready to be sent as a response.
#[pyclass(module = "reqsig", name = "Rejection", frozen)]
pub(crate) struct PyRejection {
    #[pyo3(get)]
    status: u16,
    #[pyo3(get)]
    code: &'static str,
    #[pyo3(get)]
    detail: String,
    headers: Vec<(&'static str, String)>,
    body: String,
    #[pyo3(get)]
    retry_after: Option<u64>,
    #[pyo3(get)]
    key_id: Option<String>,
    #[pyo3(get)]
    reason: String,
    #[pyo3(get)]
    reason_code: &'static str,
}

impl From<Rejection> for PyRejection {
    fn from(rejection: Rejection) -> PyRejection {
        PyRejection {
            headers: rejection.headers(),
            body: rejection.body_json(),
            status: rejection.status,
            code: rejection.code,
            detail: rejection.detail,
            retry_after: rejection.retry_after,
            key_id: rejection.key_id,
            reason: rejection.reason,
            reason_code: rejection.reason_code,
        }
    }
}

#[pymethods]
impl PyRejection {
    /// The response header fields: content type, `WWW-Authenticate` and
    /// `Accept-Signature` with 401, `Retry-After` when set.
    #[getter]
    fn headers(&self) -> Vec<(&'static str, String)> {
        self.headers.clone()
    }

    /// The JSON body, `{"error": "<code>", "detail": "..."}`.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.body.as_bytes())
    }

    fn __repr__(&self) -> String {
        format!(
            "<Rejection status={} code={} reason_code={}>",
            self.status,
            quoted(self.code),
            quoted(self.reason_code)
        )
    }
}

/// A verified request whose body may still need its Content-Digest checked.
#[pyclass(module = "reqsig", name = "Pending", frozen)]
pub(crate) struct PyPending {
    /// Taken by `Gate.complete`, which may run once.
    pending: Mutex<Option<Pending>>,
    #[pyo3(get)]
    needs_body: bool,
    identity: Py<PyIdentity>,
}

impl PyPending {
    fn take(&self) -> PyResult<Pending> {
        self.pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .ok_or_else(|| value_error("pending", "this verification was completed already"))
    }
}

#[pymethods]
impl PyPending {
    /// The identity the request gets once `Gate.complete` accepts it.
    #[getter]
    fn identity(&self, py: Python<'_>) -> Py<PyIdentity> {
        self.identity.clone_ref(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "<Pending key_id={} needs_body={}>",
            quoted(&self.identity.get().key_id),
            if self.needs_body { "True" } else { "False" },
        )
    }
}

/// The server-side verifier. The stub `_reqsig.pyi` documents the options.
#[pyclass(module = "reqsig", name = "Gate", frozen)]
pub(crate) struct PyGate {
    gate: Gate,
    context: TargetContext,
    keys: String,
}

fn policy_of(policy: &Bound<'_, PyAny>, argument: &str) -> PyResult<Policy> {
    policy
        .cast::<PyPolicy>()
        .map(|policy| policy.get().inner.clone())
        .map_err(|_| type_error(argument, "Policy", policy))
}

fn count(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<usize> {
    let number = args::non_negative(value, argument)?;
    usize::try_from(number)
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| value_error(argument, format!("{number} is not between 1 and {}", usize::MAX)))
}

#[pymethods]
impl PyGate {
    #[new]
    #[pyo3(signature = (
        keys, *, replay_store = None, policy = None, tag_policies = None, public_routes = None,
        scheme = None, authority = None, per_source_limit = None, max_concurrent_verifications = None,
        allow_rfc9421_test_keys = None, dangerous_expose_rejection_reasons = None
    ),
    text_signature = "(keys, *, replay_store=None, policy=None, tag_policies=None, public_routes=None, scheme=None, authority=None, per_source_limit=None, max_concurrent_verifications=None, allow_rfc9421_test_keys=False, dangerous_expose_rejection_reasons=False)"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "the keyword arguments of the Python constructor"
    )]
    fn new(
        keys: &Bound<'_, PyAny>,
        replay_store: Option<&Bound<'_, PyAny>>,
        policy: Option<&Bound<'_, PyAny>>,
        tag_policies: Option<&Bound<'_, PyAny>>,
        public_routes: Option<&Bound<'_, PyAny>>,
        scheme: Option<&Bound<'_, PyAny>>,
        authority: Option<&Bound<'_, PyAny>>,
        per_source_limit: Option<&Bound<'_, PyAny>>,
        max_concurrent_verifications: Option<&Bound<'_, PyAny>>,
        allow_rfc9421_test_keys: Option<&Bound<'_, PyAny>>,
        dangerous_expose_rejection_reasons: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyGate> {
        crate::logging::install();
        let (source, keys_repr) = key_source_of(keys)?;
        let mut builder = Gate::builder(source);

        if let Some(store) = replay_store_of(replay_store)? {
            builder = builder.replay_store(store);
        }
        if let Some(policy) = policy.filter(|p| !p.is_none()) {
            builder = builder.policy(policy_of(policy, "policy")?);
        }
        if let Some(tags) = tag_policies.filter(|t| !t.is_none()) {
            let tags = tags
                .cast::<PyDict>()
                .map_err(|_| type_error("tag_policies", "a dict of tag to Policy", tags))?;
            for (tag, policy) in tags.iter() {
                let tag = tag
                    .cast::<PyString>()
                    .map_err(|_| type_error("tag_policies", "str tags", &tag))?
                    .to_cow()?
                    .into_owned();
                let policy = policy_of(&policy, &format!("tag_policies[{tag:?}]"))?;
                builder = builder.tag_policy(tag, policy);
            }
        }

        if let Some(routes) = public_routes {
            for scope in scopes_of(routes, "public_routes")? {
                builder = builder.public_route(scope);
            }
        }

        let scheme = args::optional_text(scheme, "scheme")?;
        let context = TargetContext {
            scheme: scheme.map(|s| parse_scheme(&s, "scheme")).transpose()?,
            authority: args::optional_text(authority, "authority")?,
        };
        builder = builder.target_context(context.clone());

        if let Some(limit) = per_source_limit
            .map(|l| rate_limit_of(l, "per_source_limit"))
            .transpose()?
            .flatten()
        {
            builder = builder.per_source_limit(limit);
        }
        if let Some(max) = max_concurrent_verifications.filter(|m| !m.is_none()) {
            builder = builder.max_concurrent_verifications(count(max, "max_concurrent_verifications")?);
        }
        builder = builder
            .allow_rfc9421_test_keys(args::flag(
                allow_rfc9421_test_keys,
                "allow_rfc9421_test_keys",
                false,
            )?)
            .dangerous_expose_rejection_reasons(args::flag(
                dangerous_expose_rejection_reasons,
                "dangerous_expose_rejection_reasons",
                false,
            )?);
        Ok(PyGate {
            gate: builder.build(),
            context,
            keys: keys_repr,
        })
    }

    /// The policy for signatures without a configured tag.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy {
            inner: self.gate.policy().clone(),
        }
    }

    /// The largest body buffered to check a Content-Digest, in bytes.
    #[getter]
    fn max_body_bytes(&self) -> usize {
        self.gate.max_body_bytes()
    }

    /// The configured scheme clients sign, or `None`.
    #[getter]
    fn scheme(&self) -> Option<&'static str> {
        self.context.scheme.map(|scheme| scheme.as_str())
    }

    /// The configured authority clients sign, or `None`.
    #[getter]
    fn authority(&self) -> Option<&str> {
        self.context.authority.as_deref()
    }

    /// Runs every check that needs only the request head.
    #[pyo3(signature = (method, target, headers, peer = None, *, body_present = false))]
    fn check<'py>(
        &self,
        py: Python<'py>,
        method: &Bound<'py, PyAny>,
        target: &Bound<'py, PyAny>,
        headers: &Bound<'py, PyAny>,
        peer: Option<&Bound<'py, PyAny>>,
        body_present: bool,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let parts = request_head(method, target, headers, "")?;
        let peer = peer_address(peer)?;
        let runtime = runtime()?;
        let gate = &self.gate;
        let outcome = py.detach(|| runtime.block_on(gate.check_with_body(&parts, peer, body_present)));
        match outcome {
            Ok(Admission::Public) => Ok(None),
            Ok(Admission::Verified(pending)) => {
                let identity = Py::new(py, PyIdentity::from(pending.identity()))?;
                let pending = PyPending {
                    needs_body: pending.needs_body(),
                    pending: Mutex::new(Some(pending)),
                    identity,
                };
                Ok(Some(Bound::new(py, pending)?.into_any()))
            }
            Err(rejection) => Ok(Some(Bound::new(py, PyRejection::from(rejection))?.into_any())),
        }
    }

    /// Checks the body's Content-Digest when needed, counts the request and
    /// returns the identity, or the rejection to send.
    #[pyo3(signature = (pending, body = None))]
    fn complete<'py>(
        &self,
        py: Python<'py>,
        pending: &Bound<'py, PyAny>,
        body: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let pending = pending
            .cast::<PyPending>()
            .map_err(|_| type_error("pending", "Pending", pending))?;
        let body = match body.filter(|b| !b.is_none()) {
            Some(body) => Some(extract_body(Some(body), "body")?),
            None => None,
        };
        let taken = pending.get().take()?;
        let gate = &self.gate;
        let outcome = py.detach(|| gate.complete(taken, body.as_deref()));
        match outcome {
            Ok(_) => Ok(pending.get().identity.bind(py).clone().into_any()),
            Err(rejection) => Ok(Bound::new(py, PyRejection::from(rejection))?.into_any()),
        }
    }

    /// Returns the 413 rejection for a body over `max_body_bytes`, logged and
    /// counted. It finishes the verification, as `complete` does.
    fn body_too_large(&self, py: Python<'_>, pending: &Bound<'_, PyAny>) -> PyResult<PyRejection> {
        let pending = pending
            .cast::<PyPending>()
            .map_err(|_| type_error("pending", "Pending", pending))?;
        let taken = pending.get().take()?;
        let gate = &self.gate;
        Ok(PyRejection::from(py.detach(|| gate.body_too_large(&taken))))
    }

    /// Returns a copy of the per-key usage counters.
    fn usage(&self, py: Python<'_>) -> PyUsageSnapshot {
        let gate = &self.gate;
        PyUsageSnapshot::from(py.detach(|| gate.usage()))
    }

    fn __repr__(&self) -> String {
        format!(
            "<Gate keys={} scheme={} authority={} max_body_bytes={}>",
            self.keys,
            optional_quoted(self.scheme()),
            optional_quoted(self.authority()),
            self.max_body_bytes()
        )
    }
}
