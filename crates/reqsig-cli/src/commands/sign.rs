//! `reqsig sign`: add Content-Digest, Signature-Input and Signature to a message.

use std::process::ExitCode;
use std::sync::Arc;

use reqsig::clock::FixedClock;
use reqsig::digest::DigestAlgorithm;
use reqsig::message::{ToMessageView, wire};
use reqsig::{Error, Nonce, Signer};

use super::common;
use crate::cli::{ParamOptions, SignArgs};
use crate::error::{CliError, CliResult};
use crate::keyfile::load_signing_key;
use crate::output;

pub fn run(args: SignArgs) -> CliResult {
    let key = load_signing_key(&args.key, args.message.alg)?;
    let (mut message, request) = common::read_messages(&args.message)?;
    let context = common::context(&args.message);

    let mut builder = Signer::builder_with(Arc::new(key))
        .key_id(args.keyid.clone())
        .field_types(common::field_types(&args.message)?)
        .target_context(context.clone());
    builder = apply_params(builder, &args.params)?;
    builder = match args.digest.as_deref() {
        Some("none") => builder.without_content_digest(),
        Some("sha-512") => builder.digest(DigestAlgorithm::Sha512),
        _ => builder.digest(DigestAlgorithm::Sha256),
    };
    let signer = builder.build().map_err(CliError::input)?;

    let request_view = request
        .as_ref()
        .map(|r| r.to_view(&context))
        .transpose()
        .map_err(CliError::input)?;
    signer
        .sign_message(&mut message, request_view.as_ref())
        .map_err(sign_error)?;

    output::print(wire::serialize(&message))?;
    Ok(ExitCode::SUCCESS)
}

/// Applies the signature parameter options to a signer.
pub fn apply_params(
    mut builder: reqsig::SignerBuilder,
    params: &ParamOptions,
) -> Result<reqsig::SignerBuilder, CliError> {
    if let Some(components) = &params.components {
        builder = builder.components(common::components(components, "--components")?);
    }
    let created = common::created(&params.created)?;
    match created {
        Some(created) => builder = builder.clock(Arc::new(FixedClock(created))),
        None => builder = builder.without_created(),
    }
    let expires_in = match (params.expires, params.expires_in, created) {
        (Some(expires), _, Some(created)) if expires < created => {
            return Err(CliError::input(format!(
                "--expires {expires} is before created {created}"
            )));
        }
        (Some(expires), _, Some(created)) => Some(expires - created),
        (Some(_), _, None) => {
            return Err(CliError::input(
                "--expires needs --created (it is set relative to created)",
            ));
        }
        (None, expires_in, _) => expires_in,
    };
    if let Some(seconds) = expires_in {
        builder = builder.expires_in(std::time::Duration::from_secs(seconds));
    }
    builder = builder.nonce(match params.nonce.as_str() {
        "random" => Nonce::Random,
        "none" => Nonce::None,
        value => Nonce::Fixed(value.to_owned()),
    });
    if let Some(tag) = &params.tag {
        builder = builder.tag(tag.clone());
    }
    Ok(builder
        .label(params.label.clone())
        .alg_parameter(params.alg_parameter))
}

/// Key failures are input errors (exit 2); everything else means no signature could be made (exit 1).
fn sign_error(error: Error) -> CliError {
    match error {
        Error::Key(_) | Error::InvalidMessage { .. } => CliError::input(format!("cannot sign: {error}")),
        other => CliError::check(format!("cannot sign ({}): {other}", other.code())),
    }
}
