//! Bad input through the tower middleware: for each request the layer must
//! return the expected status and JSON error code, so no request reaches the
//! inner service, and none may panic. The requests go through `VerifyLayer`
//! in process, so any
//! header bytes the `http` crate can carry reach the gate unchanged. One test
//! sends bytes that the `http` crate cannot carry (control characters) to a
//! server on loopback. The last tests feed bad key sources to the gate: a
//! JWK Set that never ends, and bad registry files to `RegistryFile::open`.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderValue, Request, Response};
use http_body::Frame;
use http_body_util::{BodyExt, Full};
use reqsig::clock::FixedClock;
use reqsig::components::FieldTypes;
use reqsig::message::{TargetContext, ToMessageView};
use reqsig::{DigestAlgorithm, Limits, SignatureParams, SigningKey, content_digest, signature_base};
use reqsig_gate::{Gate, JwksClient, JwksSource, KeyRecord, KeySource, MemoryRegistry, RegistryFile};
use reqsig_tower::{VerifiedBody, VerifyLayer};
use tower::{Layer, ServiceExt, service_fn};

/// The gate's time, in seconds since the Unix epoch.
const NOW: u64 = 1_700_000_000;

const BODY: &str = r#"{"item":42}"#;

/// What `Policy::server()` requires of a request with a body.
const COVERED: &str = r#""@method" "@authority" "@path" "@query" "content-digest""#;

/// A signature value that decodes but verifies nothing, for cases that fail before the signature check.
const ANY_SIGNATURE: &str = "sig1=:AAAA:";

fn signing_key() -> SigningKey {
    SigningKey::from_ed25519_seed(&[7; 32]).unwrap()
}

/// Returns a layer over a fresh gate whose registry contains the Ed25519 test
/// key as `k1` and an HMAC secret as `hmac`.
fn layer() -> VerifyLayer {
    let registry = MemoryRegistry::with_records([
        KeyRecord::new("k1", "client-a", signing_key().verifying_key()),
        KeyRecord::new(
            "hmac",
            "client-b",
            reqsig::VerifyingKey::hmac_sha256(&[9; 32]).unwrap(),
        ),
    ]);
    let gate = Gate::builder(Arc::new(registry))
        .clock(Arc::new(FixedClock(NOW)))
        .build();
    VerifyLayer::new(gate)
}

/// Returns the parameters the server policy requires, with the given nonce.
fn params(nonce: &str) -> String {
    format!(r#";created={NOW};keyid="k1";nonce="{nonce}""#)
}

/// Builds a POST request with a body, its Content-Digest and Content-Length, as a server receives it.
fn request_with_body(body: &[u8]) -> Request<Vec<u8>> {
    Request::post("/orders?id=7")
        .header("host", "api.example.com")
        .header("content-type", "application/json")
        .header("content-digest", content_digest(body, DigestAlgorithm::Sha256))
        .header("content-length", body.len().to_string())
        .body(body.to_vec())
        .unwrap()
}

fn request() -> Request<Vec<u8>> {
    request_with_body(BODY.as_bytes())
}

/// Encodes bytes as standard base64 with padding, as a `Signature` member carries them.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let group = u32::from(chunk[0]) << 16
            | u32::from(*chunk.get(1).unwrap_or(&0)) << 8
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(group >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Adds a valid signature labelled `sig1` over `inner_list` (components and
/// parameters, as text), so the gate fails only on what the case changes.
fn signed(mut request: Request<Vec<u8>>, inner_list: &str) -> Request<Vec<u8>> {
    let params = SignatureParams::parse(inner_list).unwrap_or_else(|e| panic!("{inner_list}: {e}"));
    let view = request.to_view(&TargetContext::default()).unwrap();
    let base = signature_base(&view, None, &params, &FieldTypes::default(), &Limits::default())
        .unwrap_or_else(|e| panic!("no signature base for {inner_list}: {e}"));
    let signature = base64(&signing_key().sign(base.as_bytes()).unwrap());
    let headers = request.headers_mut();
    headers.append("signature-input", header(&format!("sig1={inner_list}")));
    headers.append("signature", header(&format!("sig1=:{signature}:")));
    request
}

/// Adds one `Signature-Input` line and one `Signature` line, as given.
fn with_fields(mut request: Request<Vec<u8>>, input: &str, signature: &str) -> Request<Vec<u8>> {
    request.headers_mut().append("signature-input", header(input));
    request.headers_mut().append("signature", header(signature));
    request
}

fn header(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{value:?}: {e}"))
}

/// The layer's response: status, JSON error code and body.
#[derive(Debug)]
struct Reply {
    status: u16,
    code: String,
    body: String,
}

/// Sends one request through a fresh layer to an inner service that echoes the body.
async fn call(request: Request<Vec<u8>>) -> Reply {
    let inner = service_fn(|request: Request<VerifiedBody<Full<Bytes>>>| async move {
        let body = request.into_body().collect().await.unwrap().to_bytes();
        Ok::<_, Infallible>(Response::new(Full::new(body)))
    });
    let service = layer().layer(inner);
    let response = service
        .oneshot(request.map(|body| Full::new(Bytes::from(body))))
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8_lossy(&bytes).into_owned();
    let code = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|json| json["error"].as_str().map(str::to_owned))
        .unwrap_or_default();
    Reply { status, code, body }
}

/// A request and the status and error code the layer must return for it.
struct Case {
    name: &'static str,
    request: Request<Vec<u8>>,
    status: u16,
    code: &'static str,
}

fn case(name: &'static str, request: Request<Vec<u8>>, status: u16, code: &'static str) -> Case {
    Case {
        name,
        request,
        status,
        code,
    }
}

async fn assert_rejected(cases: Vec<Case>) {
    for case in cases {
        let reply = call(case.request).await;
        assert_eq!(reply.status, case.status, "{}: {}", case.name, reply.body);
        assert_eq!(reply.code, case.code, "{}: {}", case.name, reply.body);
    }
}

#[tokio::test]
async fn valid_request_accepted() {
    let reply = call(signed(request(), &format!("({COVERED}){}", params("n-ok")))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, BODY);
}

/// Builds a POST request as an HTTP/2 server may receive it: a body, but
/// neither `Content-Length` nor `Transfer-Encoding`.
fn undeclared_body(signed_body: &[u8], sent_body: &[u8], inner_list: &str) -> Request<Vec<u8>> {
    let mut request = signed(request_with_body(signed_body), inner_list);
    request.headers_mut().remove("content-length");
    request.map(|_| sent_body.to_vec())
}

#[tokio::test]
async fn undeclared_body_needs_digest() {
    // Signed as a request without a body, so no digest is covered; the body
    // arrives without Content-Length and must not pass unchecked.
    let covered = r#""@method" "@authority" "@path" "@query""#;
    let mut request = undeclared_body(b"", BODY.as_bytes(), &format!("({covered}){}", params("n-h2")));
    request.headers_mut().remove("content-digest");
    let reply = call(request).await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(reply.code, "component_not_covered", "{}", reply.body);
}

#[tokio::test]
async fn undeclared_body_digest_checked() {
    let inner_list = format!("({COVERED}){}", params("n-h2-ok"));
    let reply = call(undeclared_body(BODY.as_bytes(), BODY.as_bytes(), &inner_list)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, BODY);

    let inner_list = format!("({COVERED}){}", params("n-h2-changed"));
    let reply = call(undeclared_body(BODY.as_bytes(), br#"{"item":43}"#, &inner_list)).await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(reply.code, "digest_mismatch", "{}", reply.body);
}

#[tokio::test]
async fn malformed_fields_and_base64() {
    let input = format!("sig1=({COVERED}){}", params("n-1"));
    let mut bad_digest = request();
    bad_digest
        .headers_mut()
        .insert("content-digest", header("sha-256=:!!!!:"));
    assert_rejected(vec![
        case("unsigned", request(), 401, "missing_signature"),
        case(
            "unterminated inner list",
            with_fields(request(), r#"sig1=("@method""#, ANY_SIGNATURE),
            401,
            "malformed_signature_input",
        ),
        case(
            "member is an item",
            with_fields(request(), r#"sig1="@method""#, ANY_SIGNATURE),
            401,
            "malformed_signature_input",
        ),
        case(
            "signature is a string",
            with_fields(request(), &input, r#"sig1="AAAA""#),
            401,
            "malformed_signature",
        ),
        case(
            "characters outside base64",
            with_fields(request(), &input, "sig1=:not base64!:"),
            401,
            "malformed_signature",
        ),
        case(
            "base64 of the wrong length",
            with_fields(request(), &input, ANY_SIGNATURE),
            401,
            "invalid_signature",
        ),
        case(
            "digest outside base64",
            signed(bad_digest, &format!("({COVERED}){}", params("n-2"))),
            401,
            "malformed_digest",
        ),
    ])
    .await;
}

#[tokio::test]
async fn labels_and_components() {
    let inner_list = format!("({COVERED}){}", params("n-1"));
    let with_component = |extra: &str| format!("sig1=({COVERED} {extra}){}", params("n-1"));
    assert_rejected(vec![
        case(
            "label twice",
            with_fields(
                request(),
                &format!("sig1={inner_list}, sig1={inner_list}"),
                ANY_SIGNATURE,
            ),
            401,
            "duplicate_label",
        ),
        case(
            "component twice",
            with_fields(request(), &with_component(r#""@path""#), ANY_SIGNATURE),
            401,
            "duplicate_component",
        ),
        case(
            "unknown derived component",
            with_fields(request(), &with_component(r#""@fragment""#), ANY_SIGNATURE),
            401,
            "unknown_component",
        ),
        case(
            "unknown component parameter",
            with_fields(request(), &with_component(r#""host";y"#), ANY_SIGNATURE),
            401,
            "invalid_component",
        ),
    ])
    .await;
}

#[tokio::test]
async fn non_ascii_header_value() {
    let mut request = request();
    request
        .headers_mut()
        .insert("x-note", HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap());
    let input = format!(r#"sig1=({COVERED} "x-note"){}"#, params("n-1"));
    assert_rejected(vec![case(
        "non-ASCII covered field",
        with_fields(request, &input, ANY_SIGNATURE),
        401,
        "invalid_component",
    )])
    .await;
}

#[tokio::test]
async fn created_and_expires_values() {
    let unsigned = |extra: &str| {
        with_fields(
            request(),
            &format!(r#"sig1=({COVERED});keyid="k1";nonce="n-1"{extra}"#),
            ANY_SIGNATURE,
        )
    };
    let signed_with = |extra: &str| {
        signed(
            request(),
            &format!(r#"({COVERED});keyid="k1";nonce="n-2"{extra}"#),
        )
    };
    assert_rejected(vec![
        case(
            "negative created",
            unsigned(";created=-1"),
            401,
            "invalid_parameter",
        ),
        case(
            "fractional created",
            unsigned(";created=1700000000.5"),
            401,
            "invalid_parameter",
        ),
        case(
            "created beyond 15 digits",
            unsigned(";created=1000000000000000"),
            401,
            "malformed_signature_input",
        ),
        case(
            "huge created",
            signed_with(";created=999999999999999"),
            401,
            "created_in_future",
        ),
        case(
            "negative expires",
            unsigned(";created=1700000000;expires=-1"),
            401,
            "invalid_parameter",
        ),
        case(
            "fractional expires",
            unsigned(";created=1700000000;expires=1700000100.5"),
            401,
            "invalid_parameter",
        ),
        case(
            "expired",
            signed_with(";created=1699999900;expires=1699999999"),
            401,
            "expired",
        ),
    ])
    .await;
}

#[tokio::test]
async fn wrong_key_type() {
    let with_params = |extra: &str| {
        signed(
            request(),
            &format!(r#"({COVERED});created={NOW};nonce="n-1"{extra}"#),
        )
    };
    // The gate hides why a key did not verify a signature: the client sees one code.
    assert_rejected(vec![
        case(
            "Ed25519 signature, HMAC key",
            with_params(r#";keyid="hmac""#),
            401,
            "invalid_signature",
        ),
        case(
            "alg of another key type",
            with_params(r#";keyid="k1";alg="hmac-sha256""#),
            401,
            "invalid_signature",
        ),
    ])
    .await;
}

#[tokio::test]
async fn content_digest_values() {
    let inner_list = |nonce: &str| format!("({COVERED}){}", params(nonce));

    // The Content-Digest of BODY stays, the body goes.
    let mut empty_body = request();
    empty_body.body_mut().clear();
    empty_body.headers_mut().remove("content-length");
    let mut zero_length = empty_body.clone();
    zero_length.headers_mut().insert("content-length", header("0"));

    let mut changed_body = signed(request(), &inner_list("n-3"));
    *changed_body.body_mut() = br#"{"item":43}"#.to_vec();

    let mut only_md5 = request();
    only_md5
        .headers_mut()
        .insert("content-digest", header("md5=:AAAAAAAAAAAAAAAAAAAAAA==:"));
    let mut absent = request();
    absent.headers_mut().remove("content-digest");

    assert_rejected(vec![
        case(
            "digest of another body, no body",
            signed(empty_body, &inner_list("n-1")),
            401,
            "digest_mismatch",
        ),
        case(
            "digest of another body, Content-Length 0",
            signed(zero_length, &inner_list("n-2")),
            401,
            "digest_mismatch",
        ),
        case("body changed after signing", changed_body, 401, "digest_mismatch"),
        case(
            "only md5",
            signed(only_md5, &inner_list("n-4")),
            401,
            "digest_unsupported",
        ),
        case(
            "covered but absent",
            with_fields(absent, &format!("sig1={}", inner_list("n-5")), ANY_SIGNATURE),
            401,
            "missing_component",
        ),
    ])
    .await;
}

/// `count` copies of one valid signature under the labels sig1, sig2, ...
fn repeated_signature(count: usize) -> Request<Vec<u8>> {
    let single = signed(request(), &format!("({COVERED}){}", params("n-1")));
    let input = single.headers()["signature-input"].to_str().unwrap().to_owned();
    let signature = single.headers()["signature"].to_str().unwrap().to_owned();
    let inner_list = input.strip_prefix("sig1=").unwrap();
    let value = signature.strip_prefix("sig1=").unwrap();
    let inputs: Vec<String> = (1..=count).map(|i| format!("sig{i}={inner_list}")).collect();
    let signatures: Vec<String> = (1..=count).map(|i| format!("sig{i}={value}")).collect();
    with_fields(request(), &inputs.join(", "), &signatures.join(", "))
}

#[tokio::test]
async fn limits_exceeded() {
    let inner_list = format!("({COVERED}){}", params("n-1"));
    let mut many_lines = request();
    for i in 0..17 {
        many_lines
            .headers_mut()
            .append("signature-input", header(&format!("s{i}={inner_list}")));
    }
    many_lines
        .headers_mut()
        .append("signature", header(ANY_SIGNATURE));
    let extra: Vec<String> = (0..28).map(|i| format!("\"x-f{i}\"")).collect();
    let components = format!("sig1=({COVERED} {}){}", extra.join(" "), params("n-1"));
    let long_nonce = format!(
        r#"sig1=({COVERED});created={NOW};keyid="k1";nonce="{}""#,
        "n".repeat(129)
    );
    let large = vec![b'x'; 1024 * 1024 + 1];
    assert_rejected(vec![
        case(
            "Signature-Input over 8192 bytes",
            with_fields(
                request(),
                &format!("sig1={inner_list};pad=\"{}\"", "p".repeat(8192)),
                ANY_SIGNATURE,
            ),
            431,
            "header_too_large",
        ),
        case(
            "17 Signature-Input lines",
            many_lines,
            431,
            "too_many_field_lines",
        ),
        case("9 signatures", repeated_signature(9), 401, "too_many_signatures"),
        case(
            "33 components",
            with_fields(request(), &components, ANY_SIGNATURE),
            401,
            "too_many_components",
        ),
        case(
            "129-byte nonce",
            with_fields(request(), &long_nonce, ANY_SIGNATURE),
            401,
            "nonce_too_long",
        ),
        case(
            "body over 1 MiB",
            signed(
                request_with_body(&large),
                &format!("({COVERED}){}", params("n-2")),
            ),
            413,
            "body_too_large",
        ),
    ])
    .await;
}

#[tokio::test]
async fn limits_at_maximum_pass() {
    let reply = call(repeated_signature(8)).await;
    assert_eq!(reply.status, 200, "8 signatures: {}", reply.body);
    let body = vec![b'x'; 1024 * 1024];
    let reply = call(signed(
        request_with_body(&body),
        &format!("({COVERED}){}", params("n-2")),
    ))
    .await;
    assert_eq!(reply.status, 200, "1 MiB body: {}", reply.body);
}

#[tokio::test]
async fn control_character_rejected_on_loopback() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new()
        .fallback(|| async { "reached" })
        .layer(layer());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let raw = format!("GET /orders HTTP/1.1\r\nHost: {addr}\r\nX-Note: a\x01b\r\nConnection: close\r\n\r\n");
    stream.write_all(raw.as_bytes()).await.unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.unwrap();
    server.abort();

    assert!(reply.starts_with("HTTP/1.1 400"), "{reply}");
    assert!(!reply.contains("reached"), "{reply}");
}

/// A response body that never ends on its own: 64 KiB of spaces per frame,
/// counting what it produced, up to 256 MiB so that a client without a size
/// limit cannot exhaust the test machine's memory.
struct EndlessBody {
    produced: Arc<AtomicUsize>,
}

impl http_body::Body for EndlessBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        const CHUNK: usize = 64 * 1024;
        static SPACES: [u8; CHUNK] = [b' '; CHUNK];
        if self.produced.fetch_add(CHUNK, Ordering::SeqCst) >= 256 * 1024 * 1024 {
            return Poll::Ready(None);
        }
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(&SPACES)))))
    }
}

#[tokio::test]
async fn jwks_document_without_end() {
    let produced = Arc::new(AtomicUsize::new(0));
    let counter = produced.clone();
    let app = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            let produced = counter.clone();
            async move { axum::body::Body::new(EndlessBody { produced }) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let client = JwksClient {
        client_id: "partner".to_owned(),
        scopes: Vec::new(),
        source_cidrs: Vec::new(),
        rate_limit: None,
    };
    let source = JwksSource::new(&format!("http://{addr}/jwks.json"), client).unwrap();
    let result = source.lookup("k1").await;
    let sent = produced.load(Ordering::SeqCst);
    server.abort();

    assert!(result.is_err(), "a JWK Set without end was accepted");
    // The client stops at its 1 MiB limit; the rest is what the socket buffers held.
    assert!(sent < 64 * 1024 * 1024, "the client read on to {sent} bytes");
}

/// Writes a registry file into a folder of its own and opens it.
fn open_registry(name: &str, text: &str) -> Result<RegistryFile, String> {
    let dir = std::env::temp_dir().join(format!("reqsig-tower-bad-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("registry.toml");
    std::fs::write(&path, text).unwrap();
    let result = RegistryFile::open(&path).map_err(|error| error.to_string());
    std::fs::remove_dir_all(&dir).unwrap();
    result
}

/// Returns the public key of the Ed25519 test key, as SPKI PEM.
fn public_pem() -> String {
    signing_key().verifying_key().to_spki_pem().unwrap()
}

/// Builds a registry of one Ed25519 key, with `key_fields` added to its table and `tail` after it.
fn registry(key_fields: &str, tail: &str) -> String {
    format!(
        "version = 1\n\n[[keys]]\nkey_id = \"k1\"\nclient_id = \"client-a\"\nalgorithm = \"ed25519\"\npublic_key = \"\"\"\n{}\"\"\"\n{key_fields}\n{tail}",
        public_pem()
    )
}

#[test]
fn registry_file_errors() {
    let pem = public_pem();
    let truncated = format!(
        "version = 1\n[[keys]]\nkey_id = \"k1\"\nclient_id = \"c\"\nalgorithm = \"ed25519\"\npublic_key = \"\"\"\n{}\"\"\"\n",
        &pem[..pem.len() / 2]
    );
    let jwk = "version = 1\n[[keys]]\nkey_id = \"k1\"\nclient_id = \"c\"\nalgorithm = \"ed25519\"\npublic_key = '{\"kty\":\"OKP\",\"crv\":\"Ed25519\"}'\n";
    let cases: Vec<(&str, String, &str)> = vec![
        ("valid", registry("", ""), ""),
        ("unknown top-level field", format!("colour = 1\n{}", registry("", "")), "unknown field `colour`"),
        ("misspelt not_after", registry("not_afer = 1", ""), "unknown field `not_afer`"),
        (
            "unknown scope field",
            registry("", "[[keys.scopes]]\npaths = [\"/a\"]\nverbs = [\"GET\"]\n"),
            "unknown field `verbs`",
        ),
        ("wildcard inside a segment", registry("", "[[keys.scopes]]\npaths = [\"/file*.txt\"]\n"), "inside the segment"),
        ("double star not last", registry("", "[[keys.scopes]]\npaths = [\"/**/a\"]\n"), "only as its last segment"),
        ("relative pattern", registry("", "[[keys.scopes]]\npaths = [\"orders\"]\n"), "must start with '/'"),
        ("method with a space", registry("", "[[keys.scopes]]\nmethods = [\"GET /\"]\npaths = [\"/\"]\n"), "not a valid HTTP method"),
        ("scope without paths", registry("", "[[keys.scopes]]\nmethods = [\"GET\"]\n"), "missing field `paths`"),
        ("bad CIDR", registry("source_cidrs = [\"10.0.0.0/33\"]", ""), "not a CIDR"),
        ("unknown status", registry("status = \"paused\"", ""), "status \"paused\" is invalid"),
        ("zero rate", registry("rate_limit = { requests = 0, per_seconds = 1 }", ""), "above 0"),
        ("negative time", registry("not_after = -1", ""), "timestamp -1 is negative"),
        ("time as a string", registry("not_after = \"2027-01-01\"", ""), "not a string"),
        ("time without offset", registry("not_after = 2026-01-01T00:00:00", ""), "needs a date, a time and an offset"),
        ("version 2", registry("", "").replace("version = 1", "version = 2"), "version 2 is not supported"),
        ("unknown algorithm", registry("", "").replace("\"ed25519\"", "\"ed448\""), "ed448"),
        ("truncated PEM", truncated, "public_key: invalid PEM key"),
        ("JWK without x", jwk.to_owned(), "missing required JWK member \"x\""),
        (
            "HMAC without allow_hmac",
            "version = 1\n[[keys]]\nkey_id = \"s\"\nclient_id = \"c\"\nalgorithm = \"hmac-sha256\"\nsecret_env = \"X\"\n".to_owned(),
            "allow_hmac = true",
        ),
        (
            "duplicate key id",
            format!("{}\n[[keys]]\nkey_id = \"k1\"\nclient_id = \"b\"\nalgorithm = \"ed25519\"\npublic_key = \"\"\"\n{pem}\"\"\"\n", registry("", "")),
            "occurs more than once",
        ),
        ("not TOML", "version = \n".to_owned(), "TOML parse error at line 1"),
    ];
    for (name, text, fragment) in cases {
        let result = open_registry(&name.replace(' ', "-"), &text);
        if fragment.is_empty() {
            assert!(result.is_ok(), "{name}: {result:?}");
            continue;
        }
        match result {
            Ok(_) => panic!("{name}: the registry loaded"),
            Err(message) => assert!(
                message.contains(fragment),
                "{name}: {message:?} lacks {fragment:?}"
            ),
        }
    }
}
