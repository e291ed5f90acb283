//! Content-Digest (RFC 9530): compute the digest of a message body, and check a received one.
//!
//! A `Content-Digest` field value is a structured-field dictionary that maps
//! an algorithm name to the digest of the message content as a byte
//! sequence, such as `sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:`.
//! reqsig computes and checks `sha-256` and `sha-512`. The deprecated
//! algorithms of the registry (md5, sha, unixsum, unixcksum, adler, crc32c)
//! and unknown names are ignored when a supported algorithm is present, and
//! rejected with [`Error::DigestUnsupported`] when none is.
//!
//! A field sent on several lines is checked by joining the line values with
//! `", "` before calling [`verify_content_digest`] or [`DigestVerifier::new`].
//! Each algorithm may occur only once in the joined value. RFC 8941 would
//! keep only the last of two members with the same name, so such a field is
//! rejected as malformed to avoid acting on one of two different digests.

mod algorithm;
mod field;
mod stream;

pub use algorithm::{DigestAlgorithm, UnknownDigestAlgorithm};
pub use stream::{DigestHasher, DigestVerifier};

use self::algorithm::HashState;
use crate::Error;

/// Computes the `Content-Digest` field value of `body`, such as `sha-256=:<base64>:`.
///
/// ```
/// use reqsig::{DigestAlgorithm, content_digest};
///
/// assert_eq!(
///     content_digest(b"{\"hello\": \"world\"}\n", DigestAlgorithm::Sha256),
///     "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:",
/// );
/// ```
pub fn content_digest(body: &[u8], algorithm: DigestAlgorithm) -> String {
    let mut hasher = DigestHasher::new(algorithm);
    hasher.update(body);
    hasher.finalize()
}

/// Checks a received `Content-Digest` field value against the whole body.
///
/// Every sha-256 and sha-512 member must match the body. Join several field
/// lines with `", "` before the call. [`DigestVerifier`] does the same check
/// on a body that arrives in chunks.
///
/// ```
/// use reqsig::{Error, verify_content_digest};
///
/// let body = b"{\"hello\": \"world\"}\n";
/// let field_value = b"sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:, md5=:AAAA:";
/// assert!(verify_content_digest(field_value, body).is_ok());
///
/// let result = verify_content_digest(field_value, b"{\"hello\": \"there\"}\n");
/// assert!(matches!(result, Err(Error::DigestMismatch { algorithm }) if algorithm == "sha-256"));
/// ```
///
/// # Errors
/// - [`Error::MalformedDigest`] when the value is not a dictionary of byte
///   sequences, is empty, or names an algorithm twice.
/// - [`Error::DigestUnsupported`] when no member is sha-256 or sha-512.
/// - [`Error::DigestMismatch`] when a supported digest differs from the body's,
///   including a digest of the wrong length.
pub fn verify_content_digest(field_value: &[u8], body: &[u8]) -> Result<(), Error> {
    if let Some(sha256) = field::canonical_sha256(field_value) {
        // The usual field, one sha-256 member as reqsig and most signers
        // write it, is checked by comparing its text with the body's own
        // member, which is cheaper than parsing it. Otherwise the field is
        // parsed and checked in full, reusing the SHA-256 already computed.
        let mut state = HashState::new(DigestAlgorithm::Sha256);
        state.update(body);
        let digest = state.finalize();
        if field::encodes(sha256, digest.as_slice()) {
            return Ok(());
        }
        for expected in field::parse_field(field_value)? {
            if expected.algorithm == DigestAlgorithm::Sha256 {
                stream::compare(&expected, digest.as_slice())?;
            } else {
                let mut state = HashState::new(expected.algorithm);
                state.update(body);
                stream::compare(&expected, state.finalize().as_slice())?;
            }
        }
        return Ok(());
    }
    let mut verifier = DigestVerifier::new(field_value)?;
    verifier.update(body);
    verifier.finish()
}
