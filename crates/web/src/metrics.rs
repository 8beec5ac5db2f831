//! Prometheus text metrics: requests by route and status, a latency histogram per route,
//! the database pool and the process's memory.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct RouteStats {
    by_status: RwLock<HashMap<u16, Arc<AtomicU64>>>,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

#[derive(Default)]
pub struct Metrics {
    routes: RwLock<HashMap<(String, String), Arc<RouteStats>>>,
}

fn get_or_insert<K: std::hash::Hash + Eq + Clone, V: Default>(
    map: &RwLock<HashMap<K, Arc<V>>>,
    key: &K,
) -> Arc<V> {
    if let Some(v) = map.read().unwrap_or_else(|p| p.into_inner()).get(key) {
        return Arc::clone(v);
    }
    let mut w = map.write().unwrap_or_else(|p| p.into_inner());
    Arc::clone(w.entry(key.clone()).or_default())
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let stats = get_or_insert(&self.routes, &(method.to_owned(), route.to_owned()));
        get_or_insert(&stats.by_status, &status).fetch_add(1, Ordering::Relaxed);
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                stats.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        stats.count.fetch_add(1, Ordering::Relaxed);
        stats
            .sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    pub fn render(&self, pool: rapport_db::PoolStats) -> String {
        let mut out = String::new();
        let routes = self.routes.read().unwrap_or_else(|p| p.into_inner());
        let mut keys: Vec<_> = routes.keys().cloned().collect();
        keys.sort();
        out.push_str("# HELP rapport_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE rapport_http_requests_total counter\n");
        for key in &keys {
            let stats = &routes[key];
            let by_status = stats.by_status.read().unwrap_or_else(|p| p.into_inner());
            let mut statuses: Vec<_> = by_status.iter().collect();
            statuses.sort_by_key(|(s, _)| **s);
            for (status, n) in statuses {
                let _ = writeln!(
                    out,
                    "rapport_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {}",
                    key.0,
                    key.1,
                    n.load(Ordering::Relaxed)
                );
            }
        }
        out.push_str("# HELP rapport_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE rapport_http_request_duration_seconds histogram\n");
        for key in &keys {
            let stats = &routes[key];
            let labels = format!("method=\"{}\",route=\"{}\"", key.0, key.1);
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "rapport_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                    stats.buckets[i].load(Ordering::Relaxed)
                );
            }
            let count = stats.count.load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "rapport_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "rapport_http_request_duration_seconds_sum{{{labels}}} {}",
                stats.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
            );
            let _ = writeln!(
                out,
                "rapport_http_request_duration_seconds_count{{{labels}}} {count}"
            );
        }
        for (name, help, value) in [
            (
                "rapport_db_pool_size",
                "Connections the pool may open.",
                pool.size,
            ),
            ("rapport_db_pool_open", "Connections open.", pool.open),
            (
                "rapport_db_pool_in_use",
                "Connections running a query.",
                pool.in_use,
            ),
            (
                "rapport_db_pool_waiting",
                "Callers waiting for a connection.",
                pool.waiting,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        if let Some(rss) = resident_bytes() {
            let _ = writeln!(
                out,
                "# HELP process_resident_memory_bytes Resident memory.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {rss}"
            );
        }
        out
    }
}

fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

pub async fn middleware(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    // Clients can invent methods; only the standard ones get their own label.
    let method = match *req.method() {
        Method::GET
        | Method::POST
        | Method::PUT
        | Method::PATCH
        | Method::DELETE
        | Method::HEAD
        | Method::OPTIONS => req.method().as_str(),
        _ => "other",
    }
    .to_owned();
    let res = next.run(req).await;
    // Unmatched paths share one label so that scanners cannot grow the label set.
    let route = res
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_owned();
    let status = res.status().as_u16();
    let elapsed = start.elapsed().as_secs_f64();
    app.metrics.observe(&method, &route, status, elapsed);
    if status >= 500 {
        tracing::warn!(status, route, elapsed_ms = elapsed * 1e3, "request failed");
    } else {
        tracing::debug!(status, route, elapsed_ms = elapsed * 1e3, "request");
    }
    res
}
