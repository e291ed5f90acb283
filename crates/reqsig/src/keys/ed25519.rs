//! Ed25519 keys (RFC 8032, RFC 9421 section 3.3.6).

use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey, KeypairBytes};
use ed25519_dalek::{Signature, Signer};
use pkcs8::{PrivateKeyInfoRef, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::KeyError;

/// The length of a seed (private key) and of a public key, in bytes.
pub(crate) const KEY_LEN: usize = 32;

/// Builds a signing key from a 32-byte seed.
pub(crate) fn from_seed(seed: &[u8]) -> Result<ed25519_dalek::SigningKey, KeyError> {
    let seed: &[u8; KEY_LEN] = seed.try_into().map_err(|_| KeyError::InvalidLength {
        what: "Ed25519 seed",
        expected: "32 bytes",
        actual: seed.len(),
    })?;
    Ok(ed25519_dalek::SigningKey::from_bytes(seed))
}

/// Builds a verifying key from 32 public-key bytes, rejecting small-order points.
pub(crate) fn public_from_bytes(bytes: &[u8]) -> Result<ed25519_dalek::VerifyingKey, KeyError> {
    let bytes: &[u8; KEY_LEN] = bytes.try_into().map_err(|_| KeyError::InvalidLength {
        what: "Ed25519 public key",
        expected: "32 bytes",
        actual: bytes.len(),
    })?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(bytes)
        .map_err(|_| KeyError::invalid_key("the Ed25519 public key is not a curve point"))?;
    if key.is_weak() {
        return Err(KeyError::invalid_key(
            "the Ed25519 public key is a small-order point, which any signature can match",
        ));
    }
    Ok(key)
}

/// Decodes a PKCS#8 Ed25519 private key, checking its public key when present.
pub(crate) fn from_pkcs8(info: PrivateKeyInfoRef<'_>) -> Result<ed25519_dalek::SigningKey, KeyError> {
    ed25519_dalek::SigningKey::try_from(info).map_err(|err| KeyError::malformed("PKCS#8 Ed25519", err))
}

/// Decodes an SPKI Ed25519 public key.
pub(crate) fn from_spki(info: SubjectPublicKeyInfoRef<'_>) -> Result<ed25519_dalek::VerifyingKey, KeyError> {
    let bytes = info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| KeyError::malformed("SPKI Ed25519", "the key bit string has unused bits"))?;
    public_from_bytes(bytes)
}

/// Encodes a private key as PKCS#8 version 1, without the optional public key,
/// the form `openssl genpkey` writes.
pub(crate) fn to_pkcs8(key: &ed25519_dalek::SigningKey) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let bytes = KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    };
    let document = bytes
        .to_pkcs8_der()
        .map_err(|err| KeyError::malformed("PKCS#8", err))?;
    Ok(document.to_bytes())
}

/// Encodes a public key as SPKI DER.
pub(crate) fn to_spki(key: &ed25519_dalek::VerifyingKey) -> Result<Vec<u8>, KeyError> {
    key.to_public_key_der()
        .map(|document| document.into_vec())
        .map_err(|err| KeyError::malformed("SPKI", err))
}

/// Signs `message` (deterministic, RFC 8032 section 5.1.6).
pub(crate) fn sign(key: &ed25519_dalek::SigningKey, message: &[u8]) -> Vec<u8> {
    key.sign(message).to_bytes().to_vec()
}

/// Verifies a 64-byte signature.
///
/// This uses `verify_strict`: the RFC 8032 cofactorless check, which also
/// rejects small-order public keys and R points, so no signature verifies under
/// two different weak keys.
pub(crate) fn verify(
    key: &ed25519_dalek::VerifyingKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), KeyError> {
    let signature = Signature::from_slice(signature).map_err(|_| KeyError::InvalidSignature)?;
    key.verify_strict(message, &signature)
        .map_err(|_| KeyError::InvalidSignature)
}
