//! rapport-load-distributions: fills a fresh database with a large distribution log
//! (issue #5) for the sales dashboard benchmark, and writes the reps, SKUs, states,
//! customers and months of the data to a samples file for `rapport-bench` and
//! `rapport-check-distributions`.
//!
//! It migrates the database, then writes rep users, customer accounts (each in a US state,
//! with its primary rep), products with the SKUs, and the entries directly through
//! `rapport-db` with multi-row INSERTs in large transactions: no HTTP, no audit rows. The
//! dashboard's figures (`distribution_months` and friends) are not written here: run
//! `rapport distributions rebuild` afterwards, as `scripts/bench-distributions` does.

mod generate;

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use chrono::NaiveDate;
use clap::Parser;
use rapport_bench::bulk::{self, insert_rows, Pipeline};
use rapport_bench::dashboard::{SampleCustomer, Samples};
use rapport_db::{Database, Value};
use rapport_domain::settings::ACTIVE_PRODUCT_CAP;
use uuid::Uuid;

use crate::generate::{Catalog, Customer, Generator, Plan, Who};

#[derive(Parser, Debug)]
#[command(name = "rapport-load-distributions", version, about)]
struct Args {
    /// `sqlite://path` or `postgres://…` of a fresh database (migrated here if needed).
    #[arg(long)]
    database_url: String,

    /// Customer accounts.
    #[arg(long, default_value_t = 20_000)]
    customers: usize,

    /// SKUs, each with its product.
    #[arg(long, default_value_t = 500)]
    skus: usize,

    /// Distribution entries.
    #[arg(long, default_value_t = 10_000_000)]
    entries: u64,

    /// Years of ship dates, ending at --end-date.
    #[arg(long, default_value_t = 5)]
    years: u32,

    /// Rep users, each covering a territory of states.
    #[arg(long, default_value_t = 40)]
    reps: usize,

    /// The last ship date.
    #[arg(long, default_value = "2026-10-31")]
    end_date: NaiveDate,

    /// Seed of the generated data: the same seed loads the same records.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Where to write the samples for rapport-bench and rapport-check-distributions.
    #[arg(long, alias = "samples", default_value = "distribution-samples.json")]
    samples_out: PathBuf,

    /// Rep and SKU filters in the samples file.
    #[arg(long, default_value_t = 20)]
    samples_per_kind: usize,

    /// Records per transaction.
    #[arg(long, default_value_t = 50_000)]
    batch_rows: usize,

    /// SQLite page cache of the loading connection, in MiB.
    #[arg(long, default_value_t = 1024)]
    sqlite_cache_mib: u64,
}

fn main() -> ExitCode {
    match try_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rapport-load-distributions: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.batch_rows > 0, "--batch-rows must be at least 1");
    ensure!(
        args.reps > 0,
        "customers need reps: --reps must be at least 1"
    );
    ensure!(
        args.customers > 0 && args.customers < (1 << 32),
        "--customers must be between 1 and {}",
        u32::MAX
    );
    ensure!(
        args.skus > 0 && args.skus <= 10_000,
        "--skus must be between 1 and 10000"
    );
    ensure!(
        (1..=100).contains(&args.years),
        "--years must be between 1 and 100"
    );
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the tokio runtime")?
        .block_on(run(args))
}

/// How many rows went in, and how long it took.
struct Phase {
    rows: u64,
    secs: f64,
}

impl Phase {
    fn since(rows: u64, started: Instant) -> Self {
        Self {
            rows,
            secs: started.elapsed().as_secs_f64(),
        }
    }

    fn describe(&self, what: &str) -> String {
        format!(
            "{} {what} in {:.1}s ({:.0}/s)",
            self.rows,
            self.secs,
            self.rows as f64 / self.secs.max(0.001)
        )
    }
}

async fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    let plan = Plan::new(args.end_date, args.years);
    let db = bulk::open_fresh(&args.database_url, args.sqlite_cache_mib).await?;

    let phase = Instant::now();
    let reps: Vec<Uuid> = bulk::load_reps(&db, args.seed, args.reps)
        .await?
        .iter()
        .map(|r| r.id)
        .collect();
    let (catalog, product_rows) =
        generate::catalog(args.seed, args.skus, &plan, reps.first().copied());
    let products = product_rows.len() as u64;
    db.write(move |c| {
        // Every SKU's product is active; the default cap of 3 active products would make
        // this catalogue one the application refuses to edit, so lift it (0: no cap) as
        // an admin would.
        c.execute(
            "INSERT INTO settings (key, value, updated_at, version) VALUES (?, ?, ?, 1)",
            &[
                ACTIVE_PRODUCT_CAP.into(),
                serde_json::json!(0).into(),
                rapport_db::now().into(),
            ],
        )?;
        insert_rows(c, "products", generate::PRODUCT_COLUMNS, product_rows)
    })
    .await
    .context("inserting products")?;
    let setup = Phase::since(args.reps as u64 + products, phase);
    eprintln!("{}", setup.describe("reps and products"));

    let phase = Instant::now();
    let (customers, account_keys) = load_customers(&db, &args, &plan, &reps).await?;
    let accounts = Phase::since(customers.len() as u64, phase);
    eprintln!("{}", accounts.describe("customer accounts"));

    let phase = Instant::now();
    let tally = load_entries(
        &db,
        &args,
        &plan,
        &customers,
        &catalog,
        &reps,
        &account_keys,
    )
    .await?;
    let entries = Phase::since(args.entries, phase);
    eprintln!("{}", entries.describe("distribution entries"));

    let phase = Instant::now();
    bulk::finish(&db).await?;
    let finish_secs = phase.elapsed().as_secs_f64();

    let samples = tally.samples(&args, &plan, &customers, &catalog, &reps);
    std::fs::write(&args.samples_out, format!("{:#}\n", samples.to_json()))
        .with_context(|| format!("writing {}", args.samples_out.display()))?;
    println!(
        "loaded {} reps and {products} products, {}, {} ({} unlinked, {} naming no account, \
         {} without a customer; ship dates {}..{}); finished ({finish_secs:.0}s) in {:.0}s; \
         samples in {}",
        reps.len(),
        accounts.describe("customer accounts"),
        entries.describe("entries"),
        tally.unlinked,
        tally.unmatched,
        tally.nobody,
        rapport_domain::distribution::month_start(plan.first_month),
        plan.end_date,
        started.elapsed().as_secs_f64(),
        args.samples_out.display()
    );
    Ok(())
}

async fn load_customers(
    db: &Database,
    args: &Args,
    plan: &Plan,
    reps: &[Uuid],
) -> Result<(Vec<Customer>, HashSet<String>)> {
    let territories = generate::territories(reps.len());
    let mut keys: HashSet<String> = HashSet::with_capacity(args.customers);
    let mut customers = Vec::with_capacity(args.customers);
    let mut pipeline = Pipeline::new(db.clone(), "customer accounts", args.customers);
    let mut start = 0;
    while start < args.customers {
        let end = (start + args.batch_rows).min(args.customers);
        let mut accounts = Vec::with_capacity(end - start);
        let mut account_reps = Vec::with_capacity(end - start);
        for index in start..end {
            let (customer, account, account_rep) = generate::customer(
                args.seed,
                index,
                args.customers,
                plan,
                &territories,
                reps,
                |key| keys.insert(key.to_owned()),
            );
            customers.push(customer);
            accounts.push(account);
            account_reps.push(account_rep);
        }
        pipeline
            .push(end - start, move |c| {
                insert_rows(c, "accounts", generate::ACCOUNT_COLUMNS, accounts)?;
                insert_rows(
                    c,
                    "account_reps",
                    generate::ACCOUNT_REP_COLUMNS,
                    account_reps,
                )
            })
            .await?;
        start = end;
    }
    pipeline.finish().await?;
    Ok((customers, keys))
}

/// Counts kept while loading, for the samples and the summary.
#[derive(Default)]
struct Tally {
    per_rep: Vec<u64>,
    per_sku: Vec<u64>,
    /// Entries per customer in the data's last three months.
    recent: Vec<u64>,
    unlinked: u64,
    unmatched: u64,
    nobody: u64,
}

async fn load_entries(
    db: &Database,
    args: &Args,
    plan: &Plan,
    customers: &[Customer],
    catalog: &Catalog,
    reps: &[Uuid],
    account_keys: &HashSet<String>,
) -> Result<Tally> {
    let mut tally = Tally {
        per_rep: vec![0; reps.len()],
        per_sku: vec![0; catalog.skus.len()],
        recent: vec![0; customers.len()],
        ..Tally::default()
    };
    let mut generator = Generator::new(
        args.seed,
        plan,
        customers,
        catalog,
        reps.len(),
        args.entries,
        account_keys,
    );
    let total = usize::try_from(args.entries).context("--entries is too large")?;
    let mut pipeline = Pipeline::new(db.clone(), "distributions", total);
    let mut rows: Vec<Vec<Value>> = Vec::with_capacity(args.batch_rows);
    for m in plan.first_month..=plan.last_month {
        for entry in generator.month(m) {
            tally.per_rep[entry.rep] += 1;
            tally.per_sku[entry.sku] += 1;
            match &entry.who {
                Who::Linked(c, _) | Who::Named(c, _) => {
                    if plan.last_month - m < 3 {
                        tally.recent[*c as usize] += 1;
                    }
                    if matches!(entry.who, Who::Named(..)) {
                        tally.unlinked += 1;
                    }
                }
                Who::Unmatched(_) => tally.unmatched += 1,
                Who::Nobody => tally.nobody += 1,
            }
            rows.push(entry.values(customers, catalog, reps));
            if rows.len() == args.batch_rows {
                let batch = std::mem::replace(&mut rows, Vec::with_capacity(args.batch_rows));
                push_entries(&mut pipeline, batch).await?;
            }
        }
    }
    if !rows.is_empty() {
        push_entries(&mut pipeline, rows).await?;
    }
    pipeline.finish().await?;
    Ok(tally)
}

async fn push_entries(pipeline: &mut Pipeline, rows: Vec<Vec<Value>>) -> Result<()> {
    pipeline
        .push(rows.len(), move |c| {
            insert_rows(c, "distributions", generate::DISTRIBUTION_COLUMNS, rows)
        })
        .await
}

/// `count` items of `ranked` spread from the first to the last.
fn spread<T: Clone>(ranked: &[T], count: usize) -> Vec<T> {
    if ranked.len() <= count {
        return ranked.to_vec();
    }
    (0..count)
        .map(|i| ranked[i * (ranked.len() - 1) / (count - 1).max(1)].clone())
        .collect()
}

impl Tally {
    fn samples(
        &self,
        args: &Args,
        plan: &Plan,
        customers: &[Customer],
        catalog: &Catalog,
        reps: &[Uuid],
    ) -> Samples {
        let ranked = |counts: &[u64]| -> Vec<usize> {
            let mut order: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] > 0).collect();
            order.sort_by_key(|&i| (std::cmp::Reverse(counts[i]), i));
            order
        };
        let rep_ids: Vec<String> = ranked(&self.per_rep)
            .into_iter()
            .map(|i| reps[i].to_string())
            .collect();
        let skus: Vec<String> = ranked(&self.per_sku)
            .into_iter()
            .map(|i| catalog.skus[i].code.clone())
            .collect();
        let mut per_state = vec![0u64; generate::STATES.len()];
        for c in customers {
            per_state[c.state] += 1;
        }
        let states = ranked(&per_state)
            .into_iter()
            .map(|s| generate::STATES[s].0.to_owned())
            .collect();
        let active = ranked(&self.recent);
        let sample_customers = spread(&active, 500)
            .into_iter()
            .map(|c| {
                let c = &customers[c];
                SampleCustomer {
                    id: c.id.to_string(),
                    name: c.name.clone(),
                    rep_id: Some(reps[c.rep].to_string()),
                }
            })
            .collect();
        Samples {
            entries: args.entries,
            first_month: plan.first_month,
            last_month: plan.last_month,
            last_full_month: plan.last_full_month(),
            reps: spread(&rep_ids, args.samples_per_kind),
            skus: spread(&skus, args.samples_per_kind),
            all_skus: skus,
            states,
            customers: sample_customers,
        }
    }
}
