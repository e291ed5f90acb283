//! The fixed test keys every peer signs and verifies with.
//!
//! Ed25519 seeds, ECDSA scalars and the HMAC secret are SHA-256 or SHA-384
//! hashes of fixed labels, so every run uses the same keys without storing
//! any. reqsig cannot generate RSA keys, so the two RSA keys are the RFC 9421
//! Appendix B.1.1 and B.1.2 test keys from `spec/vectors/rfc9421.json`.
//! No peer rejects them, and none of these keys may serve anything but tests.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqsig::{Algorithm, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256, Sha384};

/// A test key with the encodings the peers load.
#[derive(Clone, Debug)]
pub struct TestKey {
    /// The `keyid` parameter of its signatures.
    pub keyid: &'static str,
    /// The algorithm it is bound to.
    pub algorithm: Algorithm,
    /// The key, as reqsig loads it.
    pub signing: SigningKey,
    /// PKCS#8 PEM of the private key, for asymmetric algorithms.
    pub private_pem: Option<String>,
    /// SPKI PEM of the public key, for asymmetric algorithms.
    pub public_pem: Option<String>,
    /// The shared secret, for HMAC.
    pub secret: Option<Vec<u8>>,
}

impl TestKey {
    /// Returns the key that verifies this key's signatures.
    pub fn verifying(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// Returns the shared secret in standard base64, for HMAC keys.
    pub fn secret_base64(&self) -> Option<String> {
        self.secret.as_deref().map(|secret| STANDARD.encode(secret))
    }
}

/// The key id of the second Ed25519 key, which signs over another signature.
pub const PROXY_KEYID: &str = "test-proxy-ed25519";

/// Returns the test key for `algorithm`.
///
/// # Panics
/// For an algorithm this crate has no key for, which is a bug in the case table.
pub fn for_algorithm(algorithm: Algorithm) -> &'static TestKey {
    all()
        .iter()
        .find(|key| key.algorithm == algorithm && key.keyid != PROXY_KEYID)
        .unwrap_or_else(|| panic!("no test key for {algorithm}"))
}

/// Returns the test key with this key id.
pub fn by_keyid(keyid: &str) -> Option<&'static TestKey> {
    all().iter().find(|key| key.keyid == keyid)
}

/// Returns every test key: one per algorithm, then the proxy key.
pub fn all() -> &'static [TestKey] {
    static KEYS: OnceLock<Vec<TestKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let vectors = rfc9421_keys();
        vec![
            ed25519("test-ed25519"),
            hmac("test-hmac-sha256"),
            ecdsa("test-ecdsa-p256", Algorithm::EcdsaP256Sha256),
            ecdsa("test-ecdsa-p384", Algorithm::EcdsaP384Sha384),
            rsa(
                "test-rsa-pss",
                Algorithm::RsaPssSha512,
                &vectors,
                "test-key-rsa-pss",
            ),
            rsa("test-rsa-v1_5", Algorithm::RsaV15Sha256, &vectors, "test-key-rsa"),
            ed25519(PROXY_KEYID),
        ]
    })
}

fn ed25519(keyid: &'static str) -> TestKey {
    let seed = Sha256::digest(format!("reqsig interop {keyid}"));
    let signing = SigningKey::from_ed25519_seed(&seed).expect("a 32-byte seed is an Ed25519 key");
    asymmetric(keyid, signing)
}

fn hmac(keyid: &'static str) -> TestKey {
    let secret = Sha256::digest(format!("reqsig interop {keyid}")).to_vec();
    let signing = SigningKey::hmac_sha256(&secret).expect("a 32-byte secret is an HMAC key");
    TestKey {
        keyid,
        algorithm: Algorithm::HmacSha256,
        signing,
        private_pem: None,
        public_pem: None,
        secret: Some(secret),
    }
}

fn ecdsa(keyid: &'static str, algorithm: Algorithm) -> TestKey {
    let label = format!("reqsig interop {keyid}");
    let der = if algorithm == Algorithm::EcdsaP384Sha384 {
        // secp384r1, 1.3.132.0.34
        sec1_der(&Sha384::digest(label), &[0x2b, 0x81, 0x04, 0x00, 0x22])
    } else {
        // prime256v1, 1.2.840.10045.3.1.7
        sec1_der(
            &Sha256::digest(label),
            &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        )
    };
    let signing = SigningKey::from_der(&der, Some(algorithm))
        .expect("the hash of each fixed label is a valid scalar of its curve");
    asymmetric(keyid, signing)
}

/// Encodes a SEC1 ECPrivateKey (RFC 5915) with the scalar and the named curve
/// and without the optional public key. Every length fits in one byte.
fn sec1_der(scalar: &[u8], curve_oid: &[u8]) -> Vec<u8> {
    let mut body = vec![0x02, 0x01, 0x01, 0x04, byte_len(scalar)];
    body.extend_from_slice(scalar);
    body.extend_from_slice(&[0xa0, byte_len(curve_oid) + 2, 0x06, byte_len(curve_oid)]);
    body.extend_from_slice(curve_oid);
    let mut der = vec![0x30, byte_len(&body)];
    der.extend_from_slice(&body);
    der
}

fn byte_len(bytes: &[u8]) -> u8 {
    u8::try_from(bytes.len()).expect("SEC1 members of these keys are shorter than 128 bytes")
}

fn rsa(keyid: &'static str, algorithm: Algorithm, vectors: &serde_json::Value, name: &str) -> TestKey {
    let pem = vectors[name]["private_pem"]
        .as_str()
        .unwrap_or_else(|| panic!("spec/vectors/rfc9421.json has no private_pem for {name}"));
    let signing = SigningKey::from_pem(pem, Some(algorithm)).expect("the RFC 9421 RSA test keys load");
    let mut key = asymmetric(keyid, signing);
    // The Appendix B.1.2 key carries the id-RSASSA-PSS OID, which the httpsig
    // crate rejects; every peer gets both RSA keys with the rsaEncryption OID.
    key.private_pem = Some(rsa_encryption_pem(&key.signing));
    key
}

/// Re-encodes an RSA private key as PKCS#8 with the rsaEncryption OID: reqsig
/// writes the OID of the key's binding, so the key is rebound to
/// rsa-v1_5-sha256 through its JWK first.
fn rsa_encryption_pem(key: &SigningKey) -> String {
    let mut jwk: serde_json::Value =
        serde_json::from_str(&key.to_jwk(None)).expect("reqsig writes a JWK as JSON");
    if let Some(members) = jwk.as_object_mut() {
        members.remove("alg");
    }
    let rebound = SigningKey::from_jwk_value(&jwk, Some(Algorithm::RsaV15Sha256))
        .expect("an RSA JWK without alg loads for rsa-v1_5-sha256");
    rebound
        .to_pkcs8_pem()
        .expect("an RSA key has a PKCS#8 encoding")
        .to_string()
}

fn asymmetric(keyid: &'static str, signing: SigningKey) -> TestKey {
    let private_pem = signing
        .to_pkcs8_pem()
        .expect("asymmetric keys have a PKCS#8 encoding")
        .to_string();
    let public_pem = signing
        .verifying_key()
        .to_spki_pem()
        .expect("asymmetric keys have an SPKI encoding");
    TestKey {
        keyid,
        algorithm: signing.algorithm(),
        signing,
        private_pem: Some(private_pem),
        public_pem: Some(public_pem),
        secret: None,
    }
}

fn rfc9421_keys() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/vectors/rfc9421.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let vectors: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
    vectors["keys"].clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sign_and_verify() {
        for key in all() {
            let signature = key.signing.sign(b"base").expect("test keys sign");
            assert!(
                key.verifying().verify(b"base", &signature).is_ok(),
                "{}",
                key.keyid
            );
        }
    }

    #[test]
    fn keys_one_per_algorithm() {
        for algorithm in Algorithm::ALL {
            assert_eq!(for_algorithm(algorithm).algorithm, algorithm);
        }
    }

    #[test]
    fn rsa_pem_reloads_for_pss() {
        let key = for_algorithm(Algorithm::RsaPssSha512);
        let pem = key.private_pem.as_deref().expect("RSA keys have a PEM");
        let reloaded = SigningKey::from_pem(pem, Some(Algorithm::RsaPssSha512)).expect("PEM loads");
        assert_eq!(reloaded.verifying_key(), key.verifying());
    }
}
