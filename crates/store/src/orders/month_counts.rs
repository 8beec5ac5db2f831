//! Orders counted per creation month (UTC), office (the order's account) and type: the
//! figures behind the lab's monthly statistics (seed 003's `mv_monthly_order_stats`),
//! kept in step by every write of an order here rather than recomputed on read, so the
//! view reads a few hundred rows whatever the number of orders.

use rapport_db::Conn;
use rapport_domain::order::Order;
use uuid::Uuid;

use crate::StoreError;

/// The group an order counts in: (month, office, type); no office is the nil id.
fn group(order: &Order) -> (String, Uuid, Uuid) {
    (
        order.created_at.format("%Y-%m").to_string(),
        order.account_id.unwrap_or(Uuid::nil()),
        order.order_type_id,
    )
}

/// Adds `delta` (1 or -1) to the order's group; a group that reaches zero goes.
fn add(c: &mut dyn Conn, order: &Order, delta: i64) -> Result<(), StoreError> {
    let (month, office, kind) = group(order);
    c.execute(
        "INSERT INTO order_month_counts (month, office_id, order_type_id, order_count) \
         VALUES (?, ?, ?, ?) ON CONFLICT (month, office_id, order_type_id) \
         DO UPDATE SET order_count = order_month_counts.order_count + excluded.order_count",
        &[
            month.clone().into(),
            office.into(),
            kind.into(),
            delta.into(),
        ],
    )?;
    if delta < 0 {
        c.execute(
            "DELETE FROM order_month_counts WHERE month = ? AND office_id = ? \
             AND order_type_id = ? AND order_count <= 0",
            &[month.into(), office.into(), kind.into()],
        )?;
    }
    Ok(())
}

/// A new order counts.
pub(crate) fn created(c: &mut dyn Conn, order: &Order) -> Result<(), StoreError> {
    add(c, order, 1)
}

/// An order changed: it moves group when its office or its type changed.
pub(crate) fn changed(c: &mut dyn Conn, before: &Order, after: &Order) -> Result<(), StoreError> {
    if group(before) == group(after) {
        return Ok(());
    }
    add(c, before, -1)?;
    add(c, after, 1)
}

/// A deleted order no longer counts.
pub(crate) fn deleted(c: &mut dyn Conn, order: &Order) -> Result<(), StoreError> {
    add(c, order, -1)
}
