//! The one way an order changes state along its workflow: the orders area's
//! `enter_in` (checks, history, stamp, audit) and, when the state entered opens
//! contracts and the order has none yet, its contract — in one write transaction, so
//! a move whose contract cannot be opened writes nothing at all.

use chrono::Months;
use rapport_db::Conn;
use rapport_domain::contract::Contract;
use rapport_domain::order::Order;
use rapport_domain::{Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::record;
use crate::orders::moves::enter_in;
use crate::{Store, StoreError};

use super::contracts::open_in;

/// The contract a fulfilled order opens: the order's value, currency, parties, owner
/// and billing provider; active from the day of the move (UTC) until that day plus the
/// longest duration among its lines. An order whose lines carry no duration cannot be
/// fulfilled into a contract: 409 naming `items`.
fn from_order(ctx: &Ctx, order: &Order) -> Result<Contract, StoreError> {
    let months = order
        .items
        .iter()
        .filter_map(|i| i.duration_months)
        .max()
        .filter(|m| *m > 0)
        .ok_or_else(|| {
            StoreError::state(
                "items",
                "no line of the order has a duration, so its contract would have no end: give a line a duration before entering a state that opens the contract",
            )
        })?;
    let at = order.updated_at;
    let activation = at.date_naive();
    let expiration = u32::try_from(months)
        .ok()
        .and_then(|m| activation.checked_add_months(Months::new(m)))
        .ok_or_else(|| StoreError::state("items", "the longest duration is too long for a date"))?;
    let mut k = Contract::blank(record::acting_user(&ctx.actor), at);
    k.order_id = Some(order.id);
    k.account_id = order.account_id;
    k.partner_id = order.partner_id;
    k.distributor_id = order.distributor_id;
    k.owner_id = order.owner_id;
    k.activation_date = activation;
    k.expiration_date = expiration;
    k.renewed_from_id = order.renews_contract_id;
    k.total_value = order.total;
    k.currency = order.currency.clone();
    k.billing_provider = order.billing_provider.clone();
    Ok(k)
}

/// Moves `order_id` into the state keyed `to` inside a write, opening its contract when
/// that state opens contracts and the order has none yet. Returns the order after the
/// move and the contract it opened, if any.
pub fn move_order_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    order_id: Uuid,
    to: &str,
    reason: Option<String>,
    if_match: IfMatch,
) -> Result<(Order, Option<Contract>), StoreError> {
    let (_, after, state) = enter_in(c, ctx, order_id, to, reason, if_match, false)?;
    if !state.opens_contract {
        return Ok((after, None));
    }
    let existing: Option<Uuid> = c.query_scalar(
        "SELECT id FROM contracts WHERE order_id = ?",
        &[order_id.into()],
    )?;
    if existing.is_some() {
        return Ok((after, None));
    }
    let opening = from_order(ctx, &after)?;
    let contract = open_in(c, ctx, opening)?;
    Ok((after, Some(contract)))
}

/// `POST /orders/{id}/transitions`: one move along the state table, with the contract
/// it opens.
pub async fn move_order(
    store: &Store,
    ctx: &Ctx,
    order_id: Uuid,
    to: String,
    reason: Option<String>,
    if_match: IfMatch,
) -> Result<Order, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| move_order_in(c, &ctx, order_id, &to, reason, if_match).map(|(o, _)| o))
        .await
}
