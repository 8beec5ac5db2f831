//! Checking the board's kept totals against the leads, and rebuilding them.

use super::*;

pub(super) type Buckets = BTreeMap<Key, (i64, Decimal, Decimal)>;

/// Leads read per round trip when the totals are recomputed.
pub(super) const REBUILD_CHUNK: i64 = 20_000;

pub(super) fn dimension_name(s: &str) -> Result<&'static str, StoreError> {
    ["all", "owner", "partner", "distributor"]
        .into_iter()
        .find(|d| *d == s)
        .ok_or_else(|| {
            StoreError::Db(rapport_db::DbError::decode(format!(
                "unknown dimension {s:?}"
            )))
        })
}

/// The totals the leads call for, added up in Rust (chunked by id).
pub(super) fn expected(c: &mut dyn Conn) -> Result<Buckets, StoreError> {
    let mut out = Buckets::new();
    let mut after = Uuid::nil();
    loop {
        let rows = c.query(
            "SELECT id, status, value, currency, probability, expected_close_date, owner_id, partner_id, \
             distributor_id, archived_at FROM leads WHERE id > ? ORDER BY id LIMIT ?",
            &[after.into(), REBUILD_CHUNK.into()],
        )?;
        let Some(last) = rows.last() else { break };
        after = last.get("id")?;
        for r in &rows {
            let share = Share {
                status: status_of(&r.get::<String>("status")?)?,
                value: r.get("value")?,
                currency: r.get("currency")?,
                probability: r.get("probability")?,
                close: r.get("expected_close_date")?,
                owner: r.get("owner_id")?,
                partner: r.get("partner_id")?,
                distributor: r.get("distributor_id")?,
                archived: r
                    .get::<Option<chrono::DateTime<chrono::Utc>>>("archived_at")?
                    .is_some(),
            };
            for (key, value, weighted) in contributions(&share) {
                let b = out.entry(key).or_default();
                b.0 += 1;
                b.1 += value;
                b.2 += weighted;
            }
        }
    }
    Ok(out)
}

pub(super) fn stored(c: &mut dyn Conn) -> Result<Buckets, StoreError> {
    let mut out = Buckets::new();
    for r in c.query("SELECT * FROM pipeline_totals", &[])? {
        let key = Key {
            dimension: dimension_name(&r.get::<String>("dimension")?)?,
            member: r.get("member_id")?,
            status: status_of(&r.get::<String>("status")?)?,
            currency: r.get("currency")?,
            close_month: r.get("close_month")?,
        };
        out.insert(
            key,
            (
                r.get("lead_count")?,
                r.get("value_total")?,
                r.get("weighted_total")?,
            ),
        );
    }
    Ok(out)
}

pub(super) fn differing(expected: &Buckets, stored: &Buckets) -> usize {
    let same = |a: &(i64, Decimal, Decimal), b: &(i64, Decimal, Decimal)| {
        a.0 == b.0 && a.1 == b.1 && a.2 == b.2
    };
    let missing_or_wrong = expected
        .iter()
        .filter(|(k, v)| stored.get(k).is_none_or(|s| !same(s, v)))
        .count();
    missing_or_wrong + stored.keys().filter(|k| !expected.contains_key(k)).count()
}

/// How many buckets of the kept totals disagree with the leads (0 when all is well).
/// For `rapport pipeline check`: leads written behind Rapport's back (SQL, a restore of
/// one table) would show here.
pub async fn check_totals(store: &Store) -> Result<usize, StoreError> {
    store
        .db
        .read(|c| {
            let want = expected(c)?;
            Ok(differing(&want, &stored(c)?))
        })
        .await
}

/// Recomputes the kept totals from the leads in one transaction; returns how many
/// buckets were wrong. Writers wait while it runs (seconds per million leads).
pub async fn rebuild_totals(store: &Store) -> Result<usize, StoreError> {
    store
        .db
        .write(|c| {
            c.hold_table_still("leads")?;
            let want = expected(c)?;
            let wrong = differing(&want, &stored(c)?);
            c.execute("DELETE FROM pipeline_totals", &[])?;
            for (key, (count, value, weighted)) in &want {
                let mut params = key_params(key);
                params.extend([(*count).into(), value.normalize().into(), weighted.normalize().into()]);
                c.execute(
                    "INSERT INTO pipeline_totals (dimension, member_id, status, currency, close_month, \
                     lead_count, value_total, weighted_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    &params,
                )?;
            }
            Ok(wrong)
        })
        .await
}
