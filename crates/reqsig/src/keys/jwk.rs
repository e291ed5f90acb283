//! JSON Web Keys (RFC 7517): OKP Ed25519 (RFC 8037), EC and RSA (RFC 7518
//! section 6) and `oct` shared secrets.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::binding::{KeyType, bind, require_signing_feature};
use super::hmac::HmacSecret;
use super::signing::PrivateKey;
use super::verifying::PublicKey;
use super::{KeyError, SigningKey, VerifyingKey, ed25519};
use crate::algorithm::Algorithm;

#[cfg(feature = "ecdsa")]
use super::ecdsa;
#[cfg(feature = "rsa")]
use super::rsa;

/// Parses JWK text as JSON.
pub(crate) fn parse_json(text: &str) -> Result<Value, KeyError> {
    serde_json::from_str(text).map_err(|err| KeyError::malformed("JWK", format!("invalid JSON: {err}")))
}

/// Loads a private JWK.
pub(crate) fn signing_from_jwk(value: &Value, requested: Option<Algorithm>) -> Result<SigningKey, KeyError> {
    let JwkHeader {
        members,
        key_type,
        key_alg,
    } = read_header(value)?;
    let algorithm = bind(key_type, key_alg, requested)?;
    require_signing_feature(algorithm)?;

    let key = match key_type {
        KeyType::Ed25519 => {
            let key = ed25519::from_seed(&private_member(members, "d")?)?;
            let x = bytes_member(members, "x")?;
            if key.verifying_key().as_bytes().as_slice() != x.as_slice() {
                return Err(KeyError::invalid_key("the JWK x is not the public key of its d"));
            }
            PrivateKey::Ed25519(key)
        }
        KeyType::Oct => PrivateKey::Hmac(HmacSecret::new(&bytes_member(members, "k")?)?),
        #[cfg(feature = "ecdsa")]
        KeyType::P256 | KeyType::P384 => {
            let key = ecdsa::from_scalar(key_type, &private_member(members, "d")?)?;
            let x = bytes_member(members, "x")?;
            let y = bytes_member(members, "y")?;
            if key.verifying_key() != ecdsa::public_from_coordinates(key_type, &x, &y)? {
                return Err(KeyError::invalid_key(
                    "the JWK x and y are not the public key of its d",
                ));
            }
            PrivateKey::Ecdsa(key)
        }
        #[cfg(feature = "rsa-signing")]
        KeyType::Rsa | KeyType::RsaPss => {
            let d = private_member(members, "d")?;
            let [n, e, p, q, dp, dq, qi] =
                ["n", "e", "p", "q", "dp", "dq", "qi"].map(|name| bytes_member(members, name));
            let key = rsa::private_from_members(&rsa::RsaPrivateMembers {
                n: &n?,
                e: &e?,
                d: &d,
                p: &p?,
                q: &q?,
                dp: &dp?,
                dq: &dq?,
                qi: &qi?,
            })?;
            PrivateKey::Rsa(Box::new(key))
        }
        #[allow(unreachable_patterns)]
        _ => {
            return Err(KeyError::UnsupportedKeyType {
                key_type: key_type.describe().into(),
            });
        }
    };
    Ok(SigningKey::from_parts(algorithm, key))
}

/// Loads the public half of a JWK, or the secret of an `oct` JWK.
pub(crate) fn verifying_from_jwk(
    value: &Value,
    requested: Option<Algorithm>,
) -> Result<VerifyingKey, KeyError> {
    let JwkHeader {
        members,
        key_type,
        key_alg,
    } = read_header(value)?;
    let algorithm = bind(key_type, key_alg, requested)?;

    let key = match key_type {
        KeyType::Ed25519 => PublicKey::Ed25519(ed25519::public_from_bytes(&bytes_member(members, "x")?)?),
        KeyType::Oct => PublicKey::Hmac(HmacSecret::new(&bytes_member(members, "k")?)?),
        #[cfg(feature = "ecdsa")]
        KeyType::P256 | KeyType::P384 => {
            let x = bytes_member(members, "x")?;
            let y = bytes_member(members, "y")?;
            PublicKey::Ecdsa(ecdsa::public_from_coordinates(key_type, &x, &y)?)
        }
        #[cfg(feature = "rsa")]
        KeyType::Rsa | KeyType::RsaPss => {
            let n = bytes_member(members, "n")?;
            let e = bytes_member(members, "e")?;
            PublicKey::Rsa(Box::new(rsa::public_from_components(&n, &e)?))
        }
        #[allow(unreachable_patterns)]
        _ => {
            return Err(KeyError::UnsupportedKeyType {
                key_type: key_type.describe().into(),
            });
        }
    };
    Ok(VerifyingKey::from_parts(algorithm, key))
}

/// Returns the RFC 7638 required members of a public key, in lexicographic
/// order, with `kty`; `None` for HMAC.
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

/// Writes the public JWK of a key; HMAC keys are refused.
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

/// The members of a JWK with its key type and its own `alg`.
struct JwkHeader<'a> {
    members: &'a Map<String, Value>,
    key_type: KeyType,
    key_alg: Option<Algorithm>,
}

/// Reads `kty`, `crv`, `alg`, `use` and `key_ops`.
fn read_header(value: &Value) -> Result<JwkHeader<'_>, KeyError> {
    let members = value
        .as_object()
        .ok_or_else(|| KeyError::malformed("JWK", "the JSON value is not an object"))?;

    let kty = string_member(members, "kty")?.ok_or(KeyError::JwkMissingMember { member: "kty" })?;
    let key_type = match kty {
        "OKP" | "EC" => curve_key_type(kty, string_member(members, "crv")?)?,
        "RSA" => KeyType::Rsa,
        "oct" => KeyType::Oct,
        other => {
            return Err(KeyError::UnsupportedKeyType {
                key_type: format!("JWK kty {other:?}"),
            });
        }
    };

    let key_alg = match string_member(members, "alg")? {
        Some(name) => Some(
            Algorithm::from_jwk_alg(name).ok_or_else(|| KeyError::UnknownJwkAlg { alg: name.to_owned() })?,
        ),
        None => None,
    };

    if let Some(usage) = string_member(members, "use")?
        && usage != "sig"
    {
        return Err(KeyError::invalid_key(format!(
            "the JWK use is {usage:?}, but a signature key needs \"sig\" or no use member"
        )));
    }
    if let Some(operations) = members.get("key_ops") {
        let allows_signatures = operations
            .as_array()
            .is_some_and(|list| list.iter().any(|op| op == "sign" || op == "verify"));
        if !allows_signatures {
            return Err(KeyError::invalid_key(
                "the JWK key_ops allow neither \"sign\" nor \"verify\"",
            ));
        }
    }
    Ok(JwkHeader {
        members,
        key_type,
        key_alg,
    })
}

fn curve_key_type(kty: &str, crv: Option<&str>) -> Result<KeyType, KeyError> {
    match (kty, crv) {
        ("OKP", Some("Ed25519")) => Ok(KeyType::Ed25519),
        ("EC", Some("P-256")) => Ok(KeyType::P256),
        ("EC", Some("P-384")) => Ok(KeyType::P384),
        (_, None) => Err(KeyError::JwkMissingMember { member: "crv" }),
        (kty, Some(crv)) => Err(KeyError::UnsupportedKeyType {
            key_type: format!("JWK kty {kty:?} with crv {crv:?}"),
        }),
    }
}

/// Returns a string member, `None` when absent.
fn string_member<'a>(
    members: &'a Map<String, Value>,
    name: &'static str,
) -> Result<Option<&'a str>, KeyError> {
    match members.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value)),
        Some(_) => Err(KeyError::malformed(
            "JWK",
            format!("the member {name:?} is not a string"),
        )),
    }
}

/// Decodes a required base64url member.
fn bytes_member(members: &Map<String, Value>, name: &'static str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let text = string_member(members, name)?.ok_or(KeyError::JwkMissingMember { member: name })?;
    URL_SAFE_NO_PAD.decode(text).map(Zeroizing::new).map_err(|_| {
        KeyError::malformed(
            "JWK",
            format!("the member {name:?} is not base64url without padding"),
        )
    })
}

/// Decodes the private member `name`, whose absence means a public JWK.
fn private_member(members: &Map<String, Value>, name: &'static str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    if !members.contains_key(name) {
        return Err(KeyError::NotAPrivateKey { format: "JWK" });
    }
    bytes_member(members, name)
}
