//! Streaming bodies are buffered up to the limit and signed as sent.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::Frame;
use reqsig_reqwest::{Error, SignedClient, SigningConfig};

use crate::support::{Keys, ServerOptions, middleware_client, only, signing_error};

/// A body that yields its chunks one by one and declares no length, so
/// reqwest treats it as a stream.
struct Chunks(VecDeque<Bytes>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|chunk| Ok(Frame::data(chunk))))
    }
}

fn stream(chunks: usize, chunk_bytes: usize) -> reqwest::Body {
    let chunks = (0..chunks)
        .map(|i| Bytes::from(vec![b'a' + i as u8; chunk_bytes]))
        .collect();
    let body = reqwest::Body::wrap(Chunks(chunks));
    assert!(body.as_bytes().is_none());
    body
}

#[tokio::test]
async fn stream_under_limit_is_signed() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(SigningConfig::new(keys.signer()).max_body_bytes(3000));

    let response = client
        .post(server.url("/echo"))
        .body(stream(3, 1000))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let seen = server.seen();
    let request = only(&seen);
    assert!(request.verdict.is_ok(), "{:?}", request.verdict);
    assert_eq!(request.body.len(), 3000);
    assert!(request.body.starts_with(b"aaa") && request.body.ends_with(b"ccc"));
}

#[tokio::test]
async fn stream_over_limit_is_rejected() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = middleware_client(SigningConfig::new(keys.signer()).max_body_bytes(2999));

    let error = client
        .post(server.url("/echo"))
        .body(stream(3, 1000))
        .send()
        .await
        .unwrap_err();

    let error = signing_error(&error);
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 2999, .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains("2999 bytes"), "{message}");
    assert!(message.contains("SigningConfig::max_body_bytes"), "{message}");
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn signed_client_rejects_long_stream() {
    let keys = Keys::new();
    let server = keys.server(ServerOptions::default()).await;
    let client = SignedClient::new(SigningConfig::new(keys.signer()).max_body_bytes(0)).unwrap();

    let error = client
        .put(server.url("/echo"))
        .body(stream(1, 1))
        .send()
        .await
        .unwrap_err();

    assert!(matches!(error, Error::BodyTooLarge { limit: 0, .. }), "{error}");
    assert!(server.seen().is_empty());
}
