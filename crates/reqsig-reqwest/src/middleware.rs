//! [`SigningMiddleware`]: signing inside a `reqwest_middleware` chain.

use std::sync::Arc;

use http::Extensions;
use reqwest_middleware::{Middleware, Next};

use crate::SigningConfig;
use crate::exchange::{Failure, Transport, execute};

/// A `reqwest_middleware` middleware that signs each request just before it
/// is sent.
///
/// Every attempt gets a new signature with `created` set to now and a fresh
/// nonce. Place retry middleware (such as reqwest-retry) before this one, so
/// that each retry passes through it and is signed anew. A retry of an
/// already signed request would carry a nonce the server has seen.
///
/// The middleware follows redirects itself, re-signing each hop, so the
/// reqwest client beneath must not: build it from
/// [`SigningMiddleware::client_builder`], or with
/// `redirect(reqwest::redirect::Policy::none())`. A client that follows
/// redirects on its own makes the call fail with
/// [`crate::RedirectError::FollowedByClient`], after the fact.
///
/// Errors of this crate reach the caller as
/// [`reqwest_middleware::Error::Middleware`] holding an [`crate::Error`];
/// errors of the middleware and the client after it pass through unchanged.
///
/// ```no_run
/// use reqsig::{Algorithm, Signer, SigningKey};
/// use reqsig_reqwest::SigningMiddleware;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let key = SigningKey::generate(Algorithm::Ed25519)?;
/// let signer = Signer::builder(key).key_id("client-1").build()?;
///
/// let client = reqwest_middleware::ClientBuilder::new(SigningMiddleware::client_builder().build()?)
///     .with(SigningMiddleware::new(signer))
///     .build();
/// let response = client.get("https://api.example.com/orders?page=2").send().await?;
/// # let _ = response;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SigningMiddleware {
    config: Arc<SigningConfig>,
}

impl SigningMiddleware {
    /// Creates the middleware from a [`reqsig::Signer`] or a [`SigningConfig`].
    pub fn new(config: impl Into<SigningConfig>) -> SigningMiddleware {
        SigningMiddleware {
            config: Arc::new(config.into()),
        }
    }

    /// Returns a reqwest client builder that does not follow redirects, for
    /// the client beneath this middleware.
    pub fn client_builder() -> reqwest::ClientBuilder {
        crate::install_tls_provider();
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none())
    }

    /// Returns the settings.
    pub fn config(&self) -> &SigningConfig {
        &self.config
    }
}

#[async_trait::async_trait]
impl Middleware for SigningMiddleware {
    async fn handle(
        &self,
        request: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let mut transport = ChainTransport { next, extensions };
        execute(&self.config, &mut transport, request)
            .await
            .map_err(|failure| match failure {
                Failure::Transport(error) => error,
                Failure::Signing(error) => reqwest_middleware::Error::middleware(error),
            })
    }
}

/// Sends through the rest of the middleware chain.
struct ChainTransport<'a, 'e> {
    next: Next<'a>,
    extensions: &'e mut Extensions,
}

impl Transport for ChainTransport<'_, '_> {
    type Error = reqwest_middleware::Error;

    fn send(
        &mut self,
        request: reqwest::Request,
    ) -> impl Future<Output = Result<reqwest::Response, Self::Error>> + Send {
        self.next.clone().run(request, self.extensions)
    }
}
