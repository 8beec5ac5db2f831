//! Activities told that the record they hang off went away: moved into a merge's survivor, or audited before a delete cascades (and removed, for a person's own).

use super::*;

/// An account went away: its activities follow it into the survivor of a merge, or,
/// when it is deleted, are each audited before the database's cascade removes them.
/// Returns how many moved (0 on a delete).
pub(crate) fn account_gone(
    c: &mut dyn Conn,
    ctx: &Ctx,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<u64, StoreError> {
    match to {
        Some(to) => Ok(c.execute(
            "UPDATE activities SET account_id = ? WHERE account_id = ?",
            &[to.into(), from.into()],
        )?),
        None => {
            audit_removal(c, ctx, "account_id", from)?;
            Ok(0)
        }
    }
}

/// A lead is about to be deleted: its activities are each audited before the
/// database's cascade removes them.
pub(crate) fn lead_gone(c: &mut dyn Conn, ctx: &Ctx, lead: Uuid) -> Result<(), StoreError> {
    audit_removal(c, ctx, "lead_id", lead)
}

/// An order is about to be deleted: its notes and comments are each audited before the
/// database's cascade removes them.
pub(crate) fn order_gone(c: &mut dyn Conn, ctx: &Ctx, order: Uuid) -> Result<(), StoreError> {
    audit_removal(c, ctx, "order_id", order)
}

/// Before a delete cascades to the activities linked through `column = id`, records
/// each in the audit log (notes under their own entity name, as the notes API shows
/// them).
pub(super) fn audit_removal(
    c: &mut dyn Conn,
    ctx: &Ctx,
    column: &str,
    id: Uuid,
) -> Result<(), StoreError> {
    let rows = c.query(
        &format!("SELECT * FROM activities WHERE {column} = ? ORDER BY created_at, id"),
        &[id.into()],
    )?;
    for row in rows {
        let a = Activity::from_row(&row)?;
        if a.kind == ActivityKind::Note && a.account_id.is_some() {
            let note = crate::timeline::notes::from_row(&row)?;
            audit::record_change(
                c,
                ctx,
                AuditAction::Delete,
                crate::timeline::notes::ENTITY,
                a.id,
                Some(&note),
                None,
            )?;
        } else {
            audit::record_change(c, ctx, AuditAction::Delete, ENTITY, a.id, Some(&a), None)?;
        }
    }
    Ok(())
}

/// A person is about to be deleted: the activities linked to them and to nothing else go
/// (the database refuses an activity without a link), each audited.
pub(crate) fn contact_gone(c: &mut dyn Conn, ctx: &Ctx, contact: Uuid) -> Result<(), StoreError> {
    let only = "contact_id = ? AND account_id IS NULL AND lead_id IS NULL \
                AND order_id IS NULL AND contract_id IS NULL";
    let rows = c.query(
        &format!("SELECT * FROM activities WHERE {only} ORDER BY created_at, id"),
        &[contact.into()],
    )?;
    for row in rows {
        let a = Activity::from_row(&row)?;
        audit::record_change(c, ctx, AuditAction::Delete, ENTITY, a.id, Some(&a), None)?;
    }
    c.execute(
        &format!("DELETE FROM activities WHERE {only}"),
        &[contact.into()],
    )?;
    Ok(())
}
