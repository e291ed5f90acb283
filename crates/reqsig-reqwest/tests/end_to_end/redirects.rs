//! Redirects are followed by the crate, re-signed on the same origin and
//! sent unsigned to another origin.

use reqsig_reqwest::{Error, RedirectError, RedirectPolicy, SignedClient, SigningConfig, SigningMiddleware};

use crate::support::{Keys, ServerOptions, middleware_client, signing_error};

fn redirect_to(status: u16, target: &str) -> String {
    let mut encoded = String::new();
    for byte in target.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("/redirect?status={status}&to={encoded}")
}

#[tokio::test]
async fn same_origin_redirect_is_resigned() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(keys.signer());

    let response = client
        .post(server.url(&redirect_to(307, "/echo?moved=1")))
        .header("content-type", "application/json")
        .body(r#"{"item":42}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.url().as_str(), server.url("/echo?moved=1"));
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert_ne!(seen[0].nonce(), seen[1].nonce());
    assert_eq!(seen[1].method, "POST");
    assert_eq!(seen[1].target, "/echo?moved=1");
    assert_eq!(seen[1].body, r#"{"item":42}"#);
}

#[tokio::test]
async fn see_other_becomes_get() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = SignedClient::new(keys.signer()).unwrap();

    let response = client
        .post(server.url(&redirect_to(303, "/echo")))
        .header("content-type", "application/json")
        .body(r#"{"item":42}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    let second = &seen[1];
    assert!(second.verdict.is_ok(), "{:?}", second.verdict);
    assert_eq!(second.method, "GET");
    assert!(second.body.is_empty());
    assert!(!second.headers.contains_key("content-type"));
    assert!(!second.headers.contains_key("content-digest"));
}

#[tokio::test]
async fn found_keeps_head() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(keys.signer());

    let response = client
        .head(server.url(&redirect_to(302, "/echo")))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert_eq!(seen[1].method, "HEAD");
    assert!(seen[1].verdict.is_ok(), "{:?}", seen[1].verdict);
}

#[tokio::test]
async fn cross_origin_redirect_is_unsigned() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let other = keys
        .server(ServerOptions {
            open: true,
            ..ServerOptions::default()
        })
        .await;
    let client = middleware_client(keys.signer());

    let response = client
        .post(server.url(&redirect_to(308, &other.url("/echo"))))
        .header("authorization", "Bearer secret")
        .body("payload")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let first = server.seen();
    assert_eq!(first.len(), 1);
    assert!(first[0].verdict.is_ok(), "{:?}", first[0].verdict);
    let seen = other.seen();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert!(!seen[0].is_signed(), "{:?}", seen[0].headers);
    assert!(!seen[0].headers.contains_key("authorization"));
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].body, "payload");
}

#[tokio::test]
async fn return_to_origin_stays_unsigned() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let other = keys
        .server(ServerOptions {
            open: true,
            ..ServerOptions::default()
        })
        .await;
    let client = middleware_client(keys.signer());
    let back = redirect_to(307, &server.url("/echo"));
    let away = redirect_to(307, &other.url(&back));

    let response = client
        .post(server.url(&away))
        .body("payload")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    assert!(seen[0].verdict.is_ok(), "{:?}", seen[0].verdict);
    assert!(!seen[1].is_signed());
    assert_eq!(seen[1].verdict, Err("missing_signature".to_owned()));
}

#[tokio::test]
async fn redirect_loop_hits_limit() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(SigningConfig::new(keys.signer()).redirects(RedirectPolicy::limited(3)));

    let error = client.get(server.url("/loop")).send().await.unwrap_err();

    let error = signing_error(&error);
    assert!(
        matches!(
            error,
            Error::Redirect(RedirectError::TooManyRedirects { max: 3, .. })
        ),
        "{error}"
    );
    assert!(error.to_string().contains("RedirectPolicy::limited"), "{error}");
    let seen = server.seen();
    assert_eq!(seen.len(), 4);
    for request in &seen {
        assert!(request.verdict.is_ok(), "{:?}", request.verdict);
    }
}

#[tokio::test]
async fn policy_none_returns_redirect() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client =
        SignedClient::new(SigningConfig::new(keys.signer()).redirects(RedirectPolicy::none())).unwrap();

    let response = client.get(server.url("/loop")).send().await.unwrap();

    assert_eq!(response.status(), 302);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn client_following_redirects_is_detected() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    reqsig_reqwest::install_tls_provider();
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(SigningMiddleware::new(keys.signer()))
        .build();

    let error = client
        .get(server.url(&redirect_to(302, "/echo")))
        .send()
        .await
        .unwrap_err();

    let error = signing_error(&error);
    assert!(
        matches!(error, Error::Redirect(RedirectError::FollowedByClient { .. })),
        "{error}"
    );
    assert!(error.to_string().contains("redirect::Policy::none()"), "{error}");
}
