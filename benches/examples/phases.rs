//! Times the steps of an HMAC-SHA256 verification one by one, through
//! public APIs, to show where the time of `Verifier::verify_request` goes.
//!
//! Usage: `phases [CALLS]` (default 100000 calls per round). Each step runs
//! in 15 rounds and the fastest round is printed, in nanoseconds per call.
//! The steps overlap with what `verify_request` does but are not all of it:
//! the policy checks and building the result are not timed on their own.

use std::hint::black_box;
use std::time::Instant;

use reqsig::components::FieldTypes;
use reqsig::message::ToMessageView;
use reqsig::{Limits, SignatureParams, signature_base, verify_content_digest};
use reqsig_benches::{Algorithm, Fixture};
use sha2::{Digest, Sha256};

const ROUNDS: usize = 15;

fn main() {
    let calls = match std::env::args().nth(1) {
        None => 100_000,
        Some(text) => match text.parse::<usize>() {
            Ok(calls) if calls > 0 => calls,
            _ => {
                eprintln!(
                    "phases: invalid number of calls {text:?}: pass a positive integer, such as 100000"
                );
                std::process::exit(2);
            }
        },
    };
    let fixture = Fixture::new(Algorithm::HmacSha256);
    let headers = fixture.signed.headers();
    let input = field(headers, "signature-input");
    let signature = field(headers, "signature");
    let digest = field(headers, "content-digest");
    let context = fixture.verifier.context().clone();
    let view = fixture.signed.to_view(&context).expect("valid request");
    let (_, params) = SignatureParams::parse_signature_input(&input)
        .expect("valid Signature-Input")
        .pop()
        .expect("one member");
    let field_types = FieldTypes::default();
    let limits = Limits::default();
    let base = signature_base(&view, None, &params, &field_types, &limits).expect("valid base");
    let signing_key = Algorithm::HmacSha256.key();
    let tag = signing_key.sign(base.as_bytes()).expect("HMAC signs");
    let verifying_key = signing_key.verifying_key();

    println!("ns per call, fastest of {ROUNDS} rounds of {calls}");
    time("floor verify", calls, || {
        black_box(fixture.floor.verify(black_box(&fixture.body)));
    });
    time("SHA-256 of the body", calls, || {
        black_box(Sha256::digest(black_box(&fixture.body)));
    });
    time("reqsig verify_request", calls, || {
        let verified = fixture
            .verifier
            .verify_request(black_box(&fixture.signed), &fixture.resolver);
        black_box(verified.expect("verifies"));
    });
    time("view of the request", calls, || {
        black_box(
            black_box(&fixture.signed)
                .to_view(&context)
                .expect("valid request"),
        );
    });
    time("sfv alone, Signature-Input", calls, || {
        let parsed = sfv::Parser::new(black_box(&input)).parse_dictionary_with_visitor(sfv::visitor::Ignored);
        black_box(parsed.is_ok());
    });
    time("sfv alone, Signature", calls, || {
        let parsed =
            sfv::Parser::new(black_box(&signature)).parse_dictionary_with_visitor(sfv::visitor::Ignored);
        black_box(parsed.is_ok());
    });
    time("parse Signature-Input", calls, || {
        black_box(SignatureParams::parse_signature_input(black_box(&input)).expect("valid"));
    });
    time("signature base", calls, || {
        let base = signature_base(&view, None, black_box(&params), &field_types, &limits);
        black_box(base.expect("valid base"));
    });
    time("HMAC check of the base", calls, || {
        black_box(
            verifying_key
                .verify(black_box(base.as_bytes()), black_box(&tag))
                .is_ok(),
        );
    });
    time("Content-Digest check", calls, || {
        black_box(verify_content_digest(black_box(&digest), black_box(&fixture.body)).is_ok());
    });
}

/// Returns the value of a header field of the signed request.
fn field(headers: &http::HeaderMap, name: &str) -> Vec<u8> {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("the signed request has no {name} field"))
        .as_bytes()
        .to_vec()
}

/// Prints the fastest round of `calls` calls of `step`, in nanoseconds per call.
fn time(name: &str, calls: usize, mut step: impl FnMut()) {
    let mut fastest = f64::MAX;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..calls {
            step();
        }
        fastest = fastest.min(start.elapsed().as_secs_f64() * 1e9 / calls as f64);
    }
    println!("{name:>28}: {fastest:8.1}");
}
