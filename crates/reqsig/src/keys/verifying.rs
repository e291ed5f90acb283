//! [`VerifyingKey`]: a public key or shared secret bound to one algorithm.

use std::fmt;
use std::sync::OnceLock;

use zeroize::Zeroizing;

use super::decode::{self, Encoding};
use super::hmac::HmacSecret;
use super::pem::LABEL_SPKI;
use super::signing::PrivateKey;
use super::{KeyError, SigningKey, ed25519, jwk, jwk_write, pem, thumbprint};
use crate::algorithm::Algorithm;

#[cfg(feature = "ecdsa")]
use super::ecdsa::EcdsaVerifyingKey;
#[cfg(feature = "rsa")]
use super::rsa;

/// A public key, or for HMAC the shared secret, bound to exactly one [`Algorithm`].
///
/// An HMAC key contains the secret. It is zeroized on drop, compared in
/// constant time and redacted from `Debug`, and [`VerifyingKey::to_jwk`]
/// rejects writing it.
///
/// ```
/// use reqsig::Algorithm;
/// use reqsig::keys::VerifyingKey;
///
/// let pem = "-----BEGIN PUBLIC KEY-----\n\
///            MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n\
///            -----END PUBLIC KEY-----\n";
/// let key = VerifyingKey::from_pem(pem, None).unwrap();
/// assert_eq!(key.algorithm(), Algorithm::Ed25519);
/// // This is the RFC 9421 Appendix B.1.4 test key, which servers refuse by default.
/// assert!(key.is_rfc9421_test_key());
/// assert!(key.verify(b"message", &[0u8; 64]).is_err());
/// ```
#[derive(Clone)]
pub struct VerifyingKey {
    algorithm: Algorithm,
    key: PublicKey,
    /// Whether this is an RFC 9421 test key, computed on first use: finding
    /// out takes a JWK thumbprint, and servers ask on every request.
    rfc9421_test_key: OnceLock<bool>,
}

/// The key material of a [`VerifyingKey`].
#[derive(Clone)]
pub(crate) enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    Hmac(HmacSecret),
    #[cfg(feature = "ecdsa")]
    Ecdsa(EcdsaVerifyingKey),
    #[cfg(feature = "rsa")]
    Rsa(Box<::rsa::PublicKey>),
}

impl VerifyingKey {
    /// Assembles a key whose algorithm the caller has already bound.
    pub(crate) fn from_parts(algorithm: Algorithm, key: PublicKey) -> VerifyingKey {
        VerifyingKey {
            algorithm,
            key,
            rfc9421_test_key: OnceLock::new(),
        }
    }

    /// Takes the public half of a signing key.
    pub(crate) fn from_signing_key(signing_key: &SigningKey) -> VerifyingKey {
        let key = match signing_key.key() {
            PrivateKey::Ed25519(key) => PublicKey::Ed25519(key.verifying_key()),
            PrivateKey::Hmac(secret) => PublicKey::Hmac(secret.clone()),
            #[cfg(feature = "ecdsa")]
            PrivateKey::Ecdsa(key) => PublicKey::Ecdsa(key.verifying_key()),
            #[cfg(feature = "rsa-signing")]
            PrivateKey::Rsa(key) => PublicKey::Rsa(Box::new(key.to_public_key())),
        };
        VerifyingKey::from_parts(signing_key.algorithm(), key)
    }

    /// Returns the key material.
    pub(crate) fn key(&self) -> &PublicKey {
        &self.key
    }

    /// Loads a public key from PEM: SPKI `PUBLIC KEY` (RSASSA-PSS OID included)
    /// or PKCS#1 `RSA PUBLIC KEY`. A private key PEM is accepted too, and only
    /// its public half is kept.
    ///
    /// `algorithm`, when given, must fit the key. An RSA key with the
    /// rsaEncryption OID needs it, because it fits two algorithms.
    pub fn from_pem(pem: &str, algorithm: Option<Algorithm>) -> Result<VerifyingKey, KeyError> {
        decode::verifying_from_pem(pem, algorithm)
    }

    /// Loads a public key from SPKI or PKCS#1 DER, or the public half of a
    /// PKCS#8, PKCS#1 or SEC1 private key.
    pub fn from_der(der: &[u8], algorithm: Option<Algorithm>) -> Result<VerifyingKey, KeyError> {
        decode::verifying_from_der(der, algorithm, None)
    }

    /// Loads a JWK (RFC 7517, RFC 8037). A private JWK is accepted, and only its
    /// public members are read, except for `oct`, whose `k` is the shared secret.
    pub fn from_jwk(jwk: &str, algorithm: Option<Algorithm>) -> Result<VerifyingKey, KeyError> {
        VerifyingKey::from_jwk_value(&jwk::parse_json(jwk)?, algorithm)
    }

    /// Loads a JWK that is already parsed. See [`VerifyingKey::from_jwk`].
    pub fn from_jwk_value(
        jwk: &serde_json::Value,
        algorithm: Option<Algorithm>,
    ) -> Result<VerifyingKey, KeyError> {
        jwk::verifying_from_jwk(jwk, algorithm)
    }

    /// Loads a key file, recognising PEM text, JWK JSON or DER from its content.
    pub fn load(bytes: &[u8], algorithm: Option<Algorithm>) -> Result<VerifyingKey, KeyError> {
        match decode::detect(bytes)? {
            Encoding::Pem(text) => VerifyingKey::from_pem(text, algorithm),
            Encoding::Jwk(text) => VerifyingKey::from_jwk(text, algorithm),
            Encoding::Der(der) => VerifyingKey::from_der(der, algorithm),
        }
    }

    /// Builds an Ed25519 key from its 32 public-key bytes.
    pub fn ed25519(public: &[u8]) -> Result<VerifyingKey, KeyError> {
        let key = ed25519::public_from_bytes(public)?;
        Ok(VerifyingKey::from_parts(
            Algorithm::Ed25519,
            PublicKey::Ed25519(key),
        ))
    }

    /// Builds an hmac-sha256 key from a shared secret of at least 32 bytes.
    pub fn hmac_sha256(secret: &[u8]) -> Result<VerifyingKey, KeyError> {
        let secret = HmacSecret::new(secret)?;
        Ok(VerifyingKey::from_parts(
            Algorithm::HmacSha256,
            PublicKey::Hmac(secret),
        ))
    }

    /// Returns the algorithm the key is bound to.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Verifies `signature` over `message` (a signature base).
    ///
    /// Returns [`KeyError::InvalidSignature`] when it does not verify, including
    /// when it has the wrong length. HMAC values are compared in constant time.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), KeyError> {
        match &self.key {
            PublicKey::Ed25519(key) => ed25519::verify(key, message, signature),
            PublicKey::Hmac(secret) => secret.verify(message, signature),
            #[cfg(feature = "ecdsa")]
            PublicKey::Ecdsa(key) => key.verify(message, signature),
            #[cfg(feature = "rsa")]
            PublicKey::Rsa(key) => rsa::verify(key, self.algorithm, message, signature),
        }
    }

    /// Encodes the key as SPKI PEM (`PUBLIC KEY`). RSA keys use the
    /// rsaEncryption OID whatever their algorithm, as RFC 9421 Appendix B.1.2 does.
    ///
    /// An HMAC secret has no SPKI form and returns [`KeyError::NoEncoding`].
    pub fn to_spki_pem(&self) -> Result<String, KeyError> {
        let pem = pem::encode(LABEL_SPKI, &self.to_spki_der()?)?;
        Ok(String::from(pem.as_str()))
    }

    /// Encodes the key as SPKI DER. See [`VerifyingKey::to_spki_pem`].
    pub fn to_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        match &self.key {
            PublicKey::Ed25519(key) => ed25519::to_spki(key),
            PublicKey::Hmac(_) => Err(KeyError::NoEncoding {
                algorithm: self.algorithm,
                format: "SPKI",
                hint: "an HMAC key is a shared secret; share it with to_secret_jwk over a secure channel",
            }),
            #[cfg(feature = "ecdsa")]
            PublicKey::Ecdsa(key) => key.to_spki(),
            #[cfg(feature = "rsa")]
            PublicKey::Rsa(key) => rsa::to_spki(key),
        }
    }

    /// Encodes the key as a public JWK with `alg` and, when given, `kid`.
    ///
    /// An HMAC key returns [`KeyError::NoEncoding`], so a secret is never
    /// published by accident. Use [`VerifyingKey::to_secret_jwk`] for it.
    pub fn to_jwk(&self, kid: Option<&str>) -> Result<String, KeyError> {
        jwk_write::public_jwk(self, kid)
    }

    /// Encodes an HMAC key as an `oct` JWK that contains the shared secret.
    ///
    /// Public-key algorithms return [`KeyError::NoEncoding`]. Use [`VerifyingKey::to_jwk`] for them.
    pub fn to_secret_jwk(&self, kid: Option<&str>) -> Result<Zeroizing<String>, KeyError> {
        jwk_write::secret_jwk(self, kid)
    }

    /// Returns the RFC 7638 SHA-256 thumbprint, base64url without padding, or
    /// `None` for HMAC, where it would publish a hash of the secret.
    pub fn thumbprint(&self) -> Option<String> {
        thumbprint::thumbprint(self)
    }

    /// Reports whether this is one of the RFC 9421 Appendix B.1 test keys,
    /// whose private halves are published. Servers refuse them by default.
    pub fn is_rfc9421_test_key(&self) -> bool {
        *self
            .rfc9421_test_key
            .get_or_init(|| thumbprint::is_rfc9421_test_key(self))
    }
}

impl PartialEq for VerifyingKey {
    /// Compares algorithm and key material, and HMAC secrets in constant time.
    fn eq(&self, other: &VerifyingKey) -> bool {
        if self.algorithm != other.algorithm {
            return false;
        }
        match (&self.key, &other.key) {
            (PublicKey::Ed25519(left), PublicKey::Ed25519(right)) => left == right,
            (PublicKey::Hmac(left), PublicKey::Hmac(right)) => left.ct_eq(right),
            #[cfg(feature = "ecdsa")]
            (PublicKey::Ecdsa(left), PublicKey::Ecdsa(right)) => left == right,
            #[cfg(feature = "rsa")]
            (PublicKey::Rsa(left), PublicKey::Rsa(right)) => left == right,
            _ => false,
        }
    }
}

impl Eq for VerifyingKey {}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("VerifyingKey");
        debug.field("algorithm", &self.algorithm.name());
        match self.thumbprint() {
            Some(thumbprint) => debug.field("thumbprint", &thumbprint),
            None => debug.field("secret", &"<redacted>"),
        };
        debug.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::VerifyingKey;
    use crate::{Algorithm, SigningKey};

    /// The RFC 9421 Appendix B.1.4 test key.
    const TEST_KEY_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
                                MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n\
                                -----END PUBLIC KEY-----\n";

    #[test]
    fn test_key_answer_kept() {
        let test_key = VerifyingKey::from_pem(TEST_KEY_PEM, None).unwrap();
        let other = SigningKey::generate(Algorithm::Ed25519).unwrap().verifying_key();
        for _ in 0..2 {
            assert!(test_key.is_rfc9421_test_key());
            assert!(!other.is_rfc9421_test_key());
        }
        assert!(test_key.clone().is_rfc9421_test_key());
        assert!(!other.clone().is_rfc9421_test_key());
        assert_ne!(test_key, other);
    }
}
