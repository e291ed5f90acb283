//! Bad input through the `reqsig` binary. A message that parses but does
//! not verify must exit 1 with its error code in the `--json` output. An
//! input that cannot be read (framing, key file, registry file) must exit 2
//! with a message that names the problem. No case may exit 0 or panic.

use std::process::Output;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqsig::components::FieldTypes;
use reqsig::message::{TargetContext, ToMessageView, wire};
use reqsig::{DigestAlgorithm, Limits, Message, SignatureParams, SigningKey, content_digest, signature_base};
use serde_json::Value;

mod common;

use common::{TempDir, run};

/// The verifier's time, passed as `--now`.
const NOW: &str = "1700000000";

const BODY: &[u8] = br#"{"item":42}"#;

/// What the default policy requires of a request with a body.
const COVERED: &str = r#""@method" "@authority" "@path" "@query" "content-digest""#;

const PARAMS: &str = r#";created=1700000000;keyid="k1""#;

/// A signature value that decodes but verifies nothing, for cases that fail before the signature check.
const ANY_SIGNATURE: &str = "sig1=:AAAA:";

fn signing_key() -> SigningKey {
    SigningKey::from_ed25519_seed(&[7; 32]).unwrap()
}

/// Builds a POST request with a JSON body and its Content-Digest, not signed yet.
fn request() -> Message {
    Message::request("POST", "/orders?id=7")
        .with_header("Host", "api.example.com")
        .with_header("Content-Type", "application/json")
        .with_header("Content-Digest", content_digest(BODY, DigestAlgorithm::Sha256))
        .with_body(BODY)
}

/// Adds a valid signature labelled `sig1` over `inner_list` (components and
/// parameters, as text), so the verifier fails only on what the case changes.
fn signed(message: Message, inner_list: &str) -> Message {
    let params = SignatureParams::parse(inner_list).unwrap_or_else(|e| panic!("{inner_list}: {e}"));
    let view = message.to_view(&TargetContext::default()).unwrap();
    let base = signature_base(&view, None, &params, &FieldTypes::default(), &Limits::default())
        .unwrap_or_else(|e| panic!("no signature base for {inner_list}: {e}"));
    let signature = STANDARD.encode(signing_key().sign(base.as_bytes()).unwrap());
    with_fields(
        message,
        &format!("sig1={inner_list}"),
        &format!("sig1=:{signature}:"),
    )
}

/// Adds one `Signature-Input` line and one `Signature` line, as given.
fn with_fields(message: Message, input: &str, signature: &str) -> Message {
    message
        .with_header("Signature-Input", input)
        .with_header("Signature", signature)
}

/// Runs `reqsig verify --json` on `message` with the public key in `key_file` under key id k1.
fn verify(dir: &TempDir, key_file: &str, message: &Message) -> Output {
    let file = dir.write("message.http", wire::serialize(message));
    run(&[
        "verify", "--key", key_file, "--keyid", "k1", "--now", NOW, "--json", &file,
    ])
}

fn public_pem(dir: &TempDir) -> String {
    dir.write("public.pem", signing_key().verifying_key().to_spki_pem().unwrap())
}

#[test]
fn valid_message_verifies() {
    let dir = TempDir::new("bad-", "valid");
    let output = verify(
        &dir,
        &public_pem(&dir),
        &signed(request(), &format!("({COVERED}){PARAMS}")),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn rejected_messages() {
    let dir = TempDir::new("bad-", "rejected");
    let key_file = public_pem(&dir);
    let input = format!("sig1=({COVERED}){PARAMS}");
    let with_component = |extra: &str| format!("sig1=({COVERED} {extra}){PARAMS}");
    let unsigned = |params: &str| {
        with_fields(
            request(),
            &format!(r#"sig1=({COVERED});keyid="k1"{params}"#),
            ANY_SIGNATURE,
        )
    };
    let mut empty_body = request();
    empty_body.body.clear();
    let nine: Vec<String> = (1..=9).map(|i| format!("s{i}=({COVERED}){PARAMS}")).collect();
    let cases = [
        (
            "unterminated inner list",
            with_fields(request(), r#"sig1=("@method""#, ANY_SIGNATURE),
            "malformed_signature_input",
        ),
        (
            "signature is a string",
            with_fields(request(), &input, r#"sig1="AAAA""#),
            "malformed_signature",
        ),
        (
            "characters outside base64",
            with_fields(request(), &input, "sig1=:not base64!:"),
            "malformed_signature",
        ),
        (
            "label twice",
            with_fields(request(), &format!("{input}, {input}"), ANY_SIGNATURE),
            "duplicate_label",
        ),
        (
            "component twice",
            with_fields(request(), &with_component(r#""@method""#), ANY_SIGNATURE),
            "duplicate_component",
        ),
        (
            "unknown derived component",
            with_fields(request(), &with_component(r#""@fragment""#), ANY_SIGNATURE),
            "unknown_component",
        ),
        (
            "non-ASCII covered field",
            with_fields(
                request().with_header("X-Note", "caf\u{e9}"),
                &with_component(r#""x-note""#),
                ANY_SIGNATURE,
            ),
            "invalid_component",
        ),
        ("negative created", unsigned(";created=-1"), "invalid_parameter"),
        (
            "fractional created",
            unsigned(";created=1.5"),
            "invalid_parameter",
        ),
        (
            "created beyond 15 digits",
            unsigned(";created=1000000000000000"),
            "malformed_signature_input",
        ),
        (
            "huge created",
            signed(
                request(),
                &format!(r#"({COVERED});keyid="k1";created=999999999999999"#),
            ),
            "created_in_future",
        ),
        (
            "negative expires",
            unsigned(";created=1700000000;expires=-1"),
            "invalid_parameter",
        ),
        (
            "digest of another body, empty body",
            signed(empty_body, &format!("({COVERED}){PARAMS}")),
            "digest_mismatch",
        ),
        (
            "alg of another key type",
            signed(request(), &format!(r#"({COVERED}){PARAMS};alg="hmac-sha256""#)),
            "algorithm_mismatch",
        ),
        (
            "9 signatures",
            with_fields(request(), &nine.join(", "), ANY_SIGNATURE),
            "too_many_signatures",
        ),
    ];
    for (name, message, code) in cases {
        let output = verify(&dir, &key_file, &message);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{name}: {stdout}");
        let json: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{name}: {e}: {stdout}"));
        assert_eq!(json["valid"], false, "{name}");
        assert_eq!(json["error"], code, "{name}: {stdout}");
    }
}

#[test]
fn wrong_key_for_signature() {
    let dir = TempDir::new("bad-", "wrong-key");
    let secret = URL_SAFE_NO_PAD.encode([9u8; 32]);
    let hmac_file = dir.write("secret.jwk", format!(r#"{{"kty":"oct","k":"{secret}"}}"#));
    let message = signed(request(), &format!("({COVERED}){PARAMS}"));
    let output = verify(&dir, &hmac_file, &message);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(r#""error":"invalid_signature""#), "{stdout}");
}

/// Runs `args` and checks that it exits 2 with `fragment` in its error output.
fn assert_input_error(name: &str, args: &[&str], fragment: &str) {
    let output = run(args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
    assert!(stderr.contains(fragment), "{name}: {stderr:?} lacks {fragment:?}");
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
}

#[test]
fn unreadable_messages() {
    let dir = TempDir::new("bad-", "messages");
    let key_file = public_pem(&dir);
    let control = dir.write(
        "control.http",
        "POST /orders HTTP/1.1\nHost: api.example.com\nX-Note: a\u{7}b\n\n",
    );
    let empty = dir.write("empty.http", "");
    let bad_chunk = dir.write(
        "chunk.http",
        "POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\nzz\r\n",
    );
    let cases = [
        (
            "control character in a header value",
            control,
            "control character 0x07",
        ),
        ("empty file", empty, "the message is empty"),
        ("bad chunk size", bad_chunk, "invalid chunk size"),
    ];
    for (name, file, fragment) in cases {
        assert_input_error(
            name,
            &["verify", "--key", &key_file, "--keyid", "k1", "--now", NOW, &file],
            fragment,
        );
    }
}

#[test]
fn unloadable_keys() {
    let dir = TempDir::new("bad-", "keys");
    let message = dir.write(
        "message.http",
        wire::serialize(&signed(request(), &format!("({COVERED}){PARAMS}"))),
    );
    let pem = signing_key().verifying_key().to_spki_pem().unwrap();
    let x = URL_SAFE_NO_PAD.encode([1u8; 31]);
    let cases = [
        (
            "truncated PEM",
            dir.write("cut.pem", &pem[..pem.len() / 2]),
            "invalid PEM key",
        ),
        (
            "JWK without x",
            dir.write("no-x.jwk", r#"{"kty":"OKP","crv":"Ed25519"}"#),
            r#"missing required JWK member "x""#,
        ),
        (
            "JWK without kty",
            dir.write("no-kty.jwk", r#"{"crv":"Ed25519","x":"AAAA"}"#),
            r#"missing required JWK member "kty""#,
        ),
        (
            "31-byte Ed25519 key",
            dir.write(
                "short.jwk",
                format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#),
            ),
            "got 31 bytes",
        ),
        (
            "short HMAC secret",
            dir.write("short-secret.jwk", r#"{"kty":"oct","k":"AAAA"}"#),
            "got 3 bytes",
        ),
        ("not a key", dir.write("text.txt", "hello"), "not PEM"),
    ];
    for (name, key_file, fragment) in cases {
        assert_input_error(
            name,
            &[
                "verify", "--key", &key_file, "--keyid", "k1", "--now", NOW, &message,
            ],
            fragment,
        );
    }
    let pem_file = dir.write("public.pem", &pem);
    assert_input_error(
        "Ed25519 key as ECDSA",
        &[
            "verify",
            "--key",
            &pem_file,
            "--keyid",
            "k1",
            "--alg",
            "ecdsa-p256-sha256",
            "--now",
            NOW,
            &message,
        ],
        "the --alg option",
    );
}

#[test]
fn bad_registry_files() {
    let dir = TempDir::new("bad-", "registry");
    let message = dir.write(
        "message.http",
        wire::serialize(&signed(request(), &format!("({COVERED}){PARAMS}"))),
    );
    let pem = signing_key().verifying_key().to_spki_pem().unwrap();
    let registry = |extra: &str| {
        format!(
            "version = 1\n[[keys]]\nkey_id = \"k1\"\nclient_id = \"c\"\nalgorithm = \"ed25519\"\npublic_key = \"\"\"\n{pem}\"\"\"\n{extra}\n"
        )
    };
    // `keys list` only parses the file, so it reports the errors of the TOML
    // model; `verify --keys` also builds the records, so it reports them all.
    let cases = [
        (
            "unknown field",
            registry("not_afer = 1"),
            "unknown field `not_afer`",
            true,
        ),
        (
            "negative time",
            registry("not_after = -1"),
            "timestamp -1 is negative",
            true,
        ),
        (
            "wildcard inside a segment",
            registry("[[keys.scopes]]\npaths = [\"/file*.txt\"]"),
            "inside the segment",
            false,
        ),
        (
            "double star not last",
            registry("[[keys.scopes]]\npaths = [\"/**/x\"]"),
            "only as its last segment",
            false,
        ),
    ];
    for (name, text, fragment, parse_error) in cases {
        let file = dir.write("registry.toml", text);
        assert_input_error(
            name,
            &["verify", "--keys", &file, "--now", NOW, &message],
            fragment,
        );
        if parse_error {
            assert_input_error(name, &["keys", "list", "--registry", &file], fragment);
        }
    }
    let not_utf8 = dir.write("latin1.toml", b"version = 1\n# caf\xe9\n");
    assert_input_error(
        "registry not UTF-8",
        &["verify", "--keys", &not_utf8, "--now", NOW, &message],
        "not UTF-8",
    );

    let empty = dir.write("empty.toml", "version = 1\n");
    let public_file = dir.write("public.pem", &pem);
    assert_input_error(
        "scope with a wildcard inside a segment",
        &[
            "keys",
            "add",
            "--registry",
            &empty,
            "--client",
            "c",
            "--public-key",
            &public_file,
            "--scope",
            "GET /file*.txt",
        ],
        "inside the segment",
    );
}
