//! `UsageSnapshot` and `KeyUsage`: copies of the gate's per-key counters.

use std::collections::BTreeMap;

use pyo3::prelude::*;
use reqsig_gate::{KeyUsage, UsageSnapshot};

use crate::convert::quoted;

/// The counters of one key at one moment.
#[pyclass(module = "reqsig", name = "KeyUsage", frozen)]
pub(crate) struct PyKeyUsage {
    #[pyo3(get)]
    accepted: u64,
    #[pyo3(get)]
    rejected: BTreeMap<&'static str, u64>,
    #[pyo3(get)]
    last_used: Option<u64>,
}

impl From<&KeyUsage> for PyKeyUsage {
    fn from(usage: &KeyUsage) -> PyKeyUsage {
        PyKeyUsage {
            accepted: usage.accepted,
            rejected: usage.rejected.clone(),
            last_used: usage.last_used,
        }
    }
}

#[pymethods]
impl PyKeyUsage {
    fn __repr__(&self) -> String {
        let rejected: Vec<String> = self
            .rejected
            .iter()
            .map(|(code, count)| format!("{}: {count}", quoted(code)))
            .collect();
        format!(
            "KeyUsage(accepted={}, rejected={{{}}}, last_used={})",
            self.accepted,
            rejected.join(", "),
            self.last_used.map_or("None".to_owned(), |t| t.to_string())
        )
    }
}

/// Every counter of a gate at one moment.
#[pyclass(module = "reqsig", name = "UsageSnapshot", frozen)]
pub(crate) struct PyUsageSnapshot {
    snapshot: UsageSnapshot,
}

impl From<UsageSnapshot> for PyUsageSnapshot {
    fn from(snapshot: UsageSnapshot) -> PyUsageSnapshot {
        PyUsageSnapshot { snapshot }
    }
}

#[pymethods]
impl PyUsageSnapshot {
    /// The counters of each key id seen in a signature.
    #[getter]
    fn keys(&self) -> BTreeMap<String, PyKeyUsage> {
        self.snapshot
            .keys
            .iter()
            .map(|(key_id, usage)| (key_id.clone(), PyKeyUsage::from(usage)))
            .collect()
    }

    /// Rejections that name no key, by code.
    #[getter]
    fn unattributed(&self) -> BTreeMap<&'static str, u64> {
        self.snapshot.unattributed.clone()
    }

    /// Renders the counters in the Prometheus text exposition format.
    fn to_prometheus(&self) -> String {
        self.snapshot.to_prometheus()
    }

    fn __repr__(&self) -> String {
        format!(
            "<UsageSnapshot with {} keys, {} unattributed rejections>",
            self.snapshot.keys.len(),
            self.snapshot.unattributed.values().sum::<u64>()
        )
    }
}
