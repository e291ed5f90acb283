//! JWK Sets (RFC 7517 section 5): `{"keys": [...]}`.

use serde_json::Value;

use super::jwk::parse_json;
use super::{KeyError, VerifyingKey};
use crate::algorithm::Algorithm;

/// One signature key from a JWK Set.
#[derive(Clone, Debug)]
pub struct JwkEntry {
    /// The member's `kid`, which signers put in the `keyid` signature parameter.
    pub kid: String,
    /// The key, bound to its algorithm.
    pub key: VerifyingKey,
    /// The member's `nbf` (not before), in seconds since the Unix epoch, if present.
    pub not_before: Option<u64>,
    /// The member's `exp` (expires), in seconds since the Unix epoch, if present.
    pub expires: Option<u64>,
}

/// A parser for JWK Sets.
///
/// ```
/// use reqsig::Algorithm;
/// use reqsig::keys::JwkSet;
///
/// let json = r#"{"keys": [
///     {"kty": "OKP", "crv": "Ed25519", "kid": "test-key-ed25519",
///      "x": "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs"},
///     {"kty": "RSA", "use": "enc", "kid": "encryption-key", "n": "AQAB", "e": "AQAB"}
/// ]}"#;
/// let entries = JwkSet::parse(json, None).unwrap();
/// assert_eq!(entries.len(), 1);
/// assert_eq!(entries[0].kid, "test-key-ed25519");
/// assert_eq!(entries[0].key.algorithm(), Algorithm::Ed25519);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct JwkSet;

impl JwkSet {
    /// Parses a JWK Set, keeping the signature keys.
    ///
    /// Members with `"use": "enc"` are skipped. Every other member needs a
    /// unique `kid` and must load, else the error names its index and kid.
    /// `algorithm`, when given, binds every member, so a member it does not fit is an error.
    pub fn parse(json: &str, algorithm: Option<Algorithm>) -> Result<Vec<JwkEntry>, KeyError> {
        let set = parse_json(json)?;
        let members = set
            .get("keys")
            .ok_or(KeyError::JwkMissingMember { member: "keys" })?
            .as_array()
            .ok_or_else(|| KeyError::malformed("JWK Set", "the member \"keys\" is not an array"))?;

        let mut entries = Vec::with_capacity(members.len());
        // The kid and index of every kept member, to find duplicates.
        let mut indexes: Vec<(&str, usize)> = Vec::with_capacity(members.len());
        for (index, member) in members.iter().enumerate() {
            if member.get("use").and_then(Value::as_str) == Some("enc") {
                continue;
            }
            let kid = member.get("kid").and_then(Value::as_str).unwrap_or_default();
            let failed = |source: KeyError| KeyError::JwkSetMember {
                index,
                kid: kid.to_owned(),
                source: Box::new(source),
            };

            if kid.is_empty() {
                return Err(failed(KeyError::JwkMissingMember { member: "kid" }));
            }
            if let Some((_, first)) = indexes.iter().find(|(seen, _)| *seen == kid) {
                return Err(failed(KeyError::malformed(
                    "JWK Set",
                    format!("the kid is already used by member {first}"),
                )));
            }
            indexes.push((kid, index));
            entries.push(JwkEntry {
                kid: kid.to_owned(),
                key: VerifyingKey::from_jwk_value(member, algorithm).map_err(failed)?,
                not_before: time_member(member, "nbf").map_err(failed)?,
                expires: time_member(member, "exp").map_err(failed)?,
            });
        }
        Ok(entries)
    }
}

/// Reads an optional time member in seconds since the Unix epoch.
fn time_member(member: &Value, name: &'static str) -> Result<Option<u64>, KeyError> {
    match member.get(name) {
        None => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or_else(|| {
            KeyError::malformed(
                "JWK",
                format!("the member {name:?} is not a non-negative integer number of seconds"),
            )
        }),
    }
}
