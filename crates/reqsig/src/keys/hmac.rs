//! HMAC-SHA256 shared secrets (RFC 9421 section 3.3.3).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::KeyError;

/// The shortest accepted secret, in bytes.
///
/// RFC 7518 section 3.2 requires an HS256 key at least as long as the SHA-256
/// output (32 bytes), and RFC 2104 section 3 advises against keys shorter than
/// the hash output. Shorter secrets are rejected instead of silently weakening HMAC.
pub(crate) const MIN_SECRET_LEN: usize = 32;

/// The length of an HMAC-SHA256 signature, in bytes.
const SIGNATURE_LEN: usize = 32;

/// A shared HMAC secret, zeroized on drop.
#[derive(Clone)]
pub(crate) struct HmacSecret(Zeroizing<Vec<u8>>);

impl HmacSecret {
    /// Copies `secret`, rejecting one shorter than [`MIN_SECRET_LEN`].
    pub(crate) fn new(secret: &[u8]) -> Result<HmacSecret, KeyError> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(KeyError::InvalidLength {
                what: "HMAC secret",
                expected: "at least 32 bytes (RFC 7518 section 3.2); generate one with SigningKey::generate",
                actual: secret.len(),
            });
        }
        Ok(HmacSecret(Zeroizing::new(secret.to_vec())))
    }

    /// Returns the secret bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Computes HMAC-SHA256 of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.mac(message).to_vec()
    }

    /// Checks `signature` against HMAC-SHA256 of `message` in constant time.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), KeyError> {
        if signature.len() != SIGNATURE_LEN {
            return Err(KeyError::InvalidSignature);
        }
        let expected = self.mac(message);
        if bool::from(expected.as_slice().ct_eq(signature)) {
            Ok(())
        } else {
            Err(KeyError::InvalidSignature)
        }
    }

    /// Compares two secrets in constant time (for secrets of equal length).
    pub(crate) fn ct_eq(&self, other: &HmacSecret) -> bool {
        bool::from(self.0.as_slice().ct_eq(other.0.as_slice()))
    }

    fn mac(&self, message: &[u8]) -> [u8; SIGNATURE_LEN] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(message);
        mac.finalize().into_bytes().into()
    }
}
