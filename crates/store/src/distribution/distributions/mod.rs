//! The distribution log (seed 000). Every write keeps the sales dashboard's figures in
//! the same transaction ([`sales_figures`]) and is audited per entry.

use std::collections::HashMap;

use chrono::NaiveDate;
use rapport_db::Conn;
use rapport_domain::distribution::{customer_key, Distribution, DistributionChanges, Source};
use rapport_domain::input::Patch;
use rapport_domain::{Actor, Ctx, FieldError, IfMatch, Invalid};
use uuid::Uuid;

use crate::auth::users;
use crate::catalog::products;
use crate::customers::accounts;
use crate::distribution::sales_figures::{self, Facts};
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Choice, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Record};
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

mod entry;
mod link;
mod trace;

use entry::{prepare, Checked};
pub use link::{link, LinkProgress, LinkSummary, LinkedAccount, Skipped};
pub use trace::{trace, Trace, TracedCustomer};

pub(crate) const ENTITY: &str = crate::kernel::names::DISTRIBUTION;
/// Entries one bulk call may create.
pub const MAX_BULK: usize = 10_000;
/// Rows per multi-row INSERT: 23 columns, under SQLite's 32,766 parameters.
const ROWS_PER_INSERT: usize = 500;

/// What the list accepts; the API document describes its sort from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "distributions",
    sortable: &[
        Field::new("ship_date", "ship_date", Kind::Date),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
        Field::new("quantity", "quantity", Kind::Int),
    ],
    default_sort: "-ship_date",
    filters: &[
        Field::new("ship_date", "ship_date", Kind::Date),
        Field::new("customer_id", "customer_id", Kind::Uuid).nullable(),
        Field::new("rep_id", "rep_id", Kind::Uuid).nullable(),
        Field::new("product_id", "product_id", Kind::Uuid).nullable(),
        Field::new("sku", "sku", Kind::Text),
        Field::new("lot_number", "lot_number", Kind::Text).nullable(),
        Field::new("order_number", "order_number", Kind::Text).nullable(),
        Field::new("customer_name", "customer_name", Kind::Text).nullable(),
        Field::new("source", "source", Kind::Choice(Choice::DistributionSource)),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("quantity", "quantity", Kind::Int),
        Field::new("created_by", "created_by", Kind::Uuid).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    Distribution,
    entity = ENTITY,
    table = "distributions",
    fields {
        id, ship_date, order_number, sku, product_id, lot_number, quantity, customer_id,
        customer_name, customer_key, rep_id, source, notes, legacy_id, created_by, updated_by,
        created_at, updated_at, version,
    },
    derived {
        "ship_month" => |d: &Distribution| i64::from(d.ship_month()),
        "order_key" => Distribution::order_key,
    },
);

fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    if e.violates("legacy_id") {
        return StoreError::Conflict {
            message: "another distribution entry already has this legacy_id".into(),
            field: Some("legacy_id".into()),
            existing_id: None,
        };
    }
    e.into()
}

fn insert_rows(c: &mut dyn Conn, entries: &[Distribution]) -> Result<(), StoreError> {
    record::insert_many(c, entries, ROWS_PER_INSERT).map_err(unique_conflict)
}

fn save(c: &mut dyn Conn, before: &Distribution, after: &Distribution) -> Result<(), StoreError> {
    record::update(c, after).map_err(unique_conflict)?;
    sales_figures::apply(c, &[Facts::of(before)], &[Facts::of(after)])
}

fn fetch(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    lock: bool,
) -> Result<Distribution, StoreError> {
    record::fetch(c, id, scope::distributions_visible(actor), lock)
}

fn record_created(c: &mut dyn Conn, ctx: &Ctx, d: &Distribution) -> Result<(), StoreError> {
    audit::record_change(c, ctx, AuditAction::Create, ENTITY, d.id, None, Some(d))
}

/// Creates one entry (`source` defaults to `api`).
pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: DistributionChanges,
) -> Result<Distribution, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_distribution_action(actor, Action::Create)?;
            sales_figures::lock(c)?;
            let d = prepare(c, actor, &mut Checked::default(), changes, Source::Api)?
                .map_err(|errors| StoreError::Invalid(Invalid(errors)))?;
            insert_rows(c, std::slice::from_ref(&d))?;
            sales_figures::apply(c, &[], &[Facts::of(&d)])?;
            record_created(c, &ctx, &d)?;
            Ok(d)
        })
        .await
}

/// Creates up to [`MAX_BULK`] entries, all or none (`source` defaults to `import`). Each
/// item is read and checked first; any bad item fails the call with every error named
/// by its row index, and nothing is written.
pub async fn bulk_create(
    store: &Store,
    ctx: &Ctx,
    items: Vec<serde_json::Value>,
) -> Result<Vec<Uuid>, StoreError> {
    if items.len() > MAX_BULK {
        return Err(StoreError::invalid(
            "items",
            "max_items",
            format!("holds {} entries; at most {MAX_BULK} per call", items.len()),
        ));
    }
    if items.is_empty() {
        return Err(StoreError::invalid(
            "items",
            "min_items",
            "must hold at least one entry",
        ));
    }
    let today = chrono::Utc::now().date_naive();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut parsed = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        match DistributionChanges::read(item, true, today) {
            Ok(ch) => parsed.push(Some(ch)),
            Err(Invalid(list)) => {
                errors.extend(list.into_iter().map(|e| e.at(i)));
                parsed.push(None);
            }
        }
    }
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_distribution_action(actor, Action::Create)?;
            sales_figures::lock(c)?;
            let mut checked = Checked::default();
            let mut entries = Vec::with_capacity(parsed.len());
            for (i, changes) in parsed.into_iter().enumerate() {
                let Some(changes) = changes else { continue };
                match prepare(c, actor, &mut checked, changes, Source::Import)? {
                    Ok(d) => entries.push(d),
                    Err(list) => errors.extend(list.into_iter().map(|e| e.at(i))),
                }
            }
            if !errors.is_empty() {
                errors.sort_by_key(|e| e.index);
                return Err(StoreError::Invalid(Invalid(errors)));
            }
            insert_rows(c, &entries)?;
            let facts: Vec<Facts> = entries.iter().map(Facts::of).collect();
            sales_figures::apply(c, &[], &facts)?;
            let records: Vec<(Uuid, &Distribution)> = entries.iter().map(|d| (d.id, d)).collect();
            audit::record_created(c, &ctx, ENTITY, &records)?;
            Ok(entries.into_iter().map(|d| d.id).collect())
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Distribution, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| fetch(c, &actor, id, false)).await
}

/// Lists entries: the generic filters (`ship_date_after`/`_before` among them) and
/// `linked=true|false` (whether the entry has a customer account).
pub async fn list(
    store: &Store,
    actor: &Actor,
    mut params: ListParams,
) -> Result<Page<Distribution>, StoreError> {
    let mut extra = Vec::new();
    match params.take_filter("linked").last().map(String::as_str) {
        None => {}
        Some("true") => extra.push(SqlBuf::new("customer_id IS NOT NULL")),
        Some("false") => extra.push(SqlBuf::new("customer_id IS NULL")),
        Some(other) => {
            return Err(StoreError::bad_request(
                "linked",
                "enum",
                format!("must be true or false, not {other:?}"),
            ))
        }
    }
    let scope = scope::distributions_visible(actor);
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        scope,
        extra,
        Distribution::from_row,
    )
    .await
}

fn writable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    action: Action,
    if_match: IfMatch,
) -> Result<Distribution, StoreError> {
    let allowed = || scope::require_distribution_action(actor, action);
    record::writable(
        c,
        id,
        scope::distributions_visible(actor),
        allowed,
        if_match,
    )
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: DistributionChanges,
) -> Result<Distribution, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            sales_figures::lock(c)?;
            let before = writable(c, actor, id, Action::Update, if_match)?;
            let product_given = !changes.product_id.is_absent();
            let mut after = before.clone();
            changes.apply_to(&mut after);
            let errors =
                Checked::default().entry(c, actor, Some(&before), product_given, &mut after)?;
            if !errors.is_empty() {
                return Err(StoreError::Invalid(Invalid(errors)));
            }
            if after == before {
                return Ok(before);
            }
            let after = record::touched(&before, actor, after);
            save(c, &before, &after)?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

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
            sales_figures::lock(c)?;
            let before = writable(c, &ctx.actor, id, Action::Delete, if_match)?;
            record::remove(c, &ctx, &before)?;
            sales_figures::apply(c, &[Facts::of(&before)], &[])
        })
        .await
}

/// Points every entry shipped to account `from` at `to` instead (the survivor of a
/// merge), or at no account when `from` is deleted; keys, figures and audit follow.
pub(crate) fn repoint_account(
    c: &mut dyn Conn,
    ctx: &Ctx,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<usize, StoreError> {
    sales_figures::lock(c)?;
    let mut sql = String::from("SELECT * FROM distributions WHERE customer_id = ? ORDER BY id");
    sql.push_str(&c.row_lock(None));
    let before: Vec<Distribution> = c
        .query(&sql, &[from.into()])?
        .iter()
        .map(Distribution::from_row)
        .collect::<Result<_, _>>()?;
    let after: Vec<Distribution> = before
        .iter()
        .map(|b| {
            let mut a = b.clone();
            a.customer_id = to;
            a.customer_key = match to {
                Some(_) => customer_key(to, None),
                // Deleted: it counts by its name again.
                None => customer_key(None, a.customer_name.as_deref()),
            };
            record::touched(b, &ctx.actor, a)
        })
        .collect();
    for (b, a) in before.iter().zip(&after) {
        record::update(c, a)?;
        record::audit_update(c, ctx, b, a)?;
    }
    let removed: Vec<Facts> = before.iter().map(Facts::of).collect();
    let added: Vec<Facts> = after.iter().map(Facts::of).collect();
    sales_figures::apply(c, &removed, &added)?;
    Ok(after.len())
}

/// Recomputes the sales figures from the log; the number of kept rows written.
pub async fn rebuild_figures(store: &Store) -> Result<u64, StoreError> {
    store.db.write(sales_figures::rebuild).await
}

/// Kept rows of the sales figures that disagree with the log (0 when all is well).
pub async fn check_figures(store: &Store) -> Result<i64, StoreError> {
    store.db.read(sales_figures::check).await
}
