//! Orders themselves: create (numbered `ORD-<year>-<6 digits>` in the creating
//! transaction), read in the caller's scope, list, change while not final, replace the
//! lines, delete. People and lines are written with the order, its totals added up
//! from its lines, and every write is audited with the whole order, lines included (a
//! hand-set price shows as `price_overridden`).

use rapport_db::Conn;
use rapport_domain::input::Patch;
use rapport_domain::order::{Order, OrderChanges};
use rapport_domain::order_config::OrderState;
use rapport_domain::order_item::ItemInput;
use rapport_domain::{Actor, Ctx, IfMatch, Role};
use uuid::Uuid;

use super::rules::{check_links, stamp, type_for_create, unique_conflict};
use super::{history, items, month_counts, people, workflow};
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Choice, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::numbers::{self, Series};
use crate::kernel::record::{self, Record};
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::ORDER;

/// Readable numbers: `ORD-2026-000123`, one counter per year.
pub static SERIES: Series = Series {
    name: "order",
    prefix: "ORD",
    table: "orders",
    column: "order_number",
};

/// What the list accepts; the API document describes its sort from it too. `state` and
/// `type` (keys) are read by [`list`] itself.
pub static SPEC: ListSpec = ListSpec {
    table: "orders",
    sortable: &[
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
        Field::new("order_number", "order_number", Kind::Text),
        Field::new("total", "total", Kind::Decimal),
    ],
    default_sort: "-created_at",
    filters: &[
        Field::new("state_id", "state_id", Kind::Uuid),
        Field::new("order_type_id", "order_type_id", Kind::Uuid),
        Field::new("account_id", "account_id", Kind::Uuid).nullable(),
        Field::new("partner_id", "partner_id", Kind::Uuid).nullable(),
        Field::new("distributor_id", "distributor_id", Kind::Uuid).nullable(),
        Field::new("owner_id", "owner_id", Kind::Uuid).nullable(),
        Field::new("lead_id", "lead_id", Kind::Uuid).nullable(),
        Field::new("priority", "priority", Kind::Choice(Choice::OrderPriority)),
        Field::new("order_number", "order_number", Kind::Text),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("currency", "currency", Kind::Text),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    Order,
    entity = ENTITY,
    table = "orders",
    fields {
        id,
        order_number,
        order_type_id,
        state_id,
        account_id,
        partner_id,
        distributor_id,
        lead_id,
        owner_id,
        priority,
        description,
        data,
        currency,
        tax_rate,
        subtotal,
        discount_amount,
        tax_amount,
        total,
        billing_provider,
        billing_quote_id,
        billing_metadata,
        crm_provider,
        crm_deal_id,
        crm_metadata,
        notes_internal,
        renews_contract_id,
        sent_at,
        fulfilled_at,
        completed_at,
        cancelled_at,
        legacy_id,
        created_by,
        updated_by,
        created_at,
        updated_at,
        version,
    },
    unstored { people, items },
    after_read = Order::refresh_derived,
);

/// Fills in the people and lines of `orders` (two reads for any number of orders).
pub(crate) fn with_children(
    c: &mut dyn Conn,
    mut orders: Vec<Order>,
) -> Result<Vec<Order>, StoreError> {
    let ids: Vec<Uuid> = orders.iter().map(|o| o.id).collect();
    let mut lines = items::load(c, &ids)?;
    let mut persons = people::load(c, &ids)?;
    for o in &mut orders {
        o.items = lines.remove(&o.id).unwrap_or_default();
        o.people = persons.remove(&o.id).unwrap_or_default();
        o.refresh_derived();
    }
    Ok(orders)
}

pub(crate) fn whole(c: &mut dyn Conn, order: Order) -> Result<Order, StoreError> {
    with_children(c, vec![order])?
        .pop()
        .ok_or(StoreError::NotFound { entity: ENTITY })
}

/// An order the actor can see, with its people and lines, or `NotFound`.
pub(crate) fn visible(c: &mut dyn Conn, actor: &Actor, id: Uuid) -> Result<Order, StoreError> {
    let o = record::fetch(c, id, scope::orders_visible(actor), false)?;
    whole(c, o)
}

/// The order as it stands before a write: in scope and locked, `allowed` (checked once
/// it is found, so an order out of scope answers 404), at the version `If-Match` named.
pub(crate) fn writable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    allowed: impl FnOnce() -> Result<(), StoreError>,
    if_match: IfMatch,
) -> Result<Order, StoreError> {
    let o = record::writable(c, id, scope::orders_visible(actor), allowed, if_match)?;
    whole(c, o)
}

/// The order's state, unless it is final: a final state freezes the order's fields,
/// lines and moves until an administrator reopens it (409 naming `state_id`).
pub(crate) fn unfrozen(c: &mut dyn Conn, order: &Order) -> Result<OrderState, StoreError> {
    let state = workflow::state(c, order.state_id, false)?;
    if state.is_final {
        return Err(StoreError::state(
            "state_id",
            format!(
                "the order is {} (a final state) and cannot change; an administrator may reopen it with POST /api/v1/orders/{}/reopen",
                state.key, order.id
            ),
        ));
    }
    Ok(state)
}

/// Creates an order inside a write: its type (`main` by default), links, people and
/// lines checked, priced and added up; numbered unless a number is given; in the
/// initial state, which its history records. `renews` names the contract a renewal
/// comes from (the contracts area's `renew`).
pub fn create_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    mut changes: OrderChanges,
    renews: Option<Uuid>,
) -> Result<Order, StoreError> {
    let actor = &ctx.actor;
    scope::require_order_action(actor, Action::Create)?;
    let me = record::acting_user(actor);
    let now = rapport_db::now();
    let inputs = changes.take_items();
    let owner_given = !changes.owner_id.is_absent();
    let number = match &changes.order_number {
        Patch::Set(n) => Some(n.clone()),
        _ => None,
    };
    let type_id = match changes.order_type_id {
        Patch::Set(id) => Some(id),
        _ => None,
    };
    let mut order = Order::blank(me, now);
    changes.apply_to(&mut order);
    if !owner_given && actor.role == Role::Rep {
        // Reps own what they create; other roles leave it to be assigned.
        order.owner_id = me;
    }
    scope::own_organisation(actor, &mut order.partner_id, &mut order.distributor_id)?;
    let kind = type_for_create(c, type_id)?;
    order.order_type_id = kind.id;
    check_links(c, actor, None, &order)?;
    people::check(c, actor, &[], &order.people)?;
    items::price(c, actor, &mut order, &inputs)?;
    order.check_against(&kind)?;
    let state = workflow::initial_state(c)?;
    order.state_id = state.id;
    stamp(&mut order, &state, now);
    order.renews_contract_id = renews;
    let numbered = number.is_none();
    // Until the series gives the number, the order holds one no other can: its id.
    order.order_number = number.unwrap_or_else(|| order.id.to_string());
    record::insert(c, &order).map_err(unique_conflict)?;
    month_counts::created(c, &order)?;
    people::replace(c, order.id, &order.people)?;
    items::replace(c, order.id, &order.items)?;
    history::record(c, actor, &order, None, &state, None, false)?;
    if numbered {
        // Taken last: the series' row stays locked until this transaction commits, and
        // every other create of the year waits for it. The less work left after it, the
        // shorter the wait (docs/benchmarks.md: PostgreSQL's order-create, 383 -> 470 req/s).
        order.order_number = numbers::next(c, &SERIES, now)?;
        c.execute(
            "UPDATE orders SET order_number = ? WHERE id = ?",
            &[order.order_number.clone().into(), order.id.into()],
        )?;
    }
    audit::record_change(
        c,
        ctx,
        AuditAction::Create,
        ENTITY,
        order.id,
        None,
        Some(&order),
    )?;
    Ok(order)
}

pub async fn create(store: &Store, ctx: &Ctx, changes: OrderChanges) -> Result<Order, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| create_in(c, &ctx, changes, None))
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Order, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| visible(c, &actor, id)).await
}

/// `state=` and `type=` name states and types by key (commas: any of).
fn by_key(params: &mut ListParams, name: &str) -> Result<Option<SqlBuf>, StoreError> {
    let keys: Vec<String> = params
        .take_filter(name)
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if keys.is_empty() {
        return Ok(None);
    }
    if keys.len() > 100 {
        return Err(StoreError::bad_request(
            name,
            "max_items",
            "at most 100 values",
        ));
    }
    let (column, table) = if name == "state" {
        ("orders.state_id", "order_states")
    } else {
        ("orders.order_type_id", "order_types")
    };
    let mut b = SqlBuf::new(&format!(
        "{column} IN (SELECT id FROM {table} WHERE key IN "
    ));
    b.bind_list(keys.into_iter().map(Into::into).collect())
        .push(")");
    Ok(Some(b))
}

/// Lists the orders the actor can see, each with its people and lines: the generic
/// filters, and `state` and `type` by key.
pub async fn list(
    store: &Store,
    actor: &Actor,
    mut params: ListParams,
) -> Result<Page<Order>, StoreError> {
    let mut extra = Vec::new();
    extra.extend(by_key(&mut params, "state")?);
    extra.extend(by_key(&mut params, "type")?);
    let scope = scope::orders_visible(actor);
    let me = actor.user_id;
    store
        .db
        .read(move |c| {
            let page = list::run(c, &SPEC, &params, me, scope, extra)?;
            let page = page.try_map(|r| Order::from_row(&r))?;
            Ok(Page {
                data: with_children(c, page.data)?,
                next_cursor: page.next_cursor,
                total: page.total,
                total_exact: page.total_exact,
            })
        })
        .await
}

/// Writes `after` over `before` (people and lines too when they changed), audited.
pub(crate) fn save(
    c: &mut dyn Conn,
    ctx: &Ctx,
    before: &Order,
    after: &Order,
) -> Result<(), StoreError> {
    record::update(c, after).map_err(unique_conflict)?;
    month_counts::changed(c, before, after)?;
    if after.people != before.people {
        people::replace(c, after.id, &after.people)?;
    }
    if after.items != before.items {
        items::replace(c, after.id, &after.items)?;
    }
    record::audit_update(c, ctx, before, after)
}

/// Changes an order's fields (not its state, not its lines) while it is not final.
/// Applies `changes` (and, when given, a new set of lines priced again from the
/// catalogue) to `before`, found and locked by the caller, and writes the new version.
fn change_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    before: Order,
    changes: OrderChanges,
    lines: Option<&[ItemInput]>,
) -> Result<Order, StoreError> {
    let actor = &ctx.actor;
    unfrozen(c, &before)?;
    let mut after = before.clone();
    changes.apply_to(&mut after);
    match lines {
        // New lines are priced in the order's (possibly new) currency.
        Some(inputs) => items::price(c, actor, &mut after, inputs)?,
        None if after.currency != before.currency && !after.items.is_empty() => {
            return Err(StoreError::invalid(
                "currency",
                "items",
                "cannot change while the order has lines priced in another currency; replace the lines (PUT /api/v1/orders/{id}/items) with the currency",
            ));
        }
        None => {}
    }
    after.recompute_totals();
    if after == before {
        return Ok(before);
    }
    scope::own_organisation(actor, &mut after.partner_id, &mut after.distributor_id)?;
    check_links(c, actor, Some(&before), &after)?;
    people::check(c, actor, &before.people, &after.people)?;
    if after.order_type_id != before.order_type_id
        || after.data != before.data
        || after.people != before.people
    {
        let kind = workflow::order_type(c, after.order_type_id, false)
            .map_err(|e| e.named_in("order_type_id", "names no order type"))?;
        if !kind.active && after.order_type_id != before.order_type_id {
            return Err(StoreError::invalid(
                "order_type_id",
                "active",
                "names an inactive order type",
            ));
        }
        after.check_against(&kind)?;
    }
    let after = record::touched(&before, actor, after);
    save(c, ctx, &before, &after)?;
    Ok(after)
}

/// Finds and locks the order (at `if_match`, for a role that changes orders) and
/// changes it in one write.
async fn change(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: OrderChanges,
    lines: Option<Vec<ItemInput>>,
) -> Result<Order, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let allowed = || scope::require_order_action(actor, Action::Update);
            let before = writable(c, actor, id, allowed, if_match)?;
            change_in(c, &ctx, before, changes, lines.as_deref())
        })
        .await
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: OrderChanges,
) -> Result<Order, StoreError> {
    change(store, ctx, id, if_match, changes, None).await
}

/// The order page's edit: the fields and the whole set of lines in one transaction, so
/// a refused line leaves the fields unchanged too (the API's PATCH and `PUT …/items`
/// are two requests, each whole).
pub async fn update_with_lines(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: OrderChanges,
    lines: Vec<ItemInput>,
) -> Result<Order, StoreError> {
    change(store, ctx, id, if_match, changes, Some(lines)).await
}

/// Replaces every line of an order (not final), priced again from the catalogue; the
/// totals follow.
pub async fn replace_items(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    inputs: Vec<ItemInput>,
) -> Result<Order, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let allowed = || scope::require_order_action(actor, Action::Update);
            let before = writable(c, actor, id, allowed, if_match)?;
            unfrozen(c, &before)?;
            let mut after = record::touched(&before, actor, before.clone());
            items::price(c, actor, &mut after, &inputs)?;
            save(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

/// The order as it stands before a delete (admins): at the version `If-Match` named,
/// and no contract opened from it (409 naming the contract).
pub(crate) fn deletable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    if_match: IfMatch,
) -> Result<Order, StoreError> {
    let allowed = || scope::require_order_action(actor, Action::Delete);
    let before = writable(c, actor, id, allowed, if_match)?;
    let contract: Option<Uuid> =
        c.query_scalar("SELECT id FROM contracts WHERE order_id = ?", &[id.into()])?;
    if let Some(contract) = contract {
        return Err(StoreError::Conflict {
            message: "a contract was opened from this order; it cannot be deleted".into(),
            field: Some("id".into()),
            existing_id: Some(contract),
        });
    }
    Ok(before)
}

/// Deletes the order's row (its people, lines and history go by cascade), audited with
/// all of them, after `lifecycle` has told every area that points at it.
pub(crate) fn remove(c: &mut dyn Conn, ctx: &Ctx, before: &Order) -> Result<(), StoreError> {
    month_counts::deleted(c, before)?;
    record::remove(c, ctx, before)
}

/// Orders meeting `condition` (over `orders`), locked, with their people and lines.
pub(crate) fn locked_where(c: &mut dyn Conn, condition: SqlBuf) -> Result<Vec<Order>, StoreError> {
    let mut q = SqlBuf::new("SELECT * FROM orders WHERE ");
    q.append(condition).push(" ORDER BY id");
    q.push(&c.row_lock(Some("orders")));
    let rows = c.query(&q.sql, &q.params)?;
    let orders = rows
        .iter()
        .map(Order::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    with_children(c, orders)
}
