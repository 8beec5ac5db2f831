//! The sales dashboard (seed 000) over the distribution log: orders, units, customers
//! and first-time against repeat customers, per interval and per SKU.
//!
//! Every figure is computed over the entries the caller may see that pass the filters,
//! as if the log held nothing else: a customer is first-time when none of *those*
//! entries precede the period, so a filtered figure never reveals an entry outside it.
//! Callers who see the whole log and ask for whole months (optionally one SKU) are
//! answered from the kept figures ([`crate::distribution::sales_figures`]); everyone else from the
//! entries in the period, read through their indexes.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use rapport_db::Conn;
use rapport_domain::distribution::month_index;
use rapport_domain::Actor;
use serde::Serialize;
use uuid::Uuid;

use crate::distribution::sales_figures::{ALL_SKUS, CUSTOMER, NO_MONTH, ORDER};
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

mod csv;

pub use csv::to_csv;

/// Customer keys per statement when looking for entries before the period.
const KEYS_PER_QUERY: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Month,
    Quarter,
    Year,
}

impl Interval {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "month" => Some(Interval::Month),
            "quarter" => Some(Interval::Quarter),
            "year" => Some(Interval::Year),
            _ => None,
        }
    }

    fn months(self) -> u32 {
        match self {
            Interval::Month => 1,
            Interval::Quarter => 3,
            Interval::Year => 12,
        }
    }

    /// The first day of the calendar interval holding `d`.
    fn start_of(self, d: NaiveDate) -> NaiveDate {
        let month0 = d.month0() - d.month0() % self.months();
        NaiveDate::from_ymd_opt(d.year(), month0 + 1, 1).unwrap_or(d)
    }
}

#[derive(Debug, Clone)]
pub struct SalesQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub interval: Interval,
    pub rep_id: Option<Uuid>,
    pub sku: Option<String>,
    /// The customer account's state or region (its `region`), ignoring case.
    pub state: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// Distinct order numbers; an entry without one is an order of its own.
    pub orders: i64,
    pub units: i64,
    /// Distinct customers: accounts, and the name keys of unlinked entries.
    pub customers: i64,
    /// Customers with no entry before the period.
    pub first_time_customers: i64,
    /// Customers who had an entry before the period.
    pub repeat_customers: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IntervalFigures {
    /// The interval's first day (the period's start for a partial first interval).
    pub start: NaiveDate,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SkuFigures {
    pub sku: String,
    pub orders: i64,
    pub units: i64,
    pub customers: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SalesDashboard {
    pub totals: Figures,
    /// Every interval of the period in order, empty ones included.
    pub intervals: Vec<IntervalFigures>,
    /// SKUs with entries in the period, by SKU.
    pub skus: Vec<SkuFigures>,
}

/// The calendar intervals that cut `[from, to)`, each as `[start, end)`.
fn intervals(q: &SalesQuery) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut start = q.from;
    while start < q.to {
        let next = q
            .interval
            .start_of(start)
            .checked_add_months(Months::new(q.interval.months()))
            .unwrap_or(q.to);
        let end = next.min(q.to);
        out.push((start, end));
        start = end;
    }
    out
}

pub async fn sales(
    store: &Store,
    actor: &Actor,
    q: SalesQuery,
) -> Result<SalesDashboard, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            if from_kept_figures(&actor, &q) {
                kept(c, &q)
            } else {
                from_entries(c, &actor, &q)
            }
        })
        .await
}

fn from_kept_figures(actor: &Actor, q: &SalesQuery) -> bool {
    scope::sees_every_distribution(actor)
        && q.rep_id.is_none()
        && q.state.is_none()
        && q.from.day() == 1
        && q.to.day() == 1
}

/// Σ keys of the rows whose month is in `[a, b)` and whose previous month is before
/// `a` (or, for first-time, none at all).
fn count_firsts(rows: &[(i64, i64, i64)], a: i64, b: i64, first_only: bool) -> i64 {
    rows.iter()
        .filter(|(month, prev, _)| {
            (a..b).contains(month)
                && if first_only {
                    *prev == NO_MONTH
                } else {
                    *prev < a
                }
        })
        .map(|(_, _, keys)| keys)
        .sum()
}

fn kept(c: &mut dyn Conn, q: &SalesQuery) -> Result<SalesDashboard, StoreError> {
    let sku = q.sku.clone().unwrap_or_else(|| ALL_SKUS.to_owned());
    let (lo, hi) = (i64::from(month_index(q.from)), i64::from(month_index(q.to)));
    let units: HashMap<i64, i64> = c
        .query(
            "SELECT month, units FROM distribution_months WHERE sku = ? AND month >= ? AND month < ?",
            &[sku.clone().into(), lo.into(), hi.into()],
        )?
        .iter()
        .map(|r| Ok((r.get("month")?, r.get("units")?)))
        .collect::<Result<_, StoreError>>()?;
    let mut orders = Vec::new();
    let mut customers = Vec::new();
    for r in c.query(
        "SELECT kind, month, prev_month, keys FROM distribution_firsts \
         WHERE kind IN (?, ?) AND sku = ? AND month >= ? AND month < ? AND keys <> 0",
        &[
            ORDER.into(),
            CUSTOMER.into(),
            sku.into(),
            lo.into(),
            hi.into(),
        ],
    )? {
        let row = (r.get("month")?, r.get("prev_month")?, r.get("keys")?);
        if r.get::<i64>("kind")? == ORDER {
            orders.push(row);
        } else {
            customers.push(row);
        }
    }
    let figures = |a: i64, b: i64| {
        let all = count_firsts(&customers, a, b, false);
        let first = count_firsts(&customers, a, b, true);
        Figures {
            orders: count_firsts(&orders, a, b, false),
            units: (a..b).filter_map(|m| units.get(&m)).sum(),
            customers: all,
            first_time_customers: first,
            repeat_customers: all - first,
        }
    };
    let intervals = intervals(q)
        .into_iter()
        .map(|(start, end)| IntervalFigures {
            start,
            figures: figures(month_index(start).into(), month_index(end).into()),
        })
        .collect();
    let totals = figures(lo, hi);
    let skus = match &q.sku {
        Some(s) if totals.units > 0 => vec![SkuFigures {
            sku: s.clone(),
            orders: totals.orders,
            units: totals.units,
            customers: totals.customers,
        }],
        Some(_) => Vec::new(),
        None => kept_skus(c, lo, hi)?,
    };
    Ok(SalesDashboard {
        totals,
        intervals,
        skus,
    })
}

fn kept_skus(c: &mut dyn Conn, lo: i64, hi: i64) -> Result<Vec<SkuFigures>, StoreError> {
    let mut per: BTreeMap<String, SkuFigures> = BTreeMap::new();
    for r in c.query(
        "SELECT sku, sum(units) AS units FROM distribution_months \
         WHERE sku <> '' AND month >= ? AND month < ? GROUP BY sku HAVING sum(units) > 0",
        &[lo.into(), hi.into()],
    )? {
        let sku: String = r.get("sku")?;
        per.insert(
            sku.clone(),
            SkuFigures {
                sku,
                orders: 0,
                units: r.get("units")?,
                customers: 0,
            },
        );
    }
    for kind in [ORDER, CUSTOMER] {
        for r in c.query(
            "SELECT sku, sum(keys) AS n FROM distribution_firsts \
             WHERE kind = ? AND month >= ? AND month < ? AND prev_month < ? AND sku <> '' GROUP BY sku",
            &[kind.into(), lo.into(), hi.into(), lo.into()],
        )? {
            let sku: String = r.get("sku")?;
            if let Some(f) = per.get_mut(&sku) {
                let n: i64 = r.get("n")?;
                if kind == ORDER {
                    f.orders = n;
                } else {
                    f.customers = n;
                }
            }
        }
    }
    Ok(per.into_values().collect())
}

/// How the filters are written: for reading the period, or for probing one customer's
/// earlier entries. A probe must be driven by the customer (or the rep and the
/// customer); on SQLite the other columns are written `+column`, which keeps its
/// planner from reading, say, every earlier entry of a SKU once per customer.
#[derive(Clone, Copy, PartialEq)]
enum Use {
    Period,
    Probe,
}

/// The filters, as conditions over `distributions` (after the caller's scope).
fn filters(q: &SalesQuery, sql: &mut SqlBuf, c: &dyn Conn, use_: Use) {
    let col = |name: &str| {
        let column = format!("distributions.{name}");
        match use_ {
            Use::Period => column,
            Use::Probe => c.without_index(&column),
        }
    };
    if let Some(rep) = q.rep_id {
        sql.push(" AND distributions.rep_id = ").bind(rep);
    }
    if let Some(sku) = &q.sku {
        sql.push(&format!(" AND {} = ", col("sku")))
            .bind(sku.clone());
    }
    if let Some(state) = &q.state {
        sql.push(&format!(
            " AND {} IN (SELECT id FROM accounts WHERE upper(region) = ",
            col("customer_id")
        ))
        .bind(state.to_uppercase())
        .push(")");
    }
}

#[derive(Default)]
struct Distinct {
    orders: HashSet<String>,
    units: i64,
    customers: HashSet<String>,
}

fn from_entries(
    c: &mut dyn Conn,
    actor: &Actor,
    q: &SalesQuery,
) -> Result<SalesDashboard, StoreError> {
    let spans = intervals(q);
    let mut per_interval: Vec<Distinct> = spans.iter().map(|_| Distinct::default()).collect();
    let mut total = Distinct::default();
    let mut per_sku: BTreeMap<String, Distinct> = BTreeMap::new();
    // Each customer's first date in the period.
    let mut first_seen: HashMap<String, NaiveDate> = HashMap::new();
    let mut rows = Vec::new();
    for part in scope::distributions_visible_parts(actor) {
        let mut sql = SqlBuf::new(
            "SELECT ship_date, order_key, customer_key, sku, quantity FROM distributions WHERE (",
        );
        sql.append(part)
            .push(") AND distributions.ship_date >= ")
            .bind(q.from)
            .push(" AND distributions.ship_date < ")
            .bind(q.to);
        filters(q, &mut sql, c, Use::Period);
        rows.extend(c.query(&sql.sql, &sql.params)?);
    }
    for r in rows {
        let date: NaiveDate = r.get("ship_date")?;
        let order: String = r.get("order_key")?;
        let customer: Option<String> = r.get("customer_key")?;
        let sku: String = r.get("sku")?;
        let quantity: i64 = r.get("quantity")?;
        let slot = spans.partition_point(|(_, end)| *end <= date);
        let buckets = [
            per_interval.get_mut(slot),
            Some(&mut total),
            Some(per_sku.entry(sku).or_default()),
        ];
        for b in buckets.into_iter().flatten() {
            b.orders.insert(order.clone());
            b.units += quantity;
            if let Some(ck) = &customer {
                b.customers.insert(ck.clone());
            }
        }
        if let Some(ck) = customer {
            let seen = first_seen.entry(ck).or_insert(date);
            *seen = (*seen).min(date);
        }
    }
    let returning = seen_before(c, actor, q, first_seen.keys().cloned().collect())?;
    let mut first_in: Vec<i64> = vec![0; spans.len()];
    for (ck, date) in &first_seen {
        if !returning.contains(ck) {
            first_in[spans.partition_point(|(_, end)| end <= date)] += 1;
        }
    }
    let figures = |d: &Distinct, first: i64| Figures {
        orders: d.orders.len() as i64,
        units: d.units,
        customers: d.customers.len() as i64,
        first_time_customers: first,
        repeat_customers: d.customers.len() as i64 - first,
    };
    Ok(SalesDashboard {
        totals: figures(&total, first_in.iter().sum()),
        intervals: spans
            .iter()
            .zip(&per_interval)
            .zip(&first_in)
            .map(|(((start, _), d), first)| IntervalFigures {
                start: *start,
                figures: figures(d, *first),
            })
            .collect(),
        skus: per_sku
            .into_iter()
            .map(|(sku, d)| SkuFigures {
                sku,
                orders: d.orders.len() as i64,
                units: d.units,
                customers: d.customers.len() as i64,
            })
            .collect(),
    })
}

/// Which of `keys` have an entry before the period, under the same scope and filters:
/// one probe per key on (customer_key, ship_date) that stops at the first such entry.
fn seen_before(
    c: &mut dyn Conn,
    actor: &Actor,
    q: &SalesQuery,
    mut keys: Vec<String>,
) -> Result<HashSet<String>, StoreError> {
    keys.sort();
    let mut found = HashSet::new();
    for chunk in keys.chunks(KEYS_PER_QUERY) {
        let mut sql = SqlBuf::new("SELECT k.column1 AS customer_key FROM (VALUES ");
        for (i, key) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(").bind(key.clone()).push(")");
        }
        sql.push(
            ") AS k WHERE EXISTS (SELECT 1 FROM distributions \
             WHERE distributions.customer_key = k.column1 AND distributions.ship_date < ",
        )
        .bind(q.from)
        .push(" AND (")
        .append(scope::distributions_visible(actor))
        .push(")");
        filters(q, &mut sql, c, Use::Probe);
        sql.push(")");
        for r in c.query(&sql.sql, &sql.params)? {
            found.insert(r.get("customer_key")?);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn query(from: NaiveDate, to: NaiveDate, interval: Interval) -> SalesQuery {
        SalesQuery {
            from,
            to,
            interval,
            rep_id: None,
            sku: None,
            state: None,
        }
    }

    #[test]
    fn quarters_are_calendar_quarters_cut_by_the_period() {
        let spans = intervals(&query(d(2026, 2, 15), d(2026, 8, 1), Interval::Quarter));
        assert_eq!(
            spans,
            vec![
                (d(2026, 2, 15), d(2026, 4, 1)),
                (d(2026, 4, 1), d(2026, 7, 1)),
                (d(2026, 7, 1), d(2026, 8, 1)),
            ]
        );
    }

    #[test]
    fn a_key_counts_once_in_a_period_at_its_first_month_there() {
        // A customer in months 10 (first ever), 11 and 14.
        let rows = vec![(10, NO_MONTH, 1), (11, 10, 1), (14, 11, 1)];
        assert_eq!(count_firsts(&rows, 10, 15, false), 1);
        assert_eq!(count_firsts(&rows, 10, 15, true), 1);
        assert_eq!(count_firsts(&rows, 11, 15, false), 1);
        assert_eq!(count_firsts(&rows, 11, 15, true), 0);
        assert_eq!(count_firsts(&rows, 12, 14, false), 0);
    }
}
