//! The lead scenarios' inputs (issue #15): lead ids, open lead ids, statuses and search
//! prefixes from the JSON file `rapport-load-leads` writes, the paths of the read
//! scenarios and of `lead-status`, and the unmeasured check that the reads answer as the
//! workload expects.

use std::path::Path;

use anyhow::{bail, ensure, Context, Result};

use crate::client::Conn;
use crate::scenario::Scenario;

pub const LEADS: &str = "/api/v1/leads";
const ACTIVITIES: &str = "/api/v1/activities";

pub struct LeadsSamples {
    /// Drawn evenly from every loaded lead.
    leads: Vec<String>,
    /// Open and unarchived when loaded: the ones `lead-status` moves.
    open: Vec<String>,
    statuses: Vec<String>,
    prefixes: Vec<String>,
}

impl LeadsSamples {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading --leads-samples {}", path.display()))?;
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
        Ok(Self {
            leads: strings("lead_ids")?,
            open: strings("open_lead_ids")?,
            statuses: strings("statuses")?,
            prefixes: strings("search_prefixes")?,
        })
    }

    /// The request paths a read scenario picks from at random, or the leads
    /// `lead-status` moves.
    pub fn paths(&self, scenario: Scenario) -> Result<Vec<String>> {
        let (from, what): (&[String], &str) = match scenario {
            Scenario::LeadGet | Scenario::LeadActivities => (&self.leads, "lead_ids"),
            Scenario::LeadStatus => (&self.open, "open_lead_ids"),
            Scenario::LeadsByStatus => (&self.statuses, "statuses"),
            Scenario::LeadsSearch => (&self.prefixes, "search_prefixes"),
            other => bail!("{} has no fixed paths", other.name()),
        };
        ensure!(!from.is_empty(), "the samples file has no {what}");
        Ok(from.iter().map(|v| path(scenario, v)).collect())
    }
}

/// The workload's request for `scenario` of one sample value (an id, a status or a
/// search prefix). The values are UUIDs, status names and lower-case letters: nothing
/// to percent-encode.
fn path(scenario: Scenario, value: &str) -> String {
    match scenario {
        Scenario::LeadsByStatus => {
            format!("{LEADS}?status={value}&sort=-created_at&limit=50&count=true")
        }
        Scenario::LeadsSearch => format!("{LEADS}?q={value}&limit=50&count=true"),
        Scenario::LeadActivities => {
            format!("{ACTIVITIES}?lead_id={value}&sort=-created_at&limit=20&count=true")
        }
        _ => format!("{LEADS}/{value}"),
    }
}

/// Unmeasured check that sample requests answer exactly 200 with something in them and,
/// when asked for one, a numeric `total`, so that a database the samples were not
/// written for, or a server without the workload's features, fails loudly instead of
/// timing errors or empty answers.
pub async fn check_paths(conn: &mut Conn, paths: &[String], how_many: usize) -> Result<()> {
    let step = (paths.len() / how_many.max(1)).max(1);
    for path in paths.iter().step_by(step).take(how_many) {
        let reply = conn.get_ok(path).await?;
        let json = reply.json()?;
        let found = match json["data"].as_array() {
            Some(rows) => rows.len(),
            None => usize::from(json["id"].is_string()),
        };
        ensure!(
            found > 0,
            "GET {path} found nothing: is the database the one the samples were written for?"
        );
        if path.contains("count=true") {
            ensure!(
                json["total"].as_i64().is_some_and(|t| t >= found as i64),
                "GET {path} asked for count=true but answered no total covering its page: {}",
                reply.body_excerpt()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_samples_and_builds_the_workloads_requests() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("leads-samples-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("s.json");
        std::fs::write(
            &path,
            r#"{"leads":3,"activities_per_lead":5,"statuses":["new","won"],
                "search_prefixes":["smith"],"lead_ids":["l1","l2"],"open_lead_ids":["l1"]}"#,
        )?;
        let s = LeadsSamples::read(&path)?;
        assert_eq!(
            s.paths(Scenario::LeadGet)?,
            ["/api/v1/leads/l1", "/api/v1/leads/l2"]
        );
        assert_eq!(
            s.paths(Scenario::LeadsByStatus)?[1],
            "/api/v1/leads?status=won&sort=-created_at&limit=50&count=true"
        );
        assert_eq!(
            s.paths(Scenario::LeadsSearch)?,
            ["/api/v1/leads?q=smith&limit=50&count=true"]
        );
        assert_eq!(
            s.paths(Scenario::LeadActivities)?[0],
            "/api/v1/activities?lead_id=l1&sort=-created_at&limit=20&count=true"
        );
        assert_eq!(s.paths(Scenario::LeadStatus)?, ["/api/v1/leads/l1"]);
        assert!(s.paths(Scenario::LeadCreate).is_err());
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
