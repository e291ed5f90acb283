//! The tokio runtime that drives the gate's futures.
//!
//! `Gate.check` blocks the calling Python thread (with the interpreter
//! released) on the gate's future with `Runtime::block_on`, so the future
//! runs on the caller's thread. The runtime's one worker thread runs what the
//! Redis client spawns, such as its connection driver, which must outlive a
//! single call.

use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::Runtime;

/// The runtime and the process it was built in.
static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// Returns the process's runtime, building it on first use.
///
/// A forked child (a pre-forking server such as gunicorn) inherits the
/// parent's runtime without its worker thread, so a child builds its own.
/// The inherited runtime is leaked, never dropped: dropping it would join a
/// thread that does not exist in the child.
pub(crate) fn runtime() -> PyResult<&'static Runtime> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((owner, runtime)) = *slot
        && owner == pid
    {
        return Ok(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("reqsig-gate")
        .enable_all()
        .build()
        .map_err(|error| {
            PyRuntimeError::new_err(format!("failed to start the gate's tokio runtime: {error}"))
        })?;
    let runtime: &'static Runtime = Box::leak(Box::new(runtime));
    *slot = Some((pid, runtime));
    Ok(runtime)
}
