//! The client against the project's own verifying middleware, reqsig-tower,
//! on loopback: accepted requests, a body changed after signing, retries,
//! redirects, a challenge, and signed responses.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Extension;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::any;
use reqsig::{Algorithm, Signer, SigningKey, StaticKey};
use reqsig_gate::{Gate, Identity, KeyRecord, MemoryRegistry, ResponseSigner};
use reqsig_reqwest::{Challenge, ResponseVerification, SignedClient, SigningConfig, SigningMiddleware};
use reqsig_tower::VerifyLayer;
use reqwest_middleware::{Middleware, Next};

const CLIENT_KEY_ID: &str = "client-1";

struct Fixture {
    client_key: SigningKey,
    server_key: SigningKey,
    base: String,
}

#[derive(Clone, Default)]
struct Counters {
    flaky: Arc<AtomicUsize>,
}

async fn echo(Extension(identity): Extension<Identity>, body: String) -> String {
    format!("{}:{}", identity.client_id, body)
}

async fn flaky(State(counters): State<Counters>) -> impl IntoResponse {
    if counters.flaky.fetch_add(1, Ordering::SeqCst) == 0 {
        return (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response();
    }
    "recovered".into_response()
}

async fn redirect() -> Redirect {
    Redirect::temporary("/echo")
}

async fn start() -> Fixture {
    let client_key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let server_key = SigningKey::generate(Algorithm::Ed25519).unwrap();
    let registry = MemoryRegistry::with_records([KeyRecord::new(
        CLIENT_KEY_ID,
        "orders",
        client_key.verifying_key(),
    )]);
    let layer = VerifyLayer::new(Gate::builder(Arc::new(registry)).build())
        .sign_responses(ResponseSigner::new(Arc::new(server_key.clone()), "server-1"));
    let app = Router::new()
        .route("/echo", any(echo))
        .route("/flaky", any(flaky))
        .route("/redirect", any(redirect))
        .with_state(Counters::default())
        .layer(layer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Fixture {
        client_key,
        server_key,
        base: format!("http://{address}"),
    }
}

impl Fixture {
    fn signer(&self) -> Signer {
        Signer::builder(self.client_key.clone())
            .key_id(CLIENT_KEY_ID)
            .build()
            .unwrap()
    }
}

#[tokio::test]
async fn tower_accepts_signed_requests() {
    let fixture = start().await;
    let client = SignedClient::new(fixture.signer()).unwrap();
    // A fragment is never sent, so the response's URL lacks it; that is no redirect.
    for target in ["/echo?id=7", "/echo?id=7#details"] {
        let response = client
            .post(format!("{}{target}", fixture.base))
            .body("hello")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{target}");
        assert_eq!(response.text().await.unwrap(), "orders:hello", "{target}");
    }
}

/// Replaces the body after the signing middleware ran.
struct ChangeBody;

#[async_trait::async_trait]
impl Middleware for ChangeBody {
    async fn handle(
        &self,
        mut request: reqwest::Request,
        extensions: &mut http::Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        *request.body_mut() = Some(reqwest::Body::from("changed"));
        next.run(request, extensions).await
    }
}

#[tokio::test]
async fn tower_rejects_changed_body() {
    let fixture = start().await;
    let client = reqwest_middleware::ClientBuilder::new(SigningMiddleware::client_builder().build().unwrap())
        .with(SigningMiddleware::new(fixture.signer()))
        .with(ChangeBody)
        .build();
    let response = client
        .post(format!("{}/echo", fixture.base))
        .body("original")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(body["error"], "digest_mismatch");
}

#[tokio::test]
async fn tower_accepts_retry_with_new_nonce() {
    let fixture = start().await;
    let retry = reqwest_retry::RetryTransientMiddleware::new_with_policy(
        reqwest_retry::policies::ExponentialBackoff::builder().build_with_max_retries(2),
    );
    // Retry sits outside signing, so each attempt is signed anew.
    let client = reqwest_middleware::ClientBuilder::new(SigningMiddleware::client_builder().build().unwrap())
        .with(retry)
        .with(SigningMiddleware::new(fixture.signer()))
        .build();
    let response = client
        .get(format!("{}/flaky", fixture.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "recovered");
}

#[tokio::test]
async fn tower_accepts_same_origin_redirect() {
    let fixture = start().await;
    let client = SignedClient::new(fixture.signer()).unwrap();
    let response = client
        .post(format!("{}/redirect", fixture.base))
        .body("moved")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "orders:moved");
}

#[tokio::test]
async fn tower_challenge_then_signed() {
    let fixture = start().await;
    let key = fixture.client_key.clone();
    let config = SigningConfig::new(fixture.signer()).sign_on_challenge(move |challenge: &Challenge| {
        Signer::builder(key.clone())
            .key_id(CLIENT_KEY_ID)
            .components(challenge.components.clone())
            .build()
    });
    let client = SignedClient::new(config).unwrap();
    let response = client
        .put(format!("{}/echo?x=1", fixture.base))
        .body("after challenge")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "orders:after challenge");
}

#[tokio::test]
async fn tower_signed_responses_verify() {
    let fixture = start().await;
    let resolver = StaticKey::new("server-1", fixture.server_key.verifying_key());
    let config = SigningConfig::new(fixture.signer()).verify_responses(ResponseVerification::new(resolver));
    let client = SignedClient::new(config).unwrap();
    let response = client
        .get(format!("{}/echo?y=2", fixture.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("signature"));

    let wrong = StaticKey::new(
        "server-1",
        SigningKey::generate(Algorithm::Ed25519).unwrap().verifying_key(),
    );
    let config = SigningConfig::new(fixture.signer()).verify_responses(ResponseVerification::new(wrong));
    let client = SignedClient::new(config).unwrap();
    let error = client
        .get(format!("{}/echo?y=3", fixture.base))
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("response"), "{error}");
}
