//! Counts the heap allocations of one signature and one verification of the
//! typical request, for reqsig and for `httpsig` through the benchmark glue.
//!
//! Run with `cargo run --release -p reqsig-benches --features count-allocations
//! --example allocations`. The counts come from `allocation-counter`, which
//! counts the calling thread's allocations only. A reallocation counts as a
//! new allocation of the new size, so "bytes" is the total requested from
//! the allocator.

use allocation_counter::AllocationInfo;
use httpsig::prelude::{AlgorithmName, SecretKey, SharedKey};
use reqsig_benches::peer::{HttpsigSigner, HttpsigVerifier};
use reqsig_benches::{Algorithm, ED25519_SEED, Fixture, HMAC_SECRET, now, request};

/// Operations measured per figure; the figure is their mean.
const ROUNDS: usize = 1_000;

fn main() {
    println!("operation                 allocations/op   bytes/op");
    for algorithm in [Algorithm::Ed25519, Algorithm::HmacSha256] {
        measure_reqsig(algorithm);
        match algorithm {
            Algorithm::Ed25519 => {
                let secret = SecretKey::from_bytes(&AlgorithmName::Ed25519, &ED25519_SEED).expect("seed");
                let public = secret.public_key();
                measure_httpsig(algorithm, secret, public);
            }
            Algorithm::HmacSha256 => {
                let shared = SharedKey::HmacSha256(HMAC_SECRET.to_vec());
                measure_httpsig(algorithm, shared.clone(), shared);
            }
        }
    }
}

fn measure_reqsig(algorithm: Algorithm) {
    let fixture = Fixture::new(algorithm);

    let mut requests = vec![fixture.unsigned; ROUNDS];
    // The first signature fills the nonce buffer; it is not counted.
    fixture.signer.sign_request(&mut request()).expect("sign");
    let sign = allocation_counter::measure(|| {
        for request in &mut requests {
            std::hint::black_box(fixture.signer.sign_request(request).expect("sign"));
        }
    });
    let verify = allocation_counter::measure(|| {
        for _ in 0..ROUNDS {
            std::hint::black_box(
                fixture
                    .verifier
                    .verify_request(&fixture.signed, &fixture.resolver)
                    .expect("verify"),
            );
        }
    });
    print_row(algorithm, "reqsig sign", sign);
    print_row(algorithm, "reqsig verify", verify);
}

fn measure_httpsig<S, V>(algorithm: Algorithm, signing_key: S, verifying_key: V)
where
    S: httpsig::prelude::SigningKey,
    V: httpsig::prelude::VerifyingKey,
{
    let signer = HttpsigSigner::new(signing_key, now()).expect("httpsig signer");
    let verifier = HttpsigVerifier::new(verifying_key, now()).expect("httpsig verifier");
    let unsigned = request();
    let mut signed = unsigned.clone();
    signer.sign_request(&mut signed).expect("sign");
    verifier.verify_request(&signed).expect("verify");

    let mut requests = vec![unsigned; ROUNDS];
    let sign = allocation_counter::measure(|| {
        for request in &mut requests {
            signer.sign_request(request).expect("sign");
        }
    });
    let verify = allocation_counter::measure(|| {
        for _ in 0..ROUNDS {
            verifier.verify_request(&signed).expect("verify");
        }
    });
    print_row(algorithm, "httpsig sign", sign);
    print_row(algorithm, "httpsig verify", verify);
}

fn print_row(algorithm: Algorithm, operation: &str, info: AllocationInfo) {
    let rounds = ROUNDS as f64;
    println!(
        "{:<25} {:>14.1} {:>10.0}",
        format!("{} {operation}", algorithm.name()),
        info.count_total as f64 / rounds,
        info.bytes_total as f64 / rounds,
    );
}
