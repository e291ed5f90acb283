//! Sign on challenge: the unsigned first attempt gets 401 with
//! `Accept-Signature`, and the retry covers at least the client's minimum.

use reqsig::{Signer, SigningKey};
use reqsig_reqwest::{Challenge, SigningConfig};

use crate::support::{CLIENT_KEY_ID, Keys, ServerOptions, middleware_client};

fn challenge_config(keys: &Keys) -> SigningConfig {
    let key: SigningKey = keys.client.clone();
    SigningConfig::new(keys.signer()).sign_on_challenge(move |challenge: &Challenge| {
        Signer::builder(key.clone())
            .key_id(CLIENT_KEY_ID)
            .components(challenge.components.clone())
            .build()
    })
}

#[tokio::test]
async fn empty_challenge_gets_minimum() {
    let keys = Keys::new();
    let server = keys
        .server(ServerOptions {
            accept_signature: Some("sig1=()"),
            ..ServerOptions::default()
        })
        .await;
    let client = middleware_client(challenge_config(&keys));

    let response = client
        .post(server.url("/echo?id=7"))
        .header("content-type", "application/json")
        .body(r#"{"item":42}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert!(!seen[0].is_signed());
    assert_eq!(seen[0].verdict, Err("missing_signature".to_owned()));
    assert!(seen[1].verdict.is_ok(), "{:?}", seen[1].verdict);
    assert_eq!(
        seen[1].covered(),
        r#"("@method" "@authority" "@path" "@query" "content-digest" "content-type")"#
    );
}

#[tokio::test]
async fn challenge_adds_requested_components() {
    let keys = Keys::new();
    let server = keys
        .server(ServerOptions {
            accept_signature: Some(
                r#"sig1=("@method" "x-request-id" "@target-uri");created;nonce;keyid="someone-else""#,
            ),
            ..ServerOptions::default()
        })
        .await;
    let client = middleware_client(challenge_config(&keys));

    let response = client
        .get(server.url("/echo"))
        .header("x-request-id", "r-1")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert!(seen[1].verdict.is_ok(), "{:?}", seen[1].verdict);
    assert_eq!(
        seen[1].covered(),
        r#"("@method" "@authority" "@path" "@query" "x-request-id" "@target-uri")"#
    );
    let input = seen[1].headers["signature-input"].to_str().unwrap();
    assert!(input.contains(&format!("keyid=\"{CLIENT_KEY_ID}\"")), "{input}");
}

#[tokio::test]
async fn no_challenge_sends_unsigned_once() {
    let keys = Keys::new();
    let server = keys
        .server(ServerOptions {
            open: true,
            ..ServerOptions::default()
        })
        .await;
    let client = middleware_client(challenge_config(&keys));

    let response = client.get(server.url("/echo")).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert!(!seen[0].is_signed());
}
