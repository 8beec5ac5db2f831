use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use crate::{DbError, DbErrorKind};

type Opener<C> = Box<dyn Fn() -> Result<C, DbError> + Send + Sync>;

/// A small blocking-connection pool: callers wait for a permit asynchronously, then run
/// their closure on a blocking thread with a connection taken from (or added to) the
/// idle set. Connections that report themselves broken are dropped, not returned.
pub(crate) struct Pool<C: Send + 'static> {
    idle: Mutex<Vec<C>>,
    permits: Semaphore,
    size: usize,
    open: Opener<C>,
    is_broken: fn(&C) -> bool,
    opened: AtomicUsize,
    in_use: AtomicUsize,
    waiting: AtomicUsize,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct PoolStats {
    pub size: usize,
    pub open: usize,
    pub in_use: usize,
    pub waiting: usize,
}

impl<C: Send + 'static> Pool<C> {
    pub(crate) fn new(size: usize, open: Opener<C>, is_broken: fn(&C) -> bool) -> Arc<Self> {
        Arc::new(Self {
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Semaphore::new(size),
            size,
            open,
            is_broken,
            opened: AtomicUsize::new(0),
            in_use: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
        })
    }

    pub(crate) fn stats(&self) -> PoolStats {
        PoolStats {
            size: self.size,
            open: self.opened.load(Ordering::Relaxed),
            in_use: self.in_use.load(Ordering::Relaxed),
            waiting: self.waiting.load(Ordering::Relaxed),
        }
    }

    /// Opens one connection now, so that a bad URL fails at start rather than on the
    /// first request.
    pub(crate) fn warm(&self) -> Result<(), DbError> {
        let c = (self.open)()?;
        self.opened.fetch_add(1, Ordering::Relaxed);
        self.lock_idle().push(c);
        Ok(())
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<C>> {
        // A panic while holding this lock cannot leave the Vec inconsistent.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut C) -> T + Send + 'static,
    {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let permit = self.permits.acquire().await;
        self.waiting.fetch_sub(1, Ordering::Relaxed);
        let permit =
            permit.map_err(|_| DbError::new(DbErrorKind::Unavailable, "pool is closed"))?;
        let pool = Arc::clone(self);
        self.in_use.fetch_add(1, Ordering::Relaxed);
        let joined = tokio::task::spawn_blocking(move || {
            let taken = pool.lock_idle().pop();
            let mut conn = match taken {
                Some(c) => c,
                None => {
                    let c = (pool.open)()?;
                    pool.opened.fetch_add(1, Ordering::Relaxed);
                    c
                }
            };
            let out = f(&mut conn);
            if (pool.is_broken)(&conn) {
                pool.opened.fetch_sub(1, Ordering::Relaxed);
            } else {
                pool.lock_idle().push(conn);
            }
            Ok(out)
        })
        .await;
        self.in_use.fetch_sub(1, Ordering::Relaxed);
        drop(permit);
        match joined {
            Ok(r) => r,
            Err(e) => {
                // The connection went down with the panicking closure.
                self.opened.fetch_sub(1, Ordering::Relaxed);
                Err(DbError::new(
                    DbErrorKind::Other,
                    format!("database task failed: {e}"),
                ))
            }
        }
    }
}

impl<C: Send + 'static> Drop for Pool<C> {
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|p| p.into_inner()));
        if !idle.is_empty() {
            // A synchronous PostgreSQL client blocks on its own runtime when it closes,
            // which panics on a thread that drives async tasks; close them elsewhere.
            let _ = std::thread::Builder::new()
                .name("rapport-pool-close".into())
                .spawn(move || drop(idle));
        }
    }
}
