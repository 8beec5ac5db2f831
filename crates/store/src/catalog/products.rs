//! Products (seed 002). Every node shares one cap on how many may be active at once
//! (`settings.active_product_cap`, 0 = none); activations take one lock so that the cap
//! holds when many arrive together, on both engines. Deleting a product clears it from
//! the leads interested in it, each change audited; its price tiers go with it (the
//! foreign key cascades), recorded in the delete's audit row.

use rapport_db::Conn;
use rapport_domain::price_tier::PriceTier;
use rapport_domain::product::{Product, ProductChanges};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Record};
use crate::policy::{self as scope, Action};
use crate::{settings, SqlBuf, Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::PRODUCT;
/// Any fixed number: it names the one lock every activation takes on PostgreSQL.
const ACTIVATION_LOCK: i64 = 0x5241_5050_0001;

/// What the list accepts; the API document describes its sort from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "products",
    sortable: &[
        Field::new("name", "name_key", Kind::Text),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    default_sort: "name",
    filters: &[
        Field::new("active", "active", Kind::Bool),
        Field::new("sku", "sku", Kind::Text).nullable(),
        Field::new("type", "type", Kind::Text).nullable(),
        Field::new("category", "category", Kind::Text).nullable(),
        Field::new("unit", "unit", Kind::Text).nullable(),
        Field::new("currency", "currency", Kind::Text).nullable(),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    Product,
    entity = ENTITY,
    table = "products",
    fields {
        id, name, description, active, sku, r#type as "type", unit, category, unit_price,
        currency, legacy_id, metadata, created_by, updated_by, created_at, updated_at,
        version,
    },
    derived { "name_key" => Product::name_key },
    after_read = Product::refresh_derived,
);

/// The catalogue is the same for everyone signed in: no scope.
pub(crate) fn fetch(c: &mut dyn Conn, id: Uuid, lock: bool) -> Result<Product, StoreError> {
    record::fetch(c, id, SqlBuf::new("TRUE"), lock)
}

/// Refuses an activation that would exceed the cap. Called with the activation lock
/// held, so the count cannot change underneath it: SQLite has one writer at a time, and
/// on PostgreSQL every activation waits for the one before it to commit.
fn check_cap(c: &mut dyn Conn, except: Uuid) -> Result<(), StoreError> {
    c.lock_key(ACTIVATION_LOCK)?;
    let cap = settings::current(c)?.active_product_cap;
    if cap == 0 {
        return Ok(());
    }
    let active: i64 = c
        .query_scalar(
            "SELECT count(*) FROM products WHERE active = ? AND id <> ?",
            &[true.into(), except.into()],
        )?
        .unwrap_or(0);
    if active >= cap {
        return Err(StoreError::state(
            "active",
            format!(
                "at most {cap} products may be active at once (the active_product_cap setting); deactivate one first"
            ),
        ));
    }
    Ok(())
}

fn conflict(c: &mut dyn Conn, p: &Product, except: Option<Uuid>) -> Result<(), StoreError> {
    let checks: [(&str, &str, Option<String>); 3] = [
        ("name", "name_key", Some(p.name_key())),
        ("sku", "sku", p.sku.clone()),
        ("legacy_id", "legacy_id", p.legacy_id.clone()),
    ];
    for (field, column, value) in checks {
        let Some(value) = value else { continue };
        let found: Option<Uuid> = c.query_scalar(
            &format!("SELECT id FROM products WHERE {column} = ? AND id <> ?"),
            &[value.into(), except.unwrap_or(Uuid::nil()).into()],
        )?;
        if let Some(existing) = found {
            return Err(StoreError::Conflict {
                message: format!("another product already has this {field}"),
                field: Some(field.into()),
                existing_id: Some(existing),
            });
        }
    }
    Ok(())
}

pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: ProductChanges,
) -> Result<Product, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_product_action(actor, Action::Create)?;
            let me = Some(actor.user_id).filter(|u| !u.is_nil());
            let now = rapport_db::now();
            let mut p = Product::blank(me, now);
            changes.apply_to(&mut p);
            p.check()?;
            conflict(c, &p, None)?;
            if p.active {
                check_cap(c, p.id)?;
            }
            record::insert(c, &p)?;
            audit::record_change(c, &ctx, AuditAction::Create, ENTITY, p.id, None, Some(&p))?;
            Ok(p)
        })
        .await
}

pub async fn get(store: &Store, _actor: &Actor, id: Uuid) -> Result<Product, StoreError> {
    store.db.read(move |c| fetch(c, id, false)).await
}

pub async fn list(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<Page<Product>, StoreError> {
    // Everyone signed in sees the catalogue.
    let all = SqlBuf::new("TRUE");
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        all,
        Vec::new(),
        Product::from_row,
    )
    .await
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: ProductChanges,
) -> Result<Product, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_product_action(actor, Action::Update)?;
            let before = fetch(c, id, true)?;
            StoreError::check_version(&if_match, before.version)?;
            let mut after = before.clone();
            changes.apply_to(&mut after);
            if after == before {
                return Ok(before);
            }
            after.check()?;
            conflict(c, &after, Some(id))?;
            if after.active && !before.active {
                check_cap(c, id)?;
            }
            after = record::touched(&before, actor, after);
            record::update(c, &after)?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

/// A product named in a body (a lead's product of interest): it must exist.
pub(crate) fn check_exists(c: &mut dyn Conn, id: Uuid, field: &str) -> Result<(), StoreError> {
    fetch(c, id, false)
        .map(|_| ())
        .map_err(|e| e.named_in(field, "names no product"))
}

/// The product as it stands before a delete: the role allowed to delete, and still at
/// the version `If-Match` named.
pub(crate) fn deletable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    if_match: IfMatch,
) -> Result<Product, StoreError> {
    scope::require_product_action(actor, Action::Delete)?;
    let before = fetch(c, id, true)?;
    StoreError::check_version(&if_match, before.version)?;
    Ok(before)
}

/// Deletes the product's row, after `lifecycle` has told every area that points at it.
/// Its price `tiers` (as `tiers::of_product` read them) go by the foreign key's cascade;
/// the delete's audit row holds them (`price_tiers`, both ladders) beside the product, so
/// the log keeps what was lost.
pub(crate) fn remove(
    c: &mut dyn Conn,
    ctx: &Ctx,
    before: &Product,
    tiers: &[PriceTier],
) -> Result<(), StoreError> {
    c.execute("DELETE FROM products WHERE id = ?", &[before.id.into()])?;
    let mut shown = serde_json::to_value(before).ok();
    if let (Some(serde_json::Value::Object(m)), false) = (shown.as_mut(), tiers.is_empty()) {
        m.insert("price_tiers".into(), serde_json::json!(tiers));
    }
    audit::record(c, ctx, AuditAction::Delete, ENTITY, before.id, shown, None)
}
