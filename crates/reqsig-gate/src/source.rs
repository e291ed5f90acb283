//! Key sources: the places the gate finds key records (memory, a registry file, or elsewhere).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use crate::record::KeyRecord;

/// A boxed future, so key sources can be shared as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A failure to consult a key source (as opposed to a key that is not there).
#[derive(Clone, Debug, thiserror::Error)]
#[error("the key source is unavailable: {0}")]
pub struct SourceUnavailable(pub String);

/// A source of key records, looked up by key id.
pub trait KeySource: Send + Sync {
    /// Looks a key up; `Ok(None)` means no key has this id.
    fn lookup<'a>(
        &'a self,
        key_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Arc<KeyRecord>>, SourceUnavailable>>;
}

/// Key records held in memory; records can be added, replaced and removed
/// while requests are being verified.
///
/// ```
/// use reqsig::{Algorithm, SigningKey};
/// use reqsig_gate::{KeyRecord, MemoryRegistry};
///
/// let registry = MemoryRegistry::default();
/// let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
/// registry.insert(KeyRecord::new("key-1", "client-a", key.verifying_key()));
/// assert!(registry.get("key-1").is_some());
/// ```
#[derive(Debug, Default)]
pub struct MemoryRegistry {
    records: RwLock<HashMap<String, Arc<KeyRecord>>>,
}

impl MemoryRegistry {
    /// Creates a registry holding `records`.
    pub fn with_records(records: impl IntoIterator<Item = KeyRecord>) -> MemoryRegistry {
        let registry = MemoryRegistry::default();
        for record in records {
            registry.insert(record);
        }
        registry
    }

    /// Adds a record, replacing one with the same key id.
    pub fn insert(&self, record: KeyRecord) {
        self.write().insert(record.key_id.clone(), Arc::new(record));
    }

    /// Removes a record.
    pub fn remove(&self, key_id: &str) -> Option<Arc<KeyRecord>> {
        self.write().remove(key_id)
    }

    /// Returns a record.
    pub fn get(&self, key_id: &str) -> Option<Arc<KeyRecord>> {
        self.read().get(key_id).cloned()
    }

    /// Returns every record, in no particular order.
    pub fn records(&self) -> Vec<Arc<KeyRecord>> {
        self.read().values().cloned().collect()
    }

    /// Replaces every record at once.
    pub fn replace_all(&self, records: HashMap<String, Arc<KeyRecord>>) {
        *self.write() = records;
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<KeyRecord>>> {
        // A writer that panicked left a complete map behind (inserts are single
        // operations), so the poisoned lock is still safe to read.
        self.records
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Arc<KeyRecord>>> {
        self.records
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl KeySource for MemoryRegistry {
    fn lookup<'a>(
        &'a self,
        key_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Arc<KeyRecord>>, SourceUnavailable>> {
        let found = self.get(key_id);
        Box::pin(async move { Ok(found) })
    }
}
