//! Signing on challenge: responding to a 401 that carries `Accept-Signature`
//! (RFC 9421 section 5).
//!
//! The client signs the union of its own components and the ones the server
//! requests, never fewer than its own. A server asking for `sig1=()` gets
//! the client's usual signature, not one that could be replayed onto any
//! request. The server's `alg` and `keyid` never choose the key: the client
//! signs with its own key, and when that is not the key the server asked for
//! the server rejects the signature and its 401 reaches the caller.

use http::HeaderValue;
use reqsig::accept::{SignatureRequest, parse_accept_signature};
use reqsig::components::ComponentId;
use reqsig::message::{TargetContext, ToMessageView};
use reqsig::{DigestAlgorithm, SignatureHeaders, SignatureParams, Signer, content_digest};

use crate::ChallengeError;
use crate::sign::{sign_request, with_http_view};

/// Builds the signer that responds to an `Accept-Signature` challenge.
///
/// It receives the components to cover and returns a signer built from the
/// client's own key with exactly those components. A closure
/// `Fn(&Challenge) -> Result<Signer, reqsig::Error>` implements it.
///
/// The signature it makes is checked before it is sent: a signer with
/// another key id or algorithm than the client's, or one that leaves out any
/// of [`Challenge::components`], fails with a [`ChallengeError`].
///
/// ```
/// use reqsig::{Algorithm, Signer, SigningKey};
/// use reqsig_reqwest::{Challenge, SigningConfig};
///
/// let key = SigningKey::generate(Algorithm::Ed25519)?;
/// let signer = Signer::builder(key.clone()).key_id("client-1").build()?;
/// let config = SigningConfig::new(signer).sign_on_challenge(move |challenge: &Challenge| {
///     Signer::builder(key.clone())
///         .key_id("client-1")
///         .components(challenge.components.clone())
///         .build()
/// });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait ChallengeSigner: Send + Sync + 'static {
    /// Builds a signer, with the client's own key, that covers `challenge.components`.
    ///
    /// # Errors
    /// Any [`reqsig::Error`] of building the signer.
    fn signer_for(&self, challenge: &Challenge) -> Result<Signer, reqsig::Error>;
}

impl<F> ChallengeSigner for F
where
    F: Fn(&Challenge) -> Result<Signer, reqsig::Error> + Send + Sync + 'static,
{
    fn signer_for(&self, challenge: &Challenge) -> Result<Signer, reqsig::Error> {
        self(challenge)
    }
}

/// A server's request for a signature, and the components the client covers in response.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Challenge {
    /// The components to cover: the client's own ones for this request, then
    /// those the server requested that the client's do not already cover.
    pub components: Vec<ComponentId>,
    /// The member of `Accept-Signature` being responded to, with its label and
    /// parameters (such as `tag`), for a signer that wants to honour them.
    pub requested: SignatureRequest,
}

/// Returns the server's signature requests when `response` is a challenge:
/// a 401 with an `Accept-Signature` field.
pub(crate) fn challenge_requests(
    response: &reqwest::Response,
) -> Option<Result<Vec<SignatureRequest>, reqsig::Error>> {
    if response.status() != http::StatusCode::UNAUTHORIZED {
        return None;
    }
    let lines: Vec<&[u8]> = response
        .headers()
        .get_all("accept-signature")
        .iter()
        .map(HeaderValue::as_bytes)
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some(parse_accept_signature(&lines.join(&b", "[..])))
}

/// Signs `request` in response to `requests`, with the union of the components of
/// `own` and the requested ones.
pub(crate) fn sign_for_challenge(
    own: &Signer,
    challenge_signer: &dyn ChallengeSigner,
    request: &mut reqwest::Request,
    requests: Vec<SignatureRequest>,
) -> Result<SignatureHeaders, ChallengeError> {
    let own_components = own_components(own, request).map_err(ChallengeError::Signing)?;
    let requested = choose_request(requests, own);
    let mut components = own_components;
    for wanted in requested.params.components() {
        if !components.iter().any(|c| c.same_component(wanted)) {
            components.push(wanted.clone());
        }
    }
    let challenge = Challenge {
        components,
        requested,
    };

    let signer = challenge_signer
        .signer_for(&challenge)
        .map_err(ChallengeError::Signing)?;
    if signer.key_id() != own.key_id() || signer.algorithm() != own.algorithm() {
        return Err(ChallengeError::KeyMismatch {
            expected_key_id: own.key_id().to_owned(),
            expected_algorithm: own.algorithm(),
            found_key_id: signer.key_id().to_owned(),
            found_algorithm: signer.algorithm(),
        });
    }
    let headers = sign_request(&signer, request).map_err(ChallengeError::Signing)?;
    check_coverage(&headers, &challenge.components)?;
    Ok(headers)
}

/// Returns the components `signer` covers on this request.
fn own_components(
    signer: &Signer,
    request: &mut reqwest::Request,
) -> Result<Vec<ComponentId>, reqsig::Error> {
    with_http_view(request, |view| {
        // `prepare` builds the signature base, which needs a covered
        // Content-Digest in the message. Only the component list is kept, so
        // a digest added here is removed again and never sent.
        let added = !view.headers().contains_key("content-digest");
        if added {
            let digest = content_digest(view.body(), DigestAlgorithm::Sha256);
            let value = HeaderValue::from_str(&digest).map_err(|error| reqsig::Error::InvalidMessage {
                reason: format!("invalid Content-Digest {digest:?}: {error}"),
            })?;
            view.headers_mut().insert("content-digest", value);
        }
        let prepared = view
            .to_view(&TargetContext::default())
            .and_then(|message| signer.prepare(&message, None));
        if added {
            view.headers_mut().remove("content-digest");
        }
        Ok(prepared?.params().components().to_vec())
    })
}

/// Picks the first request whose `alg` and `keyid`, where given, match the
/// client's key, or else the first request. With no request at all, the
/// client signs its own components.
fn choose_request(requests: Vec<SignatureRequest>, own: &Signer) -> SignatureRequest {
    let matches_key = |request: &SignatureRequest| {
        request
            .params
            .alg()
            .is_none_or(|alg| alg == own.algorithm().name())
            && request.params.keyid().is_none_or(|keyid| keyid == own.key_id())
    };
    let position = requests.iter().position(matches_key).unwrap_or(0);
    requests
        .into_iter()
        .nth(position)
        .unwrap_or_else(|| SignatureRequest {
            label: "sig1".to_owned(),
            params: SignatureParams::new(Vec::new()),
        })
}

/// Checks that the signature covers every component of `required`.
fn check_coverage(headers: &SignatureHeaders, required: &[ComponentId]) -> Result<(), ChallengeError> {
    let members = SignatureParams::parse_signature_input(headers.signature_input.as_bytes())
        .map_err(ChallengeError::Signing)?;
    let covered = members
        .first()
        .map(|(_, params)| params.components())
        .unwrap_or_default();
    let missing: Vec<String> = required
        .iter()
        .filter(|wanted| !covered.iter().any(|c| c.same_component(wanted)))
        .map(ToString::to_string)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ChallengeError::MissingComponents {
            missing: missing.join(" "),
        })
    }
}

#[cfg(test)]
mod tests {
    use reqsig::accept::parse_accept_signature;
    use reqsig::{Algorithm, Signer, SigningKey};
    use reqwest::{Method, Url};

    use super::{Challenge, choose_request, sign_for_challenge};
    use crate::ChallengeError;

    fn key() -> SigningKey {
        SigningKey::generate(Algorithm::Ed25519).unwrap()
    }

    fn post() -> reqwest::Request {
        let url = Url::parse("https://api.example.com/items?id=1").unwrap();
        let mut request = reqwest::Request::new(Method::POST, url);
        request
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        request
            .headers_mut()
            .insert("x-request-id", "42".parse().unwrap());
        *request.body_mut() = Some(reqwest::Body::from(&b"{}"[..]));
        request
    }

    /// Signs the POST of [`post`] for the `Accept-Signature` value `accept`,
    /// with a factory that builds a signer for the requested components.
    fn signed_for_challenge(accept: &[u8]) -> reqwest::Request {
        let key = key();
        let own = Signer::builder(key.clone()).key_id("c").build().unwrap();
        let factory = move |challenge: &Challenge| {
            Signer::builder(key.clone())
                .key_id("c")
                .components(challenge.components.clone())
                .build()
        };
        let mut request = post();
        let requests = parse_accept_signature(accept).unwrap();
        sign_for_challenge(&own, &factory, &mut request, requests).unwrap();
        request
    }

    fn covered(request: &reqwest::Request) -> String {
        let input = request.headers()["signature-input"].to_str().unwrap();
        input[..input.find(';').unwrap()].to_owned()
    }

    #[test]
    fn empty_request_gets_own_components() {
        let request = signed_for_challenge(b"sig1=()");
        assert_eq!(
            covered(&request),
            r#"sig1=("@method" "@authority" "@path" "@query" "content-digest" "content-type")"#
        );
    }

    #[test]
    fn requested_components_are_added() {
        let request = signed_for_challenge(br#"sig1=("@method" "x-request-id");created;nonce"#);
        assert_eq!(
            covered(&request),
            r#"sig1=("@method" "@authority" "@path" "@query" "content-digest" "content-type" "x-request-id")"#
        );
    }

    #[test]
    fn signer_with_other_key_is_rejected() {
        let own = Signer::builder(key()).key_id("c").build().unwrap();
        let other = key();
        let factory = move |challenge: &Challenge| {
            Signer::builder(other.clone())
                .key_id("someone-else")
                .components(challenge.components.clone())
                .build()
        };
        let mut request = post();
        let requests = parse_accept_signature(b"sig1=()").unwrap();
        let error = sign_for_challenge(&own, &factory, &mut request, requests).unwrap_err();
        assert!(matches!(error, ChallengeError::KeyMismatch { .. }), "{error}");
        assert!(!request.headers().contains_key("signature"));
    }

    #[test]
    fn signer_covering_less_is_rejected() {
        let key = key();
        let own = Signer::builder(key.clone()).key_id("c").build().unwrap();
        let factory = move |_: &Challenge| {
            Signer::builder(key.clone())
                .key_id("c")
                .components(Vec::new())
                .build()
        };
        let mut request = post();
        let requests = parse_accept_signature(b"sig1=()").unwrap();
        let error = sign_for_challenge(&own, &factory, &mut request, requests).unwrap_err();
        let ChallengeError::MissingComponents { missing } = error else {
            panic!("expected MissingComponents, got {error}");
        };
        assert!(missing.contains("\"@method\""), "{missing}");
        assert!(missing.contains("\"content-digest\""), "{missing}");
    }

    #[test]
    fn request_matching_own_key_is_chosen() {
        let own = Signer::builder(key()).key_id("c").build().unwrap();
        let requests =
            parse_accept_signature(br#"a=("@path");keyid="other", b=("@query");keyid="c";alg="ed25519""#)
                .unwrap();
        assert_eq!(choose_request(requests, &own).label, "b");
        let requests = parse_accept_signature(br#"a=("@path");alg="hmac-sha256""#).unwrap();
        assert_eq!(choose_request(requests, &own).label, "a");
        assert_eq!(choose_request(Vec::new(), &own).label, "sig1");
    }
}
