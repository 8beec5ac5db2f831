//! The order workflow as the rest of the store reads it: types, states and the moves
//! allowed between states. Their administration (create, change, retire) is in
//! `types` and `states`; this file only reads.

use rapport_db::Conn;
use rapport_domain::order_config::{OrderState, OrderType};
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
