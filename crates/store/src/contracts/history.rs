//! A contract's status: the moves a person makes (an active contract ends lost,
//! upgraded, downgraded or cancelled), the one the expiry job makes, and the history
//! every move writes in the same transaction.

use rapport_db::{Conn, Row};
use rapport_domain::contract::{Contract, ContractStatus, ContractStatusChange, StatusMove};
use rapport_domain::{Actor, Ctx, IfMatch};
use uuid::Uuid;

use crate::kernel::list::{self, Field, Kind, ListParams, ListSpec, Page};
use crate::kernel::record::{self, Column};
use crate::policy as scope;
use crate::{SqlBuf, Store, StoreError};

use super::contracts::{record_move, save, visible, writable};

static HISTORY_SPEC: ListSpec = ListSpec {
    table: "contract_status_history",
    sortable: &[Field::new("changed_at", "changed_at", Kind::Timestamp)],
    default_sort: "changed_at",
    filters: &[],
    search: None,
};

/// Moves `before` (found and locked by the caller) to `to`: a new version, the history
/// row and the audit row. Only an active contract moves: any other answers 409 naming
/// `status`. Cancelling stamps `cancelled_at`.
pub(crate) fn move_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    before: Contract,
    to: ContractStatus,
    reason: Option<String>,
) -> Result<Contract, StoreError> {
    if before.status != ContractStatus::Active {
        return Err(StoreError::state(
            "status",
            format!(
                "the contract is {}; only an active contract changes status",
                before.status.as_str()
            ),
        ));
    }
    let mut after = record::touched(&before, &ctx.actor, before.clone());
    after.status = to;
    if to == ContractStatus::Cancelled {
        after.cancelled_at = Some(after.updated_at);
    }
    save(c, &after)?;
    record_move(
        c,
        &ctx.actor,
        &after,
        Some(before.status),
        reason,
        after.updated_at,
    )?;
    record::audit_update(c, ctx, &before, &after)?;
    Ok(after)
}

/// `POST /contracts/{id}/status`: ends an active contract (admins, managers, and reps on
/// the contracts they see).
pub async fn change_status(
    store: &Store,
    ctx: &Ctx,
    id: Uuid,
    if_match: IfMatch,
    change: StatusMove,
) -> Result<Contract, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let allowed = || scope::require_contract_status_change(actor);
            let before = writable(c, actor, id, allowed, if_match)?;
            move_in(c, &ctx, before, change.status, change.reason)
        })
        .await
}

fn from_row(r: &Row) -> Result<ContractStatusChange, StoreError> {
    Ok(ContractStatusChange {
        id: r.get("id")?,
        contract_id: r.get("contract_id")?,
        from_status: Column::read(r, "from_status")?,
        to_status: Column::read(r, "to_status")?,
        reason: r.get("reason")?,
        changed_by: r.get("changed_by")?,
        changed_at: r.get("changed_at")?,
    })
}

/// The status changes meeting `sql_where` (over `contract_status_history h`, with its
/// order and limit): the contract's timeline reads them beside its notes.
pub(crate) fn rows(
    c: &mut dyn Conn,
    sql_where: SqlBuf,
) -> Result<Vec<ContractStatusChange>, StoreError> {
    let mut q = SqlBuf::new("SELECT h.* FROM contract_status_history h WHERE ");
    q.append(sql_where);
    c.query(&q.sql, &q.params)?.iter().map(from_row).collect()
}

/// A contract's status history, oldest first.
pub async fn history(
    store: &Store,
    actor: &Actor,
    id: Uuid,
    params: ListParams,
) -> Result<Page<ContractStatusChange>, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            visible(c, &actor, id)?;
            let mut of_contract = SqlBuf::new("contract_id = ");
            of_contract.bind(id);
            list::run(
                c,
                &HISTORY_SPEC,
                &params,
                actor.user_id,
                of_contract,
                Vec::new(),
            )?
            .try_map(|r| from_row(&r))
        })
        .await
}
