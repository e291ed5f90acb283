#![allow(
    clippy::result_large_err,
    reason = "a Rejection is built once per rejected request; boxing it would only add an allocation"
)]

//! The gate: every server-side check of an incoming request, in one order.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqsig::clock::{Clock, SystemClock};
use reqsig::components::{ComponentId, FieldTypes};
use reqsig::message::{MessageView, TargetContext};
use reqsig::{Algorithm, Error, Policy, Selection, SignatureParams, Verified, Verifier};

use crate::challenge::accept_signature_for;
use crate::record::RateLimit;
use crate::rejection::Rejection;
use crate::replay::{Freshness, MemoryReplayStore, ReplayStore};
use crate::resolver::GateResolver;
use crate::scope::{Scope, unsafe_path_reason};
use crate::source::KeySource;
use crate::throttle::{ConcurrencyLimit, ConcurrencyPermit, KeyRateLimits, SourceRateLimit};
use crate::usage::{Usage, UsageSnapshot};

/// The default capacity of the in-memory replay store.
pub const DEFAULT_REPLAY_CAPACITY: usize = 1_000_000;

/// The signer of an accepted request, handed to the application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The client the key belongs to.
    pub client_id: String,
    /// The key id that verified.
    pub key_id: String,
    /// The signature's label.
    pub label: String,
    /// The key's algorithm.
    pub algorithm: Algorithm,
    /// The covered components, in the signer's order.
    pub components: Vec<ComponentId>,
    /// The `tag` parameter.
    pub tag: Option<String>,
    /// The `created` parameter.
    pub created: Option<u64>,
    /// The `expires` parameter.
    pub expires: Option<u64>,
}

/// The outcome of [`Gate::check`] for a request that may go on.
#[derive(Debug)]
pub enum Admission {
    /// The route is public: no signature was checked.
    Public,
    /// The signature verified; finish with [`Gate::complete`].
    Verified(Pending),
}

/// A verified request whose body may still need its Content-Digest checked.
#[derive(Debug)]
pub struct Pending {
    identity: Identity,
    needs_digest: bool,
    digest_field: Option<Vec<u8>>,
}

impl Pending {
    /// Reports whether the body must be buffered and passed to [`Gate::complete`].
    pub fn needs_body(&self) -> bool {
        self.needs_digest
    }

    /// Returns the identity the request will get.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }
}

/// The server-side verifier: key lookup, signature, time window, scopes,
/// source addresses, rate limits, replay store and Content-Digest, in the
/// order of `spec/README.md`, with per-key usage counters.
///
/// Framework adapters (the tower layer, the Python ASGI and WSGI middleware)
/// call [`Gate::check`] with the request head, buffer the body when
/// [`Pending::needs_body`] returns true, and call [`Gate::complete`].
///
/// ```
/// use std::sync::Arc;
/// use reqsig::{Algorithm, Signer, SigningKey};
/// use reqsig_gate::{Admission, Gate, KeyRecord, MemoryRegistry};
///
/// let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
/// let registry = MemoryRegistry::with_records([KeyRecord::new("key-1", "client-a", key.verifying_key())]);
/// let gate = Gate::builder(Arc::new(registry)).build();
///
/// let signer = Signer::builder(key).key_id("key-1").build().unwrap();
/// let mut request = http::Request::get("https://api.example.com/orders?page=2").body(()).unwrap();
/// signer.sign_request(&mut request).unwrap();
/// let (parts, ()) = request.into_parts();
///
/// let admission = futures_lite_block_on(gate.check(&parts, None)).unwrap();
/// let Admission::Verified(pending) = admission else { panic!("not verified") };
/// let identity = gate.complete(pending, None).unwrap();
/// assert_eq!(identity.client_id, "client-a");
/// # fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Clone)]
pub struct Gate {
    inner: Arc<Inner>,
}

struct Inner {
    source: Arc<dyn KeySource>,
    replay: Arc<dyn ReplayStore>,
    verifier: Verifier,
    tag_verifiers: Vec<(String, Verifier)>,
    public_routes: Vec<Scope>,
    expose_reasons: bool,
    allow_test_keys: bool,
    source_limit: Option<SourceRateLimit>,
    concurrency: Option<Arc<ConcurrencyLimit>>,
    key_limits: KeyRateLimits,
    usage: Usage,
    clock: Arc<dyn Clock>,
}

/// The configuration of a [`Gate`].
///
/// The default policy is [`Policy::server`]: the signature must cover
/// method, authority, path, query and, with a body, content-digest, and
/// carry `created` and `nonce`, with a maximum age of 300 s. The other
/// defaults are an in-memory replay store of one million nonces, no public
/// routes, rejection reasons hidden from clients, the RFC 9421 test keys
/// rejected, no per-source limit and no concurrency cap.
#[must_use]
pub struct GateBuilder {
    source: Arc<dyn KeySource>,
    replay: Option<Arc<dyn ReplayStore>>,
    policy: Policy,
    tag_policies: Vec<(String, Policy)>,
    public_routes: Vec<Scope>,
    expose_reasons: bool,
    allow_test_keys: bool,
    source_limit: Option<RateLimit>,
    max_concurrent: Option<usize>,
    clock: Arc<dyn Clock>,
    field_types: FieldTypes,
    context: TargetContext,
}

impl Gate {
    /// Starts a gate over a key source.
    pub fn builder(source: Arc<dyn KeySource>) -> GateBuilder {
        GateBuilder {
            source,
            replay: None,
            policy: Policy::server(),
            tag_policies: Vec::new(),
            public_routes: Vec::new(),
            expose_reasons: false,
            allow_test_keys: false,
            source_limit: None,
            max_concurrent: None,
            clock: Arc::new(SystemClock),
            field_types: FieldTypes::default(),
            context: TargetContext::default(),
        }
    }

    /// Returns the policy applied to signatures without a configured tag.
    pub fn policy(&self) -> &Policy {
        self.inner.verifier.policy()
    }

    /// Returns the largest body the gate buffers for a digest check.
    pub fn max_body_bytes(&self) -> usize {
        self.inner.verifier.policy().limits.max_body_bytes
    }

    /// Returns a copy of the per-key usage counters.
    pub fn usage(&self) -> UsageSnapshot {
        self.inner.usage.snapshot()
    }

    /// Runs every check that needs only the request head.
    ///
    /// `peer` is the client's address, used for source restrictions and the
    /// per-source limit; `None` when unknown (keys restricted to addresses
    /// are then refused).
    ///
    /// # Errors
    /// The [`Rejection`] to send, already logged and counted.
    pub async fn check(
        &self,
        parts: &http::request::Parts,
        peer: Option<IpAddr>,
    ) -> Result<Admission, Rejection> {
        self.check_with_body(parts, peer, false).await
    }

    /// Runs [`Gate::check`] for a request whose body may be present even
    /// though its head declares none.
    ///
    /// Pass `body_present = true` when the body stream has not ended and is
    /// not known to be empty, as with an HTTP/2 request that sends data
    /// without `Content-Length`. The request is then held to the policy's
    /// rules for requests with a body, so a signature that does not cover
    /// `content-digest` is rejected, and the body is checked against the
    /// digest in [`Gate::complete`].
    ///
    /// # Errors
    /// As [`Gate::check`].
    pub async fn check_with_body(
        &self,
        parts: &http::request::Parts,
        peer: Option<IpAddr>,
        body_present: bool,
    ) -> Result<Admission, Rejection> {
        let inner = &self.inner;
        let method = parts.method.as_str();
        let path = parts.uri.path();
        if inner.public_routes.iter().any(|route| route.allows(method, path)) {
            return Ok(Admission::Public);
        }
        let _permit = match &inner.concurrency {
            Some(limit) => limit.try_acquire().ok_or_else(|| {
                let mut rejection = Rejection::new(
                    503,
                    "busy",
                    "too many signatures are being verified; retry shortly",
                );
                rejection.retry_after = Some(1);
                self.reject(rejection, parts)
            })?,
            None => ConcurrencyPermit::unlimited(),
        };
        if let (Some(limit), Some(address)) = (&inner.source_limit, peer)
            && let Err(wait) = limit.check(address)
        {
            let mut rejection = Rejection::new(429, "rate_limited", "too many requests from this address");
            rejection.retry_after = Some(ceil_seconds(wait));
            return Err(self.reject(rejection, parts));
        }

        let view = MessageView::from_request_parts(parts, None, inner.verifier.context())
            .with_body_present(body_present);
        let verifier = self.verifier_for(&view);
        let resolver = GateResolver {
            source: inner.source.as_ref(),
            clock: inner.clock.as_ref(),
            allow_test_keys: inner.allow_test_keys,
            found: Mutex::new(Vec::new()),
            source_error: Mutex::new(None),
        };
        let verified = match verifier.verify_async(&view, None, &resolver).await {
            Ok(verified) => verified,
            Err(error) => return Err(self.reject_verification(error, &resolver, &view, parts)),
        };
        let Some(record) = resolver.record(&verified.keyid) else {
            // The resolver returned this key, so it recorded it.
            let rejection = Rejection::new(401, "unknown_key", "the key vanished during verification");
            return Err(self.reject(rejection, parts));
        };
        let attribute = |mut rejection: Rejection| {
            rejection.key_id = Some(verified.keyid.clone());
            self.reject(rejection, parts)
        };

        if !record.scopes.is_empty() {
            if let Some(reason) = unsafe_path_reason(path) {
                return Err(attribute(Rejection::new(
                    403,
                    "unsafe_path",
                    format!("{reason}; send the path in normalised form"),
                )));
            }
            if !record.scopes.iter().any(|scope| scope.allows(method, path)) {
                return Err(attribute(Rejection::new(
                    403,
                    "out_of_scope",
                    format!("the key may not call {method} {path}"),
                )));
            }
        }
        if !record.source_cidrs.is_empty() {
            let allowed =
                peer.is_some_and(|address| record.source_cidrs.iter().any(|net| net.contains(&address)));
            if !allowed {
                let shown = peer.map_or_else(|| "an unknown address".to_owned(), |a| a.to_string());
                return Err(attribute(Rejection::new(
                    403,
                    "source_not_allowed",
                    format!("the key may not be used from {shown}"),
                )));
            }
        }
        if let Some(limit) = record.rate_limit
            && let Err(wait) = inner.key_limits.check(&record.key_id, limit)
        {
            let mut rejection = Rejection::new(429, "rate_limited", "the key's rate limit is exhausted");
            rejection.retry_after = Some(ceil_seconds(wait));
            return Err(attribute(rejection));
        }
        if let Some(nonce) = verified.nonce() {
            let retention = Duration::from_secs(verifier.policy().nonce_retention());
            match inner
                .replay
                .check_and_remember(&verified.keyid, nonce, retention)
                .await
            {
                Ok(Freshness::Fresh) => {}
                Ok(Freshness::Replayed) => {
                    return Err(attribute(Rejection::new(
                        401,
                        "replayed_nonce",
                        "this nonce was already used; sign every request with a fresh nonce",
                    )));
                }
                Err(error) => {
                    tracing::error!(key_id = %verified.keyid, error = %error, "replay store failed; rejecting the request");
                    let mut rejection = Rejection::new(
                        503,
                        "replay_store_unavailable",
                        "the replay store is unavailable; retry later",
                    );
                    rejection.reason = error.to_string();
                    rejection.retry_after = Some(1);
                    return Err(attribute(rejection));
                }
            }
        }

        // A covered digest is checked even when the head declares no body: an
        // empty body must match the signed digest too, as in the core verifier.
        let needs_digest = covers_content_digest(&verified);
        let digest_field = needs_digest.then(|| {
            view.header_values("content-digest")
                .collect::<Vec<_>>()
                .join(&b", "[..])
        });
        let digest_field = digest_field.filter(|field| !field.is_empty());
        Ok(Admission::Verified(Pending {
            identity: identity_of(&record.client_id, verified),
            needs_digest,
            digest_field,
        }))
    }

    /// Checks the body's Content-Digest when needed, counts the request and
    /// returns the identity. Pass the buffered body when [`Pending::needs_body`].
    ///
    /// # Errors
    /// The [`Rejection`] to send (401 for a digest problem).
    pub fn complete(&self, pending: Pending, body: Option<&[u8]>) -> Result<Identity, Rejection> {
        let Pending {
            identity,
            needs_digest,
            digest_field,
        } = pending;
        if needs_digest {
            let checked = match (body, digest_field) {
                (Some(body), Some(field)) => reqsig::verify_content_digest(&field, body),
                (_, None) => Err(Error::MissingDigest),
                (None, Some(_)) => Err(Error::MalformedDigest {
                    reason: "the body was not passed to the gate".to_owned(),
                }),
            };
            if let Err(error) = checked {
                return Err(self.reject_for(&identity, Rejection::new(401, error.code(), error.to_string())));
            }
        }
        self.inner
            .usage
            .accepted(&identity.key_id, self.inner.clock.now());
        tracing::info!(
            key_id = %identity.key_id,
            client_id = %identity.client_id,
            label = %identity.label,
            "accepted a signed request"
        );
        Ok(identity)
    }

    /// Returns the 413 rejection for a body over [`Gate::max_body_bytes`], logged and counted.
    pub fn body_too_large(&self, pending: &Pending) -> Rejection {
        let max = self.max_body_bytes();
        let rejection = Rejection::new(
            413,
            "body_too_large",
            format!("the body exceeds {max} bytes, the most the server buffers to check its Content-Digest"),
        );
        self.reject_for(&pending.identity, rejection)
    }

    fn verifier_for(&self, view: &MessageView<'_>) -> &Verifier {
        let inner = &self.inner;
        if inner.tag_verifiers.is_empty() {
            return &inner.verifier;
        }
        let joined: Vec<u8> = view
            .header_values("signature-input")
            .collect::<Vec<_>>()
            .join(&b", "[..]);
        let Ok(members) = SignatureParams::parse_signature_input(&joined) else {
            return &inner.verifier;
        };
        for (_, params) in &members {
            if let Some(tag) = params.tag()
                && let Some((_, verifier)) = inner.tag_verifiers.iter().find(|(t, _)| t == tag)
            {
                return verifier;
            }
        }
        &inner.verifier
    }

    fn reject_verification(
        &self,
        error: Error,
        resolver: &GateResolver<'_>,
        view: &MessageView<'_>,
        parts: &http::request::Parts,
    ) -> Rejection {
        let key_id = signature_key_id(view);
        let known_key = key_id
            .as_deref()
            .and_then(|id| resolver.record(id))
            .map(|record| record.key_id.clone());
        if let Some(unavailable) = resolver.source_error() {
            tracing::error!(key_id = key_id.as_deref(), error = %unavailable, "key source failed; rejecting the request");
            let mut rejection = Rejection::new(
                503,
                "key_source_unavailable",
                "the key registry is unavailable; retry later",
            );
            rejection.reason = unavailable;
            rejection.retry_after = Some(1);
            rejection.key_id = known_key;
            return self.reject(rejection, parts);
        }
        let code = match &error {
            Error::KeyRejected { reason, .. } => key_rejection_code(reason),
            _ => error.code(),
        };
        let status = match &error {
            Error::LimitExceeded {
                kind: reqsig::LimitKind::HeaderBytes | reqsig::LimitKind::FieldLines,
                ..
            } => 431,
            _ => 401,
        };
        let hidden = matches!(
            error,
            Error::UnknownKey { .. }
                | Error::KeyRejected { .. }
                | Error::InvalidSignature { .. }
                | Error::AlgorithmMismatch { .. }
                | Error::AlgorithmNotAllowed { .. }
        );
        let mut rejection = if hidden && !self.inner.expose_reasons {
            let mut rejection =
                Rejection::new(status, "invalid_signature", "the signature could not be verified");
            rejection.reason = error.to_string();
            rejection.reason_code = code;
            rejection
        } else {
            Rejection::new(status, code, error.to_string())
        };
        if matches!(error, Error::MissingSignature) || status == 401 {
            rejection.accept_signature = Some(self.challenge(view));
        }
        rejection.key_id = known_key;
        self.reject(rejection, parts)
    }

    /// Logs and counts a rejection, then returns it.
    fn reject(&self, rejection: Rejection, parts: &http::request::Parts) -> Rejection {
        self.inner
            .usage
            .rejected(rejection.key_id.as_deref(), rejection.reason_code);
        tracing::warn!(
            status = rejection.status,
            code = rejection.reason_code,
            key_id = rejection.key_id.as_deref(),
            method = %parts.method,
            path = %parts.uri.path(),
            reason = %rejection.reason,
            "rejected a request"
        );
        rejection
    }

    fn reject_for(&self, identity: &Identity, mut rejection: Rejection) -> Rejection {
        rejection.key_id = Some(identity.key_id.clone());
        self.inner
            .usage
            .rejected(Some(&identity.key_id), rejection.reason_code);
        tracing::warn!(
            status = rejection.status,
            code = rejection.reason_code,
            key_id = %identity.key_id,
            client_id = %identity.client_id,
            reason = %rejection.reason,
            "rejected a request"
        );
        rejection
    }

    /// Builds the `Accept-Signature` value for a request, with or without a body.
    fn challenge(&self, view: &MessageView<'_>) -> String {
        let policy = self.inner.verifier.policy();
        accept_signature_for(policy, view.has_body())
    }
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("policy", self.inner.verifier.policy())
            .field(
                "tags",
                &self
                    .inner
                    .tag_verifiers
                    .iter()
                    .map(|(t, _)| t)
                    .collect::<Vec<_>>(),
            )
            .field("public_routes", &self.inner.public_routes)
            .field("expose_reasons", &self.inner.expose_reasons)
            .finish_non_exhaustive()
    }
}

impl GateBuilder {
    /// Sets the replay store (default: in memory, one million nonces).
    pub fn replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = Some(store);
        self
    }

    /// Sets the policy for signatures without a configured tag (default [`Policy::server`]).
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Applies `policy` to requests whose signature carries `tag`; that signature is the one verified.
    pub fn tag_policy(mut self, tag: impl Into<String>, policy: Policy) -> Self {
        self.tag_policies.push((tag.into(), policy));
        self
    }

    /// Leaves the routes of `scope` public: their requests pass without a signature.
    pub fn public_route(mut self, scope: Scope) -> Self {
        self.public_routes.push(scope);
        self
    }

    /// DANGEROUS outside development: sends clients the full rejection reason,
    /// which distinguishes an unknown key id from a revoked key or a bad signature and
    /// so lets anyone probe which key ids exist.
    pub fn dangerous_expose_rejection_reasons(mut self, expose: bool) -> Self {
        self.expose_reasons = expose;
        self
    }

    /// Accepts the published RFC 9421 Appendix B test keys (refused by default: their private keys are public).
    pub fn allow_rfc9421_test_keys(mut self, allow: bool) -> Self {
        self.allow_test_keys = allow;
        self
    }

    /// Limits requests per source address before any signature is checked.
    pub fn per_source_limit(mut self, limit: RateLimit) -> Self {
        self.source_limit = Some(limit);
        self
    }

    /// Caps the verifications in progress at once; further requests get 503.
    pub fn max_concurrent_verifications(mut self, max: usize) -> Self {
        self.max_concurrent = Some(max);
        self
    }

    /// Sets the clock for key validity and the time window.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Sets the structured types of fields covered with `sf` or `key`.
    pub fn field_types(mut self, field_types: FieldTypes) -> Self {
        self.field_types = field_types;
        self
    }

    /// Sets the scheme and authority clients sign, for servers behind a TLS-terminating proxy.
    pub fn target_context(mut self, context: TargetContext) -> Self {
        self.context = context;
        self
    }

    /// Builds the gate.
    pub fn build(self) -> Gate {
        let make_verifier = |mut policy: Policy, selection: Selection| {
            // The gate checks the digest itself, after the replay store and
            // with the body buffered, so the core verifier must not.
            policy.verify_digest = false;
            Verifier::new(policy)
                .select(selection)
                .clock(self.clock.clone())
                .field_types(self.field_types.clone())
                .target_context(self.context.clone())
        };
        let tag_verifiers = self
            .tag_policies
            .into_iter()
            .map(|(tag, policy)| {
                let verifier = make_verifier(policy, Selection::Tag(tag.clone()));
                (tag, verifier)
            })
            .collect();
        let replay = self.replay.unwrap_or_else(|| {
            Arc::new(MemoryReplayStore::new(DEFAULT_REPLAY_CAPACITY).with_clock(self.clock.clone()))
        });
        Gate {
            inner: Arc::new(Inner {
                source: self.source,
                replay,
                verifier: make_verifier(self.policy, Selection::Any),
                tag_verifiers,
                public_routes: self.public_routes,
                expose_reasons: self.expose_reasons,
                allow_test_keys: self.allow_test_keys,
                source_limit: self.source_limit.and_then(SourceRateLimit::new),
                concurrency: self.max_concurrent.map(ConcurrencyLimit::new),
                key_limits: KeyRateLimits::default(),
                usage: Usage::default(),
                clock: self.clock,
            }),
        }
    }
}

fn covers_content_digest(verified: &Verified) -> bool {
    verified
        .components()
        .iter()
        .any(|c| c.name() == "content-digest" && !c.req() && !c.tr())
}

fn identity_of(client_id: &str, verified: Verified) -> Identity {
    Identity {
        client_id: client_id.to_owned(),
        tag: verified.tag().map(str::to_owned),
        created: verified.created(),
        expires: verified.expires(),
        components: verified.params.components().to_vec(),
        key_id: verified.keyid,
        label: verified.label,
        algorithm: verified.algorithm,
    }
}

/// Returns the key id named by the message's first signature, for logs and counters.
fn signature_key_id(view: &MessageView<'_>) -> Option<String> {
    let joined: Vec<u8> = view
        .header_values("signature-input")
        .collect::<Vec<_>>()
        .join(&b", "[..]);
    if joined.is_empty() {
        return None;
    }
    let members = SignatureParams::parse_signature_input(&joined).ok()?;
    members
        .iter()
        .find_map(|(_, params)| params.keyid().map(str::to_owned))
}

/// Gives each reason a key is refused its own counter code.
fn key_rejection_code(reason: &str) -> &'static str {
    match reason {
        "revoked" => "key_revoked",
        "expired" => "key_expired",
        "not yet valid" => "key_not_yet_valid",
        reason if reason.contains("RFC 9421 test key") => "test_key_refused",
        _ => "key_rejected",
    }
}

fn ceil_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}
