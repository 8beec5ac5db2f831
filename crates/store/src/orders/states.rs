//! Order states and the moves between them: the workflow as data (seed 004's created →
//! sent → in fulfilment → fulfilled, or cancelled; seed 003's lab defines its own).
//! Everyone signed in reads them; administrators change them, each change audited.
//!
//! Rules that span states, kept here under one lock (`workflow::CONFIG_LOCK`):
//! - exactly one state is initial: marking another takes the mark off the one before in
//!   the same transaction; the initial state cannot lose its mark directly, be final,
//!   inactive or open a contract, nor be deleted;
//! - a final state freezes its orders, so it has no moves out: moves out of it are
//!   refused, and a state with moves out is made final only once they are cleared;
//! - a state some order is in is not deleted; a state that is not is deleted with the
//!   moves into and out of it (each state whose moves change gets a new version).
//!
//! A state's moves are part of it: replacing them is a new version of the state, so the
//! state's ETag guards them too.

use rapport_db::Conn;
use rapport_domain::order_config::{OrderState, OrderStateChanges, StateMoves, Workflow};
use rapport_domain::{Actor, Ctx, FieldError, IfMatch, Invalid};
use uuid::Uuid;

use super::workflow::{self, CONFIG_LOCK};
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::names;
use crate::kernel::record::{self, Record};
use crate::policy::{self, Action};
use crate::{SqlBuf, Store, StoreError};

const WHAT: &str = "order states";

/// What the list accepts; the API document describes its sort and filters from it.
pub static SPEC: ListSpec = ListSpec {
    table: "order_states",
    sortable: &[
        Field::new("sequence", "sequence", Kind::Int),
        Field::new("key", "key", Kind::Text),
        Field::new("name", "name", Kind::Text),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    default_sort: "sequence",
    filters: &[
        Field::new("active", "active", Kind::Bool),
        Field::new("key", "key", Kind::Text),
        Field::new("initial", "initial", Kind::Bool),
        Field::new("final", "is_final", Kind::Bool),
        Field::new("fulfilment", "fulfilment", Kind::Bool),
        Field::new("opens_contract", "opens_contract", Kind::Bool),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

/// The acting role may change order states; then the one configuration lock.
fn writing(c: &mut dyn Conn, actor: &Actor, action: Action) -> Result<(), StoreError> {
    policy::require_order_config_action(actor, action, WHAT)?;
    Ok(c.lock_key(CONFIG_LOCK)?)
}

/// The state as it stands before a write: found, locked, at the version `If-Match` named.
fn current(c: &mut dyn Conn, id: Uuid, if_match: &IfMatch) -> Result<OrderState, StoreError> {
    let before = workflow::state(c, id, true)?;
    StoreError::check_version(if_match, before.version)?;
    Ok(before)
}

/// What the initial state cannot also be, as (field, why), the first that `s` is.
fn initial_clash(s: &OrderState) -> Option<(&'static str, &'static str)> {
    if !s.initial {
        None
    } else if s.is_final {
        Some(("final", "the initial state cannot be final"))
    } else if !s.active {
        Some(("active", "the initial state cannot be inactive"))
    } else if s.opens_contract {
        Some((
            "opens_contract",
            "the initial state cannot open a contract: orders are created in it, they never enter it by a move",
        ))
    } else {
        None
    }
}

/// The rules `after` must keep against what `before` was (`None` on a create).
fn check_rules(
    c: &mut dyn Conn,
    before: Option<&OrderState>,
    after: &OrderState,
) -> Result<(), StoreError> {
    let was_initial = before.is_some_and(|b| b.initial);
    if was_initial && !after.initial {
        return Err(StoreError::state(
            "initial",
            "exactly one state is initial: mark another state initial instead, which takes the mark off this one",
        ));
    }
    if let Some((field, why)) = initial_clash(after) {
        // Named by what changed: the flag, on the state that was initial; else `initial`.
        let field = if was_initial { field } else { "initial" };
        return Err(StoreError::state(field, why));
    }
    let becomes_final = after.is_final && !before.is_some_and(|b| b.is_final);
    if becomes_final && before.is_some() {
        let out = workflow::moves_out(c, after.id)?;
        if !out.is_empty() {
            return Err(StoreError::state(
                "final",
                format!(
                    "a final state has no moves out, and {:?} moves to {}: clear its moves first",
                    after.key,
                    out.join(", ")
                ),
            ));
        }
    }
    let fields = [("key", after.key.as_str()), ("name", after.name.as_str())];
    workflow::check_unique(c, "order_states", "order state", fields, after.id)
}

/// Takes the initial mark off whichever state holds it (other than `except`), as a new
/// version of that state, audited.
fn clear_initial(c: &mut dyn Conn, ctx: &Ctx, except: Uuid) -> Result<(), StoreError> {
    let holder: Option<Uuid> = c.query_scalar(
        "SELECT id FROM order_states WHERE initial = ? AND id <> ?",
        &[true.into(), except.into()],
    )?;
    let Some(holder) = holder else {
        return Ok(());
    };
    let before = workflow::state(c, holder, true)?;
    let mut after = before.clone();
    after.initial = false;
    let after = record::touched(&before, &ctx.actor, after);
    record::update(c, &after)?;
    record::audit_update(c, ctx, &before, &after)
}

pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: OrderStateChanges,
) -> Result<OrderState, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            writing(c, &ctx.actor, Action::Create)?;
            let mut s = OrderState::blank(record::acting_user(&ctx.actor), rapport_db::now());
            changes.apply_to(&mut s);
            check_rules(c, None, &s)?;
            if s.initial {
                clear_initial(c, &ctx, s.id)?;
            }
            record::insert(c, &s)?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Create,
                names::ORDER_STATE,
                s.id,
                None,
                Some(&s),
            )?;
            Ok(s)
        })
        .await
}

pub async fn get(store: &Store, _actor: &Actor, id: Uuid) -> Result<OrderState, StoreError> {
    store.db.read(move |c| workflow::state(c, id, false)).await
}

pub async fn list(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<Page<OrderState>, StoreError> {
    // Everyone signed in sees the configuration.
    let all = SqlBuf::new("TRUE");
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        all,
        Vec::new(),
        OrderState::from_row,
    )
    .await
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: OrderStateChanges,
) -> Result<OrderState, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            writing(c, &ctx.actor, Action::Update)?;
            let before = current(c, id, &if_match)?;
            let mut after = before.clone();
            changes.apply_to(&mut after);
            if after == before {
                return Ok(before);
            }
            check_rules(c, Some(&before), &after)?;
            if after.initial && !before.initial {
                clear_initial(c, &ctx, id)?;
            }
            let after = record::touched(&before, &ctx.actor, after);
            record::update(c, &after)?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

/// Deletes a state no order is in, with the moves into and out of it.
pub async fn delete(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
) -> Result<(), StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            writing(c, &ctx.actor, Action::Delete)?;
            let before = current(c, id, &if_match)?;
            if before.initial {
                return Err(StoreError::state(
                    "initial",
                    "the initial state cannot be deleted: mark another state initial first",
                ));
            }
            let used = workflow::orders_using(c, "state_id", id)?;
            if used > 0 {
                return Err(StoreError::state(
                    "id",
                    format!(
                        "{used} order(s) are in the state {:?}; move them out, or deactivate it instead (an inactive state cannot be entered)",
                        before.key
                    ),
                ));
            }
            // The moves into it go from other states, which change: each is a new
            // version of its state, audited. Its own moves out go with it.
            let sources: Vec<Uuid> = c
                .query(
                    "SELECT from_state_id FROM order_state_transitions WHERE to_state_id = ?",
                    &[id.into()],
                )?
                .iter()
                .map(|r| r.get("from_state_id"))
                .collect::<Result<_, _>>()?;
            for from in sources {
                let source = workflow::state(c, from, true)?;
                let mut keys = workflow::moves_out(c, from)?;
                keys.retain(|k| *k != before.key);
                replace_moves(c, &ctx, source, &keys)?;
            }
            let out = workflow::moves_out(c, id)?;
            if !out.is_empty() {
                replace_moves(c, &ctx, before.clone(), &[])?;
            }
            c.execute(
                "DELETE FROM order_state_transitions WHERE from_state_id = ? OR to_state_id = ?",
                &[id.into(), id.into()],
            )?;
            record::remove(c, &ctx, &before)
        })
        .await
}

/// The moves out of a state.
pub async fn moves(store: &Store, _actor: &Actor, id: Uuid) -> Result<StateMoves, StoreError> {
    store
        .db
        .read(move |c| {
            let s = workflow::state(c, id, false)?;
            let to = workflow::moves_out(c, id)?;
            Ok(moves_of(&s, to))
        })
        .await
}

fn moves_of(s: &OrderState, to: Vec<String>) -> StateMoves {
    StateMoves {
        state_id: s.id,
        state_key: s.key.clone(),
        to,
        version: s.version,
    }
}

/// Replaces the moves out of a state with moves to the states keyed `to`. Refused, each
/// naming `to[i]`: a key no state has, the state itself; and any move out of a final
/// state (`to`): it freezes its orders. The same moves again change nothing.
pub async fn set_moves(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    to: Vec<String>,
) -> Result<StateMoves, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            writing(c, &ctx.actor, Action::Update)?;
            let before = current(c, id, &if_match)?;
            if before.is_final && !to.is_empty() {
                return Err(StoreError::invalid(
                    "to",
                    "final",
                    format!(
                        "{:?} is final: it freezes its orders, so no move goes out of it (an administrator reopens an order instead)",
                        before.key
                    ),
                ));
            }
            let mut errors = Vec::new();
            for (i, key) in to.iter().enumerate() {
                let field = format!("to[{i}]");
                match workflow::state_by_key(c, key)? {
                    None => errors.push(FieldError::new(
                        field,
                        "exists",
                        format!("no order state has the key {key:?}"),
                    )),
                    Some(s) if s.id == id => errors.push(FieldError::new(
                        field,
                        "self",
                        "a state does not move to itself",
                    )),
                    Some(_) => {}
                }
            }
            if !errors.is_empty() {
                return Err(StoreError::Invalid(Invalid(errors)));
            }
            replace_moves(c, &ctx, before, &to)
        })
        .await
}

/// Writes `keys` (existing states other than `state`) as the moves out of `state`: a new
/// version of it, audited with its moves before and after. Unchanged moves write nothing.
fn replace_moves(
    c: &mut dyn Conn,
    ctx: &Ctx,
    state: OrderState,
    keys: &[String],
) -> Result<StateMoves, StoreError> {
    let old = workflow::moves_out(c, state.id)?;
    let mut sorted_old = old.clone();
    let mut sorted_new = keys.to_vec();
    sorted_old.sort();
    sorted_new.sort();
    if sorted_old == sorted_new {
        return Ok(moves_of(&state, old));
    }
    c.execute(
        "DELETE FROM order_state_transitions WHERE from_state_id = ?",
        &[state.id.into()],
    )?;
    for key in keys {
        c.execute(
            "INSERT INTO order_state_transitions (from_state_id, to_state_id) \
             SELECT ?, id FROM order_states WHERE key = ?",
            &[state.id.into(), key.as_str().into()],
        )?;
    }
    let after = record::touched(&state, &ctx.actor, state.clone());
    record::update(c, &after)?;
    let was = moves_of(&state, old);
    let now = moves_of(&after, workflow::moves_out(c, state.id)?);
    audit::record_change(
        c,
        ctx,
        AuditAction::Update,
        names::ORDER_STATE,
        state.id,
        Some(&was),
        Some(&now),
    )?;
    Ok(now)
}

/// Every state in workflow order with its moves.
pub async fn workflow(store: &Store, _actor: &Actor) -> Result<Workflow, StoreError> {
    store.db.read(workflow::workflow).await
}
