//! The JWKS key source against a JWK Set served on loopback.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use reqsig::SigningKey;
use reqsig_gate::{JwksClient, JwksSource, KeySource};

#[derive(Clone, Default)]
struct Served {
    document: Arc<Mutex<String>>,
    failing: Arc<Mutex<bool>>,
    fetches: Arc<AtomicUsize>,
}

async fn jwks(State(served): State<Served>) -> (StatusCode, String) {
    served.fetches.fetch_add(1, Ordering::SeqCst);
    if *served.failing.lock().unwrap() {
        return (StatusCode::INTERNAL_SERVER_ERROR, String::new());
    }
    (StatusCode::OK, served.document.lock().unwrap().clone())
}

fn jwk_set(members: &[(&str, u8, Option<u64>)]) -> String {
    let keys: Vec<serde_json::Value> = members
        .iter()
        .map(|(kid, seed, exp)| {
            let key = SigningKey::from_ed25519_seed(&[*seed; 32]).unwrap();
            let mut jwk: serde_json::Value =
                serde_json::from_str(&key.verifying_key().to_jwk(Some(kid)).unwrap()).unwrap();
            if let Some(exp) = exp {
                jwk["exp"] = serde_json::json!(exp);
            }
            jwk
        })
        .collect();
    serde_json::json!({ "keys": keys }).to_string()
}

async fn serve(served: Served) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new().route("/jwks.json", get(jwks)).with_state(served);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/jwks.json")
}

fn client() -> JwksClient {
    JwksClient {
        client_id: "partner".to_owned(),
        scopes: Vec::new(),
        source_cidrs: Vec::new(),
        rate_limit: None,
    }
}

#[tokio::test]
async fn jwks_fetched_cached_and_refetched() {
    let served = Served::default();
    *served.document.lock().unwrap() = jwk_set(&[("k1", 1, None), ("k2", 2, Some(1_900_000_000))]);
    let url = serve(served.clone()).await;
    let source = JwksSource::new(&url, client())
        .unwrap()
        .refetch_interval(Duration::from_secs(3600));

    let record = source.lookup("k1").await.unwrap().expect("k1 is in the set");
    assert_eq!(record.client_id, "partner");
    assert_eq!(served.fetches.load(Ordering::SeqCst), 1);
    let record = source.lookup("k2").await.unwrap().expect("k2 is in the set");
    assert_eq!(record.not_after, Some(1_900_000_000));
    assert_eq!(
        served.fetches.load(Ordering::SeqCst),
        1,
        "a cached key needs no fetch"
    );

    // An unknown key id causes one fetch, then none until the interval passes.
    assert!(source.lookup("k3").await.unwrap().is_none());
    assert!(source.lookup("k4").await.unwrap().is_none());
    assert_eq!(served.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn jwks_unknown_kid_refetches_new_key() {
    let served = Served::default();
    *served.document.lock().unwrap() = jwk_set(&[("k1", 1, None)]);
    let url = serve(served.clone()).await;
    let source = JwksSource::new(&url, client())
        .unwrap()
        .refetch_interval(Duration::ZERO);
    assert!(source.lookup("k1").await.unwrap().is_some());

    *served.document.lock().unwrap() = jwk_set(&[("k1", 1, None), ("k-new", 5, None)]);
    assert!(source.lookup("k-new").await.unwrap().is_some());
    assert_eq!(served.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn jwks_failed_fetch_keeps_cache() {
    let served = Served::default();
    *served.document.lock().unwrap() = jwk_set(&[("k1", 1, None)]);
    let url = serve(served.clone()).await;
    let source = JwksSource::new(&url, client())
        .unwrap()
        .ttl(Duration::ZERO)
        .refetch_interval(Duration::ZERO);
    assert!(source.lookup("k1").await.unwrap().is_some());

    *served.failing.lock().unwrap() = true;
    assert!(
        source.lookup("k1").await.unwrap().is_some(),
        "the cached key stays in use"
    );
    assert!(served.fetches.load(Ordering::SeqCst) >= 2);
}

#[tokio::test]
async fn jwks_unreachable_without_cache_unavailable() {
    let served = Served::default();
    *served.failing.lock().unwrap() = true;
    let url = serve(served).await;
    let source = JwksSource::new(&url, client()).unwrap();
    assert!(source.lookup("k1").await.is_err());
}
