//! Message types (seed 003; docs/lab.md): the kinds of message, some of which move their
//! order to a target state. Everyone signed in reads them; administrators write them
//! (the order configuration's rule), each change audited. A type with messages is not
//! deleted: deactivate it.

use rapport_db::Conn;
use rapport_domain::message::{MessageType, MessageTypeChanges};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::names;
use crate::kernel::record::{self, Record};
use crate::orders::workflow::{self, CONFIG_LOCK};
use crate::policy::{self, Action};
use crate::{SqlBuf, Store, StoreError};

const WHAT: &str = "message types";

/// What the list accepts; the API document describes its sort and filters from it.
pub static SPEC: ListSpec = ListSpec {
    table: "message_types",
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
        Field::new("category", "category", Kind::Text),
        Field::new("triggers_state_change", "triggers_state_change", Kind::Bool),
        Field::new("created_at", "created_at", Kind::Timestamp),
        Field::new("updated_at", "updated_at", Kind::Timestamp),
    ],
    search: None,
};

crate::record!(
    MessageType,
    entity = names::MESSAGE_TYPE,
    table = "message_types",
    fields {
        id,
        key,
        name,
        category,
        description,
        triggers_state_change,
        target_state_id,
        active,
        created_by,
        updated_by,
        created_at,
        updated_at,
        version,
    },
);

/// A message type by id (configuration: no scope).
pub(crate) fn find(c: &mut dyn Conn, id: Uuid, lock: bool) -> Result<MessageType, StoreError> {
    record::fetch(c, id, SqlBuf::new("TRUE"), lock)
}

/// Unique key and name; a type that triggers a move names an existing target state.
fn check(c: &mut dyn Conn, t: &MessageType) -> Result<(), StoreError> {
    let fields = [("key", t.key.as_str()), ("name", t.name.as_str())];
    workflow::check_unique(c, "message_types", "message type", fields, t.id)?;
    match t.target_state_id {
        Some(state) => {
            workflow::state(c, state, false)
                .map_err(|e| e.named_in("target_state_id", "names no order state"))?;
        }
        None if t.triggers_state_change => {
            return Err(StoreError::invalid(
                "target_state_id",
                "depends",
                "a type that triggers a state change needs the state it moves orders to",
            ));
        }
        None => {}
    }
    Ok(())
}

/// The acting role may change message types; then the one configuration lock.
fn writing(c: &mut dyn Conn, actor: &Actor, action: Action) -> Result<(), StoreError> {
    policy::require_order_config_action(actor, action, WHAT)?;
    Ok(c.lock_key(CONFIG_LOCK)?)
}

pub async fn create(
    store: &Store,
    ctx: &Ctx,
    changes: MessageTypeChanges,
) -> Result<MessageType, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            writing(c, &ctx.actor, Action::Create)?;
            let mut t = MessageType::blank(record::acting_user(&ctx.actor), rapport_db::now());
            changes.apply_to(&mut t);
            check(c, &t)?;
            record::insert(c, &t)?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Create,
                names::MESSAGE_TYPE,
                t.id,
                None,
                Some(&t),
            )?;
            Ok(t)
        })
        .await
}

pub async fn get(store: &Store, _actor: &Actor, id: Uuid) -> Result<MessageType, StoreError> {
    store.db.read(move |c| find(c, id, false)).await
}

pub async fn list(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<Page<MessageType>, StoreError> {
    // Everyone signed in sees the configuration.
    let all = SqlBuf::new("TRUE");
    list::read_page(
        store,
        &SPEC,
        params,
        actor.user_id,
        all,
        Vec::new(),
        MessageType::from_row,
    )
    .await
}

pub async fn update(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    changes: MessageTypeChanges,
) -> Result<MessageType, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            writing(c, &ctx.actor, Action::Update)?;
            let before = find(c, id, true)?;
            StoreError::check_version(&if_match, before.version)?;
            let mut after = before.clone();
            changes.apply_to(&mut after);
            if after == before {
                return Ok(before);
            }
            check(c, &after)?;
            let after = record::touched(&before, &ctx.actor, after);
            record::update(c, &after)?;
            record::audit_update(c, &ctx, &before, &after)?;
            Ok(after)
        })
        .await
}

/// Deletes a type no message is of (409 naming `id` otherwise: deactivate it instead).
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
            let before = find(c, id, true)?;
            StoreError::check_version(&if_match, before.version)?;
            // Administrators, whom row security lets see every message, count them.
            let used: Option<i64> = c.query_scalar(
                "SELECT count(*) FROM messages WHERE message_type_id = ?",
                &[id.into()],
            )?;
            let used = used.unwrap_or(0);
            if used > 0 {
                return Err(StoreError::state(
                    "id",
                    format!(
                        "{used} message(s) are of the type {:?}; deactivate it instead (an inactive type takes no new messages)",
                        before.key
                    ),
                ));
            }
            record::remove(c, &ctx, &before)
        })
        .await
}
