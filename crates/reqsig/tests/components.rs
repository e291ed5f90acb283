//! RFC 9421 sections 2.1 to 2.5: the value of each component, and the errors
//! the RFC requires, from `spec/vectors/rfc9421-components.json`.

mod common;

use common::vectors;
use reqsig::components::{ComponentId, FieldTypes, StructuredType};
use reqsig::message::{Scheme, TargetContext, ToMessageView, wire};
use reqsig::{Limits, SignatureParams, signature_base};
use serde_json::Value;

fn entries() -> Vec<Value> {
    vectors("rfc9421-components.json")["entries"]
        .as_array()
        .expect("entries")
        .clone()
}

/// Builds the one-component base of an entry and returns the component's line.
fn component_line(entry: &Value) -> Result<String, reqsig::Error> {
    let message = wire::parse(entry["message"].as_str().unwrap().as_bytes()).expect("message parses");
    let request = entry["request"]
        .as_str()
        .map(|r| wire::parse(r.as_bytes()).expect("request parses"));
    let scheme = entry["scheme"]
        .as_str()
        .and_then(Scheme::parse)
        .unwrap_or_default();
    let context = TargetContext::default().with_scheme(scheme);
    let mut types = FieldTypes::default();
    if let Some(declared) = entry["structured_field_types"].as_object() {
        for (name, kind) in declared {
            types.insert(name, StructuredType::parse(kind.as_str().unwrap()).expect("type"));
        }
    }
    let id = ComponentId::parse(entry["component_identifier"].as_str().unwrap())?;
    let view = message.to_view(&context)?;
    let request_view = match &request {
        Some(request) => Some(request.to_view(&context)?),
        None => None,
    };
    let params = SignatureParams::new(vec![id]);
    let base = signature_base(&view, request_view.as_ref(), &params, &types, &Limits::default())?;
    Ok(base.lines().next().unwrap_or_default().to_owned())
}

#[test]
fn component_values_match() {
    let mut checked = 0;
    for entry in entries().iter().filter(|e| e.get("expected_value").is_some()) {
        let id = entry["component_identifier"].as_str().unwrap();
        let line = component_line(entry).unwrap_or_else(|e| panic!("{} {id}: {e}", entry["section"]));
        assert_eq!(
            line,
            entry["signature_base_line"].as_str().unwrap(),
            "{} {id}",
            entry["section"]
        );
        checked += 1;
    }
    assert_eq!(checked, 45);
}

#[test]
fn component_errors_raised() {
    let mut checked = 0;
    for entry in entries().iter().filter(|e| e.get("expected_error").is_some()) {
        let id = entry["component_identifier"].as_str().unwrap();
        let result = component_line(entry);
        assert!(
            result.is_err(),
            "{} {id}: expected an error, got {result:?}",
            entry["section"]
        );
        checked += 1;
    }
    assert_eq!(checked, 7);
}

#[test]
fn component_listed_twice_rejected() {
    let error = ComponentId::parse_list(r#""@method" "@path" "@method""#).unwrap_err();
    assert_eq!(error.code(), "duplicate_component");
}

#[test]
fn unknown_derived_component_rejected() {
    let error = ComponentId::parse(r#""@fragment""#).unwrap_err();
    assert_eq!(error.code(), "unknown_component");
}

#[test]
fn unknown_component_parameter_rejected() {
    let error = ComponentId::parse(r#""content-type";foo"#).unwrap_err();
    assert_eq!(error.code(), "invalid_component");
}

#[test]
fn uppercase_field_name_rejected() {
    let error = ComponentId::parse(r#""Content-Type""#).unwrap_err();
    assert_eq!(error.code(), "invalid_component");
}

#[test]
fn component_error_codes() {
    let expected = [
        ("\"example-dict\";key=\"c\"", "missing_component"),
        ("\"example-header\";bs;sf", "invalid_component"),
        ("\"expires\"", "missing_component"),
        ("\"@query-param\";name=\"missing\"", "missing_component"),
        ("\"@query-param\";name=\"a\"", "component_not_applicable"),
        ("\"@status\"", "component_not_applicable"),
        ("\"@method\";req", "component_not_applicable"),
    ];
    let errors: Vec<Value> = entries()
        .into_iter()
        .filter(|e| e.get("expected_error").is_some())
        .collect();
    assert_eq!(errors.len(), expected.len());
    for (entry, (id, code)) in errors.iter().zip(expected) {
        assert_eq!(entry["component_identifier"].as_str().unwrap(), id);
        let error = component_line(entry).unwrap_err();
        assert_eq!(error.code(), code, "{id}: {error}");
    }
}
