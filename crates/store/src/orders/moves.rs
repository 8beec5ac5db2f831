//! Moving an order along its workflow. [`enter_in`] is the one primitive: the checks
//! (scope, role, `If-Match`, the state table, a final state's freeze), the state's
//! timestamp, the history row and the audit row, inside the caller's write. The
//! contracts area wraps it (`contracts::moves::move_order`) to open a contract in the
//! same transaction; [`transition`] and [`reopen`] are the plain moves.

use rapport_db::Conn;
use rapport_domain::order::{MoveRequest, Order};
use rapport_domain::order_config::OrderState;
use rapport_domain::{Ctx, IfMatch};
use uuid::Uuid;

use super::orders::{save, visible, writable};
use super::rules::{stamp, stamp_slot};
use super::{history, workflow};
use crate::kernel::record;
use crate::policy as scope;
use crate::{Store, StoreError};

/// Moves order `order_id` into the state keyed `to_key`, inside a write. Returns the
/// order before and after, and the state entered.
///
/// - The order must be in the caller's scope (404), the caller's role allowed to move
///   it (403; a reopen is for admins and restricted admins) and `If-Match` met (412).
/// - A plain move: not out of a final state (409 naming `state_id`) and only along
///   `order_state_transitions` (409 naming `to`).
/// - A reopen: only out of a final state (409 naming `state_id`), into any state that is
///   not final; the timestamp of the final state left is cleared.
/// - The target must exist (422 naming `to`) and be active (422).
///
/// The history row (`reopened` for a reopen) and the audit row are written here.
pub fn enter_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    order_id: Uuid,
    to_key: &str,
    reason: Option<String>,
    if_match: IfMatch,
    reopen: bool,
) -> Result<(Order, Order, OrderState), StoreError> {
    let actor = &ctx.actor;
    let allowed = || {
        if reopen {
            scope::require_order_reopen(actor)
        } else {
            scope::require_order_move(actor)
        }
    };
    let before = writable(c, actor, order_id, allowed, if_match)?;
    let current = workflow::state(c, before.state_id, false)?;
    let Some(target) = workflow::state_by_key(c, to_key)? else {
        return Err(StoreError::invalid(
            "to",
            "exists",
            format!("{to_key:?} is not the key of an order state"),
        ));
    };
    if reopen {
        if !current.is_final {
            return Err(StoreError::state(
                "state_id",
                format!(
                    "the order is {}, not in a final state: there is nothing to reopen",
                    current.key
                ),
            ));
        }
        if target.is_final {
            return Err(StoreError::invalid(
                "to",
                "not_final",
                "a reopened order must enter a state that is not final",
            ));
        }
    } else {
        if current.is_final {
            return Err(StoreError::state(
                "state_id",
                format!(
                    "the order is {} (a final state) and cannot move; an administrator may reopen it",
                    current.key
                ),
            ));
        }
        if !workflow::may_move(c, current.id, target.id)? {
            return Err(StoreError::state(
                "to",
                format!(
                    "the order state table allows no move from {} to {}",
                    current.key, target.key
                ),
            ));
        }
    }
    if !target.active {
        return Err(StoreError::invalid(
            "to",
            "active",
            format!(
                "{} is an inactive state, which orders cannot enter",
                target.key
            ),
        ));
    }
    let mut after = record::touched(&before, actor, before.clone());
    after.state_id = target.id;
    if reopen {
        if let Some(left) = current.stamp {
            *stamp_slot(&mut after, left) = None;
        }
    }
    let at = after.updated_at;
    stamp(&mut after, &target, at);
    save(c, ctx, &before, &after)?;
    history::record(c, actor, &after, Some(&current), &target, reason, reopen)?;
    Ok((before, after, target))
}

/// `POST /orders/{id}/reopen`: takes an order out of its final state (admins and
/// restricted admins; a reason is required). Without `to`, back to the state it left
/// for the final one (or the initial state when its history does not say).
pub async fn reopen(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    request: MoveRequest,
    if_match: IfMatch,
) -> Result<Order, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let to = match request.to {
                Some(to) => to,
                None => {
                    let order = visible(c, &ctx.actor, id)?;
                    scope::require_order_reopen(&ctx.actor)?;
                    let state = match history::state_before(c, id, order.state_id)? {
                        Some(before) => workflow::state(c, before, false)?,
                        None => workflow::initial_state(c)?,
                    };
                    state.key
                }
            };
            let (_, after, _) = enter_in(c, &ctx, id, &to, request.reason, if_match, true)?;
            Ok(after)
        })
        .await
}
