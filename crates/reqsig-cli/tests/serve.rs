//! `reqsig serve` in front of a small upstream on loopback: identity headers
//! added, client-sent identity headers removed, metrics served, and a clean
//! stop on SIGTERM.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::Router;
use axum::routing::any;
use reqsig::{Signer, SigningKey};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Gateway(Child);

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_for(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing listens on 127.0.0.1:{port}");
}

/// Answers with the request's headers as `name: value` lines.
async fn echo_headers(headers: http::HeaderMap, body: String) -> String {
    let mut lines: Vec<String> = headers
        .iter()
        .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or("?")))
        .collect();
    lines.sort();
    lines.push(format!("body: {body}"));
    lines.join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_forwards_with_identity_headers() {
    let dir = std::env::temp_dir().join(format!("reqsig-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let private = dir.join("client.pem");
    let public = dir.join("client.pub");
    let registry = dir.join("registry.toml");
    let binary = env!("CARGO_BIN_EXE_reqsig");
    let status = Command::new(binary)
        .args(["keygen", "--out"])
        .arg(&private)
        .arg("--public-out")
        .arg(&public)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let status = Command::new(binary)
        .args([
            "keys",
            "add",
            "--keyid",
            "client-key",
            "--client",
            "orders-service",
            "--registry",
        ])
        .arg(&registry)
        .arg("--public-key")
        .arg(&public)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());

    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_port = upstream.local_addr().unwrap().port();
    tokio::spawn(async move {
        axum::serve(upstream, Router::new().fallback(any(echo_headers)))
            .await
            .unwrap()
    });

    let port = free_port();
    let metrics_port = free_port();
    let child = Command::new(binary)
        .args(["serve", "--registry"])
        .arg(&registry)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--upstream", &format!("http://127.0.0.1:{upstream_port}")])
        .args(["--metrics-listen", &format!("127.0.0.1:{metrics_port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut gateway = Gateway(child);
    wait_for(port).await;
    wait_for(metrics_port).await;

    let key = SigningKey::load(&std::fs::read(&private).unwrap(), None).unwrap();
    let signer = Signer::builder(key).key_id("client-key").build().unwrap();
    let mut request = http::Request::post(format!("http://127.0.0.1:{port}/orders?id=3"))
        .header("content-type", "text/plain")
        .header("reqsig-client-id", "someone-else")
        .body(b"two coffees".to_vec())
        .unwrap();
    signer.sign_request(&mut request).unwrap();
    reqsig_reqwest::install_tls_provider();
    let client = reqwest::Client::new();
    let response = client
        .execute(reqwest::Request::try_from(request).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let seen = response.text().await.unwrap();
    assert!(seen.contains("reqsig-client-id: orders-service"), "{seen}");
    assert!(!seen.contains("someone-else"), "{seen}");
    assert!(seen.contains("reqsig-key-id: client-key"), "{seen}");
    assert!(seen.contains("reqsig-label: sig1"), "{seen}");
    assert!(seen.contains("body: two coffees"), "{seen}");

    // `reqsig send` signs through reqsig-reqwest and prints status, headers and body.
    // The upstream runs on this test's runtime, so the blocking wait must not
    // occupy its only worker; the runtime has two.
    let sent = Command::new(binary)
        .args(["send", "--key"])
        .arg(&private)
        .args([
            "--keyid",
            "client-key",
            "-X",
            "PUT",
            "-H",
            "Content-Type: text/plain",
            "-d",
            "one tea",
        ])
        .arg(format!("http://127.0.0.1:{port}/orders/7?rush=1"))
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&sent.stdout);
    assert!(
        sent.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    assert!(printed.starts_with("200 OK"), "{printed}");
    assert!(printed.contains("body: one tea"), "{printed}");

    let unsigned = client
        .get(format!("http://127.0.0.1:{port}/orders"))
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);

    let metrics = client
        .get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("reqsig_requests_accepted_total{key_id=\"client-key\"} 2"),
        "{metrics}"
    );

    let pid = gateway.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut exit = None;
    for _ in 0..100 {
        if let Some(status) = gateway.0.try_wait().unwrap() {
            exit = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        exit.is_some_and(|status| status.success()),
        "the gateway did not stop cleanly on SIGTERM: {exit:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_without_upstream_answers_identity() {
    let dir = std::env::temp_dir().join(format!("reqsig-serve-identity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let private = dir.join("client.pem");
    let public = dir.join("client.pub");
    let registry = dir.join("registry.toml");
    let binary = env!("CARGO_BIN_EXE_reqsig");
    Command::new(binary)
        .args(["keygen", "--out"])
        .arg(&private)
        .arg("--public-out")
        .arg(&public)
        .output()
        .unwrap();
    Command::new(binary)
        .args(["keys", "add", "--keyid", "k", "--client", "c", "--registry"])
        .arg(&registry)
        .arg("--public-key")
        .arg(&public)
        .output()
        .unwrap();
    let port = free_port();
    let _gateway = Gateway(
        Command::new(binary)
            .args(["serve", "--registry"])
            .arg(&registry)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(port).await;
    let key = SigningKey::load(&std::fs::read(&private).unwrap(), None).unwrap();
    let signer = Signer::builder(key).key_id("k").build().unwrap();
    let mut request = http::Request::get(format!("http://127.0.0.1:{port}/x"))
        .body(Vec::new())
        .unwrap();
    signer.sign_request(&mut request).unwrap();
    reqsig_reqwest::install_tls_provider();
    let response = reqwest::Client::new()
        .execute(reqwest::Request::try_from(request).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let identity: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(identity["client_id"], "c");
    assert_eq!(identity["key_id"], "k");
    std::fs::remove_dir_all(&dir).ok();
}
