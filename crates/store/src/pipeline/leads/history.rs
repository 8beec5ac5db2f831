//! A lead's status history: the row every move writes, and reading it back.

use super::*;

pub(super) static HISTORY_SPEC: ListSpec = ListSpec {
    table: "lead_status_history",
    sortable: &[Field::new("changed_at", "changed_at", Kind::Timestamp)],
    default_sort: "changed_at",
    filters: &[],
    search: None,
};

pub(super) fn record_move(
    c: &mut dyn Conn,
    actor: &Actor,
    lead: &Lead,
    old: Option<LeadStatus>,
    reason: Option<String>,
    reopened: bool,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO lead_status_history (id, lead_id, old_status, new_status, reason, reopened, changed_by, changed_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            rapport_domain::new_id().into(),
            lead.id.into(),
            old.map(LeadStatus::as_str).into(),
            lead.status.as_str().into(),
            reason.into(),
            reopened.into(),
            Some(actor.user_id).filter(|u| !u.is_nil()).into(),
            lead.updated_at.into(),
        ],
    )?;
    Ok(())
}

pub(super) fn history_from_row(r: &Row) -> Result<StatusChange, StoreError> {
    Ok(StatusChange {
        id: r.get("id")?,
        lead_id: r.get("lead_id")?,
        old_status: Column::read(r, "old_status")?,
        new_status: Column::read(r, "new_status")?,
        reason: r.get("reason")?,
        reopened: r.get("reopened")?,
        changed_by: r.get("changed_by")?,
        changed_at: r.get("changed_at")?,
    })
}

/// A lead's status history, oldest first.
pub async fn history(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    params: ListParams,
) -> Result<Page<StatusChange>, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            visible(c, &actor, id)?;
            let mut of_lead = SqlBuf::new("lead_id = ");
            of_lead.bind(id);
            list::run(
                c,
                &HISTORY_SPEC,
                &params,
                actor.user_id,
                of_lead,
                Vec::new(),
            )?
            .try_map(|r| history_from_row(&r))
        })
        .await
}

/// Rows of a lead's history, for timelines: newest first, before `before` when given.
pub(crate) fn history_rows(
    c: &mut dyn Conn,
    sql_where: SqlBuf,
) -> Result<Vec<StatusChange>, StoreError> {
    let mut q = SqlBuf::new("SELECT h.* FROM lead_status_history h WHERE ");
    q.append(sql_where);
    c.query(&q.sql, &q.params)?
        .iter()
        .map(history_from_row)
        .collect()
}
