#![forbid(unsafe_code)]
//! Server-side rules for reqsig, shared by every server surface.
//!
//! An API-key gateway blocks anonymous traffic, ties each call to a client,
//! and enforces per-key scopes, source addresses, expiry, revocation and rate
//! limits. [`Gate`] does that job for requests signed under RFC 9421: it
//! looks the key up by key id in a [`KeySource`] (memory, or a TOML
//! [`RegistryFile`] that reloads itself), verifies the signature with the
//! core crate, then applies the key's rules, remembers the nonce in a
//! [`replay::ReplayStore`] (in memory or Redis) and counts usage per key.
//!
//! The checks run in the order stated in `spec/README.md`:
//! header limits, parsing, key lookup and status, signature, time window
//! (all inside the core verifier), then scope and source address (403),
//! the key's rate limit (429), the nonce store (401, or 503 when the store
//! fails), and finally the body: its size (413) and Content-Digest (401).
//!
//! The gate knows no web framework. The tower layer of `reqsig-tower` and
//! the Python ASGI and WSGI middleware adapt it; each calls
//! [`Gate::check`] with the request head and [`Gate::complete`] with the
//! buffered body, and turns a [`Rejection`] into a response.
//!
//! # Logging
//!
//! With `tracing`, every rejection is a `warn` event with status, code, key
//! id, method, path and reason; every accepted request an `info` event with
//! key id, client id and label; store and registry failures are `error`
//! events. No event carries a signature, a nonce or key material.

mod challenge;
mod gate;
#[cfg(feature = "jwks")]
mod jwks;
mod record;
mod registry_file;
mod rejection;
pub mod replay;
mod resolver;
mod response;
mod scope;
mod source;
mod throttle;
mod timestamp;
mod usage;

pub use gate::{Admission, DEFAULT_REPLAY_CAPACITY, Gate, GateBuilder, Identity, Pending};
#[cfg(feature = "jwks")]
pub use jwks::{JwksClient, JwksSource};
pub use record::{KeyRecord, KeyStatus, RateLimit, RecordKey};
pub use registry_file::{
    KeyEntry, REGISTRY_VERSION, RateLimitEntry, RegistryDocument, RegistryError, RegistryFile, ScopeEntry,
    load_registry, parse_cidr,
};
pub use rejection::{Rejection, WWW_AUTHENTICATE};
pub use response::{RESPONSE_TAG, ResponseSigner};
pub use scope::{PathPattern, Scope, unsafe_path_reason};
pub use source::{BoxFuture, KeySource, MemoryRegistry, SourceUnavailable};
pub use throttle::ConcurrencyPermit;
pub use timestamp::{Timestamp, parse_timestamp};
pub use usage::{KeyUsage, Usage, UsageSnapshot};

/// Installs rustls's `ring` crypto provider as the process default, unless
/// one is installed already; the JWKS client needs one.
#[cfg(feature = "jwks")]
pub fn install_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        #[allow(
            deprecated,
            reason = "ring lacks post-quantum key exchange, but builds without aws-lc's C toolchain; TLS 1.2 and 1.3 stay secure"
        )]
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
