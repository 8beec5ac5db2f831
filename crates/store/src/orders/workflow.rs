//! The order workflow as the rest of the store reads it: types, states and the moves
//! allowed between states. Their administration (create, change, retire) is in
//! `types` and `states`; this file only reads.

use std::collections::HashSet;

use rapport_db::Conn;
use rapport_domain::order_config::{OrderState, OrderType, Workflow, WorkflowStep};
use uuid::Uuid;

use crate::kernel::names;
use crate::kernel::record::{self, Record};
use crate::{SqlBuf, StoreError};

crate::record!(
    OrderType,
    entity = names::ORDER_TYPE,
    table = "order_types",
    fields {
        id,
        key,
        name,
        description,
        data_schema,
        required_roles,
        active,
        created_by,
        updated_by,
        created_at,
        updated_at,
        version,
    },
);

crate::record!(
    OrderState,
    entity = names::ORDER_STATE,
    table = "order_states",
    fields {
        id,
        key,
        name,
        description,
        colour,
        sequence,
        initial,
        is_final,
        fulfilment,
        opens_contract,
        stamp,
        active,
        created_by,
        updated_by,
        created_at,
        updated_at,
        version,
    },
);

/// Configuration is the same for everyone signed in: no scope.
pub fn order_type(c: &mut dyn Conn, id: Uuid, lock: bool) -> Result<OrderType, StoreError> {
    record::fetch(c, id, SqlBuf::new("TRUE"), lock)
}

pub fn state(c: &mut dyn Conn, id: Uuid, lock: bool) -> Result<OrderState, StoreError> {
    record::fetch(c, id, SqlBuf::new("TRUE"), lock)
}

fn one_by<T: Record>(c: &mut dyn Conn, column: &str, value: &str) -> Result<Option<T>, StoreError> {
    let rows = c.query(
        &format!(
            "SELECT {} FROM {} WHERE {column} = ?",
            T::COLUMNS.join(", "),
            T::TABLE
        ),
        &[value.into()],
    )?;
    rows.first().map(T::from_row).transpose()
}

pub fn type_by_key(c: &mut dyn Conn, key: &str) -> Result<Option<OrderType>, StoreError> {
    one_by(c, "key", key)
}

pub fn state_by_key(c: &mut dyn Conn, key: &str) -> Result<Option<OrderState>, StoreError> {
    one_by(c, "key", key)
}

/// Where new orders start.
pub fn initial_state(c: &mut dyn Conn) -> Result<OrderState, StoreError> {
    let rows = c.query(
        &format!(
            "SELECT {} FROM order_states WHERE initial = ?",
            OrderState::COLUMNS.join(", ")
        ),
        &[true.into()],
    )?;
    match rows.first() {
        Some(r) => OrderState::from_row(r),
        None => Err(StoreError::state(
            "state_id",
            "no order state is marked initial; an administrator must mark one",
        )),
    }
}

/// Whether the state table allows a move from `from` to `to`.
pub fn may_move(c: &mut dyn Conn, from: Uuid, to: Uuid) -> Result<bool, StoreError> {
    let found: Option<i64> = c.query_scalar(
        "SELECT 1 FROM order_state_transitions WHERE from_state_id = ? AND to_state_id = ?",
        &[from.into(), to.into()],
    )?;
    Ok(found.is_some())
}

/// Every state, in workflow order.
pub fn all_states(c: &mut dyn Conn) -> Result<Vec<OrderState>, StoreError> {
    let rows = c.query(
        &format!(
            "SELECT {} FROM order_states ORDER BY sequence, key",
            OrderState::COLUMNS.join(", ")
        ),
        &[],
    )?;
    rows.iter().map(OrderState::from_row).collect()
}

/// The allowed moves, as (from, to) pairs.
pub fn all_moves(c: &mut dyn Conn) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
    let rows = c.query(
        "SELECT from_state_id, to_state_id FROM order_state_transitions ORDER BY from_state_id, to_state_id",
        &[],
    )?;
    rows.iter()
        .map(|r| Ok((r.get("from_state_id")?, r.get("to_state_id")?)))
        .collect()
}

/// Keys of the states `from` may move to, in workflow order.
pub fn moves_out(c: &mut dyn Conn, from: Uuid) -> Result<Vec<String>, StoreError> {
    let rows = c.query(
        "SELECT s.key FROM order_state_transitions t JOIN order_states s ON s.id = t.to_state_id \
         WHERE t.from_state_id = ? ORDER BY s.sequence, s.key",
        &[from.into()],
    )?;
    rows.iter().map(|r| Ok(r.get("key")?)).collect()
}

/// Every state in workflow order, each with the keys of the states it may move to (in
/// the same order): what clients draw the workflow from.
pub fn workflow(c: &mut dyn Conn) -> Result<Workflow, StoreError> {
    let states = all_states(c)?;
    let moves: HashSet<(Uuid, Uuid)> = all_moves(c)?.into_iter().collect();
    let steps = states
        .iter()
        .map(|s| WorkflowStep {
            state: s.clone(),
            to: states
                .iter()
                .filter(|t| moves.contains(&(s.id, t.id)))
                .map(|t| t.key.clone())
                .collect(),
        })
        .collect();
    Ok(Workflow { states: steps })
}

/// How many orders name `id` in `column` (`order_type_id`, `state_id`): configuration
/// in use is not deleted. Read by the administrators who alone change configuration,
/// whom row security lets see every order.
pub fn orders_using(c: &mut dyn Conn, column: &str, id: Uuid) -> Result<i64, StoreError> {
    let n: Option<i64> = c.query_scalar(
        &format!("SELECT count(*) FROM orders WHERE {column} = ?"),
        &[id.into()],
    )?;
    Ok(n.unwrap_or(0))
}

/// Refuses a key or a name that another row of `table` (`order_types`, `order_states`)
/// holds: 409 naming the field, with the other record's id (configuration is seen by
/// everyone). `fields` are (column, value).
pub(crate) fn check_unique(
    c: &mut dyn Conn,
    table: &str,
    what: &str,
    fields: [(&str, &str); 2],
    except: Uuid,
) -> Result<(), StoreError> {
    for (column, value) in fields {
        let found: Option<Uuid> = c.query_scalar(
            &format!("SELECT id FROM {table} WHERE {column} = ? AND id <> ?"),
            &[value.into(), except.into()],
        )?;
        if let Some(existing) = found {
            return Err(StoreError::Conflict {
                message: format!("another {what} already has the {column} {value:?}"),
                field: Some(column.to_owned()),
                existing_id: Some(existing),
            });
        }
    }
    Ok(())
}

/// Taken by every write of order configuration: the rules span rows (one initial state,
/// unique keys, moves naming states), so writers go one at a time — on PostgreSQL by
/// this advisory lock, on SQLite by its one writer. Configuration changes are rare.
pub(crate) const CONFIG_LOCK: i64 = 0x5241_5050_0011;
