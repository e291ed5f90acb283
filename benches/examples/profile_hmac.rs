//! Signs and verifies the typical request with HMAC-SHA256 in a loop, for
//! profilers such as `valgrind --tool=callgrind`.

use std::sync::Arc;

use reqsig::clock::FixedClock;
use reqsig::{Policy, StaticKey, Verifier};
use reqsig_benches::{NOW, hmac_key, request, signer};

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let key = hmac_key();
    let signer = signer(key.clone());
    let resolver = StaticKey::new("bench-key", key.verifying_key());
    let verifier = Verifier::new(Policy::server()).clock(Arc::new(FixedClock(NOW)));
    let unsigned = request();
    let mut verified = 0;
    for _ in 0..rounds {
        let mut signed = unsigned.clone();
        signer.sign_request(&mut signed).expect("sign");
        if verifier.verify_request(&signed, &resolver).is_ok() {
            verified += 1;
        }
    }
    println!("{verified} of {rounds} verified");
}
