//! ECDSA keys on P-256 and P-384 (RFC 9421 sections 3.3.4 and 3.3.5).
//!
//! Signatures are the fixed-size `r || s` form that RFC 9421 requires
//! (64 bytes on P-256, 96 on P-384), not ASN.1 DER.

use p256::ecdsa::signature::{Signer, Verifier};
use pkcs8::{EncodePrivateKey, EncodePublicKey, PrivateKeyInfoRef, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::KeyError;
use super::binding::KeyType;

/// An ECDSA private key.
#[derive(Clone)]
pub(crate) enum EcdsaSigningKey {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

/// An ECDSA public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EcdsaVerifyingKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

/// Runs the same expression on the key of either curve.
macro_rules! on_curve {
    ($value:expr, $enum:ident, $key:ident => $body:expr) => {
        match $value {
            $enum::P256($key) => $body,
            $enum::P384($key) => $body,
        }
    };
}

/// Returns the byte length of a scalar and of each coordinate on `curve`.
pub(crate) fn field_len(curve: KeyType) -> usize {
    if curve == KeyType::P384 { 48 } else { 32 }
}

/// Decodes a PKCS#8 EC private key on `curve`.
pub(crate) fn from_pkcs8(info: PrivateKeyInfoRef<'_>, curve: KeyType) -> Result<EcdsaSigningKey, KeyError> {
    let invalid = |err: pkcs8::Error| KeyError::malformed("PKCS#8 EC", err);
    Ok(match curve {
        KeyType::P384 => EcdsaSigningKey::P384(info.try_into().map_err(invalid)?),
        _ => EcdsaSigningKey::P256(info.try_into().map_err(invalid)?),
    })
}

/// Decodes a SEC1 ECPrivateKey on `curve`.
pub(crate) fn from_sec1(der: &[u8], curve: KeyType) -> Result<EcdsaSigningKey, KeyError> {
    let invalid = |err: p256::elliptic_curve::DecodeError| KeyError::malformed("SEC1", err);
    Ok(match curve {
        KeyType::P384 => EcdsaSigningKey::P384(p384::SecretKey::from_sec1_der(der).map_err(invalid)?.into()),
        _ => EcdsaSigningKey::P256(p256::SecretKey::from_sec1_der(der).map_err(invalid)?.into()),
    })
}

/// Builds a private key from its big-endian scalar (a JWK `d` member).
pub(crate) fn from_scalar(curve: KeyType, scalar: &[u8]) -> Result<EcdsaSigningKey, KeyError> {
    if scalar.len() != field_len(curve) {
        return Err(KeyError::InvalidLength {
            what: "EC private key (JWK d)",
            expected: if curve == KeyType::P384 {
                "48 bytes"
            } else {
                "32 bytes"
            },
            actual: scalar.len(),
        });
    }
    let invalid = |_| KeyError::invalid_key("the EC private scalar is zero or not below the curve order");
    Ok(match curve {
        KeyType::P384 => EcdsaSigningKey::P384(p384::ecdsa::SigningKey::from_slice(scalar).map_err(invalid)?),
        _ => EcdsaSigningKey::P256(p256::ecdsa::SigningKey::from_slice(scalar).map_err(invalid)?),
    })
}

/// Decodes an SPKI EC public key on `curve`.
pub(crate) fn public_from_spki(
    info: SubjectPublicKeyInfoRef<'_>,
    curve: KeyType,
) -> Result<EcdsaVerifyingKey, KeyError> {
    let invalid = |err: spki::Error| KeyError::malformed("SPKI EC", err);
    Ok(match curve {
        KeyType::P384 => EcdsaVerifyingKey::P384(info.try_into().map_err(invalid)?),
        _ => EcdsaVerifyingKey::P256(info.try_into().map_err(invalid)?),
    })
}

/// Builds a public key from its affine coordinates (JWK `x` and `y`), each the full field length.
pub(crate) fn public_from_coordinates(
    curve: KeyType,
    x: &[u8],
    y: &[u8],
) -> Result<EcdsaVerifyingKey, KeyError> {
    let expected = if curve == KeyType::P384 {
        "48 bytes"
    } else {
        "32 bytes"
    };
    for (what, value) in [("EC coordinate (JWK x)", x), ("EC coordinate (JWK y)", y)] {
        if value.len() != field_len(curve) {
            return Err(KeyError::InvalidLength {
                what,
                expected,
                actual: value.len(),
            });
        }
    }
    let mut point = Vec::with_capacity(1 + x.len() + y.len());
    point.push(0x04);
    point.extend_from_slice(x);
    point.extend_from_slice(y);

    let invalid = |_| KeyError::invalid_key("the EC public key (JWK x, y) is not a point on the curve");
    Ok(match curve {
        KeyType::P384 => {
            EcdsaVerifyingKey::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(invalid)?)
        }
        _ => EcdsaVerifyingKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).map_err(invalid)?),
    })
}

impl EcdsaSigningKey {
    /// Returns the public half.
    pub(crate) fn verifying_key(&self) -> EcdsaVerifyingKey {
        match self {
            EcdsaSigningKey::P256(key) => EcdsaVerifyingKey::P256(*key.verifying_key()),
            EcdsaSigningKey::P384(key) => EcdsaVerifyingKey::P384(*key.verifying_key()),
        }
    }

    /// Returns the big-endian private scalar (the JWK `d` member).
    pub(crate) fn scalar(&self) -> Zeroizing<Vec<u8>> {
        on_curve!(self, EcdsaSigningKey, key => Zeroizing::new(key.to_bytes().to_vec()))
    }

    /// Encodes the key as PKCS#8 DER.
    pub(crate) fn to_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let document = on_curve!(self, EcdsaSigningKey, key => key.to_pkcs8_der())
            .map_err(|err| KeyError::malformed("PKCS#8", err))?;
        Ok(document.to_bytes())
    }

    /// Signs `message`, returning `r || s`.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let signing_failed = |err: p256::ecdsa::Error| KeyError::SigningFailed(err.to_string());
        Ok(match self {
            EcdsaSigningKey::P256(key) => {
                let signature: p256::ecdsa::Signature = key.try_sign(message).map_err(signing_failed)?;
                signature.to_vec()
            }
            EcdsaSigningKey::P384(key) => {
                let signature: p384::ecdsa::Signature = key.try_sign(message).map_err(signing_failed)?;
                signature.to_vec()
            }
        })
    }
}

impl EcdsaVerifyingKey {
    /// Returns the JWK `crv` name.
    pub(crate) fn curve_name(&self) -> &'static str {
        match self {
            EcdsaVerifyingKey::P256(_) => "P-256",
            EcdsaVerifyingKey::P384(_) => "P-384",
        }
    }

    /// Returns the affine coordinates (JWK `x` and `y`), each the full field length.
    pub(crate) fn coordinates(&self) -> (Vec<u8>, Vec<u8>) {
        let point = on_curve!(self, EcdsaVerifyingKey, key => key.to_sec1_point(false).as_bytes().to_vec());
        // An uncompressed SEC1 point is 0x04 || x || y.
        let coordinates = &point[1..];
        let (x, y) = coordinates.split_at(coordinates.len() / 2);
        (x.to_vec(), y.to_vec())
    }

    /// Encodes the key as SPKI DER.
    pub(crate) fn to_spki(&self) -> Result<Vec<u8>, KeyError> {
        on_curve!(self, EcdsaVerifyingKey, key => key.to_public_key_der())
            .map(|document| document.into_vec())
            .map_err(|err| KeyError::malformed("SPKI", err))
    }

    /// Verifies an `r || s` signature of exactly twice the field length.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), KeyError> {
        let verified = match self {
            EcdsaVerifyingKey::P256(key) => p256::ecdsa::Signature::from_slice(signature)
                .and_then(|signature| key.verify(message, &signature)),
            EcdsaVerifyingKey::P384(key) => p384::ecdsa::Signature::from_slice(signature)
                .and_then(|signature| key.verify(message, &signature)),
        };
        verified.map_err(|_| KeyError::InvalidSignature)
    }
}
