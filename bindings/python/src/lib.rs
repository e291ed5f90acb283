//! The `reqsig._reqsig` extension module: Python bindings for the reqsig core.
//!
//! The Python package `reqsig` re-exports everything defined here and adds
//! the exception classes (`reqsig/_errors.py`), the client integrations
//! (`reqsig.requests`, `reqsig.httpx`) and the server middleware
//! (`reqsig.asgi`, `reqsig.wsgi`, which call `Gate`). Signing, verifying and
//! the gate's checks run with the interpreter released, so other Python
//! threads keep running meanwhile.

mod args;
mod convert;
mod digest;
mod errors;
mod gate;
mod head;
mod keys;
mod logging;
mod policy;
mod registry;
mod replay;
mod response;
mod runtime;
mod signer;
mod usage;
mod verifier;

use pyo3::prelude::*;

#[pymodule]
fn _reqsig(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_class::<keys::PyPrivateKey>()?;
    module.add_class::<keys::PyEd25519PrivateKey>()?;
    module.add_class::<keys::PyPublicKey>()?;
    module.add_class::<keys::PyEd25519PublicKey>()?;
    module.add_class::<keys::PyHmacKey>()?;
    module.add_class::<policy::PyPolicy>()?;
    module.add_class::<signer::PySigner>()?;
    module.add_class::<signer::PySignatureHeaders>()?;
    module.add_class::<verifier::PyVerifier>()?;
    module.add_class::<verifier::PyVerified>()?;
    module.add_class::<registry::PyKeyRecord>()?;
    module.add_class::<registry::PyMemoryRegistry>()?;
    module.add_class::<registry::PyRegistryFile>()?;
    module.add_class::<replay::PyMemoryReplayStore>()?;
    module.add_class::<replay::PyRedisReplayStore>()?;
    module.add_class::<gate::PyGate>()?;
    module.add_class::<gate::PyPending>()?;
    module.add_class::<gate::PyRejection>()?;
    module.add_class::<gate::PyIdentity>()?;
    module.add_class::<usage::PyUsageSnapshot>()?;
    module.add_class::<usage::PyKeyUsage>()?;
    module.add_class::<response::PyResponseSigner>()?;
    module.add_function(wrap_pyfunction!(digest::content_digest, module)?)?;
    module.add_function(wrap_pyfunction!(digest::verify_content_digest, module)?)?;
    Ok(())
}
