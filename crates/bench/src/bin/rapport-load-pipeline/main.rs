//! rapport-load-pipeline: fills a fresh database with a large sales pipeline (issue #4)
//! for `rapport-bench`'s pipeline-board and timeline scenarios, and writes the ids of
//! busy and typical accounts and leads, and of owners, partners and distributors with
//! leads, to a samples file.
//!
//! It migrates the database, then writes rep users, accounts (as rapport-load-crm does),
//! products, leads with their status history, the board totals and activities directly
//! through `rapport-db` with multi-row INSERTs in large transactions: no HTTP, no audit
//! rows. Derived columns are computed as the application computes them (see `generate`);
//! `pipeline_totals` is added up here with exact decimals over the non-archived leads,
//! and on SQLite the migration's triggers fill `search_seq` and the FTS5 table.

mod generate;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use chrono::{Datelike, NaiveDate};
use clap::Parser;
use rapport_bench::bulk::{self, insert_rows, Pipeline};
use rapport_bench::customers::Rng;
use rapport_db::{Database, Value};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::generate::{AccountRef, ActivityContext, LeadContext, LeadRef};

#[derive(Parser, Debug)]
#[command(name = "rapport-load-pipeline", version, about)]
struct Args {
    /// `sqlite://path` or `postgres://…` of a fresh database (migrated here if needed).
    #[arg(long)]
    database_url: String,

    /// Accounts (3 % partners, 2 % distributors, as rapport-load-crm makes them).
    #[arg(long, default_value_t = 100_000)]
    accounts: usize,

    #[arg(long, default_value_t = 1_000_000)]
    leads: usize,

    #[arg(long, default_value_t = 10_000_000)]
    activities: usize,

    /// Rep users that own accounts and leads.
    #[arg(long, default_value_t = 200)]
    reps: usize,

    /// Seed of the generated data: the same seed loads the same records.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Where to write the account, lead and member ids for rapport-bench.
    #[arg(long, default_value = "pipeline-samples.json")]
    samples_out: PathBuf,

    /// Typical accounts and leads (and at most this many owners, partners and
    /// distributors) in the samples file.
    #[arg(long, default_value_t = 200)]
    samples_per_kind: usize,

    /// Busy accounts and leads (the most activities) in the samples file.
    #[arg(long, default_value_t = 20)]
    samples_busy: usize,

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
            eprintln!("rapport-load-pipeline: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.batch_rows > 0, "--batch-rows must be at least 1");
    ensure!(
        args.reps > 0,
        "leads and activities need owners: --reps must be at least 1"
    );
    ensure!(
        args.activities == 0 || args.accounts + args.leads > 0,
        "activities are linked to accounts or leads: load some of either"
    );
    ensure!(
        args.accounts < u32::MAX as usize,
        "--accounts must be below {}",
        u32::MAX
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
    rows: usize,
    secs: f64,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.rows as f64 / self.secs.max(0.001)
    }
}

async fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    let db = bulk::open_fresh(&args.database_url, args.sqlite_cache_mib).await?;

    let reps: Vec<Uuid> = bulk::load_reps(&db, args.seed, args.reps)
        .await?
        .iter()
        .map(|r| r.id)
        .collect();

    let phase = Instant::now();
    let mut accounts = Vec::with_capacity(args.accounts);
    let mut partners = Vec::new();
    let mut distributors = Vec::new();
    bulk::load_accounts(
        &db,
        args.seed,
        args.accounts,
        args.batch_rows,
        &reps,
        |_, a| {
            match a.kind {
                "partner" if !a.archived => partners.push(a.id),
                "distributor" if !a.archived => distributors.push(a.id),
                _ => {}
            }
            accounts.push(AccountRef {
                id: a.id,
                name: a.name.clone(),
                owner: a.owner,
                archived: a.archived,
            });
        },
    )
    .await?;
    let accounts_phase = Phase {
        rows: args.accounts,
        secs: phase.elapsed().as_secs_f64(),
    };
    eprintln!(
        "accounts: {} partners, {} distributors (not archived)",
        partners.len(),
        distributors.len()
    );

    let (products, product_rows) = generate::products(args.seed, &reps);
    db.write(move |c| insert_rows(c, "products", generate::PRODUCT_COLUMNS, product_rows))
        .await
        .context("inserting products")?;

    let ctx = LeadContext {
        seed: args.seed,
        count: args.leads,
        accounts: &accounts,
        partners: &partners,
        distributors: &distributors,
        reps: &reps,
        products: &products,
    };
    let loaded = load_leads(&db, &ctx, args.batch_rows).await?;

    let phase = Instant::now();
    let total_rows = loaded.totals.rows.len();
    load_totals(&db, loaded.totals.rows).await?;
    let totals_phase = Phase {
        rows: total_rows,
        secs: phase.elapsed().as_secs_f64(),
    };
    eprintln!(
        "pipeline_totals: {total_rows} rows in {:.1}s",
        totals_phase.secs
    );

    let busy_accounts =
        generate::busy_indices(accounts.len(), (accounts.len() / 1000).max(1), |i| {
            accounts[i].archived
        });
    let busy_leads = generate::busy_indices(
        loaded.leads.len(),
        (loaded.leads.len() / 10_000).max(1),
        |i| loaded.leads[i].archived,
    );
    let ctx = ActivityContext {
        seed: args.seed,
        count: args.activities,
        accounts: &accounts,
        leads: &loaded.leads,
        busy_accounts: &busy_accounts,
        busy_leads: &busy_leads,
        reps: &reps,
    };
    let timelines = load_activities(&db, &ctx, args.batch_rows).await?;

    let phase = Instant::now();
    bulk::finish(&db).await?;
    let finish_secs = phase.elapsed().as_secs_f64();

    let samples = Samples {
        per_kind: args.samples_per_kind,
        busy: args.samples_busy,
    };
    samples.write(
        &args.samples_out,
        &accounts,
        &loaded.leads,
        &timelines,
        &loaded.totals.members,
        loaded.totals.close_months,
    )?;
    let a = &accounts_phase;
    let l = &loaded.phase;
    let t = &timelines.phase;
    println!(
        "loaded {} reps, {} accounts ({:.0}s, {:.0}/s), {} leads with {} history rows \
         ({:.0}s, {:.0} leads/s), {} pipeline_totals rows ({:.0}s), {} activities ({:.0}s, \
         {:.0}/s), finished ({finish_secs:.0}s) in {:.0}s; samples in {}",
        reps.len(),
        a.rows,
        a.secs,
        a.rate(),
        l.rows,
        loaded.history_rows,
        l.secs,
        l.rate(),
        total_rows,
        totals_phase.secs,
        t.rows,
        t.secs,
        t.rate(),
        started.elapsed().as_secs_f64(),
        args.samples_out.display()
    );
    Ok(())
}

/// Board totals of the non-archived leads, keyed like `pipeline_totals`' primary key.
#[derive(Default)]
struct Totals {
    rows: BTreeMap<TotalKey, Total>,
    /// Non-archived leads per (dimension, member), for choosing board filters.
    members: HashMap<(&'static str, Uuid), u64>,
    /// First and last `close_month` of a non-archived lead.
    close_months: Option<(i64, i64)>,
}

/// (dimension, member_id, status, currency, close_month).
type TotalKey = (&'static str, Uuid, &'static str, &'static str, i64);

#[derive(Default)]
struct Total {
    leads: i64,
    value: Decimal,
    weighted: Decimal,
}

impl Totals {
    /// The application's rule: a lead counts under ('all', nil) and under its owner,
    /// partner and distributor, by status, currency ('' without a value) and month of
    /// expected close (-1 without one); value and value × probability / 100 add up, a
    /// missing value as 0. Archived leads are not on the board.
    fn add(&mut self, lead: &generate::Lead) {
        if lead.archived {
            return;
        }
        let status = lead.status.as_str();
        let currency = lead.currency.filter(|_| lead.value.is_some()).unwrap_or("");
        let month = lead.expected_close.map_or(-1, generate::close_month);
        if month >= 0 {
            let (first, last) = self.close_months.get_or_insert((month, month));
            *first = (*first).min(month);
            *last = (*last).max(month);
        }
        let value = lead.value.unwrap_or_default();
        let weighted = value * Decimal::from(lead.probability) / Decimal::ONE_HUNDRED;
        let keys = [
            Some(("all", Uuid::nil())),
            lead.owner.map(|id| ("owner", id)),
            lead.partner.map(|id| ("partner", id)),
            lead.distributor.map(|id| ("distributor", id)),
        ];
        for (dimension, member) in keys.into_iter().flatten() {
            let total = self
                .rows
                .entry((dimension, member, status, currency, month))
                .or_default();
            total.leads += 1;
            total.value += value;
            total.weighted += weighted;
            *self.members.entry((dimension, member)).or_default() += 1;
        }
    }
}

struct LoadedLeads {
    leads: Vec<LeadRef>,
    totals: Totals,
    history_rows: usize,
    phase: Phase,
}

async fn load_leads(
    db: &Database,
    ctx: &LeadContext<'_>,
    batch_rows: usize,
) -> Result<LoadedLeads> {
    let mut leads = Vec::with_capacity(ctx.count);
    let mut totals = Totals::default();
    let mut history_rows = 0;
    let mut pipeline = Pipeline::new(db.clone(), "leads", ctx.count);
    let mut start = 0;
    while start < ctx.count {
        let end = (start + batch_rows).min(ctx.count);
        let mut rows = Vec::with_capacity(end - start);
        let mut history = Vec::with_capacity(4 * (end - start));
        for index in start..end {
            let lead = generate::lead(ctx, index);
            totals.add(&lead);
            leads.push(LeadRef {
                id: lead.id,
                account: lead.account.map_or(u32::MAX, |a| a as u32),
                owner: lead.owner,
                archived: lead.archived,
            });
            history.extend(lead.history);
            rows.push(lead.values);
        }
        history_rows += history.len();
        pipeline
            .push(end - start, move |c| {
                insert_rows(c, "leads", generate::LEAD_COLUMNS, rows)?;
                insert_rows(c, "lead_status_history", generate::HISTORY_COLUMNS, history)
            })
            .await?;
        start = end;
    }
    let secs = pipeline.finish().await?;
    Ok(LoadedLeads {
        leads,
        totals,
        history_rows,
        phase: Phase {
            rows: ctx.count,
            secs,
        },
    })
}

async fn load_totals(db: &Database, totals: BTreeMap<TotalKey, Total>) -> Result<()> {
    let rows: Vec<Vec<Value>> = totals
        .into_iter()
        .map(|((dimension, member, status, currency, month), t)| {
            vec![
                dimension.into(),
                member.into(),
                status.into(),
                currency.into(),
                month.into(),
                t.leads.into(),
                t.value.into(),
                t.weighted.into(),
            ]
        })
        .collect();
    db.write(move |c| {
        insert_rows(
            c,
            "pipeline_totals",
            "dimension, member_id, status, currency, close_month, lead_count, value_total, \
             weighted_total",
            rows,
        )
    })
    .await
    .context("inserting pipeline_totals")
}

/// Activities per account timeline (its own and those of its leads) and per lead.
struct Timelines {
    accounts: Vec<u32>,
    leads: Vec<u32>,
    phase: Phase,
}

async fn load_activities(
    db: &Database,
    ctx: &ActivityContext<'_>,
    batch_rows: usize,
) -> Result<Timelines> {
    let mut per_account = vec![0u32; ctx.accounts.len()];
    let mut per_lead = vec![0u32; ctx.leads.len()];
    let mut pipeline = Pipeline::new(db.clone(), "activities", ctx.count);
    let mut start = 0;
    while start < ctx.count {
        let end = (start + batch_rows).min(ctx.count);
        let mut rows = Vec::with_capacity(end - start);
        for index in start..end {
            let a = generate::activity(ctx, index);
            if let Some(account) = a.account {
                per_account[account] += 1;
            }
            if let Some(lead) = a.lead {
                per_lead[lead] += 1;
            }
            rows.push(a.values);
        }
        pipeline
            .push(end - start, move |c| {
                insert_rows(c, "activities", generate::ACTIVITY_COLUMNS, rows)
            })
            .await?;
        start = end;
    }
    let secs = pipeline.finish().await?;
    Ok(Timelines {
        accounts: per_account,
        leads: per_lead,
        phase: Phase {
            rows: ctx.count,
            secs,
        },
    })
}

/// Ids taken from the loaded records, for rapport-bench.
struct Samples {
    per_kind: usize,
    busy: usize,
}

impl Samples {
    /// The busiest timelines, and typical ones: random records with at least one
    /// activity. Archived records are left out.
    fn timelines(
        &self,
        counts: &[u32],
        archived: impl Fn(usize) -> bool,
        id: impl Fn(usize) -> Uuid,
    ) -> serde_json::Value {
        let entry =
            |i: usize| serde_json::json!({ "id": id(i).to_string(), "activities": counts[i] });
        let mut order: Vec<usize> = (0..counts.len()).filter(|&i| !archived(i)).collect();
        order.sort_by_key(|&i| (std::cmp::Reverse(counts[i]), i));
        let busy = self.busy.min(order.len());
        let (busy, rest) = order.split_at(busy);
        let mut rng = Rng::new(0x5eed);
        let mut typical: Vec<usize> = Vec::new();
        let mut tries = 0;
        while typical.len() < self.per_kind && !rest.is_empty() && tries < 100 * self.per_kind {
            tries += 1;
            let i = *rng.pick(rest);
            if counts[i] > 0 && !typical.contains(&i) {
                typical.push(i);
            }
        }
        serde_json::json!({
            "busy": busy.iter().map(|&i| entry(i)).collect::<Vec<_>>(),
            "typical": typical.into_iter().map(entry).collect::<Vec<_>>(),
        })
    }

    /// Members of a dimension with leads on the board, spread from the one with the most
    /// leads to the one with the fewest.
    fn members(
        &self,
        members: &HashMap<(&'static str, Uuid), u64>,
        dimension: &str,
    ) -> Vec<String> {
        let mut list: Vec<(u64, Uuid)> = members
            .iter()
            .filter(|((d, _), _)| *d == dimension)
            .map(|((_, id), n)| (*n, *id))
            .collect();
        list.sort_by(|a, b| b.cmp(a));
        let step = list.len().div_ceil(self.per_kind.max(1)).max(1);
        list.iter()
            .step_by(step)
            .map(|(_, id)| id.to_string())
            .collect()
    }

    fn write(
        &self,
        path: &Path,
        accounts: &[AccountRef],
        leads: &[LeadRef],
        timelines: &Timelines,
        members: &HashMap<(&'static str, Uuid), u64>,
        close_months: Option<(i64, i64)>,
    ) -> Result<()> {
        let account_timelines = self.timelines(
            &timelines.accounts,
            |i| accounts[i].archived,
            |i| accounts[i].id,
        );
        let lead_timelines =
            self.timelines(&timelines.leads, |i| leads[i].archived, |i| leads[i].id);
        let month = |m: i64| -> serde_json::Value {
            NaiveDate::from_ymd_opt((m / 12) as i32, (m % 12) as u32 + 1, 1)
                .map_or(serde_json::Value::Null, |d| {
                    format!("{:04}-{:02}", d.year(), d.month()).into()
                })
        };
        let json = serde_json::json!({
            "accounts": account_timelines,
            "leads": lead_timelines,
            "owners": self.members(members, "owner"),
            "partners": self.members(members, "partner"),
            "distributors": self.members(members, "distributor"),
            "close_months": close_months.map(|(first, last)| serde_json::json!({
                "first": month(first),
                "last": month(last),
            })),
        });
        std::fs::write(path, format!("{json:#}\n"))
            .with_context(|| format!("writing {}", path.display()))
    }
}
