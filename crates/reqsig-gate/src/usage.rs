//! Per-key usage counters: accepted requests, rejections by reason, last use.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// Counters of one key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyUsage {
    /// Requests accepted.
    pub accepted: u64,
    /// Rejections by error code.
    pub rejected: BTreeMap<&'static str, u64>,
    /// When the key last signed an accepted request, in seconds since the Unix epoch.
    pub last_used: Option<u64>,
}

/// A copy of every counter at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsageSnapshot {
    /// Counters of each key id seen in a signature.
    pub keys: BTreeMap<String, KeyUsage>,
    /// Rejections that name no key (unsigned or unparsable requests), by code.
    pub unattributed: BTreeMap<&'static str, u64>,
}

/// The live counters; shared by every request of one gate.
#[derive(Debug, Default)]
pub struct Usage {
    inner: Mutex<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    keys: HashMap<String, KeyUsage>,
    unattributed: BTreeMap<&'static str, u64>,
}

/// At most this many key ids are counted, so signatures naming random key ids cannot exhaust memory.
const MAX_COUNTED_KEYS: usize = 100_000;

impl Usage {
    pub(crate) fn accepted(&self, key_id: &str, now: u64) {
        let mut counters = self.lock();
        if let Some(usage) = counters.entry(key_id) {
            usage.accepted += 1;
            usage.last_used = Some(now);
        }
    }

    pub(crate) fn rejected(&self, key_id: Option<&str>, code: &'static str) {
        let mut counters = self.lock();
        let usage = key_id.and_then(|key_id| counters.entry(key_id));
        match usage {
            Some(usage) => *usage.rejected.entry(code).or_default() += 1,
            None => *counters.unattributed.entry(code).or_default() += 1,
        }
    }

    /// Returns a copy of every counter.
    pub fn snapshot(&self) -> UsageSnapshot {
        let counters = self.lock();
        UsageSnapshot {
            keys: counters
                .keys
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            unattributed: counters.unattributed.clone(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Counters {
    fn entry(&mut self, key_id: &str) -> Option<&mut KeyUsage> {
        if !self.keys.contains_key(key_id) && self.keys.len() >= MAX_COUNTED_KEYS {
            return None;
        }
        Some(self.keys.entry(key_id.to_owned()).or_default())
    }
}

impl UsageSnapshot {
    /// Renders the counters in the Prometheus text exposition format.
    ///
    /// ```
    /// use reqsig_gate::UsageSnapshot;
    ///
    /// let text = UsageSnapshot::default().to_prometheus();
    /// assert!(text.contains("# TYPE reqsig_requests_accepted_total counter"));
    /// ```
    pub fn to_prometheus(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP reqsig_requests_accepted_total Requests whose signature was accepted, per key.\n",
        );
        out.push_str("# TYPE reqsig_requests_accepted_total counter\n");
        for (key_id, usage) in &self.keys {
            out.push_str(&format!(
                "reqsig_requests_accepted_total{{key_id=\"{}\"}} {}\n",
                escape_label(key_id),
                usage.accepted
            ));
        }
        out.push_str("# HELP reqsig_requests_rejected_total Requests rejected, per key and reason.\n");
        out.push_str("# TYPE reqsig_requests_rejected_total counter\n");
        for (key_id, usage) in &self.keys {
            for (code, count) in &usage.rejected {
                out.push_str(&format!(
                    "reqsig_requests_rejected_total{{key_id=\"{}\",reason=\"{code}\"}} {count}\n",
                    escape_label(key_id)
                ));
            }
        }
        for (code, count) in &self.unattributed {
            out.push_str(&format!(
                "reqsig_requests_rejected_total{{key_id=\"\",reason=\"{code}\"}} {count}\n"
            ));
        }
        out.push_str(
            "# HELP reqsig_key_last_used_seconds When the key last signed an accepted request (Unix time).\n",
        );
        out.push_str("# TYPE reqsig_key_last_used_seconds gauge\n");
        for (key_id, usage) in &self.keys {
            if let Some(last) = usage.last_used {
                out.push_str(&format!(
                    "reqsig_key_last_used_seconds{{key_id=\"{}\"}} {last}\n",
                    escape_label(key_id)
                ));
            }
        }
        out
    }
}

fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
