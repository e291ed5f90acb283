#![forbid(unsafe_code)]
//! Shared inputs of the reqsig benchmarks: a typical signed POST and the
//! cryptographic floor it is compared against.

use std::sync::Arc;
use std::time::Duration;

use reqsig::clock::FixedClock;
use reqsig::components::ComponentId;
use reqsig::{Nonce, Signer, SigningKey};

/// The time every benchmark signs and verifies at.
pub const NOW: u64 = 1_800_000_000;

/// A 1 KiB JSON body.
pub fn json_body() -> Vec<u8> {
    let mut body = String::from("{\"items\":[");
    let mut i = 0;
    while body.len() < 1000 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!("{{\"id\":{i},\"name\":\"item-{i:04}\"}}"));
        i += 1;
    }
    body.push_str("]}");
    let mut bytes = body.into_bytes();
    bytes.resize(1024, b' ');
    bytes
}

/// The typical request: a POST with a 1 KiB JSON body.
pub fn request() -> http::Request<Vec<u8>> {
    http::Request::post("https://api.example.com/v1/orders?customer=42")
        .header("content-type", "application/json")
        .header("content-length", "1024")
        .body(json_body())
        .expect("valid request")
}

/// Six covered components, as in the benchmark definition of BENCHMARKS.md.
pub fn components() -> Vec<ComponentId> {
    ComponentId::parse_list(r#""@method" "@authority" "@path" "@query" "content-digest" "content-type""#)
        .expect("valid components")
}

/// A signer with created, expires, keyid and nonce.
pub fn signer(key: SigningKey) -> Signer {
    Signer::builder(key)
        .key_id("bench-key")
        .components(components())
        .clock(Arc::new(FixedClock(NOW)))
        .expires_in(Duration::from_secs(300))
        .nonce(Nonce::Random)
        .build()
        .expect("valid signer")
}

/// The Ed25519 key used by every benchmark.
pub fn ed25519_key() -> SigningKey {
    SigningKey::from_ed25519_seed(&[42; 32]).expect("valid seed")
}

/// The HMAC key used by every benchmark.
pub fn hmac_key() -> SigningKey {
    SigningKey::hmac_sha256(&[7; 32]).expect("valid secret")
}
