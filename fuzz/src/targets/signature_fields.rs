//! `Signature-Input`, `Signature` and `Accept-Signature` parsing.
//!
//! Input: the `Signature-Input` value, LF, the `Signature` value. The first
//! value is also parsed as `Accept-Signature`, which shares its syntax.

use std::sync::Arc;

use reqsig::accept::{parse_accept_signature, serialize_accept_signature};
use reqsig::clock::FixedClock;
use reqsig::message::{TargetContext, ToMessageView};
use reqsig::{Policy, Selection, SignatureParams, Verifier};

use super::fixtures::{NOW, field_types, request, test_keys};
use super::split_line;

/// Runs the target on one input.
pub fn run(data: &[u8]) {
    let (input, signature) = split_line(data);
    check_signature_input(input);
    check_accept_signature(input);
    verify_on_request(input, signature);
}

/// Checks that each parsed member serializes to text that parses back to the same member.
fn check_signature_input(input: &[u8]) {
    let Ok(members) = SignatureParams::parse_signature_input(input) else {
        return;
    };
    for (index, (label, params)) in members.iter().enumerate() {
        assert!(
            members[..index].iter().all(|(earlier, _)| earlier != label),
            "label {label:?} was accepted twice"
        );
        let serialized = params.serialize();
        let reparsed = SignatureParams::parse(&serialized)
            .unwrap_or_else(|error| panic!("{serialized:?} does not parse again: {error}"));
        assert_eq!(reparsed, *params, "{serialized:?} parses to other parameters");
        assert_eq!(reparsed.serialize(), serialized);
    }
}

/// Checks the same round trip for the input read as `Accept-Signature`.
fn check_accept_signature(input: &[u8]) {
    let Ok(requests) = parse_accept_signature(input) else {
        return;
    };
    let serialized = serialize_accept_signature(&requests);
    let reparsed = parse_accept_signature(serialized.as_bytes())
        .unwrap_or_else(|error| panic!("{serialized:?} does not parse again: {error}"));
    assert_eq!(reparsed, requests, "{serialized:?} parses to other requests");
}

/// Puts both fields on the fixture request and verifies every signature
/// against the RFC 9421 test keys.
fn verify_on_request(input: &[u8], signature: &[u8]) {
    let message = request()
        .clone()
        .with_header("Signature-Input", input)
        .with_header("Signature", signature);
    let Ok(view) = message.to_view(&TargetContext::default()) else {
        return;
    };
    let verifier = Verifier::new(Policy::permissive())
        .select(Selection::All)
        .clock(Arc::new(FixedClock(NOW)))
        .field_types(field_types());
    match verifier.verify(&view, None, test_keys()) {
        // A signature over nothing but its parameters can verify here, as
        // the one of RFC 9421 Appendix B.2.1 does, but only under a known key.
        Ok(verified) => assert!(
            test_keys().contains_key(&verified.keyid),
            "verified under the unknown key id {:?}",
            verified.keyid
        ),
        Err(error) => assert!(!error.code().is_empty()),
    }
}
