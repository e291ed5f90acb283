//! The `reqsig` binary run as a user would: on the RFC 9421 Appendix B
//! messages, in key round trips, and for each exit code.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;

mod common;

use common::{TempDir, run, text};

fn vectors() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec/vectors/rfc9421.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn case(name: &str) -> Value {
    vectors()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
        .clone()
}

/// Writes a case's key: the private PEM, or the HMAC secret as a JWK `oct`.
fn write_key(dir: &TempDir, keyid: &str, private: bool) -> String {
    let key = &vectors()["keys"][keyid];
    if let Some(secret) = key["secret_base64"].as_str() {
        let bytes = STANDARD.decode(secret).unwrap();
        let jwk = format!(r#"{{"kty":"oct","k":"{}"}}"#, URL_SAFE_NO_PAD.encode(bytes));
        return dir.write("secret.jwk", jwk);
    }
    let pem = if private {
        &key["private_pem"]
    } else {
        &key["public_pem"]
    };
    dir.write(&format!("{keyid}.pem"), pem.as_str().unwrap())
}

fn signature_line(output: &str) -> String {
    output
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with("signature:"))
        .map(|line| line["signature:".len()..].trim().to_owned())
        .unwrap_or_default()
}

#[test]
fn sign_reproduces_rfc_signatures() {
    for name in ["rfc9421-b.2.5", "rfc9421-b.2.6"] {
        let dir = TempDir::new("", name);
        let case = case(name);
        let keyid = case["keyid"].as_str().unwrap();
        let key = write_key(&dir, keyid, true);
        let message = dir.write("request.http", case["message"].as_str().unwrap());
        let components = case["covered_components"].as_str().unwrap();
        let created = case["signature_params"]["created"].to_string();
        let output = run(&[
            "sign",
            "--key",
            &key,
            "--keyid",
            keyid,
            "--label",
            case["label"].as_str().unwrap(),
            "--components",
            components,
            "--created",
            &created,
            "--nonce",
            "none",
            "--digest",
            "none",
            &message,
        ]);
        assert!(output.status.success(), "{name}: {}", text(&output.stderr));
        let signed = text(&output.stdout);
        assert_eq!(
            signature_line(&signed),
            case["signature"].as_str().unwrap(),
            "{name}"
        );
        assert!(
            signed.ends_with(r#"{"hello": "world"}"#),
            "{name}: the body changed"
        );
    }
}

#[test]
fn verify_accepts_every_rfc_example() {
    let mut checked = 0;
    for case in vectors()["cases"].as_array().unwrap() {
        if case["expect_valid"] != true {
            continue;
        }
        let name = case["name"].as_str().unwrap();
        let dir = TempDir::new("", name);
        let keyid = case["keyid"].as_str().unwrap();
        let key = write_key(&dir, keyid, false);
        let mut message = case["message"].as_str().unwrap().to_owned();
        let (head, body) = message
            .split_once("\n\n")
            .map(|(h, b)| (h.to_owned(), b.to_owned()))
            .unwrap_or((message.clone(), String::new()));
        message = format!(
            "{head}\nSignature-Input: {}\nSignature: {}\n\n{body}",
            case["signature_input"].as_str().unwrap(),
            case["signature"].as_str().unwrap()
        );
        let file = dir.write("message.http", message);
        let created = case["signature_params"]["created"]
            .as_u64()
            .unwrap_or(1_618_884_480)
            .to_string();
        let mut args = vec![
            "verify",
            "--key",
            &key,
            "--keyid",
            keyid,
            "--alg",
            case["algorithm"].as_str().unwrap(),
            "--label",
            case["label"].as_str().unwrap(),
            "--now",
            &created,
            "--require",
            "",
        ];
        let request_file;
        if let Some(request) = case["request"].as_str() {
            request_file = dir.write("request.http", request);
            args.extend(["--request", &request_file]);
        }
        args.push(&file);
        let output = run(&args);
        assert!(
            output.status.success(),
            "{name}: {}{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        checked += 1;
    }
    assert_eq!(checked, 16);
}

#[test]
fn keygen_sign_verify_round_trip() {
    for alg in ["ed25519", "hmac-sha256", "ecdsa-p256-sha256", "ecdsa-p384-sha384"] {
        let dir = TempDir::new("", &format!("round-{alg}"));
        let private = dir.path("key");
        let public = dir.path("key.pub");
        let mut args = vec!["keygen", "--alg", alg, "--out", &private];
        if alg != "hmac-sha256" {
            args.extend(["--public-out", &public]);
        }
        let output = run(&args);
        assert!(output.status.success(), "{alg}: {}", text(&output.stderr));
        let keyid = text(&output.stdout).trim().to_owned();
        assert!(!keyid.is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&private).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{alg}");
        }

        let request = dir.write("request.http", "POST /orders?id=7 HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/json\r\n\r\n{\"n\":1}");
        let output = run(&["sign", "--key", &private, "--keyid", &keyid, &request]);
        assert!(output.status.success(), "{alg}: {}", text(&output.stderr));
        let signed = dir.write("signed.http", &output.stdout);
        assert!(
            text(&output.stdout).contains("Content-Digest: sha-256=:"),
            "{alg}"
        );

        let verify_key = if alg == "hmac-sha256" { &private } else { &public };
        let output = run(&[
            "verify", "--key", verify_key, "--keyid", &keyid, "--json", &signed,
        ]);
        assert!(
            output.status.success(),
            "{alg}: {}{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        let result: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(result["valid"], true);
        assert_eq!(result["algorithm"], alg);
        assert_eq!(result["digest_checked"], true);
    }
}

#[test]
fn exit_codes() {
    let dir = TempDir::new("", "exit-codes");
    let key = dir.path("key.pem");
    let public = dir.path("key.pub");
    let keyid = text(&run(&["keygen", "--out", &key, "--public-out", &public]).stdout)
        .trim()
        .to_owned();
    let request = dir.write(
        "request.http",
        "POST /a HTTP/1.1\nHost: example.com\nContent-Type: text/plain\n\nhello",
    );
    let signed_output = run(&["sign", "--key", &key, "--keyid", &keyid, &request]);
    assert_eq!(
        signed_output.status.code(),
        Some(0),
        "{}",
        text(&signed_output.stderr)
    );
    let signed = dir.write("signed.http", &signed_output.stdout);

    assert_eq!(
        run(&["verify", "--key", &public, "--keyid", &keyid, &signed])
            .status
            .code(),
        Some(0)
    );

    let tampered = dir.write(
        "tampered.http",
        text(&signed_output.stdout).replace("hello", "hellO"),
    );
    let output = run(&["verify", "--key", &public, "--keyid", &keyid, &tampered]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("digest_mismatch"),
        "{}",
        text(&output.stderr)
    );

    let wrong_path = dir.write(
        "path.http",
        text(&signed_output.stdout).replace("POST /a ", "POST /b "),
    );
    let output = run(&["verify", "--key", &public, "--keyid", &keyid, &wrong_path]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("invalid_signature"));

    let unsigned = run(&["verify", "--key", &public, "--keyid", &keyid, &request]);
    assert_eq!(unsigned.status.code(), Some(1));

    // Exit 2: usage, unreadable file, framing, key.
    assert_eq!(
        run(&["verify", "--keyid", &keyid, &signed]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&[
            "verify",
            "--key",
            &public,
            "--keyid",
            &keyid,
            &dir.path("missing.http")
        ])
        .status
        .code(),
        Some(2)
    );
    let broken = dir.write("broken.http", "this is not HTTP\n");
    assert_eq!(
        run(&["verify", "--key", &public, "--keyid", &keyid, &broken])
            .status
            .code(),
        Some(2)
    );
    let bad_key = dir.write(
        "bad.pem",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    );
    let output = run(&["verify", "--key", &bad_key, "--keyid", &keyid, &signed]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("bad.pem"),
        "{}",
        text(&output.stderr)
    );
    assert_eq!(
        run(&[
            "sign",
            "--key",
            &key,
            "--keyid",
            &keyid,
            "--nonce",
            "bad\u{7f}",
            &request
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn base_prints_and_fails_clearly() {
    let dir = TempDir::new("", "base");
    let request = dir.write(
        "request.http",
        "GET /path?a=1&a=2 HTTP/1.1\nHost: Example.COM:443\n\n",
    );
    let output = run(&[
        "base",
        "--components",
        r#""@method" "@authority" "@query""#,
        "--created",
        "1700000000",
        "--nonce",
        "none",
        &request,
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "\"@method\": GET\n\"@authority\": example.com\n\"@query\": ?a=1&a=2\n\"@signature-params\": (\"@method\" \"@authority\" \"@query\");created=1700000000\n"
    );
    for (components, code) in [
        (r#""@method" "@method""#, "duplicate_component"),
        (r#""x-missing""#, "missing_component"),
        (r#""@status""#, "component_not_applicable"),
        (r#""@query-param";name="a""#, "component_not_applicable"),
        (r#""@query-param";name="b""#, "missing_component"),
    ] {
        let output = run(&["base", "--components", components, &request]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{components}: {stderr}");
        assert!(stderr.contains(code), "{components}: {stderr}");
    }
}

#[test]
fn explain_shows_base_and_diff() {
    let dir = TempDir::new("", "explain");
    let key = dir.path("key.pem");
    let keyid = text(&run(&["keygen", "--out", &key]).stdout).trim().to_owned();
    let request = dir.write("request.http", "GET /a HTTP/1.1\nHost: example.com\n\n");
    let signed = run(&[
        "sign",
        "--key",
        &key,
        "--keyid",
        &keyid,
        "--created",
        "1700000000",
        "--nonce",
        "n1",
        &request,
    ]);
    let tampered = dir.write("signed.http", text(&signed.stdout).replace("GET /a", "GET /b"));
    let expected = dir.write(
        "expected.txt",
        "\"@method\": GET\n\"@authority\": example.com\n\"@path\": /a\n\"@query\": ?\n",
    );
    let output = run(&[
        "verify",
        "--key",
        &key,
        "--keyid",
        &keyid,
        "--now",
        "1700000000",
        "--explain",
        "--expected-base",
        &expected,
        &tampered,
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("-   3 | \"@path\": /a"), "{stderr}");
    assert!(stderr.contains("+   3 | \"@path\": /b"), "{stderr}");
}

#[test]
fn keys_add_list_revoke_remove() {
    let dir = TempDir::new("", "keys");
    let registry = dir.path("registry.toml");
    let public = dir.path("client.pub");
    let private = dir.path("client.pem");
    run(&["keygen", "--out", &private, "--public-out", &public]);
    let output = run(&[
        "keys",
        "add",
        "--registry",
        &registry,
        "--client",
        "orders",
        "--public-key",
        &public,
        "--keyid",
        "orders-1",
        "--scope",
        "GET,POST /orders/**",
        "--source-cidr",
        "127.0.0.0/8",
        "--rate-limit",
        "10/1:5",
        "--expires-in-days",
        "30",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let output = run(&["keys", "list", "--registry", &registry]);
    let listing = text(&output.stdout);
    assert!(
        listing.contains("orders-1") && listing.contains("orders") && listing.contains("ed25519"),
        "{listing}"
    );
    assert!(!listing.contains("PRIVATE"), "{listing}");

    assert!(
        run(&["keys", "revoke", "--registry", &registry, "--keyid", "orders-1"])
            .status
            .success()
    );
    assert!(text(&run(&["keys", "list", "--registry", &registry]).stdout).contains("revoked"));
    assert!(
        run(&["keys", "remove", "--registry", &registry, "--keyid", "orders-1"])
            .status
            .success()
    );
    assert_eq!(
        run(&["keys", "remove", "--registry", &registry, "--keyid", "orders-1"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn demo_verdicts_all_expected() {
    let output = run(&["demo"]);
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    assert!(stdout.contains("all verdicts as expected"), "{stdout}");
    assert_eq!(stdout.matches(" ok\n").count(), 10, "{stdout}");
}

#[test]
fn base_reads_trailers_from_chunked_file() {
    let dir = TempDir::new("", "trailers");
    let response = dir.write(
        "response.http",
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\n\r\n4\r\nHTTP\r\n0\r\nExpires: Wed, 9 Nov 2022 07:28:00 GMT\r\n\r\n",
    );
    let output = run(&[
        "base",
        "--components",
        r#""@status" "expires";tr"#,
        "--created",
        "none",
        "--nonce",
        "none",
        &response,
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let base = text(&output.stdout);
    assert!(
        base.contains("\"expires\";tr: Wed, 9 Nov 2022 07:28:00 GMT\n"),
        "{base}"
    );

    let output = run(&["base", "--components", r#""expires""#, &response]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("missing_component"));
}

#[test]
fn keyid_starting_with_hyphen_accepted() {
    // Thumbprints are base64url and may start with '-'.
    let dir = TempDir::new("", "hyphen");
    let key = dir.path("key.pem");
    run(&["keygen", "--out", &key]);
    let request = dir.write("request.http", "GET /a HTTP/1.1\nHost: example.com\n\n");
    let signed = run(&["sign", "--key", &key, "--keyid", "-Jx9", &request]);
    assert!(signed.status.success(), "{}", text(&signed.stderr));
    let file = dir.write("signed.http", &signed.stdout);
    let output = run(&["verify", "--key", &key, "--keyid", "-Jx9", &file]);
    assert!(output.status.success(), "{}", text(&output.stderr));
}
