//! `reqsig verify`: check a message's signature and report what it covers.

use std::collections::HashMap;
use std::process::ExitCode;

use reqsig::message::{MessageView, ToMessageView};
use reqsig::{
    Error, Limits, Policy, Selection, SignatureParams, Verified, Verifier, VerifyingKey, signature_base,
};
use serde_json::json;

use super::{common, explain};
use crate::cli::VerifyArgs;
use crate::error::{CliError, CliResult};
use crate::input::read_file;
use crate::keyfile::{load_key_set, load_verifying_key};
use crate::output;

pub fn run(args: VerifyArgs) -> CliResult {
    // Read before verifying, so a missing file stops the command before it
    // prints a verdict.
    let expected = args.expected_base.as_deref().map(read_file).transpose()?;
    let keys = load_keys(&args)?;
    let (message, request) = common::read_messages(&args.message)?;
    let context = common::context(&args.message);
    let field_types = common::field_types(&args.message)?;

    let mut policy = Policy::default();
    if let Some(max_age) = args.max_age {
        policy.max_age = Some(max_age);
    }
    if let Some(required) = &args.require {
        policy = policy.require_only(common::components(required, "--require")?);
    }
    let selection = match (&args.label, &args.tag) {
        (Some(label), _) => Selection::Label(label.clone()),
        (None, Some(tag)) => Selection::Tag(tag.clone()),
        (None, None) => Selection::Any,
    };
    let verifier = Verifier::new(policy)
        .select(selection.clone())
        .clock(common::clock(args.now))
        .field_types(field_types.clone())
        .target_context(context.clone());

    let view = message.to_view(&context).map_err(CliError::input)?;
    let request_view = request
        .as_ref()
        .map(|r| r.to_view(&context))
        .transpose()
        .map_err(CliError::input)?;
    let result = verifier.verify(&view, request_view.as_ref(), &keys);

    if args.explain {
        print_explanation(
            &view,
            request_view.as_ref(),
            &selection,
            &field_types,
            expected.as_deref(),
        );
    }
    match result {
        Ok(verified) => {
            output::print(describe_verified(&verified, args.json))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            if args.json {
                output::print_line(
                    json!({"valid": false, "error": error.code(), "message": error.to_string()}).to_string(),
                )?;
                return Ok(ExitCode::from(1));
            }
            let hint = unknown_key_hint(&error, &keys);
            Err(CliError::check(format!(
                "verification failed ({}): {error}{hint}",
                error.code()
            )))
        }
    }
}

/// Names the key ids given on the command line when the signature names another.
fn unknown_key_hint(error: &reqsig::Error, keys: &HashMap<String, VerifyingKey>) -> String {
    if !matches!(error, reqsig::Error::UnknownKey { .. }) {
        return String::new();
    }
    let mut known: Vec<&str> = keys.keys().map(String::as_str).collect();
    known.sort_unstable();
    format!("; the keys given are {known:?}: pass the signature's key id with --keyid, or add it to --keys")
}

fn load_keys(args: &VerifyArgs) -> Result<HashMap<String, VerifyingKey>, CliError> {
    match (&args.key, &args.keyid, &args.keys) {
        (Some(path), Some(keyid), None) => {
            let key = load_verifying_key(path, args.message.alg)?;
            Ok(HashMap::from([(keyid.clone(), key)]))
        }
        (None, None, Some(path)) => load_key_set(path, args.message.alg),
        _ => Err(CliError::input(
            "give either --key FILE --keyid ID, or --keys FILE",
        )),
    }
}

/// Formats the verdict as JSON, or as one line per signature parameter.
fn describe_verified(verified: &Verified, as_json: bool) -> String {
    let components: Vec<String> = verified.components().iter().map(ToString::to_string).collect();
    if as_json {
        let mut text = json!({
            "valid": true,
            "label": verified.label,
            "keyid": verified.keyid,
            "algorithm": verified.algorithm.name(),
            "components": components,
            "created": verified.created(),
            "expires": verified.expires(),
            "nonce": verified.nonce(),
            "tag": verified.tag(),
            "digest_checked": verified.digest_checked,
        })
        .to_string();
        text.push('\n');
        return text;
    }
    let time = |t: Option<u64>| t.map_or("-".to_owned(), |t| t.to_string());
    let mut text = format!(
        "signature {} verified\n  key id:     {}\n  algorithm:  {}\n  components: {}\n  created:    {}\n  expires:    {}\n",
        verified.label,
        verified.keyid,
        verified.algorithm,
        components.join(" "),
        time(verified.created()),
        time(verified.expires()),
    );
    if let Some(tag) = verified.tag() {
        text.push_str(&format!("  tag:        {tag}\n"));
    }
    if verified.digest_checked {
        text.push_str("  content-digest matches the body\n");
    }
    text
}

/// Prints the base the verifier rebuilds for the selected signature.
fn print_explanation(
    view: &MessageView<'_>,
    request: Option<&MessageView<'_>>,
    selection: &Selection,
    field_types: &reqsig::components::FieldTypes,
    expected: Option<&[u8]>,
) {
    let joined: Vec<u8> = view
        .header_values("signature-input")
        .collect::<Vec<_>>()
        .join(&b", "[..]);
    let members = match SignatureParams::parse_signature_input(&joined) {
        Ok(members) if !members.is_empty() => members,
        Ok(_) => {
            crate::output::print_error("explain: the message has no Signature-Input\n");
            return;
        }
        Err(error) => {
            crate::output::print_error(format!("explain: {error}\n"));
            return;
        }
    };
    let chosen = members.iter().find(|(label, params)| match selection {
        Selection::Label(wanted) => label == wanted,
        Selection::Tag(tag) => params.tag() == Some(tag.as_str()),
        Selection::Any | Selection::All => true,
    });
    let Some((label, params)) = chosen else {
        crate::output::print_error("explain: no signature matches the selected label or tag\n");
        return;
    };
    match signature_base(view, request, params, field_types, &Limits::default()) {
        Ok(base) => {
            crate::output::print_error(format!("signature base of {label} as rebuilt by the verifier:\n"));
            match expected {
                Some(expected) => crate::output::print_error(explain::diff(expected, base.as_bytes())),
                None => crate::output::print_error(explain::numbered(base.as_bytes())),
            }
        }
        Err(error) => eprintln!("explain: no signature base for {label}: {}", describe(&error)),
    }
}

fn describe(error: &Error) -> String {
    format!("{} ({})", error, error.code())
}
