//! Seeding and the per-worker request logic of each scenario.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use bytes::Bytes;
use clap::ValueEnum;
use hyper::header::{HeaderValue, IF_MATCH};
use hyper::{Method, StatusCode};
use tokio::task::JoinSet;

use crate::client::{json_bytes, Conn, Reply, Target};
use crate::crm::{self, CrmSamples};
use crate::distributions;
use crate::lab::{self, LabSamples};
use crate::lead_writes::{self, LeadJob, LeadNumbers};
use crate::leads::{self, LeadsSamples};
use crate::order_writes::{OrderCatalogue, OrderJob};
use crate::pipeline::{self, PipelineSamples};
use crate::stats::Failure;
use rapport_bench::dashboard::Samples as DistributionSamples;

const ACCOUNTS: &str = "/api/v1/accounts";
const LIST_PATH: &str = "/api/v1/accounts?limit=50&sort=-created_at&kind=customer";
const PATCH_BODY: &[u8] = br#"{"phone":"+1 555 0100"}"#;
const SEED_CONCURRENCY: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    Get,
    List,
    Create,
    Update,
    /// `GET /api/v1/accounts?q=` with sample queries (needs --crm-samples).
    SearchAccounts,
    /// `GET /api/v1/contacts?q=` with sample queries (needs --crm-samples).
    SearchContacts,
    /// `GET /api/v1/accounts?owner_id=` of a loaded rep (needs --crm-samples).
    ListByOwner,
    /// `GET /api/v1/pipeline`, unfiltered and by owner, partner, distributor and months
    /// of expected close (needs --pipeline-samples).
    PipelineBoard,
    /// `GET /api/v1/accounts/{id}/timeline?limit=20` of busy and typical accounts (needs
    /// --pipeline-samples).
    TimelineAccount,
    /// `GET /api/v1/leads/{id}/timeline?limit=20` of busy and typical leads (needs
    /// --pipeline-samples).
    TimelineLead,
    /// `GET /api/v1/dashboards/sales`, twelve months by month (needs
    /// --distribution-samples).
    SalesDashboard,
    /// The same with `rep_id` of a sample rep.
    SalesDashboardRep,
    /// The same with `sku` of a sample SKU.
    SalesDashboardSku,
    /// `GET /api/v1/leads/{id}` of a random loaded lead (needs --leads-samples).
    LeadGet,
    /// `GET /api/v1/leads?status=S&sort=-created_at&limit=50&count=true` (needs
    /// --leads-samples).
    LeadsByStatus,
    /// `GET /api/v1/leads?q=PREFIX&limit=50&count=true`, a last-name prefix (needs
    /// --leads-samples).
    LeadsSearch,
    /// `GET /api/v1/activities?lead_id=ID&sort=-created_at&limit=20&count=true` (needs
    /// --leads-samples).
    LeadActivities,
    /// `POST /api/v1/leads` of a new "First Last Company Suffix" lead.
    LeadCreate,
    /// `PATCH /api/v1/leads/{id}` with `If-Match`, an open lead to the next open status
    /// (needs --leads-samples).
    LeadStatus,
    /// `POST /api/v1/orders` of five priced lines for a seeded account (its catalogue is
    /// made before the run; needs an admin token).
    OrderCreate,
    /// `GET /api/v1/views/order-summary`: the first page, by office, by open state
    /// (needs --lab-samples).
    ViewOrderSummary,
    /// `GET /api/v1/views/active-projects`: the first page, of one order (needs
    /// --lab-samples).
    ViewActiveProjects,
    /// `GET /api/v1/views/monthly-order-stats`: every month, one office, twelve months
    /// (needs --lab-samples).
    ViewMonthlyStats,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Get => "get",
            Scenario::List => "list",
            Scenario::Create => "create",
            Scenario::Update => "update",
            Scenario::SearchAccounts => "search-accounts",
            Scenario::SearchContacts => "search-contacts",
            Scenario::ListByOwner => "list-by-owner",
            Scenario::PipelineBoard => "pipeline-board",
            Scenario::TimelineAccount => "timeline-account",
            Scenario::TimelineLead => "timeline-lead",
            Scenario::SalesDashboard => "sales-dashboard",
            Scenario::SalesDashboardRep => "sales-dashboard-rep",
            Scenario::SalesDashboardSku => "sales-dashboard-sku",
            Scenario::LeadGet => "lead-get",
            Scenario::LeadsByStatus => "leads-by-status",
            Scenario::LeadsSearch => "leads-search",
            Scenario::LeadActivities => "lead-activities",
            Scenario::LeadCreate => "lead-create",
            Scenario::LeadStatus => "lead-status",
            Scenario::OrderCreate => "order-create",
            Scenario::ViewOrderSummary => "view-order-summary",
            Scenario::ViewActiveProjects => "view-active-projects",
            Scenario::ViewMonthlyStats => "view-monthly-stats",
        }
    }

    /// Scenarios that read a database loaded by rapport-load-crm.
    pub fn is_crm(self) -> bool {
        matches!(
            self,
            Scenario::SearchAccounts | Scenario::SearchContacts | Scenario::ListByOwner
        )
    }

    /// Scenarios that read a database loaded by rapport-load-pipeline.
    pub fn is_pipeline(self) -> bool {
        matches!(
            self,
            Scenario::PipelineBoard | Scenario::TimelineAccount | Scenario::TimelineLead
        )
    }

    /// Scenarios that read a database loaded by rapport-load-distributions.
    pub fn is_distribution(self) -> bool {
        matches!(
            self,
            Scenario::SalesDashboard | Scenario::SalesDashboardRep | Scenario::SalesDashboardSku
        )
    }

    /// Scenarios that read a database loaded by rapport-load-lab.
    pub fn is_lab(self) -> bool {
        matches!(
            self,
            Scenario::ViewOrderSummary | Scenario::ViewActiveProjects | Scenario::ViewMonthlyStats
        )
    }

    /// Scenarios that need a database loaded by rapport-load-leads. (`lead-create` runs
    /// on any database.)
    pub fn is_leads(self) -> bool {
        matches!(
            self,
            Scenario::LeadGet
                | Scenario::LeadsByStatus
                | Scenario::LeadsSearch
                | Scenario::LeadActivities
                | Scenario::LeadStatus
        )
    }
}

/// Everything scenarios share: where to connect, how to authenticate, the seeded accounts.
pub struct Shared {
    pub target: Target,
    pub token: String,
    pub names: Arc<Names>,
    pub seeded_ids: Arc<[String]>,
    /// Sample queries and owners of a loaded customer master, for the CRM scenarios.
    pub crm: Option<Arc<CrmSamples>>,
    /// Ids from a loaded pipeline, for the pipeline scenarios.
    pub pipeline: Option<Arc<PipelineSamples>>,
    /// Months, reps and SKUs of a loaded distribution log, for the dashboard scenarios.
    pub distributions: Option<Arc<DistributionSamples>>,
    /// Lead ids, statuses and search prefixes of a loaded lead workload.
    pub leads: Option<Arc<LeadsSamples>>,
    /// Offices, orders, states and months of a loaded lab, for the view scenarios.
    pub lab: Option<Arc<LabSamples>>,
    /// Numbers the leads `lead-create` posts.
    pub lead_numbers: Arc<LeadNumbers>,
}

impl Shared {
    fn conn(&self) -> Result<Conn> {
        Conn::new(self.target.clone(), Some(&self.token))
    }
}

/// Hands out account names that are unique within the run (one counter shared by all
/// workers) and across runs (random run id). The server compares names by their letters
/// and digits only, so the run id is fixed-width hex: "<id><counter>" can never be
/// produced by a different counter value.
pub struct Names {
    run_id: u64,
    next: AtomicU64,
}

impl Names {
    pub fn new(run_id: u64) -> Self {
        Self {
            run_id,
            next: AtomicU64::new(0),
        }
    }

    fn next_account_body(&self) -> Bytes {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let run = format!("{:016x}", self.run_id);
        json_bytes(&serde_json::json!({
            "name": format!("Bench Co {run} {n}"),
            "kind": "customer",
            "email": format!("bench-{run}-{n}@example.com"),
            "tags": ["bench", "load"],
        }))
    }
}

/// Creates `count` accounts, `SEED_CONCURRENCY` at a time, and returns their ids.
pub async fn seed(ctx: &Shared, count: usize) -> Result<Vec<String>> {
    let remaining = Arc::new(AtomicUsize::new(count));
    let mut tasks = JoinSet::new();
    for _ in 0..SEED_CONCURRENCY.min(count) {
        let mut conn = ctx.conn()?;
        let names = Arc::clone(&ctx.names);
        let remaining = Arc::clone(&remaining);
        tasks.spawn(async move {
            let mut ids = Vec::new();
            // Claim one account at a time so the total is exact however tasks interleave.
            while remaining
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok()
            {
                let reply = conn
                    .send(Method::POST, ACCOUNTS, &[], Some(names.next_account_body()))
                    .await
                    .context("POST /api/v1/accounts")?
                    .ensure_success("creating seed account")?;
                let id = reply.json()?["id"]
                    .as_str()
                    .context("created account has no string id")?
                    .to_owned();
                ids.push(id);
            }
            anyhow::Ok(ids)
        });
    }
    let mut all = Vec::with_capacity(count);
    while let Some(joined) = tasks.join_next().await {
        all.extend(joined.context("seeding task panicked")??);
    }
    Ok(all)
}

/// Sample requests checked for results before a CRM, pipeline, dashboard, lead or lab
/// scenario is timed.
const CRM_CHECKS: usize = 20;

/// Builds one worker per connection, doing any unmeasured per-worker setup concurrently.
pub async fn workers(ctx: &Shared, scenario: Scenario, concurrency: usize) -> Result<Vec<Worker>> {
    let paths: Arc<[String]> = if scenario.is_crm() {
        let samples = ctx
            .crm
            .as_ref()
            .with_context(|| format!("{} needs --crm-samples", scenario.name()))?;
        let paths = samples.paths(scenario)?;
        crm::check_paths(&mut ctx.conn()?, &paths, CRM_CHECKS).await?;
        paths.into()
    } else if scenario.is_pipeline() {
        let samples = ctx
            .pipeline
            .as_ref()
            .with_context(|| format!("{} needs --pipeline-samples", scenario.name()))?;
        let paths = samples.paths(scenario)?;
        pipeline::check_paths(&mut ctx.conn()?, &paths, CRM_CHECKS).await?;
        paths.into()
    } else if scenario.is_distribution() {
        let samples = ctx
            .distributions
            .as_ref()
            .with_context(|| format!("{} needs --distribution-samples", scenario.name()))?;
        let paths = distributions::paths(samples, scenario)?;
        distributions::check_paths(&mut ctx.conn()?, &paths, CRM_CHECKS).await?;
        paths.into()
    } else if scenario.is_leads() {
        let samples = ctx
            .leads
            .as_ref()
            .with_context(|| format!("{} needs --leads-samples", scenario.name()))?;
        let paths = samples.paths(scenario)?;
        // lead-status reads every lead it moves while setting up instead.
        if scenario != Scenario::LeadStatus {
            leads::check_paths(&mut ctx.conn()?, &paths, CRM_CHECKS).await?;
        }
        paths.into()
    } else if scenario.is_lab() {
        let samples = ctx
            .lab
            .as_ref()
            .with_context(|| format!("{} needs --lab-samples", scenario.name()))?;
        let paths = samples.paths(scenario)?;
        lab::check_paths(&mut ctx.conn()?, &paths, CRM_CHECKS).await?;
        paths.into()
    } else {
        ctx.seeded_ids
            .iter()
            .map(|id| format!("{ACCOUNTS}/{id}"))
            .collect()
    };
    let orders = if scenario == Scenario::OrderCreate {
        let catalogue = OrderCatalogue::prepare(&mut ctx.conn()?, random_u64()).await?;
        Some(Arc::new(catalogue))
    } else {
        None
    };
    let mut tasks = JoinSet::new();
    for index in 0..concurrency {
        let mut conn = ctx.conn()?;
        let paths = Arc::clone(&paths);
        let orders = orders.clone();
        let accounts = Arc::clone(&ctx.seeded_ids);
        let names = Arc::clone(&ctx.names);
        let lead_numbers = Arc::clone(&ctx.lead_numbers);
        tasks.spawn(async move {
            conn.connect().await?;
            let job = match scenario {
                Scenario::Get
                | Scenario::SearchAccounts
                | Scenario::SearchContacts
                | Scenario::ListByOwner
                | Scenario::PipelineBoard
                | Scenario::TimelineAccount
                | Scenario::TimelineLead
                | Scenario::SalesDashboard
                | Scenario::SalesDashboardRep
                | Scenario::SalesDashboardSku
                | Scenario::LeadGet
                | Scenario::LeadsByStatus
                | Scenario::LeadsSearch
                | Scenario::LeadActivities
                | Scenario::ViewOrderSummary
                | Scenario::ViewActiveProjects
                | Scenario::ViewMonthlyStats => Job::Get {
                    paths,
                    rng: Rng::new(),
                    only_200: scenario.is_pipeline()
                        || scenario.is_distribution()
                        || scenario.is_leads()
                        || scenario.is_lab(),
                },
                Scenario::LeadCreate => Job::Lead(LeadJob::Create(lead_numbers)),
                Scenario::OrderCreate => {
                    let catalogue = orders.context("the order catalogue was not prepared")?;
                    Job::Order(OrderJob::new(catalogue, accounts)?)
                }
                // Disjoint slices: no two workers ever PATCH the same lead.
                Scenario::LeadStatus => {
                    let mine = paths.iter().skip(index).step_by(concurrency).cloned();
                    Job::Lead(LeadJob::Status {
                        leads: lead_writes::read_open(&mut conn, mine).await?,
                        next: 0,
                    })
                }
                Scenario::List => Job::List,
                Scenario::Create => Job::Create { names },
                // Disjoint slices: no two workers ever PATCH the same account.
                Scenario::Update => {
                    let mine = paths.iter().skip(index).step_by(concurrency).cloned();
                    Job::Update {
                        accounts: read_etags(&mut conn, mine).await?,
                        next: 0,
                    }
                }
            };
            anyhow::Ok(Worker { conn, job })
        });
    }
    let mut workers = Vec::with_capacity(concurrency);
    while let Some(joined) = tasks.join_next().await {
        workers.push(joined.context("worker setup panicked")??);
    }
    Ok(workers)
}

pub struct Worker {
    conn: Conn,
    job: Job,
}

enum Job {
    /// A GET of a random path from the list (an account, a CRM query, a board or a
    /// timeline).
    Get {
        paths: Arc<[String]>,
        rng: Rng,
        /// Anything but exactly 200 is a failure (not just anything outside 2xx).
        only_200: bool,
    },
    List,
    Create {
        names: Arc<Names>,
    },
    Update {
        accounts: Vec<Versioned>,
        next: usize,
    },
    /// A lead scenario that writes.
    Lead(LeadJob),
    /// `order-create`.
    Order(OrderJob),
}

struct Versioned {
    path: String,
    etag: HeaderValue,
}

impl Worker {
    /// One measured request.
    pub async fn step(&mut self) -> Result<(), Failure> {
        let conn = &mut self.conn;
        match &mut self.job {
            Job::Get {
                paths,
                rng,
                only_200,
            } => {
                let path = &paths[rng.below(paths.len())];
                let reply = success(conn.send(Method::GET, path, &[], None).await)?;
                if *only_200 && reply.status != StatusCode::OK {
                    return Err(Failure {
                        kind: format!("HTTP {} (expected 200)", reply.status),
                        detail: reply.body_excerpt(),
                    });
                }
                Ok(())
            }
            Job::List => success(conn.send(Method::GET, LIST_PATH, &[], None).await).map(drop),
            Job::Lead(job) => job.step(conn).await,
            Job::Order(job) => job.step(conn).await,
            Job::Create { names } => {
                let body = names.next_account_body();
                success(conn.send(Method::POST, ACCOUNTS, &[], Some(body)).await).map(drop)
            }
            Job::Update { accounts, next } => {
                let index = *next;
                *next = (index + 1) % accounts.len();
                let account = &mut accounts[index];
                let if_match = [(IF_MATCH, account.etag.clone())];
                let body = Bytes::from_static(PATCH_BODY);
                let reply = conn
                    .send(Method::PATCH, &account.path, &if_match, Some(body))
                    .await;
                if matches!(&reply, Ok(r) if r.status == StatusCode::PRECONDITION_FAILED) {
                    // Nobody else writes this account, so a stale ETag is a server bug.
                    // Re-read it (inside this failed request's time) so one such bug is
                    // counted once rather than on every later pass over the account.
                    if let Ok(fresh) = conn.send(Method::GET, &account.path, &[], None).await {
                        if let Some(etag) = fresh.etag() {
                            account.etag = etag;
                        }
                    }
                }
                let reply = success(reply)?;
                account.etag = reply.etag().ok_or_else(|| Failure {
                    kind: "PATCH response without ETag".into(),
                    detail: reply.body_excerpt(),
                })?;
                Ok(())
            }
        }
    }
}

/// The update scenario needs each account's current ETag before its first PATCH.
async fn read_etags(
    conn: &mut Conn,
    paths: impl Iterator<Item = String>,
) -> Result<Vec<Versioned>> {
    let mut accounts = Vec::new();
    for path in paths {
        let reply = conn
            .send(Method::GET, &path, &[], None)
            .await
            .with_context(|| format!("GET {path}"))?
            .ensure_success("reading seeded account")?;
        let etag = reply
            .etag()
            .with_context(|| format!("GET {path} returned no ETag"))?;
        accounts.push(Versioned { path, etag });
    }
    Ok(accounts)
}

pub(crate) fn success(reply: Result<Reply>) -> Result<Reply, Failure> {
    match reply {
        Ok(reply) if reply.status.is_success() => Ok(reply),
        Ok(reply) => Err(Failure {
            kind: format!("HTTP {}", reply.status),
            detail: reply.body_excerpt(),
        }),
        Err(err) => Err(Failure {
            kind: "transport error".into(),
            detail: format!("{err:#}"),
        }),
    }
}

/// Process-unique randomness without another dependency: std seeds every `RandomState`
/// differently.
pub fn random_u64() -> u64 {
    RandomState::new().build_hasher().finish()
}

/// xorshift64*: plenty for spreading GETs over ids and queries, and cheap in the hot loop.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new() -> Self {
        Self(random_u64() | 1)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n as u64) as usize
    }
}
