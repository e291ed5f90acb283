#![forbid(unsafe_code)]
//! Signing reqwest requests with HTTP Message Signatures (RFC 9421).
//!
//! This crate signs each outgoing reqwest request with [`reqsig`] just before
//! it is sent: the signer's components, a `Content-Digest` (RFC 9530) over
//! the exact body bytes, `created` set to now and a fresh random nonce. A
//! retried request therefore carries a new signature, which a server that
//! remembers nonces accepts.
//!
//! # First use
//!
//! With reqwest-middleware, add [`SigningMiddleware`] to the chain, after
//! any retry middleware, over a client that does not follow redirects:
//!
//! ```no_run
//! use reqsig::{Algorithm, Signer, SigningKey};
//! use reqsig_reqwest::SigningMiddleware;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let key = SigningKey::from_pem(&std::fs::read_to_string("client-key.pem")?, None)?;
//! let signer = Signer::builder(key).key_id("client-1").build()?;
//!
//! let client = reqwest_middleware::ClientBuilder::new(SigningMiddleware::client_builder().build()?)
//!     .with(SigningMiddleware::new(signer))
//!     .build();
//! let response = client.get("https://api.example.com/orders").send().await?;
//! # let _ = response;
//! # Ok(())
//! # }
//! ```
//!
//! Without it, [`SignedClient`] wraps a reqwest client:
//!
//! ```no_run
//! use reqsig::{Algorithm, Signer, SigningKey};
//! use reqsig_reqwest::SignedClient;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! # let key = SigningKey::generate(Algorithm::Ed25519)?;
//! let client = SignedClient::new(Signer::builder(key).key_id("client-1").build()?)?;
//! let response = client
//!     .put("https://api.example.com/orders/7")
//!     .header("content-type", "application/json")
//!     .body(r#"{"item":42}"#)
//!     .send()
//!     .await?;
//! # let _ = response;
//! # Ok(())
//! # }
//! ```
//!
//! # What the signature covers
//!
//! The [`reqsig::Signer`] decides: by default `@method`, `@authority`,
//! `@path`, `@query`, and with a body `content-digest` and `content-type`.
//! The components are computed from the URI that reqwest puts on the wire,
//! so the query stays percent-encoded as sent, and `@authority` drops the
//! scheme's default port as RFC 9421 requires. Headers that reqwest adds
//! later, such as the client's default headers, are not part of the signed
//! message.
//!
//! # Features
//!
//! - **Bodies.** A body in memory is signed as it is. A streaming body is
//!   read into memory first, up to [`SigningConfig::max_body_bytes`], and the
//!   buffered bytes are what is signed and sent; a longer stream fails with
//!   [`Error::BodyTooLarge`].
//! - **Redirects.** reqwest's own redirect following is off, because it
//!   would resend the first signature. This crate follows redirects itself,
//!   signs each hop anew and by default sends no signature to another
//!   origin; see [`RedirectPolicy`].
//! - **Sign on challenge.** [`SigningConfig::sign_on_challenge`] sends each
//!   request unsigned first and signs it when the server responds with 401
//!   and `Accept-Signature`, covering at least the client's own components; see
//!   [`ChallengeSigner`].
//! - **Signed responses.** [`SigningConfig::verify_responses`] checks each
//!   response against the reqsig response profile, which binds it to the
//!   signed request; see [`ResponseVerification`].
//!
//! The crate logs nothing, and no type in it prints key material.

mod body;
mod challenge;
mod client;
mod config;
mod error;
mod exchange;
mod middleware;
mod outgoing;
mod redirect;
mod response;
mod sign;
mod tls;

pub use challenge::{Challenge, ChallengeSigner};
pub use client::{RequestBuilder, SignedClient};
pub use config::SigningConfig;
pub use error::{ChallengeError, Error, RedirectError};
pub use middleware::SigningMiddleware;
pub use redirect::RedirectPolicy;
pub use response::{RESPONSE_TAG, ResponseVerification};
pub use tls::install_tls_provider;
