//! rapport-load-leads: fills a fresh database with the lead and activity workload of
//! issue #15 (seed 002 mapped onto leads: N leads with five activities each) for
//! rapport-bench's lead scenarios, and writes a samples file for them.
//!
//! Rows go in directly through `rapport-db` with multi-row INSERTs in large
//! transactions (no HTTP, no audit rows), as the other loaders do; they are the rows the
//! application writes (see `generate`). The board's kept totals are not written: run
//! `rapport pipeline rebuild` afterwards, so they come from Rapport's own code. On SQLite
//! the migration's triggers fill `search_seq` and the FTS5 table.

mod generate;
mod samples;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use clap::Parser;
use rapport_bench::bulk::{self, insert_rows, Pipeline};
use rapport_bench::customers::ACCOUNT_COLUMNS;
use rapport_db::{Database, Value};
use rapport_domain::normalize::company_key;
use uuid::Uuid;

use crate::samples::Samples;

#[derive(Parser, Debug)]
#[command(name = "rapport-load-leads", version, about)]
struct Args {
    /// `sqlite://path` or `postgres://…` of a fresh database (migrated here if needed).
    #[arg(long)]
    database_url: String,

    #[arg(long, default_value_t = 1_000_000)]
    leads: usize,

    #[arg(long, default_value_t = 5)]
    activities_per_lead: usize,

    /// Seed of the generated data: the same seed loads the same records.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Where to write the lead ids, statuses and search prefixes for rapport-bench.
    #[arg(long, default_value = "leads-samples.json")]
    samples_out: PathBuf,

    /// Lead ids in the samples file, drawn evenly from all leads (get, activities).
    #[arg(long, default_value_t = 100_000)]
    sample_leads: usize,

    /// Open, unarchived lead ids in the samples file (status changes; rapport-bench reads
    /// each one's ETag before timing).
    #[arg(long, default_value_t = 4_000)]
    sample_open: usize,

    /// Leads per transaction (each with its history and activities).
    #[arg(long, default_value_t = 10_000)]
    batch_leads: usize,

    /// SQLite page cache of the loading connection, in MiB.
    #[arg(long, default_value_t = 1024)]
    sqlite_cache_mib: u64,
}

fn main() -> ExitCode {
    match try_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rapport-load-leads: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.batch_leads > 0, "--batch-leads must be at least 1");
    ensure!(args.leads > 0, "--leads must be at least 1");
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the tokio runtime")?
        .block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    let db = bulk::open_fresh(&args.database_url, args.sqlite_cache_mib).await?;
    let existing: i64 = db
        .read(|c| {
            c.query_scalar("SELECT COUNT(*) FROM leads", &[])
                .map(Option::unwrap_or_default)
        })
        .await?;
    if existing > 0 {
        bail!("the database already holds {existing} leads: load into a fresh database");
    }

    let mut samples = Samples::new(args.seed, args.sample_leads, args.sample_open);
    let loaded = load(&db, &args, &mut samples).await?;

    let phase = Instant::now();
    bulk::finish(&db).await?;
    let finish_secs = phase.elapsed().as_secs_f64();
    samples.write(&args.samples_out, args.leads, args.activities_per_lead)?;
    println!(
        "loaded {} leads with {} history rows and {} activities, {} accounts of won leads \
         ({:.0}s, {:.0} leads/s), finished ({finish_secs:.0}s) in {:.0}s; samples in {}",
        args.leads,
        loaded.history,
        loaded.activities,
        loaded.accounts,
        loaded.secs,
        args.leads as f64 / loaded.secs.max(0.001),
        started.elapsed().as_secs_f64(),
        args.samples_out.display()
    );
    Ok(())
}

/// Rows written, and the seconds it took.
struct Loaded {
    history: usize,
    activities: usize,
    accounts: usize,
    secs: f64,
}

/// One transaction per `--batch-leads` leads: the leads, their history and their
/// activities (each refers only to rows before it, so the foreign keys hold within the
/// transaction), after the accounts its won leads convert to have committed.
async fn load(db: &Database, args: &Args, samples: &mut Samples) -> Result<Loaded> {
    // Company key → account: the application's find-or-create on a win.
    let mut accounts: HashMap<String, Uuid> = HashMap::new();
    let mut history_rows = 0;
    let mut activity_rows = 0;
    let mut pipeline = Pipeline::new(db.clone(), "leads", args.leads);
    let mut start = 0;
    while start < args.leads {
        let end = (start + args.batch_leads).min(args.leads);
        let mut new_accounts = Vec::new();
        let mut leads = Vec::with_capacity(end - start);
        let mut history = Vec::with_capacity(2 * (end - start));
        let mut activities = Vec::with_capacity(args.activities_per_lead * (end - start));
        for index in start..end {
            let mut lead = generate::lead(args.seed, index, args.leads, args.activities_per_lead);
            samples.add(lead.id, lead.status, lead.archived);
            if let Some(won_at) = lead.won_at {
                let key = company_key(&lead.organization);
                let account = match accounts.get(&key) {
                    Some(id) => *id,
                    None => {
                        let (id, row) = generate::conversion_account(args.seed, &lead, won_at);
                        new_accounts.push(row);
                        accounts.insert(key, id);
                        id
                    }
                };
                lead.values[generate::ACCOUNT_ID_COLUMN] = Value::from(account);
            }
            history.append(&mut lead.history);
            activities.append(&mut lead.activities);
            leads.push(lead.values);
        }
        history_rows += history.len();
        activity_rows += activities.len();
        // Later batches may point at these accounts while this one is still in flight
        // (PostgreSQL runs two at once), so they commit first, on their own.
        if !new_accounts.is_empty() {
            db.write(move |c| insert_rows(c, "accounts", ACCOUNT_COLUMNS, new_accounts))
                .await?;
        }
        pipeline
            .push(end - start, move |c| {
                insert_rows(c, "leads", generate::LEAD_COLUMNS, leads)?;
                insert_rows(c, "lead_status_history", generate::HISTORY_COLUMNS, history)?;
                insert_rows(c, "activities", generate::ACTIVITY_COLUMNS, activities)
            })
            .await?;
        start = end;
    }
    let secs = pipeline.finish().await?;
    Ok(Loaded {
        history: history_rows,
        activities: activity_rows,
        accounts: accounts.len(),
        secs,
    })
}
