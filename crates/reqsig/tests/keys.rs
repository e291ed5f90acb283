//! Tests of key loading, conversion, signing and verification against the
//! RFC 9421 Appendix B keys and signatures, and the RFC 7638 and RFC 8037 examples.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqsig::Algorithm;
use reqsig::keys::{JwkSet, KeyError, MessageSigner, SigningKey, VerifyingKey};
use serde_json::Value;

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../spec/vectors/rfc9421.json"
));

const ED25519_KEY: &str = "test-key-ed25519";
const SHARED_SECRET: &str = "test-shared-secret";

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("rfc9421.json parses")
}

fn test_key(name: &str) -> Value {
    vectors()["keys"][name].clone()
}

fn text(value: &Value) -> &str {
    value.as_str().expect("a string in the vectors")
}

fn test_case(name: &str) -> Value {
    vectors()["cases"]
        .as_array()
        .expect("cases array")
        .iter()
        .find(|case| case["name"] == name)
        .cloned()
        .expect("case present")
}

fn shared_secret() -> Vec<u8> {
    STANDARD
        .decode(text(&test_key(SHARED_SECRET)["secret_base64"]))
        .expect("secret base64")
}

fn jwk_members(jwk: &str) -> serde_json::Map<String, Value> {
    serde_json::from_str::<Value>(jwk)
        .expect("JWK output parses")
        .as_object()
        .expect("JWK output is an object")
        .clone()
}

/// Asserts that every named member of `expected` appears unchanged in `actual`.
fn assert_members_equal(actual: &serde_json::Map<String, Value>, expected: &Value, names: &[&str]) {
    for name in names {
        assert_eq!(actual.get(*name), expected.get(*name), "JWK member {name}");
    }
}

// Ed25519 (RFC 9421 Appendix B.1.4)

#[test]
fn ed25519_private_pem_loads() {
    let key = SigningKey::from_pem(text(&test_key(ED25519_KEY)["private_pem"]), None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::Ed25519);
}

#[test]
fn ed25519_public_matches_private() {
    let vector = test_key(ED25519_KEY);
    let private = SigningKey::from_pem(text(&vector["private_pem"]), None).unwrap();
    let public = VerifyingKey::from_pem(text(&vector["public_pem"]), None).unwrap();
    assert_eq!(private.verifying_key(), public);
}

#[test]
fn ed25519_private_pem_gives_public_key() {
    let vector = test_key(ED25519_KEY);
    let from_private = VerifyingKey::from_pem(text(&vector["private_pem"]), None).unwrap();
    let from_public = VerifyingKey::from_pem(text(&vector["public_pem"]), None).unwrap();
    assert_eq!(from_private, from_public);
}

#[test]
fn ed25519_jwk_members_equal_pem() {
    let vector = test_key(ED25519_KEY);
    let key = SigningKey::from_pem(text(&vector["private_pem"]), None).unwrap();
    let members = jwk_members(&key.to_jwk(Some(ED25519_KEY)));
    assert_members_equal(&members, &vector["jwk"], &["kty", "crv", "kid", "d", "x"]);
    assert_eq!(members["alg"], "EdDSA");
}

#[test]
fn ed25519_jwk_loads_same_key() {
    let vector = test_key(ED25519_KEY);
    let from_jwk = SigningKey::from_jwk_value(&vector["jwk"], None).unwrap();
    let from_pem = SigningKey::from_pem(text(&vector["private_pem"]), None).unwrap();
    assert_eq!(from_jwk.verifying_key(), from_pem.verifying_key());
    assert_eq!(from_jwk.algorithm(), Algorithm::Ed25519);
}

#[test]
fn ed25519_public_jwk_loads() {
    let vector = test_key(ED25519_KEY);
    let key = VerifyingKey::from_jwk_value(&vector["jwk"], None).unwrap();
    let expected = VerifyingKey::from_pem(text(&vector["public_pem"]), None).unwrap();
    assert_eq!(key, expected);
}

#[test]
fn ed25519_b26_signature_exact() {
    let case = test_case("rfc9421-b.2.6");
    let key = SigningKey::from_pem(text(&test_key(ED25519_KEY)["private_pem"]), None).unwrap();
    let signature = key.sign(text(&case["signature_base"]).as_bytes()).unwrap();
    assert_eq!(STANDARD.encode(signature), text(&case["signature_base64"]));
}

#[test]
fn ed25519_seed_loads() {
    let d = URL_SAFE_NO_PAD
        .decode(text(&test_key(ED25519_KEY)["jwk"]["d"]))
        .unwrap();
    let key = SigningKey::from_ed25519_seed(&d).unwrap();
    assert_eq!(
        key.thumbprint().unwrap(),
        "poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U"
    );
}

#[test]
fn ed25519_raw_public_key_loads() {
    let x = URL_SAFE_NO_PAD
        .decode(text(&test_key(ED25519_KEY)["jwk"]["x"]))
        .unwrap();
    let key = VerifyingKey::ed25519(&x).unwrap();
    assert!(key.is_rfc9421_test_key());
}

#[test]
fn ed25519_small_order_key_rejected() {
    // The identity point (y = 1) has order 1, so it verifies forged signatures.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let err = VerifyingKey::ed25519(&identity).unwrap_err();
    assert!(matches!(err, KeyError::InvalidKey { .. }), "{err:?}");
}

// HMAC-SHA256 (RFC 9421 Appendix B.1.5)

#[test]
fn hmac_b25_signature_exact() {
    let case = test_case("rfc9421-b.2.5");
    let key = SigningKey::hmac_sha256(&shared_secret()).unwrap();
    let signature = key.sign(text(&case["signature_base"]).as_bytes()).unwrap();
    assert_eq!(STANDARD.encode(signature), text(&case["signature_base64"]));
}

#[test]
fn hmac_verifying_key_holds_secret() {
    let signing = SigningKey::hmac_sha256(&shared_secret()).unwrap();
    let verifying = VerifyingKey::hmac_sha256(&shared_secret()).unwrap();
    assert_eq!(signing.verifying_key(), verifying);
}

#[test]
fn hmac_keys_with_different_secrets_differ() {
    let left = VerifyingKey::hmac_sha256(&[1u8; 32]).unwrap();
    let right = VerifyingKey::hmac_sha256(&[2u8; 32]).unwrap();
    assert_ne!(left, right);
}

#[test]
fn hmac_jwk_round_trip() {
    let key = SigningKey::hmac_sha256(&shared_secret()).unwrap();
    let jwk = key.to_jwk(Some(SHARED_SECRET));
    let members = jwk_members(&jwk);
    assert_eq!(members["kty"], "oct");
    assert_eq!(members["alg"], "HS256");
    assert_eq!(members["k"], URL_SAFE_NO_PAD.encode(shared_secret()));
    let loaded = SigningKey::from_jwk(&jwk, None).unwrap();
    assert_eq!(loaded.verifying_key(), key.verifying_key());
}

#[test]
fn hmac_secret_jwk_from_verifying_key() {
    let key = VerifyingKey::hmac_sha256(&shared_secret()).unwrap();
    let jwk = key.to_secret_jwk(None).unwrap();
    let loaded = VerifyingKey::from_jwk(&jwk, None).unwrap();
    assert_eq!(loaded, key);
}

#[test]
fn hmac_public_jwk_refused() {
    let key = VerifyingKey::hmac_sha256(&shared_secret()).unwrap();
    let err = key.to_jwk(None).unwrap_err();
    assert!(matches!(err, KeyError::NoEncoding { .. }), "{err:?}");
}

#[test]
fn hmac_pkcs8_refused() {
    let key = SigningKey::hmac_sha256(&shared_secret()).unwrap();
    let err = key.to_pkcs8_pem().unwrap_err();
    assert!(
        matches!(err, KeyError::NoEncoding { format: "PKCS#8", .. }),
        "{err:?}"
    );
}

#[test]
fn hmac_spki_refused() {
    let key = VerifyingKey::hmac_sha256(&shared_secret()).unwrap();
    let err = key.to_spki_pem().unwrap_err();
    assert!(
        matches!(err, KeyError::NoEncoding { format: "SPKI", .. }),
        "{err:?}"
    );
}

#[test]
fn hmac_thumbprint_absent() {
    let key = SigningKey::hmac_sha256(&shared_secret()).unwrap();
    assert_eq!(key.thumbprint(), None);
}

#[test]
fn public_key_secret_jwk_refused() {
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap().verifying_key();
    let err = key.to_secret_jwk(None).unwrap_err();
    assert!(matches!(err, KeyError::NoEncoding { .. }), "{err:?}");
}

// ECDSA P-256 (RFC 9421 Appendix B.1.3)

#[cfg(feature = "ecdsa")]
#[test]
fn p256_sec1_pem_loads() {
    let vector = test_key("test-key-ecc-p256");
    let private = SigningKey::from_pem(text(&vector["private_pem"]), None).unwrap();
    let public = VerifyingKey::from_pem(text(&vector["public_pem"]), None).unwrap();
    assert_eq!(private.algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!(private.verifying_key(), public);
}

#[cfg(feature = "ecdsa")]
#[test]
fn p256_jwk_members_equal_pem() {
    let vector = test_key("test-key-ecc-p256");
    let key = SigningKey::from_pem(text(&vector["private_pem"]), None).unwrap();
    let members = jwk_members(&key.to_jwk(Some("test-key-ecc-p256")));
    assert_members_equal(&members, &vector["jwk"], &["kty", "crv", "kid", "d", "x", "y"]);
    assert_eq!(members["alg"], "ES256");
}

#[cfg(feature = "ecdsa")]
#[test]
fn p256_jwk_loads_same_key() {
    let vector = test_key("test-key-ecc-p256");
    let from_jwk = SigningKey::from_jwk_value(&vector["jwk"], None).unwrap();
    let public = VerifyingKey::from_pem(text(&vector["public_pem"]), None).unwrap();
    assert_eq!(from_jwk.verifying_key(), public);
}

#[cfg(feature = "ecdsa")]
#[test]
fn p256_pkcs8_round_trip() {
    let vector = test_key("test-key-ecc-p256");
    let key = SigningKey::from_pem(text(&vector["private_pem"]), None).unwrap();
    let pem = key.to_pkcs8_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    let loaded = SigningKey::from_pem(&pem, None).unwrap();
    assert_eq!(loaded.verifying_key(), key.verifying_key());
}

#[cfg(feature = "ecdsa")]
#[test]
fn p256_signature_is_r_s() {
    let key = SigningKey::generate(Algorithm::EcdsaP256Sha256).unwrap();
    let signature = key.sign(b"base").unwrap();
    assert_eq!(signature.len(), 64);
}

#[cfg(feature = "ecdsa")]
#[test]
fn p384_round_trips() {
    let key = SigningKey::generate(Algorithm::EcdsaP384Sha384).unwrap();
    let signature = key.sign(b"base").unwrap();
    assert_eq!(signature.len(), 96);
    assert!(key.verifying_key().verify(b"base", &signature).is_ok());

    let from_jwk = SigningKey::from_jwk(&key.to_jwk(None), None).unwrap();
    assert_eq!(from_jwk.verifying_key(), key.verifying_key());
    let from_pkcs8 = SigningKey::from_der(&key.to_pkcs8_der().unwrap(), None).unwrap();
    assert_eq!(from_pkcs8.algorithm(), Algorithm::EcdsaP384Sha384);
    let public = VerifyingKey::from_der(&key.verifying_key().to_spki_der().unwrap(), None).unwrap();
    assert_eq!(public, key.verifying_key());
}

#[cfg(feature = "ecdsa")]
#[test]
fn p256_pem_after_ec_parameters_loads() {
    // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key.
    let parameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    let pem = format!(
        "{parameters}{}",
        text(&test_key("test-key-ecc-p256")["private_pem"])
    );
    let key = SigningKey::from_pem(&pem, None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::EcdsaP256Sha256);
}

#[cfg(not(feature = "ecdsa"))]
#[test]
fn p256_without_feature_unsupported() {
    let err = SigningKey::from_pem(text(&test_key("test-key-ecc-p256")["private_pem"]), None).unwrap_err();
    assert!(
        matches!(err, KeyError::Unsupported { feature: "ecdsa", .. }),
        "{err:?}"
    );
}

// RSA (RFC 9421 Appendix B.1.1 and B.1.2)

#[cfg(feature = "rsa")]
#[test]
fn rsa_pkcs1_public_pem_loads() {
    let vector = test_key("test-key-rsa");
    let key = VerifyingKey::from_pem(text(&vector["public_pem"]), Some(Algorithm::RsaV15Sha256)).unwrap();
    assert_eq!(key.algorithm(), Algorithm::RsaV15Sha256);
}

#[cfg(feature = "rsa")]
#[test]
fn rsa_public_matches_private() {
    let vector = test_key("test-key-rsa");
    let alg = Some(Algorithm::RsaV15Sha256);
    let from_private = VerifyingKey::from_pem(text(&vector["private_pem"]), alg).unwrap();
    let from_public = VerifyingKey::from_pem(text(&vector["public_pem"]), alg).unwrap();
    assert_eq!(from_private, from_public);
}

#[cfg(feature = "rsa")]
#[test]
fn rsa_public_jwk_members_equal_pem() {
    let vector = test_key("test-key-rsa");
    let key = VerifyingKey::from_pem(text(&vector["public_pem"]), Some(Algorithm::RsaV15Sha256)).unwrap();
    let members = jwk_members(&key.to_jwk(Some("test-key-rsa")).unwrap());
    assert_members_equal(&members, &vector["jwk"], &["kty", "kid", "n", "e"]);
    assert_eq!(members["alg"], "RS256");
}

#[cfg(feature = "rsa")]
#[test]
fn rsa_without_alg_required() {
    let err = VerifyingKey::from_pem(text(&test_key("test-key-rsa")["public_pem"]), None).unwrap_err();
    assert!(
        matches!(err, KeyError::AlgorithmRequired { key_type: "RSA" }),
        "{err:?}"
    );
}

#[cfg(feature = "rsa")]
#[test]
fn rsa_pss_oid_binds_pss() {
    let vector = test_key("test-key-rsa-pss");
    let from_private = VerifyingKey::from_pem(text(&vector["private_pem"]), None).unwrap();
    assert_eq!(from_private.algorithm(), Algorithm::RsaPssSha512);
    let from_public =
        VerifyingKey::from_pem(text(&vector["public_pem"]), Some(Algorithm::RsaPssSha512)).unwrap();
    assert_eq!(from_private, from_public);
}

#[cfg(feature = "rsa")]
#[test]
fn rsa_pss_oid_rejects_v15() {
    let vector = test_key("test-key-rsa-pss");
    let err =
        VerifyingKey::from_pem(text(&vector["private_pem"]), Some(Algorithm::RsaV15Sha256)).unwrap_err();
    assert!(
        matches!(
            err,
            KeyError::AlgorithmMismatch {
                requested: Algorithm::RsaV15Sha256,
                ..
            }
        ),
        "{err:?}"
    );
}

#[cfg(feature = "rsa")]
#[test]
fn rsa_jwk_public_loads() {
    let vector = test_key("test-key-rsa-pss");
    let from_jwk = VerifyingKey::from_jwk_value(&vector["jwk"], Some(Algorithm::RsaPssSha512)).unwrap();
    let from_pem =
        VerifyingKey::from_pem(text(&vector["public_pem"]), Some(Algorithm::RsaPssSha512)).unwrap();
    assert_eq!(from_jwk, from_pem);
}

#[cfg(feature = "rsa")]
#[test]
fn rfc7638_rsa_thumbprint() {
    // RFC 7638 section 3.1.
    let jwk = r#"{"kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}"#;
    let key = VerifyingKey::from_jwk(jwk, None).unwrap();
    assert_eq!(
        key.thumbprint().unwrap(),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
}

#[cfg(not(feature = "rsa"))]
#[test]
fn rsa_without_feature_unsupported() {
    let err = VerifyingKey::from_pem(text(&test_key("test-key-rsa")["public_pem"]), None).unwrap_err();
    assert!(
        matches!(err, KeyError::Unsupported { feature: "rsa", .. }),
        "{err:?}"
    );
}

#[cfg(all(feature = "rsa", not(feature = "rsa-signing")))]
#[test]
fn rsa_signing_without_feature_unsupported() {
    let vector = test_key("test-key-rsa");
    let err = SigningKey::from_pem(text(&vector["private_pem"]), Some(Algorithm::RsaV15Sha256)).unwrap_err();
    assert!(
        matches!(
            err,
            KeyError::Unsupported {
                feature: "rsa-signing",
                ..
            }
        ),
        "{err:?}"
    );
}

#[cfg(feature = "rsa-signing")]
#[test]
fn rsa_private_jwk_members_equal_pem() {
    for name in ["test-key-rsa", "test-key-rsa-pss"] {
        let vector = test_key(name);
        let alg = if name == "test-key-rsa" {
            Algorithm::RsaV15Sha256
        } else {
            Algorithm::RsaPssSha512
        };
        let key = SigningKey::from_pem(text(&vector["private_pem"]), Some(alg)).unwrap();
        let members = jwk_members(&key.to_jwk(Some(name)));
        assert_members_equal(
            &members,
            &vector["jwk"],
            &["kty", "kid", "n", "e", "d", "p", "q", "dp", "dq", "qi"],
        );
    }
}

#[cfg(feature = "rsa-signing")]
#[test]
fn rsa_private_jwk_loads_same_key() {
    let vector = test_key("test-key-rsa");
    let from_jwk = SigningKey::from_jwk_value(&vector["jwk"], Some(Algorithm::RsaV15Sha256)).unwrap();
    let from_pem = SigningKey::from_pem(text(&vector["private_pem"]), Some(Algorithm::RsaV15Sha256)).unwrap();
    assert_eq!(from_jwk.verifying_key(), from_pem.verifying_key());
}

#[cfg(feature = "rsa-signing")]
#[test]
fn rsa_private_jwk_bad_crt_rejected() {
    let mut jwk = test_key("test-key-rsa")["jwk"].clone();
    jwk["dp"] = jwk["dq"].clone();
    let err = SigningKey::from_jwk_value(&jwk, Some(Algorithm::RsaV15Sha256)).unwrap_err();
    assert!(matches!(err, KeyError::InvalidKey { .. }), "{err:?}");
}

#[cfg(feature = "rsa-signing")]
#[test]
fn rsa_v15_signature_exact() {
    // RSASSA-PKCS1-v1_5 is deterministic, so the proxy signature of section 4.3 is reproduced.
    let case = test_case("rfc9421-4.3-proxy_sig");
    let key = SigningKey::from_pem(
        text(&test_key("test-key-rsa")["private_pem"]),
        Some(Algorithm::RsaV15Sha256),
    )
    .unwrap();
    let signature = key.sign(text(&case["signature_base"]).as_bytes()).unwrap();
    assert_eq!(STANDARD.encode(signature), text(&case["signature_base64"]));
}

#[cfg(feature = "rsa-signing")]
#[test]
fn rsa_pss_round_trips() {
    let key = SigningKey::from_pem(text(&test_key("test-key-rsa-pss")["private_pem"]), None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::RsaPssSha512);
    let signature = key.sign(b"base").unwrap();
    assert!(key.verifying_key().verify(b"base", &signature).is_ok());
}

#[cfg(feature = "rsa-signing")]
#[test]
fn rsa_pss_pkcs8_keeps_binding() {
    let key = SigningKey::from_pem(
        text(&test_key("test-key-rsa")["private_pem"]),
        Some(Algorithm::RsaPssSha512),
    )
    .unwrap();
    let loaded = SigningKey::from_der(&key.to_pkcs8_der().unwrap(), None).unwrap();
    assert_eq!(loaded.algorithm(), Algorithm::RsaPssSha512);
}

// Every signature of the RFC 9421 examples

/// Loads the verifying key that `case` names, or `None` when this build lacks its algorithm.
fn case_key(case: &Value) -> Option<VerifyingKey> {
    let algorithm: Algorithm = text(&case["algorithm"]).parse().unwrap();
    if !algorithm.is_supported() {
        return None;
    }
    let keyid = text(&case["keyid"]);
    if keyid == SHARED_SECRET {
        return Some(VerifyingKey::hmac_sha256(&shared_secret()).unwrap());
    }
    Some(VerifyingKey::from_pem(text(&test_key(keyid)["public_pem"]), Some(algorithm)).unwrap())
}

#[test]
fn rfc9421_valid_cases_verify() {
    let mut verified = 0;
    for case in vectors()["cases"].as_array().unwrap() {
        if case["expect_valid"] != true {
            continue;
        }
        let Some(key) = case_key(case) else { continue };
        let signature = STANDARD.decode(text(&case["signature_base64"])).unwrap();
        let result = key.verify(text(&case["signature_base"]).as_bytes(), &signature);
        assert!(result.is_ok(), "case {}: {result:?}", case["name"]);
        verified += 1;
    }
    // Every build verifies 5 Ed25519 cases and 1 HMAC case. The features add 5 ECDSA and 5 RSA cases.
    let expected =
        6 + if cfg!(feature = "ecdsa") { 5 } else { 0 } + if cfg!(feature = "rsa") { 5 } else { 0 };
    assert_eq!(verified, expected);
}

#[test]
fn rfc9421_invalid_cases_fail() {
    for case in vectors()["cases"].as_array().unwrap() {
        if case["expect_valid"] != false {
            continue;
        }
        let Some(key) = case_key(case) else { continue };
        let signature = STANDARD.decode(text(&case["signature_base64"])).unwrap();
        let err = key
            .verify(text(&case["signature_base"]).as_bytes(), &signature)
            .unwrap_err();
        assert!(
            matches!(err, KeyError::InvalidSignature),
            "case {}: {err:?}",
            case["name"]
        );
    }
}

// Round trips with generated keys

/// Lists the algorithms this build can generate keys for.
fn generated_algorithms() -> Vec<Algorithm> {
    let mut algorithms = vec![Algorithm::Ed25519, Algorithm::HmacSha256];
    if cfg!(feature = "ecdsa") {
        algorithms.extend([Algorithm::EcdsaP256Sha256, Algorithm::EcdsaP384Sha384]);
    }
    algorithms
}

#[test]
fn generated_keys_sign_and_verify() {
    for algorithm in generated_algorithms() {
        let key = SigningKey::generate(algorithm).unwrap();
        assert_eq!(key.algorithm(), algorithm);
        let signature = key.sign(b"signature base").unwrap();
        let verified = key.verifying_key().verify(b"signature base", &signature);
        assert!(verified.is_ok(), "{algorithm}: {verified:?}");
    }
}

#[test]
fn generated_keys_reject_tampering() {
    for algorithm in generated_algorithms() {
        let key = SigningKey::generate(algorithm).unwrap();
        let mut signature = key.sign(b"signature base").unwrap();
        signature[0] ^= 1;
        let err = key
            .verifying_key()
            .verify(b"signature base", &signature)
            .unwrap_err();
        assert!(matches!(err, KeyError::InvalidSignature), "{algorithm}: {err:?}");
    }
}

#[test]
fn generated_keys_reject_wrong_length() {
    for algorithm in generated_algorithms() {
        let key = SigningKey::generate(algorithm).unwrap();
        let mut signature = key.sign(b"signature base").unwrap();
        signature.push(0);
        let err = key
            .verifying_key()
            .verify(b"signature base", &signature)
            .unwrap_err();
        assert!(matches!(err, KeyError::InvalidSignature), "{algorithm}: {err:?}");
    }
}

#[test]
fn generated_keys_differ() {
    let first = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let second = SigningKey::generate(Algorithm::Ed25519).unwrap();
    assert_ne!(first.verifying_key(), second.verifying_key());
}

#[test]
fn generated_keys_jwk_round_trip() {
    for algorithm in generated_algorithms() {
        let key = SigningKey::generate(algorithm).unwrap();
        let loaded = SigningKey::from_jwk(&key.to_jwk(Some("k1")), None).unwrap();
        assert_eq!(loaded.verifying_key(), key.verifying_key(), "{algorithm}");
        assert_eq!(loaded.algorithm(), algorithm);
    }
}

#[test]
fn ed25519_pkcs8_spki_round_trip() {
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let private = SigningKey::from_pem(&key.to_pkcs8_pem().unwrap(), None).unwrap();
    assert_eq!(private.verifying_key(), key.verifying_key());
    let public_pem = key.verifying_key().to_spki_pem().unwrap();
    assert!(public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    let public = VerifyingKey::from_pem(&public_pem, None).unwrap();
    assert_eq!(public, key.verifying_key());
}

#[test]
fn ed25519_public_jwk_round_trip() {
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap().verifying_key();
    let jwk = key.to_jwk(Some("a \"quoted\" kid")).unwrap();
    let members = jwk_members(&jwk);
    assert_eq!(members["kid"], "a \"quoted\" kid");
    assert!(!members.contains_key("d"));
    assert_eq!(VerifyingKey::from_jwk(&jwk, None).unwrap(), key);
}

#[test]
fn rsa_generate_unsupported() {
    let err = SigningKey::generate(Algorithm::RsaPssSha512).unwrap_err();
    let expected = if cfg!(feature = "rsa") {
        matches!(err, KeyError::GenerateUnsupported { .. })
    } else {
        matches!(err, KeyError::Unsupported { feature: "rsa", .. })
    };
    assert!(expected, "{err:?}");
}

#[test]
fn message_signer_signs() {
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let signer: &dyn MessageSigner = &key;
    assert_eq!(signer.algorithm(), Algorithm::Ed25519);
    let signature = signer.sign(b"base").unwrap();
    assert!(key.verifying_key().verify(b"base", &signature).is_ok());
}

// Loading by content

#[test]
fn load_detects_pem() {
    let pem = text(&test_key(ED25519_KEY)["private_pem"]).to_owned();
    let key = SigningKey::load(pem.as_bytes(), None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::Ed25519);
}

#[test]
fn load_detects_jwk() {
    let jwk = test_key(ED25519_KEY)["jwk"].to_string();
    let key = VerifyingKey::load(format!("\n  {jwk}").as_bytes(), None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::Ed25519);
}

#[test]
fn load_detects_der() {
    let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let loaded = SigningKey::load(&key.to_pkcs8_der().unwrap(), None).unwrap();
    assert_eq!(loaded.verifying_key(), key.verifying_key());
    let public = VerifyingKey::load(&key.verifying_key().to_spki_der().unwrap(), None).unwrap();
    assert_eq!(public, key.verifying_key());
}

#[test]
fn load_garbage_malformed() {
    let err = SigningKey::load(b"this is not a key", None).unwrap_err();
    assert!(matches!(err, KeyError::Malformed { .. }), "{err:?}");
}

#[test]
fn load_bare_seed_not_guessed() {
    let err = SigningKey::load(&[7u8; 32], None).unwrap_err();
    assert!(matches!(err, KeyError::Malformed { .. }), "{err:?}");
}

#[test]
fn load_bad_der_malformed() {
    let err = VerifyingKey::load(&[0x30, 0x03, 0x02, 0x01], None).unwrap_err();
    assert!(
        matches!(err, KeyError::Malformed { format: "DER", .. }),
        "{err:?}"
    );
}

#[test]
fn load_empty_malformed() {
    let err = VerifyingKey::load(b"", None).unwrap_err();
    assert!(matches!(err, KeyError::Malformed { .. }), "{err:?}");
}

#[test]
fn pem_crlf_loads() {
    let pem = text(&test_key(ED25519_KEY)["private_pem"]).replace('\n', "\r\n");
    let key = SigningKey::from_pem(&pem, None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::Ed25519);
}

#[test]
fn spki_der_as_signing_key() {
    let der = SigningKey::generate(Algorithm::Ed25519)
        .unwrap()
        .verifying_key()
        .to_spki_der()
        .unwrap();
    let err = SigningKey::from_der(&der, None).unwrap_err();
    assert!(
        matches!(err, KeyError::NotAPrivateKey { format: "DER" }),
        "{err:?}"
    );
}

#[cfg(feature = "ecdsa")]
#[test]
fn p256_sec1_der_loads() {
    let pem = text(&test_key("test-key-ecc-p256")["private_pem"]).to_owned();
    let base64: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    let der = STANDARD.decode(base64).unwrap();
    let key = SigningKey::from_der(&der, None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::EcdsaP256Sha256);
    let public = VerifyingKey::from_der(&der, None).unwrap();
    assert_eq!(public, key.verifying_key());
}

#[cfg(feature = "rsa")]
#[test]
fn rsa_jwk_alg_binds_pss() {
    let mut jwk = test_key("test-key-rsa-pss")["jwk"].clone();
    jwk["alg"] = Value::from("PS512");
    let key = VerifyingKey::from_jwk_value(&jwk, None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::RsaPssSha512);
}

#[cfg(feature = "rsa")]
#[test]
fn rsa_small_modulus_rejected() {
    // A 1024-bit modulus: the top bit set, odd, otherwise arbitrary.
    let mut modulus = vec![0xc5u8; 128];
    modulus[127] = 0xd7;
    let jwk = serde_json::json!({"kty": "RSA", "n": URL_SAFE_NO_PAD.encode(modulus), "e": "AQAB"});
    let err = VerifyingKey::from_jwk_value(&jwk, Some(Algorithm::RsaPssSha512)).unwrap_err();
    assert!(matches!(err, KeyError::InvalidKey { .. }), "{err:?}");
}

#[test]
fn jwk_set_alg_binds_members() {
    let set = serde_json::json!({"keys": [test_key(ED25519_KEY)["jwk"].clone()]});
    let err = JwkSet::parse(&set.to_string(), Some(Algorithm::HmacSha256)).unwrap_err();
    let KeyError::JwkSetMember { source, .. } = err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(*source, KeyError::AlgorithmMismatch { .. }),
        "{source:?}"
    );
}

// Bad input

#[test]
fn pem_truncated_malformed() {
    let vector = test_key(ED25519_KEY);
    let pem = text(&vector["private_pem"]);
    let truncated = &pem[..pem.len() - 30];
    let err = SigningKey::from_pem(truncated, None).unwrap_err();
    assert!(
        matches!(err, KeyError::Malformed { format: "PEM", .. }),
        "{err:?}"
    );
}

#[test]
fn pem_wrong_label_rejected() {
    let pem = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
    let err = VerifyingKey::from_pem(pem, None).unwrap_err();
    assert!(
        matches!(&err, KeyError::PemLabel { label, .. } if label == "CERTIFICATE"),
        "{err:?}"
    );
}

#[test]
fn pem_label_content_mismatch() {
    let pem = text(&test_key(ED25519_KEY)["private_pem"]).replace("PRIVATE KEY", "EC PRIVATE KEY");
    let err = SigningKey::from_pem(&pem, None).unwrap_err();
    assert!(
        matches!(err, KeyError::Malformed { format: "PEM", .. }),
        "{err:?}"
    );
}

#[test]
fn pem_without_begin_malformed() {
    let err = SigningKey::from_pem("just text", None).unwrap_err();
    assert!(
        matches!(err, KeyError::Malformed { format: "PEM", .. }),
        "{err:?}"
    );
}

#[test]
fn public_pem_as_signing_key() {
    let err = SigningKey::from_pem(text(&test_key(ED25519_KEY)["public_pem"]), None).unwrap_err();
    assert!(
        matches!(err, KeyError::NotAPrivateKey { format: "PEM" }),
        "{err:?}"
    );
}

#[test]
fn encrypted_pem_rejected() {
    let pem = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n";
    let err = SigningKey::from_pem(pem, None).unwrap_err();
    assert!(matches!(err, KeyError::PemLabel { .. }), "{err:?}");
}

#[test]
fn jwk_missing_x_rejected() {
    let jwk = r#"{"kty": "OKP", "crv": "Ed25519"}"#;
    let err = VerifyingKey::from_jwk(jwk, None).unwrap_err();
    assert!(
        matches!(err, KeyError::JwkMissingMember { member: "x" }),
        "{err:?}"
    );
}

#[test]
fn jwk_missing_kty_rejected() {
    let err = VerifyingKey::from_jwk(r#"{"x": "AAAA"}"#, None).unwrap_err();
    assert!(
        matches!(err, KeyError::JwkMissingMember { member: "kty" }),
        "{err:?}"
    );
}

#[test]
fn jwk_missing_crv_rejected() {
    let err = VerifyingKey::from_jwk(r#"{"kty": "OKP", "x": "AAAA"}"#, None).unwrap_err();
    assert!(
        matches!(err, KeyError::JwkMissingMember { member: "crv" }),
        "{err:?}"
    );
}

#[test]
fn jwk_missing_k_rejected() {
    let err = SigningKey::from_jwk(r#"{"kty": "oct"}"#, None).unwrap_err();
    assert!(
        matches!(err, KeyError::JwkMissingMember { member: "k" }),
        "{err:?}"
    );
}

#[test]
fn public_jwk_as_signing_key() {
    let mut jwk = test_key(ED25519_KEY)["jwk"].clone();
    jwk.as_object_mut().unwrap().remove("d");
    let err = SigningKey::from_jwk_value(&jwk, None).unwrap_err();
    assert!(
        matches!(err, KeyError::NotAPrivateKey { format: "JWK" }),
        "{err:?}"
    );
}

#[test]
fn jwk_mismatched_x_rejected() {
    let mut jwk = test_key(ED25519_KEY)["jwk"].clone();
    let other = SigningKey::generate(Algorithm::Ed25519).unwrap().verifying_key();
    jwk["x"] = jwk_members(&other.to_jwk(None).unwrap())["x"].clone();
    let err = SigningKey::from_jwk_value(&jwk, None).unwrap_err();
    assert!(matches!(err, KeyError::InvalidKey { .. }), "{err:?}");
}

#[test]
fn jwk_padded_base64_rejected() {
    let jwk = r#"{"kty": "OKP", "crv": "Ed25519", "x": "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs="}"#;
    let err = VerifyingKey::from_jwk(jwk, None).unwrap_err();
    assert!(
        matches!(err, KeyError::Malformed { format: "JWK", .. }),
        "{err:?}"
    );
}

#[test]
fn jwk_invalid_json_rejected() {
    let err = VerifyingKey::from_jwk("{\"kty\": ", None).unwrap_err();
    assert!(
        matches!(err, KeyError::Malformed { format: "JWK", .. }),
        "{err:?}"
    );
}

#[test]
fn jwk_unknown_alg_rejected() {
    let mut jwk = test_key(ED25519_KEY)["jwk"].clone();
    jwk["alg"] = Value::from("RS512");
    let err = VerifyingKey::from_jwk_value(&jwk, None).unwrap_err();
    assert!(
        matches!(&err, KeyError::UnknownJwkAlg { alg } if alg == "RS512"),
        "{err:?}"
    );
}

#[test]
fn jwk_alg_against_kty_rejected() {
    let mut jwk = test_key(ED25519_KEY)["jwk"].clone();
    jwk["alg"] = Value::from("HS256");
    let err = VerifyingKey::from_jwk_value(&jwk, None).unwrap_err();
    assert!(matches!(err, KeyError::InvalidKey { .. }), "{err:?}");
}

#[test]
fn jwk_encryption_use_rejected() {
    let mut jwk = test_key(ED25519_KEY)["jwk"].clone();
    jwk["use"] = Value::from("enc");
    let err = VerifyingKey::from_jwk_value(&jwk, None).unwrap_err();
    assert!(matches!(err, KeyError::InvalidKey { .. }), "{err:?}");
}

#[test]
fn jwk_unsupported_curve_rejected() {
    let jwk = r#"{"kty": "OKP", "crv": "X25519", "x": "AAAA"}"#;
    let err = VerifyingKey::from_jwk(jwk, None).unwrap_err();
    assert!(matches!(err, KeyError::UnsupportedKeyType { .. }), "{err:?}");
}

#[test]
fn seed_wrong_length_rejected() {
    let err = SigningKey::from_ed25519_seed(&[1u8; 31]).unwrap_err();
    assert!(
        matches!(err, KeyError::InvalidLength { actual: 31, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("31"), "{err}");
}

#[test]
fn raw_public_key_wrong_length_rejected() {
    let err = VerifyingKey::ed25519(&[1u8; 33]).unwrap_err();
    assert!(
        matches!(err, KeyError::InvalidLength { actual: 33, .. }),
        "{err:?}"
    );
}

#[test]
fn hmac_empty_secret_rejected() {
    let err = SigningKey::hmac_sha256(b"").unwrap_err();
    assert!(
        matches!(err, KeyError::InvalidLength { actual: 0, .. }),
        "{err:?}"
    );
}

#[test]
fn hmac_short_secret_rejected() {
    let err = VerifyingKey::hmac_sha256(&[9u8; 31]).unwrap_err();
    assert!(
        matches!(err, KeyError::InvalidLength { actual: 31, .. }),
        "{err:?}"
    );
}

#[test]
fn alg_mismatch_pem_rejected() {
    let vector = test_key(ED25519_KEY);
    let pem = text(&vector["private_pem"]);
    let err = SigningKey::from_pem(pem, Some(Algorithm::HmacSha256)).unwrap_err();
    assert!(
        matches!(
            err,
            KeyError::AlgorithmMismatch {
                requested: Algorithm::HmacSha256,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn alg_mismatch_jwk_rejected() {
    let mut jwk = test_key(ED25519_KEY)["jwk"].clone();
    jwk["alg"] = Value::from("EdDSA");
    let err = VerifyingKey::from_jwk_value(&jwk, Some(Algorithm::EcdsaP256Sha256)).unwrap_err();
    assert!(
        matches!(
            err,
            KeyError::AlgorithmMismatch {
                requested: Algorithm::EcdsaP256Sha256,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn error_messages_are_lowercase() {
    let errors = [
        SigningKey::from_ed25519_seed(&[0u8; 3]).unwrap_err(),
        SigningKey::load(b"nothing", None).unwrap_err(),
        VerifyingKey::from_jwk("{}", None).unwrap_err(),
    ];
    for err in errors {
        let message = err.to_string();
        let first = message.chars().next().unwrap();
        assert!(!first.is_uppercase(), "{message}");
    }
}

// Secrets stay out of Debug output

fn secret_encodings(secret: &[u8]) -> Vec<String> {
    let hex: String = secret.iter().map(|byte| format!("{byte:02x}")).collect();
    vec![
        STANDARD.encode(secret),
        URL_SAFE_NO_PAD.encode(secret),
        hex,
        format!("{secret:?}"),
    ]
}

#[test]
fn signing_key_debug_redacted() {
    let vector = test_key(ED25519_KEY);
    let seed = URL_SAFE_NO_PAD.decode(text(&vector["jwk"]["d"])).unwrap();
    let debug = format!("{:?}", SigningKey::from_ed25519_seed(&seed).unwrap());
    for encoding in secret_encodings(&seed) {
        assert!(!debug.contains(&encoding), "{debug}");
    }
    assert!(
        debug.contains("poqkLGiymh_W0uP6PZFw-dvez3QJT5SolqXBCW38r0U"),
        "{debug}"
    );
}

#[test]
fn hmac_signing_key_debug_redacted() {
    let secret = shared_secret();
    let debug = format!("{:?}", SigningKey::hmac_sha256(&secret).unwrap());
    for encoding in secret_encodings(&secret) {
        assert!(!debug.contains(&encoding), "{debug}");
    }
    assert!(debug.contains("hmac-sha256"), "{debug}");
}

#[test]
fn hmac_verifying_key_debug_redacted() {
    let secret = shared_secret();
    let debug = format!("{:?}", VerifyingKey::hmac_sha256(&secret).unwrap());
    for encoding in secret_encodings(&secret) {
        assert!(!debug.contains(&encoding), "{debug}");
    }
}

#[test]
fn error_display_hides_secret() {
    let secret = [0xabu8; 20];
    let message = SigningKey::hmac_sha256(&secret).unwrap_err().to_string();
    for encoding in secret_encodings(&secret) {
        assert!(!message.contains(&encoding), "{message}");
    }
}

// Thumbprints and the RFC 9421 test keys

#[test]
fn rfc8037_ed25519_thumbprint() {
    // RFC 8037 Appendix A.3.
    let jwk = r#"{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    let key = VerifyingKey::from_jwk(jwk, None).unwrap();
    assert_eq!(
        key.thumbprint().unwrap(),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
}

#[test]
fn rfc9421_test_keys_recognised() {
    let vectors = vectors();
    for (name, vector) in vectors["keys"].as_object().unwrap() {
        let key = if name == SHARED_SECRET {
            VerifyingKey::hmac_sha256(&shared_secret()).unwrap()
        } else {
            let algorithm: Algorithm = text(&vector["algorithms"][0]).parse().unwrap();
            if !algorithm.is_supported() {
                continue;
            }
            VerifyingKey::from_pem(text(&vector["public_pem"]), Some(algorithm)).unwrap()
        };
        assert!(key.is_rfc9421_test_key(), "{name}");
    }
}

#[test]
fn generated_key_not_test_key() {
    for algorithm in generated_algorithms() {
        let key = SigningKey::generate(algorithm).unwrap().verifying_key();
        assert!(!key.is_rfc9421_test_key(), "{algorithm}");
    }
}

// JWK Sets

#[test]
fn jwk_set_keeps_signature_keys() {
    let ed25519 = test_key(ED25519_KEY)["jwk"].clone();
    let set = serde_json::json!({"keys": [
        ed25519,
        {"kty": "oct", "use": "enc", "kid": "encryption", "k": "AAAA"},
        {"kty": "oct", "kid": "shared", "k": URL_SAFE_NO_PAD.encode(shared_secret()), "nbf": 1, "exp": 2},
    ]});
    let entries = JwkSet::parse(&set.to_string(), None).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].kid, ED25519_KEY);
    assert_eq!(entries[0].key.algorithm(), Algorithm::Ed25519);
    assert_eq!(entries[0].not_before, None);
    assert_eq!(entries[1].kid, "shared");
    assert_eq!(entries[1].not_before, Some(1));
    assert_eq!(entries[1].expires, Some(2));
}

#[test]
fn jwk_set_missing_kid_rejected() {
    let mut ed25519 = test_key(ED25519_KEY)["jwk"].clone();
    ed25519.as_object_mut().unwrap().remove("kid");
    let set = serde_json::json!({"keys": [ed25519]});
    let err = JwkSet::parse(&set.to_string(), None).unwrap_err();
    let KeyError::JwkSetMember { index, source, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(index, 0);
    assert!(
        matches!(*source, KeyError::JwkMissingMember { member: "kid" }),
        "{source:?}"
    );
}

#[test]
fn jwk_set_bad_member_named() {
    let set = serde_json::json!({"keys": [
        test_key(ED25519_KEY)["jwk"].clone(),
        {"kty": "OKP", "crv": "Ed25519", "kid": "broken"},
    ]});
    let err = JwkSet::parse(&set.to_string(), None).unwrap_err();
    assert!(err.to_string().contains("\"broken\""), "{err}");
    let KeyError::JwkSetMember { index, kid, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(index, 1);
    assert_eq!(kid, "broken");
}

#[test]
fn jwk_set_duplicate_kid_rejected() {
    let ed25519 = test_key(ED25519_KEY)["jwk"].clone();
    let set = serde_json::json!({"keys": [ed25519.clone(), ed25519]});
    let err = JwkSet::parse(&set.to_string(), None).unwrap_err();
    assert!(matches!(err, KeyError::JwkSetMember { index: 1, .. }), "{err:?}");
}

#[test]
fn jwk_set_without_keys_rejected() {
    let err = JwkSet::parse("{}", None).unwrap_err();
    assert!(
        matches!(err, KeyError::JwkMissingMember { member: "keys" }),
        "{err:?}"
    );
}

#[test]
fn jwk_set_bad_expiry_rejected() {
    let mut ed25519 = test_key(ED25519_KEY)["jwk"].clone();
    ed25519["exp"] = Value::from("tomorrow");
    let set = serde_json::json!({"keys": [ed25519]});
    let err = JwkSet::parse(&set.to_string(), None).unwrap_err();
    assert!(matches!(err, KeyError::JwkSetMember { index: 0, .. }), "{err:?}");
}
