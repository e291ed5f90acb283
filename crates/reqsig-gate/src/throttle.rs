//! Rate limits and the concurrency limit.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};

use crate::record::RateLimit;

/// Builds the governor quota of a rate limit.
fn quota(limit: RateLimit) -> Option<Quota> {
    let period = Duration::from_secs(u64::from(limit.per_seconds)) / limit.requests.max(1);
    let burst = NonZeroU32::new(limit.burst.max(1))?;
    Quota::with_period(period).map(|q| q.allow_burst(burst))
}

/// One token bucket per key id, created on first use and rebuilt when the key's limit changes.
#[derive(Default)]
pub(crate) struct KeyRateLimits {
    limiters: Mutex<HashMap<String, (RateLimit, Arc<DefaultDirectRateLimiter>)>>,
}

impl KeyRateLimits {
    /// Takes one request from the key's bucket; returns the wait before the
    /// next allowed request when the bucket is empty.
    pub(crate) fn check(&self, key_id: &str, limit: RateLimit) -> Result<(), Duration> {
        let limiter = {
            let mut limiters = self
                .limiters
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match limiters.get(key_id) {
                Some((current, limiter)) if *current == limit => limiter.clone(),
                _ => {
                    let Some(quota) = quota(limit) else {
                        return Ok(());
                    };
                    let limiter = Arc::new(DefaultDirectRateLimiter::direct(quota));
                    limiters.insert(key_id.to_owned(), (limit, limiter.clone()));
                    limiter
                }
            }
        };
        limiter
            .check()
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// A limit on requests per source address, applied before any signature is checked.
pub(crate) struct SourceRateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicUsize,
}

impl SourceRateLimit {
    pub(crate) fn new(limit: RateLimit) -> Option<SourceRateLimit> {
        Some(SourceRateLimit {
            limiter: DefaultKeyedRateLimiter::keyed(quota(limit)?),
            checks: AtomicUsize::new(0),
        })
    }

    pub(crate) fn check(&self, address: IpAddr) -> Result<(), Duration> {
        // Forget idle addresses now and then, so the map does not grow without bound.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&address)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// A cap on verifications in progress at once.
pub(crate) struct ConcurrencyLimit {
    max: usize,
    current: AtomicUsize,
}

/// A slot of the concurrency limit, released on drop.
pub struct ConcurrencyPermit {
    limit: Option<Arc<ConcurrencyLimit>>,
}

impl ConcurrencyLimit {
    pub(crate) fn new(max: usize) -> Arc<ConcurrencyLimit> {
        Arc::new(ConcurrencyLimit {
            max,
            current: AtomicUsize::new(0),
        })
    }

    pub(crate) fn try_acquire(self: &Arc<Self>) -> Option<ConcurrencyPermit> {
        let mut current = self.current.load(Ordering::Acquire);
        loop {
            if current >= self.max {
                return None;
            }
            match self.current.compare_exchange_weak(
                current,
                current + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    return Some(ConcurrencyPermit {
                        limit: Some(self.clone()),
                    });
                }
                Err(actual) => current = actual,
            }
        }
    }
}

impl ConcurrencyPermit {
    pub(crate) fn unlimited() -> ConcurrencyPermit {
        ConcurrencyPermit { limit: None }
    }
}

impl Drop for ConcurrencyPermit {
    fn drop(&mut self) {
        if let Some(limit) = &self.limit {
            limit.current.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

impl std::fmt::Debug for ConcurrencyPermit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConcurrencyPermit")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_limit_allows_burst_then_waits() {
        let limits = KeyRateLimits::default();
        let limit = RateLimit {
            requests: 1,
            per_seconds: 60,
            burst: 2,
        };
        assert!(limits.check("k", limit).is_ok());
        assert!(limits.check("k", limit).is_ok());
        let wait = limits.check("k", limit).unwrap_err();
        assert!(wait > Duration::ZERO);
        assert!(limits.check("other", limit).is_ok());
    }

    #[test]
    fn concurrency_permits_released() {
        let limit = ConcurrencyLimit::new(1);
        let first = limit.try_acquire();
        assert!(first.is_some());
        assert!(limit.try_acquire().is_none());
        drop(first);
        assert!(limit.try_acquire().is_some());
    }
}
