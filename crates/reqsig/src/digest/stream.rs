//! Streaming digests: compute a field value, or check one, a chunk of body at a time.

use super::algorithm::{DigestAlgorithm, HashState};
use super::field::{ExpectedDigest, parse_field, serialize_member};
use crate::Error;

/// Computes a `Content-Digest` field value over a body fed in chunks.
///
/// ```
/// use reqsig::{DigestAlgorithm, DigestHasher, content_digest};
///
/// let mut hasher = DigestHasher::new(DigestAlgorithm::Sha256);
/// hasher.update(b"{\"hello\": ");
/// hasher.update(b"\"world\"}");
/// assert_eq!(hasher.finalize(), content_digest(b"{\"hello\": \"world\"}", DigestAlgorithm::Sha256));
/// ```
#[derive(Clone, Debug)]
pub struct DigestHasher {
    algorithm: DigestAlgorithm,
    state: HashState,
}

impl DigestHasher {
    /// Starts a digest of an empty body.
    pub fn new(algorithm: DigestAlgorithm) -> DigestHasher {
        DigestHasher {
            algorithm,
            state: HashState::new(algorithm),
        }
    }

    /// Returns the algorithm this hasher computes.
    pub fn algorithm(&self) -> DigestAlgorithm {
        self.algorithm
    }

    /// Adds the next bytes of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        self.state.update(chunk);
    }

    /// Returns the field value for the bytes fed so far, such as `sha-256=:<base64>:`.
    pub fn finalize(self) -> String {
        serialize_member(self.algorithm, self.state.finalize().as_slice())
    }
}

/// Checks a received `Content-Digest` field value against a body fed in chunks.
///
/// [`DigestVerifier::new`] parses the field before any body byte arrives, so a
/// malformed or unsupported field fails before the body is read. The verifier
/// then hashes every chunk once per supported algorithm in the field, and
/// [`DigestVerifier::finish`] compares the results.
///
/// ```
/// use reqsig::{DigestAlgorithm, DigestVerifier, Error, content_digest};
///
/// let field_value = content_digest(b"hello world", DigestAlgorithm::Sha512);
///
/// let mut verifier = DigestVerifier::new(field_value.as_bytes())?;
/// verifier.update(b"hello ");
/// verifier.update(b"world");
/// verifier.finish()?;
///
/// let mut verifier = DigestVerifier::new(field_value.as_bytes())?;
/// verifier.update(b"hello there");
/// assert!(matches!(verifier.finish(), Err(Error::DigestMismatch { .. })));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct DigestVerifier {
    checks: Vec<(ExpectedDigest, HashState)>,
}

impl DigestVerifier {
    /// Parses the field value and prepares to hash the body.
    ///
    /// To check several `Content-Digest` field lines, join their values with
    /// `", "` first, as RFC 9110 section 5.3 combines field lines.
    ///
    /// # Errors
    /// - [`Error::MalformedDigest`] when the value is not a structured-field
    ///   dictionary, is empty, names an algorithm twice, or has a member whose
    ///   value is not a byte sequence.
    /// - [`Error::DigestUnsupported`] when no member is sha-256 or sha-512.
    ///   Members of other algorithms are ignored when a supported one is present.
    pub fn new(field_value: &[u8]) -> Result<DigestVerifier, Error> {
        let checks = parse_field(field_value)?
            .into_iter()
            .map(|expected| {
                let state = HashState::new(expected.algorithm);
                (expected, state)
            })
            .collect();
        Ok(DigestVerifier { checks })
    }

    /// Returns the supported algorithms the field carries, in field order.
    pub fn algorithms(&self) -> impl Iterator<Item = DigestAlgorithm> + '_ {
        self.checks.iter().map(|(expected, _)| expected.algorithm)
    }

    /// Adds the next bytes of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        for (_, state) in &mut self.checks {
            state.update(chunk);
        }
    }

    /// Compares every supported digest in the field with the digest of the body fed so far.
    ///
    /// A digest with the wrong length for its algorithm counts as a mismatch.
    /// The comparison is not constant-time, because a digest of the body is
    /// not a secret.
    ///
    /// # Errors
    /// [`Error::DigestMismatch`] naming the first algorithm, in field order,
    /// whose digest differs from the body's.
    pub fn finish(self) -> Result<(), Error> {
        for (expected, state) in self.checks {
            compare(&expected, state.finalize().as_slice())?;
        }
        Ok(())
    }
}

/// Checks one digest of the field against the body's.
pub(super) fn compare(expected: &ExpectedDigest, actual: &[u8]) -> Result<(), Error> {
    if actual == expected.value.as_slice() {
        Ok(())
    } else {
        Err(Error::DigestMismatch {
            algorithm: expected.algorithm.name().to_owned(),
        })
    }
}
