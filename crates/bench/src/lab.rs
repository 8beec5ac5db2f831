//! The lab view scenarios' inputs (issue #19): offices, orders with an open project, the
//! open order states and the months of the data, from the JSON file `rapport-load-lab`
//! writes; the requests of each view, by kind; and the unmeasured check that they answer
//! with rows.

use std::path::Path;

use anyhow::{bail, ensure, Context, Result};

use crate::client::Conn;
use crate::scenario::Scenario;

pub const ORDER_SUMMARY: &str = "/api/v1/views/order-summary";
pub const ACTIVE_PROJECTS: &str = "/api/v1/views/active-projects";
pub const MONTHLY_STATS: &str = "/api/v1/views/monthly-order-stats";
/// Requests of each kind in a scenario's mix, so that each kind gets the same share.
const PER_KIND: usize = 50;

/// The kinds of request, by view; `--view-kinds` keeps some of them.
pub const KINDS: [(Scenario, &[&str]); 3] = [
    (Scenario::ViewOrderSummary, &["first", "office", "state"]),
    (Scenario::ViewActiveProjects, &["first", "order"]),
    (Scenario::ViewMonthlyStats, &["all", "office", "window"]),
];

pub struct LabSamples {
    offices: Vec<String>,
    open_project_orders: Vec<String>,
    open_states: Vec<String>,
    /// First and last month of the data, as `year * 12 + month - 1`.
    months: (i64, i64),
    kinds: Vec<String>,
}

fn month_index(text: &str) -> Option<i64> {
    let (year, month) = text.split_once('-')?;
    let (year, month): (i64, i64) = (year.parse().ok()?, month.parse().ok()?);
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

fn month_text(index: i64) -> String {
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

impl LabSamples {
    /// Reads the samples file; with `kinds`, the scenarios request only those kinds (e.g.
    /// `office` to time the office filters alone).
    pub fn read(path: &Path, kinds: &[String]) -> Result<Self> {
        for kind in kinds {
            ensure!(
                KINDS.iter().any(|(_, list)| list.contains(&kind.as_str())),
                "--view-kinds: {kind:?} is none of first, office, state, order, all, window"
            );
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading --lab-samples {}", path.display()))?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let strings = |key: &str| -> Result<Vec<String>> {
            let list = json[key]
                .as_array()
                .with_context(|| format!("samples file has no {key} array"))?;
            Ok(list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect())
        };
        let month = |key: &str| -> Result<i64> {
            json["months"][key]
                .as_str()
                .and_then(month_index)
                .with_context(|| format!("samples file has no months.{key} (YYYY-MM)"))
        };
        Ok(Self {
            offices: strings("offices")?,
            open_project_orders: strings("open_project_orders")?,
            open_states: strings("open_states")?,
            months: (month("first")?, month("last")?),
            kinds: kinds.to_vec(),
        })
    }

    /// The request paths a scenario picks from at random: [`PER_KIND`] of each kind it
    /// makes (and `--view-kinds` keeps).
    pub fn paths(&self, scenario: Scenario) -> Result<Vec<String>> {
        let kinds = KINDS
            .iter()
            .find(|(s, _)| *s == scenario)
            .map(|(_, kinds)| *kinds)
            .with_context(|| format!("{} does not use --lab-samples", scenario.name()))?;
        let mut paths = Vec::new();
        for kind in kinds {
            if !self.kinds.is_empty() && !self.kinds.iter().any(|k| k == kind) {
                continue;
            }
            let made = self.kind_paths(scenario, kind)?;
            ensure!(
                !made.is_empty(),
                "the samples file has nothing for {} {kind}",
                scenario.name()
            );
            paths.extend(made.into_iter().cycle().take(PER_KIND));
        }
        ensure!(
            !paths.is_empty(),
            "--view-kinds leaves nothing for {} (its kinds: {})",
            scenario.name(),
            kinds.join(", ")
        );
        Ok(paths)
    }

    fn kind_paths(&self, scenario: Scenario, kind: &str) -> Result<Vec<String>> {
        let each = |ids: &[String], f: &dyn Fn(&str) -> String| -> Vec<String> {
            ids.iter().map(|id| f(id)).collect()
        };
        Ok(match (scenario, kind) {
            (Scenario::ViewOrderSummary, "first") => vec![ORDER_SUMMARY.to_owned()],
            (Scenario::ViewOrderSummary, "office") => each(&self.offices, &|id| {
                format!("{ORDER_SUMMARY}?account_id={id}&sort=-created_at")
            }),
            (Scenario::ViewOrderSummary, "state") => each(&self.open_states, &|id| {
                format!("{ORDER_SUMMARY}?state_id={id}&sort=-created_at")
            }),
            (Scenario::ViewActiveProjects, "first") => vec![ACTIVE_PROJECTS.to_owned()],
            (Scenario::ViewActiveProjects, "order") => each(&self.open_project_orders, &|id| {
                format!("{ACTIVE_PROJECTS}?order_id={id}")
            }),
            (Scenario::ViewMonthlyStats, "all") => vec![MONTHLY_STATS.to_owned()],
            (Scenario::ViewMonthlyStats, "office") => each(&self.offices, &|id| {
                format!("{MONTHLY_STATS}?office_id={id}")
            }),
            (Scenario::ViewMonthlyStats, "window") => self.year_windows(),
            (scenario, kind) => bail!("{} has no kind {kind}", scenario.name()),
        })
    }

    /// Twelve-month `from`/`to` windows (both months included) starting at every month of
    /// the data that leaves twelve before its end (or the whole data when shorter).
    fn year_windows(&self) -> Vec<String> {
        let (first, last) = self.months;
        let last_start = (last - 11).max(first);
        (first..=last_start)
            .map(|from| {
                let to = (from + 11).min(last);
                format!(
                    "{MONTHLY_STATS}?from={}&to={}",
                    month_text(from),
                    month_text(to)
                )
            })
            .collect()
    }
}

/// Unmeasured check that sample requests answer exactly 200 with rows, so that a database
/// the samples were not written for, or a server without the views, fails loudly instead
/// of timing errors or empty pages.
pub async fn check_paths(conn: &mut Conn, paths: &[String], how_many: usize) -> Result<()> {
    let step = (paths.len() / how_many.max(1)).max(1);
    for path in paths.iter().step_by(step).take(how_many) {
        let reply = conn.get_ok(path).await?;
        let json = reply.json()?;
        let rows = json["data"].as_array().map_or(0, Vec::len);
        ensure!(
            rows > 0,
            "GET {path} found nothing: is the database the one the samples were written for? {}",
            reply.body_excerpt()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(kinds: &[&str]) -> Result<LabSamples> {
        let dir = std::env::temp_dir().join(format!("lab-samples-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("s{}.json", kinds.len()));
        std::fs::write(
            &path,
            r#"{"months":{"first":"2021-11","last":"2026-10"},"offices":["o1","o2"],
                "open_states":["s1"],"open_project_orders":["r1"],"order_types":["t"]}"#,
        )?;
        let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
        let read = LabSamples::read(&path, &kinds);
        std::fs::remove_file(&path)?;
        read
    }

    #[test]
    fn each_kind_gets_an_equal_share() -> Result<()> {
        let s = samples(&[])?;
        let summary = s.paths(Scenario::ViewOrderSummary)?;
        assert_eq!(summary.len(), 3 * PER_KIND);
        assert_eq!(summary[0], ORDER_SUMMARY);
        assert_eq!(
            summary[PER_KIND + 1],
            "/api/v1/views/order-summary?account_id=o2&sort=-created_at"
        );
        assert_eq!(
            summary[2 * PER_KIND],
            "/api/v1/views/order-summary?state_id=s1&sort=-created_at"
        );
        let projects = s.paths(Scenario::ViewActiveProjects)?;
        assert_eq!(projects.len(), 2 * PER_KIND);
        assert_eq!(
            projects[PER_KIND],
            "/api/v1/views/active-projects?order_id=r1"
        );
        let monthly = s.paths(Scenario::ViewMonthlyStats)?;
        assert_eq!(monthly.len(), 3 * PER_KIND);
        assert_eq!(
            monthly[PER_KIND],
            "/api/v1/views/monthly-order-stats?office_id=o1"
        );
        assert_eq!(
            monthly[2 * PER_KIND],
            "/api/v1/views/monthly-order-stats?from=2021-11&to=2022-10"
        );
        assert!(monthly
            .contains(&"/api/v1/views/monthly-order-stats?from=2025-11&to=2026-10".to_owned()));
        assert!(s.paths(Scenario::LeadGet).is_err());
        Ok(())
    }

    #[test]
    fn view_kinds_keep_only_theirs() -> Result<()> {
        let s = samples(&["office"])?;
        assert!(s
            .paths(Scenario::ViewMonthlyStats)?
            .iter()
            .all(|p| p.contains("office_id=")));
        assert!(s.paths(Scenario::ViewActiveProjects).is_err());
        assert!(samples(&["offices"]).is_err());
        assert_eq!(month_text(2021 * 12 + 10), "2021-11");
        assert_eq!(month_index("2026-10"), Some(2026 * 12 + 9));
        assert_eq!(month_index("2026-13"), None);
        Ok(())
    }
}
