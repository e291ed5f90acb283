//! Keys for HTTP Message Signatures: loading, generating, signing, verifying.
//!
//! Every key is bound to exactly one [`Algorithm`], so a verifier never trusts
//! the `alg` parameter that a signer sent. The binding comes from, in order:
//!
//! 1. a JWK `alg` member (`EdDSA`, `HS256`, `ES256`, `ES384`, `PS512`, `RS256`);
//! 2. the key type, where only one algorithm fits it: Ed25519 → ed25519, `oct`
//!    → hmac-sha256, EC P-256 → ecdsa-p256-sha256, EC P-384 →
//!    ecdsa-p384-sha384, a key with the RSASSA-PSS OID → rsa-pss-sha512;
//! 3. the algorithm the caller passes, which is required for a plain RSA key
//!    ([`KeyError::AlgorithmRequired`]) and must agree with 1 and 2
//!    ([`KeyError::AlgorithmMismatch`]).
//!
//! ECDSA needs the `ecdsa` feature and RSA verification the `rsa` feature. A
//! key for a missing feature returns [`KeyError::Unsupported`]. RSA signing
//! also needs `rsa-signing`, because the `rsa` crate's private-key operations
//! leak timing (RUSTSEC-2023-0071, the Marvin attack).

mod asn1;
mod binding;
mod decode;
#[cfg(feature = "ecdsa")]
mod ecdsa;
mod ed25519;
mod error;
mod generate;
mod hmac;
mod jwk;
mod jwk_set;
mod jwk_write;
mod pem;
#[cfg(feature = "rsa")]
mod rsa;
mod signing;
mod thumbprint;
mod verifying;

pub use error::KeyError;
pub use jwk_set::{JwkEntry, JwkSet};
pub use signing::SigningKey;
pub use verifying::VerifyingKey;

use crate::algorithm::Algorithm;

/// Anything that can sign a signature base: an in-memory key, a KMS, an HSM.
///
/// The signature must be in the form RFC 9421 section 3.3 gives for the
/// algorithm, for example `r || s` (not DER) for ECDSA.
pub trait MessageSigner: Send + Sync {
    /// Returns the algorithm of the signatures this signer makes.
    fn algorithm(&self) -> Algorithm;

    /// Signs the signature base.
    fn sign(&self, signature_base: &[u8]) -> Result<Vec<u8>, KeyError>;
}
