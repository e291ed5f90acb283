//! The Rust crate `httpsig` as a peer, called in process.
//!
//! httpsig 0.0.26 builds the signature base from component values that its
//! caller supplies: derived values such as `@path` as strings, fields as their
//! lines. This adapter reads those values from the job's messages without
//! normalizing them. httpsig itself applies the component parameters (`sf`,
//! `key`, `@query-param` names), serializes `Signature-Input`, parses it back
//! and signs and verifies. The crate has no Content-Digest support, so the
//! adapter computes and checks the sha-256 digest.

use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use httpsig::prelude::message_component::{
    DerivedComponentName, HttpMessageComponent, HttpMessageComponentId, HttpMessageComponentName,
    HttpMessageComponentParam,
};
use httpsig::prelude::{
    AlgorithmName, HttpSignatureBase, HttpSignatureHeaders, HttpSignatureParams, PublicKey, SecretKey,
    SharedKey,
};
use reqsig_interop::exchange::{Job, JobKey, JobResult, JsonMessage, SignatureSpec, Target};
use reqsig_interop::peer::{HTTPSIG, Peer};
use sha2::{Digest, Sha256};

/// The version that `httpsig = "0.0.26"` in the workspace manifest selects:
/// a caret requirement on 0.0.z matches that version only.
const VERSION: &str = "0.0.26";

/// The `httpsig` crate.
pub struct HttpsigPeer;

impl Peer for HttpsigPeer {
    fn name(&self) -> &str {
        HTTPSIG
    }

    fn package(&self) -> String {
        format!("httpsig {VERSION} (crates.io)")
    }

    fn sign(&self, jobs: &[Job]) -> Result<Vec<JobResult>, String> {
        Ok(jobs
            .iter()
            .map(|job| match sign_job(job) {
                Ok((request, response)) => JobResult::succeeded(&job.id, Some(request), response),
                Err(error) => JobResult::failed(&job.id, error),
            })
            .collect())
    }

    fn verify(&self, jobs: &[Job]) -> Result<Vec<JobResult>, String> {
        Ok(jobs
            .iter()
            .map(|job| match verify_job(job) {
                Ok(()) => JobResult::succeeded(&job.id, None, None),
                Err(error) => JobResult::failed(&job.id, error),
            })
            .collect())
    }
}

fn sign_job(job: &Job) -> Result<(JsonMessage, Option<JsonMessage>), String> {
    let mut request = job.request.clone();
    let mut response = job.response.clone();
    for spec in &job.signatures {
        let target = target_mut(spec.target, &mut request, &mut response)?;
        if spec.covers_digest && target.header_values("content-digest").next().is_none() {
            let digest = sha256_digest(&target.body_bytes());
            target.headers.push(("Content-Digest".to_owned(), digest));
        }
        let lines = match &response {
            Some(response) if spec.target == Target::Response => {
                signature_lines(job, spec, response, &request)?
            }
            _ => signature_lines(job, spec, &request, &request)?,
        };
        target_mut(spec.target, &mut request, &mut response)?
            .headers
            .extend(lines);
    }
    Ok((request, response))
}

fn target_mut<'a>(
    target: Target,
    request: &'a mut JsonMessage,
    response: &'a mut Option<JsonMessage>,
) -> Result<&'a mut JsonMessage, String> {
    match target {
        Target::Request => Ok(request),
        Target::Response => response
            .as_mut()
            .ok_or_else(|| "the job has no response".to_owned()),
    }
}

/// Builds the `Signature-Input` and `Signature` lines of one signature on `target`.
fn signature_lines(
    job: &Job,
    spec: &SignatureSpec,
    target: &JsonMessage,
    request: &JsonMessage,
) -> Result<Vec<(String, String)>, String> {
    let ids = spec
        .components
        .iter()
        .map(|text| HttpMessageComponentId::try_from(text.as_str()).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let components = ids
        .iter()
        .map(|id| component(id, target, request))
        .collect::<Result<Vec<_>, _>>()?;

    let mut params = HttpSignatureParams::try_new(&ids).map_err(|e| e.to_string())?;
    params.set_created(spec.created);
    if let Some(expires) = spec.expires {
        params.set_expires(expires);
    }
    if let Some(nonce) = &spec.nonce {
        params.set_nonce(nonce);
    }
    params.set_keyid(&spec.keyid);
    let key = key_of(job, spec)?;
    if spec.include_alg {
        params.set_alg(&algorithm(key)?);
    }
    if let Some(tag) = &spec.tag {
        params.set_tag(tag);
    }

    let base = HttpSignatureBase::try_new(&components, &params).map_err(|e| e.to_string())?;
    let headers = match &key.secret {
        Some(secret) => {
            let key = SharedKey::from_base64(&algorithm(key)?, secret).map_err(|e| e.to_string())?;
            base.build_signature_headers(&key, Some(&spec.label))
        }
        None => {
            let pem = key.private_pem.as_deref().ok_or("the key has no private PEM")?;
            let key = SecretKey::from_pem(&algorithm(key)?, pem).map_err(|e| e.to_string())?;
            base.build_signature_headers(&key, Some(&spec.label))
        }
    }
    .map_err(|e| e.to_string())?;
    Ok(vec![
        (
            "Signature-Input".to_owned(),
            headers.signature_input_header_value(),
        ),
        ("Signature".to_owned(), headers.signature_header_value()),
    ])
}

fn verify_job(job: &Job) -> Result<(), String> {
    for spec in &job.signatures {
        let target = match spec.target {
            Target::Request => &job.request,
            Target::Response => job.response.as_ref().ok_or("the job has no response")?,
        };
        verify_one(job, spec, target).map_err(|e| format!("signature {}: {e}", spec.label))?;
    }
    Ok(())
}

fn verify_one(job: &Job, spec: &SignatureSpec, target: &JsonMessage) -> Result<(), String> {
    let input = joined(target, "signature-input").ok_or("no Signature-Input field")?;
    let signature = joined(target, "signature").ok_or("no Signature field")?;
    let signatures = HttpSignatureHeaders::try_parse(&signature, &input).map_err(|e| e.to_string())?;
    let headers = signatures
        .get(&spec.label)
        .ok_or("no signature with this label")?;
    let params = headers.signature_params();
    if params.keyid.as_deref() != Some(spec.keyid.as_str()) {
        return Err(format!("key id {:?}, expected {:?}", params.keyid, spec.keyid));
    }
    if spec.tag.is_some() && params.tag != spec.tag {
        return Err(format!("tag {:?}, expected {:?}", params.tag, spec.tag));
    }
    let components = params
        .covered_components
        .iter()
        .map(|id| component(id, target, &job.request))
        .collect::<Result<Vec<_>, _>>()?;
    let base = HttpSignatureBase::try_new(&components, params).map_err(|e| e.to_string())?;

    let key = key_of(job, spec)?;
    match &key.secret {
        Some(secret) => {
            let key = SharedKey::from_base64(&algorithm(key)?, secret).map_err(|e| e.to_string())?;
            base.verify_signature_headers(&key, headers)
        }
        None => {
            let pem = key.public_pem.as_deref().ok_or("the key has no public PEM")?;
            let key = PublicKey::from_pem(&algorithm(key)?, pem).map_err(|e| e.to_string())?;
            base.verify_signature_headers(&key, headers)
        }
    }
    .map_err(|e| e.to_string())?;

    if spec.covers_digest {
        check_digest(target)?;
    }
    Ok(())
}

/// Gives httpsig the raw values of one component: derived values from the
/// request line or status, field values line by line, from the request for `req`.
fn component(
    id: &HttpMessageComponentId,
    message: &JsonMessage,
    request: &JsonMessage,
) -> Result<HttpMessageComponent, String> {
    let source = if id.params.0.contains(&HttpMessageComponentParam::Req) {
        request
    } else {
        message
    };
    let values = match &id.name {
        HttpMessageComponentName::HttpField(name) => {
            let values = source.header_values(name).map(str::to_owned).collect::<Vec<_>>();
            if values.is_empty() {
                return Err(format!("the message has no {name} field"));
            }
            values
        }
        HttpMessageComponentName::Derived(name) => derived_values(name, source)?,
    };
    HttpMessageComponent::try_from((id, values.as_slice())).map_err(|e| e.to_string())
}

fn derived_values(name: &DerivedComponentName, message: &JsonMessage) -> Result<Vec<String>, String> {
    if let DerivedComponentName::Status = name {
        let status = message.status.ok_or("@status of a request")?;
        return Ok(vec![status.to_string()]);
    }
    let target = message.target()?;
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target.clone(), None),
    };
    Ok(match name {
        DerivedComponentName::Method => vec![message.method.clone().ok_or("@method of a response")?],
        DerivedComponentName::Authority => vec![message.authority()?.to_owned()],
        DerivedComponentName::Scheme => vec!["https".to_owned()],
        DerivedComponentName::TargetUri => vec![message.url.clone().ok_or("the request has no URL")?],
        DerivedComponentName::RequestTarget => vec![target],
        DerivedComponentName::Path => vec![path],
        DerivedComponentName::Query => vec![format!("?{}", query.unwrap_or_default())],
        // httpsig picks the named parameter out of the `name=value` pairs itself.
        DerivedComponentName::QueryParam => query.unwrap_or_default().split('&').map(str::to_owned).collect(),
        DerivedComponentName::Status | DerivedComponentName::SignatureParams => {
            return Err(format!("{name:?} is not a covered component"));
        }
    })
}

fn key_of<'a>(job: &'a Job, spec: &SignatureSpec) -> Result<&'a JobKey, String> {
    job.keys
        .get(&spec.keyid)
        .ok_or_else(|| format!("the job has no key {:?}", spec.keyid))
}

fn algorithm(key: &JobKey) -> Result<AlgorithmName, String> {
    AlgorithmName::from_str(&key.alg).map_err(|e| format!("httpsig {VERSION}: {e}"))
}

fn joined(message: &JsonMessage, name: &str) -> Option<String> {
    let values = message.header_values(name).collect::<Vec<_>>();
    (!values.is_empty()).then(|| values.join(", "))
}

fn sha256_digest(body: &[u8]) -> String {
    format!("sha-256=:{}:", STANDARD.encode(Sha256::digest(body)))
}

fn check_digest(message: &JsonMessage) -> Result<(), String> {
    let field = joined(message, "content-digest").ok_or("the message has no Content-Digest field")?;
    let members = field.split(',').map(str::trim).collect::<Vec<_>>();
    if !members.iter().any(|member| member.starts_with("sha-256=")) {
        return Err(format!("Content-Digest {field:?} has no sha-256 member"));
    }
    let expected = sha256_digest(&message.body_bytes());
    if !members.contains(&expected.as_str()) {
        return Err(format!(
            "Content-Digest {field:?} does not match the body ({expected})"
        ));
    }
    Ok(())
}
