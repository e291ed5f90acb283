//! The Redis replay store, shared by several verifier instances.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use super::{Freshness, ReplayStore, StoreError};
use crate::source::BoxFuture;

/// Nonces remembered in Redis, one `SET key 1 NX PX retention` per request.
///
/// Every verifier instance that shares the Redis database sees the same
/// nonces, so a replay sent to another instance is caught. Keys are
/// `<prefix>` followed by the hex SHA-256 of the length-prefixed key id and
/// the nonce; the hash is unkeyed so that every instance computes the same
/// key. When Redis does not answer, the store returns
/// [`StoreError::Unavailable`] and the gate rejects the request (fail
/// closed); the connection manager reconnects by itself.
pub struct RedisReplayStore {
    client: redis::Client,
    prefix: String,
    config: ConnectionManagerConfig,
    manager: OnceCell<ConnectionManager>,
}

impl RedisReplayStore {
    /// Creates a store for a `redis://` URL. No connection is made until the first request.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the URL is invalid; the message never includes a password.
    pub fn new(url: &str) -> Result<RedisReplayStore, StoreError> {
        let client = redis::Client::open(url)
            .map_err(|e| StoreError::Unavailable(format!("invalid Redis URL: {}", e.kind_description())))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1);
        Ok(RedisReplayStore {
            client,
            prefix: "reqsig:nonce:".to_owned(),
            config,
            manager: OnceCell::new(),
        })
    }

    /// Sets the key prefix (default `reqsig:nonce:`).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> RedisReplayStore {
        self.prefix = prefix.into();
        self
    }

    fn key(&self, key_id: &str, nonce: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update((key_id.len() as u64).to_be_bytes());
        hasher.update(key_id.as_bytes());
        hasher.update(nonce.as_bytes());
        let digest = hasher.finalize();
        let mut key = String::with_capacity(self.prefix.len() + 64);
        key.push_str(&self.prefix);
        for byte in digest {
            key.push_str(&format!("{byte:02x}"));
        }
        key
    }

    async fn manager(&self) -> Result<ConnectionManager, StoreError> {
        self.manager
            .get_or_try_init(|| async {
                ConnectionManager::new_with_config(self.client.clone(), self.config.clone())
                    .await
                    .map_err(|e| StoreError::Unavailable(e.kind_description().to_owned()))
            })
            .await
            .cloned()
    }

    async fn set_nx(&self, key_id: &str, nonce: &str, retention: Duration) -> Result<Freshness, StoreError> {
        let mut connection = self.manager().await?;
        let millis = u64::try_from(retention.as_millis()).unwrap_or(u64::MAX).max(1);
        let reply: Option<String> = redis::cmd("SET")
            .arg(self.key(key_id, nonce))
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(millis)
            .query_async(&mut connection)
            .await
            .map_err(|e| StoreError::Unavailable(e.kind_description().to_owned()))?;
        Ok(if reply.is_some() {
            Freshness::Fresh
        } else {
            Freshness::Replayed
        })
    }
}

trait KindDescription {
    fn kind_description(&self) -> String;
}

impl KindDescription for redis::RedisError {
    /// Describes the error without the URL, which may hold a password.
    fn kind_description(&self) -> String {
        format!("{:?} error ({})", self.kind(), self.category())
    }
}

impl ReplayStore for RedisReplayStore {
    fn check_and_remember<'a>(
        &'a self,
        key_id: &'a str,
        nonce: &'a str,
        retention: Duration,
    ) -> BoxFuture<'a, Result<Freshness, StoreError>> {
        Box::pin(self.set_nx(key_id, nonce, retention))
    }
}

impl std::fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisReplayStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}
