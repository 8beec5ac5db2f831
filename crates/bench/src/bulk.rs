//! Bulk writing for the loaders: a fresh migrated database, multi-row INSERTs in large
//! transactions kept in flight while the next batch is generated, and the rep users and
//! accounts both loaders start from.

use std::collections::{HashSet, VecDeque};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rapport_db::{Conn, Database, DbError, DbOptions, Dialect, Value};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::customers::{self, Account};

/// Rows per INSERT statement: under SQLite's 32,766 and PostgreSQL's 65,535 parameters
/// for tables of up to 65 columns.
pub const ROWS_PER_STATEMENT: usize = 500;
/// Transactions in flight while the next batch is generated (on PostgreSQL they run on
/// separate connections).
pub const PIPELINE_DEPTH: usize = 2;

/// Connects to `url`, migrates it to the latest schema and checks that it holds no
/// accounts yet. On SQLite the loading connection gets a page cache of `sqlite_cache_mib`.
pub async fn open_fresh(url: &str, sqlite_cache_mib: u64) -> Result<Database> {
    let options = DbOptions {
        pool_size: PIPELINE_DEPTH,
        // A bulk load that fails is simply rerun; the server reopens with its own setting.
        sqlite_synchronous: "NORMAL".into(),
        ..DbOptions::default()
    };
    let db = Database::connect(url, &options)
        .await
        .context("connecting to the database")?;
    let applied = rapport_migration::up(&db, None)
        .await
        .context("migrating the database")?;
    eprintln!("migrated: applied {applied:?}");
    let existing: i64 = db
        .read(|c| {
            c.query_scalar("SELECT COUNT(*) FROM accounts", &[])
                .map(Option::unwrap_or_default)
        })
        .await?;
    if existing > 0 {
        bail!("the database already holds {existing} accounts: load into a fresh database");
    }
    if db.dialect() == Dialect::Sqlite {
        // The default 2 MB page cache makes every insert into the random-order indexes
        // (name, company key, FTS5) a read; this connection is the loader's own.
        let kib = sqlite_cache_mib * 1024;
        db.write(move |c| c.batch(&format!("PRAGMA cache_size = -{kib}")))
            .await
            .context("setting the SQLite cache size")?;
    }
    Ok(db)
}

/// Inserts `count` rep users (see [`customers::rep`]) and returns them.
pub async fn load_reps(db: &Database, seed: u64, count: usize) -> Result<Vec<customers::Rep>> {
    let reps: Vec<customers::Rep> = (0..count).map(|i| customers::rep(seed, i)).collect();
    let rows: Vec<Vec<Value>> = reps.iter().map(customers::rep_values).collect();
    db.write(move |c| insert_rows(c, "users", customers::REP_COLUMNS, rows))
        .await
        .context("inserting rep users")?;
    Ok(reps)
}

/// Inserts `count` accounts (see [`customers::account`]) with their tags and primary rep
/// rows, `batch_rows` per transaction; `seen` is called with every account as generated.
pub async fn load_accounts(
    db: &Database,
    seed: u64,
    count: usize,
    batch_rows: usize,
    reps: &[Uuid],
    seen: impl FnMut(usize, &Account),
) -> Result<Vec<Uuid>> {
    load_accounts_of_kind(db, seed, count, batch_rows, reps, None, seen).await
}

/// [`load_accounts`], every account of `kind` when one is given (the lab's offices)
/// instead of the mix [`customers::account`] draws; nothing else of the record changes.
pub async fn load_accounts_of_kind(
    db: &Database,
    seed: u64,
    count: usize,
    batch_rows: usize,
    reps: &[Uuid],
    kind: Option<&'static str>,
    mut seen: impl FnMut(usize, &Account),
) -> Result<Vec<Uuid>> {
    let mut keys: HashSet<String> = HashSet::with_capacity(count);
    let mut ids = Vec::with_capacity(count);
    let mut pipeline = Pipeline::new(db.clone(), "accounts", count);
    let mut start = 0;
    while start < count {
        let end = (start + batch_rows).min(count);
        let mut accounts = Vec::with_capacity(end - start);
        let mut tags = Vec::new();
        let mut account_reps = Vec::new();
        for index in start..end {
            let mut a =
                customers::account(seed, index, count, reps, |key| keys.insert(key.to_owned()));
            if let Some(kind) = kind {
                a.kind = kind;
                a.values[customers::ACCOUNT_KIND_COLUMN] = kind.into();
            }
            ids.push(a.id);
            for tag in &a.tags {
                tags.push(vec![a.id.into(), tag.clone().into()]);
            }
            // reps.rs `sync_owner`: the owner is the primary rep.
            if let Some(owner) = a.owner {
                account_reps.push(vec![
                    a.id.into(),
                    owner.into(),
                    "primary".into(),
                    owner.into(),
                    a.created_at.into(),
                ]);
            }
            seen(index, &a);
            accounts.push(a.values);
        }
        pipeline
            .push(end - start, move |c| {
                insert_rows(c, "accounts", customers::ACCOUNT_COLUMNS, accounts)?;
                insert_rows(c, "account_tags", "account_id, tag", tags)?;
                insert_rows(
                    c,
                    "account_reps",
                    "account_id, user_id, role, created_by, created_at",
                    account_reps,
                )
            })
            .await?;
        start = end;
    }
    pipeline.finish().await?;
    Ok(ids)
}

/// After the load: PostgreSQL gets the statistics and visibility map autovacuum would
/// build shortly anyway (so the first minutes of the benchmark do not race it); SQLite
/// folds the WAL back into the database file. SQLite is not ANALYZEd: the application
/// never does, so its planner works without statistics in production too.
pub async fn finish(db: &Database) -> Result<()> {
    match db.dialect() {
        Dialect::Postgres => db
            .read(|c| c.batch("VACUUM (ANALYZE)"))
            .await
            .context("VACUUM (ANALYZE)"),
        Dialect::Sqlite => db
            .read(|c| c.query("PRAGMA wal_checkpoint(TRUNCATE)", &[]).map(drop))
            .await
            .context("checkpointing the WAL"),
    }
}

/// Keeps up to [`PIPELINE_DEPTH`] write transactions running while the caller generates
/// the next batch, and reports progress.
pub struct Pipeline {
    db: Database,
    what: &'static str,
    total: usize,
    done: usize,
    started: Instant,
    last_report: usize,
    in_flight: VecDeque<(usize, JoinHandle<Result<(), DbError>>)>,
}

impl Pipeline {
    pub fn new(db: Database, what: &'static str, total: usize) -> Self {
        Self {
            db,
            what,
            total,
            done: 0,
            started: Instant::now(),
            last_report: 0,
            in_flight: VecDeque::new(),
        }
    }

    /// Runs `f` (one transaction of `rows` records) once fewer than [`PIPELINE_DEPTH`]
    /// transactions are in flight.
    pub async fn push<F>(&mut self, rows: usize, f: F) -> Result<()>
    where
        F: FnOnce(&mut dyn Conn) -> Result<(), DbError> + Send + 'static,
    {
        while self.in_flight.len() >= PIPELINE_DEPTH {
            self.wait_one().await?;
        }
        let db = self.db.clone();
        self.in_flight
            .push_back((rows, tokio::spawn(async move { db.write(f).await })));
        Ok(())
    }

    async fn wait_one(&mut self) -> Result<()> {
        let Some((rows, handle)) = self.in_flight.pop_front() else {
            return Ok(());
        };
        handle
            .await
            .context("write task panicked")?
            .with_context(|| format!("inserting {}", self.what))?;
        self.done += rows;
        let step = (self.total / 10).clamp(100_000, 1_000_000);
        if self.done - self.last_report >= step || self.done == self.total {
            self.last_report = self.done;
            let secs = self.started.elapsed().as_secs_f64();
            eprintln!(
                "{}: {}/{} in {secs:.0}s ({:.0}/s)",
                self.what,
                self.done,
                self.total,
                self.done as f64 / secs.max(0.001)
            );
        }
        Ok(())
    }

    /// Waits for every transaction still in flight; returns the seconds since [`Self::new`].
    pub async fn finish(mut self) -> Result<f64> {
        while !self.in_flight.is_empty() {
            self.wait_one().await?;
        }
        Ok(self.started.elapsed().as_secs_f64())
    }
}

/// Multi-row INSERTs of `rows` (each in `columns` order), [`ROWS_PER_STATEMENT`] at a time.
/// The rows are moved into the statements' parameters, not copied.
pub fn insert_rows(
    c: &mut dyn Conn,
    table: &str,
    columns: &str,
    rows: Vec<Vec<Value>>,
) -> Result<(), DbError> {
    let width = columns.split(',').count();
    let tuple = format!("({})", vec!["?"; width].join(", "));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        debug_assert!(chunk.iter().all(|r| r.len() == width));
        let sql = format!(
            "INSERT INTO {table} ({columns}) VALUES {}",
            vec![tuple.as_str(); chunk.len()].join(", ")
        );
        let params: Vec<Value> = chunk.into_iter().flatten().collect();
        c.execute(&sql, &params)?;
    }
    Ok(())
}
