//! The layer: configuration shared by every service it wraps.

use std::net::IpAddr;
use std::sync::Arc;

use reqsig_gate::{Gate, ResponseSigner, UsageSnapshot};
use tower::Layer;

use crate::service::VerifyService;

/// Reads the client's address from a request head.
pub type PeerAddress = Arc<dyn Fn(&http::request::Parts) -> Option<IpAddr> + Send + Sync>;

/// A tower layer that verifies the RFC 9421 signature of every request
/// before the inner service sees it.
///
/// Place it outside any decompression layer: the Content-Digest covers the
/// body as received, so the layer must see the bytes before they are decoded.
///
/// ```
/// use std::sync::Arc;
/// use axum::{Extension, Router, routing::get};
/// use reqsig::{Algorithm, SigningKey};
/// use reqsig_gate::{Gate, Identity, KeyRecord, MemoryRegistry};
/// use reqsig_tower::VerifyLayer;
///
/// async fn whoami(Extension(identity): Extension<Identity>) -> String {
///     identity.client_id
/// }
///
/// let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
/// let registry = MemoryRegistry::with_records([KeyRecord::new("key-1", "client-a", key.verifying_key())]);
/// let gate = Gate::builder(Arc::new(registry)).build();
/// let app: Router = Router::new().route("/whoami", get(whoami)).layer(VerifyLayer::new(gate));
/// ```
#[derive(Clone)]
pub struct VerifyLayer {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub gate: Gate,
    pub peer_address: PeerAddress,
    pub strip_unsigned_headers: bool,
    pub response_signer: Option<ResponseSigner>,
}

impl VerifyLayer {
    /// Creates the layer around a gate.
    pub fn new(gate: Gate) -> VerifyLayer {
        VerifyLayer {
            shared: Arc::new(Shared {
                gate,
                peer_address: Arc::new(default_peer_address),
                strip_unsigned_headers: false,
                response_signer: None,
            }),
        }
    }

    fn with(self, change: impl FnOnce(&mut Shared)) -> VerifyLayer {
        let mut shared = Arc::try_unwrap(self.shared).unwrap_or_else(|shared| Shared {
            gate: shared.gate.clone(),
            peer_address: shared.peer_address.clone(),
            strip_unsigned_headers: shared.strip_unsigned_headers,
            response_signer: shared.response_signer.clone(),
        });
        change(&mut shared);
        VerifyLayer {
            shared: Arc::new(shared),
        }
    }

    /// Sets how the client address is found (default: axum's
    /// `ConnectInfo<SocketAddr>` extension, then a `SocketAddr` extension).
    #[must_use]
    pub fn peer_address(
        self,
        find: impl Fn(&http::request::Parts) -> Option<IpAddr> + Send + Sync + 'static,
    ) -> Self {
        self.with(|shared| shared.peer_address = Arc::new(find))
    }

    /// Passes the inner service only the header fields the signature covered,
    /// plus `host`, `content-length` and `transfer-encoding` for framing.
    #[must_use]
    pub fn strip_unsigned_headers(self, strip: bool) -> Self {
        self.with(|shared| shared.strip_unsigned_headers = strip)
    }

    /// Signs every response to a verified request under the response profile of `spec/README.md`.
    #[must_use]
    pub fn sign_responses(self, signer: ResponseSigner) -> Self {
        self.with(|shared| shared.response_signer = Some(signer))
    }

    /// Returns the gate, for its usage counters and policy.
    pub fn gate(&self) -> &Gate {
        &self.shared.gate
    }

    /// Returns a copy of the per-key usage counters.
    pub fn usage(&self) -> UsageSnapshot {
        self.shared.gate.usage()
    }
}

impl<S> Layer<S> for VerifyLayer {
    type Service = VerifyService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        VerifyService {
            inner,
            shared: self.shared.clone(),
        }
    }
}

impl std::fmt::Debug for VerifyLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyLayer")
            .field("gate", &self.shared.gate)
            .field("strip_unsigned_headers", &self.shared.strip_unsigned_headers)
            .finish_non_exhaustive()
    }
}

fn default_peer_address(parts: &http::request::Parts) -> Option<IpAddr> {
    #[cfg(feature = "axum")]
    if let Some(info) = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
    {
        return Some(info.0.ip());
    }
    parts
        .extensions
        .get::<std::net::SocketAddr>()
        .map(|addr| addr.ip())
}
