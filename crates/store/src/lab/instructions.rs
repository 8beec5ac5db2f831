//! Instructions (seed 003; docs/lab.md): written on an order by anyone but a viewer,
//! approved by another user whose role approves (`policy::require_instruction_approval`),
//! stamped who and when; approved, an instruction is fixed (409 rule `state`). The
//! database refuses an approval by the author too (a CHECK of migration 0012).

use rapport_db::Conn;
use rapport_domain::input::Patch;
use rapport_domain::instruction::{Instruction, InstructionChanges};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::names;
use crate::kernel::record::{self, Record};
use crate::orders::orders;
use crate::policy::{self as scope, Action};
use crate::{Store, StoreError};

/// What the list accepts; the API document describes its sort and filters from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "instructions",
    sortable: &[
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
        Field::new("approved_at", "approved_at", Kind::Timestamp).nullable(),
    ],
    default_sort: "created_at",
    filters: &[
        Field::new("order_id", "order_id", Kind::Uuid),
        Field::new("instruction_type", "instruction_type", Kind::Text),
        Field::new("approved_at", "approved_at", Kind::Timestamp).nullable(),
        Field::new("approved_by", "approved_by", Kind::Uuid).nullable(),
        Field::new("created_by", "created_by", Kind::Uuid).nullable(),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    Instruction,
    entity = names::INSTRUCTION,
    table = "instructions",
    fields {
        id,
        order_id,
        instruction_type,
        content,
        metadata,
        approved_by,
        approved_at,
        legacy_id,
        created_by,
        updated_by,
        created_at,
        updated_at,
        version,
    },
);

fn unique_conflict(e: rapport_db::DbError) -> StoreError {
    StoreError::legacy_taken(e, "instruction")
}

pub(crate) fn visible(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
) -> Result<Instruction, StoreError> {
    record::fetch(c, id, scope::instructions_visible(actor), false)
}

/// Found, locked, at `if_match`, the role allowed, and not yet approved.
fn writable(
    c: &mut dyn Conn,
    actor: &Actor,
    id: Uuid,
    action: Action,
    if_match: IfMatch,
) -> Result<Instruction, StoreError> {
    let found: Instruction = record::fetch(c, id, scope::instructions_visible(actor), true)?;
    scope::require_instruction_action(actor, action, found.created_by)?;
    StoreError::check_version(&if_match, found.version)?;
    if found.is_approved() {
        return Err(StoreError::state(
            "approved_at",
            "the instruction is approved and can no longer change; write a new one",
        ));
    }
    Ok(found)
}

pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: InstructionChanges,
) -> Result<Instruction, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_instruction_action(actor, Action::Create, None)?;
            let mut i = Instruction::blank(record::acting_user(actor), rapport_db::now());
            if let Patch::Set(order) = changes.order_id {
                orders::visible(c, actor, order)
                    .map_err(|e| e.named_in("order_id", "names no order you can see"))?;
            }
            changes.apply_to(&mut i);
            record::insert(c, &i).map_err(unique_conflict)?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Create,
                names::INSTRUCTION,
                i.id,
                None,
                Some(&i),
            )?;
            Ok(i)
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Instruction, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| visible(c, &actor, id)).await
}

/// The instructions the actor sees, oldest first (`order_id=`, `approved_at=null`…).
pub async fn list(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<Page<Instruction>, StoreError> {
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        scope::instructions_visible(actor),
        Vec::new(),
        Instruction::from_row,
    )
    .await
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: InstructionChanges,
) -> Result<Instruction, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let before = writable(c, &ctx.actor, id, Action::Update, if_match)?;
            let mut after = before.clone();
            changes.apply_to(&mut after);
            if after == before {
                return Ok(before);
            }
            let after = record::touched(&before, &ctx.actor, after);
            record::update(c, &after).map_err(unique_conflict)?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

/// Approves an instruction: stamped with the approver and the time, then fixed.
pub async fn approve(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
) -> Result<Instruction, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let before: Instruction =
                record::fetch(c, id, scope::instructions_visible(actor), true)?;
            scope::require_instruction_approval(actor, before.created_by)?;
            StoreError::check_version(&if_match, before.version)?;
            if before.is_approved() {
                return Err(StoreError::state(
                    "approved_at",
                    "the instruction is already approved",
                ));
            }
            let mut after = record::touched(&before, actor, before.clone());
            after.approved_by = record::acting_user(actor);
            after.approved_at = Some(after.updated_at);
            record::update(c, &after)?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

/// Deletes an instruction not yet approved (its author, or the lab's managers).
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
            let before = writable(c, &ctx.actor, id, Action::Delete, if_match)?;
            record::remove(c, &ctx, &before)
        })
        .await
}

/// Instructions `h` meeting `condition` (over `instructions h`, with its order and
/// limit): an order's timeline reads them so, the actor having been checked to see the
/// order.
pub(crate) fn rows(
    c: &mut dyn Conn,
    condition: crate::SqlBuf,
) -> Result<Vec<Instruction>, StoreError> {
    let mut q = crate::SqlBuf::new("SELECT h.* FROM instructions h WHERE ");
    q.append(condition);
    c.query(&q.sql, &q.params)?
        .iter()
        .map(Instruction::from_row)
        .collect()
}
