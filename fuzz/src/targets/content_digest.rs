//! `Content-Digest` parsing and checking (RFC 9530).
//!
//! Input: the field value, LF, the body.

use reqsig::{DigestAlgorithm, DigestVerifier, content_digest, verify_content_digest};

use super::split_line;

/// Runs the target on one input.
pub fn run(data: &[u8]) {
    let (field, body) = split_line(data);
    let whole = verify_content_digest(field, body).map_err(|error| error.code());
    let streamed = verify_in_chunks(field, body);
    assert_eq!(
        whole, streamed,
        "checking in chunks differs from checking at once"
    );

    for algorithm in DigestAlgorithm::ALL {
        let computed = content_digest(body, algorithm);
        assert!(
            verify_content_digest(computed.as_bytes(), body).is_ok(),
            "{computed} does not verify its own body"
        );
    }
}

/// Feeds the body to a [`DigestVerifier`] in chunks whose size the body's length picks.
fn verify_in_chunks(field: &[u8], body: &[u8]) -> Result<(), &'static str> {
    let mut verifier = DigestVerifier::new(field).map_err(|error| error.code())?;
    let chunk_size = 1 + body.len() % 61;
    for chunk in body.chunks(chunk_size) {
        verifier.update(chunk);
    }
    verifier.finish().map_err(|error| error.code())
}
