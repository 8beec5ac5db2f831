//! The pipeline dashboard: for the leads that entered the pipeline in a period (created
//! in it, archived ones left out), per owner and status the count, value and weighted
//! value by currency, and per owner the win rate and the average days from creation to
//! winning. Scoped like every lead read; computed from the leads (it is a report, read
//! far less often than the board, which keeps totals).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rapport_domain::lead::LeadStatus;
use rapport_domain::Actor;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use crate::pipeline::board::{board_of, Board};
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

#[derive(Debug, Clone)]
pub struct PipelineQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub owner_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OwnerFigures {
    /// `null` gathers the leads nobody owns.
    pub owner_id: Option<Uuid>,
    pub board: Board,
    pub won: i64,
    pub lost: i64,
    /// won / (won + lost), to four decimals; `null` when none closed.
    #[schema(value_type = Option<String>, example = "0.6250")]
    pub win_rate: Option<Decimal>,
    /// Mean days from creation to winning, to one decimal; `null` when none won.
    #[schema(value_type = Option<String>, example = "23.5")]
    pub avg_days_to_close: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PipelineDashboard {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub owners: Vec<OwnerFigures>,
    /// Every owner together.
    pub totals: OwnerFigures,
}

#[derive(Default)]
struct Acc {
    rows: Vec<(LeadStatus, String, i64, Decimal, Decimal)>,
    won: i64,
    lost: i64,
    won_seconds: i64,
}

impl Acc {
    fn add(
        &mut self,
        status: LeadStatus,
        currency: Option<String>,
        value: Option<Decimal>,
        probability: i64,
        age: Option<i64>,
    ) {
        // Money without an amount adds to no currency's totals.
        let currency = value.and(currency);
        let value = value.unwrap_or_default();
        let weighted = value * Decimal::from(probability) / Decimal::from(100);
        self.rows
            .push((status, currency.unwrap_or_default(), 1, value, weighted));
        match status {
            LeadStatus::Won => {
                self.won += 1;
                self.won_seconds += age.unwrap_or(0);
            }
            LeadStatus::Lost => self.lost += 1,
            _ => {}
        }
    }

    fn figures(self, owner_id: Option<Uuid>) -> OwnerFigures {
        let closed = self.won + self.lost;
        OwnerFigures {
            owner_id,
            board: board_of(self.rows),
            won: self.won,
            lost: self.lost,
            win_rate: (closed > 0)
                .then(|| fixed(Decimal::from(self.won) / Decimal::from(closed), 4)),
            avg_days_to_close: (self.won > 0).then(|| {
                fixed(
                    Decimal::from(self.won_seconds) / Decimal::from(86_400 * self.won),
                    1,
                )
            }),
        }
    }
}

/// Rounded to `places` and always written with them ("1.0000", "0.0").
fn fixed(mut d: Decimal, places: u32) -> Decimal {
    d = d.round_dp(places);
    d.rescale(places);
    d
}

fn start_of(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

pub async fn pipeline(
    store: &Store,
    actor: &Actor,
    q: PipelineQuery,
) -> Result<PipelineDashboard, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let mut sql = SqlBuf::new(
                "SELECT owner_id, status, currency, value, probability, created_at, closed_at \
                 FROM leads WHERE archived_at IS NULL AND created_at >= ",
            );
            sql.bind(start_of(q.from))
                .push(" AND created_at < ")
                .bind(start_of(q.to))
                .push(" AND ")
                .append(scope::leads_visible(&actor));
            if let Some(owner) = q.owner_id {
                sql.push(" AND leads.owner_id = ").bind(owner);
            }
            let mut per: BTreeMap<Option<Uuid>, Acc> = BTreeMap::new();
            let mut all = Acc::default();
            for r in c.query(&sql.sql, &sql.params)? {
                let status: String = r.get("status")?;
                let status = LeadStatus::parse(&status).ok_or_else(|| {
                    StoreError::Db(rapport_db::DbError::decode(format!(
                        "unknown lead status {status:?}"
                    )))
                })?;
                let created: DateTime<Utc> = r.get("created_at")?;
                let closed: Option<DateTime<Utc>> = r.get("closed_at")?;
                let age = closed.map(|t| (t - created).num_seconds().max(0));
                let owner: Option<Uuid> = r.get("owner_id")?;
                let currency: Option<String> = r.get("currency")?;
                let value: Option<Decimal> = r.get("value")?;
                let probability: i64 = r.get("probability")?;
                per.entry(owner).or_default().add(
                    status,
                    currency.clone(),
                    value,
                    probability,
                    age,
                );
                all.add(status, currency, value, probability, age);
            }
            Ok(PipelineDashboard {
                from: q.from,
                to: q.to,
                owners: per.into_iter().map(|(o, acc)| acc.figures(o)).collect(),
                totals: all.figures(None),
            })
        })
        .await
}
