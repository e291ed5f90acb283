//! The `reqsig._reqsig` extension module: Python bindings for the reqsig core.
//!
//! The Python package `reqsig` re-exports everything defined here and adds
//! the exception classes (`reqsig/_errors.py`) and the client integrations
//! (`reqsig.requests`, `reqsig.httpx`). Signing and verifying run with the
//! interpreter released, so other Python threads keep running meanwhile.

mod args;
mod convert;
mod digest;
mod errors;
mod keys;
mod policy;
mod signer;
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
    module.add_function(wrap_pyfunction!(digest::content_digest, module)?)?;
    module.add_function(wrap_pyfunction!(digest::verify_content_digest, module)?)?;
    Ok(())
}
