use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;

use tokio::sync::oneshot;

use crate::pg::PgConn;
use crate::pool::Pool;
pub use crate::pool::PoolStats;
use crate::sqlite::SqliteConn;
use crate::{Conn, DbError, DbErrorKind, Dialect, Heard};

/// How many queued writes one SQLite commit may carry. Large enough to absorb a burst,
/// small enough that one batch's latency stays low.
const MAX_WRITE_BATCH: usize = 256;

#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Read connections (SQLite) or connections in all (PostgreSQL).
    pub pool_size: usize,
    /// SQLite `synchronous` pragma: FULL (default, durable) or NORMAL.
    pub sqlite_synchronous: String,
    /// PostgreSQL: reads made for a signed-in user run under the row-level security
    /// policies as that user (see [`crate::acting`]).
    pub row_security: bool,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            pool_size: 8,
            sqlite_synchronous: "FULL".into(),
            row_security: true,
        }
    }
}

/// The database Rapport runs on, chosen by URL: `sqlite://path` or `postgres://…`.
///
/// Reads run on pooled connections. Writes run inside one transaction each; on SQLite
/// they are queued to a single writer thread that commits concurrent writes together
/// (each in its own savepoint, so one failing write never undoes another), which both
/// avoids `SQLITE_BUSY` and pays the durable fsync once per batch.
#[derive(Clone)]
pub struct Database {
    engine: Arc<Engine>,
}

enum Engine {
    Sqlite {
        readers: Arc<Pool<SqliteConn>>,
        writer: mpsc::Sender<Box<dyn WriteJob>>,
        batch_end: BatchEnd,
    },
    Postgres {
        pool: Arc<Pool<PgConn>>,
        row_security: bool,
        url: String,
    },
}

impl Database {
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Self, DbError> {
        let url = url.to_owned();
        let options = options.clone();
        tokio::task::spawn_blocking(move || Self::connect_blocking(&url, &options))
            .await
            .map_err(|e| DbError::new(DbErrorKind::Other, e.to_string()))?
    }

    fn connect_blocking(url: &str, options: &DbOptions) -> Result<Self, DbError> {
        let size = options.pool_size.max(1);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let owned = url.to_owned();
            let pool = Pool::new(
                size,
                Box::new(move || PgConn::connect(&owned)),
                PgConn::is_broken,
            );
            pool.warm()?;
            return Ok(Self {
                engine: Arc::new(Engine::Postgres {
                    pool,
                    row_security: options.row_security,
                    url: url.to_owned(),
                }),
            });
        }
        let path = sqlite_path(url)?;
        let sync = options.sqlite_synchronous.to_ascii_uppercase();
        if !matches!(sync.as_str(), "FULL" | "NORMAL" | "EXTRA") {
            return Err(DbError::new(
                DbErrorKind::Other,
                format!("sqlite synchronous must be FULL, NORMAL or EXTRA, not {sync}"),
            ));
        }
        // The writer opens first so that WAL mode is set before any reader attaches.
        let writer_conn = SqliteConn::open(&path, false, &sync)?;
        let batch_end = BatchEnd::default();
        let writer = spawn_writer(writer_conn, batch_end.clone())?;
        let reader_path = path.clone();
        let readers = Pool::new(
            size,
            Box::new(move || SqliteConn::open(&reader_path, true, &sync)),
            |_| false,
        );
        readers.warm()?;
        Ok(Self {
            engine: Arc::new(Engine::Sqlite {
                readers,
                writer,
                batch_end,
            }),
        })
    }

    pub fn dialect(&self) -> Dialect {
        match &*self.engine {
            Engine::Sqlite { .. } => Dialect::Sqlite,
            Engine::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// Whether this process is the only one that writes the database (an embedded
    /// SQLite file), so what it caches in memory cannot be changed behind its back.
    pub fn single_node(&self) -> bool {
        self.dialect() == Dialect::Sqlite
    }

    /// Whether the role Rapport connects as escapes row-level security (a PostgreSQL
    /// superuser or BYPASSRLS role); SQLite has no such policies to escape.
    pub async fn bypasses_row_security(&self) -> Result<bool, DbError> {
        if self.dialect() != Dialect::Postgres {
            return Ok(false);
        }
        let bypass = self
            .read(|c| {
                c.query_scalar::<bool>(
                    "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user",
                    &[],
                )
            })
            .await?;
        Ok(bypass.unwrap_or(false))
    }

    /// SQL the SQLite writer runs after the writes of each batch, before its commit
    /// (work that is cheaper once per batch than once per write: the
    /// schema's, see `rapport_migration`). If it fails, the whole batch is rolled back and
    /// every write in it fails. Nothing on PostgreSQL, whose writes commit one by one.
    pub fn end_sqlite_batches_with(&self, sql: Option<&'static str>) {
        if let Engine::Sqlite { batch_end, .. } = &*self.engine {
            *batch_end.lock().unwrap_or_else(|p| p.into_inner()) = sql;
        }
    }

    /// Hears what other nodes announce on `channel` (see [`crate::Conn::notify`]): a
    /// thread of its own hands every [`Heard`] to `handler` until it returns false.
    /// Returns false, starting nothing, on SQLite, where this process is the only node.
    pub fn listen(
        &self,
        channel: &'static str,
        handler: impl FnMut(Heard) -> bool + Send + 'static,
    ) -> Result<bool, DbError> {
        match &*self.engine {
            Engine::Sqlite { .. } => Ok(false),
            Engine::Postgres { url, .. } => {
                crate::listen::spawn(url.clone(), channel, Box::new(handler)).map_err(|e| {
                    DbError::new(DbErrorKind::Other, format!("cannot start listener: {e}"))
                })?;
                Ok(true)
            }
        }
    }

    pub fn pool_stats(&self) -> PoolStats {
        match &*self.engine {
            Engine::Sqlite { readers, .. } => readers.stats(),
            Engine::Postgres { pool, .. } => pool.stats(),
        }
    }

    /// Runs `f` on a read connection (no transaction; on SQLite the connection refuses
    /// writes). On PostgreSQL, a read made for a signed-in user runs in a read-only
    /// transaction acting as that user, under the row-level security policies.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
    {
        match &*self.engine {
            Engine::Sqlite { readers, .. } => readers.run(move |c| f(c)).await?,
            Engine::Postgres {
                pool, row_security, ..
            } => {
                let acting = crate::acting::current().filter(|_| *row_security);
                pool.run(move |c| pg_read(c, acting.as_ref(), f)).await?
            }
        }
    }

    /// Runs `f` in a transaction that commits when it returns `Ok` and rolls back when it
    /// returns `Err` or panics. The result is delivered only once the commit is durable.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
    {
        match &*self.engine {
            Engine::Sqlite { writer, .. } => {
                let (reply, answer) = oneshot::channel();
                let job: Box<dyn WriteJob> = Box::new(Task { f, reply });
                writer
                    .send(job)
                    .map_err(|_| DbError::new(DbErrorKind::Unavailable, "writer has stopped"))?;
                answer.await.map_err(|_| {
                    E::from(DbError::new(DbErrorKind::Unavailable, "writer has stopped"))
                })?
            }
            Engine::Postgres { pool, .. } => pool.run(move |c| pg_transaction(c, f)).await?,
        }
    }
}

fn sqlite_path(url: &str) -> Result<PathBuf, DbError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let rest = rest.split('?').next().unwrap_or(rest);
    if rest.is_empty() || rest.contains(":memory:") {
        return Err(DbError::new(
            DbErrorKind::Other,
            format!("database URL {url:?} names no file: use sqlite://path/to/rapport.db or postgres://…"),
        ));
    }
    Ok(PathBuf::from(rest))
}

fn pg_transaction<T, E, F>(conn: &mut PgConn, f: F) -> Result<T, E>
where
    E: From<DbError>,
    F: FnOnce(&mut dyn Conn) -> Result<T, E>,
{
    conn.begin_write().map_err(E::from)?;
    let outcome = catch_unwind(AssertUnwindSafe(|| f(conn)));
    match outcome {
        Ok(Ok(v)) => {
            conn.control("COMMIT").map_err(E::from)?;
            Ok(v)
        }
        Ok(Err(e)) => {
            // The error being returned matters more than a failed rollback, and a failed
            // rollback means a broken connection that the pool drops anyway.
            let _ = conn.control("ROLLBACK");
            Err(e)
        }
        Err(panic) => {
            let _ = conn.control("ROLLBACK");
            std::panic::resume_unwind(panic)
        }
    }
}

/// A read on PostgreSQL: outside a transaction, on a session acting as `acting` (or as
/// nobody). An acting session is read-only, so such a read cannot write either.
fn pg_read<T, E, F>(conn: &mut PgConn, acting: Option<&crate::acting::Acting>, f: F) -> Result<T, E>
where
    E: From<DbError>,
    F: FnOnce(&mut dyn Conn) -> Result<T, E>,
{
    conn.act_as(acting).map_err(E::from)?;
    f(conn)
}

/// What the writer runs at the end of each batch, if anything.
type BatchEnd = Arc<std::sync::Mutex<Option<&'static str>>>;

/// Hands a finished write its outcome once the batch's commit is known.
type Deliver = Box<dyn FnOnce(Option<&DbError>) + Send>;

trait WriteJob: Send {
    fn run(self: Box<Self>, conn: &mut SqliteConn) -> Deliver;
    fn fail(self: Box<Self>, error: DbError);
}

struct Task<F, T, E> {
    f: F,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<T, E, F> WriteJob for Task<F, T, E>
where
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
    F: FnOnce(&mut dyn Conn) -> Result<T, E> + Send + 'static,
{
    fn run(self: Box<Self>, conn: &mut SqliteConn) -> Deliver {
        let Task { f, reply } = *self;
        if let Err(e) = conn.raw().execute_batch("SAVEPOINT job") {
            let e = DbError::from(e);
            return Box::new(move |_| {
                let _ = reply.send(Err(E::from(e)));
            });
        }
        let result = match catch_unwind(AssertUnwindSafe(|| f(conn))) {
            Ok(r) => r,
            Err(_) => Err(E::from(DbError::new(
                DbErrorKind::Other,
                "a write panicked and was rolled back",
            ))),
        };
        let closing = if result.is_ok() {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        let result = match conn.raw().execute_batch(closing) {
            Ok(()) => result,
            Err(e) => Err(E::from(DbError::from(e))),
        };
        Box::new(move |commit_error| {
            let out = match commit_error {
                Some(e) => Err(E::from(e.clone())),
                None => result,
            };
            // The caller may have gone away (client disconnected); the write stands.
            let _ = reply.send(out);
        })
    }

    fn fail(self: Box<Self>, error: DbError) {
        let _ = self.reply.send(Err(E::from(error)));
    }
}

fn spawn_writer(
    mut conn: SqliteConn,
    batch_end: BatchEnd,
) -> Result<mpsc::Sender<Box<dyn WriteJob>>, DbError> {
    let (tx, rx) = mpsc::channel::<Box<dyn WriteJob>>();
    std::thread::Builder::new()
        .name("rapport-sqlite-writer".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while batch.len() < MAX_WRITE_BATCH {
                    match rx.try_recv() {
                        Ok(job) => batch.push(job),
                        Err(_) => break,
                    }
                }
                let end = *batch_end.lock().unwrap_or_else(|p| p.into_inner());
                commit_batch(&mut conn, batch, end);
            }
        })
        .map_err(|e| DbError::new(DbErrorKind::Other, format!("cannot start writer: {e}")))?;
    Ok(tx)
}

fn commit_batch(conn: &mut SqliteConn, batch: Vec<Box<dyn WriteJob>>, end: Option<&str>) {
    if let Err(e) = conn.raw().execute_batch("BEGIN IMMEDIATE") {
        let e = DbError::from(e);
        for job in batch {
            job.fail(e.clone());
        }
        return;
    }
    let deliveries: Vec<Deliver> = batch.into_iter().map(|job| job.run(conn)).collect();
    let ended = match end {
        Some(sql) => conn.raw().execute_batch(sql),
        None => Ok(()),
    };
    let commit_error = ended
        .and_then(|()| conn.raw().execute_batch("COMMIT"))
        .err()
        .map(|e| {
            let _ = conn.raw().execute_batch("ROLLBACK");
            DbError::from(e)
        });
    if let Some(e) = &commit_error {
        tracing::error!(error = %e, "SQLite commit failed; the whole batch was rolled back");
    }
    for deliver in deliveries {
        deliver(commit_error.as_ref());
    }
}
