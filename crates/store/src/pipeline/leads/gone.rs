//! Leads told that an account or a product they name went away, one by one so that the board's totals and the audit log stay in step.

use super::*;

/// Rewrites leads that point at `column = id` through `change`, keeping totals and the
/// audit log in step (a product deleted, an account merged away or deleted).
pub(super) fn rewrite_where(
    c: &mut dyn Conn,
    ctx: &Ctx,
    column: &str,
    id: Uuid,
    change: &dyn Fn(&mut Lead),
) -> Result<usize, StoreError> {
    let mut sql = format!("SELECT * FROM leads WHERE {column} = ? ORDER BY id");
    sql.push_str(&c.row_lock(None));
    let rows = c.query(&sql, &[id.into()])?;
    let mut n = 0;
    for row in rows {
        let before = Lead::from_row(&row)?;
        let mut after = before.clone();
        change(&mut after);
        if after == before {
            continue;
        }
        let after = record::touched(&before, &ctx.actor, after);
        save(c, &before, &after)?;
        record::audit_update(c, ctx, &before, &after)?;
        n += 1;
    }
    Ok(n)
}

/// A product is about to be deleted: its leads keep going without a product of interest
/// (seed 002).
pub(crate) fn product_gone(
    c: &mut dyn Conn,
    ctx: &Ctx,
    product: Uuid,
) -> Result<usize, StoreError> {
    rewrite_where(c, ctx, "product_id", product, &|l| l.product_id = None)
}

/// Points every lead that names account `from` (as its account, partner or
/// distributor) at `to` instead: the survivor of a merge, or nothing when the account is
/// deleted.
pub(crate) fn repoint_account(
    c: &mut dyn Conn,
    ctx: &Ctx,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<usize, StoreError> {
    let mut moved = 0;
    for column in ["account_id", "partner_id", "distributor_id"] {
        moved += rewrite_where(c, ctx, column, from, &|l| {
            for slot in [&mut l.account_id, &mut l.partner_id, &mut l.distributor_id] {
                if *slot == Some(from) {
                    *slot = to;
                }
            }
        })?;
    }
    Ok(moved)
}
