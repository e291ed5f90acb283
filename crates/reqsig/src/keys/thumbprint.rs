//! RFC 7638 JWK thumbprints, and recognition of the RFC 9421 test keys.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::VerifyingKey;
use super::jwk_write::public_members;
use super::verifying::PublicKey;

/// RFC 7638 SHA-256 thumbprints of the public keys of RFC 9421 Appendix B.1:
/// B.1.1 test-key-rsa, B.1.2 test-key-rsa-pss, B.1.3 test-key-ecc-p256 and
/// B.1.4 test-key-ed25519. Their private keys are published in the RFC.
const RFC9421_TEST_KEY_THUMBPRINTS: [&str; 4] = [
    "BHj8s0GPnMEQtkaULIM-PLgEhLBbuGUQ1vMxmBWZzEo",
    "oD0HwocPBSfpNy5W3bpJeyFGY_IQ_YpqxSjQ3Yd-CLA",
    "ydQXMtvbsOsZyFir-Y7A8t7fKEM1gbKPvyFkdpu4fvI",
    "poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U",
];

/// The shared secret of RFC 9421 Appendix B.1.5 (test-shared-secret), base64.
const RFC9421_TEST_SHARED_SECRET: &str =
    "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==";

/// Computes the RFC 7638 SHA-256 thumbprint, base64url without padding, or `None` for HMAC.
pub(crate) fn thumbprint(key: &VerifyingKey) -> Option<String> {
    let members = public_members(key)?;
    // RFC 7638 section 3: the required members in lexicographic order, no
    // whitespace. The values are base64url or fixed names, so none needs escaping.
    let body: Vec<String> = members
        .iter()
        .map(|(name, value)| format!("\"{name}\":\"{value}\""))
        .collect();
    let canonical = format!("{{{}}}", body.join(","));
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

/// Reports whether `key` is one of the RFC 9421 Appendix B.1 test keys.
pub(crate) fn is_rfc9421_test_key(key: &VerifyingKey) -> bool {
    match key.key() {
        PublicKey::Hmac(secret) => STANDARD
            .decode(RFC9421_TEST_SHARED_SECRET)
            .is_ok_and(|test_secret| bool::from(secret.as_bytes().ct_eq(&test_secret))),
        _ => thumbprint(key)
            .is_some_and(|thumbprint| RFC9421_TEST_KEY_THUMBPRINTS.contains(&thumbprint.as_str())),
    }
}
