//! Shared helpers for the tests that read `spec/vectors/`.
#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqsig::message::{Scheme, TargetContext};
use reqsig::{Algorithm, Message, SigningKey, VerifyingKey};
use serde_json::Value;

/// Reads a JSON file of `spec/vectors/`.
pub fn vectors(name: &str) -> Value {
    let path = format!("{}/../../spec/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid JSON: {e}"))
}

/// Builds a message from a vector's `message_parts` object.
pub fn message_from_parts(parts: &Value) -> Message {
    let mut message = match parts["type"].as_str() {
        Some("response") => Message::response(parts["status"].as_u64().expect("status") as u16),
        _ => Message::request(
            parts["method"].as_str().expect("method"),
            parts["target"].as_str().expect("target"),
        ),
    };
    for header in parts["headers"].as_array().expect("headers") {
        message = message.with_header(
            header[0].as_str().expect("header name"),
            header[1].as_str().expect("header value").as_bytes(),
        );
    }
    if let Some(trailers) = parts["trailers"].as_array() {
        for trailer in trailers {
            message = message.with_trailer(
                trailer[0].as_str().expect("trailer name"),
                trailer[1].as_str().expect("trailer value").as_bytes(),
            );
        }
    }
    if let Some(body) = parts["body_base64"].as_str() {
        message = message.with_body(STANDARD.decode(body).expect("body_base64"));
    }
    message
}

/// The target context of a vector: its `scheme`, or https.
pub fn context_of(parts: &Value) -> TargetContext {
    let scheme = parts["scheme"]
        .as_str()
        .and_then(Scheme::parse)
        .unwrap_or_default();
    TargetContext::default().with_scheme(scheme)
}

/// Loads the verifying key of an RFC 9421 Appendix B.1 key.
pub fn verifying_key(keys: &Value, keyid: &str, algorithm: Algorithm) -> VerifyingKey {
    let key = &keys[keyid];
    if algorithm == Algorithm::HmacSha256 {
        let secret = STANDARD
            .decode(key["secret_base64"].as_str().expect("secret"))
            .expect("base64");
        return VerifyingKey::hmac_sha256(&secret).expect("hmac key");
    }
    VerifyingKey::from_pem(key["public_pem"].as_str().expect("public_pem"), Some(algorithm))
        .expect("public key")
}

/// Loads the signing key of an RFC 9421 Appendix B.1 key.
pub fn signing_key(keys: &Value, keyid: &str, algorithm: Algorithm) -> SigningKey {
    let key = &keys[keyid];
    if algorithm == Algorithm::HmacSha256 {
        let secret = STANDARD
            .decode(key["secret_base64"].as_str().expect("secret"))
            .expect("base64");
        return SigningKey::hmac_sha256(&secret).expect("hmac key");
    }
    SigningKey::from_pem(key["private_pem"].as_str().expect("private_pem"), Some(algorithm))
        .expect("private key")
}
