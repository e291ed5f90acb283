//! Generation of new keys from the operating system's random number generator.

use zeroize::Zeroizing;

use super::binding::require_feature;
use super::hmac::HmacSecret;
use super::signing::PrivateKey;
use super::{KeyError, SigningKey};
use crate::algorithm::Algorithm;

/// The length of a generated HMAC secret: the SHA-256 output size.
const HMAC_SECRET_LEN: usize = 32;

/// Generates a key for `algorithm`. RSA keys are not generated.
pub(crate) fn generate(algorithm: Algorithm) -> Result<SigningKey, KeyError> {
    require_feature(algorithm)?;
    if !algorithm.can_generate() {
        return Err(KeyError::GenerateUnsupported { algorithm });
    }
    let key = match algorithm {
        Algorithm::Ed25519 => {
            let seed = random::<32>()?;
            PrivateKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
        }
        Algorithm::HmacSha256 => PrivateKey::Hmac(HmacSecret::new(&random::<HMAC_SECRET_LEN>()?[..])?),
        #[cfg(feature = "ecdsa")]
        Algorithm::EcdsaP256Sha256 | Algorithm::EcdsaP384Sha384 => PrivateKey::Ecdsa(ecdsa_key(algorithm)?),
        _ => return Err(KeyError::GenerateUnsupported { algorithm }),
    };
    Ok(SigningKey::from_parts(algorithm, key))
}

/// Draws a random EC scalar by rejection sampling: a draw of zero or of a
/// value not below the curve order (probability below 2^-32) is drawn again.
#[cfg(feature = "ecdsa")]
fn ecdsa_key(algorithm: Algorithm) -> Result<super::ecdsa::EcdsaSigningKey, KeyError> {
    use super::binding::KeyType;
    use super::ecdsa::from_scalar;

    let curve = if algorithm == Algorithm::EcdsaP384Sha384 {
        KeyType::P384
    } else {
        KeyType::P256
    };
    for _ in 0..16 {
        let key = match curve {
            KeyType::P384 => from_scalar(curve, &random::<48>()?[..]),
            _ => from_scalar(curve, &random::<32>()?[..]),
        };
        if let Ok(key) = key {
            return Ok(key);
        }
    }
    Err(KeyError::RandomUnavailable(
        "16 random draws in a row were not valid EC scalars".into(),
    ))
}

/// Fills `N` bytes from the operating system's random number generator.
fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, KeyError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut_slice()).map_err(|err| KeyError::RandomUnavailable(err.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::generate;
    use crate::Algorithm;

    #[test]
    fn generate_matches_can_generate() {
        for algorithm in Algorithm::ALL.into_iter().filter(|a| a.is_supported()) {
            assert_eq!(
                generate(algorithm).is_ok(),
                algorithm.can_generate(),
                "{algorithm}"
            );
        }
    }
}
