//! Replay protection: remembering (key id, nonce) pairs until their signature
//! could no longer be accepted anyway.

mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::time::Duration;

pub use memory::MemoryReplayStore;
#[cfg(feature = "redis")]
pub use redis::RedisReplayStore;

use crate::source::BoxFuture;

/// Whether a nonce was new.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// First time seen; the store now remembers it.
    Fresh,
    /// Seen before within its retention: a replay.
    Replayed,
}

/// The failure of a store that could not decide. The gate rejects the request with 503
/// (fail closed), because accepting it could accept a replay.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The in-memory store is at capacity with nonces that have not expired.
    #[error("the replay store is full ({capacity} unexpired nonces); retry later or raise its capacity")]
    Full {
        /// The configured capacity.
        capacity: usize,
    },
    /// The backing service did not respond.
    #[error("the replay store is unavailable: {0}")]
    Unavailable(String),
}

/// A store of recently seen nonces.
///
/// Stores key on a hash of (key id, nonce), never on signature bytes: an
/// ECDSA signature can be altered into another valid one, so a store keyed on
/// signatures would let a replay through.
pub trait ReplayStore: Send + Sync {
    /// Records the nonce of `key_id` for `retention`, or reports that it was seen already.
    fn check_and_remember<'a>(
        &'a self,
        key_id: &'a str,
        nonce: &'a str,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Freshness, StoreError>>;
}
