//! Key sources for `Gate`: `KeyRecord`, `MemoryRegistry` and `RegistryFile`.
//!
//! The records are `reqsig_gate::KeyRecord`s. Scopes and rate limits are
//! given as mappings shaped like the tables of the registry file
//! (`spec/registry.md`), and are checked by the gate's own parsers.

use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping, PyString};
use reqsig_gate::{
    KeyRecord, KeySource, KeyStatus, MemoryRegistry, RateLimit, RateLimitEntry, RegistryFile, Scope,
    parse_cidr,
};

use crate::args;
use crate::convert::quoted;
use crate::errors::{Failure, to_py_err, type_error, value_error};
use crate::keys::wrap_public;
use crate::verifier::verifying_key_of;

/// Reads a scope: a mapping with `paths` (a sequence of patterns) and
/// optionally `methods`, as a `[[keys.scopes]]` table of the registry file.
pub(crate) fn scope_of(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<Scope> {
    const EXPECTED: &str = "a mapping with 'paths' and optionally 'methods'";
    let mapping = value
        .cast::<PyMapping>()
        .map_err(|_| type_error(argument, EXPECTED, value))?;
    let mut methods = Vec::new();
    let mut paths = None;
    for item in mapping.items()?.iter() {
        let (name, entry) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
        let name = name
            .cast::<PyString>()
            .map_err(|_| type_error(argument, EXPECTED, value))?
            .to_cow()?
            .into_owned();
        match name.as_str() {
            "methods" => methods = args::text_list(&entry, &format!("{argument}['methods']"))?,
            "paths" => paths = Some(args::text_list(&entry, &format!("{argument}['paths']"))?),
            other => {
                return Err(value_error(
                    argument,
                    format!("unknown key {other:?}; a scope has 'methods' and 'paths'"),
                ));
            }
        }
    }
    let paths = paths.ok_or_else(|| value_error(argument, "'paths' is missing, such as ['/orders/**']"))?;
    let methods: Vec<&str> = methods.iter().map(String::as_str).collect();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    Scope::new(&methods, &paths).map_err(|reason| value_error(argument, reason))
}

/// Reads a sequence of scopes.
pub(crate) fn scopes_of(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<Vec<Scope>> {
    if value.is_none() {
        return Ok(Vec::new());
    }
    const EXPECTED: &str = "a sequence of scope mappings";
    if value.is_instance_of::<PyString>() || value.cast::<PyMapping>().is_ok() {
        return Err(type_error(argument, EXPECTED, value));
    }
    let items = value
        .try_iter()
        .map_err(|_| type_error(argument, EXPECTED, value))?;
    let mut scopes = Vec::new();
    for (index, item) in items.enumerate() {
        scopes.push(scope_of(&item?, &format!("{argument}[{index}]"))?);
    }
    Ok(scopes)
}

/// Reads a rate limit: a mapping with `requests`, `per_seconds` and
/// optionally `burst`, as the `rate_limit` table of the registry file.
pub(crate) fn rate_limit_of(value: &Bound<'_, PyAny>, argument: &str) -> PyResult<Option<RateLimit>> {
    if value.is_none() {
        return Ok(None);
    }
    const EXPECTED: &str = "a mapping with 'requests', 'per_seconds' and optionally 'burst', or None";
    let mapping = value
        .cast::<PyMapping>()
        .map_err(|_| type_error(argument, EXPECTED, value))?;
    let mut entry = RateLimitEntry {
        requests: 0,
        per_seconds: 0,
        burst: None,
    };
    let mut seen = (false, false);
    for item in mapping.items()?.iter() {
        let (name, number) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
        let name = name
            .cast::<PyString>()
            .map_err(|_| type_error(argument, EXPECTED, value))?
            .to_cow()?
            .into_owned();
        let read = |field: &str| -> PyResult<u32> {
            let field_argument = format!("{argument}['{field}']");
            let number = args::non_negative(&number, &field_argument)?;
            u32::try_from(number).map_err(|_| value_error(&field_argument, format!("{number} is too large")))
        };
        match name.as_str() {
            "requests" => {
                entry.requests = read("requests")?;
                seen.0 = true;
            }
            "per_seconds" => {
                entry.per_seconds = read("per_seconds")?;
                seen.1 = true;
            }
            "burst" => entry.burst = Some(read("burst")?),
            other => {
                return Err(value_error(
                    argument,
                    format!("unknown key {other:?}; a rate limit has 'requests', 'per_seconds' and 'burst'"),
                ));
            }
        }
    }
    if !seen.0 || !seen.1 {
        return Err(value_error(
            argument,
            "'requests' and 'per_seconds' are both required",
        ));
    }
    entry
        .to_rate_limit()
        .map(Some)
        .map_err(|reason| value_error(argument, reason))
}

fn rate_limit_dict<'py>(py: Python<'py>, limit: &RateLimit) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("requests", limit.requests)?;
    dict.set_item("per_seconds", limit.per_seconds)?;
    dict.set_item("burst", limit.burst)?;
    Ok(dict)
}

fn scope_dict<'py>(py: Python<'py>, scope: &Scope) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("methods", PyList::new(py, &scope.methods)?)?;
    let paths: Vec<&str> = scope.paths.iter().map(|p| p.as_str()).collect();
    dict.set_item("paths", PyList::new(py, paths)?)?;
    Ok(dict)
}

/// The fields `KeyRecord` takes, in the order of its constructor.
const RECORD_FIELDS: &[&str] = &[
    "key_id",
    "client_id",
    "key",
    "scopes",
    "source_cidrs",
    "rate_limit",
    "not_before",
    "not_after",
    "status",
];

/// Sets one field of `record` from a Python value.
fn set_field(record: &mut KeyRecord, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    match name {
        "key_id" | "client_id" => {
            let text = args::text(value, name)?;
            if text.is_empty() {
                return Err(value_error(name, "is empty"));
            }
            if name == "key_id" {
                record.key_id = text;
            } else {
                record.client_id = text;
            }
        }
        "key" => record.key = verifying_key_of(value, name)?,
        "scopes" => record.scopes = scopes_of(value, name)?,
        "source_cidrs" => {
            record.source_cidrs = if value.is_none() {
                Vec::new()
            } else {
                args::text_list(value, name)?
                    .iter()
                    .map(|cidr| parse_cidr(cidr).map_err(|reason| value_error(name, reason)))
                    .collect::<PyResult<_>>()?
            };
        }
        "rate_limit" => record.rate_limit = rate_limit_of(value, name)?,
        "not_before" => record.not_before = args::timestamp(value, name)?,
        "not_after" => record.not_after = args::timestamp(value, name)?,
        "status" => {
            record.status = match args::text(value, name)?.as_str() {
                "active" => KeyStatus::Active,
                "revoked" => KeyStatus::Revoked,
                other => {
                    return Err(value_error(
                        name,
                        format!("{other:?} is invalid; use \"active\" or \"revoked\""),
                    ));
                }
            };
        }
        other => return Err(PyTypeError::new_err(format!("unknown KeyRecord field '{other}'"))),
    }
    Ok(())
}

/// One registered key and its rules. The stub `_reqsig.pyi` documents the fields.
#[pyclass(module = "reqsig", name = "KeyRecord", frozen)]
pub(crate) struct PyKeyRecord {
    pub(crate) inner: KeyRecord,
}

impl PyKeyRecord {
    fn from_shared(record: &Arc<KeyRecord>) -> PyKeyRecord {
        PyKeyRecord {
            inner: KeyRecord::clone(record),
        }
    }
}

#[pymethods]
impl PyKeyRecord {
    #[new]
    #[pyo3(signature = (key_id, client_id, key, *, scopes = None, source_cidrs = None, rate_limit = None, not_before = None, not_after = None, status = None))]
    #[expect(
        clippy::too_many_arguments,
        reason = "the keyword arguments of the Python constructor"
    )]
    fn new(
        key_id: &Bound<'_, PyAny>,
        client_id: &Bound<'_, PyAny>,
        key: &Bound<'_, PyAny>,
        scopes: Option<&Bound<'_, PyAny>>,
        source_cidrs: Option<&Bound<'_, PyAny>>,
        rate_limit: Option<&Bound<'_, PyAny>>,
        not_before: Option<&Bound<'_, PyAny>>,
        not_after: Option<&Bound<'_, PyAny>>,
        status: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyKeyRecord> {
        let mut record = KeyRecord::new(String::new(), String::new(), verifying_key_of(key, "key")?);
        set_field(&mut record, "key_id", key_id)?;
        set_field(&mut record, "client_id", client_id)?;
        let optional = [
            ("scopes", scopes),
            ("source_cidrs", source_cidrs),
            ("rate_limit", rate_limit),
            ("not_before", not_before),
            ("not_after", not_after),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                set_field(&mut record, name, value)?;
            }
        }
        if let Some(status) = status.filter(|s| !s.is_none()) {
            set_field(&mut record, "status", status)?;
        }
        Ok(PyKeyRecord { inner: record })
    }

    /// Returns a copy with the given fields changed.
    #[pyo3(signature = (**changes))]
    fn replace(&self, changes: Option<&Bound<'_, PyDict>>) -> PyResult<PyKeyRecord> {
        let mut record = self.inner.clone();
        if let Some(changes) = changes {
            for (name, value) in changes.iter() {
                let name = name.cast::<PyString>()?.to_cow()?.into_owned();
                if !RECORD_FIELDS.contains(&name.as_str()) {
                    return Err(PyTypeError::new_err(format!(
                        "KeyRecord.replace() got an unexpected keyword argument '{name}'"
                    )));
                }
                set_field(&mut record, &name, &value)?;
            }
        }
        Ok(PyKeyRecord { inner: record })
    }

    #[getter]
    fn key_id(&self) -> &str {
        &self.inner.key_id
    }

    #[getter]
    fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    #[getter]
    fn algorithm(&self) -> &'static str {
        self.inner.key.algorithm().name()
    }

    /// The public key, or `None` for an HMAC secret.
    #[getter]
    fn public_key<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        if self.inner.key.algorithm().is_symmetric() {
            return Ok(None);
        }
        wrap_public(py, self.inner.key.clone(), None).map(Some)
    }

    #[getter]
    fn scopes<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .scopes
            .iter()
            .map(|scope| scope_dict(py, scope))
            .collect()
    }

    #[getter]
    fn source_cidrs(&self) -> Vec<String> {
        self.inner.source_cidrs.iter().map(ToString::to_string).collect()
    }

    #[getter]
    fn rate_limit<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner
            .rate_limit
            .as_ref()
            .map(|limit| rate_limit_dict(py, limit))
            .transpose()
    }

    #[getter]
    fn not_before(&self) -> Option<u64> {
        self.inner.not_before
    }

    #[getter]
    fn not_after(&self) -> Option<u64> {
        self.inner.not_after
    }

    #[getter]
    fn status(&self) -> &'static str {
        match self.inner.status {
            KeyStatus::Active => "active",
            KeyStatus::Revoked => "revoked",
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "<KeyRecord key_id={} client_id={} algorithm={} status={}>",
            quoted(&self.inner.key_id),
            quoted(&self.inner.client_id),
            quoted(self.algorithm()),
            quoted(self.status()),
        )
    }
}

/// Key records held in memory, changed while the gate runs.
#[pyclass(module = "reqsig", name = "MemoryRegistry", frozen)]
pub(crate) struct PyMemoryRegistry {
    pub(crate) inner: Arc<MemoryRegistry>,
}

fn record_of(record: &Bound<'_, PyAny>, argument: &str) -> PyResult<KeyRecord> {
    record
        .cast::<PyKeyRecord>()
        .map(|record| record.get().inner.clone())
        .map_err(|_| type_error(argument, "KeyRecord", record))
}

#[pymethods]
impl PyMemoryRegistry {
    #[new]
    #[pyo3(signature = (records = None))]
    fn new(records: Option<&Bound<'_, PyAny>>) -> PyResult<PyMemoryRegistry> {
        let registry = MemoryRegistry::default();
        if let Some(records) = records.filter(|r| !r.is_none()) {
            let items = records
                .try_iter()
                .map_err(|_| type_error("records", "an iterable of KeyRecord", records))?;
            for (index, item) in items.enumerate() {
                registry.insert(record_of(&item?, &format!("records[{index}]"))?);
            }
        }
        Ok(PyMemoryRegistry {
            inner: Arc::new(registry),
        })
    }

    /// Adds a record, replacing the one with the same key id.
    fn add(&self, record: &Bound<'_, PyAny>) -> PyResult<()> {
        self.inner.insert(record_of(record, "record")?);
        Ok(())
    }

    /// Removes a record and reports whether it was there.
    fn remove(&self, key_id: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.inner.remove(&args::text(key_id, "key_id")?).is_some())
    }

    /// Returns the record of a key id, or `None`.
    fn get(&self, key_id: &Bound<'_, PyAny>) -> PyResult<Option<PyKeyRecord>> {
        let key_id = args::text(key_id, "key_id")?;
        Ok(self.inner.get(&key_id).as_ref().map(PyKeyRecord::from_shared))
    }

    /// Returns every record, sorted by key id.
    fn records(&self) -> Vec<PyKeyRecord> {
        sorted_records(self.inner.records())
    }

    fn __len__(&self) -> usize {
        self.inner.records().len()
    }

    fn __contains__(&self, key_id: &Bound<'_, PyAny>) -> bool {
        key_id
            .cast::<PyString>()
            .ok()
            .and_then(|text| text.to_cow().ok().map(|id| self.inner.get(&id).is_some()))
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        format!("<MemoryRegistry with {} keys>", self.__len__())
    }
}

fn sorted_records(records: Vec<Arc<KeyRecord>>) -> Vec<PyKeyRecord> {
    let mut records: Vec<PyKeyRecord> = records.iter().map(PyKeyRecord::from_shared).collect();
    records.sort_by(|a, b| a.inner.key_id.cmp(&b.inner.key_id));
    records
}

/// A registry file (TOML), reloaded when it changes.
#[pyclass(module = "reqsig", name = "RegistryFile", frozen)]
pub(crate) struct PyRegistryFile {
    pub(crate) inner: Arc<RegistryFile>,
    check_interval: f64,
}

#[pymethods]
impl PyRegistryFile {
    #[new]
    #[pyo3(signature = (path, *, check_interval = None))]
    fn new(
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        check_interval: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyRegistryFile> {
        let path = args::path(path, "path")?;
        let interval = match check_interval.filter(|c| !c.is_none()) {
            Some(value) => args::seconds(value, "check_interval")?,
            None => std::time::Duration::from_secs(1),
        };
        let file = py
            .detach(|| RegistryFile::open(path))
            .map_err(|error| to_py_err(py, Failure::Registry(error)))?;
        Ok(PyRegistryFile {
            inner: Arc::new(file.check_interval(interval)),
            check_interval: interval.as_secs_f64(),
        })
    }

    #[getter]
    fn path(&self) -> String {
        self.inner.path().display().to_string()
    }

    #[getter]
    fn check_interval(&self) -> f64 {
        self.check_interval
    }

    /// Checks the file now and reloads it when it changed.
    fn reload(&self, py: Python<'_>) -> PyResult<bool> {
        // Detached: the reload logs while it holds the file's lock, and the
        // log forwarding attaches to the interpreter.
        let file = &self.inner;
        py.detach(|| file.reload_if_changed())
            .map_err(|error| to_py_err(py, Failure::Registry(error)))
    }

    /// Returns every record in force, sorted by key id.
    fn records(&self, py: Python<'_>) -> Vec<PyKeyRecord> {
        let file = &self.inner;
        sorted_records(py.detach(|| file.records()))
    }

    /// Returns the record of a key id, or `None`.
    fn get(&self, py: Python<'_>, key_id: &Bound<'_, PyAny>) -> PyResult<Option<PyKeyRecord>> {
        let key_id = args::text(key_id, "key_id")?;
        let file = &self.inner;
        let found = py.detach(|| file.records().into_iter().find(|record| record.key_id == key_id));
        Ok(found.as_ref().map(PyKeyRecord::from_shared))
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        let file = &self.inner;
        py.detach(|| file.records().len())
    }

    fn __repr__(&self) -> String {
        format!("<RegistryFile path={}>", quoted(&self.path()))
    }
}

/// Reads the `keys=` argument of `Gate`: a `RegistryFile` or a `MemoryRegistry`.
pub(crate) fn key_source_of(keys: &Bound<'_, PyAny>) -> PyResult<(Arc<dyn KeySource>, String)> {
    if let Ok(file) = keys.cast::<PyRegistryFile>() {
        let file = file.get();
        return Ok((file.inner.clone(), file.__repr__()));
    }
    if let Ok(memory) = keys.cast::<PyMemoryRegistry>() {
        return Ok((memory.get().inner.clone(), "<MemoryRegistry>".to_owned()));
    }
    Err(type_error("keys", "RegistryFile or MemoryRegistry", keys))
}
