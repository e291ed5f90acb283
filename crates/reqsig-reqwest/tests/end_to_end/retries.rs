//! Retries: a retry that passes through the signing middleware gets a new
//! signature; one that resends the signed request is a replay.

use std::time::Duration;

use reqsig_reqwest::SigningMiddleware;
use reqwest_retry::RetryTransientMiddleware;
use reqwest_retry::policies::ExponentialBackoff;

use crate::support::{Keys, ServerOptions};

fn retry_middleware() -> RetryTransientMiddleware<ExponentialBackoff> {
    let policy = ExponentialBackoff::builder()
        .retry_bounds(Duration::from_millis(1), Duration::from_millis(1))
        .build_with_max_retries(2);
    RetryTransientMiddleware::new_with_policy(policy)
}

#[tokio::test]
async fn retry_outside_signing_gets_new_nonce() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = reqwest_middleware::ClientBuilder::new(SigningMiddleware::client_builder().build().unwrap())
        .with(retry_middleware())
        .with(SigningMiddleware::new(keys.signer()))
        .build();

    let response = client
        .post(server.url("/flaky"))
        .body("payload")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    let first = seen[0].nonce();
    let second = seen[1].nonce();
    assert_ne!(first, second);
    assert_ne!(seen[0].headers["signature"], seen[1].headers["signature"]);
    assert_eq!(seen[1].body, "payload");
}

#[tokio::test]
async fn retry_inside_signing_is_replay() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = reqwest_middleware::ClientBuilder::new(SigningMiddleware::client_builder().build().unwrap())
        .with(SigningMiddleware::new(keys.signer()))
        .with(retry_middleware())
        .build();

    let response = client
        .post(server.url("/flaky"))
        .body("payload")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert!(seen[0].verdict.is_ok(), "{:?}", seen[0].verdict);
    assert_eq!(seen[1].verdict, Err("replayed_nonce".to_owned()));
}
