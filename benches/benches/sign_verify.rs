//! Sign and verify the typical POST with reqsig, side by side with the
//! cryptographic floor (SHA-256 of the body plus the raw signature over the
//! same base) and with the `httpsig` crate doing the same work.
//!
//! Run with `cargo bench -p reqsig-benches --bench sign_verify`; the ratios
//! are printed by `scripts/bench.sh` from criterion's estimates.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use httpsig::prelude::{AlgorithmName, SecretKey, SharedKey};
use reqsig_benches::peer::{HttpsigSigner, HttpsigVerifier};
use reqsig_benches::{Algorithm, ED25519_SEED, Fixture, HMAC_SECRET, now};

fn compare(c: &mut Criterion, algorithm: Algorithm) {
    let fixture = Fixture::new(algorithm);

    let mut group = c.benchmark_group(algorithm.name());
    group.bench_function("floor sign", |b| {
        b.iter(|| fixture.floor.sign(black_box(&fixture.body)))
    });
    group.bench_function("reqsig sign", |b| {
        b.iter_batched(
            || fixture.unsigned.clone(),
            |mut request| {
                let headers = fixture.signer.sign_request(&mut request).expect("sign");
                (request, headers)
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("floor verify", |b| {
        b.iter(|| fixture.floor.verify(black_box(&fixture.body)))
    });
    group.bench_function("reqsig verify", |b| {
        b.iter(|| {
            fixture
                .verifier
                .verify_request(black_box(&fixture.signed), &fixture.resolver)
                .expect("verify")
        })
    });
    match algorithm {
        Algorithm::Ed25519 => {
            let secret = SecretKey::from_bytes(&AlgorithmName::Ed25519, &ED25519_SEED).expect("seed");
            let public = secret.public_key();
            httpsig_benches(&mut group, &fixture.unsigned, secret, public);
        }
        Algorithm::HmacSha256 => {
            let shared = SharedKey::HmacSha256(HMAC_SECRET.to_vec());
            httpsig_benches(&mut group, &fixture.unsigned, shared.clone(), shared);
        }
    }
    group.finish();
}

fn httpsig_benches<S, V>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    unsigned: &http::Request<Vec<u8>>,
    signing_key: S,
    verifying_key: V,
) where
    S: httpsig::prelude::SigningKey,
    V: httpsig::prelude::VerifyingKey,
{
    let signer = HttpsigSigner::new(signing_key, now()).expect("httpsig signer");
    let verifier = HttpsigVerifier::new(verifying_key, now()).expect("httpsig verifier");
    let mut signed = unsigned.clone();
    signer.sign_request(&mut signed).expect("httpsig signs");
    verifier
        .verify_request(&signed)
        .expect("httpsig verifies its own signature");

    group.bench_function("httpsig sign", |b| {
        b.iter_batched(
            || unsigned.clone(),
            |mut request| {
                signer.sign_request(&mut request).expect("sign");
                request
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("httpsig verify", |b| {
        b.iter(|| verifier.verify_request(black_box(&signed)).expect("verify"))
    });
}

fn ed25519(c: &mut Criterion) {
    compare(c, Algorithm::Ed25519);
}

fn hmac_sha256(c: &mut Criterion) {
    compare(c, Algorithm::HmacSha256);
}

criterion_group!(benches, ed25519, hmac_sha256);
criterion_main!(benches);
