//! Links told that their account or person went away: moved into a merge's survivor, or audited before a delete cascades.

use super::*;

/// An account went away: merged into `to` (a person already linked to the survivor
/// keeps that link and the duplicate's goes; a primary contact stays primary only if
/// the survivor has none) or deleted (`to` is None; each link is audited before the
/// database's cascade removes it). Returns how many links the account had.
pub(crate) fn account_gone(
    c: &mut dyn Conn,
    ctx: &Ctx,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<usize, StoreError> {
    let links = rows_where(c, "account_id", from)?;
    let moved = links.len();
    let Some(to) = to else {
        audit_each_removed(c, ctx, &links)?;
        return Ok(moved);
    };
    for link in links {
        let taken: Option<Uuid> = c.query_scalar(
            "SELECT id FROM account_contacts WHERE account_id = ? AND contact_id = ?",
            &[to.into(), link.contact_id.into()],
        )?;
        if let Some(kept) = taken {
            c.execute(
                "DELETE FROM account_contacts WHERE id = ?",
                &[link.id.into()],
            )?;
            audit_each_removed(c, ctx, std::slice::from_ref(&link))?;
            if link.is_primary_account {
                // The person's primary account was the duplicate: it is now the survivor.
                c.execute(
                    "UPDATE account_contacts SET is_primary_account = ? WHERE id = ?",
                    &[true.into(), kept.into()],
                )?;
            }
            continue;
        }
        let survivor_primary: Option<Uuid> = c.query_scalar(
            "SELECT id FROM account_contacts WHERE account_id = ? AND is_primary",
            &[to.into()],
        )?;
        let mut after = link.clone();
        after.account_id = to;
        after.is_primary = link.is_primary && survivor_primary.is_none();
        after.version += 1;
        after.updated_at = rapport_db::now().max(link.updated_at);
        c.execute(
            "UPDATE account_contacts SET account_id = ?, is_primary = ?, version = ?, updated_at = ? WHERE id = ?",
            &[to.into(), after.is_primary.into(), after.version.into(), after.updated_at.into(), link.id.into()],
        )?;
        audit::record_change(
            c,
            ctx,
            AuditAction::Update,
            ENTITY,
            link.id,
            Some(&link),
            Some(&after),
        )?;
    }
    Ok(moved)
}

/// A person is about to be deleted: each of their links is audited before the
/// database's cascade removes it.
pub(crate) fn contact_gone(c: &mut dyn Conn, ctx: &Ctx, contact: Uuid) -> Result<(), StoreError> {
    let links = rows_where(c, "contact_id", contact)?;
    audit_each_removed(c, ctx, &links)
}

pub(super) fn audit_each_removed(
    c: &mut dyn Conn,
    ctx: &Ctx,
    links: &[AccountContact],
) -> Result<(), StoreError> {
    for link in links {
        audit::record_change(
            c,
            ctx,
            AuditAction::Delete,
            ENTITY,
            link.id,
            Some(link),
            None,
        )?;
    }
    Ok(())
}
