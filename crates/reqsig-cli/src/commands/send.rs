//! `reqsig send`: a curl-like signed request through reqsig-reqwest.

use std::path::Path;
use std::process::ExitCode;

use reqsig::Signer;
use reqsig_reqwest::SignedClient;

use super::common;
use crate::cli::SendArgs;
use crate::error::{CliError, CliResult};
use crate::input::read_file;
use crate::keyfile::load_signing_key;
use crate::output;

pub fn run(args: SendArgs) -> CliResult {
    let url = common::http_url(&args.url, "the URL", "http://127.0.0.1:8080/orders")?;
    let key = load_signing_key(&args.key, args.alg)?;
    let signer = Signer::builder(key)
        .key_id(args.keyid.clone())
        .build()
        .map_err(CliError::input)?;
    let method: reqwest::Method = args
        .method
        .parse()
        .map_err(|_| CliError::input(format!("-X {:?} is not a valid method", args.method)))?;
    let body = match &args.data {
        None => None,
        Some(data) => match data.strip_prefix('@') {
            Some(path) => Some(read_file(Path::new(path))?),
            None => Some(data.as_bytes().to_vec()),
        },
    };
    let mut headers = Vec::with_capacity(args.headers.len());
    for line in &args.headers {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| CliError::input(format!("-H {line:?}: expected 'Name: value'")))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async move {
        let client = SignedClient::new(signer).map_err(CliError::input)?;
        let mut request = client.request(method, url);
        for (name, value) in &headers {
            request = request.header(name.as_str(), value.as_str());
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| CliError::input(format!("request failed: {}", common::with_causes(&e))))?;
        let mut head = format!(
            "{} {}\n",
            response.status().as_u16(),
            response.status().canonical_reason().unwrap_or("")
        );
        for (name, value) in response.headers() {
            head.push_str(&format!(
                "{name}: {}\n",
                String::from_utf8_lossy(value.as_bytes())
            ));
        }
        head.push('\n');
        output::print(head)?;
        let bytes = response.bytes().await.map_err(|e| {
            CliError::input(format!(
                "reading the response failed: {}",
                common::with_causes(&e)
            ))
        })?;
        output::print_line(String::from_utf8_lossy(&bytes))?;
        Ok(ExitCode::SUCCESS)
    })
}
