//! Following redirects outside reqwest, so that each hop is signed anew.
//!
//! reqwest follows redirects inside the client, out of reach of any
//! middleware, and would resend the first signature to the new URL. This crate
//! turns that off and follows redirects itself.

use http::header::{
    AUTHORIZATION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, LOCATION, PROXY_AUTHORIZATION,
    TRANSFER_ENCODING, WWW_AUTHENTICATE,
};
use http::{Method, StatusCode};
use reqwest::Url;

use crate::RedirectError;
use crate::outgoing::Outgoing;

/// The rules for following redirects.
///
/// By default up to [`RedirectPolicy::DEFAULT_MAX_HOPS`] redirects are
/// followed, every hop gets a new signature, and no signature goes to
/// another origin (another scheme, host or port).
///
/// - 301, 302 and 303 turn the method into `GET` and drop the body, except
///   that `HEAD` stays `HEAD`;
/// - 307 and 308 keep the method and the body;
/// - other statuses, and redirects without `Location`, are returned to the caller.
///
/// On a hop to another origin any `Signature` and `Signature-Input` the
/// caller set are removed, and so are `Authorization`, `Cookie`,
/// `Proxy-Authorization` and `WWW-Authenticate`, as reqwest itself does. Once a chain has left the first request's origin,
/// its later hops stay unsigned even if they come back: a redirect from
/// another origin must not choose what the client signs for its own server.
///
/// ```
/// use reqsig_reqwest::RedirectPolicy;
///
/// let policy = RedirectPolicy::limited(3);
/// assert_eq!(policy.max_hops(), Some(3));
/// assert_eq!(RedirectPolicy::none().max_hops(), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectPolicy {
    max_hops: Option<usize>,
    sign_cross_origin: bool,
}

impl RedirectPolicy {
    /// The default maximum number of redirects followed for one request.
    pub const DEFAULT_MAX_HOPS: usize = 10;

    /// Follows at most `max_hops` redirects; one more fails with
    /// [`RedirectError::TooManyRedirects`].
    pub fn limited(max_hops: usize) -> RedirectPolicy {
        RedirectPolicy {
            max_hops: Some(max_hops),
            sign_cross_origin: false,
        }
    }

    /// Follows no redirect: the 3xx response is returned to the caller.
    pub fn none() -> RedirectPolicy {
        RedirectPolicy {
            max_hops: None,
            sign_cross_origin: false,
        }
    }

    /// Signs hops to other origins too (off by default).
    ///
    /// Turn this on only when every origin the server may redirect to is
    /// trusted with a signature of this client. A signature sent there can be
    /// replayed against the first server until it expires, for requests with
    /// the same covered components.
    pub fn sign_cross_origin(mut self, sign: bool) -> RedirectPolicy {
        self.sign_cross_origin = sign;
        self
    }

    /// Returns the maximum number of redirects followed, or `None` when none are.
    pub fn max_hops(&self) -> Option<usize> {
        self.max_hops
    }

    /// Reports whether hops to other origins are signed.
    pub fn signs_cross_origin(&self) -> bool {
        self.sign_cross_origin
    }
}

impl Default for RedirectPolicy {
    fn default() -> RedirectPolicy {
        RedirectPolicy::limited(RedirectPolicy::DEFAULT_MAX_HOPS)
    }
}

/// Reports whether two URLs have the same scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

/// Returns the next hop for a redirect `response` to `current`, or `None`
/// when the response is not a redirect to follow.
pub(crate) fn next_hop(
    current: &Outgoing,
    response: &reqwest::Response,
) -> Result<Option<Outgoing>, RedirectError> {
    let keeps_method = match response.status() {
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND | StatusCode::SEE_OTHER => false,
        StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT => true,
        _ => return Ok(None),
    };
    let Some(location) = response.headers().get(LOCATION) else {
        return Ok(None);
    };
    let from = current.url();
    let invalid = || RedirectError::InvalidLocation {
        from: from.to_string(),
        location: String::from_utf8_lossy(location.as_bytes()).into_owned(),
    };
    let text = location.to_str().map_err(|_| invalid())?;
    let target = from.join(text).map_err(|_| invalid())?;
    if !matches!(target.scheme(), "http" | "https") {
        return Err(RedirectError::UnsupportedScheme {
            from: from.to_string(),
            location: target.to_string(),
        });
    }

    let cross_origin = !same_origin(from, &target);
    let mut next = current.redirected(target);
    if !keeps_method {
        next.body = None;
        let request = next.request_mut();
        if request.method() != Method::HEAD {
            *request.method_mut() = Method::GET;
        }
        let headers = request.headers_mut();
        for name in [CONTENT_TYPE, CONTENT_LENGTH, CONTENT_ENCODING, TRANSFER_ENCODING] {
            headers.remove(name);
        }
        headers.remove("content-digest");
    }
    if cross_origin {
        let headers = next.request_mut().headers_mut();
        for name in [AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, WWW_AUTHENTICATE] {
            headers.remove(name);
        }
        for name in ["cookie2", "signature", "signature-input"] {
            headers.remove(name);
        }
    }
    Ok(Some(next))
}

#[cfg(test)]
mod tests {
    use super::same_origin;
    use reqwest::Url;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn origin_compares_scheme_host_port() {
        assert!(same_origin(
            &url("https://a.example/x"),
            &url("https://a.example:443/y?z")
        ));
        assert!(same_origin(
            &url("http://127.0.0.1:8080/"),
            &url("http://127.0.0.1:8080/b")
        ));
        assert!(!same_origin(
            &url("https://a.example/"),
            &url("http://a.example/")
        ));
        assert!(!same_origin(
            &url("https://a.example/"),
            &url("https://b.example/")
        ));
        assert!(!same_origin(
            &url("http://127.0.0.1:8080/"),
            &url("http://127.0.0.1:8081/")
        ));
    }
}
