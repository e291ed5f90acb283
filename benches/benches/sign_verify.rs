//! Sign and verify a typical POST with reqsig, against the cryptographic
//! floor: SHA-256 of the body plus the raw signature over the same base.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ed25519_dalek::Signer as _;
use hmac::{KeyInit, Mac};
use reqsig::clock::FixedClock;
use reqsig::{Policy, StaticKey, Verifier};
use reqsig_benches::{NOW, ed25519_key, hmac_key, request, signer};
use sha2::{Digest, Sha256};

fn ed25519(c: &mut Criterion) {
    let key = ed25519_key();
    let signer = signer(key.clone());
    let mut signed = request();
    let headers = signer.sign_request(&mut signed).expect("sign");
    let base = headers.base.clone();
    let body = request().into_body();

    let dalek = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let dalek_public = dalek.verifying_key();
    let signature = dalek.sign(base.as_bytes());
    let resolver = StaticKey::new("bench-key", key.verifying_key());
    let verifier = Verifier::new(Policy::server()).clock(Arc::new(FixedClock(NOW)));

    let mut group = c.benchmark_group("ed25519");
    group.bench_function("floor sign", |b| {
        b.iter(|| {
            let digest = Sha256::digest(black_box(&body));
            black_box(digest);
            black_box(dalek.sign(black_box(base.as_bytes())))
        })
    });
    let unsigned = request();
    group.bench_function("reqsig sign", |b| {
        b.iter_batched(
            || unsigned.clone(),
            |mut request| black_box(signer.sign_request(&mut request).expect("sign")),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("floor verify", |b| {
        b.iter(|| {
            let digest = Sha256::digest(black_box(&body));
            black_box(digest);
            dalek_public
                .verify_strict(black_box(base.as_bytes()), &signature)
                .expect("verify")
        })
    });
    group.bench_function("reqsig verify", |b| {
        b.iter(|| {
            black_box(
                verifier
                    .verify_request(black_box(&signed), &resolver)
                    .expect("verify"),
            )
        })
    });
    group.finish();
}

fn hmac_sha256(c: &mut Criterion) {
    let key = hmac_key();
    let signer = signer(key.clone());
    let mut signed = request();
    let headers = signer.sign_request(&mut signed).expect("sign");
    let base = headers.base.clone();
    let body = request().into_body();
    let resolver = StaticKey::new("bench-key", key.verifying_key());
    let verifier = Verifier::new(Policy::server()).clock(Arc::new(FixedClock(NOW)));
    let tag = key.sign(base.as_bytes()).expect("sign");

    let mut group = c.benchmark_group("hmac-sha256");
    group.bench_function("floor sign", |b| {
        b.iter(|| {
            black_box(Sha256::digest(black_box(&body)));
            let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&[7; 32]).expect("key");
            mac.update(black_box(base.as_bytes()));
            black_box(mac.finalize())
        })
    });
    let unsigned = request();
    group.bench_function("reqsig sign", |b| {
        b.iter_batched(
            || unsigned.clone(),
            |mut request| black_box(signer.sign_request(&mut request).expect("sign")),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("floor verify", |b| {
        b.iter(|| {
            black_box(Sha256::digest(black_box(&body)));
            let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&[7; 32]).expect("key");
            mac.update(black_box(base.as_bytes()));
            mac.verify_slice(&tag).expect("verify")
        })
    });
    group.bench_function("reqsig verify", |b| {
        b.iter(|| {
            black_box(
                verifier
                    .verify_request(black_box(&signed), &resolver)
                    .expect("verify"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, ed25519, hmac_sha256);
criterion_main!(benches);
