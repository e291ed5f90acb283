//! Loading keys from PEM and DER, and recognising the encoding of a key file.

use super::asn1::{self, DerKey};
use super::binding::{KeyType, bind, require_signing_feature};
use super::pem::{self, Accept};
use super::signing::PrivateKey;
use super::verifying::PublicKey;
use super::{KeyError, SigningKey, VerifyingKey, ed25519};
use crate::algorithm::Algorithm;

#[cfg(feature = "ecdsa")]
use super::ecdsa;
#[cfg(feature = "rsa")]
use super::rsa;

/// The encoding of a key file, recognised from its content.
pub(crate) enum Encoding<'a> {
    /// PEM text: it contains a `-----BEGIN ` line.
    Pem(&'a str),
    /// A JWK: JSON text that starts with `{`.
    Jwk(&'a str),
    /// DER: binary that starts with a SEQUENCE tag (0x30).
    Der(&'a [u8]),
}

/// Recognises PEM, JWK or DER. A bare 32-byte value is not taken for a seed or
/// a secret, because its bytes do not show which of the two it is.
pub(crate) fn detect(bytes: &[u8]) -> Result<Encoding<'_>, KeyError> {
    if bytes.trim_ascii().is_empty() {
        return Err(KeyError::malformed(
            "PEM, JWK or DER",
            "the input is empty: pass the contents of a key file, such as one that `reqsig keygen` writes",
        ));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.contains("-----BEGIN ") {
            return Ok(Encoding::Pem(text));
        }
        if text.trim_start().starts_with('{') {
            return Ok(Encoding::Jwk(text));
        }
    }
    if bytes.first() == Some(&0x30) {
        return Ok(Encoding::Der(bytes));
    }
    if let Some(error) = path_error(bytes) {
        return Err(error);
    }
    Err(KeyError::malformed(
        "PEM, JWK or DER",
        "the content is not PEM (no \"-----BEGIN \" line), not a JWK (no leading '{') and not DER (no leading SEQUENCE byte 0x30)",
    ))
}

/// The maximum length of input taken for a file path, in bytes (`PATH_MAX` on Linux).
const MAX_PATH_LEN: usize = 4096;

/// The file name extensions of key files, compared without regard to case.
const KEY_FILE_EXTENSIONS: [&str; 6] = ["pem", "key", "jwk", "json", "der", "pub"];

/// Returns [`KeyError::PathInsteadOfKey`] when `input`, which failed to
/// decode, looks like the path of a key file: one line of text that ends in a
/// key file extension.
///
/// The check reads only the input, never the file system, so that the error
/// does not tell a caller which files exist.
pub(crate) fn path_error(input: &[u8]) -> Option<KeyError> {
    let text = std::str::from_utf8(input).ok()?.trim();
    let is_single_line = !text.is_empty() && !text.chars().any(char::is_control);
    let is_key_text = text.contains("-----BEGIN ") || text.starts_with('{');
    if !is_single_line || is_key_text || text.len() > MAX_PATH_LEN {
        return None;
    }
    let extension = std::path::Path::new(text).extension()?.to_str()?;
    let is_key_file = KEY_FILE_EXTENSIONS
        .iter()
        .any(|known| extension.eq_ignore_ascii_case(known));
    is_key_file.then(|| KeyError::PathInsteadOfKey {
        path: text.to_owned(),
    })
}

/// Loads a signing key from a PEM private key.
pub(crate) fn signing_from_pem(text: &str, requested: Option<Algorithm>) -> Result<SigningKey, KeyError> {
    let block = pem::decode(text, Accept::Private)?;
    signing_from_der(&block.der, requested, Some(block.label))
}

/// Loads a verifying key from a PEM public or private key.
pub(crate) fn verifying_from_pem(text: &str, requested: Option<Algorithm>) -> Result<VerifyingKey, KeyError> {
    let block = pem::decode(text, Accept::Any)?;
    verifying_from_der(&block.der, requested, Some(block.label))
}

/// Loads a signing key from PKCS#8, PKCS#1 or SEC1 DER.
///
/// `label` is the PEM label the DER came with, if any. The structure must agree with it.
pub(crate) fn signing_from_der(
    der: &[u8],
    requested: Option<Algorithm>,
    label: Option<&'static str>,
) -> Result<SigningKey, KeyError> {
    let structure = classify(der, label)?;
    check_label(label, &structure)?;

    let key_type = match &structure {
        DerKey::Pkcs8(info) => asn1::key_type_of(&info.algorithm)?,
        DerKey::Sec1(curve) => *curve,
        DerKey::Pkcs1Private => KeyType::Rsa,
        DerKey::Spki(_) | DerKey::Pkcs1Public => {
            return Err(KeyError::NotAPrivateKey {
                format: label.map_or("DER", |_| "PEM"),
            });
        }
    };
    let algorithm = bind(key_type, None, requested)?;
    require_signing_feature(algorithm)?;

    let key = match (structure, key_type) {
        (DerKey::Pkcs8(info), KeyType::Ed25519) => PrivateKey::Ed25519(ed25519::from_pkcs8(info)?),
        #[cfg(feature = "ecdsa")]
        (DerKey::Pkcs8(info), KeyType::P256 | KeyType::P384) => {
            PrivateKey::Ecdsa(ecdsa::from_pkcs8(info, key_type)?)
        }
        #[cfg(feature = "ecdsa")]
        (DerKey::Sec1(curve), _) => PrivateKey::Ecdsa(ecdsa::from_sec1(der, curve)?),
        #[cfg(feature = "rsa-signing")]
        (DerKey::Pkcs8(info), _) => PrivateKey::Rsa(Box::new(rsa::private_from_pkcs8(info)?)),
        #[cfg(feature = "rsa-signing")]
        (DerKey::Pkcs1Private, _) => PrivateKey::Rsa(Box::new(rsa::private_from_pkcs1(der)?)),
        _ => return Err(unexpected(key_type)),
    };
    Ok(SigningKey::from_parts(algorithm, key))
}

/// Loads a verifying key from SPKI, PKCS#1 public, or any private key DER.
pub(crate) fn verifying_from_der(
    der: &[u8],
    requested: Option<Algorithm>,
    label: Option<&'static str>,
) -> Result<VerifyingKey, KeyError> {
    let structure = classify(der, label)?;
    check_label(label, &structure)?;

    let key_type = match &structure {
        DerKey::Pkcs8(info) => asn1::key_type_of(&info.algorithm)?,
        DerKey::Spki(info) => asn1::key_type_of(&info.algorithm)?,
        DerKey::Sec1(curve) => *curve,
        DerKey::Pkcs1Private | DerKey::Pkcs1Public => KeyType::Rsa,
    };
    let algorithm = bind(key_type, None, requested)?;

    let key = match (structure, key_type) {
        (DerKey::Pkcs8(info), KeyType::Ed25519) => {
            PublicKey::Ed25519(ed25519::from_pkcs8(info)?.verifying_key())
        }
        (DerKey::Spki(info), KeyType::Ed25519) => PublicKey::Ed25519(ed25519::from_spki(info)?),
        #[cfg(feature = "ecdsa")]
        (DerKey::Pkcs8(info), KeyType::P256 | KeyType::P384) => {
            PublicKey::Ecdsa(ecdsa::from_pkcs8(info, key_type)?.verifying_key())
        }
        #[cfg(feature = "ecdsa")]
        (DerKey::Spki(info), KeyType::P256 | KeyType::P384) => {
            PublicKey::Ecdsa(ecdsa::public_from_spki(info, key_type)?)
        }
        #[cfg(feature = "ecdsa")]
        (DerKey::Sec1(curve), _) => PublicKey::Ecdsa(ecdsa::from_sec1(der, curve)?.verifying_key()),
        #[cfg(feature = "rsa")]
        (DerKey::Pkcs8(info), _) => PublicKey::Rsa(Box::new(rsa::public_from_pkcs8(info)?)),
        #[cfg(feature = "rsa")]
        (DerKey::Spki(info), _) => PublicKey::Rsa(Box::new(rsa::public_from_spki(info)?)),
        #[cfg(feature = "rsa")]
        (DerKey::Pkcs1Private, _) => PublicKey::Rsa(Box::new(rsa::public_from_pkcs1_private(der)?)),
        #[cfg(feature = "rsa")]
        (DerKey::Pkcs1Public, _) => PublicKey::Rsa(Box::new(rsa::public_from_pkcs1(der)?)),
        #[allow(unreachable_patterns)]
        _ => return Err(unexpected(key_type)),
    };
    Ok(VerifyingKey::from_parts(algorithm, key))
}

/// Recognises the DER structure. DER that the caller passed directly (no
/// PEM `label`) and that fails may be a file path, which the error then names.
fn classify<'a>(der: &'a [u8], label: Option<&'static str>) -> Result<DerKey<'a>, KeyError> {
    asn1::classify(der).map_err(|error| match label {
        None => path_error(der).unwrap_or(error),
        Some(_) => error,
    })
}

/// Checks that a PEM label names the structure its content holds.
fn check_label(label: Option<&'static str>, structure: &DerKey<'_>) -> Result<(), KeyError> {
    let Some(label) = label else {
        return Ok(());
    };
    let (expected, found) = match structure {
        DerKey::Pkcs8(_) => (pem::LABEL_PKCS8, "a PKCS#8 private key"),
        DerKey::Spki(_) => (pem::LABEL_SPKI, "an SPKI public key"),
        DerKey::Pkcs1Private => (pem::LABEL_PKCS1_PRIVATE, "a PKCS#1 RSA private key"),
        DerKey::Pkcs1Public => (pem::LABEL_PKCS1_PUBLIC, "a PKCS#1 RSA public key"),
        DerKey::Sec1(_) => (pem::LABEL_SEC1, "a SEC1 EC private key"),
    };
    if label == expected {
        return Ok(());
    }
    Err(KeyError::malformed(
        "PEM",
        format!("the label {label:?} does not match the content, which is {found} (label {expected:?})"),
    ))
}

/// Builds the error for a key type and structure that no enabled backend reads.
///
/// `bind` reports a missing feature first, so this is reached only for a
/// structure that cannot hold the key type.
fn unexpected(key_type: KeyType) -> KeyError {
    KeyError::UnsupportedKeyType {
        key_type: format!("{key_type:?} in this key structure"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{KeyError, SigningKey, VerifyingKey};
    use crate::algorithm::Algorithm;

    #[test]
    fn unknown_encoding_message_names_formats() {
        let error = SigningKey::load(b"hello", None).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, KeyError::Malformed { .. }), "{error:?}");
        assert!(message.starts_with("invalid PEM, JWK or DER key: "), "{message}");
        assert!(message.contains("not PEM"), "{message}");
        assert!(!message.contains("key file key"), "{message}");
    }

    #[test]
    fn path_input_named_in_error() {
        for path in [
            "client.pem",
            " keys/client.key\n",
            r"C:\keys\server.JWK",
            "jwks.json",
            "k.der",
        ] {
            let error = SigningKey::load(path.as_bytes(), None).unwrap_err();
            let message = error.to_string();
            assert!(
                matches!(&error, KeyError::PathInsteadOfKey { path: found } if found == path.trim()),
                "{path:?}: {error:?}"
            );
            assert!(message.contains(&format!("{:?}", path.trim())), "{message}");
            assert!(message.contains("looks like a file path"), "{message}");
            assert!(message.contains("pass its contents"), "{message}");
        }
    }

    #[test]
    fn path_input_detected_by_every_loader() {
        let errors = [
            SigningKey::from_pem("client.pem", None).unwrap_err(),
            SigningKey::from_jwk("client.jwk", None).unwrap_err(),
            SigningKey::from_der(b"client.der", None).unwrap_err(),
            VerifyingKey::load(b"public.pem", None).unwrap_err(),
            VerifyingKey::from_pem("public.pem", None).unwrap_err(),
            VerifyingKey::from_jwk("public.json", None).unwrap_err(),
            VerifyingKey::from_der(b"public.der", None).unwrap_err(),
        ];
        for error in errors {
            assert!(matches!(error, KeyError::PathInsteadOfKey { .. }), "{error:?}");
        }
    }

    #[test]
    fn key_like_input_not_taken_for_path() {
        let inputs: [&[u8]; 5] = [
            b"hello",
            b"two\nlines.pem",
            b"-----BEGIN x.pem",
            b"{\"kty\": \"oct\", \"k\": \"a.json",
            b"client",
        ];
        for input in inputs {
            let error = SigningKey::load(input, None).unwrap_err();
            assert!(
                matches!(error, KeyError::Malformed { .. }),
                "{input:?}: {error:?}"
            );
        }
    }

    #[test]
    fn public_pem_as_private_names_no_type() {
        let public = SigningKey::generate(Algorithm::Ed25519)
            .unwrap()
            .verifying_key()
            .to_spki_pem()
            .unwrap();
        let message = SigningKey::from_pem(&public, None).unwrap_err().to_string();
        assert!(message.contains("contains a public key"), "{message}");
        assert!(
            message.contains("load this one as a public (verifying) key"),
            "{message}"
        );
        assert!(!message.contains("VerifyingKey"), "{message}");
    }
}
