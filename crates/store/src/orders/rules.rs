//! The rules an order's fields meet: the type it is created with, what it points at,
//! unique numbers, and the timestamps states stamp.

use chrono::{DateTime, Utc};
use rapport_db::Conn;
use rapport_domain::order::Order;
use rapport_domain::order_config::{OrderState, OrderType, Stamp};
use rapport_domain::Actor;
use uuid::Uuid;

use super::workflow;
use crate::customers::accounts;
use crate::pipeline::leads;
use crate::policy as scope;
use crate::StoreError;

pub(crate) fn stamp_slot(order: &mut Order, stamp: Stamp) -> &mut Option<DateTime<Utc>> {
    match stamp {
        Stamp::SentAt => &mut order.sent_at,
        Stamp::FulfilledAt => &mut order.fulfilled_at,
        Stamp::CompletedAt => &mut order.completed_at,
        Stamp::CancelledAt => &mut order.cancelled_at,
    }
}

/// Sets the timestamp `state` stamps on the orders entering it.
pub(crate) fn stamp(order: &mut Order, state: &OrderState, at: DateTime<Utc>) {
    if let Some(s) = state.stamp {
        *stamp_slot(order, s) = Some(at);
    }
}

/// The type named on a create (`main` when none is), which must exist and be active.
pub(super) fn type_for_create(c: &mut dyn Conn, id: Option<Uuid>) -> Result<OrderType, StoreError> {
    let found = match id {
        Some(id) => Some(
            workflow::order_type(c, id, false)
                .map_err(|e| e.named_in("order_type_id", "names no order type"))?,
        ),
        None => workflow::type_by_key(c, "main")?,
    };
    let Some(kind) = found else {
        return Err(StoreError::invalid(
            "order_type_id",
            "default",
            "is required: there is no order type keyed main to default to",
        ));
    };
    if !kind.active {
        return Err(StoreError::invalid(
            "order_type_id",
            "active",
            "names an inactive order type, which takes no new orders",
        ));
    }
    Ok(kind)
}

/// Checks what the order points at: accounts the actor can see (a partner or a
/// distributor of the right kind), a lead it can see, an owner it may name.
pub(super) fn check_links(
    c: &mut dyn Conn,
    actor: &Actor,
    before: Option<&Order>,
    o: &Order,
) -> Result<(), StoreError> {
    let changed = |f: fn(&Order) -> Option<Uuid>| before.is_none_or(|b| f(b) != f(o));
    if let (true, Some(id)) = (changed(|x| x.account_id), o.account_id) {
        // Partner users place orders for their own organisation.
        if actor.account_id != Some(id) {
            accounts::visible(c, actor, id)
                .map_err(|e| e.named_in("account_id", "names no account you can see"))?;
        }
    }
    type Slot = fn(&Order) -> Option<Uuid>;
    let kinds: [(&str, &str, Slot); 2] = [
        ("partner_id", "partner", |x| x.partner_id),
        ("distributor_id", "distributor", |x| x.distributor_id),
    ];
    for (field, kind, get) in kinds {
        let (true, Some(id)) = (changed(get), get(o)) else {
            continue;
        };
        if actor.account_id != Some(id) {
            accounts::visible(c, actor, id)
                .map_err(|e| e.named_in(field, "names no account you can see"))?;
        }
        let found: Option<String> =
            c.query_scalar("SELECT kind FROM accounts WHERE id = ?", &[id.into()])?;
        if found.as_deref() != Some(kind) {
            return Err(StoreError::invalid(
                field,
                "kind",
                format!("must name an account of kind {kind}"),
            ));
        }
    }
    if let (true, Some(id)) = (changed(|x| x.lead_id), o.lead_id) {
        leads::visible(c, actor, id)
            .map_err(|e| e.named_in("lead_id", "names no lead you can see"))?;
    }
    if changed(|x| x.owner_id) && o.owner_id.is_some() {
        scope::may_assign_owner(actor, o.owner_id)?;
        accounts::check_owner(c, o.owner_id)?;
    }
    Ok(())
}

pub(super) fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    if e.violates("orders_number") || e.violates("order_number") {
        return StoreError::Conflict {
            message: "another order already has this order_number".into(),
            field: Some("order_number".into()),
            existing_id: None,
        };
    }
    if e.violates("legacy_id") {
        return StoreError::Conflict {
            message: "another order already has this legacy_id".into(),
            field: Some("legacy_id".into()),
            existing_id: None,
        };
    }
    e.into()
}
