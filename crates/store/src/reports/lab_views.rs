//! The lab's standing views (seed 003's `v_order_summary`, `v_active_projects` and
//! `mv_monthly_order_stats`), read under the one access policy: each is a page of the
//! rows the caller may see, with names looked up for the page alone.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rapport_db::{Conn, Dialect, Row};
use rapport_domain::contact::Contact;
use rapport_domain::project::Project;
use rapport_domain::Actor;
use serde::Serialize;
use uuid::Uuid;

use crate::kernel::list::{self, ListParams, MAX_LIMIT};
use crate::kernel::record::Record;
use crate::lab::projects;
use crate::orders::orders;
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

/// A person on an order, by name.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PersonName {
    pub contact_id: Uuid,
    pub name: String,
}

/// One order as the lab reads it at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrderSummary {
    pub id: Uuid,
    pub order_number: String,
    pub order_type_id: Uuid,
    pub order_type: String,
    /// The order's person in the `patient` role (the first by name when several).
    pub patient: Option<PersonName>,
    /// The order's person in the `doctor` role.
    pub doctor: Option<PersonName>,
    /// The order's account: the office.
    pub office_id: Option<Uuid>,
    /// The office's name; none when the caller cannot see the account.
    pub office: Option<String>,
    pub state_id: Uuid,
    pub state_key: String,
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrderSummaryPage {
    pub data: Vec<OrderSummary>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    pub total_exact: Option<bool>,
}

/// A project not yet completed nor cancelled, with its order and how far its tasks are.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ActiveProject {
    #[serde(flatten)]
    pub project: Project,
    pub order_number: String,
    pub patient: Option<PersonName>,
    pub task_count: i64,
    pub completed_task_count: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActiveProjectPage {
    pub data: Vec<ActiveProject>,
    pub next_cursor: Option<String>,
    pub total: Option<i64>,
    pub total_exact: Option<bool>,
}

/// Orders created in one month (UTC) at one office, of one type.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MonthlyOrderCount {
    /// `YYYY-MM`.
    pub month: String,
    /// None for orders with no office.
    pub office_id: Option<Uuid>,
    pub office: Option<String>,
    pub order_type_id: Uuid,
    pub order_type: String,
    pub order_count: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthlyOrderCountPage {
    pub data: Vec<MonthlyOrderCount>,
    pub next_cursor: Option<String>,
}

/// `(id, name)` of every row of `table` (order types, states: a few dozen rows).
fn names_of(c: &mut dyn Conn, table: &str) -> Result<HashMap<Uuid, (String, String)>, StoreError> {
    c.query(&format!("SELECT id, key, name FROM {table}"), &[])?
        .iter()
        .map(|r| Ok((r.get("id")?, (r.get("key")?, r.get("name")?))))
        .collect()
}

fn in_list(b: &mut SqlBuf, ids: &[Uuid]) {
    b.push("(");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.bind(*id);
    }
    b.push(")");
}

/// The names of the accounts among `ids` that the actor sees.
fn office_names(
    c: &mut dyn Conn,
    actor: &Actor,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, String>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = SqlBuf::new("SELECT id, name FROM accounts WHERE id IN ");
    in_list(&mut q, ids);
    q.push(" AND ").append(scope::accounts_visible(actor));
    c.query(&q.sql, &q.params)?
        .iter()
        .map(|r| Ok((r.get("id")?, r.get("name")?)))
        .collect()
}

/// The people of `orders` in `role`, by order (the first by name when several).
fn people_in_role(
    c: &mut dyn Conn,
    orders: &[Uuid],
    role: &str,
) -> Result<HashMap<Uuid, PersonName>, StoreError> {
    if orders.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = SqlBuf::new(
        "SELECT op.order_id, c.id, c.first_name, c.middle_name, c.last_name FROM order_people op \
         JOIN contacts c ON c.id = op.contact_id WHERE op.role = ",
    );
    q.bind(role).push(" AND op.order_id IN ");
    in_list(&mut q, orders);
    q.push(" ORDER BY c.last_name, c.first_name, c.id");
    let mut found = HashMap::new();
    for r in c.query(&q.sql, &q.params)? {
        let first: Option<String> = r.get("first_name")?;
        let middle: Option<String> = r.get("middle_name")?;
        let last: Option<String> = r.get("last_name")?;
        let person = PersonName {
            contact_id: r.get("id")?,
            name: Contact::display_name(first.as_deref(), middle.as_deref(), last.as_deref()),
        };
        found.entry(r.get("order_id")?).or_insert(person);
    }
    Ok(found)
}

fn summary_of(r: &Row) -> Result<OrderSummary, StoreError> {
    Ok(OrderSummary {
        id: r.get("id")?,
        order_number: r.get("order_number")?,
        order_type_id: r.get("order_type_id")?,
        order_type: String::new(),
        patient: None,
        doctor: None,
        office_id: r.get("account_id")?,
        office: None,
        state_id: r.get("state_id")?,
        state_key: String::new(),
        state: String::new(),
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

/// The order summary: the orders the actor sees, with the orders list's sorts and
/// filters, each with its type, patient, doctor, office and state by name.
pub async fn order_summary(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<OrderSummaryPage, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let visible = scope::orders_visible(&actor);
            let page = list::run(
                c,
                &orders::SPEC,
                &params,
                actor.user_id,
                visible,
                Vec::new(),
            )?;
            let mut page = page.try_map(|r| summary_of(&r))?;
            let ids: Vec<Uuid> = page.data.iter().map(|o| o.id).collect();
            let offices: Vec<Uuid> = page.data.iter().filter_map(|o| o.office_id).collect();
            let (kinds, states) = (names_of(c, "order_types")?, names_of(c, "order_states")?);
            let office_names = office_names(c, &actor, &offices)?;
            let mut patients = people_in_role(c, &ids, "patient")?;
            let mut doctors = people_in_role(c, &ids, "doctor")?;
            for o in &mut page.data {
                o.order_type = kinds
                    .get(&o.order_type_id)
                    .map(|k| k.1.clone())
                    .unwrap_or_default();
                if let Some((key, name)) = states.get(&o.state_id) {
                    (o.state_key, o.state) = (key.clone(), name.clone());
                }
                o.office = o.office_id.and_then(|a| office_names.get(&a).cloned());
                o.patient = patients.remove(&o.id);
                o.doctor = doctors.remove(&o.id);
            }
            Ok(OrderSummaryPage {
                data: page.data,
                next_cursor: page.next_cursor,
                total: page.total,
                total_exact: page.total_exact,
            })
        })
        .await
}

/// Active projects: those the actor sees that are neither completed nor cancelled (the
/// projects list's sorts and filters), each with its order number, patient, and its
/// tasks counted (all, and completed) from the tasks' own index.
pub async fn active_projects(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<ActiveProjectPage, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let active = SqlBuf::new("projects.status NOT IN ('completed', 'cancelled')");
            let visible = scope::projects_visible(&actor);
            let page = list::run(
                c,
                &projects::SPEC,
                &params,
                actor.user_id,
                visible,
                vec![active],
            )?;
            let page = page.try_map(|r| Project::from_row(&r))?;
            let ids: Vec<Uuid> = page.data.iter().map(|p| p.id).collect();
            let order_ids: Vec<Uuid> = page.data.iter().map(|p| p.order_id).collect();
            let mut counts: HashMap<Uuid, (i64, i64)> = HashMap::new();
            let mut numbers: HashMap<Uuid, String> = HashMap::new();
            if !ids.is_empty() {
                let mut q = SqlBuf::new(
                    "SELECT project_id, COUNT(*) AS n, \
                     SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS done \
                     FROM tasks WHERE project_id IN ",
                );
                in_list(&mut q, &ids);
                q.push(" GROUP BY project_id");
                for r in c.query(&q.sql, &q.params)? {
                    counts.insert(r.get("project_id")?, (r.get("n")?, r.get("done")?));
                }
                let mut q = SqlBuf::new("SELECT id, order_number FROM orders WHERE id IN ");
                in_list(&mut q, &order_ids);
                for r in c.query(&q.sql, &q.params)? {
                    numbers.insert(r.get("id")?, r.get("order_number")?);
                }
            }
            let patients = people_in_role(c, &order_ids, "patient")?;
            let data = page
                .data
                .into_iter()
                .map(|project| {
                    let (task_count, completed_task_count) =
                        counts.get(&project.id).copied().unwrap_or((0, 0));
                    ActiveProject {
                        order_number: numbers.get(&project.order_id).cloned().unwrap_or_default(),
                        patient: patients.get(&project.order_id).cloned(),
                        task_count,
                        completed_task_count,
                        project,
                    }
                })
                .collect();
            Ok(ActiveProjectPage {
                data,
                next_cursor: page.next_cursor,
                total: page.total,
                total_exact: page.total_exact,
            })
        })
        .await
}

/// Whether `v` is a month as the statistics take it: `YYYY-MM`.
pub fn is_month(v: &str) -> bool {
    v.len() == 7
        && v.as_bytes()[4] == b'-'
        && chrono::NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d").is_ok()
}

/// What the monthly statistics are asked for: months `from`–`to` (`YYYY-MM`, both
/// included), an office, a type; a page of `limit` rows after `cursor`.
#[derive(Debug, Clone, Default)]
pub struct MonthlyQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub office_id: Option<Uuid>,
    pub order_type_id: Option<Uuid>,
    pub limit: usize,
    pub cursor: Option<String>,
}

/// The rows to count, per (month, office, type): the kept counts for the roles that see
/// every order; for the others, their own orders counted as they stand.
fn monthly_source(c: &mut dyn Conn, actor: &Actor) -> SqlBuf {
    if scope::sees_every_order(actor) {
        return SqlBuf::new("order_month_counts");
    }
    let (month, nil) = match c.dialect() {
        Dialect::Sqlite => (
            "substr(orders.created_at, 1, 7)",
            "'00000000-0000-0000-0000-000000000000'",
        ),
        Dialect::Postgres => (
            "to_char(orders.created_at AT TIME ZONE 'UTC', 'YYYY-MM')",
            "'00000000-0000-0000-0000-000000000000'::uuid",
        ),
    };
    let mut b = SqlBuf::new(&format!(
        "(SELECT {month} AS month, COALESCE(orders.account_id, {nil}) AS office_id, \
         orders.order_type_id AS order_type_id, COUNT(*) AS order_count FROM orders WHERE "
    ));
    b.append(scope::orders_visible(actor))
        .push(" GROUP BY 1, 2, 3) g");
    b
}

/// The cursor of the monthly statistics: the last row's month, office and type.
fn monthly_cursor(row: &MonthlyOrderCount) -> String {
    format!(
        "{}~{}~{}",
        row.month,
        row.office_id.unwrap_or(Uuid::nil()),
        row.order_type_id
    )
}

fn bad_cursor() -> StoreError {
    StoreError::bad_request("cursor", "cursor", "is not a cursor this list gave")
}

/// Monthly order statistics, newest month first, then by office and type.
pub async fn monthly_order_stats(
    store: &Store,
    actor: &Actor,
    query: MonthlyQuery,
) -> Result<MonthlyOrderCountPage, StoreError> {
    let after = match &query.cursor {
        None => None,
        Some(text) => {
            let mut parts = text.split('~');
            let (Some(month), Some(office), Some(kind), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad_cursor());
            };
            let office = Uuid::parse_str(office).map_err(|_| bad_cursor())?;
            let kind = Uuid::parse_str(kind).map_err(|_| bad_cursor())?;
            Some((month.to_owned(), office, kind))
        }
    };
    let limit = query.limit.clamp(1, MAX_LIMIT);
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let mut q = SqlBuf::new("SELECT month, office_id, order_type_id, order_count FROM ");
            q.append(monthly_source(c, &actor)).push(" WHERE 1 = 1");
            if let Some(from) = &query.from {
                q.push(" AND month >= ").bind(from.clone());
            }
            if let Some(to) = &query.to {
                q.push(" AND month <= ").bind(to.clone());
            }
            if let Some(office) = query.office_id {
                q.push(" AND office_id = ").bind(office);
            }
            if let Some(kind) = query.order_type_id {
                q.push(" AND order_type_id = ").bind(kind);
            }
            if let Some((month, office, kind)) = after {
                q.push(" AND (month < ")
                    .bind(month.clone())
                    .push(" OR (month = ")
                    .bind(month.clone())
                    .push(" AND (office_id > ")
                    .bind(office)
                    .push(" OR (office_id = ")
                    .bind(office)
                    .push(" AND order_type_id > ")
                    .bind(kind)
                    .push("))))");
            }
            q.push(" ORDER BY month DESC, office_id, order_type_id LIMIT ")
                .bind((limit + 1) as i64);
            let rows = c.query(&q.sql, &q.params)?;
            let mut data = rows
                .iter()
                .map(|r| {
                    let office: Uuid = r.get("office_id")?;
                    Ok(MonthlyOrderCount {
                        month: r.get("month")?,
                        office_id: Some(office).filter(|o| !o.is_nil()),
                        office: None,
                        order_type_id: r.get("order_type_id")?,
                        order_type: String::new(),
                        order_count: r.get("order_count")?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let more = data.len() > limit;
            data.truncate(limit);
            let kinds = names_of(c, "order_types")?;
            let offices: Vec<Uuid> = data.iter().filter_map(|d| d.office_id).collect();
            let names = office_names(c, &actor, &offices)?;
            for d in &mut data {
                d.order_type = kinds
                    .get(&d.order_type_id)
                    .map(|k| k.1.clone())
                    .unwrap_or_default();
                d.office = d.office_id.and_then(|o| names.get(&o).cloned());
            }
            let next_cursor = if more {
                data.last().map(monthly_cursor)
            } else {
                None
            };
            Ok(MonthlyOrderCountPage { data, next_cursor })
        })
        .await
}
