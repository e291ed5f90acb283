//! The error type of signed requests.
//!
//! Messages are lowercase and name the value that failed and the fix.
//! Errors of the core keep their [`reqsig::Error::code`], reachable through
//! [`Error::reqsig_error`]. URLs are kept as text, so that the error stays
//! small enough to return by value.

use reqwest::Method;

/// The failure of a signed request.
///
/// Variants that wrap a [`reqsig::Error`] include its message in their own,
/// so the printed error alone names the cause.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The core could not sign the request, for example because a covered
    /// header is missing or the URL carries user information.
    #[error("signing the {method} request to {url} failed: {error}")]
    Sign {
        /// The method of the request.
        method: Method,
        /// The URL of the request.
        url: String,
        /// The error of the core.
        error: reqsig::Error,
    },

    /// The request body is a stream longer than the buffering limit.
    #[error(
        "the streaming body of the request to {url} is longer than the limit of {limit} bytes; the body must be read whole to compute its Content-Digest, so raise SigningConfig::max_body_bytes or pass the body as bytes, a Vec or a String"
    )]
    BodyTooLarge {
        /// The URL of the request.
        url: String,
        /// The limit in bytes.
        limit: usize,
    },

    /// The request body is a stream that ends with trailer fields, which
    /// buffering would drop and the signature could not cover.
    #[error(
        "the streaming body of the request to {url} carries trailer fields, which a buffered body cannot resend; send the body without trailers"
    )]
    BodyTrailers {
        /// The URL of the request.
        url: String,
    },

    /// reqwest failed: building the client, reading the body, or sending.
    #[error(transparent)]
    Http(#[from] reqwest::Error),

    /// A redirect could not be followed.
    #[error(transparent)]
    Redirect(#[from] RedirectError),

    /// The server's `Accept-Signature` challenge could not be met.
    #[error("signing in response to the Accept-Signature challenge of {url} failed: {reason}")]
    Challenge {
        /// The URL that sent the challenge.
        url: String,
        /// What failed.
        reason: ChallengeError,
    },

    /// The response signature did not verify.
    #[error(
        "the response from {url} failed signature verification: {error}; check that the server signs responses with the reqsig response profile and that the resolver has the server's key"
    )]
    ResponseVerification {
        /// The URL of the response.
        url: String,
        /// The error of the core verifier.
        error: reqsig::Error,
    },

    /// Response verification is on, but the request was sent without a
    /// signature, so the response cannot cover it.
    #[error(
        "the response from {url} is the response to a request sent without a signature (a redirect to another origin, or a server that accepted an unsigned request), so it cannot be verified; turn response verification off for this origin"
    )]
    ResponseToUnsignedRequest {
        /// The URL of the response.
        url: String,
    },

    /// The response body is longer than the limit for verification.
    #[error(
        "the body of the response from {url} is longer than the limit of {limit} bytes for response verification; raise ResponseVerification::max_body_bytes"
    )]
    ResponseTooLarge {
        /// The URL of the response.
        url: String,
        /// The limit in bytes.
        limit: usize,
    },
}

impl Error {
    /// Returns the core error inside, whose [`reqsig::Error::code`] is stable.
    pub fn reqsig_error(&self) -> Option<&reqsig::Error> {
        match self {
            Error::Sign { error, .. } | Error::ResponseVerification { error, .. } => Some(error),
            Error::Challenge {
                reason: ChallengeError::Malformed(error) | ChallengeError::Signing(error),
                ..
            } => Some(error),
            _ => None,
        }
    }
}

/// The reason a redirect could not be followed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RedirectError {
    /// The chain of redirects is longer than the policy allows.
    #[error(
        "more than {max} redirects, the last one to {location}; look for a redirect loop or raise the limit with RedirectPolicy::limited"
    )]
    TooManyRedirects {
        /// The maximum number of redirects followed.
        max: usize,
        /// The target of the redirect that exceeded it.
        location: String,
    },

    /// The `Location` field is not a valid URL reference.
    #[error("the redirect from {from} has an invalid Location {location:?}")]
    InvalidLocation {
        /// The URL whose response was the redirect.
        from: String,
        /// The `Location` value, lossily decoded as UTF-8.
        location: String,
    },

    /// The redirect leads to a scheme other than `http` or `https`.
    #[error("the redirect from {from} leads to {location}, whose scheme is neither http nor https")]
    UnsupportedScheme {
        /// The URL whose response was the redirect.
        from: String,
        /// The redirect target.
        location: String,
    },

    /// The reqwest client followed a redirect on its own and so resent the
    /// first signature to the new URL.
    #[error(
        "the reqwest client followed a redirect from {sent} to {received} itself and resent the signature; build the client with redirect::Policy::none(), as SigningMiddleware::client_builder does"
    )]
    FollowedByClient {
        /// The URL the signed request was sent to.
        sent: String,
        /// The URL of the response reqwest returned.
        received: String,
    },
}

/// The reason an `Accept-Signature` challenge could not be met.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChallengeError {
    /// The `Accept-Signature` field does not parse.
    #[error("the Accept-Signature field is invalid: {0}")]
    Malformed(reqsig::Error),

    /// Building the challenge signer or signing failed, for example because
    /// the server asked for a header the request does not carry.
    #[error("signing the requested components failed: {0}")]
    Signing(reqsig::Error),

    /// The challenge signer uses another key or algorithm than the client's signer.
    #[error(
        "the challenge signer uses key {found_key_id:?} with {found_algorithm}, but the client signs with key {expected_key_id:?} and {expected_algorithm}; build the challenge signer from the client's own key"
    )]
    KeyMismatch {
        /// The key id of the client's signer.
        expected_key_id: String,
        /// The algorithm of the client's signer.
        expected_algorithm: reqsig::Algorithm,
        /// The key id of the challenge signer.
        found_key_id: String,
        /// The algorithm of the challenge signer.
        found_algorithm: reqsig::Algorithm,
    },

    /// The challenge signer's signature leaves out components it must cover.
    #[error(
        "the challenge signer does not cover {missing}; pass Challenge::components to SignerBuilder::components"
    )]
    MissingComponents {
        /// The components left out, serialized and separated by spaces.
        missing: String,
    },
}
