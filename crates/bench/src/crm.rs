//! The customer-master scenarios' inputs: sample queries and owner ids that exist in a
//! database filled by `rapport-load-crm`, read from the JSON file it writes.

use std::path::Path;

use anyhow::{bail, ensure, Context, Result};
use hyper::Method;

use crate::client::Conn;
use crate::scenario::Scenario;

pub struct CrmSamples {
    owners: Vec<String>,
    /// (kind, q) pairs, e.g. ("name", "Ashf").
    accounts: Vec<(String, String)>,
    contacts: Vec<(String, String)>,
}

impl CrmSamples {
    /// Reads the samples file; with `kinds`, keeps only queries of those kinds (e.g. to
    /// time city searches alone).
    pub fn read(path: &Path, kinds: &[String]) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading --crm-samples {}", path.display()))?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let owners = json["owners"]
            .as_array()
            .context("samples file has no owners array")?
            .iter()
            .filter_map(|o| o.as_str().map(str::to_owned))
            .collect();
        let queries = |key: &str| -> Result<Vec<(String, String)>> {
            let list = json[key]
                .as_array()
                .with_context(|| format!("samples file has no {key} array"))?;
            Ok(list
                .iter()
                .filter_map(|q| Some((q["kind"].as_str()?.to_owned(), q["q"].as_str()?.to_owned())))
                .filter(|(kind, _)| kinds.is_empty() || kinds.contains(kind))
                .collect())
        };
        Ok(Self {
            owners,
            accounts: queries("accounts")?,
            contacts: queries("contacts")?,
        })
    }

    /// The request paths a scenario picks from at random.
    pub fn paths(&self, scenario: Scenario) -> Result<Vec<String>> {
        let search = |base: &str, queries: &[(String, String)]| {
            queries
                .iter()
                .map(|(_, q)| format!("{base}?q={}", encode(q)))
                .collect::<Vec<_>>()
        };
        let paths = match scenario {
            Scenario::SearchAccounts => search("/api/v1/accounts", &self.accounts),
            Scenario::SearchContacts => search("/api/v1/contacts", &self.contacts),
            Scenario::ListByOwner => self
                .owners
                .iter()
                .map(|id| format!("/api/v1/accounts?owner_id={id}"))
                .collect(),
            other => bail!("{} does not use --crm-samples", other.name()),
        };
        ensure!(
            !paths.is_empty(),
            "the samples file has nothing for {} (check --search-kinds)",
            scenario.name()
        );
        Ok(paths)
    }
}

/// Unmeasured check that sample requests find something, so that a loader and server
/// that disagree on the search words fail loudly instead of timing empty answers.
pub async fn check_paths(conn: &mut Conn, paths: &[String], how_many: usize) -> Result<()> {
    let step = (paths.len() / how_many.max(1)).max(1);
    for path in paths.iter().step_by(step).take(how_many) {
        let reply = conn
            .send(Method::GET, path, &[], None)
            .await
            .with_context(|| format!("GET {path}"))?
            .ensure_success("checking a sample query")?;
        let found = reply.json()?["data"]
            .as_array()
            .map_or(0, |rows| rows.len());
        ensure!(
            found > 0,
            "GET {path} found nothing: is the database the one the samples were written for?"
        );
    }
    Ok(())
}

/// Percent-encodes a query-string value (everything but RFC 3986 unreserved characters).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_query_values() {
        assert_eq!(encode("info@ash-fo"), "info%40ash-fo");
        assert_eq!(encode("San Diego"), "San%20Diego");
        assert_eq!(encode("Zü"), "Z%C3%BC");
    }

    #[test]
    fn reads_and_filters_samples() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("crm-samples-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("s.json");
        std::fs::write(
            &path,
            r#"{"owners":["0190aaaa-0000-7000-8000-000000000000"],
                "accounts":[{"kind":"name","q":"Ash"},{"kind":"city","q":"San Diego"}],
                "contacts":[{"kind":"email","q":"anna.muller@"}]}"#,
        )?;
        let all = CrmSamples::read(&path, &[])?;
        assert_eq!(all.paths(Scenario::SearchAccounts)?.len(), 2);
        assert_eq!(
            all.paths(Scenario::ListByOwner)?,
            ["/api/v1/accounts?owner_id=0190aaaa-0000-7000-8000-000000000000"]
        );
        let cities = CrmSamples::read(&path, &["city".to_owned()])?;
        assert_eq!(
            cities.paths(Scenario::SearchAccounts)?,
            ["/api/v1/accounts?q=San%20Diego"]
        );
        assert!(cities.paths(Scenario::SearchContacts).is_err());
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
