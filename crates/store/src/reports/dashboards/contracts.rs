//! The contracts dashboard: what is active now (count and value per currency), what
//! expires within 30, 60 and 90 days (the list's `expiring_within`), and over a period
//! the renewals (contracts activated in it that renew another) and the churn (contracts
//! that ended expired, lost or cancelled in it, by their status history, and that no
//! contract renews). All of it over the contracts the caller sees; money summed exactly
//! in Rust (SQLite would add decimal text as floats).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use rapport_db::{Conn, Value};
use rapport_domain::contract::ContractStatus;
use rapport_domain::money::canonical;
use rapport_domain::Actor;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::contracts::contracts::expiring_until;
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

/// The horizons of "expiring soon", in days.
pub const HORIZONS: [u64; 3] = [30, 60, 90];

/// Contracts' ids per `IN (…)` when looking for their renewals.
const IDS_PER_QUERY: usize = 500;

#[derive(Debug, Clone)]
pub struct ContractsQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
}

/// A number of contracts and their value, in one currency.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CurrencyFigures {
    pub currency: String,
    pub count: i64,
    /// Exact decimal string, with the currency's minor units.
    #[schema(value_type = String, example = "12000.00")]
    pub value: Decimal,
}

/// A number of contracts, and per currency their count and value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ContractFigures {
    pub count: i64,
    /// By currency code.
    pub by_currency: Vec<CurrencyFigures>,
}

/// Active contracts whose last day is at most `within_days` days from today.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Expiring {
    pub within_days: i64,
    /// The last day of the horizon (today + `within_days`).
    pub until: NaiveDate,
    pub count: i64,
    pub by_currency: Vec<CurrencyFigures>,
}

/// Contracts that ended without a renewal in the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Churn {
    pub count: i64,
    pub by_currency: Vec<CurrencyFigures>,
    /// How many of them ended each way.
    pub expired: i64,
    pub lost: i64,
    pub cancelled: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ContractsDashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day (UTC) `active` and `expiring` are counted on.
    pub today: NaiveDate,
    /// Contracts active now.
    pub active: ContractFigures,
    /// Within 30, 60 and 90 days (each includes the shorter ones).
    pub expiring: Vec<Expiring>,
    /// Contracts activated in the period that renew another.
    pub renewals: ContractFigures,
    /// Contracts that became expired, lost or cancelled in the period and that no
    /// contract renews.
    pub churn: Churn,
}

#[derive(Default)]
struct Acc {
    count: i64,
    by_currency: BTreeMap<String, (i64, Decimal)>,
}

impl Acc {
    fn add(&mut self, currency: String, value: Decimal) {
        self.count += 1;
        let t = self.by_currency.entry(currency).or_default();
        t.0 += 1;
        t.1 += value;
    }

    fn figures(self) -> ContractFigures {
        ContractFigures {
            count: self.count,
            by_currency: self
                .by_currency
                .into_iter()
                .map(|(currency, (count, value))| CurrencyFigures {
                    value: canonical(value, Some(&currency)),
                    currency,
                    count,
                })
                .collect(),
        }
    }
}

fn start_of(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

/// Adds up the currency and value of the contracts in scope that meet `condition`.
fn sum(c: &mut dyn Conn, actor: &Actor, condition: SqlBuf) -> Result<ContractFigures, StoreError> {
    let mut q =
        SqlBuf::new("SELECT contracts.currency, contracts.total_value FROM contracts WHERE ");
    q.append(condition)
        .push(" AND ")
        .append(scope::contracts_visible(actor));
    let mut acc = Acc::default();
    for r in c.query(&q.sql, &q.params)? {
        acc.add(r.get("currency")?, r.get("total_value")?);
    }
    Ok(acc.figures())
}

/// The churn of `[from, to)`: contracts whose history shows them ending in it, less
/// those the caller sees renewed.
fn churn(c: &mut dyn Conn, actor: &Actor, q: &ContractsQuery) -> Result<Churn, StoreError> {
    let ends: Vec<Value> = [
        ContractStatus::Expired,
        ContractStatus::Lost,
        ContractStatus::Cancelled,
    ]
    .iter()
    .map(|s| s.as_str().into())
    .collect();
    let mut sql = SqlBuf::new(
        "SELECT contracts.id, contracts.currency, contracts.total_value, h.to_status \
         FROM contract_status_history h JOIN contracts ON contracts.id = h.contract_id \
         WHERE h.to_status IN ",
    );
    sql.bind_list(ends)
        .push(" AND h.changed_at >= ")
        .bind(start_of(q.from))
        .push(" AND h.changed_at < ")
        .bind(start_of(q.to))
        .push(" AND ")
        .append(scope::contracts_visible(actor));
    let mut ended: Vec<(Uuid, String, Decimal, String)> = Vec::new();
    for r in c.query(&sql.sql, &sql.params)? {
        ended.push((
            r.get("id")?,
            r.get("currency")?,
            r.get("total_value")?,
            r.get("to_status")?,
        ));
    }
    let mut renewed: HashSet<Uuid> = HashSet::new();
    for chunk in ended.chunks(IDS_PER_QUERY) {
        let ids: Vec<Value> = chunk.iter().map(|e| e.0.into()).collect();
        let mut q = SqlBuf::new(
            "SELECT DISTINCT contracts.renewed_from_id FROM contracts WHERE contracts.renewed_from_id IN ",
        );
        q.bind_list(ids)
            .push(" AND ")
            .append(scope::contracts_visible(actor));
        for r in c.query(&q.sql, &q.params)? {
            renewed.insert(r.get("renewed_from_id")?);
        }
    }
    let mut acc = Acc::default();
    let mut out = Churn::default();
    for (id, currency, value, status) in ended {
        if renewed.contains(&id) {
            continue;
        }
        match ContractStatus::parse(&status) {
            Some(ContractStatus::Expired) => out.expired += 1,
            Some(ContractStatus::Lost) => out.lost += 1,
            _ => out.cancelled += 1,
        }
        acc.add(currency, value);
    }
    let f = acc.figures();
    out.count = f.count;
    out.by_currency = f.by_currency;
    Ok(out)
}

pub async fn contracts(
    store: &Store,
    actor: &Actor,
    q: ContractsQuery,
) -> Result<ContractsDashboard, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let mut active = SqlBuf::new("contracts.status = ");
            active.bind(ContractStatus::Active.as_str());
            let active = sum(c, &actor, active)?;
            let mut expiring = Vec::new();
            for days in HORIZONS {
                let until = q.today.checked_add_days(Days::new(days)).unwrap_or(q.today);
                let f = sum(c, &actor, expiring_until(until))?;
                expiring.push(Expiring {
                    within_days: days as i64,
                    until,
                    count: f.count,
                    by_currency: f.by_currency,
                });
            }
            let mut renewals = SqlBuf::new(
                "contracts.renewed_from_id IS NOT NULL AND contracts.activation_date >= ",
            );
            renewals
                .bind(q.from)
                .push(" AND contracts.activation_date < ")
                .bind(q.to);
            let renewals = sum(c, &actor, renewals)?;
            let churn = churn(c, &actor, &q)?;
            Ok(ContractsDashboard {
                from: q.from,
                to: q.to,
                today: q.today,
                active,
                expiring,
                renewals,
                churn,
            })
        })
        .await
}
