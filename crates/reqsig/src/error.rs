//! The error type of signing, verifying and Content-Digest checks.
//!
//! Every variant has a stable [`Error::code`], listed in `spec/README.md`, that
//! servers send to clients and count in metrics. Messages are lowercase and
//! name the value that failed.

use crate::Algorithm;
use crate::keys::KeyError;

/// A limit of [`crate::Limits`] that an input exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitKind {
    /// Bytes of one header field (all its lines together) that are parsed.
    HeaderBytes,
    /// Lines of one field.
    FieldLines,
    /// Signatures in one message.
    Signatures,
    /// Components covered by one signature.
    Components,
    /// Bytes of a `nonce` parameter.
    NonceLength,
    /// Body bytes buffered to check a Content-Digest.
    BodyBytes,
}

impl LimitKind {
    /// Returns the stable error code of this limit.
    pub const fn code(self) -> &'static str {
        match self {
            LimitKind::HeaderBytes => "header_too_large",
            LimitKind::FieldLines => "too_many_field_lines",
            LimitKind::Signatures => "too_many_signatures",
            LimitKind::Components => "too_many_components",
            LimitKind::NonceLength => "nonce_too_long",
            LimitKind::BodyBytes => "body_too_large",
        }
    }

    /// Returns what the limit counts, for messages.
    pub const fn describe(self) -> &'static str {
        match self {
            LimitKind::HeaderBytes => "header field bytes",
            LimitKind::FieldLines => "field lines of one field",
            LimitKind::Signatures => "signatures in one message",
            LimitKind::Components => "covered components in one signature",
            LimitKind::NonceLength => "nonce bytes",
            LimitKind::BodyBytes => "body bytes buffered for the digest",
        }
    }
}

/// The reason signing, verifying or a digest check failed.
///
/// The variants follow the steps of RFC 9421 section 3.2, so a caller can
/// tell a malformed header from a bad signature or a policy rejection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The message carries neither `Signature-Input` nor `Signature`.
    #[error("the message is not signed: no Signature-Input and Signature fields")]
    MissingSignature,

    /// `Signature-Input` is not a valid structured dictionary of inner lists.
    #[error("invalid Signature-Input field: {reason}")]
    MalformedSignatureInput {
        /// The problem, with the byte offset where the parser reports one.
        reason: String,
    },

    /// `Signature` is not a valid structured dictionary of byte sequences.
    #[error("invalid Signature field: {reason}")]
    MalformedSignature {
        /// The problem.
        reason: String,
    },

    /// A label occurs twice in `Signature-Input` or in `Signature`.
    #[error(
        "signature label {label:?} occurs more than once in {field}; RFC 8941 would keep only the last, so the message is rejected"
    )]
    DuplicateLabel {
        /// The repeated label.
        label: String,
        /// `Signature-Input` or `Signature`.
        field: &'static str,
    },

    /// A label is in one of the two fields but not in the other, or not in the message at all.
    #[error("signature label {label:?} is missing from {field}")]
    MissingLabel {
        /// The label looked for.
        label: String,
        /// The field that lacks it.
        field: &'static str,
    },

    /// No signature carries the requested `tag`.
    #[error("no signature has tag {tag:?}")]
    TagNotFound {
        /// The tag looked for.
        tag: String,
    },

    /// A component identifier is not valid (RFC 9421 section 2).
    #[error("invalid component identifier {component}: {reason}")]
    InvalidComponent {
        /// The identifier as serialized.
        component: String,
        /// The problem with it.
        reason: String,
    },

    /// A component is listed twice in one signature.
    #[error("component {component} is listed more than once in one signature")]
    DuplicateComponent {
        /// The repeated identifier.
        component: String,
    },

    /// A derived component name that RFC 9421 does not define.
    #[error(
        "unknown derived component {component}; RFC 9421 section 2.2 defines @method, @target-uri, @authority, @scheme, @request-target, @path, @query, @query-param and @status"
    )]
    UnknownDerivedComponent {
        /// The identifier.
        component: String,
    },

    /// A covered field, dictionary key or query parameter is absent from the message.
    #[error("covered component {component} is missing from the message{detail}")]
    MissingComponent {
        /// The identifier.
        component: String,
        /// Extra detail, starting with `: ` when present.
        detail: String,
    },

    /// A component cannot be computed for this kind of message.
    #[error("component {component} cannot be used here: {reason}")]
    ComponentNotApplicable {
        /// The identifier.
        component: String,
        /// Why, such as "@status is only defined for responses".
        reason: String,
    },

    /// A signature parameter has an invalid value.
    #[error("invalid signature parameter {name}: {reason}")]
    InvalidParameter {
        /// The parameter name.
        name: String,
        /// The problem with it.
        reason: String,
    },

    /// The policy requires a signature parameter that is absent.
    #[error("signature parameter {name} is required by the policy but missing")]
    MissingParameter {
        /// The parameter name.
        name: &'static str,
    },

    /// The policy rejects signature parameters it does not know.
    #[error("unknown signature parameter {name} is not allowed by the policy")]
    UnknownParameter {
        /// The parameter name.
        name: String,
    },

    /// The policy requires a component the signature does not cover.
    #[error("the signature does not cover {component}, which the policy requires")]
    ComponentNotCovered {
        /// The required identifier.
        component: String,
    },

    /// An outer signature covers `"signature";key=X` without `"signature-input";key=X`.
    #[error(
        "the signature covers {signature} but not {signature_input}; both are needed to bind the inner signature's parameters"
    )]
    IncompleteSignatureCoverage {
        /// The covered `signature` component.
        signature: String,
        /// The missing `signature-input` component.
        signature_input: String,
    },

    /// The `tag` parameter differs from the one the policy expects.
    #[error("signature tag {found:?} does not match the expected tag {expected:?}")]
    TagMismatch {
        /// The expected tag.
        expected: String,
        /// The tag found, if any.
        found: Option<String>,
    },

    /// The key resolver has no key with this id.
    #[error("unknown key id {keyid:?}")]
    UnknownKey {
        /// The key id from the signature.
        keyid: String,
    },

    /// The key resolver found the key but refuses it (revoked, expired, not yet valid).
    #[error("key {keyid:?} is rejected: {reason}")]
    KeyRejected {
        /// The key id.
        keyid: String,
        /// Why, such as "revoked".
        reason: String,
    },

    /// The `alg` parameter names another algorithm than the key is bound to.
    #[error(
        "the signature's alg parameter is {found:?} but key {keyid:?} is bound to {expected}; rejected to prevent algorithm confusion"
    )]
    AlgorithmMismatch {
        /// The key id.
        keyid: String,
        /// The key's algorithm.
        expected: Algorithm,
        /// The `alg` parameter's value.
        found: String,
    },

    /// The policy does not allow this algorithm.
    #[error("algorithm {algorithm} is not allowed by the policy")]
    AlgorithmNotAllowed {
        /// The key's algorithm.
        algorithm: Algorithm,
    },

    /// The signature bytes do not verify over the signature base.
    #[error("signature {label:?} does not verify with key {keyid:?}")]
    InvalidSignature {
        /// The label.
        label: String,
        /// The key id.
        keyid: String,
    },

    /// The `expires` time has passed.
    #[error("signature expired at {expires} (now {now})")]
    Expired {
        /// The `expires` parameter, in seconds since the Unix epoch.
        expires: u64,
        /// The verifier's time.
        now: u64,
    },

    /// `created` is older than the policy's maximum age.
    #[error("signature created at {created} is older than the maximum age of {max_age} s (now {now})")]
    TooOld {
        /// The `created` parameter.
        created: u64,
        /// The verifier's time.
        now: u64,
        /// The maximum age in seconds.
        max_age: u64,
    },

    /// `created` lies further in the future than the allowed clock skew.
    #[error(
        "signature created at {created} lies in the future beyond the allowed skew of {skew} s (now {now})"
    )]
    CreatedInFuture {
        /// The `created` parameter.
        created: u64,
        /// The verifier's time.
        now: u64,
        /// The allowed skew in seconds.
        skew: u64,
    },

    /// An input is larger than a configured limit.
    #[error("too many {}: {actual} exceeds the limit of {max}", kind.describe())]
    LimitExceeded {
        /// Which limit.
        kind: LimitKind,
        /// The size found (at least `max + 1`).
        actual: usize,
        /// The limit.
        max: usize,
    },

    /// A `Content-Digest` value does not match the body.
    #[error("Content-Digest {algorithm} does not match the body")]
    DigestMismatch {
        /// The algorithm whose digest differs, such as `sha-256`.
        algorithm: String,
    },

    /// `Content-Digest` carries no algorithm that reqsig checks.
    #[error("Content-Digest has no supported algorithm (found {found}); send sha-256 or sha-512")]
    DigestUnsupported {
        /// The algorithms found, comma separated.
        found: String,
    },

    /// `Content-Digest` is not a valid dictionary of byte sequences.
    #[error("invalid Content-Digest field: {reason}")]
    MalformedDigest {
        /// The problem.
        reason: String,
    },

    /// The message has a body but no `Content-Digest`, while the digest is required.
    #[error("the message has a body but no Content-Digest field")]
    MissingDigest,

    /// The message itself cannot be read (no authority, several Host lines, bad target).
    #[error("invalid message: {reason}")]
    InvalidMessage {
        /// The problem.
        reason: String,
    },

    /// A key failed to sign or to load.
    #[error(transparent)]
    Key(#[from] KeyError),

    /// A key resolver returned a pending future to the synchronous verifier.
    #[error("the key resolver is asynchronous; call Verifier::verify_async instead of Verifier::verify")]
    ResolverPending,
}

impl Error {
    /// Returns the stable code of this error, as listed in `spec/README.md`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::MissingSignature => "missing_signature",
            Error::MalformedSignatureInput { .. } => "malformed_signature_input",
            Error::MalformedSignature { .. } => "malformed_signature",
            Error::DuplicateLabel { .. } => "duplicate_label",
            Error::MissingLabel { .. } => "missing_label",
            Error::TagNotFound { .. } => "tag_not_found",
            Error::InvalidComponent { .. } => "invalid_component",
            Error::DuplicateComponent { .. } => "duplicate_component",
            Error::UnknownDerivedComponent { .. } => "unknown_component",
            Error::MissingComponent { .. } => "missing_component",
            Error::ComponentNotApplicable { .. } => "component_not_applicable",
            Error::InvalidParameter { .. } => "invalid_parameter",
            Error::MissingParameter { .. } => "missing_parameter",
            Error::UnknownParameter { .. } => "unknown_parameter",
            Error::ComponentNotCovered { .. } => "component_not_covered",
            Error::IncompleteSignatureCoverage { .. } => "incomplete_signature_coverage",
            Error::TagMismatch { .. } => "tag_mismatch",
            Error::UnknownKey { .. } => "unknown_key",
            Error::KeyRejected { .. } => "key_rejected",
            Error::AlgorithmMismatch { .. } => "algorithm_mismatch",
            Error::AlgorithmNotAllowed { .. } => "algorithm_not_allowed",
            Error::InvalidSignature { .. } => "invalid_signature",
            Error::Expired { .. } => "expired",
            Error::TooOld { .. } => "too_old",
            Error::CreatedInFuture { .. } => "created_in_future",
            Error::LimitExceeded { kind, .. } => kind.code(),
            Error::DigestMismatch { .. } => "digest_mismatch",
            Error::DigestUnsupported { .. } => "digest_unsupported",
            Error::MalformedDigest { .. } => "malformed_digest",
            Error::MissingDigest => "missing_digest",
            Error::InvalidMessage { .. } => "invalid_message",
            Error::Key(_) => "key_error",
            Error::ResolverPending => "resolver_pending",
        }
    }

    pub(crate) fn invalid_component(component: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidComponent {
            component: component.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn not_applicable(component: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::ComponentNotApplicable {
            component: component.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_message(reason: impl Into<String>) -> Error {
        Error::InvalidMessage {
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_parameter(name: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::InvalidParameter {
            name: name.into(),
            reason: reason.into(),
        }
    }
}
