//! Signing one attempt of a reqwest request with the core signer.

use reqsig::{SignatureHeaders, Signer};

/// Signs `request` in place: adds `Content-Digest` when the signer covers it,
/// then `Signature-Input` and `Signature`.
pub(crate) fn sign_request(
    signer: &Signer,
    request: &mut reqwest::Request,
) -> Result<SignatureHeaders, reqsig::Error> {
    with_http_view(request, |view| signer.sign_request(view))
}

/// Runs `action` on an `http::Request` made of the same parts that reqwest
/// sends, and moves its headers back into `request` afterwards.
///
/// The URI is parsed from the URL's text exactly as reqwest does, so the
/// query stays percent-encoded as sent, and the body is the buffered bytes.
/// The request's body must be in memory: a streaming body reads as empty.
pub(crate) fn with_http_view<T>(
    request: &mut reqwest::Request,
    action: impl FnOnce(&mut http::Request<&[u8]>) -> Result<T, reqsig::Error>,
) -> Result<T, reqsig::Error> {
    let uri = request_uri(request.url())?;
    let headers = std::mem::take(request.headers_mut());
    let body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .unwrap_or_default();
    let mut view = http::Request::new(body);
    *view.method_mut() = request.method().clone();
    *view.uri_mut() = uri;
    *view.headers_mut() = headers;
    let result = action(&mut view);
    let (parts, _) = view.into_parts();
    *request.headers_mut() = parts.headers;
    result
}

/// Converts the URL to the `http::Uri` that reqwest puts on the wire.
pub(crate) fn request_uri(url: &reqwest::Url) -> Result<http::Uri, reqsig::Error> {
    url.as_str()
        .parse::<http::Uri>()
        .map_err(|error| reqsig::Error::InvalidMessage {
            reason: format!("the URL {url} is not a valid request URI: {error}"),
        })
}

#[cfg(test)]
mod tests {
    use reqsig::{Algorithm, Signer, SigningKey};
    use reqwest::{Method, Url};

    use super::sign_request;

    fn signed_base(method: Method, url: &str, body: Option<&'static [u8]>) -> String {
        let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let signer = Signer::builder(key).key_id("k").build().unwrap();
        let mut request = reqwest::Request::new(method, Url::parse(url).unwrap());
        *request.body_mut() = body.map(reqwest::Body::from);
        sign_request(&signer, &mut request).unwrap().base
    }

    #[test]
    fn authority_drops_default_port() {
        let base = signed_base(Method::GET, "https://API.example.com:443/a", None);
        assert!(base.contains("\"@authority\": api.example.com\n"), "{base}");
        let base = signed_base(Method::GET, "http://example.com:80/a", None);
        assert!(base.contains("\"@authority\": example.com\n"), "{base}");
    }

    #[test]
    fn authority_keeps_other_port() {
        let base = signed_base(Method::GET, "https://example.com:8443/a", None);
        assert!(base.contains("\"@authority\": example.com:8443\n"), "{base}");
        let base = signed_base(Method::GET, "http://127.0.0.1:443/a", None);
        assert!(base.contains("\"@authority\": 127.0.0.1:443\n"), "{base}");
    }

    #[test]
    fn query_stays_percent_encoded() {
        let base = signed_base(
            Method::GET,
            "https://example.com/p%20q?a=%2F%41&a=b+c&d=e f",
            None,
        );
        assert!(base.contains("\"@path\": /p%20q\n"), "{base}");
        assert!(base.contains("\"@query\": ?a=%2F%41&a=b+c&d=e%20f\n"), "{base}");
    }

    #[test]
    fn fragment_is_not_signed() {
        let base = signed_base(Method::GET, "https://example.com/a?b=1#frag", None);
        assert!(base.contains("\"@query\": ?b=1\n"), "{base}");
        assert!(!base.contains("frag"), "{base}");
    }

    #[test]
    fn body_gets_content_digest() {
        let mut request = reqwest::Request::new(Method::POST, Url::parse("https://example.com/").unwrap());
        *request.body_mut() = Some(reqwest::Body::from(&b"{\"hello\": \"world\"}\n"[..]));
        let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let signer = Signer::builder(key).key_id("k").build().unwrap();
        sign_request(&signer, &mut request).unwrap();
        assert_eq!(
            request.headers()["content-digest"],
            "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"
        );
        assert!(request.headers().contains_key("signature-input"));
        assert!(request.headers().contains_key("signature"));
    }

    #[test]
    fn user_info_is_rejected() {
        let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let signer = Signer::builder(key).key_id("k").build().unwrap();
        let url = Url::parse("https://user:secret@example.com/").unwrap();
        let mut request = reqwest::Request::new(Method::GET, url);
        let error = sign_request(&signer, &mut request).unwrap_err();
        assert_eq!(error.code(), "invalid_message");
        assert!(!request.headers().contains_key("signature"));
    }
}
