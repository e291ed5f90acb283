//! [`SigningKey`]: a private key or shared secret bound to one algorithm.

use std::fmt;

use zeroize::{ZeroizeOnDrop, Zeroizing};

use super::decode::{self, Encoding};
use super::hmac::HmacSecret;
use super::pem::LABEL_PKCS8;
use super::{KeyError, MessageSigner, VerifyingKey, ed25519, generate, jwk, jwk_write, pem};
use crate::algorithm::Algorithm;

#[cfg(feature = "ecdsa")]
use super::ecdsa::EcdsaSigningKey;
#[cfg(feature = "rsa-signing")]
use super::rsa;

/// A private key or HMAC secret, bound to exactly one [`Algorithm`].
///
/// The key material is zeroized when the key is dropped. `Debug` prints the
/// algorithm and, for public-key algorithms, the RFC 7638 thumbprint of the
/// public key, never secret bytes.
///
/// RSA signing keys exist only with the `rsa-signing` feature, because the
/// `rsa` crate's private-key operations leak timing (RUSTSEC-2023-0071, the
/// Marvin attack). Without it, loading an RSA private key as a `SigningKey`
/// returns [`KeyError::Unsupported`].
///
/// ```
/// use reqsig::Algorithm;
/// use reqsig::keys::SigningKey;
///
/// let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
/// let signature = key.sign(b"signature base").unwrap();
/// key.verifying_key().verify(b"signature base", &signature).unwrap();
///
/// // Store the key as PKCS#8 PEM and load it again.
/// let pem = key.to_pkcs8_pem().unwrap();
/// let loaded = SigningKey::from_pem(&pem, None).unwrap();
/// assert_eq!(loaded.algorithm(), Algorithm::Ed25519);
/// assert_eq!(loaded.thumbprint(), key.thumbprint());
/// ```
#[derive(Clone)]
pub struct SigningKey {
    algorithm: Algorithm,
    key: PrivateKey,
}

/// The key material of a [`SigningKey`].
#[derive(Clone)]
pub(crate) enum PrivateKey {
    Ed25519(ed25519_dalek::SigningKey),
    Hmac(HmacSecret),
    #[cfg(feature = "ecdsa")]
    Ecdsa(EcdsaSigningKey),
    #[cfg(feature = "rsa-signing")]
    Rsa(Box<::rsa::PrivateKey>),
}

// Every variant of `PrivateKey` zeroizes its secret when dropped.
impl ZeroizeOnDrop for SigningKey {}

impl SigningKey {
    /// Assembles a key whose algorithm the caller has already bound.
    pub(crate) fn from_parts(algorithm: Algorithm, key: PrivateKey) -> SigningKey {
        SigningKey { algorithm, key }
    }

    /// Returns the key material.
    pub(crate) fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// Generates a new random key from the operating system's random number generator.
    ///
    /// Supports ed25519, hmac-sha256 (a 32-byte secret) and, with the `ecdsa`
    /// feature, ecdsa-p256-sha256 and ecdsa-p384-sha384. RSA keys return
    /// [`KeyError::GenerateUnsupported`].
    pub fn generate(algorithm: Algorithm) -> Result<SigningKey, KeyError> {
        generate::generate(algorithm)
    }

    /// Builds an Ed25519 key from its 32-byte seed (the RFC 8032 private key).
    pub fn from_ed25519_seed(seed: &[u8]) -> Result<SigningKey, KeyError> {
        let key = ed25519::from_seed(seed)?;
        Ok(SigningKey::from_parts(
            Algorithm::Ed25519,
            PrivateKey::Ed25519(key),
        ))
    }

    /// Builds an hmac-sha256 key from a shared secret of at least 32 bytes.
    ///
    /// RFC 7518 section 3.2 requires an HS256 key at least as long as the hash
    /// output, so shorter secrets, the empty one included, return
    /// [`KeyError::InvalidLength`].
    pub fn hmac_sha256(secret: &[u8]) -> Result<SigningKey, KeyError> {
        let secret = HmacSecret::new(secret)?;
        Ok(SigningKey::from_parts(
            Algorithm::HmacSha256,
            PrivateKey::Hmac(secret),
        ))
    }

    /// Loads a private key from PEM: PKCS#8 `PRIVATE KEY` (Ed25519, EC P-256 and
    /// P-384, RSA and RSASSA-PSS), PKCS#1 `RSA PRIVATE KEY` or SEC1 `EC PRIVATE KEY`.
    ///
    /// `algorithm`, when given, must fit the key. An RSA key with the
    /// rsaEncryption OID needs it, because it fits two algorithms.
    pub fn from_pem(pem: &str, algorithm: Option<Algorithm>) -> Result<SigningKey, KeyError> {
        decode::signing_from_pem(pem, algorithm)
    }

    /// Loads a private key from PKCS#8, PKCS#1 or SEC1 DER, recognised from its structure.
    pub fn from_der(der: &[u8], algorithm: Option<Algorithm>) -> Result<SigningKey, KeyError> {
        decode::signing_from_der(der, algorithm, None)
    }

    /// Loads a private JWK (RFC 7517, RFC 8037): OKP Ed25519 with `d`, `oct`
    /// with `k`, EC P-256 or P-384 with `d`, or RSA with `d`, `p`, `q`, `dp`, `dq` and `qi`.
    ///
    /// The JWK `alg` member, when present, binds the algorithm.
    pub fn from_jwk(jwk: &str, algorithm: Option<Algorithm>) -> Result<SigningKey, KeyError> {
        SigningKey::from_jwk_value(&jwk::parse_json(jwk)?, algorithm)
    }

    /// Loads a private JWK that is already parsed. See [`SigningKey::from_jwk`].
    pub fn from_jwk_value(
        jwk: &serde_json::Value,
        algorithm: Option<Algorithm>,
    ) -> Result<SigningKey, KeyError> {
        jwk::signing_from_jwk(jwk, algorithm)
    }

    /// Loads a key file, recognising PEM text, JWK JSON or DER from its content.
    ///
    /// A bare 32-byte value is not taken for an Ed25519 seed or an HMAC secret.
    /// Use [`SigningKey::from_ed25519_seed`] or [`SigningKey::hmac_sha256`] for those.
    pub fn load(bytes: &[u8], algorithm: Option<Algorithm>) -> Result<SigningKey, KeyError> {
        match decode::detect(bytes)? {
            Encoding::Pem(text) => SigningKey::from_pem(text, algorithm),
            Encoding::Jwk(text) => SigningKey::from_jwk(text, algorithm),
            Encoding::Der(der) => SigningKey::from_der(der, algorithm),
        }
    }

    /// Returns the algorithm the key is bound to.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Returns the public half. For HMAC it contains the same shared secret.
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey::from_signing_key(self)
    }

    /// Signs `message` (a signature base) with the key's algorithm.
    ///
    /// ECDSA signatures are the fixed-size `r || s` form. RSASSA-PSS uses
    /// SHA-512, MGF1 with SHA-512 and a 64-byte salt (RFC 9421 section 3.3).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        match &self.key {
            PrivateKey::Ed25519(key) => Ok(ed25519::sign(key, message)),
            PrivateKey::Hmac(secret) => Ok(secret.sign(message)),
            #[cfg(feature = "ecdsa")]
            PrivateKey::Ecdsa(key) => key.sign(message),
            #[cfg(feature = "rsa-signing")]
            PrivateKey::Rsa(key) => rsa::sign(key, self.algorithm, message),
        }
    }

    /// Encodes the key as PKCS#8 PEM (`PRIVATE KEY`).
    ///
    /// An HMAC secret has no PKCS#8 form and returns [`KeyError::NoEncoding`].
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        pem::encode(LABEL_PKCS8, &self.to_pkcs8_der()?)
    }

    /// Encodes the key as PKCS#8 DER. An RSA key bound to rsa-pss-sha512 is
    /// written with the id-RSASSA-PSS OID, so it loads with the same binding.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        match &self.key {
            PrivateKey::Ed25519(key) => ed25519::to_pkcs8(key),
            PrivateKey::Hmac(_) => Err(KeyError::NoEncoding {
                algorithm: self.algorithm,
                format: "PKCS#8",
                hint: "store the secret as a JWK with to_jwk",
            }),
            #[cfg(feature = "ecdsa")]
            PrivateKey::Ecdsa(key) => key.to_pkcs8(),
            #[cfg(feature = "rsa-signing")]
            PrivateKey::Rsa(key) => rsa::to_pkcs8(key, self.algorithm),
        }
    }

    /// Encodes the key as a private JWK with `alg` and, when given, `kid`.
    ///
    /// The result contains the private key (or, for HMAC, the secret): store it
    /// like the key itself and never publish it.
    pub fn to_jwk(&self, kid: Option<&str>) -> Zeroizing<String> {
        jwk_write::private_jwk(self, kid)
    }

    /// Returns the RFC 7638 SHA-256 thumbprint of the public key, base64url
    /// without padding, or `None` for HMAC, where it would publish a hash of the secret.
    pub fn thumbprint(&self) -> Option<String> {
        self.verifying_key().thumbprint()
    }

    /// Returns the shared secret of an HMAC key.
    #[allow(dead_code, reason = "kept for crate code that needs the raw secret")]
    pub(crate) fn hmac_secret(&self) -> Option<&[u8]> {
        match &self.key {
            PrivateKey::Hmac(secret) => Some(secret.as_bytes()),
            _ => None,
        }
    }
}

impl MessageSigner for SigningKey {
    fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    fn sign(&self, signature_base: &[u8]) -> Result<Vec<u8>, KeyError> {
        SigningKey::sign(self, signature_base)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("SigningKey");
        debug.field("algorithm", &self.algorithm.name());
        match self.thumbprint() {
            Some(thumbprint) => debug.field("thumbprint", &thumbprint),
            None => debug.field("secret", &"<redacted>"),
        };
        debug.finish()
    }
}
