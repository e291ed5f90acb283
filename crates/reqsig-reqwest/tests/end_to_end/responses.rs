//! Response verification under the reqsig response profile.

use reqsig_reqwest::{Error, ResponseVerification, SignedClient, SigningConfig};

use crate::support::{Keys, ServerOptions, TestServer, middleware_client, only, signing_error};

fn verifying_config(keys: &Keys) -> SigningConfig {
    SigningConfig::new(keys.signer()).verify_responses(ResponseVerification::new(keys.server_resolver()))
}

#[tokio::test]
async fn signed_response_is_accepted() {
    let keys = Keys::new();
    let server = keys
        .server(ServerOptions {
            sign_responses: true,
            ..ServerOptions::default()
        })
        .await;
    let client = middleware_client(verifying_config(&keys));

    let response = client
        .post(server.url("/echo?x=%20y"))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.url().as_str(), server.url("/echo?x=%20y"));
    assert!(response.headers().contains_key("signature"));
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body, serde_json::json!({ "method": "POST", "body_bytes": 5 }));
    let seen = server.seen();
    assert!(only(&seen).verdict.is_ok());
}

#[tokio::test]
async fn tampered_response_is_rejected() {
    let keys = Keys::new();
    let server = keys
        .server(ServerOptions {
            sign_responses: true,
            tamper_responses: true,
            ..ServerOptions::default()
        })
        .await;
    let client = SignedClient::new(verifying_config(&keys)).unwrap();

    let error = client.get(server.url("/echo")).send().await.unwrap_err();

    let Error::ResponseVerification { url, error: cause } = &error else {
        panic!("expected ResponseVerification, got {error}");
    };
    assert_eq!(url, &server.url("/echo"));
    assert_eq!(cause.code(), "digest_mismatch");
    assert!(
        error.to_string().contains("failed signature verification"),
        "{error}"
    );
}

#[tokio::test]
async fn unsigned_response_is_rejected() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(verifying_config(&keys));

    let error = client.get(server.url("/echo")).send().await.unwrap_err();

    let error = signing_error(&error);
    assert_eq!(
        error.reqsig_error().map(reqsig::Error::code),
        Some("missing_signature")
    );
}

#[tokio::test]
async fn response_from_other_key_is_rejected() {
    let keys = Keys::new();
    let impostor = Keys::new();
    let options = ServerOptions {
        sign_responses: true,
        ..ServerOptions::default()
    };
    // The server has the client's key but signs responses with a key the client does not trust.
    let server = TestServer::start(&keys.client, &impostor.server, options).await;
    let client = middleware_client(verifying_config(&keys));

    let error = client.get(server.url("/echo")).send().await.unwrap_err();

    let error = signing_error(&error);
    assert_eq!(
        error.reqsig_error().map(reqsig::Error::code),
        Some("invalid_signature")
    );
}
