//! The sales dashboard's kept figures, written in the same transaction as every change
//! to the distribution log, so that the dashboard never reads the log itself.
//!
//! Distinct counts do not add up across months, so orders and customers are kept as the
//! months each has entries in, each with the month before it (`-1`: none):
//! `distribution_key_months`. A key counts in a period [a, b) once, at the row whose
//! month is in the period and whose previous month is before `a`; it is first-time there
//! when there is no previous month at all. Those rows, counted by (month, previous
//! month) in `distribution_firsts`, answer any month-aligned period from a few hundred
//! rows. Each kind is kept over every SKU (`sku = ''`) and per SKU.
//!
//! Writers serialize on one lock (PostgreSQL advisory lock; SQLite has one writer), so
//! that two transactions never relink the same key's months from stale neighbours.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rapport_db::{Conn, Value};
use rapport_domain::distribution::Distribution;

use crate::{SqlBuf, StoreError};

pub(crate) const ORDER: i64 = 1;
pub(crate) const CUSTOMER: i64 = 2;
/// Every SKU together.
pub(crate) const ALL_SKUS: &str = "";
/// `prev_month` of a key's first month.
pub(crate) const NO_MONTH: i64 = -1;
/// Any fixed number: it names the lock every writer of the log takes on PostgreSQL.
const WRITE_LOCK: i64 = 0x5241_5050_0002;
/// Keys read per statement (three parameters each).
const KEYS_PER_READ: usize = 200;
/// Rows written per statement.
const ROWS_PER_WRITE: usize = 400;

/// What one entry contributes to the figures.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    month: i64,
    sku: String,
    order_key: String,
    customer_key: Option<String>,
    quantity: i64,
}

impl Facts {
    pub(crate) fn of(d: &Distribution) -> Self {
        Facts {
            month: d.ship_month().into(),
            sku: d.sku.clone(),
            order_key: d.order_key(),
            customer_key: d.customer_key.clone(),
            quantity: d.quantity,
        }
    }
}

/// Takes the writers' lock for the rest of the transaction.
pub(crate) fn lock(c: &mut dyn Conn) -> Result<(), StoreError> {
    Ok(c.lock_key(WRITE_LOCK)?)
}

type KeyId = (i64, String, String);

/// A key's months: month → (previous month, entries).
type Months = BTreeMap<i64, (i64, i64)>;

/// Moves the figures from the entries `removed` to the entries `added` (an edit is both).
pub(crate) fn apply(
    c: &mut dyn Conn,
    removed: &[Facts],
    added: &[Facts],
) -> Result<(), StoreError> {
    let mut months: HashMap<(String, i64), (i64, i64)> = HashMap::new();
    let mut keys: BTreeMap<KeyId, BTreeMap<i64, i64>> = BTreeMap::new();
    for (facts, sign) in [(removed, -1), (added, 1)] {
        for f in facts {
            for sku in [ALL_SKUS, f.sku.as_str()] {
                let m = months.entry((sku.to_owned(), f.month)).or_default();
                m.0 += sign;
                m.1 += sign * f.quantity;
                *keys
                    .entry((ORDER, sku.to_owned(), f.order_key.clone()))
                    .or_default()
                    .entry(f.month)
                    .or_default() += sign;
                if let Some(ck) = &f.customer_key {
                    *keys
                        .entry((CUSTOMER, sku.to_owned(), ck.clone()))
                        .or_default()
                        .entry(f.month)
                        .or_default() += sign;
                }
            }
        }
    }
    months.retain(|_, (n, u)| *n != 0 || *u != 0);
    for deltas in keys.values_mut() {
        deltas.retain(|_, d| *d != 0);
    }
    keys.retain(|_, deltas| !deltas.is_empty());
    if months.is_empty() && keys.is_empty() {
        return Ok(());
    }
    lock(c)?;
    write_months(c, months)?;
    let mut firsts: HashMap<(i64, String, i64, i64), i64> = HashMap::new();
    let all: Vec<(KeyId, BTreeMap<i64, i64>)> = keys.into_iter().collect();
    for chunk in all.chunks(KEYS_PER_READ) {
        let mut stored = read_keys(c, chunk.iter().map(|(k, _)| k))?;
        let mut upserts: Vec<(KeyId, i64, i64, i64)> = Vec::new();
        let mut deletes: Vec<(KeyId, i64)> = Vec::new();
        for (key, deltas) in chunk {
            let before = stored.remove(key).unwrap_or_default();
            let after = relinked(key, &before, deltas)?;
            let touched: BTreeSet<i64> = before.keys().chain(after.keys()).copied().collect();
            for month in &touched {
                let (old, new) = (before.get(month), after.get(month));
                if old == new {
                    continue;
                }
                if let Some((prev, _)) = old {
                    *firsts
                        .entry((key.0, key.1.clone(), *month, *prev))
                        .or_default() -= 1;
                }
                match new {
                    Some((prev, n)) => {
                        *firsts
                            .entry((key.0, key.1.clone(), *month, *prev))
                            .or_default() += 1;
                        upserts.push((key.clone(), *month, *prev, *n));
                    }
                    None => deletes.push((key.clone(), *month)),
                }
            }
        }
        write_keys(c, &upserts, &deletes)?;
    }
    write_firsts(c, firsts)
}

/// A key's months after `deltas`, with every previous month recomputed.
fn relinked(
    key: &KeyId,
    before: &Months,
    deltas: &BTreeMap<i64, i64>,
) -> Result<Months, StoreError> {
    let mut counts: BTreeMap<i64, i64> = before.iter().map(|(m, (_, n))| (*m, *n)).collect();
    for (month, d) in deltas {
        let n = counts.entry(*month).or_default();
        *n += d;
        if *n < 0 {
            return Err(StoreError::Db(rapport_db::DbError::decode(format!(
                "sales figures out of step with the log for key {:?} in month {month}; run `rapport distributions rebuild`",
                key.2
            ))));
        }
    }
    let mut after = Months::new();
    let mut prev = NO_MONTH;
    for (month, n) in counts {
        if n > 0 {
            after.insert(month, (prev, n));
            prev = month;
        }
    }
    Ok(after)
}

fn read_keys<'a>(
    c: &mut dyn Conn,
    keys: impl Iterator<Item = &'a KeyId>,
) -> Result<HashMap<KeyId, Months>, StoreError> {
    let mut q = SqlBuf::new(
        "SELECT kind, sku, key, month, prev_month, entries FROM distribution_key_months WHERE ",
    );
    for (i, (kind, sku, key)) in keys.enumerate() {
        if i > 0 {
            q.push(" OR ");
        }
        q.push("(kind = ")
            .bind(*kind)
            .push(" AND sku = ")
            .bind(sku.clone())
            .push(" AND key = ")
            .bind(key.clone())
            .push(")");
    }
    let mut out: HashMap<KeyId, Months> = HashMap::new();
    for r in c.query(&q.sql, &q.params)? {
        out.entry((r.get("kind")?, r.get("sku")?, r.get("key")?))
            .or_default()
            .insert(r.get("month")?, (r.get("prev_month")?, r.get("entries")?));
    }
    Ok(out)
}

fn write_months(
    c: &mut dyn Conn,
    months: HashMap<(String, i64), (i64, i64)>,
) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = months
        .into_iter()
        .map(|((sku, month), (n, units))| vec![sku.into(), month.into(), n.into(), units.into()])
        .collect();
    upsert(
        c,
        "distribution_months (sku, month, entries, units)",
        "(sku, month) DO UPDATE SET entries = distribution_months.entries + excluded.entries, \
         units = distribution_months.units + excluded.units",
        rows,
    )
}

fn write_keys(
    c: &mut dyn Conn,
    upserts: &[(KeyId, i64, i64, i64)],
    deletes: &[(KeyId, i64)],
) -> Result<(), StoreError> {
    for chunk in deletes.chunks(ROWS_PER_WRITE) {
        let mut q = SqlBuf::new("DELETE FROM distribution_key_months WHERE ");
        for (i, ((kind, sku, key), month)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(" OR ");
            }
            q.push("(kind = ")
                .bind(*kind)
                .push(" AND sku = ")
                .bind(sku.clone())
                .push(" AND key = ")
                .bind(key.clone())
                .push(" AND month = ")
                .bind(*month)
                .push(")");
        }
        c.execute(&q.sql, &q.params)?;
    }
    let rows: Vec<Vec<Value>> = upserts
        .iter()
        .map(|((kind, sku, key), month, prev, n)| {
            vec![
                (*kind).into(),
                sku.clone().into(),
                key.clone().into(),
                (*month).into(),
                (*prev).into(),
                (*n).into(),
            ]
        })
        .collect();
    upsert(
        c,
        "distribution_key_months (kind, sku, key, month, prev_month, entries)",
        "(kind, sku, key, month) DO UPDATE SET prev_month = excluded.prev_month, \
         entries = excluded.entries",
        rows,
    )
}

/// Rows that fall to zero stay: a zero adds nothing to a sum, and deleting them would
/// cost a write for no reader.
fn write_firsts(
    c: &mut dyn Conn,
    firsts: HashMap<(i64, String, i64, i64), i64>,
) -> Result<(), StoreError> {
    let rows: Vec<Vec<Value>> = firsts
        .into_iter()
        .filter(|(_, d)| *d != 0)
        .map(|((kind, sku, month, prev), d)| {
            vec![kind.into(), sku.into(), month.into(), prev.into(), d.into()]
        })
        .collect();
    upsert(
        c,
        "distribution_firsts (kind, sku, month, prev_month, keys)",
        "(kind, sku, month, prev_month) DO UPDATE SET keys = distribution_firsts.keys + excluded.keys",
        rows,
    )
}

/// Multi-row `INSERT … ON CONFLICT …`, in statements of [`ROWS_PER_WRITE`] rows.
/// Row locks need no common order: writers already hold [`lock`].
fn upsert(
    c: &mut dyn Conn,
    into: &str,
    on_conflict: &str,
    rows: Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_WRITE) {
        let mut q = SqlBuf::new(&format!("INSERT INTO {into} VALUES "));
        for (i, row) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind_list(row.clone());
        }
        q.push(" ON CONFLICT ").push(on_conflict);
        c.execute(&q.sql, &q.params)?;
    }
    Ok(())
}

/// The kept figures as they should be, from the log: the same rows the writes keep, so
/// that [`rebuild`] and [`check`] agree with [`apply`] by construction.
const EXPECTED_MONTHS: &str = "SELECT '' AS sku, ship_month AS month, count(*) AS entries, sum(quantity) AS units \
     FROM distributions GROUP BY ship_month \
     UNION ALL SELECT sku, ship_month, count(*), sum(quantity) FROM distributions GROUP BY sku, ship_month";

fn expected_keys() -> String {
    let grouped = "SELECT 1 AS kind, '' AS sku, order_key AS key, ship_month AS month, count(*) AS entries \
         FROM distributions GROUP BY order_key, ship_month \
         UNION ALL SELECT 1, sku, order_key, ship_month, count(*) FROM distributions GROUP BY sku, order_key, ship_month \
         UNION ALL SELECT 2, '', customer_key, ship_month, count(*) FROM distributions \
             WHERE customer_key IS NOT NULL GROUP BY customer_key, ship_month \
         UNION ALL SELECT 2, sku, customer_key, ship_month, count(*) FROM distributions \
             WHERE customer_key IS NOT NULL GROUP BY sku, customer_key, ship_month";
    format!(
        "SELECT kind, sku, key, month, \
         coalesce(lag(month) OVER (PARTITION BY kind, sku, key ORDER BY month), {NO_MONTH}) AS prev_month, \
         entries FROM ({grouped}) AS g"
    )
}

const EXPECTED_FIRSTS: &str = "SELECT kind, sku, month, prev_month, count(*) AS keys \
     FROM distribution_key_months GROUP BY kind, sku, month, prev_month";

/// Recomputes every kept figure from the log (after a bulk load, or to repair); returns
/// how many rows it wrote. It does not first count what was wrong: over millions of
/// entries that costs as much again ([`check`] does it).
pub(crate) fn rebuild(c: &mut dyn Conn) -> Result<u64, StoreError> {
    lock(c)?;
    c.hold_table_still("distributions")?;
    c.allow_big_sorts(256)?;
    let mut written = 0;
    c.batch(
        "DELETE FROM distribution_firsts; DELETE FROM distribution_key_months; DELETE FROM distribution_months",
    )?;
    written += c.execute(
        &format!("INSERT INTO distribution_months (sku, month, entries, units) {EXPECTED_MONTHS}"),
        &[],
    )?;
    written += c.execute(
        &format!(
            "INSERT INTO distribution_key_months (kind, sku, key, month, prev_month, entries) {}",
            expected_keys()
        ),
        &[],
    )?;
    written += c.execute(
        &format!("INSERT INTO distribution_firsts (kind, sku, month, prev_month, keys) {EXPECTED_FIRSTS}"),
        &[],
    )?;
    Ok(written)
}

/// How many kept rows differ from what the log says (0 when all is well). Zero rows of
/// `distribution_firsts` are left by design and ignored.
pub(crate) fn check(c: &mut dyn Conn) -> Result<i64, StoreError> {
    let mut wrong = 0;
    let pairs = [
        (
            "SELECT sku, month, entries, units FROM distribution_months WHERE entries <> 0 OR units <> 0".to_owned(),
            EXPECTED_MONTHS.to_owned(),
        ),
        (
            "SELECT kind, sku, key, month, prev_month, entries FROM distribution_key_months".to_owned(),
            expected_keys(),
        ),
        (
            "SELECT kind, sku, month, prev_month, keys FROM distribution_firsts WHERE keys <> 0".to_owned(),
            format!(
                "SELECT kind, sku, month, prev_month, count(*) AS keys FROM ({}) AS k \
                 GROUP BY kind, sku, month, prev_month",
                expected_keys()
            ),
        ),
    ];
    for (stored, expected) in pairs {
        let n: Option<i64> = c.query_scalar(
            &format!(
                "SELECT count(*) FROM (SELECT * FROM ({stored}) AS s1 EXCEPT SELECT * FROM ({expected}) AS e1 \
                 UNION ALL SELECT * FROM (SELECT * FROM ({expected}) AS e2 EXCEPT SELECT * FROM ({stored}) AS s2) AS d2) AS d"
            ),
            &[],
        )?;
        wrong += n.unwrap_or(0);
    }
    Ok(wrong)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> KeyId {
        (CUSTOMER, String::new(), "a:x".into())
    }

    #[test]
    fn adding_a_month_between_two_relinks_the_later_one() {
        let before: Months = [(10, (NO_MONTH, 1)), (14, (10, 2))].into_iter().collect();
        let deltas: BTreeMap<i64, i64> = [(12, 1)].into_iter().collect();
        let after = relinked(&key(), &before, &deltas).unwrap();
        let want: Months = [(10, (NO_MONTH, 1)), (12, (10, 1)), (14, (12, 2))]
            .into_iter()
            .collect();
        assert_eq!(after, want);
    }

    #[test]
    fn emptying_the_first_month_makes_the_next_one_first() {
        let before: Months = [(10, (NO_MONTH, 1)), (14, (10, 2))].into_iter().collect();
        let deltas: BTreeMap<i64, i64> = [(10, -1)].into_iter().collect();
        let after = relinked(&key(), &before, &deltas).unwrap();
        assert_eq!(after, [(14, (NO_MONTH, 2))].into_iter().collect::<Months>());
    }

    #[test]
    fn removing_more_than_is_kept_is_an_error() {
        let before: Months = [(10, (NO_MONTH, 1))].into_iter().collect();
        let deltas: BTreeMap<i64, i64> = [(10, -2)].into_iter().collect();
        assert!(relinked(&key(), &before, &deltas).is_err());
    }
}
