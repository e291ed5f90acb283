//! The registry file: key records in TOML, reloaded when the file changes.
//!
//! The format is documented field by field in `spec/registry.md`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use ipnet::IpNet;
use reqsig::{Algorithm, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::record::{KeyRecord, KeyStatus, RateLimit};
use crate::scope::Scope;
use crate::source::{BoxFuture, KeySource, MemoryRegistry, SourceUnavailable};
use crate::timestamp::{Timestamp, parse_timestamp};

/// The registry format version this build reads.
pub const REGISTRY_VERSION: u32 = 1;

/// The registry file as written: the serde model of `spec/registry.md`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegistryDocument {
    /// Format version; must be 1.
    pub version: u32,
    /// Allow HMAC keys, whose secrets the server must hold (default false).
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_hmac: bool,
    /// The keys.
    #[serde(default)]
    pub keys: Vec<KeyEntry>,
}

/// One `[[keys]]` table.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// The key id signatures carry in `keyid`.
    pub key_id: String,
    /// The client that owns the key.
    pub client_id: String,
    /// The algorithm the key is bound to, such as `ed25519` (mandatory).
    pub algorithm: String,
    /// The public key as PEM (SPKI) or a JWK; absent for HMAC keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// HMAC only: a file holding the secret, as raw bytes or a JWK `oct`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_file: Option<String>,
    /// HMAC only: an environment variable holding the secret, base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<String>,
    /// When the key was added (informational, shown by `reqsig keys list`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// Start of validity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<Timestamp>,
    /// End of validity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<Timestamp>,
    /// `active` (default) or `revoked`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Allowed methods and paths; absent allows every request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<ScopeEntry>,
    /// Allowed source networks in CIDR notation; absent allows any address.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_cidrs: Vec<String>,
    /// The key's rate limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitEntry>,
}

/// One `[[keys.scopes]]` table.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScopeEntry {
    /// Allowed methods; empty or absent allows all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<String>,
    /// Path patterns (`*` one segment, a final `**` the rest).
    pub paths: Vec<String>,
}

/// A `rate_limit` table.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RateLimitEntry {
    /// Requests per period.
    pub requests: u32,
    /// The period in seconds.
    pub per_seconds: u32,
    /// Burst size; defaults to `requests`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<u32>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A failure to load a registry file. The message names the file, the key and the field.
#[derive(Debug, thiserror::Error)]
#[error("registry {path}: {reason}")]
pub struct RegistryError {
    /// The file.
    pub path: String,
    /// The problem found.
    pub reason: String,
}

impl RegistryDocument {
    /// Parses the TOML text of a registry.
    ///
    /// # Errors
    /// The TOML parser's message (with line and column), an unknown field, or a wrong version.
    pub fn parse(text: &str) -> Result<RegistryDocument, String> {
        let document: RegistryDocument = toml::from_str(text).map_err(|e| e.to_string())?;
        if document.version != REGISTRY_VERSION {
            return Err(format!(
                "version {} is not supported; this build reads version {REGISTRY_VERSION}",
                document.version
            ));
        }
        Ok(document)
    }

    /// Serializes the registry as TOML.
    pub fn to_toml(&self) -> String {
        // Every field is a string, integer, boolean, table or array, so
        // serialization cannot fail.
        toml::to_string_pretty(self).unwrap_or_default()
    }

    /// Builds the key records. Relative `secret_file` paths are taken from `base_dir`.
    ///
    /// # Errors
    /// A message naming the key id and the field that is wrong.
    pub fn to_records(&self, base_dir: &Path) -> Result<HashMap<String, Arc<KeyRecord>>, String> {
        let mut records = HashMap::with_capacity(self.keys.len());
        for (index, entry) in self.keys.iter().enumerate() {
            let record = entry
                .to_record(self.allow_hmac, base_dir)
                .map_err(|reason| format!("key {:?} (entry {}): {reason}", entry.key_id, index + 1))?;
            if records.insert(record.key_id.clone(), Arc::new(record)).is_some() {
                return Err(format!("key id {:?} occurs more than once", entry.key_id));
            }
        }
        Ok(records)
    }
}

impl KeyEntry {
    fn to_record(&self, allow_hmac: bool, base_dir: &Path) -> Result<KeyRecord, String> {
        if self.key_id.is_empty() {
            return Err("key_id is empty".to_owned());
        }
        if self.client_id.is_empty() {
            return Err("client_id is empty".to_owned());
        }
        let algorithm: Algorithm = self
            .algorithm
            .parse()
            .map_err(|e: reqsig::UnknownAlgorithm| e.to_string())?;
        let key = if algorithm.is_symmetric() {
            self.load_secret(allow_hmac, base_dir)?
        } else {
            if self.secret_file.is_some() || self.secret_env.is_some() {
                return Err("secret_file and secret_env apply only to hmac-sha256 keys".to_owned());
            }
            let text = self
                .public_key
                .as_deref()
                .ok_or("public_key is missing (PEM or JWK)")?;
            VerifyingKey::load(text.as_bytes(), Some(algorithm)).map_err(|e| format!("public_key: {e}"))?
        };
        let status = match self.status.as_deref() {
            None | Some("active") => KeyStatus::Active,
            Some("revoked") => KeyStatus::Revoked,
            Some(other) => {
                return Err(format!(
                    "status {other:?} is invalid; use \"active\" or \"revoked\""
                ));
            }
        };
        let scopes = self
            .scopes
            .iter()
            .map(|scope| {
                let methods: Vec<&str> = scope.methods.iter().map(String::as_str).collect();
                let paths: Vec<&str> = scope.paths.iter().map(String::as_str).collect();
                Scope::new(&methods, &paths)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let source_cidrs = self
            .source_cidrs
            .iter()
            .map(|cidr| parse_cidr(cidr))
            .collect::<Result<Vec<_>, _>>()?;
        let rate_limit = self.rate_limit.map(|limit| limit.to_rate_limit()).transpose()?;
        Ok(KeyRecord {
            key_id: self.key_id.clone(),
            client_id: self.client_id.clone(),
            key,
            not_before: self.not_before.as_ref().map(parse_timestamp).transpose()?,
            not_after: self.not_after.as_ref().map(parse_timestamp).transpose()?,
            status,
            scopes,
            source_cidrs,
            rate_limit,
        })
    }

    fn load_secret(&self, allow_hmac: bool, base_dir: &Path) -> Result<VerifyingKey, String> {
        if !allow_hmac {
            return Err("hmac-sha256 keys are refused unless the registry sets allow_hmac = true".to_owned());
        }
        if self.public_key.is_some() {
            return Err(
                "an hmac-sha256 key takes secret_file or secret_env, never an inline secret".to_owned(),
            );
        }
        let secret = match (&self.secret_file, &self.secret_env) {
            (Some(file), None) => {
                let path = base_dir.join(file);
                let bytes =
                    std::fs::read(&path).map_err(|e| format!("secret_file {}: {e}", path.display()))?;
                if bytes.first() == Some(&b'{') {
                    return reqsig::VerifyingKey::from_jwk(
                        std::str::from_utf8(&bytes)
                            .map_err(|_| "secret_file is not UTF-8 JSON".to_owned())?,
                        Some(Algorithm::HmacSha256),
                    )
                    .map_err(|e| format!("secret_file {}: {e}", path.display()));
                }
                bytes
            }
            (None, Some(variable)) => {
                let value = std::env::var(variable)
                    .map_err(|_| format!("secret_env: the environment variable {variable} is not set"))?;
                use base64::Engine;
                base64::engine::general_purpose::STANDARD
                    .decode(value.trim())
                    .map_err(|e| format!("secret_env: {variable} is not valid base64: {e}"))?
            }
            _ => return Err("an hmac-sha256 key needs exactly one of secret_file and secret_env".to_owned()),
        };
        VerifyingKey::hmac_sha256(&secret).map_err(|e| e.to_string())
    }
}

impl RateLimitEntry {
    /// Checks the entry and builds the rate limit; `burst` defaults to `requests`.
    ///
    /// # Errors
    /// A message when `requests`, `per_seconds` or `burst` is 0.
    pub fn to_rate_limit(self) -> Result<RateLimit, String> {
        if self.requests == 0 || self.per_seconds == 0 {
            return Err("rate_limit needs requests and per_seconds above 0".to_owned());
        }
        let burst = self.burst.unwrap_or(self.requests);
        if burst == 0 {
            return Err("rate_limit burst must be at least 1".to_owned());
        }
        Ok(RateLimit {
            requests: self.requests,
            per_seconds: self.per_seconds,
            burst,
        })
    }
}

/// Parses a CIDR; a bare address means that one host.
pub fn parse_cidr(text: &str) -> Result<IpNet, String> {
    if let Ok(net) = text.parse::<IpNet>() {
        return Ok(net);
    }
    text.parse::<std::net::IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("source_cidrs entry {text:?} is not a CIDR such as 10.0.0.0/8 or 2001:db8::/32"))
}

/// Loads a registry file once.
///
/// # Errors
/// [`RegistryError`] naming the file and what is wrong.
pub fn load_registry(path: &Path) -> Result<HashMap<String, Arc<KeyRecord>>, RegistryError> {
    let error = |reason: String| RegistryError {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
    let document = RegistryDocument::parse(&text).map_err(error)?;
    let base_dir = path.parent().unwrap_or(Path::new("."));
    document.to_records(base_dir).map_err(error)
}

/// A registry file that reloads itself when it changes.
///
/// Lookups check the file's modification time and size at most once per
/// check interval (default one second). A changed file is loaded in full
/// and swapped in at once, so requests in flight keep the records they
/// started with. A broken edit keeps the last good registry and logs the
/// error.
#[derive(Debug)]
pub struct RegistryFile {
    path: PathBuf,
    records: MemoryRegistry,
    state: Mutex<WatchState>,
    check_interval: Duration,
}

#[derive(Debug)]
struct WatchState {
    last_check: Instant,
    stamp: Option<(SystemTime, u64)>,
    last_error: Option<String>,
}

impl RegistryFile {
    /// Loads the file; it must be valid at start.
    ///
    /// # Errors
    /// [`RegistryError`] naming the file and what is wrong.
    pub fn open(path: impl Into<PathBuf>) -> Result<RegistryFile, RegistryError> {
        let path = path.into();
        let stamp = file_stamp(&path);
        let records = load_registry(&path)?;
        let registry = MemoryRegistry::default();
        registry.replace_all(records);
        Ok(RegistryFile {
            path,
            records: registry,
            state: Mutex::new(WatchState {
                last_check: Instant::now(),
                stamp,
                last_error: None,
            }),
            check_interval: Duration::from_secs(1),
        })
    }

    /// Sets how often lookups check the file for changes.
    #[must_use]
    pub fn check_interval(mut self, interval: Duration) -> RegistryFile {
        self.check_interval = interval;
        self
    }

    /// Returns the records currently in force.
    pub fn records(&self) -> Vec<Arc<KeyRecord>> {
        self.records.records()
    }

    /// Returns the path of the file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks the file now and reloads it when it changed. Returns the error
    /// of a failed reload; the previous records then stay in force.
    pub fn reload_if_changed(&self) -> Result<bool, RegistryError> {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.last_check = Instant::now();
        let stamp = file_stamp(&self.path);
        if stamp == state.stamp {
            return Ok(false);
        }
        match load_registry(&self.path) {
            Ok(records) => {
                let count = records.len();
                self.records.replace_all(records);
                state.stamp = stamp;
                state.last_error = None;
                tracing::info!(path = %self.path.display(), keys = count, "reloaded the key registry");
                Ok(true)
            }
            Err(error) => {
                // Remember the stamp so a broken file is reported once, not on every request.
                state.stamp = stamp;
                if state.last_error.as_deref() != Some(error.reason.as_str()) {
                    tracing::error!(error = %error, "the key registry file is invalid; keeping the last good registry");
                    state.last_error = Some(error.reason.clone());
                }
                Err(error)
            }
        }
    }

    fn maybe_reload(&self) {
        let due = {
            let state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            state.last_check.elapsed() >= self.check_interval
        };
        if due {
            let _ = self.reload_if_changed();
        }
    }
}

fn file_stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

impl KeySource for RegistryFile {
    fn lookup<'a>(
        &'a self,
        key_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Arc<KeyRecord>>, SourceUnavailable>> {
        self.maybe_reload();
        self.records.lookup(key_id)
    }
}
