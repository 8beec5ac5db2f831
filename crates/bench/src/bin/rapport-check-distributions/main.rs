//! rapport-check-distributions: the parts of the distribution benchmark (issue #5) that
//! are not a timed request mix.
//!
//! - `dashboard` computes the sales dashboard for a few windows with plain GROUP BYs over
//!   the raw `distributions` rows, times them (the "naive on-demand" figure), fetches the
//!   same windows from the server and compares every figure; any difference is printed
//!   and the exit status is 1.
//! - `bulk` posts generated entries to `POST /api/v1/distributions/bulk`, a fixed number
//!   of calls of a fixed size, and reports entries/s and the latency of a call.

mod bulk;
mod naive;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use hyper::{Method, StatusCode};
use rapport_bench::client::{self, Conn, Target};
use rapport_bench::dashboard::{Filter, Interval, Samples, Window};
use rapport_db::{Database, DbOptions};
use serde_json::{json, Value as Json};

use crate::naive::{Dashboard, Figures, SkuFigures};

#[derive(Parser, Debug)]
#[command(name = "rapport-check-distributions", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compare the server's sales dashboard with GROUP BYs over the raw entries (exit 1
    /// on any difference) and time those GROUP BYs.
    Dashboard(DashboardArgs),
    /// Post generated entries through the bulk endpoint and report entries/s.
    Bulk(bulk::BulkArgs),
}

/// Where the server is and how to sign in, as for rapport-bench.
#[derive(Args, Debug)]
pub struct Server {
    /// Base URL of the running server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,

    /// API token, sent as `Authorization: Bearer <token>` (or --login-email).
    #[arg(long, conflicts_with = "login_email")]
    token: Option<String>,

    /// Log in as this user and create a token named "bench" instead of passing --token.
    #[arg(long, requires = "login_password")]
    login_email: Option<String>,

    /// Password for --login-email.
    #[arg(long, requires = "login_email")]
    login_password: Option<String>,
}

impl Server {
    /// A connection with a token, logging in first if asked to.
    pub async fn connect(&self) -> Result<(Target, String)> {
        let target = Target::parse(&self.url)?;
        let token = match (&self.token, &self.login_email, &self.login_password) {
            (Some(token), _, _) => token.clone(),
            (None, Some(email), Some(password)) => {
                client::login_for_token(&target, email, password)
                    .await
                    .context("obtaining a token with --login-email")?
            }
            _ => anyhow::bail!("pass --token, or --login-email and --login-password"),
        };
        Ok((target, token))
    }
}

#[derive(Args, Debug)]
struct DashboardArgs {
    #[command(flatten)]
    server: Server,

    /// The database the server runs on (`sqlite://path` or `postgres://…`), read
    /// directly for the GROUP BYs.
    #[arg(long)]
    database_url: String,

    /// The samples file rapport-load-distributions wrote.
    #[arg(long)]
    samples: PathBuf,

    /// Times each window's GROUP BYs this many times (the first run may read from disk).
    #[arg(long, default_value_t = 1)]
    naive_runs: usize,

    /// Only compute and time the GROUP BYs; no server needed.
    #[arg(long)]
    naive_only: bool,

    /// Only the windows that end with the last whole month of the data (the month bulk
    /// ingest writes into), skipping the long GROUP BYs over older data.
    #[arg(long)]
    recent: bool,

    /// Also write the expected answers (from the raw rows) to this JSON file.
    #[arg(long)]
    expected_out: Option<PathBuf>,
}

fn main() -> ExitCode {
    match try_main() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("rapport-check-distributions: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn try_main() -> Result<ExitCode> {
    let cli = Cli::parse();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the tokio runtime")?
        .block_on(async {
            match cli.command {
                Command::Dashboard(args) => check(args).await,
                Command::Bulk(args) => bulk::run(args).await,
            }
        })
}

/// The windows checked: the last whole twelve months by month (unfiltered, by the
/// busiest and a quiet rep, by a busy and a middling SKU, by the state with most
/// customers, by rep and SKU together), the twelve months before, two years by quarter
/// and the whole years by year.
fn windows(samples: &Samples) -> Vec<Window> {
    let end = samples.last_full_month + 1;
    let year = (end - 12).max(samples.first_month);
    let month =
        |from: i32, to: i32, filter: Filter| Window::months(from, to, Interval::Month, filter);
    let mut out = vec![month(year, end, Filter::default())];
    if end - 24 >= samples.first_month {
        out.push(month(end - 24, end - 12, Filter::default()));
    }
    let rep = |id: &String| Filter {
        rep_id: Some(id.clone()),
        ..Filter::default()
    };
    let sku = |code: &String| Filter {
        sku: Some(code.clone()),
        ..Filter::default()
    };
    if let (Some(first), Some(last)) = (samples.reps.first(), samples.reps.last()) {
        out.push(month(year, end, rep(first)));
        if last != first {
            out.push(month(year, end, rep(last)));
        }
    }
    if let Some(first) = samples.skus.first() {
        out.push(month(year, end, sku(first)));
        if let Some(middle) = samples
            .skus
            .get(samples.skus.len() / 2)
            .filter(|m| *m != first)
        {
            out.push(month(year, end, sku(middle)));
        }
    }
    if let Some(state) = samples.states.first() {
        out.push(month(
            year,
            end,
            Filter {
                state: Some(state.clone()),
                ..Filter::default()
            },
        ));
    }
    if let (Some(r), Some(s)) = (samples.reps.first(), samples.skus.first()) {
        out.push(month(
            year,
            end,
            Filter {
                rep_id: Some(r.clone()),
                sku: Some(s.clone()),
                state: None,
            },
        ));
    }
    // Calendar quarters and years only, so that every interval is whole.
    let quarter_end = end - end.rem_euclid(3);
    if quarter_end - 24 >= samples.first_month {
        out.push(Window::months(
            quarter_end - 24,
            quarter_end,
            Interval::Quarter,
            Filter::default(),
        ));
    }
    let year_end = end - end.rem_euclid(12);
    let year_start = samples.first_month + (12 - samples.first_month.rem_euclid(12)) % 12;
    if year_end > year_start {
        out.push(Window::months(
            year_start,
            year_end,
            Interval::Year,
            Filter::default(),
        ));
    }
    out
}

async fn check(args: DashboardArgs) -> Result<ExitCode> {
    let samples = Samples::read(&args.samples)?;
    let mut conn = if args.naive_only {
        None
    } else {
        let (target, token) = args.server.connect().await?;
        Some(Conn::new(target, Some(&token))?)
    };
    let options = DbOptions {
        pool_size: 1,
        ..DbOptions::default()
    };
    let db = Database::connect(&args.database_url, &options)
        .await
        .context("connecting to the database")?;
    let entries: i64 = db
        .read(|c| {
            c.query_scalar("SELECT COUNT(*) FROM distributions", &[])
                .map(Option::unwrap_or_default)
        })
        .await
        .context("counting entries")?;
    println!("{entries} entries in the database");
    println!(
        "{:<62} {:>10} {:>10} {:>8}  result",
        "window", "naive_ms", "naive_best", "api_ms"
    );

    let mut mismatched = 0;
    let mut dumps = Vec::new();
    let mut naive_all = Vec::new();
    let recent_end = samples.last_full_month + 1;
    for window in windows(&samples)
        .into_iter()
        .filter(|w| !args.recent || w.to_month == recent_end)
    {
        let mut runs = Vec::new();
        let mut expected = Dashboard::default();
        let mut timing = naive::Timing::default();
        for run in 0..args.naive_runs.max(1) {
            let (d, t) = naive::dashboard(&db, &window).await?;
            if run == 0 {
                expected = d;
                timing = t;
            }
            runs.push(t.total());
        }
        let best = runs.iter().min().copied().unwrap_or_default();
        naive_all.push(runs[0]);

        let path = window.path();
        dumps.push(json!({ "request": path, "expected": expected.to_json() }));
        let (api, problems) = match conn.as_mut() {
            Some(conn) => fetch_and_compare(conn, &path, &expected).await?,
            None => (Duration::ZERO, Vec::new()),
        };
        let result = match (&conn, problems.is_empty()) {
            (None, _) => "not compared".to_owned(),
            (Some(_), true) => "ok".to_owned(),
            (Some(_), false) => format!("MISMATCH ({})", problems.len()),
        };
        println!(
            "{:<62} {:>10.1} {:>10.1} {:>8.1}  {result}",
            window.label(),
            ms(runs[0]),
            ms(best),
            ms(api),
        );
        eprintln!(
            "  naive statements: intervals {:.0} ms, totals {:.0} ms, first-time {:.0} ms, \
             skus {:.0} ms; {} orders, {} units, {} customers in the window",
            ms(timing.intervals),
            ms(timing.totals),
            ms(timing.first_times),
            ms(timing.skus),
            expected.totals.orders,
            expected.totals.units,
            expected.totals.customers,
        );
        if !problems.is_empty() {
            mismatched += 1;
            eprintln!("!!! {path}");
            for p in problems.iter().take(20) {
                eprintln!("!!!   {p}");
            }
            if problems.len() > 20 {
                eprintln!("!!!   … and {} more", problems.len() - 20);
            }
        }
    }
    let mut sorted = naive_all.clone();
    sorted.sort();
    println!(
        "naive on-demand (first run per window): median {:.0} ms, max {:.0} ms over {} windows",
        ms(sorted[sorted.len() / 2]),
        ms(sorted[sorted.len() - 1]),
        sorted.len()
    );
    if let Some(path) = &args.expected_out {
        std::fs::write(path, format!("{:#}\n", Json::Array(dumps)))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if mismatched > 0 {
        eprintln!("FAILED: the dashboard differs from the raw rows in {mismatched} window(s)");
        Ok(ExitCode::FAILURE)
    } else {
        if conn.is_some() {
            println!("every figure matches the raw rows");
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Asks the server for `path`; returns how long it took and how it differs from
/// `expected`.
async fn fetch_and_compare(
    conn: &mut Conn,
    path: &str,
    expected: &Dashboard,
) -> Result<(Duration, Vec<String>)> {
    let started = Instant::now();
    let reply = conn
        .send(Method::GET, path, &[], None)
        .await
        .with_context(|| format!("GET {path}"))?;
    let elapsed = started.elapsed();
    let problems = if reply.status == StatusCode::OK {
        compare(expected, &reply.json()?)
    } else {
        vec![format!(
            "GET {path}: HTTP {}: {}",
            reply.status,
            reply.body_excerpt()
        )]
    };
    Ok((elapsed, problems))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Differences between the `names` figures of `got` and `want`.
fn figures(problems: &mut Vec<String>, what: &str, names: &[&str], want: &[i64], got: &Json) {
    for (name, want) in names.iter().zip(want) {
        match got[name].as_i64() {
            Some(v) if v == *want => {}
            Some(v) => problems.push(format!("{what}.{name}: server {v}, raw rows {want}")),
            None => problems.push(format!(
                "{what}.{name}: missing or not an integer ({})",
                got[name]
            )),
        }
    }
}

/// Every difference between the expected dashboard and the server's answer.
fn compare(expected: &Dashboard, got: &Json) -> Vec<String> {
    let mut problems = Vec::new();
    figures(
        &mut problems,
        "totals",
        &Figures::NAMES,
        &expected.totals.values(),
        &got["totals"],
    );

    let intervals = got["intervals"].as_array().cloned().unwrap_or_default();
    for (i, (start, want)) in expected.intervals.iter().enumerate() {
        let what = format!("intervals[{i}] ({start})");
        match intervals.get(i) {
            Some(row) if row["start"].as_str() == Some(start.to_string().as_str()) => {
                figures(&mut problems, &what, &Figures::NAMES, &want.values(), row);
            }
            Some(row) => problems.push(format!("{what}: server has start {}", row["start"])),
            None => problems.push(format!("{what}: missing")),
        }
    }
    if intervals.len() > expected.intervals.len() {
        problems.push(format!(
            "intervals: server has {}, expected {}",
            intervals.len(),
            expected.intervals.len()
        ));
    }

    let skus = got["skus"].as_array().cloned().unwrap_or_default();
    let listed: Vec<&str> = skus.iter().filter_map(|s| s["sku"].as_str()).collect();
    if listed.windows(2).any(|w| w[0] >= w[1]) {
        problems.push("skus: not sorted by sku".into());
    }
    for (sku, want) in &expected.skus {
        match skus.iter().find(|s| s["sku"].as_str() == Some(sku)) {
            Some(row) => figures(
                &mut problems,
                &format!("skus[{sku}]"),
                &SkuFigures::NAMES,
                &want.values(),
                row,
            ),
            None => problems.push(format!("skus[{sku}]: missing")),
        }
    }
    for sku in listed {
        if !expected.skus.iter().any(|(s, _)| s == sku) {
            problems.push(format!(
                "skus[{sku}]: listed, but has no entries in the window"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rapport_bench::dashboard::SampleCustomer;
    use serde_json::json;

    fn expected() -> Dashboard {
        let f = Figures {
            orders: 3,
            units: 10,
            customers: 2,
            first_time_customers: 1,
            repeat_customers: 1,
        };
        Dashboard {
            totals: f,
            intervals: vec![
                (NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(), f),
                (
                    NaiveDate::from_ymd_opt(2026, 2, 1).unwrap_or_default(),
                    Figures::default(),
                ),
            ],
            skus: vec![(
                "A-1".into(),
                SkuFigures {
                    orders: 3,
                    units: 10,
                    customers: 2,
                },
            )],
        }
    }

    #[test]
    fn equal_answers_pass_and_differences_are_named() {
        let five = json!({"orders": 3, "units": 10, "customers": 2,
                          "first_time_customers": 1, "repeat_customers": 1});
        let zero = json!({"start": "2026-02-01", "orders": 0, "units": 0, "customers": 0,
                          "first_time_customers": 0, "repeat_customers": 0});
        let mut first = five.clone();
        first["start"] = json!("2026-01-01");
        let good = json!({
            "totals": five,
            "intervals": [first, zero],
            "skus": [{"sku": "A-1", "orders": 3, "units": 10, "customers": 2}],
        });
        assert!(compare(&expected(), &good).is_empty());
        assert!(compare(&expected(), &expected().to_json()).is_empty());

        let mut bad = good.clone();
        bad["totals"]["units"] = json!(11);
        bad["intervals"][1]["start"] = json!("2026-03-01");
        bad["skus"] = json!([{"sku": "B-2", "orders": 1, "units": 1, "customers": 1}]);
        let problems = compare(&expected(), &bad);
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("totals.units: server 11, raw rows 10"));
    }

    #[test]
    fn windows_cover_filters_and_intervals() {
        let samples = Samples {
            entries: 1,
            first_month: 2021 * 12 + 10,
            last_month: 2026 * 12 + 9,
            last_full_month: 2026 * 12 + 9,
            reps: vec!["r1".into(), "r2".into()],
            skus: vec!["A".into(), "B".into(), "C".into()],
            all_skus: vec![],
            states: vec!["CA".into()],
            customers: vec![SampleCustomer {
                id: "c".into(),
                name: "n".into(),
                rep_id: None,
            }],
        };
        let w = windows(&samples);
        assert_eq!(w.len(), 10);
        assert_eq!(w[0].from().to_string(), "2025-11-01");
        assert_eq!(w[0].to().to_string(), "2026-11-01");
        let q = &w[8];
        assert_eq!(q.interval, Interval::Quarter);
        assert_eq!(
            (q.from().to_string(), q.to().to_string()),
            ("2024-10-01".into(), "2026-10-01".into())
        );
        let y = &w[9];
        assert_eq!(
            (y.from().to_string(), y.to().to_string()),
            ("2022-01-01".into(), "2026-01-01".into())
        );
    }
}
