//! Messages (seed 003; docs/lab.md): sent once, never edited; read per recipient. A
//! message whose type triggers a state change moves its order along the workflow in the
//! message's own transaction (`contracts::moves::move_order_in`, so a move that opens a
//! contract opens it too), with the message named as the reason in the order's history:
//! when the move is refused, nothing of the message is written.

use std::collections::HashMap;

use rapport_db::{Conn, Row};
use rapport_domain::input::Patch;
use rapport_domain::message::{Message, MessageChanges, MessageType, Recipient};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use super::message_types;
use crate::contracts::moves::move_order_in;
use crate::kernel::audit::{self, AuditAction};
use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::names;
use crate::kernel::record::{self, Column};
use crate::orders::{orders, workflow};
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

/// What the list accepts; `unread=true` (the caller's unread messages) is read apart.
pub static SPEC: ListSpec = ListSpec {
    table: "messages",
    sortable: &[Field::new("created_at", "created_at", Kind::Timestamp)],
    default_sort: "-created_at",
    filters: &[
        Field::new("order_id", "order_id", Kind::Uuid).nullable(),
        Field::new("sender_id", "sender_id", Kind::Uuid).nullable(),
        Field::new("sender", "sender_id", Kind::Uuid).nullable(),
        Field::new("message_type_id", "message_type_id", Kind::Uuid),
        Field::new("legacy_id", "legacy_id", Kind::Text).nullable(),
        Field::new("created_at", "created_at", Kind::Timestamp),
    ],
    search: None,
};

fn from_row(r: &Row) -> Result<Message, StoreError> {
    Ok(Message {
        id: r.get("id")?,
        message_type_id: r.get("message_type_id")?,
        order_id: r.get("order_id")?,
        sender_id: r.get("sender_id")?,
        subject: r.get("subject")?,
        body: r.get("body")?,
        moved_order_to: r.get("moved_order_to")?,
        metadata: Column::read(r, "metadata")?,
        legacy_id: r.get("legacy_id")?,
        created_at: r.get("created_at")?,
        version: 1,
        message_type: String::new(),
        recipients: Vec::new(),
    })
}

/// Fills in each message's type key and the recipients the actor may see.
fn complete(
    c: &mut dyn Conn,
    actor: &Actor,
    mut messages: Vec<Message>,
) -> Result<Vec<Message>, StoreError> {
    if messages.is_empty() {
        return Ok(messages);
    }
    let keys: HashMap<Uuid, String> = c
        .query("SELECT id, key FROM message_types", &[])?
        .iter()
        .map(|r| Ok((r.get("id")?, r.get("key")?)))
        .collect::<Result<_, StoreError>>()?;
    let mut q = SqlBuf::new(
        "SELECT message_id, user_id, read_at FROM message_recipients WHERE message_id IN (",
    );
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(m.id);
    }
    q.push(") AND ")
        .append(scope::message_recipients_visible(actor))
        .push(" ORDER BY user_id");
    let mut by_message: HashMap<Uuid, Vec<Recipient>> = HashMap::new();
    for r in c.query(&q.sql, &q.params)? {
        by_message
            .entry(r.get("message_id")?)
            .or_default()
            .push(Recipient {
                user_id: r.get("user_id")?,
                read_at: r.get("read_at")?,
            });
    }
    for m in &mut messages {
        m.message_type = keys.get(&m.message_type_id).cloned().unwrap_or_default();
        m.recipients = by_message.remove(&m.id).unwrap_or_default();
    }
    Ok(messages)
}

pub(crate) fn visible(c: &mut dyn Conn, actor: &Actor, id: Uuid) -> Result<Message, StoreError> {
    let mut q = SqlBuf::new("SELECT * FROM messages WHERE id = ");
    q.bind(id)
        .push(" AND ")
        .append(scope::messages_visible(actor));
    let row = c
        .query_one(&q.sql, &q.params)?
        .ok_or(StoreError::NotFound {
            entity: names::MESSAGE,
        })?;
    let message = from_row(&row)?;
    complete(c, actor, vec![message])?
        .pop()
        .ok_or(StoreError::NotFound {
            entity: names::MESSAGE,
        })
}

/// The type named, active (422 naming `message_type_id` otherwise).
fn usable_type(c: &mut dyn Conn, id: Uuid) -> Result<MessageType, StoreError> {
    let kind = message_types::find(c, id, false)
        .map_err(|e| e.named_in("message_type_id", "names no message type"))?;
    if !kind.active {
        return Err(StoreError::invalid(
            "message_type_id",
            "active",
            format!("{} is an inactive message type", kind.key),
        ));
    }
    Ok(kind)
}

/// A refusal of the move, told about the message: the field at fault is its type.
fn as_message_error(e: StoreError, kind: &MessageType) -> StoreError {
    let told = |message: String| {
        format!(
            "a {} message moves its order, and that move is refused: {message}",
            kind.key
        )
    };
    match e {
        StoreError::State { field, message } if field == "to" || field == "state_id" => {
            StoreError::state("message_type_id", told(message))
        }
        StoreError::Invalid(mut invalid) => {
            for error in &mut invalid.0 {
                if error.field == "to" {
                    error.field = "message_type_id".into();
                    error.message = told(error.message.clone());
                }
            }
            StoreError::Invalid(invalid)
        }
        other => other,
    }
}

/// Moves the message's order to its type's target state (the message is the reason).
/// Returns the key of the state entered.
fn move_order(
    c: &mut dyn Conn,
    ctx: &Ctx,
    message: &Message,
    kind: &MessageType,
) -> Result<String, StoreError> {
    let Some(order_id) = message.order_id else {
        return Err(StoreError::invalid(
            "order_id",
            "depends",
            format!(
                "a {} message moves its order to another state: name the order",
                kind.key
            ),
        ));
    };
    let target = kind
        .target_state_id
        .map(|id| workflow::state(c, id, false))
        .transpose()
        .ok()
        .flatten()
        .ok_or_else(|| {
            StoreError::state(
                "message_type_id",
                format!(
                    "the {} type's target state no longer exists; an administrator must name another",
                    kind.key
                ),
            )
        })?;
    let reason = format!("message {} ({})", message.id, kind.name);
    move_order_in(c, ctx, order_id, &target.key, Some(reason), IfMatch::Any)
        .map_err(|e| as_message_error(e, kind))?;
    Ok(target.key)
}

fn insert(c: &mut dyn Conn, m: &Message) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO messages (id, message_type_id, order_id, sender_id, subject, body, metadata, \
         legacy_id, moved_order_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            m.id.into(),
            m.message_type_id.into(),
            m.order_id.into(),
            m.sender_id.into(),
            m.subject.clone().into(),
            m.body.clone().into(),
            m.metadata.to_value(),
            m.legacy_id.clone().into(),
            m.moved_order_to.clone().into(),
            m.created_at.into(),
        ],
    )
    .map_err(|e| StoreError::legacy_taken(e, "message"))?;
    for r in &m.recipients {
        c.execute(
            "INSERT INTO message_recipients (message_id, user_id, order_id, sender_id) VALUES (?, ?, ?, ?)",
            &[m.id.into(), r.user_id.into(), m.order_id.into(), m.sender_id.into()],
        )?;
    }
    Ok(())
}

/// Sends a message: its type active, its order one the caller sees, its recipients
/// enabled users. A type that triggers a state change moves the order first; a refused
/// move refuses the message and nothing is written.
pub async fn send(
    store: &Store,
    ctx: &Ctx,
    changes: MessageChanges,
) -> Result<Message, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            scope::require_message_send(actor)?;
            let set = |p: Patch<Uuid>| match p {
                Patch::Set(v) => Some(v),
                _ => None,
            };
            let Some(type_id) = set(changes.message_type_id) else {
                return Err(StoreError::invalid(
                    "message_type_id",
                    "required",
                    "is required",
                ));
            };
            let kind = usable_type(c, type_id)?;
            let order_id = set(changes.order_id);
            if let Some(order) = order_id {
                orders::visible(c, actor, order)
                    .map_err(|e| e.named_in("order_id", "names no order you can see"))?;
            }
            let recipients = match changes.recipient_ids {
                Patch::Set(ids) => ids,
                _ => Vec::new(),
            };
            for (i, user) in recipients.iter().enumerate() {
                crate::auth::users::check_enabled(c, &format!("recipient_ids[{i}]"), *user)?;
            }
            let text = |p: Patch<String>| match p {
                Patch::Set(v) => Some(v),
                _ => None,
            };
            let mut message = Message {
                id: rapport_domain::new_id(),
                message_type_id: kind.id,
                message_type: kind.key.clone(),
                order_id,
                sender_id: record::acting_user(actor),
                subject: text(changes.subject),
                body: text(changes.body).unwrap_or_default(),
                recipients: recipients
                    .into_iter()
                    .map(|user_id| Recipient {
                        user_id,
                        read_at: None,
                    })
                    .collect(),
                moved_order_to: None,
                metadata: match changes.metadata {
                    Patch::Set(m) => m,
                    _ => Default::default(),
                },
                legacy_id: text(changes.legacy_id),
                created_at: rapport_db::now(),
                version: 1,
            };
            if kind.triggers_state_change {
                message.moved_order_to = Some(move_order(c, &ctx, &message, &kind)?);
            }
            insert(c, &message)?;
            audit::record_change(
                c,
                &ctx,
                AuditAction::Create,
                names::MESSAGE,
                message.id,
                None,
                Some(&message),
            )?;
            Ok(message)
        })
        .await
}

pub async fn get(store: &Store, actor: &Actor, id: Uuid) -> Result<Message, StoreError> {
    let actor = actor.clone();
    store.db.read(move |c| visible(c, &actor, id)).await
}

/// The messages the actor sees, newest first (`order_id=`, `sender=me`…); with
/// `unread=true` only those sent to the actor and not yet read by them.
pub async fn list(
    store: &Store,
    actor: &Actor,
    mut params: ListParams,
) -> Result<Page<Message>, StoreError> {
    let mut extra = Vec::new();
    match params.take_filter("unread").last().map(String::as_str) {
        None | Some("false") => {}
        Some("true") => {
            let mut b = SqlBuf::new(
                "EXISTS (SELECT 1 FROM message_recipients ur WHERE ur.message_id = messages.id AND ur.read_at IS NULL AND ur.user_id = ",
            );
            b.bind(actor.user_id).push(")");
            extra.push(b);
        }
        Some(other) => {
            return Err(StoreError::bad_request(
                "unread",
                "enum",
                format!("must be true or false, not {other:?}"),
            ))
        }
    }
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            let page = list::run(
                c,
                &SPEC,
                &params,
                actor.user_id,
                scope::messages_visible(&actor),
                extra,
            )?;
            let page = page.try_map(|r| from_row(&r))?;
            Ok(Page {
                data: complete(c, &actor, page.data)?,
                next_cursor: page.next_cursor,
                total: page.total,
                total_exact: page.total_exact,
            })
        })
        .await
}

/// Marks a message read for the actor, who must be one of its recipients (409 naming
/// `recipient_ids` otherwise). Reading it twice keeps the first time.
pub async fn mark_read(store: &Store, ctx: &Ctx, id: Uuid) -> Result<Message, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            visible(c, actor, id)?;
            let changed = c.execute(
                "UPDATE message_recipients SET read_at = ? WHERE message_id = ? AND user_id = ? AND read_at IS NULL",
                &[rapport_db::now().into(), id.into(), actor.user_id.into()],
            )?;
            let message = visible(c, actor, id)?;
            if !message.recipients.iter().any(|r| r.user_id == actor.user_id) {
                return Err(StoreError::state(
                    "recipient_ids",
                    "the message was not sent to you; only its recipients mark it read",
                ));
            }
            if changed > 0 {
                audit::record_change(c, &ctx, AuditAction::Update, names::MESSAGE, id, None, Some(&message))?;
            }
            Ok(message)
        })
        .await
}

/// Messages `h` meeting `condition` (over `messages h`, with its order and limit), each
/// with its type and visible recipients: an order's timeline reads them so, the actor
/// having been checked to see the order.
pub(crate) fn rows(
    c: &mut dyn Conn,
    actor: &Actor,
    condition: SqlBuf,
) -> Result<Vec<Message>, StoreError> {
    let mut q = SqlBuf::new("SELECT h.* FROM messages h WHERE ");
    q.append(condition);
    let found = c
        .query(&q.sql, &q.params)?
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?;
    complete(c, actor, found)
}
