//! JSON Web Keys (RFC 7517): OKP Ed25519 (RFC 8037), EC and RSA (RFC 7518
//! section 6) and `oct` shared secrets.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::binding::{KeyType, bind, require_signing_feature};
use super::decode::path_error;
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
///
/// NOTE: the parsed `Value` keeps the base64url text of `d` and `k` in memory
/// without zeroizing it until it is dropped. Only the decoded bytes are zeroized.
pub(crate) fn parse_json(text: &str) -> Result<Value, KeyError> {
    serde_json::from_str(text).map_err(|err| {
        path_error(text.as_bytes())
            .unwrap_or_else(|| KeyError::malformed("JWK", format!("invalid JSON: {err}")))
    })
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
