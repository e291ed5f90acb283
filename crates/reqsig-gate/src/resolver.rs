//! The gate's key resolver: a key source plus the status and validity checks.

use std::sync::{Arc, Mutex};

use reqsig::clock::Clock;
use reqsig::{Error, KeyResolver};

use crate::record::{KeyRecord, RecordKey};
use crate::source::KeySource;

/// Resolves keys for one request and remembers what it found, so the gate can
/// apply the record's scopes and limits after the signature verifies.
pub(crate) struct GateResolver<'g> {
    pub source: &'g dyn KeySource,
    pub clock: &'g dyn Clock,
    pub allow_test_keys: bool,
    pub found: Mutex<Vec<Arc<KeyRecord>>>,
    pub source_error: Mutex<Option<String>>,
}

impl GateResolver<'_> {
    /// Returns the record that was resolved for `key_id`.
    pub fn record(&self, key_id: &str) -> Option<Arc<KeyRecord>> {
        self.found
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .find(|record| record.key_id == key_id)
            .cloned()
    }

    /// Returns the error of a key source that could not be consulted.
    pub fn source_error(&self) -> Option<String> {
        self.source_error
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    async fn lookup(&self, key_id: &str) -> Result<RecordKey, Error> {
        let record = match self.source.lookup(key_id).await {
            Ok(Some(record)) => record,
            Ok(None) => {
                return Err(Error::UnknownKey {
                    keyid: key_id.to_owned(),
                });
            }
            Err(unavailable) => {
                *self
                    .source_error
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(unavailable.0.clone());
                return Err(Error::KeyRejected {
                    keyid: key_id.to_owned(),
                    reason: unavailable.to_string(),
                });
            }
        };
        self.found
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(record.clone());
        if let Some(reason) = record.unusable_reason(self.clock.now()) {
            return Err(Error::KeyRejected {
                keyid: key_id.to_owned(),
                reason: reason.to_owned(),
            });
        }
        if !self.allow_test_keys && record.key.is_rfc9421_test_key() {
            return Err(Error::KeyRejected {
                keyid: key_id.to_owned(),
                reason: "it is a published RFC 9421 test key; allow test keys explicitly to use it"
                    .to_owned(),
            });
        }
        Ok(RecordKey(record))
    }
}

impl KeyResolver for GateResolver<'_> {
    type Key<'a>
        = RecordKey
    where
        Self: 'a;

    fn resolve<'a>(&'a self, key_id: &'a str) -> impl Future<Output = Result<RecordKey, Error>> + Send + 'a {
        self.lookup(key_id)
    }
}
