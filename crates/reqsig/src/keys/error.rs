//! The error type of key loading, conversion, signing and verification.

use crate::algorithm::Algorithm;

/// An error from loading, converting or using a key.
///
/// Messages name the value that failed and what to do next. They never contain
/// secret key bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The input could not be decoded in the named format (PEM, DER, PKCS#8, JWK, ...).
    #[error("invalid {format} key: {reason}")]
    Malformed {
        /// The format that failed to decode, or "PEM, JWK or DER" when the
        /// encoding of a key file was not recognised.
        format: &'static str,
        /// The reason the input failed to decode.
        reason: String,
    },

    /// A PEM block carries a label that does not fit the request.
    #[error("unexpected PEM label {label:?}: expected {expected}")]
    PemLabel {
        /// The label found after `-----BEGIN `.
        label: String,
        /// The labels that would have been accepted, and where to load the others.
        expected: &'static str,
    },

    /// A public key was given where a private key is required.
    #[error(
        "the {format} input contains a public key, but signing needs the private key: load the private key, or load this one as a public (verifying) key"
    )]
    NotAPrivateKey {
        /// The format of the input.
        format: &'static str,
    },

    /// The input looks like the path of a key file, not its contents.
    ///
    /// Returned instead of [`KeyError::Malformed`] when input that fails to
    /// decode is one line that ends in `.pem`, `.key`, `.jwk`, `.json`, `.der`
    /// or `.pub`.
    #[error(
        "the key input {path:?} looks like a file path, not key contents: read the file and pass its contents (PEM, JWK or DER)"
    )]
    PathInsteadOfKey {
        /// The input, which looks like a path.
        path: String,
    },

    /// A JWK lacks a member that its key type requires.
    #[error("missing required JWK member {member:?}")]
    JwkMissingMember {
        /// The name of the missing member.
        member: &'static str,
    },

    /// A JWK `alg` member names an algorithm outside RFC 9421.
    #[error(
        "unknown JWK alg {alg:?}: expected one of the RFC 9421 algorithms EdDSA, HS256, ES256, ES384, PS512, RS256"
    )]
    UnknownJwkAlg {
        /// The `alg` value found.
        alg: String,
    },

    /// The key type, curve or algorithm OID is not one that RFC 9421 uses.
    #[error(
        "unsupported key type {key_type}: reqsig loads Ed25519, EC P-256, EC P-384, RSA and HMAC (oct) keys"
    )]
    UnsupportedKeyType {
        /// The key type found: a JWK `kty`/`crv` or an algorithm OID.
        key_type: String,
    },

    /// The requested algorithm does not fit the key.
    #[error(
        "algorithm {requested} does not fit {key}: name the key's own algorithm, or name none to use it (the --alg option of the command line, the alg argument in Python)"
    )]
    AlgorithmMismatch {
        /// The key type or JWK `alg` the key is bound to, for example "an Ed25519 key".
        key: String,
        /// The algorithm the caller requested.
        requested: Algorithm,
    },

    /// The key fits more than one algorithm and none was named.
    #[error(
        "an {key_type} key fits rsa-pss-sha512 and rsa-v1_5-sha256: name the algorithm (--alg or the JWK alg member)"
    )]
    AlgorithmRequired {
        /// The key type, for example "RSA".
        key_type: &'static str,
    },

    /// The algorithm needs a cargo feature that this build of reqsig lacks.
    #[error("{algorithm} is not available in this build: rebuild reqsig with the `{feature}` feature")]
    Unsupported {
        /// The algorithm that was requested or that the key is bound to.
        algorithm: Algorithm,
        /// The cargo feature that enables it.
        feature: &'static str,
    },

    /// [`SigningKey::generate`](super::SigningKey::generate) does not make keys of this algorithm.
    #[error(
        "cannot generate {algorithm} keys: create the key with another tool (for example `openssl genpkey -algorithm RSA`) and load its PEM file as a private key"
    )]
    GenerateUnsupported {
        /// The algorithm requested.
        algorithm: Algorithm,
    },

    /// A key, seed, secret or signature has the wrong length.
    #[error(
        "invalid {what} length: expected {expected}, got {actual} bytes{}",
        length_hint(what)
    )]
    InvalidLength {
        /// The value that has the wrong length.
        what: &'static str,
        /// The accepted length, for example "32 bytes" or "at least 32 bytes".
        expected: &'static str,
        /// The length found, in bytes.
        actual: usize,
    },

    /// The key decodes but is not a valid key (a point off the curve, inconsistent members, ...).
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// The defect found in the key.
        reason: String,
    },

    /// A key has no encoding in the requested format (HMAC secrets have no PKCS#8 or SPKI form).
    #[error("{algorithm} keys have no {format} form: {hint}")]
    NoEncoding {
        /// The key's algorithm.
        algorithm: Algorithm,
        /// The requested format.
        format: &'static str,
        /// The method or format to use instead.
        hint: &'static str,
    },

    /// A member of a JWK Set failed to load.
    #[error("member {index} (kid {kid:?}) of the JWK Set failed to load: {source}")]
    JwkSetMember {
        /// The position of the member in the `keys` array, from 0.
        index: usize,
        /// The member's `kid`, or an empty string when it has none.
        kid: String,
        /// The error that the member's key returned.
        #[source]
        source: Box<KeyError>,
    },

    /// The signature does not verify with this key over this message.
    #[error("invalid signature: it does not verify with this key over the signature base")]
    InvalidSignature,

    /// The signing operation failed.
    #[error("signing failed: {0}")]
    SigningFailed(String),

    /// The operating system's random number generator failed.
    #[error("the system random number generator failed: {0}")]
    RandomUnavailable(String),
}

/// The name of an HMAC secret in [`KeyError::InvalidLength`].
pub(crate) const HMAC_SECRET: &str = "HMAC secret";

/// Returns the advice that follows an [`KeyError::InvalidLength`] message:
/// how to get a long enough HMAC secret, and nothing for fixed-size values.
fn length_hint(what: &str) -> &'static str {
    if what == HMAC_SECRET {
        ": use a random secret of at least 32 bytes, for example one from `reqsig keygen --alg hmac-sha256 --out FILE`"
    } else {
        ""
    }
}

impl KeyError {
    /// Builds a [`KeyError::Malformed`] from any displayable decoder error.
    pub(crate) fn malformed(format: &'static str, reason: impl std::fmt::Display) -> KeyError {
        KeyError::Malformed {
            format,
            reason: reason.to_string(),
        }
    }

    /// Builds a [`KeyError::InvalidKey`].
    pub(crate) fn invalid_key(reason: impl Into<String>) -> KeyError {
        KeyError::InvalidKey {
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeyError;
    use crate::algorithm::Algorithm;

    #[test]
    fn generate_unsupported_names_no_type() {
        let message = KeyError::GenerateUnsupported {
            algorithm: Algorithm::RsaPssSha512,
        }
        .to_string();
        assert!(message.contains("`openssl genpkey -algorithm RSA`"), "{message}");
        assert!(
            message.contains("load its PEM file as a private key"),
            "{message}"
        );
        assert!(!message.contains("SigningKey"), "{message}");
    }

    #[test]
    fn fixed_length_message_has_no_hint() {
        let error = KeyError::InvalidLength {
            what: "Ed25519 seed",
            expected: "32 bytes",
            actual: 31,
        };
        assert_eq!(
            error.to_string(),
            "invalid Ed25519 seed length: expected 32 bytes, got 31 bytes"
        );
    }
}
