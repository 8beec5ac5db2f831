//! The rows of `account_reps` as the other customer modules need them: read, kept in
//! step with an account's owner, and moved or dropped when an account goes away. Apart
//! from `reps` (the API) so that accounts can keep their primary rep in step without
//! importing the module that imports them.

use chrono::{DateTime, Utc};
use rapport_db::Conn;
use rapport_domain::Ctx;
use serde::Serialize;
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::{SqlBuf, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RepRole {
    Primary,
    Secondary,
}

impl RepRole {
    pub fn as_str(self) -> &'static str {
        match self {
            RepRole::Primary => "primary",
            RepRole::Secondary => "secondary",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "primary" => Some(RepRole::Primary),
            "secondary" => Some(RepRole::Secondary),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AccountRep {
    pub account_id: Uuid,
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
    pub role: RepRole,
    pub created_at: DateTime<Utc>,
}

/// Makes the rep rows agree with a new owner: the old primary stays on as a secondary
/// rep (seed 000: only `is_primary` turns false), the new owner becomes primary
/// (promoted if they were a secondary rep).
pub(crate) fn sync_owner(
    c: &mut dyn Conn,
    account_id: Uuid,
    owner: Option<Uuid>,
    by: Option<Uuid>,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE account_reps SET role = 'secondary' WHERE account_id = ? AND role = 'primary'",
        &[account_id.into()],
    )?;
    if let Some(owner) = owner {
        let promoted = c.execute(
            "UPDATE account_reps SET role = 'primary' WHERE account_id = ? AND user_id = ?",
            &[account_id.into(), owner.into()],
        )?;
        if promoted == 0 {
            c.execute(
                "INSERT INTO account_reps (account_id, user_id, role, created_by, created_at) VALUES (?, ?, 'primary', ?, ?)",
                &[account_id.into(), owner.into(), by.into(), rapport_db::now().into()],
            )?;
        }
    }
    Ok(())
}

pub(crate) fn rows_of(
    c: &mut dyn Conn,
    account_ids: &[Uuid],
) -> Result<Vec<AccountRep>, StoreError> {
    if account_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = SqlBuf::new(
        "SELECT r.account_id AS account_id, r.user_id AS user_id, u.email AS email, u.name AS name, \
         r.role AS role, r.created_at AS created_at FROM account_reps r JOIN users u ON u.id = r.user_id \
         WHERE r.account_id IN ",
    );
    q.bind_list(account_ids.iter().map(|id| (*id).into()).collect())
        .push(" ORDER BY r.account_id, CASE WHEN r.role = 'primary' THEN 0 ELSE 1 END, u.email");
    c.query(&q.sql, &q.params)?
        .iter()
        .map(|r| {
            let role: String = r.get("role")?;
            Ok(AccountRep {
                account_id: r.get("account_id")?,
                user_id: r.get("user_id")?,
                email: r.get("email")?,
                name: r.get("name")?,
                role: RepRole::parse(&role).ok_or_else(|| {
                    rapport_db::DbError::decode(format!("account_reps.role: {role:?}"))
                })?,
                created_at: r.get("created_at")?,
            })
        })
        .collect()
}

/// An account went away: merged into `to` (its reps become secondary reps of the
/// survivor unless already its reps) or deleted (`to` is None; each row is audited
/// before the database's cascade removes it). Returns how many reps it had.
pub(crate) fn account_gone(
    c: &mut dyn Conn,
    ctx: &Ctx,
    from: Uuid,
    to: Option<Uuid>,
) -> Result<usize, StoreError> {
    let reps = rows_of(c, &[from])?;
    let Some(to) = to else {
        for rep in &reps {
            audit::record_change(
                c,
                ctx,
                AuditAction::Delete,
                crate::kernel::names::ACCOUNT_REP,
                from,
                Some(rep),
                None,
            )?;
        }
        return Ok(reps.len());
    };
    let by = Some(ctx.actor.user_id).filter(|u| !u.is_nil());
    for rep in &reps {
        let present: Option<i64> = c.query_scalar(
            "SELECT 1 FROM account_reps WHERE account_id = ? AND user_id = ?",
            &[to.into(), rep.user_id.into()],
        )?;
        if present.is_none() {
            c.execute(
                "INSERT INTO account_reps (account_id, user_id, role, created_by, created_at) VALUES (?, ?, 'secondary', ?, ?)",
                &[to.into(), rep.user_id.into(), by.into(), rapport_db::now().into()],
            )?;
        }
    }
    c.execute(
        "DELETE FROM account_reps WHERE account_id = ?",
        &[from.into()],
    )?;
    Ok(reps.len())
}
