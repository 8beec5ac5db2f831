//! Timelines: an account's, a lead's, an order's or a contract's activities (notes
//! included) and its status changes (the account's leads', the order's moves, the
//! contract's statuses), merged into one list: pinned entries first, then newest first
//! by day and time. Each source is read from its own index in that order and a page costs about
//! the page, whatever the number of entries; the cursor is the last entry's sort key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Days, NaiveDate, Utc};
use rapport_domain::activity::Activity;
use rapport_domain::contract::ContractStatusChange;
use rapport_domain::instruction::Instruction;
use rapport_domain::lead::StatusChange;
use rapport_domain::message::Message;
use rapport_domain::order::OrderStateChange;
use rapport_domain::Actor;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::contracts::{contracts, history as contract_history};
use crate::customers::accounts;
use crate::kernel::list::ListParams;
use crate::kernel::record::Record;
use crate::lab::{instructions, messages};
use crate::orders::{history as order_history, orders};
use crate::pipeline::leads;
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

/// One entry of a timeline.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimelineEntry {
    Activity {
        pinned: bool,
        date: NaiveDate,
        at: DateTime<Utc>,
        activity: Box<Activity>,
    },
    StatusChange {
        pinned: bool,
        date: NaiveDate,
        at: DateTime<Utc>,
        status_change: StatusChange,
    },
    /// An order's move (on an order's timeline).
    OrderStateChange {
        pinned: bool,
        date: NaiveDate,
        at: DateTime<Utc>,
        order_state_change: OrderStateChange,
    },
    /// A contract's status change (on a contract's timeline).
    ContractStatusChange {
        pinned: bool,
        date: NaiveDate,
        at: DateTime<Utc>,
        contract_status_change: ContractStatusChange,
    },
    /// A message on the order (on an order's timeline), at the time it was sent.
    Message {
        pinned: bool,
        date: NaiveDate,
        at: DateTime<Utc>,
        message: Box<Message>,
    },
    /// An instruction on the order (on an order's timeline), at the time it was written.
    Instruction {
        pinned: bool,
        date: NaiveDate,
        at: DateTime<Utc>,
        instruction: Box<Instruction>,
    },
}

impl TimelineEntry {
    fn key(&self) -> Position {
        match self {
            TimelineEntry::Activity {
                pinned,
                date,
                at,
                activity,
            } => Position {
                p: *pinned,
                d: *date,
                t: *at,
                i: activity.id,
            },
            TimelineEntry::StatusChange {
                date,
                at,
                status_change: StatusChange { id, .. },
                ..
            }
            | TimelineEntry::OrderStateChange {
                date,
                at,
                order_state_change: OrderStateChange { id, .. },
                ..
            }
            | TimelineEntry::ContractStatusChange {
                date,
                at,
                contract_status_change: ContractStatusChange { id, .. },
                ..
            } => Position {
                p: false,
                d: *date,
                t: *at,
                i: *id,
            },
            TimelineEntry::Message {
                date, at, message, ..
            } => Position {
                p: false,
                d: *date,
                t: *at,
                i: message.id,
            },
            TimelineEntry::Instruction {
                date,
                at,
                instruction,
                ..
            } => Position {
                p: false,
                d: *date,
                t: *at,
                i: instruction.id,
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelinePage {
    pub data: Vec<TimelineEntry>,
    pub next_cursor: Option<String>,
}

/// Where an entry sorts: pinned first, then day, time and id, all descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Position {
    p: bool,
    d: NaiveDate,
    t: DateTime<Utc>,
    i: Uuid,
}

fn bad_cursor() -> StoreError {
    StoreError::bad_request("cursor", "cursor", "is not a cursor from this timeline")
}

fn decode(cursor: &str) -> Result<Position, StoreError> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad_cursor())?;
    serde_json::from_slice(&bytes).map_err(|_| bad_cursor())
}

fn encode(p: &Position) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(p).unwrap_or_default())
}

/// Whose timeline.
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    Account(Uuid),
    Lead(Uuid),
    Order(Uuid),
    Contract(Uuid),
}

fn activities_after(
    c: &mut dyn rapport_db::Conn,
    actor: &Actor,
    subject: Subject,
    after: Option<Position>,
    limit: usize,
) -> Result<Vec<TimelineEntry>, StoreError> {
    let (column, id) = match subject {
        Subject::Account(id) => ("account_id", id),
        Subject::Lead(id) => ("lead_id", id),
        Subject::Order(id) => ("order_id", id),
        Subject::Contract(id) => ("contract_id", id),
    };
    let mut q = SqlBuf::new(&format!("SELECT * FROM activities WHERE {column} = "));
    q.bind(id)
        .push(" AND ")
        .append(scope::activities_of_visible_record(actor));
    if let Some(p) = after {
        // (pinned, activity_date, created_at, id) < the cursor's, spelled out so that both
        // engines walk the index from that point.
        q.push(" AND (pinned < ")
            .bind(p.p)
            .push(" OR (pinned = ")
            .bind(p.p)
            .push(" AND (activity_date < ")
            .bind(p.d)
            .push(" OR (activity_date = ")
            .bind(p.d)
            .push(" AND (created_at < ")
            .bind(p.t)
            .push(" OR (created_at = ")
            .bind(p.t)
            .push(" AND id < ")
            .bind(p.i)
            .push("))))))");
    }
    q.push(" ORDER BY pinned DESC, activity_date DESC, created_at DESC, id DESC LIMIT ")
        .bind(limit as i64);
    c.query(&q.sql, &q.params)?
        .iter()
        .map(|r| {
            let a = Activity::from_row(r)?;
            Ok(TimelineEntry::Activity {
                pinned: a.pinned,
                date: a.activity_date,
                at: a.created_at,
                activity: Box::new(a),
            })
        })
        .collect()
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0)
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.and_utc())
}

/// `h.changed_at, h.id` before the cursor (status changes are never pinned: after a
/// pinned cursor they all follow), newest first, at most `limit`.
fn before_cursor(w: &mut SqlBuf, after: Option<Position>, limit: usize) {
    before_cursor_at(w, "h.changed_at", after, limit)
}

/// [`before_cursor`] over another time column (`h.created_at`).
fn before_cursor_at(w: &mut SqlBuf, at: &str, after: Option<Position>, limit: usize) {
    if let Some(p) = after.filter(|p| !p.p) {
        let day_start = midnight(p.d);
        let next_day = midnight(p.d.checked_add_days(Days::new(1)).unwrap_or(p.d));
        w.push(&format!(" AND ({at} < "))
            .bind(day_start)
            .push(&format!(" OR ({at} < "))
            .bind(next_day)
            .push(&format!(" AND ({at} < "))
            .bind(p.t)
            .push(&format!(" OR ({at} = "))
            .bind(p.t)
            .push(" AND h.id < ")
            .bind(p.i)
            .push("))))");
    }
    w.push(&format!(" ORDER BY {at} DESC, h.id DESC LIMIT "))
        .bind(limit as i64);
}

fn of(column: &str, id: Uuid) -> SqlBuf {
    let mut w = SqlBuf::new(&format!("h.{column} = "));
    w.bind(id);
    w
}

fn changes_after(
    c: &mut dyn rapport_db::Conn,
    actor: &Actor,
    subject: Subject,
    after: Option<Position>,
    limit: usize,
) -> Result<Vec<TimelineEntry>, StoreError> {
    let mut w = match subject {
        Subject::Lead(id) => of("lead_id", id),
        Subject::Order(id) => of("order_id", id),
        Subject::Contract(id) => of("contract_id", id),
        Subject::Account(id) => {
            let mut w =
                SqlBuf::new("h.lead_id IN (SELECT leads.id FROM leads WHERE leads.account_id = ");
            w.bind(id)
                .push(" AND ")
                .append(scope::leads_of_visible_account(actor))
                .push(")");
            w
        }
    };
    before_cursor(&mut w, after, limit);
    Ok(match subject {
        Subject::Account(_) | Subject::Lead(_) => leads::history_rows(c, w)?
            .into_iter()
            .map(|h| TimelineEntry::StatusChange {
                pinned: false,
                date: h.changed_at.date_naive(),
                at: h.changed_at,
                status_change: h,
            })
            .collect(),
        Subject::Order(_) => order_history::rows(c, w)?
            .into_iter()
            .map(|h| TimelineEntry::OrderStateChange {
                pinned: false,
                date: h.changed_at.date_naive(),
                at: h.changed_at,
                order_state_change: h,
            })
            .collect(),
        Subject::Contract(_) => contract_history::rows(c, w)?
            .into_iter()
            .map(|h| TimelineEntry::ContractStatusChange {
                pinned: false,
                date: h.changed_at.date_naive(),
                at: h.changed_at,
                contract_status_change: h,
            })
            .collect(),
    })
}

/// An order's messages and instructions before the cursor, newest first, each at most
/// `limit`: what the order's lab work adds to its timeline.
fn lab_after(
    c: &mut dyn rapport_db::Conn,
    actor: &Actor,
    order: Uuid,
    after: Option<Position>,
    limit: usize,
) -> Result<Vec<TimelineEntry>, StoreError> {
    let mut w = of("order_id", order);
    before_cursor_at(&mut w, "h.created_at", after, limit);
    let mut entries: Vec<TimelineEntry> = messages::rows(c, actor, w)?
        .into_iter()
        .map(|m| TimelineEntry::Message {
            pinned: false,
            date: m.created_at.date_naive(),
            at: m.created_at,
            message: Box::new(m),
        })
        .collect();
    let mut w = of("order_id", order);
    before_cursor_at(&mut w, "h.created_at", after, limit);
    entries.extend(
        instructions::rows(c, w)?
            .into_iter()
            .map(|i| TimelineEntry::Instruction {
                pinned: false,
                date: i.created_at.date_naive(),
                at: i.created_at,
                instruction: Box::new(i),
            }),
    );
    Ok(entries)
}

/// A page of the timeline of an account, lead, order or contract the actor can see. Only `limit` and
/// `cursor` apply.
pub async fn page(
    store: &Store,
    actor: &Actor,
    subject: Subject,
    params: ListParams,
) -> Result<TimelinePage, StoreError> {
    if let Some((name, _)) = params.filters.first() {
        return Err(StoreError::bad_request(
            name,
            "unknown_parameter",
            "is not a parameter of a timeline; it takes limit and cursor",
        ));
    }
    for (name, given) in [("sort", params.sort.is_some()), ("q", params.q.is_some())] {
        if given {
            return Err(StoreError::bad_request(
                name,
                "unsupported",
                "a timeline is always pinned first, then newest first",
            ));
        }
    }
    let after = params.cursor.as_deref().map(decode).transpose()?;
    let limit = params.limit;
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            match subject {
                Subject::Account(id) => accounts::visible(c, &actor, id).map(|_| ())?,
                Subject::Lead(id) => leads::visible(c, &actor, id).map(|_| ())?,
                Subject::Order(id) => orders::visible(c, &actor, id).map(|_| ())?,
                Subject::Contract(id) => contracts::visible(c, &actor, id).map(|_| ())?,
            }
            let mut entries = activities_after(c, &actor, subject, after, limit + 1)?;
            entries.extend(changes_after(c, &actor, subject, after, limit + 1)?);
            if let Subject::Order(id) = subject {
                entries.extend(lab_after(c, &actor, id, after, limit + 1)?);
            }
            entries.sort_by_key(|e| std::cmp::Reverse(e.key()));
            let more = entries.len() > limit;
            entries.truncate(limit);
            let next_cursor = if more {
                entries.last().map(|e| encode(&e.key()))
            } else {
                None
            };
            Ok(TimelinePage {
                data: entries,
                next_cursor,
            })
        })
        .await
}
