//! A loop over the four operations of one algorithm, for profilers.
//!
//! Each operation runs in its own function that is never inlined, so a
//! profiler's inclusive cost of `reqsig_benches::profile::reqsig_sign`
//! (and of the other three) is the cost of that operation alone, without the
//! cloning of the unsigned request.

use std::hint::black_box;

use reqsig::{Signer, StaticKey, Verifier};

use crate::{Algorithm, Fixture};

/// Signs and verifies the typical request `rounds` times with reqsig and
/// with the floor, and returns how many reqsig verifications passed.
pub fn run(algorithm: Algorithm, rounds: usize) -> usize {
    let fixture = Fixture::new(algorithm);

    let mut verified = 0;
    for _ in 0..rounds {
        black_box(fixture.floor.sign(black_box(&fixture.body)));
        black_box(fixture.floor.verify(black_box(&fixture.body)));
        let mut fresh = fixture.unsigned.clone();
        reqsig_sign(&fixture.signer, &mut fresh);
        if reqsig_verify(&fixture.verifier, &fixture.signed, &fixture.resolver) {
            verified += 1;
        }
    }
    verified
}

/// Signs the typical request once with reqsig.
#[inline(never)]
pub fn reqsig_sign(signer: &Signer, request: &mut http::Request<Vec<u8>>) {
    black_box(signer.sign_request(request).expect("sign"));
}

/// Verifies the typical request once with reqsig.
#[inline(never)]
pub fn reqsig_verify(verifier: &Verifier, request: &http::Request<Vec<u8>>, resolver: &StaticKey) -> bool {
    verifier.verify_request(black_box(request), resolver).is_ok()
}
