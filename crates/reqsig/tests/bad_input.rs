//! Bad input through the core: the verifier under the server policy and the
//! key loaders. Every case must fail with its own error code or message, and
//! none may panic or be accepted.
//!
//! Cases whose defect the verifier detects only after the signature check carry a
//! valid signature over exactly the defective parameters, so the failure
//! comes from the defect and not from a bad signature.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE_NO_PAD};
use reqsig::clock::FixedClock;
use reqsig::components::{ComponentId, FieldTypes};
use reqsig::message::{TargetContext, ToMessageView};
use reqsig::{
    Algorithm, DigestAlgorithm, Error, KeyError, Limits, Message, Policy, SignatureParams, SigningKey,
    Verified, Verifier, VerifyingKey, content_digest, signature_base,
};

/// The verifier's time, in seconds since the Unix epoch.
const NOW: u64 = 1_700_000_000;

const BODY: &[u8] = br#"{"item":42}"#;

/// What `Policy::server()` requires of a request with a body.
const COVERED: &str = r#""@method" "@authority" "@path" "@query" "content-digest""#;

/// The parameters `Policy::server()` requires, created at [`NOW`].
const PARAMS: &str = r#";created=1700000000;keyid="k1";nonce="n-1""#;

/// A signature value that decodes but verifies nothing, for cases that fail before the signature check.
const ANY_SIGNATURE: &str = "sig1=:AAAA:";

fn signing_key() -> SigningKey {
    SigningKey::from_ed25519_seed(&[7; 32]).unwrap()
}

/// Returns the resolver: the Ed25519 test key under `k1` and an HMAC secret under `hmac`.
fn keys() -> HashMap<String, VerifyingKey> {
    HashMap::from([
        ("k1".to_owned(), signing_key().verifying_key()),
        ("hmac".to_owned(), VerifyingKey::hmac_sha256(&[9; 32]).unwrap()),
    ])
}

/// Builds a POST request with a JSON body and its Content-Digest, not signed yet.
fn request_with_body(body: &[u8]) -> Message {
    Message::request("POST", "/orders?id=7")
        .with_header("Host", "api.example.com")
        .with_header("Content-Type", "application/json")
        .with_header("Content-Digest", content_digest(body, DigestAlgorithm::Sha256))
        .with_header("Content-Length", body.len().to_string())
        .with_body(body)
}

fn request() -> Message {
    request_with_body(BODY)
}

/// Signs `params` over `message` with the Ed25519 test key and returns the
/// `Signature` member's base64. The base is built without limits, so a case
/// can carry a valid signature over more than the verifier accepts.
fn signature_over(message: &Message, params: &SignatureParams) -> String {
    let view = message.to_view(&TargetContext::default()).unwrap();
    let unlimited = Limits {
        max_components: usize::MAX,
        max_header_bytes: usize::MAX,
        max_field_lines: usize::MAX,
        ..Limits::default()
    };
    let base = signature_base(&view, None, params, &FieldTypes::default(), &unlimited)
        .unwrap_or_else(|e| panic!("no signature base for {}: {e}", params.serialize()));
    BASE64.encode(signing_key().sign(base.as_bytes()).unwrap())
}

fn parse_params(inner_list: &str) -> SignatureParams {
    SignatureParams::parse(inner_list).unwrap_or_else(|e| panic!("{inner_list}: {e}"))
}

/// Adds a valid signature labelled `sig1` over `inner_list` (components and parameters, as text).
fn signed(message: Message, inner_list: &str) -> Message {
    signed_params(message, &parse_params(inner_list))
}

fn signed_params(message: Message, params: &SignatureParams) -> Message {
    let signature = signature_over(&message, params);
    with_fields(
        message,
        &format!("sig1={}", params.serialize()),
        &format!("sig1=:{signature}:"),
    )
}

/// Adds one `Signature-Input` line and one `Signature` line, as given.
fn with_fields(message: Message, input: &str, signature: &str) -> Message {
    message
        .with_header("Signature-Input", input)
        .with_header("Signature", signature)
}

fn verify_with(message: &Message, policy: Policy) -> Result<Verified, Error> {
    let view = message.to_view(&TargetContext::default())?;
    Verifier::new(policy)
        .clock(Arc::new(FixedClock(NOW)))
        .verify(&view, None, &keys())
}

fn verify(message: &Message) -> Result<Verified, Error> {
    verify_with(message, Policy::server())
}

/// A message that must fail with the error code `code`.
struct Case {
    name: &'static str,
    message: Message,
    code: &'static str,
}

fn case(name: &'static str, message: Message, code: &'static str) -> Case {
    Case { name, message, code }
}

fn assert_rejected(cases: Vec<Case>) {
    for case in cases {
        match verify(&case.message) {
            Ok(verified) => panic!("{}: accepted (label {})", case.name, verified.label),
            Err(error) => assert_eq!(error.code(), case.code, "{}: {error}", case.name),
        }
    }
}

#[test]
fn valid_request_verifies() {
    let message = signed(request(), &format!("({COVERED}){PARAMS}"));
    let verified = verify(&message).unwrap();
    assert_eq!(verified.keyid, "k1");
    assert!(verified.digest_checked);
}

#[test]
fn malformed_structured_fields() {
    let input = format!("sig1=({COVERED}){PARAMS}");
    assert_rejected(vec![
        case(
            "unterminated inner list",
            with_fields(request(), r#"sig1=("@method""#, ANY_SIGNATURE),
            "malformed_signature_input",
        ),
        case(
            "member is an item",
            with_fields(request(), r#"sig1="@method";created=1"#, ANY_SIGNATURE),
            "malformed_signature_input",
        ),
        case(
            "member without key",
            with_fields(request(), r#"=("@method")"#, ANY_SIGNATURE),
            "malformed_signature_input",
        ),
        case(
            "trailing comma",
            with_fields(request(), &format!("{input},"), ANY_SIGNATURE),
            "malformed_signature_input",
        ),
        case(
            "non-ASCII parameter",
            with_fields(request(), &format!("{input};tag=\"caf\u{e9}\""), ANY_SIGNATURE),
            "malformed_signature_input",
        ),
        case(
            "control character in input",
            with_fields(request(), &format!("{input};tag=\"a\u{1}\""), ANY_SIGNATURE),
            "malformed_signature_input",
        ),
        case(
            "signature is a string",
            with_fields(request(), &input, r#"sig1="AAAA""#),
            "malformed_signature",
        ),
        case(
            "signature is an inner list",
            with_fields(request(), &input, "sig1=(:AAAA:)"),
            "malformed_signature",
        ),
        case(
            "control character in signature",
            with_fields(request(), &input, "sig1=:AA\u{7}A:"),
            "malformed_signature",
        ),
        case(
            "signature without input",
            request().with_header("Signature", ANY_SIGNATURE),
            "malformed_signature_input",
        ),
        case(
            "input without signature",
            request().with_header("Signature-Input", input.clone()),
            "malformed_signature",
        ),
        case(
            "label missing from signature",
            with_fields(request(), &input, "sig2=:AAAA:"),
            "missing_label",
        ),
    ]);
}

#[test]
fn invalid_base64() {
    let inner_list = format!("({COVERED}){PARAMS}");
    let input = format!("sig1={inner_list}");
    let mut bad_digest = request();
    bad_digest.set_header("Content-Digest", "sha-256=:!!!!:");
    let mut url_alphabet = request();
    url_alphabet.set_header("Content-Digest", "sha-256=:_-_-:");
    assert_rejected(vec![
        case(
            "characters outside base64",
            with_fields(request(), &input, "sig1=:not base64!:"),
            "malformed_signature",
        ),
        case(
            "base64url alphabet",
            with_fields(request(), &input, "sig1=:_-_-:"),
            "malformed_signature",
        ),
        case(
            "valid base64 of the wrong length",
            with_fields(request(), &input, ANY_SIGNATURE),
            "invalid_signature",
        ),
        case(
            "64 zero bytes",
            with_fields(request(), &input, &format!("sig1=:{}:", BASE64.encode([0u8; 64]))),
            "invalid_signature",
        ),
        case(
            "digest outside base64",
            signed(bad_digest, &inner_list),
            "malformed_digest",
        ),
        case(
            "digest in base64url",
            signed(url_alphabet, &inner_list),
            "malformed_digest",
        ),
    ]);
}

#[test]
fn signature_errors_explain_base64() {
    let input = format!("sig1=({COVERED}){PARAMS}");
    let error = verify(&with_fields(request(), &input, "sig1=:not base64!:")).unwrap_err();
    let message = error.to_string();
    assert_eq!(error.code(), "malformed_signature", "{message}");
    assert!(message.contains("base64 between colons"), "{message}");
    assert!(
        message.contains("counted in bytes from the start of the field value"),
        "{message}"
    );
}

#[test]
fn empty_input_beside_signature() {
    let error = verify(&with_fields(request(), "", ANY_SIGNATURE)).unwrap_err();
    let message = error.to_string();
    assert_eq!(error.code(), "malformed_signature_input", "{message}");
    assert!(
        message.contains("the Signature-Input field is empty"),
        "{message}"
    );

    // Both fields present and empty: the message is not signed.
    let error = verify(&with_fields(request(), "", "")).unwrap_err();
    assert_eq!(error.code(), "missing_signature", "{error}");
}

#[test]
fn labels_and_components() {
    let inner_list = format!("({COVERED}){PARAMS}");
    let signature = signature_over(&request(), &parse_params(&inner_list));
    let twice_input = format!("sig1={inner_list}, sig1={inner_list}");
    let twice_signature = format!("sig1=:{signature}:, sig1=:{signature}:");
    let one_signature = format!("sig1=:{signature}:");
    let with_component = |extra: &str| format!(r#"sig1=({COVERED} {extra}){PARAMS}"#);
    assert_rejected(vec![
        case(
            "label twice in input",
            with_fields(request(), &twice_input, &one_signature),
            "duplicate_label",
        ),
        case(
            "label twice in signature",
            with_fields(request(), &format!("sig1={inner_list}"), &twice_signature),
            "duplicate_label",
        ),
        case(
            "label without input twice in signature",
            with_fields(
                request(),
                &format!("sig1={inner_list}"),
                &format!("sig1=:{signature}:, sig2=:{signature}:, sig2=:{signature}:"),
            ),
            "duplicate_label",
        ),
        case(
            "label without input not a byte sequence",
            with_fields(
                request(),
                &format!("sig1={inner_list}"),
                &format!("sig1=:{signature}:, sig2=(\"a\")"),
            ),
            "malformed_signature",
        ),
        case(
            "label on two input lines",
            request()
                .with_header("Signature-Input", format!("sig1={inner_list}"))
                .with_header("Signature-Input", format!("sig1={inner_list}"))
                .with_header("Signature", one_signature.clone()),
            "duplicate_label",
        ),
        case(
            "component twice",
            with_fields(request(), &with_component(r#""@method""#), ANY_SIGNATURE),
            "duplicate_component",
        ),
        case(
            "component twice with parameters",
            with_fields(
                request(),
                &with_component(r#""content-digest";sf "content-digest";sf"#),
                ANY_SIGNATURE,
            ),
            "duplicate_component",
        ),
        case(
            "unknown derived component",
            with_fields(request(), &with_component(r#""@fragment""#), ANY_SIGNATURE),
            "unknown_component",
        ),
        case(
            "signature-params covered",
            with_fields(
                request(),
                &with_component(r#""@signature-params""#),
                ANY_SIGNATURE,
            ),
            "invalid_component",
        ),
        case(
            "identifier is a token",
            with_fields(request(), &with_component("host"), ANY_SIGNATURE),
            "invalid_component",
        ),
        case(
            "unknown component parameter",
            with_fields(request(), &with_component(r#""host";x"#), ANY_SIGNATURE),
            "invalid_component",
        ),
        case(
            "uppercase field name",
            with_fields(request(), &with_component(r#""Host""#), ANY_SIGNATURE),
            "invalid_component",
        ),
        case(
            "query-param without name",
            with_fields(request(), &with_component(r#""@query-param""#), ANY_SIGNATURE),
            "invalid_component",
        ),
        case(
            "status in a request",
            with_fields(request(), &with_component(r#""@status""#), ANY_SIGNATURE),
            "component_not_applicable",
        ),
        case(
            "absent field",
            with_fields(request(), &with_component(r#""x-absent""#), ANY_SIGNATURE),
            "missing_component",
        ),
    ]);
}

#[test]
fn header_value_bytes() {
    let input = format!(r#"sig1=({COVERED} "x-note"){PARAMS}"#);
    let note = |value: &[u8]| with_fields(request().with_header("X-Note", value), &input, ANY_SIGNATURE);
    let mut non_ascii_host = request();
    non_ascii_host.set_header("Host", "b\u{fc}cher.example");
    assert_rejected(vec![
        case(
            "non-ASCII value",
            note("caf\u{e9}".as_bytes()),
            "invalid_component",
        ),
        case("latin-1 byte", note(b"caf\xe9"), "invalid_component"),
        case("control character", note(b"a\x07b"), "invalid_component"),
        case("NUL", note(b"a\x00b"), "invalid_component"),
        case(
            "line break that forges a base line",
            note(b"x\n\"@method\": GET"),
            "invalid_component",
        ),
        case("bare CR", note(b"x\ry"), "invalid_component"),
        case(
            "non-ASCII host",
            with_fields(
                non_ascii_host,
                &format!("sig1=({COVERED}){PARAMS}"),
                ANY_SIGNATURE,
            ),
            "invalid_message",
        ),
        case(
            "non-ASCII path",
            with_fields(
                Message::request("POST", "/b\u{fc}cher?id=7")
                    .with_header("Host", "api.example.com")
                    .with_header("Content-Digest", content_digest(BODY, DigestAlgorithm::Sha256))
                    .with_body(BODY),
                &format!("sig1=({COVERED}){PARAMS}"),
                ANY_SIGNATURE,
            ),
            "invalid_component",
        ),
    ]);
}

#[test]
fn created_and_expires_values() {
    let unsigned = |params: &str| {
        with_fields(
            request(),
            &format!(r#"sig1=({COVERED});keyid="k1";nonce="n-1"{params}"#),
            ANY_SIGNATURE,
        )
    };
    let signed_with = |params: &str| {
        signed(
            request(),
            &format!(r#"({COVERED});keyid="k1";nonce="n-1"{params}"#),
        )
    };
    assert_rejected(vec![
        case("negative created", unsigned(";created=-1"), "invalid_parameter"),
        case(
            "fractional created",
            unsigned(";created=1700000000.5"),
            "invalid_parameter",
        ),
        case(
            "string created",
            unsigned(r#";created="1700000000""#),
            "invalid_parameter",
        ),
        case("boolean created", unsigned(";created"), "invalid_parameter"),
        case(
            "created beyond 15 digits",
            unsigned(";created=1000000000000000"),
            "malformed_signature_input",
        ),
        case(
            "huge created",
            signed_with(";created=999999999999999"),
            "created_in_future",
        ),
        case("created in 1970", signed_with(";created=0"), "too_old"),
        case(
            "negative expires",
            unsigned(";created=1700000000;expires=-5"),
            "invalid_parameter",
        ),
        case(
            "fractional expires",
            unsigned(";created=1700000000;expires=1700000100.25"),
            "invalid_parameter",
        ),
        case(
            "expires beyond 15 digits",
            unsigned(";created=1700000000;expires=1000000000000000"),
            "malformed_signature_input",
        ),
        case(
            "expires before created",
            unsigned(";created=1700000000;expires=1699999999"),
            "invalid_parameter",
        ),
        case(
            "expired",
            signed_with(";created=1699999900;expires=1699999999"),
            "expired",
        ),
    ]);
}

#[test]
fn wrong_keys_and_algorithms() {
    let with_params = |params: &str| {
        signed(
            request(),
            &format!(r#"({COVERED});created=1700000000;nonce="n-1"{params}"#),
        )
    };
    assert_rejected(vec![
        case(
            "Ed25519 signature, HMAC key",
            with_params(r#";keyid="hmac""#),
            "invalid_signature",
        ),
        case(
            "alg of another key type",
            with_params(r#";keyid="k1";alg="hmac-sha256""#),
            "algorithm_mismatch",
        ),
        case(
            "unknown alg",
            with_params(r#";keyid="k1";alg="ed448""#),
            "algorithm_mismatch",
        ),
        case("unknown key id", with_params(r#";keyid="k2""#), "unknown_key"),
        case(
            "keyid is a token",
            with_fields(
                request(),
                &format!("sig1=({COVERED});created=1700000000;nonce=\"n-1\";keyid=k1"),
                ANY_SIGNATURE,
            ),
            "invalid_parameter",
        ),
    ]);

    let policy = Policy {
        allowed_algorithms: Some(vec![Algorithm::HmacSha256]),
        ..Policy::server()
    };
    let error = verify_with(&with_params(r#";keyid="k1""#), policy).unwrap_err();
    assert_eq!(error.code(), "algorithm_not_allowed");
}

#[test]
fn content_digest_values() {
    let inner_list = format!("({COVERED}){PARAMS}");
    let mut empty_body = request();
    empty_body.body.clear();
    empty_body.remove_header("Content-Length");
    let mut changed_body = signed(request(), &inner_list);
    changed_body.body = br#"{"item":43}"#.to_vec();
    let with_digest = |value: &str| {
        let mut message = request();
        message.set_header("Content-Digest", value);
        signed(message, &inner_list)
    };
    let mut absent = request();
    absent.remove_header("Content-Digest");
    let two_lines = request().with_header(
        "Content-Digest",
        content_digest(b"other", DigestAlgorithm::Sha256),
    );
    assert_rejected(vec![
        case(
            "digest of another body, empty body",
            signed(empty_body, &inner_list),
            "digest_mismatch",
        ),
        case("body changed after signing", changed_body, "digest_mismatch"),
        case(
            "digest is a token",
            with_digest("sha-256=abc"),
            "malformed_digest",
        ),
        case(
            "only md5",
            with_digest("md5=:AAAAAAAAAAAAAAAAAAAAAA==:"),
            "digest_unsupported",
        ),
        case("empty digest", with_digest(""), "malformed_digest"),
        case(
            "algorithm on two lines",
            signed(two_lines, &inner_list),
            "malformed_digest",
        ),
        case(
            "covered but absent",
            with_fields(absent, &format!("sig1={inner_list}"), ANY_SIGNATURE),
            "missing_component",
        ),
        case(
            "body without covered digest",
            signed(
                request(),
                r#"("@method" "@authority" "@path" "@query");created=1700000000;keyid="k1";nonce="n-1""#,
            ),
            "component_not_covered",
        ),
    ]);
}

#[test]
fn limit_defaults() {
    let limits = Limits::default();
    assert_eq!(limits.max_header_bytes, 8192);
    assert_eq!(limits.max_field_lines, 16);
    assert_eq!(limits.max_signatures, 8);
    assert_eq!(limits.max_components, 32);
    assert_eq!(limits.max_nonce_bytes, 128);
    assert_eq!(limits.max_body_bytes, 1024 * 1024);
}

/// `count` copies of one valid signature under the labels sig1, sig2, ...:
/// the label is not part of the signature base, so each of them verifies.
fn repeated_signature(count: usize) -> Message {
    let inner_list = format!("({COVERED}){PARAMS}");
    let signature = signature_over(&request(), &parse_params(&inner_list));
    let inputs: Vec<String> = (1..=count).map(|i| format!("sig{i}={inner_list}")).collect();
    let signatures: Vec<String> = (1..=count).map(|i| format!("sig{i}=:{signature}:")).collect();
    with_fields(request(), &inputs.join(", "), &signatures.join(", "))
}

/// Builds a request with `count` covered components that all exist, and signs it.
fn covering(count: usize) -> Message {
    let extra = count - 5;
    let mut message = request();
    let mut names = Vec::with_capacity(extra);
    for i in 0..extra {
        message = message.with_header(format!("X-F{i}"), "v");
        names.push(format!("\"x-f{i}\""));
    }
    // `SignatureParams::parse` applies the component limit, `parse_list` does not.
    let components = ComponentId::parse_list(&format!("{COVERED} {}", names.join(" "))).unwrap();
    let mut params = SignatureParams::new(components);
    params.set_created(NOW).unwrap();
    params.set_keyid("k1").unwrap();
    params.set_nonce("n-1").unwrap();
    signed_params(message, &params)
}

fn with_nonce(length: usize) -> Message {
    let nonce = "n".repeat(length);
    signed(
        request(),
        &format!(r#"({COVERED});created=1700000000;keyid="k1";nonce="{nonce}""#),
    )
}

fn with_body_length(length: usize) -> Message {
    signed(
        request_with_body(&vec![b'x'; length]),
        &format!("({COVERED}){PARAMS}"),
    )
}

#[test]
fn limits_at_maximum_pass() {
    assert!(verify(&repeated_signature(8)).is_ok(), "8 signatures");
    assert!(verify(&covering(32)).is_ok(), "32 components");
    assert!(verify(&with_nonce(128)).is_ok(), "128-byte nonce");
    assert!(verify(&with_body_length(1024 * 1024)).is_ok(), "1 MiB body");
}

#[test]
fn limits_exceeded() {
    let inner_list = format!("({COVERED}){PARAMS}");
    let padded = format!("sig1={inner_list};pad=\"{}\"", "p".repeat(8192));
    let mut many_lines = request();
    for i in 0..17 {
        many_lines = many_lines.with_header("Signature-Input", format!("s{i}={inner_list}"));
    }
    many_lines = many_lines.with_header("Signature", ANY_SIGNATURE);
    let long_field = with_fields(
        request().with_header("X-Long", "v".repeat(8193)),
        &format!(r#"sig1=({COVERED} "x-long"){PARAMS}"#),
        ANY_SIGNATURE,
    );
    assert_rejected(vec![
        case(
            "Signature-Input over 8192 bytes",
            with_fields(request(), &padded, ANY_SIGNATURE),
            "header_too_large",
        ),
        case("covered field over 8192 bytes", long_field, "header_too_large"),
        case("17 Signature-Input lines", many_lines, "too_many_field_lines"),
        case("9 signatures", repeated_signature(9), "too_many_signatures"),
        case("33 components", covering(33), "too_many_components"),
        case("129-byte nonce", with_nonce(129), "nonce_too_long"),
        case(
            "body over 1 MiB",
            with_body_length(1024 * 1024 + 1),
            "body_too_large",
        ),
    ]);
}

/// A key loader call that must fail with a message containing `fragment`.
fn assert_key_error<T>(name: &str, result: Result<T, KeyError>, fragment: &str) {
    match result {
        Ok(_) => panic!("{name}: the key loaded"),
        Err(error) => assert!(
            error.to_string().contains(fragment),
            "{name}: {error:?} does not mention {fragment:?}"
        ),
    }
}

/// The Ed25519 test key of RFC 9421 Appendix B.1.4, as SPKI PEM.
const ED25519_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
    MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n\
    -----END PUBLIC KEY-----\n";

#[test]
fn key_lengths_and_types() {
    assert_key_error(
        "31-byte Ed25519 key",
        VerifyingKey::ed25519(&[1; 31]),
        "got 31 bytes",
    );
    assert_key_error(
        "33-byte Ed25519 seed",
        SigningKey::from_ed25519_seed(&[1; 33]),
        "got 33 bytes",
    );
    assert_key_error(
        "16-byte HMAC secret",
        VerifyingKey::hmac_sha256(&[1; 16]),
        "got 16 bytes",
    );
    assert_key_error("empty HMAC secret", SigningKey::hmac_sha256(&[]), "got 0 bytes");
    assert_key_error(
        "Ed25519 key as ECDSA",
        VerifyingKey::from_pem(ED25519_PEM, Some(Algorithm::EcdsaP256Sha256)),
        "does not fit",
    );
    assert_key_error(
        "public key for signing",
        SigningKey::from_pem(ED25519_PEM, None),
        "signing needs the private key",
    );
    assert_key_error("raw 32 bytes", VerifyingKey::load(&[0x42; 32], None), "not PEM");
    assert_key_error("empty input", VerifyingKey::load(b"", None), "the input is empty");
    assert_key_error(
        "blank lines",
        SigningKey::load(b"\n  \n", None),
        "the input is empty",
    );
}

#[test]
fn truncated_and_broken_pem() {
    let cut = &ED25519_PEM[..ED25519_PEM.len() / 2];
    assert_key_error(
        "PEM cut in half",
        VerifyingKey::from_pem(cut, None),
        "invalid PEM key",
    );
    let no_end = ED25519_PEM.replace("-----END PUBLIC KEY-----\n", "");
    assert_key_error(
        "PEM without END line",
        VerifyingKey::from_pem(&no_end, None),
        "invalid PEM key",
    );
    let bad_base64 = ED25519_PEM.replace("MCow", "M*ow");
    assert_key_error(
        "PEM with bad base64",
        VerifyingKey::from_pem(&bad_base64, None),
        "invalid PEM key",
    );
    let short_der = ED25519_PEM.replace("0bs=", "");
    assert_key_error(
        "PEM of a short key",
        VerifyingKey::from_pem(&short_der, None),
        "invalid",
    );
    assert_key_error(
        "certificate label",
        VerifyingKey::from_pem(&ED25519_PEM.replace("PUBLIC KEY", "CERTIFICATE"), None),
        "unexpected PEM label",
    );
}

#[test]
fn jwk_members() {
    // An Ed25519 SPKI is a 12-byte header followed by the 32-byte key.
    let x = URL_SAFE_NO_PAD.encode(&signing_key().verifying_key().to_spki_der().unwrap()[12..]);
    let cases = [
        (
            "no kty",
            r#"{"crv":"Ed25519","x":"AAAA"}"#.to_owned(),
            r#"member "kty""#,
        ),
        (
            "no crv",
            format!(r#"{{"kty":"OKP","x":"{x}"}}"#),
            r#"member "crv""#,
        ),
        (
            "no x",
            r#"{"kty":"OKP","crv":"Ed25519"}"#.to_owned(),
            r#"member "x""#,
        ),
        ("oct without k", r#"{"kty":"oct"}"#.to_owned(), r#"member "k""#),
        (
            "x is a number",
            r#"{"kty":"OKP","crv":"Ed25519","x":5}"#.to_owned(),
            "not a string",
        ),
        (
            "x in base64 with padding",
            r#"{"kty":"OKP","crv":"Ed25519","x":"AA=="}"#.to_owned(),
            "base64url",
        ),
        (
            "x of 31 bytes",
            format!(
                r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#,
                URL_SAFE_NO_PAD.encode([1u8; 31])
            ),
            "got 31 bytes",
        ),
        (
            "unknown kty",
            r#"{"kty":"XYZ"}"#.to_owned(),
            "unsupported key type",
        ),
        (
            "unknown alg",
            format!(r#"{{"kty":"OKP","crv":"Ed25519","alg":"ES999","x":"{x}"}}"#),
            "unknown JWK alg",
        ),
        (
            "encryption key",
            format!(r#"{{"kty":"OKP","crv":"Ed25519","use":"enc","x":"{x}"}}"#),
            "use is \"enc\"",
        ),
        ("not an object", "[1,2]".to_owned(), "not an object"),
        (
            "truncated JSON",
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}""#),
            "invalid JSON",
        ),
    ];
    for (name, jwk, fragment) in cases {
        assert_key_error(name, VerifyingKey::from_jwk(&jwk, None), fragment);
    }
    // Without the feature, these key types fail earlier, as unsupported.
    let (ec_fragment, rsa_fragment) = match (cfg!(feature = "ecdsa"), cfg!(feature = "rsa")) {
        (true, true) => (r#"member "y""#, r#"member "n""#),
        (true, false) => (r#"member "y""#, "`rsa` feature"),
        (false, true) => ("`ecdsa` feature", r#"member "n""#),
        (false, false) => ("`ecdsa` feature", "`rsa` feature"),
    };
    let ec = r#"{"kty":"EC","crv":"P-256","x":"AAAA"}"#;
    assert_key_error("EC without y", VerifyingKey::from_jwk(ec, None), ec_fragment);
    let rsa = r#"{"kty":"RSA","alg":"PS512","e":"AQAB"}"#;
    assert_key_error("RSA without n", VerifyingKey::from_jwk(rsa, None), rsa_fragment);
    assert_key_error(
        "public JWK for signing",
        SigningKey::from_jwk(&format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#), None),
        "signing needs the private key",
    );
}
