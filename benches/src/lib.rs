#![forbid(unsafe_code)]
//! Shared inputs of the reqsig benchmarks: a typical signed POST, the
//! cryptographic floor it is compared against, and glue that makes the
//! `httpsig` crate do the same work.
//!
//! Every figure in `BENCHMARKS.md` comes from a target of this package;
//! `scripts/bench.sh` runs them all.

pub mod floor;
pub mod peer;
pub mod profile;

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqsig::clock::FixedClock;
use reqsig::components::ComponentId;
use reqsig::{Nonce, Policy, Signer, SigningKey, StaticKey, Verifier};

/// The key id every benchmark signs with.
pub const KEY_ID: &str = "bench-key";

/// The lifetime of a signature: `expires` is this many seconds after `created`.
pub const LIFETIME: u64 = 300;

/// The covered components of the typical request, in signing order.
pub const COMPONENTS: [&str; 6] = [
    "@method",
    "@authority",
    "@path",
    "@query",
    "content-digest",
    "content-type",
];

/// Returns the time every benchmark signs and verifies at: the system time
/// when it was first read, in seconds since the Unix epoch.
///
/// A real time rather than a constant, because `httpsig` checks `expires`
/// against the system clock and would reject a signature made at a fixed
/// time once that time is past.
pub fn now() -> u64 {
    static NOW: OnceLock<u64> = OnceLock::new();
    *NOW.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs())
    })
}

/// Returns a 1 KiB JSON body.
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

/// Builds the typical request: a POST with a 1 KiB JSON body.
pub fn request() -> http::Request<Vec<u8>> {
    http::Request::post("https://api.example.com/v1/orders?customer=42")
        .header("content-type", "application/json")
        .header("content-length", "1024")
        .body(json_body())
        .expect("valid request")
}

/// Returns the six covered components of [`COMPONENTS`] as reqsig identifiers.
pub fn components() -> Vec<ComponentId> {
    COMPONENTS
        .iter()
        .map(|name| ComponentId::parse(&format!("\"{name}\"")).expect("valid component"))
        .collect()
}

/// Builds a signer with `created`, `expires`, `keyid` and a random `nonce`, at the fixed time [`now`].
pub fn signer(key: SigningKey) -> Signer {
    signer_at(key, Arc::new(FixedClock(now())))
}

/// Builds a signer like [`signer`] that reads `clock`.
pub fn signer_at(key: SigningKey, clock: Arc<dyn reqsig::clock::Clock>) -> Signer {
    Signer::builder(key)
        .key_id(KEY_ID)
        .components(components())
        .clock(clock)
        .expires_in(Duration::from_secs(LIFETIME))
        .nonce(Nonce::Random)
        .build()
        .expect("valid signer")
}

/// Builds a verifier with the server policy (`created` and `nonce` required), at the fixed time [`now`].
pub fn verifier() -> Verifier {
    Verifier::new(Policy::server()).clock(Arc::new(FixedClock(now())))
}

/// Builds the key resolver of the verifying side: the one key under [`KEY_ID`].
pub fn resolver(key: &SigningKey) -> StaticKey {
    StaticKey::new(KEY_ID, key.verifying_key())
}

/// The Ed25519 seed of every benchmark.
pub const ED25519_SEED: [u8; 32] = [42; 32];

/// The HMAC secret of every benchmark.
pub const HMAC_SECRET: [u8; 32] = [7; 32];

/// Returns the Ed25519 key used by every benchmark.
pub fn ed25519_key() -> SigningKey {
    SigningKey::from_ed25519_seed(&ED25519_SEED).expect("valid seed")
}

/// Returns the HMAC key used by every benchmark.
pub fn hmac_key() -> SigningKey {
    SigningKey::hmac_sha256(&HMAC_SECRET).expect("valid secret")
}

/// The two algorithms the benchmarks compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// Ed25519, the default.
    Ed25519,
    /// HMAC-SHA256.
    HmacSha256,
}

impl Algorithm {
    /// Returns the reqsig key of this algorithm.
    pub fn key(self) -> SigningKey {
        match self {
            Algorithm::Ed25519 => ed25519_key(),
            Algorithm::HmacSha256 => hmac_key(),
        }
    }

    /// Returns the name used in benchmark ids, such as `ed25519`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::HmacSha256 => "hmac-sha256",
        }
    }
}

/// The typical request of one algorithm, ready to sign and verify: the
/// signer and verifier, the unsigned request and a signed copy, and the
/// floor over the signed copy's base.
pub struct Fixture {
    /// Signs with the algorithm's key.
    pub signer: Signer,
    /// Verifies with [`Policy::server`].
    pub verifier: Verifier,
    /// Resolves [`KEY_ID`] to the algorithm's verifying key.
    pub resolver: StaticKey,
    /// The typical request before signing.
    pub unsigned: http::Request<Vec<u8>>,
    /// The typical request, signed once by `signer`.
    pub signed: http::Request<Vec<u8>>,
    /// The body of the typical request.
    pub body: Vec<u8>,
    /// The floor over the signature base of `signed`.
    pub floor: floor::Floor,
}

impl Fixture {
    /// Signs the typical request once and checks that reqsig verifies it.
    pub fn new(algorithm: Algorithm) -> Fixture {
        let key = algorithm.key();
        let signer = signer(key.clone());
        let verifier = verifier();
        let resolver = resolver(&key);
        let unsigned = request();
        let body = unsigned.body().clone();
        let mut signed = unsigned.clone();
        let headers = signer.sign_request(&mut signed).expect("reqsig signs");
        verifier
            .verify_request(&signed, &resolver)
            .expect("reqsig verifies its own signature");
        let floor = floor::Floor::new(algorithm, headers.base.as_bytes());
        Fixture {
            signer,
            verifier,
            resolver,
            unsigned,
            signed,
            body,
            floor,
        }
    }
}

/// Runs one request through `gate` (check, then complete with `body`) and
/// panics unless it is accepted.
pub async fn admit(gate: &reqsig_gate::Gate, parts: &http::request::Parts, body: &[u8]) {
    let admission = gate
        .check(parts, None)
        .await
        .expect("the gate accepts the request");
    let reqsig_gate::Admission::Verified(pending) = admission else {
        panic!("the benchmark route is not public");
    };
    gate.complete(pending, Some(body)).expect("the digest matches");
}
