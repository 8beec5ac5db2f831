//! Token checks remembered in memory, on SQLite only.
//!
//! Every API request authenticates; on SQLite the lookup costs a trip to a blocking
//! thread, as much as the request's own query. One process owns a SQLite file, and every
//! revocation and disabling made through it clears the affected entries here at once, so
//! "revoked means refused at once" holds; the short TTL bounds changes made by another
//! process writing the same file. On PostgreSQL other nodes change tokens too, so nothing
//! is cached there.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::users::User;

const TTL: Duration = Duration::from_secs(2);
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
    enabled: bool,
    entries: Mutex<HashMap<String, Cached>>,
}

impl TokenCache {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Cached>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn get(&self, hash: &str) -> Option<Cached> {
        if !self.enabled {
            return None;
        }
        let entries = self.lock();
        entries
            .get(hash)
            .filter(|c| c.cached_at.elapsed() < TTL)
            .cloned()
    }

    pub(crate) fn put(
        &self,
        hash: String,
        user: User,
        token_id: Uuid,
        expires_at: Option<DateTime<Utc>>,
        last_used_at: Option<DateTime<Utc>>,
    ) {
        if !self.enabled {
            return;
        }
        let mut entries = self.lock();
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

    pub fn forget_token(&self, token_id: Uuid) {
        self.lock().retain(|_, c| c.token_id != token_id);
    }

    pub fn forget_user(&self, user_id: Uuid) {
        self.lock().retain(|_, c| c.user.id != user_id);
    }
}
