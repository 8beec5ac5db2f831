//! The timed loop: every worker issues requests back to back on its own connection.

use std::time::Duration;

use anyhow::{Context, Result};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::scenario::Worker;
use crate::stats::{Recorder, Summary};

pub async fn run(workers: Vec<Worker>, warmup: Duration, duration: Duration) -> Result<Summary> {
    let measure_from = Instant::now() + warmup;
    let stop_at = measure_from + duration;

    let mut tasks = JoinSet::new();
    for mut worker in workers {
        tasks.spawn(async move {
            let mut recorder = Recorder::default();
            loop {
                let started = Instant::now();
                if started >= stop_at {
                    break;
                }
                let outcome = worker.step().await;
                // Warm-up requests still run (to fill caches and pools) but are not recorded.
                if started >= measure_from {
                    recorder.record(started.elapsed(), outcome);
                }
            }
            recorder
        });
    }

    let mut total = Recorder::default();
    while let Some(joined) = tasks.join_next().await {
        total.merge(joined.context("load worker panicked")?);
    }
    // Includes the tail of requests still in flight at the deadline, so req/s is not inflated.
    let elapsed = Instant::now().saturating_duration_since(measure_from);
    Ok(total.summarize(elapsed))
}
