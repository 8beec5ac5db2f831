//! The pipeline board: per status, how many leads and how much money (total and weighted
//! by probability), by currency. Roles that see every lead read the totals kept in
//! `pipeline_totals` (a few rows per status, currency and month of expected close, for
//! everyone and per owner, partner and distributor), so the board costs the same at a
//! million leads as at a hundred. Narrower views, and filters the totals do not hold,
//! add up the visible leads themselves. Both paths use exact decimals.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rapport_db::{Conn, Value};
use rapport_domain::lead::{Lead, LeadStatus};
use rapport_domain::money::{canonical, Money};
use rapport_domain::Actor;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

mod check;
mod counts;

pub use check::{check_totals, rebuild_totals};
pub(crate) use counts::kept_lead_count;

/// One bucket of `pipeline_totals`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    dimension: &'static str,
    member: Uuid,
    status: LeadStatus,
    currency: String,
    close_month: i64,
}

/// What of a lead the board counts.
#[derive(Debug, Clone, PartialEq)]
struct Share {
    status: LeadStatus,
    value: Option<Decimal>,
    currency: Option<String>,
    probability: i64,
    close: Option<NaiveDate>,
    owner: Option<Uuid>,
    partner: Option<Uuid>,
    distributor: Option<Uuid>,
    archived: bool,
}

impl From<&Lead> for Share {
    fn from(l: &Lead) -> Self {
        Share {
            status: l.status,
            value: l.value,
            currency: l.currency.clone(),
            probability: l.probability,
            close: l.expected_close_date,
            owner: l.owner_id,
            partner: l.partner_id,
            distributor: l.distributor_id,
            archived: l.archived_at.is_some(),
        }
    }
}

/// What one lead adds to the buckets it falls in (nothing while archived).
fn contributions(l: &Share) -> Vec<(Key, Decimal, Decimal)> {
    if l.archived {
        return Vec::new();
    }
    // Leads without a value count in the bucket of no currency, adding nothing.
    let money = Money::of(l.value, l.currency.as_deref().or(Some("")));
    let (currency, value, weighted) = match &money {
        Some(m) => (
            m.currency().to_owned(),
            m.amount(),
            m.percent(l.probability).amount(),
        ),
        None => (String::new(), Decimal::ZERO, Decimal::ZERO),
    };
    let close_month = l.close.map_or(-1, month_index);
    [
        ("all", Some(Uuid::nil())),
        ("owner", l.owner),
        ("partner", l.partner),
        ("distributor", l.distributor),
    ]
    .into_iter()
    .filter_map(|(dimension, member)| {
        Some((
            Key {
                dimension,
                member: member?,
                status: l.status,
                currency: currency.clone(),
                close_month,
            },
            value,
            weighted,
        ))
    })
    .collect()
}

fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// Moves a lead's contribution from `before` to `after` (either may be absent), in the
/// transaction that writes the lead.
pub(crate) fn apply(
    c: &mut dyn Conn,
    before: Option<&Lead>,
    after: Option<&Lead>,
) -> Result<(), StoreError> {
    let old = before.map(|l| contributions(&l.into())).unwrap_or_default();
    let new = after.map(|l| contributions(&l.into())).unwrap_or_default();
    if old == new {
        return Ok(());
    }
    let mut deltas: BTreeMap<Key, (i64, Decimal, Decimal)> = BTreeMap::new();
    for (sign, list) in [(-1i64, old), (1, new)] {
        for (key, value, weighted) in list {
            let d = deltas.entry(key).or_default();
            d.0 += sign;
            d.1 += Decimal::from(sign) * value;
            d.2 += Decimal::from(sign) * weighted;
        }
    }
    for (key, (count, value, weighted)) in deltas {
        if count != 0 || !value.is_zero() || !weighted.is_zero() {
            adjust(c, &key, count, value, weighted)?;
        }
    }
    Ok(())
}

fn key_params(key: &Key) -> Vec<Value> {
    vec![
        key.dimension.into(),
        key.member.into(),
        key.status.as_str().into(),
        key.currency.clone().into(),
        key.close_month.into(),
    ]
}

const KEY_MATCH: &str =
    "dimension = ? AND member_id = ? AND status = ? AND currency = ? AND close_month = ?";

fn adjust(
    c: &mut dyn Conn,
    key: &Key,
    count: i64,
    value: Decimal,
    weighted: Decimal,
) -> Result<(), StoreError> {
    let names = [
        "dimension",
        "member_id",
        "status",
        "currency",
        "close_month",
    ];
    let key_values: Vec<(&str, Value)> = names.into_iter().zip(key_params(key)).collect();
    c.add_to_row(
        "pipeline_totals",
        &key_values,
        &[
            ("lead_count", count.into()),
            ("value_total", value.into()),
            ("weighted_total", weighted.into()),
        ],
    )?;
    c.execute(
        &format!("DELETE FROM pipeline_totals WHERE {KEY_MATCH} AND lead_count = 0"),
        &key_params(key),
    )?;
    Ok(())
}

/// The board's filters. Dates: `expected_close_after` inclusive, `_before` exclusive;
/// either excludes leads without an expected close date.
#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    pub owner_id: Option<Uuid>,
    pub partner_id: Option<Uuid>,
    pub distributor_id: Option<Uuid>,
    pub close_after: Option<NaiveDate>,
    pub close_before: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CurrencyTotal {
    pub currency: String,
    pub count: i64,
    #[schema(value_type = String, example = "125000.00")]
    pub value: Decimal,
    /// Σ value × probability / 100, exact.
    #[schema(value_type = String, example = "50000.00")]
    pub weighted_value: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StatusColumn {
    pub status: LeadStatus,
    /// Every lead in the status, with or without a value.
    pub count: i64,
    /// Leads with a value, by currency (amounts in different currencies never add up).
    pub totals: Vec<CurrencyTotal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Board {
    /// All seven statuses, in pipeline order, empty ones included.
    pub statuses: Vec<StatusColumn>,
    pub count: i64,
    pub totals: Vec<CurrencyTotal>,
}

#[derive(Default)]
struct Acc {
    count: i64,
    by_currency: BTreeMap<String, (i64, Decimal, Decimal)>,
}

impl Acc {
    fn add(&mut self, currency: String, count: i64, value: Decimal, weighted: Decimal) {
        self.count += count;
        if currency.is_empty() {
            return;
        }
        let t = self.by_currency.entry(currency).or_default();
        t.0 += count;
        t.1 += value;
        t.2 += weighted;
    }

    fn totals(&self) -> Vec<CurrencyTotal> {
        self.by_currency
            .iter()
            .map(|(currency, (count, value, weighted))| CurrencyTotal {
                currency: currency.clone(),
                count: *count,
                value: canonical(*value, Some(currency)),
                weighted_value: canonical(*weighted, Some(currency)),
            })
            .collect()
    }
}

pub(crate) fn board_of(
    rows: impl IntoIterator<Item = (LeadStatus, String, i64, Decimal, Decimal)>,
) -> Board {
    let mut per: BTreeMap<LeadStatus, Acc> = BTreeMap::new();
    let mut all = Acc::default();
    for (status, currency, count, value, weighted) in rows {
        per.entry(status)
            .or_default()
            .add(currency.clone(), count, value, weighted);
        all.add(currency, count, value, weighted);
    }
    Board {
        statuses: LeadStatus::ALL
            .into_iter()
            .map(|status| {
                let acc = per.remove(&status).unwrap_or_default();
                StatusColumn {
                    status,
                    count: acc.count,
                    totals: acc.totals(),
                }
            })
            .collect(),
        count: all.count,
        totals: all.totals(),
    }
}

fn status_of(s: &str) -> Result<LeadStatus, StoreError> {
    LeadStatus::parse(s).ok_or_else(|| {
        StoreError::Db(rapport_db::DbError::decode(format!(
            "unknown lead status {s:?}"
        )))
    })
}

fn is_month_start(d: Option<NaiveDate>) -> bool {
    d.is_none_or(|d| d.day() == 1)
}

/// One bucket of a board before it is laid out: status, currency, count, value, weighted.
type Tally = (LeadStatus, String, i64, Decimal, Decimal);

/// Kept totals hold whole months of expected close, and one member at a time.
fn months_only(f: &BoardFilter) -> bool {
    is_month_start(f.close_after) && is_month_start(f.close_before)
}

fn totals_rows(
    c: &mut dyn Conn,
    dimension: &str,
    member: Uuid,
    f: &BoardFilter,
) -> Result<Vec<Tally>, StoreError> {
    let mut q = SqlBuf::new(
        "SELECT status, currency, lead_count, value_total, weighted_total FROM pipeline_totals WHERE dimension = ",
    );
    q.bind(dimension).push(" AND member_id = ").bind(member);
    if let Some(after) = f.close_after {
        q.push(" AND close_month >= ").bind(month_index(after));
    }
    if let Some(before) = f.close_before {
        q.push(" AND close_month >= 0 AND close_month < ")
            .bind(month_index(before));
    }
    let rows = c.query(&q.sql, &q.params)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push((
            status_of(&r.get::<String>("status")?)?,
            r.get::<String>("currency")?,
            r.get::<i64>("lead_count")?,
            r.get::<Decimal>("value_total")?,
            r.get::<Decimal>("weighted_total")?,
        ));
    }
    Ok(out)
}

/// The kept totals answer alone when the actor sees every lead, at most one of owner,
/// partner and distributor is asked for, and the close range is whole months.
fn from_totals(c: &mut dyn Conn, f: &BoardFilter) -> Result<Option<Board>, StoreError> {
    let members: Vec<(&str, Uuid)> = [
        ("owner", f.owner_id),
        ("partner", f.partner_id),
        ("distributor", f.distributor_id),
    ]
    .into_iter()
    .filter_map(|(d, m)| Some((d, m?)))
    .collect();
    if members.len() > 1 || !months_only(f) {
        return Ok(None);
    }
    let (dimension, member) = members.first().copied().unwrap_or(("all", Uuid::nil()));
    Ok(Some(board_of(totals_rows(c, dimension, member, f)?)))
}

/// The visible, unarchived leads of one part of the caller's scope that pass the filter.
fn scan_rows(c: &mut dyn Conn, part: SqlBuf, f: &BoardFilter) -> Result<Vec<Tally>, StoreError> {
    let mut q = SqlBuf::new(
        "SELECT status, currency, value, probability FROM leads WHERE archived_at IS NULL AND ",
    );
    q.append(part);
    for (column, v) in [
        ("owner_id", f.owner_id),
        ("partner_id", f.partner_id),
        ("distributor_id", f.distributor_id),
    ] {
        if let Some(id) = v {
            q.push(&format!(" AND leads.{column} = ")).bind(id);
        }
    }
    if let Some(d) = f.close_after {
        q.push(" AND expected_close_date >= ").bind(d);
    }
    if let Some(d) = f.close_before {
        q.push(" AND expected_close_date < ").bind(d);
    }
    let mut out = Vec::new();
    for r in c.query(&q.sql, &q.params)? {
        let value: Option<Decimal> = r.get("value")?;
        let probability: i64 = r.get("probability")?;
        let currency = match value {
            Some(_) => r.get::<Option<String>>("currency")?.unwrap_or_default(),
            None => String::new(),
        };
        let value = value.unwrap_or_default();
        out.push((
            status_of(&r.get::<String>("status")?)?,
            currency,
            1,
            value,
            value * Decimal::from(probability) / Decimal::from(100),
        ));
    }
    Ok(out)
}

/// The board of the caller's scope, one disjoint part at a time. With `kept`, a part
/// that is "the leads this user owns" is read from the per-owner totals when the filter
/// allows (a rep's own book is most of their board).
fn from_scope(
    c: &mut dyn Conn,
    actor: &Actor,
    f: &BoardFilter,
    kept: bool,
) -> Result<Board, StoreError> {
    let mut out = Vec::new();
    for part in scope::leads_visible_parts(actor) {
        match part {
            scope::LeadPart::OwnedBy(me)
                if kept
                    && f.partner_id.is_none()
                    && f.distributor_id.is_none()
                    && months_only(f) =>
            {
                if f.owner_id.is_none_or(|o| o == me) {
                    out.extend(totals_rows(c, "owner", me, f)?);
                }
            }
            part => out.extend(scan_rows(c, part.condition(), f)?),
        }
    }
    Ok(board_of(out))
}

/// `GET /pipeline`, scoped to what the actor may see.
pub async fn board(store: &Store, actor: &Actor, filter: BoardFilter) -> Result<Board, StoreError> {
    if let (Some(after), Some(before)) = (filter.close_after, filter.close_before) {
        if before < after {
            return Err(StoreError::bad_request(
                "expected_close_before",
                "after",
                "must not be before expected_close_after",
            ));
        }
    }
    scope::require_lead_action(actor, scope::Action::Read)?;
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            if scope::sees_every_lead(&actor) {
                if let Some(board) = from_totals(c, &filter)? {
                    return Ok(board);
                }
            }
            from_scope(c, &actor, &filter, true)
        })
        .await
}

/// The board added up from the leads, whatever the role: what the kept totals must
/// equal (tests and `rapport doctor`-style checks compare the two).
pub async fn board_from_leads(
    store: &Store,
    actor: &Actor,
    filter: BoardFilter,
) -> Result<Board, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| from_scope(c, &actor, &filter, false))
        .await
}
