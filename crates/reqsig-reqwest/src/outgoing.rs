//! The request being sent, held with its body in memory so that every
//! attempt and every redirect hop sends exactly the bytes it signs.

use bytes::Bytes;
use reqwest::Url;

use crate::Error;
use crate::body::{ReadError, read_body};

/// An unsigned request with its body buffered; each attempt is a fresh copy.
pub(crate) struct Outgoing {
    /// The request without its body. reqwest clones a request only when its
    /// body is in memory, and keeps per-request settings such as the timeout
    /// in extensions that only its own clone copies.
    template: reqwest::Request,
    /// The body bytes, signed and sent unchanged.
    pub(crate) body: Option<Bytes>,
}

impl Outgoing {
    /// Takes the body out of `request` and reads a streaming body into
    /// memory, up to `max_body_bytes`. A body that is already in memory is
    /// kept as it is, whatever its size.
    pub(crate) async fn buffer(
        mut request: reqwest::Request,
        max_body_bytes: usize,
    ) -> Result<Outgoing, Error> {
        let body = match request.body_mut().take() {
            None => None,
            Some(body) => {
                // A body in memory is already whole; only a stream is limited.
                let limit = match body.as_bytes() {
                    Some(_) => usize::MAX,
                    None => max_body_bytes,
                };
                let bytes = read_body(body, limit, true).await.map_err(|error| match error {
                    ReadError::TooLarge => Error::BodyTooLarge {
                        url: request.url().to_string(),
                        limit: max_body_bytes,
                    },
                    ReadError::Trailers => Error::BodyTrailers {
                        url: request.url().to_string(),
                    },
                    ReadError::Http(error) => Error::Http(error),
                })?;
                Some(bytes)
            }
        };
        Ok(Outgoing {
            template: request,
            body,
        })
    }

    /// Returns the request without its body.
    pub(crate) fn request(&self) -> &reqwest::Request {
        &self.template
    }

    /// Returns the request without its body, to change it for a redirect.
    pub(crate) fn request_mut(&mut self) -> &mut reqwest::Request {
        &mut self.template
    }

    /// Returns the URL.
    pub(crate) fn url(&self) -> &Url {
        self.template.url()
    }

    /// Builds a reqwest request with a copy of the headers and body.
    pub(crate) fn to_request(&self) -> reqwest::Request {
        let mut request = self.copy_template();
        *request.body_mut() = self.body.clone().map(reqwest::Body::from);
        request
    }

    /// Returns a copy for the next redirect hop, to `url`.
    pub(crate) fn redirected(&self, url: Url) -> Outgoing {
        let mut template = self.copy_template();
        *template.url_mut() = url;
        Outgoing {
            template,
            body: self.body.clone(),
        }
    }

    fn copy_template(&self) -> reqwest::Request {
        self.template
            .try_clone()
            .expect("reqwest clones every request whose body is not a stream, and the template has no body")
    }
}
