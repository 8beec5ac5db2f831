//! Token checks remembered in memory.
//!
//! Every API request authenticates, and the lookup costs as much as the request's own
//! query (a blocking-thread hop on SQLite, a round trip on PostgreSQL). "Revoked means
//! refused at once" must still hold, so an entry is dropped by every change that could
//! refuse it — a token revoked, a user disabled or changed:
//!
//! - **SQLite** (one process owns the file): the change clears the entries here as it
//!   commits. The 2-second TTL bounds changes made by another process writing the file
//!   (the CLI).
//! - **PostgreSQL** (several nodes): the change also sends a notification in its
//!   transaction (`auth::changes::announce`), which every node's listener hears and clears. The cache is
//!   used only while the listener listens: when its connection drops, the cache empties
//!   and stays off until it listens again, so a missed notification cannot leave a stale
//!   entry. The 30-second TTL bounds changes made behind Rapport's back (SQL by hand).
//!
//! A lookup that raced an invalidation (read from the database before the change, put
//! after it was heard) is not kept: every invalidation moves a generation counter, and
//! an entry is put only if the counter has not moved since its lookup began.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rapport_db::{Database, Heard};
use uuid::Uuid;

use crate::auth::changes::{Change, CHANNEL};
use crate::auth::users::User;
use crate::StoreError;

const MAX_ENTRIES: usize = 10_000;

#[derive(Clone)]
pub(crate) struct Cached {
    pub user: User,
    pub token_id: Uuid,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    cached_at: Instant,
}

pub struct TokenCache {
    /// Whether entries may be used: always on SQLite; on PostgreSQL while listening.
    trusted: AtomicBool,
    ttl: Duration,
    /// Moves on every invalidation (see the module note).
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Cached>>,
}

impl TokenCache {
    /// The cache for one process owning its SQLite file: on from the start.
    pub fn single_node() -> Self {
        Self::new(true, Duration::from_secs(2))
    }

    /// The cache for a node sharing PostgreSQL: off until [`TokenCache::listen`] hears.
    pub fn shared() -> Self {
        Self::new(false, Duration::from_secs(30))
    }

    fn new(trusted: bool, ttl: Duration) -> Self {
        Self {
            trusted: AtomicBool::new(trusted),
            ttl,
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Starts listening for other nodes' changes (PostgreSQL); the cache turns on once
    /// the listener listens. Nothing to do on SQLite.
    pub fn listen(cache: &Arc<Self>, db: &Database) -> Result<(), StoreError> {
        let weak: Weak<Self> = Arc::downgrade(cache);
        db.listen(CHANNEL, move |heard| {
            let Some(cache) = weak.upgrade() else {
                return false;
            };
            cache.heard(heard);
            true
        })?;
        Ok(())
    }

    fn heard(&self, heard: Heard) {
        match heard {
            Heard::Listening => self.trusted.store(true, Ordering::SeqCst),
            Heard::Deaf => {
                self.trusted.store(false, Ordering::SeqCst);
                self.invalidate(|_| true);
            }
            Heard::Message(payload) => match Change::parse(&payload) {
                Some(Change::Token(id)) => self.forget_token(id),
                Some(Change::User(id)) => self.forget_user(id),
                None => self.invalidate(|_| true),
            },
        }
    }

    pub(crate) fn trusted(&self) -> bool {
        self.trusted.load(Ordering::SeqCst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Where a lookup starts: pass it back to [`TokenCache::put`].
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub(crate) fn get(&self, hash: &str) -> Option<Cached> {
        if !self.trusted.load(Ordering::SeqCst) {
            return None;
        }
        let entries = self.lock();
        entries
            .get(hash)
            .filter(|c| c.cached_at.elapsed() < self.ttl)
            .cloned()
    }

    pub(crate) fn put(
        &self,
        since: u64,
        hash: String,
        user: User,
        token_id: Uuid,
        expires_at: Option<DateTime<Utc>>,
        last_used_at: Option<DateTime<Utc>>,
    ) {
        if !self.trusted.load(Ordering::SeqCst) {
            return;
        }
        let mut entries = self.lock();
        // Checked under the lock invalidations take, so none slips in between.
        if self.generation() != since {
            return;
        }
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            hash,
            Cached {
                user,
                token_id,
                expires_at,
                last_used_at,
                cached_at: Instant::now(),
            },
        );
    }

    /// Records that the token's last use was written, so hits do not write it again.
    pub(crate) fn touched(&self, hash: &str, at: DateTime<Utc>) {
        if let Some(c) = self.lock().get_mut(hash) {
            c.last_used_at = Some(at);
        }
    }

    fn invalidate(&self, stale: impl Fn(&Cached) -> bool) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.retain(|_, c| !stale(c));
    }

    pub fn forget_token(&self, token_id: Uuid) {
        self.invalidate(|c| c.token_id == token_id);
    }

    pub fn forget_user(&self, user_id: Uuid) {
        self.invalidate(|c| c.user.id == user_id);
    }
}
