//! Durations (seed 004): subscription lengths with their discount. The catalogue is the
//! same for everyone signed in; writes are the product writers' (`policy::
//! require_product_action`). `months` is unique: a taken one is a 409 naming it, found
//! before the write and, should two creates race, by the unique index.
//!
//! Deleting a duration leaves the order items that named it: the foreign key sets their
//! `duration_id` to null and they keep `duration_months`, the snapshot taken when they
//! were priced, so no order's figures or contract's length change.

use rapport_db::Conn;
use rapport_domain::duration::{DurationChanges, SubscriptionDuration};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Record};
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

pub(crate) const ENTITY: &str = crate::kernel::names::DURATION;

/// What the list accepts; the API document describes its sort and filters from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "durations",
    sortable: &[
        Field::new("months", "months", Kind::Int),
        Field::new("name", "name", Kind::Text),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    default_sort: "months",
    filters: &[
        Field::new("active", "active", Kind::Bool),
        Field::new("months", "months", Kind::Int),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    SubscriptionDuration,
    entity = ENTITY,
    table = "durations",
    fields {
        id,
        months,
        discount_percentage,
        name,
        active,
        created_by,
        updated_by,
        created_at,
        updated_at,
        version,
    },
    after_read = SubscriptionDuration::refresh_derived,
);

fn fetch(c: &mut dyn Conn, id: Uuid, lock: bool) -> Result<SubscriptionDuration, StoreError> {
    record::fetch(c, id, SqlBuf::new("TRUE"), lock)
}

/// The product writers write durations too; the refusal names durations.
fn allowed(actor: &Actor, action: Action) -> Result<(), StoreError> {
    let verb = match action {
        Action::Delete => "delete",
        Action::Create => "create",
        _ => "change",
    };
    scope::require_product_action(actor, action).map_err(|_| {
        StoreError::forbidden(format!(
            "the {} role may not {verb} durations",
            actor.role.as_str()
        ))
    })
}

/// Another duration with the same months: a 409 naming `months` and the one holding it.
fn conflict(c: &mut dyn Conn, d: &SubscriptionDuration) -> Result<(), StoreError> {
    let found: Option<Uuid> = c.query_scalar(
        "SELECT id FROM durations WHERE months = ? AND id <> ?",
        &[d.months.into(), d.id.into()],
    )?;
    match found {
        Some(existing) => Err(taken(d.months, Some(existing))),
        None => Ok(()),
    }
}

fn taken(months: i64, existing_id: Option<Uuid>) -> StoreError {
    StoreError::Conflict {
        message: format!("another duration already runs {months} months"),
        field: Some("months".into()),
        existing_id,
    }
}

/// A unique-index refusal (a concurrent write took the months first) as the same 409.
fn on_write_error(months: i64) -> impl Fn(rapport_db::DbError) -> StoreError {
    move |e| {
        if e.is_unique() {
            taken(months, None)
        } else {
            StoreError::Db(e)
        }
    }
}

pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: DurationChanges,
) -> Result<SubscriptionDuration, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            allowed(&ctx.actor, Action::Create)?;
            let mut d =
                SubscriptionDuration::blank(record::acting_user(&ctx.actor), rapport_db::now());
            changes.apply_to(&mut d);
            conflict(c, &d)?;
            record::insert(c, &d).map_err(on_write_error(d.months))?;
            audit::record_change(c, &ctx, AuditAction::Create, ENTITY, d.id, None, Some(&d))?;
            Ok(d)
        })
        .await
}

pub async fn get(
    store: &Store,
    _actor: &Actor,
    id: Uuid,
) -> Result<SubscriptionDuration, StoreError> {
    store.db.read(move |c| fetch(c, id, false)).await
}

/// Everyone signed in sees every duration; by months unless sorted otherwise.
pub async fn list(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<Page<SubscriptionDuration>, StoreError> {
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        SqlBuf::new("TRUE"),
        Vec::new(),
        SubscriptionDuration::from_row,
    )
    .await
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: DurationChanges,
) -> Result<SubscriptionDuration, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            allowed(&ctx.actor, Action::Update)?;
            let before = fetch(c, id, true)?;
            StoreError::check_version(&if_match, before.version)?;
            let mut after = before.clone();
            changes.apply_to(&mut after);
            if after == before {
                return Ok(before);
            }
            conflict(c, &after)?;
            let after = record::touched(&before, &ctx.actor, after);
            record::update(c, &after).map_err(on_write_error(after.months))?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

/// Deletes a duration (admins); the order items that named it keep their months.
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
            allowed(&ctx.actor, Action::Delete)?;
            let before = fetch(c, id, true)?;
            StoreError::check_version(&if_match, before.version)?;
            record::remove(c, &ctx, &before)
        })
        .await
}
