//! Writing JSON Web Keys: public, private and `oct` secret JWKs.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

use super::signing::PrivateKey;
use super::verifying::PublicKey;
use super::{KeyError, SigningKey, VerifyingKey};
use crate::algorithm::Algorithm;

#[cfg(feature = "rsa")]
use super::rsa;

/// Returns the RFC 7638 required members of a public key, in lexicographic
/// order, with `kty`. Returns `None` for HMAC.
pub(crate) fn public_members(key: &VerifyingKey) -> Option<Vec<(&'static str, String)>> {
    let members = match key.key() {
        PublicKey::Ed25519(key) => vec![
            ("crv", "Ed25519".to_owned()),
            ("kty", "OKP".to_owned()),
            ("x", URL_SAFE_NO_PAD.encode(key.as_bytes())),
        ],
        PublicKey::Hmac(_) => return None,
        #[cfg(feature = "ecdsa")]
        PublicKey::Ecdsa(key) => {
            let (x, y) = key.coordinates();
            vec![
                ("crv", key.curve_name().to_owned()),
                ("kty", "EC".to_owned()),
                ("x", URL_SAFE_NO_PAD.encode(x)),
                ("y", URL_SAFE_NO_PAD.encode(y)),
            ]
        }
        #[cfg(feature = "rsa")]
        PublicKey::Rsa(key) => {
            let (n, e) = rsa::public_members(key);
            vec![
                ("e", URL_SAFE_NO_PAD.encode(e)),
                ("kty", "RSA".to_owned()),
                ("n", URL_SAFE_NO_PAD.encode(n)),
            ]
        }
    };
    Some(members)
}

/// Writes the public JWK of a key. HMAC keys are rejected.
pub(crate) fn public_jwk(key: &VerifyingKey, kid: Option<&str>) -> Result<String, KeyError> {
    let members = public_members(key).ok_or(KeyError::NoEncoding {
        algorithm: key.algorithm(),
        format: "public JWK",
        hint: "its JWK would contain the shared secret; use to_secret_jwk if that is intended",
    })?;
    let object = write_object(&with_header(key.algorithm(), kid, &members, &[]));
    Ok(String::from(object.as_str()))
}

/// Writes the `oct` JWK of an HMAC key, which contains the secret.
pub(crate) fn secret_jwk(key: &VerifyingKey, kid: Option<&str>) -> Result<Zeroizing<String>, KeyError> {
    let PublicKey::Hmac(secret) = key.key() else {
        return Err(KeyError::NoEncoding {
            algorithm: key.algorithm(),
            format: "secret JWK",
            hint: "a public key has no secret; use to_jwk",
        });
    };
    let k = Zeroizing::new(URL_SAFE_NO_PAD.encode(secret.as_bytes()));
    let members = [("kty", "oct".to_owned())];
    Ok(write_object(&with_header(
        key.algorithm(),
        kid,
        &members,
        &[("k", &k)],
    )))
}

/// Writes the private JWK of a signing key.
pub(crate) fn private_jwk(key: &SigningKey, kid: Option<&str>) -> Zeroizing<String> {
    let encode = |bytes: &[u8]| Zeroizing::new(URL_SAFE_NO_PAD.encode(bytes));
    let secrets: Vec<(&'static str, Zeroizing<String>)> = match key.key() {
        PrivateKey::Ed25519(key) => vec![("d", encode(&Zeroizing::new(key.to_bytes())[..]))],
        PrivateKey::Hmac(secret) => vec![("k", encode(secret.as_bytes()))],
        #[cfg(feature = "ecdsa")]
        PrivateKey::Ecdsa(key) => vec![("d", encode(&key.scalar()))],
        #[cfg(feature = "rsa-signing")]
        PrivateKey::Rsa(key) => rsa::private_members(key)
            .into_iter()
            .map(|(name, value)| (name, encode(&value)))
            .collect(),
    };
    let public = public_members(&key.verifying_key()).unwrap_or_else(|| vec![("kty", "oct".to_owned())]);
    let secret_refs: Vec<(&str, &str)> = secrets
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    write_object(&with_header(key.algorithm(), kid, &public, &secret_refs))
}

/// Orders JWK members as `kty`, `crv`, `alg`, `kid`, the other public members, then the private ones.
fn with_header<'a>(
    algorithm: Algorithm,
    kid: Option<&'a str>,
    public: &'a [(&'static str, String)],
    private: &[(&'static str, &'a str)],
) -> Vec<(&'static str, &'a str)> {
    let find = |name: &str| {
        public
            .iter()
            .find(|(member, _)| *member == name)
            .map(|(_, value)| value.as_str())
    };
    let mut members = Vec::new();
    if let Some(kty) = find("kty") {
        members.push(("kty", kty));
    }
    if let Some(crv) = find("crv") {
        members.push(("crv", crv));
    }
    members.push(("alg", algorithm.jwk_alg()));
    if let Some(kid) = kid {
        members.push(("kid", kid));
    }
    members.extend(
        public
            .iter()
            .filter(|(name, _)| *name != "kty" && *name != "crv")
            .map(|(name, value)| (*name, value.as_str())),
    );
    members.extend_from_slice(private);
    members
}

/// Writes a JSON object into one buffer sized up front, so no copy of a
/// secret is left behind by a reallocation.
fn write_object(members: &[(&str, &str)]) -> Zeroizing<String> {
    // Each value needs at most 6 bytes per character once escaped.
    let capacity = 2 + members
        .iter()
        .map(|(name, value)| name.len() + 6 * value.len() + 6)
        .sum::<usize>();
    let mut out = Zeroizing::new(String::with_capacity(capacity));
    out.push('{');
    for (index, (name, value)) in members.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        push_json_string(&mut out, name);
        out.push(':');
        push_json_string(&mut out, value);
    }
    out.push('}');
    out
}

fn push_json_string(out: &mut String, value: &str) {
    out.push('"');
    for character in value.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            control if u32::from(control) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(control)));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}
