//! The dashboard computed on demand with plain GROUP BYs over the raw `distributions`
//! rows: what the answer must be, and how long a server without kept figures would take
//! to give it. Deliberately independent of the server's way (no rollup tables, no
//! per-month key bookkeeping), so that a shared mistake is unlikely.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use rapport_bench::dashboard::{Filter, Interval, Window};
use rapport_db::{Conn, Database, DbError, Row, Value};
use uuid::Uuid;

/// The five figures of a period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub orders: i64,
    pub units: i64,
    pub customers: i64,
    pub first_time_customers: i64,
    pub repeat_customers: i64,
}

impl Figures {
    pub const NAMES: [&'static str; 5] = [
        "orders",
        "units",
        "customers",
        "first_time_customers",
        "repeat_customers",
    ];

    pub fn values(&self) -> [i64; 5] {
        [
            self.orders,
            self.units,
            self.customers,
            self.first_time_customers,
            self.repeat_customers,
        ]
    }
}

/// One SKU's line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SkuFigures {
    pub orders: i64,
    pub units: i64,
    pub customers: i64,
}

impl SkuFigures {
    pub const NAMES: [&'static str; 3] = ["orders", "units", "customers"];

    pub fn values(&self) -> [i64; 3] {
        [self.orders, self.units, self.customers]
    }
}

/// A whole dashboard answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dashboard {
    pub totals: Figures,
    /// Every interval of the window, in order, empty ones included.
    pub intervals: Vec<(NaiveDate, Figures)>,
    /// SKUs with entries in the window, sorted by SKU.
    pub skus: Vec<(String, SkuFigures)>,
}

impl Dashboard {
    /// In the API's shape, so that it can be compared by eye or by `diff`.
    pub fn to_json(&self) -> serde_json::Value {
        let figures = |f: &Figures| -> serde_json::Map<String, serde_json::Value> {
            Figures::NAMES
                .iter()
                .zip(f.values())
                .map(|(n, v)| ((*n).to_owned(), v.into()))
                .collect()
        };
        let intervals: Vec<serde_json::Value> = self
            .intervals
            .iter()
            .map(|(start, f)| {
                let mut row = figures(f);
                row.insert("start".into(), start.to_string().into());
                row.into()
            })
            .collect();
        let skus: Vec<serde_json::Value> = self
            .skus
            .iter()
            .map(|(sku, f)| {
                serde_json::json!({
                    "sku": sku, "orders": f.orders, "units": f.units, "customers": f.customers,
                })
            })
            .collect();
        serde_json::json!({
            "totals": figures(&self.totals),
            "intervals": intervals,
            "skus": skus,
        })
    }
}

/// How long each statement took.
#[derive(Clone, Copy, Debug, Default)]
pub struct Timing {
    pub intervals: Duration,
    pub totals: Duration,
    pub first_times: Duration,
    pub skus: Duration,
}

impl Timing {
    pub fn total(&self) -> Duration {
        self.intervals + self.totals + self.first_times + self.skus
    }
}

/// The interval an entry's `ship_month` falls in, in SQL (integer division on both
/// engines).
fn bucket_sql(interval: Interval, column: &str) -> String {
    match interval {
        Interval::Month => column.to_owned(),
        other => format!("{column} / {}", other.months()),
    }
}

/// ` AND …` conditions of the filter, appending their parameters. The state is the
/// linked account's region: unlinked entries belong to no state.
fn filter_sql(filter: &Filter, params: &mut Vec<Value>) -> Result<String> {
    let mut sql = String::new();
    if let Some(rep) = &filter.rep_id {
        let id = Uuid::parse_str(rep).with_context(|| format!("rep_id {rep:?} is not a UUID"))?;
        sql.push_str(" AND rep_id = ?");
        params.push(id.into());
    }
    if let Some(sku) = &filter.sku {
        sql.push_str(" AND sku = ?");
        params.push(sku.clone().into());
    }
    if let Some(state) = &filter.state {
        sql.push_str(" AND customer_id IN (SELECT id FROM accounts WHERE region = ?)");
        params.push(state.clone().into());
    }
    Ok(sql)
}

fn int(row: &Row, column: &str) -> Result<i64, DbError> {
    Ok(row.get::<Option<i64>>(column)?.unwrap_or(0))
}

fn timed<T>(
    c: &mut dyn Conn,
    f: impl FnOnce(&mut dyn Conn) -> Result<T, DbError>,
) -> Result<(T, Duration), DbError> {
    let started = Instant::now();
    let out = f(c)?;
    Ok((out, started.elapsed()))
}

/// Computes `window` from the raw rows, timing each statement.
pub async fn dashboard(db: &Database, window: &Window) -> Result<(Dashboard, Timing)> {
    let window = window.clone();
    let from: Value = window.from().into();
    let to: Value = window.to().into();
    let mut filter_params = Vec::new();
    let filter = filter_sql(&window.filter, &mut filter_params)?;
    let mut params = vec![from.clone(), to.clone()];
    params.extend(filter_params.iter().cloned());
    // The first-time query filters before grouping and bounds the dates after.
    let mut first_params = filter_params;
    first_params.extend([from, to]);

    let bucket = bucket_sql(window.interval, "ship_month");
    let first_bucket = bucket_sql(window.interval, "first_month");
    let intervals_sql = format!(
        "SELECT {bucket} AS bucket, COUNT(DISTINCT order_key) AS orders, SUM(quantity) AS units, \
         COUNT(DISTINCT customer_key) AS customers FROM distributions \
         WHERE ship_date >= ? AND ship_date < ?{filter} GROUP BY {bucket}"
    );
    let totals_sql = format!(
        "SELECT COUNT(DISTINCT order_key) AS orders, SUM(quantity) AS units, \
         COUNT(DISTINCT customer_key) AS customers FROM distributions \
         WHERE ship_date >= ? AND ship_date < ?{filter}"
    );
    // A customer is new in the interval holding its first entry ever (under the same
    // filters); within the window, that is every customer whose first entry is in it.
    let firsts_sql = format!(
        "SELECT {first_bucket} AS bucket, COUNT(*) AS n FROM (\
           SELECT customer_key, MIN(ship_date) AS first_date, MIN(ship_month) AS first_month \
           FROM distributions WHERE customer_key IS NOT NULL{filter} GROUP BY customer_key\
         ) firsts WHERE first_date >= ? AND first_date < ? GROUP BY {first_bucket}"
    );
    let skus_sql = format!(
        "SELECT sku, COUNT(DISTINCT order_key) AS orders, SUM(quantity) AS units, \
         COUNT(DISTINCT customer_key) AS customers FROM distributions \
         WHERE ship_date >= ? AND ship_date < ?{filter} GROUP BY sku"
    );

    let (rows, timing) = db
        .read(move |c| {
            let (intervals, t_intervals) = timed(c, |c| c.query(&intervals_sql, &params))?;
            let (totals, t_totals) = timed(c, |c| c.query(&totals_sql, &params))?;
            let (firsts, t_firsts) = timed(c, |c| c.query(&firsts_sql, &first_params))?;
            let (skus, t_skus) = timed(c, |c| c.query(&skus_sql, &params))?;
            let timing = Timing {
                intervals: t_intervals,
                totals: t_totals,
                first_times: t_firsts,
                skus: t_skus,
            };
            Ok::<_, DbError>(((intervals, totals, firsts, skus), timing))
        })
        .await
        .with_context(|| format!("naive dashboard for {}", window.label()))?;
    let (interval_rows, total_rows, first_rows, sku_rows) = rows;

    let mut per_bucket: BTreeMap<i64, Figures> = BTreeMap::new();
    for row in &interval_rows {
        let f = per_bucket.entry(int(row, "bucket")?).or_default();
        f.orders = int(row, "orders")?;
        f.units = int(row, "units")?;
        f.customers = int(row, "customers")?;
    }
    let mut totals = Figures::default();
    if let Some(row) = total_rows.first() {
        totals.orders = int(row, "orders")?;
        totals.units = int(row, "units")?;
        totals.customers = int(row, "customers")?;
    }
    for row in &first_rows {
        let n = int(row, "n")?;
        per_bucket
            .entry(int(row, "bucket")?)
            .or_default()
            .first_time_customers = n;
        totals.first_time_customers += n;
    }
    totals.repeat_customers = totals.customers - totals.first_time_customers;
    let intervals = window
        .buckets()
        .into_iter()
        .map(|b| {
            let mut f = per_bucket.get(&i64::from(b)).copied().unwrap_or_default();
            f.repeat_customers = f.customers - f.first_time_customers;
            (window.interval.start(b), f)
        })
        .collect();
    let mut skus = sku_rows
        .iter()
        .map(|row| {
            Ok((
                row.get::<String>("sku")?,
                SkuFigures {
                    orders: int(row, "orders")?,
                    units: int(row, "units")?,
                    customers: int(row, "customers")?,
                },
            ))
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    skus.sort_by(|a, b| a.0.cmp(&b.0));
    Ok((
        Dashboard {
            totals,
            intervals,
            skus,
        },
        timing,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_bind_in_order() -> Result<()> {
        let mut params = Vec::new();
        let sql = filter_sql(
            &Filter {
                rep_id: Some(Uuid::nil().to_string()),
                sku: Some("A-1".into()),
                state: Some("CA".into()),
            },
            &mut params,
        )?;
        assert_eq!(sql.matches('?').count(), params.len());
        assert_eq!(params[1], Value::Text("A-1".into()));
        assert!(filter_sql(
            &Filter {
                rep_id: Some("x".into()),
                ..Filter::default()
            },
            &mut params
        )
        .is_err());
        assert_eq!(bucket_sql(Interval::Quarter, "m"), "m / 3");
        Ok(())
    }
}
