//! The cryptographic floor: what signing and verifying the typical request
//! cost with no HTTP work at all.
//!
//! Signing is SHA-256 of the body plus the raw signature of the signature
//! base. Verifying is SHA-256 of the body plus the raw check of that
//! signature. The base is the one reqsig built for the request, so the
//! floor hashes exactly as many bytes as reqsig does.

use ed25519_dalek::Signer as _;
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::{Algorithm, ED25519_SEED, HMAC_SECRET};

/// The inputs of the floor for one algorithm: the key, the base and a valid signature of it.
pub struct Floor {
    algorithm: Algorithm,
    signing: ed25519_dalek::SigningKey,
    verifying: ed25519_dalek::VerifyingKey,
    secret: [u8; 32],
    base: Vec<u8>,
    signature: Vec<u8>,
}

/// A raw signature, kept on the stack as the primitives return it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawSignature {
    /// An Ed25519 signature.
    Ed25519([u8; 64]),
    /// An HMAC-SHA256 tag.
    Hmac([u8; 32]),
}

impl RawSignature {
    /// Returns the signature bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            RawSignature::Ed25519(bytes) => bytes,
            RawSignature::Hmac(bytes) => bytes,
        }
    }
}

impl Floor {
    /// Prepares the floor of `algorithm` over the signature base `base`.
    pub fn new(algorithm: Algorithm, base: &[u8]) -> Floor {
        let signing = ed25519_dalek::SigningKey::from_bytes(&ED25519_SEED);
        let mut floor = Floor {
            algorithm,
            verifying: signing.verifying_key(),
            signing,
            secret: HMAC_SECRET,
            base: base.to_vec(),
            signature: Vec::new(),
        };
        floor.signature = floor.sign_base().as_bytes().to_vec();
        floor
    }

    /// Hashes `body` and signs the base: the floor of signing.
    ///
    /// HMAC is keyed on every call, as an application calling the `hmac`
    /// crate directly would do. Keying costs two SHA-256 block compressions.
    #[inline(never)]
    pub fn sign(&self, body: &[u8]) -> ([u8; 32], RawSignature) {
        let digest: [u8; 32] = Sha256::digest(body).into();
        (digest, self.sign_base())
    }

    /// Hashes `body` and checks the signature of the base: the floor of verifying.
    ///
    /// Ed25519 uses `verify_strict`, the check reqsig makes.
    ///
    /// # Panics
    /// When the signature does not verify, which would be a bug in the setup.
    #[inline(never)]
    pub fn verify(&self, body: &[u8]) -> [u8; 32] {
        let digest: [u8; 32] = Sha256::digest(body).into();
        match self.algorithm {
            Algorithm::Ed25519 => {
                let signature =
                    ed25519_dalek::Signature::from_slice(&self.signature).expect("64-byte signature");
                self.verifying
                    .verify_strict(&self.base, &signature)
                    .expect("the floor signature verifies");
            }
            Algorithm::HmacSha256 => {
                let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.secret).expect("any key length");
                mac.update(&self.base);
                mac.verify_slice(&self.signature).expect("the floor tag verifies");
            }
        }
        digest
    }

    /// Verifies the Ed25519 signature of the base alone, without the body hash.
    ///
    /// # Panics
    /// For an HMAC floor, or when the signature does not verify.
    #[inline(never)]
    pub fn ed25519_verify_only(&self) {
        assert_eq!(
            self.algorithm,
            Algorithm::Ed25519,
            "ed25519_verify_only needs an Ed25519 floor"
        );
        let signature = ed25519_dalek::Signature::from_slice(&self.signature).expect("64-byte signature");
        self.verifying
            .verify_strict(&self.base, &signature)
            .expect("the floor signature verifies");
    }

    fn sign_base(&self) -> RawSignature {
        match self.algorithm {
            Algorithm::Ed25519 => RawSignature::Ed25519(self.signing.sign(&self.base).to_bytes()),
            Algorithm::HmacSha256 => {
                let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.secret).expect("any key length");
                mac.update(&self.base);
                RawSignature::Hmac(mac.finalize().into_bytes().into())
            }
        }
    }
}
