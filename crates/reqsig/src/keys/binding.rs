//! The rules that bind each key to exactly one algorithm.
//!
//! A JWK `alg` member decides when present. Otherwise the key type decides where
//! only one algorithm fits it. A plain RSA key fits two, so the caller must name one.
//! An algorithm the caller passes must agree with both.

use super::KeyError;
use crate::algorithm::Algorithm;

/// The type of a decoded key, before it is bound to an algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyType {
    /// OKP Ed25519 (OID 1.3.101.112).
    Ed25519,
    /// A shared secret (JWK `oct`).
    Oct,
    /// EC on P-256 (OID 1.2.840.10045.3.1.7).
    P256,
    /// EC on P-384 (OID 1.3.132.0.34).
    P384,
    /// RSA with the rsaEncryption OID (1.2.840.113549.1.1.1), fit for PSS and PKCS#1 v1.5.
    Rsa,
    /// RSA with the id-RSASSA-PSS OID (1.2.840.113549.1.1.10), fit for PSS only.
    RsaPss,
}

impl KeyType {
    /// Returns the algorithms this key type can serve.
    fn algorithms(self) -> &'static [Algorithm] {
        match self {
            KeyType::Ed25519 => &[Algorithm::Ed25519],
            KeyType::Oct => &[Algorithm::HmacSha256],
            KeyType::P256 => &[Algorithm::EcdsaP256Sha256],
            KeyType::P384 => &[Algorithm::EcdsaP384Sha384],
            KeyType::Rsa => &[Algorithm::RsaPssSha512, Algorithm::RsaV15Sha256],
            KeyType::RsaPss => &[Algorithm::RsaPssSha512],
        }
    }

    /// Describes the key type for error messages.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            KeyType::Ed25519 => "an Ed25519 key",
            KeyType::Oct => "a shared secret (oct) key",
            KeyType::P256 => "an EC P-256 key",
            KeyType::P384 => "an EC P-384 key",
            KeyType::Rsa => "an RSA key",
            KeyType::RsaPss => "an RSASSA-PSS key",
        }
    }
}

/// Binds a key to its algorithm.
///
/// `key_alg` is the algorithm the key itself names (a JWK `alg` member) and
/// `requested` the one the caller passed. The result is checked against the
/// features of this build, so a bound algorithm can always be used for verification.
pub(crate) fn bind(
    key_type: KeyType,
    key_alg: Option<Algorithm>,
    requested: Option<Algorithm>,
) -> Result<Algorithm, KeyError> {
    let fitting = key_type.algorithms();
    // A missing feature is reported first, because naming an algorithm would not help.
    if !fitting.iter().any(|alg| alg.is_supported()) {
        require_feature(fitting[0])?;
    }
    if let Some(alg) = key_alg
        && !fitting.contains(&alg)
    {
        return Err(KeyError::invalid_key(format!(
            "the JWK alg {:?} does not fit {}",
            alg.jwk_alg(),
            key_type.describe()
        )));
    }

    let algorithm = match (key_alg, requested) {
        (Some(own), Some(requested)) if own != requested => {
            return Err(KeyError::AlgorithmMismatch {
                key: format!("the key's JWK alg {:?} ({own})", own.jwk_alg()),
                requested,
            });
        }
        (Some(own), _) => own,
        (None, Some(requested)) if fitting.contains(&requested) => requested,
        (None, Some(requested)) => {
            return Err(KeyError::AlgorithmMismatch {
                key: key_type.describe().to_owned(),
                requested,
            });
        }
        (None, None) => match fitting {
            [only] => *only,
            _ => return Err(KeyError::AlgorithmRequired { key_type: "RSA" }),
        },
    };

    require_feature(algorithm)?;
    Ok(algorithm)
}

/// Returns [`KeyError::Unsupported`] when this build cannot verify `algorithm`.
pub(crate) fn require_feature(algorithm: Algorithm) -> Result<(), KeyError> {
    if algorithm.is_supported() {
        return Ok(());
    }
    let feature = match algorithm {
        Algorithm::RsaPssSha512 | Algorithm::RsaV15Sha256 => "rsa",
        Algorithm::EcdsaP256Sha256 | Algorithm::EcdsaP384Sha384 => "ecdsa",
        Algorithm::Ed25519 | Algorithm::HmacSha256 => return Ok(()),
    };
    Err(KeyError::Unsupported { algorithm, feature })
}

/// Returns [`KeyError::Unsupported`] when this build cannot sign with `algorithm`.
///
/// RSA signing needs the `rsa-signing` feature on top of `rsa`, because the `rsa`
/// crate's private-key operations leak timing (RUSTSEC-2023-0071, the Marvin attack).
pub(crate) fn require_signing_feature(algorithm: Algorithm) -> Result<(), KeyError> {
    require_feature(algorithm)?;
    let is_rsa = matches!(algorithm, Algorithm::RsaPssSha512 | Algorithm::RsaV15Sha256);
    if is_rsa && !cfg!(feature = "rsa-signing") {
        return Err(KeyError::Unsupported {
            algorithm,
            feature: "rsa-signing",
        });
    }
    Ok(())
}
