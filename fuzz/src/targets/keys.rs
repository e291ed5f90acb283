//! Key loading: PEM, DER and JWK (including JWK Sets).
//!
//! Input: the bytes of a key file. A key that loads must survive a round
//! trip through its own export formats, and a private key must make
//! signatures that its public half verifies.

use reqsig::{Algorithm, JwkSet, KeyError, SigningKey, VerifyingKey};

/// The message the signing checks sign.
const MESSAGE: &[u8] = b"\"@method\": POST\n\"@signature-params\": (\"@method\");created=1618884480";

/// Runs the target on one input.
pub fn run(data: &[u8]) {
    for requested in requests(|algorithm| VerifyingKey::load(data, algorithm)) {
        if let Ok(key) = VerifyingKey::load(data, requested) {
            check_verifying_key(&key);
        }
    }
    for requested in requests(|algorithm| SigningKey::load(data, algorithm)) {
        if let Ok(key) = SigningKey::load(data, requested) {
            check_signing_key(&key);
        }
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(entries) = JwkSet::parse(text, None)
    {
        for entry in entries {
            check_verifying_key(&entry.key);
        }
    }
}

/// Returns the algorithms to request: none, and for an RSA key that needs
/// one, both RSA algorithms.
fn requests<T>(load: impl Fn(Option<Algorithm>) -> Result<T, KeyError>) -> Vec<Option<Algorithm>> {
    match load(None) {
        Err(KeyError::AlgorithmRequired { .. }) => {
            vec![Some(Algorithm::RsaPssSha512), Some(Algorithm::RsaV15Sha256)]
        }
        _ => vec![None],
    }
}

fn check_verifying_key(key: &VerifyingKey) {
    let algorithm = key.algorithm();
    if algorithm.is_symmetric() {
        assert!(key.thumbprint().is_none(), "an HMAC key has a thumbprint");
        let jwk = key.to_secret_jwk(None).expect("an HMAC key has a secret JWK");
        let reloaded = VerifyingKey::from_jwk(&jwk, Some(algorithm)).expect("the secret JWK loads again");
        assert!(reloaded == *key, "the secret JWK loads another key");
        return;
    }

    let thumbprint = key.thumbprint().expect("a public key has a thumbprint");
    let jwk = key.to_jwk(None).expect("a public key has a JWK");
    let from_jwk = VerifyingKey::from_jwk(&jwk, Some(algorithm))
        .unwrap_or_else(|error| panic!("the exported JWK {jwk} does not load again: {error}"));
    assert_eq!(from_jwk, *key, "the exported JWK loads another key");
    assert_eq!(from_jwk.thumbprint().as_deref(), Some(thumbprint.as_str()));

    let pem = key.to_spki_pem().expect("a public key has an SPKI form");
    let from_pem = VerifyingKey::from_pem(&pem, Some(algorithm))
        .unwrap_or_else(|error| panic!("the exported PEM {pem} does not load again: {error}"));
    assert_eq!(from_pem, *key, "the exported PEM loads another key");
}

fn check_signing_key(key: &SigningKey) {
    let public = key.verifying_key();
    assert_eq!(public.algorithm(), key.algorithm());
    let signature = key.sign(MESSAGE).expect("a loaded key signs");
    assert!(
        public.verify(MESSAGE, &signature).is_ok(),
        "a signature of a loaded {} key does not verify under its public half",
        key.algorithm()
    );
    let mut altered = MESSAGE.to_vec();
    altered[1] ^= 1;
    assert!(
        public.verify(&altered, &signature).is_err(),
        "a signature verifies over another message"
    );
    check_verifying_key(&public);

    match key.to_pkcs8_pem() {
        Ok(pem) => {
            let reloaded = SigningKey::from_pem(&pem, Some(key.algorithm()))
                .unwrap_or_else(|error| panic!("the exported PKCS#8 key does not load again: {error}"));
            assert_eq!(
                reloaded.verifying_key(),
                public,
                "the exported PKCS#8 key loads another key"
            );
        }
        Err(error) => assert!(
            key.algorithm().is_symmetric(),
            "a {} key has no PKCS#8 form: {error}",
            key.algorithm()
        ),
    }
}
