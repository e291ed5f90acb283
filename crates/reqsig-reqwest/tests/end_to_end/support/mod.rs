//! Shared setup of the end-to-end tests: keys, clients and the test server.

pub mod server;

use reqsig::{Algorithm, Signer, SigningKey, StaticKey};
use reqsig_reqwest::{SigningConfig, SigningMiddleware};
use reqwest_middleware::ClientWithMiddleware;

pub use server::{CLIENT_KEY_ID, SERVER_KEY_ID, Seen, ServerOptions, TestServer};

/// The client's and the server's keys, new for each test.
pub struct Keys {
    pub client: SigningKey,
    pub server: SigningKey,
}

impl Keys {
    pub fn new() -> Keys {
        Keys {
            client: SigningKey::generate(Algorithm::Ed25519).unwrap(),
            server: SigningKey::generate(Algorithm::Ed25519).unwrap(),
        }
    }

    /// Returns the client's signer with the default components.
    pub fn signer(&self) -> Signer {
        Signer::builder(self.client.clone())
            .key_id(CLIENT_KEY_ID)
            .build()
            .unwrap()
    }

    /// Returns the resolver of the server's response-signing key.
    pub fn server_resolver(&self) -> StaticKey {
        StaticKey::new(SERVER_KEY_ID, self.server.verifying_key())
    }

    pub async fn server(&self, options: ServerOptions) -> TestServer {
        TestServer::start(&self.client, &self.server, options).await
    }
}

/// Returns a reqwest-middleware client with only the signing middleware.
pub fn middleware_client(config: impl Into<SigningConfig>) -> ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(SigningMiddleware::client_builder().build().unwrap())
        .with(SigningMiddleware::new(config))
        .build()
}

/// Returns the `reqsig_reqwest::Error` inside a middleware error.
pub fn signing_error(error: &reqwest_middleware::Error) -> &reqsig_reqwest::Error {
    match error {
        reqwest_middleware::Error::Middleware(inner) => inner
            .downcast_ref::<reqsig_reqwest::Error>()
            .unwrap_or_else(|| panic!("not a reqsig_reqwest::Error: {inner}")),
        other => panic!("expected a middleware error, got {other}"),
    }
}

/// Returns the one request the server saw.
pub fn only(seen: &[Seen]) -> &Seen {
    assert_eq!(seen.len(), 1, "expected one request, saw {seen:#?}");
    &seen[0]
}
