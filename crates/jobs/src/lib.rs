//! Background work. For now the periodic maintenance every node runs: expired sessions
//! and idempotency keys are removed, and once a day contracts past their last day are
//! marked expired. Each is idempotent, so several nodes on one PostgreSQL database may
//! run them at once without harm (the contract expiry also takes one lock, so a
//! contract is expired once: `rapport_store::contracts::expiry`).

use std::time::Duration;

use chrono::NaiveDate;
use rapport_store::auth::sessions;
use rapport_store::contracts::expiry;
use rapport_store::kernel::idempotency;
use rapport_store::{Store, StoreError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub idempotency_keys: u64,
}

/// One maintenance pass.
pub async fn sweep(store: &Store) -> Result<Swept, StoreError> {
    Ok(Swept {
        sessions: sessions::purge_expired(store).await?,
        idempotency_keys: idempotency::purge_expired(store).await?,
    })
}

/// The daily work, once per UTC day and node: the first maintenance tick of a day runs
/// it (and a failed run is tried again at the next tick), remembering the day it ran.
#[derive(Debug, Default)]
pub struct Daily {
    done_for: Option<NaiveDate>,
}

impl Daily {
    /// Runs the day's work unless it already ran for `today`; returns how many
    /// contracts it expired (none when it had already run).
    pub async fn run(&mut self, store: &Store, today: NaiveDate) -> Result<u64, StoreError> {
        if self.done_for == Some(today) {
            return Ok(0);
        }
        let expired = expiry::sweep(store, today).await?;
        self.done_for = Some(today);
        Ok(expired)
    }
}

/// Runs [`sweep`] every `every`, and the [`Daily`] work at the first tick of each day,
/// until `stop` turns true.
pub fn spawn_maintenance(
    store: Store,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        let mut daily = Daily::default();
        loop {
            tokio::select! {
                _ = ticker.tick() => {
                    match sweep(&store).await {
                        Ok(s) if s != Swept::default() => tracing::info!(sessions = s.sessions, idempotency_keys = s.idempotency_keys, "maintenance removed expired rows"),
                        Ok(_) => {}
                        Err(e) => tracing::warn!(error = %e, "maintenance failed; will retry"),
                    }
                    match daily.run(&store, chrono::Utc::now().date_naive()).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(contracts = n, "contracts past their last day marked expired"),
                        Err(e) => tracing::warn!(error = %e, "contract expiry failed; will retry at the next tick"),
                    }
                },
                changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
            }
        }
    })
}
