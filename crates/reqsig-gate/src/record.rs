//! What the server knows about one key: owner, validity, status and limits.

use std::borrow::Borrow;
use std::fmt;
use std::sync::Arc;

use ipnet::IpNet;
use reqsig::VerifyingKey;

use crate::scope::Scope;

/// Whether a key may still be used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyStatus {
    /// The key is in use.
    #[default]
    Active,
    /// The key was withdrawn; every signature made with it is rejected.
    Revoked,
}

/// A per-key rate limit: `requests` per `per_seconds`, with bursts up to `burst`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per period.
    pub requests: u32,
    /// The period, in seconds.
    pub per_seconds: u32,
    /// Requests allowed at once after a quiet period; at least 1.
    pub burst: u32,
}

/// One registered key and the rules that apply to requests signed with it.
///
/// ```
/// use reqsig::{Algorithm, SigningKey};
/// use reqsig_gate::KeyRecord;
///
/// let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
/// let record = KeyRecord::new("key-1", "client-a", key.verifying_key());
/// assert_eq!(record.client_id, "client-a");
/// assert!(record.scopes.is_empty());
/// ```
#[derive(Clone)]
pub struct KeyRecord {
    /// The key id a signature names in `keyid`.
    pub key_id: String,
    /// The client the key belongs to; several keys may share one client, for rotation.
    pub client_id: String,
    /// The verification key, bound to its algorithm.
    pub key: VerifyingKey,
    /// Seconds since the Unix epoch before which the key is not valid.
    pub not_before: Option<u64>,
    /// Seconds since the Unix epoch after which the key is not valid.
    pub not_after: Option<u64>,
    /// Active or revoked.
    pub status: KeyStatus,
    /// Methods and paths the key may call; empty allows every request.
    pub scopes: Vec<Scope>,
    /// Source networks allowed to use the key; empty allows any address.
    pub source_cidrs: Vec<IpNet>,
    /// The key's rate limit, if any.
    pub rate_limit: Option<RateLimit>,
}

impl KeyRecord {
    /// Creates an active record with no scopes, no address restriction, no validity bounds and no rate limit.
    pub fn new(key_id: impl Into<String>, client_id: impl Into<String>, key: VerifyingKey) -> KeyRecord {
        KeyRecord {
            key_id: key_id.into(),
            client_id: client_id.into(),
            key,
            not_before: None,
            not_after: None,
            status: KeyStatus::Active,
            scopes: Vec::new(),
            source_cidrs: Vec::new(),
            rate_limit: None,
        }
    }

    /// Returns why the key cannot be used at `now`, or `None` when it can.
    pub fn unusable_reason(&self, now: u64) -> Option<&'static str> {
        if self.status == KeyStatus::Revoked {
            return Some("revoked");
        }
        if self.not_before.is_some_and(|start| now < start) {
            return Some("not yet valid");
        }
        if self.not_after.is_some_and(|end| now > end) {
            return Some("expired");
        }
        None
    }
}

impl fmt::Debug for KeyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRecord")
            .field("key_id", &self.key_id)
            .field("client_id", &self.client_id)
            .field("algorithm", &self.key.algorithm())
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("status", &self.status)
            .field("scopes", &self.scopes.len())
            .field("source_cidrs", &self.source_cidrs)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

/// A shared record that lends its verification key to the core verifier.
#[derive(Clone, Debug)]
pub struct RecordKey(pub Arc<KeyRecord>);

impl Borrow<VerifyingKey> for RecordKey {
    fn borrow(&self) -> &VerifyingKey {
        &self.0.key
    }
}
