//! Recognition of DER key structures: PKCS#8, SPKI, PKCS#1 and SEC1.
//!
//! Each structure is an ASN.1 SEQUENCE, and the tags of its top-level members
//! tell them apart, so the right parser runs and its error is the one reported.

use pkcs8::der::asn1::{AnyRef, ObjectIdentifier, OctetStringRef};
use pkcs8::der::{Decode, Reader, SliceReader, Tag, Tagged};
use pkcs8::{PrivateKeyInfoRef, SubjectPublicKeyInfoRef};

use super::KeyError;
use super::binding::KeyType;

/// id-Ed25519 (RFC 8410).
pub(crate) const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// id-ecPublicKey (RFC 5480).
pub(crate) const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1, the curve P-256 (RFC 5480).
pub(crate) const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// secp384r1, the curve P-384 (RFC 5480).
pub(crate) const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// rsaEncryption (RFC 8017).
pub(crate) const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// id-RSASSA-PSS (RFC 8017), as in the RFC 9421 Appendix B.1.2 private key.
pub(crate) const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");

/// A DER key structure, recognised by the tags of its members.
pub(crate) enum DerKey<'a> {
    /// PKCS#8 PrivateKeyInfo (RFC 5208, RFC 5958).
    Pkcs8(PrivateKeyInfoRef<'a>),
    /// X.509 SubjectPublicKeyInfo (RFC 5280).
    Spki(SubjectPublicKeyInfoRef<'a>),
    /// PKCS#1 RSAPrivateKey (RFC 8017 appendix A.1.2).
    Pkcs1Private,
    /// PKCS#1 RSAPublicKey (RFC 8017 appendix A.1.1).
    Pkcs1Public,
    /// SEC1 ECPrivateKey (RFC 5915), with its curve.
    Sec1(KeyType),
}

/// Recognises and parses the outer structure of a DER key.
pub(crate) fn classify(der: &[u8]) -> Result<DerKey<'_>, KeyError> {
    let tags = member_tags(der)
        .ok_or_else(|| KeyError::malformed("DER", "the input is not a single DER SEQUENCE"))?;

    match tags.as_slice() {
        [Tag::Integer, Tag::Sequence, Tag::OctetString, ..] => PrivateKeyInfoRef::try_from(der)
            .map(DerKey::Pkcs8)
            .map_err(|err| KeyError::malformed("PKCS#8", err)),
        [Tag::Sequence, Tag::BitString] => SubjectPublicKeyInfoRef::try_from(der)
            .map(DerKey::Spki)
            .map_err(|err| KeyError::malformed("SPKI", err)),
        [Tag::Integer, Tag::Integer] => Ok(DerKey::Pkcs1Public),
        [Tag::Integer, Tag::Integer, Tag::Integer, ..] => Ok(DerKey::Pkcs1Private),
        [Tag::Integer, Tag::OctetString, ..] => sec1_curve(der).map(DerKey::Sec1),
        _ => Err(KeyError::malformed(
            "DER",
            "the structure is not a PKCS#8, SPKI, PKCS#1 or SEC1 key",
        )),
    }
}

/// Maps a PKCS#8 or SPKI algorithm identifier to a key type.
pub(crate) fn key_type_of(algorithm: &spki::AlgorithmIdentifierRef<'_>) -> Result<KeyType, KeyError> {
    match algorithm.oid {
        OID_ED25519 => Ok(KeyType::Ed25519),
        OID_RSA => Ok(KeyType::Rsa),
        OID_RSA_PSS => Ok(KeyType::RsaPss),
        OID_EC_PUBLIC_KEY => {
            let curve = algorithm
                .parameters_oid()
                .map_err(|_| KeyError::malformed("DER", "the EC key names no named curve"))?;
            curve_key_type(curve)
        }
        other => Err(KeyError::UnsupportedKeyType {
            key_type: format!("with algorithm OID {other}"),
        }),
    }
}

/// Maps a named-curve OID to a key type.
fn curve_key_type(curve: ObjectIdentifier) -> Result<KeyType, KeyError> {
    match curve {
        OID_P256 => Ok(KeyType::P256),
        OID_P384 => Ok(KeyType::P384),
        other => Err(KeyError::UnsupportedKeyType {
            key_type: format!("EC with curve OID {other}"),
        }),
    }
}

/// Returns the tags of the members of the SEQUENCE that `der` encodes, or
/// `None` when `der` is not exactly one SEQUENCE.
fn member_tags(der: &[u8]) -> Option<Vec<Tag>> {
    let sequence = AnyRef::from_der(der).ok()?;
    if sequence.tag() != Tag::Sequence {
        return None;
    }
    let mut reader = SliceReader::new(sequence.value()).ok()?;
    let mut tags = Vec::new();
    while !reader.is_finished() {
        let member: AnyRef<'_> = reader.decode().ok()?;
        tags.push(member.tag());
    }
    Some(tags)
}

/// Finds the curve of a SEC1 ECPrivateKey: from its `[0]` parameters when
/// present, else from the length of the private scalar (32 or 48 bytes).
fn sec1_curve(der: &[u8]) -> Result<KeyType, KeyError> {
    let invalid = |err: pkcs8::der::Error| KeyError::malformed("SEC1", err);
    let sequence = AnyRef::from_der(der).map_err(invalid)?;
    let mut reader = SliceReader::new(sequence.value()).map_err(invalid)?;

    let _version: AnyRef<'_> = reader.decode().map_err(invalid)?;
    let scalar: &OctetStringRef = reader.decode().map_err(invalid)?;
    let scalar_len = scalar.as_bytes().len();

    while !reader.is_finished() {
        let member: AnyRef<'_> = reader.decode().map_err(invalid)?;
        let is_parameters =
            matches!(member.tag(), Tag::ContextSpecific { number, .. } if number.value() == 0);
        if is_parameters {
            let curve = ObjectIdentifier::from_der(member.value())
                .map_err(|_| KeyError::malformed("SEC1", "the parameters are not a named curve"))?;
            return curve_key_type(curve);
        }
    }

    match scalar_len {
        32 => Ok(KeyType::P256),
        48 => Ok(KeyType::P384),
        other => Err(KeyError::UnsupportedKeyType {
            key_type: format!("EC with a {other}-byte private key and no named curve"),
        }),
    }
}
