//! Problems a new user met, each run through the `reqsig` binary: output to a
//! closed pipe, bad URLs, a Content-Length that disagrees with the body,
//! `--expected-base` read too late, the layout of `keys list` and of the
//! `serve` log, and the algorithms `keygen` offers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};

mod common;

use common::{TempDir, reqsig, run, text};

/// The body of examples/order.http: 40 bytes.
const ORDER_BODY: &str = r#"{"order":{"item":"coffee","quantity":2}}"#;

/// A child process killed when the test ends, even when it fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Makes an Ed25519 key pair and returns the private key file, the public key file and the key id.
fn keygen(dir: &TempDir) -> (String, String, String) {
    let private = dir.path("client.pem");
    let public = dir.path("client.pub");
    let output = run(&["keygen", "--out", &private, "--public-out", &public]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    (private, public, text(&output.stdout).trim().to_owned())
}

fn order_example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/order.http")
}

/// Runs `args` with standard output a pipe whose reader is already closed,
/// as when `head -1` has stopped reading.
fn run_into_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("make a pipe");
    drop(reader);
    let child = reqsig()
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .expect("run reqsig");
    child.wait_with_output().expect("wait for reqsig")
}

/// Serves one HTTP request on loopback with a short 200 response.
fn serve_once() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(read) => request.extend_from_slice(&buffer[..read]),
            }
        }
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nhello\n",
        );
    });
    port
}

#[test]
fn closed_stdout_ends_each_command_quietly() {
    let dir = TempDir::new("reported-", "pipe");
    let (private, public, keyid) = keygen(&dir);
    let example = order_example().display().to_string();
    let signed = sign_example(&dir, &private, &keyid);
    let registry = dir.path("registry.toml");
    add_key(&registry, &public);
    let port = serve_once();
    let url = format!("http://127.0.0.1:{port}/orders");

    let commands: [&[&str]; 6] = [
        &["base", &example],
        &["verify", "--key", &public, "--keyid", &keyid, &signed],
        &["verify", "--key", &public, "--keyid", &keyid, "--json", &signed],
        &["keys", "list", "--registry", &registry],
        &["send", "--key", &private, "--keyid", &keyid, &url],
        &["sign", "--key", &private, "--keyid", &keyid, &example],
    ];
    for args in commands {
        let output = run_into_closed_pipe(args);
        let stderr = text(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn serve_rejects_bad_upstream_at_startup() {
    let dir = TempDir::new("reported-", "upstream");
    // The registry is missing, so a gateway that wrongly accepts the
    // upstream stops on the registry instead and the test still ends.
    let registry = dir.path("missing-registry.toml");
    for upstream in [
        "notaurl",
        "ftp://127.0.0.1/",
        "http://",
        "/orders",
        "http://127.0.0.1:8080/?a=1",
    ] {
        let output = run(&[
            "serve",
            "--registry",
            &registry,
            "--listen",
            "127.0.0.1:0",
            "--upstream",
            upstream,
        ]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{upstream}: {stderr}");
        assert!(
            stderr.contains(&format!("--upstream {upstream:?}")),
            "{upstream}: {stderr}"
        );
        assert!(stderr.contains("http://127.0.0.1:8080"), "{upstream}: {stderr}");
    }
    let output = run(&[
        "serve",
        "--registry",
        &registry,
        "--listen",
        "127.0.0.1:0",
        "--upstream",
        "http://127.0.0.1:8080/",
    ]);
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("--upstream"), "{stderr}");
    assert!(stderr.contains("missing-registry.toml"), "{stderr}");
}

#[test]
fn send_names_bad_url_and_transport_cause() {
    let dir = TempDir::new("reported-", "send");
    let (private, _, keyid) = keygen(&dir);
    let output = run(&["send", "--key", &private, "--keyid", &keyid, "not-a-url"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("\"not-a-url\""), "{stderr}");
    assert!(stderr.contains("http://127.0.0.1:8080/orders"), "{stderr}");
    assert!(!stderr.contains("builder error"), "{stderr}");

    // A port on loopback that nothing listens on any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/x");
    let output = run(&["send", "--key", &private, "--keyid", &keyid, &url]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&url), "{stderr}");
    assert!(stderr.to_lowercase().contains("refused"), "{stderr}");
}

#[test]
fn content_length_must_match_the_body() {
    let dir = TempDir::new("reported-", "content-length");
    let (private, _, keyid) = keygen(&dir);
    let example = std::fs::read_to_string(order_example()).unwrap();
    assert!(example.ends_with(ORDER_BODY), "examples/order.http changed");
    let base = |file: &str| run(&["base", "--nonce", "none", "--created", "1700000000", file]);

    // The example, and the same message with LF line ends, still pass.
    let crlf = order_example().display().to_string();
    let lf = dir.write("order-lf.http", example.replace("\r\n", "\n"));
    for file in [&crlf, &lf] {
        let output = base(file);
        assert!(output.status.success(), "{file}: {}", text(&output.stderr));
        assert!(text(&output.stdout).contains("\"content-digest\": sha-256=:"));
    }

    for (length, fragments) in [
        ("abc", &["\"abc\"", "not a number", "40"][..]),
        (
            "4000",
            &["Content-Length is 4000", "40 bytes", "set Content-Length to 40"][..],
        ),
        ("10", &["Content-Length is 10", "40 bytes", "10 bytes"][..]),
    ] {
        let file = dir.write(
            &format!("length-{length}.http"),
            example.replace("Content-Length: 40", &format!("Content-Length: {length}")),
        );
        for output in [
            base(&file),
            run(&["sign", "--key", &private, "--keyid", &keyid, &file]),
        ] {
            let stderr = text(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{length}: {stderr}");
            assert!(stderr.contains(&file), "{length}: {stderr}");
            for fragment in fragments {
                assert!(
                    stderr.contains(fragment),
                    "{length}: {stderr:?} lacks {fragment:?}"
                );
            }
        }
    }
}

#[test]
fn missing_expected_base_stops_before_the_verdict() {
    let dir = TempDir::new("reported-", "expected-base");
    let (private, public, keyid) = keygen(&dir);
    let signed = sign_example(&dir, &private, &keyid);
    let missing = dir.path("missing.txt");
    let explain = |message: &str| {
        run(&[
            "verify",
            "--key",
            &public,
            "--keyid",
            &keyid,
            "--explain",
            "--expected-base",
            &missing,
            message,
        ])
    };
    let output = explain(&signed);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(text(&output.stdout), "");
    assert!(stderr.contains(&format!("cannot read {missing}")), "{stderr}");
    assert!(!stderr.contains("signature base"), "{stderr}");

    // The file is read before the message, so its error comes first.
    let broken = dir.write("broken.http", "this is not HTTP\n");
    let output = explain(&broken);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("cannot read {missing}")), "{stderr}");

    let help = text(&run(&["verify", "--help"]).stdout);
    assert!(help.contains("only in this file with `-`"), "{help}");
    assert!(help.contains("rebuilt with `+`"), "{help}");
}

#[test]
fn keys_list_aligns_thumbprint_key_ids() {
    let dir = TempDir::new("reported-", "keys-list");
    let (_, public, thumbprint) = keygen(&dir);
    assert_eq!(thumbprint.len(), 43, "{thumbprint}");
    let registry = dir.path("registry.toml");
    let other = dir.path("other.pub");
    let other_key = run(&["keygen", "--out", &dir.path("other.pem"), "--public-out", &other]);
    assert!(other_key.status.success(), "{}", text(&other_key.stderr));

    for (public, client, keyid) in [(&public, "orders", None), (&other, "billing-service", Some("b1"))] {
        let mut args = vec![
            "keys",
            "add",
            "--registry",
            &registry,
            "--client",
            client,
            "--public-key",
            public,
        ];
        if let Some(keyid) = keyid {
            args.extend(["--keyid", keyid]);
        }
        let output = run(&args);
        assert!(output.status.success(), "{}", text(&output.stderr));
    }

    let output = run(&["keys", "list", "--registry", &registry]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let listing = text(&output.stdout);
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 3, "{listing}");

    let column = |line: &str, cell: &str| line.find(cell).unwrap_or_else(|| panic!("{cell} in {line}"));
    let client = column(lines[0], "client");
    let algorithm = column(lines[0], "algorithm");
    assert!(client > thumbprint.len(), "{listing}");
    for (line, name) in [(lines[1], "orders"), (lines[2], "billing-service")] {
        assert_eq!(column(line, name), client, "{listing}");
        assert_eq!(column(line, "ed25519"), algorithm, "{listing}");
    }
    assert!(lines.iter().all(|line| !line.ends_with(' ')), "{listing:?}");
}

#[test]
fn serve_log_to_a_pipe_has_no_colour() {
    let dir = TempDir::new("reported-", "serve-log");
    let (_, public, _) = keygen(&dir);
    let registry = dir.path("registry.toml");
    add_key(&registry, &public);
    let mut gateway = Running(
        reqsig()
            .args(["serve", "--registry", &registry, "--listen", "127.0.0.1:0"])
            .env_remove("NO_COLOR")
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run reqsig serve"),
    );
    let stderr = gateway.0.stderr.take().unwrap();
    let mut line = String::new();
    BufReader::new(stderr).read_line(&mut line).unwrap();
    assert!(line.contains("reqsig gateway listening"), "{line:?}");
    assert!(!line.contains('\u{1b}'), "{line:?}");
}

/// Registers `public` in `registry` for the client `orders`, under its thumbprint.
fn add_key(registry: &str, public: &str) {
    let added = run(&[
        "keys",
        "add",
        "--registry",
        registry,
        "--client",
        "orders",
        "--public-key",
        public,
    ]);
    assert!(added.status.success(), "{}", text(&added.stderr));
}

#[test]
fn closed_stderr_keeps_the_exit_status() {
    let dir = TempDir::new("reported-", "stderr");
    let missing = dir.path("missing.pem");
    let mut child = reqsig()
        .args(["verify", "--key", &missing, "--keyid", "k", &missing])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start reqsig");
    drop(child.stderr.take());
    let status = child.wait().expect("wait for reqsig");
    assert_eq!(status.code(), Some(2), "{status:?}");
}

#[test]
fn wrong_keyid_names_the_keys_given() {
    let dir = TempDir::new("reported-", "wrong-keyid");
    let (private, public, keyid) = keygen(&dir);
    let signed = sign_example(&dir, &private, &keyid);
    let output = run(&["verify", "--key", &public, "--keyid", "wrong-id", &signed]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("unknown key id {keyid:?}")), "{stderr}");
    assert!(stderr.contains(r#"the keys given are ["wrong-id"]"#), "{stderr}");
}

/// Signs examples/order.http with `private` and writes the result to `signed.http` in `dir`.
fn sign_example(dir: &TempDir, private: &str, keyid: &str) -> String {
    let example = order_example().display().to_string();
    let signed = run(&["sign", "--key", private, "--keyid", keyid, &example]);
    assert!(signed.status.success(), "{}", text(&signed.stderr));
    dir.write("signed.http", &signed.stdout)
}

#[test]
fn keygen_lists_only_generated_algorithms() {
    let dir = TempDir::new("reported-", "keygen-alg");
    let out = dir.path("key.pem");

    let output = run(&["keygen", "--alg", "foo", "--out", &out]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("keygen makes hmac-sha256, ecdsa-p256-sha256, ecdsa-p384-sha384, ed25519 keys"),
        "{stderr}"
    );
    assert!(!stderr.contains("rsa"), "{stderr}");

    let output = run(&["keygen", "--alg", "rsa-pss-sha512", "--out", &out]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not rsa-pss-sha512"), "{stderr}");
    assert!(stderr.contains("openssl genpkey -algorithm RSA"), "{stderr}");
    assert_eq!(stderr.matches("reqsig:").count(), 0, "{stderr}");
    assert!(!Path::new(&out).exists(), "no key file is written");
}
