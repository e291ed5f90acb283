//! The `Accept-Signature` field (RFC 9421 section 5): what a server requests a client to sign.

use crate::signature_fields::parse_input_dictionary;
use crate::{Error, Limits, SignatureParams};

/// One requested signature: a label, the components to cover and the
/// parameters to use (such as `keyid`, `alg`, `tag`, or `created` and `nonce`
/// whose presence asks the signer to include them).
#[derive(Clone, Debug, PartialEq)]
pub struct SignatureRequest {
    /// The label the server suggests.
    pub label: String,
    /// The components and parameters requested.
    pub params: SignatureParams,
}

/// Parses an `Accept-Signature` value into its requests.
///
/// # Errors
/// [`Error::MalformedSignatureInput`] (naming `Accept-Signature`),
/// [`Error::DuplicateLabel`] or a component error.
///
/// ```
/// use reqsig::accept::{parse_accept_signature, serialize_accept_signature};
///
/// let value = r#"sig1=("@method" "@target-uri" "content-digest");created;nonce;keyid="k1""#;
/// let requests = parse_accept_signature(value.as_bytes()).unwrap();
/// assert_eq!(requests[0].params.components().len(), 3);
/// assert_eq!(serialize_accept_signature(&requests), value);
/// ```
pub fn parse_accept_signature(value: &[u8]) -> Result<Vec<SignatureRequest>, Error> {
    let limits = Limits::default();
    parse_input_dictionary(value, "Accept-Signature", limits.max_signatures)?
        .into_iter()
        .map(|raw| {
            let label = raw.label.clone();
            let params = SignatureParams::from_raw_unchecked(raw, limits.max_components)?;
            Ok(SignatureRequest { label, params })
        })
        .collect()
}

/// Serializes requests as an `Accept-Signature` value.
pub fn serialize_accept_signature(requests: &[SignatureRequest]) -> String {
    let mut out = String::new();
    for (i, request) in requests.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&request.label);
        out.push('=');
        request.params.write_to(&mut out);
    }
    out
}
