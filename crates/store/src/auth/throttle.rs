//! Failed sign-ins per key (a client address, or a login name Rapport has no user for),
//! kept in memory: each failure slows the next answer a little more, and too many within
//! the window are refused for the rest of it.
//! A successful sign-in does not wipe an address's failures: otherwise one valid account
//! would let an address guess other accounts' passwords without limit. Failures expire
//! with the window. (Per-account lock-out is kept in the database, so it holds across
//! nodes.)

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    window: Duration,
    max_failures: u32,
    entries: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Addresses tracked at most; beyond this, expired entries are dropped first.
const MAX_TRACKED: usize = 100_000;

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            window,
            max_failures,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, Instant)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Seconds to wait before trying again, if this address is refused now.
    pub fn refused_for(&self, addr: &str) -> Option<u64> {
        let entries = self.lock();
        let (count, since) = entries.get(addr)?;
        let elapsed = since.elapsed();
        (*count >= self.max_failures && elapsed < self.window)
            .then(|| (self.window - elapsed).as_secs().max(1))
    }

    /// Records a failure; returns how long to hold the answer back.
    pub fn failed(&self, addr: &str) -> Duration {
        let mut entries = self.lock();
        if entries.len() >= MAX_TRACKED {
            let window = self.window;
            entries.retain(|_, (_, since)| since.elapsed() < window);
        }
        let entry = entries
            .entry(addr.to_owned())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
        Duration::from_millis(100 * u64::from(entry.0.min(20)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_the_limit() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        assert!(t.failed("a") < t.failed("a"));
        assert_eq!(t.refused_for("a"), None);
        t.failed("a");
        assert!(t.refused_for("a").is_some());
        assert_eq!(t.refused_for("b"), None);
    }

    #[test]
    fn failures_expire_with_the_window() {
        let t = LoginThrottle::new(1, Duration::from_millis(1));
        t.failed("a");
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(t.refused_for("a"), None);
    }
}
