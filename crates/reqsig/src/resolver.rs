//! Looking up verification keys by key id.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::future::{Future, ready};

use crate::Error;
use crate::keys::VerifyingKey;

/// Finds the verification key for a key id.
///
/// Every key is bound to one algorithm, so the key the resolver returns decides the
/// algorithm, never the signature's `alg` parameter. The lookup may be
/// asynchronous (a database, a JWKS endpoint); reqsig itself needs no runtime.
/// Return [`Error::UnknownKey`] for an id it does not know and
/// [`Error::KeyRejected`] for a key it knows but refuses (revoked, expired).
///
/// ```
/// use std::collections::HashMap;
/// use reqsig::{Algorithm, KeyResolver, SigningKey, VerifyingKey};
///
/// let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
/// let mut keys: HashMap<String, VerifyingKey> = HashMap::new();
/// keys.insert("client-1".to_owned(), key.verifying_key());
/// let _ = keys.resolve("client-1");
/// ```
pub trait KeyResolver {
    /// The key handed back: an owned key, a reference or an `Arc`.
    type Key<'a>: Borrow<VerifyingKey> + Send + 'a
    where
        Self: 'a;

    /// Looks the key up.
    fn resolve<'a>(
        &'a self,
        key_id: &'a str,
    ) -> impl Future<Output = Result<Self::Key<'a>, Error>> + Send + 'a;
}

impl KeyResolver for HashMap<String, VerifyingKey> {
    type Key<'a> = &'a VerifyingKey;

    fn resolve<'a>(
        &'a self,
        key_id: &'a str,
    ) -> impl Future<Output = Result<&'a VerifyingKey, Error>> + Send + 'a {
        ready(self.get(key_id).ok_or_else(|| Error::UnknownKey {
            keyid: key_id.to_owned(),
        }))
    }
}

/// A resolver with exactly one key under one id.
///
/// ```
/// use reqsig::{Algorithm, SigningKey, StaticKey};
///
/// let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
/// let resolver = StaticKey::new("client-1", key.verifying_key());
/// assert_eq!(resolver.key_id(), "client-1");
/// ```
#[derive(Clone, Debug)]
pub struct StaticKey {
    key_id: String,
    key: VerifyingKey,
}

impl StaticKey {
    /// Creates the resolver.
    pub fn new(key_id: impl Into<String>, key: VerifyingKey) -> StaticKey {
        StaticKey {
            key_id: key_id.into(),
            key,
        }
    }

    /// Returns its only key id.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }
}

impl KeyResolver for StaticKey {
    type Key<'a> = &'a VerifyingKey;

    fn resolve<'a>(
        &'a self,
        key_id: &'a str,
    ) -> impl Future<Output = Result<&'a VerifyingKey, Error>> + Send + 'a {
        ready(if key_id == self.key_id {
            Ok(&self.key)
        } else {
            Err(Error::UnknownKey {
                keyid: key_id.to_owned(),
            })
        })
    }
}
