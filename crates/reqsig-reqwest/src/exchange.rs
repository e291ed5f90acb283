//! One call from the caller's point of view: buffering the body, signing
//! each attempt, responding to a challenge, verifying responses and following
//! redirects. The middleware and the client share it and differ only in how
//! a request goes out.

use std::future::Future;

use reqsig::SignatureHeaders;

use crate::challenge::{challenge_requests, sign_for_challenge};
use crate::outgoing::Outgoing;
use crate::redirect::{next_hop, same_origin};
use crate::response::SentRequest;
use crate::sign::sign_request;
use crate::{Error, RedirectError, SigningConfig};

/// Sends one request over the wire, or to the rest of a middleware chain.
pub(crate) trait Transport: Send {
    /// The error of sending, handed back to the caller unchanged.
    type Error: Send;

    /// Sends `request` and returns the response.
    fn send(
        &mut self,
        request: reqwest::Request,
    ) -> impl Future<Output = Result<reqwest::Response, Self::Error>> + Send;
}

/// The failure of a call, in the transport or in this crate.
pub(crate) enum Failure<E> {
    Transport(E),
    Signing(Error),
}

impl<E> From<Error> for Failure<E> {
    fn from(error: Error) -> Failure<E> {
        Failure::Signing(error)
    }
}

impl<E> From<RedirectError> for Failure<E> {
    fn from(error: RedirectError) -> Failure<E> {
        Failure::Signing(Error::Redirect(error))
    }
}

/// Sends `request` under `config` and returns the final response.
pub(crate) async fn execute<T: Transport>(
    config: &SigningConfig,
    transport: &mut T,
    request: reqwest::Request,
) -> Result<reqwest::Response, Failure<T::Error>> {
    let mut outgoing = Outgoing::buffer(request, config.max_body_bytes).await?;
    let first_url = outgoing.url().clone();
    let mut left_origin = false;
    let mut hops = 0;
    loop {
        left_origin |= !same_origin(&first_url, outgoing.url());
        let sign = !left_origin || config.redirects.signs_cross_origin();
        let response = send_hop(config, transport, &outgoing, sign).await?;

        let Some(max_hops) = config.redirects.max_hops() else {
            return Ok(response);
        };
        let Some(next) = next_hop(&outgoing, &response)? else {
            return Ok(response);
        };
        if hops == max_hops {
            return Err(RedirectError::TooManyRedirects {
                max: max_hops,
                location: next.url().to_string(),
            }
            .into());
        }
        hops += 1;
        outgoing = next;
    }
}

/// Sends one hop: signed up front, or unsigned and then signed on challenge,
/// or unsigned when `sign` is off.
async fn send_hop<T: Transport>(
    config: &SigningConfig,
    transport: &mut T,
    outgoing: &Outgoing,
    sign: bool,
) -> Result<reqwest::Response, Failure<T::Error>> {
    let mut attempt = outgoing.to_request();
    if !sign {
        let response = send(transport, attempt).await?;
        return unsigned_response(config, response);
    }
    let headers = match &config.challenge {
        None => sign_request(&config.signer, &mut attempt).map_err(|error| Error::Sign {
            method: outgoing.request().method().clone(),
            url: outgoing.url().to_string(),
            error,
        })?,
        Some(challenge_signer) => {
            let response = send(transport, attempt).await?;
            let Some(requests) = challenge_requests(&response) else {
                return unsigned_response(config, response);
            };
            let challenge_error = |reason| Error::Challenge {
                url: outgoing.url().to_string(),
                reason,
            };
            let requests =
                requests.map_err(|error| challenge_error(crate::ChallengeError::Malformed(error)))?;
            attempt = outgoing.to_request();
            sign_for_challenge(&config.signer, challenge_signer.as_ref(), &mut attempt, requests)
                .map_err(challenge_error)?
        }
    };
    send_signed(config, transport, attempt, headers).await
}

/// Sends a signed attempt and verifies the response when configured.
async fn send_signed<T: Transport>(
    config: &SigningConfig,
    transport: &mut T,
    attempt: reqwest::Request,
    headers: SignatureHeaders,
) -> Result<reqwest::Response, Failure<T::Error>> {
    let sent = match &config.responses {
        Some(_) => Some(
            SentRequest::capture(&attempt, headers.label).map_err(|error| Error::Sign {
                method: attempt.method().clone(),
                url: attempt.url().to_string(),
                error,
            })?,
        ),
        None => None,
    };
    let response = send(transport, attempt).await?;
    match (&config.responses, sent) {
        (Some(verification), Some(sent)) => Ok(verification.verify(response, &sent).await?),
        _ => Ok(response),
    }
}

/// Sends an attempt and rejects a response that reqwest reached by
/// following a redirect on its own.
async fn send<T: Transport>(
    transport: &mut T,
    attempt: reqwest::Request,
) -> Result<reqwest::Response, Failure<T::Error>> {
    let url = attempt.url().clone();
    let response = transport.send(attempt).await.map_err(Failure::Transport)?;
    // A response built from an `http::Response` without a URL, such as one
    // from a middleware that responds without sending, has this placeholder
    // host in reqwest. It is no sign of a redirect.
    let placeholder = response.url().host_str() == Some("no.url.provided.local");
    if !same_resource(response.url(), &url) && !placeholder {
        return Err(RedirectError::FollowedByClient {
            sent: url.to_string(),
            received: response.url().to_string(),
        }
        .into());
    }
    Ok(response)
}

/// Compares two URLs without their fragments: a client never sends the
/// fragment, so the response's URL has none even when the request's did.
fn same_resource(left: &reqwest::Url, right: &reqwest::Url) -> bool {
    let without_fragment = |url: &reqwest::Url| {
        let mut url = url.clone();
        url.set_fragment(None);
        url
    };
    left == right || without_fragment(left) == without_fragment(right)
}

/// Passes on a response to an unsigned request, unless responses must verify.
fn unsigned_response<E>(
    config: &SigningConfig,
    response: reqwest::Response,
) -> Result<reqwest::Response, Failure<E>> {
    match config.responses {
        Some(_) => Err(Error::ResponseToUnsignedRequest {
            url: response.url().to_string(),
        }
        .into()),
        None => Ok(response),
    }
}
