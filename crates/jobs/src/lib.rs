//! Background work. For now the periodic maintenance every node runs: expired sessions
//! and idempotency keys are removed. The deletes are idempotent, so several nodes on one
//! PostgreSQL database may run them at once without harm.

use std::time::Duration;

use rapport_store::auth::sessions;
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

/// Runs [`sweep`] every `every` until `stop` turns true.
pub fn spawn_maintenance(
    store: Store,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        loop {
            tokio::select! {
                _ = ticker.tick() => match sweep(&store).await {
                    Ok(s) if s != Swept::default() => tracing::info!(sessions = s.sessions, idempotency_keys = s.idempotency_keys, "maintenance removed expired rows"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "maintenance failed; will retry"),
                },
                changed = stop.changed() => if changed.is_err() || *stop.borrow() { break },
            }
        }
    })
}
