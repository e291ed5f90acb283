//! A verifying axum app on loopback and a client that signs for it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::routing::{any, get};
use axum::{Extension, Router};
use reqsig::clock::Clock;
use reqsig::{Algorithm, Signer, SigningKey};
use reqsig_gate::{Gate, Identity};
use reqsig_tower::VerifyLayer;

/// The time every test starts at, in seconds since the Unix epoch.
pub const START: u64 = 1_800_000_000;

/// A clock the test moves by hand.
#[derive(Debug)]
pub struct ManualClock(pub AtomicU64);

impl ManualClock {
    pub fn new() -> Arc<ManualClock> {
        Arc::new(ManualClock(AtomicU64::new(START)))
    }

    pub fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

async fn echo(Extension(identity): Extension<Identity>, body: String) -> String {
    format!("{}|{}|{}", identity.client_id, identity.key_id, body)
}

async fn public() -> &'static str {
    "public"
}

/// A running server; dropped, it stops.
pub struct TestServer {
    pub addr: SocketAddr,
    pub layer: VerifyLayer,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// Starts an app on 127.0.0.1 with an ephemeral port, behind `layer`.
pub async fn serve(layer: VerifyLayer) -> TestServer {
    let app = Router::new()
        .route("/public/health", get(public))
        .route("/{*path}", any(echo))
        .layer(layer.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .expect("server");
    });
    TestServer { addr, layer, task }
}

/// Starts a server around a gate.
pub async fn serve_gate(gate: Gate) -> TestServer {
    serve(VerifyLayer::new(gate)).await
}

/// A fixed Ed25519 key, distinct per seed byte.
pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_ed25519_seed(&[seed; 32]).unwrap()
}

pub fn signer(key: &SigningKey, key_id: &str, clock: Arc<ManualClock>) -> Signer {
    Signer::builder(key.clone())
        .key_id(key_id)
        .clock(clock)
        .build()
        .unwrap()
}

/// A response reduced to what the tests check.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn code(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_owned()
    }
}

/// Sends a request as is.
pub async fn send(request: http::Request<Vec<u8>>) -> Reply {
    reqsig_reqwest::install_tls_provider();
    let client = reqwest::Client::new();
    let request = reqwest::Request::try_from(request).expect("convert request");
    let response = client.execute(request).await.expect("send request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap_or_default();
    Reply {
        status,
        headers,
        body,
    }
}

/// Builds a request with an optional JSON body.
pub fn request(method: &str, url: &str, body: Option<&str>) -> http::Request<Vec<u8>> {
    let mut builder = http::Request::builder().method(method).uri(url);
    if body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    builder
        .body(body.unwrap_or_default().as_bytes().to_vec())
        .unwrap()
}

/// Builds and signs a request.
pub fn signed(signer: &Signer, method: &str, url: &str, body: Option<&str>) -> http::Request<Vec<u8>> {
    let mut request = request(method, url, body);
    signer.sign_request(&mut request).expect("sign");
    request
}

pub fn algorithm_default() -> Algorithm {
    Algorithm::Ed25519
}
