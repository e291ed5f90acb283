//! Verifying signed requests and responses (RFC 9421 section 3.2).

use std::borrow::{Borrow, Cow};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use crate::base::build_base;
use crate::clock::{Clock, SystemClock};
use crate::components::{ComponentId, FieldTypes};
use crate::digest::verify_content_digest;
use crate::keys::VerifyingKey;
use crate::message::{BodyBytes, MessageView, TargetContext, ToMessageView};
use crate::policy::Requirement;
use crate::signature_fields::{RawSignatureInput, attach_signatures, parse_input_dictionary};
use crate::{Algorithm, Error, KeyResolver, LimitKind, Policy, SignatureParams};

/// The signatures of a message that must verify.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    /// The first signature, in message order, that passes the whole policy (the default).
    #[default]
    Any,
    /// The signature with this label.
    Label(String),
    /// The first signature whose `tag` parameter has this value.
    Tag(String),
    /// Every signature in the message.
    All,
}

/// A signature that verified, with what it covers, for authorization decisions.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    /// The signature's label.
    pub label: String,
    /// The key id that verified it.
    pub keyid: String,
    /// The algorithm of the key.
    pub algorithm: Algorithm,
    /// Covered components and all parameters, in the signer's order.
    pub params: SignatureParams,
    /// Whether a covered Content-Digest was checked against the body.
    pub digest_checked: bool,
}

impl Verified {
    /// Returns the covered components.
    pub fn components(&self) -> &[ComponentId] {
        self.params.components()
    }

    /// Returns `created`.
    pub fn created(&self) -> Option<u64> {
        self.params.created()
    }

    /// Returns `expires`.
    pub fn expires(&self) -> Option<u64> {
        self.params.expires()
    }

    /// Returns `nonce`.
    pub fn nonce(&self) -> Option<&str> {
        self.params.nonce()
    }

    /// Returns `tag`.
    pub fn tag(&self) -> Option<&str> {
        self.params.tag()
    }
}

/// Verifies signatures under a [`Policy`].
///
/// ```
/// use reqsig::{Algorithm, Policy, Signer, SigningKey, StaticKey, Verifier};
///
/// let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
/// let signer = Signer::builder(key.clone()).key_id("client-1").build().unwrap();
/// let mut request = http::Request::get("https://api.example.com/items?id=7").body(()).unwrap();
/// signer.sign_request(&mut request).unwrap();
///
/// let keys = StaticKey::new("client-1", key.verifying_key());
/// let verified = Verifier::new(Policy::server()).verify_request(&request, &keys).unwrap();
/// assert_eq!(verified.keyid, "client-1");
/// assert_eq!(verified.label, "sig1");
/// ```
#[derive(Clone)]
pub struct Verifier {
    policy: Policy,
    selection: Selection,
    clock: Arc<dyn Clock>,
    field_types: FieldTypes,
    context: TargetContext,
}

impl Verifier {
    /// Creates a verifier with `policy`, selecting any signature that passes.
    pub fn new(policy: Policy) -> Verifier {
        Verifier {
            policy,
            selection: Selection::Any,
            clock: Arc::new(SystemClock),
            field_types: FieldTypes::default(),
            context: TargetContext::default(),
        }
    }

    /// Sets which signatures must verify.
    #[must_use]
    pub fn select(mut self, selection: Selection) -> Verifier {
        self.selection = selection;
        self
    }

    /// Sets the clock (default: the system clock).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Verifier {
        self.clock = clock;
        self
    }

    /// Sets the structured types of fields covered with `sf` or `key`.
    #[must_use]
    pub fn field_types(mut self, field_types: FieldTypes) -> Verifier {
        self.field_types = field_types;
        self
    }

    /// Sets the scheme and authority of origin-form requests, for servers
    /// behind a TLS-terminating proxy.
    #[must_use]
    pub fn target_context(mut self, context: TargetContext) -> Verifier {
        self.context = context;
        self
    }

    /// Returns the policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Returns the target context.
    pub fn context(&self) -> &TargetContext {
        &self.context
    }

    /// Verifies an `http::Request` whose body is in memory, with a resolver
    /// that returns without waiting.
    ///
    /// # Errors
    /// The [`Error`] of the failing step; [`Error::ResolverPending`] when the
    /// resolver is asynchronous.
    pub fn verify_request<B: BodyBytes, R: KeyResolver>(
        &self,
        request: &http::Request<B>,
        resolver: &R,
    ) -> Result<Verified, Error> {
        let view = request.to_view(&self.context)?;
        self.verify(&view, None, resolver)
    }

    /// Verifies a message with a resolver that returns without waiting.
    ///
    /// # Errors
    /// As [`Verifier::verify_async`], and [`Error::ResolverPending`] when the
    /// resolver's future is not ready at once.
    pub fn verify<R: KeyResolver>(
        &self,
        message: &MessageView<'_>,
        request: Option<&MessageView<'_>>,
        resolver: &R,
    ) -> Result<Verified, Error> {
        poll_once(self.verify_async(message, request, resolver))
    }

    /// Verifies the selected signature of a message. For a response covering
    /// `req` components, pass the request it responds to.
    ///
    /// # Errors
    /// The [`Error`] of the failing step. With [`Selection::Any`] and several
    /// failing signatures, the error of the first one.
    pub async fn verify_async<R: KeyResolver>(
        &self,
        message: &MessageView<'_>,
        request: Option<&MessageView<'_>>,
        resolver: &R,
    ) -> Result<Verified, Error> {
        let candidates = self.parse_candidates(message)?;
        let chosen = match &self.selection {
            Selection::All => {
                let mut all = self.verify_every(candidates, message, request, resolver).await?;
                // `verify_every` returns at least one entry or an error.
                return all.pop().ok_or(Error::MissingSignature);
            }
            Selection::Any => candidates,
            Selection::Label(label) => {
                let found = candidates.into_iter().find(|c| &c.label == label);
                vec![found.ok_or_else(|| Error::MissingLabel {
                    label: label.clone(),
                    field: "Signature-Input",
                })?]
            }
            Selection::Tag(tag) => {
                let found = candidates.into_iter().find(|c| c.tag() == Some(tag.as_str()));
                vec![found.ok_or_else(|| Error::TagNotFound { tag: tag.clone() })?]
            }
        };
        // The first that verifies wins. When none does, the first error is returned.
        let mut first_error = None;
        for candidate in chosen {
            match self.verify_candidate(candidate, message, request, resolver).await {
                Ok(verified) => return Ok(verified),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        Err(first_error.unwrap_or(Error::MissingSignature))
    }

    /// Verifies every signature of the message and returns them in order.
    ///
    /// # Errors
    /// The first signature's error.
    pub async fn verify_all_async<R: KeyResolver>(
        &self,
        message: &MessageView<'_>,
        request: Option<&MessageView<'_>>,
        resolver: &R,
    ) -> Result<Vec<Verified>, Error> {
        let candidates = self.parse_candidates(message)?;
        self.verify_every(candidates, message, request, resolver).await
    }

    async fn verify_every<R: KeyResolver>(
        &self,
        candidates: Vec<RawSignatureInput>,
        message: &MessageView<'_>,
        request: Option<&MessageView<'_>>,
        resolver: &R,
    ) -> Result<Vec<Verified>, Error> {
        let mut verified = Vec::with_capacity(candidates.len());
        for candidate in candidates {
            verified.push(
                self.verify_candidate(candidate, message, request, resolver)
                    .await?,
            );
        }
        if verified.is_empty() {
            return Err(Error::MissingSignature);
        }
        Ok(verified)
    }

    fn parse_candidates(&self, message: &MessageView<'_>) -> Result<Vec<RawSignatureInput>, Error> {
        let limits = &self.policy.limits;
        let input = joined_field(message, "signature-input", &self.policy)?;
        let signature = joined_field(message, "signature", &self.policy)?;
        let (input, signature) = match (input, signature) {
            (None, None) => return Err(Error::MissingSignature),
            (Some(_), None) => {
                return Err(Error::MalformedSignature {
                    reason: "the message has Signature-Input but no Signature field".to_owned(),
                });
            }
            (None, Some(_)) => {
                return Err(Error::MalformedSignatureInput {
                    reason: "the message has Signature but no Signature-Input field".to_owned(),
                });
            }
            (Some(input), Some(signature)) => (input, signature),
        };
        let mut inputs = parse_input_dictionary(&input, "Signature-Input", limits.max_signatures)?;
        if inputs.is_empty() && !signature.trim_ascii().is_empty() {
            return Err(Error::MalformedSignatureInput {
                reason: "the Signature-Input field is empty, but the message has a Signature field: \
                         send one Signature-Input member per signature, with the same label"
                    .to_owned(),
            });
        }
        attach_signatures(&signature, &mut inputs, limits.max_signatures)?;
        Ok(inputs)
    }

    async fn verify_candidate<R: KeyResolver>(
        &self,
        mut candidate: RawSignatureInput,
        message: &MessageView<'_>,
        request: Option<&MessageView<'_>>,
        resolver: &R,
    ) -> Result<Verified, Error> {
        let label = std::mem::take(&mut candidate.label);
        let signature = candidate.signature.take();
        let params = SignatureParams::from_raw(candidate, self.policy.limits.max_components)?;
        let signature = signature.ok_or_else(|| Error::MissingLabel {
            label: label.clone(),
            field: "Signature",
        })?;
        self.check_structure(&params, message)?;

        let keyid_owned = params
            .keyid()
            .ok_or(Error::MissingParameter { name: "keyid" })?
            .to_owned();
        let keyid = keyid_owned.as_str();
        let resolved = resolver.resolve(keyid).await?;
        let key: &VerifyingKey = resolved.borrow();
        let algorithm = key.algorithm();
        if let Some(alg) = params.alg()
            && alg != algorithm.name()
        {
            return Err(Error::AlgorithmMismatch {
                keyid: keyid.to_owned(),
                expected: algorithm,
                found: alg.to_owned(),
            });
        }
        if let Some(allowed) = &self.policy.allowed_algorithms
            && !allowed.contains(&algorithm)
        {
            return Err(Error::AlgorithmNotAllowed { algorithm });
        }

        // `SignatureParams::from_raw` rejected repeated components already.
        let (base, digest_line) =
            build_base(message, request, &params, &self.field_types, &self.policy.limits)?;
        key.verify(base.as_bytes(), &signature)
            .map_err(|_| Error::InvalidSignature {
                label: label.clone(),
                keyid: keyid.to_owned(),
            })?;
        // The resolved key borrows the key id, which the result takes below.
        drop(resolved);

        self.check_time(&params)?;
        let digest_checked = self.check_digest(&params, message, digest_line)?;
        Ok(Verified {
            label,
            keyid: keyid_owned,
            algorithm,
            params,
            digest_checked,
        })
    }

    /// Checks what the policy requires before any key is looked up.
    fn check_structure(&self, params: &SignatureParams, message: &MessageView<'_>) -> Result<(), Error> {
        let policy = &self.policy;
        if policy.require_created && params.created().is_none() {
            return Err(Error::MissingParameter { name: "created" });
        }
        if policy.require_expires && params.expires().is_none() {
            return Err(Error::MissingParameter { name: "expires" });
        }
        match params.nonce() {
            None if policy.require_nonce => return Err(Error::MissingParameter { name: "nonce" }),
            Some(nonce) if nonce.len() > policy.limits.max_nonce_bytes => {
                return Err(Error::LimitExceeded {
                    kind: LimitKind::NonceLength,
                    actual: nonce.len(),
                    max: policy.limits.max_nonce_bytes,
                });
            }
            _ => {}
        }
        if let Some(expected) = &policy.tag
            && params.tag() != Some(expected.as_str())
        {
            return Err(Error::TagMismatch {
                expected: expected.clone(),
                found: params.tag().map(str::to_owned),
            });
        }
        if policy.reject_unknown_parameters
            && let Some(name) = params.unknown_parameters().next()
        {
            return Err(Error::UnknownParameter {
                name: name.to_owned(),
            });
        }
        if let (Some(created), Some(expires)) = (params.created(), params.expires())
            && expires < created
        {
            return Err(Error::invalid_parameter(
                "expires",
                format!("{expires} is before created {created}"),
            ));
        }

        let (always, with_body) = if message.is_request() {
            (&policy.request_components, &policy.request_body_components)
        } else {
            (&policy.response_components, &policy.response_body_components)
        };
        let body_requirements = if message.has_body() {
            with_body.as_slice()
        } else {
            &[]
        };
        for requirement in always.iter().chain(body_requirements) {
            check_requirement(requirement, params.components())?;
        }
        check_signature_coverage(params.components())
    }

    fn check_time(&self, params: &SignatureParams) -> Result<(), Error> {
        let now = self.clock.now();
        if let Some(expires) = params.expires()
            && expires < now
        {
            return Err(Error::Expired { expires, now });
        }
        if let Some(created) = params.created() {
            if created > now.saturating_add(self.policy.future_skew) {
                return Err(Error::CreatedInFuture {
                    created,
                    now,
                    skew: self.policy.future_skew,
                });
            }
            if let Some(max_age) = self.policy.max_age
                && created.saturating_add(max_age) < now
            {
                return Err(Error::TooOld {
                    created,
                    now,
                    max_age,
                });
            }
        }
        Ok(())
    }

    /// Checks a covered Content-Digest against the body. `digest_line` is
    /// the field's one line when building the base read it.
    fn check_digest(
        &self,
        params: &SignatureParams,
        message: &MessageView<'_>,
        digest_line: Option<&[u8]>,
    ) -> Result<bool, Error> {
        let covered = params
            .components()
            .iter()
            .any(|c| c.name() == "content-digest" && !c.req() && !c.tr());
        let Some(body) = message.body() else {
            return Ok(false);
        };
        if !covered || !self.policy.verify_digest {
            return Ok(false);
        }
        if body.len() > self.policy.limits.max_body_bytes {
            return Err(Error::LimitExceeded {
                kind: LimitKind::BodyBytes,
                actual: body.len(),
                max: self.policy.limits.max_body_bytes,
            });
        }
        let value = match digest_line {
            Some(line) => Cow::Borrowed(line),
            None => joined_field(message, "content-digest", &self.policy)?.ok_or(Error::MissingDigest)?,
        };
        verify_content_digest(&value, body)?;
        Ok(true)
    }
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("policy", &self.policy)
            .field("selection", &self.selection)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

fn check_requirement(requirement: &Requirement, covered: &[ComponentId]) -> Result<(), Error> {
    if requirement.is_met_by(covered) {
        Ok(())
    } else {
        Err(Error::ComponentNotCovered {
            component: requirement.describe(),
        })
    }
}

/// An outer signature that covers `"signature";key=X` must also cover
/// `"signature-input";key=X`, or the inner signature's parameters could be swapped.
fn check_signature_coverage(covered: &[ComponentId]) -> Result<(), Error> {
    for component in covered.iter().filter(|c| c.name() == "signature") {
        let Some(key) = component.key() else {
            continue;
        };
        let has_input = covered
            .iter()
            .any(|c| c.name() == "signature-input" && c.key() == Some(key) && c.req() == component.req());
        if !has_input {
            let mut input = ComponentId::field("signature-input")?.with_key(key);
            if component.req() {
                input = input.with_req();
            }
            return Err(Error::IncompleteSignatureCoverage {
                signature: component.to_string(),
                signature_input: input.to_string(),
            });
        }
    }
    Ok(())
}

/// Joins a field's lines with `, ` after checking the line and byte limits.
///
/// Borrows a field sent on one line, the usual case, rather than copying it.
pub(crate) fn joined_field<'a>(
    message: &MessageView<'a>,
    name: &'static str,
    policy: &Policy,
) -> Result<Option<Cow<'a, [u8]>>, Error> {
    let limits = &policy.limits;
    let mut joined: Option<Cow<'a, [u8]>> = None;
    let mut lines = 0;
    for value in message.header_values(name) {
        lines += 1;
        if lines > limits.max_field_lines {
            return Err(Error::LimitExceeded {
                kind: LimitKind::FieldLines,
                actual: lines,
                max: limits.max_field_lines,
            });
        }
        let combined = match joined.take() {
            // Lines before the first non-empty one add no separator.
            None => Cow::Borrowed(value),
            Some(previous) if previous.is_empty() => Cow::Borrowed(value),
            Some(previous) => {
                let mut buffer = previous.into_owned();
                buffer.extend_from_slice(b", ");
                buffer.extend_from_slice(value);
                Cow::Owned(buffer)
            }
        };
        if combined.len() > limits.max_header_bytes {
            return Err(Error::LimitExceeded {
                kind: LimitKind::HeaderBytes,
                actual: combined.len(),
                max: limits.max_header_bytes,
            });
        }
        joined = Some(combined);
    }
    Ok(joined)
}

/// Runs a future that must complete without waiting.
fn poll_once<T>(future: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut context) {
        Poll::Ready(result) => result,
        Poll::Pending => Err(Error::ResolverPending),
    }
}
