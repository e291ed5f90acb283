//! Property tests: signing then verifying holds for arbitrary requests, any
//! change to what is covered breaks verification, and inputs that differ only
//! in what RFC 9421 normalises give the same signature base.

use std::sync::Arc;

use proptest::prelude::*;
use reqsig::clock::FixedClock;
use reqsig::components::{ComponentId, FieldTypes};
use reqsig::message::{TargetContext, ToMessageView};
use reqsig::{Algorithm, Limits, Message, Policy, Signer, SigningKey, StaticKey, Verifier, signature_base};

const NOW: u64 = 1_700_000_000;

#[derive(Clone, Debug)]
struct RequestSpec {
    method: String,
    host: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn token() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,11}"
}

fn request_spec() -> impl Strategy<Value = RequestSpec> {
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH", "QUERY"]),
        "[a-z]{1,10}(\\.[a-z]{2,5}){1,2}",
        prop::collection::vec("[A-Za-z0-9._~%-]{1,8}", 0..4),
        prop::option::of("[A-Za-z0-9=&%+._-]{0,24}"),
        prop::collection::vec((token(), "[ -~]{0,24}"), 0..4),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(method, host, segments, query, headers, body)| RequestSpec {
            method: method.to_owned(),
            host,
            path: format!("/{}", segments.join("/")),
            query,
            headers: headers
                .into_iter()
                .filter(|(name, _)| {
                    !name.starts_with("signature") && name != "content-digest" && name != "host"
                })
                .map(|(name, value)| (format!("x-{name}"), value))
                .collect(),
            body,
        })
}

fn build(spec: &RequestSpec) -> Message {
    let target = match &spec.query {
        Some(query) => format!("{}?{query}", spec.path),
        None => spec.path.clone(),
    };
    let mut message = Message::request(spec.method.clone(), target).with_header("Host", spec.host.clone());
    for (name, value) in &spec.headers {
        message = message.with_header(name.clone(), value.trim().as_bytes());
    }
    message.with_body(spec.body.clone())
}

fn signer(key: &SigningKey, extra: &[ComponentId]) -> Signer {
    let mut builder = Signer::builder(key.clone())
        .key_id("k1")
        .clock(Arc::new(FixedClock(NOW)));
    if !extra.is_empty() {
        let mut components = reqsig::Policy::default()
            .request_components
            .iter()
            .map(|r| r.0[0].clone())
            .collect::<Vec<_>>();
        components.push(ComponentId::field("content-digest").unwrap());
        components.extend(extra.iter().cloned());
        builder = builder.components(components);
    }
    builder.build().unwrap()
}

fn verify(message: &Message, key: &SigningKey) -> Result<reqsig::Verified, reqsig::Error> {
    let resolver = StaticKey::new("k1", key.verifying_key());
    let view = message.to_view(&TargetContext::default())?;
    Verifier::new(Policy::server())
        .clock(Arc::new(FixedClock(NOW)))
        .verify(&view, None, &resolver)
}

fn key() -> SigningKey {
    SigningKey::from_ed25519_seed(&[7u8; 32]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn sign_then_verify_holds(spec in request_spec()) {
        let key = key();
        let mut message = build(&spec);
        signer(&key, &[]).sign_message(&mut message, None).unwrap();
        let verified = verify(&message, &key);
        prop_assert!(verified.is_ok(), "{:?}", verified);
    }

    #[test]
    fn hmac_sign_then_verify_holds(spec in request_spec()) {
        let key = SigningKey::hmac_sha256(&[9u8; 32]).unwrap();
        let mut message = build(&spec);
        signer(&key, &[]).sign_message(&mut message, None).unwrap();
        prop_assert!(verify(&message, &key).is_ok());
    }

    #[test]
    fn changed_covered_component_fails(spec in request_spec(), which in 0usize..6, extra in "[a-z]{1,6}") {
        let key = key();
        let covered_header = spec.headers.first().map(|(name, _)| ComponentId::field(name).unwrap());
        let mut message = build(&spec);
        signer(&key, covered_header.as_slice()).sign_message(&mut message, None).unwrap();
        let mut changed = message.clone();
        match which {
            0 => {
                let method = if spec.method == "GET" { "POST" } else { "GET" };
                changed.start = reqsig::StartLine::Request { method: method.to_owned(), target: target_of(&changed) };
            }
            1 => changed.set_header("Host", format!("{extra}.{}", spec.host)),
            2 => {
                let target = target_of(&changed);
                let (path, query) = target.split_once('?').map_or((target.as_str(), None), |(p, q)| (p, Some(q)));
                let new = match query {
                    Some(q) => format!("{path}/{extra}?{q}"),
                    None => format!("{path}/{extra}"),
                };
                changed.start = reqsig::StartLine::Request { method: spec.method.clone(), target: new };
            }
            3 => {
                let target = target_of(&changed);
                changed.start = reqsig::StartLine::Request { method: spec.method.clone(), target: format!("{target}{}{extra}", if target.contains('?') { "&" } else { "?" }) };
            }
            4 => {
                let mut body = spec.body.clone();
                body.push(b'!');
                changed.body = body;
            }
            _ => match &covered_header {
                Some(id) => changed.set_header(id.name(), format!("{extra}-changed")),
                None => changed.body.push(b'?'),
            },
        }
        prop_assert!(verify(&changed, &key).is_err());
    }

    #[test]
    fn changed_parameter_or_signature_fails(spec in request_spec(), bit in 0usize..512) {
        let key = key();
        let mut message = build(&spec);
        let headers = signer(&key, &[]).sign_message(&mut message, None).unwrap();

        let mut changed_input = message.clone();
        let input = headers.signature_input.replace("created=1700000000", "created=1700000001");
        changed_input.set_header("Signature-Input", input.as_bytes());
        prop_assert!(verify(&changed_input, &key).is_err());

        let mut changed_signature = message.clone();
        let raw = headers.signature.trim_start_matches("sig1=:").trim_end_matches(':');
        let mut bytes = base64_decode(raw);
        let index = (bit / 8) % bytes.len();
        bytes[index] ^= 1 << (bit % 8);
        changed_signature.set_header("Signature", format!("sig1=:{}:", base64_encode(&bytes)).as_bytes());
        prop_assert!(verify(&changed_signature, &key).is_err());
    }

    #[test]
    fn normalised_inputs_same_base(spec in request_spec(), fold in any::<bool>(), upper in any::<bool>()) {
        let components = ComponentId::parse_list(r#""@method" "@authority" "@path" "@query" "x-probe""#).unwrap();
        let mut params = reqsig::SignatureParams::new(components);
        params.set_created(NOW).unwrap();

        let plain = build(&spec).with_header("x-probe", "alpha beta");
        let host = if upper { spec.host.to_ascii_uppercase() } else { spec.host.clone() };
        let probe: &[u8] = if fold { b"  alpha\r\n   beta\t" } else { b"\t alpha beta  " };
        let mut varied = build(&spec);
        varied.set_header("HOST", format!("{host}:443"));
        let varied = varied.with_header("X-Probe", probe);

        let context = TargetContext::default();
        let types = FieldTypes::default();
        let limits = Limits::default();
        let base_plain = signature_base(&plain.to_view(&context).unwrap(), None, &params, &types, &limits).unwrap();
        let base_varied = signature_base(&varied.to_view(&context).unwrap(), None, &params, &types, &limits).unwrap();
        prop_assert_eq!(base_plain, base_varied);
    }
}

fn target_of(message: &Message) -> String {
    match &message.start {
        reqsig::StartLine::Request { target, .. } => target.clone(),
        reqsig::StartLine::Response { .. } => String::new(),
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn algorithm_default_is_ed25519() {
    assert_eq!(key().algorithm(), Algorithm::Ed25519);
}
