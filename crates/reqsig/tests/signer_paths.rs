//! The signer writes the parameters of most configurations from a template
//! prepared when it is built, and builds `SignatureParams` only for
//! `Signer::prepare` and for configurations the template does not handle.
//! Both paths must produce the same bytes; these tests compare them.

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use reqsig::clock::FixedClock;
use reqsig::components::ComponentId;
use reqsig::message::{TargetContext, ToMessageView};
use reqsig::{Nonce, Policy, SignatureParams, Signer, SignerBuilder, SigningKey, StaticKey, Verifier};
use sfv::{BareItem, Decimal, Integer, Token};

const NOW: u64 = 1_700_000_000;

fn key() -> SigningKey {
    SigningKey::from_ed25519_seed(&[3; 32]).unwrap()
}

fn request(with_body: bool) -> http::Request<Vec<u8>> {
    let builder = http::Request::post("https://Example.com:443/orders/7?id=1&x=%20y")
        .header("content-type", "application/json")
        .header("x-custom", " padded value\t")
        .header("x-custom", "second line");
    let body = if with_body {
        br#"{"n":1}"#.to_vec()
    } else {
        Vec::new()
    };
    builder.body(body).unwrap()
}

/// Signs with both paths and checks that the base and `Signature-Input` agree.
fn assert_paths_agree(builder: SignerBuilder, with_body: bool) {
    let signer = builder.clock(Arc::new(FixedClock(NOW))).build().unwrap();
    let mut message = request(with_body);
    // Adds the Content-Digest first, as `sign_request` does, so both paths see it.
    signer.sign_request(&mut message).unwrap();
    message.headers_mut().remove("signature-input");
    message.headers_mut().remove("signature");

    let view = message.to_view(&TargetContext::default()).unwrap();
    let prepared = signer.prepare(&view, None).unwrap();
    let headers = signer.headers_for(&view, None).unwrap();
    assert_eq!(headers.base, prepared.base());
    let finished = prepared.clone().finish(&[0; 64]);
    assert_eq!(headers.signature_input, finished.signature_input);
    assert_eq!(headers.label, finished.label);
}

fn components(list: &str) -> Vec<ComponentId> {
    ComponentId::parse_list(list).unwrap()
}

#[test]
fn default_components_agree() {
    for with_body in [false, true] {
        assert_paths_agree(
            Signer::builder(key()).nonce(Nonce::Fixed("n-1".into())),
            with_body,
        );
        assert_paths_agree(Signer::builder(key()).nonce(Nonce::None), with_body);
    }
}

#[test]
fn configured_parameters_agree() {
    let list = components(r#""@method" "@target-uri" "x-custom" "content-type" "@query-param";name="id""#);
    let builders = [
        Signer::builder(key()).components(list.clone()).nonce(Nonce::None),
        Signer::builder(key())
            .components(list.clone())
            .without_created()
            .nonce(Nonce::Fixed(r#"quote " and \ backslash"#.into())),
        Signer::builder(key())
            .components(list.clone())
            .key_id(r#"key "one""#)
            .expires_in(Duration::from_secs(300))
            .alg_parameter(true)
            .tag("app-1")
            .nonce(Nonce::Fixed("abc".into()))
            .label("sig-b"),
        Signer::builder(key())
            .components(Vec::new())
            .nonce(Nonce::None)
            .parameter("flag", BareItem::Boolean(true))
            .parameter("off", BareItem::Boolean(false))
            .parameter("count", BareItem::Integer(Integer::constant(-12)))
            .parameter("ratio", BareItem::Decimal(Decimal::try_from(1.5).unwrap()))
            .parameter(
                "kind",
                BareItem::Token(Token::from_string("a:b/c".to_owned()).unwrap()),
            )
            .parameter("bytes", BareItem::ByteSequence(vec![1, 2, 3])),
        // Extra parameters that repeat a name take the general path; they
        // must still agree with `prepare`.
        Signer::builder(key())
            .components(list.clone())
            .nonce(Nonce::None)
            .parameter("created", BareItem::Integer(Integer::constant(5))),
        Signer::builder(key())
            .components(list)
            .nonce(Nonce::None)
            .parameter("x", BareItem::Integer(Integer::constant(1)))
            .parameter("x", BareItem::Integer(Integer::constant(2))),
    ];
    for builder in builders {
        assert_paths_agree(builder, true);
    }
}

#[test]
fn random_nonce_signature_verifies() {
    let signer = Signer::builder(key())
        .key_id("k")
        .clock(Arc::new(FixedClock(NOW)))
        .build()
        .unwrap();
    let mut message = request(true);
    let headers = signer.sign_request(&mut message).unwrap();
    let members = SignatureParams::parse_signature_input(headers.signature_input.as_bytes()).unwrap();
    let nonce = members[0].1.nonce().unwrap();
    assert_eq!(nonce.len(), 22);
    assert!(headers.base.ends_with(&headers.signature_input["sig1=".len()..]));
    let keys = StaticKey::new("k", key().verifying_key());
    let verifier = Verifier::new(Policy::server()).clock(Arc::new(FixedClock(NOW)));
    assert_eq!(
        verifier.verify_request(&message, &keys).unwrap().nonce(),
        Some(nonce)
    );
}

proptest! {
    #[test]
    fn arbitrary_strings_agree(
        key_id in "[ -~]{0,16}",
        tag in prop::option::of("[ -~]{0,16}"),
        nonce in "[ -~]{0,16}",
        expires in prop::option::of(0u64..100_000),
    ) {
        let mut builder = Signer::builder(key()).key_id(key_id).nonce(Nonce::Fixed(nonce));
        if let Some(tag) = tag {
            builder = builder.tag(tag);
        }
        if let Some(seconds) = expires {
            builder = builder.expires_in(Duration::from_secs(seconds));
        }
        assert_paths_agree(builder, true);
    }
}
