//! Account reps (seed 000): one primary and any number of secondary reps per account.
//! The primary rep is the account's owner; every path that changes one changes the
//! other in the same transaction (`rep_rows::sync_owner` is the only writer of primary rows).

use rapport_db::Conn;
use rapport_domain::account::AccountChanges;
use rapport_domain::input::Patch;
use rapport_domain::Ctx;
use serde::Serialize;
use uuid::Uuid;

use super::accounts::{check_owner, locked, update_in, visible};
use super::rep_rows::rows_of;
pub use super::rep_rows::{AccountRep, RepRole};
use crate::kernel::audit::{self, AuditAction};
use crate::policy::{self as scope, Action};
use crate::{SqlBuf, Store, StoreError};

const ENTITY: &str = crate::kernel::names::ACCOUNT_REP;

/// The reps of an account the actor can see, primary first.
pub async fn list(
    store: &Store,
    actor: &rapport_domain::Actor,
    account_id: Uuid,
) -> Result<Vec<AccountRep>, StoreError> {
    let actor = actor.clone();
    store
        .db
        .read(move |c| {
            visible(c, &actor, account_id)?;
            rows_of(c, &[account_id])
        })
        .await
}

fn rep_json(account_id: Uuid, user_id: Uuid, role: RepRole) -> serde_json::Value {
    serde_json::json!({"account_id": account_id, "user_id": user_id, "role": role.as_str()})
}

fn current_role(
    c: &mut dyn Conn,
    account_id: Uuid,
    user_id: Uuid,
) -> Result<Option<RepRole>, StoreError> {
    let role: Option<String> = c.query_scalar(
        "SELECT role FROM account_reps WHERE account_id = ? AND user_id = ?",
        &[account_id.into(), user_id.into()],
    )?;
    Ok(role.as_deref().and_then(RepRole::parse))
}

fn set_owner(
    c: &mut dyn Conn,
    ctx: &Ctx,
    account_id: Uuid,
    owner: Option<Uuid>,
) -> Result<(), StoreError> {
    update_in(c, ctx, account_id, rapport_domain::IfMatch::Any, |_| {
        Ok(AccountChanges {
            owner_id: owner.map_or(Patch::Null, Patch::Set),
            ..Default::default()
        })
    })?;
    Ok(())
}

fn add_secondary(
    c: &mut dyn Conn,
    ctx: &Ctx,
    account_id: Uuid,
    user_id: Uuid,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO account_reps (account_id, user_id, role, created_by, created_at) VALUES (?, ?, 'secondary', ?, ?)",
        &[
            account_id.into(),
            user_id.into(),
            Some(ctx.actor.user_id).filter(|u| !u.is_nil()).into(),
            rapport_db::now().into(),
        ],
    )?;
    audit::record(
        c,
        ctx,
        AuditAction::Create,
        ENTITY,
        account_id,
        None,
        Some(rep_json(account_id, user_id, RepRole::Secondary)),
    )
}

fn remove_secondary(
    c: &mut dyn Conn,
    ctx: &Ctx,
    account_id: Uuid,
    user_id: Uuid,
) -> Result<(), StoreError> {
    c.execute(
        "DELETE FROM account_reps WHERE account_id = ? AND user_id = ?",
        &[account_id.into(), user_id.into()],
    )?;
    audit::record(
        c,
        ctx,
        AuditAction::Delete,
        ENTITY,
        account_id,
        Some(rep_json(account_id, user_id, RepRole::Secondary)),
        None,
    )
}

/// Makes `user_id` a rep of the account in `role`. Making someone primary makes them
/// the owner (the previous owner stays on as a secondary rep); making the owner
/// secondary leaves the account without an owner.
pub async fn assign(
    store: &Store,
    ctx: &Ctx,
    account_id: Uuid,
    user_id: Uuid,
    role: RepRole,
) -> Result<Vec<AccountRep>, StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            locked(c, actor, account_id)?;
            scope::require_account_action(actor, Action::Update)?;
            scope::may_assign_owner(actor, Some(user_id)).map_err(|_| {
                StoreError::forbidden_field(
                    "user_id",
                    format!("the {} role may only assign themself", actor.role.as_str()),
                )
            })?;
            check_owner(c, Some(user_id))
                .map_err(|_| StoreError::invalid("user_id", "exists", "names no enabled user"))?;
            match (current_role(c, account_id, user_id)?, role) {
                (Some(now), wanted) if now == wanted => {}
                (_, RepRole::Primary) => set_owner(c, &ctx, account_id, Some(user_id))?,
                // Clearing the owner demotes them to a secondary rep.
                (Some(RepRole::Primary), RepRole::Secondary) => {
                    set_owner(c, &ctx, account_id, None)?
                }
                (_, RepRole::Secondary) => add_secondary(c, &ctx, account_id, user_id)?,
            }
            rows_of(c, &[account_id])
        })
        .await
}

/// Takes `user_id` off the account; removing the primary rep clears the owner.
pub async fn remove(
    store: &Store,
    ctx: &Ctx,
    account_id: Uuid,
    user_id: Uuid,
) -> Result<(), StoreError> {
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            locked(c, actor, account_id)?;
            scope::require_account_action(actor, Action::Update)?;
            scope::may_assign_owner(actor, Some(user_id)).map_err(|_| {
                StoreError::forbidden_field(
                    "user_id",
                    format!("the {} role may only remove themself", actor.role.as_str()),
                )
            })?;
            match current_role(c, account_id, user_id)? {
                None => Err(StoreError::NotFound {
                    entity: "account rep",
                }),
                Some(RepRole::Primary) => {
                    // Clearing the owner demotes them; then they leave.
                    set_owner(c, &ctx, account_id, None)?;
                    remove_secondary(c, &ctx, account_id, user_id)
                }
                Some(RepRole::Secondary) => remove_secondary(c, &ctx, account_id, user_id),
            }
        })
        .await
}

/// Which of a rep's assignments a reassignment moves.
#[derive(Debug, Clone, Default)]
pub struct ReassignFilter {
    /// `None`: both primary and secondary assignments.
    pub role: Option<RepRole>,
    pub kind: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub tag: Option<String>,
    pub include_archived: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Reassigned {
    /// Accounts whose reps changed.
    pub accounts: usize,
    pub account_ids: Vec<Uuid>,
}

/// Moves a rep's book (or the filtered part of it) to another user in one transaction:
/// primary assignments change the owner, secondary ones move the secondary row. Each
/// changed account gets its own audit row, and the whole operation one more.
pub async fn reassign(
    store: &Store,
    ctx: &Ctx,
    from: Uuid,
    to: Uuid,
    filter: ReassignFilter,
) -> Result<Reassigned, StoreError> {
    scope::require_bulk_reshape(&ctx.actor, "reassign reps")?;
    if from == to {
        return Err(StoreError::invalid(
            "to_user_id",
            "different",
            "must differ from from_user_id",
        ));
    }
    let ctx = ctx.clone();
    store
        .db
        .write(move |c| {
            let actor = &ctx.actor;
            let exists: Option<i64> = c.query_scalar("SELECT 1 FROM users WHERE id = ?", &[from.into()])?;
            if exists.is_none() {
                return Err(StoreError::invalid("from_user_id", "exists", "names no user"));
            }
            check_owner(c, Some(to)).map_err(|_| StoreError::invalid("to_user_id", "exists", "names no enabled user"))?;
            let mut q = SqlBuf::new(
                "SELECT accounts.id AS id, r.role AS role FROM account_reps r JOIN accounts ON accounts.id = r.account_id WHERE r.user_id = ",
            );
            q.bind(from).push(" AND (").append(scope::accounts_visible(actor)).push(")");
            if let Some(role) = filter.role {
                q.push(" AND r.role = ").bind(role.as_str());
            }
            if !filter.include_archived {
                q.push(" AND accounts.archived_at IS NULL");
            }
            if let Some(kind) = &filter.kind {
                q.push(" AND accounts.kind = ").bind(kind.clone());
            }
            if let Some(country) = &filter.country {
                q.push(" AND accounts.country = ").bind(country.clone());
            }
            if let Some(region) = &filter.region {
                q.push(" AND accounts.region = ").bind(region.clone());
            }
            if let Some(tag) = &filter.tag {
                q.push(" AND EXISTS (SELECT 1 FROM account_tags t WHERE t.account_id = accounts.id AND t.tag = ")
                    .bind(tag.clone())
                    .push(")");
            }
            q.push(" ORDER BY accounts.id");
            let rows = c.query(&q.sql, &q.params)?;
            let mut moved = Vec::with_capacity(rows.len());
            for row in rows {
                let id: Uuid = row.get("id")?;
                let role: String = row.get("role")?;
                if role == "primary" {
                    // The new owner takes over; the old one leaves the account rather
                    // than staying on as a secondary rep.
                    set_owner(c, &ctx, id, Some(to))?;
                    remove_secondary(c, &ctx, id, from)?;
                } else {
                    remove_secondary(c, &ctx, id, from)?;
                    if current_role(c, id, to)?.is_none() {
                        add_secondary(c, &ctx, id, to)?;
                    }
                }
                moved.push(id);
            }
            audit::record(
                c,
                &ctx,
                AuditAction::Reassign,
                "user",
                from,
                Some(serde_json::json!({"user_id": from})),
                Some(serde_json::json!({"user_id": to, "account_ids": moved})),
            )?;
            Ok(Reassigned { accounts: moved.len(), account_ids: moved })
        })
        .await
}
