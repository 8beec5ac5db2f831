use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use rapport_db::{Conn, Database, DbError, Dialect, Value};

use crate::set::{latest_version, Migration, MIGRATIONS};

/// Serialises migrations when several app nodes start at once on PostgreSQL.
const PG_LOCK_KEY: i64 = 0x7261_7070_6f72;

#[derive(Debug, Clone)]
pub struct Applied {
    pub version: i64,
    pub name: String,
    pub checksum: String,
    pub applied_at: String,
}

#[derive(Debug, Clone)]
pub struct Failure {
    pub version: i64,
    pub name: String,
    pub error: String,
    pub failed_at: String,
}

/// What the database holds compared with what this binary knows.
#[derive(Debug, Clone)]
pub struct SchemaStatus {
    pub applied: Vec<Applied>,
    /// Known to the binary, not yet applied.
    pub pending: Vec<(i64, &'static str)>,
    /// Applied in the database, unknown to the binary: the schema is ahead of it.
    pub unknown: Vec<Applied>,
    /// Applied, but the binary's SQL differs from what was applied.
    pub changed: Vec<i64>,
    pub last_failure: Option<Failure>,
}

impl SchemaStatus {
    pub fn current_version(&self) -> i64 {
        self.applied.iter().map(|a| a.version).max().unwrap_or(0)
    }
}

#[derive(Debug)]
pub enum MigrationError {
    Db(DbError),
    /// A migration's SQL failed; its transaction was rolled back.
    Failed {
        version: i64,
        name: String,
        error: String,
    },
    Ahead {
        database: i64,
        binary: i64,
    },
    Changed(Vec<i64>),
    Pending(Vec<i64>),
    PreviousFailure(Failure),
}

impl From<DbError> for MigrationError {
    fn from(e: DbError) -> Self {
        Self::Db(e)
    }
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Db(e) => write!(f, "database error while checking the schema: {e}"),
            Self::Failed {
                version,
                name,
                error,
            } => write!(
                f,
                "migration {version} ({name}) failed and was rolled back, so the schema is \
                 as it was before it: {error}. Fix the cause, then run `rapport migrate up`."
            ),
            Self::Ahead { database, binary } => write!(
                f,
                "the database schema is at version {database}, newer than this binary knows \
                 (up to {binary}). Run a newer rapport, or roll the schema back with the newer \
                 binary (`rapport migrate down`)."
            ),
            Self::Changed(v) => write!(
                f,
                "applied migration(s) {v:?} differ from this binary's copy; the schema may not \
                 be what this binary expects. Use the binary that applied them."
            ),
            Self::Pending(v) => write!(
                f,
                "{} migration(s) are pending ({v:?}) and migrations are disabled \
                 (--no-migrate). Run `rapport migrate up` first.",
                v.len()
            ),
            Self::PreviousFailure(fl) => write!(
                f,
                "migration {} ({}) failed at {}: {}. The schema was left as it was before it. \
                 Fix the cause, then run `rapport migrate up`.",
                fl.version, fl.name, fl.failed_at, fl.error
            ),
        }
    }
}

impl std::error::Error for MigrationError {}

fn bootstrap(c: &mut dyn Conn) -> Result<(), DbError> {
    c.batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS schema_migration_failures (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            error TEXT NOT NULL,
            failed_at TEXT NOT NULL
        );",
    )
}

fn read_applied(c: &mut dyn Conn) -> Result<Vec<Applied>, DbError> {
    c.query(
        "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version",
        &[],
    )?
    .into_iter()
    .map(|r| {
        Ok(Applied {
            version: r.get("version")?,
            name: r.get("name")?,
            checksum: r.get("checksum")?,
            applied_at: r.get("applied_at")?,
        })
    })
    .collect()
}

fn read_failure(c: &mut dyn Conn) -> Result<Option<Failure>, DbError> {
    let row = c.query_one(
        "SELECT version, name, error, failed_at FROM schema_migration_failures \
         ORDER BY failed_at DESC LIMIT 1",
        &[],
    )?;
    row.map(|r| {
        Ok(Failure {
            version: r.get("version")?,
            name: r.get("name")?,
            error: r.get("error")?,
            failed_at: r.get("failed_at")?,
        })
    })
    .transpose()
}

pub async fn status(db: &Database) -> Result<SchemaStatus, MigrationError> {
    let dialect = db.dialect();
    let (applied, last_failure) = db
        .write(|c| {
            bootstrap(c)?;
            Ok::<_, DbError>((read_applied(c)?, read_failure(c)?))
        })
        .await?;
    let known: BTreeMap<i64, &Migration> = MIGRATIONS.iter().map(|m| (m.version, m)).collect();
    let applied_versions: Vec<i64> = applied.iter().map(|a| a.version).collect();
    let pending = MIGRATIONS
        .iter()
        .filter(|m| !applied_versions.contains(&m.version))
        .map(|m| (m.version, m.name))
        .collect();
    let unknown = applied
        .iter()
        .filter(|a| !known.contains_key(&a.version))
        .cloned()
        .collect();
    let changed = applied
        .iter()
        .filter(|a| {
            known
                .get(&a.version)
                .is_some_and(|m| m.checksum(dialect) != a.checksum)
        })
        .map(|a| a.version)
        .collect();
    Ok(SchemaStatus {
        applied,
        pending,
        unknown,
        changed,
        last_failure,
    })
}

/// Refuses a schema this binary cannot run on: ahead of it, edited, or (when `pending`
/// is not allowed) behind it.
fn refuse_unusable(s: &SchemaStatus, allow_pending: bool) -> Result<(), MigrationError> {
    if let Some(newest) = s.unknown.iter().map(|a| a.version).max() {
        return Err(MigrationError::Ahead {
            database: newest,
            binary: latest_version(),
        });
    }
    if !s.changed.is_empty() {
        return Err(MigrationError::Changed(s.changed.clone()));
    }
    if !allow_pending && !s.pending.is_empty() {
        if let Some(f) = &s.last_failure {
            return Err(MigrationError::PreviousFailure(f.clone()));
        }
        return Err(MigrationError::Pending(
            s.pending.iter().map(|(v, _)| *v).collect(),
        ));
    }
    Ok(())
}

/// Succeeds only when the schema is exactly what this binary expects.
pub async fn check_current(db: &Database) -> Result<SchemaStatus, MigrationError> {
    let s = status(db).await?;
    refuse_unusable(&s, false)?;
    crate::batch_end::install(db, s.current_version());
    Ok(s)
}

/// Applies pending migrations up to `target` (all when `None`), each in its own
/// transaction. Returns the versions applied.
pub async fn up(db: &Database, target: Option<i64>) -> Result<Vec<i64>, MigrationError> {
    let s = status(db).await?;
    refuse_unusable(&s, true)?;
    let dialect = db.dialect();
    let mut done = Vec::new();
    for m in MIGRATIONS {
        if target.is_some_and(|t| m.version > t) {
            break;
        }
        if s.applied.iter().any(|a| a.version == m.version) {
            continue;
        }
        let version = m.version;
        let outcome = db.write(move |c| apply(c, dialect, m)).await;
        match outcome {
            Ok(true) => {
                tracing::info!(version, name = m.name, "migration applied");
                done.push(version);
            }
            Ok(false) => {} // another node applied it first
            Err(e) => {
                let error = e.to_string();
                let failed_at = rapport_db::format_timestamp(&Utc::now());
                let record = (version, m.name.to_owned(), error.clone(), failed_at);
                db.write(move |c| record_failure(c, record)).await?;
                crate::batch_end::install(db, status(db).await?.current_version());
                return Err(MigrationError::Failed {
                    version,
                    name: m.name.to_owned(),
                    error,
                });
            }
        }
    }
    crate::batch_end::install(db, status(db).await?.current_version());
    Ok(done)
}

fn lock(c: &mut dyn Conn) -> Result<(), DbError> {
    if c.dialect() == Dialect::Postgres {
        c.execute(
            "SELECT pg_advisory_xact_lock(?)",
            &[Value::Int(PG_LOCK_KEY)],
        )?;
    }
    Ok(())
}

fn apply(c: &mut dyn Conn, dialect: Dialect, m: &Migration) -> Result<bool, DbError> {
    lock(c)?;
    let already: Option<i64> = c.query_scalar(
        "SELECT version FROM schema_migrations WHERE version = ?",
        &[Value::Int(m.version)],
    )?;
    if already.is_some() {
        return Ok(false);
    }
    c.batch(m.up_sql(dialect))?;
    if let Some(step) = m.up_step {
        step(c, dialect)?;
    }
    c.execute(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
        &[
            Value::Int(m.version),
            m.name.into(),
            m.checksum(dialect).into(),
            now_text().into(),
        ],
    )?;
    c.execute(
        "DELETE FROM schema_migration_failures WHERE version = ?",
        &[Value::Int(m.version)],
    )?;
    Ok(true)
}

fn record_failure(
    c: &mut dyn Conn,
    (version, name, error, at): (i64, String, String, String),
) -> Result<(), DbError> {
    c.execute(
        "DELETE FROM schema_migration_failures WHERE version = ?",
        &[Value::Int(version)],
    )?;
    c.execute(
        "INSERT INTO schema_migration_failures (version, name, error, failed_at) VALUES (?, ?, ?, ?)",
        &[Value::Int(version), name.into(), error.into(), at.into()],
    )?;
    Ok(())
}

fn now_text() -> String {
    let now: DateTime<Utc> = rapport_db::now();
    rapport_db::format_timestamp(&now)
}

/// Reverts the newest `steps` applied migrations, newest first, each in its own
/// transaction. Returns the versions reverted.
pub async fn down(db: &Database, steps: usize) -> Result<Vec<i64>, MigrationError> {
    let s = status(db).await?;
    refuse_unusable(&s, true)?;
    let dialect = db.dialect();
    let mut versions: Vec<i64> = s.applied.iter().map(|a| a.version).collect();
    versions.sort_unstable_by(|a, b| b.cmp(a));
    let mut done = Vec::new();
    // A revert may remove what the batch end works on: none while reverting.
    crate::batch_end::install(db, 0);
    let outcome = revert(db, dialect, versions, steps, &mut done).await;
    crate::batch_end::install(db, status(db).await?.current_version());
    outcome.map(|()| done)
}

async fn revert(
    db: &Database,
    dialect: Dialect,
    versions: Vec<i64>,
    steps: usize,
    done: &mut Vec<i64>,
) -> Result<(), MigrationError> {
    for version in versions.into_iter().take(steps) {
        // Unknown versions were refused above, so every applied one is in the set.
        let Some(m) = MIGRATIONS.iter().find(|m| m.version == version) else {
            return Err(MigrationError::Ahead {
                database: version,
                binary: latest_version(),
            });
        };
        db.write(move |c| {
            lock(c)?;
            if let Some(step) = m.down_step {
                step(c, dialect)?;
            }
            c.batch(m.down_sql(dialect))?;
            c.execute(
                "DELETE FROM schema_migrations WHERE version = ?",
                &[Value::Int(version)],
            )?;
            Ok::<_, DbError>(())
        })
        .await
        .map_err(|e| MigrationError::Failed {
            version,
            name: m.name.to_owned(),
            error: format!("reverting: {e}"),
        })?;
        tracing::info!(version, name = m.name, "migration reverted");
        done.push(version);
    }
    Ok(())
}

/// For readiness probes: checks without writing (no bootstrap) that every migration this
/// binary knows is applied, unchanged, and nothing newer is. Returns the version.
pub async fn check_current_readonly(db: &Database) -> Result<i64, MigrationError> {
    let dialect = db.dialect();
    let applied = db
        .read(|c| read_applied(c).map_err(MigrationError::from))
        .await?;
    let known: BTreeMap<i64, &Migration> = MIGRATIONS.iter().map(|m| (m.version, m)).collect();
    if let Some(a) = applied.iter().find(|a| !known.contains_key(&a.version)) {
        return Err(MigrationError::Ahead {
            database: a.version,
            binary: latest_version(),
        });
    }
    let changed: Vec<i64> = applied
        .iter()
        .filter(|a| {
            known
                .get(&a.version)
                .is_some_and(|m| m.checksum(dialect) != a.checksum)
        })
        .map(|a| a.version)
        .collect();
    if !changed.is_empty() {
        return Err(MigrationError::Changed(changed));
    }
    let pending: Vec<i64> = MIGRATIONS
        .iter()
        .filter(|m| !applied.iter().any(|a| a.version == m.version))
        .map(|m| m.version)
        .collect();
    if !pending.is_empty() {
        return Err(MigrationError::Pending(pending));
    }
    Ok(latest_version())
}
