#![forbid(unsafe_code)]
//! Tower middleware that verifies RFC 9421 HTTP Message Signatures.
//!
//! [`VerifyLayer`] wraps any tower service that takes `http::Request`s, so
//! it fits axum routers and hyper servers. For each request it runs the
//! checks of [`reqsig_gate::Gate`] in the order of `spec/README.md`:
//! unsigned requests get 401 with `Accept-Signature` and
//! `WWW-Authenticate`; an invalid signature gets 401 with a JSON error code;
//! a valid signature outside the key's scopes or source addresses gets 403;
//! a key over its rate limit gets 429 with `Retry-After`; a body over the
//! digest limit gets 413. A request that passes reaches the inner service
//! with a [`reqsig_gate::Identity`] in its extensions, and, when its
//! Content-Digest was checked, with exactly the bytes that were hashed.
//!
//! The layer must sit outside any decompression layer, because the digest
//! covers the body as received.
//!
//! ```no_run
//! use std::sync::Arc;
//! use axum::{Extension, Router, routing::post};
//! use reqsig_gate::{Gate, Identity, RegistryFile};
//! use reqsig_tower::VerifyLayer;
//!
//! async fn create(Extension(identity): Extension<Identity>, body: String) -> String {
//!     format!("{} sent {} bytes", identity.client_id, body.len())
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let registry = RegistryFile::open("registry.toml")?;
//! let layer = VerifyLayer::new(Gate::builder(Arc::new(registry)).build());
//! let app = Router::new().route("/orders", post(create)).layer(layer);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await?;
//! # Ok(())
//! # }
//! ```

mod body;
mod layer;
mod service;

pub use body::{BoxError, VerifiedBody};
pub use layer::{PeerAddress, VerifyLayer};
pub use service::{ResponseBody, VerifyService, rejection_response};
