//! The sales dashboard scenarios' requests: twelve-month monthly windows of the data
//! `rapport-load-distributions` loaded, unfiltered, by rep and by SKU, from the samples
//! file it writes.

use anyhow::{bail, ensure, Result};
use rapport_bench::dashboard::{Filter, Interval, Samples, Window};

use crate::client::Conn;
use crate::scenario::Scenario;

/// Twelve-month windows rotated through: the one ending with the last whole month of the
/// data and those ending 1 to 5 months before it, as a dashboard's users page back.
pub const WINDOWS: usize = 6;

/// The request paths a scenario picks from at random: every window with every sample
/// rep or SKU, so that each appears equally often.
pub fn paths(samples: &Samples, scenario: Scenario) -> Result<Vec<String>> {
    let windows = samples.year_windows(WINDOWS);
    let filters: Vec<Filter> = match scenario {
        Scenario::SalesDashboard => vec![Filter::default()],
        Scenario::SalesDashboardRep => {
            ensure!(!samples.reps.is_empty(), "the samples file has no reps");
            samples
                .reps
                .iter()
                .map(|rep| Filter {
                    rep_id: Some(rep.clone()),
                    ..Filter::default()
                })
                .collect()
        }
        Scenario::SalesDashboardSku => {
            ensure!(!samples.skus.is_empty(), "the samples file has no skus");
            samples
                .skus
                .iter()
                .map(|sku| Filter {
                    sku: Some(sku.clone()),
                    ..Filter::default()
                })
                .collect()
        }
        other => bail!("{} does not use --distribution-samples", other.name()),
    };
    Ok(windows
        .iter()
        .flat_map(|&(from, to)| {
            filters
                .iter()
                .map(move |f| Window::months(from, to, Interval::Month, f.clone()).path())
        })
        .collect())
}

/// Unmeasured check that sample requests answer exactly 200 with a whole year of months,
/// and that at least one of them found entries, so that a missing endpoint or a database
/// the samples were not written for fails loudly instead of timing errors.
pub async fn check_paths(conn: &mut Conn, paths: &[String], how_many: usize) -> Result<()> {
    let step = (paths.len() / how_many.max(1)).max(1);
    let mut orders = 0;
    for path in paths.iter().step_by(step).take(how_many) {
        let reply = conn.get_ok(path).await?;
        let json = reply.json()?;
        let intervals = json["intervals"].as_array().map_or(0, Vec::len);
        ensure!(
            intervals > 0,
            "GET {path} answered without intervals: {}",
            reply.body_excerpt()
        );
        orders += json["totals"]["orders"].as_u64().unwrap_or_default();
    }
    ensure!(
        orders > 0,
        "the sample dashboards found no orders: is the database the one the samples were \
         written for, and were its figures rebuilt (rapport distributions rebuild)?"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_bench::dashboard::SampleCustomer;

    #[test]
    fn paths_rotate_windows_and_filters() -> Result<()> {
        let samples = Samples {
            entries: 1,
            first_month: 2021 * 12 + 10,
            last_month: 2026 * 12 + 9,
            last_full_month: 2026 * 12 + 9,
            reps: vec!["r1".into(), "r2".into()],
            skus: vec!["IMP-1000".into()],
            all_skus: vec![],
            states: vec![],
            customers: vec![SampleCustomer {
                id: "c".into(),
                name: "n".into(),
                rep_id: None,
            }],
        };
        let plain = paths(&samples, Scenario::SalesDashboard)?;
        assert_eq!(plain.len(), WINDOWS);
        assert_eq!(
            plain[0],
            "/api/v1/dashboards/sales?from=2025-11-01&to=2026-11-01&interval=month"
        );
        assert_eq!(
            plain[1],
            "/api/v1/dashboards/sales?from=2025-10-01&to=2026-10-01&interval=month"
        );
        let reps = paths(&samples, Scenario::SalesDashboardRep)?;
        assert_eq!(reps.len(), 2 * WINDOWS);
        assert!(reps[1].ends_with("&rep_id=r2"));
        let skus = paths(&samples, Scenario::SalesDashboardSku)?;
        assert!(skus[0].ends_with("&sku=IMP-1000"));
        assert!(paths(&samples, Scenario::Get).is_err());
        Ok(())
    }
}
