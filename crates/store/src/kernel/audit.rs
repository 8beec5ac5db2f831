//! Recording the audit log: one row per change, written in the same transaction as the
//! change. Reading it back is `reports::audit_log`.

use rapport_db::{Conn, Value};
use rapport_domain::{new_id, Ctx};
use serde::Serialize;
use uuid::Uuid;

use crate::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Create,
    Update,
    Archive,
    Restore,
    Delete,
    Revoke,
    Merge,
    Reassign,
    /// Legacy records attached to an account in bulk (distribution names).
    Link,
    /// A whole list taken out (CSV), recorded with its filters and row count.
    Export,
}

impl AuditAction {
    /// What archiving (true) or restoring (false) a record is recorded as.
    pub fn archiving(archived: bool) -> Self {
        if archived {
            AuditAction::Archive
        } else {
            AuditAction::Restore
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Archive => "archive",
            AuditAction::Restore => "restore",
            AuditAction::Delete => "delete",
            AuditAction::Revoke => "revoke",
            AuditAction::Merge => "merge",
            AuditAction::Reassign => "reassign",
            AuditAction::Link => "link",
            AuditAction::Export => "export",
        }
    }
}

const INSERT: &str = "INSERT INTO audit_log (id, at, actor_id, actor_email, action, entity_type, \
     entity_id, before, after, request_id, ip, user_agent) VALUES ";
/// Rows per statement in [`record_created`]: 12 parameters each.
const ROWS_PER_INSERT: usize = 500;

fn row(
    ctx: &Ctx,
    action: AuditAction,
    entity_type: &str,
    entity_id: Option<Uuid>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Vec<Value> {
    // A nil actor is the command line acting without a user.
    let actor_id = (!ctx.actor.user_id.is_nil()).then_some(ctx.actor.user_id);
    vec![
        new_id().into(),
        rapport_db::now().into(),
        actor_id.into(),
        ctx.actor.email.clone().into(),
        action.as_str().into(),
        entity_type.into(),
        entity_id.into(),
        before.into(),
        after.into(),
        ctx.request_id.clone().into(),
        ctx.ip.clone().into(),
        ctx.user_agent.clone().into(),
    ]
}

/// Records one change. `before`/`after` are the whole record as the API shows it (or
/// `None` where it did not exist); secrets never go in here.
pub fn record(
    conn: &mut dyn Conn,
    ctx: &Ctx,
    action: AuditAction,
    entity_type: &str,
    entity_id: Uuid,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), StoreError> {
    let values = row(ctx, action, entity_type, Some(entity_id), before, after);
    insert(conn, values)
}

/// Records something done to a set of records rather than one (an export): no entity
/// id, and `details` as the `after` value.
pub fn record_about_many(
    conn: &mut dyn Conn,
    ctx: &Ctx,
    action: AuditAction,
    entity_type: &str,
    details: serde_json::Value,
) -> Result<(), StoreError> {
    insert(
        conn,
        row(ctx, action, entity_type, None, None, Some(details)),
    )
}

fn insert(conn: &mut dyn Conn, values: Vec<Value>) -> Result<(), StoreError> {
    let marks = vec!["?"; values.len()].join(", ");
    conn.execute(&format!("{INSERT}({marks})"), &values)?;
    Ok(())
}

/// Records the creation of many records at once (bulk endpoints), one row each, in
/// multi-row statements.
pub fn record_created<T: Serialize>(
    conn: &mut dyn Conn,
    ctx: &Ctx,
    entity_type: &str,
    records: &[(Uuid, &T)],
) -> Result<(), StoreError> {
    for chunk in records.chunks(ROWS_PER_INSERT) {
        let mut q = crate::SqlBuf::new(INSERT);
        for (i, (id, record)) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            let after = serde_json::to_value(record).ok();
            q.bind_list(row(
                ctx,
                AuditAction::Create,
                entity_type,
                Some(*id),
                None,
                after,
            ));
        }
        conn.execute(&q.sql, &q.params)?;
    }
    Ok(())
}

/// Records one change of a record that serialises as the API shows it.
pub fn record_change<T: Serialize>(
    conn: &mut dyn Conn,
    ctx: &Ctx,
    action: AuditAction,
    entity_type: &str,
    entity_id: Uuid,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), StoreError> {
    let json = |v: Option<&T>| v.and_then(|v| serde_json::to_value(v).ok());
    record(
        conn,
        ctx,
        action,
        entity_type,
        entity_id,
        json(before),
        json(after),
    )
}
