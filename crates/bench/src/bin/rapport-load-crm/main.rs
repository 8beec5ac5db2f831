//! rapport-load-crm: fills a fresh database with a large customer master (issue #3) for
//! `rapport-bench`'s search and list scenarios, and writes sample queries and owner ids
//! that exist in the loaded data.
//!
//! It migrates the database, then writes rep users, accounts (with their tags and primary
//! rep rows), contacts and account–contact links directly through `rapport-db` with
//! multi-row INSERTs in large transactions: no HTTP, no audit rows. Derived columns are
//! computed exactly as the application computes them (see `rapport_bench::customers`), and on SQLite the
//! migration's triggers fill the FTS5 tables as they do for API writes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{ensure, Context, Result};
use clap::Parser;
use rapport_bench::bulk::{self, insert_rows, Pipeline};
use rapport_bench::customers::{self as generate, Rng};
use rapport_db::Database;
use rapport_domain::normalize::phone_words;
use uuid::Uuid;

#[derive(Parser, Debug)]
#[command(name = "rapport-load-crm", version, about)]
struct Args {
    /// `sqlite://path` or `postgres://…` of a fresh database (migrated here if needed).
    #[arg(long)]
    database_url: String,

    #[arg(long, default_value_t = 1_000_000)]
    accounts: usize,

    #[arg(long, default_value_t = 2_000_000)]
    contacts: usize,

    /// Rep users that own the accounts (about 90 % of accounts have an owner).
    #[arg(long, default_value_t = 200)]
    reps: usize,

    /// Do not link contacts to accounts (by default each contact gets one link, and the
    /// first contact of every account is its primary).
    #[arg(long)]
    no_links: bool,

    /// Seed of the generated data: the same seed loads the same records.
    #[arg(long, default_value_t = 1)]
    seed: u64,

    /// Where to write the sample queries and owner ids for rapport-bench.
    #[arg(long, default_value = "crm-samples.json")]
    samples_out: PathBuf,

    /// Sample queries per kind and resource.
    #[arg(long, default_value_t = 200)]
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
            eprintln!("rapport-load-crm: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> Result<()> {
    let args = Args::parse();
    ensure!(args.batch_rows > 0, "--batch-rows must be at least 1");
    ensure!(
        args.accounts > 0 || args.contacts == 0 || args.no_links,
        "contacts are linked to accounts: load some accounts or pass --no-links"
    );
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

    let mut samples = Samples::new(args.samples_per_kind, args.accounts, args.contacts);

    let phase = Instant::now();
    let reps = bulk::load_reps(&db, args.seed, args.reps).await?;
    let rep_ids: Vec<Uuid> = reps.iter().map(|r| r.id).collect();
    samples.owners = rep_ids.iter().map(Uuid::to_string).collect();
    eprintln!(
        "{} rep users in {:.1}s",
        reps.len(),
        phase.elapsed().as_secs_f64()
    );

    let phase = Instant::now();
    let account_ids = bulk::load_accounts(
        &db,
        args.seed,
        args.accounts,
        args.batch_rows,
        &rep_ids,
        |index, a| samples.account(index, a),
    )
    .await?;
    let accounts_secs = phase.elapsed().as_secs_f64();

    let phase = Instant::now();
    let links = load_contacts(&db, &args, &rep_ids, &account_ids, &mut samples).await?;
    let contacts_secs = phase.elapsed().as_secs_f64();

    let phase = Instant::now();
    bulk::finish(&db).await?;
    let finish_secs = phase.elapsed().as_secs_f64();

    samples.write(&args.samples_out)?;
    println!(
        "loaded {} reps, {} accounts ({accounts_secs:.0}s), {} contacts and {links} links \
         ({contacts_secs:.0}s), finished ({finish_secs:.0}s) in {:.0}s; samples in {}",
        reps.len(),
        args.accounts,
        args.contacts,
        started.elapsed().as_secs_f64(),
        args.samples_out.display()
    );
    Ok(())
}

async fn load_contacts(
    db: &Database,
    args: &Args,
    reps: &[Uuid],
    account_ids: &[Uuid],
    samples: &mut Samples,
) -> Result<usize> {
    let mut pipeline = Pipeline::new(db.clone(), "contacts", args.contacts);
    let mut links_written = 0;
    let mut start = 0;
    while start < args.contacts {
        let end = (start + args.batch_rows).min(args.contacts);
        let mut contacts = Vec::with_capacity(end - start);
        let mut links = Vec::new();
        for index in start..end {
            let c = generate::contact(args.seed, index, args.contacts, reps);
            if !args.no_links {
                let account = index % account_ids.len();
                links.push(generate::link(
                    args.seed,
                    index,
                    &c,
                    account_ids[account],
                    generate::account_created_at(account, account_ids.len()),
                    account_ids.len(),
                ));
            }
            samples.contact(index, &c);
            contacts.push(c.values);
        }
        links_written += links.len();
        pipeline
            .push(end - start, move |c| {
                insert_rows(c, "contacts", generate::CONTACT_COLUMNS, contacts)?;
                insert_rows(c, "account_contacts", generate::LINK_COLUMNS, links)
            })
            .await?;
        start = end;
    }
    pipeline.finish().await?;
    Ok(links_written)
}

/// Queries and owner ids taken from the loaded records, for rapport-bench.
struct Samples {
    per_kind: usize,
    account_step: usize,
    contact_step: usize,
    owners: Vec<String>,
    accounts: Vec<serde_json::Value>,
    contacts: Vec<serde_json::Value>,
    rng: Rng,
}

impl Samples {
    fn new(per_kind: usize, accounts: usize, contacts: usize) -> Self {
        Self {
            per_kind,
            account_step: (accounts / per_kind.max(1)).max(1),
            contact_step: (contacts / per_kind.max(1)).max(1),
            owners: Vec::new(),
            accounts: Vec::new(),
            contacts: Vec::new(),
            rng: Rng::new(0x5eed),
        }
    }

    /// The first `3..=6` characters of a word, as someone types it into a search box.
    fn typed_prefix(&mut self, word: &str) -> String {
        let n = 3 + self.rng.below(4);
        word.chars().take(n).collect()
    }

    fn push(list: &mut Vec<serde_json::Value>, kind: &str, q: String) {
        list.push(serde_json::json!({ "kind": kind, "q": q }));
    }

    fn account(&mut self, index: usize, a: &generate::Account) {
        if index % self.account_step != self.account_step / 2 || a.archived {
            return;
        }
        let mut words = a.name.split(' ');
        let first = words.next().unwrap_or_default().to_owned();
        let second = words.next().unwrap_or_default().to_owned();
        let name = self.typed_prefix(&first);
        Self::push(&mut self.accounts, "name", name);
        let two = format!("{first} {}", self.typed_prefix(&second));
        Self::push(&mut self.accounts, "words", two);
        if let Some(email) = &a.email {
            // "info@ashford-fam": the mailbox and the start of the domain.
            let (local, domain) = email.split_once('@').unwrap_or((email, ""));
            let cut = 6 + self.rng.below(5);
            let q = format!("{local}@{}", domain.chars().take(cut).collect::<String>());
            Self::push(&mut self.accounts, "email", q);
        }
        if let Some(phone) = &a.phone {
            let q = phone_query(phone);
            Self::push(&mut self.accounts, "phone", q);
        }
        if let Some(city) = &a.city {
            Self::push(&mut self.accounts, "city", city.clone());
        }
    }

    fn contact(&mut self, index: usize, c: &generate::Contact) {
        if index % self.contact_step != self.contact_step / 2 {
            return;
        }
        let first = c.first_name.clone();
        let last = c.last_name.clone();
        let name = self.typed_prefix(&first);
        Self::push(&mut self.contacts, "name", name);
        let last_prefix = self.typed_prefix(&last);
        Self::push(&mut self.contacts, "last", last_prefix);
        let two = format!("{first} {}", self.typed_prefix(&last));
        Self::push(&mut self.contacts, "words", two);
        if let Some(email) = &c.email {
            // "anna.muller@": the whole mailbox.
            let local = email.split('@').next().unwrap_or(email);
            Self::push(&mut self.contacts, "email", format!("{local}@"));
        }
        if let Some(phone) = &c.phone {
            let q = phone_query(phone);
            Self::push(&mut self.contacts, "phone", q);
        }
    }

    fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::json!({
            "per_kind": self.per_kind,
            "owners": self.owners,
            "accounts": self.accounts,
            "contacts": self.contacts,
        });
        std::fs::write(path, format!("{json:#}\n"))
            .with_context(|| format!("writing {}", path.display()))
    }
}

/// What a user types to find a phone number: the first nine of its digits run together
/// (the first of its search words, `phone_words`).
fn phone_query(phone: &str) -> String {
    phone_words(phone)
        .split(' ')
        .next()
        .unwrap_or_default()
        .chars()
        .take(9)
        .collect()
}
