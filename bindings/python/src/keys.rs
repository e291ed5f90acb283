//! Key classes: `PrivateKey`, `PublicKey`, their Ed25519 subclasses, and `HmacKey`.
//!
//! Every key is bound to one algorithm when it is loaded, as in the core.
//! Private keys and HMAC secrets never appear in `repr`, and none of the
//! classes can be pickled.

use std::hash::{DefaultHasher, Hash, Hasher};

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString, PyType};
use reqsig::{Algorithm, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::args;
use crate::convert::{parse_algorithm, quoted};
use crate::errors::{Failure, to_py_err, type_error};

/// A private key of a public-key algorithm, bound to one algorithm: Ed25519
/// or ECDSA, and RSA only in builds with RSA signing.
#[pyclass(module = "reqsig", name = "PrivateKey", frozen, subclass)]
pub(crate) struct PyPrivateKey {
    pub(crate) key: SigningKey,
}

/// An Ed25519 private key.
#[pyclass(module = "reqsig", name = "Ed25519PrivateKey", frozen, extends = PyPrivateKey)]
pub(crate) struct PyEd25519PrivateKey;

/// A public key, bound to one algorithm.
#[pyclass(module = "reqsig", name = "PublicKey", frozen, subclass)]
pub(crate) struct PyPublicKey {
    pub(crate) key: VerifyingKey,
}

/// An Ed25519 public key.
#[pyclass(module = "reqsig", name = "Ed25519PublicKey", frozen, extends = PyPublicKey)]
pub(crate) struct PyEd25519PublicKey;

/// A shared HMAC-SHA256 secret, used both to sign and to verify.
#[pyclass(module = "reqsig", name = "HmacKey", frozen)]
pub(crate) struct PyHmacKey {
    pub(crate) signing: SigningKey,
    pub(crate) verifying: VerifyingKey,
}

/// Raises `InvalidKeyError` with a message of the binding's own.
fn key_usage_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py_err(py, Failure::KeyUsage(message.into()))
}

fn key_error(py: Python<'_>) -> impl Fn(reqsig::KeyError) -> PyErr + '_ {
    move |error| to_py_err(py, Failure::Key(error))
}

/// Builds the error of a key loader such as `PrivateKey.load`. For an
/// argument that looks like the path of a key file, the message names the
/// path and shows how to read the file. Other errors map as [`key_error`] maps them.
fn loader_error(
    py: Python<'_>,
    function: &str,
    argument: &str,
    data: &Bound<'_, PyAny>,
    error: reqsig::KeyError,
) -> PyErr {
    let path = match &error {
        reqsig::KeyError::PathInsteadOfKey { path } => Some(path.clone()),
        _ => existing_file_path(data),
    };
    let Some(path) = path else {
        return to_py_err(py, Failure::Key(error));
    };
    let path = quoted(&path);
    key_usage_error(
        py,
        format!(
            "argument '{argument}': {path} looks like a file path, but {function} takes the key's contents \
             (PEM, JWK or DER), not a path: read the file first, for example {function}(pathlib.Path({path}).read_bytes())"
        ),
    )
}

/// The maximum length of a `str` argument that is checked for naming a file, in bytes (`PATH_MAX` on Linux).
const MAX_PATH_LEN: usize = 4096;

/// Returns a `str` argument that names an existing file, such as a key file
/// path without an extension. The core recognises paths by their extension only.
///
/// NOTE: only `str` arguments are looked up, because a path passed by mistake
/// is a `str`. A server that passes key text it received as `str` lets the
/// sender learn whether a file exists, from which error it gets.
fn existing_file_path(data: &Bound<'_, PyAny>) -> Option<String> {
    let text = data.cast::<PyString>().ok()?.to_cow().ok()?;
    let text = text.trim();
    let is_single_line = !text.is_empty() && !text.chars().any(char::is_control);
    let is_key_text = text.contains("-----BEGIN ") || text.starts_with('{');
    if !is_single_line || is_key_text || text.len() > MAX_PATH_LEN {
        return None;
    }
    std::path::Path::new(text).is_file().then(|| text.to_owned())
}

/// Reads key material given as `str`, `bytes` or `bytearray`. The copy is
/// zeroized when dropped, because it may contain a private key.
fn key_bytes(data: &Bound<'_, PyAny>, argument: &str) -> PyResult<Zeroizing<Vec<u8>>> {
    if let Ok(text) = data.cast::<PyString>() {
        return Ok(Zeroizing::new(text.to_cow()?.as_bytes().to_vec()));
    }
    if let Ok(bytes) = data.cast::<PyBytes>() {
        return Ok(Zeroizing::new(bytes.as_bytes().to_vec()));
    }
    if let Ok(array) = data.cast::<PyByteArray>() {
        return Ok(Zeroizing::new(array.to_vec()));
    }
    if data.hasattr("__fspath__").unwrap_or(false) {
        return Err(type_error(
            argument,
            "the key's contents as str or bytes, not a path: read the file first, \
             for example with pathlib.Path(...).read_bytes(), and pass the result",
            data,
        ));
    }
    Err(type_error(argument, "str or bytes", data))
}

/// Reads PEM or JSON text given as `str` or UTF-8 `bytes`.
fn key_text(data: &Bound<'_, PyAny>, argument: &str) -> PyResult<Zeroizing<String>> {
    let bytes = key_bytes(data, argument)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| crate::errors::value_error(argument, "the key text is not UTF-8"))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// Reads a JWK given as JSON text or as a mapping (serialized with `json.dumps`).
fn jwk_text(jwk: &Bound<'_, PyAny>, argument: &str) -> PyResult<Zeroizing<String>> {
    if jwk.cast::<pyo3::types::PyMapping>().is_ok() {
        let json = jwk.py().import("json")?.getattr("dumps")?.call1((jwk,))?;
        return Ok(Zeroizing::new(json.cast::<PyString>()?.to_cow()?.into_owned()));
    }
    key_text(jwk, argument).map_err(|error| {
        if error.is_instance_of::<pyo3::exceptions::PyTypeError>(jwk.py()) {
            type_error(argument, "JSON text (str or bytes) or a mapping", jwk)
        } else {
            error
        }
    })
}

fn optional_algorithm(alg: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Algorithm>> {
    args::optional_text(alg, "alg")?
        .map(|name| parse_algorithm(&name, "alg"))
        .transpose()
}

/// Wraps a signing key in the class of its algorithm, and checks that the
/// result is an instance of `cls` (so `Ed25519PrivateKey.from_pem` rejects an
/// ECDSA key).
fn wrap_private<'py>(
    py: Python<'py>,
    key: SigningKey,
    cls: &Bound<'py, PyType>,
) -> PyResult<Bound<'py, PyAny>> {
    let algorithm = key.algorithm();
    if algorithm == Algorithm::HmacSha256 {
        return Err(key_usage_error(
            py,
            "the key is a shared HMAC secret, not a private key: load it with HmacKey.from_jwk",
        ));
    }
    let base = PyClassInitializer::from(PyPrivateKey { key });
    let object = if algorithm == Algorithm::Ed25519 {
        Bound::new(py, base.add_subclass(PyEd25519PrivateKey))?.into_any()
    } else {
        Bound::new(py, base)?.into_any()
    };
    if !object.is_instance(cls)? {
        return Err(key_usage_error(
            py,
            format!(
                "expected a key for {}, got a {} key: load it with PrivateKey",
                cls.name()?,
                algorithm.name()
            ),
        ));
    }
    Ok(object)
}

/// Wraps a verifying key in the class of its algorithm, as [`wrap_private`] does.
pub(crate) fn wrap_public<'py>(
    py: Python<'py>,
    key: VerifyingKey,
    cls: Option<&Bound<'py, PyType>>,
) -> PyResult<Bound<'py, PyAny>> {
    let algorithm = key.algorithm();
    if algorithm == Algorithm::HmacSha256 {
        return Err(key_usage_error(
            py,
            "the key is a shared HMAC secret, not a public key: load it with HmacKey.from_jwk",
        ));
    }
    let base = PyClassInitializer::from(PyPublicKey { key });
    let object = if algorithm == Algorithm::Ed25519 {
        Bound::new(py, base.add_subclass(PyEd25519PublicKey))?.into_any()
    } else {
        Bound::new(py, base)?.into_any()
    };
    if let Some(cls) = cls
        && !object.is_instance(cls)?
    {
        return Err(key_usage_error(
            py,
            format!(
                "expected a key for {}, got a {} key: load it with PublicKey",
                cls.name()?,
                algorithm.name()
            ),
        ));
    }
    Ok(object)
}

/// Returns the algorithm `generate` uses: the one the caller names, else Ed25519.
fn generated_algorithm(alg: Option<&Bound<'_, PyAny>>) -> PyResult<Algorithm> {
    Ok(optional_algorithm(alg)?.unwrap_or(Algorithm::Ed25519))
}

#[pymethods]
impl PyPrivateKey {
    /// Generates a new key: Ed25519 by default, or ECDSA with `alg`.
    #[classmethod]
    #[pyo3(signature = (alg = None))]
    fn generate<'py>(
        cls: &Bound<'py, PyType>,
        alg: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let algorithm = generated_algorithm(alg)?;
        if algorithm == Algorithm::HmacSha256 {
            return Err(key_usage_error(py, "generate HMAC secrets with HmacKey.generate"));
        }
        let key = SigningKey::generate(algorithm).map_err(key_error(py))?;
        wrap_private(py, key, cls)
    }

    /// Loads a private key from PEM, JWK or DER, recognised from the content.
    #[classmethod]
    #[pyo3(signature = (data, alg = None))]
    fn load<'py>(
        cls: &Bound<'py, PyType>,
        data: &Bound<'py, PyAny>,
        alg: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let bytes = if data.cast::<pyo3::types::PyMapping>().is_ok() {
            Zeroizing::new(jwk_text(data, "data")?.as_bytes().to_vec())
        } else {
            key_bytes(data, "data")?
        };
        let function = format!("{}.load", cls.name()?);
        let key = SigningKey::load(&bytes, optional_algorithm(alg)?)
            .map_err(|error| loader_error(py, &function, "data", data, error))?;
        wrap_private(py, key, cls)
    }

    /// Loads a private key from PEM (PKCS#8, PKCS#1 or SEC1).
    #[classmethod]
    #[pyo3(signature = (data, alg = None))]
    fn from_pem<'py>(
        cls: &Bound<'py, PyType>,
        data: &Bound<'py, PyAny>,
        alg: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let text = key_text(data, "data")?;
        let function = format!("{}.from_pem", cls.name()?);
        let key = SigningKey::from_pem(&text, optional_algorithm(alg)?)
            .map_err(|error| loader_error(py, &function, "data", data, error))?;
        wrap_private(py, key, cls)
    }

    /// Loads a private key from DER (PKCS#8, PKCS#1 or SEC1).
    #[classmethod]
    #[pyo3(signature = (data, alg = None))]
    fn from_der<'py>(
        cls: &Bound<'py, PyType>,
        data: &Bound<'py, PyAny>,
        alg: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let bytes = key_bytes(data, "data")?;
        let function = format!("{}.from_der", cls.name()?);
        let key = SigningKey::from_der(&bytes, optional_algorithm(alg)?)
            .map_err(|error| loader_error(py, &function, "data", data, error))?;
        wrap_private(py, key, cls)
    }

    /// Loads a private JWK, given as JSON text or as a mapping.
    #[classmethod]
    #[pyo3(signature = (jwk, alg = None))]
    fn from_jwk<'py>(
        cls: &Bound<'py, PyType>,
        jwk: &Bound<'py, PyAny>,
        alg: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let text = jwk_text(jwk, "jwk")?;
        let function = format!("{}.from_jwk", cls.name()?);
        let key = SigningKey::from_jwk(&text, optional_algorithm(alg)?)
            .map_err(|error| loader_error(py, &function, "jwk", jwk, error))?;
        wrap_private(py, key, cls)
    }

    /// The algorithm the key is bound to, such as `ed25519`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.key.algorithm().name()
    }

    /// The RFC 7638 thumbprint of the public key, the default key id.
    #[getter]
    fn thumbprint(&self) -> String {
        self.key.thumbprint().unwrap_or_default()
    }

    /// Returns the public key.
    fn public_key<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        wrap_public(py, self.key.verifying_key(), None)
    }

    /// Encodes the key as PKCS#8 PEM. The text contains the private key.
    fn to_pem(&self, py: Python<'_>) -> PyResult<String> {
        let pem = self.key.to_pkcs8_pem().map_err(key_error(py))?;
        Ok(pem.as_str().to_owned())
    }

    /// Encodes the key as PKCS#8 DER. The bytes contain the private key.
    fn to_der<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let der = self.key.to_pkcs8_der().map_err(key_error(py))?;
        Ok(PyBytes::new(py, &der))
    }

    /// Encodes the key as a private JWK with `alg` and, when given, `kid`.
    #[pyo3(signature = (kid = None))]
    fn to_jwk(&self, kid: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let kid = args::optional_text(kid, "kid")?;
        Ok(self.key.to_jwk(kid.as_deref()).as_str().to_owned())
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        let class = slf.get_type().name()?;
        Ok(format!(
            "<{class} algorithm={} thumbprint={}>",
            quoted(this.key.algorithm().name()),
            quoted(&this.thumbprint())
        ))
    }
}

#[pymethods]
impl PyEd25519PrivateKey {
    /// Builds a key from its 32-byte seed, the RFC 8032 private key.
    #[classmethod]
    fn from_seed<'py>(cls: &Bound<'py, PyType>, seed: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let seed = Zeroizing::new(args::bytes(seed, "seed")?);
        let key = SigningKey::from_ed25519_seed(&seed).map_err(key_error(py))?;
        wrap_private(py, key, cls)
    }
}

#[pymethods]
impl PyPublicKey {
    /// Loads a public key from PEM, JWK or DER, recognised from the content.
    #[classmethod]
    #[pyo3(signature = (data, alg = None))]
    fn load<'py>(
        cls: &Bound<'py, PyType>,
        data: &Bound<'py, PyAny>,
        alg: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let bytes = if data.cast::<pyo3::types::PyMapping>().is_ok() {
            Zeroizing::new(jwk_text(data, "data")?.as_bytes().to_vec())
        } else {
            key_bytes(data, "data")?
        };
        let function = format!("{}.load", cls.name()?);
        let key = VerifyingKey::load(&bytes, optional_algorithm(alg)?)
            .map_err(|error| loader_error(py, &function, "data", data, error))?;
        wrap_public(py, key, Some(cls))
    }

    /// Loads a public key from PEM (SPKI or PKCS#1), or the public half of a private key PEM.
    #[classmethod]
    #[pyo3(signature = (data, alg = None))]
    fn from_pem<'py>(
        cls: &Bound<'py, PyType>,
        data: &Bound<'py, PyAny>,
        alg: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let text = key_text(data, "data")?;
        let function = format!("{}.from_pem", cls.name()?);
        let key = VerifyingKey::from_pem(&text, optional_algorithm(alg)?)
            .map_err(|error| loader_error(py, &function, "data", data, error))?;
        wrap_public(py, key, Some(cls))
    }

    /// Loads a public key from DER (SPKI or PKCS#1).
    #[classmethod]
    #[pyo3(signature = (data, alg = None))]
    fn from_der<'py>(
        cls: &Bound<'py, PyType>,
        data: &Bound<'py, PyAny>,
        alg: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let bytes = key_bytes(data, "data")?;
        let function = format!("{}.from_der", cls.name()?);
        let key = VerifyingKey::from_der(&bytes, optional_algorithm(alg)?)
            .map_err(|error| loader_error(py, &function, "data", data, error))?;
        wrap_public(py, key, Some(cls))
    }

    /// Loads a public JWK, given as JSON text or as a mapping.
    #[classmethod]
    #[pyo3(signature = (jwk, alg = None))]
    fn from_jwk<'py>(
        cls: &Bound<'py, PyType>,
        jwk: &Bound<'py, PyAny>,
        alg: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let text = jwk_text(jwk, "jwk")?;
        let function = format!("{}.from_jwk", cls.name()?);
        let key = VerifyingKey::from_jwk(&text, optional_algorithm(alg)?)
            .map_err(|error| loader_error(py, &function, "jwk", jwk, error))?;
        wrap_public(py, key, Some(cls))
    }

    /// The algorithm the key is bound to, such as `ed25519`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.key.algorithm().name()
    }

    /// The RFC 7638 thumbprint, the default key id of signatures made with the private key.
    #[getter]
    fn thumbprint(&self) -> String {
        self.key.thumbprint().unwrap_or_default()
    }

    /// Encodes the key as SPKI PEM (`PUBLIC KEY`).
    fn to_pem(&self, py: Python<'_>) -> PyResult<String> {
        self.key.to_spki_pem().map_err(key_error(py))
    }

    /// Encodes the key as SPKI DER.
    fn to_der<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let der = self.key.to_spki_der().map_err(key_error(py))?;
        Ok(PyBytes::new(py, &der))
    }

    /// Encodes the key as a public JWK with `alg` and, when given, `kid`.
    #[pyo3(signature = (kid = None))]
    fn to_jwk(&self, py: Python<'_>, kid: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let kid = args::optional_text(kid, "kid")?;
        self.key.to_jwk(kid.as_deref()).map_err(key_error(py))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyPublicKey>()
            .is_ok_and(|other| other.get().key == self.key)
    }

    fn __hash__(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.key.algorithm().name().hash(&mut hasher);
        self.key.thumbprint().hash(&mut hasher);
        hasher.finish()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        let class = slf.get_type().name()?;
        Ok(format!(
            "<{class} algorithm={} thumbprint={}>",
            quoted(this.key.algorithm().name()),
            quoted(&this.thumbprint())
        ))
    }
}

#[pymethods]
impl PyEd25519PublicKey {
    /// Builds a key from its 32 raw public-key bytes.
    #[classmethod]
    fn from_public_bytes<'py>(
        cls: &Bound<'py, PyType>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = cls.py();
        let key = VerifyingKey::ed25519(&args::bytes(data, "data")?).map_err(key_error(py))?;
        wrap_public(py, key, Some(cls))
    }
}

impl PyHmacKey {
    fn from_signing(py: Python<'_>, signing: SigningKey) -> PyResult<PyHmacKey> {
        if signing.algorithm() != Algorithm::HmacSha256 {
            return Err(key_usage_error(
                py,
                format!(
                    "expected a shared secret (a JWK with kty \"oct\"), got a {} key: load it with PrivateKey or PublicKey",
                    signing.algorithm().name()
                ),
            ));
        }
        let verifying = signing.verifying_key();
        Ok(PyHmacKey { signing, verifying })
    }
}

#[pymethods]
impl PyHmacKey {
    /// Wraps a shared secret of at least 32 bytes.
    #[new]
    fn new(py: Python<'_>, secret: &Bound<'_, PyAny>) -> PyResult<PyHmacKey> {
        let secret = Zeroizing::new(args::bytes(secret, "secret")?);
        let signing = SigningKey::hmac_sha256(&secret).map_err(key_error(py))?;
        PyHmacKey::from_signing(py, signing)
    }

    /// Generates a random 32-byte secret.
    #[staticmethod]
    fn generate(py: Python<'_>) -> PyResult<PyHmacKey> {
        let signing = SigningKey::generate(Algorithm::HmacSha256).map_err(key_error(py))?;
        PyHmacKey::from_signing(py, signing)
    }

    /// Loads an `oct` JWK, given as JSON text or as a mapping.
    #[staticmethod]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<PyHmacKey> {
        let text = jwk_text(jwk, "jwk")?;
        let signing = SigningKey::from_jwk(&text, Some(Algorithm::HmacSha256))
            .map_err(|error| loader_error(py, "HmacKey.from_jwk", "jwk", jwk, error))?;
        PyHmacKey::from_signing(py, signing)
    }

    /// The algorithm, always `hmac-sha256`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.signing.algorithm().name()
    }

    /// Encodes the secret as an `oct` JWK with `alg` and, when given, `kid`.
    /// The text contains the secret.
    #[pyo3(signature = (kid = None))]
    fn to_jwk(&self, kid: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let kid = args::optional_text(kid, "kid")?;
        Ok(self.signing.to_jwk(kid.as_deref()).as_str().to_owned())
    }

    fn __repr__(&self) -> String {
        format!(
            "<HmacKey algorithm={} secret=<redacted>>",
            quoted(self.signing.algorithm().name())
        )
    }
}
