//! The pipeline scenarios' inputs: ids of accounts and leads (busy and typical
//! timelines), of owners, partners and distributors with leads, and the range of expected
//! close months, from the JSON file `rapport-load-pipeline` writes.

use std::path::Path;

use anyhow::{bail, ensure, Context, Result};
use chrono::NaiveDate;

use crate::client::Conn;
use crate::scenario::Scenario;

pub const BOARD: &str = "/api/v1/pipeline";
/// Requests of each kind in the board mix (no filter, owner, partner, distributor,
/// expected-close range), so that each kind gets the same share.
const PER_KIND: usize = 50;
/// Timeline page size.
pub const TIMELINE_LIMIT: usize = 20;

pub struct PipelineSamples {
    owners: Vec<String>,
    partners: Vec<String>,
    distributors: Vec<String>,
    /// First and last month of an expected close date, as `year * 12 + month - 1`.
    close_months: Option<(i64, i64)>,
    /// Busy and typical ones together.
    accounts: Vec<String>,
    leads: Vec<String>,
}

impl PipelineSamples {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading --pipeline-samples {}", path.display()))?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let ids = |value: &serde_json::Value| -> Vec<String> {
            value
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|v| v.as_str().or_else(|| v["id"].as_str()))
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let timelines = |key: &str| -> Result<Vec<String>> {
            let t = &json[key];
            ensure!(t.is_object(), "samples file has no {key} object");
            Ok([ids(&t["busy"]), ids(&t["typical"])].concat())
        };
        let month = |key: &str| -> Option<i64> {
            let text = json["close_months"][key].as_str()?;
            let d = NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok()?;
            Some(month_index(d))
        };
        Ok(Self {
            owners: ids(&json["owners"]),
            partners: ids(&json["partners"]),
            distributors: ids(&json["distributors"]),
            close_months: month("first").zip(month("last")),
            accounts: timelines("accounts")?,
            leads: timelines("leads")?,
        })
    }

    /// The request paths a scenario picks from at random.
    pub fn paths(&self, scenario: Scenario) -> Result<Vec<String>> {
        let timeline = |base: &str, ids: &[String], what: &str| -> Result<Vec<String>> {
            ensure!(!ids.is_empty(), "the samples file has no {what}");
            Ok(ids
                .iter()
                .map(|id| format!("{base}/{id}/timeline?limit={TIMELINE_LIMIT}"))
                .collect())
        };
        match scenario {
            Scenario::PipelineBoard => self.board_paths(),
            Scenario::TimelineAccount => timeline("/api/v1/accounts", &self.accounts, "accounts"),
            Scenario::TimelineLead => timeline("/api/v1/leads", &self.leads, "leads"),
            other => bail!("{} does not use --pipeline-samples", other.name()),
        }
    }

    /// The board without a filter, by owner, by partner, by distributor, and for whole
    /// months of expected close (3 to 12, `_after` the first day of the first month,
    /// `_before` the first day of the month after the last), each [`PER_KIND`] times.
    fn board_paths(&self) -> Result<Vec<String>> {
        let mut paths = vec![BOARD.to_owned(); PER_KIND];
        for (param, ids) in [
            ("owner_id", &self.owners),
            ("partner_id", &self.partners),
            ("distributor_id", &self.distributors),
        ] {
            ensure!(
                !ids.is_empty(),
                "the samples file has no ids for {param} (load more accounts and leads)"
            );
            paths.extend(
                ids.iter()
                    .cycle()
                    .take(PER_KIND)
                    .map(|id| format!("{BOARD}?{param}={id}")),
            );
        }
        let (first, last) = self
            .close_months
            .context("the samples file has no close_months (no lead has an expected close date)")?;
        paths.extend(
            close_ranges(first, last, PER_KIND)
                .into_iter()
                .map(|(after, before)| {
                    format!(
                        "{BOARD}?expected_close_after={}&expected_close_before={}",
                        month_start(after),
                        month_start(before)
                    )
                }),
        );
        Ok(paths)
    }
}

fn month_index(d: NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// `YYYY-MM-01` of a month index.
fn month_start(month: i64) -> String {
    format!(
        "{:04}-{:02}-01",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// `count` ranges of 3 to 12 whole months, as (first month, month after the last), that
/// start between `first` and `last` (deterministic: every run times the same ranges).
fn close_ranges(first: i64, last: i64, count: usize) -> Vec<(i64, i64)> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: i64| -> i64 {
        // splitmix64
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n.max(1) as u64) as i64
    };
    (0..count)
        .map(|_| {
            let months = 3 + next(10);
            let start = first + next(last - first - months + 2);
            (start, start + months)
        })
        .collect()
}

/// Unmeasured check that sample requests answer exactly 200 with something in them, so
/// that a missing endpoint or a database the samples were not written for fails loudly
/// instead of timing errors or empty answers.
pub async fn check_paths(conn: &mut Conn, paths: &[String], how_many: usize) -> Result<()> {
    let step = (paths.len() / how_many.max(1)).max(1);
    for path in paths.iter().step_by(step).take(how_many) {
        let reply = conn.get_ok(path).await?;
        let json = reply.json()?;
        let found = match json["data"].as_array() {
            Some(entries) => entries.len(),
            None => json["count"].as_u64().unwrap_or_default() as usize,
        };
        ensure!(
            found > 0,
            "GET {path} found nothing: is the database the one the samples were written for?"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_whole_months_within_the_data() {
        let (first, last) = (2021 * 12 + 10, 2027 * 12 + 9);
        for (after, before) in close_ranges(first, last, 500) {
            assert!((3..=12).contains(&(before - after)));
            assert!(after >= first && after <= last);
        }
        assert_eq!(month_start(2021 * 12 + 10), "2021-11-01");
        assert_eq!(month_start(2021 * 12 + 11), "2021-12-01");
        assert_eq!(month_start(2022 * 12), "2022-01-01");
    }

    #[test]
    fn reads_samples_and_builds_paths() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("pipeline-samples-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("s.json");
        std::fs::write(
            &path,
            r#"{"accounts":{"busy":[{"id":"a1","activities":5000}],"typical":[{"id":"a2","activities":3}]},
                "leads":{"busy":[{"id":"l1","activities":4000}],"typical":[]},
                "owners":["o1","o2"],"partners":["p1"],"distributors":["d1"],
                "close_months":{"first":"2021-11","last":"2027-10"}}"#,
        )?;
        let s = PipelineSamples::read(&path)?;
        assert_eq!(
            s.paths(Scenario::TimelineAccount)?,
            [
                "/api/v1/accounts/a1/timeline?limit=20",
                "/api/v1/accounts/a2/timeline?limit=20"
            ]
        );
        assert_eq!(
            s.paths(Scenario::TimelineLead)?,
            ["/api/v1/leads/l1/timeline?limit=20"]
        );
        let board = s.paths(Scenario::PipelineBoard)?;
        assert_eq!(board.len(), 5 * PER_KIND);
        let count = |prefix: &str| board.iter().filter(|p| p.starts_with(prefix)).count();
        assert_eq!(board.iter().filter(|p| *p == BOARD).count(), PER_KIND);
        assert_eq!(count("/api/v1/pipeline?owner_id=o"), PER_KIND);
        assert_eq!(count("/api/v1/pipeline?partner_id=p1"), PER_KIND);
        assert_eq!(count("/api/v1/pipeline?distributor_id=d1"), PER_KIND);
        assert_eq!(
            count("/api/v1/pipeline?expected_close_after="),
            PER_KIND,
            "{board:?}"
        );
        assert!(board
            .iter()
            .any(|p| p.contains("-01&expected_close_before=")));
        assert!(s.paths(Scenario::SearchAccounts).is_err());
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
