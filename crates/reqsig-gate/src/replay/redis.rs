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
/// key. When Redis does not respond, the store returns
/// [`StoreError::Unavailable`] and the gate rejects the request (fail
/// closed); the connection manager reconnects by itself.
pub struct RedisReplayStore {
    client: redis::Client,
    /// The URL with its password replaced by `***`, for error messages.
    redacted_url: String,
    prefix: String,
    config: ConnectionManagerConfig,
    manager: OnceCell<ConnectionManager>,
}

impl RedisReplayStore {
    /// Creates a store for a `redis://` URL such as `redis://127.0.0.1:6379/0`.
    /// No connection is made until the first request.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the URL is invalid. The message shows
    /// the URL with its password replaced by `***`.
    pub fn new(url: &str) -> Result<RedisReplayStore, StoreError> {
        let client = redis::Client::open(url).map_err(|error| invalid_url(url, &error))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(1);
        Ok(RedisReplayStore {
            client,
            redacted_url: redact_url(url),
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
                    .map_err(|error| self.unavailable("connecting to", &error))
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
            .map_err(|error| self.unavailable("the SET command to", &error))?;
        Ok(if reply.is_some() {
            Freshness::Fresh
        } else {
            Freshness::Replayed
        })
    }

    /// Builds the error for a failed `action` ("connecting to", ...) on
    /// Redis, with the redacted URL and the cause.
    fn unavailable(&self, action: &str, error: &redis::RedisError) -> StoreError {
        let password = self.client.get_connection_info().redis_settings().password();
        StoreError::Unavailable(format!(
            "{action} Redis at {} failed: {}",
            self.redacted_url,
            describe(error, password)
        ))
    }
}

/// The URL forms that [`RedisReplayStore::new`] accepts, for error messages.
const URL_FORMS: &str = "expected redis://HOST:PORT/DB, such as redis://127.0.0.1:6379/0, \
with USER:PASSWORD@ before HOST when Redis requires a password, \
or redis+unix:///PATH/TO/redis.sock for a Unix socket";

/// Builds the error for a URL that `redis::Client::open` rejected.
fn invalid_url(url: &str, error: &redis::RedisError) -> StoreError {
    let scheme = url.split_once("://").map(|(scheme, _)| scheme);
    let reason = match scheme {
        None => "it has no scheme".to_owned(),
        Some("rediss" | "valkeys") => {
            "TLS URLs are not supported, because this build of the redis client has no TLS feature".to_owned()
        }
        Some(scheme) if !is_redis_scheme(scheme) => format!("the scheme {scheme:?} is not a Redis scheme"),
        Some(_) => describe(error, None),
    };
    StoreError::Unavailable(format!(
        "invalid Redis URL {:?} ({reason}): {URL_FORMS}",
        redact_url(url)
    ))
}

/// Returns whether the redis client (version 1.8) reads URLs of `scheme`.
fn is_redis_scheme(scheme: &str) -> bool {
    matches!(
        scheme,
        "redis" | "rediss" | "valkey" | "valkeys" | "redis+unix" | "valkey+unix" | "unix"
    )
}

/// Describes a Redis error, such as "Connection refused (os error 111)".
///
/// The redis client's messages do not repeat the URL. `password`, when
/// given, is still replaced by `***` in case a server echoes it.
fn describe(error: &redis::RedisError, password: Option<&str>) -> String {
    // The client writes its own errors as "description - Kind[: detail]", and the kind adds nothing here.
    let text = error.to_string().replace(&format!(" - {:?}", error.kind()), "");
    match password {
        Some(password) if !password.is_empty() => text.replace(password, "***"),
        _ => text,
    }
}

/// Returns `url` with its password replaced by `***`.
///
/// The user information is everything before the last `@`, so a password
/// that contains `/`, `?` or `#` is hidden too. The username before its first
/// `:` is kept, and user information without a `:` is hidden whole, because
/// it may be a password written without the `:`. The `pass` and `password`
/// query parameters, which carry the password of a Unix socket URL, are
/// hidden as well.
pub(crate) fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let (user_info, address) = match rest.rsplit_once('@') {
        Some((user_info, address)) => {
            let user_info = match user_info.split_once(':') {
                Some((user, _password)) => format!("{user}:***@"),
                None => "***@".to_owned(),
            };
            (user_info, address)
        }
        None => (String::new(), rest),
    };
    format!("{scheme}{user_info}{}", redact_query(address))
}

/// Replaces the values of the `pass` and `password` query parameters by `***`.
fn redact_query(address: &str) -> String {
    let Some((before, query)) = address.split_once('?') else {
        return address.to_owned();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((query, fragment)) => (query, Some(fragment)),
        None => (query, None),
    };
    let parameters: Vec<String> = query
        .split('&')
        .map(|parameter| match parameter.split_once('=') {
            Some((name, _)) if name == "pass" || name == "password" => format!("{name}=***"),
            _ => parameter.to_owned(),
        })
        .collect();
    let mut redacted = format!("{before}?{}", parameters.join("&"));
    if let Some(fragment) = fragment {
        redacted.push('#');
        redacted.push_str(fragment);
    }
    redacted
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{RedisReplayStore, redact_url};
    use crate::replay::ReplayStore;

    fn url_error(url: &str) -> String {
        RedisReplayStore::new(url).unwrap_err().to_string()
    }

    #[test]
    fn invalid_url_message_shows_value_and_form() {
        let message = url_error("not a url");
        assert!(
            message.contains(r#"invalid Redis URL "not a url" (it has no scheme)"#),
            "{message}"
        );
        assert!(message.contains("redis://127.0.0.1:6379/0"), "{message}");
        assert!(!message.contains("InvalidClientConfig"), "{message}");
    }

    #[test]
    fn invalid_url_message_hides_password() {
        let message = url_error("http://user:hunter2@example.invalid/");
        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("http://user:***@example.invalid/"), "{message}");
        assert!(
            message.contains(r#"the scheme "http" is not a Redis scheme"#),
            "{message}"
        );
    }

    #[test]
    fn invalid_url_message_gives_cause() {
        let message = url_error("rediss://127.0.0.1:6379/0");
        assert!(message.contains("TLS URLs are not supported"), "{message}");
        let message = url_error("redis://:hunter2@127.0.0.1:6379/x");
        assert!(message.contains("Invalid database number"), "{message}");
        assert!(!message.contains("InvalidClientConfig"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn redact_url_hides_passwords() {
        let cases = [
            ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
            ("redis://:hunter2@127.0.0.1/", "redis://:***@127.0.0.1/"),
            ("redis://app:hunter2@127.0.0.1/", "redis://app:***@127.0.0.1/"),
            ("redis://hunter2@127.0.0.1/", "redis://***@127.0.0.1/"),
            ("redis://app:hun/ter@2@127.0.0.1/", "redis://app:***@127.0.0.1/"),
            ("app:hunter2@127.0.0.1", "app:***@127.0.0.1"),
            (
                "redis+unix:///run/redis.sock?db=1&pass=hunter2",
                "redis+unix:///run/redis.sock?db=1&pass=***",
            ),
            (
                "unix:///run/redis.sock?password=hunter2#x",
                "unix:///run/redis.sock?password=***#x",
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(redact_url(url), expected, "{url}");
        }
    }

    #[tokio::test]
    async fn unreachable_message_names_url_and_cause() {
        // A port that was free a moment ago, so the connection is refused.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);

        let store = RedisReplayStore::new(&format!("redis://:hunter2@127.0.0.1:{port}/0")).unwrap();
        let error = store
            .check_and_remember("k1", "nonce", Duration::from_secs(60))
            .await
            .unwrap_err();
        let message = error.to_string();
        let expected_start = format!(
            "the replay store is unavailable: connecting to Redis at redis://:***@127.0.0.1:{port}/0 failed: "
        );
        assert!(message.starts_with(&expected_start), "{message}");
        assert!(message.to_lowercase().contains("refused"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}
