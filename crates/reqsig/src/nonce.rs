//! Random nonces for the `nonce` signature parameter.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::Error;
use crate::keys::KeyError;

/// Returns 128 random bits from the operating system, base64url-encoded without padding.
///
/// # Errors
/// [`Error::Key`] when the operating system's random source fails.
pub fn random_nonce() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| KeyError::RandomUnavailable(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}
