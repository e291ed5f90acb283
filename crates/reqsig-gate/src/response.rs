//! Signing responses under reqsig's response profile.

use std::sync::Arc;

use reqsig::components::{ComponentId, Derived};
use reqsig::message::{BodyBytes, MessageView, TargetContext};
use reqsig::{Error, MessageSigner, Nonce, SignatureHeaders, Signer};

/// The `tag` every response signature of this profile carries.
pub const RESPONSE_TAG: &str = "reqsig-response";

/// Signs responses so clients can check that the answer came from the
/// server and belongs to their request.
///
/// The profile (also in `spec/README.md`): `@status`, `content-type` when
/// present, `content-digest` when there is a body, then from the request
/// `"@method";req`, `"@authority";req`, `"@path";req`, `"@query";req`,
/// `"signature";req;key="<label>"` and `"signature-input";req;key="<label>"`,
/// with `created`, `keyid` and the tag [`RESPONSE_TAG`]. Covering the
/// request's signature and its input ties the response to that exact request.
///
/// ```
/// use std::sync::Arc;
/// use reqsig::message::{MessageView, TargetContext};
/// use reqsig::{Algorithm, Signer, SigningKey};
/// use reqsig_gate::ResponseSigner;
///
/// let client = Signer::builder(SigningKey::generate(Algorithm::Ed25519).unwrap()).key_id("c").build().unwrap();
/// let mut request = http::Request::get("https://api.example.com/x?y=1").body(()).unwrap();
/// client.sign_request(&mut request).unwrap();
/// let (parts, ()) = request.into_parts();
///
/// let server_key = SigningKey::generate(Algorithm::Ed25519).unwrap();
/// let signer = ResponseSigner::new(Arc::new(server_key), "server-1");
/// let mut response = http::Response::builder().status(200).body(b"ok".to_vec()).unwrap();
/// let request_view = MessageView::from_request_parts(&parts, None, &TargetContext::default());
/// signer.sign(&mut response, &request_view, "sig1").unwrap();
/// assert!(response.headers().contains_key("signature"));
/// ```
#[derive(Clone)]
pub struct ResponseSigner {
    key: Arc<dyn MessageSigner>,
    key_id: String,
    context: TargetContext,
}

impl ResponseSigner {
    /// Creates a signer for the server's key.
    pub fn new(key: Arc<dyn MessageSigner>, key_id: impl Into<String>) -> ResponseSigner {
        ResponseSigner {
            key,
            key_id: key_id.into(),
            context: TargetContext::default(),
        }
    }

    /// Returns the components the profile covers for one response.
    pub fn components<B: BodyBytes>(
        response: &http::Response<B>,
        request_label: &str,
    ) -> Result<Vec<ComponentId>, Error> {
        let mut components = vec![ComponentId::derived(Derived::Status)];
        if response.headers().contains_key("content-type") {
            components.push(ComponentId::field("content-type")?);
        }
        let has_body =
            !response.body().body_bytes().is_empty() || response.headers().contains_key("transfer-encoding");
        if has_body {
            components.push(ComponentId::field("content-digest")?);
        }
        for derived in [Derived::Method, Derived::Authority, Derived::Path, Derived::Query] {
            components.push(ComponentId::derived(derived).with_req());
        }
        components.push(
            ComponentId::field("signature")?
                .with_req()
                .with_key(request_label),
        );
        components.push(
            ComponentId::field("signature-input")?
                .with_req()
                .with_key(request_label),
        );
        Ok(components)
    }

    /// Signs `response`, answering the request in `request`, whose signature is labelled `request_label`.
    ///
    /// # Errors
    /// Any [`Error`] of building the base, such as a request without that label.
    pub fn sign<B: BodyBytes>(
        &self,
        response: &mut http::Response<B>,
        request: &MessageView<'_>,
        request_label: &str,
    ) -> Result<SignatureHeaders, Error> {
        let signer = Signer::builder_with(self.key.clone())
            .key_id(self.key_id.clone())
            .components(ResponseSigner::components(response, request_label)?)
            .nonce(Nonce::None)
            .tag(RESPONSE_TAG)
            .target_context(self.context.clone())
            .build()?;
        signer.sign_response(response, Some(request))
    }
}

impl std::fmt::Debug for ResponseSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseSigner")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}
