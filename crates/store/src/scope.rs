//! Who may see and do what — decided here, for every resource, and applied in SQL.
//! The matrix is written out in docs/access.md; this file is its implementation.

use rapport_domain::{Actor, Role};

use crate::{SqlBuf, StoreError};

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

/// Which accounts the actor can see, as a condition over the `accounts` table.
/// Records outside it answer 404, exactly like records that do not exist.
pub fn accounts_visible(actor: &Actor) -> SqlBuf {
    match actor.role {
        Role::Admin | Role::RestrictedAdmin | Role::Manager | Role::Viewer => SqlBuf::new("TRUE"),
        // Seed 001: a rep sees what they own or created.
        Role::Rep => {
            let mut b = SqlBuf::new("accounts.owner_id = ");
            b.bind(actor.user_id)
                .push(" OR accounts.created_by = ")
                .bind(actor.user_id);
            b
        }
        // Partner and distributor users see their own organisation (the partners a
        // distributor manages join this when distributor_partners exists).
        Role::Partner | Role::Distributor => match actor.account_id {
            Some(id) => {
                let mut b = SqlBuf::new("accounts.id = ");
                b.bind(id);
                b
            }
            None => SqlBuf::new("FALSE"),
        },
        // Fulfillers work on orders; they reach accounts only through them.
        Role::Fulfiller => SqlBuf::new("FALSE"),
    }
}

/// Whether the role may do `action` to accounts at all (row scope comes on top).
pub fn require_account_action(actor: &Actor, action: Action) -> Result<(), StoreError> {
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
            "the {} role may not {} accounts",
            actor.role.as_str(),
            action.verb()
        )))
    }
}

/// Only these roles may give a record to someone else; a rep may only name themself.
pub fn may_assign_owner(actor: &Actor, owner: Option<uuid::Uuid>) -> Result<(), StoreError> {
    let free = matches!(
        actor.role,
        Role::Admin | Role::RestrictedAdmin | Role::Manager
    );
    if free || owner == Some(actor.user_id) {
        Ok(())
    } else {
        Err(StoreError::forbidden_field(
            "owner_id",
            format!(
                "the {} role may only set owner_id to themself",
                actor.role.as_str()
            ),
        ))
    }
}

/// The audit log is for admins of either kind.
pub fn require_audit_reader(actor: &Actor) -> Result<(), StoreError> {
    if actor.role.is_admin() {
        Ok(())
    } else {
        Err(StoreError::forbidden(format!(
            "the {} role may not read the audit log",
            actor.role.as_str()
        )))
    }
}
