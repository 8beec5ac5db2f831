//! Who may see and do what — decided here, for every resource, and applied in SQL.
//! The matrix is written out in docs/access.md; this folder is its
//! implementation, one file per area; everything is re-exported here so a caller names
//! `policy::leads_visible` wherever the rule lives.

use rapport_domain::settings::{REPS_DELETE_CREATED, REPS_SEE_LAST_UPDATED};
use rapport_domain::{Actor, Role};

use crate::{SqlBuf, StoreError};

mod admin;
mod contracts;
mod customers;
mod distribution;
mod lab;
mod order_config;
mod orders;
mod pipeline;
mod timeline;

pub use admin::*;
pub use contracts::*;
pub use customers::*;
pub use distribution::*;
pub use lab::*;
pub use order_config::*;
pub use orders::*;
pub use pipeline::*;
pub use timeline::*;

/// Things a role may be allowed to do to a kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Create,
    Update,
    Archive,
    Delete,
}

impl Action {
    fn verb(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Create => "create",
            Action::Update => "update",
            Action::Archive => "archive or restore",
            Action::Delete => "delete",
        }
    }
}

/// `column` names the actor's organisation — for a distributor user, also one of the
/// partners it manages through an active `distributor_partners` link. Partner and
/// distributor scopes are built from this one condition, so deactivating a link hides a
/// partner's records everywhere in the same commit.
fn of_organisation(actor: &Actor, column: &str) -> SqlBuf {
    let Some(org) = actor.account_id else {
        return SqlBuf::new("FALSE");
    };
    let mut b = SqlBuf::new(&format!("({column} = "));
    b.bind(org);
    if actor.role == Role::Distributor {
        b.push(&format!(
            " OR {column} IN (SELECT dp.partner_id FROM distributor_partners dp WHERE dp.distributor_id = "
        ))
        .bind(org)
        .push(" AND dp.active = ")
        .bind(true)
        .push(")");
    }
    b.push(")");
    b
}

/// `column IN` the accounts a rep sees (owned, created, assigned), as one list built once
/// from three index reads: tested per row it is a hash probe, not a subquery, which is
/// what keeps a rep's pages of leads and shipments fast.
fn in_rep_accounts(column: &str, me: uuid::Uuid) -> SqlBuf {
    let mut b = SqlBuf::new(&format!(
        "{column} IN (SELECT id FROM accounts WHERE owner_id = "
    ));
    b.bind(me)
        .push(" UNION SELECT id FROM accounts WHERE created_by = ")
        .bind(me)
        .push(" UNION SELECT account_id FROM account_reps WHERE user_id = ")
        .bind(me)
        .push(" UNION SELECT id FROM accounts WHERE updated_by = ")
        .bind(me)
        .push(" AND ")
        .append(setting_on(REPS_SEE_LAST_UPDATED))
        .push(")");
    b
}

/// A condition that holds while the boolean setting `key` is on (the settings every
/// node shares; docs/access.md "Settings"). Uncorrelated, so each engine evaluates it
/// once per statement.
fn setting_on(key: &'static str) -> SqlBuf {
    let mut b = SqlBuf::new("EXISTS (SELECT 1 FROM settings WHERE settings.key = ");
    b.bind(key)
        .push(" AND settings.value = ")
        .bind(rapport_db::Value::from(serde_json::Value::Bool(true)))
        .push(")");
    b
}

/// Whether the boolean setting `key` is on, read inside the caller's transaction.
fn is_setting_on(c: &mut dyn rapport_db::Conn, key: &'static str) -> Result<bool, StoreError> {
    let mut q = SqlBuf::new("SELECT 1 WHERE ");
    q.append(setting_on(key));
    let found: Option<i64> = c.query_scalar(&q.sql, &q.params)?;
    Ok(found.is_some())
}

fn require_action(actor: &Actor, action: Action, what: &str) -> Result<(), StoreError> {
    let allowed = match action {
        Action::Read => true,
        Action::Create | Action::Update | Action::Archive => matches!(
            actor.role,
            Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Rep
        ),
        Action::Delete => actor.role == Role::Admin,
    };
    if allowed {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not {} {what}",
            actor.role.as_str(),
            action.verb()
        )))
    }
}
