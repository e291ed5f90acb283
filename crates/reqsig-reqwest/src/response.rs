//! Verifying signed responses under the reqsig response profile.
//!
//! A server following the profile signs each response to a signed request.
//! It covers `@status`, `content-type` when present and `content-digest`
//! when there is a body. With `req` it also covers the request's `@method`,
//! `@authority`, `@path` and `@query`, and the request's `signature` and
//! `signature-input` members under the label the client used. Its parameters are `created`, `keyid` and
//! the tag [`RESPONSE_TAG`]. Covering the request's signature binds the
//! response to exactly the request that was sent.

use std::borrow::Borrow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method};
use reqsig::components::{ComponentId, Derived};
use reqsig::message::{MessageView, TargetContext, ToMessageView};
use reqsig::policy::Requirement;
use reqsig::{KeyResolver, Policy, Selection, Verifier, VerifyingKey};
use reqwest::ResponseBuilderExt;

use crate::Error;
use crate::body::{ReadError, read_body};

/// The `tag` parameter of response signatures under the reqsig profile.
pub const RESPONSE_TAG: &str = "reqsig-response";

/// Verifies the signature of every response to a signed request.
///
/// The response body is read into memory, up to
/// [`ResponseVerification::max_body_bytes`], to check its Content-Digest,
/// and the response is handed on with the same status, headers and bytes.
/// A response to a request sent without a signature (after a redirect to
/// another origin, or when a server accepts the unsigned first attempt of
/// sign-on-challenge) fails with [`Error::ResponseToUnsignedRequest`].
///
/// The digest covers the body as the server sent it, so leave reqwest's
/// automatic decompression (its `gzip`, `brotli`, `deflate` and `zstd`
/// features) off for verified responses.
///
/// ```
/// use reqsig::{Algorithm, SigningKey, StaticKey};
/// use reqsig_reqwest::ResponseVerification;
///
/// let server_key = SigningKey::generate(Algorithm::Ed25519)?;
/// let verification = ResponseVerification::new(StaticKey::new("server-1", server_key.verifying_key()))
///     .max_body_bytes(64 * 1024);
/// assert_eq!(verification.body_limit(), 64 * 1024);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ResponseVerification {
    resolver: Arc<dyn ErasedResolver>,
    max_body_bytes: usize,
}

impl ResponseVerification {
    /// Creates the verification with the resolver that finds the server's
    /// keys by key id, and a body limit of 1 MiB.
    pub fn new<R>(resolver: R) -> ResponseVerification
    where
        R: KeyResolver + Send + Sync + 'static,
    {
        ResponseVerification {
            resolver: Arc::new(resolver),
            max_body_bytes: reqsig::Limits::DEFAULT.max_body_bytes,
        }
    }

    /// Sets the maximum response body, in bytes, read to check the digest.
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> ResponseVerification {
        self.max_body_bytes = limit;
        self
    }

    /// Returns the maximum response body in bytes.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Verifies `response` as the response to `sent` and returns it with its
    /// body in memory.
    pub(crate) async fn verify(
        &self,
        response: reqwest::Response,
        sent: &SentRequest,
    ) -> Result<reqwest::Response, Error> {
        let url = response.url().clone();
        let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
        let body = read_body(body, self.max_body_bytes, false)
            .await
            .map_err(|error| match error {
                // `read_body` drops trailers when `reject_trailers` is off.
                ReadError::TooLarge | ReadError::Trailers => Error::ResponseTooLarge {
                    url: url.to_string(),
                    limit: self.max_body_bytes,
                },
                ReadError::Http(error) => Error::Http(error),
            })?;

        let verified = self.check(&parts, &body, sent).await;
        verified.map_err(|error| Error::ResponseVerification {
            url: url.to_string(),
            error,
        })?;

        // reqwest keeps the response URL in an extension that only its
        // builder can set; without it the URL would read as a placeholder.
        if let Ok(marker) = http::Response::builder().url(url).body(()) {
            parts.extensions.extend(marker.into_parts().0.extensions);
        }
        Ok(reqwest::Response::from(http::Response::from_parts(parts, body)))
    }

    async fn check(
        &self,
        parts: &http::response::Parts,
        body: &Bytes,
        sent: &SentRequest,
    ) -> Result<(), reqsig::Error> {
        let response = MessageView::from_response_parts(parts, Some(body));
        let mut request = http::Request::new(());
        *request.method_mut() = sent.method.clone();
        *request.uri_mut() = sent.uri.clone();
        *request.headers_mut() = sent.headers.clone();
        let request = request.to_view(&TargetContext::default())?;

        let has_content_type = parts.headers.contains_key(http::header::CONTENT_TYPE);
        let policy = response_policy(&sent.label, has_content_type)?;
        let resolver = Resolver(Arc::clone(&self.resolver));
        Verifier::new(policy)
            .select(Selection::Tag(RESPONSE_TAG.to_owned()))
            .verify_async(&response, Some(&request), &resolver)
            .await?;
        Ok(())
    }
}

impl fmt::Debug for ResponseVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseVerification")
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// Returns the policy of the response profile for a request signed under
/// `request_label`. Building the field identifiers cannot fail for these
/// fixed names, but an error is passed on rather than hidden.
pub(crate) fn response_policy(request_label: &str, has_content_type: bool) -> Result<Policy, reqsig::Error> {
    let from_request = |derived| Requirement::one(ComponentId::derived(derived).with_req());
    let mut required = vec![
        Requirement::one(ComponentId::derived(Derived::Status)),
        from_request(Derived::Method),
        from_request(Derived::Authority),
        from_request(Derived::Path),
        from_request(Derived::Query),
        Requirement::one(
            ComponentId::field("signature")?
                .with_req()
                .with_key(request_label),
        ),
        Requirement::one(
            ComponentId::field("signature-input")?
                .with_req()
                .with_key(request_label),
        ),
    ];
    if has_content_type {
        required.push(Requirement::one(ComponentId::field("content-type")?));
    }
    Ok(Policy {
        response_components: required,
        response_body_components: vec![Requirement::one(ComponentId::field("content-digest")?)],
        require_created: true,
        tag: Some(RESPONSE_TAG.to_owned()),
        ..Policy::default()
    })
}

/// The request as it was sent, signature headers included, kept to verify
/// the response's `req` components.
pub(crate) struct SentRequest {
    method: Method,
    uri: http::Uri,
    headers: HeaderMap,
    label: String,
}

impl SentRequest {
    /// Records a signed `request` whose signature has `label`.
    pub(crate) fn capture(request: &reqwest::Request, label: String) -> Result<SentRequest, reqsig::Error> {
        Ok(SentRequest {
            method: request.method().clone(),
            uri: crate::sign::request_uri(request.url())?,
            headers: request.headers().clone(),
            label,
        })
    }
}

type KeyFuture<'a> = Pin<Box<dyn Future<Output = Result<VerifyingKey, reqsig::Error>> + Send + 'a>>;

/// A [`KeyResolver`] behind a trait object, so the verification needs no type parameter.
trait ErasedResolver: Send + Sync {
    fn resolve_boxed<'a>(&'a self, key_id: &'a str) -> KeyFuture<'a>;
}

impl<R: KeyResolver + Send + Sync> ErasedResolver for R {
    fn resolve_boxed<'a>(&'a self, key_id: &'a str) -> KeyFuture<'a> {
        Box::pin(async move {
            let key = self.resolve(key_id).await?;
            let key: &VerifyingKey = key.borrow();
            Ok(key.clone())
        })
    }
}

struct Resolver(Arc<dyn ErasedResolver>);

impl KeyResolver for Resolver {
    type Key<'a> = VerifyingKey;

    fn resolve<'a>(
        &'a self,
        key_id: &'a str,
    ) -> impl Future<Output = Result<VerifyingKey, reqsig::Error>> + Send + 'a {
        self.0.resolve_boxed(key_id)
    }
}

#[cfg(test)]
mod tests {
    use reqsig::components::{ComponentId, Derived};

    use super::{RESPONSE_TAG, response_policy};

    fn requires(policy: &reqsig::Policy, component: &ComponentId) -> bool {
        policy
            .response_components
            .iter()
            .any(|requirement| requirement.0.iter().any(|c| c.same_component(component)))
    }

    #[test]
    fn policy_requires_profile_components() {
        let policy = response_policy("sig7", true).unwrap();
        assert!(requires(&policy, &ComponentId::derived(Derived::Status)));
        assert!(requires(
            &policy,
            &ComponentId::derived(Derived::Query).with_req()
        ));
        let signature = ComponentId::field("signature")
            .unwrap()
            .with_req()
            .with_key("sig7");
        assert!(requires(&policy, &signature));
        let input = ComponentId::field("signature-input")
            .unwrap()
            .with_req()
            .with_key("sig7");
        assert!(requires(&policy, &input));
        assert!(requires(&policy, &ComponentId::field("content-type").unwrap()));
        assert_eq!(policy.tag.as_deref(), Some(RESPONSE_TAG));
        assert!(policy.require_created);
    }

    #[test]
    fn policy_without_content_type() {
        let policy = response_policy("sig1", false).unwrap();
        assert!(!requires(&policy, &ComponentId::field("content-type").unwrap()));
        let digest = ComponentId::field("content-digest").unwrap();
        assert!(policy.response_body_components[0].0[0].same_component(&digest));
    }
}
