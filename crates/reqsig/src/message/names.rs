//! Parsed names of the header fields that signing and verifying look up
//! most often.
//!
//! `http::HeaderMap` parses and validates a field name given as `&str` on
//! every lookup. Looking these names up by their parsed `HeaderName`, built
//! at compile time, skips that step, and their `&'static str` spelling lets
//! a component identifier name a common field without allocating.

use http::HeaderName;
use http::header;

pub(crate) static CONTENT_DIGEST: HeaderName = HeaderName::from_static("content-digest");
pub(crate) static SIGNATURE: HeaderName = HeaderName::from_static("signature");
pub(crate) static SIGNATURE_INPUT: HeaderName = HeaderName::from_static("signature-input");
static ACCEPT_SIGNATURE: HeaderName = HeaderName::from_static("accept-signature");
static HOST: HeaderName = header::HOST;
static CONTENT_TYPE: HeaderName = header::CONTENT_TYPE;
static CONTENT_LENGTH: HeaderName = header::CONTENT_LENGTH;
static CONTENT_ENCODING: HeaderName = header::CONTENT_ENCODING;
static TRANSFER_ENCODING: HeaderName = header::TRANSFER_ENCODING;
static DATE: HeaderName = header::DATE;
static AUTHORIZATION: HeaderName = header::AUTHORIZATION;

/// Returns the parsed name of a common field, given in lowercase, or `None`.
pub(crate) fn known(name: &str) -> Option<&'static HeaderName> {
    let known = match name {
        "content-digest" => &CONTENT_DIGEST,
        "signature" => &SIGNATURE,
        "signature-input" => &SIGNATURE_INPUT,
        "accept-signature" => &ACCEPT_SIGNATURE,
        "host" => &HOST,
        "content-type" => &CONTENT_TYPE,
        "content-length" => &CONTENT_LENGTH,
        "content-encoding" => &CONTENT_ENCODING,
        "transfer-encoding" => &TRANSFER_ENCODING,
        "date" => &DATE,
        "authorization" => &AUTHORIZATION,
        _ => return None,
    };
    Some(known)
}

#[cfg(test)]
mod tests {
    use super::known;

    #[test]
    fn known_names_spell_their_key() {
        for name in [
            "content-digest",
            "signature",
            "signature-input",
            "accept-signature",
            "host",
            "content-type",
            "content-length",
            "content-encoding",
            "transfer-encoding",
            "date",
            "authorization",
        ] {
            assert_eq!(known(name).map(|header| header.as_str()), Some(name));
        }
        assert!(known("x-custom").is_none());
        assert!(known("Content-Type").is_none());
    }
}
