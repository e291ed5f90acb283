//! Component identifiers (RFC 9421 section 2) and the values they select.
//!
//! Input: UTF-8 text, parsed as one identifier and as a list of identifiers.
//! Each identifier that parses is also resolved against the fixture request
//! and response, which have fields of every kind.

use reqsig::components::ComponentId;
use reqsig::message::{TargetContext, ToMessageView};
use reqsig::{Limits, SignatureParams, signature_base};

use super::fixtures::{field_types, request, response};

/// Runs the target on one input.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = ComponentId::parse(text) {
        let serialized = id.to_string();
        let reparsed = ComponentId::parse(&serialized)
            .unwrap_or_else(|error| panic!("{serialized:?} does not parse again: {error}"));
        assert_eq!(reparsed, id, "{serialized:?} parses to another identifier");
        assert_eq!(reparsed.to_string(), serialized);
        resolve(vec![id]);
    }
    if let Ok(ids) = ComponentId::parse_list(text) {
        let params = SignatureParams::new(ids.clone());
        let serialized = params.serialize();
        let reparsed = SignatureParams::parse(&serialized)
            .unwrap_or_else(|error| panic!("{serialized:?} does not parse again: {error}"));
        assert_eq!(reparsed.components(), ids.as_slice());
        resolve(ids);
    }
}

/// Builds the signature base of `ids` over the fixture request and over the
/// fixture response (with the request for `req`). Errors are expected; a
/// panic is not.
fn resolve(ids: Vec<ComponentId>) {
    let context = TargetContext::default();
    let types = field_types();
    let limits = Limits::default();
    let params = SignatureParams::new(ids);
    let request = request()
        .to_view(&context)
        .expect("the fixture request has a view");
    let response = response()
        .to_view(&context)
        .expect("the fixture response has a view");

    if let Ok(base) = signature_base(&request, None, &params, &types, &limits) {
        check_base(&base, &params);
    }
    if let Ok(base) = signature_base(&response, Some(&request), &params, &types, &limits) {
        check_base(&base, &params);
    }
}

/// Checks that a base has one line per component, no CR, and the
/// `@signature-params` line last, because a value with a line break could forge a line.
fn check_base(base: &str, params: &SignatureParams) {
    let line_ends = base.bytes().filter(|&byte| byte == b'\n').count();
    assert_eq!(line_ends, params.components().len(), "{base:?}");
    assert!(!base.contains('\r'), "{base:?} contains a CR");
    let last = format!("\"@signature-params\": {}", params.serialize());
    assert!(base.ends_with(&last), "{base:?} does not end with {last:?}");
}
