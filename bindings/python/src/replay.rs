//! Replay stores for `Gate`: `MemoryReplayStore` and `RedisReplayStore`.

use std::sync::Arc;

use pyo3::prelude::*;
use reqsig_gate::DEFAULT_REPLAY_CAPACITY;
use reqsig_gate::replay::{MemoryReplayStore, RedisReplayStore, ReplayStore, StoreError};

use crate::args;
use crate::convert::quoted;
use crate::errors::{type_error, value_error};

/// Nonces remembered in this process's memory.
#[pyclass(module = "reqsig", name = "MemoryReplayStore", frozen)]
pub(crate) struct PyMemoryReplayStore {
    inner: Arc<MemoryReplayStore>,
    capacity: usize,
}

#[pymethods]
impl PyMemoryReplayStore {
    #[new]
    #[pyo3(signature = (capacity = None))]
    fn new(capacity: Option<&Bound<'_, PyAny>>) -> PyResult<PyMemoryReplayStore> {
        let capacity = match capacity.filter(|c| !c.is_none()) {
            Some(value) => {
                let number = args::non_negative(value, "capacity")?;
                usize::try_from(number).ok().filter(|n| *n > 0).ok_or_else(|| {
                    value_error(
                        "capacity",
                        format!("{number} is not between 1 and {}", usize::MAX),
                    )
                })?
            }
            None => DEFAULT_REPLAY_CAPACITY,
        };
        Ok(PyMemoryReplayStore {
            inner: Arc::new(MemoryReplayStore::new(capacity)),
            capacity,
        })
    }

    #[getter]
    fn capacity(&self) -> usize {
        self.capacity
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<MemoryReplayStore capacity={} len={}>",
            self.capacity,
            self.inner.len()
        )
    }
}

/// Nonces remembered in Redis, shared by every process that uses the same database.
#[pyclass(module = "reqsig", name = "RedisReplayStore", frozen)]
pub(crate) struct PyRedisReplayStore {
    inner: Arc<RedisReplayStore>,
    prefix: String,
}

#[pymethods]
impl PyRedisReplayStore {
    #[new]
    #[pyo3(signature = (url, *, prefix = None))]
    fn new(url: &Bound<'_, PyAny>, prefix: Option<&Bound<'_, PyAny>>) -> PyResult<PyRedisReplayStore> {
        let url = args::text(url, "url")?;
        let prefix = args::optional_text(prefix, "prefix")?.unwrap_or_else(|| "reqsig:nonce:".to_owned());
        // The store's error shows the URL with its password replaced by `***`.
        let store = RedisReplayStore::new(&url).map_err(|error| match error {
            StoreError::Unavailable(reason) => value_error("url", reason),
            other => value_error("url", other),
        })?;
        Ok(PyRedisReplayStore {
            inner: Arc::new(store.with_prefix(prefix.clone())),
            prefix,
        })
    }

    #[getter]
    fn prefix(&self) -> &str {
        &self.prefix
    }

    fn __repr__(&self) -> String {
        // The URL is left out because it may hold a password.
        format!("<RedisReplayStore prefix={}>", quoted(&self.prefix))
    }
}

/// Reads the `replay_store=` argument of `Gate`; `None` gives the gate's default.
pub(crate) fn replay_store_of(store: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Arc<dyn ReplayStore>>> {
    let Some(store) = store.filter(|s| !s.is_none()) else {
        return Ok(None);
    };
    if let Ok(memory) = store.cast::<PyMemoryReplayStore>() {
        return Ok(Some(memory.get().inner.clone()));
    }
    if let Ok(redis) = store.cast::<PyRedisReplayStore>() {
        return Ok(Some(redis.get().inner.clone()));
    }
    Err(type_error(
        "replay_store",
        "MemoryReplayStore, RedisReplayStore or None",
        store,
    ))
}
