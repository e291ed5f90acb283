//! The raw HTTP/1.1 parser of the command line (`reqsig::message::wire`).
//!
//! Input: a message as bytes. A message that parses must serialize to bytes
//! that parse back to the same message, as `wire::serialize` documents, and
//! every derived component and every field must resolve without a panic.

use reqsig::components::{ComponentId, Derived};
use reqsig::message::{TargetContext, ToMessageView, wire};
use reqsig::{Limits, SignatureParams, signature_base};

use super::fixtures::field_types;

/// Runs the target on one input.
pub fn run(data: &[u8]) {
    let Ok(message) = wire::parse(data) else {
        return;
    };
    let serialized = wire::serialize(&message);
    let reparsed = wire::parse(&serialized).unwrap_or_else(|error| {
        panic!(
            "the serialized message {:?} does not parse again: {error}",
            String::from_utf8_lossy(&serialized)
        )
    });
    assert_eq!(
        reparsed, message,
        "the message changes in a serialize and parse round trip"
    );

    let Ok(view) = message.to_view(&TargetContext::default()) else {
        return;
    };
    let types = field_types();
    let limits = Limits::default();
    let mut ids: Vec<ComponentId> = Derived::ALL
        .into_iter()
        .filter(|derived| *derived != Derived::QueryParam)
        .map(ComponentId::derived)
        .collect();
    ids.push(ComponentId::query_param("a"));
    for (name, _) in message.headers.iter().chain(message.trailers.iter().flatten()) {
        if let Ok(field) = ComponentId::field(name) {
            ids.push(field.clone().with_bs());
            ids.push(field.clone().with_sf());
            ids.push(field.clone().with_tr());
            ids.push(field);
        }
    }
    for id in ids {
        let params = SignatureParams::new(vec![id]);
        if let Ok(base) = signature_base(&view, None, &params, &types, &limits) {
            let line_ends = base.bytes().filter(|&byte| byte == b'\n').count();
            assert_eq!(line_ends, 1, "a component value contains a line break: {base:?}");
        }
    }
}
