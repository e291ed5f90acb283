//! Verification policy: the requirements on a signature beyond a valid cryptographic check.

use crate::components::{ComponentId, Derived};
use crate::{Algorithm, Limits};

/// A requirement met when the signature covers any one of its components.
///
/// `@target-uri` contains the authority, path and query, so the default
/// policy accepts it in place of each of those.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement(pub Vec<ComponentId>);

impl Requirement {
    /// A requirement met only by `component`.
    pub fn one(component: ComponentId) -> Requirement {
        Requirement(vec![component])
    }

    /// Reports whether `covered` meets the requirement. The `sf` and `bs`
    /// flags do not matter: they change how a field is serialized, not which
    /// field is covered.
    pub fn is_met_by(&self, covered: &[ComponentId]) -> bool {
        self.0
            .iter()
            .any(|wanted| covered.iter().any(|c| c.same_component(wanted)))
    }

    /// Describes the requirement, such as `"@authority" or "@target-uri"`.
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

/// The verifier's rules: required components and parameters, time window,
/// algorithms and limits.
///
/// The defaults are those of `spec/README.md`. A request's signature must
/// cover `@method`, `@authority` (or `@target-uri`), `@path` and `@query`,
/// plus `content-digest` when the request has a body, and carry `created`.
/// `created` may be at most 300 s old and 30 s in the future. A signature
/// that covers less verifies cryptographically but could be replayed onto
/// another request, so it is rejected unless the policy asks for less.
///
/// ```
/// use reqsig::Policy;
///
/// let client = Policy::default();
/// assert!(client.require_created && !client.require_nonce);
///
/// let server = Policy::server();
/// assert!(server.require_nonce);
/// assert_eq!(server.nonce_retention(), 330);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Components every request signature must cover.
    pub request_components: Vec<Requirement>,
    /// Components a request signature must also cover when the request has a body.
    pub request_body_components: Vec<Requirement>,
    /// Components every response signature must cover.
    pub response_components: Vec<Requirement>,
    /// Components a response signature must also cover when the response has a body.
    pub response_body_components: Vec<Requirement>,
    /// Require the `created` parameter.
    pub require_created: bool,
    /// Require the `expires` parameter.
    pub require_expires: bool,
    /// Require the `nonce` parameter.
    pub require_nonce: bool,
    /// Require this exact `tag` value.
    pub tag: Option<String>,
    /// Maximum age of `created`, in seconds; `None` accepts any age.
    pub max_age: Option<u64>,
    /// How far `created` may lie in the future, in seconds, for clock skew.
    pub future_skew: u64,
    /// Algorithms accepted; `None` accepts every algorithm this build supports.
    pub allowed_algorithms: Option<Vec<Algorithm>>,
    /// Reject signatures with parameters RFC 9421 does not define.
    pub reject_unknown_parameters: bool,
    /// Check a covered Content-Digest against the body when the body bytes are available.
    pub verify_digest: bool,
    /// Size limits on the parsed input.
    pub limits: Limits,
}

/// The default maximum age of `created`, in seconds.
pub const DEFAULT_MAX_AGE: u64 = 300;
/// The default allowance for `created` in the future, in seconds.
pub const DEFAULT_FUTURE_SKEW: u64 = 30;

impl Default for Policy {
    fn default() -> Self {
        let derived = |d| ComponentId::derived(d);
        let target = derived(Derived::TargetUri);
        let either = |d| Requirement(vec![derived(d), target.clone()]);
        let content_digest = ComponentId::field("content-digest").map(Requirement::one);
        Policy {
            request_components: vec![
                Requirement::one(derived(Derived::Method)),
                either(Derived::Authority),
                either(Derived::Path),
                either(Derived::Query),
            ],
            request_body_components: content_digest.iter().cloned().collect(),
            response_components: vec![Requirement::one(derived(Derived::Status))],
            response_body_components: content_digest.into_iter().collect(),
            require_created: true,
            require_expires: false,
            require_nonce: false,
            tag: None,
            max_age: Some(DEFAULT_MAX_AGE),
            future_skew: DEFAULT_FUTURE_SKEW,
            allowed_algorithms: None,
            reject_unknown_parameters: false,
            verify_digest: true,
            limits: Limits::default(),
        }
    }
}

impl Policy {
    /// Returns the server-side default: [`Policy::default`] plus a required `nonce`.
    pub fn server() -> Policy {
        Policy {
            require_nonce: true,
            ..Policy::default()
        }
    }

    /// Returns a policy that requires no component and no parameter and
    /// accepts any age: for checking test vectors and other implementations' signatures,
    /// never for authenticating requests.
    pub fn permissive() -> Policy {
        Policy {
            request_components: Vec::new(),
            request_body_components: Vec::new(),
            response_components: Vec::new(),
            response_body_components: Vec::new(),
            require_created: false,
            max_age: None,
            ..Policy::default()
        }
    }

    /// Replaces the required components of requests and responses, with or
    /// without a body, by `components`, each required on its own.
    pub fn require_only(mut self, components: Vec<ComponentId>) -> Policy {
        let requirements: Vec<Requirement> = components.into_iter().map(Requirement::one).collect();
        self.request_components = requirements.clone();
        self.response_components = requirements;
        self.request_body_components = Vec::new();
        self.response_body_components = Vec::new();
        self
    }

    /// How long a verifier must remember a nonce, in seconds: the maximum age
    /// plus the future skew, after which the signature is rejected as too old anyway.
    pub fn nonce_retention(&self) -> u64 {
        self.max_age
            .unwrap_or(DEFAULT_MAX_AGE)
            .saturating_add(self.future_skew)
    }
}
