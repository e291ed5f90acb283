//! The settings shared by [`crate::SigningMiddleware`] and [`crate::SignedClient`].

use std::fmt;
use std::sync::Arc;

use reqsig::Signer;

use crate::{ChallengeSigner, RedirectPolicy, ResponseVerification};

/// The signing settings: what to sign, when, and which responses to check.
///
/// Only the signer is required. Defaults: every request is signed before it
/// is sent, a streaming body is buffered up to
/// [`SigningConfig::DEFAULT_MAX_BODY_BYTES`], redirects follow
/// [`RedirectPolicy::default`], and responses are not verified.
///
/// ```
/// use reqsig::{Algorithm, Signer, SigningKey};
/// use reqsig_reqwest::{RedirectPolicy, SigningConfig};
///
/// let key = SigningKey::generate(Algorithm::Ed25519)?;
/// let signer = Signer::builder(key).key_id("client-1").build()?;
/// let config = SigningConfig::new(signer)
///     .max_body_bytes(8 * 1024 * 1024)
///     .redirects(RedirectPolicy::limited(3));
/// assert_eq!(config.signer().key_id(), "client-1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct SigningConfig {
    pub(crate) signer: Signer,
    pub(crate) max_body_bytes: usize,
    pub(crate) redirects: RedirectPolicy,
    pub(crate) challenge: Option<Arc<dyn ChallengeSigner>>,
    pub(crate) responses: Option<ResponseVerification>,
}

impl SigningConfig {
    /// The default limit of a streaming body read into memory: 1 MiB, the
    /// core's limit of body bytes buffered for a digest.
    pub const DEFAULT_MAX_BODY_BYTES: usize = reqsig::Limits::DEFAULT.max_body_bytes;

    /// Creates the settings with `signer` and the defaults.
    pub fn new(signer: Signer) -> SigningConfig {
        SigningConfig {
            signer,
            max_body_bytes: SigningConfig::DEFAULT_MAX_BODY_BYTES,
            redirects: RedirectPolicy::default(),
            challenge: None,
            responses: None,
        }
    }

    /// Sets the maximum streaming request body, in bytes, that is read into
    /// memory to compute its Content-Digest.
    ///
    /// A longer stream fails with [`crate::Error::BodyTooLarge`]; 0 rejects
    /// every non-empty stream. Bodies given as bytes, a `Vec` or a `String`
    /// are already in memory and are not limited.
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> SigningConfig {
        self.max_body_bytes = limit;
        self
    }

    /// Sets how redirects are followed.
    #[must_use]
    pub fn redirects(mut self, policy: RedirectPolicy) -> SigningConfig {
        self.redirects = policy;
        self
    }

    /// Sends each request unsigned first, and signs it only when the server
    /// responds with 401 and `Accept-Signature` (RFC 9421 section 5).
    ///
    /// The request is then sent once more, signed by the signer that
    /// `challenge_signer` builds for the union of this config's components
    /// and the requested ones; see [`ChallengeSigner`]. The second response is
    /// returned whatever it is. Every request is sent twice to a server that
    /// requires signatures, so keep the default (signing up front) unless the
    /// server decides per request.
    #[must_use]
    pub fn sign_on_challenge(mut self, challenge_signer: impl ChallengeSigner) -> SigningConfig {
        self.challenge = Some(Arc::new(challenge_signer));
        self
    }

    /// Verifies the signature of every response; see [`ResponseVerification`].
    #[must_use]
    pub fn verify_responses(mut self, verification: ResponseVerification) -> SigningConfig {
        self.responses = Some(verification);
        self
    }

    /// Returns the signer.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// Returns the limit of a streaming body read into memory, in bytes.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Returns the redirect policy.
    pub fn redirect_policy(&self) -> &RedirectPolicy {
        &self.redirects
    }
}

impl From<Signer> for SigningConfig {
    fn from(signer: Signer) -> SigningConfig {
        SigningConfig::new(signer)
    }
}

impl fmt::Debug for SigningConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningConfig")
            .field("key_id", &self.signer.key_id())
            .field("algorithm", &self.signer.algorithm())
            .field("max_body_bytes", &self.max_body_bytes)
            .field("redirects", &self.redirects)
            .field("sign_on_challenge", &self.challenge.is_some())
            .field("responses", &self.responses)
            .finish()
    }
}
