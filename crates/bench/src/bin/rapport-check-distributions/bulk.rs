//! Bulk ingest: `--calls` posts of `--items` generated entries each to
//! `POST /api/v1/distributions/bulk`, `--concurrency` at a time, timed from the first
//! request to the last answer. The bodies are built before the clock starts, so the rate
//! is the server's.
//!
//! The entries are valid and realistic: orders of 1–5 lines of distinct SKUs (the loaded
//! ones, popular ones more often) sharing a new order number and a ship date in the last
//! whole month of the data (never after today), for the loaded customers still buying at
//! its end with their primary rep, 5 % of orders unlinked (the customer's name only).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use bytes::Bytes;
use chrono::{Datelike, Duration as Days, Utc};
use clap::Args;
use hyper::{Method, StatusCode};
use rapport_bench::client::{json_bytes, Conn, Reply};
use rapport_bench::customers::Rng;
use rapport_bench::dashboard::Samples;
use rapport_domain::distribution::month_start;
use serde_json::json;
use tokio::task::JoinSet;

use crate::Server;

pub const BULK: &str = "/api/v1/distributions/bulk";

#[derive(Args, Debug)]
pub struct BulkArgs {
    #[command(flatten)]
    server: Server,

    /// The samples file rapport-load-distributions wrote (customers, reps, SKUs, months).
    #[arg(long)]
    samples: PathBuf,

    /// Bulk calls in all.
    #[arg(long, default_value_t = 20)]
    calls: usize,

    /// Entries per call (the endpoint takes up to 10,000).
    #[arg(long, default_value_t = 10_000)]
    items: usize,

    /// Calls in flight at once.
    #[arg(long, default_value_t = 1)]
    concurrency: usize,

    /// Seed of the generated entries (order numbers also carry a random run id, so that
    /// reruns on one database never share an order).
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// The request bodies, each `items` entries.
fn bodies(samples: &Samples, args: &BulkArgs, run: u64) -> Result<Vec<Bytes>> {
    ensure!(
        !samples.customers.is_empty() && !samples.all_skus.is_empty(),
        "the samples file lists no customers or SKUs"
    );
    let month = samples.last_full_month;
    let first = month_start(month);
    let today = Utc::now().date_naive();
    let last = (month_start(month + 1) - Days::days(1)).min(today);
    ensure!(last >= first, "the samples' last month is in the future");
    let days = (last - first).num_days() as usize + 1;
    let skus = &samples.all_skus;
    let mut bodies = Vec::with_capacity(args.calls);
    for call in 0..args.calls {
        let mut rng = Rng::for_record(args.seed, 31, call as u64);
        let mut items = Vec::with_capacity(args.items);
        let mut order = 0;
        while items.len() < args.items {
            order += 1;
            let customer = rng.pick(&samples.customers);
            let ship = first + Days::days(rng.below(days) as i64);
            let number = format!("BLK-{run:08X}-{call:04}-{order:05}");
            let linked = !rng.chance(5);
            let lines = (1 + rng.below(5)).min(args.items - items.len());
            let mut chosen: Vec<&String> = Vec::with_capacity(lines);
            while chosen.len() < lines.min(skus.len()) {
                // Popular SKUs (the front of the list) more often.
                let u = rng.below(1 << 20) as f64 / f64::from(1 << 20);
                let sku = &skus[((u * u * skus.len() as f64) as usize).min(skus.len() - 1)];
                if !chosen.contains(&sku) {
                    chosen.push(sku);
                }
            }
            for sku in chosen {
                let mut item = json!({
                    "ship_date": ship.to_string(),
                    "order_number": number,
                    "sku": sku,
                    "lot_number": format!("BLK{:02}{:02}", ship.year() % 100, ship.month()),
                    "quantity": 1 + rng.below(10),
                    "source": "api",
                });
                if linked {
                    item["customer_id"] = json!(customer.id);
                } else {
                    item["customer_name"] = json!(customer.name);
                }
                if let Some(rep) = &customer.rep_id {
                    item["rep_id"] = json!(rep);
                }
                items.push(item);
            }
        }
        bodies.push(json_bytes(&json!({ "items": items })));
    }
    Ok(bodies)
}

/// A call succeeds with 201 and exactly as many entries created (and ids) as were sent.
fn judge(reply: Result<Reply>, items: usize) -> Result<(), String> {
    let reply = reply.map_err(|e| format!("transport error: {e:#}"))?;
    if reply.status != StatusCode::CREATED {
        return Err(format!(
            "HTTP {} (expected 201): {}",
            reply.status,
            reply.body_excerpt()
        ));
    }
    let json = reply.json().map_err(|e| format!("{e:#}"))?;
    let created = json["created"].as_u64().unwrap_or_default() as usize;
    let ids = json["ids"].as_array().map_or(0, Vec::len);
    if created == items && ids == items {
        Ok(())
    } else {
        Err(format!("created {created} with {ids} ids, sent {items}"))
    }
}

fn run_id() -> u64 {
    RandomState::new().build_hasher().finish() & 0xffff_ffff
}

pub async fn run(args: BulkArgs) -> Result<ExitCode> {
    ensure!(args.calls > 0, "--calls must be at least 1");
    ensure!(args.items > 0, "--items must be at least 1");
    ensure!(args.concurrency > 0, "--concurrency must be at least 1");
    let samples = Samples::read(&args.samples)?;
    let (target, token) = args.server.connect().await?;
    let bodies: Arc<[Bytes]> = bodies(&samples, &args, run_id())?.into();
    let size: usize = bodies.iter().map(Bytes::len).sum::<usize>() / bodies.len();
    eprintln!(
        "bulk: {} calls of {} entries (about {:.1} MB each), {} at a time",
        args.calls,
        args.items,
        size as f64 / 1e6,
        args.concurrency
    );

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..args.concurrency.min(args.calls) {
        let mut conn = Conn::new(target.clone(), Some(&token))?;
        let bodies = Arc::clone(&bodies);
        let next = Arc::clone(&next);
        let items = args.items;
        tasks.spawn(async move {
            let mut outcomes: Vec<(Duration, Result<(), String>)> = Vec::new();
            loop {
                let call = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(call) else {
                    break;
                };
                let t = Instant::now();
                let reply = conn.send(Method::POST, BULK, &[], Some(body.clone())).await;
                let elapsed = t.elapsed();
                outcomes.push((elapsed, judge(reply, items)));
            }
            outcomes
        });
    }
    let mut outcomes = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        outcomes.extend(joined.context("bulk task panicked")?);
    }
    let wall = started.elapsed();

    let failures: Vec<&String> = outcomes
        .iter()
        .filter_map(|(_, o)| o.as_ref().err())
        .collect();
    let mut latencies: Vec<Duration> = outcomes.iter().map(|(d, _)| *d).collect();
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    let created = (outcomes.len() - failures.len()) * args.items;
    println!(
        "bulk ingest: {created} entries in {} calls of {} in {:.1}s at concurrency {}: \
         {:.0} entries/s; per call p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; {} failed",
        outcomes.len(),
        args.items,
        wall.as_secs_f64(),
        args.concurrency,
        created as f64 / wall.as_secs_f64().max(0.001),
        pick(0.5).as_secs_f64() * 1000.0,
        pick(0.99).as_secs_f64() * 1000.0,
        pick(1.0).as_secs_f64() * 1000.0,
        failures.len()
    );
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        for f in failures.iter().take(5) {
            eprintln!("!!! {f}");
        }
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_bench::dashboard::SampleCustomer;

    #[test]
    fn bodies_hold_whole_orders_of_distinct_skus() -> Result<()> {
        let samples = Samples {
            entries: 1,
            first_month: 2021 * 12 + 10,
            last_month: 2026 * 12 + 9,
            last_full_month: 2026 * 12 + 9,
            reps: vec![],
            skus: vec![],
            all_skus: (0..30).map(|i| format!("S-{i}")).collect(),
            states: vec![],
            customers: vec![SampleCustomer {
                id: "0190aaaa-0000-7000-8000-000000000000".into(),
                name: "Ashbrook Dental".into(),
                rep_id: Some("0190bbbb-0000-7000-8000-000000000000".into()),
            }],
        };
        let args = BulkArgs::parse_from_for_test(3, 1000);
        let bodies = bodies(&samples, &args, 7)?;
        assert_eq!(bodies.len(), 3);
        let json: serde_json::Value = serde_json::from_slice(&bodies[0])?;
        let items = json["items"].as_array().context("items")?;
        assert_eq!(items.len(), 1000);
        let mut by_order: std::collections::HashMap<&str, Vec<&str>> = Default::default();
        for item in items {
            assert!(item["ship_date"]
                .as_str()
                .is_some_and(|d| d.starts_with("2026-10-")));
            let skus = by_order
                .entry(item["order_number"].as_str().context("number")?)
                .or_default();
            let sku = item["sku"].as_str().context("sku")?;
            assert!(!skus.contains(&sku));
            skus.push(sku);
        }
        assert!(by_order.values().all(|s| s.len() <= 5));
        Ok(())
    }

    impl BulkArgs {
        fn parse_from_for_test(calls: usize, items: usize) -> Self {
            Self {
                server: Server {
                    url: String::new(),
                    token: Some("t".into()),
                    login_email: None,
                    login_password: None,
                },
                samples: PathBuf::new(),
                calls,
                items,
                concurrency: 1,
                seed: 1,
            }
        }
    }
}
