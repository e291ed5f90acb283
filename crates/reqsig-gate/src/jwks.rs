//! Keys fetched from a JWKS URL (RFC 7517 section 5) and cached.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ipnet::IpNet;
use reqsig::JwkSet;

use crate::record::{KeyRecord, RateLimit};
use crate::scope::Scope;
use crate::source::{BoxFuture, KeySource, SourceUnavailable};

/// The largest JWK Set document fetched, in bytes.
const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// The client, scopes and limits that every key of one JWKS URL gets.
#[derive(Clone, Debug)]
pub struct JwksClient {
    /// The client the keys belong to.
    pub client_id: String,
    /// Scopes of every key; empty allows every request.
    pub scopes: Vec<Scope>,
    /// Source networks of every key; empty allows any address.
    pub source_cidrs: Vec<IpNet>,
    /// The rate limit of each key.
    pub rate_limit: Option<RateLimit>,
}

/// A key source that fetches a JWK Set over HTTP and caches it.
///
/// The set is fetched on first use and again when it is older than the
/// time to live (default 5 minutes). A key id that is not in the cached set
/// triggers a fetch at most once per refetch interval (default 30 seconds),
/// so unknown key ids cannot make the gate flood the JWKS server. When a
/// fetch fails, the cached set stays in use and the failure is logged; with
/// no cached set, lookups fail with [`SourceUnavailable`] (503).
///
/// JWK `nbf` and `exp` members become the keys' validity bounds. Every key
/// needs a `kid`, and an RSA key needs an `alg`. `http://` URLs are accepted
/// only for loopback hosts; anything else must use `https://`.
///
/// ```no_run
/// use std::sync::Arc;
/// use reqsig_gate::{Gate, JwksClient, JwksSource};
///
/// let client = JwksClient { client_id: "partner".into(), scopes: vec![], source_cidrs: vec![], rate_limit: None };
/// let source = JwksSource::new("https://partner.example/.well-known/jwks.json", client).unwrap();
/// let gate = Gate::builder(Arc::new(source)).build();
/// # let _ = gate;
/// ```
pub struct JwksSource {
    url: String,
    client: JwksClient,
    http: reqwest::Client,
    ttl: Duration,
    refetch_interval: Duration,
    cache: Mutex<Cache>,
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Cache {
    records: Option<HashMap<String, Arc<KeyRecord>>>,
    fetched_at: Option<Instant>,
    attempted_at: Option<Instant>,
}

impl JwksSource {
    /// Creates the source; nothing is fetched until the first lookup.
    ///
    /// # Errors
    /// A message when the URL is not `https://`, or `http://` to a loopback host.
    pub fn new(url: &str, client: JwksClient) -> Result<JwksSource, String> {
        check_url(url)?;
        crate::install_tls_provider();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(JwksSource {
            url: url.to_owned(),
            client,
            http,
            ttl: Duration::from_secs(300),
            refetch_interval: Duration::from_secs(30),
            cache: Mutex::new(Cache::default()),
            fetching: tokio::sync::Mutex::new(()),
        })
    }

    /// Sets how long a fetched set is used before it is fetched again.
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> JwksSource {
        self.ttl = ttl;
        self
    }

    /// Sets the least time between two fetches caused by unknown key ids.
    #[must_use]
    pub fn refetch_interval(mut self, interval: Duration) -> JwksSource {
        self.refetch_interval = interval;
        self
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Looks the key up in the cache alone: `Some` is the result, `None` means fetch first.
    fn answer_from_cache(&self, key_id: &str) -> Option<Result<Option<Arc<KeyRecord>>, SourceUnavailable>> {
        let cache = self.cache();
        let fresh = cache.fetched_at.is_some_and(|at| at.elapsed() < self.ttl);
        let may_refetch = cache
            .attempted_at
            .is_none_or(|at| at.elapsed() >= self.refetch_interval);
        match &cache.records {
            Some(records) => {
                let found = records.get(key_id).cloned();
                if (fresh && found.is_some()) || !may_refetch {
                    return Some(Ok(found));
                }
                None
            }
            None if !may_refetch => Some(Err(SourceUnavailable(format!(
                "no JWK Set from {} yet; the last fetch failed",
                self.url
            )))),
            None => None,
        }
    }

    async fn lookup_key(&self, key_id: &str) -> Result<Option<Arc<KeyRecord>>, SourceUnavailable> {
        if let Some(answer) = self.answer_from_cache(key_id) {
            return answer;
        }
        {
            let _one_fetch = self.fetching.lock().await;
            // Another lookup may have fetched while this one waited.
            if let Some(answer) = self.answer_from_cache(key_id) {
                return answer;
            }
            self.cache().attempted_at = Some(Instant::now());
            match self.fetch().await {
                Ok(records) => {
                    tracing::info!(url = %self.url, keys = records.len(), "fetched the JWK Set");
                    let mut cache = self.cache();
                    cache.records = Some(records);
                    cache.fetched_at = Some(Instant::now());
                }
                Err(error) => {
                    tracing::error!(url = %self.url, error = %error, "failed to fetch the JWK Set; keeping the cached keys");
                }
            }
        }
        let cache = self.cache();
        match &cache.records {
            Some(records) => Ok(records.get(key_id).cloned()),
            None => Err(SourceUnavailable(format!(
                "the JWK Set at {} could not be fetched",
                self.url
            ))),
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, Arc<KeyRecord>>, String> {
        let mut response = self
            .http
            .get(&self.url)
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        if !response.status().is_success() {
            return Err(format!("the server answered {}", response.status()));
        }
        if response
            .content_length()
            .is_some_and(|length| length > MAX_DOCUMENT_BYTES as u64)
        {
            return Err(format!("the JWK Set is larger than {MAX_DOCUMENT_BYTES} bytes"));
        }
        // Read chunk by chunk, so a body without Content-Length is not buffered past the limit.
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| e.without_url().to_string())? {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(format!("the JWK Set is larger than {MAX_DOCUMENT_BYTES} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        let text = std::str::from_utf8(&body).map_err(|_| "the JWK Set is not UTF-8".to_owned())?;
        let entries = JwkSet::parse(text, None).map_err(|e| e.to_string())?;
        Ok(entries
            .into_iter()
            .map(|entry| {
                let record = KeyRecord {
                    key_id: entry.kid.clone(),
                    client_id: self.client.client_id.clone(),
                    key: entry.key,
                    not_before: entry.not_before,
                    not_after: entry.expires,
                    status: crate::KeyStatus::Active,
                    scopes: self.client.scopes.clone(),
                    source_cidrs: self.client.source_cidrs.clone(),
                    rate_limit: self.client.rate_limit,
                };
                (entry.kid, Arc::new(record))
            })
            .collect())
    }
}

impl KeySource for JwksSource {
    fn lookup<'a>(
        &'a self,
        key_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Arc<KeyRecord>>, SourceUnavailable>> {
        Box::pin(self.lookup_key(key_id))
    }
}

impl std::fmt::Debug for JwksSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwksSource")
            .field("url", &self.url)
            .field("client_id", &self.client.client_id)
            .field("ttl", &self.ttl)
            .field("refetch_interval", &self.refetch_interval)
            .finish_non_exhaustive()
    }
}

/// Accepts `https://` URLs, and `http://` only to a loopback host.
fn check_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("the JWKS URL {url:?} is invalid: {e}"))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" => {
            let host = parsed.host_str().unwrap_or_default();
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host.parse::<IpAddr>().is_ok_and(|address| address.is_loopback());
            if loopback {
                Ok(())
            } else {
                Err(format!(
                    "the JWKS URL {url:?} uses http:// to a host that is not loopback; use https://"
                ))
            }
        }
        other => Err(format!(
            "the JWKS URL {url:?} has the scheme {other}; use https://"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn jwks_url_schemes() {
        assert!(check_url("https://keys.example/jwks.json").is_ok());
        assert!(check_url("http://127.0.0.1:8080/jwks.json").is_ok());
        assert!(check_url("http://[::1]/jwks.json").is_ok());
        assert!(check_url("http://localhost/jwks.json").is_ok());
        assert!(check_url("http://keys.example/jwks.json").is_err());
        assert!(check_url("ftp://keys.example/jwks.json").is_err());
        assert!(check_url("not a url").is_err());
    }
}
