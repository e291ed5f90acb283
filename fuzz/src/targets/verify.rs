//! Full verification of an arbitrary message against the RFC 9421 test keys.
//!
//! Input: a raw HTTP/1.1 message, as the command line reads it. The seeds are
//! the signed messages of RFC 9421, which verify, so mutations reach every
//! step after the signature check too.

use std::sync::Arc;

use reqsig::clock::FixedClock;
use reqsig::message::{TargetContext, ToMessageView, wire};
use reqsig::policy::DEFAULT_FUTURE_SKEW;
use reqsig::{Policy, Selection, Verified, Verifier};

use super::fixtures::{NOW, field_types, test_keys};

/// Runs the target on one input.
pub fn run(data: &[u8]) {
    let Ok(message) = wire::parse(data) else {
        return;
    };
    let Ok(view) = message.to_view(&TargetContext::default()) else {
        return;
    };
    for (policy, selection) in [
        (Policy::permissive(), Selection::All),
        (Policy::permissive(), Selection::Any),
        (Policy::server(), Selection::Any),
    ] {
        let verifier = Verifier::new(policy)
            .select(selection)
            .clock(Arc::new(FixedClock(NOW)))
            .field_types(field_types());
        match verifier.verify(&view, None, test_keys()) {
            Ok(verified) => check_verified(&verified, view.body()),
            Err(error) => assert!(!error.code().is_empty()),
        }
    }
}

fn check_verified(verified: &Verified, body: Option<&[u8]>) {
    let key = test_keys()
        .get(&verified.keyid)
        .unwrap_or_else(|| panic!("verified under the unknown key id {:?}", verified.keyid));
    assert_eq!(verified.algorithm, key.algorithm());
    if let Some(alg) = verified.params.alg() {
        assert_eq!(
            alg,
            key.algorithm().name(),
            "the alg parameter differs from the key's algorithm"
        );
    }
    if let Some(expires) = verified.expires() {
        assert!(expires >= NOW, "verified after expires {expires}");
    }
    if let Some(created) = verified.created() {
        assert!(
            created <= NOW + DEFAULT_FUTURE_SKEW,
            "verified with created {created} beyond the allowed skew"
        );
    }
    if verified.digest_checked {
        assert!(body.is_some());
        assert!(
            verified
                .components()
                .iter()
                .any(|id| id.name() == "content-digest"),
            "the digest was checked without being covered"
        );
    }
}
