//! rapport-load-lab: fills a fresh database with a dental lab's work (issue #19) for
//! `rapport-bench`'s view scenarios — offices, doctors and patients, orders with their
//! patient and doctor, projects, tasks, messages and their recipients — and writes the
//! ids the scenarios request to a samples file.
//!
//! It migrates the database, then writes everything directly through `rapport-db` with
//! multi-row INSERTs in large transactions (no HTTP, no audit rows), as the other loaders
//! do. Offices are accounts of kind `office` made as rapport-load-crm makes accounts;
//! doctors and patients are contacts made as it makes contacts, with their kind. The
//! kept monthly counts (`order_month_counts`) and the number series are added up here by
//! the store's rules, so that the database is one the application could have written.
//! On SQLite the migration's triggers fill the FTS5 tables.

mod generate;
mod samples;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use chrono::Datelike;
use clap::Parser;
use rapport_bench::bulk::{self, insert_rows, Pipeline};
use rapport_bench::customers;
use rapport_db::{Database, Value};
use uuid::Uuid;

use crate::generate::{OfficeRef, OrderContext, OrderRef, ProjectRef, State};
use crate::samples::Samples;

#[derive(Parser, Debug)]
#[command(name = "rapport-load-lab", version, about)]
struct Args {
    /// `sqlite://path` or `postgres://…` of a fresh database (migrated here if needed).
    #[arg(long)]
    database_url: String,

    /// Multiplies every count below (0.01 for a quick check).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,

    /// Accounts of kind `office`: the doctors' practices that send work.
    #[arg(long, default_value_t = 20_000)]
    offices: usize,

    /// Doctors (contacts), spread over the offices.
    #[arg(long, default_value_t = 40_000)]
    doctors: usize,

    /// Patients (contacts).
    #[arg(long, default_value_t = 1_000_000)]
    patients: usize,

    #[arg(long, default_value_t = 1_000_000)]
    orders: usize,

    /// Projects, spread evenly over the orders.
    #[arg(long, default_value_t = 1_500_000)]
    projects: usize,

    /// Tasks, spread evenly over the projects.
    #[arg(long, default_value_t = 3_000_000)]
    tasks: usize,

    /// Messages, spread evenly over the orders.
    #[arg(long, default_value_t = 5_000_000)]
    messages: usize,

    /// Rep users, who own offices.
    #[arg(long, default_value_t = 200)]
    reps: usize,

    /// Lab technicians (`fulfiller` users), who are assigned tasks and send messages.
    #[arg(long, default_value_t = 60)]
    staff: usize,

    /// Seed of the generated data: the same seed loads the same records.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Where to write the ids for rapport-bench.
    #[arg(long, default_value = "lab-samples.json")]
    samples_out: PathBuf,

    /// Offices, and orders with an open project, in the samples file.
    #[arg(long, default_value_t = 200)]
    samples_per_kind: usize,

    /// Records per transaction.
    #[arg(long, default_value_t = 50_000)]
    batch_rows: usize,

    /// Offices, doctors and patients per transaction. Kept small for SQLite: the writer's batch
    /// end looks up each queued search text's latest version in `search_pending`, which
    /// has no index, so its cost grows with the square of the contacts in one batch
    /// (50,000 a batch loads about 500 contacts/s; 2,000 over 10 times as many).
    #[arg(long, default_value_t = 2_000)]
    batch_people: usize,

    /// SQLite page cache of the loading connection, in MiB.
    #[arg(long, default_value_t = 1024)]
    sqlite_cache_mib: u64,
}

/// The counts after `--scale`.
struct Counts {
    offices: usize,
    doctors: usize,
    patients: usize,
    orders: usize,
    projects: usize,
    tasks: usize,
    messages: usize,
}

impl Args {
    fn counts(&self) -> Counts {
        let scaled = |n: usize| ((n as f64 * self.scale).round() as usize).max(1);
        Counts {
            offices: scaled(self.offices),
            doctors: scaled(self.doctors),
            patients: scaled(self.patients),
            orders: scaled(self.orders),
            projects: scaled(self.projects),
            tasks: scaled(self.tasks),
            messages: scaled(self.messages),
        }
    }
}

fn main() -> ExitCode {
    match try_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rapport-load-lab: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> Result<()> {
    let args = Args::parse();
    ensure!(
        args.batch_rows > 0 && args.batch_people > 0,
        "--batch-rows and --batch-people must be at least 1"
    );
    ensure!(
        args.scale > 0.0 && args.scale.is_finite(),
        "--scale must be a positive number"
    );
    ensure!(
        args.reps > 0 && args.staff > 0,
        "orders, tasks and messages need users: --reps and --staff must be at least 1"
    );
    ensure!(
        args.counts().orders < u32::MAX as usize && args.counts().offices < u32::MAX as usize,
        "--orders and --offices must stay below {}",
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
    what: &'static str,
    rows: usize,
    secs: f64,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} ({:.0}s, {:.0}/s)",
            self.rows,
            self.what,
            self.secs,
            self.rows as f64 / self.secs.max(0.001)
        )
    }
}

/// Ids of rows migrations 0011 and 0012 put in (and the loader's extra order types), by
/// key, in the order the generator indexes them.
async fn ids_by_key(db: &Database, table: &'static str, keys: &[&str]) -> Result<Vec<Uuid>> {
    let rows = db
        .read(move |c| c.query(&format!("SELECT id, key FROM {table}"), &[]))
        .await
        .with_context(|| format!("reading {table}"))?;
    let mut found: HashMap<String, Uuid> = HashMap::new();
    for r in &rows {
        found.insert(r.get("key")?, r.get("id")?);
    }
    keys.iter()
        .map(|k| {
            found
                .get(*k)
                .copied()
                .with_context(|| format!("{table} has no row with key {k:?}"))
        })
        .collect()
}

async fn run(args: Args) -> Result<()> {
    let started = Instant::now();
    let n = args.counts();
    let db = bulk::open_fresh(&args.database_url, args.sqlite_cache_mib).await?;
    let mut phases: Vec<Phase> = Vec::new();

    let reps = bulk::load_reps(&db, args.seed, args.reps).await?;
    let rep_ids: Vec<Uuid> = reps.iter().map(|r| r.id).collect();
    let (staff, staff_rows): (Vec<Uuid>, Vec<Vec<Value>>) = (0..args.staff)
        .map(|i| generate::staff_values(args.seed, i))
        .unzip();
    let type_rows = generate::extra_types(args.seed);
    db.write(move |c| {
        insert_rows(c, "users", customers::REP_COLUMNS, staff_rows)?;
        insert_rows(c, "order_types", generate::TYPE_COLUMNS, type_rows)
    })
    .await
    .context("inserting lab staff and order types")?;
    let type_keys: Vec<&str> = generate::TYPE_SHARES.iter().map(|(k, _)| *k).collect();
    let types = ids_by_key(&db, "order_types", &type_keys).await?;
    let state_keys: Vec<&str> = State::ALL.iter().map(|s| s.key()).collect();
    let states = ids_by_key(&db, "order_states", &state_keys).await?;
    let message_types = ids_by_key(&db, "message_types", &generate::MESSAGE_TYPES).await?;

    let phase = Instant::now();
    let mut offices: Vec<OfficeRef> = Vec::with_capacity(n.offices);
    bulk::load_accounts_of_kind(
        &db,
        args.seed,
        n.offices,
        args.batch_people,
        &rep_ids,
        Some("office"),
        |_, a| {
            offices.push(OfficeRef {
                id: a.id,
                owner: a.owner,
            })
        },
    )
    .await?;
    phases.push(Phase {
        what: "offices",
        rows: n.offices,
        secs: phase.elapsed().as_secs_f64(),
    });

    let people = People {
        seed: args.seed,
        batch_rows: args.batch_people,
        reps: &rep_ids,
    };
    let (doctors, phase) = people
        .load(&db, "doctors", n.doctors, Some(&offices))
        .await?;
    phases.push(phase);
    let (patients, phase) = people.load(&db, "patients", n.patients, None).await?;
    phases.push(phase);

    let mut sum = 0.0;
    let office_sizes: Vec<f64> = (0..n.offices)
        .map(|i| {
            sum += generate::office_size(args.seed, i);
            sum
        })
        .collect();
    let ctx = OrderContext {
        seed: args.seed,
        count: n.orders,
        types: &types,
        states: &states,
        offices: &offices,
        office_sizes: &office_sizes,
        doctors: &doctors,
        patients: &patients,
        staff: &staff,
    };
    let mut samples = Samples::new(&offices, &reps, &states, &types);
    let (orders, phase) = load_orders(&db, &ctx, args.batch_rows, &mut samples).await?;
    phases.push(phase);

    let (projects, phase) =
        load_projects(&db, &args, n.projects, &orders, &staff, &mut samples).await?;
    phases.push(phase);
    phases.push(load_tasks(&db, &args, n.tasks, &projects, &orders, &staff).await?);
    drop(projects);
    let (phase, recipients) = load_messages(
        &db,
        &args,
        n.messages,
        &orders,
        &message_types,
        &staff,
        &rep_ids,
    )
    .await?;
    phases.push(phase);

    let phase = Instant::now();
    let (month_rows, series_rows) = (samples.month_count_rows(), samples.series_rows());
    let kept = month_rows.len();
    db.write(move |c| {
        insert_rows(
            c,
            "order_month_counts",
            "month, office_id, order_type_id, order_count",
            month_rows,
        )?;
        insert_rows(c, "number_series", "series, year, last_value", series_rows)
    })
    .await
    .context("inserting order_month_counts and number_series")?;
    phases.push(Phase {
        what: "order_month_counts rows",
        rows: kept,
        secs: phase.elapsed().as_secs_f64(),
    });

    let phase = Instant::now();
    bulk::finish(&db).await?;
    let finish_secs = phase.elapsed().as_secs_f64();
    samples.write(&args.samples_out, args.samples_per_kind, &orders)?;
    let list: Vec<String> = phases.iter().map(Phase::to_string).collect();
    println!(
        "loaded {} reps, {} staff, {}; {recipients} message recipients; finished \
         ({finish_secs:.0}s) in {:.0}s; samples in {}",
        reps.len(),
        staff.len(),
        list.join(", "),
        started.elapsed().as_secs_f64(),
        args.samples_out.display()
    );
    Ok(())
}

/// Doctors and patients: contacts made as rapport-load-crm makes them (each kind from its
/// own seed), of their kind; each doctor linked to an office, the first of each office as
/// its primary contact.
struct People<'a> {
    seed: u64,
    batch_rows: usize,
    reps: &'a [Uuid],
}

impl People<'_> {
    async fn load(
        &self,
        db: &Database,
        what: &'static str,
        count: usize,
        offices: Option<&[OfficeRef]>,
    ) -> Result<(Vec<Uuid>, Phase)> {
        let (kind, salt) = match offices {
            Some(_) => ("doctor", generate::DOCTOR_SEED_SALT),
            None => ("patient", generate::PATIENT_SEED_SALT),
        };
        let seed = self.seed ^ salt;
        let mut ids = Vec::with_capacity(count);
        let mut pipeline = Pipeline::new(db.clone(), what, count);
        let mut start = 0;
        while start < count {
            let end = (start + self.batch_rows).min(count);
            let mut rows = Vec::with_capacity(end - start);
            let mut links = Vec::new();
            for index in start..end {
                let mut person = customers::contact(seed, index, count, self.reps);
                person.values[customers::CONTACT_KIND_COLUMN] = kind.into();
                ids.push(person.id);
                if let Some(offices) = offices.filter(|o| !o.is_empty()) {
                    let office = index % offices.len();
                    links.push(customers::link(
                        seed,
                        index,
                        &person,
                        offices[office].id,
                        customers::account_created_at(office, offices.len()),
                        offices.len(),
                    ));
                }
                rows.push(person.values);
            }
            pipeline
                .push(end - start, move |c| {
                    insert_rows(c, "contacts", customers::CONTACT_COLUMNS, rows)?;
                    insert_rows(c, "account_contacts", customers::LINK_COLUMNS, links)
                })
                .await?;
            start = end;
        }
        let secs = pipeline.finish().await?;
        Ok((
            ids,
            Phase {
                what,
                rows: count,
                secs,
            },
        ))
    }
}

/// The next number of a yearly series (`PRJ-2024-000017`), counted per year as
/// `numbers::next` would have.
fn next_number(counters: &mut BTreeMap<i32, i64>, prefix: &str, year: i32) -> String {
    let n = counters.entry(year).or_default();
    *n += 1;
    format!("{prefix}-{year}-{n:06}")
}

async fn load_orders(
    db: &Database,
    ctx: &OrderContext<'_>,
    batch_rows: usize,
    samples: &mut Samples,
) -> Result<(Vec<OrderRef>, Phase)> {
    let mut orders = Vec::with_capacity(ctx.count);
    let mut pipeline = Pipeline::new(db.clone(), "orders", ctx.count);
    let mut start = 0;
    while start < ctx.count {
        let end = (start + batch_rows).min(ctx.count);
        let mut rows = Vec::with_capacity(end - start);
        let mut people = Vec::with_capacity(2 * (end - start));
        for index in start..end {
            let year = customers::created_at(index, ctx.count).year();
            let number = next_number(&mut samples.order_numbers, "ORD", year);
            let order = generate::order(ctx, index, number);
            samples.add_order(&order.order, order.type_index);
            orders.push(order.order);
            people.extend(order.people);
            rows.push(order.values);
        }
        pipeline
            .push(end - start, move |c| {
                insert_rows(c, "orders", generate::ORDER_COLUMNS, rows)?;
                insert_rows(c, "order_people", generate::PEOPLE_COLUMNS, people)
            })
            .await?;
        start = end;
    }
    let secs = pipeline.finish().await?;
    let phase = Phase {
        what: "orders (2 people each)",
        rows: ctx.count,
        secs,
    };
    Ok((orders, phase))
}

/// Which of `of` records record `index` of `count` belongs to: evenly, in order, so
/// that every one gets `count / of` or one more.
fn spread(index: usize, count: usize, of: usize) -> usize {
    (index as u128 * of as u128 / count as u128) as usize
}

async fn load_projects(
    db: &Database,
    args: &Args,
    count: usize,
    orders: &[OrderRef],
    staff: &[Uuid],
    samples: &mut Samples,
) -> Result<(Vec<ProjectRef>, Phase)> {
    let mut projects = Vec::with_capacity(count);
    let mut pipeline = Pipeline::new(db.clone(), "projects", count);
    let mut start = 0;
    while start < count {
        let end = (start + args.batch_rows).min(count);
        let mut rows = Vec::with_capacity(end - start);
        for index in start..end {
            let order = spread(index, count, orders.len());
            let (project, mut values) = generate::project(args.seed, index, order, orders, staff);
            // Numbered in the year the project was made, in the order projects are made.
            let year = project.created.year();
            values[generate::PROJECT_NUMBER_COLUMN] =
                next_number(&mut samples.project_numbers, "PRJ", year).into();
            samples.add_project(&project);
            projects.push(project);
            rows.push(values);
        }
        pipeline
            .push(end - start, move |c| {
                insert_rows(c, "projects", generate::PROJECT_COLUMNS, rows)
            })
            .await?;
        start = end;
    }
    let secs = pipeline.finish().await?;
    let phase = Phase {
        what: "projects",
        rows: count,
        secs,
    };
    Ok((projects, phase))
}

async fn load_tasks(
    db: &Database,
    args: &Args,
    count: usize,
    projects: &[ProjectRef],
    orders: &[OrderRef],
    staff: &[Uuid],
) -> Result<Phase> {
    let mut pipeline = Pipeline::new(db.clone(), "tasks", count);
    let mut start = 0;
    while start < count && !projects.is_empty() {
        let end = (start + args.batch_rows).min(count);
        let rows: Vec<Vec<Value>> = (start..end)
            .map(|index| {
                let project = &projects[spread(index, count, projects.len())];
                generate::task(args.seed, index, project, orders, staff)
            })
            .collect();
        pipeline
            .push(end - start, move |c| {
                insert_rows(c, "tasks", generate::TASK_COLUMNS, rows)
            })
            .await?;
        start = end;
    }
    let secs = pipeline.finish().await?;
    Ok(Phase {
        what: "tasks",
        rows: count,
        secs,
    })
}

async fn load_messages(
    db: &Database,
    args: &Args,
    count: usize,
    orders: &[OrderRef],
    type_ids: &[Uuid],
    staff: &[Uuid],
    reps: &[Uuid],
) -> Result<(Phase, usize)> {
    let mut recipients_total = 0;
    let mut pipeline = Pipeline::new(db.clone(), "messages", count);
    let mut start = 0;
    while start < count {
        let end = (start + args.batch_rows).min(count);
        let mut rows = Vec::with_capacity(end - start);
        let mut recipients = Vec::new();
        for index in start..end {
            let order = spread(index, count, orders.len());
            let (values, recipient) =
                generate::message(args.seed, index, order, orders, type_ids, staff, reps);
            rows.push(values);
            recipients.extend(recipient);
        }
        recipients_total += recipients.len();
        pipeline
            .push(end - start, move |c| {
                insert_rows(c, "messages", generate::MESSAGE_COLUMNS, rows)?;
                insert_rows(
                    c,
                    "message_recipients",
                    generate::RECIPIENT_COLUMNS,
                    recipients,
                )
            })
            .await?;
        start = end;
    }
    let secs = pipeline.finish().await?;
    let phase = Phase {
        what: "messages",
        rows: count,
        secs,
    };
    Ok((phase, recipients_total))
}
