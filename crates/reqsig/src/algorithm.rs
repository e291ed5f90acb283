//! The signature algorithms of the RFC 9421 registry (section 6.2.2).

use std::fmt;
use std::str::FromStr;

/// A signature algorithm from the HTTP Signature Algorithms registry.
///
/// Every key in reqsig is bound to exactly one algorithm, so a verifier never
/// has to trust the `alg` parameter a signer sent.
///
/// ```
/// use reqsig::Algorithm;
///
/// let alg: Algorithm = "ed25519".parse().unwrap();
/// assert_eq!(alg, Algorithm::Ed25519);
/// assert_eq!(alg.name(), "ed25519");
/// assert_eq!(alg.jwk_alg(), "EdDSA");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// EdDSA over Curve25519 (RFC 9421 section 3.3.6). The default.
    Ed25519,
    /// HMAC with SHA-256 over a shared secret (section 3.3.3).
    HmacSha256,
    /// ECDSA over P-256 with SHA-256 (section 3.3.4). Needs the `ecdsa` feature.
    EcdsaP256Sha256,
    /// ECDSA over P-384 with SHA-384 (section 3.3.5). Needs the `ecdsa` feature.
    EcdsaP384Sha384,
    /// RSASSA-PSS with SHA-512 (section 3.3.1). Needs the `rsa` feature.
    RsaPssSha512,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (section 3.3.2). Needs the `rsa` feature.
    RsaV15Sha256,
}

impl Algorithm {
    /// Every algorithm of the registry, in the order of RFC 9421 section 3.3.
    pub const ALL: [Algorithm; 6] = [
        Algorithm::RsaPssSha512,
        Algorithm::RsaV15Sha256,
        Algorithm::HmacSha256,
        Algorithm::EcdsaP256Sha256,
        Algorithm::EcdsaP384Sha384,
        Algorithm::Ed25519,
    ];

    /// Returns the registered name, as carried in the `alg` signature parameter.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::HmacSha256 => "hmac-sha256",
            Algorithm::EcdsaP256Sha256 => "ecdsa-p256-sha256",
            Algorithm::EcdsaP384Sha384 => "ecdsa-p384-sha384",
            Algorithm::RsaPssSha512 => "rsa-pss-sha512",
            Algorithm::RsaV15Sha256 => "rsa-v1_5-sha256",
        }
    }

    /// Returns the JOSE name of the algorithm (RFC 7518, RFC 8037), as used in a JWK `alg` member.
    pub const fn jwk_alg(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "EdDSA",
            Algorithm::HmacSha256 => "HS256",
            Algorithm::EcdsaP256Sha256 => "ES256",
            Algorithm::EcdsaP384Sha384 => "ES384",
            Algorithm::RsaPssSha512 => "PS512",
            Algorithm::RsaV15Sha256 => "RS256",
        }
    }

    /// Looks an algorithm up by its JOSE name (`EdDSA`, `HS256`, `ES256`, `ES384`, `PS512`, `RS256`).
    pub fn from_jwk_alg(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|alg| alg.jwk_alg() == name)
    }

    /// Reports whether this build of reqsig can verify signatures of this algorithm.
    pub const fn is_supported(self) -> bool {
        match self {
            Algorithm::Ed25519 | Algorithm::HmacSha256 => true,
            Algorithm::EcdsaP256Sha256 | Algorithm::EcdsaP384Sha384 => cfg!(feature = "ecdsa"),
            Algorithm::RsaPssSha512 | Algorithm::RsaV15Sha256 => cfg!(feature = "rsa"),
        }
    }

    /// Reports whether [`SigningKey::generate`](crate::SigningKey::generate)
    /// makes keys of this algorithm. RSA keys come from other tools.
    ///
    /// ```
    /// use reqsig::Algorithm;
    ///
    /// assert!(Algorithm::Ed25519.can_generate());
    /// assert!(!Algorithm::RsaPssSha512.can_generate());
    /// ```
    pub const fn can_generate(self) -> bool {
        !matches!(self, Algorithm::RsaPssSha512 | Algorithm::RsaV15Sha256)
    }

    /// Reports whether the algorithm uses a shared secret rather than a key pair.
    pub const fn is_symmetric(self) -> bool {
        matches!(self, Algorithm::HmacSha256)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error returned when a string names no registered algorithm.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown signature algorithm {0:?}: expected one of ed25519, hmac-sha256, ecdsa-p256-sha256, ecdsa-p384-sha384, rsa-pss-sha512, rsa-v1_5-sha256"
)]
pub struct UnknownAlgorithm(pub String);

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Algorithm::ALL
            .into_iter()
            .find(|alg| alg.name() == name)
            .ok_or_else(|| UnknownAlgorithm(name.to_owned()))
    }
}
