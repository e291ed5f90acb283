//! The `Accept-Signature` challenge sent with a 401 (RFC 9421 section 5).

use reqsig::accept::{SignatureRequest, serialize_accept_signature};
use reqsig::{Policy, SignatureParams};
use sfv::BareItem;

/// Builds the `Accept-Signature` value asking for what `policy` requires:
/// the first component of each requirement, and `created` and `nonce` as
/// flags when the policy requires them.
pub(crate) fn accept_signature_for(policy: &Policy, has_body: bool) -> String {
    let body = if has_body {
        policy.request_body_components.as_slice()
    } else {
        &[]
    };
    let components = policy
        .request_components
        .iter()
        .chain(body)
        .filter_map(|requirement| requirement.0.first().cloned())
        .collect();
    let mut params = SignatureParams::new(components);
    if policy.require_created {
        let _ = params.set("created", BareItem::Boolean(true));
    }
    if policy.require_expires {
        let _ = params.set("expires", BareItem::Boolean(true));
    }
    if policy.require_nonce {
        let _ = params.set("nonce", BareItem::Boolean(true));
    }
    if let Some(tag) = &policy.tag {
        let _ = params.set_tag(tag);
    }
    serialize_accept_signature(&[SignatureRequest {
        label: "sig1".to_owned(),
        params,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_challenge_lists_requirements() {
        assert_eq!(
            accept_signature_for(&Policy::server(), true),
            r#"sig1=("@method" "@authority" "@path" "@query" "content-digest");created;nonce"#
        );
        assert_eq!(
            accept_signature_for(&Policy::server(), false),
            r#"sig1=("@method" "@authority" "@path" "@query");created;nonce"#
        );
    }
}
