//! Latency recording and the per-scenario summary.

use std::collections::BTreeMap;
use std::time::Duration;

/// A request that did not end in a 2xx (or did not end at all).
pub struct Failure {
    /// Groups failures in the report, e.g. "HTTP 412 Precondition Failed".
    pub kind: String,
    /// One example (response body or error chain) to make the report actionable.
    pub detail: String,
}

pub struct FailureCount {
    pub count: u64,
    pub example: String,
}

#[derive(Default)]
pub struct Recorder {
    latencies_us: Vec<u32>,
    failures: BTreeMap<String, FailureCount>,
}

impl Recorder {
    pub fn record(&mut self, latency: Duration, outcome: Result<(), Failure>) {
        self.latencies_us
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
        if let Err(failure) = outcome {
            self.failures
                .entry(failure.kind)
                .or_insert_with(|| FailureCount {
                    count: 0,
                    example: failure.detail,
                })
                .count += 1;
        }
    }

    pub fn merge(&mut self, other: Recorder) {
        self.latencies_us.extend(other.latencies_us);
        for (kind, theirs) in other.failures {
            self.failures
                .entry(kind)
                .or_insert(FailureCount {
                    count: 0,
                    example: theirs.example,
                })
                .count += theirs.count;
        }
    }

    /// `elapsed` is the wall time of the measured phase, for requests per second.
    pub fn summarize(mut self, elapsed: Duration) -> Summary {
        self.latencies_us.sort_unstable();
        let sorted = &self.latencies_us;
        let requests = sorted.len() as u64;
        let secs = elapsed.as_secs_f64();
        Summary {
            requests,
            req_per_s: if secs > 0.0 {
                requests as f64 / secs
            } else {
                0.0
            },
            p50_ms: ms(percentile(sorted, 0.50)),
            p99_ms: ms(percentile(sorted, 0.99)),
            max_ms: ms(sorted.last().copied().unwrap_or(0)),
            failures: self.failures.values().map(|f| f.count).sum(),
            failure_kinds: self.failures,
        }
    }
}

pub struct Summary {
    pub requests: u64,
    pub req_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub failures: u64,
    pub failure_kinds: BTreeMap<String, FailureCount>,
}

impl Summary {
    pub fn failure_ratio(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            self.failures as f64 / self.requests as f64
        }
    }

    pub fn table_header() -> String {
        format!(
            "{:<20} {:>9} {:>10} {:>8} {:>8} {:>8} {:>9}",
            "scenario", "requests", "req/s", "p50_ms", "p99_ms", "max_ms", "failures"
        )
    }

    pub fn table_row(&self, scenario: &str) -> String {
        format!(
            "{:<20} {:>9} {:>10.1} {:>8.3} {:>8.3} {:>8.3} {:>9}",
            scenario,
            self.requests,
            self.req_per_s,
            self.p50_ms,
            self.p99_ms,
            self.max_ms,
            self.failures
        )
    }

    pub fn json_line(&self, scenario: &str) -> String {
        let kinds: serde_json::Map<String, serde_json::Value> = self
            .failure_kinds
            .iter()
            .map(|(kind, f)| (kind.clone(), f.count.into()))
            .collect();
        serde_json::json!({
            "scenario": scenario,
            "requests": self.requests,
            "req_per_s": self.req_per_s,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "max_ms": self.max_ms,
            "failures": self.failures,
            "failure_kinds": kinds,
        })
        .to_string()
    }
}

/// Nearest-rank percentile: always a latency that was actually observed.
fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(us: u32) -> f64 {
    f64::from(us) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let sorted: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&sorted, 0.50), 50);
        assert_eq!(percentile(&sorted, 0.99), 99);
        assert_eq!(percentile(&[7], 0.99), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }

    #[test]
    fn merge_keeps_counts_and_first_example() {
        let fail = |detail: &str| {
            Err(Failure {
                kind: "HTTP 412".into(),
                detail: detail.into(),
            })
        };
        let mut a = Recorder::default();
        a.record(Duration::from_micros(1500), fail("first"));
        let mut b = Recorder::default();
        b.record(Duration::from_micros(500), Ok(()));
        b.record(Duration::from_micros(900), fail("second"));
        a.merge(b);
        let s = a.summarize(Duration::from_secs(1));
        assert_eq!((s.requests, s.failures), (3, 2));
        assert_eq!(s.failure_kinds["HTTP 412"].example, "first");
        assert_eq!(s.max_ms, 1.5);
        assert_eq!(s.p50_ms, 0.9);
    }
}
