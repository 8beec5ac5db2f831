//! Contracts told that an account they name went away: merged into a survivor (they
//! follow it) or deleted (they keep going without it), each change audited.

use rapport_db::Conn;
use rapport_domain::contract::Contract;
use rapport_domain::Ctx;
use uuid::Uuid;

use crate::kernel::record::{self, Record};
use crate::StoreError;

use super::contracts::save;

/// Points every contract that names account `from` (as its account, partner or
/// distributor) at `to` instead: the survivor of a merge, or nothing when the account
/// is deleted. Returns how many contracts changed.
pub(crate) fn account_gone(
    c: &mut dyn Conn,
    ctx: &Ctx,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<usize, StoreError> {
    let mut sql = "SELECT * FROM contracts WHERE account_id = ? OR partner_id = ? OR distributor_id = ? ORDER BY id"
        .to_owned();
    sql.push_str(&c.row_lock(None));
    let rows = c.query(&sql, &[from.into(), from.into(), from.into()])?;
    let mut moved = 0;
    for row in rows {
        let before = Contract::from_row(&row)?;
        let mut after = before.clone();
        for slot in [
            &mut after.account_id,
            &mut after.partner_id,
            &mut after.distributor_id,
        ] {
            if *slot == Some(from) {
                *slot = to;
            }
        }
        let after = record::touched(&before, &ctx.actor, after);
        save(c, &after)?;
        record::audit_update(c, ctx, &before, &after)?;
        moved += 1;
    }
    Ok(moved)
}
