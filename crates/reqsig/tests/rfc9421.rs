//! RFC 9421 Appendix B and sections 2.4, 4.3 and B.3/B.4: every signature base
//! is rebuilt byte for byte, deterministic signatures are reproduced, and every
//! signature verifies (or fails, where the RFC says it must).

mod common;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{context_of, message_from_parts, signing_key, vectors, verifying_key};
use reqsig::clock::FixedClock;
use reqsig::components::FieldTypes;
use reqsig::message::ToMessageView;
use reqsig::{Algorithm, Limits, Policy, Selection, SignatureParams, StaticKey, Verifier, signature_base};
use serde_json::Value;

fn cases() -> Vec<Value> {
    vectors("rfc9421.json")["cases"]
        .as_array()
        .expect("cases")
        .clone()
}

fn algorithm_of(case: &Value) -> Algorithm {
    case["algorithm"]
        .as_str()
        .expect("algorithm")
        .parse()
        .expect("known algorithm")
}

fn params_of(case: &Value) -> SignatureParams {
    let label = case["label"].as_str().expect("label");
    let members =
        SignatureParams::parse_signature_input(case["signature_input"].as_str().expect("input").as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e}", case["name"]));
    members
        .into_iter()
        .find(|(l, _)| l == label)
        .map(|(_, params)| params)
        .expect("label in signature_input")
}

fn request_of(case: &Value) -> Option<reqsig::Message> {
    case.get("request_parts").map(message_from_parts)
}

#[test]
fn signature_bases_match_byte_for_byte() {
    let mut checked = 0;
    for case in cases() {
        let name = case["name"].as_str().unwrap();
        let parts = &case["message_parts"];
        let message = message_from_parts(parts);
        let context = context_of(parts);
        let view = message.to_view(&context).unwrap();
        let request = request_of(&case);
        let request_view = request.as_ref().map(|r| r.to_view(&context).unwrap());
        let params = params_of(&case);
        assert_eq!(
            params.serialize(),
            case["signature_params_value"].as_str().unwrap(),
            "{name}: @signature-params"
        );
        let base = signature_base(
            &view,
            request_view.as_ref(),
            &params,
            &FieldTypes::default(),
            &Limits::default(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            base,
            case["signature_base"].as_str().unwrap(),
            "{name}: signature base"
        );
        checked += 1;
    }
    assert_eq!(checked, 19);
}

#[test]
fn deterministic_signatures_reproduced() {
    let keys = vectors("rfc9421.json")["keys"].clone();
    let mut reproduced = 0;
    for case in cases() {
        let algorithm = algorithm_of(&case);
        if !matches!(algorithm, Algorithm::Ed25519 | Algorithm::HmacSha256) || case["expect_valid"] != true {
            continue;
        }
        let name = case["name"].as_str().unwrap();
        let key = signing_key(&keys, case["keyid"].as_str().unwrap(), algorithm);
        let signature = key
            .sign(case["signature_base"].as_str().unwrap().as_bytes())
            .unwrap();
        assert_eq!(
            STANDARD.encode(signature),
            case["signature_base64"].as_str().unwrap(),
            "{name}: signature"
        );
        reproduced += 1;
    }
    // B.2.5 (HMAC), B.2.6 and B.4 variants 1 to 4 (Ed25519).
    assert_eq!(reproduced, 6);
}

#[test]
fn every_signature_verifies_or_fails_as_the_rfc_says() {
    let keys = vectors("rfc9421.json")["keys"].clone();
    let mut checked = 0;
    for case in cases() {
        let algorithm = algorithm_of(&case);
        if !algorithm.is_supported() {
            continue;
        }
        let name = case["name"].as_str().unwrap();
        let label = case["label"].as_str().unwrap();
        let parts = &case["message_parts"];
        let mut message = message_from_parts(parts);
        message.set_header(
            "Signature-Input",
            case["signature_input"].as_str().unwrap().as_bytes(),
        );
        message.set_header("Signature", case["signature"].as_str().unwrap().as_bytes());
        let context = context_of(parts);
        let view = message.to_view(&context).unwrap();
        let request = request_of(&case);
        let request_view = request.as_ref().map(|r| r.to_view(&context).unwrap());

        let keyid = case["keyid"].as_str().unwrap();
        let resolver = StaticKey::new(keyid, verifying_key(&keys, keyid, algorithm));
        let created = params_of(&case).created().unwrap_or(0);
        let verifier = Verifier::new(Policy::permissive())
            .select(Selection::Label(label.to_owned()))
            .clock(Arc::new(FixedClock(created)));
        let result = verifier.verify(&view, request_view.as_ref(), &resolver);
        if case["expect_valid"] == true {
            let verified = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(verified.label, label, "{name}");
            assert_eq!(verified.algorithm, algorithm, "{name}");
        } else {
            let error = result.expect_err(name);
            assert_eq!(error.code(), "invalid_signature", "{name}: {error}");
        }
        checked += 1;
    }
    // Without the ECDSA and RSA features: seven Ed25519 cases and one HMAC case.
    let expected = if cfg!(all(feature = "ecdsa", feature = "rsa")) {
        19
    } else {
        8
    };
    assert_eq!(checked, expected);
}

#[test]
fn changed_vector_byte_fails() {
    let keys = vectors("rfc9421.json")["keys"].clone();
    let case = cases()
        .into_iter()
        .find(|c| c["name"] == "rfc9421-b.2.6")
        .unwrap();
    let base = case["signature_base"]
        .as_str()
        .unwrap()
        .replacen("example.com", "example.org", 1);
    let key = verifying_key(&keys, "test-key-ed25519", Algorithm::Ed25519);
    let signature = STANDARD
        .decode(case["signature_base64"].as_str().unwrap())
        .unwrap();
    assert!(key.verify(base.as_bytes(), &signature).is_err());
}
