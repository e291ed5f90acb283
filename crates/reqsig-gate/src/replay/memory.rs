//! The in-memory replay store: bounded, with time-bucketed eviction.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqsig::clock::{Clock, SystemClock};

use super::{Freshness, ReplayStore, StoreError};
use crate::source::BoxFuture;

/// The number of time buckets the retention period is split into.
const BUCKETS: u64 = 16;

/// Nonces remembered in this process's memory.
///
/// Nonces are kept as 128-bit keyed hashes of (key id, nonce), with a key
/// chosen at random when the store is created. They are grouped into time
/// buckets; a bucket is dropped as a whole once every nonce in it is past its
/// retention. When the store contains `capacity` unexpired nonces it rejects new
/// ones with [`StoreError::Full`] instead of forgetting unexpired ones, which
/// would let their replays through.
///
/// It is per process: servers with several processes or hosts need a shared
/// store such as the Redis one.
///
/// ```
/// use std::time::Duration;
/// use reqsig_gate::replay::{Freshness, MemoryReplayStore, ReplayStore};
///
/// let store = MemoryReplayStore::new(1000);
/// let retention = Duration::from_secs(330);
/// let first = store.check_now("key-1", "n-1", retention);
/// assert_eq!(first, Ok(Freshness::Fresh));
/// assert_eq!(store.check_now("key-1", "n-1", retention), Ok(Freshness::Replayed));
/// ```
pub struct MemoryReplayStore {
    capacity: usize,
    hash_keys: (RandomState, RandomState),
    clock: Arc<dyn Clock>,
    buckets: Mutex<Ring>,
}

#[derive(Default)]
struct Ring {
    /// Buckets in time order: (first second covered, hashes).
    buckets: VecDeque<(u64, HashSet<u128, BuildHasherDefault<IdentityHasher>>)>,
    len: usize,
}

/// The stored values are already keyed hashes, so the set does not hash them again.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u128(&mut self, value: u128) {
        // The value is uniformly distributed, so its low bits make a good hash.
        self.0 = value as u64;
    }
}

impl MemoryReplayStore {
    /// Creates a store that keeps at most `capacity` unexpired nonces.
    pub fn new(capacity: usize) -> MemoryReplayStore {
        MemoryReplayStore {
            capacity,
            hash_keys: (RandomState::new(), RandomState::new()),
            clock: Arc::new(SystemClock),
            buckets: Mutex::new(Ring::default()),
        }
    }

    /// Sets the clock (default: the system clock).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> MemoryReplayStore {
        self.clock = clock;
        self
    }

    /// Returns the number of nonces held, expired buckets not yet dropped included.
    pub fn len(&self) -> usize {
        self.lock().len
    }

    /// Reports whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records the nonce or reports a replay, without a future: the synchronous form of
    /// [`ReplayStore::check_and_remember`].
    ///
    /// # Errors
    /// [`StoreError::Full`] at capacity.
    pub fn check_now(&self, key_id: &str, nonce: &str, retention: Duration) -> Result<Freshness, StoreError> {
        let fingerprint = self.fingerprint(key_id, nonce);
        let now = self.clock.now();
        let retention = retention.as_secs().max(1);
        let width = retention.div_ceil(BUCKETS).max(1);
        let mut ring = self.lock();

        // A bucket starting at `start` holds nonces seen before `start + width`,
        // which all expire by `start + width + retention`.
        while let Some((start, set)) = ring.buckets.front() {
            if start + width + retention > now {
                break;
            }
            let dropped = set.len();
            ring.buckets.pop_front();
            ring.len -= dropped;
        }
        if ring.buckets.iter().any(|(_, set)| set.contains(&fingerprint)) {
            return Ok(Freshness::Replayed);
        }
        if ring.len >= self.capacity {
            return Err(StoreError::Full {
                capacity: self.capacity,
            });
        }
        let current = now - now % width;
        if ring.buckets.back().is_none_or(|(start, _)| *start != current) {
            ring.buckets.push_back((current, HashSet::default()));
        }
        if let Some((_, set)) = ring.buckets.back_mut() {
            set.insert(fingerprint);
        }
        ring.len += 1;
        Ok(Freshness::Fresh)
    }

    fn fingerprint(&self, key_id: &str, nonce: &str) -> u128 {
        let hash = |state: &RandomState| {
            let mut hasher = state.build_hasher();
            hasher.write_usize(key_id.len());
            hasher.write(key_id.as_bytes());
            hasher.write(nonce.as_bytes());
            hasher.finish()
        };
        (u128::from(hash(&self.hash_keys.0)) << 64) | u128::from(hash(&self.hash_keys.1))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ring> {
        // Every update leaves the ring consistent before it can panic, so a
        // poisoned lock still guards a usable ring.
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl ReplayStore for MemoryReplayStore {
    fn check_and_remember<'a>(
        &'a self,
        key_id: &'a str,
        nonce: &'a str,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Freshness, StoreError>> {
        let result = self.check_now(key_id, nonce, retention);
        Box::pin(async move { result })
    }
}

impl std::fmt::Debug for MemoryReplayStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryReplayStore")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    struct ManualClock(AtomicU64);

    impl Clock for ManualClock {
        fn now(&self) -> u64 {
            self.0.load(Ordering::SeqCst)
        }
    }

    #[test]
    fn replay_detected_until_retention_passes() {
        let clock = Arc::new(ManualClock(AtomicU64::new(1_000)));
        let store = MemoryReplayStore::new(10).with_clock(clock.clone());
        let retention = Duration::from_secs(330);
        assert_eq!(store.check_now("k", "n", retention), Ok(Freshness::Fresh));
        clock.0.store(1_000 + 330, Ordering::SeqCst);
        assert_eq!(store.check_now("k", "n", retention), Ok(Freshness::Replayed));
        clock.0.store(1_000 + 330 + 330, Ordering::SeqCst);
        assert_eq!(store.check_now("k", "n", retention), Ok(Freshness::Fresh));
    }

    #[test]
    fn full_store_rejects_instead_of_evicting() {
        let store = MemoryReplayStore::new(2);
        let retention = Duration::from_secs(60);
        assert_eq!(store.check_now("k", "a", retention), Ok(Freshness::Fresh));
        assert_eq!(store.check_now("k", "b", retention), Ok(Freshness::Fresh));
        assert_eq!(
            store.check_now("k", "c", retention),
            Err(StoreError::Full { capacity: 2 })
        );
        assert_eq!(store.check_now("k", "a", retention), Ok(Freshness::Replayed));
    }

    #[test]
    fn same_nonce_other_key_is_fresh() {
        let store = MemoryReplayStore::new(10);
        let retention = Duration::from_secs(60);
        assert_eq!(store.check_now("k1", "n", retention), Ok(Freshness::Fresh));
        assert_eq!(store.check_now("k2", "n", retention), Ok(Freshness::Fresh));
        // The length prefix keeps ("ab", "c") apart from ("a", "bc").
        assert_eq!(store.check_now("ab", "c", retention), Ok(Freshness::Fresh));
        assert_eq!(store.check_now("a", "bc", retention), Ok(Freshness::Fresh));
    }
}
