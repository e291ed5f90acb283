//! HMAC-SHA256 shared secrets (RFC 9421 section 3.3.3).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::KeyError;
use super::error::HMAC_SECRET;

/// The shortest accepted secret, in bytes.
///
/// RFC 7518 section 3.2 requires an HS256 key at least as long as the SHA-256
/// output (32 bytes), and RFC 2104 section 3 advises against keys shorter than
/// the hash output. Shorter secrets are rejected instead of silently weakening HMAC.
pub(crate) const MIN_SECRET_LEN: usize = 32;

/// The length of an HMAC-SHA256 signature, in bytes.
const SIGNATURE_LEN: usize = 32;

/// A shared HMAC secret, zeroized on drop.
///
/// The HMAC state keyed with the secret (the SHA-256 states after the inner
/// and outer padded key blocks) is computed once, when the key is loaded, and
/// cloned for each message, which saves two block compressions per tag. That
/// state is as secret as the key: with the `zeroize` features of `hmac` and
/// `sha2` enabled in this crate's manifest, it and every clone are zeroized
/// on drop as well.
#[derive(Clone)]
pub(crate) struct HmacSecret {
    secret: Zeroizing<Vec<u8>>,
    keyed: Hmac<Sha256>,
}

impl HmacSecret {
    /// Copies `secret`, rejecting one shorter than [`MIN_SECRET_LEN`].
    pub(crate) fn new(secret: &[u8]) -> Result<HmacSecret, KeyError> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(KeyError::InvalidLength {
                what: HMAC_SECRET,
                expected: "at least 32 bytes (RFC 7518 section 3.2)",
                actual: secret.len(),
            });
        }
        let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        Ok(HmacSecret {
            secret: Zeroizing::new(secret.to_vec()),
            keyed,
        })
    }

    /// Returns the secret bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.secret
    }

    /// Computes HMAC-SHA256 of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.mac(message).to_vec()
    }

    /// Checks `signature` against HMAC-SHA256 of `message` in constant time.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), KeyError> {
        if signature.len() != SIGNATURE_LEN {
            return Err(KeyError::InvalidSignature);
        }
        if tags_equal(&self.mac(message), signature) {
            Ok(())
        } else {
            Err(KeyError::InvalidSignature)
        }
    }

    /// Compares two secrets in constant time (for secrets of equal length).
    pub(crate) fn ct_eq(&self, other: &HmacSecret) -> bool {
        bool::from(self.secret.as_slice().ct_eq(other.secret.as_slice()))
    }

    fn mac(&self, message: &[u8]) -> [u8; SIGNATURE_LEN] {
        let mut mac = self.keyed.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }
}

/// Compares two tags in constant time.
///
/// The differences of all bytes are folded into one word first, and only
/// that word passes through `subtle`'s optimization barrier, instead of
/// each byte as `subtle`'s slice comparison does.
fn tags_equal(expected: &[u8; SIGNATURE_LEN], actual: &[u8]) -> bool {
    if actual.len() != SIGNATURE_LEN {
        return false;
    }
    let mut difference = 0u64;
    for (left, right) in expected.chunks_exact(8).zip(actual.chunks_exact(8)) {
        difference |= word(left) ^ word(right);
    }
    bool::from(difference.ct_eq(&0))
}

/// Reads a chunk of eight bytes as one word.
fn word(chunk: &[u8]) -> u64 {
    u64::from_ne_bytes(chunk.try_into().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    use super::HmacSecret;

    fn keyed_per_call(secret: &[u8], message: &[u8]) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }

    #[test]
    fn precomputed_state_matches_keying_per_call() {
        // 64 bytes is the SHA-256 block size; longer secrets are hashed first.
        for secret_len in [32, 63, 64, 65, 200] {
            let secret: Vec<u8> = (0..secret_len).map(|i| i as u8).collect();
            let key = HmacSecret::new(&secret).unwrap();
            for message_len in [0, 1, 55, 64, 1000] {
                let message = vec![b'm'; message_len];
                let expected = keyed_per_call(&secret, &message);
                assert_eq!(
                    key.sign(&message),
                    expected,
                    "secret {secret_len}, message {message_len}"
                );
                assert!(key.verify(&message, &expected).is_ok());
            }
        }
    }

    #[test]
    fn verify_rejects_altered_tag() {
        let key = HmacSecret::new(&[3; 32]).unwrap();
        let tag = key.sign(b"message");
        assert!(key.verify(b"message", &tag).is_ok());
        for position in 0..tag.len() {
            let mut altered = tag.clone();
            altered[position] ^= 0x01;
            assert!(key.verify(b"message", &altered).is_err(), "byte {position}");
        }
        assert!(key.verify(b"message", &tag[..31]).is_err());
        let mut longer = tag.clone();
        longer.push(0);
        assert!(key.verify(b"message", &longer).is_err());
    }

    #[test]
    fn short_secret_message_gives_fix() {
        let message = HmacSecret::new(&[1; 31]).err().unwrap().to_string();
        assert!(message.starts_with("invalid HMAC secret length: "), "{message}");
        assert!(message.contains("expected at least 32 bytes"), "{message}");
        assert!(message.contains("got 31 bytes"), "{message}");
        assert!(
            message.contains("use a random secret of at least 32 bytes"),
            "{message}"
        );
        assert!(
            message.contains("`reqsig keygen --alg hmac-sha256 --out FILE`"),
            "{message}"
        );
        assert!(!message.contains("SigningKey"), "{message}");
    }

    #[test]
    fn tags_do_not_depend_on_earlier_messages() {
        let key = HmacSecret::new(&[9; 32]).unwrap();
        let first = key.sign(b"first message");
        key.sign(b"a second, longer message that spans more than one block of input bytes");
        assert_eq!(key.sign(b"first message"), first);
        assert!(key.clone().verify(b"first message", &first).is_ok());
        assert!(key.verify(b"other message", &first).is_err());
    }
}
