//! A body changed after signing no longer matches the signed Content-Digest.

use http::Extensions;
use reqsig_reqwest::SigningMiddleware;
use reqwest_middleware::{Middleware, Next};

use crate::support::{Keys, ServerOptions, only};

/// Replaces the body of every request it passes on, after signing.
struct ReplaceBody(&'static str);

#[async_trait::async_trait]
impl Middleware for ReplaceBody {
    async fn handle(
        &self,
        mut request: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        assert!(
            request.headers().contains_key("signature"),
            "the body must change after signing"
        );
        *request.body_mut() = Some(reqwest::Body::from(self.0));
        next.run(request, extensions).await
    }
}

#[tokio::test]
async fn body_changed_after_signing_is_rejected() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = reqwest_middleware::ClientBuilder::new(SigningMiddleware::client_builder().build().unwrap())
        .with(SigningMiddleware::new(keys.signer()))
        .with(ReplaceBody(r#"{"amount":1000}"#))
        .build();

    let response = client
        .post(server.url("/echo"))
        .header("content-type", "application/json")
        .body(r#"{"amount":1}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    let seen = server.seen();
    let request = only(&seen);
    assert_eq!(request.body, r#"{"amount":1000}"#);
    assert_eq!(request.verdict, Err("digest_mismatch".to_owned()));
}
