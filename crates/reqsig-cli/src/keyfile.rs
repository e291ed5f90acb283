//! Loading keys named on the command line.

use std::collections::HashMap;
use std::path::Path;

use reqsig::{Algorithm, JwkSet, SigningKey, VerifyingKey};

use crate::error::CliError;
use crate::input::read_file;

/// Loads a private key or HMAC secret: PEM, DER or JWK, recognised from the content.
pub fn load_signing_key(path: &Path, alg: Option<Algorithm>) -> Result<SigningKey, CliError> {
    let bytes = read_file(path)?;
    SigningKey::load(&bytes, alg)
        .map_err(|e| CliError::input(format!("cannot load the key in {}: {e}", path.display())))
}

/// Loads a verification key; a private key file gives its public half.
pub fn load_verifying_key(path: &Path, alg: Option<Algorithm>) -> Result<VerifyingKey, CliError> {
    let bytes = read_file(path)?;
    VerifyingKey::load(&bytes, alg)
        .map_err(|e| CliError::input(format!("cannot load the key in {}: {e}", path.display())))
}

/// Loads a JWK Set (JSON) or a registry file (TOML) as keys by key id.
pub fn load_key_set(path: &Path, alg: Option<Algorithm>) -> Result<HashMap<String, VerifyingKey>, CliError> {
    let bytes = read_file(path)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        CliError::input(format!(
            "{} is neither a JWK Set nor a registry: not UTF-8",
            path.display()
        ))
    })?;
    if text.trim_start().starts_with('{') {
        let entries = JwkSet::parse(&text, alg)
            .map_err(|e| CliError::input(format!("cannot load the JWK Set {}: {e}", path.display())))?;
        return Ok(entries.into_iter().map(|entry| (entry.kid, entry.key)).collect());
    }
    let records = reqsig_gate::load_registry(path).map_err(CliError::input)?;
    Ok(records
        .into_iter()
        .map(|(key_id, record)| (key_id, record.key.clone()))
        .collect())
}
