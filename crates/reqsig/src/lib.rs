#![forbid(unsafe_code)]
//! reqsig: HTTP Message Signatures (RFC 9421) with Content-Digest (RFC 9530).
//!
//! A client signs each request with its private key; a server verifies the
//! signature with the public key it finds by key id. reqsig implements the
//! wire format of RFC 9421, with `Content-Digest` (RFC 9530) binding the body
//! and structured fields (RFC 9651) parsed and serialized by `sfv`.
//!
//! # Design
//!
//! - [`components`] computes the value of each covered component,
//!   [`signature_base`] joins them into the bytes that are signed, and
//!   [`SignatureParams`] carries the covered list and parameters.
//! - [`keys`] loads and generates keys. Every key is bound to one
//!   [`Algorithm`], so the signature's `alg` parameter never chooses it.
//! - [`Signer`] signs, [`Verifier`] checks a signature against a [`Policy`]
//!   whose defaults (see `spec/README.md`) reject signatures that cover too
//!   little to resist replay onto another request.
//! - The crate does no I/O and needs no async runtime; key lookup through a
//!   [`KeyResolver`] may still be asynchronous.
//!
//! # Example
//!
//! ```
//! use reqsig::{Algorithm, Policy, Signer, SigningKey, StaticKey, Verifier};
//!
//! // The client holds the private key.
//! let key = SigningKey::generate(Algorithm::Ed25519)?;
//! let signer = Signer::builder(key.clone()).key_id("client-1").build()?;
//! let mut request = http::Request::post("https://api.example.com/orders")
//!     .header("content-type", "application/json")
//!     .body(br#"{"item":42}"#.to_vec())?;
//! signer.sign_request(&mut request)?;
//!
//! // The server holds only the public key.
//! let keys = StaticKey::new("client-1", key.verifying_key());
//! let verified = Verifier::new(Policy::server()).verify_request(&request, &keys)?;
//! assert_eq!(verified.keyid, "client-1");
//!
//! // A changed body no longer matches the signed Content-Digest.
//! *request.body_mut() = br#"{"item":43}"#.to_vec();
//! let error = Verifier::new(Policy::server()).verify_request(&request, &keys).unwrap_err();
//! assert_eq!(error.code(), "digest_mismatch");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod accept;
pub mod algorithm;
mod base;
mod bytes;
pub mod clock;
pub mod components;
pub mod digest;
pub mod error;
pub mod keys;
pub mod limits;
pub mod message;
mod nonce;
mod params;
pub mod policy;
mod resolver;
mod signature_fields;
mod signer;
mod template;
mod verifier;

pub use algorithm::{Algorithm, UnknownAlgorithm};
pub use base::signature_base;
pub use digest::{
    DigestAlgorithm, DigestHasher, DigestVerifier, UnknownDigestAlgorithm, content_digest,
    verify_content_digest,
};
pub use error::{Error, LimitKind};
pub use keys::{JwkSet, KeyError, MessageSigner, SigningKey, VerifyingKey};
pub use limits::Limits;
pub use message::{Message, StartLine};
pub use nonce::random_nonce;
pub use params::SignatureParams;
pub use policy::Policy;
pub use resolver::{KeyResolver, StaticKey};
pub use signer::{Nonce, PreparedSignature, SignatureHeaders, Signer, SignerBuilder};
pub use verifier::{Selection, Verified, Verifier};
