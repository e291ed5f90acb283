//! `reqsig base`: print the signature base that `sign` would sign.

use std::process::ExitCode;

use reqsig::message::ToMessageView;
use reqsig::{Limits, SignatureParams, Signer, random_nonce, signature_base};

use super::common;
use crate::cli::BaseArgs;
use crate::error::{CliError, CliResult};
use crate::output;

pub fn run(args: BaseArgs) -> CliResult {
    let (message, request) = common::read_messages(&args.message)?;
    let context = common::context(&args.message);
    let field_types = common::field_types(&args.message)?;
    let view = message.to_view(&context).map_err(CliError::input)?;
    let request_view = request
        .as_ref()
        .map(|r| r.to_view(&context))
        .transpose()
        .map_err(CliError::input)?;

    let components = match &args.params.components {
        Some(text) => common::components(text, "--components")?,
        None => Signer::default_components(&view),
    };
    // `sign` adds a Content-Digest before building the base; mirror that, so
    // the default components of a message with a body can be shown.
    let mut params = SignatureParams::new(components);
    let invalid = |e: reqsig::Error| CliError::input(e.to_string());
    if let Some(created) = common::created(&args.params.created)? {
        params.set_created(created).map_err(invalid)?;
        if let Some(expires) = args.params.expires {
            params.set_expires(expires).map_err(invalid)?;
        } else if let Some(seconds) = args.params.expires_in {
            params
                .set_expires(created.saturating_add(seconds))
                .map_err(invalid)?;
        }
    }
    if let Some(keyid) = &args.keyid {
        params.set_keyid(keyid).map_err(invalid)?;
    }
    match args.params.nonce.as_str() {
        "none" => {}
        "random" => params
            .set_nonce(&random_nonce().map_err(invalid)?)
            .map_err(invalid)?,
        value => params.set_nonce(value).map_err(invalid)?,
    }
    if args.params.alg_parameter {
        let alg = args
            .message
            .alg
            .ok_or_else(|| CliError::input("--alg-parameter needs --alg"))?;
        params.set_alg(alg.name()).map_err(invalid)?;
    }
    if let Some(tag) = &args.params.tag {
        params.set_tag(tag).map_err(invalid)?;
    }

    let needs_digest = params
        .components()
        .iter()
        .any(|c| c.name() == "content-digest" && !c.req() && !c.tr());
    if needs_digest && view.header_values("content-digest").next().is_none() {
        let mut with_digest = message.clone();
        with_digest.set_header(
            "Content-Digest",
            reqsig::content_digest(&message.body, reqsig::digest::DigestAlgorithm::Sha256).as_bytes(),
        );
        let view = with_digest.to_view(&context).map_err(CliError::input)?;
        return print_base(signature_base(
            &view,
            request_view.as_ref(),
            &params,
            &field_types,
            &Limits::default(),
        ));
    }
    print_base(signature_base(
        &view,
        request_view.as_ref(),
        &params,
        &field_types,
        &Limits::default(),
    ))
}

fn print_base(base: Result<String, reqsig::Error>) -> CliResult {
    match base {
        Ok(base) => {
            output::print_line(base)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => Err(CliError::check(format!(
            "no signature base ({}): {error}",
            error.code()
        ))),
    }
}
