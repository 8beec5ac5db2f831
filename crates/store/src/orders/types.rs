//! Order types (seed 003): what an order's `data` must look like (a JSON Schema, checked
//! by the domain when it is written) and which people roles it needs. Everyone signed in
//! reads them; administrators create, change and delete them, each change audited. A
//! type some order is of is not deleted: deactivate it, and it takes no new orders.

use rapport_domain::order_config::{OrderType, OrderTypeChanges};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use super::workflow::{self, CONFIG_LOCK};
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::names;
use crate::kernel::record::{self, Record};
use crate::policy::{self, Action};
use crate::{SqlBuf, Store, StoreError};

const WHAT: &str = "order types";

/// What the list accepts; the API document describes its sort and filters from it.
pub static SPEC: ListSpec = ListSpec {
    table: "order_types",
    sortable: &[
        Field::new("name", "name", Kind::Text),
        Field::new("key", "key", Kind::Text),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    default_sort: "name",
    filters: &[
        Field::new("active", "active", Kind::Bool),
        Field::new("key", "key", Kind::Text),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

fn check_unique(c: &mut dyn rapport_db::Conn, t: &OrderType) -> Result<(), StoreError> {
    let fields = [("key", t.key.as_str()), ("name", t.name.as_str())];
    workflow::check_unique(c, "order_types", "order type", fields, t.id)
}

/// The acting role may change order types; then the one configuration lock.
fn writing(c: &mut dyn rapport_db::Conn, actor: &Actor, action: Action) -> Result<(), StoreError> {
    policy::require_order_config_action(actor, action, WHAT)?;
    Ok(c.lock_key(CONFIG_LOCK)?)
}

pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: OrderTypeChanges,
) -> Result<OrderType, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            writing(c, &ctx.actor, Action::Create)?;
            let mut t = OrderType::blank(record::acting_user(&ctx.actor), rapport_db::now());
            changes.apply_to(&mut t);
            check_unique(c, &t)?;
            record::insert(c, &t)?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Create,
                names::ORDER_TYPE,
                t.id,
                None,
                Some(&t),
            )?;
            Ok(t)
        })
        .await
}

pub async fn get(store: &Store, _actor: &Actor, id: Uuid) -> Result<OrderType, StoreError> {
    store
        .db
        .read(move |c| workflow::order_type(c, id, false))
        .await
}

pub async fn list(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<Page<OrderType>, StoreError> {
    // Everyone signed in sees the configuration.
    let all = SqlBuf::new("TRUE");
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        all,
        Vec::new(),
        OrderType::from_row,
    )
    .await
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: OrderTypeChanges,
) -> Result<OrderType, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            writing(c, &ctx.actor, Action::Update)?;
            let before = workflow::order_type(c, id, true)?;
            StoreError::check_version(&if_match, before.version)?;
            let mut after = before.clone();
            changes.apply_to(&mut after);
            if after == before {
                return Ok(before);
            }
            check_unique(c, &after)?;
            let after = record::touched(&before, &ctx.actor, after);
            record::update(c, &after)?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

/// Deletes a type no order is of (409 naming `id` otherwise: deactivate it instead).
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
            let before = workflow::order_type(c, id, true)?;
            StoreError::check_version(&if_match, before.version)?;
            let used = workflow::orders_using(c, "order_type_id", id)?;
            if used > 0 {
                return Err(StoreError::state(
                    "id",
                    format!(
                        "{used} order(s) are of the type {:?}; deactivate it instead (an inactive type takes no new orders)",
                        before.key
                    ),
                ));
            }
            record::remove(c, &ctx, &before)
        })
        .await
}
