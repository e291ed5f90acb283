//! RSA keys for RSASSA-PSS with SHA-512 and RSASSA-PKCS1-v1_5 with SHA-256
//! (RFC 9421 sections 3.3.1 and 3.3.2).
//!
//! Private keys are handled only with the `rsa-signing` feature: the `rsa`
//! crate's private-key operations leak timing (RUSTSEC-2023-0071, the Marvin
//! attack). Without it, a private key file is read only for its modulus and
//! public exponent.

use ::rsa::PublicKey;
use ::rsa::pkcs1::{DecodeRsaPublicKey, RsaPrivateKeyRef, RsaPublicKeyRef, UintRef};
use ::rsa::traits::PublicKeyParts;
use pkcs8::der::Decode;
use pkcs8::spki::AlgorithmIdentifierRef;
use pkcs8::{EncodePublicKey, PrivateKeyInfoRef, SubjectPublicKeyInfoRef};
use sha2::{Sha256, Sha512};

use super::KeyError;
use super::asn1::{OID_RSA, OID_RSA_PSS};
use crate::algorithm::Algorithm;

/// The smallest accepted modulus, in bits. NIST SP 800-57 Part 1 rates smaller
/// RSA keys below 112-bit security.
const MIN_MODULUS_BITS: u32 = 2048;

/// Decodes a PKCS#1 RSAPublicKey.
pub(crate) fn public_from_pkcs1(der: &[u8]) -> Result<PublicKey, KeyError> {
    let key = PublicKey::from_pkcs1_der(der).map_err(|err| KeyError::malformed("PKCS#1", err))?;
    check_size(key)
}

/// Reads the modulus and public exponent of a PKCS#1 RSAPrivateKey.
pub(crate) fn public_from_pkcs1_private(der: &[u8]) -> Result<PublicKey, KeyError> {
    let private = RsaPrivateKeyRef::from_der(der).map_err(|err| KeyError::malformed("PKCS#1", err))?;
    let key = PublicKey::try_from(private.public_key()).map_err(|err| KeyError::malformed("PKCS#1", err))?;
    check_size(key)
}

/// Reads the public half of a PKCS#8 RSA or RSASSA-PSS private key.
pub(crate) fn public_from_pkcs8(info: PrivateKeyInfoRef<'_>) -> Result<PublicKey, KeyError> {
    check_algorithm(&info.algorithm)?;
    public_from_pkcs1_private(info.private_key.as_bytes())
}

/// Decodes an SPKI RSA or RSASSA-PSS public key.
pub(crate) fn public_from_spki(info: SubjectPublicKeyInfoRef<'_>) -> Result<PublicKey, KeyError> {
    check_algorithm(&info.algorithm)?;
    let bits = info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| KeyError::malformed("SPKI RSA", "the key bit string has unused bits"))?;
    public_from_pkcs1(bits)
}

/// Builds a public key from its big-endian modulus and exponent (JWK `n` and `e`).
pub(crate) fn public_from_components(n: &[u8], e: &[u8]) -> Result<PublicKey, KeyError> {
    let invalid = |err| KeyError::malformed("JWK RSA", err);
    let public = RsaPublicKeyRef {
        modulus: UintRef::new(n).map_err(invalid)?,
        public_exponent: UintRef::new(e).map_err(invalid)?,
    };
    let key = PublicKey::try_from(public)
        .map_err(|_| KeyError::invalid_key("the RSA modulus or exponent (JWK n, e) is invalid"))?;
    check_size(key)
}

/// Returns the big-endian modulus and public exponent without leading zeros (JWK `n` and `e`).
pub(crate) fn public_members(key: &PublicKey) -> (Vec<u8>, Vec<u8>) {
    (key.n_bytes().into_vec(), key.e_bytes().into_vec())
}

/// Encodes a public key as SPKI DER with the rsaEncryption OID.
pub(crate) fn to_spki(key: &PublicKey) -> Result<Vec<u8>, KeyError> {
    key.to_public_key_der()
        .map(|document| document.into_vec())
        .map_err(|err| KeyError::malformed("SPKI", err))
}

/// Verifies a signature made with `algorithm` (one of the two RSA algorithms).
///
/// RSASSA-PSS uses SHA-512, MGF1 with SHA-512 and a 64-byte salt, as RFC 9421
/// section 3.3.1 requires.
pub(crate) fn verify(
    key: &PublicKey,
    algorithm: Algorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), KeyError> {
    let verified = match algorithm {
        Algorithm::RsaPssSha512 => key.pss_verify::<Sha512>(message, signature),
        _ => key.pkcs1v15_verify::<Sha256>(message, signature),
    };
    verified.map_err(|_| KeyError::InvalidSignature)
}

/// Checks the algorithm identifier of a PKCS#8 or SPKI RSA key.
fn check_algorithm(algorithm: &AlgorithmIdentifierRef<'_>) -> Result<(), KeyError> {
    match algorithm.oid {
        OID_RSA => Ok(()),
        OID_RSA_PSS if algorithm.parameters.is_none() => Ok(()),
        OID_RSA_PSS => Err(KeyError::UnsupportedKeyType {
            key_type: "RSASSA-PSS with parameters (export the key without PSS parameters)".into(),
        }),
        other => Err(KeyError::UnsupportedKeyType {
            key_type: format!("with algorithm OID {other}"),
        }),
    }
}

/// Rejects moduli shorter than [`MIN_MODULUS_BITS`].
fn check_size(key: PublicKey) -> Result<PublicKey, KeyError> {
    let bits = key.n().bit_width_vartime();
    if bits < MIN_MODULUS_BITS {
        return Err(KeyError::invalid_key(format!(
            "the RSA modulus has {bits} bits, and reqsig requires at least {MIN_MODULUS_BITS}"
        )));
    }
    Ok(key)
}

#[cfg(feature = "rsa-signing")]
pub(crate) use private::*;

/// Private-key handling, behind the `rsa-signing` feature.
#[cfg(feature = "rsa-signing")]
mod private {
    use ::rsa::pkcs1::{EncodeRsaPrivateKey, RsaPrivateKeyRef, UintRef, Version};
    use ::rsa::traits::PrivateKeyParts;
    use ::rsa::{BoxedUint, PrivateKey};
    use pkcs8::der::Decode;
    use pkcs8::der::SecretDocument;
    use pkcs8::der::asn1::OctetStringRef;
    use pkcs8::spki::AlgorithmIdentifierRef;
    use pkcs8::{EncodePrivateKey, PrivateKeyInfoRef};
    use sha2::{Sha256, Sha512};
    use subtle::ConstantTimeEq;
    use zeroize::Zeroizing;

    use super::{KeyError, OID_RSA_PSS, check_algorithm, check_size};
    use crate::algorithm::Algorithm;

    /// The private members of an RSA JWK (RFC 7518 section 6.3.2), big-endian.
    pub(crate) struct RsaPrivateMembers<'a> {
        pub(crate) n: &'a [u8],
        pub(crate) e: &'a [u8],
        pub(crate) d: &'a [u8],
        pub(crate) p: &'a [u8],
        pub(crate) q: &'a [u8],
        pub(crate) dp: &'a [u8],
        pub(crate) dq: &'a [u8],
        pub(crate) qi: &'a [u8],
    }

    /// Decodes a PKCS#1 RSAPrivateKey.
    pub(crate) fn private_from_pkcs1(der: &[u8]) -> Result<PrivateKey, KeyError> {
        let structure = RsaPrivateKeyRef::from_der(der).map_err(|err| KeyError::malformed("PKCS#1", err))?;
        if structure.version() != Version::TwoPrime {
            return Err(KeyError::UnsupportedKeyType {
                key_type: "multi-prime RSA".into(),
            });
        }
        private_from_structure(&structure)
    }

    /// Decodes a PKCS#8 RSA or RSASSA-PSS private key.
    pub(crate) fn private_from_pkcs8(info: PrivateKeyInfoRef<'_>) -> Result<PrivateKey, KeyError> {
        check_algorithm(&info.algorithm)?;
        private_from_pkcs1(info.private_key.as_bytes())
    }

    /// Builds a private key from JWK members and checks that the CRT members agree with it.
    pub(crate) fn private_from_members(members: &RsaPrivateMembers<'_>) -> Result<PrivateKey, KeyError> {
        let uint = |bytes| UintRef::new(bytes).map_err(|err| KeyError::malformed("JWK RSA", err));
        let structure = RsaPrivateKeyRef {
            modulus: uint(members.n)?,
            public_exponent: uint(members.e)?,
            private_exponent: uint(members.d)?,
            prime1: uint(members.p)?,
            prime2: uint(members.q)?,
            exponent1: uint(members.dp)?,
            exponent2: uint(members.dq)?,
            coefficient: uint(members.qi)?,
            other_prime_infos: None,
        };
        let key = private_from_structure(&structure)?;

        let computed = private_members(&key);
        let provided = [members.dp, members.dq, members.qi];
        for ((name, value), expected) in computed.iter().skip(3).zip(provided) {
            let expected = strip_leading_zeros(expected);
            if !bool::from(value.as_slice().ct_eq(expected)) {
                return Err(KeyError::invalid_key(format!(
                    "the RSA JWK member {name:?} does not match the key's other members"
                )));
            }
        }
        Ok(key)
    }

    /// Builds and validates a two-prime key from n, e, d, p and q.
    ///
    /// Every key is imported with modulus-width primes, a fixed policy that also
    /// accepts keys with unbalanced primes, such as the RFC 9421 Appendix B.1.1
    /// key (a 1088-bit and a 968-bit prime). The other members are recomputed.
    fn private_from_structure(structure: &RsaPrivateKeyRef<'_>) -> Result<PrivateKey, KeyError> {
        let modulus = structure.modulus.as_bytes();
        let bits = u32::try_from(modulus.len() * 8)
            .map_err(|_| KeyError::invalid_key("the RSA modulus is too long"))?;
        let uint = |bytes: &[u8], bits: u32| {
            BoxedUint::from_be_slice(bytes, bits)
                .map_err(|_| KeyError::invalid_key("an RSA private member is longer than the modulus"))
        };
        let exponent = structure.public_exponent.as_bytes();
        let exponent_bits = u32::try_from(exponent.len() * 8)
            .map_err(|_| KeyError::invalid_key("the RSA public exponent is too long"))?;

        let key = PrivateKey::from_components_with_wide_primes(
            uint(modulus, bits)?,
            uint(exponent, exponent_bits)?,
            uint(structure.private_exponent.as_bytes(), bits)?,
            vec![
                uint(structure.prime1.as_bytes(), bits)?,
                uint(structure.prime2.as_bytes(), bits)?,
            ],
        )
        .map_err(|err| KeyError::invalid_key(format!("the RSA private key is inconsistent: {err}")))?;
        check_size(key.to_public_key())?;
        Ok(key)
    }

    /// Returns the JWK private members d, p, q, dp, dq and qi, big-endian
    /// without leading zeros. The CRT members are left out if the key lacks them.
    pub(crate) fn private_members(key: &PrivateKey) -> Vec<(&'static str, Zeroizing<Vec<u8>>)> {
        let bytes = |value: &BoxedUint| Zeroizing::new(value.to_be_bytes_trimmed_vartime().into_vec());
        let mut members = vec![("d", bytes(key.d()))];
        let primes = key.primes();
        let crt = (key.dp(), key.dq(), key.crt_coefficient());
        if let ([p, q], (Some(dp), Some(dq), Some(qi))) = (primes, crt) {
            members.push(("p", bytes(p.as_ref())));
            members.push(("q", bytes(q.as_ref())));
            members.push(("dp", bytes(dp)));
            members.push(("dq", bytes(dq)));
            members.push(("qi", bytes(&qi)));
        }
        members
    }

    /// Encodes a private key as PKCS#8 DER: with the id-RSASSA-PSS OID when it is
    /// bound to rsa-pss-sha512, so the binding survives a reload, else with rsaEncryption.
    pub(crate) fn to_pkcs8(key: &PrivateKey, algorithm: Algorithm) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let failed = |err: pkcs8::Error| KeyError::malformed("PKCS#8", err);
        if algorithm != Algorithm::RsaPssSha512 {
            return Ok(key.to_pkcs8_der().map_err(failed)?.to_bytes());
        }
        let inner = key
            .to_pkcs1_der()
            .map_err(|err| KeyError::malformed("PKCS#1", err))?;
        let octets =
            OctetStringRef::new(inner.as_bytes()).map_err(|err| KeyError::malformed("PKCS#8", err))?;
        let info = PrivateKeyInfoRef::new(
            AlgorithmIdentifierRef {
                oid: OID_RSA_PSS,
                parameters: None,
            },
            octets,
        );
        let document = SecretDocument::encode_msg(&info).map_err(|err| KeyError::malformed("PKCS#8", err))?;
        Ok(document.to_bytes())
    }

    /// Signs `message` with `algorithm` (one of the two RSA algorithms).
    pub(crate) fn sign(key: &PrivateKey, algorithm: Algorithm, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let signature = match algorithm {
            Algorithm::RsaPssSha512 => key.pss_sign::<Sha512>(message),
            _ => key.pkcs1v15_sign::<Sha256>(message),
        };
        signature.map_err(|err| KeyError::SigningFailed(err.to_string()))
    }

    fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
        let start = bytes.iter().position(|byte| *byte != 0).unwrap_or(bytes.len());
        &bytes[start..]
    }
}
