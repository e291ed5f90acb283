//! The JSON that reqsig exchanges with the peer scripts in `peers/`.
//!
//! A peer reads `{"jobs": [Job, ...]}` on standard input and writes
//! `{"results": [JobResult, ...]}` on standard output, one result per job in
//! the same order:
//!
//! ```json
//! {"id": "post/ed25519",
//!  "request": {"method": "POST", "url": "https://example.com/orders",
//!              "headers": [["Host", "example.com"], ["Content-Type", "application/json"]],
//!              "body": "eyJpdGVtIjo0Mn0="},
//!  "response": null,
//!  "signatures": [{"target": "request", "label": "sig1", "keyid": "test-ed25519",
//!                  "alg": "ed25519", "components": ["\"@method\"", "\"content-digest\""],
//!                  "created": 1767225600, "expires": null, "nonce": "n-1", "tag": null,
//!                  "include_alg": true, "covers_digest": true}],
//!  "keys": {"test-ed25519": {"alg": "ed25519", "private_pem": "...", "public_pem": "...",
//!                            "secret": null}}}
//! ```
//!
//! To sign, the peer adds the signatures in order and returns the messages,
//! adding a sha-256 Content-Digest first where `covers_digest` is set. To
//! verify, it checks each listed signature, selected by label (and tag, when
//! set), and the Content-Digest where `covers_digest` is set.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqsig::{Message, StartLine};
use serde::{Deserialize, Serialize};

/// A request or response: method and absolute URL, or status; header lines in
/// order; the body in standard base64.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonMessage {
    /// The request method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The absolute target URI of a request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The status code of a response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Header lines in order, as `[name, value]` pairs.
    pub headers: Vec<(String, String)>,
    /// The body in standard base64.
    pub body: String,
}

/// The scheme of every interoperability request.
const SCHEME: &str = "https://";

impl JsonMessage {
    /// Converts a reqsig message. A request's URL is built from `https`, its
    /// `Host` field and its origin-form target.
    ///
    /// # Errors
    /// When a request has no `Host` field or a field is not UTF-8.
    pub fn from_message(message: &Message) -> Result<JsonMessage, String> {
        let headers = message
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8(value.clone())
                    .map_err(|_| format!("the value of {name} is not UTF-8"))?;
                Ok((name.clone(), value))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let body = STANDARD.encode(&message.body);
        Ok(match &message.start {
            StartLine::Request { method, target } => {
                let host = message
                    .header_values("host")
                    .next()
                    .ok_or("the request has no Host field")?;
                let host = std::str::from_utf8(host).map_err(|_| "the Host field is not UTF-8")?;
                JsonMessage {
                    method: Some(method.clone()),
                    url: Some(format!("{SCHEME}{host}{target}")),
                    status: None,
                    headers,
                    body,
                }
            }
            StartLine::Response { status } => JsonMessage {
                method: None,
                url: None,
                status: Some(*status),
                headers,
                body,
            },
        })
    }

    /// Converts back to a reqsig message, with the URL's path and query as
    /// the origin-form target.
    ///
    /// # Errors
    /// When the message has neither method and URL nor status, the URL is not
    /// absolute, or the body is not base64.
    pub fn to_message(&self) -> Result<Message, String> {
        let mut message = match (&self.method, &self.status) {
            (Some(method), None) => Message::request(method.clone(), self.target()?),
            (None, Some(status)) => Message::response(*status),
            _ => return Err("a message needs either a method and URL or a status".to_owned()),
        };
        for (name, value) in &self.headers {
            message = message.with_header(name.clone(), value.as_bytes().to_vec());
        }
        let body = STANDARD
            .decode(&self.body)
            .map_err(|e| format!("the body is not base64: {e}"))?;
        Ok(message.with_body(body))
    }

    /// Returns the body bytes; an invalid base64 body reads as empty.
    pub fn body_bytes(&self) -> Vec<u8> {
        STANDARD.decode(&self.body).unwrap_or_default()
    }

    /// Returns the values of every line of a field, in order; the name matches
    /// without regard to case.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Returns the authority of a request's URL.
    ///
    /// # Errors
    /// When the message has no absolute `https` URL.
    pub fn authority(&self) -> Result<&str, String> {
        let rest = self.after_scheme()?;
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        Ok(&rest[..end])
    }

    /// Returns the origin-form target of a request's URL: path and query, `/`
    /// when the URL has no path.
    ///
    /// # Errors
    /// When the message has no absolute `https` URL.
    pub fn target(&self) -> Result<String, String> {
        let rest = self.after_scheme()?;
        let start = rest.find(['/', '?']).unwrap_or(rest.len());
        let target = &rest[start..];
        Ok(if target.starts_with('/') {
            target.to_owned()
        } else {
            format!("/{target}")
        })
    }

    fn after_scheme(&self) -> Result<&str, String> {
        let url = self.url.as_deref().ok_or("the message has no URL")?;
        url.strip_prefix(SCHEME)
            .ok_or_else(|| format!("the URL {url:?} does not start with {SCHEME}"))
    }
}

/// Which message of a job a signature belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The request.
    Request,
    /// The response, which may cover request components with `req`.
    Response,
}

/// How reqsig's verifier judges a signature besides its cryptographic check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PolicyChoice {
    /// `Policy::default()`, for signatures that cover what it requires.
    Default,
    /// `Policy::permissive()`, for signatures that cover other components.
    #[default]
    Permissive,
}

/// One signature to add (signing) or to check (verifying).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureSpec {
    /// The message it belongs to.
    pub target: Target,
    /// The signature label.
    pub label: String,
    /// The `keyid` parameter, which is also the key's entry in the job's `keys`.
    pub keyid: String,
    /// The algorithm name of the key, as in the RFC 9421 registry.
    pub alg: String,
    /// The covered components, each a serialized identifier such as `"@query-param";name="id"`.
    pub components: Vec<String>,
    /// The `created` parameter, in seconds since the Unix epoch.
    pub created: u64,
    /// The `expires` parameter.
    pub expires: Option<u64>,
    /// The `nonce` parameter.
    pub nonce: Option<String>,
    /// The `tag` parameter.
    pub tag: Option<String>,
    /// Whether the signature carries the `alg` parameter.
    pub include_alg: bool,
    /// Whether the components include `content-digest` of this message.
    pub covers_digest: bool,
    /// The policy of reqsig's verifier; not sent to peers.
    #[serde(skip)]
    pub policy: PolicyChoice,
}

/// Key material of one key id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobKey {
    /// The algorithm name.
    pub alg: String,
    /// PKCS#8 PEM of the private key.
    pub private_pem: Option<String>,
    /// SPKI PEM of the public key.
    pub public_pem: Option<String>,
    /// The HMAC secret in standard base64.
    pub secret: Option<String>,
}

/// One unit of work for a peer: messages, signatures and keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Job {
    /// The scenario id, such as `post/ed25519`.
    pub id: String,
    /// The request.
    pub request: JsonMessage,
    /// The response, for cases that sign one.
    pub response: Option<JsonMessage>,
    /// The signatures to add or check, in order.
    pub signatures: Vec<SignatureSpec>,
    /// The keys, by key id.
    pub keys: BTreeMap<String, JobKey>,
}

/// A peer's result for one job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobResult {
    /// The job id.
    pub id: String,
    /// Whether the job succeeded: every signature added, or every signature verified.
    pub ok: bool,
    /// Why the job failed.
    #[serde(default)]
    pub error: Option<String>,
    /// The signed request, after signing.
    #[serde(default)]
    pub request: Option<JsonMessage>,
    /// The signed response, after signing a job with a response.
    #[serde(default)]
    pub response: Option<JsonMessage>,
}

impl JobResult {
    /// Builds a failed result.
    pub fn failed(id: &str, error: impl Into<String>) -> JobResult {
        JobResult {
            id: id.to_owned(),
            ok: false,
            error: Some(error.into()),
            request: None,
            response: None,
        }
    }

    /// Builds a successful result, with the signed messages after signing.
    pub fn succeeded(id: &str, request: Option<JsonMessage>, response: Option<JsonMessage>) -> JobResult {
        JobResult {
            id: id.to_owned(),
            ok: true,
            error: None,
            request,
            response,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqsig::message::wire;

    #[test]
    fn request_round_trip() {
        let message =
            wire::parse(b"POST /a/b?x=1&y=%20 HTTP/1.1\r\nHost: example.com\r\nX: 1\r\nX: 2\r\n\r\nbody")
                .expect("valid message");
        let json = JsonMessage::from_message(&message).expect("converts");
        assert_eq!(json.url.as_deref(), Some("https://example.com/a/b?x=1&y=%20"));
        assert_eq!(json.authority(), Ok("example.com"));
        assert_eq!(json.header_values("x").collect::<Vec<_>>(), ["1", "2"]);
        assert_eq!(json.to_message(), Ok(message));
    }

    #[test]
    fn response_round_trip() {
        let message =
            wire::parse(b"HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\n\r\nok").expect("valid");
        let json = JsonMessage::from_message(&message).expect("converts");
        assert_eq!(json.status, Some(201));
        assert_eq!(json.to_message(), Ok(message));
    }

    #[test]
    fn target_without_path() {
        let json = JsonMessage {
            method: Some("GET".to_owned()),
            url: Some("https://example.com?q=1".to_owned()),
            status: None,
            headers: Vec::new(),
            body: String::new(),
        };
        assert_eq!(json.target(), Ok("/?q=1".to_owned()));
        assert_eq!(json.authority(), Ok("example.com"));
    }
}
