//! Rejections: the status, stable code and headers of a server's refusal.

use std::fmt;

/// A request the gate turned away, ready to become a response in any framework.
///
/// The body is JSON `{"error": "<code>", "detail": "..."}`. Codes are those of
/// `spec/README.md`, plus the gate's own: `out_of_scope`, `unsafe_path`,
/// `source_not_allowed`, `rate_limited`, `replayed_nonce`,
/// `replay_store_unavailable`, `key_source_unavailable`, `busy` and
/// `body_too_large`.
#[derive(Clone, PartialEq, Eq)]
pub struct Rejection {
    /// HTTP status: 401, 403, 413, 429 or 503.
    pub status: u16,
    /// The stable code sent to the client.
    pub code: &'static str,
    /// The detail sent to the client.
    pub detail: String,
    /// The full reason, for logs and counters only; it may name key state.
    pub reason: String,
    /// The stable code of the full reason, for counters.
    pub reason_code: &'static str,
    /// The key id the signature named, when known.
    pub key_id: Option<String>,
    /// Seconds for `Retry-After`, with 429 and 503.
    pub retry_after: Option<u64>,
    /// The `Accept-Signature` value telling the client what to sign, with 401.
    pub accept_signature: Option<String>,
}

/// The `WWW-Authenticate` challenge sent with every 401, as RFC 9110 section 11.6.1 requires.
pub const WWW_AUTHENTICATE: &str = "Signature realm=\"reqsig\"";

impl Rejection {
    pub(crate) fn new(status: u16, code: &'static str, detail: impl Into<String>) -> Rejection {
        let detail = detail.into();
        Rejection {
            status,
            code,
            reason: detail.clone(),
            reason_code: code,
            detail,
            key_id: None,
            retry_after: None,
            accept_signature: None,
        }
    }

    /// Returns the JSON body.
    pub fn body_json(&self) -> String {
        format!(
            "{{\"error\":{},\"detail\":{}}}",
            json_string(self.code),
            json_string(&self.detail)
        )
    }

    /// Returns the response headers: content type, `WWW-Authenticate` and
    /// `Accept-Signature` with 401, `Retry-After` when set.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![("content-type", "application/json".to_owned())];
        if self.status == 401 {
            headers.push(("www-authenticate", WWW_AUTHENTICATE.to_owned()));
            if let Some(accept) = &self.accept_signature {
                headers.push(("accept-signature", accept.clone()));
            }
        }
        if let Some(seconds) = self.retry_after {
            headers.push(("retry-after", seconds.to_string()));
        }
        headers
    }
}

impl fmt::Debug for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejection")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("reason_code", &self.reason_code)
            .field("reason", &self.reason)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.reason_code, self.reason)
    }
}

/// Encodes a JSON string.
pub(crate) fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_json_escapes() {
        let rejection = Rejection::new(401, "invalid_signature", "bad \"quote\"\n");
        assert_eq!(
            rejection.body_json(),
            r#"{"error":"invalid_signature","detail":"bad \"quote\"\n"}"#
        );
    }

    #[test]
    fn unauthorized_has_challenge() {
        let rejection = Rejection::new(401, "missing_signature", "unsigned");
        let headers = rejection.headers();
        assert!(headers.iter().any(|(name, _)| *name == "www-authenticate"));
    }
}
