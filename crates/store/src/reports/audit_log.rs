//! The audit log as admins read it: a list with filters, and one record's entries.

use chrono::{DateTime, Utc};
use rapport_db::{Conn, Row, Value};
use rapport_domain::Actor;
use serde::Serialize;
use uuid::Uuid;

use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::policy;
use crate::{SqlBuf, Store, StoreError};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_email: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

fn entry(r: &Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        id: r.get("id")?,
        at: r.get("at")?,
        actor_id: r.get("actor_id")?,
        actor_email: r.get("actor_email")?,
        action: r.get("action")?,
        entity_type: r.get("entity_type")?,
        entity_id: r.get("entity_id")?,
        before: r.get("before")?,
        after: r.get("after")?,
        request_id: r.get("request_id")?,
        ip: r.get("ip")?,
        user_agent: r.get("user_agent")?,
    })
}

/// What the list accepts; the API document describes its sort from it too.
pub static SPEC: ListSpec = ListSpec {
    table: "audit_log",
    sortable: &[Field::new("at", "at", Kind::Timestamp)],
    default_sort: "-at",
    filters: &[
        Field::new("entity_type", "entity_type", Kind::Text),
        Field::new("entity_id", "entity_id", Kind::Uuid),
        Field::new("actor_id", "actor_id", Kind::Uuid),
        Field::new("action", "action", Kind::Text),
        Field::new("request_id", "request_id", Kind::Text),
        Field::new("at", "at", Kind::Timestamp),
    ],
    search: None,
};

pub async fn list(
    store: &Store,
    actor: &Actor,
    params: ListParams,
) -> Result<Page<AuditEntry>, StoreError> {
    policy::require_audit_reader(actor)?;
    let me = actor.user_id;
    store
        .db
        .read(move |c| {
            list::run(c, &SPEC, &params, me, SqlBuf::new("TRUE"), Vec::new())?
                .try_map(|r| entry(&r))
        })
        .await
}

/// Entries about one record, oldest first (used by tests and, later, timelines).
pub fn for_entity(
    conn: &mut dyn Conn,
    entity_type: &str,
    id: Uuid,
) -> Result<Vec<AuditEntry>, StoreError> {
    conn.query(
        "SELECT * FROM audit_log WHERE entity_type = ? AND entity_id = ? ORDER BY at, id",
        &[entity_type.into(), Value::Uuid(id)],
    )?
    .iter()
    .map(entry)
    .collect()
}
