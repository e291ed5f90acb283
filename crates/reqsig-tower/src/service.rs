//! The service: verifies one request, then calls the inner service.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response};
use http_body::Body;
use http_body_util::{BodyExt, Either, Full, Limited};
use reqsig::message::MessageView;
use reqsig_gate::{Admission, Identity, Rejection};
use tower::Service;

use crate::body::{BoxError, VerifiedBody};
use crate::layer::Shared;

/// The response body: a rejection or signed response buffered by the layer, or the inner service's body.
pub type ResponseBody<B> = Either<Full<Bytes>, B>;

/// The service built by [`crate::VerifyLayer`].
#[derive(Clone)]
pub struct VerifyService<S> {
    pub(crate) inner: S,
    pub(crate) shared: Arc<Shared>,
}

impl<S, B, ResBody> Service<Request<B>> for VerifyService<S>
where
    S: Service<Request<VerifiedBody<B>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Body<Data = Bytes> + Unpin + Send + 'static,
    B::Error: Into<BoxError>,
    ResBody: Body<Data = Bytes> + Send + 'static,
    ResBody::Error: Into<BoxError>,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone that was driven to readiness serves this request.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        Box::pin(handle(shared, inner, request))
    }
}

async fn handle<S, B, ResBody>(
    shared: Arc<Shared>,
    mut inner: S,
    request: Request<B>,
) -> Result<Response<ResponseBody<ResBody>>, S::Error>
where
    S: Service<Request<VerifiedBody<B>>, Response = Response<ResBody>>,
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
    ResBody: Body<Data = Bytes>,
    ResBody::Error: Into<BoxError>,
{
    let gate = &shared.gate;
    let (mut parts, body) = request.into_parts();
    let peer = (shared.peer_address)(&parts);
    // An HTTP/2 body may come without Content-Length or Transfer-Encoding;
    // a stream that has not ended counts as a body, so its digest is checked.
    let body_present = !body.is_end_stream() && body.size_hint().exact() != Some(0);
    let pending = match gate.check_with_body(&parts, peer, body_present).await {
        Ok(Admission::Public) => {
            let request = Request::from_parts(parts, VerifiedBody::Streaming(body));
            return inner
                .call(request)
                .await
                .map(|response| response.map(Either::Right));
        }
        Ok(Admission::Verified(pending)) => pending,
        Err(rejection) => return Ok(rejection_response(&rejection)),
    };

    let (identity, body) = if pending.needs_body() {
        let bytes = match Limited::new(body, gate.max_body_bytes()).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) => {
                let rejection = if error.is::<http_body_util::LengthLimitError>() {
                    gate.body_too_large(&pending)
                } else {
                    tracing::warn!(error = %error, "failed to read the request body");
                    return Ok(plain_response(
                        400,
                        "invalid_body",
                        "the request body could not be read",
                    ));
                };
                return Ok(rejection_response(&rejection));
            }
        };
        match gate.complete(pending, Some(&bytes)) {
            Ok(identity) => (identity, VerifiedBody::Buffered(Full::new(bytes))),
            Err(rejection) => return Ok(rejection_response(&rejection)),
        }
    } else {
        match gate.complete(pending, None) {
            Ok(identity) => (identity, VerifiedBody::Streaming(body)),
            Err(rejection) => return Ok(rejection_response(&rejection)),
        }
    };

    let signed_request = shared.response_signer.as_ref().map(|_| RequestHead {
        method: parts.method.clone(),
        uri: parts.uri.clone(),
        headers: parts.headers.clone(),
    });
    if shared.strip_unsigned_headers {
        strip_unsigned(&mut parts.headers, &identity);
    }
    let label = identity.label.clone();
    parts.extensions.insert(identity);
    let response = inner.call(Request::from_parts(parts, body)).await?;

    match (&shared.response_signer, signed_request) {
        (Some(signer), Some(head)) => Ok(sign_response(signer, response, &head, &label).await),
        _ => Ok(response.map(Either::Right)),
    }
}

struct RequestHead {
    method: http::Method,
    uri: http::Uri,
    headers: http::HeaderMap,
}

async fn sign_response<ResBody>(
    signer: &reqsig_gate::ResponseSigner,
    response: Response<ResBody>,
    head: &RequestHead,
    label: &str,
) -> Response<ResponseBody<ResBody>>
where
    ResBody: Body<Data = Bytes>,
    ResBody::Error: Into<BoxError>,
{
    let (parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(error) => {
            let error: BoxError = error.into();
            tracing::error!(error = %error, "failed to read the response body to sign it");
            return plain_response(500, "response_unreadable", "the response could not be signed");
        }
    };
    let mut response = Response::from_parts(parts, bytes);
    let mut request = Request::new(());
    *request.method_mut() = head.method.clone();
    *request.uri_mut() = head.uri.clone();
    *request.headers_mut() = head.headers.clone();
    let (request_parts, ()) = request.into_parts();
    let view =
        MessageView::from_request_parts(&request_parts, None, &reqsig::message::TargetContext::default());
    if let Err(error) = signer.sign(&mut response, &view, label) {
        tracing::error!(error = %error, "failed to sign the response");
        return plain_response(500, "response_signing_failed", "the response could not be signed");
    }
    response.map(|bytes| Either::Left(Full::new(Bytes::from(bytes))))
}

/// Removes every header field the signature did not cover, except framing fields.
fn strip_unsigned(headers: &mut http::HeaderMap, identity: &Identity) {
    let covered: Vec<&str> = identity
        .components
        .iter()
        .filter(|c| c.derived_component().is_none() && !c.req() && !c.tr())
        .map(|c| c.name())
        .collect();
    let keep = |name: &HeaderName| {
        let name = name.as_str();
        covered.contains(&name) || matches!(name, "host" | "content-length" | "transfer-encoding")
    };
    let names: Vec<HeaderName> = headers.keys().filter(|name| !keep(name)).cloned().collect();
    for name in names {
        headers.remove(name);
    }
}

/// Turns a rejection into a response with its JSON body and headers.
pub fn rejection_response<B>(rejection: &Rejection) -> Response<ResponseBody<B>> {
    let mut response = Response::new(Either::Left(Full::new(Bytes::from(rejection.body_json()))));
    *response.status_mut() =
        http::StatusCode::from_u16(rejection.status).unwrap_or(http::StatusCode::UNAUTHORIZED);
    for (name, value) in rejection.headers() {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

fn plain_response<B>(status: u16, code: &'static str, detail: &str) -> Response<ResponseBody<B>> {
    let body = format!("{{\"error\":\"{code}\",\"detail\":\"{detail}\"}}");
    let mut response = Response::new(Either::Left(Full::new(Bytes::from(body))));
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
