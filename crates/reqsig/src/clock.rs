//! Time sources for `created`, `expires` and verification.

use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time in whole seconds since the Unix epoch.
///
/// Signers and verifiers take one so tests and replays can fix the time.
///
/// ```
/// use reqsig::clock::{Clock, FixedClock};
///
/// assert_eq!(FixedClock(1618884473).now(), 1618884473);
/// ```
pub trait Clock: Send + Sync {
    /// Returns the current time in seconds since the Unix epoch.
    fn now(&self) -> u64;
}

/// The system clock. A clock set before 1970 reads as 0.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs())
    }
}

/// A clock that always returns the same time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now(&self) -> u64 {
        self.0
    }
}
