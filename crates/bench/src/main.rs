//! rapport-bench: drives an already-running rapport server over HTTP/1.1 keep-alive and
//! reports throughput, latency percentiles and failures per scenario.

mod crm;
mod distributions;
mod lab;
mod lead_writes;
mod leads;
mod load;
mod order_writes;
mod pipeline;
mod scenario;
mod stats;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use clap::Parser;
use rapport_bench::client;

use crate::client::Target;
use crate::crm::CrmSamples;
use crate::lab::LabSamples;
use crate::lead_writes::LeadNumbers;
use crate::leads::LeadsSamples;
use crate::pipeline::PipelineSamples;
use crate::scenario::{Names, Scenario, Shared};
use crate::stats::Summary;
use rapport_bench::dashboard::Samples as DistributionSamples;

/// A run fails if more than this fraction of a scenario's requests failed.
const MAX_FAILURE_RATIO: f64 = 0.001;

#[derive(Parser, Debug)]
#[command(name = "rapport-bench", version, about)]
struct Args {
    /// Base URL of the running server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,

    /// API token, sent as `Authorization: Bearer <token>`.
    #[arg(
        long,
        required_unless_present = "login_email",
        conflicts_with = "login_email"
    )]
    token: Option<String>,

    /// Log in as this user and create a token named "bench" instead of passing --token.
    #[arg(long, requires = "login_password")]
    login_email: Option<String>,

    /// Password for --login-email.
    #[arg(long, requires = "login_email")]
    login_password: Option<String>,

    /// Concurrent connections, one request in flight on each.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,

    /// Measured time per scenario.
    #[arg(long, default_value_t = 10)]
    duration_secs: u64,

    /// Unrecorded time per scenario before measuring.
    #[arg(long, default_value_t = 2)]
    warmup_secs: u64,

    /// Scenarios to run, in order.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Scenario::Get, Scenario::List, Scenario::Create, Scenario::Update])]
    scenarios: Vec<Scenario>,

    /// Sample queries and owner ids written by rapport-load-crm, for the search-accounts,
    /// search-contacts and list-by-owner scenarios.
    #[arg(long)]
    crm_samples: Option<PathBuf>,

    /// Only these kinds of sample query (name, words, email, phone, city, last).
    #[arg(long, value_delimiter = ',', requires = "crm_samples")]
    search_kinds: Vec<String>,

    /// Account, lead, owner, partner and distributor ids written by rapport-load-pipeline,
    /// for the pipeline-board, timeline-account and timeline-lead scenarios.
    #[arg(long)]
    pipeline_samples: Option<PathBuf>,

    /// Months, reps and SKUs written by rapport-load-distributions, for the
    /// sales-dashboard, sales-dashboard-rep and sales-dashboard-sku scenarios.
    #[arg(long)]
    distribution_samples: Option<PathBuf>,

    /// Lead ids, statuses and search prefixes written by rapport-load-leads, for the
    /// lead-get, leads-by-status, leads-search, lead-activities and lead-status scenarios.
    #[arg(long)]
    leads_samples: Option<PathBuf>,

    /// Offices, orders, states and months written by rapport-load-lab, for the
    /// view-order-summary, view-active-projects and view-monthly-stats scenarios.
    #[arg(long)]
    lab_samples: Option<PathBuf>,

    /// Only these kinds of lab view request (first, office, state, order, all, window).
    #[arg(long, value_delimiter = ',', requires = "lab_samples")]
    view_kinds: Vec<String>,

    /// Accounts created (unmeasured) before the scenarios; `get` and `update` use them.
    #[arg(long, default_value_t = 2000)]
    seed_accounts: usize,

    /// Runtime worker threads; the default leaves CPU for a server on the same small box.
    #[arg(long, default_value_t = 1)]
    threads: usize,

    /// Print one JSON object per scenario instead of a table.
    #[arg(long)]
    json: bool,
}

impl Args {
    fn validate(&self) -> Result<()> {
        ensure!(self.concurrency > 0, "--concurrency must be at least 1");
        ensure!(self.threads > 0, "--threads must be at least 1");
        ensure!(self.duration_secs > 0, "--duration-secs must be at least 1");
        if self.scenarios.contains(&Scenario::Get) {
            ensure!(
                self.seed_accounts > 0,
                "the get scenario needs --seed-accounts > 0"
            );
        }
        if let Some(crm) = self.scenarios.iter().find(|s| s.is_crm()) {
            ensure!(
                self.crm_samples.is_some(),
                "the {} scenario needs --crm-samples (written by rapport-load-crm)",
                crm.name()
            );
        }
        if let Some(pipeline) = self.scenarios.iter().find(|s| s.is_pipeline()) {
            ensure!(
                self.pipeline_samples.is_some(),
                "the {} scenario needs --pipeline-samples (written by rapport-load-pipeline)",
                pipeline.name()
            );
        }
        if let Some(dashboard) = self.scenarios.iter().find(|s| s.is_distribution()) {
            ensure!(
                self.distribution_samples.is_some(),
                "the {} scenario needs --distribution-samples (written by \
                 rapport-load-distributions)",
                dashboard.name()
            );
        }
        if let Some(lead) = self.scenarios.iter().find(|s| s.is_leads()) {
            ensure!(
                self.leads_samples.is_some(),
                "the {} scenario needs --leads-samples (written by rapport-load-leads)",
                lead.name()
            );
        }
        if let Some(view) = self.scenarios.iter().find(|s| s.is_lab()) {
            ensure!(
                self.lab_samples.is_some(),
                "the {} scenario needs --lab-samples (written by rapport-load-lab)",
                view.name()
            );
        }
        if self.scenarios.contains(&Scenario::OrderCreate) {
            ensure!(
                self.seed_accounts > 0,
                "the order-create scenario orders for seeded accounts, so it needs \
                 --seed-accounts > 0"
            );
        }
        if self.scenarios.contains(&Scenario::Update) {
            ensure!(
                self.seed_accounts >= self.concurrency,
                "the update scenario gives each connection its own accounts, \
                 so it needs --seed-accounts >= --concurrency"
            );
        }
        Ok(())
    }
}

fn main() -> ExitCode {
    match try_main() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("rapport-bench: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> Result<ExitCode> {
    let args = Args::parse();
    args.validate()?;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()
        .context("starting the tokio runtime")?
        .block_on(run(args))
}

async fn run(args: Args) -> Result<ExitCode> {
    let target = Target::parse(&args.url)?;
    let token = match (args.token, args.login_email, args.login_password) {
        (Some(token), _, _) => token,
        (None, Some(email), Some(password)) => client::login_for_token(&target, &email, &password)
            .await
            .context("obtaining a token with --login-email")?,
        _ => unreachable!("clap requires --token or both --login-email and --login-password"),
    };

    let crm = match &args.crm_samples {
        Some(path) => Some(Arc::new(CrmSamples::read(path, &args.search_kinds)?)),
        None => None,
    };
    let pipeline = match &args.pipeline_samples {
        Some(path) => Some(Arc::new(PipelineSamples::read(path)?)),
        None => None,
    };
    let distributions = match &args.distribution_samples {
        Some(path) => Some(Arc::new(DistributionSamples::read(path)?)),
        None => None,
    };
    let leads = match &args.leads_samples {
        Some(path) => Some(Arc::new(LeadsSamples::read(path)?)),
        None => None,
    };
    let lab = match &args.lab_samples {
        Some(path) => Some(Arc::new(LabSamples::read(path, &args.view_kinds)?)),
        None => None,
    };
    let run_id = scenario::random_u64();
    let mut shared = Shared {
        target,
        token,
        names: Arc::new(Names::new(run_id)),
        seeded_ids: Arc::from([]),
        crm,
        pipeline,
        distributions,
        leads,
        lab,
        lead_numbers: Arc::new(LeadNumbers::new(run_id)),
    };
    // Progress goes to stderr so that stdout stays machine-readable with --json.
    eprintln!("run {run_id:016x}: seeding {} accounts", args.seed_accounts);
    shared.seeded_ids = scenario::seed(&shared, args.seed_accounts)
        .await
        .context("seeding accounts")?
        .into();

    let warmup = Duration::from_secs(args.warmup_secs);
    let duration = Duration::from_secs(args.duration_secs);
    let mut failed = Vec::new();
    if !args.json {
        println!("{}", Summary::table_header());
    }
    for scenario in args.scenarios {
        let name = scenario.name();
        let workers = scenario::workers(&shared, scenario, args.concurrency)
            .await
            .with_context(|| format!("setting up the {name} scenario"))?;
        eprintln!(
            "{name}: {} connections, {}s warm-up, {}s measured",
            args.concurrency, args.warmup_secs, args.duration_secs
        );
        let summary = load::run(workers, warmup, duration).await?;
        if args.json {
            println!("{}", summary.json_line(name));
        } else {
            println!("{}", summary.table_row(name));
        }
        report_failures(name, &summary);
        if summary.failure_ratio() > MAX_FAILURE_RATIO {
            failed.push(name);
        }
    }

    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "FAILED: more than {}% of requests failed in: {}",
            MAX_FAILURE_RATIO * 100.0,
            failed.join(", ")
        );
        Ok(ExitCode::FAILURE)
    }
}

/// Any failure invalidates the numbers, however few, so it is never left to the table.
fn report_failures(name: &str, summary: &Summary) {
    if summary.failures == 0 {
        return;
    }
    eprintln!(
        "!!! {name}: {} of {} requests failed ({:.3}%)",
        summary.failures,
        summary.requests,
        summary.failure_ratio() * 100.0
    );
    for (kind, failure) in &summary.failure_kinds {
        eprintln!("!!!   {kind} x{}, e.g.: {}", failure.count, failure.example);
    }
}
