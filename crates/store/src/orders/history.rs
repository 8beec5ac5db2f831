//! An order's state history: the row every move writes (by the call that moves the
//! order, so the reason and the acting user come with it), and reading it back.

use rapport_db::{Conn, Row};
use rapport_domain::order::{Order, OrderStateChange};
use rapport_domain::order_config::OrderState;
use rapport_domain::Actor;
use uuid::Uuid;

use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record;
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

pub static SPEC: ListSpec = ListSpec {
    table: "order_state_history",
    sortable: &[Field::new("changed_at", "changed_at", Kind::Timestamp)],
    default_sort: "changed_at",
    filters: &[],
    search: None,
};

/// Records that `order` entered `to` from `from` (none on create), at its update time.
pub(crate) fn record(
    c: &mut dyn Conn,
    actor: &Actor,
    order: &Order,
    from: Option<&OrderState>,
    to: &OrderState,
    reason: Option<String>,
    reopened: bool,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO order_state_history (id, order_id, from_state_id, to_state_id, from_state_key, \
         to_state_key, reason, reopened, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            rapport_domain::new_id().into(),
            order.id.into(),
            from.map(|s| s.id).into(),
            to.id.into(),
            from.map(|s| s.key.clone()).into(),
            to.key.clone().into(),
            reason.into(),
            reopened.into(),
            record::acting_user(actor).into(),
            order.updated_at.into(),
        ],
    )?;
    Ok(())
}

fn from_row(r: &Row) -> Result<OrderStateChange, StoreError> {
    Ok(OrderStateChange {
        id: r.get("id")?,
        order_id: r.get("order_id")?,
        from_state_id: r.get("from_state_id")?,
        to_state_id: r.get("to_state_id")?,
        from_state_key: r.get("from_state_key")?,
        to_state_key: r.get("to_state_key")?,
        reason: r.get("reason")?,
        reopened: r.get("reopened")?,
        changed_by: r.get("changed_by")?,
        changed_at: r.get("changed_at")?,
    })
}

/// The moves meeting `sql_where` (over `order_state_history h`, with its order and
/// limit): the order's timeline reads them beside its notes.
pub(crate) fn rows(
    c: &mut dyn Conn,
    sql_where: SqlBuf,
) -> Result<Vec<OrderStateChange>, StoreError> {
    let mut q = SqlBuf::new("SELECT h.* FROM order_state_history h WHERE ");
    q.append(sql_where);
    c.query(&q.sql, &q.params)?.iter().map(from_row).collect()
}

/// The state the order was in before it entered `state` the last time: where a reopen
/// takes it back by default.
pub(crate) fn state_before(
    c: &mut dyn Conn,
    order: Uuid,
    state: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    let rows = c.query(
        "SELECT from_state_id FROM order_state_history WHERE order_id = ? AND to_state_id = ? \
         ORDER BY changed_at DESC, id DESC LIMIT 1",
        &[order.into(), state.into()],
    )?;
    match rows.first() {
        Some(r) => Ok(r.get("from_state_id")?),
        None => Ok(None),
    }
}

/// An order's state history, oldest first (list conventions: `limit`, `cursor`,
/// `sort=changed_at|-changed_at`).
pub async fn history(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    params: ListParams,
) -> Result<Page<OrderStateChange>, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            // In scope, or 404 (its people and lines are not needed here).
            record::fetch::<Order>(c, id, scope::orders_visible(&actor), false)?;
            let mut of_order = SqlBuf::new("order_id = ");
            of_order.bind(id);
            list::run(c, &SPEC, &params, actor.user_id, of_order, Vec::new())?
                .try_map(|r| from_row(&r))
        })
        .await
}
